// The per-chat machine runtime: for each update, one transaction — store its id, lock the chat (across
// instances too), read the chat's stack of snapshots → decide (pure) → store the new stack, the user's
// changes and the messages to send — then send them → mark them sent. A redelivered update id fails that
// transaction's first insert, so nothing of it is stored or sent.
import { GrammyError, type Api } from "grammy";
import type { Registry } from "../../machines/actions.js";
import { localDate } from "../../machines/calendar.js";
import { decide, defaultFlows, INVITE_TOKEN, type Flows, type Input, type StackEntry } from "../../machines/chat.js";
import { isDomainEffect, type DomainEffect, type Effect, type Lang } from "../../machines/effects.js";
import type { FlowEvent, Profile, Role } from "../../machines/flow.js";
import { CASE_INVITE } from "../../machines/join.js";
import type { Deployment, Tx } from "../core/actor.js";
import { storedDocument, type DocumentBuilders, type DocumentName } from "../core/documents.js";
import { dispatch, type EffectHandlers } from "../core/effects.js";
import { render, SEND_FILE, type ApiCall, type Renderable } from "../core/render.js";
import type { Prisma } from "../db/database.js";
import { documentBuilders, effectHandlers, registry, startHooks } from "../features/index.js";
import { checkCaseInvite } from "../features/relatives/relatives.js";
import { checkRoleInvite } from "../features/admin/admin.js";
import type { I18n } from "../i18n.js";
import type { Jobs } from "../jobs/jobs.js";
import type { Logger } from "../logger.js";
import type { Incoming } from "./input.js";
import type { Loaded, OutboxRow, Store } from "./store.js";

export interface RuntimeDeps {
  store: Store;
  prisma: Prisma;
  /** Durable jobs; their messages go out through this runtime's sender. */
  jobs?: Jobs;
  /** Telegram allows about 30 messages a second per bot; no more than this leave here. */
  maxPerSecond?: number;
  i18n: I18n;
  deployment: Deployment;
  flows?: Flows;
  now?: () => Date;
}

/** Errors after which sending again cannot help (the user blocked the bot, the chat is gone, bad request). */
const isPermanent = (e: unknown): boolean => e instanceof GrammyError && (e.error_code === 400 || e.error_code === 403);

/** The token of a relative's invite link in /start, if that is what arrived. */
const caseInviteOf = (input: Input): string | null =>
  input.kind === "command" && input.command === "start" ? (CASE_INVITE.exec(input.payload)?.[1] ?? null) : null;
/** The token of a staff or mediator invite link in /start, if that is what arrived. */
const roleInviteOf = (input: Input): string | null => (input.kind === "command" && input.command === "start" && INVITE_TOKEN.test(input.payload) ? input.payload : null);

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
  /** Chats whose last delivery failed: their older messages go first next time. */
  private readonly backlog = new Set<number>();
  /** Per chat, what is still being sent after its update returned (a document and what follows it). */
  private readonly sending = new Map<number, Promise<void>>();
  /** When the latest calls left, for the global rate limit. */
  private readonly recent: number[] = [];

  constructor(private readonly deps: RuntimeDeps) {
    this.flows = deps.flows ?? defaultFlows;
    this.now = deps.now ?? (() => new Date());
  }

  async handle(updateId: number, inc: Incoming, api: Api, log: Logger): Promise<void> {
    const { store, i18n } = this.deps;
    const now = this.now();
    const invite = caseInviteOf(inc.input);
    const roleInvite = roleInviteOf(inc.input);
    // A relative's or a staff invite link is looked up before deciding, so that a spent one is said at once.
    const invites = {
      ...(invite ? { caseInvite: await checkCaseInvite(this.deps.prisma, invite, now) } : {}),
      ...(roleInvite ? { roleInvite: await checkRoleInvite(this.deps.prisma, roleInvite, now) } : {}),
    };
    // A pressed keyboard is spent: take it off the message so it cannot be pressed again.
    const spent = inc.callback?.messageId
      ? [{ method: "editMessageReplyMarkup", payload: { chat_id: inc.chatId, message_id: inc.callback.messageId, reply_markup: { inline_keyboard: [] } } }]
      : [];
    const profileOf = (loaded: Loaded): Profile => ({
      userId: inc.userId,
      today: localDate(now, this.deps.deployment.timeZone),
      language: loaded.language,
      telegramLanguage: inc.telegramLanguage,
      hasConsent: loaded.hasConsent,
      roles: loaded.roles,
      termsAccepted: loaded.termsAccepted,
      ...invites,
    });
    const consentOf = (effects: readonly Effect[]) => (effects.some((e) => e.type === "recordConsent") ? { consent: { version: i18n.consentVersion, at: now } } : {});
    /** What follows the commit: the button's answer, then the messages. */
    const finish = async (rows: OutboxRow[] | null, language: Lang | null, toast: string | undefined, loadedLanguage: Lang | null, stack: StackEntry[]) => {
      if (inc.callback) {
        const lang: Lang = language ?? loadedLanguage ?? "kk";
        const text = rows && toast ? i18n.t(lang)(toast) : undefined;
        await api.answerCallbackQuery(inc.callback.id, text ? { text } : {}).catch((e: unknown) => log.warn({ err: e }, "answerCallbackQuery failed"));
      }
      if (rows === null) {
        // The insert of this update id is the guard: it holds across processes too.
        log.info("duplicate update skipped");
        return;
      }
      const flows = stack.map((e) => e.flow).join(">");
      log.info({ input: inc.input.kind, flows, sends: rows.length }, "update handled");
      await this.deliver(rows, api, log);
    };

    // An ordinary step — no domain effect, no invite, no message edited in place — needs nothing read
    // inside a transaction: read (one round trip), decide, and store it all in one statement that checks the
    // chat is unchanged since the read (one more). When it changed, the update is handled the locked way below.
    if (!invite && !roleInvite) {
      const loaded = await store.load(inc.chatId, inc.userId);
      const decision = decide(loaded.stack, profileOf(loaded), inc.input, this.flows, this.registry);
      const said = decision.effects.filter((e): e is Exclude<Effect, DomainEffect> => !isDomainEffect(e));
      if (said.length === decision.effects.length) {
        const calls = render(i18n, inc.chatId, loaded.language, decision.stack[decision.stack.length - 1]?.prompt ?? 0, said, loaded.roles).calls;
        if (!calls.some((c) => c.slot)) {
          const language = languageSet(decision.effects);
          const rows = await store.commitSeen({
            updateId,
            chatId: inc.chatId,
            userId: inc.userId,
            stack: decision.stack,
            seen: loaded.seen ?? null,
            ...(language ? { language } : {}),
            ...consentOf(decision.effects),
            createUser: !loaded.userExists,
            outbox: [...spent, ...calls],
          });
          if (rows !== "conflict") return finish(rows, language, decision.toast, loaded.language, decision.stack);
          log.info("chat changed since it was read; handled again under its lock");
        }
      }
    }

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
      const who = { userId: inc.userId, chatId: inc.chatId, roles: loaded.roles, now, language: loaded.language };
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
            current = decide(current.stack, profile, { kind: "reply", event: replies[0]! }, this.flows, this.registry);
          }
          stack = current.stack;
          if (JSON.stringify(stack) !== JSON.stringify(loaded.stack)) await store.saveStack(tx, inc.chatId, stack);
          const prompt = stack[stack.length - 1]?.prompt ?? 0;
          return this.editSlots(tx2, render(i18n, inc.chatId, loaded.language, prompt, said, loaded.roles).calls);
        },
      };
    });
    await finish(rows, language, toast, loadedLanguage, stack);
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
      const { chat_id, text, reply_markup } = call.payload;
      // Only an inline keyboard can be edited along with a message's text.
      const markup = typeof reply_markup === "object" && reply_markup !== null && "inline_keyboard" in reply_markup ? { reply_markup } : {};
      out.push({ method: "editMessageText", payload: { chat_id, message_id: messageId, text, ...markup } });
    }
    return out;
  }

  /**
   * Sends rows as one ordered queue per chat, so that a chat that cannot be reached (a staff chat, say)
   * holds back only its own messages. A chat whose earlier delivery failed gets its older rows first.
   *
   * A PDF (rendered in a worker thread) and what follows it in its chat are sent in the
   * background: the update's answer goes out and the update returns without waiting for the file, which
   * is already in the outbox (a crash before it is sent leaves it for the start-up flush). The chat's next
   * update waits for that document before its own messages, so a chat's order and its slots hold.
   * `wait`: return only once everything was sent (jobs, the start-up flush).
   */
  private async deliver(rows: OutboxRow[], api: Api, log: Logger, wait = false): Promise<void> {
    const byChat = new Map<number, OutboxRow[]>();
    for (const r of rows) byChat.set(r.chatId, [...(byChat.get(r.chatId) ?? []), r]);
    const waits: Promise<void>[] = [];
    for (const [chatId, chatRows] of byChat) {
      const before = this.sending.get(chatId);
      if (before) {
        waits.push(this.inBackground(chatId, before.then(() => this.sendChat(chatId, chatRows, api, log)), log));
        continue;
      }
      const doc = this.backlog.has(chatId) ? -1 : chatRows.findIndex((r) => this.isPdf(r.method));
      if (doc < 0) {
        await this.sendChat(chatId, chatRows, api, log);
        continue;
      }
      await this.send(chatRows.slice(0, doc), api, log);
      // What failed before the document holds it back too: it stays in the outbox for the chat's next delivery.
      if (this.backlog.has(chatId)) continue;
      const rest = this.inBackground(chatId, this.send(chatRows.slice(doc), api, log), log);
      if (wait) waits.push(rest);
    }
    await Promise.all(waits);
  }

  private async sendChat(chatId: number, rows: OutboxRow[], api: Api, log: Logger): Promise<void> {
    await this.send(this.backlog.has(chatId) ? await this.deps.store.pending(chatId) : rows, api, log);
  }

  /** Keeps a chat's background sends in order; a failure is told and leaves its rows in the outbox. */
  private inBackground(chatId: number, work: Promise<void>, log: Logger): Promise<void> {
    const tracked: Promise<void> = work
      .catch((err: unknown) => {
        this.backlog.add(chatId);
        log.warn({ err, chatId }, "background send failed; kept for a later try");
      })
      .finally(() => {
        if (this.sending.get(chatId) === tracked) this.sending.delete(chatId);
      });
    this.sending.set(chatId, tracked);
    return tracked;
  }

  /** Resolves once no document (or what waits behind one) is still being sent: tests, a clean stop. */
  async idle(): Promise<void> {
    while (this.sending.size) await Promise.all([...this.sending.values()]);
  }

  /**
   * Carries out the decision's domain effects, in order, inside the update's transaction: each gives what
   * to say in its place among the machine's messages, with the language chosen so far in this update.
   */
  private async perform(
    tx: Tx,
    effects: readonly Effect[],
    who: { userId: number; chatId: number; roles: readonly Role[]; now: Date; language: Lang | null },
  ): Promise<{ out: Renderable[]; replies: FlowEvent[] }> {
    const out: Renderable[] = [];
    const replies: FlowEvent[] = [];
    let lang = who.language;
    for (const e of effects) {
      if (e.type === "setLanguage") lang = e.language;
      if (!isDomainEffect(e)) {
        out.push(e);
        continue;
      }
      for (const o of await dispatch(this.handlers, tx, e, { ...this.deps.deployment, ...who, language: lang ?? "kk", languageKnown: lang !== null })) {
        if (o.type === "reply") replies.push(o.event);
        else out.push(o);
      }
    }
    return { out, replies };
  }

  /**
   * Sends one chat's outbox rows in order; stops at the first failure that a later try could fix. Each
   * message or document is marked sent as soon as Telegram has taken it, before the next is sent: a crash
   * then resends at most the one message that was in flight (at-least-once, at most one duplicate per
   * chat). A convenience call (taking a spent keyboard off a message) is marked together with the message
   * after it — one round trip for both; resent after a crash, it does no harm.
   */
  async send(rows: OutboxRow[], api: Api, log: Logger): Promise<void> {
    const done: bigint[] = [];
    for (const row of rows) {
      try {
        const result = await this.call(row, api);
        const messageId = (result as { message_id?: unknown } | undefined)?.message_id;
        if (row.slot && typeof messageId === "number") await this.deps.store.rememberMessage(row.id, messageId);
      } catch (e) {
        if (this.mustDeliver(row.method) && !isPermanent(e)) {
          this.backlog.add(row.chatId);
          log.warn({ err: e, method: row.method }, "send failed; kept for a later try");
          await this.deps.store.markSent(done);
          return;
        }
        log.warn({ err: e, method: row.method }, "call failed; dropped");
      }
      done.push(row.id);
      if (this.mustDeliver(row.method)) await this.deps.store.markSent(done.splice(0));
    }
    await this.deps.store.markSent(done);
    for (const r of rows) this.backlog.delete(r.chatId);
  }

  /** Waits as long as needed to stay within the global rate (a sliding window of one second). */
  private async throttle(): Promise<void> {
    const max = this.deps.maxPerSecond ?? 30;
    for (;;) {
      const now = Date.now();
      while (this.recent.length && now - this.recent[0]! >= 1000) this.recent.shift();
      if (this.recent.length < max) {
        this.recent.push(now);
        return;
      }
      await new Promise((r) => setTimeout(r, 1000 - (now - this.recent[0]!)));
    }
  }

  /** Handles the jobs due at `now` and sends what they decided. */
  async runJobs(now: Date, api: Api, log: Logger): Promise<number> {
    if (!this.deps.jobs) return 0;
    const rows = await this.deps.jobs.runDue(now);
    await this.deliver(rows, api, log, true);
    return rows.length;
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
  private async call(row: OutboxRow, api: Api): Promise<unknown> {
    await this.throttle();
    if (row.method === SEND_FILE) {
      // A file already on Telegram's servers (an attachment), re-sent by its id.
      const p = row.payload as { chat_id: number; kind: "photo" | "document"; fileId: string; caption?: string };
      const other = p.caption ? { caption: p.caption } : {};
      if (p.kind === "photo") await api.sendPhoto(p.chat_id, p.fileId, other);
      else await api.sendDocument(p.chat_id, p.fileId, other);
      return;
    }
    const name = this.documentOf(row.method);
    if (!name) return api.raw[row.method as "sendMessage"](row.payload as never);
    const payload = await this.buildDocument(name, row.payload, api);
    if (payload) await api.raw.sendDocument(payload);
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

  /** Forgets processed update ids older than Telegram would redeliver, and messages sent a week ago. */
  async prune(now: Date): Promise<number> {
    const day = 24 * 60 * 60 * 1000;
    const updates = await this.deps.store.pruneProcessed(new Date(now.getTime() - day));
    return updates + (await this.deps.store.pruneSent(new Date(now.getTime() - 7 * day)));
  }

  /** At start: what was decided before a crash but never sent goes out now. */
  async flush(api: Api, log: Logger): Promise<number> {
    const rows = await this.deps.store.pending();
    await this.deliver(rows, api, log, true);
    return rows.length;
  }
}
