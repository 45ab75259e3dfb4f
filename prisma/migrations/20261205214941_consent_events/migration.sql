-- CreateTable
CREATE TABLE "ConsentEvent" (
    "id" BIGSERIAL NOT NULL,
    "userId" BIGINT NOT NULL,
    "kind" TEXT NOT NULL,
    "version" TEXT,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ConsentEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ConsentEvent_userId_id_idx" ON "ConsentEvent"("userId", "id");


-- Consent is a history (law.md §7: recorded with its time and the version of the text shown): giving it again
-- used to overwrite "User"."consentAt" and clear "consentWithdrawnAt", losing the consent a notice was filed
-- under and the withdrawal. Every change of either column is now appended here, whichever statement makes it —
-- except while db:move-to-postgres copies the tables (kelisim.copying = 'on'): the users' events come with them.
CREATE OR REPLACE FUNCTION "user_consent_events"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('kelisim.copying', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF NEW."consentAt" IS NOT NULL AND (TG_OP = 'INSERT' OR NEW."consentAt" IS DISTINCT FROM OLD."consentAt") THEN
    INSERT INTO "ConsentEvent" ("userId", "kind", "version", "at") VALUES (NEW."id", 'given', NEW."consentVersion", NEW."consentAt");
  END IF;
  IF NEW."consentWithdrawnAt" IS NOT NULL AND (TG_OP = 'INSERT' OR NEW."consentWithdrawnAt" IS DISTINCT FROM OLD."consentWithdrawnAt") THEN
    INSERT INTO "ConsentEvent" ("userId", "kind", "at") VALUES (NEW."id", 'withdrawn', NEW."consentWithdrawnAt");
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER "user_consent_events" AFTER INSERT OR UPDATE OF "consentAt", "consentWithdrawnAt" ON "User"
  FOR EACH ROW EXECUTE FUNCTION "user_consent_events"();

CREATE OR REPLACE FUNCTION "consent_event_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ConsentEvent is append-only (% refused)', TG_OP;
END;
$$;
CREATE TRIGGER "consent_event_append_only" BEFORE UPDATE OR DELETE ON "ConsentEvent"
  FOR EACH ROW EXECUTE FUNCTION "consent_event_append_only"();

-- What the users' rows hold today: their latest consent, and a withdrawal not followed by a new consent.
INSERT INTO "ConsentEvent" ("userId", "kind", "version", "at")
  SELECT "id", 'given', "consentVersion", "consentAt" FROM "User" WHERE "consentAt" IS NOT NULL ORDER BY "id";
INSERT INTO "ConsentEvent" ("userId", "kind", "at")
  SELECT "id", 'withdrawn', "consentWithdrawnAt" FROM "User" WHERE "consentWithdrawnAt" IS NOT NULL ORDER BY "id";
