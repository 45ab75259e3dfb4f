// Delivery at the edges (review of issue 14): a clean stop with a job's messages ahead of an update's answer, a
// commit whose reply the database never sent, and an album split between two instances.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sayTo } from "../../bot/core/effects.js";
import { createLogger } from "../../bot/logger.js";
import { holdCalls, testBot, textsTo } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { until } from "../helpers/wait.js";

const log = createLogger("silent");
let t: TestDb;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t.dispose());

describe("a clean stop (SIGTERM)", () => {
  it("an update's answer queued behind a job's messages is sent before the stop ends, the job's messages with it", async () => {
    await t.reset();
    const KIND = "two_reminders";
    const h = await testBot(t.db, {
      jobHandlers: { [KIND]: (_tx, job) => Promise.resolve([1, 2].map((n) => sayTo({ chatId: Number(job.payload.chatId), lang: "ru" }, "common.text", { text: `reminder ${n}` }))) },
    });
    const u = h.user(4301, "ru");
    await u.send("/start");
    await u.press("Согласен(на)");
    const due = new Date();
    await t.db.prisma.scheduledJob.create({ data: { kind: KIND, dueAt: due, payload: { chatId: u.id } } });
    // The chat's two reminders are queued; the first is on its way to Telegram.
    const held = holdCalls(h, "sendMessage");
    await h.runtime.runJobs(due, h.bot.api, log, { wait: false });
    await held.reached;
    const before = await t.db.prisma.outbox.count({ where: { chatId: BigInt(u.id) } });
    // The user writes: the update is taken and stored, its answer queued behind the second reminder.
    const answered = u.send("/help");
    await until(async () => (await t.db.prisma.outbox.count({ where: { chatId: BigInt(u.id) } })) > before, 20_000, "the answer to /help stored");
    // SIGTERM: the intake stops, then the updates taken are finished and answered (main.ts).
    const stopping = h.finish(() => Promise.resolve());
    held.release();
    await stopping;
    await answered;
    // Telegram had the update confirmed: its answer cannot wait for a next start. Before, the stop met the second
    // reminder first and left it there — and the answer behind it.
    expect(textsTo(h.fake.calls, u.id).slice(-3).map((x) => x.slice(0, 30))).toEqual(["reminder 1", "reminder 2", "«Келісім» — бот о возмещении в"]);
    expect(await t.db.prisma.outbox.count({ where: { chatId: BigInt(u.id), sentAt: null } }), "rows of the chat left unsent").toBe(0);
  });
});
