// Issue 11's data migration: cases filed before the receipt step keep their dates and get a state that
// follows the law (PGlite, and PostgreSQL when TEST_DATABASE_URL is set).
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations, readMigrations } from "../../bot/db/migrate.js";
import { migrationScratch } from "../helpers/db.js";

const RECEIPT = readMigrations().findIndex((m) => m.name.endsWith("_receipt"));
const before = readMigrations().slice(0, RECEIPT);
const upTo = readMigrations().slice(0, RECEIPT + 1);

const db = await migrationScratch();
afterAll(() => db.close());

describe("the receipt migration", () => {
  it("derives saved, delivered and received from what was there, keeps dates, stops clocks that never ran", async () => {
    await applyMigrations(db.run, before);
    const at = "2026-11-02 05:00:00";
    await db.run(async (s) => {
      await s.exec(`INSERT INTO "User" (id, "updatedAt") VALUES (1, now()), (2, now()), (3, now()), (50, now())`);
      await s.exec(`INSERT INTO "Organization" (id, name, region) VALUES (1, 'Горбольница №7', 'shymkent'), (2, 'Клиника', 'astana')`);
      await s.exec(`INSERT INTO "UserRole" ("userId", role, "organizationId") VALUES (50, 'staff', 1)`);
      const c = (n: number, status: string, org: string, answers: object, formedAt = "NULL") =>
        s.exec(`INSERT INTO "Case" (id, number, year, seq, status, "organizationId", "orgName", region, language, answers, sensitive, "submittedAt", "formedAt", "updatedAt")
                VALUES (${n}, 'KZ-2026-00000${n}', 2026, ${n}, '${status}', ${org}, 'x', 'shymkent', 'ru', '${JSON.stringify(answers)}', '', '${at}', ${formedAt}, now())`);
      await c(1, "submitted", "1", { submittedOn: "2026-11-02", formationDue: "2026-11-05" }); // its staff have it
      await c(2, "submitted", "NULL", { submittedOn: "2026-11-02", formationDue: "2026-11-05" }); // reached nobody
      await c(3, "submitted", "2", { submittedOn: "2026-11-02", formationDue: "2026-11-05" }); // an organisation without staff
      await c(4, "commission_formed", "1", { submittedOn: "2026-11-02", formationDue: "2026-11-05", formedOn: "2026-11-04", conclusionDue: "2026-11-11" }, `'2026-11-04 05:00:00'`);
      for (const [kind, id] of [["formation_reminder", 1], ["formation_overdue", 2], ["conclusion_overdue", 4]] as const) {
        await s.exec(`INSERT INTO "ScheduledJob" (kind, "dueAt", payload, "dedupeKey", "updatedAt") VALUES ('${kind}', now(), '{"caseId": ${id}}', '${kind}:${id}', now())`);
      }
    });
    expect(await applyMigrations(db.run, upTo)).toEqual([readMigrations()[RECEIPT]!.name]);

    const cases = await db.query<{ id: number; status: string; answers: Record<string, unknown>; deliveredAt: Date | null; receivedAt: Date | null; submittedAt: Date }>(
      `SELECT id, status::text AS status, answers, "deliveredAt", "receivedAt", "submittedAt" FROM "Case" ORDER BY id`,
    );
    expect(cases.map((c) => [c.id, c.status])).toEqual([[1, "delivered"], [2, "saved"], [3, "saved"], [4, "commission_formed"]]);
    // Not received: no deadline counted from the notice any more; the dates it was filed on stay.
    for (const c of cases.slice(0, 3)) expect(c.answers).toEqual({ submittedOn: "2026-11-02" });
    expect(cases[0]!.deliveredAt?.getTime()).toBe(cases[0]!.submittedAt.getTime());
    expect(cases[1]!.deliveredAt).toBeNull();
    // Formed: received on the formation's day, its deadlines kept.
    expect(cases[3]!.answers).toMatchObject({ receipt: { on: "2026-11-04", number: null, by: "formation" }, formationDue: "2026-11-05", conclusionDue: "2026-11-11" });
    expect(cases[3]!.receivedAt).not.toBeNull();

    const jobs = await db.query<{ kind: string; state: string; caseId: string }>(`SELECT kind, state::text AS state, payload->>'caseId' AS "caseId" FROM "ScheduledJob" ORDER BY id`);
    expect(jobs.map((j) => [j.kind, j.caseId, j.state])).toEqual([
      ["formation_reminder", "1", "cancelled"],
      ["formation_overdue", "2", "cancelled"],
      ["conclusion_overdue", "4", "pending"],
      // Their applicants (or staff) hear at once what the bot now waits for.
      ["receipt_reminder", "1", "pending"],
      ["handin_reminder", "2", "pending"],
      ["handin_reminder", "3", "pending"],
    ]);
  });
});
