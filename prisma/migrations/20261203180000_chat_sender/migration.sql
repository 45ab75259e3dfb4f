-- CreateTable
CREATE TABLE "ChatSender" (
    "chatId" BIGINT NOT NULL,
    "instance" TEXT NOT NULL,
    "lastAt" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "ChatSender_pkey" PRIMARY KEY ("chatId")
);
