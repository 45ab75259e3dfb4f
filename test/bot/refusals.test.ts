// What someone gets after the bot refuses a button: a clear line in their language, then something to press — the open
// flow's question, or their home — never the refusal as the chat's last word.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Call } from "../../bot/local/fake-api.js";
import { inLanguage, testBot, texts, type Harness, type TestUser } from "../helpers/bot.js";
import { registry } from "../../bot/features/index.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { fileNotice, joinRelative, removeRelative } from "../helpers/notice.js";
import { joinMediator, joinStaff, openAdmin, recordReceipt } from "../helpers/staff.js";

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


/** The admin revokes the role whose line in «Роли» begins with `name`. */
const revokeRole = async (admin: TestUser, name: string) => {
  await openAdmin(admin);
  await admin.press("Роли");
  const label = admin
    .keyboards()
    .flatMap((k) => k.buttons.flat())
    .map((b) => b.text)
    .reverse()
    .find((x) => x.startsWith(`Отозвать: ${name}`))!;
  await admin.press(label);
  await admin.press("Отозвать");
};

/** A relative (61, Kazakh) who joined the case and whom the applicant then removed from it. */
const removedRelative = async (applicant: TestUser) => {
  const removed = await joinRelative(h, applicant, 61, "KZ-2026-000001", "Бекова Алия Сериковна");
  await removed.send("/language");
  await removed.press("Қазақша");
  await applicant.send("/cases");
  await applicant.press("KZ-2026-000001 ісін ашу");
  await removeRelative(applicant, "Бекова Алия Сериковна (пациенттің жұбайы)");
  return removed;
};

describe("a refused button of a case's applicant", () => {
  it("the timeline, who opened the data, a relative's link, the shared notice, revoking a link, the complaint, the court's history: refused, then the presser's home — to another case's applicant (ru), a relative removed from the case (kk), staff on no case", async () => {
    // Before: the refusal was the last message, with nothing to press under it.
    const staff = await joinStaff(h, ADMIN, 50, "ru");
    const applicant = h.user(51, "kk");
    await fileNotice(applicant, "kk");
    const removed = await removedRelative(applicant);
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

describe("a relative's link refused to the applicant", () => {
  it("ten on the case already: the limit is said, then the menu (kk)", async () => {
    // Before: «…— бұл шек.» alone, nothing to press.
    const applicant = h.user(51, "kk");
    await fileNotice(applicant, "kk");
    const p = t.db.prisma;
    const k = await p.case.findFirstOrThrow();
    for (let i = 0; i < 10; i++) {
      await p.user.create({ data: { id: BigInt(600 + i), language: "ru" } });
      await p.caseParticipant.create({ data: { caseId: k.id, userId: BigInt(600 + i), role: "relative", relation: "spouse" } });
    }
    const said = await applicant.pressData(`g:rinv:${k.id}`);
    expect(texts(said)).toEqual(["Іске 10 адам шақырылған — бұл шек.", expect.stringMatching(MENU_KK)]);
    expect(lastButtons(said, 51).length).toBeGreaterThan(0);
    expect(await p.invite.count({ where: { role: "relative" } })).toBe(0);
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

describe("every button the bot knows, forged", () => {
  it("refused to another case's applicant (ru), a relative removed from the case (kk), staff of another organisation (ru), a stranger who never wrote to the bot (kk) or only sent /start (ru), staff (kk) or a mediator (ru) whose role was revoked: answered in their language, leaves them something to press", { timeout: 600_000 }, async () => {
    const staff = await joinStaff(h, ADMIN, 50, "ru");
    const applicant = h.user(51, "kk");
    await fileNotice(applicant, "kk");
    await recordReceipt(staff, "ru");
    const removed = await removedRelative(applicant);
    await joinRelative(h, applicant, 60);
    const other = h.user(52, "ru");
    await fileNotice(other, "ru", { org: "Клиника №2", region: "г. Астана" });
    const otherStaff = await joinStaff(h, ADMIN, 80, "ru", "Клиника №2", "г. Астана");
    // Never wrote to the bot: no /start, nothing stored (its app in Kazakh).
    const neverStarted = h.user(90, "kk");
    // Only /start: the consent asked, not answered.
    const startedOnly = h.user(91, "ru");
    await startedOnly.send("/start");
    // Staff (kk) and a mediator (ru) whose roles the admin revoked.
    const revokedStaff = await joinStaff(h, ADMIN, 81, "kk", undefined, undefined, "Жаксылыкова Мадина Ержановна");
    const revokedMediator = await joinMediator(h, ADMIN, 71, "Нурланова Гаухар Сериковна");
    const admin = h.user(ADMIN, "ru");
    await revokeRole(admin, "Жаксылыкова Мадина Ержановна");
    await revokeRole(admin, "Нурланова Гаухар Сериковна");
    const p = t.db.prisma;
    expect(await p.userRole.count({ where: { userId: { in: [81n, 71n] }, revokedAt: null } })).toBe(0);
    const k = await p.case.findFirstOrThrow({ where: { number: "KZ-2026-000001" } });
    const relative = await p.caseParticipant.findFirstOrThrow({ where: { userId: 60n, removedAt: null } });
    const invite = await p.invite.findFirstOrThrow({ where: { caseId: k.id, role: "relative" } });
    const org = await p.organization.findFirstOrThrow({ where: { id: k.organizationId! } });
    const staffRole = await p.userRole.findFirstOrThrow({ where: { userId: 50n, role: "staff" } });
    const outbox = await p.outbox.findFirstOrThrow({ where: { chatId: 51n } });
    // Data as the abuse test forges it: the case's ids, or ids of what is gone (a sitting, a mediation, a proposal that is not there).
    const DATA: Record<string, string> = {
      "adm:org": "g:adm:org", "adm:orgs": "g:adm:orgs", "adm:staff": `g:adm:staff:${org.id}`, "adm:mediator": "g:adm:mediator", "adm:roles": "g:adm:roles",
      "adm:revoke": `g:adm:revoke:${staffRole.id}`, "adm:revokeok": `g:adm:revokeok:${staffRole.id}`, "adm:keeprole": `g:adm:keeprole:${staffRole.id}`,
      "adm:revinv": `g:adm:revinv:${invite.id}`, "adm:owninv": `g:adm:owninv:take:${invite.id}`, "adm:unlinked": "g:adm:unlinked", "adm:unlinkedat": `g:adm:unlinkedat:next:${k.id}:1`,
      "adm:seenorgs": "g:adm:seenorgs", "adm:seen": `g:adm:seen:${org.id}`, "adm:link": `g:adm:link:${k.id}`, "adm:linkto": `g:adm:linkto:${k.id}:${org.id}`,
      "adm:mdcases": "g:adm:mdcases", "adm:mdcasesat": `g:adm:mdcasesat:next:${k.id}:1`,
      case: `g:case:${k.id}`, seen: `g:seen:${k.id}`, scase: `g:scase:${k.id}`, srcv: `g:srcv:${k.id}:2026-11-23`, handin: `g:handin:${k.id}:2026-11-23`,
      sform: `g:sform:${k.id}:2026-11-23`, sformok: `g:sformok:${k.id}`, sformd: `g:sformd:${k.id}:2026-11-23`, sconc: `g:sconc:${k.id}:2026-11-23`,
      esc: `g:esc:${k.id}`, escto: `g:escto:${k.id}:management`, docagain: `g:docagain:${outbox.id}`,
      rinv: `g:rinv:${k.id}`, rrm: `g:rrm:${relative.id}`, rrmok: `g:rrmok:${relative.id}`, rshare: `g:rshare:${k.id}:on`, rnotice: `g:rnotice:${k.id}`,
      rrv: `g:rrv:${invite.id}`, rrvok: `g:rrvok:${invite.id}`, rkeep: `g:rkeep:${invite.id}`,
      sat: "g:sat:1:cannot", ssit: `g:ssit:${k.id}`, smv: "g:smv:1", scn: "g:scn:1", scnok: "g:scnok:1", skeep: "g:skeep:1",
      mdpick: `g:mdpick:${k.id}`, mdassign: `g:mdassign:${k.id}:${staffRole.id}`, "adm:mdpick": `g:adm:mdpick:${k.id}`, "adm:mdassign": `g:adm:mdassign:${k.id}:${staffRole.id}`,
      mdacc: "g:mdacc:1", mddec: "g:mddec:1", mdyes: "g:mdyes:1", mdyesa: "g:mdyesa:1", mdno: "g:mdno:1", mdsign: "g:mdsign:1", mdview: "g:mdview:1", mdmsg: "g:mdmsg:1",
      mdask: "g:mdask:1", mdprop: "g:mdprop:1", mdend: "g:mdend:1", mdendok: "g:mdendok:1", pacc: "g:pacc:1", prej: "g:prej:1", pctr: "g:pctr:1", pconf: "g:pconf:1",
      mdcontract: "g:mdcontract:1",
    };
    // The chat's own buttons (language, consent, menus, a flow's questions, its pages): they name nothing of anyone else's.
    const OWN = ["lang", "consent", "withdraw", "cancel", "restart", "invresume", "menu", "notice:continue", "notice:discard", "explain", "payments", "cpage", "inbox", "inboxat"];
    expect([...Object.keys(DATA), ...OWN].sort()).toEqual(registry.actions.map((a) => a.code).sort());
    const problems: string[] = [];
    const pressers = [
      [other, 52, "ru"],
      [removed, 61, "kk"],
      [otherStaff, 80, "ru"],
      [neverStarted, 90, "kk"],
      [startedOnly, 91, "ru"],
      [revokedStaff, 81, "kk"],
      [revokedMediator, 71, "ru"],
    ] as const;
    for (const [code, data] of Object.entries(DATA)) {
      for (const [u, id, lang] of pressers) {
        const calls = await u.pressData(data);
        const sent = calls.filter((c) => c.method === "sendMessage" && c.payload.chat_id === id);
        const toast = calls.find((c) => c.method === "answerCallbackQuery")?.payload.text;
        // Nothing sent: the toast on the button, the message it is on still there with its buttons.
        if (sent.length === 0 ? !toast : lastButtons(calls, id).length === 0) problems.push(`${code} by ${id}: ${JSON.stringify(toast ?? null)} ${JSON.stringify(texts(calls))}`);
        const said = [...texts(calls.filter((c) => c.payload.chat_id === id)), ...(typeof toast === "string" ? [toast] : [])];
        const wrong = said.filter((x) => !inLanguage(x, lang));
        if (wrong.length) problems.push(`${code} by ${id}: not in ${lang}: ${JSON.stringify(wrong)}`);
        const state = await p.chatState.findUnique({ where: { chatId: BigInt(id) } });
        if (Array.isArray(state?.stack) && state.stack.length) problems.push(`${code} by ${id}: a flow left open`);
      }
    }
    expect(problems).toEqual([]);
  });
});
