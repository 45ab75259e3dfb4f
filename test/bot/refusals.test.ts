// What someone gets after the bot refuses a button: a clear line in their language, then something to press — the open
// flow's question, or their home — never the refusal as the chat's last word.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Call } from "../../bot/local/fake-api.js";
import { testBot, texts, type Harness, type TestUser } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { fileNotice, joinRelative, removeRelative } from "../helpers/notice.js";
import { joinStaff } from "../helpers/staff.js";

let t: TestDb;
let h: Harness;
const ADMIN = 9001;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t.dispose());
beforeEach(async () => {
  await t.reset();
  h = await testBot(t.db, { adminIds: [ADMIN], now: () => new Date("2026-11-23T10:00:00+05:00") });
});

const NOT_FOUND_RU = "Такое дело не найдено, или вы в нём не участвуете.";
const NOT_FOUND_KK = "Мұндай іс табылмады немесе сіз оған қатыспайсыз.";
const MENU_RU = /^Что сделаем\? Команды есть и в меню \(\/\)\./;
const MENU_KK = /^Не істейміз\?/;
const STAFF_HOME = /^«Городская больница №7»: обращения\n/;

/** The inline buttons of the last message the user got: what is left to press. */
const lastButtons = (calls: Call[], chatId: number): string[] => {
  const last = calls.filter((c) => c.method === "sendMessage" && c.payload.chat_id === chatId).at(-1);
  return ((last?.payload.reply_markup as { inline_keyboard?: { text: string }[][] } | undefined)?.inline_keyboard ?? []).flat().map((b) => b.text);
};

describe("a refused button of a case's applicant", () => {
  it("the timeline, who opened the data, a relative's link, the shared notice, revoking a link, the complaint, the court's history: refused, then the presser's home — to another case's applicant (ru), a relative removed from the case (kk), staff on no case", async () => {
    // Before: the refusal was the last message, with nothing to press under it.
    const staff = await joinStaff(h, ADMIN, 50, "ru");
    const applicant = h.user(51, "kk");
    await fileNotice(applicant, "kk");
    const removed = await joinRelative(h, applicant, 61, "KZ-2026-000001", "Бекова Алия Сериковна");
    await removed.send("/language");
    await removed.press("Қазақша");
    await applicant.send("/cases");
    await applicant.press("KZ-2026-000001 ісін ашу");
    await removeRelative(applicant, "Бекова Алия Сериковна (пациенттің жұбайы)");
    await applicant.send("/cases");
    await applicant.press("KZ-2026-000001 ісін ашу");
    await applicant.press("Туысты шақыру");
    const other = h.user(52, "ru");
    await fileNotice(other, "ru");
    const p = t.db.prisma;
    const k = await p.case.findFirstOrThrow({ where: { number: "KZ-2026-000001" } });
    const invite = await p.invite.findFirstOrThrow({ where: { caseId: k.id, role: "relative", usedAt: null } });
    expect(await p.caseParticipant.count({ where: { userId: 61n, removedAt: null } })).toBe(0);

    const FOREIGN: Record<string, string> = {
      case: `g:case:${k.id}`,
      seen: `g:seen:${k.id}`,
      rinv: `g:rinv:${k.id}`,
      rnotice: `g:rnotice:${k.id}`,
      rrv: `g:rrv:${invite.id}`,
      esc: `g:esc:${k.id}`,
      "escto (court)": `g:escto:${k.id}:court`,
    };
    const who: { u: TestUser; id: number; refusal: string; home: RegExp }[] = [
      { u: other, id: 52, refusal: NOT_FOUND_RU, home: MENU_RU },
      { u: removed, id: 61, refusal: NOT_FOUND_KK, home: MENU_KK },
      { u: staff, id: 50, refusal: NOT_FOUND_RU, home: STAFF_HOME },
    ];
    const events = await p.caseEvent.count();
    for (const [code, data] of Object.entries(FOREIGN)) {
      for (const { u, id, refusal, home } of who) {
        const calls = await u.pressData(data);
        expect(texts(calls), `${code} by ${id}`).toEqual([refusal, expect.stringMatching(home)]);
        expect(lastButtons(calls, id).length, `${code} by ${id}: something to press`).toBeGreaterThan(0);
      }
    }
    // Nothing was done: no link made, none revoked, no history prepared.
    expect(await p.caseEvent.count()).toBe(events);
    expect(await p.invite.count({ where: { caseId: k.id, role: "relative" } })).toBe(2);
    expect((await p.invite.findUniqueOrThrow({ where: { id: invite.id } })).revokedAt).toBeNull();
  });
});

describe("a refusal with the payment table open", () => {
  it("a relative removed from a case whose patient died, pressing a kept button at the table: the refusal, then a line pointing to the table with its buttons — not the condolence and the whole table again (ru, kk); another language shows it whole", async () => {
    // Before: after each refused press, «Примите наши соболезнования.» and every amount again.
    const applicant = h.user(51, "kk");
    await fileNotice(applicant, "kk", { outcome: "Пациент қайтыс болды", care: "02.11.2026" });
    const ru = await joinRelative(h, applicant, 61, "KZ-2026-000001", "Бекова Алия Сериковна");
    const kk = await joinRelative(h, applicant, 62, "KZ-2026-000001", "Омарова Дана Ерлановна");
    await kk.send("/language");
    await kk.press("Қазақша");
    await ru.send("/cases");
    await ru.press("Открыть KZ-2026-000001");
    const table = texts(await ru.press("Минимальные выплаты"));
    expect(table[0]).toBe("Примите наши соболезнования.");
    expect(table[1]).toMatch(/^Если комиссия подтвердит вред, минимальные страховые выплаты по закону/);
    await kk.send("/cases");
    await kk.press("KZ-2026-000001 ісін ашу");
    const tableKk = texts(await kk.press("Ең төменгі төлемдер"));
    expect(tableKk[0]).toBe("Көңіл айтамыз.");
    expect(tableKk[1]).toMatch(/^Комиссия зиянды растаса/);
    await applicant.send("/cases");
    await applicant.press("KZ-2026-000001 ісін ашу");
    await removeRelative(applicant, "Бекова Алия Сериковна (пациенттің жұбайы)");
    await applicant.send("/cases");
    await applicant.press("KZ-2026-000001 ісін ашу");
    await removeRelative(applicant, "Омарова Дана Ерлановна (пациенттің жұбайы)");
    const k = await t.db.prisma.case.findFirstOrThrow();

    const pressedRu = await ru.pressData(`g:rnotice:${k.id}`);
    expect(texts(pressedRu)).toEqual([NOT_FOUND_RU, "Минимальные страховые выплаты по закону — в таблице выше."]);
    expect(lastButtons(pressedRu, 61)).toEqual(["◀ Назад", "Закончить"]);
    const pressedKk = await kk.pressData(`g:case:${k.id}`);
    expect(texts(pressedKk)).toEqual([NOT_FOUND_KK, "Заңда белгіленген ең төменгі сақтандыру төлемдері — жоғарыдағы кестеде."]);
    expect(lastButtons(pressedKk, 62)).toEqual(["◀ Артқа", "Аяқтау"]);
    // Its buttons still work: «Закончить» leaves the table for the home.
    expect(texts(await kk.press("Аяқтау")).at(-1)).toMatch(MENU_KK);
    // Shown anew in another language, it is whole, condolence first.
    await ru.send("/language");
    const again = texts(await ru.press("Қазақша"));
    const at = again.indexOf("Көңіл айтамыз.");
    expect(at).toBeGreaterThanOrEqual(0);
    expect(again[at + 1]).toMatch(/^Комиссия зиянды растаса/);
  });
});
