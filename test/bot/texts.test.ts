// The house guide (language.md) as checks: the glossary's forbidden forms in each language, Kazakh
// postpositions after date placeholders, lists in each language's alphabetical order, official dates in
// documents, and condolence after a death outcome.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadResources } from "../../bot/i18n.js";
import { localParam } from "../../bot/core/render.js";
import { officialDate } from "../../machines/notice.js";
import { REGIONS } from "../../machines/notice-rules.js";
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
      /пациента \{\{(name|patient)\}\}/, // «пациента ({{patient}})»
      /(?<!независим\S* )экспертн\S* комисси/i, // the term: независимая экспертная комиссия
    ];
    expect(hits("ru", FORBIDDEN)).toEqual([]);
    const regions = REGIONS.map((r) => r.ru).filter((n) => /^Город/.test(n));
    expect(regions).toEqual([]);
  });

  it("the outcome is the same thing in both languages: «салдары» / «последствия», not the patient's «жағдайы»", () => {
    for (const key of ["notice.ask.outcome", "notice.review", "conclusion.askOutcome", "pdf.outcome", "escalation.historyOutcome"]) {
      expect(flat.ru.get(key), key).toMatch(/[Пп]оследствия/);
      expect(flat.kk.get(key), key).toMatch(/[Сс]алдар/);
      expect(flat.kk.get(key), key).not.toMatch(/жағдайы/);
    }
  });
});

/** A placeholder followed directly by a postposition («{{until}} дейін»), with nothing to carry its case ending. */
const POSTPOSITION_BARE = /\}\}\s+(дейін|бастап|кейін|бері)(?!\p{L})/u;

describe("Kazakh grammar after placeholders", () => {
  it("a date placeholder takes its postposition through «күн»: «{{date}} күніне дейін», «{{year}} жылғы»", () => {
    // «{{until}} дейін» and «{{year}} жыл:» read as translated; «{{until}} күніне дейін» and «{{year}} жылы» do not.
    expect(hits("kk", [POSTPOSITION_BARE, /\{\{year\}\}\s+жыл(?!ғы|ы(?!\p{L}))/u])).toEqual([]);
  });

  it("the check catches the forms it forbids", () => {
    const re = POSTPOSITION_BARE;
    expect(re.test("сілтеме {{until}} дейін жұмыс істейді")).toBe(true);
    expect(re.test("сілтеме {{until}} күніне дейін жұмыс істейді")).toBe(false);
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
    ["kk", { agree: "Келісемін", rel: "Мен — пациентпін", name: "Иванов Иван Иванович", yes: "Иә, дұрыс", death: "Пациент қайтыс болды", condolence: "Көңіл айтамыз." }],
    ["ru", { agree: "Согласен(на)", rel: "Я — пациент", name: "Иванов Иван Иванович", yes: "Да, верно", death: "Пациент скончался", condolence: "Примите наши соболезнования." }],
  ] as const) {
    it(`${lang}: the regions are offered in the ${lang === "kk" ? "Kazakh" : "Russian"} alphabetical order, and a death outcome is answered with condolence first`, async () => {
      const u = h.user(lang === "kk" ? 71 : 72, lang);
      await u.send("/start");
      await u.press(L.agree);
      await u.send("/notice");
      await u.press(L.rel);
      await u.send(L.name);
      await u.send("850301300121");
      const regionAsk = await u.press(L.yes);
      const offered = buttons(regionAsk).slice(0, REGIONS.length);
      expect(offered).toHaveLength(20);
      expect(new Set(offered)).toEqual(new Set(REGIONS.map((r) => r[lang])));
      expect(offered).toEqual([...offered].sort(byAlphabet(lang)));
      expect(offered[0]).toBe(lang === "kk" ? "Абай облысы" : "Абайская область");
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
