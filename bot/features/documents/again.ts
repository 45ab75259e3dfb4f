// A document the bot gave up making (Runtime.giveUp, after PREPARE_TRIES failed makings) is asked for again
// with the button of the message that said so: once, and only from the chat the document was for. Whom the
// row was for was decided, with its checks, when the document was first asked for; the builder asks again who
// may have it when it is made.
import { open } from "../../crypto.js";
import type { Ctx, Tx } from "../../core/actor.js";
import { document, GIVEN_UP, GIVEN_UP_DOCUMENT, isDocumentName, type DocumentRef } from "../../core/documents.js";
import { say, thenHome, type Out } from "../../core/effects.js";
import type { DomainEffect } from "../../../machines/effects.js";

export const documentAgainEffect = async (tx: Tx, e: DomainEffect<"documentAgain">, c: Ctx): Promise<Out[]> => {
  // Once: the mark is taken off in the same statement that finds it, so of two presses at once (two instances)
  // one gets the document and the other finds the button spent. A new failure gives a new button.
  const [row] = await tx.$queryRaw<{ payload: Record<string, unknown> }[]>`
    UPDATE "Outbox" SET "payload" = "payload" - ${GIVEN_UP}::text
    WHERE "id" = ${BigInt(e.row)}::bigint AND "chatId" = ${BigInt(c.chatId)}::bigint AND ("payload" -> ${GIVEN_UP}::text) = 'true'::jsonb
    RETURNING "payload"`;
  // Spent, or not this chat's: said so — and what is current follows (the home, or the question of a flow open), not a
  // line with no button under it.
  if (!row) return [say("common.staleButton"), thenHome()];
  // The outbox keeps payloads sealed (Store); the mark sits beside the seal, the document's ids inside it.
  const { [GIVEN_UP]: _mark, sealed, ...plain } = row.payload;
  const stored = typeof sealed === "string" ? (JSON.parse(open(c.dataKey, sealed)) as Record<string, unknown>) : plain;
  const { name, ...ids } = (stored[GIVEN_UP_DOCUMENT] ?? {}) as Record<string, unknown>;
  if (typeof name !== "string" || !isDocumentName(name)) return [say("common.staleButton"), thenHome()];
  return [document({ name, ...ids } as DocumentRef)];
};
