// Two DIFFERENT chats acting on the SAME case at the same moment (review): the per-chat advisory lock does not
// serialise them, and PostgreSQL runs READ COMMITTED. PostgreSQL only (PGlite runs one transaction at a time).
//
// How each race is made deterministic: a connection of the test's own takes `LOCK TABLE "Outbox" IN SHARE MODE`
// (reads go on, inserts wait). Every update writes its messages to the outbox after ALL its domain work, so each
// racing update reads and decides everything, then waits there with nothing committed (or waits, earlier, on a row
// the other one has locked). The updates are started one after the other, each only once the one before waits on
// a lock, so which one commits first is fixed too. When every racer waits, the lock is let go.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../bot/db/database.js";
import type { Call } from "../../bot/local/fake-api.js";
import { testBot, texts, type Harness, type TestUser, textsTo } from "../helpers/bot.js";
import { TEST_PG_URL } from "../helpers/db.js";
import { fileNotice, joinRelative, PARTICULARS } from "../helpers/notice.js";
import { agreeToContract, formCommission, joinMediator, joinStaff, MEDIATOR_NAME, proposeMediator, proposeSettlement, redeem, scheduleSitting } from "../helpers/staff.js";
import { until } from "../helpers/wait.js";
import { createLogger } from "../../bot/logger.js";

const log = createLogger("silent");

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
const STAFF_B = 52;
const RELATIVE = 60;
const MEDIATOR = 70;
const MEDIATOR_B = 71;
const MEDIATOR_B_NAME = "Нурланова Гульнар Ержановна";
const STAFF_B_NAME = "Касымов Ерлан Бауржанович";

/** This file's schema; also the application_name of its connections, so that lock waits are counted for it alone. */
const schema = `races_${process.pid}_${randomBytes(4).toString("hex")}`;
const open = () => openDatabase({ url: TEST_PG_URL, dataDir: null, schema, applicationName: schema });

describe.skipIf(!TEST_PG_URL)("two chats on one case at the same moment (PostgreSQL, READ COMMITTED)", () => {
  const opened: Database[] = [];
  let db: Database;
  let watch: pg.Client;
  let h: Harness;
  let now: Date;
  const at = (iso: string) => (now = new Date(iso));
  beforeAll(async () => {
    db = await open();
    opened.push(db);
    watch = new pg.Client({ connectionString: TEST_PG_URL! });
    await watch.connect();
  });
  afterAll(async () => {
    for (const d of opened) await d.close();
    await watch.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await watch.end();
  });
  beforeEach(async () => {
    const tables = await db.prisma.$queryRawUnsafe<{ tablename: string }[]>(`SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations'`);
    await db.prisma.$executeRawUnsafe(`TRUNCATE ${tables.map((r) => `"${r.tablename}"`).join(", ")} RESTART IDENTITY CASCADE`);
    at("2026-11-23T10:00:00+05:00"); // a Monday
    h = await testBot(db, { adminIds: [ADMIN], now: () => now });
  });

  /** How many of this file's connections wait for a lock now. */
  const waiting = async () =>
    Number((await watch.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE "application_name" = $1 AND "wait_event_type" = 'Lock'`, [schema])).rows[0]!.n);

  /**
   * Runs the updates "at the same moment": each is started once the ones before it wait on a lock; the outbox is
   * locked meanwhile, so none of them commits before all of them have read and decided. Gives what each did.
   */
  const race = async (...moves: (() => Promise<Call[]>)[]): Promise<Call[][]> => {
    const blocker = new pg.Client({ connectionString: TEST_PG_URL! });
    await blocker.connect();
    try {
      await blocker.query("BEGIN");
      await blocker.query(`LOCK TABLE "${schema}"."Outbox" IN SHARE MODE`);
      const running: Promise<Call[]>[] = [];
      for (const [i, move] of moves.entries()) {
        running.push(move());
        await until(async () => (await waiting()) >= i + 1, 20_000, `update ${i + 1} of ${moves.length} waiting`);
      }
      await blocker.query("COMMIT");
      return await Promise.all(running);
    } finally {
      await blocker.end();
    }
  };

  const all = () => h.fake.calls;
  const events = async (kind: string) => db.prisma.caseEvent.count({ where: { kind } });

  /** A second member of staff of the same organisation (ru), by another invite of the admin. */
  const secondStaff = async (id = STAFF_B): Promise<TestUser> => {
    const admin = h.user(ADMIN, "ru");
    const invite = await admin.press("Пригласить: Городская больница №7");
    const link = /start=([A-Za-z0-9_-]{32})/.exec(texts(invite)[0]!)![1]!;
    const u = h.user(id, "ru");
    await u.send("/start");
    await redeem(u, link, "ru", "staff", STAFF_B_NAME);
    return u;
  };

  /** Two staff (ru) of «Городская больница №7» and an applicant (kk) whose notice reached them. */
  const delivered = async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "ru");
    const staffB = await secondStaff();
    const applicant = h.user(APPLICANT, "kk");
    await fileNotice(applicant, "kk");
    return { staff, staffB, applicant };
  };

  /** Staff open the case and go as far as the receipt's date question. */
  const toReceiptDate = async (u: TestUser, registration: string) => {
    await u.send("/inbox");
    await u.press("Открыть KZ-2026-000001");
    await u.press("Отметить получение обращения");
    await u.send(registration);
  };

  it("two staff record the receipt at once, on two instances: it is recorded once — not twice, with the applicant told two different deadlines", async () => {
    const { staff, staffB } = await delivered();
    at("2026-11-25T10:00:00+05:00"); // Wednesday
    await toReceiptDate(staff, "01-12/345");
    await toReceiptDate(staffB, "01-12/346");
    // Staff B's last step goes to another instance on the same database.
    const db2 = await open();
    opened.push(db2);
    const h2 = await testBot(db2, { adminIds: [ADMIN], now: () => now, instanceId: "b" });
    const startA = all().length;
    await race(
      () => staff.press("Сегодня"),
      () => h2.user(STAFF_B, "ru").send("24.11.2026"),
    );
    const told = [...textsTo(all().slice(startA), APPLICANT), ...textsTo(h2.fake.calls, APPLICANT)].filter((x) => x.includes("ұйым өтінішті"));
    expect(told, "the applicant is told the entity's receipt (and its deadline) once").toEqual([expect.any(String)]);
    expect(await events("notice_received")).toBe(1);
  });

  it("two staff record the commission's formation at once: one formation, one conclusion deadline told to the applicant", async () => {
    const { staff, staffB } = await delivered();
    await toReceiptDate(staff, "01-12/345");
    await staff.press("Сегодня"); // received on Monday 23.11
    at("2026-11-25T10:00:00+05:00");
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Комиссия сформирована");
    await staffB.send("/inbox");
    await staffB.press("Открыть KZ-2026-000001");
    await staffB.press("Комиссия сформирована");
    await staffB.press("Подтверждаю: в другой день");
    const start = all().length;
    await race(
      () => staff.press("Подтверждаю"),
      () => staffB.send("24.11.2026"),
    );
    const told = textsTo(all().slice(start), APPLICANT).filter((x) => x.includes("комиссиясы") && x.includes("құрылды"));
    expect(told, "the applicant is told of the commission's formation once").toEqual([expect.any(String)]);
    expect(await events("commission_formed")).toBe(1);
  });

  it("two staff propose mediation at once, each with another mediator: the case has one mediation, not two", async () => {
    const { staff, staffB } = await delivered();
    await joinMediator(h, ADMIN, MEDIATOR);
    await joinMediator(h, ADMIN, MEDIATOR_B, MEDIATOR_B_NAME);
    for (const u of [staff, staffB]) {
      await u.send("/inbox");
      await u.press("Открыть KZ-2026-000001");
      await u.press("Предложить медиацию");
    }
    const start = all().length;
    await race(
      () => staff.press(MEDIATOR_NAME),
      () => staffB.press(MEDIATOR_B_NAME),
    );
    const asked = [MEDIATOR, MEDIATOR_B].filter((id) => textsTo(all().slice(start), id).some((x) => x.startsWith("Вам предлагают стать медиатором")));
    expect(await db.prisma.mediation.count({ where: { state: { in: ["proposed", "agreeing", "running", "signing"] } } }), "mediations under way on the one case").toBe(1);
    expect(asked).toHaveLength(1);
  });

  /** Mediation assigned and accepted by the mediator; the contract offered to both sides. */
  const agreeing = async () => {
    const { staff, staffB, applicant } = await delivered();
    const mediator = await joinMediator(h, ADMIN, MEDIATOR);
    await proposeMediator(staff);
    await mediator.press("Согласен(на) быть медиатором");
    return { staff, staffB, applicant, mediator };
  };

  /** The mediation running: both sides agreed to the contract. */
  const running = async () => {
    const r = await agreeing();
    await agreeToContract(r.applicant, r.staff);
    expect((await db.prisma.mediation.findFirstOrThrow()).state).toBe("running");
    return r;
  };

  it("a side refuses the mediation contract while the other side's agreement completes it: the refused mediation does not start", async () => {
    const { staff, staffB, applicant } = await agreeing();
    // Staff A agreed for the organisation earlier; the applicant is at the last question of their particulars.
    await staff.press("Согласен(на) с договором");
    await applicant.press("Шартпен келісемін");
    for (const x of [PARTICULARS.surname, PARTICULARS.name, PARTICULARS.patronymic, PARTICULARS.iin]) await applicant.send(x);
    const start = all().length;
    // Staff B refuses for the organisation (first), the applicant's agreement follows at the same moment.
    await race(
      () => staffB.press("Не согласен(на)"),
      () => applicant.send(PARTICULARS.address),
    );
    const toApplicant = textsTo(all().slice(start), APPLICANT);
    expect((await db.prisma.mediation.findFirstOrThrow()).state, "the mediation's state after a refusal").toBe("ended");
    expect(toApplicant.filter((x) => x.includes("медиация туралы шартпен келісті")), "the applicant is told the mediation started, after being told it will not").toEqual([]);
  });

  it("both sides accept the mediator's proposal at once: the agreement is reached (not lost with both acceptances stored)", async () => {
    const { staff, applicant, mediator } = await running();
    await proposeSettlement(mediator, "2 700 000");
    const start = all().length;
    await race(
      () => applicant.press("Қабылдау"),
      () => staff.press("Принять"),
    );
    expect(await db.prisma.proposalResponse.count({ where: { answer: "accept" } })).toBe(2);
    expect(await events("agreement_reached"), "agreement_reached events").toBe(1);
    expect(textsTo(all().slice(start), APPLICANT).filter((x) => x.includes("дауды реттеу туралы келісім"))).toHaveLength(1);
  });

  it("two staff accept the proposal at once after the applicant did: the agreement is reached and sent once", async () => {
    const { staff, staffB, applicant, mediator } = await running();
    await proposeSettlement(mediator, "2 700 000");
    await applicant.press("Қабылдау");
    const start = all().length;
    await race(
      () => staff.press("Принять"),
      () => staffB.press("Принять"),
    );
    expect(await events("agreement_reached"), "agreement_reached events").toBe(1);
    expect(textsTo(all().slice(start), APPLICANT).filter((x) => x.includes("дауды реттеу туралы келісім")), "agreements sent to the applicant").toHaveLength(1);
  });

  it("both sides confirm the agreement's text at once: it goes on to signing, not left waiting for a confirmation both gave", async () => {
    const { staff, applicant, mediator } = await running();
    await proposeSettlement(mediator, "2 700 000");
    await applicant.press("Қабылдау");
    await staff.press("Принять");
    const start = all().length;
    await race(
      () => applicant.press("Оқыдым және келісемін"),
      () => staff.press("Я прочитал(а) и согласен(на)"),
    );
    expect(await db.prisma.proposalResponse.count({ where: { confirmedAt: { not: null } } })).toBe(2);
    expect((await db.prisma.mediation.findFirstOrThrow()).state, "the mediation's state with both confirmations stored").toBe("signing");
    expect(textsTo(all().slice(start), STAFF).some((x) => x.includes("обе стороны согласились с текстом соглашения"))).toBe(true);
  });

  it("a side withdraws from the mediation while the other accepts the proposal: no agreement is reached in an ended mediation", async () => {
    const { staff, applicant, mediator } = await running();
    await proposeSettlement(mediator, "2 700 000");
    await applicant.press("Қабылдау");
    // From the «mediation started» message's buttons; asked once more, then «Аяқтау».
    await applicant.press("Медиациядан шығу");
    const start = all().length;
    await race(
      () => applicant.press("Аяқтау"),
      () => staff.press("Принять"),
    );
    const m = await db.prisma.mediation.findFirstOrThrow();
    const toApplicant = textsTo(all().slice(start), APPLICANT);
    expect(m.state).toBe("ended");
    expect(await events("agreement_reached"), "agreements reached in a mediation that ended").toBe(0);
    expect(toApplicant.filter((x) => x.includes("дауды реттеу туралы келісім")), "the applicant is sent an agreement to confirm after the mediation ended").toEqual([]);
  });

  it("the mediation's term runs out while the second side confirms the agreement's text: it goes on to signing, not ended by the clock a moment later", async () => {
    const { staff, applicant, mediator } = await running();
    await proposeSettlement(mediator, "2 700 000");
    await applicant.press("Қабылдау");
    await staff.press("Принять");
    await applicant.press("Оқыдым және келісемін");
    const expiry = await db.prisma.scheduledJob.findFirstOrThrow({ where: { kind: "mediation_expire", state: "pending" } });
    at(expiry.dueAt.toISOString());
    const start = all().length;
    // The confirmation holds its case (it waits at the outbox, nothing committed) when the expiry's job runs.
    const blocker = new pg.Client({ connectionString: TEST_PG_URL! });
    await blocker.connect();
    let jobs: Promise<number> | undefined;
    let confirming: Promise<Call[]> | undefined;
    try {
      await blocker.query("BEGIN");
      await blocker.query(`LOCK TABLE "${schema}"."Outbox" IN SHARE MODE`);
      confirming = staff.press("Я прочитал(а) и согласен(на)");
      await until(async () => (await waiting()) >= 1, 20_000, "the confirmation waiting");
      let ran = false;
      jobs = h.runtime.runJobs(now, h.bot.api, log).finally(() => (ran = true));
      // Before, the job read the mediation still running and waited to end it; now it is put off, its case busy.
      await until(async () => ran || (await waiting()) >= 2, 20_000, "the expiry's job done or waiting");
      await blocker.query("COMMIT");
    } finally {
      await blocker.end();
    }
    await Promise.all([confirming, jobs]);
    // Later, the job runs again: the text was agreed, so the clock no longer ends the mediation.
    at(new Date(expiry.dueAt.getTime() + 60_000).toISOString());
    await h.runtime.runJobs(now, h.bot.api, log);
    await h.runtime.idle();
    expect((await db.prisma.mediation.findFirstOrThrow()).state, "the mediation's state after both confirmed, at its term's end").toBe("signing");
    expect(textsTo(all().slice(start), APPLICANT).filter((x) => x.includes("келісімсіз аяқталды")), "the applicant told the mediation ended without agreement").toEqual([]);
  });

  it("a relative withdraws consent while the applicant removes them: they leave the case once — one event, the applicant told once", async () => {
    const applicant = h.user(APPLICANT, "kk");
    await fileNotice(applicant, "kk");
    const relative = await joinRelative(h, applicant, RELATIVE);
    await relative.send("/privacy");
    await relative.press("Отозвать согласие");
    const start = all().length;
    // The withdrawal names no case (it leaves every case the user follows) — first; the applicant's removal at the same moment.
    // Removing asks once more first: the race is the confirmation's.
    await applicant.press("Алып тастау: Сейтова Асель Нурлановна (пациенттің жұбайы)");
    await race(
      () => relative.press("Да, отозвать"),
      () => applicant.press("Алып тастау"),
    );
    expect(await events("relative_removed"), "relative_removed events in the case's log").toBe(1);
    expect(textsTo(all().slice(start), APPLICANT).filter((x) => x.includes("ісінен шығарылды") || x.includes("енді бақыламайды")), "the applicant told the relative left").toHaveLength(1);
  });

  it("a relative joins through an old link while the night's retention anonymises the closed case: no one is left on the anonymised case", async () => {
    const applicant = h.user(APPLICANT, "kk");
    await fileNotice(applicant, "kk");
    await applicant.send("/cases");
    await applicant.press("KZ-2026-000001 ісін ашу");
    const link = /start=(c_[A-Za-z0-9_-]{32})/.exec(texts(await applicant.press("Туысты шақыру"))[0]!)![1]!;
    const relative = h.user(RELATIVE, "ru");
    await relative.send(`/start ${link}`);
    await relative.press("Супруг(а)");
    await relative.press("Согласен(на)");
    // The case was settled long ago (past the default three years); the retention job is due tonight.
    await db.prisma.case.updateMany({ data: { status: "settled", closedAt: new Date(now.getTime() - 1100 * 86_400_000) } });
    await h.runtime.start(now);
    at("2026-11-24T03:00:00+05:00");
    const blocker = new pg.Client({ connectionString: TEST_PG_URL! });
    await blocker.connect();
    let joining: Promise<Call[]> | undefined;
    let jobs: Promise<number> | undefined;
    try {
      await blocker.query("BEGIN");
      await blocker.query(`LOCK TABLE "${schema}"."Outbox" IN SHARE MODE`);
      // The relative's last step has taken the link and added them, and waits at the outbox, nothing committed.
      joining = relative.send("Сейтова Асель Нурлановна");
      await until(async () => (await waiting()) >= 1, 20_000, "the join waiting");
      let ran = false;
      jobs = h.runtime.runJobs(now, h.bot.api, log).finally(() => (ran = true));
      // Before, the job deleted the case's participants (not seeing the new one) and waited on the link's row.
      await until(async () => ran || (await waiting()) >= 2, 20_000, "the retention job done or waiting");
      await blocker.query("COMMIT");
    } finally {
      await blocker.end();
    }
    await Promise.all([joining, jobs]);
    // The job's next run, a moment later, finds the case free.
    at("2026-11-24T03:00:05+05:00");
    await h.runtime.runJobs(now, h.bot.api, log);
    const k = await db.prisma.case.findFirstOrThrow();
    expect(k.anonymisedAt, "the case anonymised").not.toBeNull();
    expect(await db.prisma.caseParticipant.count({ where: { caseId: k.id } }), "people left on the anonymised case").toBe(0);
    expect(texts(await relative.send("/cases")).join("\n"), "the relative's /cases").not.toContain("KZ-2026-000001");
  });

  /** Staff schedule a sitting for 25.11.2026 15:00 (the commission formed). */
  const withSitting = async () => {
    const { staff, staffB, applicant } = await delivered();
    await toReceiptDate(staff, "01-12/345");
    await staff.press("Сегодня");
    await formCommission(staff);
    await scheduleSitting(staff);
    return { staff, staffB, applicant };
  };

  it("one staff cancels the sitting while another moves it: the applicant is not invited to a moved sitting after being told it is cancelled", async () => {
    const { staff, staffB } = await withSitting();
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Отменить");
    await staffB.send("/inbox");
    await staffB.press("Открыть KZ-2026-000001");
    await staffB.press("Перенести: 25.11.2026, 15:00");
    await staffB.send("26.11.2026");
    await staffB.send("10:30");
    const start = all().length;
    await race(
      () => staff.press("Отменить заседание"),
      () => staffB.press("Сохранить"),
    );
    const s = await db.prisma.sitting.findFirstOrThrow();
    const toApplicant = textsTo(all().slice(start), APPLICANT);
    expect(s.cancelledAt).not.toBeNull();
    expect(toApplicant.filter((x) => x.includes("отырысы ауыстырылды")), "a move of the cancelled sitting, with buttons to answer whether one comes").toEqual([]);
    expect(await db.prisma.scheduledJob.count({ where: { kind: "sitting_reminder", state: "pending" } }), "reminders pending for a cancelled sitting").toBe(0);
  });
});
