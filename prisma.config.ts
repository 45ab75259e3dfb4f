// Prisma CLI configuration: JavaScript engines through driver adapters (../shared/notes/stack.md).
// DATABASE_URL set → the PostgreSQL server it names; otherwise PGlite in DATA_DIR (default ./data).
import { defineConfig } from "prisma/config";
import { cliAdapter } from "./bot/db/adapters.js";

export default defineConfig({
  experimental: { adapter: true },
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  engine: "js",
  adapter: () => cliAdapter(process.env),
});
