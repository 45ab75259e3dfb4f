// HEALTH_PORT's server on its own: /healthz is 200 while the database answers and 503 within about a second
// when it does not (the same answer as the webhook's /healthz), 503 too when Telegram has been unreachable for
// 30 s; every other path is 404.
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Prisma } from "../../bot/db/database.js";
import { createHealthServer, TelegramHealth } from "../../bot/health.js";
import { testBot } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";

let t: TestDb;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => {
  await t.dispose();
});

const withServer = async (prisma: Prisma, fn: (base: string) => Promise<void>, telegram?: TelegramHealth) => {
  const server = createHealthServer(prisma, telegram);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
};

describe("the health server", () => {
  it("answers 200 while the database answers, 404 elsewhere", async () => {
    await withServer(t.db.prisma, async (base) => {
      const res = await fetch(`${base}/healthz`);
      expect([res.status, await res.text()]).toEqual([200, "ok"]);
      expect((await fetch(`${base}/`)).status).toBe(404);
      expect((await fetch(`${base}/healthz`, { method: "POST" })).status).toBe(404);
    });
  });

  it("answers 503 when Telegram has been unreachable for 30 s, not for a blip, and 200 again once it answers", async () => {
    let now = 1_000_000;
    const telegram = new TelegramHealth(() => now);
    const status = async (base: string) => {
      const res = await fetch(`${base}/healthz`);
      return [res.status, await res.text()];
    };
    await withServer(
      t.db.prisma,
      async (base) => {
        telegram.failed();
        now += 29_000;
        expect(await status(base)).toEqual([200, "ok"]);
        telegram.failed();
        now += 2_000;
        expect(await status(base)).toEqual([503, "telegram unreachable for 31 s (2 failed calls)"]);
        telegram.answered();
        expect(await status(base)).toEqual([200, "ok"]);
      },
      telegram,
    );
  });

  it("while Telegram is failing, asks it again (at most every 10 s): 200 once it answers, though the bot made no call of its own", async () => {
    let now = 2_000_000;
    const telegram = new TelegramHealth(() => now);
    let back = false;
    let probes = 0;
    // The bot's getMe, through its retries, which tell the outcome as for any call.
    telegram.probe = () => {
      probes++;
      if (back) telegram.answered();
      else telegram.failed();
      return Promise.resolve();
    };
    const status = async (base: string) => {
      const res = await fetch(`${base}/healthz`);
      return res.status;
    };
    await withServer(
      t.db.prisma,
      async (base) => {
        // The last failed call was a button's answer, never retried; no message is waiting.
        telegram.failed();
        now += 31_000;
        expect(await status(base)).toBe(503);
        expect(probes).toBe(1);
        back = true;
        now += 5_000;
        expect(await status(base)).toBe(503);
        expect(probes).toBe(1);
        // Before, nothing asked Telegram again: 503 until the bot happened to make a call.
        now += 6_000;
        expect(await status(base)).toBe(200);
        expect(probes).toBe(2);
        expect(await status(base)).toBe(200);
        expect(probes).toBe(2);
      },
      telegram,
    );
  });

  it("the bot's probe is its getMe", async () => {
    const h = await testBot(t.db);
    await h.telegram.probe!(AbortSignal.timeout(5_000));
    expect(h.fake.calls.map((c) => c.method)).toContain("getMe");
  });

  it("answers 503 within about a second when the database never answers, and 503 at once when it fails", async () => {
    const hung = { $queryRaw: () => new Promise(() => undefined) } as unknown as Prisma;
    await withServer(hung, async (base) => {
      const started = Date.now();
      const res = await fetch(`${base}/healthz`);
      const took = Date.now() - started;
      expect([res.status, await res.text()]).toEqual([503, "database unavailable"]);
      // 1 s by design; the margin is for a busy 2-core machine.
      expect(took).toBeGreaterThanOrEqual(900);
      expect(took).toBeLessThan(2_500);
    });
    const failing = { $queryRaw: () => Promise.reject(new Error("connection refused")) } as unknown as Prisma;
    await withServer(failing, async (base) => {
      expect((await fetch(`${base}/healthz`)).status).toBe(503);
    });
  });
});
