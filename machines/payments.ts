// The minimum payments of Code Art. 270-4 (law.md §2), in MCI and in tenge for a year. Data, not code.
import data from "./data/payments.json" with { type: "json" };
import type { Outcome } from "./effects.js";

export type PaidOutcome = Exclude<Outcome, "unknown">;
export const PAID_OUTCOMES: readonly PaidOutcome[] = ["death", "disability1", "disability2", "disability3", "childDisability", "harm"];

export const minimumMci = (outcome: PaidOutcome): number => (data.minimumsMci as Record<PaidOutcome, number>)[outcome];

/** The MCI in tenge for a year, or null when the repository does not know it (never guessed). */
export const mciTenge = (year: number): number | null => (data.mciTenge as Record<string, number | undefined>)[String(year)] ?? null;

export interface PaymentRow {
  outcome: PaidOutcome;
  mci: number;
  tenge: number | null;
}

export const paymentRows = (year: number): PaymentRow[] => {
  const mci = mciTenge(year);
  return PAID_OUTCOMES.map((outcome) => ({ outcome, mci: minimumMci(outcome), tenge: mci === null ? null : minimumMci(outcome) * mci }));
};
