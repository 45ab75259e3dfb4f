// A feature's view is tested without Telegram: its handler returns the same `say` effects a machine does —
// keys, parameters, buttons as typed actions — and the one renderer makes the message from them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeButton } from "../../machines/actions.js";
import { render, splitText } from "../../bot/core/render.js";
import { FakeTelegram } from "../../bot/local/fake-api.js";
import { takeRefused } from "../helpers/refusals.js";
import { openCase } from "../../bot/features/cases/actions.js";
import { listCases } from "../../bot/features/cases/cases.js";
import { registry } from "../../bot/features/index.js";
import { testBot, testDeployment } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { fileNotice } from "../helpers/notice.js";

let t: TestDb;
const now = new Date("2026-03-23T12:00:00+05:00");
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t.dispose());

describe("a view without Telegram", () => {
  it("/cases: one message whose button is the typed action that opens the case", async () => {
    const h = await testBot(t.db, { now: () => new Date("2026-03-20T10:00:00+05:00") });
    await fileNotice(h.user(5, "ru"), "ru");
    const k = await t.db.prisma.case.findFirstOrThrow();
    const ctx = { ...testDeployment(), userId: 5, chatId: 5, language: "ru" as const, languageKnown: true, roles: [], now };
    const said = await listCases(t.db.prisma, { type: "showCases" }, ctx);
    expect(said).toHaveLength(1);
    const [view] = said;
    if (view?.type !== "say") throw new Error("a message was expected");
    const button = view.buttons?.[0]?.[0];
    expect(button).toMatchObject({ key: "cases.open", params: { number: k.number }, global: true });
    const pressed = decodeButton(`g:${button!.value}`, registry, { userId: 5, today: "2026-03-23", language: "ru", telegramLanguage: "ru", hasConsent: true, roles: [] });
    expect(pressed).toMatchObject({ kind: "action", def: openCase, params: { caseId: k.id }, allowed: true });
    // The same effect, rendered, is the message a user gets, in either language.
    const [ru] = render(h.i18n, 5, "ru", 0, said).calls;
    const [kk] = render(h.i18n, 5, "kk", 0, said).calls;
    expect(String(ru!.payload.text)).toMatch(/^Ваши дела:\n\nKZ-2026-000001/);
    expect(String(kk!.payload.text)).toMatch(/^Сіздің істеріңіз:\n\nKZ-2026-000001/);
    expect(ru!.payload.reply_markup).toEqual({ inline_keyboard: [[{ text: "Открыть KZ-2026-000001", callback_data: `g:case:${k.id}` }]] });
  });
});

describe("a text longer than Telegram takes", () => {
  it("is cut at paragraph breaks, then line breaks, then spaces — nothing lost, every part within the limit", () => {
    const paragraphs = Array.from({ length: 6 }, (_, i) => `${i + 1}. ${"слово ".repeat(150).trim()}`);
    const parts = splitText(paragraphs.join("\n\n"), 2000);
    expect(parts.every((p) => p.length <= 2000)).toBe(true);
    expect(parts.map((p) => p.split("\n\n")[0]!.slice(0, 3))).toEqual(["1. ", "3. ", "5. "]);
    expect(parts.join("\n\n")).toBe(paragraphs.join("\n\n"));
    // One long line: cut at a space; no space at all: cut anywhere, never between the halves of an emoji.
    expect(splitText("аа бб вв", 5)).toEqual(["аа бб", "вв"]);
    const emoji = "😀".repeat(3); // six UTF-16 units
    expect(splitText(emoji, 3)).toEqual(["😀", "😀", "😀"]);
    expect(splitText("short")).toEqual(["short"]);
  });
});

describe("the fake Bot API the tests use", () => {
  it("refuses, as Telegram does, a message over 4,096 characters, a caption over 1,024 and a button's data over 64 bytes — and the test that made such a call is told", async () => {
    const fake = new FakeTelegram();
    const call = (method: string, payload: Record<string, unknown>) => fake.transformer((() => undefined) as never, method as never, payload as never) as Promise<{ ok: boolean; description?: string }>;
    expect(await call("sendMessage", { chat_id: 1, text: "я".repeat(4096) })).toMatchObject({ ok: true });
    expect(await call("sendMessage", { chat_id: 1, text: "я".repeat(4097) })).toMatchObject({ ok: false, description: "Bad Request: message is too long" });
    expect(await call("sendDocument", { chat_id: 1, caption: "я".repeat(1025) })).toMatchObject({ ok: false });
    expect(await call("sendMessage", { chat_id: 1, text: "a", reply_markup: { inline_keyboard: [[{ text: "b", callback_data: "я".repeat(33) }]] } })).toMatchObject({ ok: false });
    expect(fake.calls).toHaveLength(1);
    // Taken here; left, they would fail this test after it (test/helpers/refusals.ts).
    expect(takeRefused().map((r) => r.why)).toEqual(["message is too long", "message caption is too long", "BUTTON_DATA_INVALID"]);
  });
});
