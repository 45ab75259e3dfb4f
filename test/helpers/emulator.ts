// The Bot API emulator (telegram-test-api) on loopback, and a chat that plays a user against it.
import { createServer } from "node:net";
import * as mod from "telegram-test-api";

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

  /** Waits for `expected` new messages (5 s at most), then a moment more to catch any extra. */
  async replies(expected: number): Promise<BotMessage[]> {
    const deadline = Date.now() + 5000;
    while (this.all().length - this.seen < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100));
    const fresh = this.all().slice(this.seen);
    this.seen += fresh.length;
    return fresh;
  }
}
