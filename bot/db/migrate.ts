// Applies prisma/migrations in-process, on PGlite and PostgreSQL alike, and records them in Prisma's own
// `_prisma_migrations` table (checksum = SHA-256 of migration.sql), so `prisma migrate status/deploy` agree.
// Why not spawn `prisma migrate deploy`: it takes seconds to start, PGlite allows one process at a time,
// and on PostgreSQL the wasm schema engine needs a workaround (stack.md) that plain SQL does not.
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface SqlSession {
  exec(sql: string): Promise<void>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
}
export type RunInTransaction = <T>(fn: (s: SqlSession) => Promise<T>) => Promise<T>;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export const MIGRATIONS_DIR = new URL("../../prisma/migrations/", import.meta.url).pathname;

export const readMigrations = (dir = MIGRATIONS_DIR): Migration[] =>
  readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });

export class MigrationError extends Error {
  override name = "MigrationError";
}

const TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/**
 * Applies every pending migration in one transaction, under an advisory lock so that two instances
 * starting together do not race. Returns the names applied.
 */
export const applyMigrations = async (inTransaction: RunInTransaction, migrations = readMigrations()): Promise<string[]> =>
  inTransaction(async (s) => {
    // Neither the wait for another instance's migrations nor a long migration is cut off by the connection's
    // statement timeout (DATABASE_STATEMENT_TIMEOUT_MS, meant for an update's statements): for this transaction only.
    await s.exec(`SET LOCAL statement_timeout = 0`);
    await s.exec(`SELECT pg_advisory_xact_lock(4242424242)`);
    await s.exec(TABLE);
    const rows = await s.query<{ migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`,
    );
    const applied = new Map<string, string>();
    for (const r of rows) {
      if (r.rolled_back_at) continue;
      if (!r.finished_at) throw new MigrationError(`migration ${r.migration_name} failed earlier; resolve it with prisma migrate resolve`);
      applied.set(r.migration_name, r.checksum);
    }
    const done: string[] = [];
    for (const m of migrations) {
      const sum = applied.get(m.name);
      if (sum !== undefined) {
        if (sum !== m.checksum) throw new MigrationError(`migration ${m.name} was changed after it was applied`);
        continue;
      }
      await s.exec(m.sql);
      await s.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES ($1, $2, now(), $3, now(), 1)`,
        [randomUUID(), m.checksum, m.name],
      );
      done.push(m.name);
    }
    return done;
  });
