// The composition root: one bot, whichever way it runs (polling, webhook, local console, tests).
import { limit } from "@grammyjs/ratelimiter";
import { sequentialize } from "@grammyjs/runner";
import { Bot, type Api, type Transformer } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { Flows } from "../machines/chat.js";
import type { BotContext } from "./context.js";
import type { Database } from "./db/database.js";
import { consentVersionsOf, type I18n } from "./i18n.js";
import { safeLogger, type Logger } from "./logger.js";
import type { Deployment } from "./core/actor.js";
import { commandList, render } from "./core/render.js";
import { jobHandlers } from "./features/index.js";
import { MEDIATION_DAYS } from "./features/mediation/mediation.js";
import { RETENTION_DAYS } from "./features/retention/retention.js";
import { toIncoming } from "./runtime/input.js";
import { LocalGate, pacing, SEND_LIMITS, SharedGate, type SendLimits } from "./runtime/pace.js";
import { retrying, type RetryOptions } from "./runtime/retry.js";
import { TelegramHealth } from "./health.js";
import { Runtime } from "./runtime/runtime.js";
import { Store } from "./runtime/store.js";
import { Jobs, type JobHandler } from "./jobs/jobs.js";

export interface BotDeps {
  db: Database;
  i18n: I18n;
  logger: Logger;
  adminIds: readonly number[];
  timeZone: string;
  /** Mediation's term in calendar days (MEDIATION_DAYS); 30 when not given. */
  mediationDays?: number;
  /** Days a closed case keeps its personal data (RETENTION_DAYS); 1095 when not given. */
  retentionDays?: number;
  dataKey: Buffer;
  staffChatId: number | null;
  /**
   * Telegram's rate limits kept before each call (SEND_LIMITS when not given; shared between instances through
   * PostgreSQL). null: none — the console, and tests that do not test them.
   */
  sendLimits?: SendLimits | null;
  /** Per user: at most `updates` updates in `windowMs` (an album of 20 files fits); the rest are answered once and dropped. */
  userLimit?: { updates: number; windowMs: number };
  /** How Bot API calls are retried (tests shorten the back-off). */
  retry?: Partial<RetryOptions>;
  flows?: Flows;
  now?: () => Date;
  /** Names this process among instances sharing one database: its outbox rows are leased to it. */
  instanceId?: string;
  /** More job kinds beside the features' (the reminders bench's). */
  jobHandlers?: Record<string, JobHandler>;
}

/** 30 updates in 10 seconds per user: far above anyone typing or pressing, and an album of 20 files fits. */
export const USER_LIMIT = { updates: 30, windowMs: 10_000 };

export interface BotOptions {
  /** Known bot identity: the bot then never calls getMe (tests, console). */
  botInfo?: UserFromGetMe;
  /** A self-hosted Bot API server or the emulator. */
  apiRoot?: string | null;
  /**
   * Stands in for the network (the console's and the tests' fake Bot API). Installed first, so that
   * the retries wrap it exactly as they wrap Telegram.
   */
  transport?: Transformer;
}

export interface KelisimBot {
  bot: Bot<BotContext>;
  runtime: Runtime;
  /** Whether Telegram answers the bot's calls (/healthz reports an outage). */
  telegram: TelegramHealth;
  /**
   * A clean stop: `stopIntake` ends the taking of updates (the runner, the webhook server); then every update
   * already taken is handled to its end and its answer sent (jobs' messages still queued stay in the outbox:
   * Runtime.stopSending), before the caller closes the database. The runner's stop does not wait for the
   * updates it passed on, and an update it fetched is confirmed to Telegram by the next fetch: one dropped at a
   * stop would be gone.
   */
  finish(stopIntake: () => Promise<void>): Promise<void>;
}

const chatKey = (ctx: BotContext): string | undefined => ctx.chat?.id.toString();

export const createBot = (token: string, given: BotDeps, opts: BotOptions = {}): KelisimBot => {
  // Whatever logger is given, a logged error never carries what it was about (a refused message's text).
  const deps = { ...given, logger: safeLogger(given.logger) };
  const bot = new Bot<BotContext>(token, {
    ...(opts.botInfo ? { botInfo: opts.botInfo } : {}),
    ...(opts.apiRoot ? { client: { apiRoot: opts.apiRoot } } : {}),
  });
  if (opts.transport) bot.api.config.use(opts.transport);
  // Inside the retries: a call that is tried again waits its chat's turn and a global slot again.
  const limits = deps.sendLimits === undefined ? SEND_LIMITS : deps.sendLimits;
  if (limits) {
    const gate = deps.db.kind === "postgres" ? new SharedGate(deps.db.prisma, limits.perSecond, deps.logger, { instance: deps.instanceId, perChat: limits.perChat }) : new LocalGate(limits.perSecond);
    // Answers to updates first, then the chats with more messages waiting (see Runtime.sendPriority).
    bot.api.config.use(pacing(limits, gate, (chat) => runtime.sendPriority(Number(chat))));
  }
  // 429s are retried after the time Telegram asks for, 5xx and network failures with back-off; each retry is logged at warn.
  const telegram = new TelegramHealth();
  // grammY types its signal as the abort-controller package's; a standard AbortSignal is what it uses at run time.
  telegram.probe = (signal) => bot.api.getMe(signal as unknown as Parameters<typeof bot.api.getMe>[0]);
  bot.api.config.use(retrying(deps.logger, deps.retry, telegram));

  const deployment: Deployment = {
    timeZone: deps.timeZone,
    dataKey: deps.dataKey,
    staffChatId: deps.staffChatId,
    mediationDays: deps.mediationDays ?? MEDIATION_DAYS,
    retentionDays: deps.retentionDays ?? RETENTION_DAYS,
    botUsername: () => bot.botInfo.username,
    adminIds: deps.adminIds,
    termsVersions: { staff: deps.i18n.versionOf("roles.terms.staff"), mediator: deps.i18n.versionOf("roles.terms.mediator"), admin: deps.i18n.versionOf("roles.terms.admin") },
    consentVersions: consentVersionsOf(deps.i18n),
  };
  const store = new Store(deps.db.prisma, deps.adminIds, deps.dataKey, deps.instanceId, deps.logger);
  // What a job says has its recipients named: rendered for no chat of its own.
  const jobs = new Jobs(deps.db.prisma, store, { ...jobHandlers, ...deps.jobHandlers }, deps.logger, deployment, (effects) => render(deps.i18n, 0, null, 0, effects).calls);
  const runtime = new Runtime({
    store,
    prisma: deps.db.prisma,
    jobs,
    i18n: deps.i18n,
    deployment,
    ...(deps.flows ? { flows: deps.flows } : {}),
    ...(deps.now ? { now: deps.now } : {}),
    concurrency: deps.db.pool.size,
  });

  // Updates being handled (a chat's waiting its turn included), for a clean stop.
  let handling = 0;
  const handled: (() => void)[] = [];
  const allHandled = () => (handling === 0 ? Promise.resolve() : new Promise<void>((r) => handled.push(r)));
  bot.use(async (ctx, next) => {
    handling++;
    try {
      ctx.log = deps.logger.child({ updateId: ctx.update.update_id, chatId: ctx.chat?.id });
      ctx.t = deps.i18n.t(ctx.from?.language_code === "ru" ? "ru" : "kk");
      await next();
    } finally {
      if (--handling === 0) for (const r of handled.splice(0)) r();
    }
  });
  // One user flooding the bot cannot take the others' turn: past the limit, their updates are dropped before
  // any database work — a message is answered once per window, a pressed button always (never silently).
  const userLimit = deps.userLimit ?? USER_LIMIT;
  const told = new Map<number, number>();
  bot.use(
    limit<BotContext, never>({
      timeFrame: userLimit.windowMs,
      limit: userLimit.updates,
      alwaysReply: true,
      keyGenerator: (ctx) => ctx.from?.id.toString(),
      onLimitExceeded: (ctx) => {
        const text = appLanguageText(ctx.from?.language_code, "common.tooFast");
        if (ctx.callbackQuery) return void ctx.answerCallbackQuery({ text }).catch(() => undefined);
        const id = ctx.from?.id;
        const now = Date.now();
        if (id === undefined || ctx.chat?.type !== "private" || (told.get(id) ?? 0) > now - userLimit.windowMs) return;
        if (told.size > 10_000) for (const [k, at] of told) if (at <= now - userLimit.windowMs) told.delete(k);
        told.set(id, now);
        void ctx.api.sendMessage(ctx.chat.id, text).catch(() => undefined);
      },
    }),
  );
  /** A text in the app's language when it is Kazakh or Russian, else in both (before the database is asked). */
  const appLanguageText = (code: string | undefined, key: string, params?: Record<string, string>) =>
    code === "kk" || code === "ru" ? deps.i18n.t(code)(key, params) : deps.i18n.both(key, params);
  /**
   * A command to the bot in a group (the staff chat, a family's group): only a private chat is served — what is
   * written in a group is read by all its members. Said there, and nothing of it is stored; other group messages
   * (Telegram passes the bot only those addressed to it) are left unanswered.
   */
  const groupHint = async (ctx: BotContext) => {
    const m = ctx.message;
    // A command with another bot's name after it is that bot's (a group may have several).
    const to = /^\/[A-Za-z0-9_]+(?:@(\w+))?/.exec(m?.text ?? "")?.[1];
    if (!m || m.chat.type === "private" || !m.text?.startsWith("/") || (to !== undefined && to.toLowerCase() !== ctx.me.username.toLowerCase())) return;
    const text = appLanguageText(m.from?.language_code, "common.privateOnly", { bot: ctx.me.username });
    await ctx.api.sendMessage(m.chat.id, text, { reply_parameters: { message_id: m.message_id, allow_sending_without_reply: true } }).catch(() => undefined);
  };
  // Updates of one chat run one after another, before any state of the chat is read.
  bot.use(sequentialize(chatKey));
  bot.errorBoundary(
    async (err) => {
      err.ctx.log.error({ err: err.error }, "update failed");
      // A pressed button stops spinning (if it was answered already, Telegram refuses this one: no harm).
      if (err.ctx.callbackQuery) await err.ctx.answerCallbackQuery().catch(() => undefined);
      const chatId = err.ctx.chat?.id;
      if (chatId === undefined || err.ctx.chat?.type !== "private") return;
      // Nothing of this update was stored (its transaction rolled back), and that is what the user is told —
      // in the language they chose, if the database says so within a second; else the app's, or both.
      const stored = await Promise.race([
        deps.db.prisma.user.findUnique({ where: { id: BigInt(err.ctx.from?.id ?? chatId) }, select: { language: true } }).then((u) => u?.language ?? null),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), 1000).unref()),
      ]).catch(() => null);
      const text = stored ? deps.i18n.t(stored)("common.error") : appLanguageText(err.ctx.from?.language_code, "common.error");
      await err.ctx.api.sendMessage(chatId, text).catch(() => undefined);
    },
    async (ctx) => {
      const inc = toIncoming(ctx.update);
      if (!inc) return groupHint(ctx);
      await runtime.handle(ctx.update.update_id, inc, ctx.api, ctx.log);
    },
  );
  bot.catch((err) => deps.logger.error({ err: err.error, updateId: err.ctx.update.update_id }, "unhandled"));
  const finish = async (stopIntake: () => Promise<void>) => {
    await stopIntake();
    runtime.stopSending();
    await allHandled();
    // Each chat's call in progress (a document being made included) and the answers: done before the database closes.
    await runtime.idle();
  };
  return { bot, runtime, telegram, finish };
};

/** Command menus: Kazakh and Russian by the app's language, and both for any other language. */
export const setCommandMenus = async (api: Api, i18n: I18n): Promise<void> => {
  const kk = commandList(i18n, "kk");
  const ru = commandList(i18n, "ru");
  await api.setMyCommands(kk, { language_code: "kk" });
  await api.setMyCommands(ru, { language_code: "ru" });
  await api.setMyCommands(kk.map((c, i) => ({ command: c.command, description: `${c.description} / ${ru[i]!.description}` })));
};
