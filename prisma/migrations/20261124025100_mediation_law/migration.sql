-- Mediation as the Law on Mediation recognises it (issue 11, law.md §4): staff and mediators are named by
-- their full name (and position, or registry details) and accept their role's confidentiality terms when
-- they join; 'both agreed to the settlement's text' is its own state, and a mediation is settled only
-- when the signed agreement is recorded.
-- AlterEnum
ALTER TYPE "MediationState" ADD VALUE 'signing' AFTER 'running';

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "fullName" TEXT;

-- AlterTable
ALTER TABLE "UserRole" ADD COLUMN     "termsAcceptedAt" TIMESTAMP(3),
ADD COLUMN     "termsVersion" TEXT,
ADD COLUMN     "title" TEXT;

-- AlterTable
ALTER TABLE "Mediation" ADD COLUMN     "signedAt" TIMESTAMP(3),
ADD COLUMN     "signedBy" BIGINT,
ADD COLUMN     "signedFile" JSONB;

