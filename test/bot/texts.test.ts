// The house guide (language.md) as checks: the glossary's forbidden forms in each language, Kazakh
// postpositions after date placeholders, lists in each language's alphabetical order, official dates in
// documents, and condolence after a death outcome.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadResources } from "../../bot/i18n.js";
import { localParam } from "../../bot/core/render.js";
import { regionPlace } from "../../bot/core/case.js";
import { officialDate } from "../../machines/notice.js";
import { REGIONS, regionText } from "../../machines/notice-rules.js";
import { buttons, testBot, texts, type Harness } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { flatten } from "../helpers/locales.js";

const res = loadResources();
const flat = { kk: flatten(res.kk), ru: flatten(res.ru) };

/** Keys whose text matches a pattern, as "key: pattern" for a readable failure. */
const hits = (lang: "kk" | "ru", patterns: RegExp[]) =>
  [...flat[lang]].flatMap(([k, v]) => patterns.filter((re) => re.test(v)).map((re) => `${k}: ${re.source}`));

describe("the glossary (language.md)", () => {
  it("Kazakh: «батырма», never «түйме»; a case's «күйі», never «мәртебе»; no calques the guide lists", () => {
    const FORBIDDEN = [
      /түйме/i, // button: батырма
      /мәртебе/i, // a person's legal status, not a case's: істің күйі
      /Келесіз бе/i, // «Қатысасыз ба?»
      /Бетпе-бет келемін/i, // «Өзім барып қатысамын»
      /отырыс\S*\s+тоқтат/i, // a cancelled sitting «болдырылмады», not suspended
      /тоқтатылды/i,
      /Тексеруден өту/i, // a medical check-up: «5 сұраққа жауап беру»
      /аккаунт\S*сыз\b/i, // «Telegram аккаунтыңыз көрсетілмейді»
      /\{\{number\}\} ашу/, // genitive before the possessed: «{{number}} ісін ашу»
      /сараптамалық комиссия/i, // the term: тәуелсіз сараптама комиссиясы
      /ерте емес|кеш емес/i, // «не раньше / не позже» word for word: «{{date}} күнінен бастап бүгінге дейінгі күн»
      /күтіп тұр|(ыңызды|іңізді) күтуде/iu, // «ждёт вашего ответа» word for word: «жауабыңызды күтеді»
    ];
    expect(hits("kk", FORBIDDEN)).toEqual([]);
  });

  it("Kazakh: relation buttons are nouns («Пациенттің жұбайы»), which also read inside a sentence", () => {
    for (const k of ["spouse", "relative", "representative"]) {
      expect(flat.kk.get(`notice.relation.${k}`)).toMatch(/^Пациенттің /);
      expect(flat.kk.get(`relatives.relation.${k}`)).toMatch(/^Пациенттің /);
      expect(flat.kk.get(`notice.relationForm.${k}`)).toMatch(/^пациенттің /);
    }
  });

  it("Kazakh: «сіз» is written in lower case inside a sentence, as everywhere else", () => {
    // After a letter, a digit, a comma or a dash, not at the start of a sentence, a line or a bullet.
    const midSentence = [...flat.kk].filter(([, v]) => /[\p{L}\d,»)—–-]\s+Сіз/u.test(v)).map(([k]) => k);
    expect(midSentence).toEqual([]);
  });

  it("Russian: no colloquialisms, no capital «Город» mid-sentence, no name declined by guesswork after «пациента»", () => {
    const FORBIDDEN = [
      /пациент умер/i, // «пациент скончался»
      /не тянули/i,
      /всё равно/i,
      /Решает .*комиссия/, // «Окончательное решение принимает комиссия»
      /\S\s+Город\b/, // «г. Алматы», never «…, Город Алматы»
      /\S\s+Область\b/, // «…, область Жетісу»
      /пациента \{\{(name|patient)\}\}/, // «пациента ({{patient}})»
      /(?<!независим\S* )экспертн\S* комисси/i, // the term: независимая экспертная комиссия
    ];
    expect(hits("ru", FORBIDDEN)).toEqual([]);
    const regions = REGIONS.map((r) => r.ru).filter((n) => /^Город/.test(n));
    expect(regions).toEqual([]);
  });

  it("a value inside a line is in a line's lower case; its button keeps the capital (separate keys, same meaning)", () => {
    // «Последствия: пациент скончался», «…, область Жетісу», «Ваш ответ: приду очно» — the buttons stay «Пациент скончался», «Область Жетісу», «Приду очно».
    for (const lang of ["kk", "ru"] as const) {
      for (const [button, inline] of [["notice.outcome", "notice.outcomeText"], ["notice.support", "notice.supportText"], ["sitting.answer", "sitting.answerText"]] as const) {
        const keys = (prefix: string) => [...flat[lang].keys()].filter((k) => k.startsWith(`${prefix}.`)).map((k) => k.slice(prefix.length + 1));
        expect(keys(inline), `${lang} ${inline}`).toEqual(keys(button));
        const capitalised = keys(inline).filter((k) => !/^(\p{Ll}|[IVX]+ )/u.test(flat[lang].get(`${inline}.${k}`)!));
        expect(capitalised, `${lang} ${inline}`).toEqual([]);
      }
    }
    const inText = REGIONS.map((r) => regionText(r.code)!.ru);
    expect(inText.filter((n) => /^(Область|Город)\b/.test(n))).toEqual([]);
    expect(inText).toContain("область Жетісу");
    expect(REGIONS.map((r) => r.ru)).toContain("Область Жетісу");
  });

  it("the outcome is the same thing in both languages: «салдары» / «последствия», not the patient's «жағдайы»", () => {
    for (const key of ["notice.ask.outcome", "notice.review", "conclusion.askOutcome", "pdf.outcome", "escalation.historyOutcome"]) {
      expect(flat.ru.get(key), key).toMatch(/[Пп]оследствия/);
      expect(flat.kk.get(key), key).toMatch(/[Сс]алдар/);
      expect(flat.kk.get(key), key).not.toMatch(/жағдайы/);
    }
  });
});

/**
 * A placeholder followed directly by a postposition or a case-governing word («{{until}} дейін», «{{date}} ішінде»,
 * «{{date}} сайын», «{{date}} өткен соң»), with nothing to carry its case ending: the house form puts «күн» between
 * («{{until}} күніне дейін», «{{date}} күні ішінде»).
 */
const POSTPOSITION_BARE = /\}\}\s+(дейін|шейін|бастап|кейін|соң|бері|бұрын|ішінде|сайын|өткен\s+соң|аралығында|қарай)(?!\p{L})/u;
/** Placeholders that hold a date, a date and time, or a day. */
const DATE_PLACEHOLDER = String.raw`\{\{(?:date|until|due|from|to|when|received|on|since|deadline)\}\}`;
/**
 * A date placeholder followed by a word other than the noun that takes its case («күні», «күніне», «жылғы»,
 * «уақытына», «отырысы»…): «{{date}} өтеді» needs «{{date}} күні өтеді».
 */
const DATE_THEN_WORD = new RegExp(`${DATE_PLACEHOLDER}[ \\u00a0]+(?!(?:күн|жыл|уақыт|отырыс|сағат)\\p{L}*)\\p{Ll}`, "u");
/**
 * Keys whose date placeholders are filled with the official date in the locative («2026 жылғы 23 қарашада»,
 * officialDate(…, "on")): the date carries its own case ending, and a verb may follow it. Each is so filled by
 * the code named beside it.
 */
const OFFICIAL_ON = new Set([
  "escalation.caseText", // escalation.ts complaintLines: officialDate(saved, "on")
  "escalation.caseReceived", // the same, and the receipt's date
  "escalation.formed", // officialDate(formedOn, "on")
  "escalation.confirmed", // officialDate(conclusion.on, "on")
  "escalation.notConfirmed",
  "escalation.formedLate", // the same, after the deadline
  "escalation.confirmedLate",
  "escalation.notConfirmedLate",
  "contract.footer", // agreement.ts contractContent: officialDate(today, "on")
  "agreement.footer", // agreement.ts agreementContent: officialDate(agreed, "on")
  "mydata.pdf.footer", // mydata.ts: officialDate(today, "on")
]);
/** The Kazakh keys that break the rules on a date placeholder, as "key: text". */
const datePlaceholderProblems = (texts: Map<string, string>) =>
  [...texts].filter(([k, v]) => POSTPOSITION_BARE.test(v) || (!OFFICIAL_ON.has(k) && DATE_THEN_WORD.test(v))).map(([k, v]) => `${k}: ${v}`);

describe("Kazakh grammar after placeholders", () => {
  it("a date placeholder takes its postposition, and a verb after it its case, through «күн»: «{{date}} күніне дейін», «{{date}} күні өтеді», «{{year}} жылғы»", () => {
    // «{{until}} дейін» and «{{year}} жыл:» read as translated; «{{until}} күніне дейін» and «{{year}} жылы» do not.
    expect(datePlaceholderProblems(flat.kk)).toEqual([]);
    expect(hits("kk", [/\{\{year\}\}\s+жыл(?!ғы|ы(?!\p{L}))/u])).toEqual([]);
  });

  it("a number placeholder carries no case ending of its own: «{{max}}-ден» reads «60-ден» where Kazakh says «60-тан»", () => {
    // The ending depends on how the number is spoken (он → оннан, алпыс → алпыстан), which a template cannot know;
    // write «ең көбі {{max}} күн», «{{max}} күнге дейін». An ordinal before a noun («{{round}}-ұсыныс») is fine.
    const CASE_ON_PLACEHOLDER = /\}\}-(?:[гкғқ][еа]|[дтн][еа]н|[дтнл][еа]|[нд][іы]ң|[дтнл][іы]ң|[сн]?[іы]|[дт][іы]|[мб][еа]н|[нм]ен|ға|ге)(?!\p{L})/u;
    expect(hits("kk", [CASE_ON_PLACEHOLDER])).toEqual([]);
    const planted = ["1-ден {{daysMax}}-ге дейін", "{{max}}-ден көп емес", "{{count}} ұйымның {{shown}}-і", "{{amountMax, number}} ₸-ден"].filter((v) => CASE_ON_PLACEHOLDER.test(v));
    expect(planted).toEqual(["1-ден {{daysMax}}-ге дейін", "{{max}}-ден көп емес", "{{count}} ұйымның {{shown}}-і"]);
    expect(CASE_ON_PLACEHOLDER.test("{{number}} ісі бойынша {{round}}-ұсыныс")).toBe(false);
  });

  it("the check catches the forms it forbids, and passes the forms the guide gives", () => {
    const bad = [
      "сілтеме {{until}} дейін жұмыс істейді",
      "комиссия {{date}} ішінде құрылады",
      "{{date}} сайын еске саламын",
      "{{date}} өткен соң жазыңыз",
      "отырыс {{date}} өтеді",
      "{{number}} ісі: {{when}} өтуі тиіс отырыс",
      "{{from}} мен {{to}} аралығында",
    ];
    const good = [
      "сілтеме {{until}} күніне дейін жұмыс істейді",
      "комиссия {{date}} күні ішінде құрылады",
      "отырыс {{date}} күні өтеді",
      "отырыс {{when}} уақытына тағайындалды",
      "{{from}} күнінен бастап {{to}} күніне дейін",
      "{{date}} — {{what}}",
      "Отырыс: {{date}}, {{time}} (Қазақстан уақыты)",
      "{{due}} күнінің соңына дейін",
    ];
    const planted = new Map([...flat.kk, ...bad.map((v, i): [string, string] => [`planted.${i}`, v]), ...good.map((v, i): [string, string] => [`fine.${i}`, v])]);
    expect(datePlaceholderProblems(planted)).toEqual(bad.map((v, i) => `planted.${i}: ${v}`));
    // An official date in the locative carries its own case: a verb may follow it in the keys so filled, only there.
    expect(datePlaceholderProblems(new Map([["escalation.formed", "{{date}} құрылды."], ["jobs.formed", "{{date}} құрылды."]]))).toEqual(["jobs.formed: {{date}} құрылды."]);
  });
});

describe("dates in documents", () => {
  it("are written as official papers write them, in each language", async () => {
    const { createI18n } = await import("../../bot/i18n.js");
    const i18n = await createI18n();
    expect(localParam(i18n, "kk", officialDate("2026-11-23"))).toBe("2026 жылғы 23 қараша");
    expect(localParam(i18n, "kk", officialDate("2026-11-23", "on"))).toBe("2026 жылғы 23 қарашада");
    expect(localParam(i18n, "ru", officialDate("2026-11-23"))).toBe("23 ноября 2026 г.");
    expect(localParam(i18n, "ru", officialDate("2026-03-01", "on"))).toBe("1 марта 2026 г.");
    expect(localParam(i18n, "kk", officialDate("2026-08-05", "on"))).toBe("2026 жылғы 5 тамызда");
  });

  it("are headed with the city they are made in, or a blank for the place where the region is an oblast", () => {
    expect(regionPlace("shymkent")).toEqual({ kk: "Шымкент қаласы", ru: "г. Шымкент" });
    expect(regionPlace("astana")).toEqual({ kk: "Астана қаласы", ru: "г. Астана" });
    expect(regionPlace("zhetisu")).toBeNull();
    expect(REGIONS.filter((r) => regionPlace(r.code)).map((r) => r.code).sort()).toEqual(["almaty", "astana", "shymkent"]);
  });
});

describe("through the bot", () => {
  let t: TestDb;
  let h: Harness;
  beforeAll(async () => {
    t = await testDatabase();
  });
  afterAll(async () => t.dispose());
  beforeEach(async () => {
    await t.reset();
    h = await testBot(t.db, { now: () => new Date("2026-03-20T10:00:00+05:00") });
  });

  // language.md's alphabets, spelled out, so the check does not trust the collator it checks.
  const ALPHABET = {
    kk: "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя",
    ru: "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
  };
  const byAlphabet = (lang: "kk" | "ru") => (a: string, b: string) => {
    const key = (s: string) => [...s.toLowerCase()].map((c) => ALPHABET[lang].indexOf(c)).filter((i) => i >= 0);
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return x.length - y.length;
  };

  for (const [lang, L] of [
    ["kk", { agree: "Келісемін", rel: "Пациенттің жақын туысы", actsFor: "Растаймын", name: "Иванов Иван Иванович", yes: "Иә, дұрыс", death: "Пациент қайтыс болды", condolence: "Көңіл айтамыз." }],
    ["ru", { agree: "Согласен(на)", rel: "Близкий родственник", actsFor: "Подтверждаю", name: "Иванов Иван Иванович", yes: "Да, верно", death: "Пациент скончался", condolence: "Примите наши соболезнования." }],
  ] as const) {
    it(`${lang}: the regions are offered in the ${lang === "kk" ? "Kazakh" : "Russian"} alphabetical order, and a death outcome is answered with condolence first`, async () => {
      const u = h.user(lang === "kk" ? 71 : 72, lang);
      await u.send("/start");
      await u.press(L.agree);
      await u.send("/notice");
      await u.press(L.rel);
      await u.press(L.actsFor); // a death is filed by someone else: «I am the patient» is not taken with it
      await u.send(L.name);
      await u.send("850301300121");
      const regionAsk = await u.press(L.yes);
      const offered = buttons(regionAsk).slice(0, REGIONS.length);
      expect(offered).toHaveLength(20);
      expect(new Set(offered)).toEqual(new Set(REGIONS.map((r) => r[lang])));
      expect(offered).toEqual([...offered].sort(byAlphabet(lang)));
      expect(offered[0]).toBe(lang === "kk" ? "Абай облысы" : "Акмолинская область");
      await u.press(offered[0]!);
      await u.send("Облыстық аурухана");
      await u.send("02.03.2026");
      await u.send("После операции началось осложнение.");
      const answered = await u.press(L.death);
      expect(texts(answered)[0]).toBe(L.condolence);
      expect(texts(answered)).toHaveLength(2);
    });
  }
});

describe("texts an editor reviewed, as a reader gets them", () => {
  it("kk: a proposal cut to the mediation's last day says the day first, then why («бұл — медиацияның соңғы күні»), not «Ол медиацияның соңғы күні — …» (“it is the last day”)", async () => {
    const { createI18n } = await import("../../bot/i18n.js");
    const kk = (await createI18n()).t("kk");
    expect(kk("mediation.validToLastDay", { until: "23.12.2026" })).toBe("Ол 23.12.2026 күнінің соңына дейін күшінде: бұл — медиацияның соңғы күні.");
    expect(kk("mediation.validTo", { until: "03.12.2026" })).toBe("Ол 03.12.2026 күнінің соңына дейін күшінде.");
  });

  it("ru: official wording, no talk — «Предложенная вами сумма», «Кратко изложите медиатору причину», «Теперь ответьте…», as the Kazakh says it", async () => {
    const { createI18n } = await import("../../bot/i18n.js");
    const i18n = await createI18n();
    const [ru, kk] = [i18n.t("ru"), i18n.t("kk")];
    expect(ru("mediation.askCounterNote", { amount: 150000, max: 1000 })).toMatch(/^Предложенная вами сумма: 150.000 ₸\.\nКратко изложите медиатору причину \(до 1000 символов\)\.$/);
    expect(kk("mediation.askCounterNote", { amount: 150000, max: 1000 })).toMatch(/^Сіз ұсынған сома: 150.000 ₸\.\nМедиаторға себебін қысқаша түсіндіріңіз \(1000 таңбаға дейін\)\.$/);
    expect(ru("notice.fileEarly", { total: 2, max: 20 })).toMatch(/ Теперь ответьте, пожалуйста, на вопрос выше\.$/);
    expect(kk("notice.fileEarly", { total: 2, max: 20 })).toMatch(/^Файл сақталды, ол өтінішке тіркеледі \(файлдар: 2, ең көбі 20\)\. Файлдарды «құжаттар мен фотолар» қадамында тексеріп, артығын алып тастауға болады\. Енді жоғарыдағы сұраққа жауап беріңіз\.$/);
    expect(ru("notice.error.outcomeTyped")).toBe("Чтобы последствия были записаны точно, выберите одну из кнопок ниже. Если они пока не ясны, нажмите «Пока неизвестно».");
  });

  it("the receipt's date questions give the same range in both languages: from the notice's day to today", async () => {
    const { createI18n } = await import("../../bot/i18n.js");
    const i18n = await createI18n();
    for (const key of ["receipt.askDate", "receipt.askHandedIn"]) {
      expect(i18n.t("kk")(key, { number: "1", date: "20.03.2026" }), key).toContain("20.03.2026 күнінен бастап бүгінге дейінгі күнді КК.АА.ЖЖЖЖ түрінде жазыңыз.");
      expect(i18n.t("ru")(key, { number: "1", date: "20.03.2026" }), key).toMatch(/ДД\.ММ\.ГГГГ — не раньше 20\.03\.2026 и не позже сегодняшней\.$/);
    }
  });

  it("kk: the stamped copy's pages are counted as «жіберілген» (sent to the bot), not «алынған», the word of the organisation's receipt stamp one question before", async () => {
    const { createI18n } = await import("../../bot/i18n.js");
    const kk = (await createI18n()).t("kk");
    expect(kk("receipt.askCopy")).toContain("Алынғаны туралы белгісі бар көшірмеңіз");
    expect(kk("receipt.copyPages", { count: 2 })).toMatch(/^Көшірменің жіберілген беттері: 2\. /);
    expect(kk("receipt.copyBeforeNumber", { count: 2 })).toMatch(/^Көшірменің жіберілген беттері: 2\. /);
  });
});
