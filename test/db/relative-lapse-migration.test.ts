// The migration that schedules the lapse of relatives' links made before it (features/relatives: relative_link_lapsed):
// a link still working, unused and not revoked gets its job, due when it expires; any other gets none (PGlite, and
// PostgreSQL when TEST_DATABASE_URL is set).
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations, readMigrations, type RunInTransaction, type SqlSession } from "../../bot/db/migrate.js";
import { TEST_PG_URL } from "../helpers/db.js";

const MINE = readMigrations().findIndex((m) => m.name.endsWith("_relative_link_lapsed"));
const before = readMigrations().slice(0, MINE);
const upTo = readMigrations().slice(0, MINE + 1);

/** A scratch database of its own, as the migrator sees it. */
const scratch = async (): Promise<{ run: RunInTransaction; query: SqlSession["query"]; close(): Promise<void> }> => {
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

const db = await scratch();
afterAll(() => db.close());

describe("the relative-link lapse migration", () => {
  it("schedules the lapse of each link still working, unused and not revoked — once, due when it expires; none for the others", async () => {
    await applyMigrations(db.run, before);
    await db.run(async (s) => {
      await s.exec(`INSERT INTO "User" (id, "updatedAt") VALUES (1, now()), (2, now())`);
      await s.exec(`INSERT INTO "Case" (id, number, year, seq, status, "orgName", region, language, answers, sensitive, "updatedAt")
                    VALUES (1, 'KZ-2026-000001', 2026, 1, 'saved', 'x', 'shymkent', 'ru', '{}', '', now())`);
      const invite = (id: number, expires: string, used = "NULL", revoked = "NULL") =>
        s.exec(`INSERT INTO "Invite" (id, "tokenHash", role, "caseId", "createdBy", "expiresAt", "usedAt", "revokedAt") VALUES (${id}, 'h${id}', 'relative', 1, 1, ${expires}, ${used}, ${revoked})`);
      await invite(1, "now() + interval '3 days'"); // working: gets its job
      await invite(2, "now() + interval '3 days'", "now()"); // used
      await invite(3, "now() + interval '3 days'", "NULL", "now()"); // revoked
      await invite(4, "now() - interval '3 days'"); // lapsed before: not told late
      await s.exec(`INSERT INTO "Invite" (id, "tokenHash", role, "organizationId", "createdBy", "expiresAt") VALUES (5, 'h5', 'staff', NULL, 1, now() + interval '3 days')`);
    });
    const applied = await applyMigrations(db.run, upTo);
    expect(applied).toEqual([readMigrations()[MINE]!.name]);
    const jobs = await db.query(
      `SELECT j.kind, j."dedupeKey", j.payload, j.state, j."dueAt" = i."expiresAt" + interval '32400.001 seconds' AS "dueAtMorningAfter" FROM "ScheduledJob" j JOIN "Invite" i ON i.id = (j.payload->>'inviteId')::int ORDER BY j.id`,
    );
    expect(jobs).toEqual([{ kind: "relative_link_lapsed", dedupeKey: "invite:1:lapsed", payload: { caseId: 1, inviteId: 1 }, state: "pending", dueAtMorningAfter: true }]);
  });
});
