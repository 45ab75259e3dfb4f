// Staff's buttons and command: their inbox, and one of their organisation's cases in full.
import { z } from "zod";
import { defineAction, id, type CommandDef } from "../../../machines/actions.js";

/** /inbox: staff see their organisation's cases; mediators their mediations. */
export const inboxCommand: CommandDef = { name: "inbox", allow: ["staff", "mediator"], run: (r) => r.emit({ type: "showInbox" }) };

/** A case of the staff member's organisation, in full (the service checks it is theirs). */
export const openStaffCase = defineAction({
  name: "staff/openCase",
  code: "scase",
  params: z.object({ caseId: id }),
  allow: ["staff"],
  run: ({ caseId }, r) => r.emit({ type: "showStaffCase", caseId }),
});
