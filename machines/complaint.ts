// The applicant's particulars for a complaint's draft (law.md §6: a written appeal to a state body carries
// the applicant's surname, name and patronymic, IIN and postal address; anonymous ones are not considered).
// Asked once: the next time the bot offers what was given, to use or to change.
import { assign, setup } from "xstate";
import type { ApplicantDetails, Button, DraftTarget } from "./effects.js";
import { askAgain, chose, effectActions, UNSAVED, type FlowDef, type FlowEvent } from "./flow.js";
import { checkIin, checkName } from "./notice-rules.js";

export const ADDRESS_MIN = 10;
export const ADDRESS_MAX = 300;

interface Context {
  caseId: number;
  target: DraftTarget;
  known: ApplicantDetails | null;
  surname: string;
  name: string;
  patronymic: string;
  iin: string;
}

const cancel: Button = { key: "admin.cancel", value: "cancel" };
const text = (e: FlowEvent) => (e.type === "TEXT" ? e.text : "");
/** One word of a name: letters, a hyphen or an apostrophe (checkName's rules, no spaces). */
const word = (e: FlowEvent) => {
  const r = checkName(text(e));
  return r.ok && !r.value.includes(" ") ? r.value : null;
};
const address = (e: FlowEvent) => {
  const s = text(e).trim().replace(/\s+/g, " ");
  return s.length >= ADDRESS_MIN && s.length <= ADDRESS_MAX && /\p{L}{2}/u.test(s) ? s : null;
};
const fullName = (d: { surname: string; name: string; patronymic: string }) => [d.surname, d.name, d.patronymic].filter(Boolean).join(" ");

/** A question answered with one word of the name; anything else is refused with the reason. */
const nameWord = (state: string, field: "surname" | "name" | "patronymic", next: string) => ({
  TEXT: [
    { guard: ({ event }: { event: FlowEvent }) => word(event) !== null, target: next, actions: { type: "patch" as const, params: ({ event }: { event: FlowEvent }) => ({ [field]: word(event)! }) } },
    { target: state, reenter: true, actions: [{ type: "say" as const, params: { key: "complaint.error.word" } }] },
  ],
  ...askAgain(state),
});

export const complaintMachine = setup({
  types: {} as { context: Context; events: FlowEvent; input: { caseId: number; target: DraftTarget } },
  actions: {
    ...effectActions,
    patch: assign((_, params: Partial<Context>) => params),
    findApplicantDetails: (_: unknown, _params: object) => undefined,
    draftEscalation: (_: unknown, _params: { caseId: number; target: DraftTarget; details: ApplicantDetails }) => undefined,
  },
}).createMachine({
  id: "complaint",
  context: ({ input }) => ({ caseId: input.caseId, target: input.target, known: null, surname: "", name: "", patronymic: "", iin: "" }),
  initial: "lookup",
  states: {
    // What was given before, if anything.
    lookup: {
      entry: [{ type: "findApplicantDetails", params: {} }],
      on: {
        DETAILS: [
          { guard: ({ event }) => event.type === "DETAILS" && event.details !== null, target: "confirm", actions: assign({ known: ({ event }) => (event.type === "DETAILS" ? event.details : null) }) },
          { target: "surname" },
        ],
        ...askAgain("lookup"),
      },
    },
    confirm: {
      entry: [
        {
          type: "say",
          params: ({ context }) => ({
            key: "complaint.useKnown",
            params: { name: context.known ? fullName(context.known) : "", iin: context.known?.iin ?? "", address: context.known?.address ?? "" },
            buttons: [[{ key: "complaint.useThem", value: "use" }], [{ key: "complaint.change", value: "change" }], [cancel]],
          }),
        },
      ],
      on: {
        CHOICE: [
          { guard: chose("use"), target: "done", actions: [{ type: "draftEscalation", params: ({ context }) => ({ caseId: context.caseId, target: context.target, details: context.known! }) }] },
          { guard: chose("change"), target: "surname" },
          { guard: chose("cancel"), target: "done" },
        ],
        ...askAgain("confirm"),
      },
    },
    surname: {
      entry: [{ type: "say", params: { key: "complaint.askSurname", buttons: [[cancel]] } }],
      on: { ...nameWord("surname", "surname", "name"), CHOICE: { guard: chose("cancel"), target: "done" } },
    },
    name: {
      tags: [UNSAVED],
      entry: [{ type: "say", params: { key: "complaint.askName", buttons: [[cancel]] } }],
      on: { ...nameWord("name", "name", "patronymic"), CHOICE: { guard: chose("cancel"), target: "done" } },
    },
    patronymic: {
      tags: [UNSAVED],
      entry: [{ type: "say", params: { key: "complaint.askPatronymic", buttons: [[{ key: "complaint.noPatronymic", value: "none" }], [cancel]] } }],
      on: {
        ...nameWord("patronymic", "patronymic", "iin"),
        CHOICE: [
          { guard: chose("none"), target: "iin", actions: assign({ patronymic: "" }) },
          { guard: chose("cancel"), target: "done" },
        ],
      },
    },
    iin: {
      tags: [UNSAVED],
      entry: [{ type: "say", params: { key: "complaint.askIin", buttons: [[cancel]] } }],
      on: {
        TEXT: [
          { guard: ({ event }) => checkIin(text(event)).ok, target: "address", actions: assign({ iin: ({ event }) => (checkIin(text(event)) as { value: { iin: string } }).value.iin }) },
          { target: "iin", reenter: true, actions: [{ type: "say", params: ({ event }) => ({ key: `notice.error.${(checkIin(text(event)) as { reason: string }).reason}` }) }] },
        ],
        CHOICE: { guard: chose("cancel"), target: "done" },
        ...askAgain("iin"),
      },
    },
    address: {
      tags: [UNSAVED],
      entry: [{ type: "say", params: { key: "complaint.askAddress", params: { max: ADDRESS_MAX }, buttons: [[cancel]] } }],
      on: {
        TEXT: [
          {
            guard: ({ event }) => address(event) !== null,
            target: "done",
            actions: [
              {
                type: "draftEscalation",
                params: ({ context, event }) => ({
                  caseId: context.caseId,
                  target: context.target,
                  details: { surname: context.surname, name: context.name, patronymic: context.patronymic, iin: context.iin, address: address(event)! },
                }),
              },
            ],
          },
          { target: "address", reenter: true, actions: [{ type: "say", params: { key: "complaint.error.address", params: { min: ADDRESS_MIN, max: ADDRESS_MAX } } }] },
        ],
        CHOICE: { guard: chose("cancel"), target: "done" },
        ...askAgain("address"),
      },
    },
    done: { type: "final" },
  },
});

export const complaintFlow: FlowDef = { name: "complaint", version: 1, machine: complaintMachine, input: () => ({ caseId: 0, target: "department" }) };
