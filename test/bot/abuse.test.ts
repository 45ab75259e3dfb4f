// When something goes wrong, or someone floods the bot (issue 13): the failed update is answered in the
// language the user chose, and truthfully; one user's 300 messages do not hold up anyone else.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { USER_LIMIT } from "../../bot/index.js";
import { buttons, testBot, texts, type Harness } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { bound } from "../helpers/time.js";

let t: TestDb;
let h: Harness;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t.dispose());
beforeEach(async () => {
  await t.reset();
  h = await testBot(t.db, { userLimit: USER_LIMIT }); // the production limit
});

describe("an update that fails", () => {
  it("is answered in the language the user chose (not their app's), saying it was not processed", async () => {
    const u = h.user(1, "ru"); // the app is in Russian…
    await u.send("/start");
    await u.press("Согласен(на)");
    await u.send("/language");
    await u.press("Қазақша"); // …the user chose Kazakh
    const handle = h.runtime.handle.bind(h.runtime);
    h.runtime.handle = () => Promise.reject(new Error("the database went away"));
    try {
      expect(texts(await u.send("/cases"))).toEqual(["Қате шықты: бұл хабар өңделмеді, ал бұрынғы жауаптарыңыз сақталды. Оны бір минуттан кейін қайталаңыз."]);
    } finally {
      h.runtime.handle = handle;
    }
    // Nothing of the failed update was kept: the same command now works.
    expect(texts(await u.send("/cases"))[0]).toMatch(/^Сізде әзірге іс жоқ/);
  });

  it("a user the database does not know gets it in their app's language, or in both", async () => {
    h.runtime.handle = () => Promise.reject(new Error("boom"));
    expect(texts(await h.user(2, "ru").send("/start"))).toEqual(["Произошла ошибка: это сообщение не обработано, а ваши прежние ответы сохранены. Повторите его через минуту."]);
    expect(texts(await h.user(3, "en").send("/start"))[0]).toMatch(/^Қате шықты: .*\n\nПроизошла ошибка: /s);
  });

  it("a pressed button whose update failed is answered too: its spinner stops, and the user is told", async () => {
    const u = h.user(4, "ru");
    const label = buttons(await u.send("/start"))[0]!;
    h.runtime.handle = () => Promise.reject(new Error("boom"));
    const calls = await u.press(label);
    expect(calls.filter((c) => c.method === "answerCallbackQuery")).toHaveLength(1);
    expect(texts(calls)).toEqual(["Произошла ошибка: это сообщение не обработано, а ваши прежние ответы сохранены. Повторите его через минуту."]);
  });
});

describe("a flood from one user", () => {
  it("300 messages: the flooder is answered once and the rest dropped before the database; another user is served within 2 s", async () => {
    const flooder = h.user(10, "ru");
    await flooder.send("/start");
    await flooder.press("Согласен(на)");
    const other = h.user(11, "ru");
    h.fake.clear();
    const flood = Promise.all(Array.from({ length: 300 }, (_, i) => flooder.send(`сообщение ${i}`)));
    const started = performance.now();
    const served = await other.send("/start");
    const ms = performance.now() - started;
    await flood;
    expect(texts(served.filter((c) => c.payload.chat_id === 11))[0]).toMatch(/^Здравствуйте!/);
    // 2 s on an idle machine (the bound), scaled when the run started on a crowded one.
    expect(ms).toBeLessThan(bound(2000));
    const toFlooder = texts(h.fake.sent("sendMessage", 10));
    expect(toFlooder.filter((x) => x.startsWith("Слишком много сообщений подряд"))).toHaveLength(1);
    // At most the window's 30 reached the bot (some of them before the flood's start); each got at most 2 answers.
    expect(toFlooder.length).toBeLessThanOrEqual(1 + 30 * 2);
    expect(await t.db.prisma.processedUpdate.count()).toBeLessThan(40);
  });

  it("a button pressed past the limit is answered, never dropped silently", async () => {
    const h2 = await testBot(t.db, { userLimit: { updates: 2, windowMs: 60_000 } });
    const u = h2.user(20, "ru");
    await u.send("/start");
    await u.press("Согласен(на)");
    const pressed = await u.press("Мои дела");
    expect(pressed.find((c) => c.method === "answerCallbackQuery")?.payload.text).toBe("Слишком много сообщений подряд. Подождите несколько секунд и повторите последнее — оно не обработано.");
  });
});

describe("a command in a group", () => {
  const inGroup = (from: { id: number; language_code?: string }, text: string, chatId = -1001) => ({
    update_id: 900_000 + from.id,
    message: {
      message_id: 70 + from.id,
      date: 1,
      chat: { id: chatId, type: "supergroup" as const, title: "Семья" },
      from: { is_bot: false as const, first_name: "G", ...from },
      text,
      entities: text.startsWith("/") ? [{ type: "bot_command" as const, offset: 0, length: text.split(" ")[0]!.length }] : [],
    },
  });

  it("is answered there that only a private chat is served (what a group reads, all its members read), and nothing is stored", async () => {
    // Before: nothing at all — a family that added the bot to its group chat, or staff typing /cases in the staff chat, got silence.
    const u = h.user(50, "ru");
    const calls = await u.deliver(inGroup({ id: 50, language_code: "ru" }, "/start"));
    expect(calls.map((c) => [c.method, c.payload.chat_id, c.payload.text])).toEqual([
      ["sendMessage", -1001, "Бот работает только в личном чате: то, что написано в группе, видят все её участники. Откройте личный чат с @kelisim_local_bot и отправьте /start."],
    ]);
    // An app in another language: both.
    const both = await u.deliver(inGroup({ id: 51, language_code: "en" }, "/cases@kelisim_local_bot"));
    expect(texts(both)[0]).toContain("Бот тек жеке чатта жұмыс істейді");
    expect(texts(both)[0]).toContain("Бот работает только в личном чате");
    // Text that is not a command is not answered; nothing of either is stored.
    expect(await u.deliver(inGroup({ id: 52, language_code: "kk" }, "Сәлем"))).toEqual([]);
    expect(await t.db.prisma.user.count()).toBe(0);
    expect(await t.db.prisma.chatState.count()).toBe(0);
  });
});
