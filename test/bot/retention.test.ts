// Retention (issue 15): a case whose procedure ended more than RETENTION_DAYS ago is anonymised by the daily
// durable job — searched in raw rows, every table, for its personal data — and a case inside its term is left
// as it was. Runs on PGlite, and on PostgreSQL with TEST_DATABASE_URL.
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { seal } from "../../bot/crypto.js";
import { patientName } from "../../bot/core/case.js";
import { createLogger } from "../../bot/logger.js";
import { TEST_DATA_KEY, testBot, texts, type Harness } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { fileNotice } from "../helpers/notice.js";
import { joinStaff } from "../helpers/staff.js";

const ADMIN = 9001;
const STAFF = 5_000_050;
const OLD = 7_700_001; // applicant of the case past its term
const RECENT = 7_700_002; // applicant of the case inside it
const RELATIVE = 7_700_003; // a relative on the old case
const OLD_NOTICE = { name: "Бекова Дана Серикқызы", iin: "900101400013", phone: "+77019998877", description: "Осложнение после операции на колене, о котором знает только эта заявительница." };
const RECENT_NOTICE = { name: "Оспанов Ерлан Болатович", iin: "850301300121", phone: "+77015554433", description: "Недавнее дело: после лечения ухудшилось зрение." };
const RELATIVE_NAME = "Сейтова Асель Нурлановна";
const DAY = 86_400_000;

let t: TestDb;
let h: Harness;
let now: Date;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t.dispose());
beforeEach(async () => {
  await t.reset();
  now = new Date("2026-11-23T10:00:00+05:00");
  h = await testBot(t.db, { adminIds: [ADMIN], now: () => now });
});

/** Every row of every table, as PostgreSQL prints it: what someone with the database alone could read. */
const rawRows = async (): Promise<Map<string, string[]>> => {
  const tables = await t.db.prisma.$queryRawUnsafe<{ tablename: string }[]>(`SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations'`);
  const out = new Map<string, string[]>();
  for (const { tablename } of tables) {
    const rows = await t.db.prisma.$queryRawUnsafe<{ r: string }[]>(`SELECT t::text AS r FROM "${tablename}" t`);
    out.set(tablename, rows.map((x) => x.r));
  }
  return out;
};
const tablesWith = (rows: Map<string, string[]>, needle: string, except: string[] = []) =>
  [...rows].filter(([table, rs]) => !except.includes(table) && rs.some((r) => r.includes(needle))).map(([table]) => table);

describe("retention of closed cases", () => {
  it("the daily job anonymises a case closed longer than RETENTION_DAYS and leaves one inside its term", async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "ru");
    const old = h.user(OLD, "ru");
    await fileNotice(old, "ru", OLD_NOTICE, ["old-photo-file"]);
    const recent = h.user(RECENT, "kk");
    await fileNotice(recent, "kk", RECENT_NOTICE, ["recent-photo-file"]);
    // A relative joins the old case; staff open both notices (the access log).
    await old.send("/cases");
    await old.press("Открыть KZ-2026-000001");
    const link = /start=(c_\S+)/.exec(texts(await old.press("Пригласить родственника"))[0]!)![1]!;
    const r = h.user(RELATIVE, "ru");
    await r.send(`/start ${link}`);
    await r.press("Супруг(а)");
    await r.press("Согласен(на)");
    await r.send(RELATIVE_NAME);
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000002");

    // Both settled (the signed agreement recorded): one 1,100 days ago, past the default 1,095; one 1,000 days ago.
    const [a, b] = await t.db.prisma.case.findMany({ orderBy: { id: "asc" } });
    const closedA = new Date(now.getTime() - 1100 * DAY);
    await t.db.prisma.case.update({ where: { id: a!.id }, data: { status: "settled", closedAt: closedA } });
    await t.db.prisma.case.update({ where: { id: b!.id }, data: { status: "settled", closedAt: new Date(now.getTime() - 1000 * DAY) } });
    const before = await rawRows();
    // Before the job, the old case's data is there to find (the search below can fail).
    expect(tablesWith(before, a!.sensitive)).toEqual(["Case"]);
    expect(tablesWith(before, "old-photo-file").sort()).toEqual(["Attachment"]);
    expect(tablesWith(before, RELATIVE_NAME)).toEqual(["User"]);
    expect(tablesWith(before, String(OLD), ["User", "ConsentEvent", "ChatState", "Outbox"]).sort()).toEqual(["CaseEvent", "CaseParticipant", "Invite"]);
    const recentEvents = await t.db.prisma.caseEvent.count({ where: { caseId: b!.id } });
    const oldEvents = await t.db.prisma.caseEvent.count({ where: { caseId: a!.id } });

    // The job is scheduled at start for 03:00 the coming night, Kazakhstan time.
    await h.runtime.start(now);
    const job = await t.db.prisma.scheduledJob.findUniqueOrThrow({ where: { dedupeKey: "retention:daily" } });
    expect([job.state, job.dueAt.toISOString()]).toEqual(["pending", "2026-11-23T22:00:00.000Z"]);
    now = new Date("2026-11-24T03:00:00+05:00");
    await h.runtime.runJobs(now, h.bot.api, createLogger("silent"));

    const after = await rawRows();
    for (const needle of [OLD_NOTICE.name, OLD_NOTICE.iin, OLD_NOTICE.phone, OLD_NOTICE.description, "1990-01-01", a!.sensitive, "old-photo-file", RELATIVE_NAME])
      expect([needle, tablesWith(after, needle)]).toEqual([needle, []]);
    // Nobody is linked to the old case any more: its applicant's id remains only on their own account and chat.
    expect(tablesWith(after, String(OLD), ["User", "ConsentEvent", "ChatState", "Outbox"])).toEqual([]);
    expect(tablesWith(after, String(RELATIVE), ["User", "ConsentEvent", "ChatState", "Outbox"])).toEqual([]);
    const anon = await t.db.prisma.case.findUniqueOrThrow({ where: { id: a!.id } });
    expect([anon.number, anon.status, anon.sensitive, anon.answers, anon.anonymisedAt?.toISOString()]).toEqual(["KZ-2026-000001", "settled", "", {}, now.toISOString()]);
    // The log keeps one tombstone, without personal data.
    const log = await t.db.prisma.caseEvent.findMany({ where: { caseId: a!.id } });
    expect(log.map((e) => [e.kind, e.actorId, e.payload])).toEqual([["anonymised", null, { status: "settled", closedAt: closedA.toISOString(), events: oldEvents }]]);

    // The case inside its term is untouched: decrypts, keeps its file, its people and its log.
    const kept = await t.db.prisma.case.findUniqueOrThrow({ where: { id: b!.id }, include: { attachments: true, participants: true } });
    expect(patientName(TEST_DATA_KEY, kept)).toBe(RECENT_NOTICE.name);
    expect(kept.attachments.map((f) => f.fileId)).toEqual(["recent-photo-file"]);
    expect(kept.participants.map((p) => Number(p.userId))).toEqual([RECENT]);
    expect(await t.db.prisma.caseEvent.count({ where: { caseId: b!.id } })).toBe(recentEvents);
    expect(kept.anonymisedAt).toBeNull();

    // What the people notice: the old case is gone from the applicant's /cases; the recent one is still there.
    expect(texts(await old.send("/cases"))[0]).toBe("У вас пока нет дел. Подать обращение: /notice");
    expect(texts(await recent.send("/cases"))[0]).toContain("KZ-2026-000002");
    // Staff's inbox no longer lists it; a button to it from before says what happened, and records no access.
    const inbox = texts(await staff.send("/inbox"))[0]!;
    expect([inbox.includes("KZ-2026-000001"), inbox.includes("KZ-2026-000002")]).toEqual([false, true]);
    expect(texts(await staff.press("Открыть KZ-2026-000001"))).toEqual([
      "Рассмотрение дела KZ-2026-000001 завершено; по истечении срока хранения персональные данные по делу удалены 24.11.2026: обращение и файлы больше недоступны.",
      expect.stringMatching(/^«Городская больница №7»: обращения\n/),
    ]);
    expect(await t.db.prisma.dataAccess.count({ where: { caseId: a!.id } })).toBe(0);
    // The job waits for the next night; the log stays append-only for everyone else.
    const next = await t.db.prisma.scheduledJob.findUniqueOrThrow({ where: { dedupeKey: "retention:daily" } });
    expect([next.state, next.dueAt.toISOString()]).toEqual(["pending", "2026-11-24T22:00:00.000Z"]);
    await expect(t.db.prisma.caseEvent.deleteMany({ where: { caseId: b!.id } })).rejects.toThrow(/append-only/);
  });

  it("a case whose anonymisation PostgreSQL refuses is passed over and named in the log; the cases before and after it — a whole batch of refused ones between — are anonymised the same night", async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(...chunk.toString().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)), done()) });
    const hh = await testBot(t.db, { now: () => now, logger: pino({ level: "info" }, sink) });
    await hh.runtime.start(now);
    // 52 cases closed long ago: the first and the last as usual; PostgreSQL refuses to anonymise the 50 between.
    const sensitive = seal(TEST_DATA_KEY, JSON.stringify({ iin: "900101400013", phone: "+77019998877", description: "Осложнение.", name: "Бекова Дана Серикқызы" }));
    await t.db.prisma.case.createMany({
      data: Array.from({ length: 52 }, (_, i) => ({
        number: `KZ-2023-${String(i + 1).padStart(6, "0")}`, year: 2023, seq: i + 1, orgName: "Емхана", region: "astana", language: "ru" as const,
        status: "settled" as const, closedAt: new Date("2023-06-01T12:00:00+05:00"), answers: { relation: "self" }, sensitive,
      })),
    });
    await t.db.prisma.$executeRawUnsafe(`ALTER TABLE "Case" ADD CONSTRAINT "refuse_some" CHECK ("seq" IN (1, 52) OR "anonymisedAt" IS NULL)`);
    try {
      await hh.runtime.runJobs((now = new Date("2026-11-24T03:00:01+05:00")), hh.bot.api, createLogger("silent"));
      await hh.runtime.runJobs((now = new Date("2026-11-24T03:00:03+05:00")), hh.bot.api, createLogger("silent"));
      const cases = await t.db.prisma.case.findMany({ orderBy: { seq: "asc" }, select: { id: true, seq: true, sensitive: true, anonymisedAt: true } });
      const gone = cases.filter((k) => k.anonymisedAt !== null && k.sensitive === "").map((k) => k.seq);
      expect(gone).toEqual([1, 52]);
      expect(cases.filter((k) => k.sensitive === sensitive).length).toBe(50);
      // Each refused case named once, by its id, with no personal data.
      const named = lines.filter((l) => l.msg === "a case failed in a job's run; passed over, the run goes on");
      expect(named.map((l) => l.caseId)).toEqual(cases.slice(1, 51).map((k) => k.id));
      expect(new Set(named.map((l) => l.kind))).toEqual(new Set(["retention"]));
      const all = JSON.stringify(lines);
      for (const secret of ["Бекова", "900101400013", "+77019998877", sensitive]) expect(all).not.toContain(secret);
      // Not failed for them: the job waits for the next night, from the first case again.
      const next = await t.db.prisma.scheduledJob.findUniqueOrThrow({ where: { dedupeKey: "retention:daily" } });
      expect([next.state, next.attempts, next.lastError, next.dueAt.toISOString(), next.payload]).toEqual(["pending", 0, null, "2026-11-24T22:00:00.000Z", {}]);
    } finally {
      await t.db.prisma.$executeRawUnsafe(`ALTER TABLE "Case" DROP CONSTRAINT "refuse_some"`);
    }
  });
});
