// GET /healthz: 200 "ok" when the database answers a query within a second and Telegram is reachable; 503,
// saying which, when the database does not answer, or when the bot's calls to Telegram have failed (network,
// 5xx) for TELEGRAM_GRACE_MS or more. The webhook server answers it on PORT; HEALTH_PORT serves it in every
// mode (polling included) for a container's or a load balancer's health check.
import { createServer, type Server, type ServerResponse } from "node:http";
import type { Prisma } from "./db/database.js";

export const HEALTH_PATH = "/healthz";
/** How long /healthz waits for the database before answering 503 (ms). */
export const HEALTH_MS = 1_000;

/** Resolves true when the database answers within `ms`, false when it fails or does not answer in time. */
export const databaseAnswers = (prisma: Prisma, ms: number): Promise<boolean> =>
  new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    prisma.$queryRaw`SELECT 1`.then(
      () => (clearTimeout(timer), resolve(true)),
      () => (clearTimeout(timer), resolve(false)),
    );
  });

/** How long Telegram may fail before /healthz says so: a blip (one retried call) is no outage. */
export const TELEGRAM_GRACE_MS = 30_000;

/** While Telegram is failing, /healthz asks it again (getMe) at most this often. */
export const PROBE_EVERY_MS = 10_000;

/** Telegram's reachability as the bot's own calls see it (the retry transformer tells it each outcome). */
export class TelegramHealth {
  private failingSince: number | null = null;
  private retries = 0;
  private probedAt = -Infinity;
  /**
   * One call to Telegram (the bot's getMe), whose outcome is told here as any call's is: set by the bot. Without
   * it, a failure with no call after it (a button's answer is never retried) would keep /healthz at 503 — and a
   * load balancer that then sends no more updates would keep it there.
   */
  probe?: (signal: AbortSignal) => Promise<unknown>;

  constructor(private readonly now: () => number = Date.now) {}

  /** While failing, asks Telegram once more (at most every PROBE_EVERY_MS, waiting `ms` at most). */
  async check(ms: number): Promise<void> {
    if (this.failingSince === null || !this.probe || this.now() - this.probedAt < PROBE_EVERY_MS) return;
    this.probedAt = this.now();
    await this.probe(AbortSignal.timeout(ms)).catch(() => undefined);
  }

  /** A call failed on the network or with a 5xx. */
  failed(): void {
    this.failingSince ??= this.now();
    this.retries++;
  }

  /** A call got Telegram's answer. */
  answered(): void {
    this.failingSince = null;
    this.retries = 0;
  }

  /** What /healthz says when Telegram has failed for `graceMs` or more; null otherwise. */
  problem(graceMs = TELEGRAM_GRACE_MS): string | null {
    if (this.failingSince === null) return null;
    const forMs = this.now() - this.failingSince;
    return forMs >= graceMs ? `telegram unreachable for ${Math.round(forMs / 1000)} s (${this.retries} failed calls)` : null;
  }
}

export const answerHealth = (prisma: Prisma, res: ServerResponse, ms = HEALTH_MS, telegram?: TelegramHealth): void =>
  void Promise.all([databaseAnswers(prisma, ms), telegram?.check(ms)]).then(([ok]) => {
    const problem = ok ? (telegram?.problem() ?? null) : "database unavailable";
    if (problem === null) res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    else res.writeHead(503, { "content-type": "text/plain" }).end(problem);
  });

/** A server that answers only GET /healthz (404 elsewhere). */
export const createHealthServer = (prisma: Prisma, telegram?: TelegramHealth, ms = HEALTH_MS): Server =>
  createServer({ headersTimeout: 10_000, requestTimeout: 10_000 }, (req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (req.method === "GET" && path === HEALTH_PATH) return answerHealth(prisma, res, ms, telegram);
    res.writeHead(404).end();
  });
