// A process stopped in the middle of a flow, or between deciding and sending, loses nothing.
import { run } from "@grammyjs/runner";
import type { Transformer } from "grammy";
import type { Update } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegram } from "../../bot/local/fake-api.js";
import { bound } from "../helpers/time.js";
import { until } from "../helpers/wait.js";
import { createLogger } from "../../bot/logger.js";
import { fileNotice } from "../helpers/notice.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { buttons, holdCalls, TEST_DATA_KEY, testBot, texts } from "../helpers/bot.js";
import { Store } from "../../bot/runtime/store.js";

let t: TestDb;
beforeAll(async () => {
  t = await testDatabase({ persistent: true });
});
afterAll(async () => t.dispose());

describe("restart", () => {
  it("resumes exactly where the user was, and the old keyboard still answers its question", async () => {
    const before = await testBot(t.db);
    const u1 = before.user(31, "en");
    await u1.send("/start");
    await u1.press("Қазақша"); // now at the consent question
    const consentKb = u1.keyboardWith("Келісемін");

    // The process stops; a new one opens the same store.
    await t.reopen();
    const after = await testBot(t.db);
    const u2 = after.user(31, "en");
    const agree = consentKb.buttons.flat().find((b) => b.text === "Келісемін")!.callback_data;
    const calls = await u2.deliver(u2.buttonUpdate(agree, consentKb.messageId));
    expect(texts(calls)).toEqual(["Рақмет. Келісіміңіз жазылды.", "Не істейміз? Командалар (/) мәзірінде де бар."]);
    const row = await t.db.prisma.user.findUnique({ where: { id: 31n } });
    expect(row?.language).toBe("kk");
    expect(row?.consentAt).not.toBeNull();
  });

  it("messages decided before a crash but never sent go out at the next start", async () => {
    const h = await testBot(t.db);
    // The send fails as a dying process's would: after the commit, before Telegram saw it.
    h.fake.failNext.set("sendMessage", { crash: true, count: 1 });
    await h.user(32, "ru").send("/start");
    await t.reopen();
    const next = await testBot(t.db);
    const flushed = await next.runtime.flush(next.bot.api, createLogger("silent"));
    expect(flushed).toBe(2);
    expect(texts(next.fake.calls)).toEqual([expect.stringMatching(/^Здравствуйте!/), expect.stringMatching(/^О персональных данных/)]);
    expect(buttons(next.fake.calls)).toEqual(["Согласен(на)", "Не согласен(на)"]);
    expect(await next.runtime.flush(next.bot.api, createLogger("silent"))).toBe(0);
  });

  it("a notice's PDF that was still being made when the process died goes out at the next start", async () => {
    const h = await testBot(t.db);
    // The document is made and sent after Submit's update returned; the process dies before Telegram has it.
    h.fake.failNext.set("sendDocument", { crash: true, count: 1 });
    await fileNotice(h.user(34, "ru"), "ru");
    expect(h.fake.sent("sendDocument", 34)).toEqual([]);
    await t.reopen();
    const next = await testBot(t.db);
    await next.runtime.flush(next.bot.api, createLogger("silent"));
    const docs = next.fake.sent("sendDocument", 34);
    expect(docs.map((d) => d.file?.filename)).toEqual([expect.stringMatching(/^KZ-2026-\d{6}\.pdf$/)]);
    expect(docs[0]!.file!.bytes.subarray(0, 5).toString()).toBe("%PDF-");
    expect(await next.runtime.flush(next.bot.api, createLogger("silent"))).toBe(0);
  });

  it("what an instance gone for good left unsent is sent by a running one once its lease ran out — not before, and without a restart", async () => {
    const log = createLogger("silent");
    const a = await testBot(t.db, { instanceId: "a" });
    // The PDF is being sent when instance a dies: its row stays in the outbox, leased to a.
    a.fake.failNext.set("sendDocument", { crash: true, count: 1 });
    await fileNotice(a.user(35, "ru"), "ru");
    expect(a.fake.sent("sendDocument", 35)).toEqual([]);
    // Its replacement has another INSTANCE_ID (a new container's hostname): while a's lease runs, a's rows are a's.
    const b = await testBot(await t.another(), { instanceId: "b" });
    await b.runtime.flush(b.bot.api, log);
    await b.runtime.runJobs(new Date(), b.bot.api, log);
    expect(b.fake.sent("sendDocument", 35)).toEqual([]);
    // The lease runs out (a renewed it no more); b, still running, sends it on its next jobs run.
    await t.db.prisma.outbox.updateMany({ where: { leasedBy: "a", sentAt: null }, data: { leaseUntil: new Date(Date.now() - 60_000) } });
    await b.runtime.runJobs(new Date(), b.bot.api, log);
    expect(b.fake.sent("sendDocument", 35).map((d) => d.file?.filename)).toEqual([expect.stringMatching(/^KZ-2026-\d{6}\.pdf$/)]);
    expect(await t.db.prisma.outbox.count({ where: { chatId: 35n, sentAt: null } })).toBe(0);
    await b.runtime.runJobs(new Date(), b.bot.api, log);
    expect(b.fake.sent("sendDocument", 35)).toHaveLength(1);
  });

  it("a snapshot stored by another version of a flow is dropped, and the user told", async () => {
    await t.db.prisma.chatState.upsert({
      where: { chatId: 33n },
      create: { chatId: 33n, stack: [{ flow: "onboarding", version: 0, prompt: 3, snapshot: { value: "gone", context: {} } }] },
      update: {},
    });
    await t.db.prisma.user.create({ data: { id: 33n, language: "ru" } });
    const h = await testBot(t.db);
    const calls = await h.user(33, "ru").send("hello");
    expect(texts(calls)[0]).toBe("Бот обновился, поэтому последний шаг нужно начать заново. Извините.");
    expect((await new Store(t.db.prisma, [], TEST_DATA_KEY).load(33, 33)).stack).toEqual([]);
  });

  it("a clean stop in polling mode finishes every update already fetched (Telegram counts them delivered) before the database closes", async () => {
    await t.reopen();
    const fake = new FakeTelegram();
    const offsets: number[] = [];
    let batch: Update[] | null = null;
    // Telegram's getUpdates: the batch once, then a long poll that answers only when the runner stops.
    const transport: Transformer = async (prev, method, payload, signal) => {
      if (method === "getUpdates") {
        offsets.push(Number((payload as { offset?: number }).offset ?? 0));
        const b = batch;
        batch = null;
        if (b) return { ok: true, result: b } as never;
        await new Promise((_, reject) => signal?.addEventListener("abort", () => reject(new Error("aborted"))));
      }
      return fake.transformer(prev, method, payload, signal);
    };
    const h = await testBot(t.db, { transport });
    const u = h.user(4242, "ru");
    const first = u.messageUpdate("/start");
    const second = u.messageUpdate("/help");
    batch = [first, second];
    const held = holdCalls(h, "sendMessage");
    const handle = run(h.bot);
    // /start's answer is being sent; /help waits for the chat's turn. Both are confirmed to Telegram: the runner
    // has asked for the updates after them.
    await held.reached;
    await until(() => offsets.some((o) => o > second.update_id), bound(10_000), "the next getUpdates");
    // main.ts's stop: the runner, then what was taken, then the database.
    const stopping = h.finish(() => handle.stop()).then(() => t.reopen());
    held.release();
    await stopping;
    // Before, the runner's stop returned at once and /help met a closed database: the user got the error reply,
    // and the message was gone.
    const stored = (await t.db.prisma.processedUpdate.findMany({ where: { updateId: { in: [BigInt(first.update_id), BigInt(second.update_id)] } } })).length;
    expect(stored).toBe(2);
    const answers = texts(fake.calls.filter((c) => c.method === "sendMessage" && c.payload.chat_id === u.id));
    expect(answers[0]).toMatch(/^Здравствуйте!/);
    expect(answers.some((a) => a.includes("/notice"))).toBe(true);
    expect(answers.join("\n")).not.toContain("не обработано");
  });
});

