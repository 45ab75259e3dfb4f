import type { Context } from "grammy";
import type { TFunction } from "i18next";
import type { Logger } from "./logger.js";

export interface BotContext extends Context {
  /** Child logger of this update: { updateId, chatId }. */
  log: Logger;
  /** A fixed t for the user's language, for code outside the runtime (renders go through it too). */
  t: TFunction;
}
