-- CreateTable
CREATE TABLE "SendRate" (
    "name" TEXT NOT NULL,
    "nextAt" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "SendRate_pkey" PRIMARY KEY ("name")
);

