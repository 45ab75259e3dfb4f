import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import pg from "pg";
import type { DatabaseTimeouts } from "../config.js";

/** Where the embedded database lives inside DATA_DIR. */
export const pgliteDir = (dataDir: string): string => resolve(join(dataDir, "pglite"));

export const openPglite = async (dataDir: string | null): Promise<PGlite> => {
  if (dataDir === null) return PGlite.create();
  const dir = pgliteDir(dataDir);
  mkdirSync(dir, { recursive: true });
  return PGlite.create(dir);
};

const NAME_OID = 19;
const NAME_ARRAY_OID = 1003;
const TEXT_OID = 25;
const TEXT_ARRAY_OID = 1009;

type Fields = { dataTypeID: number }[] | undefined;
const relabel = <R>(result: R): R => {
  const fields = (result as { fields?: Fields } | undefined)?.fields;
  if (Array.isArray(fields)) {
    for (const f of fields) {
      if (f.dataTypeID === NAME_OID) f.dataTypeID = TEXT_OID;
      else if (f.dataTypeID === NAME_ARRAY_OID) f.dataTypeID = TEXT_ARRAY_OID;
    }
  }
  return result;
};

/**
 * A pg.Pool whose results report PostgreSQL's `name` type as `text`.
 * Prisma's wasm schema engine cannot decode `name` (prisma/orm#27403); queries are unaffected.
 */
export class NameAsTextPool extends pg.Pool {
  override async connect(): Promise<pg.PoolClient>;
  override connect(cb: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(cb?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): Promise<pg.PoolClient> | void {
    if (cb) {
      super.connect((err, client, done) => {
        if (client) wrapClient(client);
        cb(err, client, done);
      });
      return;
    }
    return super.connect().then(wrapClient);
  }
  // The pool's own query() checks out a client through connect(), which is wrapped above.
}

const wrapped = new WeakSet<object>();
const wrapClient = (client: pg.PoolClient): pg.PoolClient => {
  if (wrapped.has(client)) return client;
  wrapped.add(client);
  const original = client.query.bind(client) as (...args: unknown[]) => unknown;
  // pg's query() is heavily overloaded: replaced as a property, with the same arguments passed through.
  Reflect.set(client, "query", (...args: unknown[]) => {
    const last = args[args.length - 1];
    if (typeof last === "function") {
      const cb = last as (err: unknown, res: unknown) => void;
      return original(...args.slice(0, -1), (err: unknown, res: unknown) => cb(err, relabel(res)));
    }
    const out = original(...args);
    return out instanceof Promise ? out.then(relabel) : out;
  });
  return client;
};

export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = { connectMs: 5_000, statementMs: 30_000, idleMs: 30_000 };

export interface PoolOptions {
  timeouts?: DatabaseTimeouts;
  /** Told when a connection dies (a server restart, a failover, pg_terminate_backend). */
  onError?: (err: Error) => void;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
  /** Connections at most (DATABASE_POOL_SIZE); 10 when not given. */
  size?: number;
}

/**
 * The pg pool for a schema: every connection's search_path is that schema. It listens for 'error' from
 * the moment it exists — an idle connection that dies emits it, and with no listener Node would exit — and
 * waits for a connection, and for a statement, no longer than the timeouts.
 */
export const openPgPool = (url: string, schema = "public", opts: PoolOptions = {}): NameAsTextPool => {
  const t = opts.timeouts ?? DEFAULT_DATABASE_TIMEOUTS;
  const pool = new NameAsTextPool({
    connectionString: url,
    options: `-c search_path="${schema.replace(/"/g, "")}"`,
    max: opts.size ?? 10,
    connectionTimeoutMillis: t.connectMs,
    idleTimeoutMillis: t.idleMs,
    statement_timeout: t.statementMs,
    application_name: opts.applicationName ?? "kelisim",
  });
  const onError = opts.onError ?? (() => undefined);
  pool.on("error", (err) => onError(err));
  return pool;
};

export const pgAdapter = (pool: pg.Pool, schema = "public", onError?: (err: Error) => void): PrismaPg =>
  new PrismaPg(pool, { schema, ...(onError ? { onPoolError: onError, onConnectionError: onError } : {}) });

/**
 * The embedded database for the Prisma CLI, opened only when a command connects to it. `prisma -v` asks for the
 * adapter and only reads its name — and @prisma/client's postinstall runs `prisma -v` on a fresh `npm install`:
 * opened there, it made an empty database in ./data with no data.key beside it, which `npm start` then refused
 * (a database without its key). A pg.Pool is lazy already.
 */
class LazyPGlite extends PrismaPGlite {
  private opened: Promise<PGlite> | null = null;
  constructor(private readonly dataDir: string) {
    super(undefined as unknown as PGlite);
  }
  override async connect() {
    // Only `npm start` (or `npm run db:migrate`) makes the database, with its data key beside it.
    if (!existsSync(join(pgliteDir(this.dataDir), "PG_VERSION"))) {
      // The CLI shows an adapter's error as «External error id#0»: the reason is written out here.
      const why = `No database in ${resolve(this.dataDir)} (DATA_DIR): npm start or npm run db:migrate makes it.`;
      process.stderr.write(why + "\n");
      throw new Error(why);
    }
    this.opened ??= openPglite(this.dataDir);
    return new PrismaPGlite(await this.opened).connect();
  }
}

/** The adapter the Prisma CLI uses (prisma.config.ts). */
export const cliAdapter = (env: NodeJS.ProcessEnv): Promise<PrismaPg | PrismaPGlite> => {
  const url = env.DATABASE_URL;
  if (url) return Promise.resolve(pgAdapter(openPgPool(url, env.DATABASE_SCHEMA ?? "public"), env.DATABASE_SCHEMA ?? "public"));
  return Promise.resolve(new LazyPGlite(env.DATA_DIR ?? "./data"));
};

/** Errors of the network on the way to the server. */
const UNREACHABLE = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH"]);

/**
 * One line for the operator when PostgreSQL cannot be reached or refuses the connection — the server down,
 * an unknown host, no answer in time, a database or role that does not exist, a wrong password — naming the
 * server but never the password; null for any other error. pg's own errors carry no password either.
 */
export const databaseErrorLine = (e: unknown, url: string): string | null => {
  let where = "the PostgreSQL server";
  try {
    // The host and port as the driver takes them (from the URL, else PGHOST/PGPORT, else its defaults).
    const c = new pg.Client({ connectionString: url });
    where = `${c.host}:${c.port}`;
  } catch {
    // An unreadable URL is refused by the configuration before a connection is tried.
  }
  if (e instanceof pg.DatabaseError) return `Database error: ${e.message} (PostgreSQL at ${where})`;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === "string" && UNREACHABLE.has(code)) return `Database error: cannot connect to ${where} (${code})`;
  if (e instanceof Error && /timeout/i.test(e.message) && /connect/i.test(e.message))
    return `Database error: cannot connect to ${where} (no answer within DATABASE_CONNECT_TIMEOUT_MS)`;
  return null;
};
