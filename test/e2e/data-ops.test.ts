// The operator's personal-data commands on an embedded database: data:export prints /mydata's JSON,
// data:erase --dry-run reports and changes nothing, data:erase withdraws consent (in this process, through
// runOps); a missing --user is refused with one line and exit code 1 by the command as a process.
// (The rules themselves: test/bot/operator-data.test.ts.)
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../bot/db/database.js";
import { TEST_DATA_KEY, testBot } from "../helpers/bot.js";
import { fileNotice } from "../helpers/notice.js";
import { ops, opsProcess } from "../helpers/ops.js";

const dir = mkdtempSync(join(tmpdir(), "kelisim-data-ops-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = { DATA_DIR: dir, DATA_KEY: TEST_DATA_KEY.toString("base64") };
const cli = (args: string[]) => ops(args, env);

describe("npm run data:export / data:erase", () => {
  it("export prints the user's JSON; erase --dry-run changes nothing; erase withdraws consent", async () => {
    const db = await openDatabase({ url: null, dataDir: dir });
    const h = await testBot(db, { now: () => new Date("2026-11-23T10:00:00+05:00") });
    await fileNotice(h.user(61, "ru"), "ru");
    await db.close();

    const exported = await cli(["data-export", "--user", "61"]);
    expect([exported.code, exported.err]).toEqual([0, ""]);
    expect(JSON.parse(exported.out)).toMatchObject({ user: { telegramId: "61", language: "ru" }, cases: [{ number: "KZ-2026-000001", notice: { patient: "Иванов Иван Иванович", iin: "850301300121" } }] });

    // --out into a directory not there yet (a new folder for the request): made, as db:backup makes its own.
    const file = join(dir, "requests", "2026-11", "request-17.json");
    const written = await cli(["data-export", "--user", "61", "--out", file]);
    expect([written.code, written.err, written.out]).toEqual([0, "", `User 61's data written to ${file} (personal data, some of it medical: hand it only to the user).\n`]);
    const { exported: _at, ...inFile } = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    const { exported: _at2, ...printed } = JSON.parse(exported.out) as Record<string, unknown>;
    expect(inFile).toEqual(printed);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const dry = await cli(["data-erase", "--user", "61", "--dry-run"]);
    expect([dry.code, dry.out.split("\n")[0]]).toEqual([0, "Dry run for user 61: nothing was changed. data:erase would do this:"]);
    expect(dry.out).toContain("cases they filed that no organisation had received, their personal data taken out: KZ-2026-000001");

    const done = await cli(["data-erase", "--user", "61"]);
    expect([done.code, done.out.split("\n")[0]]).toEqual([0, "User 61:"]);
    const again = await openDatabase({ url: null, dataDir: dir });
    const u = await again.prisma.user.findUniqueOrThrow({ where: { id: 61n } });
    await again.close();
    expect(u.consentWithdrawnAt).not.toBeNull();

    // Telegram's user ids have up to 52 significant bits: one of 16 digits is a user id, not a wrong argument.
    const long = await cli(["data-export", "--user", "4503599627370495"]);
    expect([long.code, long.err]).toEqual([1, "no user 4503599627370495 in the database\n"]);

    const bad = await opsProcess(["data-erase"], env);
    expect([bad.code, bad.err]).toEqual([1, "give the user's Telegram id: --user <id>\n"]);
  });
});

describe("data:export / data:erase on a DATA_DIR without a database (a wrong DATA_DIR)", () => {
  it("are refused, saying so; no database and no key is made there", async () => {
    const empty = mkdtempSync(join(tmpdir(), "kelisim-data-ops-empty-"));
    try {
      for (const args of [["data-export", "--user", "61"], ["data-erase", "--user", "61"], ["data-erase", "--user", "61", "--dry-run"]]) {
        for (const key of [{}, { DATA_KEY: TEST_DATA_KEY.toString("base64") }] as Record<string, string>[]) {
          const r = await ops(args, { DATA_DIR: empty, ...key });
          expect([args.join(" "), r.code, r.err]).toEqual([args.join(" "), 1, `no Kelisim database in ${empty}: check DATA_DIR (or DATABASE_URL, for PostgreSQL)\n`]);
        }
      }
      expect(readdirSync(empty)).toEqual([]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
