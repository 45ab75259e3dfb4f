// The commission (journey J4, staff's side): formed, its conclusion recorded, its deadlines watched.
import type { Feature } from "../../core/feature.js";
import { commissionActions } from "./actions.js";
import { deadlineChecks, deadlineJobs, scheduleRecount } from "./deadlines.js";
import { recordConclusion, recordFormation } from "./record.js";

export const commissionFeature = {
  actions: commissionActions,
  effects: { recordFormation, recordConclusion },
  jobs: deadlineJobs,
  checks: deadlineChecks,
  onStart: scheduleRecount,
} satisfies Feature;
