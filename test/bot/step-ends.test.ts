// How staff's, mediators' and admins' steps end (no dead ends): the message that says what was done carries the
// next steps that are open, and the role's home follows it, as after a flow.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { testBot, type Harness } from "../helpers/bot.js";
import type { Call } from "../../bot/local/fake-api.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { fileNotice } from "../helpers/notice.js";
import { joinMediator, joinStaff, openAdmin, proposeMediator, recordReceipt } from "../helpers/staff.js";

const ADMIN = 880001;
const STAFF = 880002;
const APPLICANT = 880003;
const MEDIATOR = 880004;
let t: TestDb;
let h: Harness;
const now = new Date("2026-11-23T10:00:00+05:00");
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t.dispose());
beforeEach(async () => {
  await t.reset();
  h = await testBot(t.db, { adminIds: [ADMIN], now: () => now });
});

/** Each message sent to the chat: its text and its buttons' labels. */
const messages = (calls: Call[], chatId: number) =>
  calls
    .filter((c) => c.method === "sendMessage" && c.payload.chat_id === chatId)
    .map((c) => ({
      text: String(c.payload.text),
      buttons: ((c.payload.reply_markup as { inline_keyboard?: { text: string }[][] } | undefined)?.inline_keyboard ?? []).flat().map((b) => b.text),
    }));

describe("the commission formed", () => {
  it("staff (kk) are offered mediation beside the sitting and the conclusion, and their home follows", async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "kk");
    await fileNotice(h.user(APPLICANT, "kk"), "kk");
    await recordReceipt(staff, "kk");
    await staff.send("/inbox");
    await staff.press("KZ-2026-000001 ісін ашу");
    await staff.press("Комиссия құрылды");
    const done = messages(await staff.press("Растаймын"), STAFF);
    expect(done[0]!.text).toMatch(/^Жазылды: KZ-2026-000001 ісі бойынша комиссия/);
    expect(done[0]!.buttons).toContain("Медиация ұсыну");
    expect(done.at(-1)!.text).toMatch(/^«Городская больница №7»: /);
  });
});

describe("the commission formed today, with a question open", () => {
  it("«Подтверждаю» pressed while another case's receipt asks its number: the formation recorded, then that question again — not the home", async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "ru");
    await fileNotice(h.user(APPLICANT, "ru"), "ru");
    await recordReceipt(staff, "ru");
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Комиссия сформирована");
    // The second notice's receipt begun before they confirm the first's commission.
    await fileNotice(h.user(APPLICANT + 10, "ru"), "ru");
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000002");
    expect((await staff.press("Отметить получение обращения").then((c) => messages(c, STAFF))).at(-1)!.text).toMatch(/^Регистрационный номер, который организация присвоила обращению/);
    const done = messages(await staff.press("Подтверждаю"), STAFF);
    expect(done[0]!.text).toMatch(/^Записано: комиссия по делу KZ-2026-000001/);
    expect(done.at(-1)).toEqual({ text: "Регистрационный номер, который организация присвоила обращению (как в отметке о получении):", buttons: ["Отмена"] });
    expect(done.map((m) => m.text).join("\n")).not.toMatch(/^«Городская больница №7»: /m);
    // The question answers as before.
    expect(messages(await staff.send("01-12/346"), STAFF).at(-1)!.text).toMatch(/^Номер 01-12\/346\. Когда организация получила обращение\?/);
  });
});

describe("a mediator proposed", () => {
  it("staff are told the proposal went to the mediator, and their home follows", async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "ru");
    await fileNotice(h.user(APPLICANT, "kk"), "kk");
    await joinMediator(h, ADMIN, MEDIATOR);
    const done = messages(await proposeMediator(staff), STAFF);
    expect(done.map((m) => m.text)).toEqual([
      "Медиатору отправлено предложение по делу KZ-2026-000001. Когда медиатор согласится, обе стороны получат приглашение к медиации.",
      expect.stringMatching(/^«Городская больница №7»: обращения\n/),
    ]);
  });
});

describe("an admin's empty lists", () => {
  it("«no roles», «all linked» and «no case for a mediator» each carry the way back to the admin's home", async () => {
    const admin = h.user(ADMIN, "ru");
    await admin.send("/start");
    await openAdmin(admin);
    for (const [button, empty] of [
      ["Роли", "Активных ролей нет."],
      ["Дела без организации", "Все дела привязаны к организациям."],
      ["Предложить медиатора", "Нет дел, по которым можно предложить медиатора."],
    ] as const) {
      const said = messages(await admin.press(button), ADMIN);
      expect(said).toEqual([{ text: empty, buttons: ["◀ Назад"] }]);
      const back = messages(await admin.press("◀ Назад"), ADMIN);
      expect(back[0]!.text).toMatch(/^Администратор: Жумабаев Арман Серикович\n/);
    }
  });
});
