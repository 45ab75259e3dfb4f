// The local console: a terminal chat with the same bot, on the same database, with no Telegram.
// Typed text is a message (a /command too); a number presses that button of the bot's last answer (its
// keyboards numbered on, one after another); ":user ID [kk|ru|en]" plays another user (a relative, staff, a
// mediator) — each keeps their own keyboards, and the messages they got meanwhile are shown when they are played again (their
// command menu too, «☰ /start …», shown whenever the bot sets it), then the buttons a number presses now, said to be the
// last answer's, each under its message's last line (a keyboard the bot took off a pressed message presses nothing); ":open" opens the
// last invite link the bot showed (as the user played now); ":contact" shares the user's own phone number,
// ":photo" and ":pdf" send a file, as the phone would; ":quit" leaves.
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Bot } from "grammy";
import type { Update } from "grammy/types";
import type { BotContext } from "../context.js";
import type { I18n } from "../i18n.js";
import type { Call, FakeTelegram } from "./fake-api.js";

interface ConsoleUser {
  id: number;
  language: string | undefined;
}

interface KeyButton {
  text: string;
  callback_data: string;
}

export interface ConsoleOptions {
  bot: Bot<BotContext>;
  fake: FakeTelegram;
  i18n: I18n;
  input: Readable;
  output: Writable;
  user?: ConsoleUser;
  /** Resolves once the documents the last update asked for were sent (they go out after it returns). */
  idle?: () => Promise<void>;
  /** ADMIN_IDS: the intro says whether the console's user is an admin, or how to start as one. */
  adminIds?: readonly number[];
}

/** The console's own user id when no `:user` was typed: put it in ADMIN_IDS to play the admin. */
export const CONSOLE_USER = 100001;

export const runConsole = async ({ bot, fake, i18n, input, output, user: first, idle, adminIds = [] }: ConsoleOptions): Promise<void> => {
  let user: ConsoleUser = first ?? { id: CONSOLE_USER, language: undefined };
  // Unique across restarts, so the database does not take them for redelivered updates.
  let updateId = Date.now() * 100;
  /**
   * Each user's keyboards of the bot's last answer (in a private chat the chat is the user), numbered on from one to the
   * next — a saved notice's «Я передал(а) обращение» and the home screen under it are [1] and [2], [3]…, not both [1] —
   * and what they got while not played. `fresh`: an update came since, so the next keyboard starts a new answer.
   */
  const keyboards = new Map<number, { fresh: boolean; shown: { messageId: number; text: string; rows: KeyButton[][]; first: number }[] }>();
  const pending = new Map<number, string[]>();
  /** Another user's command menu as last set while they were not played: shown (not counted as a message) when they are. */
  const menus = new Map<number, string>();
  /** The payload of the last invite link the bot showed anyone (set from the send hook). */
  const links: { last: string | null } = { last: null };
  const print = (s: string) => output.write(s + "\n");
  const numbered = (rows: KeyButton[][], first: number) => {
    const buttons = rows.flat();
    return rows.map((row) => row.map((b) => `[${buttons.indexOf(b) + first}] ${b.text}`).join("   ")).join("\n");
  };

  fake.onCall = (call: Call, result: unknown) => {
    const p = call.payload;
    // The chat's command menu (Telegram's «/» button), set per chat by role and language: one line, «☰ /start /menu …».
    if (call.method === "setMyCommands") {
      const scope = p.scope as { chat_id?: number } | undefined;
      if (scope?.chat_id === undefined) return;
      const menu = `☰ ${(p.commands as { command: string }[]).map((c) => `/${c.command}`).join(" ")}`;
      if (scope.chat_id === user.id) print(`\n${menu}`);
      else menus.set(scope.chat_id, menu);
      return;
    }
    const chatId = Number(p.chat_id);
    const mine = chatId === user.id;
    const shown: string[] = [];
    if (call.method === "sendMessage") {
      const text = String(p.text);
      const link = /\?start=([A-Za-z0-9_-]{16,64})/.exec(text);
      if (link) links.last = link[1]!;
      shown.push(text);
      const markup = p.reply_markup as { inline_keyboard?: KeyButton[][]; keyboard?: { text: string; request_contact?: boolean }[][] } | undefined;
      const rows = markup?.inline_keyboard;
      if (rows?.length) {
        const kept = keyboards.get(chatId);
        const answer = !kept || kept.fresh ? [] : kept.shown;
        const last = answer.at(-1);
        const first = last ? last.first + last.rows.flat().length : 1;
        keyboards.set(chatId, { fresh: false, shown: [...answer, { messageId: (result as { message_id: number }).message_id, text, rows, first }] });
        shown.push(numbered(rows, first));
      }
      // Telegram's share-contact button sits under the input field: here it is pressed by typing :contact.
      const contact = markup?.keyboard?.flat().find((b) => b.request_contact);
      if (contact) shown.push(`[:contact] ${contact.text}`);
    } else if (call.method === "editMessageReplyMarkup" || call.method === "editMessageText") {
      // A keyboard the bot took off a message (a pressed one is spent) or changed with it, as Telegram shows it: its
      // numbers no longer press anything (the others keep theirs); a changed one presses what it now shows.
      const kept = keyboards.get(chatId);
      const at = kept?.shown.findIndex((k) => k.messageId === Number(p.message_id)) ?? -1;
      if (!kept || at < 0) return;
      const rows = (p.reply_markup as { inline_keyboard?: KeyButton[][] } | undefined)?.inline_keyboard;
      const k = kept.shown[at]!;
      if (rows?.length) kept.shown[at] = { ...k, ...(typeof p.text === "string" ? { text: p.text } : {}), rows };
      else kept.shown.splice(at, 1);
      return;
    } else if (call.method === "answerCallbackQuery" && typeof p.text === "string") {
      print(`(${p.text})`);
    } else if (call.method === "sendDocument" || call.method === "sendPhoto") {
      // A file sent by its id (re-sent from Telegram's servers) has no name here: its id says which.
      const sentId = typeof p.document === "string" ? p.document : typeof p.photo === "string" ? p.photo : "";
      shown.push(`📄 ${call.file?.filename ?? sentId}${typeof p.caption === "string" && p.caption ? ` — ${p.caption}` : ""}`);
    }
    if (shown.length === 0) return;
    if (mine) return print(`\n${shown.join("\n")}`);
    // Someone else's message: a line here, and in full when that user is played next.
    print(`\n→ ${chatId}: ${shown[0]!.split("\n")[0]!}`);
    pending.set(chatId, [...(pending.get(chatId) ?? []), shown.join("\n")]);
  };

  /** A message's last line (the question its buttons answer, as a rule), cut to one terminal line. */
  const lastLine = (text: string) => {
    const line = text.trim().split("\n").at(-1) ?? "";
    return line.length > 100 ? `${line.slice(0, 99).trimEnd()}…` : line;
  };
  /** The live keyboards of the user played now, said to be the last answer's, each under its message's last line. */
  const showKeyboards = (shown: { text: string; rows: KeyButton[][]; first: number }[]) => {
    if (shown.length === 0) return print(`\n${i18n.both("console.noButtons")}`);
    print(`\n${i18n.both("console.buttons", { id: user.id })}`);
    for (const k of shown) print(`\n«${lastLine(k.text)}»\n${numbered(k.rows, k.first)}`);
  };

  const from = () => ({ id: user.id, is_bot: false as const, first_name: "Console", ...(user.language ? { language_code: user.language } : {}) });
  const chat = () => ({ id: user.id, type: "private" as const, first_name: "Console" });
  // A person at a terminal reads each answer before typing on, documents included.
  const send = async (update: Omit<Update, "update_id">) => {
    // Whoever is played, what the bot says next to anyone is a new answer: its keyboards are numbered from [1].
    for (const k of keyboards.values()) k.fresh = true;
    await bot.handleUpdate({ update_id: ++updateId, ...update });
    await idle?.();
  };

  // Admin rights come from ADMIN_IDS at start: a newcomer who started without it is told how to start again with it.
  const admin = adminIds.includes(user.id) ? "console.admin" : "console.becomeAdmin";
  print((["kk", "ru"] as const).map((l) => i18n.t(l)("console.intro", { id: user.id, admin: i18n.t(l)(admin, { id: user.id }) })).join("\n\n"));
  const rl = createInterface({ input, terminal: false });
  for await (const raw of rl) {
    // "# …" lines and a trailing "  # …" are comments (the README's walkthrough can be pasted as it is).
    const line = raw.replace(/\s{2,}#\s.*$/, "").trim();
    if (!line || line.startsWith("#")) continue;
    if (line === ":quit") break;
    const who = /^:user\s+(\d{1,16})(?:\s+(\S+))?$/.exec(line);
    if (who) {
      user = { id: Number(who[1]), language: who[2] };
      print(i18n.both("console.user", { id: user.id, lang: user.language ?? "—" }));
      const waiting = pending.get(user.id) ?? [];
      pending.delete(user.id);
      print(waiting.length ? i18n.both("console.pending", { id: user.id, count: waiting.length }) : i18n.both("console.noPending", { id: user.id }));
      for (const m of waiting) print(`\n${m}`);
      const menu = menus.get(user.id);
      menus.delete(user.id);
      if (menu) print(`\n${menu}`);
      // The buttons a number presses now: those of the bot's last answer with buttons to this user, said so, each under
      // its message's last line — not a bare keyboard that reads as belonging to whatever was printed above it (a
      // message without buttons they got meanwhile), as if current.
      const kb = keyboards.get(user.id);
      if (kb) showKeyboards(kb.shown);
      continue;
    }
    if (line === ":open") {
      if (!links.last) print(i18n.both("console.noLink"));
      else await send({ message: { message_id: updateId, date: Math.floor(Date.now() / 1000), chat: chat(), from: from(), text: `/start ${links.last}`, entities: [{ type: "bot_command", offset: 0, length: 6 }] } });
      continue;
    }
    const date = Math.floor(Date.now() / 1000);
    const base = () => ({ message_id: updateId, date, chat: chat(), from: from() });
    if (line === ":contact") {
      await send({ message: { ...base(), contact: { phone_number: `+7701${String(user.id).padStart(7, "0").slice(-7)}`, first_name: "Console", user_id: user.id } } });
      continue;
    }
    if (line === ":photo" || line === ":pdf") {
      const id = `console-${updateId}`;
      const media =
        line === ":photo"
          ? { photo: [{ file_id: id, file_unique_id: id, width: 1280, height: 960 }] }
          : { document: { file_id: id, file_unique_id: id, file_name: "document.pdf", mime_type: "application/pdf" } };
      await send({ message: { ...base(), ...media } });
      continue;
    }
    if (/^\d{1,2}$/.test(line)) {
      const kept = keyboards.get(user.id);
      // No keyboard yet in this run: after a restart the console cannot press the buttons shown before it.
      if (!kept) {
        print(i18n.both("console.noKeyboard"));
        continue;
      }
      // Every keyboard of the last answer was taken off (pressed): nothing is live, as in Telegram.
      if (kept.shown.length === 0) {
        print(i18n.both("console.noButtons"));
        continue;
      }
      const n = Number(line);
      const keyboard = kept.shown.find((k) => n >= k.first && n < k.first + k.rows.flat().length);
      const b = keyboard?.rows.flat()[n - keyboard.first];
      if (!keyboard || !b) {
        print(i18n.both("console.noButton", { n: line }));
        continue;
      }
      await send({
        callback_query: {
          id: String(updateId),
          from: from(),
          chat_instance: String(user.id),
          data: b.callback_data,
          message: { message_id: keyboard.messageId, date, chat: chat(), text: "" },
        },
      });
      continue;
    }
    const entities = line.startsWith("/") ? [{ type: "bot_command" as const, offset: 0, length: line.split(/\s/)[0]!.length }] : undefined;
    await send({ message: { message_id: updateId, date, chat: chat(), from: from(), text: line, ...(entities ? { entities } : {}) } });
  }
  rl.close();
};
