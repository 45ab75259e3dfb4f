// The process behind `npm run db:backup | db:restore | db:move-to-postgres | data:export | data:erase`:
// .env, then the environment, as the bot reads them; the commands themselves are in commands.ts.
import { existsSync } from "node:fs";
import { runOps } from "./commands.js";

if (existsSync(".env")) process.loadEnvFile(".env");
const code = await runOps(process.argv.slice(2), process.env, {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
// A failure may leave a connection open: exit at once, as before (the success path closes everything).
if (code !== 0) process.exit(code);
