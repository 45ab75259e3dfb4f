// The consent texts' migration: every consent from before was recorded with the applicant's text's version, a
// relative's too. Someone who took part in a case as a relative and filed no notice of their own is taken to have
// given the relative's consent only (its version unknown); anyone else who consented, the applicant's (PGlite).
import { PGlite } from "@electric-sql/pglite";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations, readMigrations, type RunInTransaction } from "../../bot/db/migrate.js";

const TEXTS = readMigrations().findIndex((m) => m.name.endsWith("_consent_text"));
const db = new PGlite();
afterAll(() => db.close());
const run: RunInTransaction = (fn) => db.transaction((tx) => fn({ exec: async (s) => void (await tx.exec(s)), query: async (s, p) => (await tx.query(s, p)).rows as never }));

describe("the consent texts migration", () => {
  it("marks a relative who filed no notice as having given the relative's consent only; the history stays as recorded", async () => {
    await applyMigrations(run, readMigrations().slice(0, TEXTS));
    // 1 filed a notice; 2 only joined a case as a relative; 3 did both; 4 consented and has no case; 5 never consented.
    await db.exec(`INSERT INTO "User" (id, "consentVersion", "consentAt", "updatedAt") VALUES
      (1, 'v1', '2026-11-02 05:00:00', now()), (2, 'v1', '2026-11-02 06:00:00', now()), (3, 'v1', '2026-11-02 07:00:00', now()),
      (4, 'v1', '2026-11-02 08:00:00', now()), (5, NULL, NULL, now())`);
    await db.exec(`INSERT INTO "Case" (id, number, year, seq, "orgName", region, language, answers, sensitive, "updatedAt") VALUES
      (1, 'KZ-2026-000001', 2026, 1, 'x', 'x', 'ru', '{}', 'x', now()), (2, 'KZ-2026-000002', 2026, 2, 'x', 'x', 'ru', '{}', 'x', now())`);
    await db.exec(`INSERT INTO "CaseParticipant" ("caseId", "userId", role, relation) VALUES
      (1, 1, 'applicant', 'self'), (1, 2, 'relative', 'spouse'), (2, 3, 'applicant', 'self'), (1, 3, 'relative', 'spouse'), (2, 5, 'relative', 'spouse')`);
    await applyMigrations(run, readMigrations().slice(0, TEXTS + 1));
    const users = (await db.query<{ id: number; text: string | null; version: string | null }>(`SELECT id::int AS id, "consentText" AS text, "consentVersion" AS version FROM "User" ORDER BY id`)).rows;
    expect(users).toEqual([
      { id: 1, text: "applicant", version: "v1" },
      { id: 2, text: "relative", version: null },
      { id: 3, text: "applicant", version: "v1" },
      { id: 4, text: "applicant", version: "v1" },
      { id: 5, text: null, version: null },
    ]);
    // The history is append-only: its rows from before stay as recorded; a consent given now carries its text.
    const events = async (id: number) => (await db.query<{ version: string | null; text: string | null }>(`SELECT version, text FROM "ConsentEvent" WHERE "userId" = ${id} ORDER BY id`)).rows;
    expect(await events(2)).toEqual([{ version: "v1", text: null }]);
    await db.exec(`UPDATE "User" SET "consentVersion" = 'v2', "consentText" = 'applicant', "consentAt" = '2026-11-04 06:00:00' WHERE id = 2`);
    expect(await events(2)).toEqual([{ version: "v1", text: null }, { version: "v2", text: "applicant" }]);
  });
});
