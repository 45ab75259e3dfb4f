// The notice reaches the healthcare entity (law.md §3 step 2: the 3 working days run from its receipt).
// Staff record the receipt: the entity's registration number and the date. Or the applicant says they
// handed the notice in: the date, and — if they have them — the registration number and a photo of the
// stamped copy. A date is today or earlier, and not before the notice was saved.
import { assign, setup } from "xstate";
import type { Button, FileRef } from "./effects.js";
import { askAgain, chose, effectActions, noteRefused, fileOf, firstPage, inAlbum, pagesDone, pagesSaid, pagesState, UNSAVED, withPage, type FlowDef, type FlowEvent, type Pages } from "./flow.js";
import { checkEventDate, checkRegistration, REGISTRATION_MAX } from "./notice-rules.js";
import { showDate } from "./notice.js";

interface Context extends Pages {
  caseId: number;
  /** The day the notice was saved: no receipt before it. */
  notBefore: string;
  number: string | null;
  on: string | null;
  file: FileRef | null;
  /**
   * Every page of a stamped copy sent as an album (Telegram's media_group_id: one update a file), the first one
   * the `file`; absent in a snapshot stored before pages were kept.
   */
  pages?: FileRef[];
}
interface Input {
  caseId: number;
  notBefore: string;
}

const cancel: Button = { key: "admin.cancel", value: "cancel" };
const today: Button = { key: "receipt.today", value: "today" };
const skip: Button = { key: "receipt.skip", value: "skip" };
const text = (e: FlowEvent) => (e.type === "TEXT" ? e.text : "");
const dateOf = ({ context, event }: { context: Context; event: FlowEvent }) => checkEventDate(text(event), event.today ?? "", context.notBefore);
/** A photo, a PDF or a picture of the stamped copy. */
const STAMPED_COPY = /^(application\/pdf|image\/(jpeg|png|heic|heif|webp))$/;
const isCopy = (e: FlowEvent) => e.type === "FILE" && (e.file.kind === "photo" || STAMPED_COPY.test(e.file.mime ?? ""));
/** The count of the copy's pages so far, with «Done»: one message for an album, its later pages edit its count (flow.ts, Pages). */
const pagesCount = pagesSaid("receipt.copyPages", [[pagesDone("receipt.copyDone")], [cancel]]);

/** The date question's answers: "today", or a typed date (checked, and asked again with the reason). */
const dateAnswers = (state: string, next: string) => ({
  CHOICE: [
    { guard: chose("cancel"), target: "done" },
    { guard: chose("today"), target: next, actions: { type: "patch" as const, params: ({ event }: { event: FlowEvent }) => ({ on: event.today ?? null }) } },
  ],
  TEXT: [
    { guard: (a: { context: Context; event: FlowEvent }) => dateOf(a).ok, target: next, actions: { type: "patch" as const, params: (a: { context: Context; event: FlowEvent }) => ({ on: (dateOf(a) as { value: string }).value }) } },
    {
      target: state,
      reenter: true,
      actions: [{ type: "say" as const, params: (a: { context: Context; event: FlowEvent }) => ({ key: `receipt.error.${(dateOf(a) as { reason: string }).reason}`, params: { date: showDate(a.context.notBefore) } }) }],
    },
  ],
  ...askAgain(state),
});

const numberOf = (e: FlowEvent) => checkRegistration(text(e));
const numberAnswers = (state: string, next: string) => ({
  TEXT: [
    { guard: ({ event }: { event: FlowEvent }) => numberOf(event).ok, target: next, actions: { type: "patch" as const, params: ({ event }: { event: FlowEvent }) => ({ number: (numberOf(event) as { value: string }).value }) } },
    { target: state, reenter: true, actions: [{ type: "say" as const, params: { key: "receipt.error.registration", params: { max: REGISTRATION_MAX } } }] },
  ],
  ...askAgain(state),
});

const machine = setup({
  types: {} as { context: Context; events: FlowEvent; input: Input },
  actions: {
    ...effectActions,
    noteRefused: noteRefused<Context>(),
    patch: assign((_, params: Partial<Context>) => params),
    recordReceipt: (_: unknown, _params: { caseId: number; number: string; on: string }) => undefined,
    recordHandIn: (_: unknown, _params: { caseId: number; on: string; number: string | null; file: FileRef | null; pages?: FileRef[] }) => undefined,
  },
});

/** Staff: the registration number the entity gave the appeal, then the date it received it. */
export const receiptMachine = machine.createMachine({
  id: "receipt",
  context: ({ input }) => ({ caseId: input.caseId, notBefore: input.notBefore, number: null, on: null, file: null }),
  initial: "number",
  states: {
    number: {
      entry: [{ type: "say", params: { key: "receipt.askNumber", buttons: [[cancel]] } }],
      on: { ...numberAnswers("number", "date"), CHOICE: { guard: chose("cancel"), target: "done" } },
    },
    date: {
      tags: [UNSAVED],
      entry: [{ type: "say", params: ({ context }) => ({ key: "receipt.askDate", params: { number: context.number ?? "", date: showDate(context.notBefore) }, buttons: [[today], [cancel]] }) }],
      on: dateAnswers("date", "save"),
    },
    save: {
      always: { target: "done", actions: [{ type: "recordReceipt", params: ({ context }) => ({ caseId: context.caseId, number: context.number!, on: context.on! }) }] },
    },
    done: { type: "final" },
  },
});

/** The applicant: the day they handed the notice in; the registration number and the stamped copy if they have them. */
export const handInMachine = machine.createMachine({
  id: "handIn",
  context: ({ input }) => ({ caseId: input.caseId, notBefore: input.notBefore, number: null, on: null, file: null }),
  initial: "date",
  states: {
    date: {
      entry: [{ type: "say", params: ({ context }) => ({ key: "receipt.askHandedIn", params: { date: showDate(context.notBefore) }, buttons: [[today], [cancel]] }) }],
      on: {
        ...dateAnswers("date", "number"),
        // The stamped copy sent first (the date is on it), every page of an album: kept — not «не понял» and the copy
        // lost — and the date asked for still, in one message for an album; its question is not asked again.
        FILE: {
          guard: ({ event }) => isCopy(event),
          actions: [
            { type: "patch", params: ({ context, event }) => ({ file: context.file ?? fileOf(event)[0] ?? null, pages: withPage(context, event) }) },
            {
              type: "say",
              params: (a) => {
                const said = pagesSaid("receipt.copyBeforeDate", [[today], [cancel]])(a);
                return { ...said, params: { ...said.params, date: showDate(a.context.notBefore) } };
              },
            },
          ],
        },
      },
    },
    number: {
      tags: [UNSAVED],
      entry: [{ type: "say", params: { key: "receipt.askHandInNumber", buttons: [[skip], [cancel]] } }],
      on: {
        ...numberAnswers("number", "afterNumber"),
        // The stamped copy sent before its question (the number is on it): kept — every page of an album — and the
        // number asked for still; the copy's question is not asked again.
        FILE: [
          {
            guard: ({ event }) => isCopy(event),
            actions: [
              { type: "patch", params: ({ context, event }) => ({ file: context.file ?? fileOf(event)[0] ?? null, pages: withPage(context, event) }) },
              { type: "say", params: pagesSaid("receipt.copyBeforeNumber", [[skip], [cancel]]) },
            ],
          },
          { actions: [{ type: "say", params: { key: "receipt.error.copyType" } }] },
        ],
        CHOICE: [
          { guard: chose("cancel"), target: "done" },
          { guard: chose("skip"), target: "afterNumber", actions: { type: "patch", params: { number: null } } },
        ],
      },
    },
    afterNumber: { always: [{ guard: ({ context }) => context.file !== null, target: "save" }, { target: "copy" }] },
    copy: {
      tags: [UNSAVED],
      entry: [{ type: "say", params: { key: "receipt.askCopy", buttons: [[skip], [cancel]] } }],
      on: {
        FILE: [
          // A copy of several pages sent as an album comes one update a page, in any order: each is kept, and the
          // hand-in is recorded when the person says they sent them all — not with the first page, which left the
          // others «not understood».
          {
            guard: ({ event }) => isCopy(event) && inAlbum(event),
            target: "pages",
            actions: [{ type: "patch", params: ({ event }) => ({ file: fileOf(event)[0] ?? null, pages: fileOf(event) }) }, { type: "say", params: pagesCount }],
          },
          {
            guard: ({ event }) => isCopy(event),
            target: "save",
            actions: { type: "patch", params: ({ event }) => ({ file: fileOf(event)[0] ?? null }) },
          },
          { target: "copy", reenter: true, actions: [{ type: "say", params: { key: "receipt.error.copyType" } }] },
        ],
        // A video, a voice message, a sticker: what is taken is said, and the question comes again.
        MEDIA: { target: "copy", reenter: true, actions: [{ type: "say", params: { key: "receipt.error.copyType" } }] },
        // Words typed here («копии нет»): said not to be kept, and what the step takes — not «не понял»; the question
        // (with «Пропустить» for one who has no copy) again.
        TEXT: { target: "copy", reenter: true, actions: [{ type: "say", params: { key: "receipt.copyTyped" } }] },
        CHOICE: [
          { guard: chose("cancel"), target: "done" },
          { guard: chose("skip"), target: "save" },
        ],
        ...askAgain("copy"),
      },
    },
    // The pages of the stamped copy, as they come (an album's other pages, or more sent after it).
    pages: pagesState({
      accepts: isCopy,
      keep: { type: "patch" as const, params: ({ context, event }: { context: Context; event: FlowEvent }) => ({ pages: withPage(context, event) }) },
      said: pagesCount,
      refusal: "receipt.error.copyType",
      next: "save",
      typed: "receipt.copyPagesTyped",
    }),
    save: {
      always: {
        target: "done",
        actions: [
          {
            type: "recordHandIn",
            params: ({ context }) => ({ caseId: context.caseId, on: context.on!, number: context.number, file: firstPage(context, context.file), ...((context.pages?.length ?? 0) > 1 ? { pages: context.pages } : {}) }),
          },
        ],
      },
    },
    done: { type: "final" },
  },
});

export const receiptFlow: FlowDef = { name: "receipt", version: 1, role: "staff", machine: receiptMachine, input: () => ({ caseId: 0, notBefore: "" }) };
export const handInFlow: FlowDef = {
  name: "handIn",
  version: 1,
  role: "applicant",
  machine: handInMachine,
  input: () => ({ caseId: 0, notBefore: "" }),
  // A copy sent at the date's question is held: /cancel and /start ask before throwing it away.
  unsaved: (context) => ((context as { file?: unknown }).file ?? null) !== null,
};
