// Configuration: read once from the environment, validated, failing with one line that names the variable.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import { z } from "zod";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
/** Values never echoed back in an error. */
const SECRETS = new Set(["BOT_TOKEN", "WEBHOOK_SECRET", "DATA_KEY", "DATABASE_URL"]);

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** Kazakhstan's IANA zones: one time, UTC+5, across the country since 1 March 2024. */
const KAZAKHSTAN_ZONES = ["Asia/Almaty", "Asia/Qostanay", "Asia/Qyzylorda", "Asia/Aqtobe", "Asia/Aqtau", "Asia/Atyrau", "Asia/Oral"];
/** A zone's offset from UTC at a moment, as this Node's time-zone data has it («GMT+05:00»). */
const intlOffset = (zone: string, at: Date): string =>
  new Intl.DateTimeFormat("en", { timeZone: zone, timeZoneName: "longOffset" }).formatToParts(at).find((p) => p.type === "timeZoneName")?.value ?? "";
/**
 * Whether a zone of Kazakhstan reads UTC+5 after 1 March 2024 in this Node's data. Data older than tzdata 2024a (an
 * old Node, or one built on an old system ICU) still puts Almaty at UTC+6: every deadline's end of day, every
 * reminder and every sitting's time would be an hour off. Another zone is the operator's choice.
 */
export const zoneCurrent = (zone: string, offsetOf: (zone: string, at: Date) => string = intlOffset): boolean =>
  !KAZAKHSTAN_ZONES.includes(zone) || offsetOf(zone, new Date("2024-06-01T00:00:00Z")) === "GMT+05:00";

/** Whether the PostgreSQL driver reads `url` (it parses a connection string when its client is made, not when it connects). */
const driverReads = (url: string): boolean => {
  try {
    new pg.Client({ connectionString: url });
    return true;
  } catch {
    return false;
  }
};

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

/** A duration in milliseconds between `min` and `max`. */
const millis = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, `must be milliseconds from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be milliseconds from ${min} to ${max}`);

const schema = z
  .object({
    BOT_TOKEN: z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]{30,}$/, "must look like 123456789:AA… (the token BotFather gives)")
      .optional(),
    BOT_MODE: z.enum(["polling", "webhook"], { error: "must be polling or webhook" }).default("polling"),
    WEBHOOK_URL: z.url({ protocol: /^https$/, error: "must be an https URL" }).optional(),
    WEBHOOK_SECRET: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/, "must be 16–256 characters of A-Z, a-z, 0-9, _ and -")
      .optional(),
    PORT: z.coerce.number({ error: "must be a port number" }).int("must be a port number").min(1, "must be 1–65535").max(65535, "must be 1–65535").default(8080),
    HEALTH_PORT: z.coerce.number({ error: "must be a port number" }).int("must be a port number").min(1, "must be 1–65535").max(65535, "must be 1–65535").optional(),
    TELEGRAM_API_ROOT: httpUrl.optional(),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/, "must be a postgresql:// URL")
      .refine(driverReads, "is not a URL the PostgreSQL driver can read: the port must be a number, and @ : / ? # % in the user name or password percent-encoded (%40 %3A %2F %3F %23 %25)")
      .optional(),
    DATABASE_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a schema name: lower-case letters, digits and _, at most 63, not starting with a digit")
      .optional(),
    DATA_DIR: z.string().min(1).default("./data"),
    ADMIN_IDS: z
      .string()
      // A user id has up to 52 significant bits (Telegram's Bot API): up to 16 digits, exact in a JavaScript number.
      .regex(/^\s*(\d{1,16}\s*(,\s*\d{1,16}\s*)*)?$/, "must be Telegram user ids separated by commas")
      .default("")
      .transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean).map(Number))
      .refine((ids) => ids.every((id) => id < 2 ** 52), "must be Telegram user ids separated by commas (an id is below 2^52)"),
    STAFF_CHAT_ID: z
      .string()
      .regex(/^-?\d{1,20}$/, "must be a Telegram chat id (a number; groups are negative)")
      .transform(Number)
      .optional(),
    TIME_ZONE: z
      .string()
      .refine(isTimeZone, "must be an IANA time zone such as Asia/Almaty")
      .refine((zone) => zoneCurrent(zone), "is Kazakhstan's, but this Node's time-zone data is older than 2024a and still puts it at UTC+6 (Kazakhstan is UTC+5 since 1 March 2024): deadlines and reminders would be an hour off — use Node 20.19 or newer, with its own ICU data")
      .default("Asia/Almaty"),
    DATA_KEY: z
      .string()
      .refine((s) => Buffer.from(s, "base64").length === 32, "must be 32 bytes in base64 (openssl rand -base64 32)")
      .optional(),
    MEDIATION_DAYS: z
      .string()
      .regex(/^\d{1,3}$/, "must be a number of days from 1 to 365")
      .transform(Number)
      .refine((n) => n >= 1 && n <= 365, "must be a number of days from 1 to 365")
      .default(30),
    // An operator's choice, not a legal term (law.md names none): README § Configuration gives the reasoning.
    RETENTION_DAYS: z
      .string()
      .regex(/^\d{1,4}$/, "must be a number of days from 30 to 3650")
      .transform(Number)
      .refine((n) => n >= 30 && n <= 3650, "must be a number of days from 30 to 3650")
      .default(1095),
    DATABASE_CONNECT_TIMEOUT_MS: millis(100, 600_000).default(5_000),
    DATABASE_STATEMENT_TIMEOUT_MS: millis(100, 3_600_000).default(30_000),
    DATABASE_IDLE_TIMEOUT_MS: millis(1_000, 3_600_000).default(30_000),
    DATABASE_POOL_SIZE: z
      .string()
      .regex(/^\d{1,4}$/, "must be a number of connections from 1 to 1000")
      .transform(Number)
      .refine((n) => n >= 1 && n <= 1000, "must be a number of connections from 1 to 1000")
      .default(10),
    DATABASE_TX_WAIT_MS: millis(100, 600_000).default(30_000),
    DATABASE_TX_TIMEOUT_MS: millis(1_000, 600_000).default(30_000),
    INSTANCE_ID: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,100}$/, "must be 1–100 of A-Z a-z 0-9 _ . : -")
      .optional(),
    LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
    LOG_PRETTY: z.enum(["0", "1"], { error: "must be 0 or 1" }).optional(),
    NODE_ENV: z.string().optional(),
  })
  .superRefine((c, ctx) => {
    if (c.LOG_PRETTY === "1" && c.NODE_ENV === "production") ctx.addIssue({ code: "custom", path: ["LOG_PRETTY"], message: "must not be 1 when NODE_ENV=production (production logs are JSON lines)" });
    if (c.BOT_MODE === "webhook" && c.BOT_TOKEN) {
      if (!c.WEBHOOK_URL) ctx.addIssue({ code: "custom", path: ["WEBHOOK_URL"], message: "is required when BOT_MODE=webhook" });
      if (!c.WEBHOOK_SECRET) ctx.addIssue({ code: "custom", path: ["WEBHOOK_SECRET"], message: "is required when BOT_MODE=webhook" });
    }
  });

export type Mode = "console" | "polling" | "webhook";

export interface Config {
  botToken: string | null;
  mode: Mode;
  webhook: { url: string | null; secret: string | null; port: number };
  /** A port serving only GET /healthz, in polling and webhook modes; null: none (webhook mode still has PORT's). */
  healthPort: number | null;
  apiRoot: string | null;
  databaseUrl: string | null;
  /** PostgreSQL only: the schema Kelisim's tables are in (null: public). */
  databaseSchema: string | null;
  /** PostgreSQL only: how long to wait for a connection, for one statement, and how long an idle connection stays open (ms). */
  databaseTimeouts: DatabaseTimeouts;
  /** How many connections, and how long an update waits for one (back-pressure) and may hold it. */
  databasePool: DatabasePool;
  /** Names this process among the instances sharing one PostgreSQL (its outbox rows are leased to it). */
  instanceId: string;
  dataDir: string;
  adminIds: number[];
  /** Where new notices are announced while no staff are registered for the organisation. */
  staffChatId: number | null;
  timeZone: string;
  /** base64, or null: then resolveDataKey() takes it from the data directory. */
  dataKey: string | null;
  /** How long mediation runs, in calendar days, before it ends by itself. */
  mediationDays: number;
  /** How many days after its procedure ended a case keeps its personal data before the retention job anonymises it. */
  retentionDays: number;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Human-readable console logs (pino-pretty, a development dependency): LOG_PRETTY=1 or NODE_ENV=development; never in production. */
  logPretty: boolean;
}

export interface DatabaseTimeouts {
  connectMs: number;
  statementMs: number;
  idleMs: number;
}

export interface DatabasePool {
  /** Connections in the pool (PostgreSQL). */
  size: number;
  /** How long a transaction waits to start (for a connection) before it fails with P2028 (Prisma's maxWait). */
  txMaxWaitMs: number;
  /** How long a transaction may run, waiting for the chat's lock included (Prisma's timeout). */
  txTimeoutMs: number;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the environment; throws ConfigError whose message is one line naming the variable. */
export const loadConfig = (env: NodeJS.ProcessEnv): Config => {
  // An empty value (as in a copied .env.example) means "not set".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ""));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? "configuration");
    const got = SECRETS.has(name) || cleaned[name] === undefined ? "" : ` (got "${cleaned[name]}")`;
    throw new ConfigError(`Configuration error: ${name} ${issue.message}${got}`);
  }
  const c = parsed.data;
  return {
    botToken: c.BOT_TOKEN ?? null,
    mode: c.BOT_TOKEN ? c.BOT_MODE : "console",
    webhook: { url: c.WEBHOOK_URL ?? null, secret: c.WEBHOOK_SECRET ?? null, port: c.PORT },
    healthPort: c.HEALTH_PORT ?? null,
    apiRoot: c.TELEGRAM_API_ROOT ?? null,
    databaseUrl: c.DATABASE_URL ?? null,
    databaseSchema: c.DATABASE_SCHEMA ?? null,
    databaseTimeouts: { connectMs: c.DATABASE_CONNECT_TIMEOUT_MS, statementMs: c.DATABASE_STATEMENT_TIMEOUT_MS, idleMs: c.DATABASE_IDLE_TIMEOUT_MS },
    databasePool: { size: c.DATABASE_POOL_SIZE, txMaxWaitMs: c.DATABASE_TX_WAIT_MS, txTimeoutMs: c.DATABASE_TX_TIMEOUT_MS },
    instanceId: c.INSTANCE_ID ?? hostname(),
    dataDir: c.DATA_DIR,
    adminIds: c.ADMIN_IDS,
    staffChatId: c.STAFF_CHAT_ID ?? null,
    timeZone: c.TIME_ZONE,
    dataKey: c.DATA_KEY ?? null,
    mediationDays: c.MEDIATION_DAYS,
    retentionDays: c.RETENTION_DAYS,
    logLevel: c.LOG_LEVEL,
    logPretty: c.NODE_ENV === "production" ? false : c.LOG_PRETTY ? c.LOG_PRETTY === "1" : c.NODE_ENV === "development",
  };
};

/**
 * The key for sensitive fields. With the embedded database, a key is generated into the data
 * directory on its first start (so the data and its key travel together) — never beside an existing
 * database; with PostgreSQL it must be given.
 */
export const resolveDataKey = (config: Config): Buffer => {
  if (config.dataKey) return Buffer.from(config.dataKey, "base64");
  if (config.databaseUrl) throw new ConfigError("Configuration error: DATA_KEY is required when DATABASE_URL is set");
  const file = join(config.dataDir, "data.key");
  if (!existsSync(file)) {
    // Only for a new data directory. A database without its key (a DATA_DIR restored from a backup, the key
    // not yet put back) does not open with a new one, which would then stand where the real one must go.
    if (existsSync(join(config.dataDir, "pglite", "PG_VERSION")))
      throw new ConfigError(
        `Configuration error: ${resolve(file)} is missing, and ${resolve(config.dataDir)} holds a database: put the key its data was sealed with there (the one kept with the backups), or set DATA_KEY to it`,
      );
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString("base64") + "\n", { mode: 0o600, flag: "wx" });
    chmodSync(file, 0o600);
  }
  const key = Buffer.from(readFileSync(file, "utf8").trim(), "base64");
  if (key.length !== 32) throw new ConfigError(`Configuration error: ${file} does not hold a 32-byte base64 key`);
  return key;
};
