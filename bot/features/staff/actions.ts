// Staff's buttons and command: their inbox, and one of their organisation's cases in full.
import { z } from "zod";
import { act, defineAction, id, oneOf, type CommandDef } from "../../../machines/actions.js";
import type { Button } from "../../../machines/effects.js";
import { pageRow } from "../admin/pages.js";

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

/** The next or an earlier page of the inbox: the organisation's cases, or the mediator's mediations. */
export const inboxPage = defineAction({
  name: "staff/inboxPage",
  code: "inbox",
  params: z.object({ part: oneOf(["org", "mediations"]), offset: id }),
  allow: ["staff", "mediator"],
  run: ({ part, offset }, r) => r.emit({ type: "showInbox", part, offset }),
});

/** The buttons to the inbox's pages before and after one from `offset` (ten a page, as the admin's lists). */
export const pageButtons = (part: "org" | "mediations", offset: number, total: number): Button[][] =>
  pageRow(offset, total, (at) => act(inboxPage, { part, offset: at }));
