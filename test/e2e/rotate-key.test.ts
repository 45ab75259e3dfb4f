// npm run data:rotate-key (issue 13): every sealed value re-sealed with a new key, in batches, resumable; the
// bot refuses a half-rotated database and answers its users again with the new key.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkDataKey, DataKeyError, prepareDataAtRest } from "../../bot/at-rest.js";
import { open, seal } from "../../bot/crypto.js";
import { openDatabase, type Database } from "../../bot/db/database.js";
import { loadNoticeDocument } from "../../bot/features/notice/document.js";
import { rotateDataKey } from "../../bot/ops/rotate.js";
import { TEST_DATA_KEY, testBot, texts } from "../helpers/bot.js";
import { fileNotice } from "../helpers/notice.js";
import { ops } from "../helpers/ops.js";

const dir = mkdtempSync(join(tmpdir(), "kelisim-rotate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const OLD = TEST_DATA_KEY;
const NEW = randomBytes(32);
const b64 = (k: Buffer) => k.toString("base64");

const opensWith = (key: Buffer, sealed: string) => {
  try {
    open(key, sealed);
    return true;
  } catch {
    return false;
  }
};

/** Every sealed value in the database, whatever table it is in. */
const sealedValues = async (db: Database): Promise<string[]> => {
  const cases = await db.prisma.case.findMany({ select: { sensitive: true } });
  const users = await db.prisma.user.findMany({ where: { details: { not: null } }, select: { details: true } });
  const events = await db.prisma.caseEvent.findMany({ where: { kind: "mediation_message" }, select: { payload: true } });
  const chats = await db.prisma.chatState.findMany({ select: { stack: true } });
  const outbox = await db.prisma.outbox.findMany({ select: { payload: true } });
  const proposals = await db.prisma.proposal.findMany({ select: { terms: true } });
  const notes = await db.prisma.proposalResponse.findMany({ where: { note: { not: null } }, select: { note: true } });
  const canary = await db.prisma.meta.findUniqueOrThrow({ where: { key: "dataKeyCanary" } });
  return [
    ...cases.map((c) => c.sensitive),
    ...users.map((u) => u.details!),
    ...events.flatMap((e) => [(e.payload as { text: string }).text, (e.payload as { file: string }).file]),
    ...chats.map((c) => (c.stack as { sealed: string }).sealed),
    ...outbox.map((o) => (o.payload as { sealed: string }).sealed),
    ...proposals.map((p) => p.terms),
    ...notes.map((n) => n.note!),
    canary.value,
  ];
};

describe("npm run data:rotate-key", () => {
  it("re-seals everything with the new key; a run stopped half-way is refused at start and finished by running it again", async () => {
    // A database in use: a notice filed (its case, the chat's flows, the outbox), an applicant's particulars and
    // a mediation message and a counter-offer (its terms and note) sealed as the bot seals them, and the key's canary from the bot's first start.
    expect((await ops(["rotate-key"], { DATA_DIR: dir, NEW_DATA_KEY: b64(NEW) })).err).toMatch(/^no data key: set DATA_KEY, or keep the key in /);
    writeFileSync(join(dir, "data.key"), `${b64(OLD)}\n`);
    const db = await openDatabase({ url: null, dataDir: dir });
    // The bot's first start: the key's canary, and the one-time steps (nothing of an earlier version to seal).
    await prepareDataAtRest(db.prisma, OLD);
    const h = await testBot(db, { now: () => new Date("2026-11-23T10:00:00+05:00") });
    await fileNotice(h.user(71, "ru"), "ru");
    const kase = await db.prisma.case.findFirstOrThrow();
    await db.prisma.user.update({ where: { id: 71n }, data: { details: seal(OLD, JSON.stringify({ surname: "Иванова" })) } });
    await db.prisma.caseEvent.create({ data: { caseId: kase.id, kind: "mediation_message", payload: { side: "applicant", to: "all", text: seal(OLD, "сумма"), file: seal(OLD, "{}") } } });
    await db.prisma.proposal.create({
      data: { caseId: kase.id, round: 1, authorId: 71n, authorRole: "applicant", amountTenge: 2_000_000n, terms: seal(OLD, "чеки"), responses: { create: { userId: 71n, answer: "counter", note: seal(OLD, "чеки") } } },
    });
    const before = await sealedValues(db);
    expect(before.length).toBeGreaterThan(6);
    expect(before.every((v) => opensWith(OLD, v))).toBe(true);

    // Stopped half-way: the cases, particulars and mediation messages are re-sealed, then writing the proposals fails.
    let writes = 0;
    const failing = new Proxy(db.prisma, {
      get(target, prop, receiver) {
        if (prop !== "$transaction") return Reflect.get(target, prop, receiver) as unknown;
        return (arg: unknown) => {
          if (typeof arg === "function" && ++writes === 4) return Promise.reject(new Error("killed"));
          return (target.$transaction as (a: unknown) => Promise<unknown>)(arg);
        };
      },
    });
    await expect(rotateDataKey(failing, OLD, NEW)).rejects.toThrow("killed");
    const half = await sealedValues(db);
    expect(half.some((v) => opensWith(NEW, v))).toBe(true);
    expect(half.some((v) => opensWith(OLD, v) && !opensWith(NEW, v))).toBe(true);
    // Neither key starts the bot on a half-rotated database: one line says what to do.
    for (const key of [OLD, NEW]) await expect(checkDataKey(db.prisma, key)).rejects.toThrow(/rotation is unfinished.*data:rotate-key again/);
    await expect(checkDataKey(db.prisma, OLD)).rejects.toBeInstanceOf(DataKeyError);
    await db.close();

    // Run again, as the operator does (the key is the data directory's file): it finishes.
    const wrongNew = await ops(["rotate-key"], { DATA_DIR: dir, NEW_DATA_KEY: b64(randomBytes(32)) });
    expect([wrongNew.code, wrongNew.err]).toEqual([1, "another rotation, to another key, is unfinished: run it again with the NEW_DATA_KEY it started with\n"]);
    const done = await ops(["rotate-key"], { DATA_DIR: dir, NEW_DATA_KEY: b64(NEW) });
    expect(done.err).toBe("");
    expect(done.code).toBe(0);
    expect(done.out).toContain("cases' sealed fields: 0 re-sealed"); // done before the interruption
    expect(done.out).toMatch(/chats' flows: [1-9]\d* re-sealed/);
    expect(done.out).toContain(`now in ${join(dir, "data.key")}`);
    expect(readFileSync(join(dir, "data.key"), "utf8").trim()).toBe(b64(NEW));

    const after = await openDatabase({ url: null, dataDir: dir });
    try {
      const values = await sealedValues(after);
      expect(values).toHaveLength(before.length);
      expect(values.every((v) => opensWith(NEW, v) && !opensWith(OLD, v))).toBe(true);
      await expect(checkDataKey(after.prisma, OLD)).rejects.toThrow(/not the key/);
      await checkDataKey(after.prisma, NEW);
    } finally {
      await after.close();
    }

    // Back to the test key with DATA_KEY set (a PostgreSQL deployment's way): the bot answers the user with their case.
    const back = await ops(["rotate-key"], { DATA_DIR: dir, DATA_KEY: b64(NEW), NEW_DATA_KEY: b64(OLD) });
    expect([back.code, back.err]).toEqual([0, ""]);
    expect(back.out).toContain("Set DATA_KEY to it (every instance)");
    const again = await openDatabase({ url: null, dataDir: dir });
    try {
      await checkDataKey(again.prisma, OLD);
      const bot = await testBot(again);
      expect(texts(await bot.user(71, "ru").send("/cases")).join("\n")).toContain(kase.number);
      // The patient's date of birth, sealed with the IIN, went through both rotations: the notice still shows it.
      expect(JSON.parse(open(OLD, (await again.prisma.case.findFirstOrThrow()).sensitive))).toMatchObject({ iin: "850301300121", birthDate: "1985-03-01" });
      expect((await loadNoticeDocument(again.prisma, kase.id, OLD))?.birthDate).toBe("1985-03-01");
    } finally {
      await again.close();
    }

    // The case log's exception is for re-sealing only: even in a transaction that says so, nothing else of an event changes.
    const log = await openDatabase({ url: null, dataDir: dir });
    try {
      await expect(
        log.prisma.$transaction(async (tx) => {
          await tx.$queryRaw`SELECT set_config('kelisim.rekey', 'on', true)`;
          await tx.caseEvent.updateMany({ where: { kind: "mediation_message" }, data: { kind: "case_settled" } });
        }),
      ).rejects.toThrow(/append-only/);
      await expect(log.prisma.caseEvent.updateMany({ where: { kind: "mediation_message" }, data: { payload: {} } })).rejects.toThrow(/append-only/);
    } finally {
      await log.close();
    }

    // The same key twice, or a wrong current key, is refused.
    expect((await ops(["rotate-key"], { DATA_DIR: dir, DATA_KEY: b64(OLD), NEW_DATA_KEY: b64(OLD) })).err).toBe("NEW_DATA_KEY is the key in use: nothing to rotate\n");
    expect((await ops(["rotate-key"], { DATA_DIR: dir, DATA_KEY: b64(NEW), NEW_DATA_KEY: b64(randomBytes(32)) })).err).toBe("DATA_KEY is not the key this database's data was sealed with\n");
    expect((await ops(["rotate-key"], { DATA_DIR: dir, NEW_DATA_KEY: "short" })).code).toBe(1);
  });
});
