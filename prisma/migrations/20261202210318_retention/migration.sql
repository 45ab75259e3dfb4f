-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "anonymisedAt" TIMESTAMP(3),
ADD COLUMN     "closedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Case_closedAt_idx" ON "Case"("closedAt");


-- Cases settled before this migration: their procedure ended when the signed agreement was recorded.
UPDATE "Case" k SET "closedAt" = COALESCE(
  (SELECT MAX(e."createdAt") FROM "CaseEvent" e WHERE e."caseId" = k."id" AND e."kind" = 'case_settled'),
  k."updatedAt")
WHERE k."status" = 'settled' AND k."closedAt" IS NULL;

-- The case log stays append-only, except that the retention job (issue 15), and only it, may delete a case's
-- events once the case is past its term: it sets kelisim.retention = 'on' for its own transaction and
-- appends one tombstone event without personal data. UPDATE is refused as before.
CREATE OR REPLACE FUNCTION "case_event_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('kelisim.retention', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'CaseEvent is append-only (% refused)', TG_OP;
END;
$$;
