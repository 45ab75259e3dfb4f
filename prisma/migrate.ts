// npm run db:migrate — applies pending migrations to the configured store (DATABASE_URL, else PGlite in
// DATA_DIR), the same way the bot does at start. Useful before a deploy that starts several instances.
import { existsSync } from "node:fs";
import { ConfigError, loadConfig, resolveDataKey } from "../bot/config.js";
import { openDatabase } from "../bot/db/database.js";

if (existsSync(".env")) process.loadEnvFile(".env");
try {
  const config = loadConfig(process.env);
  // As at the bot's start: a new DATA_DIR gets its key with its database (one without it is refused at the next start).
  resolveDataKey(config);
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, ...(config.databaseSchema ? { schema: config.databaseSchema } : {}) });
  process.stdout.write(db.migrated.length ? `applied: ${db.migrated.join(", ")}\n` : "up to date\n");
  await db.close();
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  process.stderr.write(e.message + "\n");
  process.exit(1);
}
