-- An album's files get one acknowledgement, edited as each file arrives (issue 12 item 5): a message may
-- name a slot, and a later message of the same slot in the same chat edits it in place, by the Telegram
-- message id the first one got.
-- AlterTable
ALTER TABLE "Outbox" ADD COLUMN     "messageId" INTEGER,
ADD COLUMN     "slot" TEXT;

-- CreateIndex
CREATE INDEX "Outbox_chatId_slot_idx" ON "Outbox"("chatId", "slot");

