// The migration that schedules the lapse of relatives' links made before it (features/relatives: relative_link_lapsed):
// a link still working, unused and not revoked gets its job, due at 09:00 the morning after it expires; any other gets none (PGlite, and
// PostgreSQL when TEST_DATABASE_URL is set).
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations, readMigrations } from "../../bot/db/migrate.js";
import { migrationScratch } from "../helpers/db.js";

const MINE = readMigrations().findIndex((m) => m.name.endsWith("_relative_link_lapsed"));
const before = readMigrations().slice(0, MINE);
const upTo = readMigrations().slice(0, MINE + 1);

const db = await migrationScratch();
afterAll(() => db.close());

describe("the relative-link lapse migration", () => {
  it("schedules the lapse of each link still working, unused and not revoked — once, due the morning after it expires; none for the others", async () => {
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
