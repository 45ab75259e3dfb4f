// Webhook mode over HTTP: Telegram's secret-token header is checked, updates are handled, /healthz answers.
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebhookServer, WEBHOOK_PATH } from "../../bot/webhook.js";
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
