// i18next, initialised once. Each locales/<lang>/<file>.json is the key prefix <file>.
// Per update the bot takes a fixed t for the user's language — never changeLanguage (global, racy).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import i18next, { type TFunction } from "i18next";
import { CONSENT_TEXT_KEYS, LANGUAGES, type ConsentText, type Lang, type Params } from "../machines/effects.js";

export const LOCALES_DIR = new URL("../locales/", import.meta.url).pathname;

export type Resources = Record<Lang, Record<string, unknown>>;

export const loadResources = (dir = LOCALES_DIR): Resources => {
  const out = {} as Resources;
  for (const lang of LANGUAGES) {
    const tree: Record<string, unknown> = {};
    for (const f of readdirSync(join(dir, lang)).filter((n) => n.endsWith(".json")).sort()) {
      tree[f.slice(0, -5)] = JSON.parse(readFileSync(join(dir, lang, f), "utf8")) as unknown;
    }
    out[lang] = tree;
  }
  return out;
};

export interface I18n {
  t(lang: Lang): TFunction;
  /** The same key in both languages, Kazakh first. */
  both(key: string, params?: Params): string;
  /** Version of the consent text: changes whenever either language's text changes. */
  consentVersion: string;
  /** The version of any text (both languages): what someone accepted, recorded beside their acceptance. */
  versionOf(key: string): string;
}

/** Texts remembered per language at most; past it the memory starts afresh (numbers in texts are unbounded). */
const REMEMBERED = 5_000;

/**
 * A text is the same every time for the same parameters (the resources never change after init): a text without
 * parameters, or whose parameters are all numbers (a question's "3/11"), is looked up in i18next once and then
 * remembered — a message, its buttons and a command menu name dozens of texts per update, and i18next's lookup
 * (options, nesting, interpolation: 20–40 µs a text with parameters) was the largest cost of rendering. Texts
 * with other parameters (names, dates: what users typed) still go through i18next each time and are never kept.
 */
const remembered = (t: TFunction): TFunction => {
  const call = t as unknown as (...a: unknown[]) => unknown;
  const texts = new Map<string, unknown>();
  /** The memory's key for a lookup that can be remembered, else null. */
  const keyOf = (key: unknown, options: unknown, rest: unknown[]): string | null => {
    if (typeof key !== "string" || rest.length > 0) return null;
    if (options === undefined) return key;
    if (typeof options !== "object" || options === null) return null;
    let out = key;
    for (const [k, v] of Object.entries(options)) {
      if (typeof v !== "number") return null;
      out += `\u0000${k}=${v}`;
    }
    return out;
  };
  const wrapped = (key: unknown, options?: unknown, ...rest: unknown[]): unknown => {
    const memo = keyOf(key, options, rest);
    if (memo === null) return call(key, options, ...rest);
    let text = texts.get(memo);
    if (text === undefined) {
      text = options === undefined ? call(key) : call(key, options);
      if (texts.size >= REMEMBERED) texts.clear();
      texts.set(memo, text);
    }
    return text;
  };
  return wrapped as unknown as TFunction;
};

/** The version of each consent text as shown now (what a consent given to it records). */
export const consentVersionsOf = (i18n: Pick<I18n, "versionOf">): Record<ConsentText, string> => ({
  applicant: i18n.versionOf(CONSENT_TEXT_KEYS.applicant),
  relative: i18n.versionOf(CONSENT_TEXT_KEYS.relative),
});

export const createI18n = async (resources: Resources = loadResources()): Promise<I18n> => {
  const instance = i18next.createInstance();
  await instance.init({
    resources: Object.fromEntries(LANGUAGES.map((l) => [l, { translation: resources[l] }])),
    lng: "kk",
    fallbackLng: false,
    supportedLngs: [...LANGUAGES],
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  const fixed = Object.fromEntries(LANGUAGES.map((l) => [l, remembered(instance.getFixedT(l))])) as Record<Lang, TFunction>;
  const versionOf = (key: string) =>
    createHash("sha256")
      .update(LANGUAGES.map((l) => fixed[l](key)).join("\u0000"))
      .digest("hex")
      .slice(0, 12);
  return {
    t: (lang) => fixed[lang],
    both: (key, params) => LANGUAGES.map((l) => fixed[l](key, params)).join("\n\n"),
    consentVersion: versionOf("privacy.consent"),
    versionOf,
  };
};
