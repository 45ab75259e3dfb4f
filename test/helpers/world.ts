// A fresh database and bot for one test, with its own clock: for tests that each need a world of their own.
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
