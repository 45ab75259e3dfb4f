-- Receipt (law.md §3 step 2): the 3 working days run from the healthcare entity's receipt of the appeal,
-- not from the notice being saved in the bot. A case is saved → delivered (its registered staff have it
-- in the bot) → received (staff recorded the receipt, or the applicant handed the notice in).
-- Existing cases: one the commission was already formed on counts as received on the formation's day and
-- keeps its dates; a submitted one is delivered when its organisation has active staff, else saved; it
-- loses the formation deadline counted from the notice (and its pending watch), and its applicant (or
-- staff) hear at once what the bot now waits for.

ALTER TABLE "Case" ALTER COLUMN "status" DROP DEFAULT;
ALTER TABLE "Case" ALTER COLUMN "status" TYPE TEXT USING "status"::text;
DROP TYPE "CaseStatus";
CREATE TYPE "CaseStatus" AS ENUM ('draft', 'saved', 'delivered', 'received', 'commission_formed', 'concluded', 'mediation', 'settled', 'escalated', 'closed');

ALTER TABLE "Case" ADD COLUMN "deliveredAt" TIMESTAMP(3),
ADD COLUMN "receivedAt" TIMESTAMP(3);

UPDATE "Case"
SET "receivedAt" = "formedAt",
    "answers" = jsonb_set("answers", '{receipt}', jsonb_build_object('on', "answers"->>'formedOn', 'number', NULL, 'by', 'formation'))
WHERE "formedAt" IS NOT NULL;

UPDATE "Case" c
SET "status" = CASE WHEN s.has_staff THEN 'delivered' ELSE 'saved' END,
    "deliveredAt" = CASE WHEN s.has_staff THEN c."submittedAt" END,
    "answers" = c."answers" - 'formationDue'
FROM (
  SELECT k."id", EXISTS (
    SELECT 1 FROM "UserRole" r WHERE r."organizationId" = k."organizationId" AND r."role" = 'staff' AND r."revokedAt" IS NULL
  ) AS has_staff
  FROM "Case" k
) s
WHERE s."id" = c."id" AND c."status" = 'submitted';

UPDATE "ScheduledJob" j SET "state" = 'cancelled'
WHERE j."state" = 'pending' AND j."kind" IN ('formation_reminder', 'formation_overdue')
  AND EXISTS (SELECT 1 FROM "Case" c WHERE c."id" = (j."payload"->>'caseId')::int AND c."status" IN ('saved', 'delivered'));

INSERT INTO "ScheduledJob" ("kind", "dueAt", "payload", "dedupeKey", "updatedAt")
SELECT CASE WHEN c."status" = 'delivered' THEN 'receipt_reminder' ELSE 'handin_reminder' END,
       now() AT TIME ZONE 'UTC',
       jsonb_build_object('caseId', c."id"),
       'receipt:' || c."id" || ':reminder',
       now() AT TIME ZONE 'UTC'
FROM "Case" c WHERE c."status" IN ('saved', 'delivered')
ON CONFLICT ("dedupeKey") DO NOTHING;

ALTER TABLE "Case" ALTER COLUMN "status" TYPE "CaseStatus" USING "status"::"CaseStatus";
ALTER TABLE "Case" ALTER COLUMN "status" SET DEFAULT 'saved';
