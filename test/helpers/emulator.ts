// The Bot API emulator (telegram-test-api) on loopback, and a chat that plays a user against it.
import { createServer } from "node:net";
import * as mod from "telegram-test-api";
import { run, type RunnerHandle } from "@grammyjs/runner";
import { InputFile } from "grammy";
import type { Database } from "../../bot/db/database.js";
import { createI18n } from "../../bot/i18n.js";
import { createBot, type KelisimBot } from "../../bot/index.js";
import { createLogger } from "../../bot/logger.js";
import { TEST_DATA_KEY } from "./bot.js";
import { bound } from "./time.js";

type Server = {
  config: { apiURL: string };
  start(): Promise<void>;
  stop(): Promise<boolean>;
  getClient(token: string, opts: Record<string, unknown>): Client;
  getUpdatesHistory(token: string): HistoryItem[];
};
type Client = {
  makeCommand(text: string, opts?: object): object;
  makeMessage(text: string, opts?: object): object;
  makeCallbackQuery(data: string, opts?: object): object;
  sendCommand(m: object): Promise<unknown>;
  sendMessage(m: object): Promise<unknown>;
  sendCallback(m: object): Promise<unknown>;
};
interface HistoryItem {
  messageId: number;
  message?: { chat_id?: number | string; text?: string; reply_markup?: { inline_keyboard?: { text: string; callback_data: string }[][] } };
}
export interface BotMessage {
  id: number;
  text: string;
  buttons: { text: string; callback_data: string }[];
}

const TelegramServer = ((mod as unknown as { default?: unknown }).default ?? mod) as new (cfg: object) => Server;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

export const startEmulator = async (): Promise<Server> => {
  const server = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storeTimeout: 600 });
  await server.start();
  return server;
};

/** Bots running in this process, by token: each says when it has nothing left to send. */
const IDLE = new Map<string, () => Promise<void>>();

export class EmulatorChat {
  private readonly client: Client;
  private seen = 0;
  constructor(
    private readonly server: Server,
    private readonly token: string,
    readonly id: number,
    private readonly lang?: string,
  ) {
    this.client = server.getClient(token, { userId: id, chatId: id, firstName: "E2E", timeout: 5000 });
    this.seen = this.all().length;
  }

  private get meta() {
    return this.lang ? { from: { language_code: this.lang } } : {};
  }

  /** Every message the bot sent to this chat, as the emulator keeps it (edits applied). */
  all(): BotMessage[] {
    return this.server
      .getUpdatesHistory(this.token)
      .filter((u) => u.message?.chat_id !== undefined && Number(u.message.chat_id) === this.id)
      .map((u) => ({ id: u.messageId, text: u.message!.text ?? "", buttons: (u.message!.reply_markup?.inline_keyboard ?? []).flat() }));
  }

  async send(text: string, expected: number): Promise<BotMessage[]> {
    if (text.startsWith("/")) await this.client.sendCommand(this.client.makeCommand(text, this.meta));
    else await this.client.sendMessage(this.client.makeMessage(text, this.meta));
    return this.replies(expected);
  }

  /** Sends a document (a file already on Telegram's servers, by its id), as the phone would. */
  async document(fileId: string, mime: string, expected: number): Promise<BotMessage[]> {
    await this.client.sendMessage(this.client.makeMessage("", { ...this.meta, text: undefined, document: { file_id: fileId, file_unique_id: `${fileId}-u`, mime_type: mime, file_name: "file" } }));
    return this.replies(expected);
  }

  /** Presses the button labelled `label` on the newest message that shows it. */
  async press(label: string, expected: number): Promise<BotMessage[]> {
    const msg = [...this.all()].reverse().find((m) => m.buttons.some((b) => b.text === label));
    if (!msg) throw new Error(`no button "${label}" in ${JSON.stringify(this.all().map((m) => m.buttons.map((b) => b.text)))}`);
    const data = msg.buttons.find((b) => b.text === label)!.callback_data;
    await this.client.sendCallback(this.client.makeCallbackQuery(data, { message: { message_id: msg.id }, ...this.meta }));
    return this.replies(expected);
  }

  /** Sends raw callback data, as a forged button would, against the newest message. */
  async pressData(data: string, expected: number): Promise<BotMessage[]> {
    const last = this.all().at(-1);
    await this.client.sendCallback(this.client.makeCallbackQuery(data, { message: { message_id: last?.id ?? 1 }, ...this.meta }));
    return this.replies(expected);
  }

  /**
   * Waits for `expected` new messages (20 s at most on an idle machine, scaled for a loaded one), then for
   * whatever else the bot still had to send (a PDF made in a worker and the messages behind it), so that an
   * extra message shows up here and not in the next step. A bot in this process says when it has nothing left
   * to send; for a bot in another process (main.test.ts), a moment more is all the test can give.
   */
  async replies(expected: number): Promise<BotMessage[]> {
    const deadline = Date.now() + bound(20_000);
    while (this.all().length - this.seen < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    // Fewer than expected is a failure here, not a slow pass: a count too high would cost every run the whole bound.
    if (this.all().length - this.seen < expected) throw new Error(`chat ${this.id}: expected ${expected} new messages, got ${this.all().length - this.seen}: ${JSON.stringify(this.all().slice(this.seen).map((m) => m.text.slice(0, 60)))}`);
    const idle = IDLE.get(this.token);
    await (idle ? idle() : new Promise((r) => setTimeout(r, 100)));
    const fresh = this.all().slice(this.seen);
    this.seen += fresh.length;
    return fresh;
  }
}

/** Bot API methods telegram-test-api does not implement: answered here, and recorded (files by their bytes). */
const EMULATOR_LACKS = new Set(["setMyCommands", "sendDocument", "sendChatAction", "sendPhoto"]);
export interface SentFile {
  chatId: number;
  name: string;
  text: string;
}

/**
 * The real bot polling the emulator with the runner, on a controllable clock. `files` collects the
 * documents it sent (the emulator takes no uploads); `stop` ends the runner, as a process would end.
 */
export const startEmulatorBot = async (
  server: Server,
  token: string,
  db: Database,
  opts: { adminIds?: number[]; now?: () => Date; files?: SentFile[] } = {},
): Promise<KelisimBot & { stop(): Promise<void> }> => {
  const i18n = await createI18n();
  const deps = {
    db,
    i18n,
    logger: createLogger(process.env.TEST_LOG ?? "silent"),
    adminIds: opts.adminIds ?? [],
    timeZone: "Asia/Almaty",
    dataKey: TEST_DATA_KEY,
    staffChatId: null,
    // The journeys here drive one user faster than a person can: the per-user limit is tested on its own.
    userLimit: { updates: 1_000_000, windowMs: 1000 },
    // Telegram's send rates too (jobs.test.ts, instances.test.ts; main.test.ts runs npm start with them): paced,
    // every step of a journey waited about a second per message past the third, and the suite minutes.
    sendLimits: null,
    ...(opts.now ? { now: opts.now } : {}),
  };
  const kb = createBot(token, deps, { apiRoot: server.config.apiURL });
  kb.bot.api.config.use(async (prev, method, payload, signal) => {
    if (!EMULATOR_LACKS.has(method)) return prev(method, payload, signal);
    const p = payload as { chat_id?: number; document?: unknown };
    if (method === "sendDocument" && p.document instanceof InputFile) {
      const raw = await p.document.toRaw();
      opts.files?.push({ chatId: Number(p.chat_id), name: p.document.filename ?? "", text: raw instanceof Uint8Array ? Buffer.from(raw).toString("utf8") : "" });
    }
    return { ok: true, result: true } as never;
  });
  await kb.bot.init();
  const runner: RunnerHandle = run(kb.bot, { runner: { fetch: { timeout: 1 } } });
  IDLE.set(token, () => kb.runtime.idle());
  return {
    ...kb,
    stop: async () => {
      if (IDLE.get(token)) IDLE.delete(token);
      if (runner.isRunning()) await runner.stop();
    },
  };
};

const JOIN = {
  ru: { staffTitle: "Секретарь комиссии", mediatorTitle: "Реестр медиаторов № 123, Палата медиаторов", adminTitle: "Специалист управления здравоохранения", accept: "Принимаю" },
  kk: { staffTitle: "Комиссия хатшысы", mediatorTitle: "Медиаторлар тізілімі № 123, Медиаторлар палатасы", adminTitle: "Денсаулық сақтау басқармасының маманы", accept: "Қабылдаймын" },
};
/** An admin's first /admin: their door (full name, position, the admin's terms); returns the acceptance and the admin's home. */
export const openAdminDoor = async (chat: EmulatorChat, lang: "kk" | "ru", fullName = "Жумабаев Арман Серикович"): Promise<BotMessage[]> => {
  await chat.send("/admin", 1);
  await chat.send(fullName, 1);
  await chat.send(JOIN[lang].adminTitle, 1);
  return chat.press(JOIN[lang].accept, 2);
};
/** Opens a staff or mediator invite link and answers its front door: full name, position or registry details, the terms. */
export const joinByLink = async (chat: EmulatorChat, link: string, lang: "kk" | "ru", role: "staff" | "mediator", fullName: string): Promise<BotMessage[]> => {
  await chat.send(`/start ${link}`, 1);
  await chat.send(fullName, 1);
  await chat.send(role === "staff" ? JOIN[lang].staffTitle : JOIN[lang].mediatorTitle, 1);
  return chat.press(JOIN[lang].accept, 2);
};
