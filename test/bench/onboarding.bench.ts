// npm run bench — N simulated chats through onboarding on the real pipeline: grammY, per-chat
// sequencing, the XState runtime and the real database (PGlite on disk; PostgreSQL when DATABASE_URL
// is set). Only Telegram is replaced, by the recorder, so the figures are the bot's own cost.
// BENCH_CHATS (default 200) chats, BENCH_CONCURRENCY (default 32) updates in flight, as the runner allows.
import { randomBytes } from "node:crypto";
import { cpus, tmpdir } from "node:os";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { openDatabase } from "../../bot/db/database.js";
import { testBot, type TestUser } from "../helpers/bot.js";

const CHATS = Number(process.env.BENCH_CHATS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const url = process.env.DATABASE_URL || null;
const schema = `bench_${randomBytes(4).toString("hex")}`;
const dir = url ? null : mkdtempSync(join(tmpdir(), "kelisim-bench-"));

const db = await openDatabase({ url, dataDir: dir, schema });
// Telegram's rate limits (kept before each call) are left out, as in the tests: this measures the bot's own cost.
const h = await testBot(db);
const latencies: number[] = [];

/** One user's onboarding: 6 updates, each waiting for the bot's answer to the previous one. */
const journey = async (u: TestUser) => {
  const steps: (() => Promise<unknown>)[] = [
    () => u.send("/start"),
    () => u.press("Русский"),
    () => u.press("Согласен(на)"),
    () => u.send("/help"),
    () => u.send("/language"),
    () => u.press("Қазақша"),
  ];
  for (const step of steps) {
    const t0 = performance.now();
    await step();
    latencies.push(performance.now() - t0);
  }
};

const users = Array.from({ length: CHATS }, (_, i) => h.user(10_000 + i, "en"));
const started = performance.now();
const cpu0 = process.cpuUsage();
let next = 0;
// CONCURRENCY chats at a time, each sequential within itself, as @grammyjs/runner with sequentialize runs them.
await Promise.all(
  Array.from({ length: Math.min(CONCURRENCY, CHATS) }, async () => {
    while (next < users.length) await journey(users[next++]!);
  }),
);
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpu0);

const consented = await db.prisma.user.count({ where: { consentAt: { not: null }, language: "kk" } });
if (consented !== CHATS) throw new Error(`only ${consented} of ${CHATS} users finished onboarding`);

latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1);
console.log(`store: ${db.kind}${url ? "" : " (on disk)"} · ${cpus().length} × ${cpus()[0]?.model.trim()} · node ${process.version}`);
console.log(`chats: ${CHATS} · updates: ${latencies.length} · in flight: ${CONCURRENCY}`);
console.log(`throughput: ${(latencies.length / seconds).toFixed(0)} updates/s`);
console.log(`latency per update: p50 ${pct(50)} ms · p95 ${pct(95)} ms · p99 ${pct(99)} ms`);
// CPU time is steadier than wall time on a shared machine: compare changes on it.
console.log(`cpu per update: ${((cpu.user + cpu.system) / 1000 / latencies.length).toFixed(2)} ms`);

if (url) await db.prisma.$executeRawUnsafe(`DROP SCHEMA "${schema}" CASCADE`);
await db.close();
if (dir) rmSync(dir, { recursive: true, force: true });
