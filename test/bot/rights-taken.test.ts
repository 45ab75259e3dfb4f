// A right taken away after the button was sent or the flow was opened: every callback and command checks that
// this user may touch this case at the moment it acts (found in review; each test here failed when written).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buttons, testBot, texts, type Harness, type TestUser, textsTo as to } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { fileNotice, joinRelative, removeRelative } from "../helpers/notice.js";
import { agreeToContract, commissionFormed, joinMediator, joinStaff, MEDIATOR_NAME, openAdmin, proposeMediator, scheduleSitting } from "../helpers/staff.js";
import type { Call } from "../../bot/local/fake-api.js";
import { createLogger } from "../../bot/logger.js";

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
  at("2026-11-23T10:00:00+05:00");
  h = await testBot(t.db, { adminIds: [ADMIN], now: () => now });
});

const NOT_FOUND_RU = "Такое дело не найдено, или вы в нём не участвуете.";
const docsTo = (calls: Call[], chatId: number) => calls.filter((c) => c.method === "sendDocument" && c.payload.chat_id === chatId).map((c) => c.file?.filename ?? c.payload.document);

// ——— Mediation: a running one, as in mediation.test.ts ———

/** Staff (ru), an applicant (kk) with a case, a mediator (ru); mediation assigned, accepted and agreed to by both. */
const running = async () => {
  const staff = await joinStaff(h, ADMIN, STAFF, "ru");
  const applicant = h.user(APPLICANT, "kk");
  await fileNotice(applicant, "kk");
  const mediator = await joinMediator(h, ADMIN, MEDIATOR);
  await proposeMediator(staff);
  await mediator.press("Согласен(на) быть медиатором");
  await agreeToContract(applicant, staff);
  const m = await t.db.prisma.mediation.findFirstOrThrow();
  expect(m.state).toBe("running");
  return { staff, applicant, mediator, m };
};

/** The mediator's proposal flow, up to (not including) its Send. */
const proposalUpToSend = async (mediator: TestUser, amount = "900000") => {
  await mediator.send("/inbox");
  await mediator.press("Открыть KZ-2026-000001");
  await mediator.press("Предложить урегулирование");
  await mediator.send(amount);
  await mediator.send("Выплата в течение 15 рабочих дней после подписания.");
  await mediator.press("10 дней");
};

/** The admin revokes the mediator's role through /admin → Roles, as in roles.test.ts. */
const revokeMediator = async () => {
  const admin = h.user(ADMIN, "ru");
  await openAdmin(admin);
  await admin.press("Роли");
  // Asked once more, naming the mediator (and the mediations it ends), then «Отозвать».
  const asked = await admin.press(`Отозвать: ${MEDIATOR_NAME} — медиатор`);
  expect(to(asked, ADMIN)[0]).toMatch(new RegExp(`^Отозвать роль: ${MEDIATOR_NAME} \\(.+\\) — медиатор\\? Медиации станут этому человеку недоступны`));
  expect(buttons(asked)).toEqual(["Отозвать", "Не отзывать"]);
  const done = await admin.press("Отозвать");
  expect(to(done, ADMIN)[0]).toBe("Роль отозвана.");
  expect(await t.db.prisma.userRole.count({ where: { userId: BigInt(MEDIATOR), role: "mediator", revokedAt: null } })).toBe(0);
};

describe("a mediator whose role the admin revoked", () => {
  it("can no longer read the mediation they were assigned: its state and every round (an old button's data)", async () => {
    const { mediator, m } = await running();
    await revokeMediator();
    expect(texts(await mediator.pressData(`g:mdview:${m.id}`)), "a revoked mediator still reads the mediation").toEqual([NOT_FOUND_RU, expect.stringMatching(/^Что сделаем\?/)]);
  });

  it("can no longer write to the parties through «Написать» on an old message", async () => {
    const { mediator } = await running();
    await revokeMediator();
    // «Написать» on the message that said mediation started (today the flow opens and asks for the text).
    await mediator.press("Написать");
    const sent = await mediator.send("Я всё ещё медиатор по этому делу.");
    expect(to(sent, APPLICANT), "relayed to the applicant from someone no longer a mediator").toEqual([]);
    expect(to(sent, STAFF), "relayed to staff from someone no longer a mediator").toEqual([]);
    expect(await t.db.prisma.caseEvent.count({ where: { kind: "mediation_message" } })).toBe(0);
  });

  it("cannot end the mediation through the confirm button of an old message", async () => {
    const { mediator, m } = await running();
    await revokeMediator();
    const ended = await mediator.pressData(`g:mdendok:${m.id}`);
    expect(to(ended, APPLICANT), "the applicant is told mediation ended — by someone no longer a mediator").toEqual([]);
    expect((await t.db.prisma.mediation.findFirstOrThrow()).endReason).not.toBe("ended_by_mediator");
  });

  it("cannot send a settlement proposal from a flow opened before the revocation", async () => {
    const { mediator } = await running();
    await proposalUpToSend(mediator);
    await revokeMediator();
    const sent = await mediator.press("Отправить");
    expect(to(sent, APPLICANT), "the applicant got a proposal from someone no longer a mediator").toEqual([]);
    expect(to(sent, MEDIATOR)[0]).not.toMatch(/^Предложение 1 по делу KZ-2026-000001 отправлено сторонам/);
    expect(await t.db.prisma.proposal.count()).toBe(0);
  });

  it("no longer receives the settlement agreement (the applicant's IIN and address) when both sides accept", async () => {
    const { applicant, staff, mediator } = await running();
    await proposalUpToSend(mediator);
    await mediator.press("Отправить");
    await revokeMediator();
    await applicant.press("Қабылдау");
    const agreed = await staff.press("Принять");
    expect(docsTo(agreed, MEDIATOR), "the agreement naming the applicant by IIN and address went to a revoked mediator").toEqual([]);
  });

  it("cannot settle the case with a signed agreement from a flow opened before the revocation", async () => {
    const { applicant, staff, mediator } = await running();
    await proposalUpToSend(mediator);
    await mediator.press("Отправить");
    await applicant.press("Қабылдау");
    await staff.press("Принять");
    await applicant.press("Оқыдым және келісемін");
    await staff.press("Я прочитал(а) и согласен(на)");
    expect((await t.db.prisma.mediation.findFirstOrThrow()).state).toBe("signing");
    // The mediator opens «attach the signed agreement»; the admin revokes their role; they send the file.
    await mediator.press("Приложить подписанное соглашение");
    await revokeMediator();
    const settled = await mediator.document("application/pdf", "signed-agreement");
    expect(to(settled, APPLICANT), "the applicant is told the case is settled on a file from someone no longer a mediator").toEqual([]);
    expect(to(settled, MEDIATOR)[0]).not.toMatch(/урегулировано/);
    expect((await t.db.prisma.case.findFirstOrThrow()).status).not.toBe("settled");
    expect((await t.db.prisma.mediation.findFirstOrThrow()).signedBy).toBeNull();
  });
});

describe("a relative while the applicant is in mediation", () => {
  it("is told the case was settled and sees the mediation begin and end — not its rounds, nor the amount agreed", async () => {
    const { applicant, staff, mediator } = await running();
    const relative = await joinRelative(h, applicant, RELATIVE);
    await proposalUpToSend(mediator);
    await mediator.press("Отправить");
    await applicant.press("Қабылдау");
    await staff.press("Принять");
    await applicant.press("Оқыдым және келісемін");
    await staff.press("Я прочитал(а) и согласен(на)");
    await mediator.press("Приложить подписанное соглашение");
    const settled = await mediator.document("application/pdf", "signed-agreement");
    expect(to(settled, RELATIVE)).toEqual(["Дело KZ-2026-000001 урегулировано: заявитель и медицинская организация подписали соглашение об урегулировании спора по итогам медиации. Ход медиации и условия соглашения конфиденциальны, поэтому бот их не сообщает."]);
    expect(to(settled, APPLICANT)).toEqual(["KZ-2026-000001 ісі реттелді: 900\u00a0000 ₸ сомасына қол қойылған келісім тіркелді."]);
    expect(docsTo(settled, RELATIVE)).toEqual([]);

    await relative.send("/cases");
    const seenByRelative = texts(await relative.press("Открыть KZ-2026-000001"))[0]!;
    expect(seenByRelative).toContain("обе стороны согласились с договором о медиации");
    expect(seenByRelative).toContain("дело урегулировано");
    for (const inside of ["предложен медиатор", "медиатор предложил урегулирование", "приняла предложение", "обе стороны приняли предложение", "согласились с текстом соглашения", "приложено подписанное соглашение"]) {
      expect(seenByRelative, `a relative's timeline shows «${inside}»`).not.toContain(inside);
    }
    // The applicant, a party, still sees every round.
    await applicant.send("/cases");
    expect(texts(await applicant.press("KZ-2026-000001 ісін ашу"))[0]).toContain("медиатор дауды реттеуді ұсынды");
  });
});

describe("a case whose procedure ended", () => {
  it("starts no mediation from an old message's or a forged button: settled, it stays settled", async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "ru");
    const applicant = h.user(APPLICANT, "kk");
    await fileNotice(applicant, "kk");
    await joinMediator(h, ADMIN, MEDIATOR);
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Предложить медиацию");
    const k = await t.db.prisma.case.findFirstOrThrow();
    const role = await t.db.prisma.userRole.findFirstOrThrow({ where: { userId: BigInt(MEDIATOR), role: "mediator" } });
    // Meanwhile the case was settled (an earlier mediation, say).
    await t.db.prisma.case.update({ where: { id: k.id }, data: { status: "settled", closedAt: now } });
    const settled = "Дело KZ-2026-000001 урегулировано: подписанное соглашение об урегулировании спора записано в боте. Новая медиация по нему не начинается.";
    expect(texts(await staff.pressData(`g:mdpick:${k.id}`))).toEqual([settled, expect.stringMatching(/^«Городская больница №7»: обращения\n/)]);
    const chosen = await staff.press(MEDIATOR_NAME);
    expect(to(chosen, STAFF)).toEqual([settled, expect.stringMatching(/^«Городская больница №7»: обращения\n/)]);
    expect(texts(await staff.pressData(`g:mdassign:${k.id}:${role.id}`))).toEqual([settled, expect.stringMatching(/^«Городская больница №7»: обращения\n/)]);
    expect(to(chosen, MEDIATOR)).toEqual([]);
    expect(await t.db.prisma.mediation.count()).toBe(0);
    expect((await t.db.prisma.case.findFirstOrThrow()).status).toBe("settled");
  });
});

// ——— Sittings' calendar files ———

/** Staff (ru), an applicant (kk), the commission formed on KZ-2026-000001 (helpers/staff.ts). */
const formed = () => commissionFormed(h, ADMIN, STAFF, APPLICANT);


describe("a sitting's calendar file sent late", () => {
  it("is not made for a relative the applicant removed meanwhile — least of all with the sitting as moved after the removal", async () => {
    const { staff, applicant } = await formed();
    await joinRelative(h, applicant, RELATIVE);
    // Telegram does not take the relative's calendar file for a while (retries included): kept for a later try.
    h.fake.failNext.set("sendDocument", { crash: true, count: 1000, chatId: RELATIVE });
    await scheduleSitting(staff);
    await h.runtime.idle();
    expect(await t.db.prisma.outbox.count({ where: { chatId: BigInt(RELATIVE), sentAt: null, method: "@sittingIcs" } })).toBe(1);
    // The applicant removes the relative; then staff move the sitting (the removed relative is not told).
    await applicant.send("/cases");
    await applicant.press("KZ-2026-000001 ісін ашу");
    await removeRelative(applicant);
    expect(await t.db.prisma.caseParticipant.count({ where: { userId: BigInt(RELATIVE), removedAt: null } })).toBe(0);
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Перенести: 25.11.2026, 15:00");
    await staff.send("26.11.2026");
    await staff.send("10:30");
    expect(to(await staff.press("Сохранить"), STAFF)[0]).toBe("Заседание по делу KZ-2026-000001 перенесено на 26.11.2026, 10:30. Сообщено: 1.");
    // Telegram takes files again: the kept row is tried once more.
    h.fake.failNext.delete("sendDocument");
    const before = h.fake.calls.length;
    await h.runtime.runJobs(now, h.bot.api, log);
    await h.runtime.idle();
    const files = h.fake.calls.slice(before).filter((c) => c.method === "sendDocument" && c.payload.chat_id === RELATIVE);
    // The calendar file is made when sent, from the sitting as it is then: its new time, address and online link.
    expect(
      files.map((c) => [c.file?.filename, /DTSTART:\d+T\d+Z/.exec(c.file?.bytes.toString("utf8") ?? "")?.[0]]),
      "a calendar file of the sitting, as moved after the removal, made for a relative removed from the case",
    ).toEqual([]);
  });
});
