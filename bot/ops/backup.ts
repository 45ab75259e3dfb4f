// Backups and restores of either database.
// - PGlite: a consistent copy of the data directory as PGlite's own tarball (dumpDataDir), taken after a
//   CHECKPOINT by the process that has the database open: the script itself when the bot is stopped, else
//   the running bot, asked through a request file and SIGUSR2 (PGlite cannot be opened by two processes).
// - PostgreSQL: pg_dump's custom format (a consistent snapshot while the bot runs), restored with pg_restore.
// The data key is never part of a backup: keep DATA_DIR/data.key (or DATA_KEY) apart, with the backups.
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { pgliteDir } from "../db/adapters.js";
import { runningBot } from "./running.js";

export class OpsError extends Error {
  override name = "OpsError";
}

/** Writes `data` to `file` through a temporary file, so that a backup file is never half-written. */
const writeAtomically = (file: string, data: Uint8Array): void => {
  mkdirSync(dirname(resolve(file)), { recursive: true });
  const tmp = `${file}.partial`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
};

/** A consistent tarball of an open PGlite: after a checkpoint, the files are read in one synchronous pass. */
export const dumpPglite = async (db: PGlite, file: string): Promise<void> => {
  await db.exec("CHECKPOINT");
  const blob = await db.dumpDataDir("gzip");
  writeAtomically(file, new Uint8Array(await blob.arrayBuffer()));
};

// --- asking the running bot --------------------------------------------------------------------------

export const backupRequestFile = (dataDir: string): string => join(dataDir, "backup.request");

/**
 * In the bot: on SIGUSR2, the backup named in DATA_DIR/backup.request is written by `dump`; a failure is
 * written beside the target as `<file>.error`. Returns a function that stops listening.
 */
export const serveBackupRequests = (dataDir: string, dump: (file: string) => Promise<void>, onDone: (file: string, err?: unknown) => void): (() => void) => {
  let queue: Promise<void> = Promise.resolve();
  const handler = () => {
    queue = queue.then(async () => {
      const request = backupRequestFile(dataDir);
      if (!existsSync(request)) return;
      const { file } = JSON.parse(readFileSync(request, "utf8")) as { file: string };
      rmSync(request, { force: true });
      try {
        await dump(file);
        onDone(file);
      } catch (err) {
        writeFileSync(`${file}.error`, err instanceof Error ? err.message : String(err));
        onDone(file, err);
      }
    });
  };
  process.on("SIGUSR2", handler);
  return () => void process.off("SIGUSR2", handler);
};

const until = async (what: () => boolean, ms: number): Promise<boolean> => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (what()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return what();
};

/** Backs up DATA_DIR's embedded database, through the running bot when there is one. Returns who wrote it. */
export const backupPglite = async (dataDir: string, file: string, waitMs = 300_000): Promise<"bot" | "script"> => {
  const target = resolve(file);
  if (!existsSync(join(pgliteDir(dataDir), "PG_VERSION"))) throw new OpsError(`no embedded database in ${resolve(dataDir)}`);
  const pid = runningBot(dataDir);
  if (pid !== null) {
    for (const f of [target, `${target}.error`]) rmSync(f, { force: true });
    writeFileSync(backupRequestFile(dataDir), JSON.stringify({ file: target }));
    process.kill(pid, "SIGUSR2");
    if (!(await until(() => existsSync(target) || existsSync(`${target}.error`), waitMs))) throw new OpsError(`the running bot (pid ${pid}) did not write the backup within ${waitMs / 1000} s`);
    if (existsSync(`${target}.error`)) {
      const message = readFileSync(`${target}.error`, "utf8");
      rmSync(`${target}.error`, { force: true });
      throw new OpsError(`the running bot (pid ${pid}) could not write the backup: ${message}`);
    }
    return "bot";
  }
  const db = await PGlite.create(pgliteDir(dataDir));
  try {
    await dumpPglite(db, target);
  } finally {
    await db.close();
  }
  return "script";
};

const isEmptyDir = (dir: string) => !existsSync(dir) || readdirSync(dir).length === 0;

const startsWith = (file: string, magic: Buffer): boolean => {
  const fd = openSync(file, "r");
  try {
    const head = Buffer.alloc(magic.length);
    return readSync(fd, head, 0, magic.length, 0) === magic.length && head.equals(magic);
  } finally {
    closeSync(fd);
  }
};
const GZIP = Buffer.from([0x1f, 0x8b]);
const PG_CUSTOM = Buffer.from("PGDMP");

/** Restores an embedded database's backup into DATA_DIR; refuses a DATA_DIR that holds one unless `force`. */
export const restorePglite = async (file: string, dataDir: string, force = false): Promise<void> => {
  if (!existsSync(file)) throw new OpsError(`${file} does not exist`);
  if (startsWith(file, PG_CUSTOM)) throw new OpsError(`${file} is a PostgreSQL backup (pg_dump): restore it with DATABASE_URL set`);
  if (!startsWith(file, GZIP)) throw new OpsError(`${file} is not a backup of the embedded database`);
  const dir = pgliteDir(dataDir);
  if (!isEmptyDir(dir)) {
    if (!force) throw new OpsError(`${dir} already holds a database: restore into an empty DATA_DIR, or add --force to replace it`);
    const pid = runningBot(dataDir);
    if (pid !== null) throw new OpsError(`the bot (pid ${pid}) has this database open: stop it first`);
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  const data = readFileSync(file);
  const db = await PGlite.create({ dataDir: dir, loadDataDir: new Blob([data], { type: "application/x-gzip" }) });
  // A query proves the restored files open as a database.
  await db.query("SELECT 1");
  await db.close();
};

// --- PostgreSQL ----------------------------------------------------------------------------------------

const run = (cmd: string, args: string[]): Promise<void> =>
  new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "inherit", "pipe"] });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.once("error", (e: NodeJS.ErrnoException) =>
      reject(new OpsError(e.code === "ENOENT" ? `${cmd} is not installed: install PostgreSQL's client tools (postgresql-client), the server's major version or newer` : e.message)),
    );
    child.once("exit", (code) => (code === 0 ? resolvePromise() : reject(new OpsError(`${cmd} failed (exit code ${code}): ${err.trim().replace(/\s*\n\s*/g, " ")}`))));
  });

/** pg_dump of the database (or of one schema), custom format, written through a temporary file. */
export const backupPostgres = async (url: string, file: string, schema?: string): Promise<void> => {
  const target = resolve(file);
  mkdirSync(dirname(target), { recursive: true });
  await run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", `--file=${target}.partial`, ...(schema ? [`--schema=${schema}`] : []), `--dbname=${url}`]);
  renameSync(`${target}.partial`, target);
};

/** The tables of a schema with at least one row (all tables when `withRows` is false). */
export const tablesIn = async (url: string, schema: string, withRows: boolean): Promise<string[]> => {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename`, [schema]);
    if (!withRows) return rows.map((r) => r.tablename);
    const out: string[] = [];
    for (const { tablename } of rows) {
      if (tablename === "_prisma_migrations") continue;
      const q = await c.query(`SELECT 1 FROM "${schema}"."${tablename.replace(/"/g, '""')}" LIMIT 1`);
      if (q.rowCount) out.push(tablename);
    }
    return out;
  } finally {
    await c.end();
  }
};

/** pg_restore into a database (or schema) without tables; `force` replaces what is there (--clean). */
export const restorePostgres = async (file: string, url: string, schema = "public", force = false): Promise<void> => {
  if (!existsSync(file)) throw new OpsError(`${file} does not exist`);
  if (!startsWith(file, PG_CUSTOM)) throw new OpsError(`${file} is not a PostgreSQL backup (pg_dump custom format)${startsWith(file, GZIP) ? ": it is the embedded database's; restore it without DATABASE_URL" : ""}`);
  const existing = await tablesIn(url, schema, false);
  if (existing.length && !force) throw new OpsError(`schema ${schema} already has tables (${existing.slice(0, 5).join(", ")}${existing.length > 5 ? ", …" : ""}): restore into an empty database, or add --force to replace them`);
  await run("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", ...(existing.length ? ["--clean", "--if-exists"] : []), `--dbname=${url}`, file]);
};
