// Moves the embedded database (DATA_DIR) into an empty PostgreSQL: both are first brought to the latest
// migration by the in-process migrator, then every table is copied in foreign-key order with its ids kept,
// in one PostgreSQL transaction, and each id sequence is set past the largest id copied. The embedded
// database is only read (once migrated, as npm start would). The sealed fields are copied as they are: the bot on PostgreSQL needs the same key.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import pg from "pg";
import { pgliteDir } from "../db/adapters.js";
import { openDatabase, type Database } from "../db/database.js";
import { OpsError, tablesIn } from "./backup.js";
import { runningBot } from "./running.js";

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
const PAGE = 500;

/** The tables of the current schema, each after the tables its foreign keys point to. */
const tablesInDependencyOrder = async (src: Database): Promise<string[]> => {
  const tables = (await src.prisma.$queryRawUnsafe<{ t: string }[]>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations' ORDER BY tablename`)).map((r) => r.t);
  const edges = await src.prisma.$queryRawUnsafe<{ child: string; parent: string }[]>(
    `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent FROM pg_constraint c
     JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname = current_schema()`,
  );
  const unquote = (s: string) => s.replace(/^"|"$/g, "").replace(/""/g, '"');
  const deps = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const e of edges) if (unquote(e.child) !== unquote(e.parent)) deps.get(unquote(e.child))?.add(unquote(e.parent));
  const order: string[] = [];
  const visit = (t: string, path: Set<string>) => {
    if (order.includes(t)) return;
    if (path.has(t)) throw new OpsError(`foreign keys form a cycle through ${t}`);
    path.add(t);
    for (const d of deps.get(t) ?? []) visit(d, path);
    path.delete(t);
    order.push(t);
  };
  for (const t of tables) visit(t, new Set());
  return order;
};

export interface MoveResult {
  /** Rows copied, per table, in the order copied. */
  copied: [table: string, rows: number][];
}

export const moveToPostgres = async (opts: { dataDir: string; url: string; schema?: string }): Promise<MoveResult> => {
  const schema = opts.schema ?? "public";
  if (!existsSync(join(pgliteDir(opts.dataDir), "PG_VERSION"))) throw new OpsError(`no embedded database in ${resolve(opts.dataDir)}`);
  const pid = runningBot(opts.dataDir);
  if (pid !== null) throw new OpsError(`the bot (pid ${pid}) has the embedded database open: stop it first`);
  const before = await tablesIn(opts.url, schema, false);
  if (before.length && !before.includes("_prisma_migrations")) throw new OpsError(`schema ${schema} of the PostgreSQL database holds tables that are not Kelisim's (${before.slice(0, 5).join(", ")}): use an empty database`);
  const filled = await tablesIn(opts.url, schema, true);
  if (filled.length) throw new OpsError(`the PostgreSQL database is not empty (rows in ${filled.slice(0, 5).join(", ")}${filled.length > 5 ? ", …" : ""}): moving needs an empty one`);

  const src = await openDatabase({ url: null, dataDir: opts.dataDir });
  let dst: Database | null = null;
  const client = new pg.Client({ connectionString: opts.url, options: `-c search_path=${q(schema)}` });
  try {
    dst = await openDatabase({ url: opts.url, dataDir: null, schema });
    await dst.close();
    dst = null;
    const order = await tablesInDependencyOrder(src);
    await client.connect();
    await client.query("BEGIN");
    // The rows come as they are: a trigger that records something when a row is written (a user's consent) does not.
    await client.query("SELECT set_config('kelisim.copying', 'on', true)");
    // Whoever else looks sees nothing until everything is there.
    await client.query(`LOCK TABLE ${order.map(q).join(", ")} IN ACCESS EXCLUSIVE MODE`);
    const copied: MoveResult["copied"] = [];
    for (const table of order) {
      const cols = (await client.query<{ c: string }>(`SELECT column_name AS c FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`, [schema, table])).rows.map((r) => q(r.c));
      let rows = 0;
      for (let offset = 0; ; offset += PAGE) {
        // JSON carries every type exactly (timestamps to the microsecond, bytea as hex, jsonb as it is).
        const page = await src.prisma.$queryRawUnsafe<{ j: string | null; n: number }[]>(
          `SELECT json_agg(t)::text AS j, count(*)::int AS n FROM (SELECT * FROM ${q(table)} ORDER BY ctid LIMIT ${PAGE} OFFSET ${offset}) t`,
        );
        const n = page[0]?.n ?? 0;
        if (!n) break;
        await client.query(`INSERT INTO ${q(table)} (${cols.join(", ")}) SELECT ${cols.join(", ")} FROM json_populate_recordset(NULL::${q(table)}, $1::json)`, [page[0]!.j]);
        rows += n;
        if (n < PAGE) break;
      }
      copied.push([table, rows]);
    }
    const sequences = await client.query<{ t: string; c: string; s: string }>(
      `SELECT table_name AS t, column_name AS c, pg_get_serial_sequence(quote_ident(table_schema) || '.' || quote_ident(table_name), column_name) AS s
       FROM information_schema.columns WHERE table_schema = $1 AND (column_default LIKE 'nextval%' OR is_identity = 'YES')`,
      [schema],
    );
    for (const { t, c, s } of sequences.rows) {
      if (s) await client.query(`SELECT setval($1, COALESCE((SELECT max(${q(c)}) FROM ${q(t)}), 0) + 1, false)`, [s]);
    }
    await client.query("COMMIT");
    return { copied };
  } catch (e) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw e;
  } finally {
    await client.end().catch(() => undefined);
    await dst?.close();
    await src.close();
  }
};
