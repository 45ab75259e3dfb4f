// The operator's database commands (npm run db:backup | db:restore | db:move-to-postgres | data:export |
// data:erase), configured like the bot: DATABASE_URL set → PostgreSQL, else the embedded database in DATA_DIR.
// Output is for the operator, in English; a failure is one line on stderr and exit code 1. cli.ts is the
// process around runOps (it reads .env and exits); tests call runOps in their own process.
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { DataKeyError, prepareDataAtRest } from "../at-rest.js";
import { ConfigError, loadConfig, resolveDataKey, type Config } from "../config.js";
import type { Deployment } from "../core/actor.js";
import { databaseErrorLine, pgliteDir } from "../db/adapters.js";
import { openDatabase } from "../db/database.js";
import { consentVersionsOf, createI18n } from "../i18n.js";
import { backupPglite, backupPostgres, OpsError, restorePglite, restorePostgres, tablesIn } from "./backup.js";
import { describeErase, eraseUser, exportUser } from "./data.js";
import { moveToPostgres } from "./move.js";
import { rotateDataKey } from "./rotate.js";
import { runningBot } from "./running.js";

const USAGE = `usage:
  npm run db:backup -- <file>              back up the database (the bot may keep running)
  npm run db:restore -- <file> [--force]   restore a backup into an empty database (--force: replace what is there)
  npm run db:move-to-postgres              copy the embedded database (DATA_DIR) into the empty PostgreSQL named by DATABASE_URL
  npm run data:export -- --user <id> [--out <file>]   what the bot holds about a user, as /mydata's JSON (stdout by default)
  npm run data:erase -- --user <id> [--dry-run]       withdraw the user's consent as /privacy does (--dry-run: report only)
  NEW_DATA_KEY=<base64> npm run data:rotate-key       re-seal everything with a new key (stop every instance of the bot first)`;

/** The value after a flag (--user 123), or null. */
const flag = (args: string[], name: string): string | null => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1]! : null;
};

/**
 * Refuses a database that is not Kelisim's — an empty DATA_DIR, a PostgreSQL database or schema without its
 * tables (a wrong DATA_DIR, DATABASE_URL or DATABASE_SCHEMA) — before anything is created in it: only the
 * bot's start and db:move-to-postgres's target make the schema.
 */
const requireKelisimDatabase = async (config: Config, schema: string | undefined): Promise<void> => {
  if (!config.databaseUrl) {
    if (!existsSync(join(pgliteDir(config.dataDir), "PG_VERSION")))
      throw new OpsError(`no Kelisim database in ${resolve(config.dataDir)}: check DATA_DIR (or DATABASE_URL, for PostgreSQL)`);
    return;
  }
  const tables = await tablesIn(config.databaseUrl, schema ?? "public", false);
  if (!["_prisma_migrations", "User", "Case"].every((t) => tables.includes(t)))
    throw new OpsError(`schema ${schema ?? "public"} of the PostgreSQL database has no Kelisim tables: check DATABASE_URL (and DATABASE_SCHEMA); the bot's first start creates them`);
};

/** Opens the database as the bot does, with its key checked; refuses an embedded database a running bot has open. */
const openForData = async (config: Config, schema: string | undefined) => {
  await requireKelisimDatabase(config, schema);
  if (!config.databaseUrl && runningBot(config.dataDir) !== null)
    throw new OpsError(`the bot is running on ${resolve(config.dataDir)}: the embedded database opens in one process only; stop the bot first`);
  const dataKey = resolveDataKey(config);
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, ...(schema ? { schema } : {}) });
  try {
    // The key, then the one-time steps a start takes (texts an earlier version kept in the clear, sealed): a
    // command run after an upgrade and before the bot's first start reads what it expects.
    await prepareDataAtRest(db.prisma, dataKey);
  } catch (e) {
    await db.close();
    throw e instanceof DataKeyError ? new OpsError(e.message) : e;
  }
  return { db, dataKey };
};

const userArg = (args: string[]): number => {
  const raw = flag(args, "--user");
  // A user id has up to 52 significant bits (Telegram's Bot API): up to 16 digits.
  if (!raw || !/^\d{1,16}$/.test(raw) || Number(raw) >= 2 ** 52) throw new OpsError("give the user's Telegram id: --user <id>");
  return Number(raw);
};

export interface OpsIO {
  out(text: string): void;
  err(text: string): void;
}

const run = async (args: string[], env: NodeJS.ProcessEnv, io: OpsIO): Promise<void> => {
  const [command, ...rest] = args;
  const force = rest.includes("--force");
  const file = rest.find((a) => !a.startsWith("--"));
  const dryRun = rest.includes("--dry-run");
  const config = loadConfig(env);
  // A deployment that keeps Kelisim in a schema of its own (DATABASE_SCHEMA, as the bot does); else public, and
  // a backup takes the whole database.
  const schema = config.databaseSchema ?? undefined;
  const out = (line: string) => io.out(line + "\n");
  switch (command) {
    case "backup": {
      if (!file) throw new OpsError(USAGE);
      if (config.databaseUrl) {
        await backupPostgres(config.databaseUrl, file, schema);
        out(`PostgreSQL backup written to ${resolve(file)} (pg_dump custom format).`);
      } else {
        const by = await backupPglite(config.dataDir, file);
        out(`Embedded database backup written to ${resolve(file)}${by === "bot" ? " by the running bot" : ""}.`);
      }
      out("The data key is not in the backup: keep DATA_KEY (or DATA_DIR/data.key) with it, apart from the backup file.");
      return;
    }
    case "restore": {
      if (!file) throw new OpsError(USAGE);
      if (config.databaseUrl) {
        await restorePostgres(file, config.databaseUrl, schema ?? "public", force);
        out(`Restored ${resolve(file)} into the PostgreSQL database. Start the bot with the DATA_KEY the backup's data was sealed with.`);
      } else {
        await restorePglite(file, config.dataDir, force);
        const key = join(config.dataDir, "data.key");
        out(`Restored ${resolve(file)} into ${resolve(config.dataDir)}.`);
        out(
          existsSync(key)
            ? `${resolve(key)} is there: it must be the key the backup's data was sealed with.`
            : `Now put the data key the backup's data was sealed with in ${resolve(key)} (or set DATA_KEY) before npm start: without it, or with another key, the bot refuses to start.`,
        );
      }
      return;
    }
    case "move-to-postgres": {
      if (!config.databaseUrl) throw new OpsError("set DATABASE_URL to the empty PostgreSQL database to move to");
      const { copied } = await moveToPostgres({ dataDir: config.dataDir, url: config.databaseUrl, ...(schema ? { schema } : {}) });
      for (const [table, rows] of copied) out(`  ${table}: ${rows}`);
      out(`Copied ${copied.reduce((n, [, r]) => n + r, 0)} rows from ${resolve(config.dataDir)} into PostgreSQL.`);
      out(`Next: set DATA_KEY to the embedded database's key and keep DATABASE_URL set, e.g.`);
      out(`  DATA_KEY=$(cat ${join(config.dataDir, "data.key")})`);
      out(`The bot refuses to start on PostgreSQL with any other key. Keep ${resolve(config.dataDir)} until the bot runs well on PostgreSQL.`);
      return;
    }
    case "data-export": {
      const userId = userArg(rest);
      const outFile = flag(rest, "--out");
      const { db, dataKey } = await openForData(config, schema);
      try {
        const json = await exportUser(db.prisma, userId, dataKey, new Date());
        if (outFile) {
          // Into a directory not there yet too (as db:backup does): made private, like the file.
          mkdirSync(dirname(resolve(outFile)), { recursive: true, mode: 0o700 });
          writeFileSync(outFile, json, { mode: 0o600 });
          out(`User ${userId}'s data written to ${resolve(outFile)} (personal data, some of it medical: hand it only to the user).`);
        } else io.out(json);
      } finally {
        await db.close();
      }
      return;
    }
    case "data-erase": {
      const userId = userArg(rest);
      const { db, dataKey } = await openForData(config, schema);
      try {
        const i18n = await createI18n();
        const deployment: Deployment = {
          timeZone: config.timeZone,
          dataKey,
          staffChatId: config.staffChatId,
          mediationDays: config.mediationDays,
          retentionDays: config.retentionDays,
          botUsername: () => "",
          adminIds: config.adminIds,
          termsVersions: { staff: i18n.versionOf("roles.terms.staff"), mediator: i18n.versionOf("roles.terms.mediator"), admin: i18n.versionOf("roles.terms.admin") },
          consentVersions: consentVersionsOf(i18n),
        };
        const report = await eraseUser(db.prisma, { userId, dryRun, deployment, i18n, now: new Date(), instanceId: config.instanceId });
        for (const line of describeErase(report)) out(line);
      } finally {
        await db.close();
      }
      return;
    }
    case "rotate-key": {
      const raw = env.NEW_DATA_KEY ?? "";
      const to = Buffer.from(raw, "base64");
      if (to.length !== 32) throw new OpsError("set NEW_DATA_KEY to the new key: 32 random bytes in base64 (e.g. openssl rand -base64 32)");
      if (!config.databaseUrl && runningBot(config.dataDir) !== null)
        throw new OpsError(`the bot is running on ${resolve(config.dataDir)}: stop it first (nothing may write with the old key meanwhile)`);
      // The key in use, never a new one made up: without DATA_KEY, the data directory's file must be there.
      if (!config.dataKey && !config.databaseUrl && !existsSync(join(config.dataDir, "data.key")))
        throw new OpsError(`no data key: set DATA_KEY, or keep the key in ${resolve(join(config.dataDir, "data.key"))}`);
      await requireKelisimDatabase(config, schema);
      const from = resolveDataKey(config);
      const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, ...(schema ? { schema } : {}) });
      try {
        const { resealed } = await rotateDataKey(db.prisma, from, to);
        for (const [what, rows] of resealed) out(`  ${what}: ${rows} re-sealed`);
      } finally {
        await db.close();
      }
      if (config.dataKey) {
        out("Done: the data is sealed with NEW_DATA_KEY. Set DATA_KEY to it (every instance), and keep the old key with the backups taken before today.");
      } else {
        const file = join(config.dataDir, "data.key");
        writeFileSync(`${file}.new`, `${raw.trim()}\n`, { mode: 0o600 });
        renameSync(`${file}.new`, file);
        out(`Done: the data is sealed with NEW_DATA_KEY, now in ${resolve(file)}. Keep the old key with the backups taken before today.`);
      }
      return;
    }
    default:
      throw new OpsError(USAGE);
  }
};

/** Runs one command (`args` as after `tsx bot/ops/cli.ts`) with `env` as its environment; resolves to the exit code. */
export const runOps = async (args: string[], env: NodeJS.ProcessEnv, io: OpsIO): Promise<number> => {
  try {
    await run(args, env, io);
    return 0;
  } catch (e) {
    // PostgreSQL down, or a database that is not there: said as the bot's start says it.
    const url = env.DATABASE_URL?.trim();
    const db = url ? databaseErrorLine(e, url) : null;
    io.err((db ?? (e instanceof OpsError || e instanceof ConfigError ? e.message : e instanceof Error ? `${e.name}: ${e.message}` : String(e))) + "\n");
    return 1;
  }
};
