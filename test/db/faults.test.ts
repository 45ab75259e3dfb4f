// A real PostgreSQL that drops the bot's connections (a restart, a failover, pg_terminate_backend): the
// pool logs it at warn, the process lives on, and the next update is served on a new connection.
// Runs against TEST_DATABASE_URL, else the local server the CI machine has, when either answers.
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import pg from "pg";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../bot/db/database.js";
import { testBot, texts } from "../helpers/bot.js";
import { until } from "../helpers/wait.js";

const URL = process.env.TEST_DATABASE_URL || "postgresql://root@127.0.0.1:5432/test";

const reachable = async (): Promise<boolean> => {
  const c = new pg.Client({ connectionString: URL, connectionTimeoutMillis: 2_000 });
  c.on("error", () => undefined);
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
};

const schema = `faults_${process.pid}_${randomBytes(4).toString("hex")}`;
const app = `kelisim-test-${randomBytes(4).toString("hex")}`;
let db: Database | null = null;
afterAll(async () => {
  await db?.close();
  const c = new pg.Client({ connectionString: URL });
  if (!(await reachable())) return;
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await c.end();
});

/** Terminates every connection this test's pool holds; returns how many. */
const terminate = async (): Promise<number> => {
  const c = new pg.Client({ connectionString: URL });
  await c.connect();
  const r = await c.query<{ pg_terminate_backend: boolean }>(
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()",
    [app],
  );
  await c.end();
  return r.rowCount ?? 0;
};

describe.skipIf(!(await reachable()))("PostgreSQL drops the bot's connections", () => {
  it("right after migrations, and again after an update: warned, survived, the next update served", async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(...chunk.toString().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)), done()) });
    const logger = pino({ level: "warn" }, sink);
    db = await openDatabase({ url: URL, dataDir: null, schema, logger, applicationName: app });
    const lost = () => lines.filter((l) => l.msg === "database connection lost; the pool opens another when needed" && l.level === 40).length;

    // The migrations' connection is idle in the pool: killing it used to be an unhandled 'error'.
    expect(await terminate()).toBeGreaterThan(0);
    await until(() => lost() >= 1);

    const h = await testBot(db, { logger });
    expect(texts(await h.user(901, "ru").send("/start"))[0]).toMatch(/^Здравствуйте!/);

    // Now Prisma's own connections: killed while idle, and the next update still goes through.
    const before = lost();
    expect(await terminate()).toBeGreaterThan(0);
    await until(() => lost() > before);
    expect(texts(await h.user(901, "ru").press("Согласен(на)"))[0]).toBe("Спасибо. Ваше согласие записано.");
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: 901n } })).consentAt).not.toBeNull();
  });
});
