// Waiting for a condition instead of sleeping: what tests on a busy machine need.
import { bound } from "./time.js";

/** Resolves as soon as `what` holds; fails after `ms` (an idle machine's bound, scaled by the machine's load). */
export const until = async (what: () => boolean | Promise<boolean>, ms = 20_000, what_ = "a condition"): Promise<void> => {
  const end = Date.now() + bound(ms);
  while (Date.now() < end) {
    if (await what()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what_}`);
};
