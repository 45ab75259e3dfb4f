// A fresh database and bot for one test, with its own clock: for tests that each need a world of their own.
import type { Call } from "../../bot/local/fake-api.js";
import { createLogger } from "../../bot/logger.js";
import { testBot, type Harness } from "./bot.js";
import { testDatabase, type TestDb } from "./db.js";

export interface World {
  t: TestDb;
  h: Harness;
  /** Sets the bot's clock. */
  at: (iso: string) => void;
}

/** Runs `run` with a new database and bot (these admins), its clock at `start`; disposes of them after. */
export const withBot = async (adminIds: number[], start: string, run: (w: World) => Promise<void>) => {
  const t = await testDatabase();
  try {
    let now = new Date(start);
    const h = await testBot(t.db, { adminIds, now: () => now });
    await run({ t, h, at: (iso) => (now = new Date(iso)) });
  } finally {
    await t.dispose();
  }
};

const quiet = createLogger("silent");

/** Sets the clock to `iso` and runs the jobs due then; returns the calls they made once sent. */
export const runJobsAt = async (w: World, iso: string): Promise<Call[]> => {
  const before = w.h.fake.calls.length;
  w.at(iso);
  await w.h.runtime.runJobs(new Date(iso), w.h.bot.api, quiet);
  await w.h.runtime.idle();
  return w.h.fake.calls.slice(before);
};
