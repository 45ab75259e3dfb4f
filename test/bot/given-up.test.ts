// A document given up after five failed makings: the message saying so, and the button that asks for it again
// (bot/features/documents) — found in review of the change that added them.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../bot/logger.js";
import { Store } from "../../bot/runtime/store.js";
import { buttons, newUpdateId, TEST_DATA_KEY, testBot, texts, type Harness } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { fileNotice, joinRelative, removeRelative } from "../helpers/notice.js";
import { formCommission, joinStaff, recordReceipt, scheduleSitting } from "../helpers/staff.js";

const log = createLogger("silent");
const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
const RELATIVE = 60;
const GIVEN_UP_RU = "Не удалось подготовить файл: файл календаря для заседания комиссии. Ваши данные в боте сохранены — не подготовлен только сам файл. Нажмите кнопку ниже, и я попробую ещё раз.";
const AGAIN_RU = "Подготовить файл ещё раз";

let t: TestDb;
let h: Harness;
let now: Date;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t.dispose());
beforeEach(async () => {
  await t.reset();
  now = new Date("2026-11-23T10:00:00+05:00");
  h = await testBot(t.db, { adminIds: [ADMIN], now: () => now });
});

/** A document row for `chat`, stored as an update's effect would store it (Store.commit), then sent — and its making failing five times. */
const givenUp = async (chat: number, method: string, payload: Record<string, unknown>, breakIt: () => Promise<void>, mendIt: () => Promise<void>) => {
  await new Store(t.db.prisma, [], TEST_DATA_KEY).commit({ updateId: newUpdateId(), chatId: chat, userId: chat, stack: null, createUser: false, outbox: [{ method, payload: { chat_id: chat, ...payload } }] });
  await breakIt();
  try {
    await h.runtime.flush(h.bot.api, log);
    for (let run = 1; run < 5; run++) await h.runtime.runJobs(now, h.bot.api, log);
  } finally {
    await mendIt();
  }
};

describe("a document given up, asked for again with its button", () => {
  it("a relative removed from the case after the sitting's calendar file was given up does not get it with the button", async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "ru");
    const applicant = h.user(APPLICANT, "kk");
    await fileNotice(applicant, "kk");
    const relative = await joinRelative(h, applicant, RELATIVE);
    await recordReceipt(staff, "ru");
    await formCommission(staff);
    await scheduleSitting(staff);
    const sitting = await t.db.prisma.sitting.findFirstOrThrow();
    const before = h.fake.sent("sendDocument", RELATIVE).length;
    expect(before).toBe(1);

    // The relative's copy of the calendar file (a move's, say) cannot be made for a while: given up, with the button.
    await givenUp(
      RELATIVE,
      "@sittingIcs",
      { language: "ru", sittingId: sitting.id },
      async () => void (await t.db.prisma.$executeRawUnsafe(`ALTER TABLE "Sitting" RENAME TO "SittingAway"`)),
      async () => void (await t.db.prisma.$executeRawUnsafe(`ALTER TABLE "SittingAway" RENAME TO "Sitting"`)),
    );
    expect(texts(h.fake.sent("sendMessage", RELATIVE)).at(-1)).toBe(GIVEN_UP_RU);

    // The applicant removes the relative: "they stop hearing of the case at once".
    await removeRelative(applicant);
    expect(texts(h.fake.sent("sendMessage", RELATIVE))).toContain(
      "Заявитель удалил вас из дела KZ-2026-000001. Сообщений о нём больше не будет. Супруг(а), близкие родственники и законный представитель пациента вправе присутствовать на заседаниях комиссии независимо от бота: состоится ли заседание, уточните в медицинской организации.",
    );

    const pressed = await relative.press(AGAIN_RU);
    const files = pressed.filter((c) => c.method === "sendDocument" && c.payload.chat_id === RELATIVE);
    expect(
      files.map((c) => c.file?.bytes.toString("utf8").replace(/\r\n[ \t]/g, "").match(/LOCATION:.*|URL.*/g)),
      "the sitting's place and link sent to a relative removed from the case",
    ).toEqual([]);
  });

  it("the button pressed once it is spent says so, and what is current follows: the applicant's menu, or the question of a notice being filled in (ru, kk)", async () => {
    const u = h.user(4601, "ru");
    await fileNotice(u, "ru");
    const k = await t.db.prisma.case.findFirstOrThrow();
    const sealed = k.sensitive;
    await givenUp(
      u.id,
      "@noticePdf",
      { language: "ru", caseId: k.id },
      async () => void (await t.db.prisma.case.update({ where: { id: k.id }, data: { sensitive: "garbled" } })),
      async () => void (await t.db.prisma.case.update({ where: { id: k.id }, data: { sensitive: sealed } })),
    );
    const again = u.keyboardWith(AGAIN_RU).buttons.flat().find((b) => b.text === AGAIN_RU)!.callback_data;
    const got = await u.press(AGAIN_RU);
    expect(got.filter((c) => c.method === "sendDocument" && c.payload.chat_id === u.id)).toHaveLength(1);
    // Spent: not a line with no button under it — the menu follows.
    const spent = await u.press(AGAIN_RU);
    expect(texts(spent)).toEqual(["Эта кнопка устарела.", "Что сделаем? Команды есть и в меню (/)."]);
    expect(buttons(spent)).toContain("Подать обращение");
    await u.send("/language");
    await u.press("Қазақша");
    expect(texts(await u.pressData(again))).toEqual(["Бұл батырма ескірген.", "Не істейміз? Командалар (/) мәзірінде де бар."]);
    // A notice being filled in: its question again, not the menu.
    const asked = texts(await u.send("/notice")).at(-1)!;
    expect(asked).toMatch(/Пациентке кім боласыз\?/);
    expect(texts(await u.pressData(again))).toEqual(["Бұл батырма ескірген.", asked]);
  });

  it("the message saying a document was given up, lost in a failed send, is tried again like any message (not lost with its button)", async () => {
    const u = h.user(4502, "ru");
    await fileNotice(u, "ru");
    const k = await t.db.prisma.case.findFirstOrThrow();
    const sealed = k.sensitive;
    // Every sendMessage made to the chat, whether Telegram took it or not.
    const tried: string[] = [];
    h.bot.api.config.use(async (prev, method, payload, signal) => {
      if (method === "sendMessage" && (payload as { chat_id?: unknown }).chat_id === u.id) tried.push(String((payload as { text?: unknown }).text));
      return prev(method, payload, signal);
    });
    // The call that tells it is cut off mid-way (a dropped connection): an ordinary message is kept and sent again.
    await givenUp(
      u.id,
      "@noticePdf",
      { language: "ru", caseId: k.id },
      async () => {
        await t.db.prisma.case.update({ where: { id: k.id }, data: { sensitive: "garbled" } });
        // Only the fifth try's failure reaches the chat: the one call made to it then is the notice of it.
        h.fake.failNext.set("sendMessage", { crash: true, count: 1, chatId: u.id });
      },
      async () => void (await t.db.prisma.case.update({ where: { id: k.id }, data: { sensitive: sealed } })),
    );
    expect(h.fake.failNext.get("sendMessage")?.count, "the notice's call failed").toBe(0);
    expect(tried.filter((x) => x.startsWith("Не удалось подготовить файл")), "the notice was tried once, and failed").toHaveLength(1);
    expect(h.fake.sent("sendMessage", u.id).filter((c) => String(c.payload.text).startsWith("Не удалось")), "Telegram did not take it").toEqual([]);
    h.fake.failNext.clear();
    // Telegram answers again: the next runs send what is kept.
    await h.runtime.runJobs(now, h.bot.api, log);
    await h.runtime.runJobs(now, h.bot.api, log);
    await h.runtime.idle();
    expect(texts(h.fake.sent("sendMessage", u.id)).filter((x) => x.startsWith("Не удалось подготовить файл")), "the reader told that the document was given up").toHaveLength(1);
  });
  it("a row another instance took meanwhile (this one held up past its lease) is not rewritten: that one sends it", async () => {
    const chat = 4503;
    // Written and leased by instance «b» (an update of b's); instance «a» still holds it in memory after a pause.
    const [row] = (await new Store(t.db.prisma, [], TEST_DATA_KEY, "b").commit({
      updateId: newUpdateId(),
      chatId: chat,
      userId: chat,
      stack: null,
      createUser: true,
      outbox: [{ method: "@noticePdf", payload: { chat_id: chat, language: "ru", caseId: 1 } }],
    }))!;
    const notice = { chat_id: chat, text: "the document could not be made" };
    expect(await new Store(t.db.prisma, [], TEST_DATA_KEY, "a").giveUp(row!.id, "sendMessage", notice)).toBe(false);
    expect((await t.db.prisma.outbox.findUniqueOrThrow({ where: { id: row!.id } })).method).toBe("@noticePdf");
    // Its own instance gives it up in place.
    expect(await new Store(t.db.prisma, [], TEST_DATA_KEY, "b").giveUp(row!.id, "sendMessage", notice)).toBe(true);
    expect((await t.db.prisma.outbox.findUniqueOrThrow({ where: { id: row!.id } })).method).toBe("sendMessage");
  });
});
