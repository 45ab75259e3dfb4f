// The operator's database commands (npm run db:backup | db:restore | db:move-to-postgres), configured like
// the bot (.env, then the environment): DATABASE_URL set → PostgreSQL, else the embedded database in DATA_DIR.
// Output is for the operator, in English; a failure is one line on stderr and exit code 1.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { ConfigError, loadConfig } from "../config.js";
import { backupPglite, backupPostgres, OpsError, restorePglite, restorePostgres } from "./backup.js";
import { moveToPostgres } from "./move.js";

const USAGE = `usage:
  npm run db:backup -- <file>              back up the database (the bot may keep running)
  npm run db:restore -- <file> [--force]   restore a backup into an empty database (--force: replace what is there)
  npm run db:move-to-postgres              copy the embedded database (DATA_DIR) into the empty PostgreSQL named by DATABASE_URL`;

const main = async (): Promise<void> => {
  if (existsSync(".env")) process.loadEnvFile(".env");
  const [command, ...rest] = process.argv.slice(2);
  const force = rest.includes("--force");
  const file = rest.find((a) => !a.startsWith("--"));
  const config = loadConfig(process.env);
  // Tests (and a deployment that keeps Kelisim in a schema of its own) name the PostgreSQL schema.
  const schema = process.env.DATABASE_SCHEMA || undefined;
  const out = (line: string) => process.stdout.write(line + "\n");
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
            : `Now put the data key the backup's data was sealed with in ${resolve(key)} (or set DATA_KEY) before npm start: with a new key the bot refuses to start.`,
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
    default:
      throw new OpsError(USAGE);
  }
};

main().catch((e: unknown) => {
  process.stderr.write((e instanceof OpsError || e instanceof ConfigError ? e.message : e instanceof Error ? `${e.name}: ${e.message}` : String(e)) + "\n");
  process.exit(1);
});
