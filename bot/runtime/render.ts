// Effects → Bot API calls, in the user's language. Pure apart from i18n.
import { buttonData, commandsFor } from "../../machines/chat.js";
import type { Role } from "../../machines/flow.js";
import { DOMAIN_EFFECTS, type Button, type Effect, type Lang, type Param, type Params } from "../../machines/effects.js";
import type { I18n } from "../i18n.js";

/** Domain effects become calls named "@<effect>": expanded in the transaction, never sent as they are. */
export const DOMAIN_PREFIX = "@";

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

/** Parameters in the reader's language: `{ key }` is another text, `{ kk, ru }` data in both languages. */
export const localParams = (i18n: I18n, lang: Lang, params: Params | undefined): Record<string, string | number> =>
  Object.fromEntries(Object.entries(params ?? {}).map(([k, v]) => [k, localParam(i18n, lang, v)]));

const localParam = (i18n: I18n, lang: Lang, v: Param): string | number => {
  if (typeof v !== "object") return v;
  if ("lines" in v) return v.lines.map((l) => i18n.t(lang)(l.key, localParams(i18n, lang, l.params))).join("\n");
  if ("key" in v) return i18n.t(lang)(v.key, localParams(i18n, lang, v.params));
  return v[lang];
};

const label = (i18n: I18n, lang: Lang, b: Button): string => (b.label ? b.label[b.lang ?? lang] : i18n.t(b.lang ?? lang)(b.key ?? ""));

/** A command menu in a language: everyone's commands, and those of the user's roles. */
export const commandList = (i18n: I18n, lang: Lang, roles: readonly Role[] = []) =>
  commandsFor(roles).map((command) => ({ command, description: i18n.t(lang)(`commands.${command}`) }));

/**
 * Renders effects in order: a setLanguage switches the language of what follows it.
 * `prompt` numbers the current question of the chat's top flow (for its buttons).
 */
export const render = (i18n: I18n, chatId: number, language: Lang | null, prompt: number, effects: Effect[], roles: readonly Role[] = []): Rendered => {
  const out: Rendered = { calls: [], consent: false };
  let lang: Lang = language ?? "kk";
  for (const e of effects) {
    if (DOMAIN_EFFECTS.has(e.type)) {
      // Carried out by the runtime inside the update's transaction, in its place among the messages.
      out.calls.push({ method: `${DOMAIN_PREFIX}${e.type}`, payload: { ...e, language: lang, languageKnown: language !== null || out.language !== undefined } });
      continue;
    }
    switch (e.type) {
      case "setLanguage":
        lang = e.language;
        out.language = e.language;
        // The command menu of this chat follows the chosen language, whatever the app's language is.
        out.calls.push({ method: "setMyCommands", payload: { commands: commandList(i18n, lang, roles), scope: { type: "chat", chat_id: chatId } } });
        break;
      case "recordConsent":
        out.consent = true;
        break;
      case "say": {
        const text = e.bilingual ? i18n.both(e.key, localParams(i18n, "kk", e.params)) : i18n.t(lang)(e.key, localParams(i18n, lang, e.params));
        const payload: Record<string, unknown> = { chat_id: chatId, text };
        if (e.buttons?.length) {
          payload.reply_markup = { inline_keyboard: e.buttons.map((row) => row.map((b) => ({ text: label(i18n, lang, b), callback_data: buttonData(b, prompt) }))) };
        } else if (e.replyKeyboard === "contact") {
          payload.reply_markup = {
            keyboard: [[{ text: i18n.t(lang)("notice.shareContact"), request_contact: true }]],
            resize_keyboard: true,
            one_time_keyboard: true,
          };
        } else if (e.replyKeyboard === "remove") {
          payload.reply_markup = { remove_keyboard: true };
        }
        out.calls.push({ method: "sendMessage", payload });
        break;
      }
    }
  }
  return out;
};
