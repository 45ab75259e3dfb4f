// The consent events' migration: what the users' rows held before — their latest consent, and a withdrawal not
// followed by a new one — becomes their first events (PGlite).
import { PGlite } from "@electric-sql/pglite";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations, readMigrations, type RunInTransaction } from "../../bot/db/migrate.js";

const CONSENT = readMigrations().findIndex((m) => m.name.endsWith("_consent_events"));
const db = new PGlite();
afterAll(() => db.close());
const run: RunInTransaction = (fn) => db.transaction((tx) => fn({ exec: async (s) => void (await tx.exec(s)), query: async (s, p) => (await tx.query(s, p)).rows as never }));

describe("the consent events migration", () => {
  it("records each user's consent and withdrawal as they were; later changes are appended", async () => {
    await applyMigrations(run, readMigrations().slice(0, CONSENT));
    await db.exec(`INSERT INTO "User" (id, "consentVersion", "consentAt", "consentWithdrawnAt", "updatedAt") VALUES
      (1, 'v1', '2026-11-02 05:00:00', NULL, now()), (2, 'v1', '2026-11-02 06:00:00', '2026-11-03 06:00:00', now()), (3, NULL, NULL, NULL, now())`);
    await applyMigrations(run, readMigrations().slice(0, CONSENT + 1));
    const events = async () => (await db.query<{ userId: number; kind: string; version: string | null; at: string }>(`SELECT "userId"::int AS "userId", kind, version, "at"::text AS "at" FROM "ConsentEvent" ORDER BY "userId", "at"`)).rows;
    expect(await events()).toEqual([
      { userId: 1, kind: "given", version: "v1", at: "2026-11-02 05:00:00" },
      { userId: 2, kind: "given", version: "v1", at: "2026-11-02 06:00:00" },
      { userId: 2, kind: "withdrawn", version: null, at: "2026-11-03 06:00:00" },
    ]);
    await db.exec(`UPDATE "User" SET "consentVersion" = 'v2', "consentAt" = '2026-11-04 06:00:00', "consentWithdrawnAt" = NULL WHERE id = 2`);
    await db.exec(`UPDATE "User" SET "language" = 'kk' WHERE id = 1`);
    expect((await events()).filter((e) => e.userId === 2).map((e) => [e.kind, e.version])).toEqual([["given", "v1"], ["withdrawn", null], ["given", "v2"]]);
    expect((await events()).filter((e) => e.userId === 1)).toHaveLength(1);
  });
});
