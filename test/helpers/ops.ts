// The operator's commands (bot/ops/commands.ts) run in the test's process, with an environment of their
// own, as `npm run db:… / data:…` runs them: exit code, stdout and stderr. One test per command family still
// starts the real process (bot/ops/cli.ts); the rest call runOps directly, which saves a Node start each.
import { spawn } from "node:child_process";
import { runOps } from "../../bot/ops/commands.js";

export interface OpsResult {
  code: number | null;
  out: string;
  err: string;
}

/** runOps with `env` over an environment that names no database and no key. */
export const ops = async (args: string[], env: Record<string, string>): Promise<OpsResult> => {
  let out = "";
  let err = "";
  const code = await runOps(args, { DATABASE_URL: "", DATA_KEY: "", ...env }, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
};

/** The same command as a process: `node --import tsx bot/ops/cli.ts …`, what the npm scripts run. */
export const opsProcess = (args: string[], env: Record<string, string>) =>
  new Promise<OpsResult>((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "bot/ops/cli.ts", ...args], {
      env: { PATH: process.env.PATH, DATABASE_URL: "", DATA_KEY: "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.once("exit", (code) => resolve({ code, out, err }));
  });
