// The button under "I could not prepare the file": asks for the same document again. It names the outbox row
// the bot gave up on; the effect checks that the row was for this chat (a forged or foreign id is stale).
import { z } from "zod";
import { defineAction } from "../../../machines/actions.js";

/** An outbox row's id (a bigint, as digits). */
const rowId = z.string().regex(/^\d{1,18}$/);

export const documentAgain = defineAction({
  name: "documents/again",
  code: "docagain",
  params: z.object({ row: rowId }),
  run: ({ row }, r) => r.emit({ type: "documentAgain", row }),
});

export const documentActions = [documentAgain];
