-- Organisations carry a Kazakh and a Russian name (issue 11): applicants pick them from a list in their
-- language, and a typed name matches either. An existing organisation keeps its one name in both.
ALTER TABLE "Organization" ADD COLUMN "nameKk" TEXT, ADD COLUMN "nameRu" TEXT;
UPDATE "Organization" SET "nameKk" = "name", "nameRu" = "name";
ALTER TABLE "Organization" ALTER COLUMN "nameKk" SET NOT NULL, ALTER COLUMN "nameRu" SET NOT NULL;
ALTER TABLE "Organization" DROP COLUMN "name";
