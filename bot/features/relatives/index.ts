// Relatives (journey J4): invited by the applicant's single-use link, told of the case, removable; a link that lapses
// unused is told to the applicant once.
import type { Feature } from "../../core/feature.js";
import { relativeActions } from "./actions.js";
import { askRevokeRelativeInvite, createRelativeInvite, joinCase, keepRelativeInvite, relativeChecks, relativeJobs, removeRelative, revokeRelativeInvite, sharedNotice, shareNotice } from "./relatives.js";

export const relativesFeature = {
  actions: relativeActions,
  effects: { createRelativeInvite, askRevokeRelativeInvite, revokeRelativeInvite, keepRelativeInvite, joinCase, removeRelative, shareNotice, sharedNotice },
  jobs: relativeJobs,
  checks: relativeChecks,
} satisfies Feature;
