import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Bounds, not waits: tests wait for conditions and finish as soon as they hold. The bounds are wide because
    // a shared 2-core machine under load runs the end-to-end journeys several times slower than an idle one.
    testTimeout: 120_000,
    hookTimeout: 120_000,
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
