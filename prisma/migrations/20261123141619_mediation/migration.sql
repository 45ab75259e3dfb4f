-- CreateEnum
CREATE TYPE "MediationState" AS ENUM ('proposed', 'agreeing', 'running', 'settled', 'ended', 'declined');

-- AlterTable
ALTER TABLE "Proposal" ADD COLUMN     "mediationId" INTEGER;

-- AlterTable
ALTER TABLE "ProposalResponse" ADD COLUMN     "confirmedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "Mediation" (
    "id" SERIAL NOT NULL,
    "caseId" INTEGER NOT NULL,
    "mediatorId" BIGINT NOT NULL,
    "assignedBy" BIGINT NOT NULL,
    "state" "MediationState" NOT NULL DEFAULT 'proposed',
    "applicantAgreedAt" TIMESTAMP(3),
    "orgAgreedAt" TIMESTAMP(3),
    "orgAgreedBy" BIGINT,
    "startedAt" TIMESTAMP(3),
    "endsAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),
    "endReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Mediation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Mediation_caseId_idx" ON "Mediation"("caseId");

-- CreateIndex
CREATE INDEX "Mediation_mediatorId_idx" ON "Mediation"("mediatorId");

-- AddForeignKey
ALTER TABLE "Mediation" ADD CONSTRAINT "Mediation_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Proposal" ADD CONSTRAINT "Proposal_mediationId_fkey" FOREIGN KEY ("mediationId") REFERENCES "Mediation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

