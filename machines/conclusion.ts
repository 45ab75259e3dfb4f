// Staff record the commission's conclusion (law.md §3 step 6): harm confirmed or not, the outcome
// category when confirmed, a short summary, the document, and the day the commission issued it (today, or a
// typed day neither in the future nor before the commission was formed: a complaint and the case's history
// state it); then a review and Save.
import { assign, setup } from "xstate";
import type { Button, FileRef, Outcome } from "./effects.js";
import { askAgain, chose, effectActions, noteRefused, firstPage, inAlbum, pagesDone, pagesSaid, pagesState, UNSAVED, withPage, type FlowDef, type FlowEvent, type Pages } from "./flow.js";
import { showDate } from "./notice.js";
import { PAID_OUTCOMES } from "./payments.js";
import { dayInRange, dayRefusals, typedDay } from "./typed-day.js";

export const SUMMARY_MAX = 1000;
interface Context extends Pages {
  caseId: number;
  confirmed: boolean | null;
  outcome: Outcome | null;
  summary: string | null;
  /** The conclusion itself, as a photo or a PDF; optional. A scan of several pages sent as an album: its first page, every page in `pages`. */
  file: FileRef | null;
  /** The case's number, shown with the first question (absent in snapshots stored before). */
  number?: string;
  /** The day the commission was formed: the conclusion cannot be older ("" or absent: not known to the flow). */
  notBefore?: string;
  /** The day the conclusion was issued, YYYY-MM-DD (absent in snapshots stored before the flow asked it). */
  on?: string | null;
}
/** Documents taken as the conclusion: a PDF or a picture (photos come as "photo"). */
const DOCUMENT_TYPES = /^(application\/pdf|image\/(jpeg|png))$/;
const cancel: Button = { key: "admin.cancel", value: "cancel" };
const text = (e: FlowEvent) => (e.type === "TEXT" ? e.text.trim() : "");
const isDocument = (e: FlowEvent) => e.type === "FILE" && (e.file.kind === "photo" || DOCUMENT_TYPES.test(e.file.mime ?? ""));
/** The count of the conclusion's pages so far, with «Done» (flow.ts, Pages). */
const pagesCount = pagesSaid("conclusion.documentPages", [[pagesDone("conclusion.documentDone")], [cancel]]);

export const conclusionMachine = setup({
  types: {} as { context: Context; events: FlowEvent; input: { caseId: number; notBefore?: string; number?: string } },
  actions: {
    ...effectActions,
    noteRefused: noteRefused<Context>(),
    keepPage: assign({ pages: ({ context, event }) => withPage(context, event) }),
    recordConclusion: (_: unknown, _params: { caseId: number; confirmed: boolean; outcome: Outcome | null; summary: string; file: FileRef | null; pages?: FileRef[]; on: string | null }) => undefined,
  },
}).createMachine({
  id: "conclusion",
  context: ({ input }) => ({ caseId: input.caseId, confirmed: null, outcome: null, summary: null, file: null, notBefore: input.notBefore ?? "", on: null, ...(input.number ? { number: input.number } : {}) }),
  initial: "result",
  states: {
    result: {
      entry: [
        {
          type: "say",
          params: ({ context }) => ({
            key: "conclusion.askResult",
            params: { case: context.number ? { key: "common.caseHead", params: { number: context.number } } : "" },
            buttons: [[{ key: "conclusion.confirmed", value: "yes" }], [{ key: "conclusion.notConfirmed", value: "no" }], [cancel]],
          }),
        },
      ],
      on: {
        CHOICE: [
          { guard: chose("yes"), target: "outcome", actions: assign({ confirmed: true }) },
          { guard: chose("no"), target: "summary", actions: assign({ confirmed: false, outcome: null }) },
          { guard: chose("cancel"), target: "done" },
        ],
        ...askAgain("result"),
      },
    },
    outcome: {
      tags: [UNSAVED],
      entry: [{ type: "say", params: { key: "conclusion.askOutcome", buttons: [...PAID_OUTCOMES.map((o) => [{ key: `notice.outcome.${o}`, value: o }]), [cancel]] } }],
      on: {
        CHOICE: [
          { guard: chose("cancel"), target: "done" },
          { guard: ({ event }) => event.type === "CHOICE" && (PAID_OUTCOMES as readonly string[]).includes(event.value), target: "summary", actions: assign({ outcome: ({ event }) => (event as { value: Outcome }).value }) },
        ],
        ...askAgain("outcome"),
      },
    },
    summary: {
      tags: [UNSAVED],
      entry: [{ type: "say", params: { key: "conclusion.askSummary", params: { max: SUMMARY_MAX }, buttons: [[cancel]] } }],
      on: {
        TEXT: [
          { guard: ({ event }) => text(event).length >= 10 && text(event).length <= SUMMARY_MAX, target: "document", actions: assign({ summary: ({ event }) => text(event) }) },
          { target: "summary", reenter: true, actions: [{ type: "say", params: ({ event }) => ({ key: "conclusion.summaryLength", params: { length: text(event).length, max: SUMMARY_MAX } }) }] },
        ],
        // The document sent first: the summary is typed, the document is asked right after — not «not understood».
        FILE: { target: "summary", reenter: true, actions: [{ type: "say", params: { key: "conclusion.summaryNotFile" } }] },
        CHOICE: { guard: chose("cancel"), target: "done" },
        ...askAgain("summary"),
      },
    },
    document: {
      tags: [UNSAVED],
      entry: [{ type: "say", params: { key: "conclusion.askDocument", buttons: [[{ key: "conclusion.noDocument", value: "none" }], [cancel]] } }],
      on: {
        FILE: [
          // A scanned conclusion of several pages sent as an album comes one update a page, in any order: each is
          // kept, until «Готово» — not only the first, which left the others «not understood».
          {
            guard: ({ event }) => isDocument(event) && inAlbum(event),
            target: "pages",
            actions: [assign({ file: ({ event }) => (event.type === "FILE" ? event.file : null), pages: [] }), { type: "keepPage" }, { type: "say", params: pagesCount }],
          },
          {
            guard: ({ event }) => isDocument(event),
            target: "date",
            actions: assign({ file: ({ event }) => (event.type === "FILE" ? event.file : null), pages: [] }),
          },
          { target: "document", reenter: true, actions: [{ type: "say", params: { key: "conclusion.documentType" } }] },
        ],
        // Words where the document is asked («заключение прилагаю позже»): what is taken, or the button for none.
        TEXT: { target: "document", reenter: true, actions: [{ type: "say", params: { key: "conclusion.documentTyped", params: { none: { key: "conclusion.noDocument" } } } }] },
        CHOICE: [
          { guard: chose("none"), target: "date", actions: assign({ file: null, pages: [] }) },
          { guard: chose("cancel"), target: "done" },
        ],
        ...askAgain("document"),
      },
    },
    // The conclusion's other pages, as they come (an album's, or more sent after it).
    pages: pagesState({ accepts: isDocument, keep: { type: "keepPage" as const }, said: pagesCount, refusal: "conclusion.documentType", next: "date", typed: "conclusion.documentPagesTyped" }),
    date: {
      tags: [UNSAVED],
      entry: [{ type: "say", params: { key: "conclusion.askDate", buttons: [[{ key: "conclusion.issuedToday", value: "today" }], [cancel]] } }],
      on: {
        TEXT: [
          { guard: dayInRange, target: "review", actions: assign({ on: ({ event }) => typedDay(event) }) },
          ...dayRefusals("date", { future: "conclusion.dateFuture", before: "conclusion.dateBeforeFormation" }),
        ],
        CHOICE: [
          { guard: chose("today"), target: "review", actions: assign({ on: ({ event }) => event.today ?? null }) },
          { guard: chose("cancel"), target: "done" },
        ],
        ...askAgain("date"),
      },
    },
    review: {
      tags: [UNSAVED],
      entry: [
        {
          type: "say",
          params: ({ context }) => ({
            key: context.confirmed ? "conclusion.reviewConfirmed" : "conclusion.reviewNotConfirmed",
            params: {
              outcome: { key: `notice.outcomeText.${context.outcome ?? "unknown"}` },
              summary: context.summary ?? "",
              document:
                (context.pages?.length ?? 0) > 1
                  ? { key: "conclusion.documentAttachedPages", params: { count: context.pages!.length } }
                  : { key: context.file ? "conclusion.documentAttached" : "conclusion.documentNone" },
              date: context.on ? showDate(context.on) : { key: "conclusion.issuedTodayText" },
            },
            buttons: [[{ key: "conclusion.save", value: "save" }], [cancel]],
          }),
        },
      ],
      on: {
        CHOICE: [
          { guard: chose("cancel"), target: "done" },
          {
            guard: chose("save"),
            target: "done",
            actions: [{ type: "recordConclusion", params: ({ context }) => ({
                  caseId: context.caseId,
                  confirmed: context.confirmed === true,
                  outcome: context.outcome,
                  summary: context.summary ?? "",
                  file: firstPage(context, context.file),
                  ...((context.pages?.length ?? 0) > 1 ? { pages: context.pages } : {}),
                  on: context.on ?? null,
                }),
              },
            ],
          },
        ],
        ...askAgain("review"),
      },
    },
    done: { type: "final" },
  },
});

export const conclusionFlow: FlowDef = { name: "conclusion", version: 2, role: "staff", machine: conclusionMachine, input: () => ({ caseId: 0 }) };
