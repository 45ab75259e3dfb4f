// Staff (journey J4, the organisation's side): /inbox, and a case in full with what they can record next.
import type { Feature } from "../../core/feature.js";
import { inboxCommand, inboxPage, inboxPageAt, openStaffCase } from "./actions.js";
import { showInbox, showStaffCase } from "./staff.js";

export const staffFeature = {
  actions: [openStaffCase, inboxPage, inboxPageAt],
  commands: [inboxCommand],
  effects: { showInbox, showStaffCase },
} satisfies Feature;
