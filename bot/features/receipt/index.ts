// The notice's receipt by the healthcare entity (law.md §3 step 2), from which the legal clock runs.
import type { Feature } from "../../core/feature.js";
import { receiptActions } from "./actions.js";
import { receiptChecks, receiptJobs, recordHandIn, recordReceipt } from "./receipt.js";

export const receiptFeature = {
  actions: receiptActions,
  effects: { recordReceipt, recordHandIn },
  jobs: receiptJobs,
  checks: receiptChecks,
} satisfies Feature;
