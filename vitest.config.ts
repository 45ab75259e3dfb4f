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
    reporters: ["default"],
  },
});
