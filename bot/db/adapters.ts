import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import pg from "pg";

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

/** The pg pool for a schema: every connection's search_path is that schema. */
export const openPgPool = (url: string, schema = "public"): NameAsTextPool =>
  new NameAsTextPool({ connectionString: url, options: `-c search_path="${schema.replace(/"/g, "")}"`, max: 10 });

export const pgAdapter = (pool: pg.Pool, schema = "public"): PrismaPg => new PrismaPg(pool, { schema });

/** The adapter the Prisma CLI uses (prisma.config.ts). */
export const cliAdapter = async (env: NodeJS.ProcessEnv) => {
  const url = env.DATABASE_URL;
  if (url) return pgAdapter(openPgPool(url, env.DATABASE_SCHEMA ?? "public"), env.DATABASE_SCHEMA ?? "public");
  return new PrismaPGlite(await openPglite(env.DATA_DIR ?? "./data"));
};
