// The onboarding machine through pure transitions: no bot, no database.
import { describe, expect, it } from "vitest";
import { initialTransition, transition } from "xstate";
import { onboardingMachine } from "../../machines/onboarding.js";

const start = (input: { language: "kk" | "ru" | null; telegramLanguage: "kk" | "ru" | null; hasConsent: boolean }) => initialTransition(onboardingMachine, input);
const effects = (actions: { type: string; params?: unknown }[]) => actions.map((a) => ({ type: a.type, ...(a.params as object) }));

describe("onboarding machine", () => {
  it("asks the language, in both languages, when it knows none", () => {
    const [s, a] = start({ language: null, telegramLanguage: null, hasConsent: false });
    expect(s.value).toBe("language");
    expect(effects(a)).toEqual([expect.objectContaining({ type: "say", key: "language.choose", bilingual: true })]);
  });

  it("takes Telegram's language when it is kk or ru, and goes to consent", () => {
    const [s, a] = start({ language: null, telegramLanguage: "ru", hasConsent: false });
    expect(s.value).toBe("consent");
    expect(effects(a).map((e) => ("key" in e ? e.key : e.type))).toEqual(["setLanguage", "onboarding.welcome", "privacy.consent"]);
    expect(effects(a)[0]).toEqual({ type: "setLanguage", language: "ru" });
  });

  it("finishes at once for a user who has a language and consent", () => {
    const [s] = start({ language: "kk", telegramLanguage: null, hasConsent: true });
    expect(s.status).toBe("done");
  });

  it("goes from language to consent to done", () => {
    const [s0] = start({ language: null, telegramLanguage: null, hasConsent: false });
    const [s1, a1] = transition(onboardingMachine, s0, { type: "LANGUAGE", language: "kk" });
    expect(s1.value).toBe("consent");
    expect(s1.context.language).toBe("kk");
    expect(effects(a1).map((e) => ("key" in e ? e.key : e.type))).toEqual(["onboarding.welcome", "privacy.consent"]);
    const [s2, a2] = transition(onboardingMachine, s1, { type: "CONSENT", given: true });
    expect(s2.status).toBe("done");
    expect(effects(a2)).toEqual([{ type: "say", key: "privacy.thanks" }]);
  });

  it("answers anything else at the consent step with a hint and the question's last line (not the whole text) again", () => {
    const [s0] = start({ language: "kk", telegramLanguage: null, hasConsent: false });
    const [s1, a1] = transition(onboardingMachine, s0, { type: "MEDIA", media: "sticker" });
    expect(s1.value).toBe("consent");
    expect(effects(a1).map((e) => ("key" in e ? e.key : e.type))).toEqual(["common.useButtons", "privacy.consentQuestion"]);
  });

  it("the consent question asked again while on screen (REPEAT brief) is its last line; shown anew (REPEAT), the whole text", () => {
    const [s0] = start({ language: "ru", telegramLanguage: null, hasConsent: false });
    const [s1, a1] = transition(onboardingMachine, s0, { type: "REPEAT", brief: true });
    expect(s1.value).toBe("consent");
    expect(effects(a1).map((e) => ("key" in e ? e.key : e.type))).toEqual(["privacy.consentQuestion"]);
    const [, a2] = transition(onboardingMachine, s1, { type: "REPEAT" });
    expect(effects(a2).map((e) => ("key" in e ? e.key : e.type))).toEqual(["privacy.consent"]);
  });
});
