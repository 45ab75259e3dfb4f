// The real bot on a real database, with the Bot API replaced by a recorder (grammY's own tests do this).
import { randomBytes } from "node:crypto";
import type { Transformer } from "grammy";
import type { Update } from "grammy/types";
import type { JobHandler } from "../../bot/jobs/jobs.js";
import type { Flows } from "../../machines/chat.js";
import type { Database } from "../../bot/db/database.js";
import { createI18n, type I18n } from "../../bot/i18n.js";
import { createBot, type KelisimBot } from "../../bot/index.js";
import { CONSOLE_BOT, FakeTelegram, type Call } from "../../bot/local/fake-api.js";
import { createLogger, type Logger } from "../../bot/logger.js";
import type { RetryOptions } from "../../bot/runtime/retry.js";
import type { SendLimits } from "../../bot/runtime/pace.js";

let nextUpdateId = 1;
/** Update ids are unique across every harness of a test file, as Telegram's are. */
export const newUpdateId = () => nextUpdateId++;

export interface Harness extends KelisimBot {
  fake: FakeTelegram;
  i18n: I18n;
  user(id: number, languageCode?: string): TestUser;
}

/** One key for every harness of a test run, as one deployment has one DATA_KEY. */
export const TEST_DATA_KEY = randomBytes(32);

/** The deployment settings a test harness runs with, for tests that call features or jobs directly. */
export const testDeployment = () => ({
  timeZone: "Asia/Almaty",
  dataKey: TEST_DATA_KEY,
  staffChatId: null,
  mediationDays: 30,
  retentionDays: 1095,
  botUsername: () => "kelisim_local_bot",
  adminIds: [] as number[],
  termsVersions: { staff: "test", mediator: "test", admin: "test" },
  consentVersions: { applicant: "test", relative: "test" },
});

export const testBot = async (
  db: Database,
  opts: {
    adminIds?: number[];
    flows?: Flows;
    now?: () => Date;
    staffChatId?: number;
    /** Telegram's limits kept before each call; none unless asked for (they are tested on their own). */
    sendLimits?: SendLimits;
    logger?: Logger;
    userLimit?: { updates: number; windowMs: number };
    retry?: Partial<RetryOptions>;
    /** Tells instances sharing one database apart (their outbox leases). */
    instanceId?: string;
    /** Another Bot API stand-in in place of the recorder (then `fake` records nothing). */
    transport?: Transformer;
    jobHandlers?: Record<string, JobHandler>;
  } = {},
): Promise<Harness> => {
  const i18n = await createI18n();
  const fake = new FakeTelegram();
  const deps = {
    db,
    i18n,
    logger: opts.logger ?? createLogger(process.env.TEST_LOG ?? "silent"),
    adminIds: opts.adminIds ?? [],
    timeZone: "Asia/Almaty",
    dataKey: TEST_DATA_KEY,
    staffChatId: opts.staffChatId ?? null,
    sendLimits: opts.sendLimits ?? null,
    // Tests drive one user far faster than a person can: the per-user limit is tested on its own (abuse.test.ts).
    userLimit: opts.userLimit ?? { updates: 1_000_000, windowMs: 1000 },
    ...(opts.retry ? { retry: opts.retry } : {}),
    ...(opts.flows ? { flows: opts.flows } : {}),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.instanceId ? { instanceId: opts.instanceId } : {}),
    ...(opts.jobHandlers ? { jobHandlers: opts.jobHandlers } : {}),
  };
  const kb = createBot("1:test", deps, { botInfo: CONSOLE_BOT, transport: opts.transport ?? fake.transformer });
  const h: Harness = { ...kb, fake, i18n, user: (id, lang) => new TestUser(h, id, lang) };
  return h;
};

export interface Keyboard {
  messageId: number;
  buttons: { text: string; callback_data: string }[][];
}

export class TestUser {
  constructor(
    readonly h: Harness,
    readonly id: number,
    readonly languageCode?: string,
  ) {}

  private get from() {
    return { id: this.id, is_bot: false as const, first_name: "Test", ...(this.languageCode ? { language_code: this.languageCode } : {}) };
  }

  messageUpdate(text: string, updateId = newUpdateId()): Update {
    const entities = text.startsWith("/") ? [{ type: "bot_command" as const, offset: 0, length: text.split(/\s/)[0]!.length }] : undefined;
    return {
      update_id: updateId,
      message: { message_id: updateId, date: 1, chat: { id: this.id, type: "private", first_name: "Test" }, from: this.from, text, ...(entities ? { entities } : {}) },
    };
  }

  /** Sends a text (or /command) and returns the calls the bot made for it. */
  async send(text: string): Promise<Call[]> {
    return this.deliver(this.messageUpdate(text));
  }

  /** The person changes a message they sent before (Telegram's edited_message), to `text`. */
  async edit(messageId: number, text: string): Promise<Call[]> {
    return this.deliver({
      update_id: newUpdateId(),
      edited_message: { message_id: messageId, date: 1, edit_date: 2, chat: { id: this.id, type: "private", first_name: "Test" }, from: this.from, text },
    });
  }

  async sticker(): Promise<Call[]> {
    const id = newUpdateId();
    return this.deliver({
      update_id: id,
      message: {
        message_id: id,
        date: 1,
        chat: { id: this.id, type: "private", first_name: "Test" },
        from: this.from,
        sticker: { file_id: "s", file_unique_id: "s", type: "regular", width: 1, height: 1, is_animated: false, is_video: false },
      },
    });
  }

  /** `messageId`: the message's own number (by default the update's): an album's updates may come in another order than their messages'. */
  private message(extra: Record<string, unknown>, messageId?: number): Update {
    const id = newUpdateId();
    return { update_id: id, message: { message_id: messageId ?? id, date: 1, chat: { id: this.id, type: "private", first_name: "Test" }, from: this.from, ...extra } };
  }

  /**
   * A photo; `album`: the media_group_id it shares with the other files sent together with it; `caption`: text sent with it;
   * `messageId`: its message's number, when it is not the order it arrives in (an album's photos may come in any order).
   */
  async photo(fileId = "photo-1", album?: string, caption?: string, messageId?: number): Promise<Call[]> {
    return this.deliver(
      this.message(
        {
          photo: [{ file_id: `${fileId}-small`, file_unique_id: `${fileId}-s`, width: 90, height: 90 }, { file_id: fileId, file_unique_id: `${fileId}-u`, width: 1280, height: 960 }],
          ...(album ? { media_group_id: album } : {}),
          ...(caption ? { caption } : {}),
        },
        messageId,
      ),
    );
  }

  /** A video; `album`: the media_group_id it shares with the other files sent together with it. */
  async video(album?: string): Promise<Call[]> {
    const id = newUpdateId();
    return this.deliver(this.message({ video: { file_id: `v${id}`, file_unique_id: `v${id}`, width: 1, height: 1, duration: 3 }, ...(album ? { media_group_id: album } : {}) }));
  }

  /**
   * An album of photos: `fileIds` in the order the person chose them (Telegram numbers their messages so), arriving one
   * update a photo in the order `arrival` gives (indexes into `fileIds`) — Telegram's updates of an album may come in any order.
   */
  async album(fileIds: string[], group: string, arrival: number[] = fileIds.map((_, i) => i)): Promise<Call[]> {
    const first = newUpdateId();
    for (let i = 1; i < fileIds.length; i++) newUpdateId();
    const calls: Call[] = [];
    for (const i of arrival) calls.push(...(await this.photo(fileIds[i], group, undefined, first + i)));
    return calls;
  }

  /** A document; `album` as for a photo; `caption`: text sent with it; `messageId`: its message's number (the next update's by default). */
  async document(mime: string, fileId = "doc-1", album?: string, caption?: string, messageId?: number): Promise<Call[]> {
    return this.deliver(
      this.message({ document: { file_id: fileId, file_unique_id: `${fileId}-u`, mime_type: mime, file_name: "x" }, ...(album ? { media_group_id: album } : {}), ...(caption ? { caption } : {}) }, messageId),
    );
  }

  /** Shares a contact: the user's own unless `ownerId` says whose. */
  async contact(phone: string, ownerId: number | null = this.id): Promise<Call[]> {
    return this.deliver(this.message({ contact: { phone_number: phone, first_name: "C", ...(ownerId === null ? {} : { user_id: ownerId }) } }));
  }

  buttonUpdate(data: string, messageId: number, updateId = newUpdateId()): Update {
    return {
      update_id: updateId,
      callback_query: {
        id: `cq${updateId}`,
        from: this.from,
        chat_instance: "ci",
        data,
        message: { message_id: messageId, date: 1, chat: { id: this.id, type: "private", first_name: "Test" }, text: "" },
      },
    };
  }

  /** Presses the button whose label is `label` on the newest message that has it. */
  async press(label: string): Promise<Call[]> {
    const kb = this.keyboardWith(label);
    const b = kb.buttons.flat().find((x) => x.text === label)!;
    return this.deliver(this.buttonUpdate(b.callback_data, kb.messageId));
  }

  /** Sends raw callback data, as a forged or outdated button would. */
  async pressData(data: string, messageId = 1): Promise<Call[]> {
    return this.deliver(this.buttonUpdate(data, messageId));
  }

  keyboardWith(label: string): Keyboard {
    const kbs = this.keyboards().reverse();
    const kb = kbs.find((k) => k.buttons.flat().some((b) => b.text === label));
    if (!kb) throw new Error(`no button "${label}" among ${JSON.stringify(kbs.map((k) => k.buttons.flat().map((b) => b.text)))}`);
    return kb;
  }

  /** Every keyboard sent to this user, oldest first, with the message id the fake gave it. */
  keyboards(): Keyboard[] {
    return this.h.fake.calls
      .filter((c) => c.method === "sendMessage" && c.payload.chat_id === this.id && (c.payload.reply_markup as { inline_keyboard?: unknown } | undefined)?.inline_keyboard)
      .map((c) => ({
        messageId: c.messageId ?? 0,
        buttons: (c.payload.reply_markup as { inline_keyboard: Keyboard["buttons"] }).inline_keyboard,
      }));
  }

  async deliver(update: Update): Promise<Call[]> {
    const before = this.h.fake.calls.length;
    await this.h.bot.handleUpdate(update);
    // A document (and what follows it in its chat) is sent after the update returns: what the user sees
    // in answer to this update includes it.
    await this.h.runtime.idle();
    return this.h.fake.calls.slice(before);
  }
}

/** The chat's messages as its reader sees them after these calls: each sent message with its edits applied. */
export const shown = (calls: Call[], chatId: number): string[] => {
  const byId = new Map<number, string>();
  for (const c of calls) {
    if (c.payload.chat_id !== chatId) continue;
    if (c.method === "sendMessage" && c.messageId !== undefined) byId.set(c.messageId, String(c.payload.text));
    if (c.method === "editMessageText" && byId.has(Number(c.payload.message_id))) byId.set(Number(c.payload.message_id), String(c.payload.text));
  }
  return [...byId.values()];
};

/** The texts of sendMessage calls. */
export const texts = (calls: Call[]): string[] => calls.filter((c) => c.method === "sendMessage").map((c) => String(c.payload.text));
/** The texts of sendMessage calls to one chat. */
export const textsTo = (calls: Call[], chatId: number): string[] => texts(calls.filter((c) => c.payload.chat_id === chatId));
/** The button labels of the last message with buttons. */
export const buttons = (calls: Call[]): string[] => {
  const last = calls.filter((c) => c.method === "sendMessage" && c.payload.reply_markup).at(-1);
  return last ? (last.payload.reply_markup as Keyboard & { inline_keyboard: Keyboard["buttons"] }).inline_keyboard.flat().map((b) => b.text) : [];
};

/**
 * What reached a chat, in order, as its reader scrolls it: "message", "message+buttons", "document" or
 * "photo" (chat actions, menus and spent keyboards left out).
 */
export const seen = (calls: Call[], chatId: number): string[] =>
  calls
    .filter((c) => c.payload.chat_id === chatId && /^send(Message|Document|Photo)$/.test(c.method))
    .map((c) =>
      c.method === "sendMessage"
        ? (c.payload.reply_markup as { inline_keyboard?: unknown[] } | undefined)?.inline_keyboard?.length
          ? "message+buttons"
          : "message"
        : c.method === "sendDocument"
          ? "document"
          : "photo",
    );

/**
 * Holds the bot's calls of `method` (every one, until released) before they reach the Bot API: `reached`
 * resolves when the first is held; `release()` lets them all go on.
 */
export const holdCalls = (h: Harness, method: string): { reached: Promise<void>; release: () => void } => {
  let reach!: () => void;
  const reached = new Promise<void>((r) => (reach = r));
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  h.bot.api.config.use(async (prev, m, payload, signal) => {
    if (m === method) {
      reach();
      await released;
    }
    return prev(m, payload, signal);
  });
  return { reached, release };
};

/** Letters only Kazakh has: a Russian text has none, a Kazakh one (with Cyrillic words) at least one. */
const KK_LETTERS = /[әғқңөұүһіӘҒҚҢӨҰҮҺІ]/;
/** Whether a text reads as the language said (a heuristic of letters): the refusal tests' check of the reply's language. */
export const inLanguage = (text: string, lang: "kk" | "ru"): boolean => (lang === "ru" ? !KK_LETTERS.test(text) : KK_LETTERS.test(text) || !/[а-яё]/i.test(text));
