// Sittings and the relatives who attend them (review of journey J4): a relative who joins after a sitting was set is
// invited to it, no more relatives join than the limit, a reminder can be answered, and an answer promises only the
// reminders still to come. Each test failed on the code before its fix.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buttons, testBot, texts, textsTo as to, type Harness, type TestUser } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { commissionFormed, scheduleSitting } from "../helpers/staff.js";
import type { Call } from "../../bot/local/fake-api.js";
import { createLogger } from "../../bot/logger.js";

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
const RELATIVE = 60;
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
  at("2026-11-23T10:00:00+05:00");
  h = await testBot(t.db, { adminIds: [ADMIN], now: () => now });
});


const ics = (c: Call) => c.file!.bytes.toString("utf8").replace(/\r\n[ \t]/g, "");

/** Staff (ru), an applicant (kk), the commission formed on KZ-2026-000001 (helpers/staff.ts). */
const formed = () => commissionFormed(h, ADMIN, STAFF, APPLICANT);

/** The applicant's fresh relative link (the /start payload). */
const relativeLink = async (applicant: TestUser) => {
  await applicant.send("/cases");
  await applicant.press("KZ-2026-000001 ісін ашу");
  const invite = await applicant.press("Туысты шақыру");
  return /start=(c_[A-Za-z0-9_-]{32})/.exec(texts(invite)[0]!)![1]!;
};

describe("sittings and the relatives who attend them", () => {
  it("a relative who joins after a sitting was scheduled is told of it and gets its calendar file", async () => {
    const { staff, applicant } = await formed();
    await scheduleSitting(staff); // 25.11.2026, 15:00
    const link = await relativeLink(applicant);
    const relative = h.user(RELATIVE, "ru");
    await relative.send(`/start ${link}`);
    await relative.press("Супруг(а)");
    await relative.press("Согласен(на)");
    const joined = await relative.send("Сейтова Асель Нурлановна");
    // What the relative got on joining: only «Вы присоединились… Вы будете получать приглашения…» and the menu.
    const files = joined.filter((c) => c.method === "sendDocument" && c.payload.chat_id === RELATIVE);
    expect(to(joined, RELATIVE).some((x) => x.includes("25.11.2026, 15:00"))).toBe(true);
    expect(files.map((f) => f.file!.filename)).toEqual(["KZ-2026-000001-sitting.ics"]);
  });

  it("no more than RELATIVES_MAX (10) relatives can join, however many links were made beforehand", async () => {
    const { applicant } = await formed();
    const links: string[] = [];
    for (let i = 0; i < 11; i++) links.push(await relativeLink(applicant)); // all made while nobody has joined yet
    let last: Call[] = [];
    for (let i = 0; i < 11; i++) {
      const r = h.user(100 + i, "ru");
      await r.send(`/start ${links[i]}`);
      await r.press("Близкий родственник");
      await r.press("Согласен(на)");
      last = await r.send("Сейтова Асель Нурлановна");
    }
    expect(await t.db.prisma.caseParticipant.count({ where: { role: "relative", removedAt: null } })).toBeLessThanOrEqual(10);
    expect(to(last, 110)[0]).toBe("К делу уже приглашено 10 человек — это предел.");
  });

  it("a reminder to someone who has not answered carries the answer buttons", async () => {
    const { staff } = await formed();
    await scheduleSitting(staff);
    const day = await h.runtime.runJobs(at("2026-11-24T15:00:00+05:00"), h.bot.api, log).then(() => h.fake.sent("sendMessage", APPLICANT).at(-1)!);
    expect(String(day.payload.text)).toMatch(/^Еске салу: ертең .*\nСіздің жауабыңыз: жауап жоқ\.$/s);
    // «Your answer: none» — and no way to give one from here (the invitation is far up the chat).
    expect(buttons([day])).toEqual(["Өзім барып қатысамын", "Онлайн қатысамын", "Қатыса алмаймын"]);
  });

  it("an answer to a sitting less than a day ahead does not promise a day-before reminder that will never come", async () => {
    const { staff, applicant } = await formed(); // 23.11, 10:00
    await scheduleSitting(staff, "23.11.2026", "15:00"); // today, five hours ahead: no day-before reminder is set
    expect(await t.db.prisma.scheduledJob.count({ where: { kind: "sitting_reminder", state: "pending" } })).toBe(1);
    const answered = await applicant.press("Өзім барып қатысамын");
    expect(to(answered, APPLICANT)[0]).toBe("Жазылды: «Өзім барып қатысамын» — 23.11.2026, 15:00 отырысы. Отырыстан екі сағат бұрын еске саламын. Жауапты төмендегі батырмалармен өзгертуге болады.");
  });

  it("a link that says «до 30.11.2026» / «30.11.2026 күніне дейін» still works on 30.11 in the afternoon", async () => {
    const { applicant } = await formed(); // 23.11, 10:00
    await applicant.send("/cases");
    await applicant.press("KZ-2026-000001 ісін ашу");
    const invite = await applicant.press("Туысты шақыру");
    expect(texts(invite)[0]).toContain("30.11.2026 күніне дейін");
    const link = /start=(c_[A-Za-z0-9_-]{32})/.exec(texts(invite)[0]!)![1]!;
    at("2026-11-30T15:00:00+05:00"); // the day the link names, afternoon
    const r = h.user(RELATIVE, "ru");
    const opened = await r.send(`/start ${link}`);
    expect(texts(opened).join("\n")).not.toMatch(/приглашение недействительно/);
  });

  it("pressing the same answer again does not message staff again", async () => {
    const { staff, applicant } = await formed();
    await scheduleSitting(staff);
    const first = await applicant.press("Өзім барып қатысамын");
    expect(to(first, STAFF)).toEqual(["Дело KZ-2026-000001, заседание 25.11.2026, 15:00: заявитель — придёт очно."]);
    const again = await applicant.press("Өзім барып қатысамын");
    expect(to(again, STAFF)).toEqual([]);
  });

  it("an online link with a comma stays a working URL in the calendar file (URI values are not TEXT-escaped)", async () => {
    const { staff, applicant } = await formed();
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Назначить заседание");
    await staff.send("25.11.2026");
    await staff.send("15:00");
    await staff.press("Онлайн");
    await staff.send("https://meet.example.kz/j/123?pwd=a,b;c");
    await staff.press("Без примечания");
    const saved = await staff.press("Сохранить");
    const file = ics(saved.find((c) => c.method === "sendDocument" && c.payload.chat_id === APPLICANT)!);
    // Not «a\,b\;c» (text escaping, which a calendar keeps in the link): percent-encoded, the same link.
    expect(file).toMatch(/^URL(;VALUE=URI)?:https:\/\/meet\.example\.kz\/j\/123\?pwd=a%2Cb%3Bc\r?$/m);
    void applicant;
  });

  it("the applicant opening their own relative link is not asked who they are to the patient, nor their name", async () => {
    const { applicant } = await formed();
    const link = await relativeLink(applicant);
    const opened = await applicant.send(`/start ${link}`);
    expect(buttons(opened)).not.toContain("Жұбайы");
    expect(texts(opened).join("\n")).not.toMatch(/Пациентке кім боласыз|Кем вы приходитесь/);
    expect(texts(opened)[0]).toMatch(/KZ-2026-000001/);
  });

  it("a relative removed and invited again is asked again: their old «не смогу» is not kept for them", async () => {
    const { staff, applicant } = await formed();
    await scheduleSitting(staff); // 25.11.2026, 15:00
    const join = async () => {
      const relative = h.user(RELATIVE, "ru");
      await relative.send(`/start ${await relativeLink(applicant)}`);
      await relative.press("Супруг(а)");
      if (buttons(h.fake.sent("sendMessage", RELATIVE).slice(-1)).includes("Согласен(на)")) await relative.press("Согласен(на)");
      return { relative, joined: await relative.send("Сейтова Асель Нурлановна") };
    };
    const { relative } = await join();
    await relative.press("Не смогу участвовать");
    expect(await t.db.prisma.sittingResponse.count({ where: { userId: BigInt(RELATIVE) } })).toBe(1);
    await applicant.press(buttons(h.fake.sent("sendMessage", APPLICANT)).find((b) => b.startsWith("Алып тастау:"))!);
    await applicant.press("Алып тастау"); // asked once more before a relative is removed
    const { joined } = await join();
    expect(await t.db.prisma.sittingResponse.count({ where: { userId: BigInt(RELATIVE) } })).toBe(0);
    // Invited again, with the answer buttons.
    expect(joined.filter((c) => c.payload.chat_id === RELATIVE).flatMap((c) => buttons([c]))).toContain("Не смогу участвовать");
  });
});
