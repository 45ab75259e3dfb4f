// Prisma CLI configuration: JavaScript engines through driver adapters (../shared/notes/stack.md).
// DATABASE_URL set → the PostgreSQL server it names; otherwise PGlite in DATA_DIR (default ./data). Reads
// `.env` as the bot does (Prisma skips its own loading of it when a config file exists).
import { existsSync } from "node:fs";
import { defineConfig } from "prisma/config";
import { cliAdapter } from "./bot/db/adapters.js";

if (existsSync(".env")) process.loadEnvFile(".env");

export default defineConfig({
  experimental: { adapter: true },
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  engine: "js",
  adapter: () => cliAdapter(process.env),
});
