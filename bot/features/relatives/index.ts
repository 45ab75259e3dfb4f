// Relatives (journey J4): invited by the applicant's single-use link, told of the case, removable.
import type { Feature } from "../../core/feature.js";
import { relativeActions } from "./actions.js";
import { askRevokeRelativeInvite, createRelativeInvite, joinCase, keepRelativeInvite, removeRelative, revokeRelativeInvite, sharedNotice, shareNotice } from "./relatives.js";

export const relativesFeature = {
  actions: relativeActions,
  effects: { createRelativeInvite, askRevokeRelativeInvite, revokeRelativeInvite, keepRelativeInvite, joinCase, removeRelative, shareNotice, sharedNotice },
} satisfies Feature;
