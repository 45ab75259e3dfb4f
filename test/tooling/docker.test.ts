// The image, without a container daemon (none is reachable here): .ci/docker-steps.sh runs the Dockerfile's
// own COPY and RUN lines in a temporary directory — a production-only `npm ci` included — and then its CMD,
// `npm start`, on a fresh data directory; the bot must migrate and answer. The static checks hold what the
// script cannot run: a non-root user, the data volume, the health check, compose's PostgreSQL with its own.
// The steps themselves install every production dependency afresh (minutes of CPU on a busy 2-core machine):
// they run when KELISIM_IMAGE_STEPS=1, which .ci/run sets for this file after the suite — CI runs them on
// every clean clone; a developer's `npm test` reports them as skipped.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bound } from "../helpers/time.js";

const dockerfile = readFileSync("Dockerfile", "utf8");
const compose = readFileSync("docker-compose.yml", "utf8");

describe("the Docker image", () => {
  it("runs as a non-root user, keeps PGlite's data in a volume, checks /healthz, starts with npm start", () => {
    expect(dockerfile).toMatch(/^FROM node:20-slim$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^ENV .*\bDATA_DIR=\/data\b/m);
    expect(dockerfile).toMatch(/^VOLUME \/data$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\/healthz/m);
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev\b/m);
    expect(dockerfile).toMatch(/^CMD \["npm", "start"\]$/m);
    // What the image copies exists; what must never go in is ignored.
    for (const line of dockerfile.split("\n").filter((l) => l.startsWith("COPY "))) {
      for (const src of line.split(/\s+/).slice(1, -1)) expect(existsSync(src), src).toBe(true);
    }
    expect(readFileSync(".dockerignore", "utf8").split("\n")).toEqual(expect.arrayContaining(["node_modules", "data", ".env", "bot/db/generated"]));
  });

  it("compose: PostgreSQL with a health check, the bot after it with DATABASE_URL and DATA_KEY from the environment", () => {
    expect(compose).toMatch(/postgres:\n\s+# .*\n\s+image: postgres:15/);
    expect(compose).toMatch(/healthcheck:\n\s+test: \["CMD-SHELL", "pg_isready/);
    expect(compose).toMatch(/condition: service_healthy/);
    // The password given apart, so that any character in it works (in the URL, @ : / ? # % would break it).
    expect(compose).toMatch(/DATABASE_URL: postgresql:\/\/kelisim@postgres:5432\/kelisim\n/);
    expect(compose).toMatch(/PGPASSWORD: \$\{POSTGRES_PASSWORD\}\n/);
    expect(compose).toMatch(/DATA_KEY: \$\{DATA_KEY:\?/);
    expect(compose).toMatch(/BOT_TOKEN: \$\{BOT_TOKEN:\?/);
  });

  it.runIf(process.env.KELISIM_IMAGE_STEPS === "1")("its steps, run without a daemon: a production-only install, then npm start migrates a fresh /data and answers", async () => {
    const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn("bash", [".ci/docker-steps.sh"], { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (out += d.toString()));
      child.once("exit", (c) => resolve({ code: c, out }));
    });
    expect(out).toContain("RUN npm ci --omit=dev");
    expect(out).toContain("skipped (image only): apt-get");
    expect(code, out).toBe(0);
    expect(out).toContain("docker steps: ok");
  }, bound(300_000));
});
