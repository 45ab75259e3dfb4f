// Bounds that scale with the machine. vitest.config.ts reads the load when the run starts and passes a factor
// (1 on an idle machine, up to 6 on a crowded one; KELISIM_TEST_TIME_SCALE sets it by hand): every bound a
// test waits against is multiplied by it. Bounds only — tests still finish as soon as their condition holds.
export const TIME_SCALE = Math.max(1, Number(process.env.KELISIM_TEST_TIME_SCALE) || 1);

/** `ms` on an idle machine, scaled for this one. */
export const bound = (ms: number): number => Math.round(ms * TIME_SCALE);
