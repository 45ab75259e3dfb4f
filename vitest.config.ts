import { availableParallelism, loadavg } from "node:os";
import { defineConfig } from "vitest/config";

// Bounds scale with the machine: the load per core when the run starts, rounded up, between 1 and 6 (a crowded
// 2-core machine ran the journeys five times slower than an idle one). KELISIM_TEST_TIME_SCALE overrides it.
// test/helpers/time.ts multiplies the tests' own bounds by the same factor.
const scale = Number(process.env.KELISIM_TEST_TIME_SCALE) || Math.min(6, Math.max(1, Math.ceil(loadavg()[0]! / availableParallelism())));

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // A call Telegram would refuse fails the test that made it (test/helpers/refusals.ts).
    setupFiles: ["test/helpers/refusals.ts"],
    // Bounds, not waits: tests wait for conditions and finish as soon as they hold.
    testTimeout: 120_000 * scale,
    hookTimeout: 120_000 * scale,
    env: { KELISIM_TEST_TIME_SCALE: String(scale) },
    // PGlite instances are memory-hungry to start; two workers match the 2-core machines.
    maxWorkers: 2,
    // Each worker loads the bot's modules (Prisma's client, grammY, PGlite, pdfkit, the locales) once, not once
    // per file: measured on test/bot, 7m00s of CPU isolated against 3m28s shared, and the suite's import
    // phase from 155 s to 20 s. Tests keep no module-level state that another file could see (no mocks,
    // no fake timers, no environment writes; update ids are unique across files anyway).
    isolate: false,
    reporters: ["default"],
  },
});
