// Waiting for a condition instead of sleeping: what tests on a busy machine need.
export const until = async (what: () => boolean | Promise<boolean>, ms = 20_000, what_ = "a condition"): Promise<void> => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await what()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what_}`);
};
