// Telegram's per-chat limits as the pacing transformer keeps them (bot/runtime/pace.ts), on a controlled clock:
// a group's own limit, a burst only for answers, and a 429's wait kept for every later call into the chat.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ANSWER_PRIORITY, LocalGate, pacing, SEND_LIMITS } from "../../bot/runtime/pace.js";

type Answer = { ok: true; result: true } | { ok: false; error_code: number; parameters?: { retry_after?: number } };

/** The transformer with Telegram replaced by `answer`; each call Telegram got, with its chat and time. */
const paced = (answer: (chat: number) => Answer = () => ({ ok: true, result: true }), priorityOf?: (chat: string) => number) => {
  const got: { chat: number; at: number }[] = [];
  const transformer = pacing({ perSecond: SEND_LIMITS.perSecond, perChat: SEND_LIMITS.perChat }, new LocalGate(SEND_LIMITS.perSecond), priorityOf);
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

describe("a chat's burst", () => {
  it("is for answers: messages no one waits for (jobs') go one a second into a chat, from the first", async () => {
    // Chat 1 is being answered; chat 2 gets a job's messages.
    const { got, send } = paced(undefined, (chat) => (chat === "1" ? ANSWER_PRIORITY : 0));
    const all = Promise.all([1, 1, 1, 2, 2, 2].map((chat) => send(chat)));
    await vi.advanceTimersByTimeAsync(5_000);
    await all;
    const times = (chat: number) => got.filter((c) => c.chat === chat).map((c) => c.at);
    const gaps = (xs: number[]) => xs.slice(1).map((x, i) => x - xs[i]!);
    // The answer's three messages at once (Telegram allows short bursts); before, a job's three went at once too.
    expect(Math.max(...gaps(times(1)))).toBeLessThan(200);
    expect(gaps(times(2))).toHaveLength(2);
    for (const gap of gaps(times(2))) expect(gap).toBeGreaterThanOrEqual(SEND_LIMITS.perChat.intervalMs);
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
