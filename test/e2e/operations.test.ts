// The operator's database commands: a backup of the embedded database taken from the running bot (`npm
// start` as a process, the backup command as a process) and restored into a fresh DATA_DIR; a PostgreSQL
// backup and restore; moving the embedded database into an empty PostgreSQL and the bot answering there.
// Besides the first backup, the commands run in this process (runOps, with an environment of their own),
// which saves a Node start each. The PostgreSQL parts run when TEST_DATABASE_URL (or the local server)
// answers, each in a schema of its own.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { openSensitive } from "../../bot/core/case.js";
import { openDatabase } from "../../bot/db/database.js";
import { TEST_DATA_KEY, testBot, texts } from "../helpers/bot.js";
import { fileNotice } from "../helpers/notice.js";
import { ops, opsProcess } from "../helpers/ops.js";
import { until } from "../helpers/wait.js";

const PG_URL = process.env.TEST_DATABASE_URL || "postgresql://root@127.0.0.1:5432/test";
const KEY = TEST_DATA_KEY.toString("base64");
const dirs: string[] = [];
const schemas: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "kelisim-ops-"));
  dirs.push(d);
  return d;
};

const reachable = async (): Promise<boolean> => {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2_000 });
  c.on("error", () => undefined);
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
};
const pgUp = await reachable();

const dropSchema = async (schema: string) => {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await c.end();
};
const newSchema = () => {
  const s = `ops_${process.pid}_${randomBytes(4).toString("hex")}`;
  schemas.push(s);
  return s;
};

afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  if (pgUp) for (const s of schemas) await dropSchema(s);
});

const cli = ops;

/** Two applicants' notices (kk and ru) filed through the bot on `where`; returns their case numbers. */
const fill = async (where: { dataDir: string } | { url: string; schema: string }) => {
  const db = await openDatabase("url" in where ? { url: where.url, dataDir: null, schema: where.schema } : { url: null, dataDir: where.dataDir });
  try {
    const h = await testBot(db);
    await fileNotice(h.user(7001, "ru"), "ru");
    await fileNotice(h.user(7002, "kk"), "kk");
    const cases = await db.prisma.case.findMany({ orderBy: { id: "asc" } });
    expect(cases).toHaveLength(2);
    return cases.map((c) => c.number);
  } finally {
    await db.close();
  }
};

/** Every case opens with the deployment's key, and each applicant finds theirs in /cases. */
const checkReadable = async (where: { dataDir: string } | { url: string; schema: string }, numbers: string[]) => {
  const db = await openDatabase("url" in where ? { url: where.url, dataDir: null, schema: where.schema } : { url: null, dataDir: where.dataDir });
  try {
    const cases = await db.prisma.case.findMany({ orderBy: { id: "asc" } });
    expect(cases.map((c) => c.number)).toEqual(numbers);
    for (const c of cases) expect(openSensitive(TEST_DATA_KEY, c.sensitive)).toMatchObject({ iin: "850301300121", phone: "+77010000000", name: "Иванов Иван Иванович" });
    const h = await testBot(db);
    expect(texts(await h.user(7001, "ru").send("/cases")).join("\n")).toContain(numbers[0]);
    expect(texts(await h.user(7002, "kk").send("/cases")).join("\n")).toContain(numbers[1]);
  } finally {
    await db.close();
  }
};

const stopConsole = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.stdin!.end(":quit\n");
  });

describe("backup and restore of the embedded database", () => {
  it("takes a backup from the running bot, restores it into a fresh DATA_DIR, and every case opens with the same key", async () => {
    const dataDir = tmp();
    const numbers = await fill({ dataDir });
    // The bot runs (the console: same process, same database) while the backup is taken.
    const bot = spawn(process.execPath, ["--import", "tsx", "bot/main.ts"], {
      env: { PATH: process.env.PATH, DATA_DIR: dataDir, DATA_KEY: KEY, BOT_TOKEN: "", DATABASE_URL: "", LOG_LEVEL: "info" },
      stdio: ["pipe", "ignore", "ignore"],
    });
    const log = () => (existsSync(join(dataDir, "kelisim.log")) ? readFileSync(join(dataDir, "kelisim.log"), "utf8") : "");
    try {
      await until(() => log().includes('"msg":"database ready"'), 90_000, "the bot to open its database");
      const file = join(tmp(), "backups", "kelisim.tar.gz");
      // As the operator runs it: a process of its own, asking the bot's process for the copy.
      const backup = await opsProcess(["backup", file], { DATA_DIR: dataDir });
      expect(backup.err).toBe("");
      expect(backup.code).toBe(0);
      expect(backup.out).toContain("by the running bot");
      expect(backup.out).toContain("The data key is not in the backup");
      await until(() => log().includes('"msg":"backup written"'), 10_000, "the bot's log line");
      expect(await stopConsole(bot)).toBe(0);
      // The bot is gone: its process file with it.
      expect(existsSync(join(dataDir, "kelisim.pid"))).toBe(false);

      const fresh = join(tmp(), "data");
      const restore = await cli(["restore", file], { DATA_DIR: fresh });
      expect(restore.code).toBe(0);
      expect(restore.out).toContain("data.key");
      // A DATA_DIR that holds a database is not overwritten unless asked.
      const again = await cli(["restore", file], { DATA_DIR: fresh });
      expect(again.code).toBe(1);
      expect(again.err).toContain("--force");
      expect((await cli(["restore", file, "--force"], { DATA_DIR: fresh })).code).toBe(0);
      await checkReadable({ dataDir: fresh }, numbers);

      // With the bot stopped, the command opens the database itself.
      const second = join(tmp(), "offline.tar.gz");
      const offline = await cli(["backup", second], { DATA_DIR: dataDir });
      expect(offline.code).toBe(0);
      expect(offline.out).not.toContain("by the running bot");
      const fresh2 = join(tmp(), "data");
      expect((await cli(["restore", second], { DATA_DIR: fresh2 })).code).toBe(0);
      await checkReadable({ dataDir: fresh2 }, numbers);
    } finally {
      if (bot.exitCode === null) bot.kill("SIGKILL");
    }
  });
});

describe("a PostgreSQL the commands cannot use", () => {
  it("a server that is not there: every command says so in one line naming it, never the password", async () => {
    const dir = tmp();
    const dump = join(dir, "kelisim.dump");
    writeFileSync(dump, "PGDMP");
    const env = { DATABASE_URL: "postgresql://kelisim:s3cret-pw@127.0.0.1:1/kelisim", DATA_KEY: KEY, NEW_DATA_KEY: Buffer.alloc(32, 9).toString("base64"), DATA_DIR: dir };
    for (const args of [["data-export", "--user", "61"], ["data-erase", "--user", "61"], ["restore", dump], ["rotate-key"]]) {
      const r = await cli(args, env);
      expect([args[0], r.code, r.err]).toEqual([args[0], 1, "Database error: cannot connect to 127.0.0.1:1 (ECONNREFUSED)\n"]);
    }
    // pg_dump's own words (it connects itself), on one line too.
    const backup = await cli(["backup", join(dir, "b.dump")], env);
    expect(backup.code).toBe(1);
    expect(backup.err).toMatch(/^pg_dump [^\n]+\n$/);
    expect(backup.err).not.toContain("s3cret");
  });

  it.skipIf(!pgUp)("a database that does not exist on the server: the server's one line", async () => {
    const url = new URL(PG_URL);
    url.pathname = "/kelisim_no_such_database";
    const r = await cli(["data-export", "--user", "61"], { DATABASE_URL: url.toString(), DATA_KEY: KEY, DATA_DIR: tmp() });
    expect([r.code, r.err]).toEqual([1, `Database error: database "kelisim_no_such_database" does not exist (PostgreSQL at ${url.hostname}:${url.port || 5432})\n`]);
  });
});

describe.skipIf(!pgUp)("PostgreSQL", () => {
  it("data:export, data:erase and data:rotate-key refuse a database without Kelisim's tables (a wrong DATABASE_URL), and create nothing in it", async () => {
    const schema = newSchema();
    const env = { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema, DATA_KEY: KEY, NEW_DATA_KEY: Buffer.alloc(32, 9).toString("base64"), DATA_DIR: tmp() };
    for (const args of [["data-export", "--user", "61"], ["data-erase", "--user", "61"], ["data-erase", "--user", "61", "--dry-run"], ["rotate-key"]]) {
      const r = await cli(args, env);
      expect([args.join(" "), r.code, r.err]).toEqual([
        args.join(" "),
        1,
        `schema ${schema} of the PostgreSQL database has no Kelisim tables: check DATABASE_URL (and DATABASE_SCHEMA); the bot's first start creates them\n`,
      ]);
    }
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    const made = await c.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [schema]);
    await c.end();
    expect(made.rowCount).toBe(0);
  });

  it("backs up with pg_dump and restores into an empty schema; a schema with tables is refused", async () => {
    const schema = newSchema();
    const numbers = await fill({ url: PG_URL, schema });
    const file = join(tmp(), "kelisim.dump");
    const env = { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema, DATA_KEY: KEY, DATA_DIR: tmp() };
    const backup = await cli(["backup", file], env);
    expect(backup.err).toBe("");
    expect(backup.code).toBe(0);
    const refused = await cli(["restore", file], env);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("already has tables");
    await dropSchema(schema);
    const restore = await cli(["restore", file], env);
    expect(restore.err).toBe("");
    expect(restore.code).toBe(0);
    await checkReadable({ url: PG_URL, schema }, numbers);
  });

  it("moves a filled embedded database into an empty PostgreSQL; the bot there answers old users with their cases, and new cases get new ids", async () => {
    const dataDir = tmp();
    const numbers = await fill({ dataDir });
    const schema = newSchema();
    const env = { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema, DATA_DIR: dataDir, DATA_KEY: KEY };
    const move = await cli(["move-to-postgres"], env);
    expect(move.err).toBe("");
    expect(move.code).toBe(0);
    expect(move.out).toMatch(/Case: 2\n/);
    expect(move.out).toContain(`DATA_KEY=$(cat ${join(dataDir, "data.key")})`);
    await checkReadable({ url: PG_URL, schema }, numbers);

    const db = await openDatabase({ url: PG_URL, dataDir: null, schema });
    try {
      const h = await testBot(db);
      // An old user is known: /start opens their home, not the language choice and consent again.
      const home = texts(await h.user(7001, "ru").send("/start")).join("\n");
      expect(home).not.toMatch(/О персональных данных/);
      // The id sequences continue after the copied rows: a new notice is stored with the next number.
      await fileNotice(h.user(7003, "ru"), "ru");
      const cases = await db.prisma.case.findMany({ orderBy: { id: "asc" }, select: { id: true } });
      expect(cases.map((c) => c.id)).toEqual([1, 2, 3]);
    } finally {
      await db.close();
    }
    // A PostgreSQL that is not empty is refused.
    const again = await cli(["move-to-postgres"], env);
    expect(again.code).toBe(1);
    expect(again.err).toContain("not empty");
  });
});
