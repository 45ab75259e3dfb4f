// Scheduled work that runs, or is sent, late: a reminder after a stop or a restart, one whose sitting changed
// meanwhile, a daily job that failed on several nights, a deadline that passed during a mediation.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { texts, testBot, TEST_DATA_KEY, type Harness } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { fileNotice, joinRelative, removeRelative } from "../helpers/notice.js";
import { agreeToContract, commissionFormed, joinMediator, joinStaff, proposeMediator, recordReceipt, scheduleSitting } from "../helpers/staff.js";
import { createLogger } from "../../bot/logger.js";
import { open, seal } from "../../bot/crypto.js";
import { jobHandlers } from "../../bot/features/index.js";
import type { JobHandler } from "../../bot/jobs/jobs.js";

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
const MEDIATOR = 70;
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

/** Staff (ru), an applicant (kk), the commission formed on KZ-2026-000001 (helpers/staff.ts). */
const formed = () => commissionFormed(h, ADMIN, STAFF, APPLICANT);


const applicantTexts = (hh: Harness) => texts(hh.fake.sent("sendMessage", APPLICANT));

const REMINDER_RU = /^(Напоминание: завтра|Через два часа)/;
const REMINDER = /^(Еске салу: ертең|Екі сағаттан кейін)/;

describe("sitting reminders that run late", () => {
  it("the day-before reminder, run on the sitting's own day (the bot was down at its time), does not say «tomorrow»", async () => {
    const { staff } = await formed();
    await scheduleSitting(staff);
    h.fake.clear();
    // The bot was down from before 24.11 15:00 and is back on the sitting's day, three hours before it: its first run.
    await h.runtime.runJobs(at("2026-11-25T12:00:00+05:00"), h.bot.api, log);
    // The sitting is today: «ертең» (tomorrow) would be false.
    expect(applicantTexts(h).filter((x) => REMINDER.test(x))).toEqual([]);
    // The two-hours reminder still comes at its time.
    await h.runtime.runJobs(at("2026-11-25T13:00:00+05:00"), h.bot.api, log);
    expect(applicantTexts(h).filter((x) => REMINDER.test(x))).toEqual([expect.stringMatching(/^Екі сағаттан кейін KZ-2026-000001 .* 25\.11\.2026, 15:00/)]);
  });

  it("the two-hours reminder, run with less than an hour and a half left, is not sent («in two hours» would be false)", async () => {
    const { staff } = await formed();
    await scheduleSitting(staff);
    await h.runtime.runJobs(at("2026-11-24T15:00:00+05:00"), h.bot.api, log);
    expect(applicantTexts(h).filter((x) => REMINDER.test(x))).toEqual([expect.stringMatching(/^Еске салу: ертең KZ-2026-000001/)]);
    h.fake.clear();
    await h.runtime.runJobs(at("2026-11-25T13:40:00+05:00"), h.bot.api, log);
    expect(applicantTexts(h)).toEqual([]);
  });
});

describe("sitting reminders around the turn of the year (Kazakhstan time, UTC+5)", () => {
  // Sittings on a holiday (16.12.2026, 01.01 and 07.01.2027), on New Year's Eve, and on the day off moved to 04.01.2027.
  it.each([
    ["16.12.2026", "10:00", "2026-12-16T10:00:00+05:00"],
    ["31.12.2026", "15:00", "2026-12-31T15:00:00+05:00"],
    ["01.01.2027", "10:00", "2027-01-01T10:00:00+05:00"],
    ["04.01.2027", "09:00", "2027-01-04T09:00:00+05:00"],
    ["07.01.2027", "11:00", "2027-01-07T11:00:00+05:00"],
  ])("a sitting on %s at %s: reminded the day before and two hours before, at its own time, with its date, in Kazakh and Russian", async (date, time, startsIso) => {
    at("2026-12-14T10:00:00+05:00");
    const { staff, applicant } = await formed();
    await joinRelative(h, applicant, RELATIVE);
    await scheduleSitting(staff, date, time);
    const starts = new Date(startsIso).getTime();
    const jobs = await t.db.prisma.scheduledJob.findMany({ where: { kind: "sitting_reminder" }, orderBy: { dueAt: "asc" } });
    expect(jobs.map((j) => j.dueAt.toISOString())).toEqual([new Date(starts - 24 * 3_600_000).toISOString(), new Date(starts - 2 * 3_600_000).toISOString()]);
    h.fake.clear();
    const run = (ms: number) => h.runtime.runJobs(at(new Date(ms).toISOString()), h.bot.api, log);
    const kk = () => applicantTexts(h).filter((x) => REMINDER.test(x));
    const ru = () => texts(h.fake.sent("sendMessage", RELATIVE)).filter((x) => REMINDER_RU.test(x));
    await run(starts - 24 * 3_600_000 - 60_000);
    expect([kk(), ru()]).toEqual([[], []]);
    await run(starts - 24 * 3_600_000);
    expect(kk()).toEqual([expect.stringMatching(new RegExp(`^Еске салу: ертең KZ-2026-000001 ісі бойынша комиссия отырысы — ${date.replaceAll(".", "\\.")}, ${time} \\(Қазақстан уақыты\\)\\.`))]);
    expect(ru()).toEqual([expect.stringMatching(new RegExp(`^Напоминание: завтра заседание комиссии по делу KZ-2026-000001 — ${date.replaceAll(".", "\\.")}, ${time} \\(время Казахстана\\)\\.`))]);
    await run(starts - 2 * 3_600_000 - 60_000);
    expect([kk().length, ru().length]).toEqual([1, 1]);
    await run(starts - 2 * 3_600_000);
    expect(kk()[1]).toMatch(new RegExp(`^Екі сағаттан кейін KZ-2026-000001 ісі бойынша комиссия отырысы — ${date.replaceAll(".", "\\.")}, ${time} `));
    expect(ru()[1]).toMatch(new RegExp(`^Через два часа заседание комиссии по делу KZ-2026-000001 — ${date.replaceAll(".", "\\.")}, ${time} `));
  });
});

describe("a reminder decided but not sent before a stop", () => {
  /**
   * Instance «a» claims the day-before reminders (due 24.11 15:00) and stops cleanly before sending them: they stay
   * in the outbox, leased to «a», «for its next start» (README, Reliability).
   */
  const leftByA = async () => {
    const a = await testBot(await t.another(), { adminIds: [ADMIN], now: () => now, instanceId: "a" });
    a.runtime.stopSending();
    await a.runtime.runJobs(at("2026-11-24T15:00:00+05:00"), a.bot.api, log);
    return a;
  };
  /** «a» starts again and sends what it left behind. */
  const aAgain = async () => {
    const a2 = await testBot(await t.another(), { adminIds: [ADMIN], now: () => now, instanceId: "a" });
    await a2.runtime.flush(a2.bot.api, log);
    return a2;
  };

  it("is sent at the next start while its sitting stands", async () => {
    const { staff } = await formed();
    await scheduleSitting(staff);
    const a = await leftByA();
    expect(applicantTexts(a)).toEqual([]);
    at("2026-11-24T15:10:00+05:00");
    const a2 = await aAgain();
    expect(applicantTexts(a2)).toEqual([expect.stringMatching(/^Еске салу: ертең KZ-2026-000001 .* 25\.11\.2026, 15:00/)]);
    expect(await t.db.prisma.outbox.count({ where: { sentAt: null } })).toBe(0);
  });

  it("is not sent after the sitting was cancelled through another instance", async () => {
    const { staff } = await formed();
    await scheduleSitting(staff);
    const a = await leftByA();
    expect(await t.db.prisma.outbox.count({ where: { sentAt: null, leasedBy: "a" } })).toBeGreaterThan(0);
    expect(applicantTexts(a)).toEqual([]);
    // Meanwhile staff cancel the sitting through the other instance; the applicant is told.
    at("2026-11-24T16:00:00+05:00");
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Отменить");
    await staff.press("Отменить заседание");
    expect(applicantTexts(h).at(-1)).toMatch(/болдырылмады/);
    const a2 = await aAgain();
    // The applicant would read «tomorrow there is a sitting…» after being told it was cancelled.
    expect(applicantTexts(a2).filter((x) => REMINDER.test(x))).toEqual([]);
    // Left unsent for good, not kept to be tried again.
    expect(await t.db.prisma.outbox.count({ where: { sentAt: null } })).toBe(0);
  });

  it("is not sent to a relative the applicant removed from the case meanwhile; the applicant still gets theirs", async () => {
    const { staff, applicant } = await formed();
    await joinRelative(h, applicant, RELATIVE);
    await scheduleSitting(staff);
    await leftByA();
    expect(await t.db.prisma.outbox.count({ where: { sentAt: null, chatId: BigInt(RELATIVE) } })).toBeGreaterThan(0);
    // The applicant removes the relative, who is told no more will come about the case.
    at("2026-11-24T15:05:00+05:00");
    await applicant.send("/cases");
    await applicant.press("KZ-2026-000001 ісін ашу");
    const removed = await removeRelative(applicant);
    expect(texts(removed.filter((c) => c.payload.chat_id === RELATIVE))[0]).toMatch(/больше не будет/);
    const a2 = await aAgain();
    expect(applicantTexts(a2).filter((x) => REMINDER.test(x))).toHaveLength(1);
    // Before, the removed relative got the case number, the sitting's address and its link.
    expect(texts(a2.fake.sent("sendMessage", RELATIVE)).filter((x) => REMINDER_RU.test(x))).toEqual([]);
  });

  it("written by the version before, whose check names no reader: still sent, and its chat's answers not held back", async () => {
    const { staff } = await formed();
    await scheduleSitting(staff);
    await leftByA();
    // Make the stored row what the version before wrote: its StillTrue params without userId.
    const rows = await t.db.prisma.outbox.findMany({ where: { sentAt: null, chatId: BigInt(APPLICANT) } });
    expect(rows.length).toBe(1);
    for (const r of rows) {
      const p = JSON.parse(open(TEST_DATA_KEY, (r.payload as { sealed: string }).sealed)) as Record<string, { params: Record<string, unknown> }>;
      expect(p["@stillTrue"]!.params.userId).toBe(String(APPLICANT));
      delete p["@stillTrue"]!.params.userId;
      await t.db.prisma.outbox.update({ where: { id: r.id }, data: { payload: { sealed: seal(TEST_DATA_KEY, JSON.stringify(p)) } } });
    }
    // The upgraded instance «a» starts and flushes what it left.
    at("2026-11-24T15:10:00+05:00");
    const a2 = await aAgain();
    // The applicant writes to the upgraded instance: the answer comes at once.
    const answer = await a2.user(APPLICANT, "kk").send("/cases");
    expect(texts(answer.filter((c) => c.payload.chat_id === APPLICANT)).length).toBeGreaterThan(0);
    expect(texts(a2.fake.sent("sendMessage", APPLICANT)).filter((x) => REMINDER.test(x))).toHaveLength(1);
  });

  it("is not sent once the commission concluded and the applicant then drafted a complaint (status «escalated»)", async () => {
    const { staff } = await formed();
    await scheduleSitting(staff);
    await leftByA();
    expect(await t.db.prisma.outbox.count({ where: { sentAt: null, chatId: BigInt(APPLICANT) } })).toBe(1);
    // Meanwhile: the conclusion (harm not confirmed) is recorded — recordConclusion's writes — and the applicant
    // drafts a complaint at once (canEscalate: conclusion.confirmed === false) — draftEscalation's write.
    at("2026-11-24T15:05:00+05:00");
    const k = await t.db.prisma.case.findFirstOrThrow();
    const answers = { ...(k.answers as Record<string, unknown>), conclusion: { confirmed: false, outcome: null, summary: "x", on: "2026-11-24", file: null } };
    await t.db.prisma.case.update({ where: { id: k.id }, data: { status: "concluded", concludedAt: now, answers } });
    await t.db.prisma.case.update({ where: { id: k.id }, data: { status: "escalated" } });
    at("2026-11-24T15:10:00+05:00");
    const a2 = await aAgain();
    // «Tomorrow the commission sits…» after the commission concluded.
    expect(texts(a2.fake.sent("sendMessage", APPLICANT)).filter((x) => REMINDER.test(x))).toEqual([]);
  });

  it("is not sent once its sitting is over (the bot came back after it)", async () => {
    const { staff } = await formed();
    await scheduleSitting(staff);
    // The day-before reminder goes out as it should.
    await h.runtime.runJobs(at("2026-11-24T15:00:00+05:00"), h.bot.api, log);
    // The two-hours reminder is claimed and written; the bot stops before sending it.
    h.runtime.stopSending();
    await h.runtime.runJobs(at("2026-11-25T13:00:00+05:00"), h.bot.api, log);
    // Back the next day: the start-up flush.
    at("2026-11-26T09:00:00+05:00");
    const after = await testBot(t.db, { adminIds: [ADMIN], now: () => now });
    await after.runtime.flush(after.bot.api, log);
    // «In two hours there is a sitting… 25.11.2026, 15:00», read on 26.11.
    expect(applicantTexts(after).filter((x) => REMINDER.test(x))).toEqual([]);
  });
});

describe("daily jobs", () => {
  it("a daily job that fails once on five different nights, each time retried successfully, still runs the sixth night", async () => {
    let failNext = false;
    const real = jobHandlers.retention!;
    const flaky: JobHandler = async (tx, job, n, d, l) => {
      if (failNext) {
        failNext = false;
        throw new Error("connection reset (a transient failure)");
      }
      return real(tx, job, n, d, l);
    };
    const hh = await testBot(t.db, { now: () => now, jobHandlers: { retention: flaky } });
    await hh.runtime.start(at("2026-11-23T10:00:00+05:00"));
    const job = () => t.db.prisma.scheduledJob.findUniqueOrThrow({ where: { dedupeKey: "retention:daily" } });
    for (let night = 24; night <= 28; night++) {
      // 03:00 local: one transient failure, then the retry a minute later succeeds and schedules the next night.
      failNext = true;
      await hh.runtime.runJobs(at(`2026-11-${night}T03:00:00+05:00`), hh.bot.api, log);
      await hh.runtime.runJobs(at(`2026-11-${night}T03:05:00+05:00`), hh.bot.api, log);
    }
    const j = await job();
    // Each failure was followed by a success: the job should be waiting for the next night, not given up.
    expect([j.state, j.dueAt.toISOString()]).toEqual(["pending", "2026-11-28T22:00:00.000Z"]);
  });
});

describe("reminders and watches of a case that moved on", () => {
  it("a sitting's reminder is not sent once the case was settled and closed by a signed agreement", async () => {
    const { staff } = await formed();
    await scheduleSitting(staff);
    // Mediation ran and the signed agreement was recorded: what recordSignedAgreement writes to the case.
    at("2026-11-24T11:00:00+05:00");
    await t.db.prisma.case.updateMany({ data: { status: "settled", closedAt: now } });
    h.fake.clear();
    await h.runtime.runJobs(at("2026-11-24T15:00:00+05:00"), h.bot.api, log);
    // «Tomorrow, the commission's sitting on case …» to an applicant whose case is closed.
    expect(applicantTexts(h).filter((x) => REMINDER.test(x))).toEqual([]);
  });

  it("a sitting's reminder is still sent once the applicant drafted a complaint (the case «escalated»): the commission still sits", async () => {
    const { staff } = await formed();
    await scheduleSitting(staff);
    // What draftEscalation writes to the case; the bot sends nothing anywhere.
    await t.db.prisma.case.updateMany({ data: { status: "escalated" } });
    h.fake.clear();
    await h.runtime.runJobs(at("2026-11-24T15:00:00+05:00"), h.bot.api, log);
    expect(applicantTexts(h).filter((x) => REMINDER.test(x))).toEqual([expect.stringMatching(/^Еске салу: ертең KZ-2026-000001/)]);
  });

  it("the formation deadline that passed during a mediation is still reported when the mediation ends without agreement", async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "ru");
    const applicant = h.user(APPLICANT, "kk");
    await fileNotice(applicant, "kk");
    await recordReceipt(staff, "ru"); // received 23.11 (Mon): the commission is due by the end of 26.11
    expect((await t.db.prisma.case.findFirstOrThrow()).answers).toMatchObject({ formationDue: "2026-11-26" });
    // Staff offer mediation; the mediator accepts; both sides agree to the contract: it runs (case status «mediation»).
    const mediator = await joinMediator(h, ADMIN, MEDIATOR);
    await proposeMediator(staff);
    await mediator.press("Согласен(на) быть медиатором");
    await agreeToContract(applicant, staff);
    const k = await t.db.prisma.case.findFirstOrThrow();
    expect(k.status).toBe("mediation");
    // Staff could record the formation meanwhile (test/bot/mediation-meanwhile.test.ts); here they do not.
    h.fake.clear();
    // The formation deadline passes during the mediation: its check finds the case «moved on» and says nothing.
    await h.runtime.runJobs(at("2026-11-27T00:00:01+05:00"), h.bot.api, log);
    // The mediator ends it without agreement: the case is back at «received», the commission still not formed.
    at("2026-12-01T10:00:00+05:00");
    await mediator.send("/inbox");
    await mediator.press("Открыть KZ-2026-000001");
    await mediator.press("Завершить медиацию");
    await mediator.press("Завершить");
    expect((await t.db.prisma.case.findFirstOrThrow()).status).toBe("received");
    for (const iso of ["2026-12-01T10:01:00+05:00", "2026-12-02T10:00:00+05:00"]) await h.runtime.runJobs(at(iso), h.bot.api, log);
    // Nobody is ever told that the 3 working days to form the commission ran out on 26.11.
    expect(applicantTexts(h).filter((x) => /26\.11\.2026/.test(x))).not.toEqual([]);
  });
});
