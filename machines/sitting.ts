// Staff schedule a sitting of the commission (law.md §3: the patient, spouse, close relatives or legal
// representative may attend): the date and time in Kazakhstan time, in person (an address) and/or
// online (a link), an optional note; then a review and Save. Moving a sitting asks the date and time only.
import { assign, enqueueActions, setup } from "xstate";
import type { Button, Param, Params } from "./effects.js";
import { askAgain, chose, effectActions, UNSAVED, type FlowDef, type FlowEvent } from "./flow.js";
import { parseDate, WRITTEN_AS_DATE, type Check } from "./notice-rules.js";
import { addDays, holidayOf, isWeekend, isWorkingDay, uncheckedYears, type LocalDate } from "./calendar.js";
import { showDate } from "./notice.js";

export const SITTING_FORMATS = ["in_person", "online", "both"] as const;
export type SittingFormat = (typeof SITTING_FORMATS)[number];
export const ADDRESS_MAX = 300;
export const LINK_MAX = 500;
export const NOTE_MAX = 500;
/** A start before NIGHT_ENDS or from NIGHT_BEGINS ("HH:MM") is said at the review to be at night (a typo for the afternoon). */
export const NIGHT_ENDS = "07:00";
export const NIGHT_BEGINS = "22:00";
/** How far ahead a sitting may be set. */
export const MAX_DAYS_AHEAD = 365;

export interface SittingPlan {
  caseId: number;
  date: LocalDate;
  time: string; // "HH:MM", Kazakhstan time
  address: string | null;
  link: string | null;
  note: string | null;
}

interface Context {
  caseId: number;
  /** Set when moving an existing sitting: only the date and time are asked. */
  sittingId: number;
  date: LocalDate | null;
  time: string | null;
  format: SittingFormat | null;
  address: string | null;
  link: string | null;
  note: string | null;
  /** The case's number, shown with the first question (absent in snapshots stored before). */
  number?: string;
  /** Moving: the sitting's version (SEQUENCE) the «Перенести» button was shown for (absent before it was carried). */
  sequence?: number;
  /**
   * The last day of the commission's conclusion term (law.md §3 step 6: 5 working days), as the case counts it when the
   * flow opens (absent before the commission is formed, and in snapshots stored before it was carried).
   */
  conclusionDue?: LocalDate;
  /**
   * The conclusion's term in working days as the bot counts it (its constant, passed in by the bot: the machine keeps no
   * law of its own). Absent in snapshots stored before it was carried: the review then says the term without the count.
   */
  conclusionDays?: number;
  /** The calendar's note of that term (law.md §5), before its end and after it ("" when its years are checked). */
  conclusionNotes?: { open: Param; passed: Param };
}

const ok = <T>(value: T): Check<T> => ({ ok: true, value });
const no = (reason: string): Check<never> => ({ ok: false, reason });
const text = (e: FlowEvent) => (e.type === "TEXT" ? e.text.trim() : "");

/** A sitting's date: today or later, within a year. */
export const checkSittingDate = (input: string, today: LocalDate): Check<LocalDate> => {
  const date = parseDate(input);
  // Written as asked, but no such day (31.02): said so, not "write it as DD.MM.YYYY".
  if (!date) return no(WRITTEN_AS_DATE.test(input) ? "dateNotReal" : "dateFormat");
  if (date < today) return no("datePast");
  if (date > addDays(today, MAX_DAYS_AHEAD)) return no("dateFar");
  return ok(date);
};

/** A time of day typed as HH:MM (also H.MM); later than `after` ("HH:MM", the time now when the sitting is today). */
export const checkTime = (input: string, after?: string): Check<string> => {
  const m = /^\s*(\d{1,2})[:.](\d{2})\s*$/.exec(input);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return no("timeFormat");
  const time = `${m[1]!.padStart(2, "0")}:${m[2]}`;
  return after !== undefined && time <= after ? no("timePast") : ok(time);
};

export const checkAddress = (input: string): Check<string> => {
  const s = input.trim().replace(/\s+/g, " ");
  if (s.length < 5) return no("addressShort");
  if (s.length > ADDRESS_MAX) return no("addressLong");
  return ok(s);
};

/**
 * A host as a link copied without its scheme names it: labels of letters, digits and hyphens, the last a top-level domain
 * — two Latin letters or more, or «рф», «қаз» (escapes: no Cyrillic literals in code). Words with a dot between them
 * («см.ниже», «т.е», «10.30-11») are not one.
 */
const BARE_LINK = /^(?:[\p{L}\p{N}-]+\.)+(?:[a-z]{2,}|\u0440\u0444|\u049b\u0430\u0437)(?:[/?#]\S*)?$/iu;

/** An online meeting's link: http(s), no spaces. One copied without its scheme («meet.google.com/…», «t.me/…») is taken as https. */
export const checkLink = (input: string): Check<string> => {
  const typed = input.trim();
  const s = BARE_LINK.test(typed) ? `https://${typed}` : typed;
  if (s.length > LINK_MAX || /\s/.test(s)) return no("link");
  try {
    const u = new URL(s);
    return (u.protocol === "https:" || u.protocol === "http:") && u.hostname.includes(".") ? ok(s) : no("link");
  } catch {
    return no("link");
  }
};

const cancel: Button = { key: "admin.cancel", value: "cancel" };
const tomorrow: Button = { key: "sitting.tomorrow", value: "tomorrow" };
/** What a check may compare with: today, the time now, and the date already chosen. */
interface Now {
  today: string;
  time: string | undefined;
  date: LocalDate | null;
}
const checked =
  <T>(check: (input: string, today: string, now: Now) => Check<T>) =>
  ({ context, event }: { context: Context; event: FlowEvent }) =>
    check(text(event), event.today ?? "", { today: event.today ?? "", time: event.time, date: context.date });
/** A TEXT answer: on success store it and go on; else say why and ask again. */
type Args = { context: Context; event: FlowEvent };
const answer = <T>(state: string, next: string, check: (input: string, today: string, now: Now) => Check<T>, store: (v: T) => Partial<Context>) => ({
  TEXT: [
    {
      guard: (a: Args) => checked(check)(a).ok,
      target: next,
      actions: { type: "patch" as const, params: (a: Args) => store((checked(check)(a) as { value: T }).value) },
    },
    {
      target: state,
      reenter: true,
      actions: [{ type: "say" as const, params: (a: Args) => ({ key: `sitting.error.${(checked(check)(a) as { reason: string }).reason}`, params: { max: state === "address" ? ADDRESS_MAX : NOTE_MAX } }) }],
    },
  ],
  CHOICE: { guard: chose("cancel"), target: "done" },
  ...askAgain(state),
});

const placeLines = (c: Context): { key: string; params: Params }[] => [
  ...(c.address ? [{ key: "sitting.inPersonAt", params: { address: c.address } }] : []),
  ...(c.link ? [{ key: "sitting.onlineAt", params: { link: c.link } }] : []),
  ...(c.note ? [{ key: "sitting.noteLine", params: { note: c.note } }] : []),
];

export const sittingMachine = setup({
  types: {} as { context: Context; events: FlowEvent; input: { caseId: number; sittingId: number; number?: string; sequence?: number; conclusionDue?: LocalDate; conclusionDays?: number; conclusionNotes?: { open: Param; passed: Param } } },
  actions: {
    ...effectActions,
    patch: assign((_, params: Partial<Context>) => params),
    scheduleSitting: (_: unknown, _params: SittingPlan) => undefined,
    moveSitting: (_: unknown, _params: { sittingId: number; date: LocalDate; time: string; sequence?: number }) => undefined,
  },
}).createMachine({
  id: "sitting",
  context: ({ input }) => ({ caseId: input.caseId, sittingId: input.sittingId, date: null, time: null, format: null, address: null, link: null, note: null, ...(input.number ? { number: input.number } : {}), ...(input.sequence !== undefined ? { sequence: input.sequence } : {}), ...(input.conclusionDue ? { conclusionDue: input.conclusionDue } : {}), ...(input.conclusionDays ? { conclusionDays: input.conclusionDays } : {}), ...(input.conclusionNotes ? { conclusionNotes: input.conclusionNotes } : {}) }),
  initial: "date",
  states: {
    date: {
      entry: [
        {
          type: "say",
          params: ({ context }) => ({
            key: context.sittingId ? "sitting.askNewDate" : "sitting.askDate",
            params: { case: context.number ? { key: "common.caseHead", params: { number: context.number } } : "" },
            buttons: [[tomorrow], [cancel]],
          }),
        },
      ],
      on: {
        ...answer("date", "time", checkSittingDate, (date) => ({ date })),
        CHOICE: [
          { guard: chose("tomorrow"), target: "time", actions: { type: "patch" as const, params: ({ event }: { event: FlowEvent }) => ({ date: addDays(event.today ?? "", 1) }) } },
          { guard: chose("cancel"), target: "done" },
        ],
      },
    },
    time: {
      tags: [UNSAVED],
      entry: [{ type: "say", params: { key: "sitting.askTime", buttons: [[cancel]] } }],
      // Today's sitting: later than now (not found out only at Save, with the place and note typed since thrown away).
      on: answer("time", "afterTime", (s, _today, now) => checkTime(s, now.date === now.today ? now.time : undefined), (time) => ({ time })),
    },
    afterTime: { always: [{ guard: ({ context }) => context.sittingId > 0, target: "review" }, { target: "format" }] },
    format: {
      tags: [UNSAVED],
      entry: [
        {
          type: "say",
          params: { key: "sitting.askFormat", buttons: [...SITTING_FORMATS.map((f) => [{ key: `sitting.format.${f}`, value: f }]), [cancel]] },
        },
      ],
      on: {
        CHOICE: [
          { guard: chose("cancel"), target: "done" },
          {
            guard: ({ event }) => event.type === "CHOICE" && (SITTING_FORMATS as readonly string[]).includes(event.value),
            target: "afterFormat",
            // Changing the format drops the place it no longer needs.
            actions: { type: "patch", params: ({ event }) => ({ format: (event as { value: SittingFormat }).value, address: null, link: null }) },
          },
        ],
        ...askAgain("format"),
      },
    },
    afterFormat: { always: [{ guard: ({ context }) => context.format === "online", target: "link" }, { target: "address" }] },
    address: {
      tags: [UNSAVED],
      entry: [{ type: "say", params: { key: "sitting.askAddress", buttons: [[cancel]] } }],
      on: answer("address", "afterAddress", (s) => checkAddress(s), (address) => ({ address })),
    },
    afterAddress: { always: [{ guard: ({ context }) => context.format === "both", target: "link" }, { target: "note" }] },
    link: {
      tags: [UNSAVED],
      entry: [{ type: "say", params: { key: "sitting.askLink", buttons: [[cancel]] } }],
      on: answer("link", "note", (s) => checkLink(s), (link) => ({ link })),
    },
    note: {
      tags: [UNSAVED],
      entry: [{ type: "say", params: { key: "sitting.askNote", params: { max: NOTE_MAX }, buttons: [[{ key: "sitting.noNote", value: "skip" }], [cancel]] } }],
      on: {
        ...answer("note", "review", (s) => (s.length > 0 && s.length <= NOTE_MAX ? ok(s) : no("noteLong")), (note) => ({ note })),
        CHOICE: [
          { guard: chose("cancel"), target: "done" },
          { guard: chose("skip"), target: "review", actions: { type: "patch", params: { note: null } } },
        ],
      },
    },
    review: {
      tags: [UNSAVED],
      entry: enqueueActions(({ context, event, enqueue }) => {
        // A weekend or a public holiday (a typo, or «Tomorrow» on a Friday): said before Save, not refused — law.md says
        // nothing of the days a commission sits — but everyone invited would otherwise learn of it first. A public
        // holiday on its own date is named. A weekday off in a year whose calendar is not yet checked against the
        // Government's decree (law.md §5): a day off as known today, said so.
        // A day after the conclusion's term (5 working days, law.md §3 step 6), as the case counts it: said too, as a
        // fact of the count — not refused, nor said to be unlawful or to move the term.
        const date = context.date;
        if (date) {
          const holiday = holidayOf(date);
          const named = holiday ? { key: "sitting.holidayIs", params: { name: { key: `sitting.holiday.${holiday}` } } } : "";
          const asKnown = !isWeekend(date) && uncheckedYears(date, date).length > 0;
          const dayOff = isWorkingDay(date) ? null : { key: asKnown ? "sitting.dayOffAsKnown" : "sitting.dayOff", params: { holiday: named, year: date.slice(0, 4) } };
          const due = context.conclusionDue;
          // A term already over (the formation recorded late) makes no promise of a new date, as case.ts's notes.
          const passed = due !== undefined && typeof event.today === "string" && event.today > due;
          const calendar = (passed ? context.conclusionNotes?.passed : context.conclusionNotes?.open) ?? "";
          const term = { key: passed ? "sitting.termPassed" : "sitting.termUntil", params: { due: showDate(due ?? "") } };
          const counted = context.conclusionDays ? { key: "sitting.countedDays", params: { days: context.conclusionDays } } : "";
          const late = due && date > due ? { key: dayOff ? "sitting.alsoAfterDue" : "sitting.afterDue", params: { term, counted, calendar } } : null;
          const what = dayOff && late ? { key: "sitting.both", params: { dayOff, late } } : (dayOff ?? late);
          if (what) enqueue({ type: "say", params: { key: "sitting.dateNote", params: { date: showDate(date), what } } });
        }
        // A start at night (03:00 typed for 15:00): said before Save, not refused — everyone invited would come at it.
        const time = context.time;
        if (time && (time < NIGHT_ENDS || time >= NIGHT_BEGINS)) enqueue({ type: "say", params: { key: "sitting.nightNote", params: { time } } });
        enqueue({
          type: "say",
          params: {
            key: context.sittingId ? "sitting.reviewMove" : "sitting.review",
            params: {
              date: showDate(context.date ?? ""),
              time: context.time ?? "",
              place: { lines: placeLines(context) },
            },
            buttons: [[{ key: "conclusion.save", value: "save" }], [{ key: "sitting.change", value: "change" }], [cancel]],
          },
        });
      }),
      on: {
        CHOICE: [
          { guard: chose("cancel"), target: "done" },
          { guard: chose("change"), target: "date" },
          {
            guard: ({ context, event }) => chose("save")({ event }) && context.sittingId > 0,
            target: "done",
            actions: [
              {
                type: "moveSitting",
                params: ({ context }) => ({ sittingId: context.sittingId, date: context.date!, time: context.time!, ...(context.sequence !== undefined ? { sequence: context.sequence } : {}) }),
              },
            ],
          },
          {
            guard: chose("save"),
            target: "done",
            actions: [
              {
                type: "scheduleSitting",
                params: ({ context }) => ({ caseId: context.caseId, date: context.date!, time: context.time!, address: context.address, link: context.link, note: context.note }),
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

export const sittingFlow: FlowDef = { name: "sitting", version: 1, role: "staff", machine: sittingMachine, input: () => ({ caseId: 0, sittingId: 0 }) };
