// `npm start` with a token, as a process: polling and webhook modes against the Bot API emulator,
// the command menus, and a clean stop on SIGTERM.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../bot/db/database.js";
import { EmulatorChat, startEmulator } from "../helpers/emulator.js";
import { until as wait } from "../helpers/wait.js";

const TOKEN = "777000:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawX";
let server: Awaited<ReturnType<typeof startEmulator>>;
const dirs: string[] = [];

beforeAll(async () => {
  server = await startEmulator();
});
afterAll(async () => {
  await server.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

const start = (env: Record<string, string>) => {
  const dir = mkdtempSync(join(tmpdir(), "kelisim-main-"));
  dirs.push(dir);
  const child = spawn(process.execPath, ["--import", "tsx", "bot/main.ts"], {
    env: { PATH: process.env.PATH, DATA_DIR: dir, DATABASE_URL: "", DATA_KEY: "", BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: server.config.apiURL, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr.on("data", (d: Buffer) => (log += d.toString()));
  return { child, log: () => log };
};

/** A process starts in seconds on an idle machine; the bound is wide, and scaled with the machine's load. */
const until = (what: () => boolean | Promise<boolean>, ms = 90_000) => wait(what, ms, "the bot process");

const stop = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });

describe("npm start with BOT_TOKEN", () => {
  it("polls, sets the command menus, answers /start, serves /healthz on HEALTH_PORT, and stops cleanly on SIGTERM", async () => {
    const healthPort = await freePort();
    const { child, log } = start({ HEALTH_PORT: String(healthPort) });
    await until(() => log().includes('"msg":"polling"'));
    const health = await fetch(`http://127.0.0.1:${healthPort}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, "ok"]);
    expect((await fetch(`http://127.0.0.1:${healthPort}/telegram`, { method: "POST" })).status).toBe(404);
    // telegram-test-api does not implement setMyCommands: the bot warns and goes on.
    expect(log()).toContain("setMyCommands failed");
    const chat = new EmulatorChat(server, TOKEN, 901, "ru");
    const replies = await chat.send("/start", 2);
    expect(replies.map((m) => m.text)).toEqual([expect.stringMatching(/^Здравствуйте!/), expect.stringMatching(/^О персональных данных/)]);
    expect(await stop(child)).toBe(0);
    expect(log()).toContain('"signal":"SIGTERM"');
  });

  it("refuses to open the embedded database a running bot has open, saying what to do, and starts once that bot is gone", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kelisim-main-"));
    dirs.push(dir);
    // A live bot's record: this test's own process stands for it.
    writeFileSync(join(dir, "kelisim.pid"), `${process.pid}\n`);
    const second = start({ DATA_DIR: dir });
    expect(await new Promise((resolve) => second.child.once("exit", resolve))).toBe(1);
    expect(second.log()).toContain(`Another Kelisim (process ${process.pid}) is running on ${dir}`);
    expect(second.log()).toContain("Several instances");
    // The database was not opened (nothing of it written; the data key is made before, from configuration).
    expect(readdirSync(dir).filter((f) => f !== "data.key")).toEqual(["kelisim.pid"]);
    // The same in the local console (no token), whose log goes to a file beside the data: one line, no stack.
    const inConsole = start({ DATA_DIR: dir, BOT_TOKEN: "" });
    expect(await new Promise((resolve) => inConsole.child.once("exit", resolve))).toBe(1);
    expect(inConsole.log()).toContain(`Another Kelisim (process ${process.pid}) is running on ${dir}`);
    expect(inConsole.log()).not.toMatch(/Error|\n\s+at /);
    expect(readdirSync(dir).filter((f) => f !== "data.key")).toEqual(["kelisim.pid"]);
    // A record left by a bot that is gone (a crash) is taken over.
    writeFileSync(join(dir, "kelisim.pid"), "999999999\n");
    const third = start({ DATA_DIR: dir });
    await until(() => third.log().includes('"msg":"polling"'));
    expect(await stop(third.child)).toBe(0);
  });

  it("after a restart, answers updates while the messages left from before it go out at their chat's pace, those in order", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kelisim-main-"));
    dirs.push(dir);
    // A stop left 20 messages for one chat unsent (a long run of reminders, say): about 18 s at one a second.
    const db = await openDatabase({ url: null, dataDir: dir });
    const left = Array.from({ length: 20 }, (_, i) => `left ${i}`);
    await db.prisma.outbox.createMany({ data: left.map((text) => ({ chatId: 904n, method: "sendMessage", payload: { chat_id: 904, text } })) });
    await db.close();
    const { child, log } = start({ DATA_DIR: dir, DATA_KEY: randomBytes(32).toString("base64") });
    await until(() => log().includes('"msg":"polling"'));
    expect(log()).toContain('"flushed":20');
    // Someone else writes meanwhile: answered before the chat's messages are all out. Before, the bot read no
    // update until every one of them had gone out.
    const other = new EmulatorChat(server, TOKEN, 905, "ru");
    expect((await other.send("/start", 2))[0]!.text).toMatch(/^Здравствуйте!/);
    const waiting = new EmulatorChat(server, TOKEN, 904);
    expect(waiting.all().length).toBeLessThan(left.length);
    // And they all go out, in order.
    await until(() => waiting.all().length === left.length);
    expect(waiting.all().map((m) => m.text)).toEqual(left);
    expect(await stop(child)).toBe(0);
  });

  it("a stop with many messages queued ends within an orchestrator's grace, leaving them in the outbox for the next start; a second SIGTERM meanwhile is ignored", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kelisim-main-"));
    dirs.push(dir);
    const db = await openDatabase({ url: null, dataDir: dir });
    await db.prisma.outbox.createMany({ data: Array.from({ length: 20 }, (_, i) => ({ chatId: 911n, method: "sendMessage", payload: { chat_id: 911, text: `left ${i}` } })) });
    await db.close();
    const key = randomBytes(32).toString("base64");
    const { child, log } = start({ DATA_DIR: dir, DATA_KEY: key });
    await until(() => log().includes('"msg":"polling"'));
    const exit = new Promise<number | null>((resolve) => child.once("exit", (code, signal) => resolve(signal ? -1 : code)));
    const t0 = Date.now();
    child.kill("SIGTERM");
    await until(() => log().includes('"msg":"stopping"') || child.exitCode !== null);
    // Before, a second signal met Node's default handler and killed the process mid-stop (exit by signal).
    if (child.exitCode === null) child.kill("SIGTERM");
    expect(await exit).toBe(0);
    // Before, the stop sent all 20 at the chat's pace first (about 18 s): past Docker's 10 s, then killed.
    expect(Date.now() - t0).toBeLessThan(10_000);
    const after = await openDatabase({ url: null, dataDir: dir });
    try {
      const sent = new EmulatorChat(server, TOKEN, 911).all().length;
      expect(await after.prisma.outbox.count({ where: { chatId: 911n, sentAt: null } })).toBe(20 - sent);
      expect(sent).toBeLessThan(20);
    } finally {
      await after.close();
    }
  });

  it("polling refused by Telegram (409: another process reads this bot's updates): says so in one line and stops cleanly, exit 1", async () => {
    // A Bot API that knows the bot but refuses its getUpdates, as Telegram does while a webhook is set elsewhere.
    const polls: string[] = [];
    const api = createHttpServer((req, res) => {
      const method = (req.url ?? "").split("/").pop();
      if (method === "getUpdates") req.on("data", (chunk: Buffer) => polls.push(chunk.toString()));
      const body =
        method === "getMe"
          ? { ok: true, result: { id: 777000, is_bot: true, first_name: "Kelisim", username: "kelisim_test_bot", can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false } }
          : method === "getUpdates"
            ? { ok: false, error_code: 409, description: "Conflict: can't use getUpdates method while webhook is active" }
            : { ok: true, result: true };
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    });
    await new Promise<void>((r) => api.listen(0, "127.0.0.1", r));
    try {
      const { child, log } = start({ TELEGRAM_API_ROOT: `http://127.0.0.1:${(api.address() as { port: number }).port}` });
      const code = await new Promise<number | null>((resolve) => child.once("exit", (c, signal) => resolve(signal ? -1 : c)));
      // Before, the runner's rejection went unhandled: the process died without its clean stop.
      expect(code).toBe(1);
      expect(log()).toContain("another process reads this bot's updates");
      expect(log()).toContain('"reason":"polling stopped"');
      // The updates asked for: edits of sent messages too, so that the bot can say it does not read them.
      expect(JSON.parse(polls[0] ?? "null") as unknown).toMatchObject({ allowed_updates: ["message", "edited_message", "callback_query"] });
    } finally {
      await new Promise<void>((r) => api.close(() => r()));
    }
  });

  it("serves a webhook: /healthz, the secret checked, updates answered, and a clean stop", async () => {
    const port = await freePort();
    const secret = "e2e-secret-0123456789";
    const { child, log } = start({ BOT_MODE: "webhook", WEBHOOK_URL: `https://kelisim.example.kz`, WEBHOOK_SECRET: secret, PORT: String(port) });
    const base = `http://127.0.0.1:${port}`;
    await until(async () => (await fetch(`${base}/healthz`).catch(() => null))?.status === 200);
    const chat = new EmulatorChat(server, TOKEN, 902, "kk");
    const update = { update_id: 1, message: { message_id: 1, date: 1, chat: { id: 902, type: "private" }, from: { id: 902, is_bot: false, first_name: "W", language_code: "kk" }, text: "/start", entities: [{ type: "bot_command", offset: 0, length: 6 }] } };
    const post = (s: string) => fetch(`${base}/telegram`, { method: "POST", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": s }, body: JSON.stringify(update) });
    expect((await post("not-the-secret-000000")).status).toBe(401);
    expect((await post(secret)).status).toBe(200);
    const replies = await chat.replies(2);
    expect(replies.map((m) => m.text)).toEqual([expect.stringMatching(/^Сәлеметсіз бе!/), expect.stringMatching(/^Дербес деректер туралы/)]);
    expect(await stop(child)).toBe(0);
    expect(log()).toContain("webhook server listening");
  });
});
