// Delivery after a crash: each message is marked sent as soon as Telegram takes it, so a process that dies
// in the middle of a batch resends at most the one message that was in flight — at-least-once, with at
// most one duplicate per chat.
import type { Transformer } from "grammy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../bot/logger.js";
import { Store } from "../../bot/runtime/store.js";
import { newUpdateId, TEST_DATA_KEY, testBot, texts } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";

const log = createLogger("silent");
const CHAT = 4242;
let t: TestDb;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t.dispose());

describe("a crash in the middle of a batch", () => {
  it("of five messages, after Telegram took the third: the restart sends the rest, and only the third twice", async () => {
    const h = await testBot(t.db);
    // Five messages decided and stored, not yet sent.
    const outbox = [1, 2, 3, 4, 5].map((n) => ({ method: "sendMessage", payload: { chat_id: CHAT, text: `message ${n}` } }));
    await new Store(t.db.prisma, [], TEST_DATA_KEY).commit({ updateId: newUpdateId(), chatId: CHAT, userId: CHAT, stack: null, createUser: true, outbox });

    // Telegram takes the first two; the third reaches Telegram, and then the process dies: nothing after
    // that call ever runs in this process.
    let dead!: () => void;
    const died = new Promise<void>((r) => (dead = r));
    let sends = 0;
    const crashing: Transformer = async (prev, method, payload, signal) => {
      const res = await prev(method, payload, signal);
      if (method === "sendMessage" && ++sends === 3) {
        dead();
        return new Promise<never>(() => undefined);
      }
      return res;
    };
    h.bot.api.config.use(crashing);
    void h.runtime.flush(h.bot.api, log);
    await died;
    expect(texts(h.fake.sent("sendMessage", CHAT))).toEqual(["message 1", "message 2", "message 3"]);

    // A new process on the same database.
    const after = await testBot(t.db);
    expect(await after.runtime.flush(after.bot.api, log)).toBe(3);
    expect(texts(after.fake.sent("sendMessage", CHAT))).toEqual(["message 3", "message 4", "message 5"]);
    const all = [...texts(h.fake.sent("sendMessage", CHAT)), ...texts(after.fake.sent("sendMessage", CHAT))];
    expect(new Set(all)).toEqual(new Set(outbox.map((o) => o.payload.text)));
    expect(all.length - new Set(all).size).toBe(1);
    expect(await t.db.prisma.outbox.count({ where: { sentAt: null } })).toBe(0);
    expect(await after.runtime.flush(after.bot.api, log)).toBe(0);
  });
});
