// Accident or error? through the real bot: the explainer, the payment table, and a notice it interrupts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buttons, testBot, texts, type Harness } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { fileNotice } from "../helpers/notice.js";

let t: TestDb;
let h: Harness;
let now = new Date("2026-11-23T10:00:00+05:00");
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t.dispose());
beforeEach(async () => {
  await t.reset();
  now = new Date("2026-11-23T10:00:00+05:00");
  h = await testBot(t.db, { now: () => now });
});

const TABLE_2026_RU =
  "Если комиссия подтвердит вред, минимальные страховые выплаты по закону (Кодекс, ст. 270-4) в 2026 году составляют:\n\n" +
  "Пациент скончался — 3\u00a0000 МРП, 12\u00a0975\u00a0000 ₸\n" +
  "Инвалидность I группы — 800 МРП, 3\u00a0460\u00a0000 ₸\n" +
  "Инвалидность II группы — 600 МРП, 2\u00a0595\u00a0000 ₸\n" +
  "Инвалидность III группы — 500 МРП, 2\u00a0162\u00a0500 ₸\n" +
  "Ребёнок с инвалидностью — 500 МРП, 2\u00a0162\u00a0500 ₸\n" +
  "Вред без инвалидности — 300 МРП, 1\u00a0297\u00a0500 ₸\n\n" +
  "В 2026 году 1 МРП = 4\u00a0325 ₸ (по закону о республиканском бюджете). Это минимальные суммы.";

describe("/explain", () => {
  it("explains both terms in short messages, quotes the law, and offers the check and the payments", async () => {
    const u = h.user(1, "ru");
    await u.send("/start");
    const calls = await u.send("/explain");
    const said = texts(calls);
    expect(said).toHaveLength(4);
    expect(said[0]).toMatch(/^Простыми словами: медицинский инцидент/);
    // The outcome, not a dangling «он»: «…помощь оказана надлежащим образом, но он наступил» read as a slip.
    expect(said[0]).toContain("помощь оказана надлежащим образом, и всё же такой исход наступил. Это не страховой случай.");
    expect(said[1]).toMatch(/^Простыми словами: вред от ненадлежащей медицинской помощи \(в обиходе — «врачебная ошибка»\)/);
    expect(said[2]).toContain("ст. 270-1, п. 5: «медицинский инцидент не является страховым случаем»");
    for (const s of said) expect(s.length).toBeLessThan(600); // fits a phone screen
    expect(buttons(calls)).toEqual(["Ответить на 5 вопросов", "Минимальные выплаты", "Закончить"]);
  });

  it("the check asks five questions and ends with the verdict and a way to file", async () => {
    const u = h.user(2, "kk");
    await u.send("/start");
    await u.send("/explain");
    expect(texts(await u.press("5 сұраққа жауап беру"))[0]).toMatch(/^1\/5 · /);
    for (let i = 0; i < 4; i++) await u.press("Жоқ");
    const end = await u.press("Иә");
    expect(texts(end)[0]).toMatch(/^Жауаптарыңыз бойынша жағдай тиісінше көрсетілмеген медициналық көмектен келген зиянға \(күнделікті сөзбен — «дәрігердің қателігі»\) көбірек ұқсайды\./);
    expect(texts(end)[1]).toBe("Бұл шешім емес. Түпкілікті шешімді тәуелсіз сараптама комиссиясы қабылдайды, ал өтінішті кез келген жағдайда беруге болады.");
    expect(buttons(end)).toEqual(["Өтініш беру немесе жалғастыру", "Ең төменгі төлемдер", "Қайта жауап беру", "Аяқтау"]);
    // This user has not consented yet: filing asks that first, then the first question.
    expect(texts(await u.press("Өтініш беру немесе жалғастыру")).at(-1)).toMatch(/^Дербес деректер туралы/);
    expect(texts(await u.press("Келісемін")).at(-1)).toBe("1/11 · Пациентке кім боласыз?");
  });

  it("words typed to one of the five questions are asked to be an answer button, the same question again — in either language", async () => {
    const u = h.user(13, "kk");
    await u.send("/start");
    await u.send("/explain");
    await u.press("5 сұраққа жауап беру");
    await u.press("Жоқ");
    expect(texts(await u.send("дәрігер ештеңе айтпады"))).toEqual(["Төмендегі батырмалардың бірін таңдаңыз.", "2/5 · Білуіңізше, көмек стандарттар мен хаттамаларға сай көрсетілді ме?"]);
    const r = h.user(14, "ru");
    await r.send("/start");
    await r.send("/explain");
    await r.press("Ответить на 5 вопросов");
    const again = texts(await r.send("не знаю даже"));
    expect(again[0]).toBe("Выберите, пожалуйста, одну из кнопок ниже.");
    expect(again[1]).toMatch(/^1\/5 · /);
  });

  it("its start and its verdict, still on screen, are asked again by their last message alone — after typed words or a refused button — not every explanation once more (ru, kk)", async () => {
    // Before: the three explanations (law quoted) and the question again, after each.
    const u = h.user(15, "ru");
    await u.send("/start");
    await u.press("Согласен(на)");
    await u.send("/explain");
    const typed = await u.send("а что это значит?");
    expect(texts(typed)).toEqual(["Извините, я этого не понял.", "Хотите понять, на что похожа ваша ситуация? Ответьте на 5 коротких вопросов. Окончательное решение принимает комиссия."]);
    expect(buttons(typed)).toEqual(["Ответить на 5 вопросов", "Минимальные выплаты", "Закончить"]);
    const k = h.user(16, "kk");
    await k.send("/start");
    await k.press("Келісемін");
    await k.send("/explain");
    await k.press("5 сұраққа жауап беру");
    for (let i = 0; i < 5; i++) await k.press("Жоқ");
    const refused = await k.pressData("g:case:99");
    expect(texts(refused)).toEqual(["Мұндай іс табылмады немесе сіз оған қатыспайсыз.", "Бұл шешім емес. Түпкілікті шешімді тәуелсіз сараптама комиссиясы қабылдайды, ал өтінішті кез келген жағдайда беруге болады."]);
    expect(buttons(refused)).toEqual(["Өтініш беру немесе жалғастыру", "Ең төменгі төлемдер", "Қайта жауап беру", "Аяқтау"]);
    // Another language: whole again.
    await k.send("/language");
    expect(texts(await k.press("Русский")).filter((x) => x.startsWith("По вашим ответам"))).toHaveLength(1);
  });

  it("shows the minimum payments in MCI and tenge for the current year, one line each", async () => {
    const u = h.user(3, "ru");
    await u.send("/start");
    await u.send("/explain");
    expect(texts(await u.press("Минимальные выплаты"))).toEqual([TABLE_2026_RU]);
  });

  it("a year whose MCI is not known shows MCI only and says so", async () => {
    now = new Date("2027-02-01T10:00:00+05:00");
    const u = h.user(4, "kk");
    await u.send("/start");
    await u.send("/explain");
    const [table] = texts(await u.press("Ең төменгі төлемдер"));
    expect(table).toContain("Пациент қайтыс болды — 3\u00a0000 АЕК\n");
    expect(table).not.toContain("₸\n");
    expect(table).toContain("2027 жылғы АЕК мәні бізде әлі жазылмаған, сондықтан теңгедегі сомалар көрсетілмейді.");
  });

  it("opened on 31 December and shown after midnight, the table is the new year's: no tenge at last year's MCI", async () => {
    now = new Date("2026-12-31T23:50:00+05:00");
    const u = h.user(5, "ru");
    await u.send("/start");
    await u.send("/explain");
    now = new Date("2027-01-01T00:10:00+05:00");
    const [table] = texts(await u.press("Минимальные выплаты"));
    expect(table).toContain("в 2027 году составляют:\n\nПациент скончался — 3\u00a0000 МРП\n");
    expect(table).not.toContain("₸\n");
    expect(table).toContain("Значение МРП на 2027 год у нас пока не записано, поэтому суммы в тенге не показаны.");
  });

  it("shown on 31 December and shown again after midnight (a message typed to it), the table is then the new year's", async () => {
    now = new Date("2026-12-31T23:50:00+05:00");
    const u = h.user(6, "ru");
    await u.send("/start");
    await u.send("/explain");
    expect(texts(await u.press("Минимальные выплаты"))).toEqual([TABLE_2026_RU]);
    now = new Date("2027-01-01T00:10:00+05:00");
    const again = texts(await u.send("что это значит")).join("\n");
    expect(again).toContain("в 2027 году составляют:");
    expect(again).not.toContain("4\u00a0325 ₸");
  });
});

describe("from inside a notice", () => {
  it("leaving the explainer returns to the same question, and no answer is lost", async () => {
    const u = h.user(5, "ru");
    await u.send("/start");
    await u.press("Согласен(на)");
    await u.send("/notice");
    await u.press("Супруг(а)");
    await u.press("Подтверждаю");
    await u.send("Петров Пётр Петрович");
    await u.send("850301300121");
    await u.press("Да, верно");
    await u.press("г. Астана");
    await u.send("Областная больница");
    await u.send("01.11.2026");
    const atOutcome = await u.send("У пациента после операции началось осложнение.");
    expect(buttons(atOutcome)).toContain("Инцидент или «врачебная ошибка»?");
    const opened = await u.press("Инцидент или «врачебная ошибка»?");
    expect(texts(opened)[0]).toMatch(/^Простыми словами: медицинский инцидент/);
    const back = await u.press("Закончить");
    expect(texts(back)).toEqual(["7/11 · Каковы последствия для пациента на сегодня?"]);
    await u.press("Инвалидность I группы");
    await u.press("Нет, не сообщено");
    await u.press("Готово");
    const review = await u.send("+77015550000");
    expect(texts(review).at(-1)).toContain("Вы: супруг(а) пациента\nПациент: Петров Пётр Петрович\nИИН: ••••••••0121\n");
    expect(texts(review).at(-1)).toContain("Последствия: инвалидность I группы");
    // And again from the review: the review comes back whole.
    await u.press("Инцидент или «врачебная ошибка»?");
    expect(texts(await u.press("Закончить")).at(-1)).toMatch(/^11\/11 · Проверьте:/);
  });
});

describe("from inside a notice whose patient died", () => {
  it("the payment table opened from the review begins with condolence, in either language, and marks no row", async () => {
    const u = h.user(11, "kk");
    await u.send("/start");
    await u.press("Келісемін");
    await u.send("/notice");
    await u.press("Пациенттің жақын туысы");
    await u.press("Растаймын");
    await u.send("Серікова Гүлнар Асқарқызы");
    await u.send("580312400001");
    await u.press("Иә, дұрыс");
    await u.press("Шымкент қаласы");
    await u.send("Қалалық аурухана");
    await u.send("01.11.2026");
    await u.send("Анам операциядан кейін қайтыс болды.");
    await u.press("Пациент қайтыс болды");
    await u.press("Жоқ, хабарланбады");
    await u.press("Дайын");
    expect(texts(await u.send("+77015550000")).at(-1)).toMatch(/^11\/11 · Тексеріңіз:/);
    await u.press("Оқыс оқиға ма, «дәрігердің қателігі» ме?");
    const [first, table] = texts(await u.press("Ең төменгі төлемдер"));
    expect(first).toBe("Көңіл айтамыз.");
    expect(table).toMatch(/^Комиссия зиянды растаса/);
    expect(table).not.toContain("(істе көрсетілген салдар)");
    // Shown again in Russian: condolence first again.
    await u.send("/language");
    const ru = texts(await u.press("Русский"));
    const at = ru.indexOf("Примите наши соболезнования.");
    expect(at).toBeGreaterThanOrEqual(0);
    expect(ru[at + 1]).toMatch(/^Если комиссия подтвердит вред/);
    // Leaving it: the review again, whole.
    await u.press("Закончить");
    expect(texts(await u.send("/notice")).at(-1)).toMatch(/^11\/11 · Проверьте:/);
  });

  it("a notice with another outcome gets the table without condolence", async () => {
    const u = h.user(12, "ru");
    await u.send("/start");
    await u.press("Согласен(на)");
    await u.send("/notice");
    await u.press("Я — пациент");
    await u.send("Иванова Мария Петровна");
    await u.send("850301300121");
    await u.press("Да, верно");
    await u.press("г. Астана");
    await u.send("Областная больница");
    await u.send("01.11.2026");
    await u.send("Занесли инфекцию.");
    await u.press("Вред без инвалидности");
    await u.press("Нет, не сообщено");
    await u.press("Готово");
    await u.send("+77015550000");
    await u.press("Инцидент или «врачебная ошибка»?");
    expect(texts(await u.press("Минимальные выплаты"))).toEqual([TABLE_2026_RU]);
  });
});

describe("from inside a case", () => {
  it("the payment table marks the row of the case's outcome", async () => {
    const u = h.user(6, "ru");
    await fileNotice(u, "ru", { name: "Сидорова Мария Ивановна", outcome: "Инвалидность III группы", care: "02.11.2026" });
    await u.send("/cases");
    await u.press("Открыть KZ-2026-000001");
    const [table] = texts(await u.press("Минимальные выплаты"));
    expect(table).toContain("Инвалидность III группы — 500 МРП, 2\u00a0162\u00a0500 ₸ (последствия, указанные в деле)");
    expect(table!.match(/последствия, указанные в деле/g)).toHaveLength(1);
  });

  it("from a case whose patient died, condolence comes before the table", async () => {
    const u = h.user(7, "kk");
    await fileNotice(u, "kk", { outcome: "Пациент қайтыс болды", care: "02.11.2026" });
    await u.send("/cases");
    await u.press("KZ-2026-000001 ісін ашу");
    const [first, table] = texts(await u.press("Ең төменгі төлемдер"));
    expect(first).toBe("Көңіл айтамыз.");
    expect(table).toMatch(/^Комиссия зиянды растаса/);
  });
  it("from a case whose patient died, every showing of the table begins with condolence — the language changes; typed text gets a line pointing to it, not the condolence and the table again", async () => {
    const u = h.user(8, "ru");
    await fileNotice(u, "ru", { outcome: "Пациент скончался", care: "02.11.2026" });
    await u.send("/cases");
    await u.press("Открыть KZ-2026-000001");
    await u.press("Минимальные выплаты");
    // Something typed at the table: it is still on screen — a line pointing to it, with its buttons (condolence is not repeated by rote).
    const typed = await u.send("спасибо");
    expect(texts(typed)).toEqual(["Извините, я этого не понял.", "Минимальные страховые выплаты по закону — в таблице выше."]);
    expect(buttons(typed)).toEqual(["◀ Назад", "Закончить"]);
    // The language switched at the table: shown again in Kazakh, condolence first.
    await u.send("/language");
    const kk = texts(await u.press("Қазақша"));
    const at = kk.indexOf("Көңіл айтамыз.");
    expect(at).toBeGreaterThanOrEqual(0);
    expect(kk[at + 1]).toContain("Пациент қайтыс болды — 3\u00a0000 АЕК, 12\u00a0975\u00a0000 ₸ (істе көрсетілген салдар)");
  });

  it("«◀ Назад» on the table opened from a case goes back to that case, not to the explainer's start", async () => {
    const u = h.user(9, "ru");
    await fileNotice(u, "ru", { outcome: "Инвалидность III группы", care: "02.11.2026" });
    await u.send("/cases");
    const card = texts(await u.press("Открыть KZ-2026-000001"));
    await u.press("Минимальные выплаты");
    const back = await u.press("◀ Назад");
    expect(texts(back)).toEqual(card);
    expect(buttons(back)).toContain("Минимальные выплаты");
    // The explainer is left: what is typed next is not answered with its table.
    expect(texts(await u.send("/cancel"))[0]).toBe("Отменять нечего.");
  });

  it("«◀ Назад» on the table reached from the explainer's own menu goes back to that menu", async () => {
    const u = h.user(10, "ru");
    await fileNotice(u, "ru", { outcome: "Пациент скончался", care: "02.11.2026" });
    await u.send("/explain");
    await u.press("Минимальные выплаты");
    expect(texts(await u.press("◀ Назад")).at(-1)).toMatch(/^Хотите понять, на что похожа ваша ситуация\?/);
  });
});
