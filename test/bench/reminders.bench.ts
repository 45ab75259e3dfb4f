// npm run bench:reminders [-- <count>] — <count> (10,000) reminders all due at once, sent by one and then by
// two instances of the bot (each its own pool, its own INSTANCE_ID, on one PostgreSQL schema) to a Bot API
// stand-in that keeps Telegram's limits and answers 429 when they are broken (30 calls in any second from
// all instances; per chat one a second, no burst — BENCH_CHAT_BURST (1) to allow Telegram's "short bursts"). The reminders go to 3,010 chats: 10 busy ones
// (a hospital's staff) get 100 each, the rest 3 each, in a shuffled order. Prints messages a second from
// the first to the last (and in each 10-second window, and in each of the last 10 seconds), lost, duplicated,
// out of order within a chat, and the 429s by limit; exits non-zero when a reminder was lost or duplicated or
// met a 429. BENCH_INSTANCES ("1,2") chooses the runs.
// DATABASE_URL, else the local test server postgresql://root@127.0.0.1:5432/test.
import { randomBytes } from "node:crypto";
import { cpus } from "node:os";
import pg from "pg";
import { sayTo } from "../../bot/core/effects.js";
import { openDatabase, type Database } from "../../bot/db/database.js";
import { createI18n } from "../../bot/i18n.js";
import { createBot } from "../../bot/index.js";
import { CONSOLE_BOT } from "../../bot/local/fake-api.js";
import { createLogger } from "../../bot/logger.js";
import { TEST_DATA_KEY } from "../helpers/bot.js";
import { StrictTelegram } from "../helpers/strict-telegram.js";

const COUNT = Number(process.argv[2] ?? 10_000);
const url = process.env.DATABASE_URL || "postgresql://root@127.0.0.1:5432/test";
const KIND = "bench_reminder";

/** Which chat each reminder goes to, shuffled (repeatably): 10 busy chats with 10% of them, the rest 3 each. */
const recipients = (count: number): number[] => {
  const busy = Math.round(count / 10);
  const chats = Array.from({ length: count }, (_, i) => (i < busy ? 1 + (i % 10) : 1_000 + Math.floor((i - busy) / 3)));
  let seed = 42;
  for (let i = chats.length - 1; i > 0; i--) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = seed % (i + 1);
    [chats[i], chats[j]] = [chats[j]!, chats[i]!];
  }
  return chats;
};

const run = async (instances: number) => {
  const schema = `bench_rem_${randomBytes(4).toString("hex")}`;
  const log = createLogger("silent");
  const i18n = await createI18n();
  const dbs: Database[] = [];
  for (let i = 0; i < instances; i++) dbs.push(await openDatabase({ url, dataDir: null, schema }));
  const telegram = new StrictTelegram({ perSecond: 30, chatBurst: Number(process.env.BENCH_CHAT_BURST ?? 1), chatIntervalMs: 1000 }, Number(process.env.BENCH_LATENCY_MS ?? 10));
  const bots = dbs.map((db, i) =>
    createBot(
      "1:bench",
      {
        db,
        i18n,
        logger: log,
        adminIds: [],
        timeZone: "Asia/Almaty",
        dataKey: TEST_DATA_KEY,
        staffChatId: null,
        instanceId: `bench-${i + 1}`,
        // A reminder that needs no case behind it: what is measured is claiming and sending.
        jobHandlers: { [KIND]: (_tx, job) => Promise.resolve([sayTo({ chatId: Number(job.payload.chatId), lang: "ru" }, "common.text", { text: `reminder ${String(job.payload.n)}` })]) },
      },
      { botInfo: CONSOLE_BOT, transport: telegram.transport(`bench-${i + 1}`) },
    ),
  );
  const chats = recipients(COUNT);
  const due = new Date(Date.now() - 1000);
  // In parts: one createMany of 10,000 rows is split by Prisma's interpreter into statements it starts at once on
  // one connection, which pg warns about (DeprecationWarning: "Calling client.query() when the client is already
  // executing a query").
  const data = chats.map((chatId, n) => ({ kind: KIND, dueAt: due, payload: { chatId, n }, dedupeKey: `bench:${n}` }));
  for (let i = 0; i < data.length; i += 2_000) await dbs[0]!.prisma.scheduledJob.createMany({ data: data.slice(i, i + 2_000) });

  const cpu0 = process.cpuUsage();
  const started = performance.now();
  // Each instance runs its jobs again and again, as its timer would, until none is left to run or send.
  await Promise.all(
    bots.map(async (kb) => {
      for (;;) {
        const sent = await kb.runtime.runJobs(new Date(), kb.bot.api, log);
        if (sent === 0 && (await dbs[0]!.prisma.scheduledJob.count({ where: { state: "pending" } })) === 0) return;
      }
    }),
  );
  const wall = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);

  const messages = telegram.taken.filter((t) => t.method === "sendMessage");
  const got = new Map<number, number>();
  for (const m of messages) {
    const n = Number(/^reminder (\d+)$/.exec(m.text ?? "")?.[1]);
    got.set(n, (got.get(n) ?? 0) + 1);
  }
  const lost = chats.filter((_, n) => !got.has(n)).length;
  const duplicated = [...got.values()].reduce((s, c) => s + c - 1, 0);
  // Within a chat, reminders due at the same moment come in the order they were scheduled (their ids).
  const last = new Map<number, number>();
  let outOfOrder = 0;
  for (const m of messages) {
    const n = Number(/^reminder (\d+)$/.exec(m.text ?? "")?.[1]);
    if ((last.get(m.chatId!) ?? -1) > n) outOfOrder++;
    last.set(m.chatId!, n);
  }
  const span = (messages.at(-1)!.at - messages[0]!.at) / 1000;
  // The rate in each whole 10-second window from the first message: the steady rate, without the last,
  // partial window, in which the queues run dry.
  const windows: number[] = [];
  for (const m of messages) {
    const w = Math.floor((m.at - messages[0]!.at) / 10_000);
    windows[w] = (windows[w] ?? 0) + 1;
  }
  const whole = windows.slice(0, Math.floor(span / 10)).map((n) => (n ?? 0) / 10);
  const byInstance = [...new Set(messages.map((m) => m.instance))].map((i) => `${i}: ${messages.filter((m) => m.instance === i).length}`).join(", ");
  // The last seconds, one by one: a run that ends with a few chats sending alone, each one a second, shows here.
  const end = messages.at(-1)!.at;
  const tail = Array.from({ length: Math.min(10, Math.ceil(span)) }, (_, s) => messages.filter((m) => m.at > end - (s + 1) * 1000 && m.at <= end - s * 1000).length).reverse();
  const unsent = await dbs[0]!.prisma.outbox.count({ where: { sentAt: null } });
  console.log(`${instances} instance${instances > 1 ? "s" : ""}: ${COUNT} reminders to ${new Set(chats).size} chats`);
  console.log(`  sustained: ${(messages.length / span).toFixed(1)} msg/s (first to last message, ${span.toFixed(1)} s; ${wall.toFixed(1)} s in all) · busiest second: ${telegram.busiestSecond()} calls`);
  if (whole.length) {
    const sorted = [...whole].sort((a, b) => a - b);
    const full = whole.filter((r) => r >= 28).length;
    // Where the rate fell below 28: the windows' numbers from the first message (0 = its first 10 s).
    const slow = whole.map((r, i) => [r, i] as const).filter(([r]) => r < 28).map(([r, i]) => `${i}:${r.toFixed(1)}`);
    console.log(`  10-second windows: median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} msg/s, ${full} of ${whole.length} at 28 or more${slow.length ? ` (below: ${slow.join(" ")})` : ""}; the last, partial one ${((windows.at(-1) ?? 0) / Math.max(0.1, span - whole.length * 10)).toFixed(1)} msg/s over ${(span - whole.length * 10).toFixed(1)} s`);
  }
  console.log(`  the last ${tail.length} seconds, messages in each: ${tail.join(" ")}`);
  console.log(`  lost: ${lost} · duplicated: ${duplicated} · out of order within a chat: ${outOfOrder} · unsent in the outbox: ${unsent}`);
  console.log(`  429s: global ${telegram.tooMany.global} · per chat ${telegram.tooMany.perChat} · sent by ${byInstance}`);
  console.log(`  cpu per message: ${((cpu.user + cpu.system) / 1000 / Math.max(1, messages.length)).toFixed(2)} ms (this process: the bot instances and the stand-in)`);

  if (lost || duplicated || unsent || telegram.tooMany.global || telegram.tooMany.perChat) process.exitCode = 1;
  for (const db of dbs) await db.close();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await c.end();
};

console.log(`${cpus().length} × ${cpus()[0]?.model.trim()} · node ${process.version} · PostgreSQL`);
for (const n of (process.env.BENCH_INSTANCES ?? "1,2").split(",")) await run(Number(n));
