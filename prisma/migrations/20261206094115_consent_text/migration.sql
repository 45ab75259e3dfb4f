-- AlterTable
ALTER TABLE "User" ADD COLUMN     "consentText" TEXT;

-- AlterTable
ALTER TABLE "ConsentEvent" ADD COLUMN     "text" TEXT;


-- The users' rows from before: every consent was recorded with the applicant's text's version, a relative's too.
-- Someone who took part in a case as a relative and never filed a notice of their own most likely agreed to the
-- relative's text when joining: they are taken to have given the relative's consent only (the version of that
-- text, never recorded, is left unknown), and are asked the applicant's consent before a notice. Anyone else who
-- consented did so to the applicant's text. The history's rows stay as recorded (append-only; their text unknown).
UPDATE "User" u SET "consentText" = 'relative', "consentVersion" = NULL
  WHERE u."consentAt" IS NOT NULL
    AND EXISTS (SELECT 1 FROM "CaseParticipant" p WHERE p."userId" = u."id" AND p."role" = 'relative')
    AND NOT EXISTS (SELECT 1 FROM "CaseParticipant" p WHERE p."userId" = u."id" AND p."role" = 'applicant');
UPDATE "User" SET "consentText" = 'applicant' WHERE "consentAt" IS NOT NULL AND "consentText" IS NULL;

-- law.md §7: a consent is recorded with the version of the text shown. A relative is shown their own text
-- (relatives.consent) when they join, the applicant's (privacy.consent) before a notice; which one is now kept
-- with the consent, on the user's row and in its history; a consent to the other text is a new consent even
-- when given in the same instant. The rows from before were marked first (above): no event for that.
CREATE OR REPLACE FUNCTION "user_consent_events"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('kelisim.copying', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF NEW."consentAt" IS NOT NULL AND (TG_OP = 'INSERT' OR NEW."consentAt" IS DISTINCT FROM OLD."consentAt" OR NEW."consentText" IS DISTINCT FROM OLD."consentText") THEN
    INSERT INTO "ConsentEvent" ("userId", "kind", "version", "text", "at") VALUES (NEW."id", 'given', NEW."consentVersion", NEW."consentText", NEW."consentAt");
  END IF;
  IF NEW."consentWithdrawnAt" IS NOT NULL AND (TG_OP = 'INSERT' OR NEW."consentWithdrawnAt" IS DISTINCT FROM OLD."consentWithdrawnAt") THEN
    INSERT INTO "ConsentEvent" ("userId", "kind", "at") VALUES (NEW."id", 'withdrawn', NEW."consentWithdrawnAt");
  END IF;
  RETURN NULL;
END;
$$;
DROP TRIGGER "user_consent_events" ON "User";
CREATE TRIGGER "user_consent_events" AFTER INSERT OR UPDATE OF "consentAt", "consentWithdrawnAt", "consentText" ON "User"
  FOR EACH ROW EXECUTE FUNCTION "user_consent_events"();
