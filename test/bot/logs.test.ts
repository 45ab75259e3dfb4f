// Logs: structured, one child logger per update carrying its update id and chat id — and no personal data.
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, serializeError } from "../../bot/logger.js";
import { testBot } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { fileNotice } from "../helpers/notice.js";
import { joinStaff } from "../helpers/staff.js";

let t: TestDb;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t.dispose());

describe("logs", () => {
  it("of a whole filing: JSON lines with update and chat ids, and nothing the user typed", async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(...chunk.toString().split("\n").filter(Boolean)), done()) });
    const h = await testBot(t.db, { logger: pino({ level: "info" }, sink), now: () => new Date("2026-11-23T10:00:00+05:00") });
    const u = h.user(777, "ru");
    await fileNotice(u, "ru", {
      name: "Жумабекова Айгерим Серикқызы",
      org: "Поликлиника Секретная №9",
      region: "г. Астана",
      care: "02.11.2026",
      description: "Уникальное описание: осложнение после капельницы.",
      phone: "+77017771234",
    });

    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const handled = records.filter((r) => r.msg === "update handled");
    expect(handled.length).toBe(16);
    for (const r of handled) {
      expect(typeof r.updateId).toBe("number");
      expect(r.chatId).toBe(777);
    }
    expect(new Set(handled.map((r) => r.updateId)).size).toBe(16);
    const all = lines.join("\n");
    for (const secret of ["Жумабекова", "Айгерим", "850301300121", "Секретная", "Уникальное описание", "7017771234", "02.11.2026"]) {
      expect(all).not.toContain(secret);
    }
  });

  it("of a message Telegram refuses (the staff member blocked the bot): what went wrong, without the message's text — not the patient's name and IIN", async () => {
    await t.reset();
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(...chunk.toString().split("\n").filter(Boolean)), done()) });
    const h = await testBot(t.db, { adminIds: [9001], logger: pino({ level: "info" }, sink), now: () => new Date("2026-11-23T10:00:00+05:00") });
    const staff = await joinStaff(h, 9001, 50, "ru");
    await fileNotice(h.user(51, "ru"), "ru", { name: "Жумабекова Айгерим Серикқызы", iin: "850301300121", description: "Уникальное описание: осложнение после капельницы." });
    await staff.send("/inbox");
    // The notice opened for staff carries its name, IIN and description — and Telegram refuses the message.
    h.fake.failNext.set("sendMessage", { code: 403, description: "Forbidden: bot was blocked by the user", count: 1, chatId: 50 });
    await staff.press("Открыть KZ-2026-000001");
    const dropped = lines.map((l) => JSON.parse(l) as { msg: string; err?: Record<string, unknown> }).find((r) => r.msg === "call failed; dropped");
    expect(dropped?.err).toMatchObject({ code: 403, description: "Forbidden: bot was blocked by the user", method: "sendMessage" });
    const all = lines.join("\n");
    for (const secret of ["Жумабекова", "Айгерим", "850301300121", "Уникальное описание"]) expect(all, secret).not.toContain(secret);
  });

  it("of a Prisma error: what went wrong, without the arguments of the call it quotes (a notice's answers)", async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(...chunk.toString().split("\n").filter(Boolean)), done()) });
    const log = pino({ level: "info", serializers: { err: serializeError } }, sink);
    const err = await t.db.prisma.case.create({ data: { number: "KZ-2026-000777", orgName: "Жумабекова Айгерим", answers: { iin: "850301300121" } } as never }).catch((e: unknown) => e);
    expect((err as Error).message).toContain("Жумабекова");
    log.error({ err }, "a statement failed");
    const logged = JSON.parse(lines[0]!) as { err: { type: string; message: string; stack: string } };
    expect(logged.err.type).toBe("PrismaClientValidationError");
    expect(logged.err.message).toMatch(/^Invalid `.*create\(\)` invocation.*… Argument `\w+` is missing\.$/);
    for (const secret of ["Жумабекова", "850301300121"]) expect(lines.join("\n"), secret).not.toContain(secret);
  });

  it("in development: readable lines (pino-pretty) instead of JSON, the same fields", () => {
    let out = "";
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => ((out += chunk.toString()), done()) });
    const logger = createLogger("info", undefined, { pretty: true, destination: sink });
    logger.info({ updateId: 42, chatId: 7 }, "update handled");
    expect(out).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] INFO: update handled\n\s+updateId: 42\n\s+chatId: 7\n/);
    expect(() => JSON.parse(out.split("\n")[0]!) as unknown).toThrow();
  });
});
