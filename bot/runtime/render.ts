// Effects → Bot API calls, in the user's language. Pure apart from i18n.
import { buttonData, COMMANDS } from "../../machines/chat.js";
import type { Effect, Lang } from "../../machines/effects.js";
import type { I18n } from "../i18n.js";

export interface ApiCall {
  method: string;
  payload: Record<string, unknown>;
}

export interface Rendered {
  calls: ApiCall[];
  /** Set when an effect changed the language. */
  language?: Lang;
  consent: boolean;
}

export const commandList = (i18n: I18n, lang: Lang) =>
  COMMANDS.map((command) => ({ command, description: i18n.t(lang)(`commands.${command}`) }));

/**
 * Renders effects in order: a setLanguage switches the language of what follows it.
 * `prompt` numbers the current question of the chat's top flow (for its buttons).
 */
export const render = (i18n: I18n, chatId: number, language: Lang | null, prompt: number, effects: Effect[]): Rendered => {
  const out: Rendered = { calls: [], consent: false };
  let lang: Lang = language ?? "kk";
  for (const e of effects) {
    switch (e.type) {
      case "setLanguage":
        lang = e.language;
        out.language = e.language;
        // The command menu of this chat follows the chosen language, whatever the app's language is.
        out.calls.push({ method: "setMyCommands", payload: { commands: commandList(i18n, lang), scope: { type: "chat", chat_id: chatId } } });
        break;
      case "recordConsent":
        out.consent = true;
        break;
      case "say": {
        const t = i18n.t(lang);
        const text = e.bilingual ? i18n.both(e.key, e.params) : t(e.key, e.params);
        const payload: Record<string, unknown> = { chat_id: chatId, text };
        if (e.buttons?.length) {
          payload.reply_markup = {
            inline_keyboard: e.buttons.map((row) =>
              row.map((b) => ({ text: i18n.t(b.lang ?? lang)(b.key), callback_data: buttonData(b, prompt) })),
            ),
          };
        }
        out.calls.push({ method: "sendMessage", payload });
        break;
      }
    }
  }
  return out;
};
