// Telegram's rate limits, kept before every Bot API call that counts (a grammY API transformer, installed
// inside the retries so that a retried call waits its turn again). Telegram: "avoid sending more than one
// message per second" to one chat ("we may allow short bursts"), and "not more than 30 messages per second
// or so" in all. Each chat has a token bucket (a burst of a few, then one per interval), and its calls
// wait their turn one at a time, so a chat that must wait — or was told to by a 429 — holds back only
// itself. The global rate is one slot per 1/perSecond s: in this process (PGlite: one process), or in a
// row of PostgreSQL that every instance moves on atomically, so that N instances together stay within it.
import type { Transformer } from "grammy";
import { sqlOf, type Prisma, type Sql } from "../db/database.js";
import type { Logger } from "../logger.js";

export interface SendLimits {
  /** Calls a second, all chats and all instances together (evenly spaced: no burst). */
  perSecond: number;
  /** Per chat: `burst` messages at once, then one per `intervalMs`. */
  perChat: { burst: number; intervalMs: number };
  /** Per group (a chat with a negative id), in place of `perChat`; SEND_LIMITS' when not given. */
  perGroup?: { burst: number; intervalMs: number };
}

/**
 * A little under Telegram's figures, so that the calls' arrival times, which wander by some milliseconds
 * on the way, stay within them too. A group: Telegram's FAQ, "your bot will not be able to send more than
 * 20 messages per minute to the same group" — one at a time, one per 3.05 s (STAFF_CHAT_ID is one).
 */
const PER_GROUP: SendLimits["perChat"] = { burst: 1, intervalMs: 3050 };
export const SEND_LIMITS: SendLimits = { perSecond: 28.5, perChat: { burst: 3, intervalMs: 1050 }, perGroup: PER_GROUP };

/**
 * A chat Telegram told to wait (a 429's retry_after) for longer than this is not waited for in line: the call
 * is answered at once with the wait that is left, as Telegram would answer it, and the sender keeps the
 * message for a later try — which again meets the wait that is left, not Telegram. The retries wait at most
 * as long (retry.ts, RETRY.maxDelaySeconds).
 */
const HOLD_IN_LINE_MS = 60_000;
/** The Bot API error such a call is answered with: Telegram's 429, with the wait that is left. */
const HELD = { ok: false, error_code: 429 } as const;

/** Calls that are no messages (reading updates, answering a button): outside both limits. */
const EXEMPT = new Set(["getMe", "getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo", "answerCallbackQuery", "getFile", "close", "logOut"]);
/** Calls that put something into a chat: paced per chat too. */
const intoChat = (method: string) => (method.startsWith("send") && method !== "sendChatAction") || method === "copyMessage" || method === "forwardMessage";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * A call that leaves later than its slot by more than this (a busy event loop) takes a new slot instead:
 * late calls would otherwise leave bunched together, more of them in one second than the slots allow.
 */
const LATE_MS = 20;

/** The priority of an answer to an update someone is waiting for: before any job's message (Runtime.sendPriority). */
export const ANSWER_PRIORITY = 1_000_000;

/**
 * The global limit: `take()` resolves at this call's slot. Calls waiting for a slot go by `priority` (higher
 * first; equal ones in the order they came) — the runtime's: answers to updates first, then chats with more
 * messages queued (Runtime.sendPriority). `chat`: the chat a message goes into, if it is one.
 */
export interface RateGate {
  /** Resolves at the call's slot; true when another instance sent into `chat` lately (its burst is spent there). */
  take(priority?: number, chat?: string): Promise<boolean | void>;
}

/**
 * Who may hold a slot: at most `ahead` calls at once (booked, waiting for their moment); the others wait here
 * in order of priority, then of arrival.
 */
class Permits {
  private holders = 0;
  private seq = 0;
  private readonly waiting: { priority: number; seq: number; go: () => void }[] = [];
  constructor(private readonly ahead: number) {}

  acquire(priority: number): Promise<void> {
    if (this.holders < this.ahead) {
      this.holders++;
      return Promise.resolve();
    }
    return new Promise<void>((go) => {
      const w = { priority, seq: this.seq++, go };
      // Few wait at once (the chats sending): an ordered insert is enough.
      let i = this.waiting.length;
      while (i > 0 && this.waiting[i - 1]!.priority < priority) i--;
      this.waiting.splice(i, 0, w);
    });
  }

  /** The permit passes straight to the first waiting call, or is given back. */
  release(): void {
    const next = this.waiting.shift();
    if (next) next.go();
    else this.holders--;
  }
}

/**
 * How many calls of one instance may hold a slot they are waiting for (at 28.5 a second, 140 ms of slots): enough
 * to cover the shared row's round trip, few enough that a chat served first does not wait long behind them.
 */
const AHEAD = 4;

/** One process's slots. */
export class LocalGate implements RateGate {
  private next = 0;
  private readonly gap: number;
  private readonly permits = new Permits(AHEAD);
  constructor(perSecond: number) {
    this.gap = 1000 / perSecond;
  }
  async take(priority = 0): Promise<void> {
    await this.permits.acquire(priority);
    try {
      for (let tries = 0; ; tries++) {
        const now = performance.now();
        const slot = Math.max(this.next, now);
        this.next = slot + this.gap;
        if (slot > now) await sleep(slot - now);
        if (performance.now() - slot <= LATE_MS || tries >= 5) return;
      }
    } finally {
      this.permits.release();
    }
  }
}

/**
 * Slots shared by every instance on one PostgreSQL: one statement moves the row's next free slot on by one
 * gap and gives this call's slot, measured against the database's clock (instances' clocks may differ).
 * At most `ahead` calls of this instance hold a slot they are waiting for, so that a queue of sends never
 * books the next seconds away from another instance's replies. Should the database not answer, the call
 * falls back to this process's slots, which is at worst what every instance did before.
 */
export class SharedGate implements RateGate {
  private readonly gap: number;
  private readonly permits: Permits;
  private readonly local: LocalGate;
  /** The database's clock minus this process's (ms), as well as it is known. */
  private offset = -Infinity;
  private readonly sql: Sql;
  /**
   * How long a chat another instance sent a job's message into stays that instance's (a little over the chat's
   * interval: it keeps the chat while it goes on sending at the chat's pace), and how long after that instance's
   * last message this one must not burst there (the chat's bucket refills in `burst` intervals).
   */
  private readonly holdMs: number;
  private readonly refillMs: number;
  private readonly name: string;
  private readonly instance: string;
  constructor(
    prisma: Prisma,
    perSecond: number,
    private readonly log: Logger,
    /** This instance (INSTANCE_ID), the per-chat limit every instance keeps, the row's name, the slots held ahead. */
    opts: { instance?: string | undefined; perChat?: SendLimits["perChat"]; name?: string; ahead?: number } = {},
  ) {
    const perChat = opts.perChat ?? SEND_LIMITS.perChat;
    this.name = opts.name ?? "telegram";
    this.instance = opts.instance ?? "default";
    this.gap = 1000 / perSecond;
    this.permits = new Permits(opts.ahead ?? AHEAD);
    this.sql = sqlOf(prisma);
    this.local = new LocalGate(perSecond);
    this.holdMs = 1.25 * perChat.intervalMs;
    this.refillMs = perChat.burst * perChat.intervalMs;
  }

  /** A time of the database's clock (ms since the epoch) on this process's `performance` clock. */
  private onThisClock(dbMs: number): number {
    return dbMs - this.offset - performance.timeOrigin;
  }

  /**
   * A job's message (not an answer: `chat` and a priority below ANSWER_PRIORITY) takes its slot only while no
   * other instance sent a job's message into its chat within the last `holdMs` — else it gets no slot and waits
   * until then, holding no permit meanwhile — and says when another instance sent there within `refillMs`, so
   * that the chat's pacer does not burst on top of that instance's messages. Each instance paces a chat on its
   * own (ChatPacer); this keeps two of them from sending into one chat at once, which together broke the chat's
   * limit (a 429), and lets one instance's messages to a chat go out together while it keeps sending. Answers
   * are left out: someone is waiting for them.
   */
  async take(priority = 0, chat?: string): Promise<boolean> {
    const guarded = chat !== undefined && priority < ANSWER_PRIORITY && /^-?\d+$/.test(chat);
    let tookOver = false;
    for (;;) {
      await this.permits.acquire(priority);
      let freeAt: number | null = null;
      try {
        for (let tries = 0; ; tries++) {
          let slot: number;
          try {
            const row = await this.book(guarded ? chat : undefined);
            const received = performance.timeOrigin + performance.now();
            // The database's clock against this process's: the answer left no later than it was received, so
            // this underestimates the offset by at most a round trip, the same for every slot.
            this.offset = Math.max(this.offset, row.t - received);
            if (row.slot === null) {
              freeAt = this.onThisClock(row.freeAt ?? row.t);
              break;
            }
            slot = this.onThisClock(row.slot);
            tookOver ||= row.tookOver === true;
          } catch (err) {
            this.log.warn({ err }, "shared send rate unavailable; this instance keeps its own");
            await this.local.take();
            return false;
          }
          const wait = slot - performance.now();
          if (wait > 0) await sleep(wait);
          if (performance.now() - slot <= LATE_MS || tries >= 5) return tookOver;
        }
      } finally {
        this.permits.release();
      }
      // Another instance's chat for now: back in line once it is free (not sooner than 50 ms: the two clocks are
      // known to within a round trip).
      await sleep(Math.max(50, freeAt - performance.now() + 1));
    }
  }

  /**
   * One statement, straight on the driver (see Sql): the next global slot; with `chat`, only while no other
   * instance has the chat (then `slot` is null and `freeAt` says when it will be free), recording this
   * instance's slot as the chat's last. The chat's row is locked first, so two instances booking for one chat
   * at once take turns.
   */
  private async book(chat?: string): Promise<{ t: number; slot: number | null; freeAt: number | null; tookOver?: boolean | null }> {
    if (chat === undefined) {
      const [row] = await this.sql.query<{ t: number; slot: number }>(
        `WITH "c" AS (SELECT clock_timestamp() AS "t")
        INSERT INTO "SendRate" ("name", "nextAt") SELECT $1::text, "t" + $2::float8 * interval '1 millisecond' FROM "c"
        ON CONFLICT ("name") DO UPDATE SET "nextAt" = GREATEST("SendRate"."nextAt", (SELECT "t" FROM "c")) + $2::float8 * interval '1 millisecond'
        RETURNING (extract(epoch FROM (SELECT "t" FROM "c")) * 1000)::float8 AS "t", (extract(epoch FROM "nextAt") * 1000 - $2::float8)::float8 AS "slot"`,
        [this.name, this.gap],
      );
      return { t: row!.t, slot: row!.slot, freeAt: null };
    }
    const [row] = await this.sql.query<{ t: number; slot: number | null; freeAt: number | null; tookOver: boolean | null }>(
      `WITH "c" AS (SELECT clock_timestamp() AS "t"),
      "held" AS (SELECT "instance", "lastAt" FROM "ChatSender" WHERE "chatId" = $3::bigint FOR UPDATE),
      "other" AS (SELECT "lastAt" FROM "held" WHERE "instance" <> $4::text AND "lastAt" > (SELECT "t" FROM "c") - $5::float8 * interval '1 millisecond'),
      "g" AS (
        INSERT INTO "SendRate" ("name", "nextAt") SELECT $1::text, "t" + $2::float8 * interval '1 millisecond' FROM "c" WHERE NOT EXISTS (SELECT 1 FROM "other")
        ON CONFLICT ("name") DO UPDATE SET "nextAt" = GREATEST("SendRate"."nextAt", (SELECT "t" FROM "c")) + $2::float8 * interval '1 millisecond'
        RETURNING "nextAt" - $2::float8 * interval '1 millisecond' AS "slot"),
      "mine" AS (
        INSERT INTO "ChatSender" ("chatId", "instance", "lastAt") SELECT $3::bigint, $4::text, "slot" FROM "g"
        ON CONFLICT ("chatId") DO UPDATE SET "instance" = EXCLUDED."instance", "lastAt" = EXCLUDED."lastAt"
        RETURNING 1)
      SELECT (extract(epoch FROM (SELECT "t" FROM "c")) * 1000)::float8 AS "t",
             (SELECT (extract(epoch FROM "slot") * 1000)::float8 FROM "g") AS "slot",
             (SELECT (extract(epoch FROM "lastAt") * 1000 + $5::float8)::float8 FROM "other") AS "freeAt",
             EXISTS (SELECT 1 FROM "held" WHERE "instance" <> $4::text AND "lastAt" > (SELECT "t" FROM "c") - $6::float8 * interval '1 millisecond') AS "tookOver"`,
      [this.name, this.gap, chat, this.instance, this.holdMs, this.refillMs],
    );
    return row!;
  }
}

/**
 * Per chat: a token bucket on the times calls actually left, and one call at a time. A message no one is waiting
 * for (a job's, one left from before a restart: `spaced`) takes no burst — it leaves at least one interval after
 * the chat's last call, Telegram's "one message per second" kept to the letter; the burst is for answers.
 */
class ChatPacer {
  private readonly buckets = new Map<string, { tokens: number; at: number; last?: number }>();
  private readonly turns = new Map<string, Promise<void>>();
  /** Chats Telegram told to wait (a 429), until when (performance clock). */
  private readonly holds = new Map<string, number>();
  constructor(
    private readonly chatLimits: SendLimits["perChat"],
    private readonly groupLimits: SendLimits["perChat"],
  ) {}

  private limitsOf(chat: string): SendLimits["perChat"] {
    return chat.startsWith("-") ? this.groupLimits : this.chatLimits;
  }

  private refill(chat: string, now: number) {
    const limits = this.limitsOf(chat);
    let b = this.buckets.get(chat);
    if (!b) {
      if (this.buckets.size >= 10_000) this.forgetFull(now);
      b = { tokens: limits.burst, at: now };
      this.buckets.set(chat, b);
    }
    b.tokens = Math.min(limits.burst, b.tokens + (now - b.at) / limits.intervalMs);
    b.at = now;
    return b;
  }

  /** Chats whose bucket has filled up again are as good as new: forgotten (and holds that are over). */
  private forgetFull(now: number) {
    for (const [chat, b] of this.buckets) {
      const limits = this.limitsOf(chat);
      if (b.tokens + (now - b.at) / limits.intervalMs >= limits.burst) this.buckets.delete(chat);
    }
    for (const [chat, until] of this.holds) if (until <= now) this.holds.delete(chat);
  }

  /** Telegram told the chat to wait `ms` (a 429): no call goes into it before then. */
  hold(chat: string, ms: number): void {
    this.holds.set(chat, Math.max(this.holds.get(chat) ?? 0, performance.now() + ms));
  }

  /** How long the chat must still wait because of a 429 (ms; 0: not held). */
  heldFor(chat: string): number {
    const until = this.holds.get(chat);
    if (until === undefined) return 0;
    const left = until - performance.now();
    if (left <= 0) this.holds.delete(chat);
    return Math.max(0, left);
  }

  /**
   * Waits for the chat's token, then for `global`; the token is spent when the call leaves. When `global` says
   * another instance sent into the chat lately, the chat's burst is spent there: no more than this one token now.
   */
  async turn(chat: string, global: () => Promise<boolean | void>, spaced = false): Promise<void> {
    const before = this.turns.get(chat) ?? Promise.resolve();
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const mine = before.then(() => finished);
    this.turns.set(chat, mine);
    await before;
    try {
      const held = this.heldFor(chat);
      if (held > 0) await sleep(held);
      const interval = this.limitsOf(chat).intervalMs;
      const b = this.refill(chat, performance.now());
      let wait = b.tokens < 1 ? (1 - b.tokens) * interval : 0;
      if (spaced && b.last !== undefined) wait = Math.max(wait, b.last + interval - performance.now());
      if (wait > 0) await sleep(wait);
      const tookOver = await global();
      const now = performance.now();
      const bucket = this.refill(chat, now);
      if (tookOver === true) bucket.tokens = Math.min(bucket.tokens, 1);
      bucket.tokens -= 1;
      bucket.last = now;
    } finally {
      done();
      if (this.turns.get(chat) === mine) this.turns.delete(chat);
    }
  }
}

/**
 * The transformer: every call but the exempt ones takes a global slot; messages take their chat's turn first.
 * `priorityOf(chat)` gives a message's priority for its global slot.
 */
export const pacing = (limits: SendLimits, gate: RateGate, priorityOf: (chat: string) => number = () => 0): Transformer => {
  const chats = new ChatPacer(limits.perChat, limits.perGroup ?? PER_GROUP);
  return async (prev, method, payload, signal) => {
    if (EXEMPT.has(method)) return prev(method, payload, signal);
    const p = payload as { chat_id?: unknown; scope?: { chat_id?: unknown } } | undefined;
    // A chat's command menu names it in its scope: it goes with the chat's messages, at their priority.
    const chat = p?.chat_id ?? p?.scope?.chat_id;
    const key = typeof chat === "number" || typeof chat === "string" ? String(chat) : null;
    if (key !== null && intoChat(method)) {
      const held = chats.heldFor(key);
      if (held > HOLD_IN_LINE_MS) {
        return { ...HELD, parameters: { retry_after: Math.ceil(held / 1000) } } as never;
      }
    }
    // Asked when the call joins the line for a slot (after its chat's turn): the queue behind it as it is then.
    const take = () => gate.take(key !== null ? priorityOf(key) : 0, key !== null && intoChat(method) ? key : undefined);
    // Below an answer's priority: no one is waiting for it (a job's message, a start-up flush's).
    if (key !== null && intoChat(method)) await chats.turn(key, take, priorityOf(key) < ANSWER_PRIORITY);
    else await take();
    const res = await prev(method, payload, signal);
    // Telegram's wait holds for every later call into the chat, a message kept for a later try's included.
    const retryAfter = res.ok ? undefined : res.parameters?.retry_after;
    if (key !== null && !res.ok && res.error_code === 429 && typeof retryAfter === "number") chats.hold(key, retryAfter * 1000);
    return res;
  };
};
