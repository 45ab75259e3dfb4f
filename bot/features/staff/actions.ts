// Staff's buttons and command: their inbox, and one of their organisation's cases in full.
import { z } from "zod";
import { act, defineAction, id, oneOf, type CommandDef } from "../../../machines/actions.js";
import type { Button, PageCursor } from "../../../machines/effects.js";
import { cursorOf, cursorParams, cursorRow } from "../admin/pages.js";

/** /inbox: staff see their organisation's cases; mediators their mediations. */
export const inboxCommand: CommandDef = { name: "inbox", allow: ["staff", "mediator"], refused: "staff.inboxRefused", run: (r) => r.emit({ type: "showInbox" }) };

/** A case of the staff member's organisation, in full (the service checks it is theirs). */
export const openStaffCase = defineAction({
  name: "staff/openCase",
  code: "scase",
  params: z.object({ caseId: id }),
  allow: ["staff"],
  run: ({ caseId }, r) => r.emit({ type: "showStaffCase", caseId }),
});

/**
 * A page of the inbox by an offset: the buttons sent before pages had cursors (they stay in people's chats).
 * The organisation's cases, or the mediator's mediations.
 */
export const inboxPage = defineAction({
  name: "staff/inboxPage",
  code: "inbox",
  params: z.object({ part: oneOf(["org", "mediations"]), offset: id }),
  allow: ["staff", "mediator"],
  run: ({ part, offset }, r) => r.emit({ type: "showInbox", part, offset }),
});

/**
 * The next or the previous page of the inbox, next to the case shown last or first on the page the button was on
 * (its id and, for the organisation's cases, the time it was submitted): a notice arriving between two presses shifts nothing.
 */
export const inboxPageAt = defineAction({
  name: "staff/inboxPageAt",
  code: "inboxat",
  params: z.object({ part: oneOf(["org", "mediations"]), ...cursorParams }),
  allow: ["staff", "mediator"],
  run: ({ part, ...cursor }, r) => r.emit({ type: "showInbox", part, cursor: cursorOf(cursor) }),
});

/** The buttons to the inbox's pages before and after this one (ten a page, as the admin's lists). */
export const pageButtons = (part: "org" | "mediations", page: { prev?: PageCursor; next?: PageCursor }): Button[][] =>
  cursorRow(page, (c) => act(inboxPageAt, { part, dir: c.dir, id: c.id, at: c.at }));
