// What the runtime reads and writes for one update, through Prisma. One transaction per update.
import type { StackEntry } from "../../machines/chat.js";
import { open, seal } from "../crypto.js";
import { isLang, type ConsentText, type Lang } from "../../machines/effects.js";
import type { Role } from "../../machines/flow.js";
import { sqlOf, type Prisma, type Sql } from "../db/database.js";
import { Prisma as PrismaNS } from "../db/generated/client.js";
import type { ApiCall } from "../core/render.js";
import { GIVEN_UP } from "../core/documents.js";
import type { Logger } from "../logger.js";

export interface Loaded {
  stack: StackEntry[];
  /** The chat's stored stack as read (sealed JSON), or null when the chat has none: what a commit checks is unchanged. */
  seen?: string | null;
  language: Lang | null;
  hasConsent: boolean;
  /** The text of the consent in force (null without one). */
  consentText: ConsentText | null;
  roles: Role[];
  /** The organisations whose staff the user is (active roles). */
  staffOrgs: number[];
  /** The roles whose confidentiality terms the user accepted (admin only while in ADMIN_IDS). */
  termsAccepted: Role[];
  userExists: boolean;
  /**
   * The user's row as read, in one string (language, consent, found, roles with their terms): what a one-statement
   * commit checks is unchanged, with the stack, before it stores a decision made from them.
   */
  user?: string;
}

export interface Commit {
  updateId: number;
  chatId: number;
  userId: number;
  /** null: unchanged. */
  stack: StackEntry[] | null;
  language?: Lang;
  consent?: { version: string; text: ConsentText; at: Date };
  createUser: boolean;
  /** Calls known before the transaction; `produce` adds what the update's domain effects give. */
  outbox: ApiCall[];
}

/** An ordinary step stored (Store.commitSeen): its rows, and the chat's stack as now stored, for the next step's check. */
export interface Stored {
  rows: OutboxRow[];
  seen: string;
}

/** What the update does inside its transaction (its domain effects), giving more calls to send. */
export type Produce = (tx: PrismaNS.TransactionClient) => Promise<ApiCall[]>;

export interface OutboxRow extends ApiCall {
  id: bigint;
  chatId: number;
  /**
   * Until when (this process's clock, ms) the row is surely leased to this instance: the lease it was written
   * or taken with, raised by each renewal (Runtime.renewLeases). Past it another instance may have taken it.
   */
  leaseUntil: number;
}

/** What an update decides once its chat is locked and read: what to store, and its domain effects. */
export type Step = (tx: PrismaNS.TransactionClient, loaded: Loaded) => Decided | Promise<Decided>;
export type Decided = Omit<Commit, "updateId" | "chatId" | "userId"> & { produce?: Produce };

/** Thrown inside the transaction to roll it back when the update id was already handled. */
class DuplicateUpdate extends Error {}

/**
 * How long an outbox row stays with the instance that wrote it: another instance's start-up flush leaves
 * it alone meanwhile (longer than any send with its retries, 429s included).
 */
export const OUTBOX_LEASE_MS = 10 * 60_000;
/** How often a running instance renews its rows' leases (Store.renewLeases): four times within one lease. */
export const RENEW_LEASES_MS = OUTBOX_LEASE_MS / 4;
/**
 * How long before its lease runs out a row is no longer sent from memory (a minute): more than a statement may
 * take (30 s at most) plus what two instances' clocks may differ by. Renewed every 2.5 minutes, a row always has
 * at least 2.5 minutes left while its instance runs; only an instance held up for minutes (paused, or cut off
 * from the database) comes this close.
 */
export const LEASE_MARGIN_MS = OUTBOX_LEASE_MS / 10;

/** Tries after the first when a transaction could not start in time (P2028: every connection busy). */
export const START_RETRIES = 4;
const START_BACKOFF_MS = 250;

/**
 * Prisma's "Unable to start a transaction in the given time" (and a transaction that timed out before its
 * commit), or pg's pool giving up waiting for a free connection (its wait is DATABASE_CONNECT_TIMEOUT_MS):
 * either way nothing of the update was stored.
 */
const cannotStart = (e: unknown): boolean =>
  (e as { code?: unknown } | null)?.code === "P2028" ||
  /timeout exceeded when trying to connect/i.test(`${(e as { message?: unknown } | null)?.message as string} ${(e as { cause?: { message?: unknown } } | null)?.cause?.message as string}`);

/** Prisma keeps DateTime as UTC in "timestamp" columns; now() would be cast in the session's time zone. */
const NOW_UTC = PrismaNS.sql`(now() AT TIME ZONE 'UTC')`;

/**
 * The user's row in one string, as load reads it and a one-statement commit checks it (the roles each with "+"
 * when their terms were accepted, staff's with ":" and their organisation's id; admin comes from ADMIN_IDS alone).
 */
const userRow = (userId: bigint): PrismaNS.Sql => PrismaNS.sql`(
  SELECT concat_ws('|', coalesce(u."language"::text, '-'), CASE WHEN u."consentAt" IS NOT NULL AND u."consentWithdrawnAt" IS NULL THEN coalesce(u."consentText", 'applicant') ELSE 'false' END, (u."id" IS NOT NULL)::text,
    (SELECT coalesce(string_agg(r."role"::text || CASE WHEN r."role" = 'staff' AND r."organizationId" IS NOT NULL THEN ':' || r."organizationId"::text ELSE '' END
      || CASE WHEN r."termsAcceptedAt" IS NULL THEN '' ELSE '+' END, ',' ORDER BY r."role"::text, r."organizationId", r."id"), '') FROM "UserRole" r
      WHERE r."userId" = ${userId} AND r."revokedAt" IS NULL))
  FROM (SELECT 1) AS "one" LEFT JOIN "User" u ON u."id" = ${userId})`;

/** The user's columns an update changes (its language, its consent), each with its value in SQL. */
const userColumns = (c: Pick<Commit, "language" | "consent">): [string, PrismaNS.Sql][] => [
  ...(c.language ? [["language", PrismaNS.sql`${c.language}::"Language"`] as [string, PrismaNS.Sql]] : []),
  ...(c.consent
    ? ([
        ["consentVersion", PrismaNS.sql`${c.consent.version}`],
        ["consentText", PrismaNS.sql`${c.consent.text}`],
        ["consentAt", PrismaNS.sql`${c.consent.at.toISOString()}::timestamp`],
        ["consentWithdrawnAt", PrismaNS.sql`NULL::timestamp`],
      ] as [string, PrismaNS.Sql][])
    : []),
];
/** The SET list of the user's upsert: the changed columns and "updatedAt", from the row that was to be inserted. */
const userUpdates = (cols: [string, PrismaNS.Sql][]): string => [...cols.map(([k]) => `"${k}" = EXCLUDED."${k}"`), `"updatedAt" = EXCLUDED."updatedAt"`].join(", ");

/** A statement built with Prisma.sql, run on the driver: bigints as text and dates as ISO strings (UTC; the SQL casts them). */
const run = <T>(sql: Sql, q: PrismaNS.Sql): Promise<T[]> =>
  sql.query<T>(
    q.text,
    q.values.map((v) => (typeof v === "bigint" ? v.toString() : v instanceof Date ? v.toISOString() : v)),
  );

export class Store {
  /** The driver itself, for the statements every update runs outside a transaction (see Sql). */
  private readonly sql: Sql;

  constructor(
    private readonly prisma: Prisma,
    private readonly adminIds: readonly number[],
    /** Seals the chats' snapshots: a draft notice holds an IIN, a phone and a description. */
    private readonly dataKey: Buffer,
    /** This process among the instances sharing the database (INSTANCE_ID): its outbox rows are leased to it. */
    private readonly instance = "default",
    /** Where an unsent row set aside because it cannot be read is named (Store.take). */
    private readonly log?: Logger,
  ) {
    this.sql = sqlOf(prisma);
  }

  /**
   * Database work that first needs a connection; when none came in time (P2028, or the pool's own wait: every
   * connection busy for longer than the wait allows — the runtime's turns bound the updates, not the jobs, the
   * send gate or the documents that share the pool), nothing ran, and it is tried again after a back-off with
   * jitter: a queue of updates is slowed, never dropped.
   */
  private async started<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (!cannotStart(e) || attempt >= START_RETRIES) throw e;
        await new Promise((r) => setTimeout(r, START_BACKOFF_MS * 2 ** attempt * (0.5 + Math.random())));
      }
    }
  }

  /** One transaction, tried again when it cannot start in time (see `started`). */
  private transaction<T>(fn: (tx: PrismaNS.TransactionClient) => Promise<T>): Promise<T> {
    return this.started(() => this.prisma.$transaction(fn));
  }

  /**
   * The update's first writes: its id (ON CONFLICT DO NOTHING — only that conflict means "already
   * handled"), then the chat's lock, held to the end of the transaction, so that the chat's updates run
   * one at a time across instances too, each reading what the one before it wrote. (The key is the chat
   * id in the one-bigint space of advisory locks; the data key's canary uses the two-int space; the case
   * numbers' sequences are made at start under `hashtext('kelisim.caseSequence')` and the migrator's lock
   * under its own key, both in this space — a chat id equal to either would only delay a start.)
   */
  private async begin(tx: PrismaNS.TransactionClient, updateId: number, chatId: number): Promise<void> {
    // One round trip for both. The lock must come in a statement before the reads: a statement reads
    // from the snapshot taken when it began, so a lock taken within the read itself would come too late.
    const [row] = await tx.$queryRaw<{ fresh: boolean }[]>`
      WITH "ins" AS (INSERT INTO "ProcessedUpdate" ("updateId") VALUES (${BigInt(updateId)}) ON CONFLICT DO NOTHING RETURNING 1)
      SELECT EXISTS (SELECT 1 FROM "ins") AS "fresh", (SELECT 1 FROM (SELECT pg_advisory_xact_lock(${BigInt(chatId)}::bigint)) AS "l") AS "locked"`;
    if (!row?.fresh) throw new DuplicateUpdate();
  }

  /** The update's other writes: the user's changes, the stack, the outbox. */
  private async apply(tx: PrismaNS.TransactionClient, c: Commit, produce?: Produce): Promise<OutboxRow[]> {
    const cols = userColumns(c);
    if (c.createUser || cols.length > 0) {
      await tx.$executeRaw`
        INSERT INTO "User" ("id", ${PrismaNS.raw(cols.map(([k]) => `"${k}", `).join(""))}"updatedAt")
        VALUES (${BigInt(c.userId)}, ${PrismaNS.join([...cols.map(([, v]) => v), NOW_UTC])})
        ON CONFLICT ("id") DO UPDATE SET ${PrismaNS.raw(userUpdates(cols))}`;
    }
    if (c.stack) await this.saveStack(tx, c.chatId, c.stack);
    return this.enqueue(tx, [...c.outbox, ...(produce ? await produce(tx) : [])], c.chatId);
  }

  /**
   * One update, whole: in one transaction its id is stored and the chat locked, then the chat's stack and
   * the user's profile are read, `step` decides, and what it decided is stored. null: the update id was
   * already handled. Retried (from the start) when the transaction could not start in time.
   */
  async update(updateId: number, chatId: number, userId: number, step: Step): Promise<OutboxRow[] | null> {
    try {
      return await this.transaction(async (tx) => {
        await this.begin(tx, updateId, chatId);
        const loaded = await this.load(chatId, userId, tx);
        const { produce, ...c } = await step(tx, loaded);
        const rows = await this.apply(tx, { ...c, updateId, chatId, userId }, produce);
        // The chat's state is always written, re-sealed (its stored text changes even when the stack did not). An
        // ordinary step decided elsewhere from a read made before this transaction waits in its one statement for
        // this chat's lock, and that statement's snapshot is from before this commit: its user-row check would pass
        // on the row as it was, though this update may have changed it (language, consent, roles). Its check of
        // the stack sees the newest row, finds it changed, and the step goes the locked way.
        if (!this.stackSaved.has(tx)) await this.saveStack(tx, chatId, loaded.stack);
        return rows;
      });
    } catch (e) {
      if (e instanceof DuplicateUpdate) return null;
      throw e;
    }
  }

  private sealStack(stack: StackEntry[]): object {
    return { sealed: seal(this.dataKey, JSON.stringify(stack)) };
  }

  private sealPayload(payload: Record<string, unknown>): PrismaNS.InputJsonObject {
    return { sealed: seal(this.dataKey, JSON.stringify(payload)) };
  }

  private openPayload(raw: unknown): Record<string, unknown> {
    // A raw query may give jsonb as its text.
    const stored: unknown = typeof raw === "string" ? JSON.parse(raw) : raw;
    const sealed = (stored as { sealed?: unknown } | null)?.sealed;
    return typeof sealed === "string" ? (JSON.parse(open(this.dataKey, sealed)) as Record<string, unknown>) : (stored as Record<string, unknown>);
  }

  private openStack(stored: unknown): StackEntry[] {
    if (Array.isArray(stored)) return stored as StackEntry[];
    const sealed = (stored as { sealed?: unknown } | null)?.sealed;
    return typeof sealed === "string" ? (JSON.parse(open(this.dataKey, sealed)) as StackEntry[]) : [];
  }

  /**
   * The chat's stack and the user's profile, in one round trip (this runs for every update): inside the
   * update's transaction when `tx` is given, else straight on the driver.
   */
  async load(chatId: number, userId: number, tx?: Pick<PrismaNS.TransactionClient, "$queryRaw">): Promise<Loaded> {
    type Row = { stack: unknown; user: string };
    const q = PrismaNS.sql`SELECT (SELECT "stack" FROM "ChatState" WHERE "chatId" = ${BigInt(chatId)}) AS "stack", ${userRow(BigInt(userId))} AS "user"`;
    // Outside a transaction, on the pool: an ordinary step's read, which waits for a connection like a transaction.
    const [row] = tx ? await tx.$queryRaw<Row[]>(q) : await this.started(() => run<Row>(this.sql, q));
    // Language | consent | found | roles (userRow). Admin comes from ADMIN_IDS alone: an admin's stored row only
    // records the terms they accepted. Each active role, with "+" when its terms were accepted.
    const [language, consent, found, roleList = ""] = row!.user.split("|");
    const rows = roleList.split(",").filter(Boolean);
    const roleOf = (r: string) => r.replace("+", "").split(":")[0] as Role;
    const roles = new Set<Role>(rows.map(roleOf).filter((r) => r !== "admin"));
    const staffOrgs = [...new Set(rows.filter((r) => roleOf(r) === "staff" && r.includes(":")).map((r) => Number(r.replace("+", "").split(":")[1])))];
    const admin = this.adminIds.includes(userId);
    if (admin) roles.add("admin");
    const terms = rows.filter((r) => r.endsWith("+")).map(roleOf).filter((r) => r !== "admin" || admin);
    return {
      stack: this.openStack(row!.stack),
      seen: row!.stack === null ? null : typeof row!.stack === "string" ? row!.stack : JSON.stringify(row!.stack),
      language: isLang(language) ? language : null,
      // The text of the consent in force, or "false" without one.
      hasConsent: consent !== "false",
      consentText: consent === "relative" ? "relative" : consent === "false" ? null : "applicant",
      roles: [...roles],
      staffOrgs,
      termsAccepted: [...new Set(terms)],
      userExists: found === "true",
      user: row!.user,
    };
  }

  /**
   * Stores the outcome of one update; null when this update id was already handled. The update id is
   * inserted first with ON CONFLICT DO NOTHING: only that conflict means "already handled" — any other
   * error (a case that could not be stored) fails the whole update and is not mistaken for a duplicate.
   * (Catching unique violations would not do anyway: pglite-prisma-adapter 0.6 reports them as
   * { kind: "postgres", code: "23505" }, not as Prisma's P2002.)
   */
  async commit(c: Commit, produce?: Produce): Promise<OutboxRow[] | null> {
    try {
      return await this.transaction(async (tx) => {
        await this.begin(tx, c.updateId, c.chatId);
        return this.apply(tx, c, produce);
      });
    } catch (e) {
      if (e instanceof DuplicateUpdate) return null;
      throw e;
    }
  }

  /**
   * An ordinary step's whole write, in one statement and one round trip, without an interactive
   * transaction: the update id, the chat's new stack — only if the stack is still the one `loaded`
   * read (`seen`), checked under the chat's lock, so a step never overwrites what another update of the chat
   * (another instance's, or a locked transaction's) wrote meanwhile — the user's changes, and the outbox rows.
   * null: the update id was already handled. "conflict": the chat changed since it was read; nothing was
   * stored (the statement failed as a whole), and the caller handles the update again the locked way.
   * With `user` (Loaded.user), the user's row is checked unchanged too: a decision made from a language, a
   * consent or roles read earlier — a cached read, even — is never stored once they changed.
   * For steps without domain effects: their decision needs nothing read inside a transaction.
   */
  async commitSeen(c: Commit & { stack: StackEntry[]; seen: string | null; user?: string | undefined }): Promise<Stored | null | "conflict"> {
    const chat = BigInt(c.chatId);
    const now = NOW_UTC;
    const sealed = JSON.stringify(this.sealStack(c.stack));
    const userSame = c.user === undefined ? PrismaNS.empty : PrismaNS.sql` AND ${userRow(BigInt(c.userId))} = ${c.user}::text`;
    const state =
      c.seen === null
        ? PrismaNS.sql`INSERT INTO "ChatState" ("chatId", "stack", "updatedAt") SELECT ${chat}, ${sealed}::jsonb, ${now} FROM "lock" WHERE true${userSame} ON CONFLICT DO NOTHING RETURNING 1`
        : PrismaNS.sql`UPDATE "ChatState" SET "stack" = ${sealed}::jsonb, "updatedAt" = ${now} WHERE "chatId" = ${chat} AND "stack" = ${c.seen}::jsonb AND EXISTS (SELECT 1 FROM "lock")${userSame} RETURNING 1`;
    const cols = userColumns(c);
    const user =
      c.createUser || cols.length
        ? PrismaNS.sql`, "usr" AS (
            INSERT INTO "User" ("id", ${PrismaNS.raw(cols.map(([k]) => `"${k}", `).join(""))}"updatedAt")
            SELECT ${BigInt(c.userId)}, ${PrismaNS.join([...cols.map(([, v]) => v), now])} FROM "state"
            ON CONFLICT ("id") DO UPDATE SET ${PrismaNS.raw(userUpdates(cols))}
            RETURNING 1)`
        : PrismaNS.empty;
    const until = new Date(Date.now() + OUTBOX_LEASE_MS);
    const leaseUntil = until.getTime();
    const out = c.outbox.length
      ? PrismaNS.sql`, "out" AS (
          INSERT INTO "Outbox" ("chatId", "method", "payload", "slot", "leasedBy", "leaseUntil")
          SELECT v."chatId", v."method", v."payload", NULL, ${this.instance}, ${until}::timestamp
          FROM (VALUES ${PrismaNS.join(
            c.outbox.map((o, i) => PrismaNS.sql`(${i}::int, ${BigInt(Number(o.payload.chat_id ?? c.chatId))}::bigint, ${o.method}::text, ${JSON.stringify(this.sealPayload(o.payload))}::jsonb)`),
          )}) AS v("n", "chatId", "method", "payload"), "state"
          ORDER BY v."n"
          RETURNING "id", "chatId")`
      : PrismaNS.sql`, "out" AS (SELECT NULL::bigint AS "id", NULL::bigint AS "chatId" WHERE false)`;
    try {
      // A statement that got no connection did not run: tried again, as a transaction is.
      const [row] = await this.started(() => run<{ fresh: boolean; ok: number; ids: string }>(
        this.sql,
        PrismaNS.sql`
        WITH "ins" AS (INSERT INTO "ProcessedUpdate" ("updateId") VALUES (${BigInt(c.updateId)}) ON CONFLICT DO NOTHING RETURNING 1),
        "lock" AS (SELECT pg_advisory_xact_lock(${chat}::bigint) AS "l" FROM "ins"),
        "state" AS (${state})${user}${out}
        SELECT EXISTS (SELECT 1 FROM "ins") AS "fresh",
               1 / (CASE WHEN EXISTS (SELECT 1 FROM "ins") AND NOT EXISTS (SELECT 1 FROM "state") THEN 0 ELSE 1 END) AS "ok",
               coalesce((SELECT string_agg("id"::text || ':' || "chatId"::text, ',' ORDER BY "id") FROM "out"), '') AS "ids"`,
        ),
      );
      if (!row?.fresh) return null;
      // Ids follow the order of the VALUES list (ORDER BY n): row i is call i.
      const rows = row.ids
        .split(",")
        .filter(Boolean)
        .map((pair, i) => {
          const [id, chatId] = pair.split(":");
          const call = c.outbox[i]!;
          return { id: BigInt(id!), chatId: Number(chatId), method: call.method, payload: call.payload, leaseUntil };
        });
      return { rows, seen: sealed };
    } catch (e) {
      // The division by zero above: the chat's stack changed since it was read (or a new chat was created meanwhile).
      if (/division by zero|\b22012\b/i.test(`${String((e as Error)?.message)} ${JSON.stringify((e as { meta?: unknown })?.meta ?? null)}`)) return "conflict";
      throw e;
    }
  }

  /** Stores a chat's stack of flows, sealed (a draft notice holds an IIN, a phone and a description). */
  async saveStack(tx: PrismaNS.TransactionClient, chatId: number, stack: StackEntry[]): Promise<void> {
    // Raw: Prisma's query API costs several times a raw statement's CPU (its query compiler), in every locked step.
    await tx.$executeRaw`
      INSERT INTO "ChatState" ("chatId", "stack", "updatedAt") VALUES (${BigInt(chatId)}, ${JSON.stringify(this.sealStack(stack))}::jsonb, ${NOW_UTC})
      ON CONFLICT ("chatId") DO UPDATE SET "stack" = EXCLUDED."stack", "updatedAt" = EXCLUDED."updatedAt"`;
    this.stackSaved.add(tx);
  }

  /** Transactions in which the chat's stack was written (see `update`). */
  private readonly stackSaved = new WeakSet<object>();

  /**
   * Writes calls to the outbox inside a transaction, each to the chat its payload names (else
   * `defaultChatId`). Payloads carry what users typed (the review shows the IIN and phone): sealed.
   */
  async enqueue(tx: PrismaNS.TransactionClient, calls: ApiCall[], defaultChatId: number): Promise<OutboxRow[]> {
    if (calls.length === 0) return [];
    // This instance sends them right after the commit: leased to it, so that another's start-up flush does not.
    const leaseUntil = Date.now() + OUTBOX_LEASE_MS;
    const until = new Date(leaseUntil).toISOString();
    const rows = await tx.$queryRaw<{ id: bigint; chatId: bigint }[]>`
      INSERT INTO "Outbox" ("chatId", "method", "payload", "slot", "leasedBy", "leaseUntil")
      SELECT v."chatId", v."method", v."payload", v."slot", ${this.instance}, ${until}::timestamp
      FROM (VALUES ${PrismaNS.join(
        calls.map(
          (o, i) =>
            PrismaNS.sql`(${i}::int, ${BigInt(Number(o.payload.chat_id ?? defaultChatId))}::bigint, ${o.method}::text, ${JSON.stringify(this.sealPayload(o.payload))}::jsonb, ${o.slot ?? null}::text)`,
        ),
      )}) AS v("n", "chatId", "method", "payload", "slot")
      ORDER BY v."n"
      RETURNING "id", "chatId"`;
    // Ids follow the order of the VALUES list (ORDER BY n); sort so that row i is call i whatever order RETURNING uses.
    rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    return rows.map((r, i) => ({
      id: BigInt(r.id),
      chatId: Number(r.chatId),
      method: calls[i]!.method,
      payload: calls[i]!.payload,
      leaseUntil,
      ...(calls[i]!.slot ? { slot: calls[i]!.slot } : {}),
    }));
  }

  /**
   * Gives each chat that jobs' messages go to a ChatSender row, if it has none, in the jobs' transaction: by the
   * time any instance books a slot for one of them (pace.ts, SharedGate), the row is there for the booking to
   * lock. Without it, two instances booking a chat's first message at once both found nothing to lock, both
   * took a slot, and the second was not told the first had just sent there (its burst on top: a 429). The row
   * names no instance, and its last message a day ago: it holds the chat for nobody (pruned with the others).
   */
  async prepareSenders(tx: PrismaNS.TransactionClient, chatIds: number[]): Promise<void> {
    // In one order, so that two instances' job transactions never wait for each other's rows in a circle.
    const chats = [...new Set(chatIds)].sort((a, b) => a - b).map(String);
    if (chats.length === 0) return;
    await tx.$executeRaw`
      INSERT INTO "ChatSender" ("chatId", "instance", "lastAt")
      SELECT "c", '', now() - interval '1 day' FROM unnest(${chats}::bigint[]) AS "c"
      ON CONFLICT ("chatId") DO NOTHING`;
  }

  /**
   * The Telegram message id to edit for a chat's next message of this slot: its last one's, once sent. null when
   * there is none, or the last is still on its way (another instance's: the next is then stored as a message of
   * the slot, and resolved when sent — Runtime.sendOne, slotBefore — behind it, never ahead of it).
   */
  async slotMessage(tx: PrismaNS.TransactionClient, chatId: number, slot: string): Promise<number | null> {
    const [row] = await tx.$queryRaw<{ messageId: number | null; sent: boolean }[]>`
      SELECT "messageId", ("sentAt" IS NOT NULL) AS "sent" FROM "Outbox" WHERE "chatId" = ${BigInt(chatId)} AND "slot" = ${slot} ORDER BY "id" DESC LIMIT 1`;
    return row?.sent ? row.messageId : null;
  }

  /**
   * Whether this update is stored: asked when its commit failed with no answer (the connection dropped while
   * COMMIT was on its way — it may have committed). Its messages are then in the outbox, leased to this instance.
   */
  async wasStored(updateId: number): Promise<boolean> {
    return (await run<{ x: number }>(this.sql, PrismaNS.sql`SELECT 1 AS "x" FROM "ProcessedUpdate" WHERE "updateId" = ${BigInt(updateId)}`)).length > 0;
  }

  /**
   * The chats with messages leased to this instance, unsent, stored more than `olderThanMs` ago: after a commit
   * whose answer was lost (its rows were stored, nobody queued them), left behind — the running instance's loop
   * takes them up (Runtime.runJobs), for chats it is not sending to already.
   */
  async ownLeftBehind(olderThanMs: number): Promise<number[]> {
    const rows = await run<{ chatId: string }>(
      this.sql,
      PrismaNS.sql`SELECT DISTINCT "chatId"::text AS "chatId" FROM "Outbox" WHERE "sentAt" IS NULL AND "leasedBy" = ${this.instance} AND "createdAt" < now() - make_interval(secs => ${olderThanMs / 1000}::float8)`,
    );
    return rows.map((r) => Number(r.chatId));
  }

  /** Whether the database answers now (a failure elsewhere is then not the database's). */
  async reachable(): Promise<boolean> {
    return run(this.sql, PrismaNS.sql`SELECT 1`).then(
      () => true,
      () => false,
    );
  }

  /** Keeps the message id a slot's message got, for the messages that will edit it (straight on the driver: the sender's). */
  /**
   * A document's row given up (its making failed PREPARE_TRIES times) becomes, in place, the message saying so
   * (sealed as any payload), marked so that its button may ask for the document once again (features/documents).
   */
  async giveUp(id: bigint, method: string, payload: Record<string, unknown>): Promise<boolean> {
    const stored = { ...this.sealPayload(payload), [GIVEN_UP]: true };
    // Only a row still unsent and this instance's: one another instance took (after a pause past the lease) may
    // have been sent by it meanwhile; false then, and this instance leaves it alone.
    const rows = await run<{ id: string }>(
      this.sql,
      PrismaNS.sql`UPDATE "Outbox" SET "method" = ${method}, "payload" = ${JSON.stringify(stored)}::jsonb
        WHERE "id" = ${id}::bigint AND "sentAt" IS NULL AND ("leasedBy" IS NULL OR "leasedBy" = ${this.instance}) RETURNING "id"`,
    );
    return rows.length === 1;
  }

  /**
   * The slot's message stored before this one in its chat, as it stands now: its message id to edit; "unsent"
   * while it is still on its way (another instance's — an album's photos handled side by side); null when there
   * is none, or it was sent without an id kept (this one goes as a new message then).
   */
  async slotBefore(row: { id: bigint; chatId: number; slot: string }): Promise<number | "unsent" | null> {
    const [before] = await run<{ messageId: number | null; sent: boolean }>(
      this.sql,
      PrismaNS.sql`SELECT "messageId", ("sentAt" IS NOT NULL) AS "sent" FROM "Outbox" WHERE "chatId" = ${BigInt(row.chatId)} AND "slot" = ${row.slot} AND "id" < ${row.id}::bigint ORDER BY "id" DESC LIMIT 1`,
    );
    if (!before) return null;
    return before.sent ? before.messageId : "unsent";
  }

  async rememberMessage(id: bigint, messageId: number): Promise<void> {
    await run(this.sql, PrismaNS.sql`UPDATE "Outbox" SET "messageId" = ${messageId}::int WHERE "id" = ${id}::bigint`);
  }

  /** Marks waiting for the statement in flight to finish, each with whoever waits for it. */
  private marks: { ids: bigint[]; settle: (err?: Error) => void }[] = [];
  private marking = false;

  /**
   * Marks rows sent, at this process's clock; resolves once they are stored (rejects when they could not be).
   * Straight on the driver, and grouped: while one mark is being stored, the marks that arrive meanwhile (other
   * chats' sends) wait and go together in the next statement — one round trip for all of them, none sooner
   * reported stored than it is.
   */
  markSent(ids: bigint[]): Promise<void> {
    if (ids.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.marks.push({ ids: [...ids], settle: (err) => (err === undefined ? resolve() : reject(err)) });
      if (!this.marking) void this.writeMarks();
    });
  }

  private async writeMarks(): Promise<void> {
    this.marking = true;
    while (this.marks.length) {
      const batch = this.marks;
      this.marks = [];
      const ids = batch.flatMap((m) => m.ids.map(String));
      let err: Error | undefined;
      try {
        await run(this.sql, PrismaNS.sql`UPDATE "Outbox" SET "sentAt" = ${new Date()}::timestamp WHERE "id" = ANY(${ids}::bigint[])`);
      } catch (e) {
        err = e instanceof Error ? e : new Error(String(e));
      }
      for (const m of batch) m.settle(err);
    }
    this.marking = false;
  }

  /**
   * Messages decided but not sent (a crash or a network failure after commit), oldest first — those this
   * instance may send: unleased, leased to it, or whose lease ran out. They are leased to it as they are
   * taken, so two instances flushing at once, or a flush and a live sender, never take the same row.
   *
   * At start (every chat) a row another statement has locked is skipped (SKIP LOCKED): another instance is
   * taking or marking it, and two instances flushing do not wait for each other. One chat's re-read (its kept
   * rows, before its newer ones) waits for such a lock instead, and then sees the row as it is now: skipped,
   * a row this instance's own lease renewal was renewing at that moment stayed behind in the outbox, leased
   * to it and renewed ever after, while the chat's newer messages went out — unsent until a restart.
   */
  async pending(chatId?: number): Promise<OutboxRow[]> {
    return this.take(chatId, (now) => PrismaNS.sql`("leasedBy" IS NULL OR "leasedBy" = ${this.instance} OR "leaseUntil" < ${now})`);
  }

  /**
   * Rows of other instances whose lease ran out — an instance gone for good (a replaced container has another
   * INSTANCE_ID), its renewals stopped — and rows leased to none, taken by a running instance (SKIP LOCKED), so
   * that they do not wait for some instance's next start. A live instance renews its rows long before their
   * lease ends; one held up past it re-reads its rows before sending them (LEASE_MARGIN_MS) and finds them taken.
   */
  async orphans(): Promise<OutboxRow[]> {
    return this.take(undefined, (now) => PrismaNS.sql`("leasedBy" IS NULL OR ("leasedBy" <> ${this.instance} AND "leaseUntil" < ${now}))`);
  }

  /** Unsent rows that `which` allows, of one chat or of all (then SKIP LOCKED), leased to this instance as they are taken. */
  private async take(chatId: number | undefined, which: (now: Date) => PrismaNS.Sql): Promise<OutboxRow[]> {
    const now = new Date();
    const until = new Date(now.getTime() + OUTBOX_LEASE_MS);
    const rows = await this.prisma.$queryRaw<{ id: bigint; chatId: bigint; method: string; payload: unknown; slot: string | null }[]>`
      UPDATE "Outbox" SET "leasedBy" = ${this.instance}, "leaseUntil" = ${until}
      WHERE "id" IN (
        SELECT "id" FROM "Outbox"
        WHERE "sentAt" IS NULL AND ${which(now)}
          ${chatId === undefined ? PrismaNS.empty : PrismaNS.sql`AND "chatId" = ${BigInt(chatId)}`}
        ORDER BY "id" FOR UPDATE${chatId === undefined ? PrismaNS.sql` SKIP LOCKED` : PrismaNS.empty})
      RETURNING "id", "chatId", "method", "payload", "slot"`;
    rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    // A row no key opens (damaged, or sealed with a key no longer this deployment's) cannot be sent: set aside —
    // marked as done, its id and chat named in the log — so that it neither stops the start nor holds back every
    // other chat's messages taken with it, and is not taken again at each run.
    const out: OutboxRow[] = [];
    const unreadable: bigint[] = [];
    for (const r of rows) {
      let payload: Record<string, unknown>;
      try {
        payload = this.openPayload(r.payload);
      } catch (err) {
        unreadable.push(r.id);
        this.log?.error({ err, row: String(r.id), chatId: Number(r.chatId), method: r.method }, "an unsent message cannot be read; set aside, not sent");
        continue;
      }
      out.push({ id: r.id, chatId: Number(r.chatId), method: r.method, payload, leaseUntil: until.getTime(), ...(r.slot ? { slot: r.slot } : {}) });
    }
    if (unreadable.length) await this.prisma.outbox.updateMany({ where: { id: { in: unreadable } }, data: { sentAt: new Date() } });
    return out;
  }

  /**
   * Renews the lease of every unsent row leased to this instance whose lease has less than half its time left:
   * rows waiting in its queues (a chat holds to one message a second, so a long queue waits for minutes) or kept
   * for its next try. While the instance lives, called every quarter of the lease, no row of its lease runs
   * out, and another instance's start-up flush never takes a row this one is about to send. When it stops,
   * the renewals stop with it and its rows go to whoever flushes once their lease has run out. The rows are
   * locked in order of id, as a chat's re-read locks its own: the two never wait for each other in a circle.
   * Gives how many rows were renewed.
   */
  async renewLeases(): Promise<number> {
    const now = Date.now();
    const rows = await run<{ n: number }>(
      this.sql,
      PrismaNS.sql`
      WITH "renewed" AS (
        UPDATE "Outbox" SET "leaseUntil" = ${new Date(now + OUTBOX_LEASE_MS)}::timestamp
        WHERE "id" IN (
          SELECT "id" FROM "Outbox"
          WHERE "sentAt" IS NULL AND "leasedBy" = ${this.instance} AND "leaseUntil" < ${new Date(now + OUTBOX_LEASE_MS / 2)}::timestamp
          ORDER BY "id" FOR UPDATE)
        RETURNING 1)
      SELECT count(*)::int AS "n" FROM "renewed"`,
    );
    return rows[0]?.n ?? 0;
  }

  /** Forgets processed update ids older than Telegram redelivers (a day). */
  async pruneProcessed(olderThan: Date): Promise<number> {
    return (await this.prisma.processedUpdate.deleteMany({ where: { processedAt: { lt: olderThan } } })).count;
  }

  /**
   * Deletes messages sent before `olderThan` (the outbox is a queue, not an archive), and which instance last sent
   * into a chat, once as old (pace.ts needs it for seconds).
   */
  async pruneSent(olderThan: Date): Promise<number> {
    await this.prisma.chatSender.deleteMany({ where: { lastAt: { lt: olderThan } } });
    return (await this.prisma.outbox.deleteMany({ where: { sentAt: { lt: olderThan } } })).count;
  }
}
