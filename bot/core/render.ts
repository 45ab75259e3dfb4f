// Effects → Bot API calls, in each reader's language: the one place where texts, keyboards and callback
// data are made. Pure apart from i18n.
import { callbackData } from "../../machines/actions.js";
import { commandKey, commandsFor } from "../../machines/chat.js";
import { isDomainEffect, LANGUAGES, type Button, type Effect, type Lang, type Param, type Params, type SayEffect } from "../../machines/effects.js";
import type { Role } from "../../machines/flow.js";
import type { I18n } from "../i18n.js";
import { documentMethod } from "./documents.js";
import type { Out, StillTrue } from "./effects.js";

export interface ApiCall {
  method: string;
  payload: Record<string, unknown>;
  /** A message that later ones of the same slot edit in place (see SayEffect.slot); not sent to Telegram. */
  slot?: string;
}

/** An outbox call that re-sends a file already on Telegram's servers, by its file id. */
export const SEND_FILE = "sendStoredFile";

/**
 * Where a call's StillTrue (a job's message) waits with it in the outbox, inside its payload; the runtime checks
 * it and takes it out before the call is made.
 */
export const STILL_TRUE = "@stillTrue";

/** A parameter in the reader's language: another text by key, data in both languages, or several joined. */
export const localParam = (i18n: I18n, lang: Lang, v: Param): string | number => {
  if (typeof v !== "object") return v;
  if ("lines" in v) {
    const parts = v.lines.map((l) => localParam(i18n, lang, l));
    return (v.compact ? parts.filter((p) => p !== "") : parts).join(v.sep ?? "\n");
  }
  if ("key" in v) return i18n.t(lang)(v.key, localParams(i18n, lang, v.params));
  return v[lang];
};
export const localParams = (i18n: I18n, lang: Lang, params: Params | undefined): Record<string, string | number> =>
  Object.fromEntries(Object.entries(params ?? {}).map(([k, v]) => [k, localParam(i18n, lang, v)]));
export const localText = (i18n: I18n, lang: Lang, key: string, params?: Params): string => i18n.t(lang)(key, localParams(i18n, lang, params));

const label = (i18n: I18n, lang: Lang, b: Button): string => {
  const l = b.lang ?? lang;
  if (typeof b.label === "string") return b.label;
  return b.label ? b.label[l] : localText(i18n, l, b.key ?? "", b.params);
};

const COLLATORS: Record<Lang, Intl.Collator> = { kk: new Intl.Collator("kk"), ru: new Intl.Collator("ru") };
const isData = (row: Button[]): boolean => typeof row[0]?.label === "object";
/** Rows of data labels in the reader's alphabetical order, in the places such rows hold (SayEffect.collate). */
export const collateRows = (rows: Button[][], lang: Lang): Button[][] => {
  const sorted = rows.filter(isData).sort((a, b) => COLLATORS[lang].compare((a[0]!.label as Record<Lang, string>)[lang], (b[0]!.label as Record<Lang, string>)[lang]));
  let i = 0;
  return rows.map((row) => (isData(row) ? sorted[i++]! : row));
};

/** A command menu in a language: everyone's commands, and those of the user's roles. */
export const commandList = (i18n: I18n, lang: Lang, roles: readonly Role[] = []) =>
  commandsFor(roles).map((command) => ({ command, description: i18n.t(lang)(commandKey(command, roles)) }));

/** What a decision and the features give; domain effects must have been carried out before (runtime.ts). */
export type Renderable = Out | Effect;

/** Telegram refuses a message longer than this (in UTF-16 code units, as JavaScript counts): the person would get nothing. */
export const MESSAGE_MAX = 4096;

/**
 * A text in parts Telegram takes, each at most `max` long: cut at the last paragraph break that fits, else the last
 * line break, else the last space, else anywhere (never inside a surrogate pair). Most texts are one part.
 */
export const splitText = (text: string, max = MESSAGE_MAX): string[] => {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const head = rest.slice(0, max + 1);
    const at = [head.lastIndexOf("\n\n"), head.lastIndexOf("\n"), head.lastIndexOf(" ")].find((i) => i > 0);
    if (at !== undefined) {
      parts.push(rest.slice(0, at).trimEnd());
      rest = rest.slice(at).replace(/^\s+/, "");
    } else {
      const cut = /[\uD800-\uDBFF]/.test(rest.charAt(max - 1)) ? max - 1 : max;
      parts.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
  }
  parts.push(rest);
  return parts;
};

/** A message, in as many parts as its length needs; its buttons (or keyboard) go with the last part. */
const sayCalls = (i18n: I18n, e: SayEffect, chatId: number, lang: Lang, both: boolean, prompt: number): ApiCall[] => {
  const call = sayCall(i18n, e, chatId, lang, both, prompt);
  const text = call.payload.text as string;
  // A slot's message is edited in place later: it is one message (and short: an acknowledgement).
  if (text.length <= MESSAGE_MAX || call.slot) return [call];
  const parts = splitText(text);
  return parts.map((part, i) =>
    i === parts.length - 1 ? { ...call, payload: { ...call.payload, text: part } } : { method: "sendMessage", payload: { chat_id: chatId, text: part } },
  );
};

const sayCall = (i18n: I18n, e: SayEffect, chatId: number, lang: Lang, both: boolean, prompt: number): ApiCall => {
  const text = both ? LANGUAGES.map((l) => localText(i18n, l, e.key, e.params)).join("\n\n") : localText(i18n, lang, e.key, e.params);
  const payload: Record<string, unknown> = { chat_id: chatId, text };
  if (e.buttons?.length) {
    const rows = e.collate ? collateRows(e.buttons, lang) : e.buttons;
    payload.reply_markup = { inline_keyboard: rows.map((row) => row.map((b) => ({ text: label(i18n, lang, b), callback_data: callbackData(b, prompt) }))) };
  } else if (e.replyKeyboard === "contact") {
    payload.reply_markup = { keyboard: [[{ text: i18n.t(lang)("notice.shareContact"), request_contact: true }]], resize_keyboard: true, one_time_keyboard: true };
  } else if (e.replyKeyboard === "remove") {
    payload.reply_markup = { remove_keyboard: true };
  }
  return e.slot ? { method: "sendMessage", payload, slot: e.slot } : { method: "sendMessage", payload };
};

/**
 * Renders effects in order: a setLanguage switches the language of what follows it. An effect with `to`
 * goes to that chat in its reader's language (null: both, Kazakh first); the others to `chatId`, the
 * chat of the update, in its language so far. `prompt` numbers the current question of the chat's top
 * flow: its answer buttons carry it.
 */
export const render = (i18n: I18n, chatId: number, language: Lang | null, prompt: number, effects: readonly Renderable[], roles: readonly Role[] = []): { calls: ApiCall[] } => {
  const calls: ApiCall[] = [];
  let lang: Lang = language ?? "kk";
  for (const e of effects) {
    if (isDomainEffect(e)) throw new Error(`${e.type} reached the renderer without being carried out`);
    const before = calls.length;
    const to = "to" in e && e.to ? e.to : null;
    const target = to?.chatId ?? chatId;
    const readerLang = to ? (to.lang ?? "kk") : lang;
    switch (e.type) {
      case "setLanguage":
        lang = e.language;
        // The command menu of this chat follows the chosen language, whatever the app's language is.
        calls.push({ method: "setMyCommands", payload: { commands: commandList(i18n, lang, roles), scope: { type: "chat", chat_id: chatId } } });
        break;
      case "recordConsent":
        break;
      case "say":
        calls.push(...sayCalls(i18n, e, target, readerLang, to ? to.lang === null : e.bilingual === true, to ? 0 : prompt));
        break;
      case "document": {
        const { name, ...ids } = e.doc;
        calls.push({ method: documentMethod(name), payload: { ...ids, chat_id: target, language: readerLang } });
        break;
      }
      case "file":
        calls.push({
          method: SEND_FILE,
          payload: { chat_id: target, kind: e.file.kind, fileId: e.file.fileId, ...(e.caption === undefined ? {} : { caption: String(localParam(i18n, readerLang, e.caption)) }) },
        });
        break;
      case "reply":
        // Given to the flow by the runtime; nothing to send.
        break;
      case "commands":
        calls.push({ method: "setMyCommands", payload: { commands: commandList(i18n, readerLang, e.roles), scope: { type: "chat", chat_id: target } } });
        break;
    }
    const still = (e as { stillTrue?: StillTrue }).stillTrue;
    if (still) for (const c of calls.slice(before)) c.payload[STILL_TRUE] = still;
  }
  return { calls };
};
