// First contact: the language (Telegram's when it is kk or ru, else asked), a welcome, and consent to
// processing personal data (law.md §6), recorded before any personal question is asked. Staff, mediators
// and admins get only the language here: their role's home follows, and the patient's consent waits until
// they file a notice themselves.
import { assign, setup } from "xstate";
import { act, chooseLanguage, giveConsent } from "./actions.js";
import { isLang, type Button, type ConsentText, type Lang } from "./effects.js";
import { effectActions, type FlowDef, type FlowEvent, type Profile } from "./flow.js";

interface Context {
  language: Lang | null;
  telegramLanguage: Lang | null;
  hasConsent: boolean;
  /** Staff, a mediator or an admin (absent in snapshots stored before roles had their own door). */
  hasRole?: boolean;
  /**
   * The command the person asked for before onboarding could let them in (/notice before any language was chosen):
   * carried through the questions, and run once they are answered (machines/chat.ts). A declined consent drops a notice.
   */
  then?: string | null;
}

export const languageButtons: Button[][] = [
  [
    { key: "language.name", lang: "kk", ...act(chooseLanguage, { lang: "kk" }) },
    { key: "language.name", lang: "ru", ...act(chooseLanguage, { lang: "ru" }) },
  ],
];
/** The answers to a consent text: each names the text shown, whose version is recorded (law.md §7). */
export const consentButtonsFor = (text: ConsentText): Button[][] => [
  [
    { key: "privacy.agree", ...act(giveConsent, { answer: "yes", text }) },
    { key: "privacy.decline", ...act(giveConsent, { answer: "no", text }) },
  ],
];
/** The answers to the applicant's consent text (privacy.consent). */
export const consentButtons: Button[][] = consentButtonsFor("applicant");

/**
 * A consent text's question, short — its last line (privacy.consentQuestion, relatives.consentQuestion) with its
 * buttons, after an answer that is not a button: the hint, then the question; the whole text again would bury them.
 */
export const consentAgainFor = (text: ConsentText) => [
  { type: "say" as const, params: { key: "common.useButtons" } },
  { type: "say" as const, params: { key: text === "relative" ? "relatives.consentQuestion" : "privacy.consentQuestion", buttons: consentButtonsFor(text) } },
];
/** The applicant's (here, and at a notice's own consent question). */
export const consentAgain = consentAgainFor("applicant");
/**
 * A consent question asked again: the whole text where it is shown anew (a restart, another language, back from a flow
 * that ended); only its last line with its buttons where it is still on screen (REPEAT brief: after /help, an edited
 * message, a stale button).
 */
export const consentRepeatFor = (state: string, text: ConsentText) => ({
  REPEAT: [{ guard: ({ event }: { event: FlowEvent }) => event.type === "REPEAT" && event.brief === true, actions: consentAgainFor(text).slice(1) }, { target: state, reenter: true }],
});

export const onboardingMachine = setup({
  types: {} as { context: Context; events: FlowEvent; input: Context },
  actions: effectActions,
  guards: {
    knowsLanguage: ({ context }) => context.language !== null,
    hasConsent: ({ context }) => context.hasConsent,
    telegramLanguageUsable: ({ context }) => context.telegramLanguage !== null,
  },
}).createMachine({
  id: "onboarding",
  context: ({ input }) => input,
  initial: "start",
  states: {
    start: {
      always: [
        { guard: ({ context }) => context.hasRole === true && context.language !== null, target: "done" },
        {
          guard: ({ context }) => context.hasRole === true && context.telegramLanguage !== null,
          target: "done",
          actions: [{ type: "setLanguage", params: ({ context }) => ({ language: context.telegramLanguage as Lang }) }],
        },
        {
          guard: ({ context }) => context.language !== null && context.hasConsent,
          target: "done",
          actions: [{ type: "say", params: { key: "onboarding.welcomeBack" } }],
        },
        { guard: "knowsLanguage", target: "consent", actions: [{ type: "say", params: { key: "onboarding.welcome" } }] },
        {
          guard: "telegramLanguageUsable",
          target: "consent",
          actions: [
            assign({ language: ({ context }) => context.telegramLanguage }),
            { type: "setLanguage", params: ({ context }) => ({ language: context.telegramLanguage as Lang }) },
            { type: "say", params: { key: "onboarding.welcome" } },
          ],
        },
        { target: "language" },
      ],
    },
    language: {
      entry: [{ type: "say", params: { key: "language.choose", bilingual: true, buttons: languageButtons } }],
      on: {
        LANGUAGE: [
          { guard: ({ context }) => context.hasRole === true, target: "done", actions: assign({ language: ({ event }) => event.language }) },
          { target: "consent", actions: [assign({ language: ({ event }) => event.language }), { type: "say", params: { key: "onboarding.welcome" } }] },
        ],
        REPEAT: { target: "language", reenter: true },
        TEXT: { target: "language", reenter: true, actions: [{ type: "say", params: { key: "common.useButtons", bilingual: true } }] },
        MEDIA: { target: "language", reenter: true, actions: [{ type: "say", params: { key: "common.useButtons", bilingual: true } }] },
      },
    },
    consent: {
      entry: [{ type: "say", params: { key: "privacy.consent", buttons: consentButtons } }],
      on: {
        CONSENT: [
          { guard: ({ event }) => event.given, target: "done", actions: [assign({ hasConsent: true }), { type: "say", params: { key: "privacy.thanks" } }] },
          // Declined: the notice asked for is not begun (it would ask the same consent again at once), nor /mydata's
          // summary and files sent to someone who has just said no — but what they asked is not left unanswered: /mydata
          // needs no consent, sent again.
          {
            guard: ({ context }) => context.then === "mydata",
            target: "done",
            actions: [assign({ then: null }), { type: "say", params: { key: "privacy.declined" } }, { type: "say", params: { key: "privacy.declinedMydata" } }],
          },
          {
            target: "done",
            actions: [assign({ then: ({ context }) => (context.then === "notice" || context.then === "mydata" ? null : (context.then ?? null)) }), { type: "say", params: { key: "privacy.declined" } }],
          },
        ],
        LANGUAGE: { target: "consent", reenter: true, actions: assign({ language: ({ event }) => event.language }) },
        ...consentRepeatFor("consent", "applicant"),
        // Words or a sticker instead of an answer: the buttons are the answer — said in a line, with the question's own
        // last line and its buttons: the whole text again would bury them (/privacy shows it).
        TEXT: { actions: consentAgain },
        MEDIA: { actions: consentAgain },
      },
    },
    done: { type: "final" },
  },
});

export const onboardingFlow: FlowDef = {
  name: "onboarding",
  version: 1,
  machine: onboardingMachine,
  input: (p: Profile): Context => ({
    language: p.language,
    telegramLanguage: isLang(p.telegramLanguage) ? p.telegramLanguage : null,
    hasConsent: p.hasConsent,
    hasRole: p.roles.some((r) => r !== "applicant"),
  }),
};
