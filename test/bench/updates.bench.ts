// npm run bench — simulated chats filing whole notices (16 updates each, /start to Submit, as
// test/helpers/notice.ts files one) through the real pipeline: grammY, the XState runtime, the real
// database (PGlite on disk; PostgreSQL too when DATABASE_URL is set), the outbox and the PDF. Only
// Telegram is replaced, by the recorder. In the same run, interleaved, the same questionnaire goes
// through two peers without a database (peers.ts): grammY's conversations plugin and a bare XState
// snapshot loop — and, with DATABASE_URL, the conversations plugin again with its state in a PostgreSQL
// table (one read and one write per update, the same pool size as Kelisim's). For each level of chats in
// flight it prints updates/s, p50/p95/p99 of a question step, of Submit and of the whole notice, CPU per
// update, and failures; then the ratios between them. With
// one chat in flight it also prints the median CPU of one question step (nothing else runs meanwhile
// but a document a Submit before it left to the worker threads).
//
//   BENCH_LEVELS   chats in flight, comma-separated (default 1,100,1000); at a level of 1,
//                  BENCH_SERIAL chats (default 10) file one after another
//   BENCH_REPEAT   rounds, each running every engine once per level, interleaved (default 1); the engines take
//                  turns in one order, then in the other
//   BENCH_WARMUP   notices each engine files first, unmeasured, 10 at a time (default 20; quick 5; 0: none)
//   BENCH_ENGINES  which to run (default kelisim,conversations,xstate)
//   BENCH_QUICK=1  a short run: levels 1,20, 3 serial chats
//   DATABASE_URL   PostgreSQL as well as PGlite; DATABASE_POOL_SIZE its pool (default 10)
//   BENCH_STORES   which stores Kelisim runs on (default pglite,postgres; postgres only with DATABASE_URL)
//   BENCH_THINK_MS a person's time between an answer and their next message, on average (default 0: at once;
//                  each pause is drawn between half and one and a half times it, and each chat starts within
//                  the first such pause, so that the chats do not write in step). With it, the chats in flight
//                  offer about level ÷ think time updates a second, and the percentiles are what a person
//                  waits at that load (the whole notice's time includes the thinking)
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import type { Update } from "grammy/types";
import { openDatabase, type Database } from "../../bot/db/database.js";
import { testBot, type Harness } from "../helpers/bot.js";
import { button, conversationsPeer, conversationStore, NOTICE_SCRIPT, pressUpdate, textUpdate, xstatePeer, type Action, type Peer, type Shown } from "./peers.js";

const quick = process.env.BENCH_QUICK === "1";
const LEVELS = (process.env.BENCH_LEVELS ?? (quick ? "1,20" : "1,100,1000")).split(",").map(Number);
const SERIAL = Number(process.env.BENCH_SERIAL ?? (quick ? 3 : 10));
const REPEAT = Number(process.env.BENCH_REPEAT ?? 1);
const ENGINES = (process.env.BENCH_ENGINES ?? "kelisim,conversations,xstate").split(",");
const url = process.env.DATABASE_URL || null;
const STORES = (process.env.BENCH_STORES ?? "pglite,postgres").split(",");
const poolSize = process.env.DATABASE_POOL_SIZE ? Number(process.env.DATABASE_POOL_SIZE) : undefined;
const THINK_MS = Number(process.env.BENCH_THINK_MS ?? 0);
const WARMUP = Number(process.env.BENCH_WARMUP ?? (quick ? 5 : 20));
const think = (scale = 0.5 + Math.random()) => new Promise<void>((r) => setTimeout(r, THINK_MS * scale));

type Tag = "start" | "step" | "submit";


interface Engine {
  name: string;
  script: Action[];
  shown: Map<number, Shown>;
  handle(update: Update): Promise<void>;
  /** Notices stored for each of these chats (its applicant's), by chat: one each is right. */
  filed(chats: number[]): Promise<Map<number, number>>;
  /**
   * Kelisim's PDFs: waits (up to two minutes) until each of these chats got one, then gives the documents each got.
   * Chats of one level only: a document sent late cannot be counted for another level's chat.
   */
  documents?(chats: number[]): Promise<Map<number, number>>;
  close(): Promise<void>;
}

/** Kelisim on one store: its updates through grammY's handleUpdate, Telegram replaced by the recorder. */
const kelisim = async (db: Database, label: string): Promise<Engine> => {
  // Telegram's rate limits (kept before each call) are left out, as in the tests: this measures the bot's own cost.
  const h: Harness = await testBot(db);
  // What npm start does before the first update (the case numbers' sequences among it).
  await h.runtime.start(new Date());
  const shown = new Map<number, Shown>();
  const documents = new Map<number, number>();
  h.fake.onCall = (call) => {
    const chatId = call.payload.chat_id as number;
    if (call.method === "sendDocument") documents.set(chatId, (documents.get(chatId) ?? 0) + 1);
    if (call.method !== "sendMessage") return;
    const s = shown.get(chatId) ?? { keyboards: [], said: 0 };
    s.said++;
    s.last = typeof call.payload.text === "string" ? call.payload.text : "";
    const markup = call.payload.reply_markup as { inline_keyboard?: Shown["keyboards"][number]["buttons"][] } | undefined;
    if (markup?.inline_keyboard) s.keyboards = [...s.keyboards.slice(-3), { messageId: call.messageId ?? 0, buttons: markup.inline_keyboard.flat() }];
    shown.set(chatId, s);
  };
  return {
    name: `Kelisim · ${label}`,
    script: NOTICE_SCRIPT,
    shown,
    handle: async (u) => {
      await h.bot.handleUpdate(u);
      // The recorder keeps every call for tests; the bench reads them as they come (onCall) instead.
      if (h.fake.calls.length > 10_000) h.fake.clear();
    },
    filed: async (chats) => {
      const rows = await db.prisma.caseParticipant.groupBy({ by: ["userId"], where: { role: "applicant", userId: { in: chats.map(BigInt) } }, _count: { _all: true } });
      return new Map(rows.map((r) => [Number(r.userId), r._count._all]));
    },
    documents: async (chats) => {
      const until = Date.now() + 120_000;
      while (chats.some((c) => !documents.has(c)) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      return new Map(chats.map((c) => [c, documents.get(c) ?? 0]));
    },
    close: () => Promise.resolve(),
  };
};

const peer = (make: (shown: Map<number, Shown>) => Peer): Engine => {
  const shown = new Map<number, Shown>();
  const p = make(shown);
  return { name: p.name, script: NOTICE_SCRIPT, shown, handle: (u) => p.handle(u), filed: (chats) => Promise.resolve(new Map(chats.map((c) => [c, p.filed.get(c) ?? 0]))), close: () => Promise.resolve() };
};

// ——— one chat: its updates one after another, each waiting for the bot's answer ———

interface Sample {
  step: number[];
  /** CPU (ms, the whole process) of each question step, taken only when one chat is in flight: nothing else runs then. */
  stepCpu: number[];
  submit: number[];
  notice: number[];
  updates: number;
  failed: number;
  /** Chats whose notice failed (an error, a button missing): their cases and documents are not expected. */
  failedChats: Set<number>;
  errors: string[];
}

const fileOne = async (e: Engine, chatId: number, s: Sample, alone: boolean) => {
  // With thinking, each chat starts at its own moment within the first pause.
  if (THINK_MS > 0) await think(Math.random());
  const t0 = performance.now();
  let tag: Tag = "start";
  for (const a of e.script) {
    let u: Update;
    if ("send" in a) u = textUpdate(chatId, a.send);
    else {
      const label = "press" in a ? a.press : a.pressIfOffered;
      const b = button(e.shown.get(chatId), label);
      if (!b) {
        if ("pressIfOffered" in a) continue;
        throw new Error(`no button "${label}" after «${(e.shown.get(chatId)?.last ?? "").slice(0, 120)}»`);
      }
      u = pressUpdate(chatId, b.data, b.messageId);
    }
    if ("send" in a && a.send === "/notice") tag = "step";
    if ("press" in a && a.press === "Сохранить обращение") tag = "submit";
    const t = performance.now();
    const cpu = alone ? process.cpuUsage() : null;
    await e.handle(u);
    const ms = performance.now() - t;
    s.updates++;
    if (tag === "step" && !("send" in a && a.send === "/notice")) {
      s.step.push(ms);
      if (cpu) {
        const d = process.cpuUsage(cpu);
        s.stepCpu.push((d.user + d.system) / 1000);
      }
    }
    if (tag === "submit") s.submit.push(ms);
    // A person thinks before their next message, not after the last.
    if (THINK_MS > 0 && a !== e.script.at(-1)) await think();
  }
  s.notice.push(performance.now() - t0);
};

let nextChat = 5_000_000;

interface Result {
  engine: string;
  level: number;
  chats: number;
  updates: number;
  seconds: number;
  cpuMs: number;
  sample: Sample;
  /** Chats that finished their notice with no case stored for them. */
  lost: number;
  /** Chats with more than one case stored (the extra ones). */
  duplicated: number;
  /** Chats that finished their notice and got no PDF, and PDFs beyond one a chat (Kelisim only). */
  documents: { missing: number; extra: number } | null;
}

const runLevel = async (e: Engine, level: number, count?: number): Promise<Result> => {
  const chats = count ?? (level === 1 ? SERIAL : level);
  const ids = Array.from({ length: chats }, () => nextChat++);
  const s: Sample = { step: [], stepCpu: [], submit: [], notice: [], updates: 0, failed: 0, failedChats: new Set(), errors: [] };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(level, chats) }, async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        await fileOne(e, id, s, level === 1).catch((err: unknown) => {
          s.failed++;
          s.failedChats.add(id);
          if (s.errors.length < 3) s.errors.push(String((err as Error).message ?? err).slice(0, 200));
        });
      }
    }),
  );
  const finished = ids.filter((id) => !s.failedChats.has(id));
  const sent = e.documents ? await e.documents(finished) : null;
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const filed = await e.filed(ids);
  for (const id of ids) e.shown.delete(id);
  return {
    engine: e.name,
    level,
    chats,
    updates: s.updates,
    seconds,
    cpuMs: (cpu.user + cpu.system) / 1000,
    sample: s,
    lost: finished.filter((id) => (filed.get(id) ?? 0) === 0).length,
    duplicated: ids.reduce((n, id) => n + Math.max(0, (filed.get(id) ?? 0) - 1), 0),
    documents: sent === null ? null : { missing: finished.filter((id) => (sent.get(id) ?? 0) === 0).length, extra: ids.reduce((n, id) => n + Math.max(0, (sent.get(id) ?? 0) - 1), 0) },
  };
};

/** The p-th percentile, nearest rank: the smallest value with at least p% of the values at or below it. */
const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const ms = (x: number) => (Number.isNaN(x) ? "—" : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : x >= 10 ? `${x.toFixed(0)} ms` : `${x.toFixed(2)} ms`);
const tri = (xs: number[]) => `${ms(pct(xs, 50))} / ${ms(pct(xs, 95))} / ${ms(pct(xs, 99))}`;

// ——— the run ———

const dir = mkdtempSync(join(tmpdir(), "kelisim-bench-"));
const schema = `bench_${randomBytes(4).toString("hex")}`;
const stores: Database[] = [];
const engines: Engine[] = [];
if (ENGINES.includes("kelisim")) {
  if (STORES.includes("pglite")) {
    const lite = await openDatabase({ url: null, dataDir: dir });
    stores.push(lite);
    engines.push(await kelisim(lite, "PGlite"));
  }
  if (url && STORES.includes("postgres")) {
    const pgdb = await openDatabase({ url, dataDir: null, schema, ...(poolSize ? { pool: { size: poolSize } } : {}) });
    stores.push(pgdb);
    engines.push(await kelisim(pgdb, "PostgreSQL"));
  }
}
if (ENGINES.includes("conversations")) engines.push(peer(conversationsPeer));
/** The conversations plugin with its state in PostgreSQL: the same store and pool size as Kelisim's there. */
const conversationsDb = ENGINES.includes("conversations") && url && STORES.includes("postgres") ? await conversationStore(url, schema, poolSize ?? 10) : null;
if (conversationsDb) engines.push(peer((shown) => conversationsPeer(shown, conversationsDb.storage)));
if (ENGINES.includes("xstate")) engines.push(peer(xstatePeer));

console.log(`${cpus().length} × ${cpus()[0]?.model.trim()} · node ${process.version} · load average ${(await import("node:os")).loadavg().map((x) => x.toFixed(2)).join(" ")}`);
console.log(`levels ${LEVELS.join(", ")} chats in flight (at 1: ${SERIAL} chats one after another) · ${REPEAT} round(s) · each notice ${NOTICE_SCRIPT.length - 1} updates${THINK_MS > 0 ? ` · ${THINK_MS} ms between an answer and the next message` : ""}`);
console.log("CPU is this process's (user + system); PostgreSQL's own server CPU is not in it.\n");

const results: Result[] = [];
/** What a warm-up found wrong (it is not measured, but a failure there is a failure). */
let warmupFailures = 0;
if (WARMUP > 0) {
  // Each engine files a few notices first, unmeasured: the first level otherwise measures a cold process (the
  // JIT, the pools, the PDF worker's start), and the engine that runs first pays for it alone.
  for (const e of engines) {
    const res = await runLevel(e, Math.min(10, WARMUP), WARMUP);
    warmupFailures += res.sample.failed + res.lost + res.duplicated + (res.documents ? res.documents.missing + res.documents.extra : 0);
  }
  console.log(`warm-up: ${WARMUP} notices per engine, not counted${warmupFailures ? ` — ${warmupFailures} failed, lost or duplicated` : ""}\n`);
}
let round = 0;
for (const level of LEVELS) {
  for (let r = 0; r < REPEAT; r++) {
    // The engines take turns in one order, then in the other: none always runs first, on the warmest or the
    // coldest machine.
    const order = round++ % 2 === 0 ? engines : [...engines].reverse();
    for (const e of order) {
      const res = await runLevel(e, level);
      results.push(res);
      const s = res.sample;
      console.log(
        [
          res.engine.padEnd(22),
          `in flight ${String(level).padStart(4)}`,
          `${(res.updates / res.seconds).toFixed(0).padStart(6)} updates/s`,
          `step p50/95/99 ${tri(s.step)}`,
          `submit ${tri(s.submit)}`,
          `notice ${tri(s.notice)}`,
          `CPU ${(res.cpuMs / Math.max(1, res.updates)).toFixed(2)} ms/update`,
          ...(s.stepCpu.length ? [`question step CPU p50 ${pct(s.stepCpu, 50).toFixed(2)} ms`] : []),
          `failed ${s.failed}/${res.chats}`,
          `lost ${res.lost}`,
          `duplicated ${res.duplicated}`,
          `PDFs ${res.documents === null ? "—" : `missing ${res.documents.missing}, extra ${res.documents.extra}`}`,
        ].join(" · "),
      );
      for (const err of s.errors) console.log(`    error: ${err}`);
    }
  }
}

console.log("\nratios in this run, each level's rounds together (Kelisim ÷ peer; >1 = Kelisim faster / cheaper):");
for (const level of new Set(LEVELS)) {
  const of = (name: string) => results.filter((x) => x.level === level && x.engine === name);
  const rate = (xs: Result[]) => xs.reduce((a, x) => a + x.updates, 0) / xs.reduce((a, x) => a + x.seconds, 0);
  const cpu = (xs: Result[]) => xs.reduce((a, x) => a + x.cpuMs, 0) / xs.reduce((a, x) => a + x.updates, 0);
  for (const k of engines.filter((e) => e.name.startsWith("Kelisim"))) {
    for (const p of engines.filter((e) => !e.name.startsWith("Kelisim"))) {
      const [a, b] = [of(k.name), of(p.name)];
      if (!a.length || !b.length) continue;
      const stepCpu = (xs: Result[]) => pct(xs.flatMap((x) => x.sample.stepCpu), 50);
      const steps = level === 1 ? ` · question step CPU ×${(stepCpu(b) / stepCpu(a)).toFixed(3)}` : "";
      console.log(`  in flight ${String(level).padStart(4)} · ${k.name} vs ${p.name}: updates/s ×${(rate(a) / rate(b)).toFixed(3)} · CPU per update ×${(cpu(b) / cpu(a)).toFixed(3)}${steps}`);
    }
  }
}

for (const e of engines) await e.close();
await conversationsDb?.close();
for (const d of stores) {
  if (d.kind === "postgres") await d.prisma.$executeRawUnsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await d.close();
}
rmSync(dir, { recursive: true, force: true });
const failures = warmupFailures + results.reduce((a, r) => a + r.sample.failed + r.lost + r.duplicated + (r.documents ? r.documents.missing + r.documents.extra : 0), 0);
if (failures) {
  console.log(`\n${failures} notices failed, lost or duplicated, or PDFs missing or sent twice`);
  process.exitCode = 1;
}
