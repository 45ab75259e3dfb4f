// Configuration: defaults, one clear line naming a wrong variable, the data key.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, resolveDataKey, zoneCurrent } from "../../bot/config.js";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawX";
const fails = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected a ConfigError");
};

describe("loadConfig", () => {
  it("Kazakhstan's zones read UTC+5 in this Node's time-zone data (an older one, still at UTC+6, is refused by name)", () => {
    for (const zone of ["Asia/Almaty", "Asia/Qostanay", "Asia/Oral"]) expect(loadConfig({ TIME_ZONE: zone }).timeZone).toBe(zone);
    // As Node's data before tzdata 2024a read Almaty: UTC+6. Another country's zone is not checked.
    const old = (zone: string) => (zone === "Asia/Almaty" ? "GMT+06:00" : "GMT+05:00");
    expect(zoneCurrent("Asia/Almaty", old)).toBe(false);
    expect(zoneCurrent("Asia/Almaty")).toBe(true);
    expect(zoneCurrent("Europe/Moscow", () => "GMT+03:00")).toBe(true);
    expect(new Intl.DateTimeFormat("ru", { timeZone: "Asia/Almaty", hour: "2-digit", hourCycle: "h23" }).format(new Date("2026-12-06T12:00:00Z"))).toBe("17");
  });

  it("with nothing set: the local console on PGlite in ./data, Kazakhstan's time", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ mode: "console", botToken: null, databaseUrl: null, dataDir: "./data", timeZone: "Asia/Almaty", adminIds: [], logLevel: "info" });
  });

  it("empty values, as in a copied .env.example, count as unset", () => {
    expect(loadConfig({ BOT_TOKEN: "", DATABASE_URL: " ", ADMIN_IDS: "" }).mode).toBe("console");
  });

  it("a token means polling, unless webhook is asked for", () => {
    expect(loadConfig({ BOT_TOKEN: TOKEN }).mode).toBe("polling");
    const w = loadConfig({ BOT_TOKEN: TOKEN, BOT_MODE: "webhook", WEBHOOK_URL: "https://bot.example.kz", WEBHOOK_SECRET: "s3cret-s3cret-s3cret", PORT: "9000" });
    expect(w.mode).toBe("webhook");
    expect(w.webhook).toEqual({ url: "https://bot.example.kz", secret: "s3cret-s3cret-s3cret", port: 9000 });
  });

  it("names the wrong variable in one line, and never echoes a secret", () => {
    expect(fails({ BOT_MODE: "pollin" })).toBe('Configuration error: BOT_MODE must be polling or webhook (got "pollin")');
    const token = fails({ BOT_TOKEN: "12345:short" });
    expect(token).toMatch(/^Configuration error: BOT_TOKEN must look like/);
    expect(token).not.toContain("12345:short");
    expect(fails({ BOT_TOKEN: TOKEN, BOT_MODE: "webhook", WEBHOOK_SECRET: "s3cret-s3cret-s3cret" })).toBe("Configuration error: WEBHOOK_URL is required when BOT_MODE=webhook");
    expect(fails({ ADMIN_IDS: "12, bob" })).toMatch(/^Configuration error: ADMIN_IDS must be Telegram user ids/);
    expect(fails({ TIME_ZONE: "Mars/Olympus" })).toMatch(/^Configuration error: TIME_ZONE must be an IANA time zone/);
    expect(fails({ DATA_KEY: "c2hvcnQ=" })).toMatch(/^Configuration error: DATA_KEY must be 32 bytes/);
    expect(fails({ DATABASE_URL: "mysql://x" })).toBe("Configuration error: DATABASE_URL must be a postgresql:// URL");
    expect(fails({ PORT: "70000" })).toMatch(/^Configuration error: PORT must be 1–65535/);
    expect(fails({ LOG_LEVEL: "loud" })).toMatch(/^Configuration error: LOG_LEVEL must be one of/);
    expect(fails({ MEDIATION_DAYS: "0" })).toBe('Configuration error: MEDIATION_DAYS must be a number of days from 1 to 365 (got "0")');
    expect(fails({ MEDIATION_DAYS: "a month" })).toMatch(/^Configuration error: MEDIATION_DAYS must be a number of days/);
    expect(loadConfig({ MEDIATION_DAYS: "45" }).mediationDays).toBe(45);
    expect(loadConfig({}).mediationDays).toBe(30);
    expect(loadConfig({}).retentionDays).toBe(1095);
    expect(loadConfig({ RETENTION_DAYS: "365" }).retentionDays).toBe(365);
    expect(fails({ RETENTION_DAYS: "7" })).toBe('Configuration error: RETENTION_DAYS must be a number of days from 30 to 3650 (got "7")');
    expect(fails({ RETENTION_DAYS: "3 years" })).toMatch(/^Configuration error: RETENTION_DAYS must be a number of days from 30 to 3650/);
    expect(fails({ TELEGRAM_API_ROOT: "ftp://x" })).toMatch(/^Configuration error: TELEGRAM_API_ROOT must be an http\(s\) URL/);
  });

  it("HEALTH_PORT: none by default, a port when set", () => {
    expect(loadConfig({}).healthPort).toBeNull();
    expect(loadConfig({ BOT_TOKEN: TOKEN, HEALTH_PORT: "8081" }).healthPort).toBe(8081);
    expect(fails({ HEALTH_PORT: "0" })).toMatch(/^Configuration error: HEALTH_PORT must be 1–65535/);
  });

  it("readable logs in development only: LOG_PRETTY=1 or NODE_ENV=development, never with NODE_ENV=production", () => {
    expect(loadConfig({}).logPretty).toBe(false);
    expect(loadConfig({ NODE_ENV: "development" }).logPretty).toBe(true);
    expect(loadConfig({ NODE_ENV: "development", LOG_PRETTY: "0" }).logPretty).toBe(false);
    expect(loadConfig({ LOG_PRETTY: "1" }).logPretty).toBe(true);
    expect(loadConfig({ NODE_ENV: "production" }).logPretty).toBe(false);
    expect(fails({ NODE_ENV: "production", LOG_PRETTY: "1" })).toMatch(/^Configuration error: LOG_PRETTY must not be 1 when NODE_ENV=production/);
    expect(fails({ LOG_PRETTY: "yes" })).toMatch(/^Configuration error: LOG_PRETTY must be 0 or 1/);
  });

  it("database timeouts: sane defaults, milliseconds within bounds", () => {
    expect(loadConfig({}).databaseTimeouts).toEqual({ connectMs: 5_000, statementMs: 30_000, idleMs: 30_000 });
    expect(loadConfig({ DATABASE_CONNECT_TIMEOUT_MS: "2000", DATABASE_STATEMENT_TIMEOUT_MS: "10000", DATABASE_IDLE_TIMEOUT_MS: "60000" }).databaseTimeouts).toEqual({ connectMs: 2_000, statementMs: 10_000, idleMs: 60_000 });
    expect(fails({ DATABASE_CONNECT_TIMEOUT_MS: "5s" })).toBe('Configuration error: DATABASE_CONNECT_TIMEOUT_MS must be milliseconds from 100 to 600000 (got "5s")');
    expect(fails({ DATABASE_STATEMENT_TIMEOUT_MS: "0" })).toMatch(/^Configuration error: DATABASE_STATEMENT_TIMEOUT_MS must be milliseconds from 100/);
    expect(fails({ DATABASE_IDLE_TIMEOUT_MS: "10" })).toMatch(/^Configuration error: DATABASE_IDLE_TIMEOUT_MS must be milliseconds from 1000/);
  });

  it("database pool and transaction waits: the pool size, the wait to start and the time to run, within bounds", () => {
    expect(loadConfig({}).databasePool).toEqual({ size: 10, txMaxWaitMs: 30_000, txTimeoutMs: 30_000 });
    expect(loadConfig({ DATABASE_POOL_SIZE: "4", DATABASE_TX_WAIT_MS: "5000", DATABASE_TX_TIMEOUT_MS: "8000" }).databasePool).toEqual({ size: 4, txMaxWaitMs: 5_000, txTimeoutMs: 8_000 });
    expect(fails({ DATABASE_POOL_SIZE: "0" })).toMatch(/^Configuration error: DATABASE_POOL_SIZE must be a number of connections from 1 to 1000/);
    expect(fails({ DATABASE_TX_WAIT_MS: "10" })).toMatch(/^Configuration error: DATABASE_TX_WAIT_MS must be milliseconds from 100/);
    expect(loadConfig({ INSTANCE_ID: "bot-2" }).instanceId).toBe("bot-2");
    expect(loadConfig({}).instanceId.length).toBeGreaterThan(0);
    expect(fails({ INSTANCE_ID: "a b" })).toMatch(/^Configuration error: INSTANCE_ID must be/);
  });

  it("DATABASE_URL: a URL the driver cannot read (a port that is not a number, a # or / in the password) is refused in the one line, the password never shown", () => {
    for (const url of ["postgresql://kelisim:s3cret-pw@127.0.0.1:notaport/kelisim", "postgresql://kelisim:s3cret#pw@127.0.0.1:5432/kelisim", "postgresql://kelisim:s3cret/pw@db.example.kz/kelisim", "postgresql://kelisim:s3cret-pw@db.example.kz:99999/kelisim"]) {
      const line = fails({ DATABASE_URL: url });
      expect(line).toMatch(/^Configuration error: DATABASE_URL is not a URL the PostgreSQL driver can read/);
      expect(line).not.toContain("s3cret");
    }
    // What the driver reads stays accepted: no password, a socket directory, an encoded password, parameters.
    for (const url of ["postgresql://kelisim@127.0.0.1:5432/kelisim", "postgresql:///kelisim?host=/var/run/postgresql", "postgresql://kelisim:p%40ss%3Aw%2Frd@db.example.kz/kelisim?sslmode=require"])
      expect(loadConfig({ DATABASE_URL: url }).databaseUrl).toBe(url);
  });

  it("DATABASE_SCHEMA: public unless named, and only a plain schema name", () => {
    expect(loadConfig({}).databaseSchema).toBeNull();
    expect(loadConfig({ DATABASE_SCHEMA: "kelisim" }).databaseSchema).toBe("kelisim");
    expect(fails({ DATABASE_SCHEMA: 'x"; DROP TABLE "User' })).toMatch(/^Configuration error: DATABASE_SCHEMA must be a schema name/);
    expect(fails({ DATABASE_SCHEMA: "Kelisim" })).toMatch(/^Configuration error: DATABASE_SCHEMA must be a schema name/);
  });

  it("parses admin ids", () => {
    expect(loadConfig({ ADMIN_IDS: " 12, 345 " }).adminIds).toEqual([12, 345]);
    // Telegram's user ids have up to 52 significant bits: 16 digits, the largest still exact.
    expect(loadConfig({ ADMIN_IDS: "4503599627370495, 1000000000000000" }).adminIds).toEqual([4503599627370495, 1000000000000000]);
    expect(fails({ ADMIN_IDS: "4503599627370496" })).toMatch(/^Configuration error: ADMIN_IDS must be Telegram user ids/);
  });
});

describe("the data key", () => {
  it("is generated into the data directory on first start, private, and kept", () => {
    const dir = mkdtempSync(join(tmpdir(), "kelisim-key-"));
    try {
      const c = loadConfig({ DATA_DIR: dir });
      const k1 = resolveDataKey(c);
      expect(k1).toHaveLength(32);
      expect(statSync(join(dir, "data.key")).mode & 0o777).toBe(0o600);
      expect(resolveDataKey(c).equals(k1)).toBe(true);
      expect(Buffer.from(readFileSync(join(dir, "data.key"), "utf8").trim(), "base64").equals(k1)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a DATA_DIR holding a database but not its data.key (restored from a backup): the start says to put the key back, and writes none", () => {
    const dir = mkdtempSync(join(tmpdir(), "kelisim-nokey-"));
    const start = () =>
      spawnSync(process.execPath, ["--import", "tsx", "bot/main.ts"], { env: { PATH: process.env.PATH, DATA_DIR: dir }, input: ":quit\n", encoding: "utf8", timeout: 90_000 });
    try {
      // A first start makes the database and its key, as a backup restored into a fresh DATA_DIR has a database.
      expect(start().status).toBe(0);
      rmSync(join(dir, "data.key"));
      const r = start();
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(
        `Configuration error: ${join(dir, "data.key")} is missing, and ${dir} holds a database: put the key its data was sealed with there (the one kept with the backups), or set DATA_KEY to it\n`,
      );
      // No stray key beside data it does not open.
      expect(existsSync(join(dir, "data.key"))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("must be given with PostgreSQL", () => {
    expect(() => resolveDataKey(loadConfig({ DATABASE_URL: "postgresql://x@y/z" }))).toThrow("DATA_KEY is required when DATABASE_URL is set");
    const key = Buffer.alloc(32, 7).toString("base64");
    expect(resolveDataKey(loadConfig({ DATABASE_URL: "postgresql://x@y/z", DATA_KEY: key })).toString("base64")).toBe(key);
  });
});

describe("npm start with a bad variable", () => {
  it("stops at once with the one line and exit code 1", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "bot/main.ts"], {
      env: { PATH: process.env.PATH, BOT_MODE: "webhok", BOT_TOKEN: TOKEN },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('Configuration error: BOT_MODE must be polling or webhook (got "webhok")');
  });

  it("a DATABASE_URL with a port that is not a number: the one line, no stack trace, no password", () => {
    const dir = mkdtempSync(join(tmpdir(), "kelisim-url-"));
    try {
      const r = spawnSync(process.execPath, ["--import", "tsx", "bot/main.ts"], {
        env: { PATH: process.env.PATH, DATA_DIR: dir, DATABASE_URL: "postgresql://kelisim:s3cret-pw@127.0.0.1:notaport/kelisim", DATA_KEY: Buffer.alloc(32, 1).toString("base64") },
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(r.status).toBe(1);
      expect(r.stderr.trim()).toMatch(/^Configuration error: DATABASE_URL is not a URL the PostgreSQL driver can read[^\n]*$/);
      expect(r.stderr).not.toContain("s3cret");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("npm start with a PostgreSQL it cannot use", () => {
  const PG_URL = process.env.TEST_DATABASE_URL || "postgresql://root@127.0.0.1:5432/test";
  const startOn = (url: string) => {
    const dir = mkdtempSync(join(tmpdir(), "kelisim-nodb-"));
    try {
      return spawnSync(process.execPath, ["--import", "tsx", "bot/main.ts"], {
        env: { PATH: process.env.PATH, DATA_DIR: dir, DATABASE_URL: url, DATA_KEY: Buffer.alloc(32, 1).toString("base64") },
        input: ":quit\n",
        encoding: "utf8",
        timeout: 60_000,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it("a server that is not there: one line naming it, no stack trace, no password, exit code 1", () => {
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    const r = startOn("postgresql://kelisim:s3cret-pw@127.0.0.1:1/kelisim");
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("Database error: cannot connect to 127.0.0.1:1 (ECONNREFUSED)\n");
  });

  it("a database that does not exist on the server: the server's one line, exit code 1", async () => {
    const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2_000 });
    c.on("error", () => undefined);
    const up = await c.connect().then(
      () => c.end().then(() => true),
      () => false,
    );
    if (!up) return;
    const url = new URL(PG_URL);
    url.password = "s3cret-pw";
    url.pathname = "/kelisim_no_such_database";
    const r = startOn(url.toString());
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`Database error: database "kelisim_no_such_database" does not exist (PostgreSQL at ${url.hostname}:${url.port || 5432})\n`);
  });
});
