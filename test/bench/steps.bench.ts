// npm run bench:steps — the CPU of ordinary question steps alone (issue 14's target is about them): chats
// answer the first questions of a notice one after another (/start, consent, /notice, who they are, the
// patient's name, the IIN, the birth date confirmed), each step through the whole pipeline — grammY, the
// runtime, the real database, the outbox, the sender — with Telegram replaced by the recorder. None of these
// steps has a domain effect, so each is one read and one write (and the mark of what was sent). The first
// quarter of the chats warms the process up; then, per step: the process's CPU (every thread: V8's compiler
// and collector too; the median for each question, and the mean), the main thread's (the mean: the kernel
// brings a busy thread's count up to date only every few milliseconds) and, when PostgreSQL runs on this
// machine and its processes can be read, PostgreSQL's own CPU (all its processes: others' work counts too).
// Linux only (/proc). PGlite on disk always; PostgreSQL too when DATABASE_URL is set. Then, the same seven
// steps one chat after another through grammY's conversations plugin (peers.ts): its state in memory, and, with
// DATABASE_URL, in a PostgreSQL table (one read and one write per update) — the peer issue 14 compares with.
//
//   BENCH_CHATS   chats, one after another (default 200)
//   BENCH_STORES  which stores (default pglite,postgres; postgres only with DATABASE_URL)
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type Database } from "../../bot/db/database.js";
import { testBot } from "../helpers/bot.js";
import { button, conversationsPeer, conversationStore, NOTICE_SCRIPT, pressUpdate, textUpdate, type Action, type Peer, type Shown } from "./peers.js";

const CHATS = Number(process.env.BENCH_CHATS ?? 200);
const STORES = (process.env.BENCH_STORES ?? "pglite,postgres").split(",");
const url = process.env.DATABASE_URL || null;

/** The notice's first seven steps, /start to the birth date confirmed: none has a domain effect. */
const STEPS = NOTICE_SCRIPT.slice(0, 7).filter((a): a is Exclude<Action, { pressIfOffered: string }> => !("pressIfOffered" in a));

/** CPU time (ms) a thread of this process has run. */
const threadMs = (tid: string | number): number => Number(readFileSync(`/proc/self/task/${tid}/schedstat`, "utf8").split(" ")[0]) / 1e6;
/** CPU time (ms) of every local process named postgres; null when there is none to read. */
const postgresMs = (): number | null => {
  let ticks = 0;
  let seen = false;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, "utf8").trim() !== "postgres") continue;
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
      seen = true;
    } catch {
      // The process ended meanwhile.
    }
  }
  return seen ? ticks * 10 : null;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Each engine's mean process CPU per step, for the ratios at the end. */
const means = new Map<string, number>();

/**
 * CHATS chats one after another, each taking the seven steps through `step` (one update, answered); the first
 * quarter warms up. Prints the CPU per step as the header says.
 */
const measure = async (label: string, postgres: boolean, step: (chat: number, action: (typeof STEPS)[number]) => Promise<void>) => {
  const perStep = new Map<string, number[]>();
  let steps = 0;
  let main0 = 0;
  let process0 = 0;
  let pg0: number | null = null;
  for (let i = 0; i < CHATS; i++) {
    if (i === Math.floor(CHATS / 4)) {
      main0 = threadMs(process.pid);
      const c = process.cpuUsage();
      process0 = (c.user + c.system) / 1000;
      pg0 = postgres ? postgresMs() : null;
    }
    for (const s of STEPS) {
      const before = process.cpuUsage();
      await step(9_000_000 + i, s);
      if (i < Math.floor(CHATS / 4)) continue;
      const name = "send" in s ? s.send : s.press;
      const spent = process.cpuUsage(before);
      perStep.set(name, [...(perStep.get(name) ?? []), (spent.user + spent.system) / 1000]);
      steps++;
    }
  }
  const c = process.cpuUsage();
  const pg1 = pg0 === null ? null : postgresMs();
  const mean = ((c.user + c.system) / 1000 - process0) / steps;
  means.set(label, mean);
  console.log(`${label}: ${steps} steps measured`);
  for (const [name, ms] of perStep) console.log(`  ${name.padEnd(24)} process CPU p50 ${median(ms).toFixed(2)} ms`);
  console.log(
    [
      `  mean per step: process ${mean.toFixed(2)} ms`,
      `main thread ${((threadMs(process.pid) - main0) / steps).toFixed(2)} ms`,
      ...(pg0 !== null && pg1 !== null ? [`PostgreSQL (local, all its processes) ${((pg1 - pg0) / steps).toFixed(2)} ms`] : []),
    ].join(" · "),
  );
};

const run = async (db: Database, label: string) => {
  const h = await testBot(db);
  await measure(label, db.kind === "postgres", async (chat, s) => {
    const u = h.user(chat, "ru");
    if ("send" in s) await u.send(s.send);
    else await u.press(s.press);
    if (s === STEPS[STEPS.length - 1]) h.fake.clear();
  });
  await h.runtime.idle();
};

/** The peer: the same steps as updates, its buttons pressed as the bench's chats press them. */
const runPeer = async (label: string, postgres: boolean, make: (shown: Map<number, Shown>) => Peer) => {
  const shown = new Map<number, Shown>();
  const peer = make(shown);
  await measure(label, postgres, async (chat, s) => {
    if ("send" in s) return peer.handle(textUpdate(chat, s.send));
    const b = button(shown.get(chat), s.press);
    if (!b) throw new Error(`${label}: no button "${s.press}"`);
    await peer.handle(pressUpdate(chat, b.data, b.messageId));
  });
};

console.log(`${cpus().length} × ${cpus()[0]?.model.trim()} · node ${process.version} · load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
console.log(`${CHATS} chats one after another, ${STEPS.length} question steps each; the first quarter warms up\n`);
if (STORES.includes("pglite")) {
  const dir = mkdtempSync(join(tmpdir(), "kelisim-steps-"));
  const db = await openDatabase({ url: null, dataDir: dir });
  await run(db, "PGlite");
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}
if (url && STORES.includes("postgres")) {
  const schema = `bench_${randomBytes(4).toString("hex")}`;
  const db = await openDatabase({ url, dataDir: null, schema });
  await run(db, "PostgreSQL");
  await db.prisma.$executeRawUnsafe(`DROP SCHEMA "${schema}" CASCADE`);
  await db.close();
}
await runPeer("conversations, in memory", false, (shown) => conversationsPeer(shown));
if (url && STORES.includes("postgres")) {
  const store = await conversationStore(url, `bench_${randomBytes(4).toString("hex")}`);
  await runPeer("conversations, PostgreSQL", true, (shown) => conversationsPeer(shown, store.storage));
  await store.close();
}
console.log("\nratios of the mean process CPU per step (peer ÷ Kelisim; > 1: Kelisim cheaper):");
for (const k of ["PGlite", "PostgreSQL"].filter((x) => means.has(x)))
  for (const p of ["conversations, in memory", "conversations, PostgreSQL"].filter((x) => means.has(x))) console.log(`  Kelisim · ${k} vs ${p}: ×${(means.get(p)! / means.get(k)!).toFixed(3)}`);
