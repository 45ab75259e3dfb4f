import { describe, expect, it } from "vitest";
import { mciTenge, paymentRows } from "../../machines/payments.js";

describe("minimum payments (Code Art. 270-4)", () => {
  it("are MCI × the year's MCI in tenge, for 2024, 2025 and 2026", () => {
    const byYear = (y: number) => Object.fromEntries(paymentRows(y).map((r) => [r.outcome, [r.mci, r.tenge]]));
    expect(byYear(2024)).toEqual({ death: [3000, 11_076_000], disability1: [800, 2_953_600], disability2: [600, 2_215_200], disability3: [500, 1_846_000], childDisability: [500, 1_846_000], harm: [300, 1_107_600] });
    expect(byYear(2025)).toEqual({ death: [3000, 11_796_000], disability1: [800, 3_145_600], disability2: [600, 2_359_200], disability3: [500, 1_966_000], childDisability: [500, 1_966_000], harm: [300, 1_179_600] });
    expect(byYear(2026)).toEqual({ death: [3000, 12_975_000], disability1: [800, 3_460_000], disability2: [600, 2_595_000], disability3: [500, 2_162_500], childDisability: [500, 2_162_500], harm: [300, 1_297_500] });
  });

  it("a year without a known MCI gives MCI only, never a guessed amount", () => {
    expect(mciTenge(2027)).toBeNull();
    expect(paymentRows(2027).every((r) => r.tenge === null && r.mci > 0)).toBe(true);
  });
});
