// The local console: a terminal chat with the same bot, on the same database, with no Telegram.
// Typed text is a message (a /command too); a number presses that button of the last keyboard;
// ":user ID [kk|ru|en]" plays another user (a relative, staff, a mediator); ":contact" shares the user's
// own phone number, ":photo" and ":pdf" send a file, as the phone would; ":quit" leaves.
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
}

export const runConsole = async ({ bot, fake, i18n, input, output, user: first }: ConsoleOptions): Promise<void> => {
  let user: ConsoleUser = first ?? { id: 100001, language: undefined };
  // Unique across restarts, so the database does not take them for redelivered updates.
  let updateId = Date.now() * 100;
  const state: { keyboard: { messageId: number; buttons: KeyButton[] } | null } = { keyboard: null };
  const print = (s: string) => output.write(s + "\n");

  fake.onCall = (call: Call, result: unknown) => {
    const p = call.payload;
    const mine = p.chat_id === user.id;
    if (call.method === "sendMessage") {
      const prefix = mine ? "" : `→ ${String(p.chat_id)}: `;
      print(`\n${prefix}${String(p.text)}`);
      const rows = (p.reply_markup as { inline_keyboard?: KeyButton[][] } | undefined)?.inline_keyboard;
      if (mine && rows?.length) {
        const buttons = rows.flat();
        state.keyboard = { messageId: (result as { message_id: number }).message_id, buttons };
        print(rows.map((row) => row.map((b) => `[${buttons.indexOf(b) + 1}] ${b.text}`).join("   ")).join("\n"));
      }
    } else if (call.method === "answerCallbackQuery" && typeof p.text === "string") {
      print(`(${p.text})`);
    } else if (call.method === "sendDocument" && mine) {
      print(`\n📄 ${call.file?.filename ?? ""} — ${typeof p.caption === "string" ? p.caption : ""}`);
    }
  };

  const from = () => ({ id: user.id, is_bot: false as const, first_name: "Console", ...(user.language ? { language_code: user.language } : {}) });
  const chat = () => ({ id: user.id, type: "private" as const, first_name: "Console" });
  const send = async (update: Omit<Update, "update_id">) => bot.handleUpdate({ update_id: ++updateId, ...update });

  print(i18n.both("console.intro"));
  const rl = createInterface({ input, terminal: false });
  for await (const raw of rl) {
    const line = raw.trim();
    if (!line) continue;
    if (line === ":quit") break;
    const who = /^:user\s+(\d{1,15})(?:\s+(\S+))?$/.exec(line);
    if (who) {
      user = { id: Number(who[1]), language: who[2] };
      state.keyboard = null;
      print(i18n.both("console.user", { id: user.id, lang: user.language ?? "—" }));
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
      const keyboard = state.keyboard;
      const b = keyboard?.buttons[Number(line) - 1];
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
