// Webhook mode over HTTP: Telegram's secret-token header is checked, updates are handled, /healthz answers
// — within a second, 503 when the database does not answer; oversized, malformed and slow requests refused.
import { Agent, request } from "node:http";
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from "node:net";
import type { Server } from "node:http";
import { PrismaClient } from "../../bot/db/generated/client.js";
import { openPgPool, pgAdapter } from "../../bot/db/adapters.js";
import type { Transformer } from "grammy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegram } from "../../bot/local/fake-api.js";
import { until } from "../helpers/wait.js";
import { createWebhookServer, WEBHOOK_PATH, type WebhookLimits } from "../../bot/webhook.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { testBot, texts, type Harness } from "../helpers/bot.js";

const SECRET = "webhook-secret-0123456789";
let t: TestDb;
let h: Harness;
let server: Server;
let base: string;

beforeAll(async () => {
  t = await testDatabase();
  h = await testBot(t.db);
  server = createWebhookServer(h.bot, SECRET, t.db.prisma);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await t.dispose();
});

const post = (body: unknown, secret?: string) =>
  fetch(base + WEBHOOK_PATH, {
    method: "POST",
    headers: { "content-type": "application/json", ...(secret ? { "x-telegram-bot-api-secret-token": secret } : {}) },
    body: JSON.stringify(body),
  });

describe("webhook server", () => {
  it("refuses a request without the right secret token, and handles nothing", async () => {
    const update = h.user(601, "kk").messageUpdate("/start");
    expect((await post(update)).status).toBe(401);
    expect((await post(update, "wrong-secret-0123456789")).status).toBe(401);
    expect(h.fake.calls).toEqual([]);
  });

  it("handles an update with the right secret token, and a redelivery only once", async () => {
    const update = h.user(602, "ru").messageUpdate("/start");
    expect((await post(update, SECRET)).status).toBe(200);
    expect(texts(h.fake.sent("sendMessage", 602))).toEqual([expect.stringMatching(/^Здравствуйте!/), expect.stringMatching(/^О персональных данных/)]);
    expect((await post(update, SECRET)).status).toBe(200);
    expect(h.fake.sent("sendMessage", 602)).toHaveLength(2);
  });

  it("answers /healthz with the database's state, and 404 elsewhere", async () => {
    const ok = await fetch(`${base}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("ok");
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});

/** A server of its own with other limits (or another database), closed after `fn`. */
const withServer = async (opts: { prisma?: PrismaClient; limits?: Partial<WebhookLimits> }, fn: (port: number) => Promise<void>) => {
  const s = createWebhookServer(h.bot, SECRET, opts.prisma ?? t.db.prisma, opts.limits);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  try {
    await fn((s.address() as AddressInfo).port);
  } finally {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
};

/** POSTs raw bytes with node:http (which, unlike fetch, reads an early answer to a body it is still sending). */
const postRaw = (port: number, body: Buffer, headers: Record<string, string> = {}) =>
  new Promise<number>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: WEBHOOK_PATH, method: "POST", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET, ...headers } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end(body);
  });

describe("webhook server under abuse and faults", () => {
  it("answers /healthz 503 within about a second when the database accepts connections but never answers", async () => {
    // A "database" that accepts TCP connections and never says a word.
    const sockets: Socket[] = [];
    const blackHole = createTcpServer((sock) => void sockets.push(sock));
    await new Promise<void>((r) => blackHole.listen(0, "127.0.0.1", r));
    const url = `postgresql://nobody@127.0.0.1:${(blackHole.address() as AddressInfo).port}/nothing`;
    const pool = openPgPool(url, "public", { timeouts: { connectMs: 3_000, statementMs: 3_000, idleMs: 1_000 } });
    const prisma = new PrismaClient({ adapter: pgAdapter(pool) });
    try {
      await withServer({ prisma }, async (port) => {
        const started = Date.now();
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        const took = Date.now() - started;
        expect(res.status).toBe(503);
        expect(await res.text()).toBe("database unavailable");
        // 1 s by design; the margin is for a busy 2-core machine.
        expect(took).toBeGreaterThanOrEqual(900);
        expect(took).toBeLessThan(2_500);
      });
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => blackHole.close(r));
      await prisma.$disconnect().catch(() => undefined);
      await pool.end().catch(() => undefined);
    }
  });

  it("refuses a 10 MB body with 413 and malformed JSON with 400, handles nothing, and keeps serving", async () => {
    const before = h.fake.calls.length;
    await withServer({}, async (port) => {
      expect(await postRaw(port, Buffer.alloc(10 * 1024 * 1024, 0x20))).toBe(413);
      // Without a Content-Length (chunked), the limit holds as the bytes arrive.
      expect(await postRaw(port, Buffer.alloc(10 * 1024 * 1024, 0x20), { "transfer-encoding": "chunked" })).toBe(413);
      expect(await postRaw(port, Buffer.from('{"update_id": 5, "message": {'))).toBe(400);
      expect(await postRaw(port, Buffer.from("null"))).toBe(400);
      expect(h.fake.calls.length).toBe(before);
      const ok = await postRaw(port, Buffer.from(JSON.stringify(h.user(603, "ru").messageUpdate("/start"))));
      expect(ok).toBe(200);
      expect(h.fake.sent("sendMessage", 603)).toHaveLength(2);
    });
  });

  it("cuts off a client that sends its headers too slowly with 408", async () => {
    await withServer({ limits: { headersMs: 300, requestMs: 600 } }, async (port) => {
      const sock = connect(port, "127.0.0.1");
      let answer = "";
      sock.on("data", (d: Buffer) => (answer += d.toString()));
      const closed = new Promise<void>((r) => sock.once("close", () => r()));
      sock.write(`POST ${WEBHOOK_PATH} HTTP/1.1\r\nHost: x\r\n`); // and never the rest
      await closed;
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    });
  });

  it("cuts off a client that sends its body too slowly with 408", async () => {
    await withServer({ limits: { headersMs: 300, requestMs: 600 } }, async (port) => {
      const sock = connect(port, "127.0.0.1");
      let answer = "";
      sock.on("data", (d: Buffer) => (answer += d.toString()));
      const closed = new Promise<void>((r) => sock.once("close", () => r()));
      sock.write(`POST ${WEBHOOK_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\nX-Telegram-Bot-Api-Secret-Token: ${SECRET}\r\n\r\n{"upd`);
      await closed;
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    });
  });
});

describe("a stop while Telegram keeps its connection busy", () => {
  it("the update in flight is answered; those posted after the stop began are refused (Telegram delivers them again), and the stop ends", async () => {
    const fake = new FakeTelegram();
    let inFlight = false;
    // Telegram takes a moment to answer each call: an update is being handled when the stop begins.
    const slow: Transformer = async (prev, method, payload, signal) => {
      inFlight = true;
      await new Promise((r) => setTimeout(r, 150));
      return fake.transformer(prev, method, payload, signal);
    };
    const bot = await testBot(t.db, { transport: slow });
    const own: Server = createWebhookServer(bot.bot, SECRET, t.db.prisma);
    await new Promise<void>((r) => own.listen(0, "127.0.0.1", r));
    const port = (own.address() as AddressInfo).port;
    // Telegram delivers over persistent connections: one here.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const post = (chat: number) =>
      new Promise<number | string>((resolve) => {
        const body = JSON.stringify(bot.user(chat, "ru").messageUpdate("/start"));
        const req = request({ host: "127.0.0.1", port, path: WEBHOOK_PATH, method: "POST", agent, headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET } }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("error", (e) => resolve(e.message));
        req.end(body);
      });
    try {
      const first = post(9000);
      await until(() => inFlight);
      // What main.ts does on SIGTERM.
      const stopped = bot.finish(() => new Promise((r) => own.close(() => r())));
      expect(await first).toBe(200);
      // Telegram goes on posting on the same connection: 20 more updates, one after another.
      const afterStop: (number | string)[] = [];
      for (let i = 1; i <= 20; i++) afterStop.push(await post(9000 + i));
      await stopped;
      // Before, all 20 were taken (200) after the stop began, and the stop lasted as long as they kept coming.
      expect(afterStop.filter((s) => s === 200)).toEqual([]);
      expect(texts(fake.sent("sendMessage", 9000))[0]).toMatch(/^Здравствуйте!/);
    } finally {
      agent.destroy();
    }
  });
});
