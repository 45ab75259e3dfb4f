// A case's stored data as features show it: the sealed fields, the dates of care, the region.
import { regionByCode, regionText, withoutNumberSign } from "../../machines/notice-rules.js";
import { showDate } from "../../machines/notice.js";
import { endOfDay, localDate, uncheckedYears, workingDaysLeft, type Deadline } from "../../machines/calendar.js";
import type { Bilingual, Param } from "../../machines/effects.js";
import { open, seal } from "../crypto.js";
import type { CaseStatus } from "../db/generated/enums.js";

/** The sealed part of a case: what must not be readable from the database alone. */
export interface SensitiveFields {
  iin: string;
  phone: string;
  description: string;
  /** The patient's full name (sealed since issue 13; absent in a case not yet re-sealed). */
  name?: string;
  /** The commission's conclusion as staff summed it up (the patient's medical details); absent until it is recorded. */
  conclusion?: string;
  /** The patient's date of birth, YYYY-MM-DD (the IIN's first six digits; sealed with it; absent in a case not yet re-sealed). */
  birthDate?: string;
}
export const openSensitive = (dataKey: Buffer, sealed: string): SensitiveFields => JSON.parse(open(dataKey, sealed)) as SensitiveFields;
/** The sealed fields with `more` set (a case anonymised meanwhile has none: it gets only `more`). */
export const sealWith = (dataKey: Buffer, sealed: string, more: Partial<SensitiveFields>): string =>
  seal(dataKey, JSON.stringify({ ...(sealed ? openSensitive(dataKey, sealed) : { iin: "", phone: "", description: "" }), ...more }));

/** The patient's full name: sealed with the IIN; in the plain answers only in a case from before that. */
export const patientName = (dataKey: Buffer, k: { sensitive: string; answers: unknown }): string =>
  (k.sensitive ? openSensitive(dataKey, k.sensitive).name : undefined) ?? str(answersOf(k.answers).name);

/** The commission's conclusion summary: sealed; in the plain answers only in a case from before that. */
export const conclusionSummary = (dataKey: Buffer, k: { sensitive: string; answers: unknown }): string | null => {
  const sealed = k.sensitive ? openSensitive(dataKey, k.sensitive).conclusion : undefined;
  const plain = (answersOf(k.answers).conclusion as { summary?: unknown } | undefined)?.summary;
  return sealed ?? (typeof plain === "string" ? plain : null);
};

/** The case's answers (a JSON column), read as strings. */
export const answersOf = (answers: unknown): Record<string, unknown> => (answers ?? {}) as Record<string, unknown>;
export const str = (x: unknown): string => (typeof x === "string" ? x : "");

/** "02.03.2026" or "02.03.2026 – 05.03.2026"; empty when the dates are not known. */
export const careText = (from: unknown, to: unknown): string => {
  const a = str(from);
  const b = str(to);
  if (!a || !b) return "";
  return a === b ? showDate(a) : `${showDate(a)} – ${showDate(b)}`;
};

/**
 * The note after a deadline counted through `years` not yet checked against the Government's decree (law.md §5):
 * every one of them named — «по календарю 2027 года», «по календарям 2027 и 2028 годов» — "" when there is none.
 */
const uncheckedNote = (years: number[], key: "calendarAsKnown" | "calendarAsKnownExpired"): Param => {
  if (years.length === 0) return "";
  if (years.length === 1) return { key: `common.${key}`, params: { year: years[0]! } };
  return { key: `common.${key}Years`, params: { years: { key: "common.yearsAnd", params: { list: years.slice(0, -1).join(", "), last: years.at(-1)! } } } };
};

/**
 * After a deadline, the note that it was counted on a calendar not yet checked against the Government's
 * decree (law.md §5), naming each such year the count from `from` to `due` went through — empty when every one is
 * checked.
 */
export const calendarNote = (due: string, from: string = due): Param => uncheckedNote(uncheckedYears(from, due), "calendarAsKnown");
/**
 * The same note for a deadline already passed, without the promise of a new date: the recount leaves a deadline
 * already past as it was told (features/commission/deadlines.ts).
 */
export const expiredCalendarNote = (due: string, from: string = due): Param => uncheckedNote(uncheckedYears(from, due), "calendarAsKnownExpired");

/** A region's name in the reader's language (its code if unknown). */
/** A region's name as it reads inside a sentence or after a comma (ru «область Жетісу»); buttons use REGIONS as they are. */
export const regionName = (code: string): Bilingual | string => {
  return regionText(code) ?? code;
};
/** Where a document is made, for its heading: the city, when the region is one; null for an oblast (a blank to fill in). */
export const regionPlace = (code: string): Bilingual | null => {
  const r = regionByCode(code);
  return r?.city ? { kk: r.kk, ru: r.ru } : null;
};

/** How the entity's receipt of the notice was recorded (law.md §3 step 2), if it was. */
export interface ReceiptRecord {
  on: string;
  number: string | null;
  by: "staff" | "applicant" | "formation";
}
export const receiptOf = (answers: unknown): ReceiptRecord | null => {
  const r = answersOf(answers).receipt as Partial<ReceiptRecord> | undefined;
  // A number stored with its «№» by a version before checkRegistration left it off is shown without it too.
  return r && typeof r.on === "string" ? { on: r.on, number: typeof r.number === "string" ? withoutNumberSign(r.number) : null, by: r.by ?? "staff" } : null;
};

/** The day the commission was formed (as staff gave it), YYYY-MM-DD; "" when it was not. */
export const formedOn = (k: { answers: unknown; formedAt: Date | null }, timeZone: string): string =>
  str(answersOf(k.answers).formedOn) || (k.formedAt ? localDate(k.formedAt, timeZone) : "");

/** The overdue events of deadlines whose step was then recorded as done on or before the deadline's day (staff recorded it late). */
export const metDeadlines = (answers: unknown): Set<string> => {
  const a = answersOf(answers);
  const conclusion = a.conclusion as { on?: unknown } | undefined;
  const within = (on: unknown, due: unknown) => typeof on === "string" && typeof due === "string" && on <= due;
  return new Set([...(within(a.formedOn, a.formationDue) ? ["formation_overdue"] : []), ...(within(conclusion?.on, a.conclusionDue) ? ["conclusion_overdue"] : [])]);
};

/** Events of a deadline that passed, dated by the deadline's last day (their payload's `due`). */
const PASSED_DEADLINES: readonly string[] = ["formation_overdue", "conclusion_overdue"];

/**
 * The day a case's event happened, YYYY-MM-DD: the receipt, the formation and the conclusion on the day staff (or the
 * applicant) gave, which may be before the day it was recorded in the bot; a deadline that passed on its last day —
 * as its notice says «истёк 26.11.2026» — though the job that saw it ran days later (the bot was down); anything
 * else on the day it was recorded.
 */
export const eventDay = (ev: { kind: string; createdAt: Date; payload: unknown }, timeZone: string): string => {
  const p = (ev.payload ?? {}) as Record<string, unknown>;
  const given =
    ev.kind === "commission_formed" ? p.formedOn : ev.kind === "notice_received" || ev.kind === "conclusion_recorded" || ev.kind === "contract_signed" ? p.on : PASSED_DEADLINES.includes(ev.kind) ? p.due : undefined;
  return typeof given === "string" && /^\d{4}-\d{2}-\d{2}$/.test(given) ? given : localDate(ev.createdAt, timeZone);
};

/**
 * A case's timeline, as /cases and the history for a lawyer show it: each event with the day it happened (eventDay),
 * in the order of those days — a step recorded days late (a conclusion issued on the 4th, recorded on the 10th) stands
 * among the events of its day, not below later ones; events of one day keep the order they were given in (recorded,
 * by id). A deadline the bot saw pass with nothing recorded, then recorded as met (the step was done in time and
 * staff recorded it late), did not pass: it is left out (metDeadlines).
 */
export const timeline = <E extends { kind: string; createdAt: Date; payload: unknown }>(k: { answers: unknown; events: E[] }, timeZone: string): { event: E; day: string }[] => {
  const met = metDeadlines(k.answers);
  // Array.prototype.sort is stable: the same day keeps the given order.
  return k.events
    .filter((ev) => !met.has(ev.kind))
    .map((event) => ({ event, day: eventDay(event, timeZone) }))
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
};

/** A registered organisation's name in the reader's language. */
export const orgNames = (o: { nameKk: string; nameRu: string }): Bilingual => ({ kk: o.nameKk, ru: o.nameRu });

/** What a query of a case includes for caseOrg. */
export const ORG_NAMES = { organization: { select: { nameKk: true, nameRu: true } } } as const;

/**
 * A case's organisation as its reader names it: a registered one in the reader's language (Russian staff read its
 * Russian name whatever language the applicant filed in), one only typed in the notice as the applicant typed it.
 */
export const caseOrg = (k: { orgName: string; organization?: { nameKk: string; nameRu: string } | null }, max?: number): Bilingual | string => {
  const cut = (s: string): string => (max !== undefined && s.length > max ? `${s.slice(0, max - 1).trimEnd()}…` : s);
  return k.organization ? { kk: cut(k.organization.nameKk), ru: cut(k.organization.nameRu) } : cut(k.orgName);
};

/**
 * The commission's step a case in mediation stands at underneath, from its dates. Where it returns when the mediation
 * ends without agreement — unless the applicant drafted a complaint, which lies over the step too: then «escalated»
 * (features/mediation end).
 */
export const statusBefore = (k: { concludedAt: Date | null; formedAt: Date | null; receivedAt: Date | null; deliveredAt: Date | null }) =>
  k.concludedAt ? "concluded" : k.formedAt ? "commission_formed" : k.receivedAt ? "received" : k.deliveredAt ? "delivered" : "saved";

/**
 * Statuses that lie over the commission's step without ending it: a mediation under way, and a complaint the
 * applicant drafted (the bot sends it nowhere: law.md §3, §6). Neither stops the commission nor its deadlines
 * (law.md has no such rule), so staff record its steps meanwhile.
 */
const OVER_THE_STEP: readonly string[] = ["mediation", "escalated"];

/**
 * Why staff's steps on a case (its receipt, commission, conclusion) are recorded no more, or null: settled — which a
 * case becomes only when its signed agreement is recorded (law.md §4) — or closed. The key of the sentence saying so.
 */
export const caseEndedKey = (k: { status: string }): string | null => (k.status === "settled" || k.status === "closed" ? `staff.caseEnded.${k.status}` : null);

/** The commission's step a case stands at: its status, or under a mediation or a drafted complaint the status underneath. */
export const stepOf = (k: Parameters<typeof statusBefore>[0] & { status: string }): string => (OVER_THE_STEP.includes(k.status) ? statusBefore(k) : k.status);

/**
 * Whether the entity has not yet received the case's notice (saved in the bot, or handed over with no receipt
 * recorded): no legal deadline runs yet (law.md §3 step 2). Under a mediation or a drafted complaint, by the step
 * underneath (stepOf).
 */
export const notReceivedYet = (k: Parameters<typeof stepOf>[0]): boolean => {
  const step = stepOf(k);
  return step === "saved" || step === "delivered";
};

/**
 * The commission's steps with a deadline the organisation must meet (law.md §3): the status each waits in, and where
 * its due date is kept in the case's answers. The one map of them: the lists, the home's count of deadlines due
 * today and the watch (features/commission/deadlines.ts) read it.
 */
export const DEADLINE_STEPS = {
  formation: { status: "received", due: "formationDue" },
  conclusion: { status: "commission_formed", due: "conclusionDue" },
} as const;
/** Where the deadline of the step a case stands at is kept in its answers; undefined at a step with none. */
export const dueFieldAt = (step: string): string | undefined => Object.values(DEADLINE_STEPS).find((s) => s.status === step)?.due;

/**
 * The calendar note of a case's deadline (`formationDue` or `conclusionDue` in its answers), counted from the day its
 * count started — the receipt (the formation's) or the formation (the conclusion's) — so that it names every unchecked
 * year the count went through; `expired`: the note of a deadline already passed, with no promise of a new date.
 */
export const dueNote = (answers: unknown, field: string, expired = false, due = str(answersOf(answers)[field])): Param =>
  (expired ? expiredCalendarNote : calendarNote)(due, countedFrom(answers, field, due));
/** The day a deadline's count started: the receipt's (the formation's deadline) or the formation's (the conclusion's). */
const countedFrom = (answers: unknown, field: string, due: string): string => {
  const start = field === DEADLINE_STEPS.formation.due ? receiptOf(answers)?.on : answersOf(answers).formedOn;
  return typeof start === "string" && /^\d{4}-\d{2}-\d{2}$/.test(start) && start <= due ? start : due;
};

/** The deadline a case's organisation must meet now: its text without the calendar note, and the note ("" if none). */
const deadlineOf = (k: Parameters<typeof stepOf>[0] & { answers: unknown }, c: { now: Date; timeZone: string }): { key: string; params: Record<string, Param>; note: Param } | null => {
  const field = dueFieldAt(stepOf(k));
  const date = field ? answersOf(k.answers)[field] : undefined;
  if (typeof date !== "string") return null;
  const left = workingDaysLeft(c.now, { date, at: endOfDay(date, c.timeZone) }, c.timeZone);
  if (left === null) return { key: "cases.overdue", params: { date: showDate(date) }, note: dueNote(k.answers, field!, true) };
  // Counted after today: on the last day itself there is only today.
  const remaining = left === 0 ? { key: "cases.lastDay" } : { key: "cases.left", params: { count: left } };
  return { key: "cases.deadline", params: { date: showDate(date), left: remaining }, note: dueNote(k.answers, field!) };
};

/**
 * The deadline a case's organisation must meet now, as a date and the working days left after today (a case's
 * view: the applicant's and staff's): a mediation or a drafted complaint stops none (law.md has no such rule); none
 * before the entity received the notice.
 */
export const deadlineLine = (k: Parameters<typeof stepOf>[0] & { answers: unknown }, c: { now: Date; timeZone: string }): Param | null => {
  const d = deadlineOf(k, c);
  return d && { key: d.key, params: { ...d.params, calendar: d.note } };
};

/**
 * The deadlines of a list's cases (/cases, staff's /inbox), one per case (null: none): a deadline counted on a
 * calendar not yet checked is marked «*», and its note comes once, at the message's end (`notes`) — not under each
 * of ten cases received in the last days of a year. Notes that differ (another year; a deadline already passed)
 * get «**», «***».
 */
export const deadlineLines = (ks: (Parameters<typeof stepOf>[0] & { answers: unknown })[], c: { now: Date; timeZone: string }): { lines: (Param | null)[]; notes: Param[] } => {
  const f = footnotes();
  const lines = ks.map((k): Param | null => {
    const d = deadlineOf(k, c);
    return d && { key: d.key, params: { ...d.params, calendar: f.mark(d.note) } };
  });
  return { lines, notes: f.notes };
};

/**
 * Calendar notes as footnotes: `mark(note)` gives the mark to put after a line («*», «**» for another note; "" for
 * no note), and `notes` each note once, with its mark, for the message's end.
 */
const footnotes = (): { mark: (note: Param) => string; notes: Param[] } => {
  const seen: string[] = [];
  const notes: Param[] = [];
  const mark = (note: Param): string => {
    if (note === "") return "";
    const id = JSON.stringify(note);
    if (!seen.includes(id)) {
      seen.push(id);
      notes.push({ key: "cases.calendarFootnote", params: { mark: "*".repeat(seen.length), note } });
    }
    return "*".repeat(seen.indexOf(id) + 1);
  };
  return { mark, notes };
};

/** The deadline a passed deadline's event is about (its due date in the case's answers). */
const PASSED_FIELD: Record<string, string> = { formation_overdue: DEADLINE_STEPS.formation.due, conclusion_overdue: DEADLINE_STEPS.conclusion.due };

/**
 * The note of a timeline's event: a deadline that passed, dated by its last day, counted on a calendar maybe not yet
 * checked — from the day its count started (the case's receipt or formation, from its answers: a long case's view
 * shows only its latest events), so that the note names every year the count went through.
 */
const eventNote = (event: { kind: string; payload: unknown }, answers: unknown): Param => {
  const due = ((event.payload ?? {}) as Record<string, unknown>).due;
  const field = PASSED_FIELD[event.kind];
  return field && typeof due === "string" ? dueNote(answers, field, true, due) : "";
};

/**
 * The marks of a timeline's events (timeline()) and their notes: a deadline that passed is dated by its last day, as
 * counted then — on a calendar maybe not yet checked against the Government's decree (law.md §5), which its line
 * says by a mark and the note once, after the events (as the lists do: deadlineLines).
 */
export const timelineFootnotes = (events: { event: { kind: string; payload: unknown } }[], answers: unknown): { marks: string[]; notes: Param[] } => {
  const f = footnotes();
  const marks = events.map(({ event }) => f.mark(eventNote(event, answers)));
  return { marks, notes: f.notes };
};

/**
 * A case's view: its deadline line (deadlineLine) and its timeline's marks and notes (timelineFootnotes). The
 * deadline's note follows it, as anywhere else — unless the timeline marks a passed deadline too: then the deadline
 * is marked as well and each note comes once, after the events, not the same caveat twice in one message.
 */
export const caseViewDeadlines = (
  k: Parameters<typeof stepOf>[0] & { answers: unknown },
  c: { now: Date; timeZone: string },
  events: { event: { kind: string; payload: unknown } }[],
): { deadline: Param | null; marks: string[]; notes: Param[] } => {
  const timelineOnly = timelineFootnotes(events, k.answers);
  if (timelineOnly.notes.length === 0) return { deadline: deadlineLine(k, c), ...timelineOnly };
  const f = footnotes();
  const d = deadlineOf(k, c);
  const deadline = d && { key: d.key, params: { ...d.params, calendar: f.mark(d.note) } };
  const marks = events.map(({ event }) => f.mark(eventNote(event, k.answers)));
  return { deadline, marks, notes: f.notes };
};

/**
 * The status a case takes when staff record its commission's next step: a mediation stays over it (it ends by its
 * own course); a drafted complaint does not — the procedure it complained of has moved on (the draft stays in
 * the case's log), and the case is where its commission stands.
 */
export const statusOnStep = (k: { status: CaseStatus }, step: "received" | "commission_formed" | "concluded"): CaseStatus => (k.status === "mediation" ? "mediation" : step);

/**
 * Whether a deadline is already over when its start is recorded (a receipt told days after it): the text then says
 * it expired — not "must … by" a date gone by (the overdue notice follows at once: deadlines.ts watch).
 */
export const isLate = (due: Deadline, now: Date): boolean => due.at <= now;
