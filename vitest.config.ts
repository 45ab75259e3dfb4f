import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // PGlite instances are memory-hungry to start; two workers match the 2-core machines.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
