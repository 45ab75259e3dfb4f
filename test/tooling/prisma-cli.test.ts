// The Prisma CLI agrees with the in-process migrator, and a new migration can be authored here.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig, resolveDataKey } from "../../bot/config.js";
import { openDatabase } from "../../bot/db/database.js";
import { bound } from "../helpers/time.js";

const dir = mkdtempSync(join(tmpdir(), "kelisim-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** Each test spawns the Prisma CLI (a WebAssembly engine) once or twice: on a busy 2-core machine that took over 30 s. */
const SLOW = bound(120_000);
const run = (cmd: string, args: string[], env: Record<string, string> = {}) =>
  spawnSync(cmd, args, { env: { ...process.env, DATABASE_URL: "", ...env }, encoding: "utf8", timeout: SLOW });

describe("Prisma CLI", () => {
  it("`prisma migrate status` finds the database the bot migrated up to date", async () => {
    const db = await openDatabase({ url: null, dataDir: dir });
    await db.close();
    const r = run(process.execPath, ["node_modules/prisma/build/index.js", "migrate", "status"], { DATA_DIR: dir });
    expect(r.stdout).toContain("Database schema is up to date!");
    expect(r.status).toBe(0);
  }, SLOW);

  it("`prisma -v`, which @prisma/client's postinstall runs on a fresh npm install, makes no database: npm start then makes the key", () => {
    const fresh = join(dir, "fresh");
    const r = run(process.execPath, ["node_modules/prisma/build/index.js", "-v"], { DATA_DIR: fresh });
    expect(r.status).toBe(0);
    expect(existsSync(join(fresh, "pglite"))).toBe(false);
    // What npm start does first: before, it stopped here («data.key is missing, and … holds a database»).
    expect(resolveDataKey(loadConfig({ DATA_DIR: fresh })).length).toBe(32);
    expect(existsSync(join(fresh, "data.key"))).toBe(true);
  }, SLOW);

  it("`npm run db:migrate` on a new DATA_DIR makes its data key with the database, as npm start does: the bot then starts on it", () => {
    const fresh = join(dir, "migrated");
    const r = run(process.execPath, ["--import", "tsx", "prisma/migrate.ts"], { DATA_DIR: fresh });
    expect(r.stdout).toMatch(/^applied: 20261123000000_init, /);
    expect(r.status).toBe(0);
    expect(existsSync(join(fresh, "data.key"))).toBe(true);
    // Before, the database stood there without a key, and npm start refused it («data.key is missing, and … holds a database»).
    expect(() => resolveDataKey(loadConfig({ DATA_DIR: fresh }))).not.toThrow();
  }, SLOW);

  it("`npm run db:status` on a DATA_DIR with no database says so, and makes none (npm start would then refuse it for want of a key)", () => {
    const fresh = join(dir, "status");
    const r = run(process.execPath, ["node_modules/prisma/build/index.js", "migrate", "status"], { DATA_DIR: fresh });
    expect(r.stderr).toContain(`No database in ${fresh} (DATA_DIR): npm start or npm run db:migrate makes it.`);
    expect(r.status).not.toBe(0);
    expect(existsSync(join(fresh, "pglite"))).toBe(false);
  }, SLOW);

  it("`npm run db:migration` finds no change between the schema and the migrations, and leaves the developer's DATA_DIR alone", () => {
    const before = readdirSync("prisma/migrations");
    const developers = join(dir, "developer");
    const r = run(process.execPath, ["--import", "tsx", "prisma/new-migration.ts", "probe"], { DATA_DIR: developers });
    expect(r.stderr).not.toMatch(/failed/);
    expect(r.stdout).toBe("no changes: prisma/schema.prisma matches the migrations\n");
    expect(readdirSync("prisma/migrations")).toEqual(before);
    // Before, its diff opened PGlite there (made an empty database, or opened the one a running bot holds).
    expect(existsSync(join(developers, "pglite"))).toBe(false);
  }, SLOW);
});
