// Retries of Bot API calls, as a grammY API transformer (in place of @grammyjs/auto-retry, which retries a
// network failure without end and says so only at debug level): a 429 waits as long as Telegram asks, a
// 5xx or a network failure waits with exponential back-off; every retry is logged at warn with its count,
// and after the last one the failure goes to the caller (the sender keeps the message for a later try).
import { HttpError, type Transformer } from "grammy";
import type { TelegramHealth } from "../health.js";
import type { Logger } from "../logger.js";

export interface RetryOptions {
  /** Retries after the first attempt. */
  maxRetryAttempts: number;
  /** A 429 asking for a longer wait than this is not retried here (seconds). */
  maxDelaySeconds: number;
  /** The first back-off after a 5xx or a network failure; it doubles each time (ms). */
  firstBackoffMs: number;
}

export const RETRY: RetryOptions = { maxRetryAttempts: 3, maxDelaySeconds: 60, firstBackoffMs: 3_000 };

type Signal = Parameters<Transformer>[3];

const pause = (ms: number, signal: Signal) =>
  new Promise<void>((resolve, reject) => {
    const abort = () => {
      clearTimeout(timer);
      reject(new Error("Request aborted while waiting between retries"));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", abort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", abort, { once: true });
  });

/** `health` is told each call's outcome: Telegram answered, or the network or a 5xx failed it (/healthz). */
export const retrying = (log: Logger, options: Partial<RetryOptions> = {}, health?: TelegramHealth): Transformer => {
  const o = { ...RETRY, ...options };
  return async (prev, method, payload, signal) => {
    let backoff = o.firstBackoffMs;
    for (let attempt = 1; ; attempt++) {
      const retriesLeft = attempt <= o.maxRetryAttempts;
      let waitMs: number;
      let reason: Record<string, unknown>;
      try {
        const res = await prev(method, payload, signal);
        if (res.ok || res.error_code < 500) health?.answered();
        else health?.failed();
        const retryAfter = res.ok ? undefined : res.parameters?.retry_after;
        if (res.ok || !retriesLeft) {
          if (!res.ok && (retryAfter !== undefined || res.error_code >= 500)) log.warn({ method, attempts: attempt, code: res.error_code }, "Telegram call failed; no retries left");
          return res;
        }
        if (typeof retryAfter === "number") {
          if (retryAfter > o.maxDelaySeconds) return res;
          waitMs = retryAfter * 1000;
          reason = { code: res.error_code, retryAfter };
        } else if (res.error_code >= 500) {
          waitMs = backoff;
          backoff = Math.min(backoff * 2, 60 * 60 * 1000);
          reason = { code: res.error_code };
        } else {
          return res;
        }
      } catch (e) {
        // Only a failure of the network itself; anything else (an aborted call) is the caller's.
        if (!(e instanceof HttpError) || signal?.aborted) throw e;
        health?.failed();
        if (!retriesLeft) {
          log.warn({ method, attempts: attempt, error: e.message }, "Telegram unreachable; no retries left");
          throw e;
        }
        waitMs = backoff;
        backoff = Math.min(backoff * 2, 60 * 60 * 1000);
        reason = { error: e.message };
      }
      log.warn({ method, retry: attempt, of: o.maxRetryAttempts, waitMs, ...reason }, "Telegram call failed; retrying");
      await pause(waitMs, signal);
    }
  };
};
