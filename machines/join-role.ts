// Staff and mediators join by an admin's invite link: the language (the app's when it is Kazakh or Russian,
// else asked — never both at once), their full name, their position (a mediator: their registry or
// certificate details), and their acceptance of the role's confidentiality terms — then the role is theirs.
// They are named by their full name to others; the patient's consent is asked only if they file a notice.
// Admins (ADMIN_IDS) pass the same door at their first /admin, without a link. It ends on the role's home screen.
import { assign, setup } from "xstate";
import { isLang, type Bilingual, type Button, type Lang } from "./effects.js";
import { askAgain, chose, effectActions, UNSAVED, type FlowDef, type FlowEvent, type Profile } from "./flow.js";
import { checkName } from "./notice-rules.js";
import { languageButtons } from "./onboarding.js";

export const TITLE_MIN = 3;
export const TITLE_MAX = 200;

interface Context {
  token: string;
  /** An invite the admin who made it chose to take themselves (its link opened by them): named by its id, not its token. */
  inviteId?: number | null;
  /**
   * That admin's full name as the bot has it (their own door at /admin asked it): offered to keep rather than asked
   * again. Absent or null for a colleague, who is asked it.
   */
  knownName?: string | null;
  role: "staff" | "mediator" | "admin";
  org: Bilingual | null;
  language: Lang | null;
  telegramLanguage: Lang | null;
  fullName: string;
  title: string;
}

const cancel: Button = { key: "admin.cancel", value: "cancel" };
/** Declined: an invite can be opened again while it is valid; an admin's door is /admin again. */
// An admin leaving their own invite (inviteId) was not invited: their link is unused, for a colleague or for later.
const notJoined = (c: Context) => (c.role === "admin" ? "roles.notAccepted" : c.inviteId ? "roles.notJoinedOwn" : "roles.notJoined");
const text = (e: FlowEvent) => (e.type === "TEXT" ? e.text : "");
/** A full name: checkName's letters, and at least a surname and a name. */
const fullName = (e: FlowEvent) => {
  const r = checkName(text(e));
  return r.ok && r.value.split(" ").length >= 2 ? r.value : null;
};
const title = (e: FlowEvent) => {
  const s = text(e).trim().replace(/\s+/g, " ");
  return s.length >= TITLE_MIN && s.length <= TITLE_MAX && /\p{L}{2}/u.test(s) ? s : null;
};

/**
 * The name question. A colleague is told they were invited; the admin who made the invite and takes it themselves is
 * told they register in the role they created — and, their full name known, shown it to keep or to type another.
 */
const askName = (c: Context) => {
  const params = { org: c.org ?? "", name: c.knownName ?? "" };
  if (!c.inviteId || c.role === "admin") return { key: `roles.askName.${c.role}`, params, buttons: [[cancel]] };
  const own = c.role === "mediator" ? "ownMediator" : "ownStaff";
  if (!c.knownName) return { key: `roles.askName.${own}`, params, buttons: [[cancel]] };
  return { key: `roles.askName.${own}Known`, params, buttons: [[{ key: "roles.keepName", value: "keep" }], [cancel]] };
};

export const roleJoinMachine = setup({
  types: {} as { context: Context; events: FlowEvent; input: Context },
  actions: {
    ...effectActions,
    redeemInvite: (_: unknown, _params: { token: string; inviteId?: number; fullName: string; title: string }) => undefined,
    acceptAdminTerms: (_: unknown, _params: { fullName: string; title: string }) => undefined,
    showHome: () => undefined,
  },
}).createMachine({
  id: "roleJoin",
  context: ({ input }) => input,
  initial: "start",
  states: {
    start: {
      always: [
        { guard: ({ context }) => context.language !== null, target: "name" },
        {
          guard: ({ context }) => context.telegramLanguage !== null,
          target: "name",
          actions: [assign({ language: ({ context }) => context.telegramLanguage }), { type: "setLanguage", params: ({ context }) => ({ language: context.telegramLanguage! }) }],
        },
        { target: "language" },
      ],
    },
    language: {
      entry: [{ type: "say", params: { key: "language.choose", bilingual: true, buttons: languageButtons } }],
      on: {
        LANGUAGE: { target: "name", actions: assign({ language: ({ event }) => event.language }) },
        REPEAT: { target: "language", reenter: true },
        TEXT: { target: "language", reenter: true, actions: [{ type: "say", params: { key: "common.useButtons", bilingual: true } }] },
        MEDIA: { target: "language", reenter: true, actions: [{ type: "say", params: { key: "common.useButtons", bilingual: true } }] },
      },
    },
    name: {
      entry: [{ type: "say", params: ({ context }) => askName(context) }],
      on: {
        TEXT: [
          { guard: ({ event }) => fullName(event) !== null, target: "title", actions: assign({ fullName: ({ event }) => fullName(event)! }) },
          { target: "name", reenter: true, actions: [{ type: "say", params: { key: "roles.error.name" } }] },
        ],
        CHOICE: [
          // «Оставить это имя»: the name the bot has, offered only to an admin taking their own invite.
          { guard: ({ context, event }) => chose("keep")({ event }) && !!context.knownName, target: "title", actions: assign({ fullName: ({ context }) => context.knownName! }) },
          { guard: chose("cancel"), target: "done", actions: [{ type: "say", params: ({ context }) => ({ key: notJoined(context) }) }, "showHome"] },
        ],
        ...askAgain("name"),
      },
    },
    title: {
      tags: [UNSAVED],
      entry: [{ type: "say", params: ({ context }) => ({ key: `roles.askTitle.${context.role}`, params: { max: TITLE_MAX }, buttons: [[cancel]] }) }],
      on: {
        TEXT: [
          { guard: ({ event }) => title(event) !== null, target: "terms", actions: assign({ title: ({ event }) => title(event)! }) },
          { target: "title", reenter: true, actions: [{ type: "say", params: { key: "roles.error.title", params: { min: TITLE_MIN, max: TITLE_MAX } } }] },
        ],
        CHOICE: { guard: chose("cancel"), target: "done", actions: [{ type: "say", params: ({ context }) => ({ key: notJoined(context) }) }, "showHome"] },
        ...askAgain("title"),
      },
    },
    // The confidentiality terms of the role, accepted as the patient's consent is: a press, its time and the text's version.
    terms: {
      tags: [UNSAVED],
      entry: [
        {
          type: "say",
          params: ({ context }) => ({ key: `roles.terms.${context.role}`, buttons: [[{ key: "roles.accept", value: "accept" }], [{ key: "roles.decline", value: "decline" }]] }),
        },
      ],
      on: {
        CHOICE: [
          {
            guard: ({ context, event }) => chose("accept")({ event }) && context.role === "admin",
            target: "done",
            actions: [{ type: "acceptAdminTerms", params: ({ context }) => ({ fullName: context.fullName, title: context.title }) }, "showHome"],
          },
          {
            guard: chose("accept"),
            target: "done",
            actions: [
              {
                type: "redeemInvite",
                params: ({ context }) => ({ token: context.token, ...(context.inviteId ? { inviteId: context.inviteId } : {}), fullName: context.fullName, title: context.title }),
              },
              "showHome",
            ],
          },
          { guard: chose("decline"), target: "done", actions: [{ type: "say", params: ({ context }) => ({ key: notJoined(context) }) }, "showHome"] },
        ],
        ...askAgain("terms"),
      },
    },
    done: { type: "final" },
  },
});

export const roleJoinFlow: FlowDef = {
  name: "roleJoin",
  version: 1,
  machine: roleJoinMachine,
  showsHome: true,
  cancelled: (c) => notJoined(c as Context),
  input: (p: Profile): Context => ({
    token: "",
    inviteId: null,
    knownName: null,
    role: "staff",
    org: null,
    language: p.language,
    telegramLanguage: isLang(p.telegramLanguage) ? p.telegramLanguage : null,
    fullName: "",
    title: "",
  }),
};
