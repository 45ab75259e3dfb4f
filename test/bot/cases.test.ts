// /cases: status, next step, deadlines counted down in working days; a case's timeline; only one's own.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testBot, texts, textsTo, buttons, type TestUser } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { fileNotice, handIn, joinRelative } from "../helpers/notice.js";
import { commissionFormed, joinMediator, joinStaff, mediationRunning, openAdmin, proposeMediator, proposeSettlement, recordNotConfirmed, recordReceipt } from "../helpers/staff.js";
import { runJobsAt, withBot as withWorld, type World } from "../helpers/world.js";
import { pdfText } from "../../bot/core/documents.js";
import { historyContent } from "../../bot/features/escalation/escalation.js";

let t: TestDb;
let now = new Date("2026-03-20T10:00:00+05:00"); // Friday before Nauryz: the commission is due by 30 March
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t.dispose());

/** A notice filed, and handed in by the applicant the same day. */
const fileFor = async (id: number, lang: "kk" | "ru") => {
  const h = await testBot(t.db, { now: () => now });
  const u = h.user(id, lang);
  await fileNotice(u, lang);
  await handIn(u, lang);
  return { h, u };
};

describe("/cases", () => {
  it("lists the user's cases with status, next step and the working days left", async () => {
    const { u } = await fileFor(1, "ru");
    now = new Date("2026-03-23T12:00:00+05:00"); // Nauryz holiday: 26, 27, 30 March are left
    const calls = await u.send("/cases");
    expect(texts(calls)).toEqual([
      "Ваши дела:\n\nKZ-2026-000001 — Городская больница №7, г. Шымкент\nСтатус: организация получила обращение\nСледующий шаг: медицинская организация формирует независимую экспертную комиссию.\nСрок: до конца дня 30.03.2026 (осталось 3 рабочих дня).",
    ]);
    expect(buttons(calls)).toEqual(["Открыть KZ-2026-000001"]);
    const opened = await u.press("Открыть KZ-2026-000001");
    expect(texts(opened)).toEqual([
      "Дело KZ-2026-000001 — Городская больница №7, г. Шымкент\nСтатус: организация получила обращение\nПолучено организацией: 20.03.2026.\nСледующий шаг: медицинская организация формирует независимую экспертную комиссию.\nСрок: до конца дня 30.03.2026 (осталось 3 рабочих дня).\n\n20.03.2026 — обращение сохранено\n20.03.2026 — организация получила обращение",
    ]);
  });

  it("counts the days left after today, says when today is the last day and when the deadline has passed, in Kazakh", async () => {
    now = new Date("2026-03-20T10:00:00+05:00");
    const { u } = await fileFor(2, "kk");
    now = new Date("2026-03-31T09:00:00+05:00");
    expect(texts(await u.send("/cases"))[0]).toContain("Мерзім 30.03.2026 күні өтті.");
    now = new Date("2026-03-27T09:00:00+05:00"); // Friday: Monday 30 March is left
    expect(texts(await u.send("/cases"))[0]).toContain("Мерзімі: 30.03.2026 күнінің соңына дейін (1 жұмыс күні қалды).");
    now = new Date("2026-03-30T09:00:00+05:00");
    expect(texts(await u.send("/cases"))[0]).toContain("Мерзімі: 30.03.2026 күнінің соңына дейін (бүгін — соңғы күн).");
  });

  it("a notice saved with no receipt recorded is said to be just that — not that the organisation has not received it, which the bot cannot know (it may have been handed in)", async () => {
    for (const [id, lang, status] of [
      [61, "ru", "Статус: сохранено; получение организацией не отмечено"],
      [62, "kk", "Күйі: сақталды; ұйымның алғаны белгіленбеген"],
    ] as const) {
      const h = await testBot(t.db, { now: () => now });
      const u = h.user(id, lang);
      await fileNotice(u, lang);
      expect(texts(await u.send("/cases"))[0]!.split("\n"), lang).toContain(status);
    }
  });

  it("a user with no cases is told how to file one, and the home follows with its buttons (the /notice named is no button); at the consent question, its question", async () => {
    const h = await testBot(t.db, { now: () => now });
    const u = h.user(3, "ru");
    await u.send("/start");
    await u.press("Согласен(на)");
    const none = await u.send("/cases");
    expect(texts(none)).toEqual(["У вас пока нет дел. Подать обращение: /notice", "Что сделаем? Команды есть и в меню (/)."]);
    expect(buttons(none)).toEqual(["Подать обращение", "Мои дела", "Инцидент или «врачебная ошибка»?", "Справка", "Язык", "Персональные данные"]);
    const kk = h.user(43, "kk");
    await kk.send("/start");
    const asked = await kk.send("/cases");
    expect(texts(asked)).toEqual(["Сізде әзірге іс жоқ. Өтініш беру: /notice", "«Дербес деректер және оларды қорғау туралы» Заңға (2013 жылғы 21 мамырдағы № 94-V) сәйкес дербес деректерді өңдеуге келісесіз бе?"]);
    expect(buttons(asked)).toEqual(["Келісемін", "Келіспеймін"]);
  });

  it("a user with no cases but a notice begun and not saved is told the notice is not saved yet, and how to go on with it", async () => {
    // Before: «У вас пока нет дел» alone — one who had answered half the notice thought it lost (or filed).
    const h = await testBot(t.db, { now: () => now });
    const u = h.user(41, "ru");
    await u.send("/start");
    await u.press("Согласен(на)");
    await u.send("/notice");
    await u.press("Близкий родственник");
    await u.press("Подтверждаю");
    await u.send("Әсел Нұрланқызы Серікова");
    const said = await u.send("/cases");
    const listed = texts(said);
    expect(listed[0]).toBe("У вас пока нет дел. Начатое обращение ещё не сохранено — продолжить его: /notice");
    // The notice's question follows, with its buttons: going on with it is a press away.
    expect(listed).toEqual([listed[0], "3/11 · Напишите ИИН пациента (12 цифр)."]);
    expect(buttons(said)).toEqual(["◀ Назад"]);
    const kk = h.user(42, "kk");
    await kk.send("/start");
    await kk.press("Келісемін");
    await kk.send("/notice");
    await kk.press("Пациенттің жақын туысы");
    expect(texts(await kk.send("/cases"))[0]).toBe("Сізде әзірге іс жоқ. Басталған өтініш әлі сақталған жоқ — оны жалғастыру: /notice");
  });

  it("someone else's case cannot be opened, even with forged callback data", async () => {
    const owner = await t.db.prisma.case.findFirstOrThrow({ where: { participants: { some: { userId: 1n } } } });
    const h = await testBot(t.db, { now: () => now });
    const stranger = h.user(4, "ru");
    await stranger.send("/start");
    const calls = await stranger.pressData(`g:case:${owner.id}`);
    // The refusal, then the question still open (their consent's), not nothing to press.
    expect(texts(calls)).toEqual(["Такое дело не найдено, или вы в нём не участвуете.", "Согласны ли вы на обработку персональных данных по Закону «О персональных данных и их защите» (21 мая 2013 года № 94-V)?"]);
    expect(JSON.stringify(calls)).not.toContain("KZ-2026");
    expect(texts(await stranger.send("/cases"))).toEqual(["У вас пока нет дел. Подать обращение: /notice", "Согласны ли вы на обработку персональных данных по Закону «О персональных данных и их защите» (21 мая 2013 года № 94-V)?"]);
  });
});

describe("/cases with many cases", () => {
  /** `count` cases of the user's, an hour apart, with the longest name a notice takes: KZ-2026-<prefix>00000 the oldest. */
  const manyCases = async (userId: number, prefix: number, count: number) => {
    const long = "Государственное коммунальное предприятие на праве хозяйственного ведения «Многопрофильная городская больница» ".padEnd(200, "я"); // the longest name a notice takes
    for (let i = 0; i < count; i++) {
      await t.db.prisma.case.create({
        data: {
          number: `KZ-2026-${prefix}${String(i).padStart(5, "0")}`, year: 2026, seq: prefix * 100 + i, orgName: long, region: "north_kz", language: "ru",
          answers: { formationDue: "2026-12-01" }, sensitive: "", submittedAt: new Date(Date.UTC(2026, 10, 1, i)),
          participants: { create: { userId: BigInt(userId), role: "applicant" } },
        },
      });
    }
  };

  it("lists the ten newest in one message that fits Telegram's limit; «Более ранние дела» pages on to the older ones, which open, and back", async () => {
    const u = (await testBot(t.db, { now: () => now })).user(90, "ru");
    await u.send("/start");
    await manyCases(90, 9, 12);
    const calls = await u.send("/cases");
    const [text] = texts(calls);
    expect(text!.length).toBeLessThanOrEqual(4096);
    expect(text).toMatch(/^Ваши дела, 1–10 из 12:/);
    expect(buttons(calls)).toHaveLength(11);
    expect(buttons(calls)[0]).toBe("Открыть KZ-2026-900011"); // newest first
    expect(buttons(calls).at(-1)).toBe("Более ранние дела ▶");
    // Before, the two oldest were in no list: they could not be opened from /cases at all.
    const older = await u.press("Более ранние дела ▶");
    expect(texts(older)[0]).toMatch(/^Ваши дела, 11–12 из 12:\n\nKZ-2026-900001 — /);
    expect(buttons(older)).toEqual(["Открыть KZ-2026-900001", "Открыть KZ-2026-900000", "◀ Более поздние дела"]);
    expect(texts(await u.press("Открыть KZ-2026-900000"))[0]).toMatch(/^Дело KZ-2026-900000 — /);
    const back = await u.press("◀ Более поздние дела");
    expect(texts(back)[0]).toMatch(/^Ваши дела, 1–10 из 12:/);
    expect(buttons(back)[0]).toBe("Открыть KZ-2026-900011");
  });

  it("in Kazakh, the buttons to the pages say so", async () => {
    const u = (await testBot(t.db, { now: () => now })).user(92, "kk");
    await u.send("/start");
    await manyCases(92, 7, 11);
    const calls = await u.send("/cases");
    expect(texts(calls)[0]).toMatch(/^Сіздің істеріңіз \(барлығы 11, осы бетте 1–10\):/);
    expect(buttons(calls).at(-1)).toBe("Бұрынғы істер ▶");
    const older = await u.press("Бұрынғы істер ▶");
    expect(texts(older)[0]).toMatch(/^Сіздің істеріңіз \(барлығы 11, осы бетте 11–11\):\n\nKZ-2026-700000 — /);
    expect(buttons(older)).toEqual(["KZ-2026-700000 ісін ашу", "◀ Кейінгі істер"]);
  });

  it("a page button forged or from a list that since shrank shows only the presser's own cases, or says they have none", async () => {
    const h = await testBot(t.db, { now: () => now });
    const owner = await t.db.prisma.case.findFirstOrThrow({ where: { number: "KZ-2026-900005" } });
    // Someone with no case presses a page next to another person's case: nothing of it is shown.
    const stranger = h.user(93, "ru");
    await stranger.send("/start");
    const forged = await stranger.pressData(`g:cpage:next:${owner.id}:${owner.submittedAt.getTime()}`);
    expect(texts(forged)).toEqual(["У вас пока нет дел. Подать обращение: /notice", "Согласны ли вы на обработку персональных данных по Закону «О персональных данных и их защите» (21 мая 2013 года № 94-V)?"]);
    expect(JSON.stringify(forged)).not.toContain("KZ-2026-9");
    // Someone with cases of their own, next to another's case, sees a page of their own cases only.
    const other = h.user(92, "kk");
    const theirs = await other.pressData(`g:cpage:next:${owner.id}:${owner.submittedAt.getTime()}`);
    expect(JSON.stringify(theirs)).not.toContain("KZ-2026-9");
    expect(texts(theirs)[0]).toMatch(/^Сіздің істеріңіз \(барлығы 11, осы бетте /);
    // Past the last case: the last page, not an empty list.
    const past = await other.pressData("g:cpage:next:1:0");
    expect(texts(past)[0]).toMatch(/^Сіздің істеріңіз \(барлығы 11, осы бетте 11–11\):/);
    // Garbled data is a stale button, answered as every stale button is.
    const garbled = await other.pressData("g:cpage:next:x");
    expect(garbled.find((c) => c.method === "answerCallbackQuery")?.payload.text).toBeTruthy();
  });
});

describe("/cases with many concluded cases", () => {
  it("ten concluded cases (condolence, the result, the next step and the minimum each) reach the person in messages Telegram takes, every case listed and its button after the list", async () => {
    const u = (await testBot(t.db, { now: () => now })).user(91, "ru");
    await u.send("/start");
    const long = "Государственное коммунальное предприятие на праве хозяйственного ведения «Многопрофильная городская больница» ".padEnd(200, "я");
    for (let i = 0; i < 10; i++) {
      await t.db.prisma.case.create({
        data: {
          number: `KZ-2026-8${String(i).padStart(5, "0")}`, year: 2026, seq: 800 + i, orgName: long, region: "north_kz", language: "ru", status: "concluded",
          answers: { formationDue: "2026-11-10", conclusion: { confirmed: true, outcome: "death", on: "2026-11-12" } }, sensitive: "",
          submittedAt: new Date(Date.UTC(2026, 10, 1, i)), concludedAt: new Date(Date.UTC(2026, 10, 12)),
          participants: { create: { userId: 91n, role: "applicant" } },
        },
      });
    }
    const calls = (await u.send("/cases")).filter((c) => c.method === "sendMessage");
    const all = texts(calls);
    for (const text of all) expect(text.length, "a message longer than Telegram's 4,096 characters is refused, and the person gets nothing").toBeLessThanOrEqual(4096);
    for (let i = 0; i < 10; i++) expect(all.join("\n")).toContain(`KZ-2026-8${String(i).padStart(5, "0")}`);
    expect(all.join("\n").split("Примите наши соболезнования").length - 1).toBe(10);
    // The buttons come with the last part, after every case of the list.
    expect(calls.slice(0, -1).every((c) => c.payload.reply_markup === undefined)).toBe(true);
    expect(buttons(calls.slice(-1))).toHaveLength(10);
  });
});

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
const NUMBER = "KZ-2026-000001";
const withBot = (start: string, run: (w: World) => Promise<void>) => withWorld([ADMIN], start, run);

/** Staff (ru) record the conclusion of the formed commission: harm confirmed with this outcome (not confirmed: recordNotConfirmed). */
const conclude = async (staff: TestUser, outcome: string) => {
  await staff.send("/inbox");
  await staff.press(`Открыть ${NUMBER}`);
  await staff.press("Записать заключение");
  await staff.press("Да, вред подтверждён");
  await staff.press(outcome);
  await staff.send("Осложнение — известный риск, о котором предупреждали.");
  await staff.press("Без документа");
  await staff.press("Сегодня");
  return staff.press("Сохранить");
};

describe("/cases: a concluded case", () => {
  it("a concluded case in /cases says which way the commission concluded and names the next step", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ h }) => {
      const { staff, applicant } = await commissionFormed(h, ADMIN, STAFF, APPLICANT);
      await recordNotConfirmed(staff);
      const list = texts(await applicant.send("/cases"))[0]!;
      expect(list).toContain("Күйі: қорытынды шықты\nКомиссия зиянның келтірілгенін растамады.\nКелесі қадам: қорытындымен келіспесеңіз, әдетте мына тәртіппен жүгінеді: медициналық ұйымның басшылығына");
      const view = texts(await applicant.press(`${NUMBER} ісін ашу`))[0]!;
      expect(view).toContain("Комиссия зиянның келтірілгенін растамады.\nКелесі қадам: қорытындымен келіспесеңіз");
    });
    await withBot("2026-11-23T10:00:00+05:00", async ({ h }) => {
      const { staff, applicant } = await commissionFormed(h, ADMIN, STAFF, APPLICANT);
      await conclude(staff, "Инвалидность II группы");
      const list = texts(await applicant.send("/cases"))[0]!;
      expect(list).toContain(
        "Комиссия зиянның келтірілгенін растады — бұл сақтандыру жағдайын тануға негіз. Пациент үшін салдары: II топтағы мүгедектік.\nКелесі қадам: өтемақыны алуға келіссеңіз, әдетте оны сақтандырушы өз қағидалары бойынша бірыңғай сақтандыру пулынан төлейді.\nЗаңда белгіленген ең төменгі сақтандыру төлемі — 600 АЕК; 2026 жылғы АЕК бойынша бұл 2\u00a0595\u00a0000 ₸.",
      );
    });
  });

  it("the minimum in tenge names the year of the MCI it is counted by; a year whose MCI is not recorded says so, with no tenge", async () => {
    // Concluded in 2026, read in 2027: the tenge is 2026's MCI, and says so.
    await withBot("2026-12-28T10:00:00+05:00", async ({ h, at }) => {
      const { staff, applicant } = await commissionFormed(h, ADMIN, STAFF, APPLICANT);
      await conclude(staff, "Инвалидность II группы");
      at("2027-01-05T10:00:00+05:00");
      const list = texts(await applicant.send("/cases"))[0]!;
      expect(list).toContain("\nЗаңда белгіленген ең төменгі сақтандыру төлемі — 600 АЕК; 2026 жылғы АЕК бойынша бұл 2\u00a0595\u00a0000 ₸.");
    });
    // Concluded in 2027, whose MCI payments.json does not have.
    await withBot("2026-12-30T10:00:00+05:00", async ({ h, at }) => {
      const { staff, applicant } = await commissionFormed(h, ADMIN, STAFF, APPLICANT);
      at("2027-01-05T10:00:00+05:00");
      await conclude(staff, "Инвалидность II группы");
      const view = texts(await applicant.send("/cases"))[0]!;
      expect(view).toContain("\nЗаңда белгіленген ең төменгі сақтандыру төлемі — 600 АЕК (2027 жылғы АЕК мәні ботта әлі жазылмаған).");
      expect(view).not.toContain("₸");
    });
  });

  it("a concluded case where the patient died begins with condolence before the amount", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ h }) => {
      const { staff, applicant } = await commissionFormed(h, ADMIN, STAFF, APPLICANT);
      await conclude(staff, "Пациент скончался");
      const view = texts(await applicant.send("/cases"))[0]!;
      expect(view).toContain("Көңіл айтамыз.\nКомиссия зиянның келтірілгенін растады");
      expect(view.indexOf("Көңіл айтамыз.")).toBeLessThan(view.indexOf("3\u00a0000 АЕК"));
    });
  });
});

describe("/cases for a relative", () => {
  it("a relative is not told to hand in the notice and report the date, which only the applicant can do", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ h }) => {
      const applicant = h.user(APPLICANT, "kk");
      await fileNotice(applicant, "kk");
      expect(texts(await applicant.send("/cases"))[0]).toContain("Келесі қадам: өтінішті ұйымға тапсырып, күнін хабарлаңыз.");
      const relative = await joinRelative(h, applicant, 60);
      const list = texts(await relative.send("/cases"))[0]!;
      expect(list).toContain("Следующий шаг: заявитель передаёт обращение в организацию и сообщает дату в боте.");
      expect(list).not.toContain("передайте обращение");
      expect(buttons(await relative.press(`Открыть ${NUMBER}`))).not.toContain("Я передал(а) обращение");
    });
  });
});

describe("/cases: a registered organisation's name in the reader's language", () => {
  it("an organisation registered with a Kazakh and a Russian name: the Kazakh applicant's Russian relative reads its Russian name, the applicant its Kazakh one", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ h }) => {
      const admin = h.user(ADMIN, "ru");
      await admin.send("/start");
      await openAdmin(admin);
      await admin.press("Зарегистрировать организацию");
      await admin.send("№7 қалалық аурухана");
      await admin.send("Городская больница №7");
      await admin.press("г. Шымкент");
      const applicant = h.user(APPLICANT, "kk");
      await fileNotice(applicant, "kk", { org: "№7 қалалық аурухана" });
      expect(texts(await applicant.send("/cases"))[0]).toContain(`${NUMBER} — №7 қалалық аурухана, Шымкент қаласы`);
      const relative = await joinRelative(h, applicant, 60);
      const list = texts(await relative.send("/cases"))[0]!;
      expect(list).toContain(`${NUMBER} — Городская больница №7, г. Шымкент`);
      expect(list).not.toContain("қалалық");
      expect(texts(await relative.press(`Открыть ${NUMBER}`))[0]).toMatch(new RegExp(`^Дело ${NUMBER} — Городская больница №7, г\\. Шымкент\n`));
      // The applicant switches to Russian: the Russian name too.
      await applicant.send("/language");
      await applicant.press("Русский");
      expect(texts(await applicant.send("/cases"))[0]).toContain(`${NUMBER} — Городская больница №7, г. Шымкент`);
    });
  });
});

describe("/cases for a relative, while the organisation's deadlines run", () => {
  it("a relative is told what each deadline is for: the next step stands above it, as for the applicant", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ h }) => {
      const staff = await joinStaff(h, ADMIN, STAFF, "ru");
      const applicant = h.user(APPLICANT, "kk");
      await fileNotice(applicant, "kk");
      const relative = await joinRelative(h, applicant, 60);
      await recordReceipt(staff, "ru"); // received 23.11.2026: the commission is due by the end of 26.11.2026
      expect(texts(await relative.send("/cases"))[0]).toContain(
        "Статус: организация получила обращение\nСледующий шаг: медицинская организация формирует независимую экспертную комиссию.\nСрок: до конца дня 26.11.2026 (осталось 3 рабочих дня).",
      );
      await staff.send("/inbox");
      await staff.press(`Открыть ${NUMBER}`);
      await staff.press("Комиссия сформирована");
      await staff.press("Подтверждаю");
      expect(texts(await relative.send("/cases"))[0]).toContain("Статус: комиссия сформирована\nСледующий шаг: комиссия выдаёт заключение.\nСрок: до конца дня 30.11.2026 (осталось 5 рабочих дней).");
    });
  });
});

describe("/cases: the calendar caveat on a deadline already passed", () => {
  it("an expired deadline counted on 2027's unchecked calendar does not promise that the bot will tell a new one", async () => {
    await withBot("2026-12-30T11:00:00+05:00", async ({ h, at }) => {
      const u = h.user(APPLICANT, "ru");
      await fileNotice(u, "ru", { care: "01.12.2026" });
      await handIn(u, "ru"); // 30.12.2026: 31.12, 05.01, 06.01.2027 are working days 1–3
      at("2027-01-06T23:59:00+05:00");
      const [running] = texts(await u.send("/cases"));
      expect(running).toContain("Срок: до конца дня 06.01.2027 (сегодня последний день).*");
      expect(running).toContain("\n\n* Срок посчитан по календарю 2027 года, известному на сегодня: если Правительство утвердит переносы выходных дней или уточнятся даты праздников, он может измениться — тогда бот сообщит новый срок.");
      at("2027-01-07T00:01:00+05:00"); // a minute past the deadline, Kazakhstan time
      const [list] = texts(await u.send("/cases"));
      expect(list).toContain("Срок истёк 06.01.2027.*");
      expect(list).toContain("\n\n* Срок посчитан по календарю 2027 года, известному на сегодня: если Правительство утвердит переносы выходных дней или уточнятся даты праздников, фактический срок мог оказаться другим.");
      expect(list).not.toContain("тогда бот сообщит новый срок");
    });
  });
});

describe("«Мои дела» for staff and a mediator", () => {
  const NONE = "У вас пока нет дел. Подать обращение: /notice";
  const MEDIATOR = 70;

  it("staff pressing «Мои дела» on their home see their organisation's cases, not an invitation to file a notice", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ h }) => {
      const { staff } = await commissionFormed(h, ADMIN, STAFF, APPLICANT);
      const home = await staff.send("/start");
      expect(buttons(home)).toContain("Мои дела");
      const said = await staff.press("Мои дела");
      expect(texts(said)).not.toContain(NONE);
      // Formed on Monday 23.11.2026: the conclusion is due by the end of Monday 30.11.2026.
      expect(texts(said)[0]).toBe(`Дела вашей организации:\n\n${NUMBER} — Городская больница №7, г. Шымкент\nСтатус: комиссия сформирована\nСрок: до конца дня 30.11.2026 (осталось 5 рабочих дней).`);
      expect(buttons(said)).toEqual([`Открыть ${NUMBER}`]);
      expect(texts(await staff.press(`Открыть ${NUMBER}`))[0]).toMatch(/^Обращение о возможном причинении вреда/);
    });
  });

  it("a mediator pressing «Мои дела» on their home sees their mediations", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ h }) => {
      const { staff } = await commissionFormed(h, ADMIN, STAFF, APPLICANT);
      const mediator = await joinMediator(h, ADMIN, MEDIATOR);
      await proposeMediator(staff);
      await mediator.press("Согласен(на) быть медиатором");
      const home = await mediator.send("/start");
      expect(buttons(home)).toContain("Мои дела");
      const said = await mediator.press("Мои дела");
      expect(texts(said)).not.toContain(NONE);
      expect(texts(said)[0]).toMatch(new RegExp(`^Ваши медиации:\\n${NUMBER} — Городская больница №7: `));
    });
  });

  it("someone who is both an applicant and staff sees their own cases and their organisation's", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ h }) => {
      const staff = await joinStaff(h, ADMIN, STAFF, "ru");
      await fileNotice(staff, "ru", { care: "01.11.2026" }); // their own notice, about the same clinic
      const said = texts(await staff.send("/cases"));
      expect(said).toHaveLength(2);
      expect(said[0]).toMatch(/^Ваши дела:\n\nKZ-2026-000001/);
      expect(said[1]).toMatch(/^Дела вашей организации:\n\nKZ-2026-000001/);
    });
  });
});

describe("staff's list and view of their organisation's cases, while a deadline runs", () => {
  it("count the deadline down as the applicant's /cases does: the days left, the last day, and once it passed — in Kazakh too", async () => {
    // Before: staff's «Мои дела» and /inbox showed number, organisation and status only, and the case's view no
    // deadline at all — a secretary learned the day only from the 09:00 reminder on it.
    await withBot("2026-12-11T10:00:00+05:00", async (w) => {
      const staff = await joinStaff(w.h, ADMIN, STAFF, "ru");
      const applicant = w.h.user(APPLICANT, "kk");
      await fileNotice(applicant, "kk");
      await recordReceipt(staff, "ru"); // Friday 11.12.2026: 14, 15 and 17 December (16 December is a holiday)
      const inbox = texts(await staff.send("/inbox"))[0];
      expect(inbox).toBe(`Дела вашей организации:\n\n${NUMBER} — Городская больница №7, г. Шымкент\nСтатус: организация получила обращение\nСрок: до конца дня 17.12.2026 (осталось 3 рабочих дня).`);
      await runJobsAt(w, "2026-12-16T10:00:00+05:00"); // Independence Day: Thursday 17.12 is left
      expect(texts(await staff.send("/inbox"))[0]).toContain("Срок: до конца дня 17.12.2026 (остался 1 рабочий день).");
      await runJobsAt(w, "2026-12-17T10:00:00+05:00");
      const view = texts(await staff.press(`Открыть ${NUMBER}`))[0]!;
      expect(view).toContain("Получено организацией: 11.12.2026 (рег. № 01-12/345).\nСрок: до конца дня 17.12.2026 (сегодня последний день).");
      await runJobsAt(w, "2026-12-18T10:00:00+05:00");
      expect(texts(await staff.send("/inbox"))[0]).toContain("Статус: организация получила обращение\nСрок истёк 17.12.2026.");
      const kk = await joinStaff(w.h, ADMIN, 52, "kk");
      expect(texts(await kk.send("/inbox"))[0]).toContain("Күйі: ұйым өтінішті алды\nМерзім 17.12.2026 күні өтті.");
    });
  });
});

describe("/cases: the applicant's own deadlines in a mediation", () => {
  it("a pending settlement proposal's last day appears in the applicant's /cases with a countdown", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ h, at }) => {
      const { applicant, mediator } = await mediationRunning(h, { admin: ADMIN, staff: STAFF, applicant: APPLICANT, mediator: 70 });
      const sent = textsTo(await proposeSettlement(mediator, "2500000"), APPLICANT).join("\n");
      expect(sent).toContain("03.12.2026 күнінің соңына дейін күшінде.");
      // Calendar days, as the proposal and the mediation's term are counted: 24.11 … 03.12 are ten.
      const proposalLine = "Медиатордың № 1 ұсынысы жауабыңызды күтеді: 03.12.2026 күнінің соңына дейін күшінде (10 күнтізбелік күн қалды).";
      const list = texts(await applicant.send("/cases"))[0]!;
      expect(list).toContain(proposalLine);
      expect(list).toContain("Боттағы медиация келіссөзі 23.12.2026 күнінің соңына дейін ашық (30 күнтізбелік күн қалды).");
      at("2026-12-03T18:00:00+05:00");
      const view = texts(await applicant.press(`${NUMBER} ісін ашу`))[0]!;
      expect(view).toContain("Медиатордың № 1 ұсынысы жауабыңызды күтеді: 03.12.2026 күнінің соңына дейін күшінде (бүгін — соңғы күн).");
      // Answered, it no longer waits for the applicant; the negotiations' last day stays.
      await applicant.press("Бас тарту");
      const after = texts(await applicant.send("/cases"))[0]!;
      expect(after).not.toContain("ұсынысы жауабыңызды күтеді");
      expect(after).toContain("Боттағы медиация келіссөзі 23.12.2026 күнінің соңына дейін ашық (20 күнтізбелік күн қалды).");
    });
  });
});

describe("a case's timeline when staff record a step days after it happened", () => {
  it("lists each event on the day it happened, in that order — in /cases and in the history for a lawyer", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h, at }) => {
      const { staff, applicant } = await commissionFormed(h, ADMIN, STAFF, APPLICANT); // received and formed 23.11.2026
      at("2026-11-25T10:00:00+05:00");
      await joinRelative(h, applicant, 60); // 25.11.2026
      // The commission issued its conclusion on 24.11.2026; staff record it on 27.11.2026.
      at("2026-11-27T10:00:00+05:00");
      await staff.send("/inbox");
      await staff.press(`Открыть ${NUMBER}`);
      await staff.press("Записать заключение");
      await staff.press("Нет, вред не подтверждён");
      await staff.send("Осложнение — известный риск, о котором предупреждали.");
      await staff.press("Без документа");
      await staff.send("24.11.2026");
      await staff.press("Сохранить");
      await applicant.send("/cases");
      const view = texts(await applicant.press(`${NUMBER} ісін ашу`))[0]!;
      expect(view).toContain(
        "\n\n23.11.2026 — өтініш сақталды\n23.11.2026 — ұйым өтінішті алды\n23.11.2026 — комиссия құрылды\n24.11.2026 — комиссияның қорытындысы шықты\n25.11.2026 — іске туысы қосылды",
      );
      expect(view.endsWith("25.11.2026 — іске туысы қосылды")).toBe(true);
      const k = await t.db.prisma.case.findFirstOrThrow();
      const pdf = pdfText((await historyContent({ prisma: t.db.prisma, i18n: h.i18n, timeZone: "Asia/Almaty", now: () => new Date("2026-11-27T10:00:00+05:00") }, k.id, "ru"))!.pdf);
      expect(pdf).toContain("24.11.2026 — комиссия вынесла заключение\n25.11.2026 — к делу присоединился родственник");
    });
  });
});
