// The notice's answers (review of journey J1): changing one from the review — /cancel and /start ask before
// throwing a filled-in notice away, Back returns to the review, a region backed out of is not kept, a new birth date
// does not leave the dates of care before it — and answers the checks took wrongly: a name in Kazakh Latin letters,
// an IIN whose birth date cannot be the patient's, an IIN typed with dashes. Each test failed on the code before its fix.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openSensitive } from "../../bot/core/case.js";
import { Store } from "../../bot/runtime/store.js";
import { buttons, newUpdateId, TEST_DATA_KEY, testBot, texts, type Harness, type TestUser } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";

let t: TestDb;
let h: Harness;
const NOW = new Date("2026-03-20T10:00:00+05:00");
const IIN = "850301300121"; // born 01.03.1985

beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t.dispose());
beforeEach(async () => {
  await t.reset();
  h = await testBot(t.db, { now: () => NOW });
});

const last = (calls: { method: string; payload: Record<string, unknown> }[]) => texts(calls).at(-1) ?? "";
const stackOf = async (id: number) => (await new Store(t.db.prisma, [], TEST_DATA_KEY).load(id, id)).stack.map((e) => e.flow);

type Step = "name" | "iin" | "org" | "care" | "description" | "outcome" | "files" | "phone" | "review";
/** From a new user in Russian to the given step, answering with valid data (as test/bot/notice.test.ts). */
const upTo = async (u: TestUser, step: Step, care = "01.03.2026 – 05.03.2026") => {
  await u.send("/start");
  await u.press("Согласен(на)");
  await u.send("/notice");
  await u.press("Близкий родственник");
  await u.press("Подтверждаю");
  if (step === "name") return;
  await u.send("Әсел Нұрланқызы Серікова");
  if (step === "iin") return;
  await u.send(IIN);
  await u.press("Да, верно");
  await u.press("г. Астана"); // no organisation registered: its name is typed
  if (step === "org") return;
  await u.send("Қалалық №5 емхана");
  if (step === "care") return;
  await u.send(care);
  if (step === "description") return;
  await u.send("После операции началось осложнение, о котором нас не предупредили.");
  if (step === "outcome") return;
  await u.press("Инвалидность II группы");
  await u.press("Нет, не сообщено");
  if (step === "files") return;
  await u.press("Готово");
  if (step === "phone") return;
  await u.contact("77011234567");
};
const REVIEW = /^11\/11 · Проверьте:/;

describe("changing «who you are» from the review", () => {
  it("/cancel there asks before throwing the whole filled-in notice away", async () => {
    const u = h.user(101, "ru");
    await upTo(u, "review");
    await u.press("Изменить: кто вы");
    const cancel = await u.send("/cancel");
    expect(texts(cancel)).toEqual(["Введённые данные будут удалены. Выйти?"]);
    expect(await stackOf(101)).toContain("notice");
  });

  it("/cancel at the acts-for confirmation (reached from the review) asks too", async () => {
    const u = h.user(102, "ru");
    await upTo(u, "review");
    await u.press("Изменить: кто вы");
    await u.press("Супруг(а)");
    const cancel = await u.send("/cancel");
    expect(texts(cancel)).toEqual(["Введённые данные будут удалены. Выйти?"]);
    expect(await stackOf(102)).toContain("notice");
  });

  it("/start there offers to continue the draft, never drops it silently", async () => {
    const u = h.user(103, "ru");
    await upTo(u, "review");
    await u.press("Изменить: кто вы");
    const again = (await testBot(t.db, { now: () => NOW })).user(103, "ru"); // a new process, as after a restart
    const start = await again.send("/start");
    expect(texts(start)).toEqual(["У вас есть незаконченное обращение. Продолжить его или удалить?"]);
    expect(await stackOf(103)).toContain("notice");
  });
});

describe("Back while changing an answer from the review", () => {
  const cases: [string, string][] = [
    ["organisation (the region question)", "Изменить: организацию"],
    ["outcome", "Изменить: последствия"],
    ["support service", "Изменить: службу поддержки"],
    ["files", "Изменить: файлы"],
  ];
  for (const [what, edit] of cases) {
    it(`${what}: Back returns to the review, as it does for the name, dates, description and phone`, async () => {
      const u = h.user(110 + cases.findIndex((c) => c[0] === what), "ru");
      await upTo(u, "review");
      await u.press(edit);
      expect(last(await u.press("◀ Назад"))).toMatch(REVIEW);
    });
  }
});

describe("changing the organisation: a new region, then Back", () => {
  it("leaves the old organisation paired with the new region, in the review and in the filed case", async () => {
    const u = h.user(120, "ru");
    await upTo(u, "review");
    await u.press("Изменить: организацию");
    // Chose Shymkent by mistake, or changed their mind: Back.
    expect(last(await u.press("г. Шымкент"))).toBe("4/11 · Напишите название медицинской организации, в которой лечился пациент.");
    const review = last(await u.press("◀ Назад"));
    // The answer the user backed out of must not be kept: the clinic is in Astana.
    expect(review).toContain("Организация: Қалалық №5 емхана, г. Астана");
    await u.press("Сохранить обращение");
    expect((await t.db.prisma.case.findFirstOrThrow()).region).toBe("astana");
  });
});

describe("changing the organisation: a registered one, a new region, then Back", () => {
  it("the notice is filed under the new region and unlinked from the organisation (its staff are never told)", async () => {
    const org = await t.db.prisma.organization.create({ data: { nameKk: "Қалалық №7 аурухана", nameRu: "Городская больница №7", region: "shymkent" } });
    const u = h.user(121, "ru");
    await u.send("/start");
    await u.press("Согласен(на)");
    await u.send("/notice");
    await u.press("Я — пациент");
    await u.send("Иванов Иван Иванович");
    await u.send(IIN);
    await u.press("Да, верно");
    await u.press("г. Шымкент");
    await u.press("Городская больница №7");
    await u.send("02.03.2026");
    await u.send("Во время лечения произошло осложнение.");
    await u.press("Пока неизвестно");
    await u.press("Не знаю");
    await u.press("Готово");
    await u.contact("77011234567");
    await u.press("Изменить: организацию");
    await u.press("г. Астана"); // a slip of the finger
    // The review now reads «Организация: Городская больница №7, г. Астана».
    await u.press("◀ Назад");
    await u.press("Сохранить обращение");
    const k = await t.db.prisma.case.findFirstOrThrow();
    expect([k.region, k.organizationId, k.orgName]).toEqual(["shymkent", org.id, "Городская больница №7"]);
  });
});

describe("dates of care against a changed date of birth", () => {
  it("an IIN changed from the review to a later birth date leaves the care dates before birth, and the notice is filed so", async () => {
    const u = h.user(130, "ru");
    await upTo(u, "review", "01.01.1988");
    await u.press("Изменить: ИИН");
    await u.send("900515300008"); // born 15.05.1990, after the care of 01.01.1988
    const after = texts(await u.press("Да, верно"));
    // Typed at the dates question this is refused: «Лечение не может начаться до рождения пациента. Проверьте.»
    expect(after.join("\n")).not.toContain("Даты лечения: 01.01.1988\n");
    expect(after[0]).toBe("Лечение не может начаться до рождения пациента. Проверьте.");
    expect(after.at(-1)).toMatch(/^5\/11 · /);
    // New dates, and back to the review.
    expect(last(await u.send("01.03.2026"))).toMatch(REVIEW);
    await u.press("Сохранить обращение");
    const k = await t.db.prisma.case.findFirst();
    // The birth date is sealed with the IIN.
    const a = { ...((k?.answers ?? {}) as { careFrom?: string }), birthDate: k ? openSensitive(TEST_DATA_KEY, k.sensitive).birthDate : undefined };
    expect(k === null || a.careFrom! >= a.birthDate!).toBe(true);
  });
});

describe("the patient's name", () => {
  it("a name in Kazakh Latin letters (ä, ū, ş) is taken, not refused as «not letters»", async () => {
    const u = h.user(150, "ru");
    await upTo(u, "name");
    expect(texts(await u.send("Äsel Nūrlanqyzy Şerikova"))).toEqual(["3/11 · Напишите ИИН пациента (12 цифр)."]);
  });

  it("initials («Иванов И.И.», «Иванов И И») are asked in full — not «only letters…» for the dots, nor the name taken as «Иванов И И» (ru, kk)", async () => {
    const u = h.user(175, "ru");
    await upTo(u, "name");
    const NAME = "2/11 · Напишите ФИО пациента полностью: фамилию, имя, отчество.";
    expect(texts(await u.send("Иванов И.И."))).toEqual(["Напишите имя и отчество полностью, не инициалами: например, Иванов Иван Иванович.", NAME]);
    expect(texts(await u.send("Иванов И И"))).toEqual(["Напишите имя и отчество полностью, не инициалами: например, Иванов Иван Иванович.", NAME]);
    expect(texts(await u.send("Ким Ен Су"))).toEqual(["3/11 · Напишите ИИН пациента (12 цифр)."]);
    const k = h.user(176, "kk");
    await k.send("/start");
    await k.press("Келісемін");
    await k.send("/notice");
    await k.press("Мен — пациентпін");
    expect(texts(await k.send("Серікова Ә. Н."))[0]).toBe("Аты мен әкесінің атын қысқартпай, толық жазыңыз: мысалы, Серікова Әсел Нұрланқызы.");
  });

  it("one word is not taken as the full name the question asks for", async () => {
    const u = h.user(151, "ru");
    await upTo(u, "name");
    expect(texts(await u.send("Иванов"))[0]).toBe("Напишите фамилию и имя пациента (и отчество, если есть) — хотя бы два слова.");
  });
});

describe("an IIN whose birth date is impossible", () => {
  it("a birth date in the future (01.01.2030) is refused, not proposed as the patient's", async () => {
    const u = h.user(131, "ru");
    await upTo(u, "iin");
    const calls = await u.send("300101500004"); // valid check digit, YYMMDD 300101, 7th digit 5: born 01.01.2030
    expect(texts(calls)).toEqual(["По этому ИИН выходит дата рождения, которая ещё не наступила. Проверьте ИИН и напишите его ещё раз.", "3/11 · Напишите ИИН пациента (12 цифр)."]);
  });

  it("a birth in 1885 (7th digit 1) is refused, as a typed date that old is", async () => {
    const u = h.user(133, "ru");
    await upTo(u, "iin");
    expect(texts(await u.send("850301100002"))[0]).toBe("По этому ИИН выходит слишком давняя дата рождения. Проверьте ИИН и напишите его ещё раз.");
  });
});

describe("the IIN typed with other separators", () => {
  it("an en dash between the digit groups (phones autocorrect «-» to «–») is taken, not answered «ИИН — это 12 цифр»", async () => {
    const u = h.user(172, "ru");
    await upTo(u, "iin");
    expect(texts(await u.send("850301–300121"))[0]).toBe("3/11 · По ИИН дата рождения — 01.03.1985. Верно?");
  });

  it("copied with its label («ИИН: …», «ЖСН …») is taken — not answered «ИИН — это 12 цифр» to one who typed 12 digits (ru, kk)", async () => {
    const u = h.user(173, "ru");
    await upTo(u, "iin");
    expect(texts(await u.send("ИИН: 850301300121"))).toEqual(["3/11 · По ИИН дата рождения — 01.03.1985. Верно?"]);
    const k = h.user(174, "kk");
    await k.send("/start");
    await k.press("Келісемін");
    await k.send("/notice");
    await k.press("Мен — пациентпін");
    await k.send("Серікова Әсел Нұрланқызы");
    expect(texts(await k.send("ЖСН 850301300121"))).toEqual(["3/11 · ЖСН бойынша туған күні — 01.03.1985. Дұрыс па?"]);
    await k.press("Иә, дұрыс");
    // Kept as its 12 digits alone.
    const draft = JSON.stringify((await new Store(t.db.prisma, [], TEST_DATA_KEY).load(174, 174)).stack);
    expect(draft).toContain('"iin":"850301300121"');
    // Other words around the digits are still refused.
    await u.press("◀ Назад");
    expect(texts(await u.send("мой ИИН 850301300121 верный"))[0]).toBe("ИИН — это 12 цифр. Напишите ещё раз.");
  });
});

describe("a date of birth", () => {
  it("a date that does not exist (29.02.2025) is answered «no such date», not «write it as ДД.ММ.ГГГГ»", async () => {
    const u = h.user(170, "ru");
    await upTo(u, "iin");
    await u.send(IIN);
    await u.press("Другая дата");
    expect(texts(await u.send("29.02.2025"))[0]).toBe("Такой даты нет. Проверьте день и месяц.");
  });

  it("so is a day of care that does not exist (31.04.2026, or in a range), with the question again", async () => {
    const u = h.user(171, "ru");
    await upTo(u, "care");
    expect(texts(await u.send("31.04.2026"))).toEqual(["Такой даты нет. Проверьте день и месяц.", "5/11 · Даты лечения: один день (12.10.2026) или период (01.10.2026 – 05.10.2026)."]);
    expect(texts(await u.send("01.02.2026 – 30.02.2026"))[0]).toBe("Такой даты нет. Проверьте день и месяц.");
    expect(texts(await u.send("01.02.2026 – 28.02.2026"))[0]).toMatch(/^6\/11 · /);
  });
});

describe("more answers the checks took wrongly", () => {
  it("the story typed on in a second message is said not to be in the description, with how to add it — not «не понял»", async () => {
    const u = h.user(161, "ru");
    await upTo(u, "outcome");
    const second = texts(await u.send("А потом в реанимации никто не подходил двое суток."));
    expect(second).toEqual([
      "Это сообщение не вошло в описание: описанием стало предыдущее сообщение. Чтобы дополнить его, нажмите «◀ Назад» и отправьте всё описание одним сообщением.",
      "7/11 · Каковы последствия для пациента на сегодня?",
    ]);
    expect(texts(await u.press("◀ Назад"))).toEqual(["6/11 · Опишите своими словами, что произошло (до 3 000 знаков)."]);
    // In Kazakh too; and asked again from the review, a text there is no continuation of anything.
    const k = h.user(162, "ru");
    await upTo(k, "review");
    await k.send("/language");
    await k.press("Қазақша");
    await k.press("Өзгерту: салдары");
    expect(texts(await k.send("қосымша"))[0]).toBe("Салдары дәл жазылуы үшін төмендегі батырмалардың бірін таңдаңыз. Салдары әлі анық болмаса, «Әзірге белгісіз» батырмасын басыңыз.");
    const k2 = h.user(163, "ru");
    await upTo(k2, "outcome");
    await k2.send("/language");
    await k2.press("Қазақша");
    expect(texts(await k2.send("Содан кейін реанимацияда екі тәулік ешкім келмеді."))[0]).toBe(
      "Бұл хабарлама сипаттамаға кірмеді: сипаттама ретінде алдыңғы хабарлама сақталды. Оны толықтыру үшін «◀ Артқа» батырмасын басып, сипаттаманың бәрін бір хабарламамен жіберіңіз.",
    );
  });

  it("the outcome typed in words («умер», «инвалидность 2 группы», «қайтыс болды», «пока не знаю») is asked for with the buttons — not taken for the story, and nothing guessed from it", async () => {
    const u = h.user(164, "ru");
    await upTo(u, "outcome");
    const CHOOSE = "Чтобы последствия были записаны точно, выберите одну из кнопок ниже. Если они пока не ясны, нажмите «Пока неизвестно».";
    for (const typed of ["инвалидность 2 группы", "Пока не знаю", "Он не умер"]) {
      const answer = await u.send(typed);
      expect(texts(answer)).toEqual([CHOOSE, "7/11 · Каковы последствия для пациента на сегодня?"]);
      expect(buttons(answer)).toContain("Пациент скончался");
    }
    // A death named: condolence first (law.md: nothing about a death without it), then the same request.
    for (const typed of ["умер", "Пациент скончался в реанимации"]) {
      const answer = await u.send(typed);
      expect(texts(answer)).toEqual(["Примите наши соболезнования.", CHOOSE, "7/11 · Каковы последствия для пациента на сегодня?"]);
    }
    // No outcome was recorded from the words: the buttons still decide.
    expect(texts(await u.press("Вред без инвалидности"))[0]).toMatch(/^8\/11 · /);
    // In Kazakh too.
    const k = h.user(165, "ru");
    await upTo(k, "outcome");
    await k.send("/language");
    await k.press("Қазақша");
    expect(texts(await k.send("қайтыс болды"))).toEqual([
      "Көңіл айтамыз.",
      "Салдары дәл жазылуы үшін төмендегі батырмалардың бірін таңдаңыз. Салдары әлі анық болмаса, «Әзірге белгісіз» батырмасын басыңыз.",
      "7/11 · Бүгінгі күні пациент үшін салдары қандай?",
    ]);
    expect(texts(await k.send("2 топтағы мүгедектік берілді"))[0]).toMatch(/^Салдары дәл жазылуы үшін/);
  });

  it("the story told in a voice message is said not to be read — not «не понял», as if it had been heard — and the question comes again", async () => {
    const u = h.user(166, "ru");
    await upTo(u, "description");
    const id = newUpdateId();
    const voice = await u.deliver({
      update_id: id,
      message: { message_id: id, date: 1, chat: { id: 166, type: "private", first_name: "Test" }, from: { id: 166, is_bot: false, first_name: "Test" }, voice: { file_id: "v", file_unique_id: "v", duration: 40 } },
    });
    expect(texts(voice)).toEqual(["Голосовые сообщения и видео бот не распознаёт.", "6/11 · Опишите своими словами, что произошло (до 3 000 знаков)."]);
  });

  it("the story written as a photo's caption is said not to be kept, before the question comes again — not lost without a word", async () => {
    const u = h.user(167, "ru");
    await upTo(u, "description");
    const sent = texts(await u.photo("discharge", undefined, "После операции началось заражение, выписали с температурой."));
    expect(sent[0]).toBe("Текст, написанный вместе с файлом, бот не сохраняет. Если он важен, отправьте его отдельным сообщением.");
    expect(sent.slice(1)).toEqual([
      "Файл сохранён и будет приложен к обращению (файлов: 1 из 20). Проверить файлы или убрать лишний можно будет на шаге «документы и фото». Теперь ответьте, пожалуйста, на вопрос выше.",
    ]);
    // The same photo without a caption: nothing about a text.
    expect(texts(await u.photo("discharge-2"))).not.toContain("Текст, написанный вместе с файлом, бот не сохраняет. Если он важен, отправьте его отдельным сообщением.");
    // With no question open, the file's own answer: not kept at all.
    const other = h.user(168, "ru");
    await other.send("/start");
    await other.press("Согласен(на)");
    expect(texts(await other.photo("x", undefined, "подпись"))[0]).toBe("Этот файл не сохранён: сейчас бот файлов не ждёт.");
  });

  it("five emoji do not pass «at least 10 characters»", async () => {
    const u = h.user(160, "ru");
    await upTo(u, "description");
    expect(texts(await u.send("😡😡😡😡😡"))[0]).toBe("Опишите, что произошло, словами — хотя бы одним-двумя предложениями.");
  });

  it("emoji alone, more than ten, are asked for in words — not «не меньше 10 знаков» to one who sent twelve (ru, kk); a few letters still get it", async () => {
    const u = h.user(161, "ru");
    await upTo(u, "description");
    expect(texts(await u.send("😢".repeat(12)))).toEqual(["Опишите, что произошло, словами — хотя бы одним-двумя предложениями.", "6/11 · Опишите своими словами, что произошло (до 3 000 знаков)."]);
    expect(texts(await u.send("плохо 😢😢😢"))[0]).toBe("Напишите чуть подробнее — не меньше 10 знаков.");
    await u.send("/language");
    await u.press("Қазақша");
    expect(texts(await u.send("😢😢😢 !!! ..."))[0]).toBe("Не болғанын сөзбен жазыңыз — бір-екі сөйлеммен болса да.");
  });

  it("one's own non-Kazakh number shared with the button is asked to type a Kazakhstan number, not «…or share it with the button»", async () => {
    const u = h.user(180, "ru");
    await upTo(u, "phone");
    expect(texts(await u.contact("998901234567"))[0]).toBe("Нужен казахстанский номер: +7XXXXXXXXXX. Если у вас другой номер, напишите казахстанский, по которому с вами можно связаться.");
  });

  it("has a Back to the review, which keeps the answer given before", async () => {
    const u = h.user(104, "ru");
    await upTo(u, "review");
    expect(buttons(await u.press("Изменить: кто вы"))).toContain("◀ Назад");
    const review = last(await u.press("◀ Назад"));
    expect(review).toMatch(REVIEW);
  });
});

describe("the share-contact keyboard goes when the phone question does", () => {
  type Markup = { remove_keyboard?: boolean; keyboard?: unknown };
  const removes = (calls: { method: string; payload: Record<string, unknown> }[]) =>
    calls.filter((c) => c.method === "sendMessage" && (c.payload.reply_markup as Markup | undefined)?.remove_keyboard === true).map((c) => String(c.payload.text));

  it("Back from the phone question to the files takes the keyboard away", async () => {
    const u = h.user(190, "ru");
    await upTo(u, "phone");
    const back = await u.press("◀ Назад");
    expect(removes(back)).toEqual(["Хорошо, номер телефона — позже."]);
    expect(last(back)).toMatch(/^9\/11 · /);
    // Back at the phone question, the keyboard is offered again.
    const phone = await u.press("Готово");
    expect((phone.at(-1)!.payload.reply_markup as Markup).keyboard).toBeDefined();
  });

  it("Back from the phone question asked again from the review says the number is unchanged, not «later», and keeps it", async () => {
    const u = h.user(194, "ru");
    await upTo(u, "review");
    await u.press("Изменить: телефон");
    const back = await u.press("◀ Назад");
    expect(removes(back)).toEqual(["Телефон не изменён."]);
    expect(texts(back)).not.toContain("Хорошо, номер телефона — позже.");
    expect(last(back)).toMatch(REVIEW);
    expect(last(back)).toContain("Телефон: +77011234567");
    // In Kazakh too (the language switched at the review).
    const k = h.user(195, "ru");
    await upTo(k, "review");
    await k.send("/language");
    await k.press("Қазақша");
    await k.press("Өзгерту: телефон");
    expect(removes(await k.press("◀ Артқа"))).toEqual(["Телефон өзгертілген жоқ."]);
  });

  it("/cancel confirmed at the phone question takes it away with «Отменено.»", async () => {
    const u = h.user(191, "ru");
    await upTo(u, "phone");
    expect(removes(await u.send("/cancel"))).toEqual([]);
    expect(removes(await u.press("Да, выйти"))).toEqual(["Отменено."]);
  });

  it("/explain from the phone question takes it away; /help, which leaves the question where it is, does not", async () => {
    const u = h.user(192, "ru");
    await upTo(u, "phone");
    expect(removes(await u.send("/help"))).toEqual([]);
    // The explainer's first message has no buttons of its own: it takes the keyboard.
    const explain = await u.send("/explain");
    expect(removes(explain)).toEqual([texts(explain)[0]]);
  });
});

describe("a file sent by mistake", () => {
  it("can be taken back: «Убрать последний файл» removes it, and the notice keeps only the others", async () => {
    const u = h.user(193, "ru");
    await upTo(u, "files");
    expect(buttons(await u.photo("right-1"))).toEqual(["Готово", "Убрать последний файл"]);
    await u.photo("wrong-2");
    const removed = await u.press("Убрать последний файл");
    expect(texts(removed)).toEqual(["Последний файл убран. Всего: 1 из 20. Пришлите ещё или нажмите «Готово»."]);
    expect(buttons(removed)).toEqual(["Готово", "Убрать последний файл"]);
    const none = await u.press("Убрать последний файл");
    expect(texts(none)).toEqual(["Последний файл убран. Всего: 0 из 20. Пришлите ещё или нажмите «Готово»."]);
    // Nothing left to take back: no such button.
    expect(buttons(none)).toEqual(["Готово"]);
    await u.photo("right-3");
    await u.press("Готово");
    await u.contact("77011234567");
    await u.press("Сохранить обращение");
    const files = await t.db.prisma.attachment.findMany({ select: { fileId: true } });
    expect(files.map((f) => f.fileId).sort()).toEqual(["right-3"]);
  });

  it("opened again from the review, the files question offers to take the last one back", async () => {
    const u = h.user(194, "ru");
    await upTo(u, "files");
    await u.photo("p1");
    await u.press("Готово");
    await u.contact("77011234567");
    expect(buttons(await u.press("Изменить: файлы"))).toContain("Убрать последний файл");
  });
});

describe("a file sent while changing an answer from the review", () => {
  it("is told it was added and that the review's «Изменить: файлы» checks it — not a documents step an edit never passes — and stays even after Back", async () => {
    const u = h.user(189, "ru");
    await upTo(u, "review");
    await u.press("Изменить: что произошло");
    expect(texts(await u.photo("while-editing"))).toEqual([
      "Файл добавлен к обращению (файлов: 1 из 20). Проверить файлы или убрать лишний можно кнопкой «Изменить: файлы», когда вернётесь к проверке обращения. Теперь ответьте, пожалуйста, на вопрос выше.",
    ]);
    // Back keeps the description given before — and the file, as it was told.
    const review = last(await u.press("◀ Назад"));
    expect(review).toMatch(REVIEW);
    expect(review).toContain("Что произошло: После операции началось осложнение, о котором нас не предупредили.\n");
    expect(review).toContain("Файлы: 1\n");
    await u.press("Сохранить обращение");
    expect((await t.db.prisma.attachment.findMany()).map((a) => a.fileId)).toEqual(["while-editing"]);
  });

  it("in Kazakh too (the language switched at the review)", async () => {
    const u = h.user(199, "ru");
    await upTo(u, "review");
    await u.send("/language");
    await u.press("Қазақша");
    await u.press("Өзгерту: күндер");
    expect(texts(await u.photo("kk-editing"))).toEqual([
      "Файл өтінішке тіркелді (файлдар: 1, ең көбі 20). Өтінішті тексеру қадамына оралғанда, файлдарды «Өзгерту: файлдар» батырмасымен тексеріп, артығын алып тастауға болады. Енді жоғарыдағы сұраққа жауап беріңіз.",
    ]);
  });
});

describe("an answer changed from the review and backed out of", () => {
  it("a new IIN typed, then Back before its birth date was confirmed: the review shows the IIN given before", async () => {
    const u = h.user(195, "ru");
    await upTo(u, "review");
    await u.press("Изменить: ИИН");
    await u.send("900515300008"); // born 15.05.1990
    await u.press("◀ Назад"); // from «born 15.05.1990?» back to the IIN question
    const review = last(await u.press("◀ Назад")); // and back to the review
    expect(review).toMatch(REVIEW);
    expect(review).toContain("ИИН: ••••••••0121\nОрганизация:");
  });

  it("from a relative to «Я — пациент»: the name and IIN typed for the patient are shown to check, and can be typed again (Back returns to the check); nothing else is asked", async () => {
    const u = h.user(197, "ru");
    await upTo(u, "review");
    await u.press("Изменить: кто вы");
    const check = await u.press("Я — пациент");
    expect(last(check)).toBe("Проверьте, пожалуйста: пациент — Әсел Нұрланқызы Серікова, ИИН ••••••••0121. Это данные пациента?");
    expect(buttons(check)).toEqual(["Да, верно", "Изменить ФИО и ИИН"]);
    expect(last(await u.press("Изменить ФИО и ИИН"))).toBe("2/11 · Напишите ваши фамилию, имя и отчество полностью.");
    expect(last(await u.press("◀ Назад"))).toBe("Проверьте, пожалуйста: пациент — Әсел Нұрланқызы Серікова, ИИН ••••••••0121. Это данные пациента?");
    await u.press("Изменить ФИО и ИИН");
    await u.send("Серікова Гүлнар Асанқызы");
    await u.send("900515300008"); // born 15.05.1990
    expect(last(await u.press("Да, верно"))).toBe("Проверьте, пожалуйста: пациент — Серікова Гүлнар Асанқызы, ИИН ••••••••0008. Это данные пациента?");
    const review = last(await u.press("Да, верно"));
    expect(review).toMatch(REVIEW);
    expect(review).toContain("Вы: сам пациент\nПациент: Серікова Гүлнар Асанқызы");
    expect(review).toContain("ИИН: ••••••••0008\nОрганизация:");
  });

  it("«who you are» changed, then Back before confirming one acts for the patient: the review shows the relation given before", async () => {
    const u = h.user(196, "ru");
    await upTo(u, "review");
    await u.press("Изменить: кто вы");
    await u.press("Законный представитель");
    await u.press("◀ Назад"); // from «you act for the patient?» back to «who are you»
    const review = last(await u.press("◀ Назад")); // and back to the review
    expect(review).toMatch(REVIEW);
    expect(review).toContain("Вы: близкий родственник");
  });
});
