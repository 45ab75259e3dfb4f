// Staff record the commission's steps (law.md §3): that it was formed — today, or on an earlier day not
// before the notice, from which the conclusion's 5 working days count — and its conclusion, which reaches
// everyone on the case with what it means.
import { act, openPayments } from "../../../machines/actions.js";
import { atLocalTime, endOfDay, localDate, nthWorkingDayAfter, type Deadline } from "../../../machines/calendar.js";
import type { DomainEffect, FileRef } from "../../../machines/effects.js";
import { showDate } from "../../../machines/notice.js";
import { mciTenge, minimumMci } from "../../../machines/payments.js";
import type { Ctx, Tx } from "../../core/actor.js";
import { calendarNote, caseEndedKey, expiredCalendarNote, formedOn, isLate, notReceivedYet, receiptOf, sealWith, statusOnStep, stepOf } from "../../core/case.js";
import { say, sayTo, thenHome, type Out } from "../../core/effects.js";
import { caseParticipants, reader, staffCase, withdrawnOf } from "../../core/people.js";
import { chooseEscalation } from "../escalation/actions.js";
import { scheduleSitting } from "../sittings/actions.js";
import { recordConclusion as recordConclusionAction } from "./actions.js";
import { endCaseSittings } from "../sittings/sittings.js";
import { mediationButtons } from "../mediation/mediation.js";
import { CONCLUSION_WORKING_DAYS, unwatch, watch } from "./deadlines.js";

/** A file as stored and sent again: its kind and Telegram's id only. */
const ref = (f: FileRef): { kind: FileRef["kind"]; fileId: string } => ({ kind: f.kind, fileId: f.fileId });
/**
 * Why the formation cannot be recorded now: it was (formedAt); the case was settled by a mediation before it (its
 * signed agreement recorded) or closed — its steps are recorded no more, not "already formed", which it was not, nor
 * "after the receipt", which will not come; or the notice's receipt was not recorded.
 */
const notNowFormation = (k: Parameters<typeof stepOf>[0]): string =>
  k.formedAt ? "staff.alreadyFormed" : (caseEndedKey(k) ?? (notReceivedYet(k) ? "staff.notReceived" : "mediation.notNow"));

export const recordFormation = async (tx: Tx, e: DomainEffect<"recordFormation">, c: Ctx): Promise<Out[]> => {
  // «Подтверждаю» (today, a button): nothing more to ask — staff's home, or the question of a flow open meanwhile. The
  // other day's flow (a date) ends with the home itself.
  const done: Out[] = e.date === undefined ? [thenHome("staff")] : [];
  const k = await staffCase(tx, e.caseId, c.userId);
  if (!k) return [say("cases.notFound"), ...done];
  if (stepOf(k) !== "received") return [say(notNowFormation(k), { number: k.number }), ...done];
  const today = localDate(c.now, c.timeZone);
  // Not before the entity received the notice: the commission is formed on it.
  const received = receiptOf(k.answers)?.on ?? localDate(k.submittedAt, c.timeZone);
  const on = e.date ?? today;
  if (on < received || on > today) return [say("staff.formationDateRange", { number: k.number, from: showDate(received), to: showDate(today) }), ...done];
  const dueDate = nthWorkingDayAfter(on, CONCLUSION_WORKING_DAYS);
  const due: Deadline = { date: dueDate, at: endOfDay(dueDate, c.timeZone) };
  const answers = { ...(k.answers as Record<string, unknown>), formedOn: on, conclusionDue: due.date };
  // Under a mediation the case stays in it; the step is kept in formedAt (stepOf, statusBefore).
  await tx.case.update({ where: { id: k.id }, data: { status: statusOnStep(k, "commission_formed"), formedAt: e.date ? atLocalTime(on, 0, 0, c.timeZone) : c.now, answers } });
  await tx.caseEvent.create({ data: { caseId: k.id, kind: "commission_formed", actorId: BigInt(c.userId), createdAt: c.now, payload: { formedOn: on, conclusionDue: due.date, noProviderMembers: true } } });
  await unwatch(tx, "formation", k.id);
  await watch(tx, "conclusion", k.id, due, c.timeZone, c.now);
  const late = isLate(due, c.now);
  // A deadline already over when recorded: its calendar note makes no promise of a new date.
  const params = { number: k.number, date: showDate(on), due: showDate(due.date), calendar: (late ? expiredCalendarNote : calendarNote)(due.date, on), days: CONCLUSION_WORKING_DAYS };
  const people = (await caseParticipants(tx, k.id)).map((p) => sayTo(reader(p.userId, p.user.language, k.language), late ? "jobs.formedApplicantLate" : "jobs.formedApplicant", params));
  // Staff's next steps, on the message itself, as the case's view offers them (mediation too); their home follows.
  const next = [[{ key: "sitting.scheduleButton", ...act(scheduleSitting, { caseId: k.id }) }], [{ key: "staff.conclusion", ...act(recordConclusionAction, { caseId: k.id, notBefore: on }) }], ...(await mediationButtons(tx, k.id, true))];
  return [say(late ? "staff.formedRecordedLate" : "staff.formedRecorded", params, next), ...people, ...done];
};

/** Why the conclusion cannot be recorded now, or null when it can: said when staff press the button (access.ts), and at Save. */
export const conclusionRefusal = (k: Parameters<typeof stepOf>[0] & { number: string; concludedAt: Date | null }): Out | null =>
  stepOf(k) === "commission_formed" ? null : say(k.concludedAt ? "conclusion.already" : (caseEndedKey(k) ?? "conclusion.notFormed"), { number: k.number });

/**
 * Staff record the conclusion: the case is concluded, its conclusion watch cancelled, and everyone on it
 * told what it means — harm confirmed: an insured event, paid from the pool, with the minimum for the
 * outcome; not confirmed: the usual path onward.
 */
export const recordConclusion = async (tx: Tx, r: DomainEffect<"recordConclusion">, c: Ctx): Promise<Out[]> => {
  const k = await staffCase(tx, r.caseId, c.userId);
  if (!k) return [say("cases.notFound")];
  const refused = conclusionRefusal(k);
  if (refused) return [refused];
  // The day the commission issued it: not before it was formed, not in the future (the flow checked; a stale
  // flow may not have). Flows stored before the day was asked give none: today, as then.
  const today = localDate(c.now, c.timeZone);
  const formed = formedOn(k, c.timeZone) || today;
  const on = r.on ?? today;
  if (on < formed || on > today) return [say("conclusion.dateRange", { number: k.number, from: showDate(formed), to: showDate(today) })];
  const outcome = r.confirmed ? r.outcome : null;
  // A conclusion scanned as several pages (sent as an album): every page, the first being `file`.
  const pages = r.file ? (r.pages && r.pages.length > 1 ? r.pages : [r.file]) : [];
  // The summary is about the patient's health: sealed with the notice's sensitive fields, not in the plain answers.
  const answers = { ...(k.answers as Record<string, unknown>), conclusion: { confirmed: r.confirmed, outcome, on, file: r.file ? ref(r.file) : null, ...(r.file && pages.length > 1 ? { pages: pages.map(ref) } : {}) } };
  const sensitive = sealWith(c.dataKey, k.sensitive, { conclusion: r.summary });
  const inMediation = k.status === "mediation";
  await tx.case.update({ where: { id: k.id }, data: { status: statusOnStep(k, "concluded"), concludedAt: c.now, answers, sensitive, ...(outcome ? { outcome } : {}) } });
  await tx.caseEvent.create({ data: { caseId: k.id, kind: "conclusion_recorded", actorId: BigInt(c.userId), createdAt: c.now, payload: { confirmed: r.confirmed, outcome, document: Boolean(r.file), on } } });
  await unwatch(tx, "conclusion", k.id);
  // The commission has finished: its sittings still to come will not take place (told after the conclusion).
  const sittingsEnded = await endCaseSittings(tx, k, c);
  // The MCI of the conclusion's year, as /cases shows it.
  const year = Number(on.slice(0, 4));
  const mci = outcome && outcome !== "unknown" ? minimumMci(outcome) : 0;
  const tenge = mciTenge(year);
  const everyone = await caseParticipants(tx, k.id);
  // An applicant who withdrew consent cannot draft a complaint through the bot: the way onward in words only.
  const withdrew = await withdrawnOf(tx, everyone.map((p) => p.userId));
  const people = everyone.flatMap((p) => {
    const to = reader(p.userId, p.user.language, k.language);
    const message = r.confirmed
      ? sayTo(
          to,
          "conclusion.toApplicantConfirmed",
          {
            number: k.number,
            outcome: { key: `notice.outcomeText.${outcome}` },
            summary: r.summary,
            // The year named, as /cases names it: a conclusion of 30 December recorded in January is counted by its own year.
            minimum: tenge === null ? { key: "cases.minimumMci", params: { mci, year } } : { key: "cases.minimumTenge", params: { mci, year, tenge: mci * tenge } },
          },
          [[{ key: "cases.payments", ...act(openPayments, { highlight: outcome ?? undefined, caseId: k.id }) }]],
        )
      : sayTo(to, "conclusion.toApplicantNotConfirmed", { number: k.number, summary: r.summary }, p.role === "applicant" && !inMediation && !withdrew.has(p.userId) ? [[{ key: "escalation.button", ...act(chooseEscalation, { caseId: k.id }) }]] : undefined);
    // After "the patient died", condolence before anything else; the document itself holds the patient's
    // medical details: it goes to the applicant, not to relatives — before the message whose buttons refer
    // to it, captioned with what it is.
    const condolence = r.confirmed && outcome === "death" ? [sayTo(to, "common.condolence")] : [];
    const document: Out[] = p.role === "applicant" ? pages.map((f) => ({ type: "file", file: ref(f), caption: { key: "conclusion.documentCaption", params: { number: k.number } }, to })) : [];
    return [...condolence, ...document, message];
  });
  return [say("conclusion.recorded", { number: k.number }), ...people, ...sittingsEnded];
};
