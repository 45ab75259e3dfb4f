// The commission's sittings (journey J4): scheduled, moved, cancelled, answered, reminded; a calendar file each.
import type { Feature } from "../../core/feature.js";
import { sittingActions } from "./actions.js";
import { sittingIcsDocument } from "./ics.js";
import { answerSitting, askCancelSitting, cancelSitting, keepSitting, moveSitting, scheduleSitting, sittingChecks, sittingJobs } from "./sittings.js";

export const sittingsFeature = {
  actions: sittingActions,
  effects: { scheduleSitting, moveSitting, askCancelSitting, cancelSitting, keepSitting, answerSitting },
  jobs: sittingJobs,
  checks: sittingChecks,
  documents: { sittingIcs: sittingIcsDocument },
} satisfies Feature;
