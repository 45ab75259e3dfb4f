// End to end over HTTP: the real bot polls the Bot API emulator with @grammyjs/runner, as in production.
import { run, type RunnerHandle } from "@grammyjs/runner";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createI18n } from "../../bot/i18n.js";
import { createBot, setCommandMenus } from "../../bot/index.js";
import { createLogger } from "../../bot/logger.js";
import type { Database } from "../../bot/db/database.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { EmulatorChat, startEmulator } from "../helpers/emulator.js";
import { TEST_DATA_KEY } from "../helpers/bot.js";

const TOKEN = "4242:e2e-token";
let server: Awaited<ReturnType<typeof startEmulator>>;
let t: TestDb;
let runner: RunnerHandle | null = null;

/** Bot API methods telegram-test-api does not implement: answered here, and recorded. */
const EMULATOR_LACKS = new Set(["setMyCommands", "sendDocument", "sendChatAction", "sendPhoto"]);
const lacking: { method: string; payload: unknown }[] = [];

const startBot = async (db: Database) => {
  const i18n = await createI18n();
  const deps = { db, i18n, logger: createLogger(process.env.TEST_LOG ?? "silent", process.env.TEST_LOG_FILE), adminIds: [], timeZone: "Asia/Almaty", dataKey: TEST_DATA_KEY, staffChatId: null, sendLimits: null };
  // The emulator is no Telegram: its users answer at once, and it keeps no rate limits.
  const kb = createBot(TOKEN, deps, { apiRoot: server.config.apiURL });
  kb.bot.api.config.use((prev, method, payload, signal) => {
    if (!EMULATOR_LACKS.has(method)) return prev(method, payload, signal);
    lacking.push({ method, payload });
    return Promise.resolve({ ok: true, result: true } as never);
  });
  await kb.bot.init(); // getMe, from the emulator
  await setCommandMenus(kb.bot.api, i18n);
  runner = run(kb.bot, { runner: { fetch: { timeout: 1 } } });
  return kb;
};
const stopBot = async () => {
  if (runner?.isRunning()) await runner.stop();
  runner = null;
};

beforeAll(async () => {
  server = await startEmulator();
  t = await testDatabase({ persistent: true });
});
afterEach(stopBot);
afterAll(async () => {
  await server.stop();
  await t.dispose();
});

const textsOf = (ms: { text: string }[]) => ms.map((m) => m.text);

describe("end to end through the emulator", () => {
  it("a Kazakh user: /start → welcome → consent → menu", async () => {
    await startBot(t.db);
    const chat = new EmulatorChat(server, TOKEN, 501, "kk");
    const first = await chat.send("/start", 2);
    expect(textsOf(first)).toEqual([expect.stringMatching(/^Сәлеметсіз бе!/), expect.stringMatching(/^Дербес деректер туралы/)]);
    expect(first[1]!.buttons.map((b) => b.text)).toEqual(["Келісемін", "Келіспеймін"]);
    const agreed = await chat.press("Келісемін", 2);
    expect(textsOf(agreed)).toEqual(["Рақмет. Келісіміңіз жазылды.", "Не істейміз? Командалар (/) мәзірінде де бар."]);
    // The pressed keyboard was taken off its message in the emulator too.
    expect(chat.all().find((m) => m.id === first[1]!.id)!.buttons).toEqual([]);
    expect((await t.db.prisma.user.findUnique({ where: { id: 501n } }))?.consentAt).not.toBeNull();
  });

  it("a Russian user is greeted in Russian", async () => {
    await startBot(t.db);
    const chat = new EmulatorChat(server, TOKEN, 502, "ru");
    expect(textsOf(await chat.send("/start", 2))[0]).toMatch(/^Здравствуйте! Я — бот «Келісім»\./);
  });

  it("an English user chooses the language with buttons, then switches with /language", async () => {
    await startBot(t.db);
    const chat = new EmulatorChat(server, TOKEN, 503, "en");
    const asked = await chat.send("/start", 1);
    expect(asked[0]!.text).toBe("Тілді таңдаңыз:\n\nВыберите язык:");
    expect(asked[0]!.buttons.map((b) => b.text)).toEqual(["Қазақша", "Русский"]);
    expect(textsOf(await chat.press("Русский", 3))).toEqual([
      "Хорошо, теперь говорим по-русски.",
      expect.stringMatching(/^Здравствуйте!/),
      expect.stringMatching(/^О персональных данных/),
    ]);
    await chat.send("/language", 1);
    expect(textsOf(await chat.press("Қазақша", 2))).toEqual(["Жарайды, енді қазақша сөйлесеміз.", expect.stringMatching(/^Дербес деректер туралы/)]);
    expect((await t.db.prisma.user.findUnique({ where: { id: 503n } }))?.language).toBe("kk");
    // The chat's command menu followed each choice.
    const menus = lacking.filter((c) => JSON.stringify(c.payload).includes('"chat_id":503')).map((c) => (c.payload as { commands: { description: string }[] }).commands[0]!.description);
    expect(menus).toEqual(["Главное меню", "Басты мәзір"]);
  });

  it("a restart in the middle of onboarding loses nothing", async () => {
    await startBot(t.db);
    const chat = new EmulatorChat(server, TOKEN, 504, "en");
    await chat.send("/start", 1);
    await chat.press("Қазақша", 3); // at the consent question
    await stopBot();
    const db = await t.reopen(); // a new process on the same data
    await startBot(db);
    expect(textsOf(await chat.press("Келісемін", 2))).toEqual(["Рақмет. Келісіміңіз жазылды.", "Не істейміз? Командалар (/) мәзірінде де бар."]);
    const user = await db.prisma.user.findUnique({ where: { id: 504n } });
    expect(user?.language).toBe("kk");
    expect(user?.consentAt).not.toBeNull();
  });
});

describe("a whole notice through the emulator", () => {
  const file = async (lang: "kk" | "ru", id: number) => {
    await startBot(t.db);
    const L = lang === "kk"
      ? { agree: "Келісемін", rel: "Мен — пациентпін", yes: "Иә, дұрыс", region: "Алматы қаласы", outcome: "Мүгедектіксіз зиян", support: "Білмеймін", done: "Дайын", submit: "Өтінішті сақтау", accepted: /^Өтініш сақталды\. Іс нөмірі: KZ-\d{4}-\d{6}\./ }
      : { agree: "Согласен(на)", rel: "Я — пациент", yes: "Да, верно", region: "г. Алматы", outcome: "Вред без инвалидности", support: "Не знаю", done: "Готово", submit: "Сохранить обращение", accepted: /^Обращение сохранено\. Номер дела: KZ-\d{4}-\d{6}\./ };
    const chat = new EmulatorChat(server, TOKEN, id, lang);
    await chat.send("/start", 2);
    await chat.press(L.agree, 2);
    expect((await chat.send("/notice", 1))[0]!.text).toMatch(/^1\/11 · /);
    await chat.press(L.rel, 1);
    await chat.send("Серік Болатұлы Ахметов", 1);
    expect((await chat.send("850301300121", 1))[0]!.text).toContain("01.03.1985");
    await chat.press(L.yes, 1);
    await chat.press(L.region, 1);
    await chat.send("Қалалық клиникалық аурухана №1", 1);
    await chat.send("10.11.2026", 1);
    await chat.send("Операциядан кейін асқыну болды, бізге ескертпеді.", 1);
    await chat.press(L.outcome, 1);
    await chat.press(L.support, 1);
    expect((await chat.press(L.done, 2))[0]!.text).toMatch(/^10\/11 · /);
    const review = await chat.send("+77017654321", 2);
    expect(review[1]!.text).toMatch(/^11\/11 · /);
    const done = await chat.press(L.submit, 3);
    expect(done[0]!.text).toMatch(L.accepted);
    return done[1]!.text;
  };

  it("in Kazakh", async () => {
    // Nobody registered the organisation: the applicant is told how to hand the notice in, and no deadline runs yet.
    expect(await file("kk", 601)).toMatch(/^Әрі қарай не болады\. «Қалалық клиникалық аурухана №1» ұйымының қызметкерлері ботта жоқ/);
    const c = await t.db.prisma.case.findFirstOrThrow({ where: { participants: { some: { userId: 601n } } } });
    expect(c).toMatchObject({ language: "kk", region: "almaty", outcome: "harm" });
  });

  it("in Russian", async () => {
    expect(await file("ru", 602)).toMatch(/^Что дальше\. Сотрудников организации «Қалалық клиникалық аурухана №1» в боте нет/);
    const c = await t.db.prisma.case.findFirstOrThrow({ where: { participants: { some: { userId: 602n } } } });
    expect(c).toMatchObject({ language: "ru", region: "almaty", outcome: "harm" });
  });
});
