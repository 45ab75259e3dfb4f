// A relative opens the applicant's invite link (t.me/<bot>?start=c_<token>): the language if it is not
// known yet (taken from the app when it is Kazakh or Russian, said so with the buttons to change it), who
// they are to the patient (law.md §3: spouse, close relative, legal representative), consent to processing personal data if not given yet, then their name (the applicant sees it with the
// relation, to know who joined) — then the bot checks the link and adds them.
import { assign, setup } from "xstate";
import { isLang, type Lang } from "./effects.js";
import { askAgain, chose, effectActions, type FlowDef, type FlowEvent, type Profile } from "./flow.js";
import { checkName } from "./notice-rules.js";
import { consentAgainFor, consentButtonsFor, consentRepeatFor, languageButtons } from "./onboarding.js";

/** What a relative may be to the patient (the applicant is the patient or one of these). */
export const RELATIVE_RELATIONS = ["spouse", "relative", "representative"] as const;
export type RelativeRelation = (typeof RELATIVE_RELATIONS)[number];
/** A case invite in /start's payload: "c_" and a 32-character token. */
export const CASE_INVITE = /^c_([A-Za-z0-9_-]{32})$/;

interface Context {
  token: string;
  /** The case's number, to say which case the link opens. */
  number: string;
  language: Lang | null;
  telegramLanguage: Lang | null;
  hasConsent: boolean;
  relation: RelativeRelation | null;
  /** The name they gave (absent in snapshots stored before the flow asked it). */
  fullName?: string;
}

/** A name to show the applicant: checkName's letters, and at least a surname and a name. */
const givenName = (e: FlowEvent): string | null => {
  if (e.type !== "TEXT") return null;
  const r = checkName(e.text);
  return r.ok && r.value.split(" ").length >= 2 ? r.value : null;
};

export const joinMachine = setup({
  types: {} as { context: Context; events: FlowEvent; input: Context },
  actions: { ...effectActions, joinCase: (_: unknown, _params: { token: string; relation: RelativeRelation; fullName: string }) => undefined },
}).createMachine({
  id: "join",
  context: ({ input }) => input,
  initial: "start",
  states: {
    start: {
      always: [
        { guard: ({ context }) => context.language !== null, target: "relation" },
        {
          guard: ({ context }) => context.telegramLanguage !== null,
          target: "relation",
          actions: [
            assign({ language: ({ context }) => context.telegramLanguage }),
            { type: "setLanguage", params: ({ context }) => ({ language: context.telegramLanguage! }) },
            // Taken from the app, not chosen: said, with the way to the other (the applicant may write in it).
            { type: "say", params: { key: "relatives.languageHint", buttons: languageButtons } },
          ],
        },
        { target: "language" },
      ],
    },
    language: {
      entry: [{ type: "say", params: { key: "language.choose", bilingual: true, buttons: languageButtons } }],
      on: {
        LANGUAGE: { target: "relation", actions: assign({ language: ({ event }) => event.language }) },
        REPEAT: { target: "language", reenter: true },
        TEXT: { target: "language", reenter: true, actions: [{ type: "say", params: { key: "common.useButtons", bilingual: true } }] },
        MEDIA: { target: "language", reenter: true, actions: [{ type: "say", params: { key: "common.useButtons", bilingual: true } }] },
      },
    },
    relation: {
      entry: [
        {
          type: "say",
          params: ({ context }) => ({
            key: "relatives.askRelation",
            params: { number: context.number },
            buttons: [...RELATIVE_RELATIONS.map((r) => [{ key: `relatives.relation.${r}`, value: r }]), [{ key: "relatives.notNow", value: "no" }]],
          }),
        },
      ],
      on: {
        CHOICE: [
          { guard: chose("no"), target: "done", actions: [{ type: "say", params: { key: "relatives.notJoined" } }] },
          {
            guard: ({ event }) => event.type === "CHOICE" && (RELATIVE_RELATIONS as readonly string[]).includes(event.value),
            target: "checkConsent",
            actions: assign({ relation: ({ event }) => (event as { value: RelativeRelation }).value }),
          },
        ],
        ...askAgain("relation"),
      },
    },
    checkConsent: {
      always: [{ guard: ({ context }) => context.hasConsent, target: "name" }, { target: "consent" }],
    },
    consent: {
      entry: [{ type: "say", params: { key: "relatives.consent", buttons: consentButtonsFor("relative") } }],
      on: {
        CONSENT: [
          { guard: ({ event }) => event.given, target: "name", actions: [{ type: "say", params: { key: "privacy.thanks" } }] },
          { target: "done", actions: [{ type: "say", params: { key: "relatives.notJoined" } }] },
        ],
        // Words or a picture instead of an answer: the buttons are the answer — said in a line, with the question's own
        // last line and its buttons (as at the onboarding's consent); the whole text again would bury them.
        TEXT: { actions: consentAgainFor("relative") },
        MEDIA: { actions: consentAgainFor("relative") },
        ...askAgain("consent"),
        ...consentRepeatFor("consent", "relative"),
      },
    },
    name: {
      entry: [{ type: "say", params: { key: "relatives.askName", buttons: [[{ key: "relatives.notNow", value: "no" }]] } }],
      on: {
        TEXT: [
          { guard: ({ event }) => givenName(event) !== null, target: "join", actions: assign({ fullName: ({ event }) => givenName(event)! }) },
          { target: "name", reenter: true, actions: [{ type: "say", params: { key: "roles.error.name" } }] },
        ],
        CHOICE: { guard: chose("no"), target: "done", actions: [{ type: "say", params: { key: "relatives.notJoined" } }] },
        ...askAgain("name"),
      },
    },
    join: {
      always: { target: "done", actions: [{ type: "joinCase", params: ({ context }) => ({ token: context.token, relation: context.relation!, fullName: context.fullName ?? "" }) }] },
    },
    done: { type: "final" },
  },
});

export const joinFlow: FlowDef = {
  name: "join",
  version: 1,
  machine: joinMachine,
  cancelled: () => "relatives.notJoined",
  input: (p: Profile) => ({
    token: "",
    number: "",
    language: p.language,
    telegramLanguage: isLang(p.telegramLanguage) ? p.telegramLanguage : null,
    hasConsent: p.hasConsent,
    relation: null,
  }),
};
