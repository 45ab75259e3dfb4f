// Onboarding through the real bot and database, as a user sees it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { buttons, TEST_DATA_KEY, testBot, texts, type Harness } from "../helpers/bot.js";
import { Store } from "../../bot/runtime/store.js";

let t: TestDb;
let h: Harness;
const KK_CHOOSE = "Тілді таңдаңыз:";
const RU_CHOOSE = "Выберите язык:";

beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t.dispose());
beforeEach(async () => {
  await t.reset();
  h = await testBot(t.db, { now: () => new Date("2026-11-23T10:00:00Z") });
});

const user = (id: number) => t.db.prisma.user.findUnique({ where: { id: BigInt(id) } });
const storedStack = async (chatId: number) => (await new Store(t.db.prisma, [], TEST_DATA_KEY).load(chatId, chatId)).stack;

describe("/start", () => {
  it("greets in Kazakh when the app is in Kazakh, and asks consent with two buttons", async () => {
    const calls = await h.user(1, "kk").send("/start");
    const said = texts(calls);
    expect(said[0]).toMatch(/^Сәлеметсіз бе! Мен — «Келісім» боты\./);
    expect(said[1]).toMatch(/^Дербес деректер туралы/);
    expect(buttons(calls)).toEqual(["Келісемін", "Келіспеймін"]);
    expect((await user(1))?.language).toBe("kk");
  });

  it("greets in Russian when the app is in Russian", async () => {
    const calls = await h.user(2, "ru").send("/start");
    expect(texts(calls)[0]).toMatch(/^Здравствуйте! Я — бот «Келісім»\./);
    expect(buttons(calls)).toEqual(["Согласен(на)", "Не согласен(на)"]);
    expect((await user(2))?.language).toBe("ru");
  });

  it("asks the language in both languages when the app is in English, and keeps the choice", async () => {
    const u = h.user(3, "en");
    const calls = await u.send("/start");
    expect(texts(calls)).toEqual([`${KK_CHOOSE}\n\n${RU_CHOOSE}`]);
    expect(buttons(calls)).toEqual(["Қазақша", "Русский"]);
    expect((await user(3))?.language).toBeNull();

    const chosen = await u.press("Русский");
    expect(texts(chosen)).toEqual([
      "Хорошо, теперь говорим по-русски.",
      expect.stringMatching(/^Здравствуйте!/),
      expect.stringMatching(/^О персональных данных/),
    ]);
    expect((await user(3))?.language).toBe("ru");
    // The pressed keyboard is taken off its message, and the chat's command menu follows the choice.
    expect(chosen.find((c) => c.method === "editMessageReplyMarkup")?.payload.reply_markup).toEqual({ inline_keyboard: [] });
    const menu = chosen.find((c) => c.method === "setMyCommands")!.payload;
    expect(menu.scope).toEqual({ type: "chat", chat_id: 3 });
    expect((menu.commands as { description: string }[])[0]!.description).toBe("Главное меню");
  });

  it("records consent with the text's version and the time, then shows the menu", async () => {
    const u = h.user(4, "kk");
    await u.send("/start");
    const calls = await u.press("Келісемін");
    expect(texts(calls)).toEqual(["Рақмет. Келісіміңіз жазылды.", "Не істейміз? Командалар (/) мәзірінде де бар."]);
    expect(buttons(calls)).toEqual(["Өтініш беру", "Менің істерім", "Оқыс оқиға ма, «дәрігердің қателігі» ме?", "Анықтама", "Тіл", "Дербес деректер"]);
    const row = await user(4);
    expect(row?.consentVersion).toBe(h.i18n.consentVersion);
    expect(row?.consentVersion).toMatch(/^[0-9a-f]{12}$/);
    expect(row?.consentAt?.toISOString()).toBe("2026-11-23T10:00:00.000Z");
  });

  it("records nothing when consent is declined, and says how to give it later", async () => {
    const u = h.user(5, "ru");
    await u.send("/start");
    const calls = await u.press("Не согласен(на)");
    expect(texts(calls)[0]).toContain("Без согласия я не могу сохранить обращение");
    expect((await user(5))?.consentAt).toBeNull();
  });

  it("welcomes back a user who finished onboarding, without asking again", async () => {
    const u = h.user(6, "kk");
    await u.send("/start");
    await u.press("Келісемін");
    const calls = await u.send("/start");
    expect(texts(calls)).toEqual(["Қайта оралуыңызбен!", "Не істейміз? Командалар (/) мәзірінде де бар."]);
  });
});

describe("/language", () => {
  it("switches at any time, keeps the choice, and re-asks the current question in the new language", async () => {
    const u = h.user(7, "kk");
    await u.send("/start"); // now at the consent question, in Kazakh
    const asked = await u.send("/language");
    expect(buttons(asked)).toEqual(["Қазақша", "Русский"]);
    const switched = await u.press("Русский");
    expect(texts(switched)).toEqual(["Хорошо, теперь говорим по-русски.", expect.stringMatching(/^О персональных данных/)]);
    expect((await user(7))?.language).toBe("ru");
    // Still in onboarding: the consent button works and is answered in Russian.
    expect(texts(await u.press("Согласен(на)"))[0]).toBe("Спасибо. Ваше согласие записано.");
  });
});

describe("/help, /privacy, /cancel", () => {
  it("/privacy's consent text says who sees the data, how long it is kept, and where to see it (/mydata), in both languages", async () => {
    for (const [id, lang, who, kept, mydata] of [
      [10, "ru", "сотрудники медицинской организации, которой адресовано обращение, независимая экспертная комиссия, родственники, которых вы сами пригласите, и медиатор, если его назначат", "Данные хранятся, пока их требует процедура рассмотрения", "/mydata"],
      [11, "kk", "өтініш арналған медициналық ұйымның қызметкерлері, тәуелсіз сараптама комиссиясы, өзіңіз шақырған туыстарыңыз және медиатор (егер тағайындалса)", "Деректер қарау рәсімі талап еткенше сақталады", "/mydata"],
    ] as const) {
      const u = h.user(id, lang);
      await u.send("/start");
      const text = texts(await u.send("/privacy")).join("\n");
      for (const part of [who, kept, mydata]) expect(text).toContain(part);
    }
  });

  it("/help does not say /start begins afresh (it keeps a notice begun and an invite being followed): it names the main menu, in both languages", async () => {
    // Before: «/start — начать сначала», while /start keeps the notice begun (and an invite being followed).
    const u = h.user(12, "ru");
    await u.send("/start");
    await u.press("Согласен(на)");
    const ru = texts(await u.send("/help"))[0]!;
    expect(ru).toContain("\n/start — главное меню\n");
    expect(ru).not.toContain("сначала");
    const kk = h.user(13, "kk");
    await kk.send("/start");
    await kk.press("Келісемін");
    const help = texts(await kk.send("/help"))[0]!;
    expect(help).toContain("\n/start — басты мәзір\n");
    expect(help).not.toContain("басынан");
  });

  it("/help is followed by the way on: the home with its buttons, or the question of the flow open (a notice's), in either language", async () => {
    const u = h.user(17, "ru");
    await u.send("/start");
    await u.press("Согласен(на)");
    const home = await u.send("/help");
    expect(texts(home)).toEqual([expect.stringMatching(/^«Келісім» — бот о возмещении вреда/), "Что сделаем? Команды есть и в меню (/)."]);
    expect(buttons(home)).toEqual(["Подать обращение", "Мои дела", "Инцидент или «врачебная ошибка»?", "Справка", "Язык", "Персональные данные"]);
    const kk = h.user(18, "kk");
    await kk.send("/start");
    await kk.press("Келісемін");
    await kk.send("/notice");
    const asked = await kk.send("/help");
    expect(texts(asked)).toEqual([expect.stringMatching(/^«Келісім» — медициналық көмектен келген зиянды өтеу туралы бот/), "1/11 · Пациентке кім боласыз?"]);
    expect(buttons(asked)).toEqual(["Мен — пациентпін", "Пациенттің жұбайы", "Пациенттің жақын туысы", "Пациенттің заңды өкілі"]);
  });

  it("/help says what the bot does for the user's role", async () => {
    const u = h.user(8, "ru");
    await u.send("/start");
    expect(texts(await u.send("/help"))[0]).toMatch(/^«Келісім» — бот о возмещении вреда/);
    const admin = (await testBot(t.db, { adminIds: [9] })).user(9, "ru");
    await admin.send("/start");
    expect(texts(await admin.send("/help"))[0]).toMatch(/^Вы администратор этого бота\./);
  });

  it("/help names every command of the command menu, in each language and for each role — the role's own (/inbox, /admin) too", async () => {
    // Before: staff's and mediators' list had no /inbox, the admin's no /admin, though their command menu has it.
    const { COMMANDS, ROLE_COMMANDS } = await import("../../machines/chat.js");
    for (const lang of ["kk", "ru"] as const) {
      for (const role of ["applicant", "staff", "mediator", "admin"] as const) {
        const text = h.i18n.t(lang)(`help.${role}`);
        for (const c of [...COMMANDS, ...ROLE_COMMANDS[role]]) expect(text, `${lang} ${role} /${c}`).toContain(`/${c} — `);
      }
    }
  });

  it("/help from a user whose language is unknown asks the language first", async () => {
    expect(buttons(await h.user(10, "de").send("/help"))).toEqual(["Қазақша", "Русский"]);
  });

  it("/privacy shows the consent text again with its status; given, the home follows its «withdraw» button", async () => {
    const u = h.user(11, "kk");
    await u.send("/start");
    const before = await u.send("/privacy");
    expect(texts(before)).toEqual([expect.stringMatching(/^Дербес деректер туралы/), "Сіз әлі келісім берген жоқсыз."]);
    expect(buttons(before)).toEqual(["Келісемін", "Келіспеймін"]);
    await u.press("Келісемін");
    const given = await u.send("/privacy");
    expect(texts(given)).toEqual([expect.stringMatching(/^Дербес деректер туралы/), "Сіз келісім бердіңіз.", "Не істейміз? Командалар (/) мәзірінде де бар."]);
    const sent = given.filter((c) => c.method === "sendMessage");
    expect(buttons(sent.slice(0, 2))).toEqual(["Келісімді кері қайтарып алу"]);
    expect(buttons(sent)).toEqual(["Өтініш беру", "Менің істерім", "Оқыс оқиға ма, «дәрігердің қателігі» ме?", "Анықтама", "Тіл", "Дербес деректер"]);
  });

  it("/cancel leaves the flow; with nothing to cancel it says so", async () => {
    const u = h.user(12, "ru");
    await u.send("/start");
    const calls = await u.send("/cancel");
    expect(texts(calls)).toEqual(["Отменено.", "Что сделаем? Команды есть и в меню (/)."]);
    expect(texts(await u.send("/cancel"))).toEqual(["Отменять нечего."]);
  });
});

describe("bad input", () => {
  it("a sticker at the consent question gets a hint and the question's last line with its buttons — not the whole text again", async () => {
    const u = h.user(13, "kk");
    const asked = texts(await u.send("/start"))[1]!;
    const calls = await u.sticker();
    expect(texts(calls)).toEqual(["Төмендегі батырмалардың бірін таңдаңыз.", "«Дербес деректер және оларды қорғау туралы» Заңға (2013 жылғы 21 мамырдағы № 94-V) сәйкес дербес деректерді өңдеуге келісесіз бе?"]);
    expect(buttons(calls)).toEqual(["Келісемін", "Келіспеймін"]);
    // The same question as the text ends with.
    expect(asked.endsWith(`\n\n${texts(calls)[1]!}`)).toBe(true);
    expect(texts(await u.press("Келісемін"))[0]).toBe("Рақмет. Келісіміңіз жазылды.");
  });

  it("words typed at the consent question get a hint and the question's last line with its buttons; nothing is recorded", async () => {
    const u = h.user(16, "ru");
    const asked = texts(await u.send("/start"))[1]!;
    const calls = await u.send("да");
    expect(texts(calls)).toEqual(["Выберите, пожалуйста, одну из кнопок ниже.", "Согласны ли вы на обработку персональных данных по Закону «О персональных данных и их защите» (21 мая 2013 года № 94-V)?"]);
    expect(buttons(calls)).toEqual(["Согласен(на)", "Не согласен(на)"]);
    expect(asked.endsWith(`\n\n${texts(calls)[1]!}`)).toBe(true);
    expect((await user(16))?.consentAt).toBeNull();
    expect(texts(await u.press("Не согласен(на)"))[0]).toMatch(/^Понимаю\. Без согласия/);
  });

  it("/help at the consent question: the help, then only the question's last line with its buttons — not the whole text again", async () => {
    const u = h.user(19, "kk");
    const asked = texts(await u.send("/start"))[1]!;
    const calls = await u.send("/help");
    expect(texts(calls)).toEqual([expect.stringMatching(/^«Келісім» — медициналық көмектен келген зиянды өтеу туралы бот/), "«Дербес деректер және оларды қорғау туралы» Заңға (2013 жылғы 21 мамырдағы № 94-V) сәйкес дербес деректерді өңдеуге келісесіз бе?"]);
    expect(buttons(calls)).toEqual(["Келісемін", "Келіспеймін"]);
    expect(asked.endsWith(`\n\n${texts(calls)[1]!}`)).toBe(true);
    expect((await user(19))?.consentAt).toBeNull();
    // The buttons of the text shown first still answer it.
    expect(texts(await u.press("Келісемін"))[0]).toBe("Рақмет. Келісіміңіз жазылды.");
  });

  it("a message edited at the consent question: said it is not read, then only the question's last line with its buttons", async () => {
    const u = h.user(20, "ru");
    await u.send("/start");
    const calls = await u.edit(1, "да");
    expect(texts(calls)).toEqual([
      "Бот не получает изменений в уже отправленных сообщениях: у него остаётся первоначальный вариант.",
      "Согласны ли вы на обработку персональных данных по Закону «О персональных данных и их защите» (21 мая 2013 года № 94-V)?",
    ]);
    expect(buttons(calls)).toEqual(["Согласен(на)", "Не согласен(на)"]);
    expect((await user(20))?.consentAt).toBeNull();
  });

  it("text where the language is expected gets a bilingual hint and the language question", async () => {
    const u = h.user(14);
    await u.send("/start");
    const calls = await u.send("hello");
    expect(texts(calls)[0]).toBe("Төмендегі батырмалардың бірін таңдаңыз.\n\nВыберите, пожалуйста, одну из кнопок ниже.");
    expect(buttons(calls)).toEqual(["Қазақша", "Русский"]);
  });

  it("a forged button is refused with a notice, and the current question comes again (the consent's last line, with its buttons)", async () => {
    const u = h.user(15, "ru");
    await u.send("/start");
    const calls = await u.pressData("f999:agree");
    expect(calls.find((c) => c.method === "answerCallbackQuery")?.payload.text).toBe("Эта кнопка устарела.");
    expect(texts(calls)).toEqual(["Согласны ли вы на обработку персональных данных по Закону «О персональных данных и их защите» (21 мая 2013 года № 94-V)?"]);
    expect(buttons(calls)).toEqual(["Согласен(на)", "Не согласен(на)"]);
    expect((await user(15))?.consentAt).toBeNull();
    const garbage = await u.pressData("💥 not ours");
    expect(garbage.find((c) => c.method === "answerCallbackQuery")?.payload.text).toBe("Эта кнопка устарела.");
  });

  it("an unknown command says so and repeats the question (the consent's last line)", async () => {
    const u = h.user(16, "kk");
    await u.send("/start");
    const calls = await u.send("/foo");
    expect(texts(calls)).toEqual(["Мұндай команда жоқ. Не істей алатынымды /help көрсетеді.", "«Дербес деректер және оларды қорғау туралы» Заңға (2013 жылғы 21 мамырдағы № 94-V) сәйкес дербес деректерді өңдеуге келісесіз бе?"]);
  });

  it("messages in groups start nothing: a command is pointed to the private chat, other text and other bots' commands are left alone", async () => {
    const u = h.user(17, "kk");
    const inGroup = (text: string) => {
      const update = u.messageUpdate(text);
      (update.message!.chat as { type: string }).type = "group";
      return update;
    };
    expect(texts(await u.deliver(inGroup("/start")))).toEqual(["Бот тек жеке чатта жұмыс істейді: топта жазылғанды оның барлық мүшесі көреді. @kelisim_local_bot ботымен жеке чатты ашып, /start жіберіңіз."]);
    expect(await u.deliver(inGroup("/start@other_bot"))).toEqual([]);
    expect(await u.deliver(inGroup("сәлем"))).toEqual([]);
    expect(await user(17)).toBeNull();
  });
});

describe("the runtime's guarantees", () => {
  it("a redelivered update (same update_id) is not processed twice", async () => {
    const u = h.user(20, "kk");
    const update = u.messageUpdate("/start");
    const first = await u.deliver(update);
    expect(texts(first)).toHaveLength(2);
    expect(await u.deliver(structuredClone(update))).toEqual([]);
    // setMyCommands for the chat and the two texts, decided once.
    expect(await t.db.prisma.outbox.count()).toBe(3);
  });

  it("two instances racing on one redelivered update answer it once", async () => {
    const other = await testBot(t.db);
    const update = h.user(24, "kk").messageUpdate("/start");
    await Promise.all([h.bot.handleUpdate(update), other.bot.handleUpdate(structuredClone(update))]);
    expect(texts(h.fake.calls).length + texts(other.fake.calls).length).toBe(2);
    expect(await t.db.prisma.outbox.count()).toBe(3);
  });

  it("two updates racing for one chat run one after the other", async () => {
    const u = h.user(21, "kk");
    await u.send("/start");
    const kb = u.keyboardWith("Келісемін");
    const agree = kb.buttons.flat().find((b) => b.text === "Келісемін")!.callback_data;
    const before = h.fake.calls.length;
    await Promise.all([u.deliver(u.buttonUpdate(agree, kb.messageId)), u.deliver(u.messageUpdate("/help"))]);
    const said = texts(h.fake.calls.slice(before));
    // The consent is taken first, whole; /help then runs on the state it left.
    expect(said).toEqual(["Рақмет. Келісіміңіз жазылды.", "Не істейміз? Командалар (/) мәзірінде де бар.", expect.stringMatching(/^«Келісім» — медициналық/), "Не істейміз? Командалар (/) мәзірінде де бар."]);
    expect((await storedStack(21)).length).toBe(0);
  });

  it("messages that failed to send are kept and go out first next time", async () => {
    const u = h.user(22, "ru");
    h.fake.failNext.set("sendMessage", { crash: true, count: 1 });
    await u.send("/start");
    h.fake.failNext.clear();
    expect(await t.db.prisma.outbox.count({ where: { sentAt: null } })).toBe(2); // setMyCommands went; the two texts did not
    const calls = await u.send("/help");
    // …and /help's own, with the consent question after it (the way on: its last line, the whole text is just above).
    expect(texts(calls)).toEqual([expect.stringMatching(/^Здравствуйте!/), expect.stringMatching(/^О персональных данных/), expect.stringMatching(/^«Келісім» — бот/), "Согласны ли вы на обработку персональных данных по Закону «О персональных данных и их защите» (21 мая 2013 года № 94-V)?"]);
    expect(await t.db.prisma.outbox.count({ where: { sentAt: null } })).toBe(0);
  });

  it("a failed convenience call (the chat's command menu) does not hold messages back", async () => {
    const u = h.user(25, "ru");
    h.fake.failNext.set("setMyCommands", { crash: true, count: 1 });
    const calls = await u.send("/start");
    expect(texts(calls)).toEqual([expect.stringMatching(/^Здравствуйте!/), expect.stringMatching(/^О персональных данных/)]);
    expect(calls.filter((c) => c.method === "setMyCommands")).toEqual([]); // it failed, and was dropped
    expect(await t.db.prisma.outbox.count({ where: { sentAt: null } })).toBe(0);
  });

  it("a user who blocked the bot does not jam the chat's queue", async () => {
    const u = h.user(23, "ru");
    h.fake.failNext.set("sendMessage", { code: 403, description: "Forbidden: bot was blocked by the user", count: 1 });
    await u.send("/start");
    expect(await t.db.prisma.outbox.count({ where: { sentAt: null } })).toBe(0);
  });
});

describe("command menus", () => {
  it("are set in Kazakh and in Russian, and in both for other languages", async () => {
    const { setCommandMenus } = await import("../../bot/index.js");
    await setCommandMenus(h.bot.api, h.i18n);
    const menus = h.fake.calls.filter((c) => c.method === "setMyCommands").map((c) => c.payload);
    expect(menus.map((m) => m.language_code)).toEqual(["kk", "ru", undefined]);
    const first = (m: Record<string, unknown>) => (m.commands as { command: string; description: string }[])[0]!;
    expect(first(menus[0]!)).toEqual({ command: "start", description: "Басты мәзір" });
    expect(first(menus[1]!)).toEqual({ command: "start", description: "Главное меню" });
    expect(first(menus[2]!).description).toBe("Басты мәзір / Главное меню");
    expect((menus[0]!.commands as { command: string }[]).map((c) => c.command)).toEqual(["start", "menu", "notice", "cases", "explain", "help", "language", "privacy", "mydata", "cancel"]);
  });
});

describe("a command asked before the language is known", () => {
  it("/notice: after the language and the consent, the notice begins at its first question, in the language chosen — across a restart too", async () => {
    const u = h.user(30, "en");
    expect(buttons(await u.send("/notice"))).toEqual(["Қазақша", "Русский"]);
    const chosen = await u.press("Русский");
    expect(texts(chosen)).toEqual(["Хорошо, теперь говорим по-русски.", expect.stringMatching(/^Здравствуйте!/), expect.stringMatching(/^О персональных данных/)]);
    expect(buttons(chosen)).toEqual(["Согласен(на)", "Не согласен(на)"]);
    // Another instance (a restart) answers the consent: what was asked for is kept with the onboarding, as stored.
    const kb = u.keyboardWith("Согласен(на)");
    h = await testBot(t.db, { now: () => new Date("2026-11-23T10:00:00Z") });
    const again = h.user(30, "en");
    const agreed = await again.deliver(again.buttonUpdate(kb.buttons.flat().find((b) => b.text === "Согласен(на)")!.callback_data, kb.messageId));
    expect(texts(agreed)).toEqual(["Спасибо. Ваше согласие записано.", "1/11 · Кем вы приходитесь пациенту?"]);
    expect(buttons(agreed)).toEqual(["Я — пациент", "Супруг(а)", "Близкий родственник", "Законный представитель"]);
    expect((await user(30))?.consentAt?.toISOString()).toBe("2026-11-23T10:00:00.000Z");
    expect((await storedStack(30)).map((e) => e.flow)).toEqual(["notice"]);
  });

  it("/notice in Kazakh: the notice's first question follows the consent, asked once", async () => {
    const u = h.user(31, "de");
    await u.send("/notice");
    await u.press("Қазақша");
    const agreed = await u.press("Келісемін");
    expect(texts(agreed)).toEqual(["Рақмет. Келісіміңіз жазылды.", "1/11 · Пациентке кім боласыз?"]);
    expect(buttons(agreed)).toEqual(["Мен — пациентпін", "Пациенттің жұбайы", "Пациенттің жақын туысы", "Пациенттің заңды өкілі"]);
  });

  it("/notice, the consent declined: no notice is begun, the home follows", async () => {
    const u = h.user(32, "en");
    await u.send("/notice");
    await u.press("Русский");
    const declined = await u.press("Не согласен(на)");
    expect(texts(declined)).toEqual([expect.stringMatching(/^Понимаю\. Без согласия я не могу сохранить обращение/), "Что сделаем? Команды есть и в меню (/)."]);
    expect(buttons(declined)).toEqual(["Подать обращение", "Мои дела", "Инцидент или «врачебная ошибка»?", "Справка", "Язык", "Персональные данные"]);
    expect(await storedStack(32)).toEqual([]);
    expect((await user(32))?.consentAt).toBeNull();
  });

  it("/mydata: after the language and the consent, the summary names the consent just given, and the home follows", async () => {
    const u = h.user(34, "en");
    await u.send("/mydata");
    await u.press("Русский");
    const agreed = await u.press("Согласен(на)");
    expect(texts(agreed)).toEqual([
      "Спасибо. Ваше согласие записано.",
      expect.stringContaining("• согласие на обработку персональных данных: дано 23.11.2026, 15:00 (время Казахстана) — для подачи обращения, на текст, который сейчас показывает /privacy\n"),
      "Что сделаем? Команды есть и в меню (/).",
    ]);
    expect(agreed.filter((c) => c.method === "sendDocument").map((c) => c.file!.filename)).toEqual(["kelisim-my-data.json", "kelisim-my-data.pdf"]);
  });

  it("/mydata, the consent declined: no summary or files sent to someone who has just said no — told how to have them without consent, then the home", async () => {
    // Before: only «без согласия я не могу сохранить обращение» — the /mydata they asked for left unanswered.
    const u = h.user(36, "en");
    await u.send("/mydata");
    await u.press("Русский");
    const declined = await u.press("Не согласен(на)");
    expect(texts(declined)).toEqual([
      expect.stringMatching(/^Понимаю\. Без согласия/),
      "Что бот хранит о вас, можно узнать и без согласия: отправьте /mydata ещё раз — пришлю сводку и файлы.",
      "Что сделаем? Команды есть и в меню (/).",
    ]);
    expect(declined.filter((c) => c.method === "sendDocument")).toEqual([]);
    // As said: sent again, it answers without consent.
    const again = await u.send("/mydata");
    expect(texts(again)[0]).toMatch(/^Что бот хранит о вас:\n• язык: русский\n• согласие на обработку персональных данных: не дано\n/);
    expect(again.filter((c) => c.method === "sendDocument").map((c) => c.file!.filename)).toEqual(["kelisim-my-data.json", "kelisim-my-data.pdf"]);
    // In Kazakh likewise; /notice declined is not told of /mydata.
    const k = h.user(39, "kk");
    await k.send("/mydata");
    expect(texts(await k.press("Келіспеймін"))[1]).toBe("Боттың сіз туралы не сақтайтынын келісімсіз де білуге болады: /mydata командасын қайта жіберіңіз — қысқаша мәлімет пен файлдарды жіберемін.");
    const n = h.user(40, "ru");
    await n.send("/notice");
    expect(texts(await n.press("Не согласен(на)"))).toEqual([expect.stringMatching(/^Понимаю\. Без согласия/), "Что сделаем? Команды есть и в меню (/)."]);
  });

  it("/inbox or /admin by someone new: after the consent, the home — not «Такой команды нет» for a command they were never offered", async () => {
    for (const [id, command] of [[37, "/inbox"], [38, "/admin"]] as const) {
      const u = h.user(id, "en");
      await u.send(command);
      await u.press("Русский");
      expect(texts(await u.press("Согласен(на)")), command).toEqual(["Спасибо. Ваше согласие записано.", "Что сделаем? Команды есть и в меню (/)."]);
    }
  });

  it("/cases: after the language and the consent, the home — not «no cases yet» without a button (nobody new has a case)", async () => {
    const u = h.user(35, "kk");
    await u.send("/cases");
    const agreed = await u.press("Келісемін");
    expect(texts(agreed)).toEqual(["Рақмет. Келісіміңіз жазылды.", "Не істейміз? Командалар (/) мәзірінде де бар."]);
    expect(buttons(agreed)).toEqual(["Өтініш беру", "Менің істерім", "Оқыс оқиға ма, «дәрігердің қателігі» ме?", "Анықтама", "Тіл", "Дербес деректер"]);
  });

  it("/explain: after the language and the consent, the explainer opens", async () => {
    const u = h.user(33, "en");
    await u.send("/explain");
    await u.press("Русский");
    await u.press("Согласен(на)");
    expect((await storedStack(33)).map((e) => e.flow)).toEqual(["explainer"]);
  });
});
