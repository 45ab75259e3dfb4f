// A Bot API stand-in that keeps Telegram's rate limits the way Telegram says it does, and answers 429
// ("Too Many Requests: retry after N") when they are broken: no more than 30 calls in any second from all
// the instances together, and per chat about one message a second ("we may allow short bursts": a bucket
// of 3, refilled one a second). Every call it takes is recorded with its time and the instance that made
// it; every 429 is counted by the limit that caused it. Shared by several bots as their transport.
import type { Transformer } from "grammy";

export interface Taken {
  method: string;
  chatId: number | null;
  text: string | null;
  at: number;
  instance: string;
}

/** Calls that are no messages: Telegram does not count them here either. */
const FREE = new Set(["getMe", "getUpdates", "answerCallbackQuery", "setWebhook", "deleteWebhook"]);
const intoChat = (method: string) => (method.startsWith("send") && method !== "sendChatAction") || method === "copyMessage" || method === "forwardMessage";

export class StrictTelegram {
  readonly taken: Taken[] = [];
  readonly tooMany = { global: 0, perChat: 0, asked: 0 };
  private readonly window: number[] = [];
  private readonly buckets = new Map<number, { tokens: number; at: number }>();
  /** Chats whose next message gets a 429 with this retry_after (seconds), as Telegram may for its own reasons. */
  readonly refuseNext = new Map<number, number>();
  private nextMessageId = 1;

  constructor(
    private readonly limits = { perSecond: 30, chatBurst: 3, chatIntervalMs: 1000 },
    /** Each call's way to the server: a random delay up to this many ms. */
    private readonly latencyMs = 10,
  ) {}

  private tooManyRequests(retryAfter: number) {
    return { ok: false as const, error_code: 429, description: `Too Many Requests: retry after ${retryAfter}`, parameters: { retry_after: retryAfter } };
  }

  /** The transport of one instance. */
  transport(instance: string): Transformer {
    return async (_prev, method, payload) => {
      await new Promise((r) => setTimeout(r, Math.random() * this.latencyMs));
      const p = (payload ?? {}) as { chat_id?: unknown; text?: unknown };
      const chatId = typeof p.chat_id === "number" ? p.chat_id : null;
      if (!FREE.has(method)) {
        const now = performance.now();
        if (chatId !== null && intoChat(method) && this.refuseNext.has(chatId)) {
          const after = this.refuseNext.get(chatId)!;
          this.refuseNext.delete(chatId);
          this.tooMany.asked++;
          return this.tooManyRequests(after);
        }
        while (this.window.length && now - this.window[0]! >= 1000) this.window.shift();
        if (this.window.length >= this.limits.perSecond) {
          this.tooMany.global++;
          return this.tooManyRequests(1);
        }
        if (chatId !== null && intoChat(method)) {
          const b = this.buckets.get(chatId) ?? { tokens: this.limits.chatBurst, at: now };
          b.tokens = Math.min(this.limits.chatBurst, b.tokens + (now - b.at) / this.limits.chatIntervalMs);
          b.at = now;
          this.buckets.set(chatId, b);
          if (b.tokens < 1) {
            this.tooMany.perChat++;
            return this.tooManyRequests(Math.ceil(((1 - b.tokens) * this.limits.chatIntervalMs) / 1000));
          }
          b.tokens -= 1;
        }
        this.window.push(now);
      }
      this.taken.push({ method, chatId, text: typeof p.text === "string" ? p.text : null, at: performance.now(), instance });
      const result = method.startsWith("send") ? { message_id: this.nextMessageId++, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: "private" } } : true;
      return { ok: true, result } as never;
    };
  }

  /** The most calls taken in any one second. */
  busiestSecond(): number {
    const at = this.taken.filter((t) => !FREE.has(t.method)).map((t) => t.at);
    let most = 0;
    for (let i = 0, j = 0; j < at.length; j++) {
      while (at[j]! - at[i]! >= 1000) i++;
      most = Math.max(most, j - i + 1);
    }
    return most;
  }
}
