-- CreateTable
CREATE TABLE "DataAccess" (
    "id" BIGSERIAL NOT NULL,
    "caseId" INTEGER NOT NULL,
    "userId" BIGINT NOT NULL,
    "role" TEXT NOT NULL,
    "what" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DataAccess_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DataAccess_caseId_at_idx" ON "DataAccess"("caseId", "at");

-- AddForeignKey
ALTER TABLE "DataAccess" ADD CONSTRAINT "DataAccess_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

