-- AlterTable
ALTER TABLE "Outbox" ADD COLUMN     "leaseUntil" TIMESTAMP(3),
ADD COLUMN     "leasedBy" TEXT;

-- CreateTable
CREATE TABLE "CaseCounter" (
    "year" INTEGER NOT NULL,
    "last" INTEGER NOT NULL,

    CONSTRAINT "CaseCounter_pkey" PRIMARY KEY ("year")
);


-- The counters start where the numbers already given stop.
INSERT INTO "CaseCounter" ("year", "last") SELECT "year", MAX("seq") FROM "Case" GROUP BY "year";
