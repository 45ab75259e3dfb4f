// Telegram's per-chat limits as the pacing transformer keeps them (bot/runtime/pace.ts), on a controlled clock:
// a group's own limit, and a 429's wait kept for every later call into the chat.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LocalGate, pacing, SEND_LIMITS } from "../../bot/runtime/pace.js";

type Answer = { ok: true; result: true } | { ok: false; error_code: number; parameters?: { retry_after?: number } };

/** The transformer with Telegram replaced by `answer`; each call Telegram got, with its chat and time. */
const paced = (answer: (chat: number) => Answer = () => ({ ok: true, result: true })) => {
  const got: { chat: number; at: number }[] = [];
  const transformer = pacing({ perSecond: SEND_LIMITS.perSecond, perChat: SEND_LIMITS.perChat }, new LocalGate(SEND_LIMITS.perSecond));
  const prev = ((_method: string, payload: { chat_id: number }) => {
    got.push({ chat: payload.chat_id, at: performance.now() });
    return Promise.resolve(answer(payload.chat_id));
  }) as never;
  const send = (chat: number) => transformer(prev, "sendMessage", { chat_id: chat, text: "x" }, undefined) as unknown as Promise<Answer>;
  return { got, send };
};

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance", "Date"] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("a group's own limit", () => {
  it("a group gets at most 20 messages a minute (Telegram's FAQ); a private chat its burst of 3, then one a second", async () => {
    const { got, send } = paced();
    const group = (async () => {
      for (let i = 0; i < 30; i++) await send(-1001234);
    })();
    const person = (async () => {
      for (let i = 0; i < 30; i++) await send(42);
    })();
    await vi.advanceTimersByTimeAsync(60_000);
    await vi.runAllTimersAsync();
    await Promise.all([group, person]);
    const within = (chat: number) => {
      const times = got.filter((c) => c.chat === chat).map((c) => c.at);
      return times.filter((at) => at - times[0]! < 60_000).length;
    };
    // Before, a group was paced as a person: about 57 a minute.
    expect(within(-1001234)).toBeLessThanOrEqual(20);
    expect(within(-1001234)).toBeGreaterThanOrEqual(19);
    expect(within(42)).toBe(30);
  });
});

describe("a 429's wait", () => {
  it("longer than the retries wait: later calls into the chat are answered with the wait that is left, without calling Telegram; other chats go on", async () => {
    let refuse = true;
    const { got, send } = paced((chat) => (chat === 7 && refuse ? ((refuse = false), { ok: false, error_code: 429, parameters: { retry_after: 120 } }) : { ok: true, result: true }));
    expect(await send(7)).toMatchObject({ ok: false, error_code: 429 });
    await vi.advanceTimersByTimeAsync(30_000);
    // Before, the next try (the next jobs run, a few seconds later) called Telegram again at once.
    expect(await send(7)).toEqual({ ok: false, error_code: 429, parameters: { retry_after: 90 } });
    expect(got.filter((c) => c.chat === 7)).toHaveLength(1);
    expect(await send(8)).toEqual({ ok: true, result: true });
    // Once the wait is over, the chat is called again.
    await vi.advanceTimersByTimeAsync(90_000);
    expect(await send(7)).toEqual({ ok: true, result: true });
    expect(got.filter((c) => c.chat === 7)).toHaveLength(2);
  });

  it("up to a minute: the chat's next call waits in line until it is over", async () => {
    let refuse = true;
    const { got, send } = paced(() => (refuse ? ((refuse = false), { ok: false, error_code: 429, parameters: { retry_after: 5 } }) : { ok: true, result: true }));
    await send(9);
    const next = send(9);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await next).toEqual({ ok: true, result: true });
    expect(got[1]!.at - got[0]!.at).toBeGreaterThanOrEqual(5_000);
  });
});
