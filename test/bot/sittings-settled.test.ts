// A case settled (the signed agreement recorded) while a sitting of its commission is still to come. law.md does not
// say a settlement cancels the commission's sittings: the bot stops reminding and following them, says so to each person
// invited, in their language — not that the sitting is cancelled, and with no calendar file taking it off — and
// leaves it to the organisation to say whether it is held. Staff's home no longer offers it as to come.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buttons, seen, testBot, texts, textsTo as to, type Harness } from "../helpers/bot.js";
import { createLogger } from "../../bot/logger.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { joinRelative } from "../helpers/notice.js";
import { agreeToContract, commissionFormed, joinMediator, proposeMediator, proposeSettlement, scheduleSitting } from "../helpers/staff.js";

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
const RELATIVE = 60;
const MEDIATOR = 70;
const log = createLogger("silent");
let t: TestDb;
let h: Harness;
let now: Date;
const at = (iso: string) => (now = new Date(iso));
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t.dispose());
beforeEach(async () => {
  await t.reset();
  at("2026-11-23T10:00:00+05:00"); // a Monday
  h = await testBot(t.db, { adminIds: [ADMIN], now: () => now });
});

const HOME_SITTING = "Заседания комиссии на 7 дней вперёд: 1\n• 25.11.2026, 15:00 — дело KZ-2026-000001";

/** The commission formed, a relative (ru) on the case, a sitting on 25.11.2026 at 15:00; then a mediation settles it. */
const settledWithSittingToCome = async () => {
  const { staff, applicant } = await commissionFormed(h, ADMIN, STAFF, APPLICANT);
  const relative = await joinRelative(h, applicant, RELATIVE);
  await scheduleSitting(staff); // 25.11.2026, 15:00
  await staff.send("/start");
  // Before the settlement, staff's home names it among the sittings to come.
  expect(texts(h.fake.calls.filter((c) => c.payload.chat_id === STAFF)).at(-1)).toContain(HOME_SITTING);
  const mediator = await joinMediator(h, ADMIN, MEDIATOR);
  await proposeMediator(staff);
  await mediator.press("Согласен(на) быть медиатором");
  await agreeToContract(applicant, staff);
  await proposeSettlement(mediator, "2 000 000");
  await applicant.press("Қабылдау");
  await staff.press("Принять");
  await applicant.press("Оқыдым және келісемін");
  await staff.press("Я прочитал(а) и согласен(на)");
  await mediator.press("Приложить подписанное соглашение");
  const settled = await mediator.document("application/pdf", "signed");
  expect((await t.db.prisma.case.findFirstOrThrow()).status).toBe("settled");
  return { staff, applicant, relative, mediator, settled };
};

describe("a sitting still to come when the case is settled", () => {
  it("each person invited is told in their language that the bot will neither remind them of it nor follow it, and to ask the organisation — not that it is cancelled, and no calendar file", async () => {
    const { settled } = await settledWithSittingToCome();
    expect(to(settled, APPLICANT)).toEqual([
      "KZ-2026-000001 ісі реттелді: 2\u00a0000\u00a0000 ₸ сомасына қол қойылған келісім тіркелді.",
      "KZ-2026-000001 ісі реттелді, сондықтан бот 25.11.2026, 15:00 уақытына белгіленген комиссия отырысы туралы енді еске салмайды және оны бақыламайды. Отырыстың өтетін-өтпейтінін «Городская больница №7» ұйымынан нақтылаңыз.",
    ]);
    expect(to(settled, RELATIVE)).toEqual([
      "Дело KZ-2026-000001 урегулировано: заявитель и медицинская организация подписали соглашение об урегулировании спора по итогам медиации. Ход медиации и условия соглашения конфиденциальны, поэтому бот их не сообщает.",
      "Дело KZ-2026-000001 урегулировано, поэтому бот больше не будет напоминать о заседании комиссии, назначенном на 25.11.2026, 15:00, и следить за ним. Состоится ли заседание, уточните в организации «Городская больница №7».",
    ]);
    // No file that would take it off their calendars as cancelled; staff and the mediator are not told of it.
    const files = (id: number) => settled.filter((c) => c.method === "sendDocument" && c.payload.chat_id === id).map((c) => c.file?.filename ?? c.payload.document);
    expect(files(APPLICANT), "the signed agreement only").toEqual(["signed"]);
    expect(files(RELATIVE)).toEqual([]);
    // The case's button under the last message each gets (the note about the sitting), not above it: one keyboard.
    expect(seen(settled, APPLICANT), "the applicant's chat").toEqual(["document", "message", "message+buttons"]);
    expect(buttons(settled.filter((c) => c.payload.chat_id === APPLICANT))).toEqual(["KZ-2026-000001 ісін ашу"]);
    expect(seen(settled, RELATIVE), "the relative's chat").toEqual(["message", "message+buttons"]);
    expect(buttons(settled.filter((c) => c.payload.chat_id === RELATIVE))).toEqual(["Открыть KZ-2026-000001"]);
    expect(to(settled, STAFF).join("\n")).not.toContain("25.11.2026, 15:00");
    expect(to(settled, MEDIATOR).join("\n")).not.toContain("25.11.2026, 15:00");
    // The sitting is not recorded as cancelled: the bot does not know that it is.
    const s = await t.db.prisma.sitting.findFirstOrThrow();
    expect([s.cancelledAt, s.sequence]).toEqual([null, 0]);
    // As said: no reminder the day before, nor two hours before.
    for (const iso of ["2026-11-24T15:00:00+05:00", "2026-11-25T13:00:00+05:00"]) {
      const before = h.fake.calls.length;
      await h.runtime.runJobs(at(iso), h.bot.api, log);
      const later = h.fake.calls.slice(before);
      expect([...to(later, APPLICANT), ...to(later, RELATIVE)], iso).toEqual([]);
    }
  });

  it("an answer pressed afterwards on the invitation is not recorded, and says the case was settled — not that there will be no more sittings", async () => {
    const { relative, staff } = await settledWithSittingToCome();
    const answered = await relative.press("Приду очно");
    expect(to(answered, RELATIVE)).toEqual([
      "Дело KZ-2026-000001 урегулировано, поэтому бот больше не записывает ответы на приглашения на заседания комиссии. Состоится ли заседание, уточните в организации «Городская больница №7».",
      expect.stringMatching(/^Что сделаем\?/),
    ]);
    expect(to(answered, STAFF)).toEqual([]);
    expect(await t.db.prisma.sittingResponse.count()).toBe(0);
    // Staff's home no longer offers it as to come.
    const home = await staff.send("/start");
    expect(to(home, STAFF).join("\n")).not.toContain("25.11.2026, 15:00");
    expect(to(home, STAFF).join("\n")).toContain("Заседания комиссии на 7 дней вперёд: 0");
  });

  it("a sitting over, or cancelled before the settlement, is said to be so on its old invitation — not «ask the organisation whether it takes place»", async () => {
    const { relative, applicant } = await settledWithSittingToCome();
    // Weeks later, the relative presses the old invitation: it is over.
    at("2026-12-20T10:00:00+05:00");
    expect(to(await relative.press("Приду очно"), RELATIVE)).toEqual(["Это заседание уже прошло.", expect.stringMatching(/^Что сделаем\?/)]);
    // One cancelled (and the family told so) before the case was settled: cancelled, as they were told.
    at("2026-11-24T10:00:00+05:00");
    await t.db.prisma.sitting.updateMany({ data: { cancelledAt: new Date("2026-11-23T09:00:00+05:00") } });
    expect(to(await applicant.press("Өзім барып қатысамын"), APPLICANT)[0]).toBe("Бұл отырыс болдырылмаған.");
    expect(await t.db.prisma.sittingResponse.count()).toBe(0);
  });
});
