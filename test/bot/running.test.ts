// The record of the bot that has the embedded database open (DATA_DIR/kelisim.pid): a live process with the
// recorded id is the bot only if it started when the record says — an id is given again after its process ends.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { holdPidFile, pidFile, runningBot, startOf } from "../../bot/ops/running.js";

const linux = existsSync("/proc/self/stat");
const dir = mkdtempSync(join(tmpdir(), "kelisim-running-"));
// Another live process, standing for a bot (or for whatever process has the id now).
let other: ChildProcess;
beforeAll(async () => {
  other = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  await new Promise<void>((r) => other.once("spawn", () => r()));
});
afterAll(() => {
  other.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!linux)("the running bot's record (Linux: /proc)", () => {
  it("records this process with its start, and a record of a live process is that bot only if it started then", () => {
    const release = holdPidFile(dir);
    expect(runningBot(dir)).toBeNull(); // this process itself
    release();
    expect(existsSync(pidFile(dir))).toBe(false);
    const pid = other.pid!;
    writeFileSync(pidFile(dir), `${pid} ${startOf(pid)}\n`);
    expect(runningBot(dir)).toBe(pid);
    // The id now belongs to a process that started at another time (after a reboot, a container's restart):
    // before, the start was refused until someone deleted the file.
    writeFileSync(pidFile(dir), `${pid} 1\n`);
    expect(runningBot(dir)).toBeNull();
    expect(() => holdPidFile(dir)()).not.toThrow();
    // A record of the id alone (written by an older version): the id is all there is to go by.
    writeFileSync(pidFile(dir), `${pid}\n`);
    expect(runningBot(dir)).toBe(pid);
  });
});
