// Mediation in chat (law.md §4): writing to the other participants through the bot, the mediator's
// settlement proposal (an amount in tenge, the terms, a date until which it stands) and a party's
// counter-offer. Each ends in one effect; the bot checks who may do it.
import { assign, setup } from "xstate";
import { isOutcome, lines, type Button, type FileRef, type Param } from "./effects.js";
import { mciTenge, minimumMci } from "./payments.js";
import { askAgain, chose, effectActions, noteRefused, firstPage, inAlbum, inPageOrder, pagesDone, pagesSaid, pagesState, TAKES_CAPTION, UNSAVED, withPage, type FlowDef, type FlowEvent, type Pages } from "./flow.js";
import type { Check } from "./notice-rules.js";
import { showDate } from "./notice.js";
import { dayInRange, dayRefusals, typedDay } from "./typed-day.js";

export const MESSAGE_MAX = 2000;
/**
 * A message in the mediation longer than MESSAGE_MAX is kept, not refused, up to this many characters: Telegram splits
 * what is pasted over 4096 characters into several messages, and the first refused would leave only the tail to go to
 * the others, alone. It goes when «Отправить» is pressed, its parts joined; the bot sends it in parts (render.ts).
 */
export const LONG_MESSAGE_MAX = 12_000;
export const TERMS_MAX = 2000;
export const NOTE_MAX = 1000;
/** Sanely bounded: a settlement of more than a billion tenge is a typo. */
export const AMOUNT_MAX = 1_000_000_000;
export const DEFAULT_VALID_DAYS = 10;
export const VALID_DAYS_MAX = 60;
/** Whom the mediator writes to: both sides, or one side alone (a private session). */
export const RECIPIENTS = ["all", "applicant", "organization"] as const;
export type Recipient = (typeof RECIPIENTS)[number] | "mediator";

const ok = <T>(value: T): Check<T> => ({ ok: true, value });
const no = (reason: string): Check<never> => ({ ok: false, reason });
const text = (e: FlowEvent) => (e.type === "TEXT" ? e.text.trim() : "");
const cancel: Button = { key: "admin.cancel", value: "cancel" };

/** Words a sum's size is written with, as people type it: «1,5 млн», «500 тыс.», «500 мың», «миллион». */
const SCALES: [RegExp, number][] = [
  [/^(млрд|миллиард(а|ов)?)$/u, 1_000_000_000],
  [/^(млн|миллион(а|ов)?)$/u, 1_000_000],
  [/^(тыс|тысяч[аи]?|мың)$/u, 1_000],
];
/**
 * The words that say «one» of their size on their own, as people say «миллион» for a million; an abbreviation
 * («млн», «тыс.») or a plural («миллионов») with no number before it says no sum at all, and is asked again.
 */
const ONE_ALONE = /^(миллиард|миллион|тысяча|мың)$/u;
/**
 * A number said in a word before a size, as people write a sum out («бір миллион», «екі миллион», «бір жарым миллион»,
 * «два миллиона», «полтора миллиона»): its value in figures, as the figures before a size are read.
 */
const WORD_NUMBERS: [RegExp, string][] = [
  [/^(бір жарым|полтора|полторы)$/u, "1,5"],
  [/^(бір|один|одна)$/u, "1"],
  [/^(екі|два|две)$/u, "2"],
  [/^(үш|три)$/u, "3"],
  [/^(төрт|четыре)$/u, "4"],
  [/^(бес|пять)$/u, "5"],
  [/^(алты|шесть)$/u, "6"],
  [/^(жеті|семь)$/u, "7"],
  [/^(сегіз|восемь)$/u, "8"],
  [/^(тоғыз|девять)$/u, "9"],
  [/^(он|десять)$/u, "10"],
];
const inFigures = (s: string): string => {
  const said = /^(\p{L}+(?: жарым)?) (\p{L}+\.?)$/u.exec(s);
  const figures = said && WORD_NUMBERS.find(([re]) => re.test(said[1]!))?.[1];
  return figures ? `${figures} ${said[2]!}` : s;
};
/**
 * A sum in tenge, a whole positive number up to AMOUNT_MAX, as people type it: figures with spaces, dots or commas
 * between thousands («1 500 000», «1.500.000»), a size in words after a number — in figures or a word («1,5 млн», «500
 * тыс.», «миллион», «бір миллион») — the currency after it («150000 тг.», «₸», «тенге»). Thousands parted anywhere else
 * («1 500 00») are a typo, not 150 000. Zero or less, and figures too many for any sum, are told as such, not as a
 * format. Every flow that asks for one shows the sum read back before it goes (a review), «миллион» alone as 1 000 000 ₸.
 */
export const checkAmount = (input: string): Check<number> => {
  const s = inFigures(
    input
      .toLowerCase()
      .replace(/\s+/g, " ")
      .trim()
      .replace(/\s*(₸|тг|тенге|теңге|kzt)\.?$/u, ""),
  );
  if (/^[-−–]\s*\d/u.test(s) || /^0+(?:[ .,]0+)*$/.test(s)) return no("amountPositive");
  if (/^\d{14,}$/.test(s)) return no("amountLarge");
  let n: number;
  const scaled = /^(\d{1,4}(?:[.,]\d{1,9})?)?\s*(\p{L}+)\.?$/u.exec(s);
  if (scaled) {
    const scale = SCALES.find(([re]) => re.test(scaled[2]!))?.[1];
    if (!scale) return no("amountFormat");
    if (scaled[1] === undefined && !ONE_ALONE.test(scaled[2]!)) return no("amountNoNumber");
    const [whole = "1", fraction = ""] = (scaled[1] ?? "1").split(/[.,]/);
    const places = String(scale).length - 1;
    // «1,2345 тыс.» is no whole number of tenge.
    if (fraction.length > places) return no("amountFormat");
    n = Number(whole) * scale + Number(fraction.padEnd(places, "0") || "0");
  } else {
    if (!/^\d{1,13}(?:([ .,])\d{3}(?:\1\d{3})*)?$/.test(s)) return no("amountFormat");
    n = Number(s.replace(/[ .,]/g, ""));
  }
  if (n <= 0) return no("amountFormat");
  if (n > AMOUNT_MAX) return no("amountLarge");
  return ok(n);
};
export const checkText = (max: number, min = 1) => (input: string): Check<string> => {
  const s = input.trim();
  if (s.length < min) return no("textShort");
  if (s.length > max) return no("textLong");
  return ok(s);
};
export const checkDays = (input: string): Check<number> => {
  const n = Number(input.trim());
  return Number.isInteger(n) && n >= 1 && n <= VALID_DAYS_MAX ? ok(n) : no("days");
};

/**
 * The minimum insurance payment the law sets for the patient's outcome (law.md §2), to stand beside an amount,
 * with a plain warning when the amount is lower: the applicant keeps the right to the insurance payment (§4).
 */
export const minimumBeside = (outcome: string | null, amount: number, year: number): Param => {
  if (!outcome || !isOutcome(outcome) || outcome === "unknown") return { key: "mediation.minimumUnknown" };
  const mci = minimumMci(outcome);
  const tenge = mciTenge(year);
  const what = { key: `notice.outcomeText.${outcome}` };
  // A year whose MCI is not recorded yet (the budget law gives it): the minimum in MCI, and the plain warning
  // that no comparison in tenge could be made — the right to the insurance payment stays whatever the amount.
  if (tenge === null) return lines([{ key: "mediation.minimumMci", params: { outcome: what, mci } }, { key: "mediation.minimumYearUnknown", params: { year } }]);
  const line: Param = { key: "mediation.minimumTenge", params: { outcome: what, mci, tenge: mci * tenge } };
  return amount < mci * tenge ? lines([line, { key: "mediation.belowMinimum" }]) : line;
};


interface Context extends Omit<Pages, "pages"> {
  mediationId: number;
  proposalId: number;
  asMediator: boolean;
  to: Recipient;
  amount: number | null;
  terms: string | null;
  /** A counter-offer's reason, to the mediator. */
  note: string | null;
  days: number;
  /** An album sent as a message: its files so far, in the order the person chose them, each with its caption. */
  pages?: RelayedFile[];
  /** A message longer than MESSAGE_MAX, kept until «Отправить»: its parts so far (LONG_MESSAGE_MAX). */
  long?: string;
  /** The mediator's terms or a counter-offer's note refused as too long: how many characters came, its parts together. */
  tooLongCount?: number;
  /** A proposal, or a counter-offer of the applicant's: the case's recorded outcome, and the year its flow opened in (minimumBeside). */
  outcome?: string;
  year?: number;
}
/** A file of an album sent in the mediation, with the text sent with it (its caption), if any. */
type RelayedFile = FileRef & { caption?: string };

/** A TEXT answer: on success store it and go on; else say why (with the limits) and ask again. */
const typed = <T>(state: string, next: string, check: (s: string) => Check<T>, field: keyof Context, max: number) => ({
  TEXT: [
    {
      guard: ({ event }: { event: FlowEvent }) => check(text(event)).ok,
      target: next,
      actions: { type: "patch" as const, params: ({ event }: { event: FlowEvent }) => ({ [field]: (check(text(event)) as { value: T }).value }) },
    },
    {
      target: state,
      reenter: true,
      actions: [
        {
          type: "say" as const,
          params: ({ event }: { event: FlowEvent }) => ({
            key: `mediation.error.${(check(text(event)) as { reason: string }).reason}`,
            params: { max, length: text(event).length, amountMax: AMOUNT_MAX, daysMax: VALID_DAYS_MAX },
          }),
        },
      ],
    },
  ],
  CHOICE: { guard: chose("cancel"), target: "done" },
  ...askAgain(state),
});

/**
 * A TEXT answer bounded by `max` (the mediator's terms, a counter-offer's note), as typed, except that one longer goes
 * to `${state}Long` (tooLong): Telegram splits what is pasted over 4096 characters into several messages, and with
 * the first refused the next — its tail — would be taken alone, what was typed first lost with no word.
 */
const bounded = <T>(state: string, next: string, check: (s: string) => Check<T>, field: keyof Context, max: number) => {
  const on = typed(state, next, check, field, max);
  const over = { guard: ({ event }: { event: FlowEvent }) => text(event).trim().length > max, target: `${state}Long`, actions: { type: "patch" as const, params: ({ event }: { event: FlowEvent }) => ({ tooLongCount: text(event).trim().length }) } };
  return { ...on, TEXT: [over, ...on.TEXT] };
};

/** The mediator's terms and a counter-offer's note, as their questions and their too-long states take them. */
const termsAnswer = () => bounded("terms", "days", checkText(TERMS_MAX, 10), "terms", TERMS_MAX);
const noteAnswer = () => bounded("note", "review", checkText(NOTE_MAX), "note", NOTE_MAX);

/** What Telegram splits a pasted text at: a refused text this long or longer may have its tail coming next. */
const TELEGRAM_SPLIT = 4000;

/**
 * A text refused as longer than `max`: nothing of it is taken. When it was as long as Telegram splits at, neither are
 * its next parts (each refused the same way, the count of what came going up) — it is written again, shorter, after
 * «Написать заново», which asks anew. A shorter one refused (2,100 characters typed, say) had no tail: the next text is
 * the answer written again, taken as at the question (`answer`: the question's own handlers).
 */
const tooLong = (state: string, max: number, answer: ReturnType<typeof bounded>) => ({
  tags: [UNSAVED],
  entry: [{ type: "say" as const, params: ({ context }: { context: Context }) => ({ key: "mediation.tooLong", params: { max, length: context.tooLongCount ?? 0 }, buttons: [[{ key: "mediation.writeAgain", value: "again" }], [cancel]] }) }],
  on: {
    TEXT: [
      {
        guard: ({ context }: { context: Context }) => (context.tooLongCount ?? 0) >= TELEGRAM_SPLIT,
        target: `${state}Long`,
        reenter: true,
        actions: { type: "patch" as const, params: ({ context, event }: { context: Context; event: FlowEvent }) => ({ tooLongCount: (context.tooLongCount ?? 0) + text(event).trim().length }) },
      },
      ...answer.TEXT,
    ],
    CHOICE: [
      { guard: chose("cancel"), target: "done" },
      { guard: chose("again"), target: state, actions: { type: "patch" as const, params: { tooLongCount: 0 } } },
    ],
    ...askAgain(`${state}Long`),
  },
});

const machine = setup({
  types: {} as { context: Context; events: FlowEvent; input: Partial<Context> },
  actions: {
    ...effectActions,
    noteRefused: noteRefused<Context>(),
    patch: assign((_, params: Partial<Context>) => params),
    relayMessage: (_: unknown, _params: { mediationId: number; to: Recipient; text: string; file?: FileRef; files?: { file: FileRef; caption?: string }[] }) => undefined,
    keepRelayed: assign({
      pages: ({ context, event }) =>
        event.type === "FILE" ? inPageOrder<RelayedFile>(context.pages ?? [], { ...event.file, ...(event.caption ? { caption: event.caption } : {}) }) : context.pages,
    }),
    proposeSettlement: (_: unknown, _params: { mediationId: number; amount: number; terms: string; days: number }) => undefined,
    counterOffer: (_: unknown, _params: { proposalId: number; amount: number; note: string }) => undefined,
  },
});

/** The count of an album's files so far, with «Отправить» (flow.ts, Pages): nothing goes before it is pressed. */
const albumSaid = pagesSaid("mediation.albumFiles", [[pagesDone("mediation.send")], [cancel]]);

/**
 * Writing through the bot, a text or a document: the mediator first chooses to whom; a side writes to
 * everyone in the mediation, or (a question about a proposal) to the mediator alone.
 */
export const relayMachine = machine.createMachine({
  id: "relay",
  context: ({ input }) => ({
    mediationId: input.mediationId ?? 0,
    proposalId: 0,
    asMediator: input.asMediator ?? false,
    to: input.asMediator ? "all" : (input.to ?? "all"),
    amount: null,
    terms: null,
    note: null,
    days: DEFAULT_VALID_DAYS,
  }),
  initial: "start",
  states: {
    start: { always: [{ guard: ({ context }) => context.asMediator, target: "to" }, { target: "text" }] },
    to: {
      entry: [{ type: "say", params: { key: "mediation.askRecipient", buttons: [...RECIPIENTS.map((r) => [{ key: `mediation.to.${r}`, value: r }]), [cancel]] } }],
      on: {
        CHOICE: [
          { guard: chose("cancel"), target: "done" },
          { guard: ({ event }) => event.type === "CHOICE" && (RECIPIENTS as readonly string[]).includes(event.value), target: "text", actions: { type: "patch", params: ({ event }) => ({ to: (event as { value: Recipient }).value }) } },
        ],
        ...askAgain("to"),
      },
    },
    // A document's caption is the sender's own words to the others: relayed with it (TAKES_CAPTION).
    text: {
      tags: [UNSAVED, TAKES_CAPTION],
      entry: [{ type: "say", params: { key: "mediation.askMessage", params: { max: MESSAGE_MAX }, buttons: [[cancel]] } }],
      on: {
        TEXT: [
          {
            guard: ({ event }) => checkText(MESSAGE_MAX)(text(event)).ok,
            target: "done",
            actions: [{ type: "relayMessage", params: ({ context, event }) => ({ mediationId: context.mediationId, to: context.to, text: text(event) }) }],
          },
          // Longer: kept (a paste Telegram split comes as several messages), and sent at «Отправить» — not refused with
          // the next part, its tail, going to the others alone.
          { guard: ({ event }) => text(event).length <= LONG_MESSAGE_MAX, target: "long", actions: assign({ long: ({ event }) => text(event) }) },
          { target: "text", reenter: true, actions: [{ type: "say", params: ({ event }) => ({ key: "mediation.error.textLong", params: { max: LONG_MESSAGE_MAX, length: text(event).length } }) }] },
        ],
        FILE: [
          // An album comes one update a file, in any order, maybe to different instances: its files are kept, and go
          // together at «Отправить», in the order the person chose them — not the first alone, the others «not kept».
          { guard: ({ event }) => inAlbum(event), target: "album", actions: [assign({ pages: [] }), { type: "keepRelayed" }, { type: "say", params: albumSaid }] },
          {
            target: "done",
            actions: [
              {
                type: "relayMessage",
                params: ({ context, event }) => ({ mediationId: context.mediationId, to: context.to, text: event.type === "FILE" ? (event.caption ?? "") : "", ...(event.type === "FILE" ? { file: event.file } : {}) }),
              },
            ],
          },
        ],
        CHOICE: { guard: chose("cancel"), target: "done" },
        ...askAgain("text"),
      },
    },
    // A long message kept: its next parts added as they come, sent at «Отправить»; what would pass the bound is not added.
    long: {
      tags: [UNSAVED],
      entry: [{ type: "say", params: ({ context }) => ({ key: "mediation.longKept", params: { length: (context.long ?? "").length }, buttons: [[pagesDone("mediation.send")], [cancel]] }) }],
      on: {
        TEXT: [
          { guard: ({ context, event }) => `${context.long ?? ""}\n${text(event)}`.length <= LONG_MESSAGE_MAX, target: "long", reenter: true, actions: assign({ long: ({ context, event }) => `${context.long ?? ""}\n${text(event)}` }) },
          {
            target: "long",
            reenter: true,
            actions: [{ type: "say", params: ({ context, event }) => ({ key: "mediation.longOver", params: { max: LONG_MESSAGE_MAX, length: `${context.long ?? ""}\n${text(event)}`.length } }) }],
          },
        ],
        CHOICE: [
          { guard: chose("cancel"), target: "done" },
          { guard: chose("done"), target: "done", actions: [{ type: "relayMessage", params: ({ context }) => ({ mediationId: context.mediationId, to: context.to, text: context.long ?? "" }) }] },
        ],
        ...askAgain("long"),
      },
    },
    // The album's other files as they come (or more sent after it), each with its own caption; one count, edited.
    album: {
      ...pagesState({ accepts: () => true, keep: { type: "keepRelayed" as const }, said: albumSaid, refusal: "mediation.albumNotSent", next: "albumSend", typed: "mediation.albumTyped" }),
      tags: [UNSAVED, TAKES_CAPTION],
    },
    albumSend: {
      always: {
        target: "done",
        actions: [
          {
            type: "relayMessage",
            params: ({ context }) => ({
              mediationId: context.mediationId,
              to: context.to,
              text: "",
              files: (context.pages ?? []).map(({ caption, ...file }) => ({ file, ...(caption ? { caption } : {}) })),
            }),
          },
        ],
      },
    },
    done: { type: "final" },
  },
});

/** The mediator's proposal: amount, terms, how long it stands, review, Send. */
export const proposalMachine = machine.createMachine({
  id: "proposal",
  context: ({ input }) => ({
    mediationId: input.mediationId ?? 0,
    proposalId: 0,
    asMediator: true,
    to: "all",
    amount: null,
    terms: null,
    note: null,
    days: DEFAULT_VALID_DAYS,
    ...(input.outcome ? { outcome: input.outcome, year: input.year ?? 0 } : {}),
  }),
  initial: "amount",
  states: {
    amount: {
      entry: [{ type: "say", params: { key: "mediation.askAmount", buttons: [[cancel]] } }],
      on: typed("amount", "terms", checkAmount, "amount", AMOUNT_MAX),
    },
    terms: {
      tags: [UNSAVED],
      entry: [{ type: "say", params: { key: "mediation.askTerms", params: { max: TERMS_MAX }, buttons: [[cancel]] } }],
      on: termsAnswer(),
    },
    termsLong: tooLong("terms", TERMS_MAX, termsAnswer()),
    days: {
      tags: [UNSAVED],
      entry: [{ type: "say", params: { key: "mediation.askDays", params: { days: DEFAULT_VALID_DAYS, max: VALID_DAYS_MAX }, buttons: [[{ key: "mediation.defaultDays", value: "default" }], [cancel]] } }],
      on: {
        ...typed("days", "review", checkDays, "days", VALID_DAYS_MAX),
        CHOICE: [
          { guard: chose("cancel"), target: "done" },
          { guard: chose("default"), target: "review", actions: { type: "patch", params: { days: DEFAULT_VALID_DAYS } } },
        ],
      },
    },
    review: {
      tags: [UNSAVED],
      entry: [
        {
          type: "say",
          // The amount beside the statutory minimum for the case's outcome, with the warning when below it (law.md §4):
          // seen by the mediator before the sides see it, not only after it went.
          params: ({ context, event }) => {
            const year = Number(event.today?.slice(0, 4)) || context.year || 0;
            const minimum: Param = context.outcome ? lines(["", minimumBeside(context.outcome, context.amount ?? 0, year)]) : "";
            return {
              key: "mediation.reviewProposal",
              params: { amount: context.amount ?? 0, minimum, terms: context.terms ?? "", days: context.days },
              buttons: [[{ key: "mediation.send", value: "send" }], [{ key: "sitting.change", value: "change" }], [cancel]],
            };
          },
        },
      ],
      on: {
        CHOICE: [
          { guard: chose("cancel"), target: "done" },
          { guard: chose("change"), target: "amount" },
          {
            guard: chose("send"),
            target: "done",
            actions: [{ type: "proposeSettlement", params: ({ context }) => ({ mediationId: context.mediationId, amount: context.amount!, terms: context.terms!, days: context.days }) }],
          },
        ],
        ...askAgain("review"),
      },
    },
    done: { type: "final" },
  },
});

/** A party's counter-offer to a proposal: an amount and a note, reviewed, to the mediator. */
export const counterMachine = machine.createMachine({
  id: "counter",
  context: ({ input }) => ({
    mediationId: 0,
    proposalId: input.proposalId ?? 0,
    asMediator: false,
    to: "mediator",
    amount: null,
    terms: null,
    note: null,
    days: DEFAULT_VALID_DAYS,
    ...(input.outcome ? { outcome: input.outcome, year: input.year ?? 0 } : {}),
  }),
  initial: "amount",
  states: {
    amount: {
      entry: [{ type: "say", params: { key: "mediation.askCounterAmount", buttons: [[cancel]] } }],
      on: typed("amount", "note", checkAmount, "amount", AMOUNT_MAX),
    },
    note: {
      tags: [UNSAVED],
      // The amount as the bot read it («2 млн» is 2 000 000 ₸), said back at once; the review shows it again.
      entry: [{ type: "say", params: ({ context }) => ({ key: "mediation.askCounterNote", params: { amount: context.amount ?? 0, max: NOTE_MAX }, buttons: [[cancel]] }) }],
      on: noteAnswer(),
    },
    noteLong: tooLong("note", NOTE_MAX, noteAnswer()),
    // What goes to the mediator, the amount as the bot read it, before it goes: a zero too many is caught here. The
    // applicant's amount stands beside the statutory minimum for the recorded outcome, with the warning when below it
    // (law.md §4), as the mediator's proposal was shown to them.
    review: {
      tags: [UNSAVED],
      entry: [
        {
          type: "say",
          params: ({ context, event }) => {
            const buttons = [[{ key: "mediation.send", value: "send" }], [{ key: "sitting.change", value: "change" }], [cancel]];
            const params = { amount: context.amount ?? 0, note: context.note ?? "" };
            if (!context.outcome) return { key: "mediation.reviewCounter", params, buttons };
            const year = Number(event.today?.slice(0, 4)) || context.year || 0;
            const review: Param = { key: "mediation.reviewCounterMinimum", params: { ...params, minimum: minimumBeside(context.outcome, params.amount, year) } };
            // No condolence here: the applicant has just been given it, with the proposal they answer (once a mediation).
            return { key: "common.text", params: { text: review }, buttons };
          },
        },
      ],
      on: {
        CHOICE: [
          { guard: chose("cancel"), target: "done" },
          { guard: chose("change"), target: "amount" },
          {
            guard: chose("send"),
            target: "done",
            actions: [{ type: "counterOffer", params: ({ context }) => ({ proposalId: context.proposalId, amount: context.amount!, note: context.note! }) }],
          },
        ],
        ...askAgain("review"),
      },
    },
    done: { type: "final" },
  },
});

/**
 * The mediator or the organisation's staff attach a signed document: the settlement agreement, or (`doc: "contract"`)
 * the mediation contract (law.md §4, Art. 20) — a PDF or a photo of it, or its pages as an album. The agreement:
 * after the mediation ended by its term at signing (`notBefore` given: the day both sides agreed to its text), the day
 * it was signed is asked too — neither in the future nor before that day — with a button for the mediation's last day.
 * The contract: always the day it was signed, not before `notBefore` (the day the notice was saved in the bot), then a
 * confirmation — nothing is recorded before «Записать».
 */
const SIGNED_TYPES = /^(application\/pdf|image\/(jpeg|png))$/;
type SignedDoc = "agreement" | "contract";
interface SignedContext extends Pages {
  mediationId: number;
  /** Which signed document (absent: the settlement agreement, as in snapshots stored before the contract had one). */
  doc?: SignedDoc;
  /** The first day it can have been signed (the agreement: only when recorded after the end; absent: no day asked). */
  notBefore?: string;
  /** Recorded after the end: the mediation's last day, offered as a button when it is before today. */
  lastDay?: string;
  file?: FileRef | null;
  /** The contract: the day it was signed, shown for confirmation. */
  on?: string;
}
const signedFile = (e: FlowEvent) => e.type === "FILE" && (e.file.kind === "photo" || SIGNED_TYPES.test(e.file.mime ?? ""));
/** Each document's own texts: the same questions, naming what is attached. */
const SIGNED_KEYS: Record<SignedDoc, { ask: string; pages: string; typed: string; day: string; before: string }> = {
  agreement: { ask: "mediation.askSigned", pages: "mediation.signedPages", typed: "mediation.signedPagesTyped", day: "mediation.askSignedDay", before: "mediation.signedDayBefore" },
  contract: {
    ask: "mediation.askSignedContract",
    pages: "mediation.signedContractPages",
    typed: "mediation.signedContractPagesTyped",
    day: "mediation.askSignedContractDay",
    before: "mediation.signedContractDayBefore",
  },
};
const keysOf = (context: SignedContext) => SIGNED_KEYS[context.doc ?? "agreement"];
const isContract = ({ context }: { context: SignedContext }) => context.doc === "contract";
/** The count of the document's pages so far, with «Done» (flow.ts, Pages). */
const pagesOf = (doc: SignedDoc) => pagesSaid(SIGNED_KEYS[doc].pages, [[pagesDone("mediation.signedDone")], [cancel]]);
const signedPages = pagesOf("agreement");
const contractPages = pagesOf("contract");
/** What is recorded: the file, every page of one sent as an album, and the day it was signed when asked. */
const signedOf = (context: SignedContext, on?: string) => ({
  mediationId: context.mediationId,
  file: firstPage(context, context.file!),
  ...((context.pages?.length ?? 0) > 1 ? { pages: context.pages } : {}),
  ...(on !== undefined ? { on } : {}),
});
/** The transitions of `doc` alone (the day's refusals name the document). */
const onlyFor = <T extends { guard?: (a: { context: SignedContext; event: FlowEvent }) => boolean }>(doc: SignedDoc, ts: T[]) =>
  ts.map((t) => ({ ...t, guard: (a: { context: SignedContext; event: FlowEvent }) => (a.context.doc ?? "agreement") === doc && (t.guard ? t.guard(a) : true) }));
export const signedAgreementMachine = setup({
  types: {} as { context: SignedContext; events: FlowEvent; input: { mediationId?: number; doc?: SignedDoc; notBefore?: string; lastDay?: string } },
  actions: {
    ...effectActions,
    noteRefused: noteRefused<SignedContext>(),
    keepPage: assign({ pages: ({ context, event }) => withPage(context, event) }),
    recordSignedAgreement: (_: unknown, _params: { mediationId: number; file: FileRef; pages?: FileRef[]; on?: string }) => undefined,
    recordSignedContract: (_: unknown, _params: { mediationId: number; file: FileRef; pages?: FileRef[]; on?: string }) => undefined,
  },
}).createMachine({
  id: "signedAgreement",
  context: ({ input }) => ({
    mediationId: input.mediationId ?? 0,
    ...(input.doc === "contract" ? { doc: input.doc } : {}),
    ...(input.notBefore ? { notBefore: input.notBefore } : {}),
    ...(input.lastDay ? { lastDay: input.lastDay } : {}),
  }),
  initial: "file",
  states: {
    file: {
      entry: [{ type: "say", params: ({ context }) => ({ key: keysOf(context).ask, buttons: [[cancel]] }) }],
      on: {
        FILE: [
          // A scanned document of several pages sent as an album comes one update a page, in any order: each is kept,
          // and it is recorded at «Готово» — not with the first page, which left the others «not kept».
          {
            guard: ({ context, event }) => signedFile(event) && inAlbum(event) && context.doc === "contract",
            target: "contractPages",
            actions: [assign({ file: ({ event }) => (event as { file: FileRef }).file, pages: [] }), { type: "keepPage" }, { type: "say", params: contractPages }],
          },
          {
            guard: ({ event }) => signedFile(event) && inAlbum(event),
            target: "pages",
            actions: [assign({ file: ({ event }) => (event as { file: FileRef }).file, pages: [] }), { type: "keepPage" }, { type: "say", params: signedPages }],
          },
          { guard: ({ context, event }) => signedFile(event) && Boolean(context.notBefore), target: "day", actions: assign({ file: ({ event }) => (event as { file: FileRef }).file }) },
          {
            guard: ({ event }) => signedFile(event),
            target: "done",
            actions: [{ type: "recordSignedAgreement", params: ({ context, event }) => ({ mediationId: context.mediationId, file: (event as { file: FileRef }).file }) }],
          },
          { target: "file", reenter: true, actions: [{ type: "say", params: { key: "mediation.error.signedType" } }] },
        ],
        TEXT: { target: "file", reenter: true, actions: [{ type: "say", params: { key: "mediation.error.signedType" } }] },
        // A sticker, a video, a voice message: what is wanted, and the question again — the flow stays where it was.
        MEDIA: { target: "file", reenter: true, actions: [{ type: "say", params: { key: "mediation.error.signedType" } }] },
        CHOICE: { guard: chose("cancel"), target: "done" },
        ...askAgain("file"),
      },
    },
    // The document's other pages, as they come (an album's, or more sent after it).
    pages: pagesState({ accepts: signedFile, keep: { type: "keepPage" as const }, said: signedPages, refusal: "mediation.error.signedType", next: "paged", typed: SIGNED_KEYS.agreement.typed }),
    contractPages: pagesState({ accepts: signedFile, keep: { type: "keepPage" as const }, said: contractPages, refusal: "mediation.error.signedType", next: "paged", typed: SIGNED_KEYS.contract.typed }),
    paged: {
      always: [{ guard: ({ context }) => Boolean(context.notBefore), target: "day" }, { target: "done", actions: [{ type: "recordSignedAgreement", params: ({ context }) => signedOf(context) }] }],
    },
    day: {
      tags: [UNSAVED],
      entry: [
        {
          type: "say",
          params: ({ context }) => ({
            key: keysOf(context).day,
            buttons: [
              ...(context.lastDay ? [[{ key: "mediation.signedOnLastDay", params: { date: showDate(context.lastDay) }, value: "last" }]] : []),
              [{ key: "conclusion.issuedToday", value: "today" }],
              [cancel],
            ],
          }),
        },
      ],
      on: {
        TEXT: [
          // The contract's day taken: its confirmation next, nothing recorded yet.
          { guard: (a) => isContract(a) && dayInRange(a), target: "confirm", actions: assign({ on: ({ event }) => typedDay(event)! }) },
          {
            guard: dayInRange,
            target: "done",
            actions: [{ type: "recordSignedAgreement", params: ({ context, event }) => signedOf(context, typedDay(event)!) }],
          },
          ...onlyFor("contract", dayRefusals("day", { future: "conclusion.dateFuture", before: SIGNED_KEYS.contract.before })),
          ...dayRefusals("day", { future: "conclusion.dateFuture", before: SIGNED_KEYS.agreement.before }),
        ],
        CHOICE: [
          { guard: chose("cancel"), target: "done" },
          { guard: (a) => isContract(a) && chose("today")(a), target: "confirm", actions: assign({ on: ({ event }) => event.today ?? "" }) },
          {
            guard: ({ context, event }) => chose("last")({ event }) && Boolean(context.lastDay),
            target: "done",
            actions: [{ type: "recordSignedAgreement", params: ({ context }) => signedOf(context, context.lastDay!) }],
          },
          {
            guard: chose("today"),
            target: "done",
            actions: [{ type: "recordSignedAgreement", params: ({ context, event }) => signedOf(context, event.today ?? "") }],
          },
        ],
        ...askAgain("day"),
      },
    },
    // The contract: what is about to be recorded, confirmed — or cancelled, nothing recorded.
    confirm: {
      tags: [UNSAVED],
      entry: [
        {
          type: "say",
          params: ({ context }) => ({
            key: "mediation.confirmSignedContract",
            params: { date: showDate(context.on ?? ""), count: Math.max(context.pages?.length ?? 0, 1) },
            buttons: [[{ key: "mediation.signedContractSave", value: "save" }], [cancel]],
          }),
        },
      ],
      on: {
        CHOICE: [
          { guard: chose("cancel"), target: "done" },
          { guard: chose("save"), target: "done", actions: [{ type: "recordSignedContract", params: ({ context }) => signedOf(context, context.on ?? "") }] },
        ],
        ...askAgain("confirm"),
      },
    },
    done: { type: "final" },
  },
});

export const relayFlow: FlowDef = { name: "relay", version: 1, machine: relayMachine, input: () => ({}) };
export const proposalFlow: FlowDef = { name: "proposal", version: 1, role: "mediator", machine: proposalMachine, input: () => ({}) };
export const counterFlow: FlowDef = { name: "counter", version: 1, machine: counterMachine, input: () => ({}) };
export const signedAgreementFlow: FlowDef = { name: "signedAgreement", version: 1, machine: signedAgreementMachine, input: () => ({}) };
