// Durable jobs on a controlled clock: the formation deadline watched, restarts, failures, cancellation,
// Telegram's 429 and the global rate; jobs claimed in batches, and sent per chat at Telegram's pace.
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "../../bot/logger.js";
import { cancel, Jobs, type JobHandler } from "../../bot/jobs/jobs.js";
import { SEND_LIMITS } from "../../bot/runtime/pace.js";
import { Store } from "../../bot/runtime/store.js";
import { sayTo } from "../../bot/core/effects.js";
import { render } from "../../bot/core/render.js";
import { TEST_DATA_KEY, testBot, testDeployment, texts, type Harness } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { fileNotice, handIn } from "../helpers/notice.js";
import { StrictTelegram } from "../helpers/strict-telegram.js";
import { until } from "../helpers/wait.js";

const STAFF = -100777;
const FILED = new Date("2026-03-20T10:00:00+05:00"); // Friday before Nauryz: due by the end of Monday 30 March
let t: TestDb;
let h: Harness;
const log = createLogger("silent");

beforeAll(async () => {
  t = await testDatabase({ persistent: true });
});
afterAll(async () => t.dispose());
/** The bots' clock: where `at` last set it (a message checked when sent reads it), FILED at each test's start. */
let clock = FILED;
beforeEach(async () => {
  await t.reset();
  clock = FILED;
  h = await testBot(t.db, { now: () => clock, staffChatId: STAFF });
});

/** A notice to an organisation with no staff in the bot, which the applicant hands in on the day it is filed. */
const file = async () => {
  const u = h.user(1, "ru");
  await fileNotice(u, "ru");
  await handIn(u, "ru");
};
const staffTexts = (hh: Harness) => texts(hh.fake.sent("sendMessage", STAFF));
const at = (iso: string) => (clock = new Date(iso));

describe("the commission-formation deadline, watched", () => {
  it("schedules a reminder for 09:00 on the last working day and a check when it ends", async () => {
    await file();
    const jobs = await t.db.prisma.scheduledJob.findMany({ orderBy: { dueAt: "asc" } });
    expect(jobs.map((j) => [j.kind, j.dueAt.toISOString(), j.state])).toEqual([
      // Handed in the day it was filed: the reminder to hand it in is cancelled.
      ["handin_reminder", "2026-03-27T05:00:00.000Z", "cancelled"],
      ["formation_reminder", "2026-03-30T04:00:00.000Z", "pending"],
      ["formation_overdue", "2026-03-30T19:00:00.000Z", "pending"],
    ]);
  });

  it("reminds staff once on the last day, and tells them once when it passed; the case's log records it", async () => {
    await file();
    h.fake.clear();
    expect(await h.runtime.runJobs(at("2026-03-30T08:59:00+05:00"), h.bot.api, log)).toBe(0);
    await h.runtime.runJobs(at("2026-03-30T09:00:00+05:00"), h.bot.api, log);
    expect(staffTexts(h)).toEqual([
      "KZ-2026-000001 ісі (Городская больница №7, Шымкент қаласы): тәуелсіз сараптама комиссиясын бүгін, 30.03.2026 күнінің соңына дейін құру керек.\n\nДело KZ-2026-000001 (Городская больница №7, г. Шымкент): независимую экспертную комиссию нужно сформировать сегодня, до конца дня 30.03.2026.",
    ]);
    await h.runtime.runJobs(at("2026-03-30T23:59:59+05:00"), h.bot.api, log);
    expect(staffTexts(h)).toHaveLength(1);
    await h.runtime.runJobs(at("2026-03-31T00:00:01+05:00"), h.bot.api, log);
    await h.runtime.runJobs(at("2026-04-02T12:00:00+05:00"), h.bot.api, log);
    expect(staffTexts(h)).toHaveLength(2);
    expect(staffTexts(h)[1]).toContain("срок формирования комиссии истёк 30.03.2026");
    // The applicant too, once, with the usual path onward.
    expect(texts(h.fake.sent("sendMessage", 1))).toEqual([
      "Дело KZ-2026-000001: срок формирования независимой экспертной комиссии истёк 30.03.2026, а записи о том, что комиссия сформирована, в боте нет.\n\nЕсли организация с вами не связалась, как правило, дальше обращаются: к руководству медицинской организации, затем в управление здравоохранения региона, затем в территориальный департамент Комитета медицинского и фармацевтического контроля; за ними — суд.",
    ]);
    const events = await t.db.prisma.caseEvent.findMany({ orderBy: { id: "asc" } });
    expect(events.map((e) => [e.kind, e.createdAt.toISOString()])).toEqual([
      ["notice_submitted", "2026-03-20T05:00:00.000Z"],
      ["notice_received", "2026-03-20T05:00:00.000Z"],
      ["formation_overdue", "2026-03-30T19:00:01.000Z"],
    ]);
  });

  it("a restart between scheduling and the reminder loses nothing and sends nothing twice", async () => {
    await file();
    await t.reopen();
    const after = await testBot(t.db, { now: () => clock, staffChatId: STAFF });
    await after.runtime.runJobs(at("2026-03-30T09:30:00+05:00"), after.bot.api, log);
    await t.reopen();
    const again = await testBot(t.db, { now: () => clock, staffChatId: STAFF });
    await again.runtime.runJobs(at("2026-03-30T10:00:00+05:00"), again.bot.api, log);
    expect(staffTexts(after)).toHaveLength(1);
    expect(staffTexts(again)).toHaveLength(0);
  });

  it("a case that moved on is not reminded about", async () => {
    await file();
    await t.db.prisma.case.updateMany({ data: { status: "commission_formed" } });
    h.fake.clear(); // the staff chat was told of the hand-in (receipt.test.ts): only what the jobs say is looked at here
    await h.runtime.runJobs(at("2026-04-01T12:00:00+05:00"), h.bot.api, log);
    expect(staffTexts(h).filter((x) => x.includes("KZ-2026-000001 ісі"))).toEqual([]);
    expect(await t.db.prisma.scheduledJob.count({ where: { state: "done" } })).toBe(2);
    expect(await t.db.prisma.scheduledJob.count({ where: { state: "cancelled" } })).toBe(1); // the reminder to hand it in
  });

  it("a cancelled job never runs", async () => {
    await file();
    await t.db.prisma.$transaction((tx) => cancel(tx, "formation:1:reminder"));
    h.fake.clear();
    await h.runtime.runJobs(at("2026-03-30T12:00:00+05:00"), h.bot.api, log);
    expect(staffTexts(h)).toEqual([]);
    expect((await t.db.prisma.scheduledJob.findUniqueOrThrow({ where: { dedupeKey: "formation:1:reminder" } })).state).toBe("cancelled");
  });
});

describe("messages left unsent in the outbox (a crash, another instance gone), one of them unreadable", () => {
  /** Reminders decided and stored by an instance that then stopped (leased to none), and before them a row no key opens. */
  const leftUnsent = async () => {
    await t.db.prisma.outbox.create({ data: { chatId: BigInt(9201), method: "sendMessage", payload: { sealed: "bm90IHNlYWxlZA==" } } });
    const store = new Store(t.db.prisma, [], TEST_DATA_KEY, "gone");
    await t.db.prisma.$transaction((tx) =>
      store.enqueue(tx, [9202, 9203].map((chat_id) => ({ method: "sendMessage", payload: { chat_id, text: `reminder for ${chat_id}` } })), 0),
    );
    await t.db.prisma.outbox.updateMany({ data: { leasedBy: null, leaseUntil: null } });
  };
  const delivered = (hh: Harness) => [9202, 9203].map((c) => texts(hh.fake.sent("sendMessage", c)));

  it("at start: the others' messages go out; the unreadable one is set aside and named in the log, not tried again", async () => {
    await leftUnsent();
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(...chunk.toString().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)), done()) });
    const hh = await testBot(t.db, { logger: pino({ level: "info" }, sink) });
    await hh.runtime.flush(hh.bot.api, log);
    expect(delivered(hh)).toEqual([["reminder for 9202"], ["reminder for 9203"]]);
    expect(hh.fake.sent("sendMessage", 9201)).toEqual([]);
    expect(await t.db.prisma.outbox.count({ where: { sentAt: null } })).toBe(0);
    expect(lines.filter((l) => l.msg === "an unsent message cannot be read; set aside, not sent").map((l) => [l.chatId, l.method, l.level])).toEqual([[9201, "sendMessage", 50]]);
    await hh.runtime.flush(hh.bot.api, log);
    expect(delivered(hh)).toEqual([["reminder for 9202"], ["reminder for 9203"]]);
    expect(lines.filter((l) => l.msg === "an unsent message cannot be read; set aside, not sent")).toHaveLength(1);
  });

  it("on a jobs run (adopted from an instance gone): the others' messages go out", async () => {
    await leftUnsent();
    const hh = await testBot(t.db, {});
    await hh.runtime.runJobs(new Date(), hh.bot.api, log);
    expect(delivered(hh)).toEqual([["reminder for 9202"], ["reminder for 9203"]]);
    expect(await t.db.prisma.outbox.count({ where: { sentAt: null } })).toBe(0);
  });
});

describe("the formation deadline's reminder around the turn of the year (Kazakhstan time, UTC+5)", () => {
  // Handed in on the day filed; 16.12.2026, 01.01, 02.01 (its day off moved to Monday 04.01) and 07.01.2027 are days off.
  it.each([
    ["2026-12-11T10:00:00+05:00", "17.12.2026", "2026-12-17T04:00:00.000Z"],
    ["2026-12-28T10:00:00+05:00", "31.12.2026", "2026-12-31T04:00:00.000Z"],
    ["2026-12-29T10:00:00+05:00", "05.01.2027", "2027-01-05T04:00:00.000Z"],
    ["2026-12-31T10:00:00+05:00", "08.01.2027", "2027-01-08T04:00:00.000Z"],
  ])("handed in %s: due by the end of %s, reminded at 09:00 that day, in both languages", async (filed, due, remindAt) => {
    at(filed);
    await file();
    const job = await t.db.prisma.scheduledJob.findFirstOrThrow({ where: { kind: "formation_reminder" } });
    expect(job.dueAt.toISOString()).toBe(remindAt);
    h.fake.clear();
    await h.runtime.runJobs(at(new Date(new Date(remindAt).getTime() - 60_000).toISOString()), h.bot.api, log);
    expect(staffTexts(h)).toEqual([]);
    await h.runtime.runJobs(at(remindAt), h.bot.api, log);
    expect(staffTexts(h)).toHaveLength(1);
    expect(staffTexts(h)[0]).toContain(`тәуелсіз сараптама комиссиясын бүгін, ${due} күнінің соңына дейін құру керек.`);
    expect(staffTexts(h)[0]).toContain(`независимую экспертную комиссию нужно сформировать сегодня, до конца дня ${due}.`);
    // 2027's table is not yet checked against the Government's decree: a deadline in it says so, in both languages.
    const unchecked = due.endsWith("2027");
    expect(staffTexts(h)[0]!.includes("Мерзім 2027 жылғы күнтізбенің бүгін белгілі нұсқасы бойынша есептелді")).toBe(unchecked);
    expect(staffTexts(h)[0]!.includes("Срок посчитан по календарю 2027 года, известному на сегодня")).toBe(unchecked);
  });
});

describe("jobs that fail", () => {
  const deployment = testDeployment();
  const renderJob = (effects: Parameters<typeof render>[4]) => render(h.i18n, 0, null, 0, effects).calls;
  it("roll back whole, are tried again later, and give up visibly after five attempts", async () => {
    await t.db.prisma.scheduledJob.create({ data: { kind: "flaky", dueAt: at("2026-01-01T00:00:00Z"), payload: {} } });
    let calls = 0;
    const store = new Store(t.db.prisma, [], TEST_DATA_KEY);
    const jobs = new Jobs(t.db.prisma, store, {
      flaky: async (tx) => {
        calls++;
        await tx.caseEvent.findMany(); // some work inside the transaction…
        if (calls < 3) throw new Error("database hiccup");
        return [sayTo({ chatId: 5, lang: "kk" }, "common.error")];
      },
    }, log, deployment, renderJob);
    expect(await jobs.runDue(at("2026-01-01T00:00:00Z"))).toEqual([]);
    let job = await t.db.prisma.scheduledJob.findFirstOrThrow({ where: { kind: "flaky" } });
    expect([job.state, job.attempts, job.lastError]).toEqual(["pending", 1, "Error: database hiccup"]);
    expect(await t.db.prisma.outbox.count()).toBe(0);
    await jobs.runDue(at("2026-01-01T00:01:00Z")); // retried after a minute: fails again
    const rows = await jobs.runDue(at("2026-01-01T00:10:00Z"));
    expect(rows).toHaveLength(1);
    job = await t.db.prisma.scheduledJob.findFirstOrThrow({ where: { kind: "flaky" } });
    expect([job.state, job.attempts]).toEqual(["done", 3]);

    await t.db.prisma.scheduledJob.create({ data: { kind: "broken", dueAt: at("2026-01-01T00:00:00Z"), payload: {} } });
    const broken = new Jobs(t.db.prisma, store, { broken: () => Promise.reject(new Error("always")) }, log, deployment, renderJob);
    for (let i = 0; i < 6; i++) await broken.runDue(at(`2026-01-0${i + 2}T00:00:00Z`));
    const b = await t.db.prisma.scheduledJob.findFirstOrThrow({ where: { kind: "broken" } });
    expect([b.state, b.attempts]).toEqual(["failed", 5]);
  });

  it("a job of a kind this version has no handler for (a newer instance's, in a rolling upgrade) is left pending for it, not failed", async () => {
    await t.db.prisma.scheduledJob.create({ data: { kind: "from_a_newer_version", dueAt: at("2026-01-01T00:00:00Z"), payload: {} } });
    const store = new Store(t.db.prisma, [], TEST_DATA_KEY);
    const older = new Jobs(t.db.prisma, store, { flaky: () => Promise.resolve([]) }, log, deployment, renderJob);
    for (let i = 0; i < 6; i++) await older.runDue(at(`2026-01-0${i + 2}T00:00:00Z`));
    let job = await t.db.prisma.scheduledJob.findFirstOrThrow({ where: { kind: "from_a_newer_version" } });
    expect([job.state, job.attempts, job.lastError]).toEqual(["pending", 0, null]);
    // The version that knows it runs it, once.
    const newer = new Jobs(t.db.prisma, store, { from_a_newer_version: () => Promise.resolve([sayTo({ chatId: 5, lang: "ru" }, "common.error")]) }, log, deployment, renderJob);
    expect(await newer.runDue(at("2026-01-08T00:00:00Z"))).toHaveLength(1);
    job = await t.db.prisma.scheduledJob.findFirstOrThrow({ where: { kind: "from_a_newer_version" } });
    expect([job.state, job.attempts]).toEqual(["done", 1]);
  });
});

describe("talking to Telegram", () => {
  it("a 429 is retried after the time Telegram asks for", async () => {
    const u = h.user(40, "ru");
    h.fake.failNext.set("sendMessage", { code: 429, description: "Too Many Requests: retry after 1", count: 1, retryAfter: 1 });
    const started = Date.now();
    const calls = await u.send("/start");
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(texts(calls)).toHaveLength(2);
    expect(await t.db.prisma.outbox.count({ where: { sentAt: null } })).toBe(0);
  });

  it("never sends faster than the global rate", async () => {
    const slow = await testBot(t.db, { sendLimits: { perSecond: 10, perChat: { burst: 10, intervalMs: 1000 } } });
    const started = Date.now();
    // 6 users × (setMyCommands + 2 messages) = 18 calls, one every 100 ms: at least 1.7 s.
    await Promise.all(Array.from({ length: 6 }, (_, i) => slow.user(50 + i, "kk").send("/start")));
    const elapsed = Date.now() - started;
    expect(slow.fake.calls.filter((c) => c.method !== "answerCallbackQuery")).toHaveLength(18);
    expect(elapsed).toBeGreaterThanOrEqual(1650);
  });
});

describe("many jobs at Telegram's rate", () => {
  const KIND = "test_reminder";
  /** A reminder with no case behind it: "reminder <n>" to its chat, in Russian. */
  const reminders: Record<string, JobHandler> = {
    [KIND]: (_tx, job) => Promise.resolve([sayTo({ chatId: Number(job.payload.chatId), lang: "ru" }, "common.text", { text: `reminder ${String(job.payload.n)}` })]),
  };
  const due = at("2026-05-01T09:00:00+05:00");
  const scheduleReminders = (chats: number[]) =>
    t.db.prisma.scheduledJob.createMany({ data: chats.map((chatId, n) => ({ kind: KIND, dueAt: due, payload: { chatId, n }, dedupeKey: `r:${n}` })) });
  const textsTo = (telegram: StrictTelegram, chatId: number) => telegram.taken.filter((c) => c.method === "sendMessage" && c.chatId === chatId).map((c) => c.text);

  it("are claimed in batches: a full batch is followed at once, each job runs once", async () => {
    await scheduleReminders(Array.from({ length: 120 }, (_, i) => 7000 + i));
    const jobs = new Jobs(t.db.prisma, new Store(t.db.prisma, [], TEST_DATA_KEY), reminders, log, testDeployment(), (effects) => render(h.i18n, 0, null, 0, effects).calls);
    const first = await jobs.runBatch(due, 50);
    expect([first.rows.length, first.full]).toEqual([50, true]);
    expect(await t.db.prisma.scheduledJob.count({ where: { state: "done" } })).toBe(50);
    // The rest, in one call: 50, then 20 (not full: nothing more is due).
    const rest = await jobs.runDue(due, 50);
    expect(rest.map((r) => r.payload.text)).toEqual(Array.from({ length: 70 }, (_, i) => `reminder ${50 + i}`));
    expect(await t.db.prisma.scheduledJob.count({ where: { state: "done" } })).toBe(120);
    expect(await t.db.prisma.outbox.count()).toBe(120);
    expect((await jobs.runBatch(due, 50)).rows).toEqual([]);
  });

  it("one job failing in a batch undoes only its own writes; the others are done once", async () => {
    await scheduleReminders([8001, 8002, 8003, 8004, 8005]);
    const store = new Store(t.db.prisma, [], TEST_DATA_KEY);
    const jobs = new Jobs(t.db.prisma, store, {
      [KIND]: async (tx, job, now, d, l) => {
        if (job.payload.n === 2) {
          // It writes a message of its own to the outbox, then fails: the message must go with it.
          await store.enqueue(tx, [{ method: "sendMessage", payload: { chat_id: 8003, text: "half-done" } }], 8003);
          throw new Error("this job fails");
        }
        return reminders[KIND]!(tx, job, now, d, l);
      },
    }, log, testDeployment(), (effects) => render(h.i18n, 0, null, 0, effects).calls);
    const { rows, full } = await jobs.runBatch(due, 50);
    expect(full).toBe(false);
    expect(rows.map((r) => r.payload.text)).toEqual(["reminder 0", "reminder 1", "reminder 3", "reminder 4"]);
    const stored = await t.db.prisma.outbox.findMany({ orderBy: { id: "asc" } });
    expect(stored.map((r) => Number(r.chatId))).toEqual([8001, 8002, 8004, 8005]);
    const failed = await t.db.prisma.scheduledJob.findUniqueOrThrow({ where: { dedupeKey: "r:2" } });
    expect([failed.state, failed.attempts, failed.lastError]).toEqual(["pending", 1, "Error: this job fails"]);
    expect(await t.db.prisma.scheduledJob.count({ where: { state: "done" } })).toBe(4);
  });

  it("a chat that blocked the bot (Telegram's 403) loses only its own reminders: the others' go out, its are tried once each, never again", async () => {
    const hh = await testBot(t.db, { jobHandlers: reminders });
    await scheduleReminders([9101, 9102, 9103, 9102, 9104]);
    hh.fake.failNext.set("sendMessage", { code: 403, description: "Forbidden: bot was blocked by the user", count: 100, chatId: 9102 });
    expect(await hh.runtime.runJobs(due, hh.bot.api, log)).toBe(5);
    const to = (chat: number) => texts(hh.fake.sent("sendMessage", chat));
    expect([to(9101), to(9103), to(9104)]).toEqual([["reminder 0"], ["reminder 2"], ["reminder 4"]]);
    expect(to(9102)).toEqual([]);
    // Each of its two reminders tried once, then dropped: nothing of it waits to be sent again.
    expect(hh.fake.failNext.get("sendMessage")!.count).toBe(98);
    expect(await t.db.prisma.outbox.count({ where: { sentAt: null } })).toBe(0);
    expect(await t.db.prisma.scheduledJob.count({ where: { state: "done" } })).toBe(5);
    // Later runs send nothing again, to it or to the others.
    await hh.runtime.runJobs(new Date(due.getTime() + 60_000), hh.bot.api, log);
    await hh.runtime.runJobs(new Date(due.getTime() + 600_000), hh.bot.api, log);
    expect(hh.fake.failNext.get("sendMessage")!.count).toBe(98);
    expect([to(9101), to(9103), to(9104)]).toEqual([["reminder 0"], ["reminder 2"], ["reminder 4"]]);
  });

  it("one chat's 429 holds back only that chat: the others' reminders go out meanwhile", async () => {
    const telegram = new StrictTelegram(undefined, 0);
    const paced = await testBot(t.db, { transport: telegram.transport("a"), sendLimits: SEND_LIMITS, jobHandlers: reminders, retry: { firstBackoffMs: 10 } });
    await scheduleReminders([9001, 9002, 9001, 9003]);
    telegram.refuseNext.set(9001, 3); // Telegram asks chat 9001's first message to wait 3 s
    const started = performance.now();
    expect(await paced.runtime.runJobs(due, paced.bot.api, log)).toBe(4);
    const when = (text: string) => telegram.taken.find((c) => c.text === text)!.at - started;
    expect(when("reminder 1")).toBeLessThan(1000);
    expect(when("reminder 3")).toBeLessThan(1000);
    expect(when("reminder 0")).toBeGreaterThanOrEqual(3000);
    // The waiting chat's own messages keep their order.
    expect(textsTo(telegram, 9001)).toEqual(["reminder 0", "reminder 2"]);
    expect(telegram.tooMany).toEqual({ global: 0, perChat: 0, asked: 1 });
    expect(await t.db.prisma.outbox.count({ where: { sentAt: null } })).toBe(0);
  });

  it("a chat with many reminders goes first whenever it may send, so it is not left sending alone at the end", async () => {
    const telegram = new StrictTelegram(undefined, 0);
    // 20 a second in all, one every 500 ms per chat: chat 9300's five reminders take at least 2 s on their own,
    // the 60 others' one each 3 s. Waiting in line behind every other chat each time, 9300 would send its
    // last four alone at the end, one every 500 ms.
    const paced = await testBot(t.db, { transport: telegram.transport("a"), sendLimits: { perSecond: 20, perChat: { burst: 1, intervalMs: 500 } }, jobHandlers: reminders });
    await scheduleReminders([9300, 9300, 9300, 9300, 9300, ...Array.from({ length: 60 }, (_, i) => 9400 + i)]);
    await paced.runtime.runJobs(due, paced.bot.api, log);
    const sent = telegram.taken.filter((c) => c.method === "sendMessage");
    expect(sent).toHaveLength(65);
    expect(textsTo(telegram, 9300)).toEqual(["reminder 0", "reminder 1", "reminder 2", "reminder 3", "reminder 4"]);
    // Its reminders went out among the others': of the run's last four messages, at most its last one is its
    // own (that one waits its turn like any chat's only message), not four in a row.
    expect(sent.slice(-4).filter((c) => c.chatId === 9300).length).toBeLessThanOrEqual(1);
    expect(telegram.tooMany).toEqual({ global: 0, perChat: 0, asked: 0 });
  });

  it("an answer to a user goes before the reminders waiting for a slot", async () => {
    const telegram = new StrictTelegram(undefined, 0);
    // 10 a second in all: 40 reminders to 40 chats take 4 s.
    const paced = await testBot(t.db, { transport: telegram.transport("a"), sendLimits: { perSecond: 10, perChat: { burst: 3, intervalMs: 1000 } }, jobHandlers: reminders });
    await scheduleReminders(Array.from({ length: 40 }, (_, i) => 9500 + i));
    const run = paced.runtime.runJobs(due, paced.bot.api, log);
    await until(() => telegram.taken.some((c) => c.method === "sendMessage"));
    // Someone writes while the reminders are going out: in line first of all, the answer waits only for the
    // few slots already booked (4, 0.4 s), not for the 39 reminders behind them.
    await paced.user(9600, "ru").send("/start");
    await run;
    const messages = telegram.taken.filter((c) => c.method === "sendMessage");
    // The answer's last message: all of it went out while more than half of the reminders still waited.
    const answered = messages.findLastIndex((c) => c.chatId === 9600);
    const remindersAfter = messages.slice(answered).filter((c) => c.chatId !== 9600).length;
    expect(messages.filter((c) => c.chatId === 9600)).toHaveLength(2);
    expect(remindersAfter).toBeGreaterThanOrEqual(20);
    expect(messages.filter((c) => c.chatId !== 9600)).toHaveLength(40);
  });

  it("the replies made straight to a user (an update that failed, the per-user limit's notice) go before the reminders too", async () => {
    const telegram = new StrictTelegram(undefined, 0);
    const paced = await testBot(t.db, { transport: telegram.transport("a"), sendLimits: { perSecond: 10, perChat: { burst: 3, intervalMs: 1000 } }, jobHandlers: reminders, userLimit: { updates: 1, windowMs: 60_000 } });
    const limited = paced.user(9601, "ru");
    await limited.send("/start");
    await scheduleReminders(Array.from({ length: 40 }, (_, i) => 9500 + i));
    const run = paced.runtime.runJobs(due, paced.bot.api, log);
    await until(() => telegram.taken.some((c) => c.method === "sendMessage" && c.chatId !== 9601));
    // One user's update fails (the database hiccups on its read): "something went wrong"; another writes again
    // within the per-user limit's window: "too fast", sent without waiting for it.
    const before = telegram.taken.filter((c) => c.chatId === 9601).length;
    const load = vi.spyOn(Store.prototype, "load").mockRejectedValueOnce(new Error("database hiccup"));
    try {
      await Promise.all([paced.bot.handleUpdate(paced.user(9600, "ru").messageUpdate("/start")), paced.bot.handleUpdate(limited.messageUpdate("again"))]);
    } finally {
      load.mockRestore();
    }
    await until(() => telegram.taken.filter((c) => c.chatId === 9601).length > before);
    await run;
    const messages = telegram.taken.filter((c) => c.method === "sendMessage");
    // Before, both went out at the lowest priority: after all 40 reminders.
    for (const chat of [9600, 9601]) {
      const at = messages.findLastIndex((c) => c.chatId === chat);
      expect(messages.slice(at).filter((c) => c.chatId !== 9600 && c.chatId !== 9601).length, `chat ${chat}`).toBeGreaterThanOrEqual(20);
    }
    expect(messages.filter((c) => c.chatId === 9600).map((c) => c.text)).toEqual([expect.stringMatching(/^Произошла ошибка/)]);
  });

  it("one chat that must wait (Telegram's 429) holds back only itself: another chat's reminder due meanwhile goes out first", async () => {
    const telegram = new StrictTelegram(undefined, 0);
    const paced = await testBot(t.db, { transport: telegram.transport("a"), jobHandlers: reminders, retry: { firstBackoffMs: 10 } });
    const start = Date.now();
    await t.db.prisma.scheduledJob.create({ data: { kind: KIND, dueAt: new Date(start - 1000), payload: { chatId: 9801, n: 0 }, dedupeKey: "wait:a" } });
    await t.db.prisma.scheduledJob.create({ data: { kind: KIND, dueAt: new Date(start + 500), payload: { chatId: 9802, n: 1 }, dedupeKey: "wait:b" } });
    // Telegram tells chat 9801 to wait 4 s.
    telegram.refuseNext.set(9801, 4);
    // The jobs loop as the running bot has it (main.ts: one run at a time), here every 250 ms.
    let current: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      current = current.then(() => paced.runtime.runJobs(new Date(), paced.bot.api, log, { wait: false }));
    }, 250);
    try {
      await until(() => textsTo(telegram, 9801).length > 0 && textsTo(telegram, 9802).length > 0);
    } finally {
      clearInterval(timer);
      await current;
      await paced.runtime.idle();
    }
    const at = (chat: number) => telegram.taken.find((c) => c.chatId === chat && c.method === "sendMessage")!.at;
    // Before, each run waited for everything it claimed: 9802's reminder, due half a second in, was claimed
    // only once 9801's 4 s were over, and went out after it.
    expect(at(9802)).toBeLessThan(at(9801));
  });

  it("one chat's reminders go one a second from the first (no one waits for them: no burst); a Telegram refusing any burst never says 429", async () => {
    const telegram = new StrictTelegram({ perSecond: 30, chatBurst: 1, chatIntervalMs: 1000 }, 0);
    const paced = await testBot(t.db, { transport: telegram.transport("a"), sendLimits: SEND_LIMITS, jobHandlers: reminders });
    await scheduleReminders([9100, 9100, 9100, 9100, 9100]);
    await paced.runtime.runJobs(due, paced.bot.api, log);
    expect(textsTo(telegram, 9100)).toEqual(["reminder 0", "reminder 1", "reminder 2", "reminder 3", "reminder 4"]);
    const times = telegram.taken.map((c) => c.at);
    // Before, the first three went at once (the burst answers have).
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1000);
    expect(telegram.tooMany).toEqual({ global: 0, perChat: 0, asked: 0 });
  });
});
