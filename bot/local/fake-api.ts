// A stand-in for the Bot API, as a grammY API transformer: it records every call and answers as
// Telegram would, without a network. The local console prints what it records; tests assert on it.
import { HttpError, InputFile, type Transformer } from "grammy";
import type { UserFromGetMe } from "grammy/types";

export interface Call {
  method: string;
  payload: Record<string, unknown>;
  /** For sent messages: the id the fake gave the message. */
  messageId?: number;
  /** For an uploaded document: its name and bytes. */
  file?: { filename: string; bytes: Buffer };
}

export const CONSOLE_BOT: UserFromGetMe = {
  id: 1,
  is_bot: true,
  first_name: "Kelisim",
  username: "kelisim_local_bot",
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

/**
 * What Telegram refuses with «400 Bad Request» that a bot can get wrong by its texts' length: a message over 4,096
 * characters, a caption over 1,024, a button's data over 64 bytes — refused here too, so that no test passes with a
 * message a person would never get.
 */
const refusal = (method: string, p: Record<string, unknown>): string | null => {
  if ((method === "sendMessage" || method === "editMessageText") && typeof p.text === "string" && p.text.length > 4096) return "message is too long";
  if (typeof p.caption === "string" && p.caption.length > 1024) return "message caption is too long";
  const rows = (p.reply_markup as { inline_keyboard?: { callback_data?: string }[][] } | undefined)?.inline_keyboard ?? [];
  if (rows.some((row) => row.some((b) => b.callback_data !== undefined && Buffer.byteLength(b.callback_data) > 64))) return "BUTTON_DATA_INVALID";
  return null;
};

/** Told of every call a FakeTelegram refuses (the tests' setup fails the test that made one: test/helpers/refusals.ts). */
let refusalWatcher: ((call: Call, why: string) => void) | null = null;
export const watchRefusals = (watcher: ((call: Call, why: string) => void) | null): void => {
  refusalWatcher = watcher;
};

export class FakeTelegram {
  readonly calls: Call[] = [];
  private messageId = 1000;
  /** Called for each call as it is made (the console prints from here). */
  onCall: ((call: Call, result: unknown) => void) | null = null;
  /**
   * Makes the next calls of a method fail, to test failures: with Telegram's error `code`, or with
   * `crash` as a call cut off mid-way (a dying process, a dropped connection) that no retry can mend, or
   * with `network` as Telegram out of reach (grammY's HttpError, which is retried).
   */
  failNext = new Map<string, { code?: number; description?: string; count: number; retryAfter?: number; crash?: boolean; network?: boolean; chatId?: number }>();

  readonly transformer: Transformer = async (_prev, method, payload) => {
    const upload = Object.values((payload ?? {}) as Record<string, unknown>).find((v): v is InputFile => v instanceof InputFile);
    // An upload is recorded by its bytes; the payload keeps a mark in its place.
    const marked = Object.fromEntries(Object.entries((payload ?? {}) as Record<string, unknown>).map(([k, v]) => [k, v instanceof InputFile ? { upload: v.filename ?? "" } : v]));
    const call: Call = { method, payload: JSON.parse(JSON.stringify(marked)) as Record<string, unknown> };
    if (upload) {
      const raw = await upload.toRaw();
      call.file = { filename: upload.filename ?? "", bytes: raw instanceof Uint8Array ? Buffer.from(raw) : Buffer.alloc(0) };
    }
    const fail = this.failNext.get(method);
    if (fail && fail.count > 0 && (fail.chatId === undefined || fail.chatId === (payload as { chat_id?: unknown } | undefined)?.chat_id)) {
      fail.count--;
      if (fail.crash) throw new Error(`${method}: connection lost`);
      if (fail.network) throw new HttpError(`Network request for '${method}' failed!`, new Error("connect ECONNREFUSED"));
      return { ok: false, error_code: fail.code, description: fail.description, ...(fail.retryAfter ? { parameters: { retry_after: fail.retryAfter } } : {}) } as never;
    }
    const refused = refusal(method, call.payload);
    if (refused) {
      refusalWatcher?.(call, refused);
      return { ok: false, error_code: 400, description: `Bad Request: ${refused}` } as never;
    }
    this.calls.push(call);
    const result = this.answer(method, call.payload);
    const id = (result as { message_id?: unknown } | null)?.message_id;
    if (typeof id === "number") call.messageId = id;
    this.onCall?.(call, result);
    return { ok: true, result } as never;
  };

  private answer(method: string, p: Record<string, unknown>): unknown {
    const date = Math.floor(Date.now() / 1000);
    switch (method) {
      case "getMe":
        return CONSOLE_BOT;
      case "sendMessage":
      case "sendDocument":
      case "sendPhoto":
        return { message_id: ++this.messageId, date, chat: { id: p.chat_id, type: "private" }, text: p.text, reply_markup: p.reply_markup };
      case "editMessageText":
        return { message_id: p.message_id, date, chat: { id: p.chat_id, type: "private" }, text: p.text };
      default:
        return true;
    }
  }

  /** Calls of one method, optionally to one chat. */
  sent(method = "sendMessage", chatId?: number): Call[] {
    return this.calls.filter((c) => c.method === method && (chatId === undefined || c.payload.chat_id === chatId));
  }

  clear(): void {
    this.calls.length = 0;
  }
}
