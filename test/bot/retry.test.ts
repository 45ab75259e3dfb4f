// Telegram unreachable: a call that fails with a network error is retried with back-off, and every retry
// is logged at warn with its count — not only at debug level — until it goes through or the retries run out.
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testBot, texts } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";

let t: TestDb;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t.dispose());

const capture = () => {
  const records: Record<string, unknown>[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (records.push(...chunk.toString().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)), done()) });
  return { records, logger: pino({ level: "warn" }, sink) };
};

describe("Telegram unreachable", () => {
  it("a send that fails three times on the network is retried, each retry logged at warn with its count, and delivered", async () => {
    const { records, logger } = capture();
    const h = await testBot(t.db, { logger, retry: { firstBackoffMs: 10 } });
    h.fake.failNext.set("sendMessage", { network: true, count: 3 });
    const calls = await h.user(801, "ru").send("/start");
    expect(texts(calls)[0]).toMatch(/^Здравствуйте!/);
    expect(h.fake.failNext.get("sendMessage")!.count).toBe(0);
    const retries = records.filter((r) => r.msg === "Telegram call failed; retrying");
    expect(retries.map((r) => [r.level, r.method, r.retry, r.of])).toEqual([
      [40, "sendMessage", 1, 3],
      [40, "sendMessage", 2, 3],
      [40, "sendMessage", 3, 3],
    ]);
    // The back-off doubles.
    expect(retries.map((r) => r.waitMs)).toEqual([10, 20, 40]);
    expect(String(retries[0]!.error)).toContain("Network request for 'sendMessage' failed!");
  });

  it("when the retries run out, it says so at warn and the message waits in the outbox for a later try", async () => {
    const { records, logger } = capture();
    const h = await testBot(t.db, { logger, retry: { firstBackoffMs: 10 } });
    h.fake.failNext.set("sendMessage", { network: true, count: 4 });
    await h.user(802, "ru").send("/start");
    expect(records.filter((r) => r.msg === "Telegram call failed; retrying")).toHaveLength(3);
    expect(records.find((r) => r.msg === "Telegram unreachable; no retries left")).toMatchObject({ level: 40, method: "sendMessage", attempts: 4 });
    expect(records.find((r) => r.msg === "send failed; kept for a later try")).toMatchObject({ level: 40 });
    expect(await t.db.prisma.outbox.count({ where: { chatId: 802n, sentAt: null } })).toBe(2);
    // /healthz is told: Telegram has been failing (past the grace it allows a blip; tested in health.test)…
    expect(h.telegram.problem(0)).toMatch(/^telegram unreachable for \d+ s \(4 failed calls\)$/);
    expect(h.telegram.problem()).toBeNull();
    // …until a call gets Telegram's answer again.
    await h.user(802, "ru").send("/help");
    expect(h.telegram.problem(0)).toBeNull();
  });
});
