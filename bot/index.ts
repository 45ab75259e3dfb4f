// The composition root: one bot, whichever way it runs (polling, webhook, local console, tests).
import { sequentialize } from "@grammyjs/runner";
import { Bot, type Api, type Transformer } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { Flows } from "../machines/chat.js";
import type { BotContext } from "./context.js";
import type { Database } from "./db/database.js";
import type { I18n } from "./i18n.js";
import type { Logger } from "./logger.js";
import type { Deployment } from "./core/actor.js";
import { commandList, render } from "./core/render.js";
import { jobHandlers } from "./features/index.js";
import { MEDIATION_DAYS } from "./features/mediation/mediation.js";
import { toIncoming } from "./runtime/input.js";
import { retrying, type RetryOptions } from "./runtime/retry.js";
import { Runtime } from "./runtime/runtime.js";
import { Store } from "./runtime/store.js";
import { Jobs } from "./jobs/jobs.js";

export interface BotDeps {
  db: Database;
  i18n: I18n;
  logger: Logger;
  adminIds: readonly number[];
  timeZone: string;
  /** Mediation's term in calendar days (MEDIATION_DAYS); 30 when not given. */
  mediationDays?: number;
  dataKey: Buffer;
  staffChatId: number | null;
  maxPerSecond?: number;
  /** How Bot API calls are retried (tests shorten the back-off). */
  retry?: Partial<RetryOptions>;
  flows?: Flows;
  now?: () => Date;
}

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
}

const chatKey = (ctx: BotContext): string | undefined => ctx.chat?.id.toString();

export const createBot = (token: string, deps: BotDeps, opts: BotOptions = {}): KelisimBot => {
  const bot = new Bot<BotContext>(token, {
    ...(opts.botInfo ? { botInfo: opts.botInfo } : {}),
    ...(opts.apiRoot ? { client: { apiRoot: opts.apiRoot } } : {}),
  });
  if (opts.transport) bot.api.config.use(opts.transport);
  // 429s are retried after the time Telegram asks for, 5xx and network failures with back-off; each retry is logged at warn.
  bot.api.config.use(retrying(deps.logger, deps.retry));

  const deployment: Deployment = {
    timeZone: deps.timeZone,
    dataKey: deps.dataKey,
    staffChatId: deps.staffChatId,
    mediationDays: deps.mediationDays ?? MEDIATION_DAYS,
    botUsername: () => bot.botInfo.username,
    adminIds: deps.adminIds,
    termsVersions: { staff: deps.i18n.versionOf("roles.terms.staff"), mediator: deps.i18n.versionOf("roles.terms.mediator") },
  };
  const store = new Store(deps.db.prisma, deps.adminIds, deps.dataKey);
  // What a job says has its recipients named: rendered for no chat of its own.
  const jobs = new Jobs(deps.db.prisma, store, jobHandlers, deps.logger, deployment, (effects) => render(deps.i18n, 0, null, 0, effects).calls);
  const runtime = new Runtime({
    store,
    prisma: deps.db.prisma,
    jobs,
    ...(deps.maxPerSecond ? { maxPerSecond: deps.maxPerSecond } : {}),
    i18n: deps.i18n,
    deployment,
    ...(deps.flows ? { flows: deps.flows } : {}),
    ...(deps.now ? { now: deps.now } : {}),
  });

  bot.use(async (ctx, next) => {
    ctx.log = deps.logger.child({ updateId: ctx.update.update_id, chatId: ctx.chat?.id });
    ctx.t = deps.i18n.t(ctx.from?.language_code === "ru" ? "ru" : "kk");
    await next();
  });
  // Updates of one chat run one after another, before any state of the chat is read.
  bot.use(sequentialize(chatKey));
  bot.errorBoundary(
    (err) => {
      err.ctx.log.error({ err: err.error }, "update failed");
      const chatId = err.ctx.chat?.id;
      if (chatId !== undefined && err.ctx.chat?.type === "private") {
        // Nothing was stored (the transaction rolled back); tell the user, in their app's language.
        void err.ctx.api.sendMessage(chatId, err.ctx.t("common.error")).catch(() => undefined);
      }
    },
    async (ctx) => {
      const inc = toIncoming(ctx.update);
      if (!inc) return;
      await runtime.handle(ctx.update.update_id, inc, ctx.api, ctx.log);
    },
  );
  bot.catch((err) => deps.logger.error({ err: err.error, updateId: err.ctx.update.update_id }, "unhandled"));
  return { bot, runtime };
};

/** Command menus: Kazakh and Russian by the app's language, and both for any other language. */
export const setCommandMenus = async (api: Api, i18n: I18n): Promise<void> => {
  const kk = commandList(i18n, "kk");
  const ru = commandList(i18n, "ru");
  await api.setMyCommands(kk, { language_code: "kk" });
  await api.setMyCommands(ru, { language_code: "ru" });
  await api.setMyCommands(kk.map((c, i) => ({ command: c.command, description: `${c.description} / ${ru[i]!.description}` })));
};
