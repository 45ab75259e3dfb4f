// Retention of closed cases (issue 15): a daily durable job anonymises cases past RETENTION_DAYS.
import type { Feature } from "../../core/feature.js";
import { retentionJobs, scheduleRetention } from "./retention.js";

export const retentionFeature = {
  effects: {},
  jobs: retentionJobs,
  onStart: scheduleRetention,
} satisfies Feature;
