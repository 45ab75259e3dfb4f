// The per-chat machine runtime: for each update, one transaction — store its id, lock the chat (across
// instances too), read the chat's stack of snapshots → decide (pure) → store the new stack, the user's
// changes and the messages to send — then send them → mark them sent. A redelivered update id fails that
// transaction's first insert, so nothing of it is stored or sent.
import { GrammyError, type Api } from "grammy";
import { act, type Registry } from "../../machines/actions.js";
import { localDate, localTime } from "../../machines/calendar.js";
import { decide, defaultFlows, INVITE_TOKEN, type Flows, type Input, type StackEntry } from "../../machines/chat.js";
import { CONSENT_TEXT_KEYS, isDomainEffect, isLang, type DomainEffect, type Effect, type Lang } from "../../machines/effects.js";
import type { FlowEvent, Profile, Role } from "../../machines/flow.js";
import { CASE_INVITE } from "../../machines/join.js";
import type { Deployment, Tx } from "../core/actor.js";
import { lockCaseOf } from "../core/case-lock.js";
import { GIVEN_UP_DOCUMENT, storedDocument, type DocumentBuilders, type DocumentName } from "../core/documents.js";
import { dispatch, say, type EffectHandlers, type StillTrue, type TruthCheck } from "../core/effects.js";
import { render, SEND_FILE, STILL_TRUE, type ApiCall, type Renderable } from "../core/render.js";
import type { Prisma } from "../db/database.js";
import { documentBuilders, effectHandlers, registry, startHooks, truthChecks } from "../features/index.js";
import { checkCaseInvite } from "../features/relatives/relatives.js";
import { consentWithdrawn, needsConsent } from "../features/mydata/mydata.js";
import { documentAgain } from "../features/documents/actions.js";
import { checkRoleInvite } from "../features/admin/admin.js";
import type { I18n } from "../i18n.js";
import type { Jobs } from "../jobs/jobs.js";
import type { Logger } from "../logger.js";
import type { Incoming } from "./input.js";
import { Gate } from "./gate.js";
import { ANSWER_PRIORITY } from "./pace.js";
import { LEASE_MARGIN_MS, OUTBOX_LEASE_MS, type Loaded, type OutboxRow, type Store } from "./store.js";

export interface RuntimeDeps {
  store: Store;
  prisma: Prisma;
  /** Durable jobs; their messages go out through this runtime's sender. */
  jobs?: Jobs;
  i18n: I18n;
  deployment: Deployment;
  flows?: Flows;
  now?: () => Date;
  /**
   * How many updates may do their database work at once (the pool's size): the others wait their turn in
   * memory, not in the pool's queue with its time limit. Default 10, the default pool.
   */
  concurrency?: number;
}

/** Errors after which sending again cannot help (the user blocked the bot, the chat is gone, bad request). */
const isPermanent = (e: unknown): boolean => e instanceof GrammyError && (e.error_code === 400 || e.error_code === 403);

/** The token of a relative's invite link in /start, if that is what arrived. */
const caseInviteOf = (input: Input): string | null =>
  input.kind === "command" && input.command === "start" ? (CASE_INVITE.exec(input.payload)?.[1] ?? null) : null;
/** The token of a staff or mediator invite link in /start, if that is what arrived. */
const roleInviteOf = (input: Input): string | null => (input.kind === "command" && input.command === "start" && INVITE_TOKEN.test(input.payload) ? input.payload : null);
/**
 * The invite whose questions are on top of the chat's stack (a relative's, staff's, a mediator's link), when the update
 * may answer them (anything but a command): its flow and token. An admin taking their own invite is named by its id, not a token.
 */
const heldInviteOf = (stack: readonly StackEntry[], input: Input): { flow: "join" | "roleJoin"; token: string } | null => {
  const top = stack[stack.length - 1];
  if (input.kind === "command" || (top?.flow !== "join" && top?.flow !== "roleJoin")) return null;
  const { token } = top.snapshot.context as { token?: string };
  return token ? { flow: top.flow, token } : null;
};

/**
 * Jobs' messages wait in memory only so far ahead of Telegram's pace: another batch is claimed while fewer
 * chats than this are sending (twice the chats that keep 30 messages a second going at one a second each)…
 */
const SENDING_CHATS = 64;
/** …and fewer rows than this wait in the queues (minutes of sending, well within the outbox's lease). */
const QUEUED_ROWS = 2_000;

/**
 * A row whose preparing failed this many times in a row (not Telegram's answer: a document's builder or a
 * message's StillTrue check threw, while the database answered) is given up, so that one broken row does not
 * hold back every later message of its chat.
 */
const PREPARE_TRIES = 5;

/** What `call` gives when the row's lease neared its end while its document was made: not sent, read again. */
const LEASE_LOST = Symbol("lease lost");

/** A document's builder or a message's StillTrue check threw: counted against PREPARE_TRIES. */
class PrepareError extends Error {
  override name = "PrepareError";
  constructor(
    message: string,
    options: { cause: unknown },
    /** The document that could not be made; absent for a message's check. */
    readonly document?: DocumentName,
  ) {
    super(message, options);
  }
}

/**
 * The number of the first question of a flow this update starts: the update's id spread over a million
 * (a multiplicative hash), so that two copies of a flow, started by updates however close, number their
 * questions far apart and a button of the one is stale in the other (machines/flow.ts Profile.promptBase).
 */
const promptBaseOf = (updateId: number): number => ((Math.imul(updateId, 2654435761) >>> 0) % 999_000) + 1;

/**
 * How old this instance's unsent messages must be before a jobs run takes them up as left behind (takeUpLeftBehind):
 * well past the moment between an update's commit and its messages' queueing.
 */
const LEFT_BEHIND_MS = 60_000;

/** A slot's message as an edit of the one before it (an album's one acknowledgement); only an inline keyboard can be edited with it. */
const asEdit = (call: ApiCall, messageId: number): ApiCall => {
  const { chat_id, text, reply_markup } = call.payload;
  const markup = typeof reply_markup === "object" && reply_markup !== null && "inline_keyboard" in reply_markup ? { reply_markup } : {};
  return { method: "editMessageText", payload: { chat_id, message_id: messageId, text, ...markup } };
};

/** What a commit whose answer was lost, but which did commit, gives instead of its rows (see storedAnyway). */
const STORED_ANYWAY = Symbol("stored anyway");

/** A row in a chat's queue, and who waits for it to leave (or to be kept for a later try). */
interface Queued {
  row: OutboxRow;
  done?: () => void;
  /** Part of the answer to an update someone is waiting for (not a job's, nor a start-up flush's). */
  answer?: boolean;
}

/** A chat's queue, and the row being sent. */
interface ChatQueue {
  rows: Queued[];
  done: Promise<void>;
  sending?: Queued | undefined;
}

/**
 * Chats whose last stored state this process keeps (Runtime.known), and for how long: a person answering
 * question after question is read once, not at every step. A chat not seen for this long is read again
 * (and a draft's personal data does not stay in memory for longer).
 */
const KNOWN_CHATS = 10_000;
const KNOWN_MS = 10 * 60_000;


/** How many times in one update a flow may ask the bot for data and get its answer. */
const MAX_REPLY_ROUNDS = 3;

/** The language the decision leaves the user in (null: unchanged). */
const languageSet = (effects: readonly Effect[]): Lang | null => effects.reduce<Lang | null>((l, e) => (e.type === "setLanguage" ? e.language : l), null);

export class Runtime {
  private readonly flows: Flows;
  private readonly now: () => Date;
  private readonly registry: Registry = registry;
  private readonly handlers: EffectHandlers = effectHandlers;
  private readonly documents: DocumentBuilders = documentBuilders;
  private readonly checks: Record<string, TruthCheck> = truthChecks;
  /** Chats whose last delivery failed: their older messages go first next time. */
  private readonly backlog = new Set<number>();
  /** Each chat with messages to send: its queue (rows with who waits for each), sent in order by one worker. */
  private readonly chats = new Map<number, ChatQueue>();
  /** Rows a failed delivery left in the outbox, for its chat's next re-read. */
  private readonly leftBehind = new Set<bigint>();
  /** Rows Telegram took whose mark could not be stored: marked at the chat's next re-read, not sent again. */
  private readonly unmarked = new Set<bigint>();
  /**
   * Rows a chat's re-read took from the outbox that were neither left behind nor queued: written by an update
   * or a job batch of this process that has not queued them yet. They are sent by the re-read, not again.
   */
  private readonly adopted = new Set<bigint>();
  /** Rows in all the queues. */
  private queued = 0;
  /** Stopping (`stopSending`): only answers to updates still go; the rest stays in the outbox. */
  private stopping = false;
  /** Documents whose builder failed, and how many times in a row. */
  private readonly buildFailures = new Map<bigint, number>();
  /**
   * Each chat's state as this process last stored it by an ordinary step, keyed by chat and user: the next
   * ordinary step of the chat decides from it without reading first. Only a hint — the step's one statement
   * stores nothing unless the chat's stack and the user's row are still exactly what it decided from (another
   * instance's update, a job, a role granted meanwhile), and the update is then handled the locked way, from
   * what is stored. Oldest first (a Map keeps insertion order).
   */
  private readonly known = new Map<string, { loaded: Loaded; at: number }>();
  /** Job runs waiting for the queues to have room for another batch. */
  private readonly roomWaiters: (() => void)[] = [];

  /**
   * Updates at the database at once (see RuntimeDeps.concurrency), in two lanes whose sizes add up to it: an
   * ordinary step (a read and one statement) in one, an update that needs a transaction (a domain effect:
   * Submit, say, a dozen round trips) in the other — so that a question step never waits for its turn behind
   * transactions. With room for one only, both lanes are the same.
   */
  private readonly steps: Gate;
  private readonly transactions: Gate;

  constructor(private readonly deps: RuntimeDeps) {
    const size = deps.concurrency ?? 10;
    this.transactions = new Gate(Math.ceil(size / 2));
    this.steps = size >= 2 ? new Gate(size - this.transactions.size) : this.transactions;
    this.flows = deps.flows ?? defaultFlows;
    this.now = deps.now ?? (() => new Date());
  }

  async handle(updateId: number, inc: Incoming, api: Api, log: Logger): Promise<void> {
    // The database part of the update waits its turn; sending the answer does not hold one. A turn in the steps'
    // lane is given back before one in the transactions' lane is waited for: never both at once.
    let leave = await this.steps.enter();
    const toTransactions = async () => {
      leave();
      leave = await this.transactions.enter();
    };
    try {
      await this.handleInTurn(updateId, inc, api, log, () => leave(), toTransactions);
    } finally {
      leave();
    }
  }

  private async handleInTurn(updateId: number, inc: Incoming, api: Api, log: Logger, leave: () => void, toTransactions: () => Promise<void>): Promise<void> {
    const { store, i18n } = this.deps;
    const now = this.now();
    const invite = caseInviteOf(inc.input);
    const roleInvite = roleInviteOf(inc.input);
    // A relative's or a staff invite link is looked up before deciding, so that a spent one is said at once.
    const invites = {
      ...(invite ? { caseInvite: await checkCaseInvite(this.deps.prisma, invite, now, inc.userId) } : {}),
      ...(roleInvite ? { roleInvite: await checkRoleInvite(this.deps.prisma, roleInvite, now, inc.userId) } : {}),
    };
    // A pressed keyboard is spent: take it off the message so it cannot be pressed again.
    const spent = inc.callback?.messageId
      ? [{ method: "editMessageReplyMarkup", payload: { chat_id: inc.chatId, message_id: inc.callback.messageId, reply_markup: { inline_keyboard: [] } } }]
      : [];
    // An invite's question answered: its link looked up as it stands now (someone else may have joined by it meanwhile),
    // so that a link no longer good is said at that answer, not after the last question. Looked up once, at the first read;
    // the stack read again under the lock is given it only while the same invite is on top.
    let held: { token: string; caseInvite?: Profile["caseInvite"]; roleInvite?: Profile["roleInvite"] } | null = null;
    const lookUpHeld = async (stack: readonly StackEntry[]) => {
      const open = heldInviteOf(stack, inc.input);
      if (!open) return;
      held =
        open.flow === "join"
          ? { token: open.token, caseInvite: await checkCaseInvite(this.deps.prisma, open.token, now, inc.userId) }
          : { token: open.token, roleInvite: await checkRoleInvite(this.deps.prisma, open.token, now, inc.userId) };
    };
    const heldFor = (stack: readonly StackEntry[]) => {
      const open = heldInviteOf(stack, inc.input);
      return held && open && open.token === held.token ? { heldInvite: held } : {};
    };
    const profileOf = (loaded: Loaded): Profile => ({
      userId: inc.userId,
      today: localDate(now, this.deps.deployment.timeZone),
      time: localTime(now, this.deps.deployment.timeZone),
      language: loaded.language,
      telegramLanguage: inc.telegramLanguage,
      hasConsent: loaded.hasConsent,
      consentText: loaded.consentText,
      roles: loaded.roles,
      staffOrgs: loaded.staffOrgs,
      termsAccepted: loaded.termsAccepted,
      promptBase: promptBaseOf(updateId),
      ...invites,
      ...heldFor(loaded.stack),
    });
    // The consent is recorded with the text the user was shown (law.md §7): the applicant's or a relative's, by its version.
    const consentOf = (effects: readonly Effect[]) => {
      const given = effects.find((e) => e.type === "recordConsent");
      return given ? { consent: { version: i18n.versionOf(CONSENT_TEXT_KEYS[given.text]), text: given.text, at: now } } : {};
    };
    /**
     * What follows the commit: the messages queued at once — a chat's messages leave in the order they were
     * stored, and a job's message for the chat stored just after them must not get ahead while the button is
     * being answered (its retries can take seconds) — and the button's answer meanwhile, which is no message.
     */
    const finish = async (rows: OutboxRow[] | null, language: Lang | null, toast: string | undefined, loadedLanguage: Lang | null, stack: StackEntry[]) => {
      leave();
      let sending: Promise<void> | null = null;
      if (rows === null) {
        // The insert of this update id is the guard: it holds across processes too.
        log.info("duplicate update skipped");
      } else {
        log.info({ input: inc.input.kind, flows: stack.map((e) => e.flow).join(">"), sends: rows.length }, "update handled");
        sending = this.deliver(rows, api, log);
      }
      if (inc.callback) {
        const lang: Lang = language ?? loadedLanguage ?? "kk";
        const text = rows && toast ? i18n.t(lang)(toast) : undefined;
        await api.answerCallbackQuery(inc.callback.id, text ? { text } : {}).catch((e: unknown) => log.warn({ err: e }, "answerCallbackQuery failed"));
      }
      await sending;
    };

    // An ordinary step — no domain effect, no invite, no message edited in place — needs nothing read
    // inside a transaction: read (one round trip; none when this process stored the chat's last step itself and
    // kept what it stored), decide, and store it all in one statement that checks the chat's stack and the
    // user's row are unchanged since the read (one more). When they changed, the update is handled the locked way below.
    const key = `${inc.chatId}:${inc.userId}`;
    // Taken out: put back only once this step is stored, with what it stored.
    const known = this.known.get(key);
    this.known.delete(key);
    if (!invite && !roleInvite) {
      const kept = known && known.at > Date.now() - KNOWN_MS ? known.loaded : null;
      const loaded = kept ?? (await store.load(inc.chatId, inc.userId));
      await lookUpHeld(loaded.stack);
      const decision = decide(loaded.stack, profileOf(loaded), inc.input, this.flows, this.registry);
      const said = decision.effects.filter((e): e is Exclude<Effect, DomainEffect> => !isDomainEffect(e));
      if (said.length === decision.effects.length) {
        const calls = render(i18n, inc.chatId, loaded.language, decision.stack[decision.stack.length - 1]?.prompt ?? 0, said, loaded.roles).calls;
        if (!calls.some((c) => c.slot)) {
          const language = languageSet(decision.effects);
          const consent = consentOf(decision.effects);
          const stored = await store
            .commitSeen({
              updateId,
              chatId: inc.chatId,
              userId: inc.userId,
              stack: decision.stack,
              seen: loaded.seen ?? null,
              ...(kept ? { user: kept.user } : {}),
              ...(language ? { language } : {}),
              ...consent,
              createUser: !loaded.userExists,
              outbox: [...spent, ...calls],
            })
            .catch((err: unknown) => this.storedAnyway(err, updateId, inc.chatId, api, log));
          if (stored === STORED_ANYWAY) return finish([], language, decision.toast, loaded.language, decision.stack);
          if (stored !== "conflict") {
            // What the next step of the chat will find stored — unless this one changed the user's row (read again then).
            if (stored && !language && !consent.consent && loaded.userExists) this.remember(key, { ...loaded, stack: decision.stack, seen: stored.seen });
            return finish(stored?.rows ?? null, language, decision.toast, loaded.language, decision.stack);
          }
          log.info("chat changed since it was read; handled again under its lock");
        }
      }
    }

    await toTransactions();
    // Set by the step, which runs inside the transaction once the chat is locked (again, if it is retried).
    let language: Lang | null = null;
    let toast: string | undefined;
    let stack: StackEntry[] = [];
    let loadedLanguage: Lang | null = null;
    const rows = await store.update(updateId, inc.chatId, inc.userId, (tx, loaded) => {
      loadedLanguage = loaded.language;
      const profile = profileOf(loaded);
      const decision = decide(loaded.stack, profile, inc.input, this.flows, this.registry);
      language = languageSet(decision.effects);
      toast = decision.toast;
      const who = { userId: inc.userId, chatId: inc.chatId, roles: loaded.roles, now, language: loaded.language, hasConsent: loaded.hasConsent };
      return {
        // Stored by `produce` below, once the flows have had the bot's answers to what they asked.
        stack: null,
        ...(language ? { language } : {}),
        ...consentOf(decision.effects),
        createUser: !loaded.userExists,
        outbox: spent,
        produce: async (tx2) => {
          const said: Renderable[] = [];
          let current = decision;
          // A flow may ask the bot for data (a lookup): the answer goes back to it as an event, and what it
          // then says follows, all in this transaction. A few rounds at most.
          for (let round = 0; ; round++) {
            const { out, replies } = await this.perform(tx2, current.effects, who);
            said.push(...out);
            if (replies.length === 0 || round === MAX_REPLY_ROUNDS) break;
            // A DONE without a role: the home of the role the button was pressed in (decision.acting), not the primary one.
            const reply = replies[0]!;
            const event = reply.type === "DONE" && !reply.role && decision.acting ? { ...reply, role: decision.acting } : reply;
            current = decide(current.stack, profile, { kind: "reply", event }, this.flows, this.registry);
          }
          stack = current.stack;
          if (JSON.stringify(stack) !== JSON.stringify(loaded.stack)) await store.saveStack(tx, inc.chatId, stack);
          const prompt = stack[stack.length - 1]?.prompt ?? 0;
          return this.editSlots(tx2, render(i18n, inc.chatId, loaded.language, prompt, said, loaded.roles).calls);
        },
      };
    }).catch((err: unknown) => this.storedAnyway(err, updateId, inc.chatId, api, log));
    await finish(rows === STORED_ANYWAY ? [] : rows, language, toast, loadedLanguage, stack);
  }

  /**
   * A commit that failed without an answer (the connection dropped while COMMIT was on its way) may have
   * committed: if the update is stored, its messages wait in the outbox, leased to this instance — they are sent
   * from there (the chat's backlog), and the user is not told «not processed», which would have them repeat an
   * answer already taken. If it is not stored (or the database cannot say), the failure stands.
   */
  private async storedAnyway(err: unknown, updateId: number, chatId: number, api: Api, log: Logger): Promise<typeof STORED_ANYWAY> {
    if (!(await this.deps.store.wasStored(updateId).catch(() => false))) throw err;
    log.warn({ err, chatId }, "the commit's answer was lost, but the update is stored: its messages go from the outbox");
    this.backlog.add(chatId);
    void this.retryKept(api, log);
    return STORED_ANYWAY;
  }

  private remember(key: string, loaded: Loaded): void {
    this.known.set(key, { loaded, at: Date.now() });
    if (this.known.size > KNOWN_CHATS) this.known.delete(this.known.keys().next().value!);
    this.forgetOld();
  }

  /** How many chats' states are kept in memory now (see `known`). */
  get keptChats(): number {
    return this.known.size;
  }

  /** Drops the kept states older than KNOWN_MS (the oldest come first): a draft's data do not stay in memory. */
  private forgetOld(): void {
    const old = Date.now() - KNOWN_MS;
    for (const [key, { at }] of this.known) {
      if (at > old) break;
      this.known.delete(key);
    }
  }

  /**
   * A message whose slot already has a sent message in its chat edits that message instead (an album's
   * one acknowledgement). The chat's updates are handled one at a time, and each one's messages are sent
   * before the next is read, so the first of an album has its message id by the time the second arrives;
   * if it was not sent (a failure), a new message goes out instead.
   */
  private async editSlots(tx: Tx, calls: ApiCall[]): Promise<ApiCall[]> {
    const out: ApiCall[] = [];
    for (const call of calls) {
      const chatId = Number(call.payload.chat_id);
      const messageId = call.slot && call.method === "sendMessage" ? await this.deps.store.slotMessage(tx, chatId, call.slot) : null;
      if (messageId === null) {
        out.push(call);
        continue;
      }
      out.push(asEdit(call, messageId));
    }
    return out;
  }

  /**
   * Sends rows as one ordered queue per chat, the chats side by side: a chat that must wait (its own pace,
   * a 429, a failure) holds back only its own messages. Rows for a chat that is already sending join the end
   * of its queue, so a chat's messages leave in the order they were decided. A chat whose earlier delivery
   * failed gets its older rows first.
   *
   * A PDF (rendered in a worker thread) and what follows it in its chat are sent in the background: an
   * update's answer goes out and the update returns without waiting for the file, which is already in the
   * outbox (a crash before it is sent leaves it for the start-up flush). The chat's next update waits for that
   * document before its own messages, since they queue behind it. `wait`: resolve only once every row was
   * sent or kept for a later try (jobs, the start-up flush).
   */
  private async deliver(rows: OutboxRow[], api: Api, log: Logger, wait = false): Promise<void> {
    const byChat = new Map<number, OutboxRow[]>();
    for (const r of rows) byChat.set(r.chatId, [...(byChat.get(r.chatId) ?? []), r]);
    await Promise.all([...byChat].map(([chatId, chatRows]) => this.enqueue(chatId, chatRows, api, log, wait)));
  }

  /** Queues a chat's rows; resolves when the last of them before a PDF (every one, with `wait`) has left or stopped. */
  private enqueue(chatId: number, all: OutboxRow[], api: Api, log: Logger, wait: boolean): Promise<void> {
    const rows = all.filter((r) => !this.adopted.delete(r.id));
    if (rows.length === 0) return Promise.resolve();
    const doc = wait ? -1 : rows.findIndex((r) => this.isPdf(r.method));
    const until = doc < 0 ? rows.length - 1 : doc - 1;
    let waited: Promise<void> = Promise.resolve();
    const queued: Queued[] = rows.map((row, i) => {
      if (i !== until) return { row, answer: !wait };
      let done!: () => void;
      waited = new Promise<void>((r) => (done = r));
      return { row, done, answer: !wait };
    });
    this.queued += queued.length;
    const running = this.chats.get(chatId);
    if (running) {
      running.rows.push(...queued);
      return waited;
    }
    const queue: ChatQueue = { rows: queued, done: Promise.resolve() };
    this.chats.set(chatId, queue);
    queue.done = this.drain(chatId, queue, api, log);
    return waited;
  }

  /**
   * One chat's worker: sends its queue in order until it is empty, or stops at a failure a later try could
   * fix. Each message or document is marked sent as soon as Telegram has taken it, before the next is sent: a
   * crash then resends at most the one message per chat that was in flight (at-least-once, at most one
   * duplicate per chat). A convenience call (taking a spent keyboard off a message) is marked together with
   * the message after it — one round trip for both; resent after a crash, it does no harm.
   */
  private async drain(chatId: number, queue: ChatQueue, api: Api, log: Logger): Promise<void> {
    const marked: bigint[] = [];
    /** The row taken off the queue and not yet done with: whoever waits for it is released whatever happens. */
    let current: Queued | undefined;
    try {
      if (this.backlog.has(chatId)) {
        // Unsent rows of this chat leased to this instance: the ones that failed before, and the queued ones.
        const reread = await this.deps.store.pending(chatId);
        const delivered = reread.filter((r) => this.unmarked.has(r.id)).map((r) => r.id);
        if (delivered.length) {
          await this.deps.store.markSent(delivered);
          for (const id of delivered) this.unmarked.delete(id);
        }
        const older = reread.filter((r) => !delivered.includes(r.id));
        const ids = new Set(queue.rows.map((q) => q.row.id));
        for (const r of older) if (!ids.has(r.id) && !this.leftBehind.delete(r.id)) this.adopted.add(r.id);
        const merged = [...older.filter((r) => !ids.has(r.id)).map((row): Queued => ({ row })), ...queue.rows].sort((a, b) => (a.row.id < b.row.id ? -1 : a.row.id > b.row.id ? 1 : 0));
        this.queued += merged.length - queue.rows.length;
        queue.rows = merged;
      }
      for (;;) {
        const next = queue.rows.shift();
        if (!next) break;
        if (this.stopping && !next.answer) {
          // Left in the outbox, leased to this instance: its next start sends it at once (another's, once the
          // lease has run out). Whoever waits for it is released below. An update's answer queued behind it goes
          // out first, now: that update was taken (Telegram will not send it again); the job's messages, however
          // many, wait — sending them all first could outlast the stop's grace.
          const rest = [next, ...queue.rows];
          const answers = rest.filter((q) => q.answer);
          queue.rows = [...answers, ...rest.filter((q) => !q.answer)];
          if (answers.length > 0) continue;
          break;
        }
        current = next;
        queue.sending = next;
        this.queued--;
        const sent = this.stillLeased(next.row, log) ? await this.sendOne(next.row, api, log) : "kept";
        if (sent === "kept") {
          queue.rows.unshift(next);
          current = undefined;
          this.queued++;
          this.backlog.add(chatId);
          return;
        }
        marked.push(next.row.id);
        // Taken off `marked` only once stored: a mark that failed is tried again below.
        if (sent === "delivered" || queue.rows.length === 0) {
          await this.deps.store.markSent(marked);
          marked.length = 0;
        }
        current = undefined;
        next.done?.();
        this.roomMade();
      }
      this.backlog.delete(chatId);
    } catch (err) {
      // The database, say: what is left stays in the outbox for a later try.
      this.backlog.add(chatId);
      log.warn({ err, chatId }, "send failed; kept for a later try");
    } finally {
      current?.done?.();
      // A mark that still fails leaves a sent row in the outbox: the chat's next re-read marks it instead of
      // sending it again (a restart meanwhile sends it again: the one duplicate a crash may cause).
      // Only when there is something to mark: on the way out of an emptied queue nothing may wait between the
      // last look at the queue and leaving the map, or rows queued meanwhile would be released unsent.
      if (marked.length) await this.deps.store.markSent(marked).catch(() => marked.forEach((id) => this.unmarked.add(id)));
      // Whoever waits for rows left behind is released: those rows wait in the outbox.
      for (const q of queue.rows) {
        this.leftBehind.add(q.row.id);
        q.done?.();
      }
      this.queued -= queue.rows.length;
      queue.rows = [];
      this.chats.delete(chatId);
      this.roomMade();
    }
  }

  /**
   * Whether a row waiting in memory is still surely this instance's to send. One that waited almost to the end
   * of its lease (this process was paused, or cut off from the database so that no renewal came) may have been
   * taken by another instance's flush meanwhile: it is not sent from memory but kept, and the chat's next try
   * re-reads from the outbox what is still this instance's (the row itself, leased anew, if nobody took it).
   */
  private stillLeased(row: OutboxRow, log: Logger): boolean {
    if (row.leaseUntil - LEASE_MARGIN_MS > Date.now()) return true;
    log.warn({ chatId: row.chatId, method: row.method }, "outbox row waited until its lease nearly ran out; read again before it is sent");
    return false;
  }

  /**
   * The priority of the message a chat is sending, for a global send slot (pace.ts): an answer to an update
   * goes first, someone is waiting for it; among the others (jobs' messages, the start-up flush), the chat
   * with more messages queued behind it goes first — held to one a second, it sends whenever it may, instead
   * of waiting behind every other chat each time and being left sending alone at the end of a run.
   */
  sendPriority(chatId: number): number {
    const queue = this.chats.get(chatId);
    // Not from a queue: a reply made straight to the user (the error reply, the per-user limit's notice).
    if (!queue) return ANSWER_PRIORITY;
    return queue.sending?.answer ? ANSWER_PRIORITY : queue.rows.length;
  }

  /** Room for another batch of jobs: few enough chats sending, and few enough rows waiting. */
  private hasRoom(): boolean {
    return this.chats.size < SENDING_CHATS && this.queued < QUEUED_ROWS;
  }

  private roomMade(): void {
    while (this.roomWaiters.length && this.hasRoom()) this.roomWaiters.shift()!();
  }

  private room(): Promise<void> {
    return this.hasRoom() ? Promise.resolve() : new Promise((r) => this.roomWaiters.push(r));
  }

  /**
   * A clean stop is under way: each chat finishes the call it is making and then sends only answers to updates
   * (someone is waiting for them, and there are few); jobs' messages and the start-up flush's stay in the
   * outbox for the next start. A long queue — one chat's hundred reminders at one a second — would otherwise
   * outlast the grace an orchestrator gives a stop (Docker's 10 s) and be killed mid-send.
   */
  stopSending(): void {
    this.stopping = true;
  }

  /** Resolves once no chat has anything left to send (a document in the background included): tests, a clean stop. */
  async idle(): Promise<void> {
    while (this.chats.size) await Promise.all([...this.chats.values()].map((q) => q.done));
  }

  /**
   * Carries out the decision's domain effects, in order, inside the update's transaction: each gives what
   * to say in its place among the machine's messages, with the language chosen so far in this update.
   */
  private async perform(
    tx: Tx,
    effects: readonly Effect[],
    who: { userId: number; chatId: number; roles: readonly Role[]; now: Date; language: Lang | null; hasConsent: boolean },
  ): Promise<{ out: Renderable[]; replies: FlowEvent[] }> {
    const out: Renderable[] = [];
    const replies: FlowEvent[] = [];
    let lang = who.language;
    let withdrawn: boolean | undefined;
    for (const [i, e] of effects.entries()) {
      if (e.type === "setLanguage") lang = e.language;
      if (!isDomainEffect(e)) {
        out.push(e);
        continue;
      }
      // A withdrawal of consent stops processing: nothing new taken from them, nothing done in their name.
      // Read only for someone without consent now (most have it: no query then).
      if (await needsConsent(tx, e, who.userId, async () => (withdrawn ??= !who.hasConsent && (await consentWithdrawn(tx, who.userId))))) {
        out.push(say("privacy.consentNeeded"));
        // Its service would have said the last word (and brought the home after it): with nothing after it in this
        // decision, the home follows, or the question of a flow open — not a line to stop at. No consent buttons: they
        // come with the consent's text, in /privacy, which the line names.
        if (!effects.slice(i + 1).some((x) => x.type === "say" || isDomainEffect(x))) replies.push({ type: "DONE" });
        continue;
      }
      await lockCaseOf(tx, e, who.userId);
      for (const o of await dispatch(this.handlers, tx, e, { ...this.deps.deployment, ...who, language: lang ?? "kk", languageKnown: lang !== null })) {
        if (o.type === "reply") replies.push(o.event);
        else out.push(o);
      }
    }
    return { out, replies };
  }

  /**
   * Makes one row's call. "delivered": a message or document Telegram took; "done": a convenience call made,
   * or any call failed for good (dropped); "kept": failed in a way a later try could fix (it stays in the outbox).
   */
  private async sendOne(stored: OutboxRow, api: Api, log: Logger): Promise<"delivered" | "done" | "kept"> {
    let row = stored;
    try {
      if (row.slot && row.method === "sendMessage") {
        // Decided while the slot's message before it had no id yet — on another instance, an album's photos
        // handled side by side: it edits that message once it is sent (editSlots does it when it already was).
        const before = await this.deps.store.slotBefore({ id: row.id, chatId: row.chatId, slot: row.slot });
        if (before === "unsent") {
          log.info({ chatId: row.chatId }, "the slot's message before this one is still on its way; kept for a moment");
          return "kept";
        }
        if (before !== null) row = { ...row, ...asEdit(row, before) };
      }
      if (!(await this.stillTrue(row))) {
        this.buildFailures.delete(row.id);
        log.info({ chatId: row.chatId, method: row.method }, "a job's message no longer holds (what it announced changed or passed); not sent");
        return "done";
      }
      // The check, and a document's making, take time: the row goes only while it is still surely this
      // instance's (another may take it once its lease has run out), checked again just before the call.
      if (!this.stillLeased(row, log)) return "kept";
      const result = await this.call(row, api, () => this.stillLeased(row, log));
      if (result === LEASE_LOST) return "kept";
      this.buildFailures.delete(row.id);
      const messageId = (result as { message_id?: unknown } | undefined)?.message_id;
      if (row.slot && typeof messageId === "number") {
        // Telegram has the message: a failure to store its id must not make it "kept" and sent again. The
        // slot's next message then goes out as a new one instead of editing this one.
        await this.deps.store.rememberMessage(row.id, messageId).catch((err: unknown) => log.warn({ err, chatId: row.chatId }, "message id not stored; the slot's next message will be a new one"));
      }
      return this.mustDeliver(row.method) ? "delivered" : "done";
    } catch (e) {
      if (e instanceof PrepareError) {
        // While the database does not answer, every document fails to be made: that is no broken document.
        if (!(await this.deps.store.reachable())) {
          log.warn({ err: e.cause, method: row.method }, `${e.message} (the database does not answer); kept for a later try`);
          return "kept";
        }
        const tries = (this.buildFailures.get(row.id) ?? 0) + 1;
        if (tries >= PREPARE_TRIES) {
          log.error({ err: e.cause, method: row.method, tries }, `${e.message}; given up so that the chat's later messages go out`);
          if (e.document) return this.giveUp(row, e.document, api, log);
          this.buildFailures.delete(row.id);
          return "done";
        }
        this.buildFailures.set(row.id, tries);
        log.warn({ err: e.cause, method: row.method, tries }, `${e.message}; kept for a later try`);
        return "kept";
      }
      if (this.mustDeliver(row.method) && !isPermanent(e)) {
        log.warn({ err: e, method: row.method }, "send failed; kept for a later try");
        return "kept";
      }
      log.warn({ err: e, method: row.method }, "call failed; dropped");
      return "done";
    }
  }

  /**
   * A document given up: its row becomes, in place, the message that tells its reader so, with a button that asks
   * for it once more (features/documents) — the same id, so the same place before the chat's later messages,
   * and sent, kept and retried like any message (a failed send loses neither the message nor its button). The
   * document's ids go with it, sealed, for the button. While the row cannot be rewritten (the database), it is
   * kept and given up again at the next try.
   */
  private async giveUp(row: OutboxRow, name: DocumentName, api: Api, log: Logger): Promise<"delivered" | "done" | "kept"> {
    if (!this.stillLeased(row, log)) return "kept";
    const lang = isLang(row.payload.language) ? row.payload.language : "kk";
    const again = [[{ key: "documents.again", ...act(documentAgain, { row: String(row.id) }) }]];
    const [call] = render(this.deps.i18n, row.chatId, lang, 0, [say("documents.givenUp", { file: { key: `documents.names.${name}` } }, again)]).calls;
    const { chat_id: _to, language: _in, [STILL_TRUE]: _checked, ...ids } = row.payload;
    const payload = { ...call!.payload, [GIVEN_UP_DOCUMENT]: { name, ...ids } };
    const rewritten = await this.deps.store.giveUp(row.id, call!.method, payload);
    this.buildFailures.delete(row.id);
    // Another instance took the row meanwhile (this one was held up past its lease): it is that one's now.
    if (!rewritten) return "kept";
    // The queued row is the stored one now: a kept row is tried again as this message, not as the document.
    row.method = call!.method;
    row.payload = payload;
    return this.sendOne(row, api, log);
  }

  /**
   * This instance's own unsent messages that no queue of it holds, stored a while ago: a commit that did commit
   * but whose answer was lost (a job batch's: its jobs are done, its messages stored — nobody queued them). Their
   * chats join the backlog, and are sent like kept ones. A chat sending now is left alone (its rows are queued).
   */
  private async takeUpLeftBehind(log: Logger): Promise<void> {
    if (this.stopping) return;
    const chats = await this.deps.store.ownLeftBehind(LEFT_BEHIND_MS).catch(() => []);
    const found = chats.filter((chatId) => !this.chats.has(chatId) && !this.backlog.has(chatId));
    if (found.length === 0) return;
    log.warn({ chats: found.length }, "messages of this instance left unsent with no queue holding them: sending them");
    for (const chatId of found) this.backlog.add(chatId);
  }

  /**
   * Sends what an instance gone for good left in the outbox once its lease ran out (Store.orphans): on every jobs
   * run, not only at some instance's next start. Not while stopping: they stay for the next instance.
   */
  private async adoptOrphans(api: Api, log: Logger): Promise<void> {
    if (this.stopping) return;
    const rows = await this.deps.store.orphans();
    if (rows.length === 0) return;
    log.warn({ rows: rows.length }, "messages another instance left unsent (its lease ran out): sending them");
    await this.deliver(rows, api, log, true);
  }

  /**
   * Tries again the chats whose delivery failed and that are not sending now: each re-reads its unsent rows
   * (leased to this instance) and sends them in order. Resolves when they are sent or kept again.
   */
  private async retryKept(api: Api, log: Logger): Promise<void> {
    const waiting: Promise<void>[] = [];
    for (const chatId of this.backlog) {
      if (this.chats.has(chatId)) continue;
      const queue: ChatQueue = { rows: [], done: Promise.resolve() };
      this.chats.set(chatId, queue);
      queue.done = this.drain(chatId, queue, api, log);
      waiting.push(queue.done);
    }
    await Promise.all(waiting);
  }

  /** Sends rows (one queue per chat, in order); resolves when they are sent or kept for a later try. */
  async send(rows: OutboxRow[], api: Api, log: Logger): Promise<void> {
    await this.deliver(rows, api, log, true);
  }

  /**
   * Handles the jobs due at `now` and sends what they decided. A batch is claimed while the one before is
   * still being sent, as long as the queues have room; another follows at once while a batch came back full.
   * Resolves once what was claimed has been sent or kept — or, with `wait: false` (the running bot's loop),
   * once it is claimed and queued: one chat that must wait (a 429, a hundred reminders at one a second) then
   * holds back only itself, not the next run's jobs for every other chat.
   */
  async runJobs(now: Date, api: Api, log: Logger, opts: { wait?: boolean } = {}): Promise<number> {
    const wait = opts.wait ?? true;
    // Messages kept after a failed send (Telegram unreachable, say) are tried again on each run, not only when
    // their chat writes again; so are this instance's own left behind (a commit whose answer was lost).
    const retrying = this.takeUpLeftBehind(log).then(() => this.retryKept(api, log));
    // Run every few seconds: the kept states of chats that went quiet are dropped here.
    this.forgetOld();
    const jobs = this.deps.jobs;
    const sending: Promise<void>[] = [retrying, this.adoptOrphans(api, log)];
    let total = 0;
    try {
      for (;;) {
        if (!jobs) break;
        await this.room();
        const batch = await jobs.runBatch(now);
        total += batch.rows.length;
        sending.push(this.deliver(batch.rows, api, log, true));
        if (!batch.full) break;
      }
    } finally {
      const settled = Promise.allSettled(sending);
      if (wait) await settled;
      else void settled.then((all) => all.forEach((s) => s.status === "rejected" && log.warn({ err: s.reason as unknown }, "sending jobs' messages failed; kept for a later try")));
    }
    if (wait) await Promise.all(sending);
    return total;
  }


  /**
   * Messages and documents are delivered in order and retried. Other calls are conveniences (the chat's
   * command menu, taking a spent keyboard off a message): when one fails it is dropped, so it never holds
   * messages back.
   */
  private mustDeliver(method: string): boolean {
    // An edited message's text (an album's count) is a message too.
    return method.startsWith("send") || method === "editMessageText" || this.documentOf(method) !== null;
  }

  /** Whether an outbox method names a PDF (rendered in the worker pool, sent in the background). */
  private isPdf(method: string): boolean {
    const name = this.documentOf(method);
    return name !== null && this.documents[name].pdf === true;
  }

  /** The document an outbox method names ("@noticePdf"), if it is one. */
  private documentOf(method: string): DocumentName | null {
    const name = method.slice(1);
    return method.startsWith("@") && Object.hasOwn(this.documents, name) ? (name as DocumentName) : null;
  }

  /** Makes one outbox row's Bot API call, giving Telegram's answer; a document is made first, from what is stored now. */
  private async call(row: OutboxRow, api: Api, leased: () => boolean): Promise<unknown> {
    if (row.method === SEND_FILE) {
      // A file already on Telegram's servers (an attachment), re-sent by its id.
      const p = row.payload as { chat_id: number; kind: "photo" | "document"; fileId: string; caption?: string };
      const other = p.caption ? { caption: p.caption } : {};
      if (p.kind === "photo") await api.sendPhoto(p.chat_id, p.fileId, other);
      else await api.sendDocument(p.chat_id, p.fileId, other);
      return;
    }
    const name = this.documentOf(row.method);
    if (!name) {
      const { [STILL_TRUE]: _checked, [GIVEN_UP_DOCUMENT]: _document, ...payload } = row.payload;
      return api.raw[row.method as "sendMessage"](payload as never);
    }
    let payload: Awaited<ReturnType<Runtime["buildDocument"]>>;
    try {
      payload = await this.buildDocument(name, row.payload, api);
    } catch (e) {
      throw new PrepareError(`document ${name} could not be made`, { cause: e }, name);
    }
    if (!leased()) return LEASE_LOST;
    if (payload) await api.raw.sendDocument(payload);
  }

  /** Whether what a job's message says still holds (its StillTrue, checked now); a row without one always does. */
  private async stillTrue(row: OutboxRow): Promise<boolean> {
    const still = row.payload[STILL_TRUE] as StillTrue | undefined;
    if (still === undefined) return true;
    const check = this.checks[still.check];
    try {
      if (!check) throw new Error(`no check named ${still.check}`);
      return await check(this.deps.prisma, still.params, this.now(), this.deps.deployment);
    } catch (e) {
      throw new PrepareError(`message's check ${still.check} could not be made`, { cause: e });
    }
  }

  /** A document made when it is sent; one that takes a moment (a PDF) says one is coming. */
  private async buildDocument<K extends DocumentName>(name: K, stored: Record<string, unknown>, api: Api) {
    const builder = this.documents[name];
    const p = storedDocument(builder, stored);
    if (!p) throw new Error(`outbox row is not a ${name}`);
    if (builder.action) await api.sendChatAction(p.chat_id, builder.action).catch(() => undefined);
    const { prisma, i18n, deployment } = this.deps;
    return builder.build(p, { prisma, i18n, timeZone: deployment.timeZone, dataKey: deployment.dataKey, mediationDays: deployment.mediationDays, now: this.now });
  }

  /** At start: what features set up each time (recurring jobs). */
  async start(now: Date): Promise<void> {
    for (const hook of startHooks) await hook(this.deps.prisma, now, this.deps.deployment);
  }

  /**
   * Keeps this instance's outbox rows leased to it while they wait (see Store.renewLeases); call every
   * RENEW_LEASES_MS. Rows waiting in memory whose lease had not run out when the renewal ran were still this
   * instance's: those it renewed (less than half a lease left) now hold a whole lease from then on. Gives how
   * many rows were renewed.
   */
  async renewLeases(): Promise<number> {
    const started = Date.now();
    const renewed = await this.deps.store.renewLeases();
    for (const queue of this.chats.values()) {
      for (const { row } of queue.sending ? [queue.sending, ...queue.rows] : queue.rows) {
        if (row.leaseUntil - LEASE_MARGIN_MS > started && row.leaseUntil < started + OUTBOX_LEASE_MS / 2) row.leaseUntil = started + OUTBOX_LEASE_MS;
      }
    }
    return renewed;
  }

  /** Forgets processed update ids older than Telegram would redeliver, and messages sent a week ago. */
  async prune(now: Date): Promise<number> {
    const day = 24 * 60 * 60 * 1000;
    const updates = await this.deps.store.pruneProcessed(new Date(now.getTime() - day));
    return updates + (await this.deps.store.pruneSent(new Date(now.getTime() - 7 * day)));
  }

  /**
   * At start: what was decided before a crash but never sent is queued — each chat's before anything newer
   * for it — and goes out at Telegram's pace. Resolves once it is queued: `sent` resolves once it has gone out
   * or was kept for a later try. Updates are answered meanwhile (a chat with many messages waiting would
   * otherwise keep every other chat waiting for minutes after a restart).
   */
  async startFlush(api: Api, log: Logger): Promise<{ count: number; sent: Promise<void> }> {
    const rows = await this.deps.store.pending();
    // deliver() puts every row in its chat's queue before it returns.
    return { count: rows.length, sent: this.deliver(rows, api, log, true) };
  }

  /** startFlush, resolving once what it queued has gone out (or was kept): tests, the local console. */
  async flush(api: Api, log: Logger): Promise<number> {
    const { count, sent } = await this.startFlush(api, log);
    await sent;
    return count;
  }
}
