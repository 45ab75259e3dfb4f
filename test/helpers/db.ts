// A database for one test file: PGlite (in memory, or in a directory to test restarts) by default;
// the PostgreSQL named by TEST_DATABASE_URL when set — then in a schema of its own, dropped at the end.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import type { DatabasePool, DatabaseTimeouts } from "../../bot/config.js";
import { openDatabase, type Database } from "../../bot/db/database.js";
import type { RunInTransaction, SqlSession } from "../../bot/db/migrate.js";

export const TEST_PG_URL = process.env.TEST_DATABASE_URL || null;

export interface TestDb {
  db: Database;
  kind: "pglite" | "postgres";
  /** PostgreSQL: the schema of this test's tables. */
  schema: string;
  /**
   * Another Database on the same store, as a second process would open it: on PostgreSQL a pool of its
   * own on the same schema; on PGlite (one process only) the same one. Closed by dispose().
   */
  another(): Promise<Database>;
  /** Closes and opens the same store again, as a restarted process would. */
  reopen(): Promise<Database>;
  /** Empties every table (migrations stay applied). */
  reset(): Promise<void>;
  dispose(): Promise<void>;
}

export const testDatabase = async (opts: { persistent?: boolean; pool?: Partial<DatabasePool>; timeouts?: DatabaseTimeouts } = {}): Promise<TestDb> => {
  const schema = `test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const dir = !TEST_PG_URL && opts.persistent ? mkdtempSync(join(tmpdir(), "kelisim-test-")) : null;
  const open = () => openDatabase({ url: TEST_PG_URL, dataDir: dir, schema, ...(opts.pool ? { pool: opts.pool } : {}), ...(opts.timeouts ? { timeouts: opts.timeouts } : {}) });
  const others: Database[] = [];
  const t: TestDb = {
    db: await open(),
    kind: TEST_PG_URL ? "postgres" : "pglite",
    schema,
    another: async () => {
      if (!TEST_PG_URL) return t.db;
      const other = await open();
      others.push(other);
      return other;
    },
    reopen: async () => {
      if (!TEST_PG_URL && !dir) throw new Error("reopen needs { persistent: true }");
      await t.db.close();
      t.db = await open();
      return t.db;
    },
    reset: async () => {
      const tables = await t.db.prisma.$queryRawUnsafe<{ tablename: string }[]>(
        `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations'`,
      );
      await t.db.prisma.$executeRawUnsafe(`TRUNCATE ${tables.map((r) => `"${r.tablename}"`).join(", ")} RESTART IDENTITY CASCADE`);
    },
    dispose: async () => {
      for (const o of others) await o.close();
      await t.db.close();
      if (TEST_PG_URL) {
        const c = new pg.Client({ connectionString: TEST_PG_URL });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await c.end();
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
};

/** Whether a statement of this database waits for a lock now, seen through `client` (a connection of its own). */
export const waitsForLock = async (client: pg.Client): Promise<boolean> =>
  ((await client.query(`SELECT 1 FROM pg_stat_activity WHERE "wait_event_type" = 'Lock' AND "datname" = current_database()`)).rowCount ?? 0) > 0;

/** A scratch database of its own, as the migrator sees it: a PGlite, or a schema of its own on TEST_DATABASE_URL (a migration's test). */
export const migrationScratch = async (): Promise<{ run: RunInTransaction; query: SqlSession["query"]; close(): Promise<void> }> => {
  if (!TEST_PG_URL) {
    const db = new PGlite();
    const run: RunInTransaction = (fn) => db.transaction((tx) => fn({ exec: async (s) => void (await tx.exec(s)), query: async (s, p) => (await tx.query(s, p)).rows as never }));
    return { run, query: async (s, p) => (await db.query(s, p)).rows as never, close: () => db.close() };
  }
  const schema = `mig_${randomBytes(4).toString("hex")}`;
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  await client.query(`CREATE SCHEMA "${schema}"; SET search_path = "${schema}"`);
  const session: SqlSession = { exec: async (s) => void (await client.query(s)), query: async (s, p) => (await client.query(s, p)).rows as never };
  const run: RunInTransaction = async (fn) => {
    await client.query("BEGIN");
    try {
      const out = await fn(session);
      await client.query("COMMIT");
      return out;
    } catch (e) {
      await client.query("ROLLBACK");
      throw e;
    }
  };
  return { run, query: (s, p) => session.query(s, p), close: async () => void (await client.query(`DROP SCHEMA "${schema}" CASCADE`), await client.end()) };
};
