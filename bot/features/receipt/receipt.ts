// The notice's way to the healthcare entity (law.md §3 step 2). A saved notice starts no clock. It is
// *delivered* when the organisation it names has registered staff in the bot, who get it at once; it is
// *received* when they record its receipt (the entity's registration number and date), or when the
// applicant says they handed it in on a date. From that date the 3 working days to form the commission
// run, and only then does the bot name a deadline. Until then: staff who have not recorded the receipt by
// the end of the next working day are reminded and the applicant told how to hand it in; an applicant
// whose notice reached nobody is reminded after 2 working days.
import { act, openMenuItem } from "../../../machines/actions.js";
import { atLocalTime, endOfDay, localDate, nthWorkingDayAfter, type Deadline } from "../../../machines/calendar.js";
import type { Button, DomainEffect, FileRef, Param, Recipient } from "../../../machines/effects.js";
import { showDate } from "../../../machines/notice.js";
import type { Case } from "../../db/generated/client.js";
import { answersOf, calendarNote, caseEndedKey, caseOrg, ORG_NAMES, expiredCalendarNote, isLate, receiptOf, statusOnStep, stepOf } from "../../core/case.js";
import type { Ctx, Tx } from "../../core/actor.js";
import { say, sayTo, type Addressed, type JobHandler, type Out, type StillTrue, type TruthCheck } from "../../core/effects.js";
import { caseParticipants, orgStaff, reader, staffCase, staffRecipients } from "../../core/people.js";
import { cancel, schedule } from "../../jobs/jobs.js";
import { FORMATION_WORKING_DAYS, watch } from "../commission/deadlines.js";
import { openSharedNotice } from "../relatives/actions.js";
import { handIn, recordReceipt as recordAction } from "./actions.js";

export { FORMATION_WORKING_DAYS };
/** Staff are reminded at this hour of the working day after next; the applicant whose notice reached nobody, at this one. */
const STAFF_REMINDER_HOUR = 9;
const HANDIN_REMINDER_HOUR = 10;
const RECEIPT_REMINDER = "receipt_reminder";
const HANDIN_REMINDER = "handin_reminder";
const reminderKey = (caseId: number) => `receipt:${caseId}:reminder`;

type CaseRow = Pick<Case, "id" | "number" | "status" | "organizationId" | "orgName" | "language" | "submittedAt" | "answers">;

/** The day the notice was saved, in Kazakhstan's calendar: no receipt can be earlier. */
export const savedOn = (k: Pick<Case, "submittedAt" | "answers">, timeZone: string): string => {
  const on = answersOf(k.answers).submittedOn;
  return typeof on === "string" ? on : localDate(k.submittedAt, timeZone);
};

/** The applicant's buttons while the entity has not received the notice: hand it in, and the notice itself. */
/** The applicant's buttons until the entity has the notice; `withdrew`: not the hand-in, which the bot would refuse then (mydata.ts needsConsent). */
export const handInButtons = (k: Pick<Case, "id" | "submittedAt" | "answers">, timeZone: string, withdrew = false): Button[][] => [
  ...(withdrew ? [] : [[{ key: "receipt.handInButton", ...act(handIn, { caseId: k.id, notBefore: savedOn(k, timeZone) }) }]]),
  [{ key: "receipt.noticeButton", ...act(openSharedNotice, { caseId: k.id }) }],
];
/** Staff's button to record the receipt of a case's notice. */
export const recordReceiptButton = (k: Pick<Case, "id" | "submittedAt" | "answers">, timeZone: string): Button[][] => [
  [{ key: "receipt.recordButton", ...act(recordAction, { caseId: k.id, notBefore: savedOn(k, timeZone) }) }],
];

/**
 * After a notice is saved, or linked to an organisation: delivered when that organisation has staff in the
 * bot (they are told by the caller), and a reminder set for the step that waits — staff's record of the
 * receipt, or the applicant's handing it in. Returns whether it was delivered.
 */
export const awaitReceipt = async (tx: Tx, k: Pick<Case, "id" | "organizationId">, now: Date, timeZone: string): Promise<boolean> => {
  // Staff who filed it themselves do not make it delivered: they may not record its receipt (core/people.ts).
  const delivered = (await orgStaff(tx, k.organizationId, k.id)).length > 0;
  if (delivered) await tx.case.update({ where: { id: k.id }, data: { status: "delivered", deliveredAt: now } });
  const from = localDate(now, timeZone);
  await schedule(tx, {
    kind: delivered ? RECEIPT_REMINDER : HANDIN_REMINDER,
    key: reminderKey(k.id),
    // "By the end of the next working day": staff hear of it the morning after.
    dueAt: delivered ? atLocalTime(nthWorkingDayAfter(from, 2), STAFF_REMINDER_HOUR, 0, timeZone) : atLocalTime(nthWorkingDayAfter(from, 2), HANDIN_REMINDER_HOUR, 0, timeZone),
    payload: { caseId: k.id },
  });
  return delivered;
};

/** What the applicant is told the notice waits for, right after it is saved (or linked). */
export const nextStepForApplicant = (delivered: boolean, k: Pick<Case, "id" | "orgName" | "submittedAt" | "answers">, timeZone: string): Out =>
  say(delivered ? "receipt.deliveredNext" : "receipt.handInNext", { org: k.orgName, days: FORMATION_WORKING_DAYS }, handInButtons(k, timeZone));

/** " (reg. No …)" after a date, or nothing when the number is not known. */
const registration = (number: string | null): Param => (number ? { key: "receipt.registration", params: { number } } : "");

/** When and under which number the entity received the notice, once it did. */
export const receiptLine = (k: { answers: unknown }): Param[] => {
  const r = receiptOf(k.answers);
  return r ? [{ key: "receipt.line", params: { date: showDate(r.on), registration: registration(r.number) } }] : [];
};

interface Receipt {
  on: string;
  number: string | null;
  by: "staff" | "applicant";
  copy: FileRef | null;
  /** Every page of a copy sent as several files (the first is `copy`). */
  pages?: FileRef[];
}

/**
 * The entity has the notice since `r.on`: the case is received, the 3 working days to form the commission
 * run from that day (a deadline already past gets only its overdue notice), the reminders stop, and
 * everyone on the case hears of it.
 */
const receive = async (tx: Tx, k: CaseRow, r: Receipt, c: Ctx): Promise<{ due: Deadline; people: Recipient[] }> => {
  const dueDate = nthWorkingDayAfter(r.on, FORMATION_WORKING_DAYS);
  const due: Deadline = { date: dueDate, at: endOfDay(dueDate, c.timeZone) };
  const receipt = {
    on: r.on,
    number: r.number,
    by: r.by,
    ...(r.copy ? { copy: { kind: r.copy.kind, fileId: r.copy.fileId } } : {}),
    ...(r.pages && r.pages.length > 1 ? { pages: r.pages.map((p) => ({ kind: p.kind, fileId: p.fileId })) } : {}),
  };
  await tx.case.update({ where: { id: k.id }, data: { status: statusOnStep(k, "received"), receivedAt: c.now, answers: { ...answersOf(k.answers), receipt, formationDue: due.date } } });
  await tx.caseEvent.create({ data: { caseId: k.id, kind: "notice_received", actorId: BigInt(c.userId), createdAt: c.now, payload: { on: r.on, by: r.by, formationDue: due.date } } });
  await cancel(tx, reminderKey(k.id));
  await watch(tx, "formation", k.id, due, c.timeZone, c.now);
  const people = (await caseParticipants(tx, k.id)).map((p) => reader(p.userId, p.user.language, k.language));
  return { due, people };
};

const NOT_YET = ["saved", "delivered"];
/**
 * Past the receipt's step: its record, with its date — or, for a case settled (or closed) with none recorded, that its
 * steps are recorded no more, not «already recorded» with no date.
 */
const already = (k: Pick<Case, "number" | "answers" | "status">): Out[] => {
  const on = receiptOf(k.answers)?.on;
  const ended = caseEndedKey(k);
  return [on || !ended ? say("receipt.already", { number: k.number, date: showDate(on ?? "") }) : say(ended, { number: k.number })];
};

/**
 * «I handed it in», or staff's «record the receipt», pressed on a case whose receipt the bot already has (staff recorded
 * it, or the applicant said they handed it in), or which ended: said at once, with its date — not after the date, the
 * number (and the applicant's stamped copy) were given for nothing. Null while the notice still waits for its receipt.
 * The Save checks (recordReceipt, recordHandIn) stay, for a receipt recorded while the flow was open.
 */
export const handInRefusal = (k: Case): Out | null => (NOT_YET.includes(stepOf(k)) ? null : already(k)[0]!);

export const recordReceipt = async (tx: Tx, e: DomainEffect<"recordReceipt">, c: Ctx): Promise<Out[]> => {
  const k = await staffCase(tx, e.caseId, c.userId);
  if (!k) return [say("cases.notFound")];
  if (!NOT_YET.includes(stepOf(k))) return already(k);
  const today = localDate(c.now, c.timeZone);
  if (e.on > today || e.on < savedOn(k, c.timeZone)) return [say("receipt.error.dateRange", { from: showDate(savedOn(k, c.timeZone)), to: showDate(today) })];
  const { due, people } = await receive(tx, k, { on: e.on, number: e.number, by: "staff", copy: null }, c);
  const late = isLate(due, c.now);
  // A deadline already over when recorded: its calendar note makes no promise of a new date.
  const params = { number: k.number, date: showDate(e.on), registration: registration(e.number), due: showDate(due.date), calendar: (late ? expiredCalendarNote : calendarNote)(due.date, e.on), days: FORMATION_WORKING_DAYS };
  return [
    say(late ? "receipt.recordedLate" : "receipt.recorded", params),
    ...people.map((to) => sayTo(to, late ? "receipt.receivedToApplicantLate" : "receipt.receivedToApplicant", params)),
  ];
};

export const recordHandIn = async (tx: Tx, e: DomainEffect<"recordHandIn">, c: Ctx): Promise<Out[]> => {
  const k = await tx.case.findFirst({ where: { id: e.caseId, participants: { some: { userId: BigInt(c.userId), role: "applicant", removedAt: null } } } });
  if (!k) return [say("cases.notFound")];
  if (!NOT_YET.includes(stepOf(k))) return already(k);
  const today = localDate(c.now, c.timeZone);
  if (e.on > today || e.on < savedOn(k, c.timeZone)) return [say("receipt.error.dateRange", { from: showDate(savedOn(k, c.timeZone)), to: showDate(today) })];
  const { due, people } = await receive(tx, k, { on: e.on, number: e.number, by: "applicant", copy: e.file, ...(e.pages ? { pages: e.pages } : {}) }, c);
  const late = isLate(due, c.now);
  // A deadline already over when recorded: its calendar note makes no promise of a new date.
  const params = { number: k.number, date: showDate(e.on), registration: registration(e.number), due: showDate(due.date), calendar: (late ? expiredCalendarNote : calendarNote)(due.date, e.on), days: FORMATION_WORKING_DAYS };
  // Staff of the organisation learn the date their clock runs from; an organisation with none in the bot, the staff chat
  // (STAFF_CHAT_ID) — told of the notice when it was saved, and of its deadlines' reminders, not of the day they start from.
  const staff = (await staffRecipients(tx, k.organizationId, c.staffChatId, k.id)).map((to) => sayTo(to, late ? "receipt.handedInToStaffLate" : "receipt.handedInToStaff", params));
  return [
    say(late ? "receipt.handedInLate" : "receipt.handedIn", params),
    ...people.filter((p) => p.chatId !== c.userId).map((to) => sayTo(to, late ? "receipt.receivedToApplicantLate" : "receipt.receivedToApplicant", params)),
    ...staff,
  ];
};

/**
 * The applicant to remind to hand the notice in: not one who withdrew consent (law.md §7: processing stops) —
 * the bot would refuse the very button it sends (mydata.ts needsConsent).
 */
const consentingApplicants = (tx: Tx, caseId: number) =>
  tx.caseParticipant.findMany({ where: { caseId, removedAt: null, role: "applicant", user: { consentWithdrawnAt: null } }, include: { user: { select: { language: true } } }, orderBy: { id: "asc" } });

/** The check of a reminder's message (StillTrue): the notice still waits for the step the reminder is about. */
const AWAITS = "receipt_awaits";
const awaits = (k: Pick<Case, "id">, step: "saved" | "delivered", applicant?: bigint): StillTrue => ({
  check: AWAITS,
  params: { caseId: k.id, step, ...(applicant === undefined ? {} : { applicant: String(applicant) }) },
});

/**
 * A reminder's message, checked again when it is sent (a stop, a restart, a long queue in between): its notice still
 * kept (not anonymised — at the applicant's withdrawal, say) and still at the step it reminds of; one to the applicant
 * only while they are its applicant and their consent stands (the bot would refuse its buttons otherwise).
 */
export const receiptChecks: Record<string, TruthCheck> = {
  [AWAITS]: async (db, params) => {
    const k = await db.case.findUnique({ where: { id: Number(params.caseId) } });
    if (!k || k.anonymisedAt || stepOf(k) !== params.step) return false;
    if (typeof params.applicant !== "string" || !/^\d+$/.test(params.applicant)) return true;
    const on = await db.caseParticipant.count({ where: { caseId: k.id, userId: BigInt(params.applicant), role: "applicant", removedAt: null, user: { consentWithdrawnAt: null } } });
    return on > 0;
  },
};

export const receiptJobs: Record<string, JobHandler> = {
  // Staff have not recorded the receipt by the end of the next working day: they are reminded, and the
  // applicant is told the notice is not yet received — and how to hand it in.
  [RECEIPT_REMINDER]: async (tx, job, _now, d): Promise<Addressed[]> => {
    const k = await tx.case.findUnique({ where: { id: Number(job.payload.caseId) }, include: ORG_NAMES });
    if (!k || stepOf(k) !== "delivered") return [];
    const staff = (await orgStaff(tx, k.organizationId, k.id)).map((s) => ({
      ...sayTo(reader(s.userId, s.user.language), "receipt.reminderStaff", { number: k.number, org: caseOrg(k) }, recordReceiptButton(k, d.timeZone)),
      stillTrue: awaits(k, "delivered"),
    }));
    const applicants = (await consentingApplicants(tx, k.id)).map((p) => ({
      ...sayTo(reader(p.userId, p.user.language, k.language), "receipt.reminderApplicant", { number: k.number, org: caseOrg(k) }, handInButtons(k, d.timeZone)),
      stillTrue: awaits(k, "delivered", p.userId),
    }));
    return [...staff, ...applicants];
  },
  // A notice that reached nobody: the applicant has not said they handed it in.
  [HANDIN_REMINDER]: async (tx, job, _now, d): Promise<Addressed[]> => {
    const k = await tx.case.findUnique({ where: { id: Number(job.payload.caseId) }, include: ORG_NAMES });
    if (!k || stepOf(k) !== "saved") return [];
    return (await consentingApplicants(tx, k.id)).map((p) => ({
      ...sayTo(reader(p.userId, p.user.language, k.language), "receipt.reminderHandIn", { number: k.number, org: caseOrg(k) }, [...handInButtons(k, d.timeZone), [{ key: "menu.cases", ...act(openMenuItem, { item: "cases" }) }]]),
      stillTrue: awaits(k, "saved", p.userId),
    }));
  },
};
