// Delivery after a crash: each message is marked sent as soon as Telegram takes it, so a process that dies
// in the middle of a batch resends at most the one message that was in flight — at-least-once, with at
// most one duplicate per chat.
import type { Transformer } from "grammy";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createLogger } from "../../bot/logger.js";
import { Store } from "../../bot/runtime/store.js";
import { sayTo } from "../../bot/core/effects.js";
import type { JobHandler } from "../../bot/jobs/jobs.js";
import { buttons, holdCalls, newUpdateId, TEST_DATA_KEY, testBot, texts } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { fileNotice } from "../helpers/notice.js";
import { bound } from "../helpers/time.js";

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

describe("the sender when the database or a chat's earlier delivery fails", () => {
  const sendRow = (chat: number, text: string) =>
    new Store(t.db.prisma, [], TEST_DATA_KEY).commit({ updateId: newUpdateId(), chatId: chat, userId: chat, stack: null, createUser: true, outbox: [{ method: "sendMessage", payload: { chat_id: chat, text } }] });
  /** "hung" when `p` has not settled within a bound far above its time (3 s idle, scaled with the machine's load). */
  const within = <T>(p: Promise<T>, ms = bound(3000)) => Promise.race([p.then(() => "returned" as const), new Promise<"hung">((r) => setTimeout(() => r("hung"), ms))]);

  it("marks of many chats at once go in one statement after the one in flight; each is reported only once stored, and a failed statement fails only its own", async () => {
    const store = new Store(t.db.prisma, [], TEST_DATA_KEY);
    const chats = Array.from({ length: 20 }, (_, i) => 4400 + i);
    const ids = (await Promise.all(chats.map((c) => sendRow(c, `to ${c}`)))).flatMap((rows) => rows!.map((r) => r.id));
    const unsent = async (of: bigint[]) => t.db.prisma.outbox.count({ where: { id: { in: of }, sentAt: null } });
    const query = vi.spyOn(store["sql"], "query");
    // The first statement fails (the database hiccups): only the first mark, which it carried, fails.
    query.mockRejectedValueOnce(new Error("database down"));
    const outcomes = await Promise.all(
      ids.map(async (id) => {
        try {
          await store.markSent([id]);
        } catch {
          return "failed";
        }
        // Reported stored: it is stored.
        return (await unsent([id])) === 0 ? "stored" : "reported but not stored";
      }),
    );
    expect(outcomes).toEqual(["failed", ...ids.slice(1).map(() => "stored")]);
    // The first alone, then the 19 that came meanwhile together.
    expect(query).toHaveBeenCalledTimes(2);
    expect(await unsent(ids)).toBe(1);
    query.mockRestore();
  });

  it("a mark that fails once (the database hiccups) neither holds the sender forever nor is lost", async () => {
    const h = await testBot(t.db);
    const chat = 4300;
    await sendRow(chat, "only message");
    const spy = vi.spyOn(Store.prototype, "markSent").mockRejectedValueOnce(new Error("database down"));
    try {
      expect(await within(h.runtime.flush(h.bot.api, log))).toBe("returned");
      expect(await within(h.runtime.idle())).toBe("returned");
    } finally {
      spy.mockRestore();
    }
    expect(texts(h.fake.sent("sendMessage", chat))).toEqual(["only message"]);
    // Telegram took it: it is marked sent (the mark tried again), so no later flush sends it twice.
    expect(await t.db.prisma.outbox.count({ where: { chatId: chat, sentAt: null } })).toBe(0);
  });

  it("a chat's older rows re-read from the outbox are not sent again when the update that wrote them queues them", async () => {
    const h = await testBot(t.db);
    const u = h.user(4301, "ru");
    // The chat's delivery fails: it has a backlog.
    h.fake.failNext.set("sendMessage", { crash: true, count: 1 });
    await u.send("/start");
    h.fake.failNext.clear();
    expect(await t.db.prisma.outbox.count({ where: { chatId: u.id, sentAt: null } })).toBeGreaterThan(0);
    // A button is pressed: its rows are committed, and the update waits for Telegram's answer to the button…
    const { reached, release } = holdCalls(h, "answerCallbackQuery");
    const before = h.fake.calls.length;
    const pressed = h.bot.handleUpdate(u.buttonUpdate("no-such-button", 1));
    await reached;
    // …while a job's message for the chat goes out, with the chat's backlog re-read first.
    await sendRow(u.id, "a reminder");
    const [row] = await t.db.prisma.outbox.findMany({ where: { chatId: u.id, sentAt: null }, orderBy: { id: "desc" }, take: 1 });
    await h.runtime.send([{ id: row!.id, chatId: u.id, method: "sendMessage", payload: { chat_id: u.id, text: "a reminder" }, leaseUntil: row!.leaseUntil!.getTime() }], h.bot.api, log);
    release();
    await pressed;
    await h.runtime.idle();
    // Each row once: the two the failure left, the press's two (the spent keyboard, the consent's question asked again —
    // its last line, the whole text being on screen), the reminder.
    const calls = h.fake.calls.slice(before).filter((c) => c.method !== "answerCallbackQuery");
    expect(calls.map((c) => `${c.method} ${(typeof c.payload.text === "string" ? c.payload.text : "").slice(0, 12)}`)).toEqual([
      "sendMessage Здравствуйте",
      "sendMessage О персональн",
      "editMessageReplyMarkup ",
      "sendMessage Согласны ли ",
      "sendMessage a reminder",
    ]);
    expect(await t.db.prisma.outbox.count({ where: { chatId: u.id, sentAt: null } })).toBe(0);
  });
});

describe("messages kept after a failure are tried again without waiting for the user", () => {
  it("Telegram unreachable for the answer to /start: the next jobs run sends it, though the user writes nothing more", async () => {
    const h = await testBot(t.db);
    const u = h.user(4400, "ru");
    // The connection is lost in the middle of the call (a failure the auto-retry does not retry itself).
    h.fake.failNext.set("sendMessage", { crash: true, count: 1 });
    await u.send("/start");
    expect(h.fake.sent("sendMessage", u.id)).toEqual([]);
    expect(await t.db.prisma.outbox.count({ where: { chatId: u.id, sentAt: null } })).toBeGreaterThan(0);
    await h.runtime.runJobs(new Date(), h.bot.api, log);
    expect(texts(h.fake.sent("sendMessage", u.id)).join("\n")).toContain("Здравствуйте");
    expect(await t.db.prisma.outbox.count({ where: { chatId: u.id, sentAt: null } })).toBe(0);
  });

  it("a document that cannot be made is given up after five tries, and the chat's later messages go out", async () => {
    const h = await testBot(t.db);
    const chat = 4401;
    // A notice PDF whose row names no case the builder can read (a bug, or data gone), then a message.
    await new Store(t.db.prisma, [], TEST_DATA_KEY).commit({
      updateId: newUpdateId(),
      chatId: chat,
      userId: chat,
      stack: null,
      createUser: true,
      outbox: [
        { method: "@noticePdf", payload: { chat_id: chat, language: "ru", caseId: "not a case" } },
        { method: "sendMessage", payload: { chat_id: chat, text: "after the document" } },
      ],
    });
    // While the database does not answer, failures are not counted: a long outage loses no document.
    const down = vi.spyOn(Store.prototype, "reachable").mockResolvedValue(false);
    try {
      await h.runtime.flush(h.bot.api, log);
      for (let run = 0; run < 6; run++) await h.runtime.runJobs(new Date(), h.bot.api, log);
    } finally {
      down.mockRestore();
    }
    expect(h.fake.sent("sendMessage", chat)).toEqual([]);
    await h.runtime.runJobs(new Date(), h.bot.api, log);
    for (let run = 2; run < 5; run++) {
      // Tries 1 to 4: kept, and the message behind it waits its turn.
      expect(h.fake.sent("sendMessage", chat)).toEqual([]);
      await h.runtime.runJobs(new Date(), h.bot.api, log);
    }
    expect(h.fake.sent("sendMessage", chat)).toEqual([]);
    await h.runtime.runJobs(new Date(), h.bot.api, log);
    // The reader is told, before the chat's later messages, in the row's language, with a way to ask again.
    expect(texts(h.fake.sent("sendMessage", chat))).toEqual([
      "Не удалось подготовить файл: обращение (PDF). Ваши данные в боте сохранены — не подготовлен только сам файл. Нажмите кнопку ниже, и я попробую ещё раз.",
      "after the document",
    ]);
    expect(buttons(h.fake.sent("sendMessage", chat))).toEqual(["Подготовить файл ещё раз"]);
    expect(h.fake.sent("sendDocument", chat)).toEqual([]);
    expect(await t.db.prisma.outbox.count({ where: { chatId: chat, sentAt: null } })).toBe(0);
  });

  it("a document given up can be asked for once more with the button under the message saying so — from its own chat only, and once", async () => {
    const h = await testBot(t.db);
    const u = h.user(4402, "kk");
    await fileNotice(u, "kk");
    const k = await t.db.prisma.case.findFirstOrThrow({ where: { participants: { some: { userId: BigInt(u.id) } } } });
    expect(h.fake.sent("sendDocument", u.id)).toHaveLength(1);
    // The case's sealed part cannot be read for a while (restored from a backup half-way, say): its notice cannot be made.
    const sealed = k.sensitive;
    await t.db.prisma.case.update({ where: { id: k.id }, data: { sensitive: "garbled" } });
    await new Store(t.db.prisma, [], TEST_DATA_KEY).commit({
      updateId: newUpdateId(),
      chatId: u.id,
      userId: u.id,
      stack: null,
      createUser: false,
      outbox: [{ method: "@noticePdf", payload: { chat_id: u.id, language: "kk", caseId: k.id } }],
    });
    await h.runtime.flush(h.bot.api, log);
    for (let run = 1; run < 5; run++) await h.runtime.runJobs(new Date(), h.bot.api, log);
    const told = texts(h.fake.sent("sendMessage", u.id)).at(-1);
    expect(told).toBe("Файлды дайындау мүмкін болмады: өтініш (PDF). Боттағы деректеріңіз сақталды — тек файлдың өзі дайындалмады. Төмендегі батырманы бассаңыз, қайтадан дайындап көремін.");
    const again = u.keyboardWith("Файлды қайта дайындау").buttons.flat().find((b) => b.text === "Файлды қайта дайындау")!.callback_data;
    expect(h.fake.sent("sendDocument", u.id)).toHaveLength(1);
    await t.db.prisma.case.update({ where: { id: k.id }, data: { sensitive: sealed } });

    // Another user pressing the same button (forged) gets nothing of it.
    const other = h.user(4403, "ru");
    await other.send("/start");
    expect(texts(await other.pressData(again))).toContain("Эта кнопка устарела.");
    expect(h.fake.sent("sendDocument", other.id)).toEqual([]);
    expect(h.fake.sent("sendDocument", u.id)).toHaveLength(1);

    const got = await u.press("Файлды қайта дайындау");
    const docs = got.filter((c) => c.method === "sendDocument" && c.payload.chat_id === u.id);
    expect(docs.map((c) => c.payload.caption)).toEqual([`Өтініш ${k.number} — медициналық ұйымға беру үшін.`]);
    // Once: pressed again, the button is spent.
    const twice = await u.press("Файлды қайта дайындау");
    expect(texts(twice)).toContain("Бұл батырма ескірген.");
    expect(twice.filter((c) => c.method === "sendDocument")).toEqual([]);
  });
});

describe("a chat's messages in the order they were stored", () => {
  const KIND = "order_reminder";
  const reminders: Record<string, JobHandler> = {
    [KIND]: (_tx, job) => Promise.resolve([sayTo({ chatId: Number(job.payload.chatId), lang: "ru" }, "common.text", { text: "reminder" })]),
  };
  it("a reminder stored while a pressed button is being answered goes out after that button's messages, not before", async () => {
    const h = await testBot(t.db, { jobHandlers: reminders });
    const u = h.user(5151, "ru");
    const label = buttons(await u.send("/start"))[0]!;
    const due = new Date();
    await t.db.prisma.scheduledJob.create({ data: { kind: KIND, dueAt: due, payload: { chatId: u.id }, dedupeKey: "order:1" } });
    const stored = () => t.db.prisma.outbox.count({ where: { chatId: BigInt(u.id), method: "sendMessage" } });
    const before = await stored();
    // The press is stored; answering the button takes a while (Telegram slow: its retries take seconds).
    const held = holdCalls(h, "answerCallbackQuery");
    const pressing = u.press(label);
    await held.reached;
    expect(await stored()).toBeGreaterThan(before);
    // Meanwhile the chat's reminder is due: stored after the press's messages.
    await h.runtime.runJobs(due, h.bot.api, log);
    held.release();
    await pressing;
    await h.runtime.idle();
    const sent = texts(h.fake.sent("sendMessage", u.id));
    // Before, the press's messages were queued only once the button was answered: the reminder went first.
    expect(sent.at(-1)).toBe("reminder");
    expect(sent.filter((s) => s === "reminder")).toHaveLength(1);
  });
});

describe("a message Telegram took is not sent again when only the database failed after it", () => {
  const commitOne = (chat: number, text: string, slot?: string) =>
    new Store(t.db.prisma, [], TEST_DATA_KEY).commit({ updateId: newUpdateId(), chatId: chat, userId: chat, stack: null, createUser: true, outbox: [{ method: "sendMessage", payload: { chat_id: chat, text }, ...(slot ? { slot } : {}) }] });

  it("a slot's message (an album's acknowledgement) whose message id could not be stored", async () => {
    const h = await testBot(t.db);
    await commitOne(5301, "3 files received", "album:1");
    // Telegram takes the message; the statement that stores its message id fails (the database hiccups).
    const remember = vi.spyOn(Store.prototype, "rememberMessage").mockRejectedValueOnce(new Error("database hiccup"));
    try {
      await h.runtime.flush(h.bot.api, log);
    } finally {
      remember.mockRestore();
    }
    await h.runtime.runJobs(new Date(), h.bot.api, log);
    // Before, it was kept and the next run sent it again.
    expect(texts(h.fake.sent("sendMessage", 5301))).toEqual(["3 files received"]);
    expect(await t.db.prisma.outbox.count({ where: { chatId: 5301n, sentAt: null } })).toBe(0);
  });

  it("a message whose mark failed twice (the database out for a few seconds): marked at the next run, not sent again", async () => {
    const h = await testBot(t.db);
    await commitOne(5302, "only message");
    const mark = vi.spyOn(Store.prototype, "markSent").mockRejectedValueOnce(new Error("database down")).mockRejectedValueOnce(new Error("database down"));
    try {
      await h.runtime.flush(h.bot.api, log);
    } finally {
      mark.mockRestore();
    }
    await h.runtime.runJobs(new Date(), h.bot.api, log);
    expect(texts(h.fake.sent("sendMessage", 5302))).toEqual(["only message"]);
    expect(await t.db.prisma.outbox.count({ where: { chatId: 5302n, sentAt: null } })).toBe(0);
  });
});
