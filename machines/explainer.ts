// Accident or error? (journey J2): what each term means, a short guided check that ends with what the
// situation resembles and why — always "the commission decides; you can file anyway" — and the minimum
// payments. The questions and how answers combine are data (data/explainer.json) a lawyer can change.
import { assign, enqueueActions, setup, type AnyStateMachine } from "xstate";
import data from "./data/explainer.json" with { type: "json" };
import { act, openMenuItem } from "./actions.js";
import type { Button, Outcome, Params } from "./effects.js";
import { askAgain, chose, effectActions, type FlowDef, type FlowEvent, type Profile } from "./flow.js";
import { mciTenge, paymentRows } from "./payments.js";

export type Answer = "yes" | "no" | "unknown";
export type Resemblance = "accident" | "error" | "unclear";
interface Question {
  id: string;
  yes: Partial<Record<"accident" | "error", number>>;
  no: Partial<Record<"accident" | "error", number>>;
  unknown: Partial<Record<"accident" | "error", number>>;
}
export const QUESTIONS: readonly Question[] = data.questions;

/**
 * What the answers resemble: the side with more weight — by at least `lead` when the answers point both ways (all
 * «yes» is «standards followed» and «something wrong was done» at once: no lean); a tie, or no weight at all, is unclear.
 */
export const resemblance = (answers: Record<string, Answer>): Resemblance => {
  let accident = 0;
  let error = 0;
  for (const q of QUESTIONS) {
    const a = answers[q.id];
    if (!a) continue;
    accident += q[a].accident ?? 0;
    error += q[a].error ?? 0;
  }
  const lead = accident > 0 && error > 0 ? data.lead : 1;
  return accident - error >= lead ? "accident" : error - accident >= lead ? "error" : "unclear";
};

interface Context {
  startAt: "intro" | "payments";
  answers: Record<string, Answer>;
  year: number;
  /** The outcome of the case the user came from, to show its row of the payment table. */
  highlight: Outcome | null;
  /** The case whose view opened the payment table: «◀ Back» there returns to it (absent in older snapshots). */
  caseId?: number | null;
  /** Opened from a notice whose patient died: the payment table begins with condolence (absent in older snapshots). */
  condolence?: boolean;
}
export interface ExplainerInput {
  year: number;
  highlight?: Outcome | null;
  /** Open straight at the payment table (from a case). */
  start?: "intro" | "payments";
  /** The case it was opened from, to go back to. */
  caseId?: number | null;
  /** From a notice whose patient died. */
  condolence?: boolean;
}

const ANSWERS: Answer[] = ["yes", "no", "unknown"];
const done: Button = { key: "explain.done", value: "done" };
/** The payment table's buttons, on the table and on its short repeat. */
const tableButtons: Button[][] = [[{ key: "explain.back", value: "back" }], [done]];
const answerButtons: Button[][] = [ANSWERS.map((a) => ({ key: `explain.answer.${a}`, value: a })), [done]];

/** The payment table as text lines: no drawn table, so a screen reader reads it well. */
export const paymentsParams = (year: number, highlight: Outcome | null): Params => {
  const known = mciTenge(year) !== null;
  return {
    year,
    rows: {
      lines: paymentRows(year).map((r) => ({
        key: `explain.payments.${known ? "row" : "rowMciOnly"}${r.outcome === highlight ? "Yours" : ""}`,
        params: { outcome: { key: `notice.outcome.${r.outcome}` }, mci: r.mci, tenge: r.tenge ?? 0 },
      })),
    },
    note: { key: known ? "explain.payments.noteKnown" : "explain.payments.noteUnknown", params: { year, mciValue: mciTenge(year) ?? 0 } },
  };
};

/** The year of an event's `today` ("YYYY-MM-DD"), or null when it carries none. */
const yearOf = (today: string | undefined): number | null => (today && /^\d{4}-/.test(today) ? Number(today.slice(0, 4)) : null);

/** The reasons as a list: «;» after each but the last, which ends the sentence with «.». */
const reasons = (answers: Record<string, Answer>): Params => {
  const items = QUESTIONS.filter((q) => answers[q.id] && answers[q.id] !== "unknown").map((q) => ({ key: `explain.reason.${q.id}_${answers[q.id]}` }));
  return { reasons: items.length ? { lines: [{ lines: items, sep: ";\n" }, "."], sep: "" } : "" };
};

/** The last message of the intro and of the result: their question, with its buttons. */
const introQuestion = { key: "explain.menu", buttons: [[{ key: "explain.check", value: "check" }], [{ key: "explain.paymentsButton", value: "payments" }], [done]] };
const resultQuestion = {
  key: "explain.decides",
  buttons: [[{ key: "explain.fileNotice", ...act(openMenuItem, { item: "notice" }) }], [{ key: "explain.paymentsButton", value: "payments" }], [{ key: "explain.again", value: "check" }], [done]],
};
/**
 * Asked again where it is still on screen (REPEAT brief: after a refused button, typed words, /help): only its last
 * message, the question with its buttons — not the explanations above it once more; shown anew (another language, a
 * flow above it ended), whole.
 */
const briefAgain = (state: string, question: { key: string; buttons: Button[][] }) => ({
  LANGUAGE: { target: state, reenter: true },
  REPEAT: [{ guard: ({ event }: { event: FlowEvent }) => event.type === "REPEAT" && event.brief === true, actions: [{ type: "say" as const, params: question }] }, { target: state, reenter: true }],
});

/** The intro and the result offer the same three ways on: the check (again), the payments, done. */
const menuChoices = [
  { guard: chose("check"), target: "q0", actions: { type: "resetAnswers" as const } },
  // Reached from the explainer's own menu, the table's «◀ Back» returns to that menu, not to a case.
  { guard: chose("payments"), target: "payments", actions: { type: "forgetCase" as const } },
  { guard: chose("done"), target: "done" },
];

const questionStates = Object.fromEntries(
  QUESTIONS.map((q, i) => [
    `q${i}`,
    {
      entry: [{ type: "say", params: { key: `explain.q.${q.id}`, params: { step: i + 1, total: QUESTIONS.length }, buttons: answerButtons } }],
      on: {
        CHOICE: [
          { guard: chose("done"), target: "done" },
          {
            guard: ({ event }: { event: FlowEvent }) => event.type === "CHOICE" && (ANSWERS as string[]).includes(event.value),
            target: i + 1 < QUESTIONS.length ? `q${i + 1}` : "result",
            actions: assign({
              answers: ({ context, event }: { context: Context; event: FlowEvent }) => ({ ...context.answers, [q.id]: (event as { value: Answer }).value }),
            }),
          },
        ],
        // Words typed to a question («дәрігер ештеңе айтпады»): asked to press an answer, not «not understood».
        TEXT: { target: `q${i}`, reenter: true, actions: [{ type: "say", params: { key: "common.useButtons" } }] },
        ...askAgain(`q${i}`),
      },
    },
  ]),
);

export const explainerMachine: AnyStateMachine = setup({
  types: {} as { context: Context; events: FlowEvent; input: ExplainerInput },
  actions: { ...effectActions, resetAnswers: assign({ answers: {} }), forgetCase: assign({ caseId: null }), showCase: (_: unknown, _params: { caseId: number }) => undefined },
}).createMachine({
  id: "explainer",
  context: ({ input }) => ({ startAt: input.start ?? "intro", answers: {}, year: input.year, highlight: input.highlight ?? null, caseId: input.caseId ?? null, condolence: input.condolence ?? false }),
  initial: "start",
  states: {
    start: {
      always: [
        { guard: ({ context }) => context.startAt === "payments", target: "payments" },
        { target: "intro" },
      ],
    },
    intro: {
      entry: [
        { type: "say", params: { key: "explain.accident" } },
        { type: "say", params: { key: "explain.error" } },
        { type: "say", params: { key: "explain.law" } },
        { type: "say", params: introQuestion },
      ],
      on: {
        CHOICE: menuChoices,
        ...briefAgain("intro", introQuestion),
      },
    },
    ...questionStates,
    result: {
      entry: [
        { type: "say", params: ({ context }) => ({ key: `explain.result.${resemblance(context.answers)}`, params: reasons(context.answers) }) },
        { type: "say", params: resultQuestion },
      ],
      on: {
        CHOICE: menuChoices,
        ...briefAgain("result", resultQuestion),
      },
    },
    payments: {
      entry: [
        // The year of the day the table is shown, not of the day the explainer was opened: opened on 31 December and
        // shown after midnight, or shown anew then (a language switch), it is the new year's.
        assign({ year: ({ context, event }) => yearOf((event as FlowEvent).today) ?? context.year }),
        enqueueActions(({ context, enqueue }) => {
          // The table marks a case whose patient died, or a notice's patient died: condolence before any amount, each
          // time it is shown (language.md, Tone).
          if (context.highlight === "death" || context.condolence) enqueue({ type: "say", params: { key: "common.condolence" } });
          enqueue({ type: "say", params: { key: "explain.payments.table", params: paymentsParams(context.year, context.highlight), buttons: tableButtons } });
        }),
      ],
      on: {
        CHOICE: [
          // Opened from a case: back to that case's view (the explainer is left); else to the explainer's menu.
          { guard: ({ context, event }) => chose("back")({ event }) && Boolean(context.caseId), target: "toCase", actions: [{ type: "showCase", params: ({ context }) => ({ caseId: context.caseId! }) }] },
          { guard: chose("back"), target: "intro" },
          { guard: chose("done"), target: "done" },
        ],
        // Shown anew (another language, or a new year since: other amounts) it is whole, condolence first; asked again
        // where it is still on screen (REPEAT brief: after a refused button, typed words, /help), only a line pointing to
        // it with its buttons — not the condolence and every amount once more after each press.
        LANGUAGE: { target: "payments", reenter: true },
        REPEAT: [
          {
            guard: ({ context, event }) => event.type === "REPEAT" && event.brief === true && (yearOf(event.today) ?? context.year) === context.year,
            actions: [{ type: "say", params: { key: "explain.payments.again", buttons: tableButtons } }],
          },
          { target: "payments", reenter: true },
        ],
      },
    },
    done: { type: "final" },
    /** Left for the case's view, which the bot shows: no home screen after it. */
    toCase: { type: "final" },
  },
});

export const explainerFlow: FlowDef = {
  name: "explainer",
  version: 1,
  machine: explainerMachine,
  input: (p: Profile): ExplainerInput => ({ year: Number(p.today.slice(0, 4)) }),
  viewStates: ["toCase"],
};

export { isOutcome } from "./effects.js";
