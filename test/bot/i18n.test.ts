// Every text in both languages, every key used, no user-facing text in code, Kazakh written as Kazakh.
import { readdirSync, readFileSync } from "node:fs";
import i18next from "i18next";
import { describe, expect, it } from "vitest";
import { createI18n, LOCALES_DIR, loadResources } from "../../bot/i18n.js";
import { baseKeys, flatten, missingKeys, notKazakh, parityProblems, scanDirs, scanSource, unusedKeys, words, type Tree } from "../helpers/locales.js";

const res = loadResources();
const kk = res.kk as Tree;
const ru = res.ru as Tree;
const keys = baseKeys(flatten(kk));
const files = new Set(readdirSync(`${LOCALES_DIR}/kk`).map((f) => f.replace(/\.json$/, "")));
const code = scanDirs(["bot", "machines"]);

describe("locales", () => {
  it("kk and ru carry the same keys, with the plural forms each language needs", () => {
    expect(parityProblems(kk, ru)).toEqual([]);
  });

  it("the parity check catches a key missing in one language and a missing plural form", () => {
    const broken = structuredClone(ru) as Record<string, Record<string, string>>;
    delete broken.common!.error;
    broken.common!.days_one = "{{count}} день";
    broken.common!.days_other = "{{count}} дней";
    const kkPlural = structuredClone(kk) as Record<string, Record<string, string>>;
    kkPlural.common!.days_other = "{{count}} күн";
    expect(parityProblems(kkPlural, broken)).toEqual([
      "only in kk: common.error",
      "kk: common.days lacks the plural form _one",
      "ru: common.days lacks the plural form _few",
      "ru: common.days lacks the plural form _many",
    ]);
  });

  it("every key is used by the code, and every key the code names exists", () => {
    expect(unusedKeys(keys, code)).toEqual([]);
    expect(missingKeys(keys, code, files)).toEqual([]);
  });

  it("the usage check catches an unused key and a key the locales lack", () => {
    const scan = scanSource([{ name: "x.ts", text: `say("common.error"); say("common.nowhere"); say(\`help.\${role}\`);` }]);
    expect(unusedKeys(new Set(["common.error", "common.orphan", "help.staff"]), scan)).toEqual(["common.orphan"]);
    expect(missingKeys(new Set(["common.error"]), scan, new Set(["common"]))).toEqual(["common.nowhere"]);
  });

  it("bot/ and machines/ hold no user-facing text", () => {
    expect(code.texts).toEqual([]);
  });

  it("the text check catches Cyrillic literals and English sent to a user", () => {
    const scan = scanSource([
      { name: "a.ts", text: `ctx.reply("Привет");\nlog.info("update handled");\napi.sendMessage(1, "Hello there");\nconst o = { text: "Press me" };` },
    ]);
    expect(scan.texts).toEqual(["a.ts:1 Привет", "a.ts:3 Hello there", "a.ts:4 Press me"]);
  });

  it("Kazakh is written with Kazakh letters, not as transliterated Russian", () => {
    expect(notKazakh(kk)).toEqual([]);
    expect(notKazakh({ x: { y: "Выберите, пожалуйста, язык" } })).toEqual(["x.y"]);
  });

  it("no text is left untranslated: kk and ru differ for every key", async () => {
    const fk = flatten(kk);
    const fr = flatten(ru);
    // Texts that are only placeholders and punctuation ("{{date}} — {{what}}") are the same in both,
    // and so are words Kazakh uses as Russian does (the Law «Медиация туралы» says «медиатор»; «онлайн»),
    // and the product's name (and «Наурыз мейрамы», the holiday's official name in Russian too).
    const SAME_WORD = new Set(["admin.roleNames.mediator", "sitting.holiday.nauryz", "sitting.format.online", "sitting.onlineAt", "sitting.icsCalendar", "mediation.role.mediator", "escalation.patient", "escalation.mediationLabel", "agreement.mediator", "agreement.signMediator", "cases.accessRole.mediator", "numbers.scale.million_one", "numbers.scale.billion_one"]);
    expect([...fk].filter(([k, v]) => fr.get(k) === v && /\p{L}/u.test(words(v)) && !SAME_WORD.has(k)).map(([k]) => k)).toEqual([]);
    const i18n = await createI18n();
    expect(i18n.t("kk")("common.error")).not.toBe("common.error");
  });

  it("a text asked for again is the same as i18next gives it, for every key in both languages, with or without parameters (numbers and plural forms too)", async () => {
    const i18n = await createI18n();
    const plain = i18next.createInstance();
    await plain.init({ resources: { kk: { translation: res.kk }, ru: { translation: res.ru } }, lng: "kk", fallbackLng: false, interpolation: { escapeValue: false }, returnNull: false, initAsync: false });
    const params = { count: 3, name: "Айгүл", date: "02.03.2026", what: "X", n: 2, total: 5 };
    // Numbers only (remembered), with plural forms: each count its own.
    const numbers = [1, 2, 5, 21].map((n) => ({ count: n, step: n, total: 11, n, days: n }));
    for (const lang of ["kk", "ru"] as const) {
      const fresh = plain.getFixedT(lang);
      for (const key of keys) {
        // Twice: the second answer comes from what the first remembered.
        for (let i = 0; i < 2; i++) {
          expect(i18n.t(lang)(key), `${lang} ${key}`).toBe(fresh(key));
          expect(i18n.t(lang)(key, {}), `${lang} ${key} {}`).toBe(fresh(key, {}));
          expect(i18n.t(lang)(key, params), `${lang} ${key} with parameters`).toBe(fresh(key, params));
          for (const p of numbers) expect(i18n.t(lang)(key, p), `${lang} ${key} ${JSON.stringify(p)}`).toBe(fresh(key, p));
        }
      }
    }
  });

  it("the consent version changes when the consent text changes", async () => {
    const a = await createI18n();
    const changed = structuredClone(res);
    (changed.ru as Record<string, Record<string, string>>).privacy!.consent += " ";
    const b = await createI18n(changed);
    expect(a.consentVersion).not.toBe(b.consentVersion);
    expect((await createI18n()).consentVersion).toBe(a.consentVersion);
  });

  it("every kind of case event the bot records has its text in the timeline, in both languages", () => {
    const kinds = new Set<string>();
    for (const f of readdirSync("bot/features", { recursive: true, encoding: "utf8" }).filter((n) => n.endsWith(".ts"))) {
      for (const m of readFileSync(`bot/features/${f}`, "utf8").matchAll(/\b(?:kind|event): "([a-z_]+)"/g)) kinds.add(m[1]!);
    }
    expect(kinds.size).toBeGreaterThanOrEqual(5);
    for (const k of kinds) for (const tree of [kk, ru]) expect(flatten(tree).has(`cases.events.${k}`), k).toBe(true);
  });

  it("says none of the words law.md forbids: nothing 'accepted', 'sent higher' or 'paid to you', no 'medical error' as a term, no mediation started by a button", () => {
    const FORBIDDEN: Record<"kk" | "ru", RegExp[]> = {
      ru: [/обращение принято/i, /передан[оаы]? (выше|в вышестоящ)/i, /вам (выплатят|заплатят)/i, /будет выплачен/i, /ваша выплата/i, /медицинск\S* ошибк/i, /пациент умер/i, /ваш случай/i,
        // Mediation starts the day its contract is signed (law.md §4); agreeing in the bot is no signature.
        /медиация (началась|начнётся, когда)/i, /началась медиация/i],
      kk: [/өтініш қабылданды/i, /жоғары органға жіберілді/i, /сізге төленеді/i, /сіздің төлеміңіз/i, /медициналық қателі/i, /сіздің жағдайыңыз/i,
        /медиация басталды/i, /келіскенде басталады/i],
    };
    for (const [lang, tree] of [["kk", kk], ["ru", ru]] as const) {
      const hits = [...flatten(tree)].flatMap(([k, v]) => FORBIDDEN[lang].filter((re) => re.test(v)).map((re) => `${k}: ${re.source}`));
      expect(hits).toEqual([]);
    }
    // "Error" only as everyday speech, in quotes: «врачебная ошибка» / «дәрігердің қателігі».
    const bare = (tree: Tree, re: RegExp, marked: RegExp) => [...flatten(tree)].filter(([, v]) => re.test(v.replace(marked, ""))).map(([k]) => k);
    expect(bare(ru, /врачебн\S* ошибк/i, /«врачебная ошибка»/g)).toEqual([]);
    expect(bare(kk, /қател/i, /«дәрігердің қателігі»/g)).toEqual([]);
  });

  it("messages fit a phone screen: none longer than 1,500 characters", () => {
    for (const flat of [flatten(kk), flatten(ru)]) for (const [k, v] of flat) expect(v.length, k).toBeLessThanOrEqual(1500);
  });
});
