// The applicant's own particulars — surname, name, patronymic, IIN, postal address — for what must name them:
// a complaint's draft (law.md §6: anonymous appeals are not considered) and the mediation contract and the
// settlement agreement (law.md §4: the parties by full name). Asked once: the next time the bot offers
// what was given, to use or to change. Then the purpose's effect: the draft, or the agreement to mediate.
import { assign, setup } from "xstate";
import type { ApplicantDetails, Button, DraftTarget } from "./effects.js";
import { askAgain, chose, effectActions, UNSAVED, type FlowDef, type FlowEvent, type PatientOfCase } from "./flow.js";
import { checkIin, checkName, maskedIin } from "./notice-rules.js";

export const ADDRESS_MIN = 10;
export const ADDRESS_MAX = 300;

/** What the particulars are for. */
export type Purpose = { for: "complaint"; caseId: number; target: DraftTarget } | { for: "mediation"; mediationId: number };

interface Context {
  purpose: Purpose;
  known: ApplicantDetails | null;
  /** The case's patient (from the notice): an applicant who is the patient gives the patient's IIN, anyone else their own. */
  patient: PatientOfCase | null;
  surname: string;
  name: string;
  patronymic: string;
  iin: string;
  details: ApplicantDetails | null;
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
    { target: state, reenter: true, actions: [{ type: "say" as const, params: { key: "particulars.error.word" } }] },
  ],
  ...askAgain(state),
});

/** Why an IIN cannot be the applicant's on this case, if it cannot: another's than the patient's, or the patient's. */
const iinProblem = (patient: PatientOfCase | null, iin: string): string | null =>
  patient === null ? null : patient.self && iin !== patient.iin ? "notPatientIin" : !patient.self && iin === patient.iin ? "patientIin" : null;
const typedIin = (e: FlowEvent): string | null => {
  const r = checkIin(text(e));
  return r.ok ? r.value.iin : null;
};

const detailsOf = (c: Context, address: string): ApplicantDetails => ({ surname: c.surname, name: c.name, patronymic: c.patronymic, iin: c.iin, address });

export const particularsMachine = setup({
  types: {} as { context: Context; events: FlowEvent; input: { purpose: Purpose } },
  actions: {
    ...effectActions,
    patch: assign((_, params: Partial<Context>) => params),
    findApplicantDetails: (_: unknown, _params: { caseId?: number; mediationId?: number }) => undefined,
    draftEscalation: (_: unknown, _params: { caseId: number; target: DraftTarget; details: ApplicantDetails }) => undefined,
    partyAgree: (_: unknown, _params: { mediationId: number; agree: boolean; details: ApplicantDetails }) => undefined,
  },
  guards: {
    forComplaint: ({ context }) => context.purpose.for === "complaint",
  },
}).createMachine({
  id: "particulars",
  context: ({ input }) => ({ purpose: input.purpose, known: null, patient: null, surname: "", name: "", patronymic: "", iin: "", details: null }),
  initial: "lookup",
  states: {
    // What was given before, if anything.
    lookup: {
      entry: [{ type: "findApplicantDetails", params: ({ context }) => (context.purpose.for === "complaint" ? { caseId: context.purpose.caseId } : { mediationId: context.purpose.mediationId }) }],
      on: {
        DETAILS: [
          {
            // What was given for another case, with an IIN that cannot be the applicant's on this one, is not offered.
            guard: ({ event }) => event.type === "DETAILS" && event.details !== null && iinProblem(event.patient ?? null, event.details.iin) === null,
            target: "confirm",
            actions: assign({ known: ({ event }) => (event.type === "DETAILS" ? event.details : null), patient: ({ event }) => (event.type === "DETAILS" ? (event.patient ?? null) : null) }),
          },
          { target: "surname", actions: assign({ patient: ({ event }) => (event.type === "DETAILS" ? (event.patient ?? null) : null) }) },
        ],
        ...askAgain("lookup"),
      },
    },
    confirm: {
      entry: [
        {
          type: "say",
          params: ({ context }) => ({
            key: "particulars.useKnown",
            // The IIN by its last four digits: enough to know one's own, and the whole of it is not written into the chat
            // again each time (law.md §7); the draft made from it has it whole.
            params: { why: { key: `particulars.why.${context.purpose.for}` }, name: context.known ? fullName(context.known) : "", iin: maskedIin(context.known?.iin ?? ""), address: context.known?.address ?? "" },
            buttons: [[{ key: "particulars.useThem", value: "use" }], [{ key: "particulars.change", value: "change" }], [cancel]],
          }),
        },
      ],
      on: {
        CHOICE: [
          { guard: chose("use"), target: "deliver", actions: assign({ details: ({ context }) => context.known }) },
          { guard: chose("change"), target: "surname" },
          { guard: chose("cancel"), target: "done" },
        ],
        ...askAgain("confirm"),
      },
    },
    surname: {
      entry: [{ type: "say", params: ({ context }) => ({ key: "particulars.askSurname", params: { why: { key: `particulars.why.${context.purpose.for}` } }, buttons: [[cancel]] }) }],
      on: { ...nameWord("surname", "surname", "name"), CHOICE: { guard: chose("cancel"), target: "done" } },
    },
    name: {
      tags: [UNSAVED],
      entry: [{ type: "say", params: { key: "particulars.askName", buttons: [[cancel]] } }],
      on: { ...nameWord("name", "name", "patronymic"), CHOICE: { guard: chose("cancel"), target: "done" } },
    },
    patronymic: {
      tags: [UNSAVED],
      entry: [{ type: "say", params: { key: "particulars.askPatronymic", buttons: [[{ key: "particulars.noPatronymic", value: "none" }], [cancel]] } }],
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
      entry: [{ type: "say", params: { key: "particulars.askIin", buttons: [[cancel]] } }],
      on: {
        TEXT: [
          {
            guard: ({ context, event }) => typedIin(event) !== null && iinProblem(context.patient, typedIin(event)!) !== null,
            target: "iin",
            reenter: true,
            actions: [{ type: "say", params: ({ context, event }) => ({ key: `particulars.error.${iinProblem(context.patient, typedIin(event)!)}` }) }],
          },
          { guard: ({ event }) => typedIin(event) !== null, target: "address", actions: assign({ iin: ({ event }) => typedIin(event)! }) },
          { target: "iin", reenter: true, actions: [{ type: "say", params: ({ event }) => ({ key: `notice.error.${(checkIin(text(event)) as { reason: string }).reason}` }) }] },
        ],
        CHOICE: { guard: chose("cancel"), target: "done" },
        ...askAgain("iin"),
      },
    },
    address: {
      tags: [UNSAVED],
      entry: [{ type: "say", params: { key: "particulars.askAddress", params: { max: ADDRESS_MAX }, buttons: [[cancel]] } }],
      on: {
        TEXT: [
          { guard: ({ event }) => address(event) !== null, target: "deliver", actions: assign({ details: ({ context, event }) => detailsOf(context, address(event)!) }) },
          { target: "address", reenter: true, actions: [{ type: "say", params: { key: "particulars.error.address", params: { min: ADDRESS_MIN, max: ADDRESS_MAX } } }] },
        ],
        CHOICE: { guard: chose("cancel"), target: "done" },
        ...askAgain("address"),
      },
    },
    // The particulars go to what they were asked for.
    deliver: {
      always: [
        {
          guard: "forComplaint",
          target: "done",
          actions: [
            {
              type: "draftEscalation",
              params: ({ context }) => {
                const p = context.purpose as Extract<Purpose, { for: "complaint" }>;
                return { caseId: p.caseId, target: p.target, details: context.details! };
              },
            },
          ],
        },
        {
          target: "done",
          actions: [{ type: "partyAgree", params: ({ context }) => ({ mediationId: (context.purpose as Extract<Purpose, { for: "mediation" }>).mediationId, agree: true, details: context.details! }) }],
        },
      ],
    },
    done: { type: "final" },
  },
});

export const particularsFlow: FlowDef = { name: "particulars", version: 1, role: "applicant", machine: particularsMachine, input: () => ({ purpose: { for: "mediation", mediationId: 0 } }) };
