// The embedded database (PGlite) can be open in one process only. The bot records its process id in
// DATA_DIR/kelisim.pid while it runs; the operator's scripts read it to ask the running bot for a backup
// (see backup.ts) or to refuse what needs the database closed (restore, moving to PostgreSQL).
import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

export const pidFile = (dataDir: string): string => join(dataDir, "kelisim.pid");

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** The process id of the bot that has DATA_DIR's database open, or null (none, or a stale file). */
export const runningBot = (dataDir: string): number | null => {
  const file = pidFile(dataDir);
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, "utf8").trim());
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null;
  return alive(pid) ? pid : null;
};

/** Another bot has DATA_DIR's embedded database open: a second process would write the same files. */
export class DataDirInUse extends Error {
  override name = "DataDirInUse";
  constructor(readonly pid: number) {
    super(`another Kelisim (process ${pid}) has this DATA_DIR's database open`);
  }
}

/**
 * Records this process as the one with DATA_DIR's database open; the returned function removes the record.
 * Throws DataDirInUse while another live bot holds it (a stale file, left by a crash, is taken over).
 */
export const holdPidFile = (dataDir: string): (() => void) => {
  mkdirSync(dataDir, { recursive: true });
  const file = pidFile(dataDir);
  const other = runningBot(dataDir);
  if (other !== null) throw new DataDirInUse(other);
  writeFileSync(file, `${process.pid}\n`);
  return () => {
    try {
      if (readFileSync(file, "utf8").trim() === String(process.pid)) rmSync(file, { force: true });
    } catch {
      // already gone
    }
  };
};
