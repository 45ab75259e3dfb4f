// The commission's deadlines as told when something came late: a reminder run the morning after its day, a
// complaint drafted while the overdue notice was still put off by a mediation, a complaint drafted before the
// commission caught up (review against law.md §3, §5). Each failed on the code before its fix.
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { testBot, texts, textsTo, type Harness } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { fileNotice, giveParticulars, handIn } from "../helpers/notice.js";
import { joinMediator, joinStaff, MEDIATOR_NAME, recordReceipt } from "../helpers/staff.js";
import { createLogger } from "../../bot/logger.js";

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
const STAFF_CHAT = -100777;
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
  h = await testBot(t.db, { adminIds: [ADMIN], now: () => now, staffChatId: STAFF_CHAT });
});
const runJobs = (iso: string) => h.runtime.runJobs(at(iso), h.bot.api, log);

describe("a last day's reminder that runs late", () => {
  it("does not tell staff «today, until the end of <yesterday>» after the deadline day is over", async () => {
    // Received Monday 23.11.2026: formation due by the end of Thursday 26.11.2026.
    const applicant = h.user(APPLICANT, "ru");
    await fileNotice(applicant, "ru");
    await handIn(applicant, "ru");
    h.fake.clear();
    // The bot was down for all of 26.11 (its 09:00 reminder never ran) and is back on Friday morning.
    await runJobs("2026-11-27T08:00:00+05:00");
    const staffSaw = texts(h.fake.sent("sendMessage", STAFF_CHAT));
    // It is 27.11: "today" is not 26.11, and the deadline is over.
    expect(staffSaw.filter((x) => /сегодня, до конца дня 26\.11\.2026|бүгін, 26\.11\.2026/.test(x))).toEqual([]);
  });
});

describe("a last day's reminder decided but left unsent (a clean stop) until the next morning", () => {
  it("is not sent at the next start on a later day: its «today» would be false", async () => {
    const applicant = h.user(APPLICANT, "ru");
    await fileNotice(applicant, "ru");
    await handIn(applicant, "ru"); // received 23.11: formation due by the end of Thursday 26.11
    // Instance «a» decides the 09:00 reminder of 26.11 and stops before sending it (left in the outbox, leased to «a»).
    const a = await testBot(await t.another(), { adminIds: [ADMIN], now: () => now, staffChatId: STAFF_CHAT, instanceId: "a" });
    a.runtime.stopSending();
    await a.runtime.runJobs(at("2026-11-26T09:00:00+05:00"), a.bot.api, log);
    expect(await t.db.prisma.outbox.count({ where: { sentAt: null, leasedBy: "a" } }), "the reminder left in the outbox").toBeGreaterThan(0);
    // «a» starts again on Friday 27.11.
    at("2026-11-27T08:00:00+05:00");
    const a2 = await testBot(await t.another(), { adminIds: [ADMIN], now: () => now, staffChatId: STAFF_CHAT, instanceId: "a" });
    await a2.runtime.flush(a2.bot.api, log);
    expect(texts(a2.fake.sent("sendMessage", STAFF_CHAT)).filter((x) => /сегодня, до конца дня 26\.11\.2026|бүгін, 26\.11\.2026/.test(x))).toEqual([]);
    expect(await t.db.prisma.outbox.count({ where: { sentAt: null } }), "left unsent for good").toBe(0);
  });
});

describe("a receipt reported after its deadline already passed", () => {
  it("is not answered with a deadline in the past worded as still to come («Если срок пройдёт…»)", async () => {
    const applicant = h.user(APPLICANT, "ru");
    await fileNotice(applicant, "ru");
    // The applicant handed the notice in on Monday 23.11 and tells the bot only on Tuesday 01.12.
    at("2026-12-01T12:00:00+05:00");
    const said = textsTo(await handIn(applicant, "ru", "23.11.2026"), APPLICANT)[0]!;
    // The deadline was 26.11.2026 — five days before this message.
    expect(said).toBe(
      "Записано: вы передали обращение KZ-2026-000001 в организацию 23.11.2026. Срок формирования независимой экспертной комиссии — 3 рабочих дня после получения — истёк в конце дня 26.11.2026.",
    );
    // The overdue notice follows at once, with the way onward.
    await h.runtime.runJobs(now, h.bot.api, log);
    expect(textsTo(h.fake.calls, APPLICANT).at(-1)).toMatch(/^Дело KZ-2026-000001: срок формирования независимой экспертной комиссии истёк 26\.11\.2026/);
  });
});


describe("a formation recorded after the conclusion's deadline already passed", () => {
  it("tells staff and the applicant the conclusion's deadline expired, not that it is due by a day gone by", async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "ru");
    const applicant = h.user(APPLICANT, "ru");
    await fileNotice(applicant, "ru");
    await recordReceipt(staff, "ru"); // received 23.11.2026
    // Formed on 24.11 (conclusion due by the end of 01.12), recorded only on 03.12.
    at("2026-12-03T10:00:00+05:00");
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Комиссия сформирована");
    await staff.press("Подтверждаю: в другой день");
    const said = await staff.send("24.11.2026");
    expect(textsTo(said, STAFF)[0]).toBe("Записано: комиссия по делу KZ-2026-000001 сформирована 24.11.2026. Срок заключения по счёту бота истёк в конце дня 01.12.2026.");
    expect(textsTo(said, APPLICANT)[0]).toMatch(/^Дело KZ-2026-000001: независимая экспертная комиссия сформирована 24\.11\.2026\. Срок заключения — 5 рабочих дней; по счёту бота он истёк в конце дня 01\.12\.2026\./);
  });
});

describe("a formation recorded late, on a day within its deadline", () => {
  it("the case's timeline no longer says the formation deadline passed, though the bot told everyone then that nothing was recorded", async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "ru");
    const applicant = h.user(APPLICANT, "ru");
    await fileNotice(applicant, "ru");
    await recordReceipt(staff, "ru"); // received 23.11.2026: formation due by the end of 26.11.2026
    await runJobs("2026-11-27T00:00:05+05:00");
    expect(textsTo(h.fake.calls, APPLICANT).join("\n")).toContain("срок формирования независимой экспертной комиссии истёк 26.11.2026");
    // The commission was formed on the 26th, in time; staff record it on the 27th.
    at("2026-11-27T10:00:00+05:00");
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Комиссия сформирована");
    await staff.press("Подтверждаю: в другой день");
    await staff.send("26.11.2026");
    await applicant.send("/cases");
    const timeline = texts(await applicant.press("Открыть KZ-2026-000001"))[0]!;
    expect(timeline).toContain("23.11.2026 — организация получила обращение\n26.11.2026 — комиссия сформирована");
    expect(timeline).not.toContain("истёк срок формирования комиссии");
  });
});

describe("a complaint drafted right after a mediation that outlived the formation deadline", () => {
  it("does not say the commission's deadline is still pending when it passed days ago", async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "ru");
    const applicant = h.user(APPLICANT, "ru");
    await fileNotice(applicant, "ru");
    await recordReceipt(staff, "ru"); // received 23.11.2026: formation due by the end of 26.11.2026
    const mediator = await joinMediator(h, ADMIN, 70);
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Предложить медиацию");
    await staff.press(MEDIATOR_NAME);
    await mediator.press("Согласен(на) быть медиатором");
    await applicant.press("Согласен(на) с договором");
    await giveParticulars(applicant);
    await staff.press("Согласен(на) с договором");
    // The deadline passes during the mediation (told at once; the path onward comes when it ends).
    await runJobs("2026-11-27T00:00:01+05:00");
    await runJobs("2026-11-30T09:00:00+05:00");
    // Monday 30.11, 09:10: the applicant leaves the mediation and drafts a complaint at once.
    at("2026-11-30T09:10:00+05:00");
    await applicant.press("Выйти из медиации");
    await applicant.press("Завершить");
    // /cases at this moment says the deadline expired:
    expect(texts(await applicant.send("/cases"))[0]).toContain("Срок истёк 26.11.2026.");
    await applicant.press("Подготовить жалобу");
    await applicant.press("Управление здравоохранения");
    const drafted = texts(await applicant.press("Да, использовать"))[0]!;
    // …but the complaint to the health department says the commission is merely "not yet formed", deadline 26.11.
    expect(drafted).not.toContain("пока не сформирована; срок — до конца дня 26.11.2026");
    expect(drafted).toContain("о её формировании в срок — до конца дня 26.11.2026 (3 рабочих дня с получения обращения организацией) — мне не сообщено.");
  });
});

describe("a complaint drafted after a missed deadline (the bot sends it nowhere)", () => {
  it("does not stop the commission's procedure: staff can still record a late formation, and the conclusion is then watched", async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "ru");
    const applicant = h.user(APPLICANT, "ru");
    await fileNotice(applicant, "ru");
    await recordReceipt(staff, "ru"); // received 23.11.2026: formation due by the end of 26.11.2026
    await runJobs("2026-11-27T00:00:01+05:00"); // passed: the applicant is offered to take it further
    // The applicant drafts a complaint to the organisation's management (the bot sends nothing anywhere).
    at("2026-11-27T10:00:00+05:00");
    await applicant.press("Подготовить жалобу");
    await applicant.press("Руководство организации");
    await giveParticulars(applicant);
    // The applicant's /cases still names the commission's next step.
    expect(texts(await applicant.send("/cases"))[0]).toContain("Следующий шаг: медицинская организация формирует независимую экспертную комиссию.");
    // The management reacts: the commission is formed on Monday 30.11 and staff record it.
    at("2026-11-30T11:00:00+05:00");
    await staff.send("/inbox");
    const opened = await staff.press("Открыть KZ-2026-000001");
    const buttonsShown = opened.flatMap((c) => ((c.payload.reply_markup as { inline_keyboard?: { text: string }[][] } | undefined)?.inline_keyboard ?? []).flat().map((b) => b.text));
    expect(buttonsShown).toContain("Комиссия сформирована");
    await staff.press("Комиссия сформирована");
    const recorded = textsTo(await staff.press("Подтверждаю"), STAFF);
    expect(recorded[0]).toMatch(/^Записано: комиссия по делу KZ-2026-000001 сформирована 30\.11\.2026\. Заключение — до конца дня 07\.12\.2026\./);
    expect((await t.db.prisma.case.findFirstOrThrow()).formedAt).not.toBeNull();
  });

  it("does not stop the conclusion either: staff record it after the applicant drafted a complaint about its deadline", async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "ru");
    const applicant = h.user(APPLICANT, "kk");
    await fileNotice(applicant, "kk");
    await recordReceipt(staff, "ru");
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Комиссия сформирована");
    await staff.press("Подтверждаю"); // formed 23.11: the conclusion is due by the end of 30.11
    await runJobs("2026-12-01T00:00:01+05:00");
    at("2026-12-01T10:00:00+05:00");
    await applicant.press("Шағым дайындау");
    await applicant.press("Медициналық ұйымның басшылығы");
    await giveParticulars(applicant);
    expect((await t.db.prisma.case.findFirstOrThrow()).status).toBe("escalated");
    // The commission concludes the next day; staff record it from the message that recorded the formation.
    await staff.press("Записать заключение");
    await staff.press("Нет, вред не подтверждён");
    await staff.send("Осложнение — известный риск, о котором предупреждали.");
    await staff.press("Без документа");
    await staff.press("Сегодня");
    const saved = await staff.press("Сохранить");
    expect(textsTo(saved, STAFF)[0], "staff's answer to the conclusion saved").toBe("Записано: заключение по делу KZ-2026-000001. Все участники дела уведомлены.");
    expect((await t.db.prisma.case.findFirstOrThrow()).status, "the case's status").toBe("concluded");
  });
});

describe("the calendar's table changed under a deadline already told (a Government decree set in kz-calendar.json)", () => {
  it("the deadline still running is counted again at the next start, stored, watched anew and told once", async () => {
    at("2026-12-29T10:00:00+05:00");
    const applicant = h.user(APPLICANT, "ru");
    await fileNotice(applicant, "ru");
    await handIn(applicant, "ru"); // received 29.12.2026: by today's table, formation due by the end of 05.01.2027
    const k = await t.db.prisma.case.findFirstOrThrow();
    const answers = k.answers as Record<string, unknown>;
    expect(answers.formationDue).toBe("2027-01-05");
    // As if told when the table did not yet know 4 January 2027 was a day off.
    await t.db.prisma.case.update({ where: { id: k.id }, data: { answers: { ...answers, formationDue: "2027-01-04" } } });
    at("2026-12-30T08:00:00+05:00");
    await h.runtime.start(now);
    await runJobs("2026-12-30T08:00:00+05:00");
    const told = textsTo(h.fake.calls, APPLICANT).filter((x) => x.includes("пересчитал"));
    expect(told).toEqual([
      "Дело KZ-2026-000001: календарь рабочих дней обновлён, и бот пересчитал срок формирования независимой экспертной комиссии: теперь — до конца дня 05.01.2027 (было — до конца дня 04.01.2027)." + h.i18n.t("ru")("common.calendarAsKnown", { year: 2027 }),
    ]);
    const after = await t.db.prisma.case.findFirstOrThrow();
    expect((after.answers as Record<string, unknown>).formationDue, "the deadline stored").toBe("2027-01-05");
    const overdue = await t.db.prisma.scheduledJob.findFirstOrThrow({ where: { kind: "formation_overdue", state: "pending" } });
    expect(overdue.dueAt.toISOString(), "the overdue check, at the new deadline's end").toBe("2027-01-05T19:00:00.000Z");
    // The next start finds it equal: nothing more is told.
    await h.runtime.start(now);
    await runJobs("2026-12-30T08:05:00+05:00");
    expect(textsTo(h.fake.calls, APPLICANT).filter((x) => x.includes("пересчитал"))).toHaveLength(1);
  });
});

/**
 * A notice handed in on 29.12.2026 whose formation deadline was told, and watched, as the end of 04.01.2027 — as when
 * the table did not yet know 4 January 2027 was a day off (today's table counts 05.01).
 */
const toldBeforeTheDecree = async () => {
  at("2026-12-29T10:00:00+05:00");
  const applicant = h.user(APPLICANT, "ru");
  await fileNotice(applicant, "ru");
  await handIn(applicant, "ru");
  const k = await t.db.prisma.case.findFirstOrThrow();
  await t.db.prisma.case.update({ where: { id: k.id }, data: { answers: { ...(k.answers as Record<string, unknown>), formationDue: "2027-01-04" } } });
  await t.db.prisma.scheduledJob.updateMany({ where: { kind: "formation_overdue" }, data: { dueAt: new Date("2027-01-04T19:00:00.001Z") } });
};

describe("the calendar's table changed while the bot was down past the deadline as told", () => {
  it("does not say the deadline expired on a day the new table counts inside it: the deadline is counted again and told", async () => {
    await toldBeforeTheDecree();
    // The bot was down from 30.12 and starts on 05.01.2027 with the new table: 05.01 is the last day.
    at("2027-01-05T10:00:00+05:00");
    await h.runtime.start(now);
    await runJobs("2027-01-05T10:00:00+05:00");
    const said = textsTo(h.fake.calls, APPLICANT).join("\n");
    expect(said).not.toContain("истёк 04.01.2027");
    expect(said).toContain("теперь — до конца дня 05.01.2027 (было — до конца дня 04.01.2027)");
    const after = await t.db.prisma.case.findFirstOrThrow({ include: { events: true } });
    expect((after.answers as Record<string, unknown>).formationDue).toBe("2027-01-05");
    expect(after.events.map((e) => e.kind)).not.toContain("formation_overdue");
    // At the end of 05.01 it passes, told once.
    await runJobs("2027-01-06T00:00:05+05:00");
    expect(textsTo(h.fake.calls, APPLICANT).filter((x) => x.includes("истёк"))).toEqual([expect.stringContaining("срок формирования независимой экспертной комиссии истёк 05.01.2027")]);
  });

  it("down past the day the new table counts too: the expiry is told once, with that day — not the day told before", async () => {
    await toldBeforeTheDecree();
    // Down from 30.12 until 07.01.2027 (past 05.01, the last day on the new table).
    at("2027-01-07T10:00:00+05:00");
    await h.runtime.start(now);
    await runJobs("2027-01-07T10:00:00+05:00");
    const expired = textsTo(h.fake.calls, APPLICANT).filter((x) => x.includes("истёк"));
    expect(expired).toEqual([expect.stringContaining("срок формирования независимой экспертной комиссии истёк 05.01.2027")]);
    const after = await t.db.prisma.case.findFirstOrThrow({ include: { events: true } });
    expect((after.answers as Record<string, unknown>).formationDue).toBe("2027-01-05");
    expect(after.events.filter((e) => e.kind === "formation_overdue").map((e) => (e.payload as { due?: unknown }).due)).toEqual(["2027-01-05"]);
  });
});

/** Every button label in these calls. */
const labelsOf = (calls: { payload: Record<string, unknown> }[]): string[] =>
  calls.flatMap((c) => ((c.payload.reply_markup as { inline_keyboard?: { text: string }[][] } | undefined)?.inline_keyboard ?? []).flat().map((b) => b.text));

describe("a drafted complaint stops no mediation", () => {
  it("staff can offer mediation on a case whose commission goes on after the applicant drafted a complaint", async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "ru");
    const applicant = h.user(APPLICANT, "kk");
    await fileNotice(applicant, "kk");
    await recordReceipt(staff, "ru"); // received Monday 23.11.2026: formation due by the end of 26.11.2026
    await runJobs("2026-11-27T10:00:00+05:00"); // formation overdue
    await applicant.press("Шағым дайындау");
    await applicant.press("Медициналық ұйымның басшылығы");
    await giveParticulars(applicant);
    expect((await t.db.prisma.case.findFirstOrThrow()).status).toBe("escalated");
    await staff.send("/inbox");
    const view = labelsOf(await staff.press("Открыть KZ-2026-000001"));
    expect(view, "the commission's next step is offered (the reviewed change)").toContain("Комиссия сформирована");
    expect(view, "mediation offered, as it is once staff record any step").toContain("Предложить медиацию");
  });
});

describe("the recount over many cases", () => {
  it("goes through them in batches, each run from where the last ended: every moved deadline is stored", async () => {
    at("2026-12-29T10:00:00+05:00");
    const applicant = h.user(APPLICANT, "ru");
    await fileNotice(applicant, "ru");
    await handIn(applicant, "ru"); // due by the end of 05.01.2027 on today's table
    const k = await t.db.prisma.case.findFirstOrThrow();
    const { id: _id, number: _n, ...row } = k;
    // 250 more cases like it, each told 04.01.2027 (more than one batch of 200).
    await t.db.prisma.case.createMany({
      data: Array.from({ length: 250 }, (_, i) => ({ ...row, number: `KZ-2026-9${String(i).padStart(5, "0")}`, seq: 900_000 + i, answers: { ...(row.answers as object), formationDue: "2027-01-04" } })) as never,
    });
    at("2026-12-30T08:00:00+05:00");
    await h.runtime.start(now);
    for (const minute of ["00", "01", "02"]) await runJobs(`2026-12-30T08:${minute}:00+05:00`);
    const dues = (await t.db.prisma.case.findMany({ select: { answers: true } })).map((c) => (c.answers as { formationDue?: string }).formationDue);
    expect(dues.filter((x) => x !== "2027-01-05"), "deadlines not recounted").toEqual([]);
    expect(await t.db.prisma.caseEvent.count({ where: { kind: "deadline_recounted" } })).toBe(250);
  });
});

describe("the recount, when PostgreSQL refuses one case's new deadline", () => {
  it("the others' people are still told their recounted deadline; that case's are told nothing, the log names it, and the job is not failed", async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(...chunk.toString().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)), done()) });
    h = await testBot(t.db, { adminIds: [ADMIN], now: () => now, staffChatId: STAFF_CHAT, logger: pino({ level: "info" }, sink) });
    at("2026-12-29T10:00:00+05:00");
    const people = [APPLICANT, APPLICANT + 1, APPLICANT + 2];
    for (const id of people) {
      const u = h.user(id, "ru");
      await fileNotice(u, "ru");
      await handIn(u, "ru"); // due by the end of 05.01.2027 on today's table
    }
    // Each was told 04.01.2027 (an earlier table); PostgreSQL refuses any other date for the second.
    for (const k of await t.db.prisma.case.findMany()) await t.db.prisma.case.update({ where: { id: k.id }, data: { answers: { ...(k.answers as object), formationDue: "2027-01-04" } } });
    await t.db.prisma.$executeRawUnsafe(`ALTER TABLE "Case" ADD CONSTRAINT "refuse_second" CHECK ("number" <> 'KZ-2026-000002' OR "answers" ->> 'formationDue' = '2027-01-04')`);
    try {
      h.fake.clear();
      at("2026-12-30T08:00:00+05:00");
      await h.runtime.start(now);
      await runJobs("2026-12-30T08:00:00+05:00");
      const told = (chat: number) => texts(h.fake.sent("sendMessage", chat)).filter((x) => x.includes("календарь рабочих дней обновлён"));
      expect(told(APPLICANT)).toEqual([expect.stringContaining("Дело KZ-2026-000001: календарь рабочих дней обновлён, и бот пересчитал срок")]);
      expect(told(APPLICANT)[0]).toContain("теперь — до конца дня 05.01.2027 (было — до конца дня 04.01.2027)");
      expect(told(APPLICANT + 2)).toEqual([expect.stringContaining("Дело KZ-2026-000003: календарь рабочих дней обновлён")]);
      expect(told(APPLICANT + 1)).toEqual([]);
      // The staff chat, in both languages: the two cases whose deadline moved.
      expect(told(STAFF_CHAT).map((x) => /KZ-2026-\d+ ісі: жұмыс күндерінің күнтізбесі жаңартылды/.exec(x)?.[0])).toEqual([
        "KZ-2026-000001 ісі: жұмыс күндерінің күнтізбесі жаңартылды",
        "KZ-2026-000003 ісі: жұмыс күндерінің күнтізбесі жаңартылды",
      ]);
      expect(told(STAFF_CHAT).every((x) => x.includes("теперь — до конца дня 05.01.2027"))).toBe(true);
      const second = await t.db.prisma.case.findFirstOrThrow({ where: { number: "KZ-2026-000002" } });
      expect((second.answers as { formationDue?: string }).formationDue).toBe("2027-01-04");
      expect(await t.db.prisma.caseEvent.count({ where: { kind: "deadline_recounted" } })).toBe(2);
      const named = lines.filter((l) => l.msg === "a case failed in a job's run; passed over, the run goes on");
      expect(named.map((l) => [l.kind, l.caseId])).toEqual([["deadlines_recount", second.id]]);
      const job = await t.db.prisma.scheduledJob.findUniqueOrThrow({ where: { dedupeKey: "deadlines:recount" } });
      expect([job.state, job.attempts, job.lastError]).toEqual(["done", 1, null]);
    } finally {
      await t.db.prisma.$executeRawUnsafe(`ALTER TABLE "Case" DROP CONSTRAINT "refuse_second"`);
    }
  });
});

describe("a step recorded after its deadline ended, on an unchecked year's calendar", () => {
  it("states the expired deadline without promising «тогда бот сообщит новый срок»", async () => {
    at("2026-12-29T10:00:00+05:00");
    const staff = await joinStaff(h, ADMIN, STAFF, "ru");
    await fileNotice(h.user(APPLICANT, "ru"), "ru");
    // Received 29.12.2026 (formation due by the end of 05.01.2027, on the 2027 table as known), recorded on 12.01.2027.
    at("2027-01-12T10:00:00+05:00");
    const recorded = await recordReceipt(staff, "ru", "KZ-2026-000001", "01-12/345", "29.12.2026");
    const said = [...texts(recorded), ...texts(h.fake.sent("sendMessage", APPLICANT))].join("\n");
    expect(said).toContain("05.01.2027");
    expect(said).toContain(h.i18n.t("ru")("common.calendarAsKnownExpired", { year: 2027 }));
    expect(said).not.toContain(h.i18n.t("ru")("common.calendarAsKnown", { year: 2027 }));
  });
});

describe("a deadline that passed while the bot was down", () => {
  it("is told once when the bot is back, and the case's history dates it by the deadline's day, not the day it was told", async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "ru");
    const applicant = h.user(APPLICANT, "ru");
    await fileNotice(applicant, "ru");
    await recordReceipt(staff, "ru"); // received 23.11.2026: formation due by the end of 26.11.2026
    // The bot was down from 26.11 until Monday 30.11.
    await runJobs("2026-11-30T11:00:00+05:00");
    await runJobs("2026-11-30T11:05:00+05:00");
    const told = textsTo(h.fake.calls, APPLICANT).filter((x) => x.includes("истёк"));
    expect(told).toEqual([expect.stringContaining("срок формирования независимой экспертной комиссии истёк 26.11.2026")]);
    await applicant.send("/cases");
    const timeline = texts(await applicant.press("Открыть KZ-2026-000001"))[0]!;
    expect(timeline).toContain("23.11.2026 — организация получила обращение\n26.11.2026 — истёк срок формирования комиссии");
    expect(timeline).not.toContain("30.11.2026 — истёк срок формирования комиссии");
  });
});
