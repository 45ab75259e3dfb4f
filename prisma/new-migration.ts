// npm run db:migration -- <name>
// Writes prisma/migrations/<timestamp>_<name>/migration.sql: the SQL from the committed migrations to
// prisma/schema.prisma. (`prisma migrate dev` cannot do this here: Prisma's wasm schema engine cannot
// replay multi-statement migrations into PGlite's shadow database.) How: apply the committed migrations to
// a scratch PGlite, introspect it with `prisma db pull`, and diff that against the schema.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../bot/db/database.js";
import { MIGRATIONS_DIR } from "../bot/db/migrate.js";

const name = process.argv[2] ?? "";
if (!/^[a-z0-9_]{1,60}$/.test(name)) {
  process.stderr.write("usage: npm run db:migration -- <name in a-z, 0-9 and _>\n");
  process.exit(2);
}

// The project's own Prisma CLI, started with this Node (what `npx prisma` finds, without npx's own start).
const PRISMA_CLI = createRequire(import.meta.url).resolve("prisma/build/index.js");
const prisma = (args: string[], env: NodeJS.ProcessEnv) => {
  const r = spawnSync(process.execPath, [PRISMA_CLI, ...args], { env: { ...process.env, ...env }, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`prisma ${args.join(" ")} failed:\n${r.stderr}`);
  return r.stdout;
};

const scratch = mkdtempSync(join(tmpdir(), "kelisim-migration-"));
try {
  const db = await openDatabase({ url: null, dataDir: scratch });
  await db.close();
  const pulled = prisma(["db", "pull", "--print"], { DATA_DIR: scratch, DATABASE_URL: "" });
  // The CLI prints a warning about the adapter before the schema: keep the schema only.
  const schema = pulled.slice(pulled.search(/^(generator|datasource) /m));
  writeFileSync(join(scratch, "previous.prisma"), schema);
  // The diff compares two files, but the CLI still opens the configured database: the scratch one, never the developer's
  // DATA_DIR (a bot may have it open) or DATABASE_URL.
  const sql = prisma(["migrate", "diff", "--from-schema-datamodel", join(scratch, "previous.prisma"), "--to-schema-datamodel", "prisma/schema.prisma", "--script"], {
    DATA_DIR: scratch,
    DATABASE_URL: "",
  });
  if (/^\s*-- This is an empty migration\.\s*$/.test(sql)) {
    process.stdout.write("no changes: prisma/schema.prisma matches the migrations\n");
  } else {
    const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
    const dir = join(MIGRATIONS_DIR, `${stamp}_${name}`);
    mkdirSync(dir);
    writeFileSync(join(dir, "migration.sql"), sql);
    process.stdout.write(`${join("prisma/migrations", `${stamp}_${name}`, "migration.sql")}\n`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
