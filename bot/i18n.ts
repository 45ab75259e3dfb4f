// i18next, initialised once. Each locales/<lang>/<file>.json is the key prefix <file>.
// Per update the bot takes a fixed t for the user's language — never changeLanguage (global, racy).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import i18next, { type TFunction } from "i18next";
import { LANGUAGES, type Lang, type Params } from "../machines/effects.js";

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

/**
 * A text without parameters is the same every time (the resources never change after init): each is looked
 * up in i18next once and then remembered — a message, its buttons and a command menu name dozens of them per
 * update, and i18next's lookup (options, nesting, interpolation) was the largest cost of rendering.
 */
const remembered = (t: TFunction): TFunction => {
  const call = t as unknown as (...a: unknown[]) => unknown;
  const texts = new Map<string, unknown>();
  const plain = (options: unknown) => options === undefined || (typeof options === "object" && options !== null && Object.keys(options).length === 0);
  const wrapped = (key: unknown, options?: unknown, ...rest: unknown[]): unknown => {
    if (typeof key !== "string" || rest.length > 0 || !plain(options)) return call(key, options, ...rest);
    let text = texts.get(key);
    if (text === undefined) {
      text = call(key);
      texts.set(key, text);
    }
    return text;
  };
  return wrapped as unknown as TFunction;
};

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
