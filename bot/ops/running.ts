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

/**
 * When a process started (Linux: clock ticks since boot, from /proc), or null where that cannot be read. A
 * process id is given again to another process after its own ends — after a reboot or a container's restart,
 * often soon — so the record keeps both, and a live process with that id but another start is not the bot.
 */
export const startOf = (pid: number): string | null => {
  try {
    // The command name (field 2) is in parentheses and may hold spaces: fields are counted after it.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
};

/** The process id of the bot that has DATA_DIR's database open, or null (none, or a stale file). */
export const runningBot = (dataDir: string): number | null => {
  const file = pidFile(dataDir);
  if (!existsSync(file)) return null;
  const [pidText, started] = readFileSync(file, "utf8").trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null;
  if (!alive(pid)) return null;
  // Recorded with its start, the process is the bot only if it started then (a record of the id alone, or a
  // system without /proc: the id is all there is to go by).
  const now = started === undefined ? null : startOf(pid);
  return now !== null && now !== started ? null : pid;
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
  const started = startOf(process.pid);
  writeFileSync(file, started === null ? `${process.pid}\n` : `${process.pid} ${started}\n`);
  return () => {
    try {
      if (readFileSync(file, "utf8").trim().split(/\s+/)[0] === String(process.pid)) rmSync(file, { force: true });
    } catch {
      // already gone
    }
  };
};
