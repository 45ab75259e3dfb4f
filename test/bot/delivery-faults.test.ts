// Delivery at the edges (review of issue 14): a clean stop with a job's messages ahead of an update's answer, a
// commit whose reply the database never sent, and an album split between two instances.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../bot/db/database.js";
import { sayTo } from "../../bot/core/effects.js";
import { createLogger } from "../../bot/logger.js";
import { holdCalls, testBot, texts, textsTo, type Harness } from "../helpers/bot.js";
import type { Call } from "../../bot/local/fake-api.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { until } from "../helpers/wait.js";

const log = createLogger("silent");
let t: TestDb;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t.dispose());

describe("a clean stop (SIGTERM)", () => {
  it("an update's answer queued behind a job's messages is sent before the stop ends; the job's messages wait for the next start", async () => {
    await t.reset();
    const KIND = "reminders";
    const N = 30;
    const h = await testBot(t.db, {
      jobHandlers: { [KIND]: (_tx, job) => Promise.resolve(Array.from({ length: N }, (_, i) => sayTo({ chatId: Number(job.payload.chatId), lang: "ru" }, "common.text", { text: `reminder ${i + 1}` }))) },
    });
    const u = h.user(4301, "ru");
    await u.send("/start");
    await u.press("Согласен(на)");
    const due = new Date();
    await t.db.prisma.scheduledJob.create({ data: { kind: KIND, dueAt: due, payload: { chatId: u.id } } });
    // The chat's 30 reminders are queued (one a second per chat in production); the first is on its way to Telegram.
    const held = holdCalls(h, "sendMessage");
    await h.runtime.runJobs(due, h.bot.api, log, { wait: false });
    await held.reached;
    const before = await t.db.prisma.outbox.count({ where: { chatId: BigInt(u.id) } });
    // The user writes: the update is taken and stored, its answer queued behind the reminders.
    const answered = u.send("/help");
    await until(async () => (await t.db.prisma.outbox.count({ where: { chatId: BigInt(u.id) } })) > before, 20_000, "the answer to /help stored");
    const start = h.fake.calls.length;
    // SIGTERM: the intake stops, then the updates taken are finished and answered (main.ts).
    const stopping = h.finish(() => Promise.resolve());
    held.release();
    await stopping;
    await answered;
    // Telegram had the update confirmed: its answer cannot wait for a next start. Before the first fix the stop
    // left it behind the reminders; before the second it sent all 30 reminders first (half a minute in production).
    expect(textsTo(h.fake.calls.slice(start), u.id).map((x) => x.slice(0, 30)), "what the stop sent").toEqual(["reminder 1", "«Келісім» — бот о возмещении в", "Что сделаем? Команды есть и в "]);
    expect(await t.db.prisma.outbox.count({ where: { chatId: BigInt(u.id), sentAt: null } }), "reminders left for the next start").toBe(N - 1);
  });
});

/**
 * The test's database, whose answer is lost once after it committed — as when the connection drops while COMMIT's
 * reply is on its way ("Connection terminated unexpectedly"): an ordinary step's one statement (it inserts the
 * update id), or, once `armed`, a transaction (a job batch).
 */
const losingAnswer = (db: Database) => {
  const lose = { statement: 0, transaction: 0 };
  const lost = () => new Error("Connection terminated unexpectedly");
  const prisma = new Proxy(db.prisma, {
    get(target, p, receiver) {
      if (p === "$queryRawUnsafe")
        return async (text: string, ...params: unknown[]) => {
          const rows: unknown = await target.$queryRawUnsafe(text, ...params);
          if (lose.statement > 0 && text.includes('INSERT INTO "ProcessedUpdate"')) {
            lose.statement--;
            throw lost();
          }
          return rows;
        };
      if (p === "$transaction")
        return async (...args: Parameters<typeof target.$transaction>) => {
          const result: unknown = await (target.$transaction as (...a: unknown[]) => Promise<unknown>)(...args);
          if (lose.transaction > 0) {
            lose.transaction--;
            throw lost();
          }
          return result;
        };
      const v: unknown = Reflect.get(target, p, receiver);
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { db: { ...db, prisma }, lose };
};

describe("a commit whose answer the database never sent (the connection dropped after COMMIT)", () => {
  it("an ordinary step: the user is not told «not processed», and the next question is sent", async () => {
    await t.reset();
    const { db, lose } = losingAnswer(t.db);
    const h = await testBot(db);
    const u = h.user(4201, "ru");
    await u.send("/start");
    await u.press("Согласен(на)");
    await u.send("/notice");
    await u.press("Я — пациент");
    lose.statement = 1;
    const said = texts(await u.send("Иванов Иван Иванович"));
    await h.runtime.idle();
    // Before: «Произошла ошибка: это сообщение не обработано… Повторите», though the name was stored; the IIN
    // question sat in the outbox, leased to this live instance, and nobody sent it.
    expect(said.filter((x) => x.startsWith("Произошла ошибка")), "told the message was not processed").toEqual([]);
    expect(textsTo(h.fake.calls, u.id).at(-1), "the next question").toBe("3/11 · Напишите ваш ИИН (12 цифр).");
    expect(await t.db.prisma.outbox.count({ where: { chatId: BigInt(u.id), sentAt: null } }), "messages left unsent").toBe(0);
  });

  it("a step with a transaction (/cases): the same — its answer is sent, not «not processed»", async () => {
    await t.reset();
    const { db, lose } = losingAnswer(t.db);
    const h = await testBot(db);
    const u = h.user(4202, "ru");
    await u.send("/start");
    await u.press("Согласен(на)");
    lose.transaction = 1;
    const said = texts(await u.send("/cases"));
    await h.runtime.idle();
    expect(said.filter((x) => x.startsWith("Произошла ошибка")), "told the message was not processed").toEqual([]);
    // The answer to /cases, and the home after it.
    expect(textsTo(h.fake.calls, u.id).slice(-2), "the answer to /cases").toEqual(["У вас пока нет дел. Подать обращение: /notice", "Что сделаем? Команды есть и в меню (/)."]);
  });

  it("a job batch: its messages, stored with the jobs done, are sent by the instance's next runs", async () => {
    await t.reset();
    const KIND = "one_reminder";
    const { db, lose } = losingAnswer(t.db);
    const h = await testBot(db, {
      jobHandlers: { [KIND]: (_tx, job) => Promise.resolve([sayTo({ chatId: Number(job.payload.chatId), lang: "ru" }, "common.text", { text: "reminder" })]) },
    });
    const due = new Date();
    await t.db.prisma.scheduledJob.create({ data: { kind: KIND, dueAt: due, payload: { chatId: 4401 } } });
    lose.transaction = 1;
    await h.runtime.runJobs(due, h.bot.api, log).catch(() => undefined);
    expect(await t.db.prisma.scheduledJob.count({ where: { state: "done" } }), "the job done").toBe(1);
    expect(textsTo(h.fake.calls, 4401), "sent at once").toEqual([]);
    // A minute on (the rows' age is what makes them left behind, not a queue's moment between commit and send).
    await t.db.prisma.outbox.updateMany({ data: { createdAt: new Date(Date.now() - 120_000) } });
    await h.runtime.runJobs(new Date(), h.bot.api, log);
    await h.runtime.runJobs(new Date(), h.bot.api, log);
    expect(textsTo(h.fake.calls, 4401), "the reminder, once").toEqual(["reminder"]);
  });
});

describe("an album split between two instances", () => {
  /** Every call the fakes took, in the order Telegram got them. */
  const recordAll = (...hs: Harness[]): Call[] => {
    const all: Call[] = [];
    for (const x of hs) x.fake.onCall = (call) => all.push(call);
    return all;
  };

  /** A user (ru) of instance `a`, at the notice's files question. */
  const toFiles = async (a: Harness) => {
    const ua = a.user(4101, "ru");
    await ua.send("/start");
    await ua.press("Согласен(на)");
    await ua.send("/notice");
    await ua.press("Я — пациент");
    await ua.send("Иванов Иван Иванович");
    await ua.send("850301300121");
    await ua.press("Да, верно");
    await ua.press("г. Астана");
    await ua.send("Қалалық №5 емхана");
    await ua.send("01.03.2026 – 05.03.2026");
    await ua.send("После операции началось осложнение, о котором нас не предупредили.");
    await ua.press("Инвалидность II группы");
    await ua.press("Нет, не сообщено");
    return ua;
  };
  const acks = (calls: Call[]) => calls.filter((c) => c.payload.chat_id === 4101).map((c) => [c.method, String(c.payload.text)]);
  const ack = (n: number) => `Добавлено файлов: ${n}. Всего: ${n} из 20. Пришлите ещё или нажмите «Готово».`;

  it("one acknowledgement, edited to 2 files, as with one instance — not two, the last saying 1 file", async () => {
    await t.reset();
    const a = await testBot(t.db, { instanceId: "a" });
    const b = await testBot(await t.another(), { instanceId: "b" });
    const ua = await toFiles(a);
    const telegram = recordAll(a, b);
    // Telegram sends an album as one update per file, at the same moment; the balancer gives one to each instance.
    // a has stored the first, and its acknowledgement is on its way to Telegram when b reads the chat for the second.
    const held = holdCalls(a, "sendMessage");
    const first = ua.photo("album-1", "777");
    await held.reached;
    await b.user(4101, "ru").photo("album-2", "777");
    held.release();
    await first;
    await a.runtime.idle();
    // b's acknowledgement waited for a's to be sent (its id known); b's next run sends it as an edit of it.
    await b.runtime.runJobs(new Date(), b.bot.api, log);
    expect(acks(telegram)).toEqual([
      ["sendMessage", ack(1)],
      ["editMessageText", ack(2)],
    ]);
    expect(await t.db.prisma.outbox.count({ where: { chatId: 4101n, sentAt: null } }), "left unsent").toBe(0);
  });

  it("three files, the second on the other instance: the one acknowledgement ends saying 3 files, not 2", async () => {
    await t.reset();
    const a = await testBot(t.db, { instanceId: "a" });
    const b = await testBot(await t.another(), { instanceId: "b" });
    const ua = await toFiles(a);
    const telegram = recordAll(a, b);
    const held = holdCalls(a, "sendMessage");
    const first = ua.photo("album-1", "777");
    await held.reached;
    await b.user(4101, "ru").photo("album-2", "777"); // b's acknowledgement waits for a's
    held.release();
    await first;
    await a.runtime.idle();
    await ua.photo("album-3", "777"); // a's: decided while b's still waits — it goes behind it, not ahead
    await b.runtime.runJobs(new Date(), b.bot.api, log);
    await a.runtime.runJobs(new Date(), a.bot.api, log);
    expect(acks(telegram), "what the chat shows, in order").toEqual([
      ["sendMessage", ack(1)],
      ["editMessageText", ack(2)],
      ["editMessageText", ack(3)],
    ]);
  });
});
