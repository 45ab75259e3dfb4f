// Opens the store: PGlite in DATA_DIR (default) or the PostgreSQL server named by DATABASE_URL;
// applies migrations; returns a Prisma client on the matching driver adapter.
import { parse as pgliteParse, protocol, types as pgliteTypes, type PGlite, type QueryOptions, type Results, type Transaction } from "@electric-sql/pglite";
import type pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "./generated/client.js";
import { openPglite, openPgPool, pgAdapter } from "./adapters.js";
import type { DatabasePool, DatabaseTimeouts } from "../config.js";
import type { Logger } from "../logger.js";
import { applyMigrations, type RunInTransaction, type SqlSession } from "./migrate.js";

export type Prisma = PrismaClient;

/**
 * Plain SQL straight to the driver under Prisma — the same pg pool (its size, timeouts and search_path) or
 * the same PGlite — for the few statements every update runs (store.ts) and every send (pace.ts). Prisma's
 * client runs even a `$queryRaw` through its WebAssembly query compiler and its plan interpreter: on
 * PostgreSQL that was about a quarter of the CPU of an ordinary step. Parameters are positional ($1, $2…);
 * give strings, numbers, booleans, null or arrays of them (dates as ISO strings, cast in the SQL). Rows come
 * back as the driver parses them: booleans, numbers for int4/float8, text as strings, json(b) parsed.
 */
export interface Sql {
  query<T>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

/**
 * Statements a pool (or a PGlite) keeps prepared at most; past it, others run unnamed (parsed and planned each
 * time). PGlite's serve Prisma's statements too.
 */
const PREPARED = 500;

/**
 * PostgreSQL: each statement is a named prepared statement, one per distinct text (the hot path has a few dozen):
 * each connection parses and plans it once instead of for every update — measured here, about a third less of
 * PostgreSQL's own CPU per ordinary step (1.2 → 0.8 ms), on the same cores as the bot. A connection pooler
 * in front of PostgreSQL must then keep prepared statements (PgBouncer 1.21+ with max_prepared_statements, or
 * session pooling).
 */
const preparedSql = (pool: pg.Pool): Sql => {
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    if (name === undefined && names.size < PREPARED) {
      name = `kelisim_${names.size}`;
      names.set(text, name);
    }
    return name;
  };
  return {
    query: async <T>(text: string, params: readonly unknown[] = []) => {
      const name = nameOf(text);
      return (await pool.query({ text, values: params as unknown[], ...(name ? { name } : {}) })).rows as T[];
    },
  };
};

type Parser = (value: string, typeId: number) => unknown;
type ParserMap = Record<number | string, Parser | undefined>;
/** One message of PGlite's answer, as far as the result needs it. */
type Message = { name: string; fields?: unknown[]; text?: string };

/**
 * The first statement's result in PGlite's answer, as its `parse.parseResults(…)[0]` gives it — fields, rows
 * (objects, or arrays with `rowMode: "array"`), each value through the caller's parser for its type, else the
 * database's, else PGlite's default — without what that costs per call: it copies the database's table of
 * over 300 type parsers into a new object first, about 0.15 ms of CPU here, even for a result of no row (a
 * fifth of PGlite's part of an ordinary step).
 */
export const firstResult = <T>(messages: readonly Message[], parsers: ParserMap, options?: QueryOptions): Results<T> => {
  const own = options?.parsers as ParserMap | undefined;
  const value = (v: unknown, typeId: number): unknown => {
    if (v === null) return null;
    const parse = own?.[typeId] ?? parsers[typeId] ?? (pgliteTypes.parsers as ParserMap)[typeId];
    return parse ? parse(v as string, typeId) : v;
  };
  let fields: { name: string; dataTypeID: number }[] = [];
  const rows: unknown[] = [];
  for (const m of messages) {
    if (m.name === "rowDescription") fields = (m.fields as { name: string; dataTypeID: number }[]).map((f) => ({ name: f.name, dataTypeID: f.dataTypeID }));
    else if (m.name === "dataRow") {
      const values = m.fields!.map((v, i) => value(v, fields[i]!.dataTypeID));
      rows.push(options?.rowMode === "array" ? values : Object.fromEntries(values.map((v, i) => [fields[i]!.name, v])));
    } else if (m.name === "commandComplete") return { rows: rows as T[], fields, affectedRows: affected(m.text ?? "") };
  }
  return { rows: [], fields: [], affectedRows: 0 };
};
/** The rows a command says it touched ("INSERT 0 3", "UPDATE 2"), as PGlite counts them. */
const affected = (tag: string): number => {
  const words = tag.split(" ");
  switch (words[0]) {
    case "INSERT":
      return parseInt(words[2]!, 10);
    case "UPDATE":
    case "DELETE":
    case "COPY":
    case "MERGE":
      return parseInt(words[1]!, 10);
    default:
      return 0;
  }
};

/**
 * PGlite: the same, named prepared statements. Its `query()` parses and plans every statement and makes six
 * calls into the WebAssembly backend for it (parse, describe, bind, describe, execute, sync); a statement
 * prepared once is then bound, described, executed and synced in one call — measured here, a one-row upsert
 * 0.5–0.7 → 0.25 ms of CPU. Parameters are turned into text by PGlite's own serializers for the types its
 * backend described, rows parsed by its own parsers (and the caller's, as `query()` takes them): the results
 * are those of `query()`. Used by the hot path's `Sql` and by Prisma's adapter, in and out of transactions.
 */
class PglitePrepared {
  private readonly statements = new Map<string, { name: string; types: number[] }>();
  constructor(private readonly db: PGlite) {}

  /** Whether `text` is, or may become, a prepared statement (past PREPARED, others go through `query()`). */
  has(text: string): boolean {
    return this.statements.has(text) || this.statements.size < PREPARED;
  }

  /**
   * Runs a statement under PGlite's query lock. Outside a transaction the caller holds its transaction lock
   * (`outside`), as `query()` does; inside one, the transaction does.
   */
  run<T>(text: string, params: readonly unknown[], options?: QueryOptions, sync = true): Promise<Results<T>> {
    const { db } = this;
    const { serialize } = protocol;
    return db._runExclusiveQuery(async () => {
      let s = this.statements.get(text);
      if (!s) {
        const name = `kelisim_${this.statements.size}`;
        const described = await db.execProtocol(Buffer.concat([serialize.parse({ name, text }), serialize.describe({ type: "S", name }), serialize.sync()]), { syncToFs: false });
        s = { name, types: pgliteParse.parseDescribeStatementResults(described.messages) };
        this.statements.set(text, s);
      }
      const types = s.types;
      const values = params.map((v, i) => (v === null || v === undefined ? null : (db.serializers[types[i]!]?.(v) ?? (v as { toString(): string }).toString())));
      const { messages } = await db.execProtocol(Buffer.concat([serialize.bind({ statement: s.name, values }), serialize.describe({ type: "P" }), serialize.execute({}), serialize.sync()]), {
        syncToFs: sync,
      });
      return firstResult<T>(messages, db.parsers, options);
    });
  }

  /** Outside a transaction: waits for any transaction to end, as `query()` does. */
  async outside<T>(text: string, params: readonly unknown[], options?: QueryOptions): Promise<Results<T>> {
    if (!this.has(text)) return this.db.query<T>(text, params as unknown[], options);
    await this.db._checkReady();
    return this.db._runExclusiveTransaction(() => this.run<T>(text, params, options));
  }

  /**
   * What Prisma's PGlite adapter is given instead of the PGlite itself: the same, but its statements (the
   * domain code's: the organisation lookup, Submit, the jobs) prepared too, in transactions as well.
   */
  forPrisma(): PGlite {
    const db = this.db;
    const transaction = <T>(fn: (tx: Transaction) => Promise<T>) =>
      db.transaction((tx) =>
        fn({
          query: <R>(text: string, params: unknown[] = [], options?: QueryOptions) =>
            // Inside the transaction nothing is made durable until its COMMIT: no sync to the file system.
            this.has(text) && !tx.closed ? this.run<R>(text, params, options, false) : tx.query<R>(text, params, options),
          sql: (strings: TemplateStringsArray, ...params: unknown[]) => tx.sql(strings, ...params),
          exec: (text, options) => tx.exec(text, options),
          rollback: () => tx.rollback(),
          listen: (channel, callback) => tx.listen(channel, callback),
          get closed() {
            return tx.closed;
          },
        }),
      );
    const wrapper = {
      query: <T>(text: string, params: unknown[] = [], options?: QueryOptions) => this.outside<T>(text, params, options),
      exec: (text: string, options?: QueryOptions) => db.exec(text, options),
      transaction,
    };
    return wrapper as unknown as PGlite;
  }
}

/** Each client openDatabase made, with its driver's direct SQL. */
const direct = new WeakMap<object, Sql>();

/**
 * The direct SQL of a client openDatabase made; for any other (a test's stand-in) the same statements go
 * through Prisma's `$queryRawUnsafe`, which takes the same positional parameters.
 */
export const sqlOf = (prisma: Prisma): Sql =>
  direct.get(prisma) ?? { query: <T>(text: string, params: readonly unknown[] = []) => prisma.$queryRawUnsafe<T[]>(text, ...params) };

export interface Database {
  prisma: PrismaClient;
  kind: "pglite" | "postgres";
  /** The embedded database itself (backups dump it); null on PostgreSQL. */
  pglite: PGlite | null;
  /** Names of the migrations this open applied. */
  migrated: string[];
  /** The pool's size and transaction waits it was opened with (the runtime lets as many updates at the database at once). */
  pool: DatabasePool;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A postgresql:// URL; null → PGlite. */
  url: string | null;
  /** PGlite's data directory; null → in memory (tests). */
  dataDir: string | null;
  /** PostgreSQL schema (tests use one each); default public. */
  schema?: string;
  /** PostgreSQL: connect, statement and idle timeouts (DATABASE_*_TIMEOUT_MS). */
  timeouts?: DatabaseTimeouts;
  /** PostgreSQL: dead connections are told here (at warn); never fatal. */
  logger?: Logger;
  /** PostgreSQL: the connections' application_name (tests tell theirs apart). */
  applicationName?: string;
  /** The pool's size (PostgreSQL) and how long a transaction may wait to start and run (both stores). */
  pool?: Partial<DatabasePool>;
}

export const DEFAULT_DATABASE_POOL: DatabasePool = { size: 10, txMaxWaitMs: 30_000, txTimeoutMs: 30_000 };

/**
 * Prisma's defaults (2 s to start a transaction, 5 s to run it) turn a queue of updates into failures
 * (P2028): with 100 chats in flight on a pool of 10, 94 broke off. Waiting longer is back-pressure.
 */
const transactionOptions = (pool: DatabasePool) => ({ maxWait: pool.txMaxWaitMs, timeout: pool.txTimeoutMs });

const pgliteTransaction = (db: PGlite): RunInTransaction => (fn) =>
  db.transaction((tx) => {
    const s: SqlSession = {
      exec: async (sql) => void (await tx.exec(sql)),
      query: async <T>(sql: string, params?: unknown[]) => (await tx.query<T>(sql, params)).rows,
    };
    return fn(s);
  });

export const openDatabase = async (opts: DatabaseOptions): Promise<Database> => {
  const sizing = { ...DEFAULT_DATABASE_POOL, ...opts.pool };
  if (opts.url) {
    const schema = opts.schema ?? "public";
    const log = opts.logger;
    const onError = (err: Error) => log?.warn({ err: { message: err.message, code: (err as { code?: unknown }).code } }, "database connection lost; the pool opens another when needed");
    const pool = openPgPool(opts.url, schema, { onError, ...(opts.timeouts ? { timeouts: opts.timeouts } : {}), ...(opts.applicationName ? { applicationName: opts.applicationName } : {}), size: sizing.size });
    const inTransaction: RunInTransaction = async (fn) => {
      const client = await pool.connect();
      // Checked out, a client is no longer covered by the pool's listener.
      client.on("error", onError);
      try {
        // Instances starting together may both find no schema and both create it: the second's "already there"
        // (a unique violation in the catalogue) is what IF NOT EXISTS meant.
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, "")}"`).catch((e: unknown) => {
          const code = (e as { code?: unknown } | null)?.code;
          if (code !== "23505" && code !== "42P06") throw e;
        });
        await client.query("BEGIN");
        const out = await fn({
          exec: async (sql) => void (await client.query(sql)),
          query: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[],
        });
        await client.query("COMMIT");
        return out;
      } catch (e) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw e;
      } finally {
        client.removeListener("error", onError);
        client.release();
      }
    };
    let migrated: string[];
    try {
      migrated = await applyMigrations(inTransaction);
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw e;
    }
    const prisma = new PrismaClient({ adapter: pgAdapter(pool, schema, onError), transactionOptions: transactionOptions(sizing) });
    direct.set(prisma, preparedSql(pool));
    return {
      prisma,
      kind: "postgres",
      pglite: null,
      migrated,
      pool: sizing,
      close: async () => {
        await prisma.$disconnect();
        await pool.end();
      },
    };
  }
  const db = await openPglite(opts.dataDir);
  const migrated = await applyMigrations(pgliteTransaction(db));
  const prepared = new PglitePrepared(db);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(prepared.forPrisma()), transactionOptions: transactionOptions(sizing) });
  // Outside a transaction, as the adapter's own queries: PGlite runs them one at a time, between transactions.
  direct.set(prisma, { query: async <T>(text: string, params: readonly unknown[] = []) => (await prepared.outside<T>(text, params)).rows });
  return {
    prisma,
    kind: "pglite",
    pglite: db,
    migrated,
    pool: sizing,
    close: async () => {
      await prisma.$disconnect();
      await db.close();
    },
  };
};
