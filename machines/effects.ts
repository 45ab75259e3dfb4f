// What a machine may ask the world to do. Plain JSON: it is stored in snapshots, logs and the outbox.
// Texts are i18n keys with parameters; the bot renders them in the user's language.

export const LANGUAGES = ["kk", "ru"] as const;
export type Lang = (typeof LANGUAGES)[number];
export const isLang = (x: unknown): x is Lang => x === "kk" || x === "ru";

export type Params = Record<string, string | number>;

/**
 * A button. `global` buttons mean the same in any state (language, consent…) and never go stale;
 * the others belong to the question just asked and stop working once it is answered.
 * `lang` renders the label in that language whatever the user's language is.
 */
export interface Button {
  key: string;
  value: string;
  global?: boolean;
  lang?: Lang;
}

export interface SayEffect {
  type: "say";
  key: string;
  params?: Params;
  buttons?: Button[][];
  /** Render the text once in each language, Kazakh first (for users whose language is unknown). */
  bilingual?: boolean;
}
export interface SetLanguageEffect {
  type: "setLanguage";
  language: Lang;
}
export interface RecordConsentEffect {
  type: "recordConsent";
}

export type Effect = SayEffect | SetLanguageEffect | RecordConsentEffect;
export const EFFECT_TYPES: ReadonlySet<string> = new Set<Effect["type"]>(["say", "setLanguage", "recordConsent"]);

export const say = (key: string, extra: Omit<SayEffect, "type" | "key"> = {}): SayEffect => ({ type: "say", key, ...extra });
