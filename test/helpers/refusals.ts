// Every test file's setup: a call the fake Bot API refuses as Telegram would (a message over 4,096 characters, a
// caption over 1,024, a button's data over 64 bytes) fails the test that made it — also a test asserting that a
// message is absent, which the refused call would otherwise pass silently.
import { afterEach } from "vitest";
import { type Call, watchRefusals } from "../../bot/local/fake-api.js";

const refused: { call: Call; why: string }[] = [];
watchRefusals((call, why) => refused.push({ call, why }));

/** The refused calls so far, taken (a test that means to make one checks it here). */
export const takeRefused = () => refused.splice(0);

afterEach(() => {
  const seen = refused.splice(0);
  if (seen.length) throw new Error(`Telegram would refuse ${seen.length} call(s): ${seen.map((r) => `${r.call.method} to ${String(r.call.payload.chat_id)}: ${r.why}`).join("; ")}`);
});
