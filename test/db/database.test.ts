// The store itself, on PGlite — and on PostgreSQL when TEST_DATABASE_URL is set (.ci/run does).
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../bot/db/database.js";
import { applyMigrations, MigrationError, readMigrations, type RunInTransaction } from "../../bot/db/migrate.js";
import { Store } from "../../bot/runtime/store.js";
import { TEST_PG_URL, testDatabase, type TestDb } from "../helpers/db.js";
import { bound } from "../helpers/time.js";
import { until } from "../helpers/wait.js";

let t: TestDb;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t.dispose());
beforeEach(async () => t.reset());

/** Runs the migrator through Prisma's own interactive transaction on the test store. */
const viaPrisma: RunInTransaction = (fn) =>
  t.db.prisma.$transaction((tx) =>
    fn({
      exec: async (sql) => void (await tx.$executeRawUnsafe(sql)),
      query: async <T>(sql: string, params: unknown[] = []) => tx.$queryRawUnsafe<T[]>(sql, ...params),
    }),
  );

describe(`migrations (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
  it("are applied at open and recorded as Prisma records them", async () => {
    expect(t.db.migrated).toEqual(readMigrations().map((m) => m.name));
    const rows = await t.db.prisma.$queryRawUnsafe<{ migration_name: string; checksum: string; finished_at: Date | null }[]>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations"`,
    );
    expect(rows.map((r) => [r.migration_name, r.checksum])).toEqual(readMigrations().map((m) => [m.name, m.checksum]));
    expect(rows.every((r) => r.finished_at !== null)).toBe(true);
  });

  it("a second run applies nothing", async () => {
    expect(await applyMigrations(viaPrisma)).toEqual([]);
  });

  it("refuses to run when an applied migration was edited", async () => {
    const edited = readMigrations().map((m) => ({ ...m, checksum: "0".repeat(64) }));
    await expect(applyMigrations(viaPrisma, edited)).rejects.toThrow(MigrationError);
  });

  it("applies a new migration once", async () => {
    const extra = [...readMigrations(), { name: "29991231000000_probe", sql: `CREATE TABLE "Probe" (id int)`, checksum: "a".repeat(64) }];
    expect(await applyMigrations(viaPrisma, extra)).toEqual(["29991231000000_probe"]);
    expect(await applyMigrations(viaPrisma, extra)).toEqual([]);
    await t.db.prisma.$executeRawUnsafe(`DROP TABLE "Probe"`);
    await t.db.prisma.$executeRawUnsafe(`DELETE FROM "_prisma_migrations" WHERE migration_name = '29991231000000_probe'`);
  });
});

describe("the schema", () => {
  it("keeps the case event log append-only", async () => {
    const c = await t.db.prisma.case.create({
      data: { number: "KZ-2026-000001", year: 2026, seq: 1, orgName: "Емхана", region: "astana", language: "kk", answers: {}, sensitive: "" },
    });
    const e = await t.db.prisma.caseEvent.create({ data: { caseId: c.id, kind: "notice_submitted" } });
    await expect(t.db.prisma.caseEvent.update({ where: { id: e.id }, data: { kind: "forged" } })).rejects.toThrow(/append-only/);
    await expect(t.db.prisma.caseEvent.delete({ where: { id: e.id } })).rejects.toThrow(/append-only/);
    expect((await t.db.prisma.caseEvent.findUniqueOrThrow({ where: { id: e.id } })).kind).toBe("notice_submitted");
  });

  it("gives each case number once", async () => {
    const data = { number: "KZ-2026-000002", year: 2026, seq: 2, orgName: "x", region: "astana", language: "ru" as const, answers: {}, sensitive: "" };
    await t.db.prisma.case.create({ data });
    await expect(t.db.prisma.case.create({ data: { ...data, seq: 3 } })).rejects.toThrow();
  });
});

describe("the runtime's store", () => {
  const store = () => new Store(t.db.prisma, [77], Buffer.alloc(32, 1));
  const isProcessed = async (id: number) => (await t.db.prisma.processedUpdate.count({ where: { updateId: BigInt(id) } })) === 1;
  const commit = (updateId: number) => ({
    updateId,
    chatId: 5,
    userId: 5,
    stack: [{ flow: "onboarding", version: 1, prompt: 2, snapshot: { value: "consent", context: { language: "kk" } } }],
    language: "kk" as const,
    createUser: true,
    outbox: [{ method: "sendMessage", payload: { chat_id: 5, text: "x" } }],
  });

  it("stores the stack, the user and the outbox in one go, and refuses the same update twice", async () => {
    const rows = await store().commit(commit(100));
    expect(rows).toHaveLength(1);
    expect(await store().commit(commit(100))).toBeNull();
    expect(await t.db.prisma.outbox.count()).toBe(1);
    const loaded = await store().load(5, 5);
    expect(loaded).toMatchObject({ language: "kk", hasConsent: false, userExists: true, roles: [] });
    expect(loaded.stack[0]?.snapshot.value).toBe("consent");
    expect(await isProcessed(100)).toBe(true);
  });

  it("rolls everything back when any part fails", async () => {
    // A domain effect (say, filing a notice) that fails inside the transaction takes the whole update with it.
    const failing = () => Promise.reject(new Error("case could not be stored"));
    await expect(store().commit(commit(101), failing)).rejects.toThrow("case could not be stored");
    expect(await isProcessed(101)).toBe(false);
    expect(await t.db.prisma.chatState.count()).toBe(0);
    expect(await t.db.prisma.user.count()).toBe(0);
  });

  it("reads roles from the database and admins from configuration", async () => {
    await t.db.prisma.user.create({ data: { id: 77n } });
    await t.db.prisma.user.create({ data: { id: 78n, roles: { create: [{ role: "mediator" }, { role: "staff", revokedAt: new Date() }] } } });
    expect((await store().load(77, 77)).roles).toEqual(["admin"]);
    expect((await store().load(78, 78)).roles).toEqual(["mediator"]);
  });

  it("deletes sent messages after a week, never unsent ones", async () => {
    const week = 7 * 86_400_000;
    await t.db.prisma.outbox.createMany({
      data: [
        { chatId: 1n, method: "sendMessage", payload: {}, sentAt: new Date(Date.now() - week - 1000) },
        { chatId: 1n, method: "sendMessage", payload: {}, sentAt: new Date() },
        { chatId: 1n, method: "sendMessage", payload: {}, createdAt: new Date(Date.now() - 2 * week) },
      ],
    });
    expect(await store().pruneSent(new Date(Date.now() - week))).toBe(1);
    expect(await t.db.prisma.outbox.count()).toBe(2);
    expect(await t.db.prisma.outbox.count({ where: { sentAt: null } })).toBe(1);
  });

  it("forgets processed update ids older than a day", async () => {
    await t.db.prisma.processedUpdate.create({ data: { updateId: 1n, processedAt: new Date("2026-01-01") } });
    await t.db.prisma.processedUpdate.create({ data: { updateId: 2n } });
    expect(await store().pruneProcessed(new Date(Date.now() - 86_400_000))).toBe(1);
    expect(await isProcessed(2)).toBe(true);
  });
});

describe("the duplicate guard", () => {
  it("only a repeated update id counts as a duplicate: other failures are errors, not silence", async () => {
    const store = new Store(t.db.prisma, [], Buffer.alloc(32, 1));
    const base = { chatId: 9, userId: 9, stack: null, createUser: true, outbox: [] };
    expect(await store.commit({ ...base, updateId: 900 })).toEqual([]);
    expect(await store.commit({ ...base, updateId: 900 })).toBeNull();
    // A unique violation from something else in the update's transaction must surface.
    const clash = async (tx: Parameters<NonNullable<Parameters<Store["commit"]>[1]>>[0]) => {
      await tx.processedUpdate.create({ data: { updateId: 900n } });
      return [];
    };
    await expect(store.commit({ ...base, updateId: 901, outbox: [{ method: "x", payload: {} }] }, clash)).rejects.toThrow();
    expect(await t.db.prisma.processedUpdate.count({ where: { updateId: 901n } })).toBe(0);
  });
});

describe.skipIf(!TEST_PG_URL)("several instances starting at once on PostgreSQL", () => {
  const dropSchema = async (schema: string) => {
    const admin = new pg.Client({ connectionString: TEST_PG_URL! });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  };

  it("with DATABASE_SCHEMA naming a schema not made yet, three instances starting together all start", async () => {
    // A race: five rounds (before, it was lost in about nine rounds of ten).
    for (let round = 0; round < 5; round++) {
      const schema = `starts_${randomBytes(4).toString("hex")}`;
      try {
        const opened = await Promise.allSettled([0, 1, 2].map(() => openDatabase({ url: TEST_PG_URL, dataDir: null, schema })));
        for (const o of opened) if (o.status === "fulfilled") await o.value.close();
        // Before, all but one stopped: 'duplicate key value violates unique constraint "pg_namespace_nspname_index"'.
        expect(opened.flatMap((o) => (o.status === "rejected" ? [String(o.reason)] : []))).toEqual([]);
      } finally {
        await dropSchema(schema);
      }
    }
  });

  it("an instance waiting for another's migrations waits however long they take, past its statement timeout", async () => {
    const schema = `starts_${randomBytes(4).toString("hex")}`;
    // Another instance is applying migrations: it holds the migrator's lock.
    const other = new pg.Client({ connectionString: TEST_PG_URL! });
    await other.connect();
    try {
      await other.query("SELECT pg_advisory_lock(4242424242)");
      // This one starts meanwhile, with a statement timeout (0.5 s) shorter than the other's migrations.
      const starting = openDatabase({ url: TEST_PG_URL, dataDir: null, schema, timeouts: { connectMs: 5_000, statementMs: 500, idleMs: 30_000 } }).then(
        async (db) => (await db.close(), "started"),
        (e: Error) => e.message,
      );
      let outcome: string | undefined;
      void starting.then((o) => (outcome = o));
      // It waits for the lock; the other holds it for longer than the timeout (the next check comes after it).
      const waitingForLock = async () => (await other.query(`SELECT 1 FROM pg_stat_activity WHERE "wait_event_type" = 'Lock' AND "query" LIKE '%4242424242%' AND "pid" <> pg_backend_pid()`)).rowCount! > 0;
      await until(async () => outcome !== undefined || (await waitingForLock()), bound(30_000), "the start waiting for the migrator's lock");
      await until(async () => outcome !== undefined || (await other.query(`SELECT now() - "query_start" > interval '1 second' AS "long" FROM pg_stat_activity WHERE "wait_event_type" = 'Lock' AND "query" LIKE '%4242424242%' AND "pid" <> pg_backend_pid()`)).rows.some((r: { long: boolean }) => r.long), bound(30_000), "a wait longer than the timeout");
      await other.query("SELECT pg_advisory_unlock(4242424242)");
      // Before: "canceling statement due to statement timeout".
      expect(await starting).toBe("started");
    } finally {
      await other.end();
      await dropSchema(schema);
    }
  });
});
