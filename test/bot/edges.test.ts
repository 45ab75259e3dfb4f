// Edges of this session's fixes (a review of them): a new IIN backed out of to the review, a deadline recounted to a
// day already over, an unanswered proposal to mediate that the admin made, a proposal after the mediation's term.
// Also /start in the middle of a staff flow (a review of a newcomer's first steps).
// Each test failed on the code before its fix.
import { describe, expect, it } from "vitest";
import { TEST_DATA_KEY, testBot, texts, textsTo, type TestUser } from "../helpers/bot.js";
import { Store } from "../../bot/runtime/store.js";
import { testDatabase } from "../helpers/db.js";
import { withBot } from "../helpers/world.js";
import { fileNotice, handIn } from "../helpers/notice.js";
import { agreeToContract, commissionFormed, inviteStaff, joinMediator, joinStaff, MEDIATOR_NAME, openAdmin, proposeMediator, proposeSettlement } from "../helpers/staff.js";
import { createLogger } from "../../bot/logger.js";
import { openSensitive } from "../../bot/core/case.js";

const ADMIN = 9001;
const APPLICANT = 51;
const MEDIATOR = 70;
const NUMBER = "KZ-2026-000001";
const log = createLogger("silent");

/** As test/bot/notice-editing.test.ts: a notice (ru) filled in up to its review, care from 01.01.1988. */
const toReview = async (u: TestUser) => {
  await u.send("/start");
  await u.press("Согласен(на)");
  await u.send("/notice");
  await u.press("Близкий родственник");
  await u.press("Подтверждаю");
  await u.send("Әсел Нұрланқызы Серікова");
  await u.send("850301300121"); // born 01.03.1985
  await u.press("Да, верно");
  await u.press("г. Астана");
  await u.send("Қалалық №5 емхана");
  await u.send("01.01.1988");
  await u.send("После операции началось осложнение, о котором нас не предупредили.");
  await u.press("Инвалидность II группы");
  await u.press("Нет, не сообщено");
  await u.press("Готово");
  await u.contact("77011234567");
};

describe("review9: a new IIN typed from the review, then Back", () => {
  it("does not return to the review with a birth date after the dates of care — nor file the notice so", async () => {
    const t = await testDatabase();
    try {
      const h = await testBot(t.db, { now: () => new Date("2026-03-20T10:00:00+05:00") });
      const u = h.user(130, "ru");
      await toReview(u);
      await u.press("Изменить: ИИН");
      await u.send("900515300008"); // born 15.05.1990 — after the care of 01.01.1988
      await u.press("◀ Назад"); // at «born 15.05.1990, right?»: back to the IIN question
      // At the IIN question, editing: back to the review — which showed the new IIN (born 15.05.1990)
      // beside «Даты лечения: 01.01.1988», and filed it so. Back keeps the answers given before the change: the IIN
      // never confirmed is not kept, and the review is as it was.
      const back = texts(await u.press("◀ Назад"));
      expect(back.at(-1)).toMatch(/^11\/11 · Проверьте:/);
      expect(back.at(-1)).toContain("ИИН: ••••••••0121\n");
      await u.press("Сохранить обращение");
      const k = await t.db.prisma.case.findFirst();
      // The birth date is sealed with the IIN.
      const a = { ...((k?.answers ?? {}) as { careFrom?: string }), birthDate: k ? openSensitive(TEST_DATA_KEY, k.sensitive).birthDate : undefined };
      expect(k === null || a.careFrom! >= a.birthDate!, `filed: care from ${a.careFrom}, born ${a.birthDate}`).toBe(true);
    } finally {
      await t.dispose();
    }
  });
});

describe("review9: the deadlines recounted at start", () => {
  it("a deadline the new table moves earlier, to a day already over, is not told as still running («теперь — до конца дня» a past day)", async () => {
    const t = await testDatabase();
    try {
      let now = new Date("2026-11-23T10:00:00+05:00"); // Monday
      const h = await testBot(t.db, { adminIds: [ADMIN], now: () => now });
      const applicant = h.user(APPLICANT, "ru");
      await fileNotice(applicant, "ru");
      await handIn(applicant, "ru"); // received 23.11.2026: formation due by the end of Thursday 26.11.2026
      const k = await t.db.prisma.case.findFirstOrThrow();
      const answers = k.answers as Record<string, unknown>;
      expect(answers.formationDue).toBe("2026-11-26");
      // As if told under a table that had 26 and 27.11 off (a decree since moved them): due 30.11, still running.
      await t.db.prisma.case.update({ where: { id: k.id }, data: { answers: { ...answers, formationDue: "2026-11-30" } } });
      now = new Date("2026-11-28T08:00:00+05:00"); // Saturday: the recounted day, 26.11, is over
      await h.runtime.start(now);
      await h.runtime.runJobs(now, h.bot.api, log);
      await h.runtime.idle();
      const told = textsTo(h.fake.calls, APPLICANT).filter((x) => x.includes("пересчитал"));
      expect(told.filter((x) => x.includes("теперь — до конца дня 26.11.2026")), "told on 28.11 that the deadline now runs to the end of 26.11").toEqual([]);
      expect(told).toEqual(["Дело KZ-2026-000001: календарь рабочих дней обновлён, и бот пересчитал срок формирования независимой экспертной комиссии: он истёк в конце дня 26.11.2026 (было — до конца дня 30.11.2026)."]);
    } finally {
      await t.dispose();
    }
  });
});

describe("review9: a mediation the admin proposed, which the mediator never answered", () => {
  it("its lapse reaches the admin who proposed it (as a decline now does) — not only the mediator who never answered", async () => {
    await withBot([ADMIN], "2026-11-23T10:00:00+05:00", async ({ h, at }) => {
      // The organisation is registered, but none of its staff joined the bot.
      await inviteStaff(h, ADMIN);
      await fileNotice(h.user(APPLICANT, "kk"), "kk");
      await joinMediator(h, ADMIN, MEDIATOR);
      const admin = h.user(ADMIN, "ru");
      await openAdmin(admin);
      await admin.press("Предложить медиатора");
      await admin.press(`${NUMBER} — Городская больница №7`);
      await admin.press(MEDIATOR_NAME);
      const before = h.fake.calls.length;
      at("2026-12-04T10:00:00+05:00");
      await h.runtime.runJobs(new Date("2026-12-04T10:00:00+05:00"), h.bot.api, log);
      await h.runtime.idle();
      const after = h.fake.calls.slice(before);
      expect(textsTo(after, MEDIATOR).some((x) => x.includes("не ответили за десять")), "the mediator is told").toBe(true);
      expect(textsTo(after, ADMIN).some((x) => x.includes(NUMBER)), `the admin who proposed it is told; everyone told: ${JSON.stringify(texts(after))}`).toBe(true);
    });
  });
});

describe("review9: a proposal made after the mediation's end, before its expiry job ran (a restart, a busy case)", () => {
  it("is not sent to the sides as standing «until the end of» a day already over", async () => {
    await withBot([ADMIN], "2026-11-23T10:00:00+05:00", async ({ t, h, at }) => {
      const staff = await joinStaff(h, ADMIN, 50, "ru");
      const applicant = h.user(APPLICANT, "kk");
      await fileNotice(applicant, "kk");
      const mediator = await joinMediator(h, ADMIN, MEDIATOR);
      await proposeMediator(staff, NUMBER);
      await mediator.press("Согласен(на) быть медиатором");
      await agreeToContract(applicant, staff);
      const m = await t.db.prisma.mediation.findFirstOrThrow();
      expect(m.state).toBe("running");
      // The morning after the mediation's last day; its expiry job has not run yet.
      at(new Date(m.endsAt!.getTime() + 10 * 3_600_000).toISOString());
      const sent = await proposeSettlement(mediator, "500000");
      expect(textsTo(sent, MEDIATOR)[0]).toBe(`Медиация по делу ${NUMBER} сейчас не идёт.`);
      const p = await t.db.prisma.proposal.findFirst();
      expect(p === null || p.validUntil! > new Date(m.endsAt!.getTime() + 10 * 3_600_000), `the sides were sent: ${JSON.stringify(textsTo(sent, STAFF_ID))}`).toBe(true);
    });
  });
});
const STAFF_ID = 50;

describe("/start in the middle of a flow that holds typed answers", () => {
  it("/start while staff schedule a sitting asks before throwing the date, time and format away, as /cancel does", async () => {
    await withBot([10], "2026-11-23T05:00:00Z", async ({ h, t }) => {
      const { staff } = await commissionFormed(h, 10, 20, 30);
      await staff.send("/inbox");
      await staff.press("Открыть KZ-2026-000001");
      await staff.press("Назначить заседание");
      await staff.send("25.11.2026");
      await staff.send("15:00");
      await staff.press("Очно");
      const stack = async () => (await new Store(t.db.prisma, [], TEST_DATA_KEY).load(20, 20)).stack.map((e) => e.flow);
      expect(texts(await staff.send("/start"))).toEqual(["Введённые данные будут удалены. Выйти?"]);
      expect(await stack()).toContain("sitting");
      // «No»: the sitting's question again, nothing lost.
      await staff.press("Нет, продолжить");
      expect(await stack()).toContain("sitting");
      // «Yes»: gone, as /start meant.
      await staff.send("/start");
      expect(texts(await staff.press("Да, выйти"))[0]).toBe("Отменено.");
      expect(await stack()).not.toContain("sitting");
    });
  });
});

describe("/start over a sitting being scheduled, with the explainer opened on top of it", () => {
  it("loses nothing until «Yes»: «No» is back in the explainer, the sitting under it; «Yes» throws the sitting away and shows the home screen /start shows", async () => {
    await withBot([10], "2026-11-23T05:00:00Z", async ({ h, t }) => {
      const { staff } = await commissionFormed(h, 10, 20, 30);
      await staff.send("/inbox");
      await staff.press("Открыть KZ-2026-000001");
      await staff.press("Назначить заседание");
      await staff.send("25.11.2026");
      await staff.send("15:00");
      const explainer = texts(await staff.send("/explain"));
      const stack = async () => (await new Store(t.db.prisma, [], TEST_DATA_KEY).load(20, 20)).stack;
      const before = await stack();
      expect(before.map((e) => e.flow)).toEqual(["sitting", "explainer"]);
      expect(texts(await staff.send("/start"))).toEqual(["Введённые данные будут удалены. Выйти?"]);
      // Asked only: the explainer on top is still there.
      expect(await stack()).toEqual(before);
      // «No»: the explainer's question again, and the sitting under it with its date and time.
      expect(texts(await staff.press("Нет, продолжить")).at(-1)).toBe(explainer.at(-1));
      expect((await stack()).map((e) => e.snapshot)).toEqual(before.map((e) => e.snapshot));
      // «Yes»: the sitting is gone, and what /start shows a staff member comes: their home screen.
      const home = texts(await staff.send("/menu"));
      await staff.send("/start");
      const yes = texts(await staff.press("Да, выйти"));
      expect(yes).toEqual(["Отменено.", ...home]);
      expect(await stack()).toEqual([]);
    });
  });
});
