// The commission's deadlines, watched (law.md §3): formed within 3 working days of the notice's receipt, a
// conclusion within 5 working days of the formation. Staff are reminded at 09:00 on the last working
// day. When a deadline passes with nothing recorded, staff and everyone on the case are told, and the
// applicant's side is shown the usual path onward (while a mediation runs, that it goes on instead: the path
// onward comes when it ends without agreement); the case's log records it.
import { act } from "../../../machines/actions.js";
import { atLocalTime, endOfDay, localDate, nthWorkingDayAfter, type Deadline } from "../../../machines/calendar.js";
import { showDate } from "../../../machines/notice.js";
import { answersOf, calendarNote, caseOrg, ORG_NAMES, DEADLINE_STEPS, dueNote, expiredCalendarNote, receiptOf, regionName, stepOf, str } from "../../core/case.js";
import { tryLockCaseOf } from "../../core/case-lock.js";
import type { Deployment, Prisma, Tx } from "../../core/actor.js";
import { sayTo, type Addressed, type JobHandler, type TruthCheck } from "../../core/effects.js";
import { caseParticipants, reader, staffRecipients, withdrawnOf } from "../../core/people.js";
import { CASE_BUSY_MS, cancel, eachCase, failed, schedule } from "../../jobs/jobs.js";
import { chooseEscalation } from "../escalation/actions.js";

/** Staff hear of a last day at this local time. */
const REMINDER_HOUR = 9;

/** The commission is formed within 3 working days of the notice's receipt (law.md §3 step 2). */
export const FORMATION_WORKING_DAYS = 3;
/** Its conclusion within 5 working days; the bot counts them from the formation (law.md §3 step 6 names no start). */
export const CONCLUSION_WORKING_DAYS = 5;

/** Each watched step: the status it waits in, where its due date is kept, and its texts. */
const STEPS = {
  formation: {
    ...DEADLINE_STEPS.formation,
    today: "jobs.formationToday",
    overdue: "jobs.formationOverdue",
    applicant: "jobs.formationOverdueApplicant",
    inMediation: "jobs.formationOverdueMediation",
    event: "formation_overdue",
  },
  conclusion: {
    ...DEADLINE_STEPS.conclusion,
    today: "jobs.conclusionToday",
    overdue: "jobs.conclusionOverdue",
    applicant: "jobs.conclusionOverdueApplicant",
    inMediation: "jobs.conclusionOverdueMediation",
    event: "conclusion_overdue",
  },
} as const;
export type Step = keyof typeof STEPS;

/** A watch's jobs, one key each per case: its last-day reminder and its overdue check. */
const keyOf = (step: Step, caseId: number, job: "reminder" | "overdue") => `${step}:${caseId}:${job}`;

export const watch = async (tx: Tx, step: Step, caseId: number, deadline: Deadline, timeZone: string, now?: Date) => {
  // A deadline already past (a formation recorded late) gets no "last day" reminder: only the overdue notice.
  if (!now || deadline.at > now) await schedule(tx, { kind: `${step}_reminder`, key: keyOf(step, caseId, "reminder"), dueAt: atLocalTime(deadline.date, REMINDER_HOUR, 0, timeZone), payload: { caseId } });
  await schedule(tx, { kind: `${step}_overdue`, key: keyOf(step, caseId, "overdue"), dueAt: new Date(deadline.at.getTime() + 1), payload: { caseId } });
};
export const unwatch = async (tx: Tx, step: Step, caseId: number) => {
  await cancel(tx, keyOf(step, caseId, "reminder"));
  await cancel(tx, keyOf(step, caseId, "overdue"));
};

export const scheduleFormationWatch = (tx: Tx, caseId: number, deadline: Deadline, timeZone: string) => watch(tx, "formation", caseId, deadline, timeZone);

/** A case whose commission still stands at this step (else it moved on, or is gone, since the job was scheduled). */
const atStep = async (db: Prisma | Tx, step: Step, caseId: number) => {
  const c = await db.case.findUnique({ where: { id: caseId }, include: ORG_NAMES });
  // Neither a mediation nor a drafted complaint stops the commission's deadlines (law.md has no such rule): the
  // case is where its commission stands.
  return c && stepOf(c) === STEPS[step].status ? c : null;
};
/** «Today is the last day» holds on that day only: not the morning after, when the bot was down on the day. */
const lastDay = (step: Step, c: { answers: unknown }, now: Date, timeZone: string) => str(answersOf(c.answers)[STEPS[step].due]) === localDate(now, timeZone);

const jobsOf = (step: Step): Record<string, JobHandler> => {
  const s = STEPS[step];
  const load = (tx: Tx, caseId: number) => atStep(tx, step, caseId);
  // Once the deadline has passed, the calendar's caveat promises no new date: the recount leaves it as told.
  const params = (c: Parameters<typeof caseOrg>[0] & { number: string; region: string; answers: unknown }, expired = false) => ({
    number: c.number,
    org: caseOrg(c),
    region: regionName(c.region),
    date: showDate(str(answersOf(c.answers)[s.due])),
    calendar: dueNote(c.answers, s.due, expired),
    // The conclusion's texts name the working days the law gives and say the bot counts them from the formation.
    days: DAYS[step],
  });
  return {
    [`${step}_reminder`]: async (tx, job, now, d) => {
      const c = await load(tx, Number(job.payload.caseId));
      if (!c || !lastDay(step, c, now, d.timeZone)) return [];
      const stillTrue = { check: `${step}_reminder`, params: { caseId: c.id } };
      return (await staffRecipients(tx, c.organizationId, d.staffChatId, c.id)).map((to) => ({ ...sayTo(to, s.today, params(c)), stillTrue }));
    },
    [`${step}_overdue`]: async (tx, job, now, d) => {
      const c = await load(tx, Number(job.payload.caseId));
      if (!c) return [];
      // The table changed while the bot was down past the deadline as told (a Government decree set in it meanwhile):
      // counted on it, the deadline runs on — it did not expire. It is moved and told, as the recount at start does
      // for a deadline still running (that recount runs after this job, and leaves a deadline told as past alone).
      const from = startOf(step, c.answers);
      const told = str(answersOf(c.answers)[s.due]);
      const recounted = from && told ? nthWorkingDayAfter(from, DAYS[step]) : told;
      if (from && recounted > told && endOfDay(recounted, d.timeZone) > now) return moveDeadline(tx, c, step, { from, told, date: recounted }, now, d);
      // Down past the recounted day too: it expired, on the day the table counts — that day is stored and told.
      if (from && recounted > told) {
        const updated = await tx.case.update({ where: { id: c.id }, data: { answers: { ...(c.answers as Record<string, unknown>), ...(step === "formation" ? { formationDue: recounted } : { conclusionDue: recounted }) } } });
        c.answers = updated.answers;
      }
      // A mediation stops no deadline: staff, whose step it is, and everyone on the case are told now. While it
      // runs the applicant is not offered to take the case further (they are when it ends without agreement).
      const inMediation = c.status === "mediation";
      await tx.caseEvent.create({ data: { caseId: c.id, kind: s.event, createdAt: now, payload: { due: answersOf(c.answers)[s.due] ?? null } } });
      const staff = (await staffRecipients(tx, c.organizationId, d.staffChatId, c.id)).map((to) => sayTo(to, s.overdue, params(c, true)));
      const on = await caseParticipants(tx, c.id);
      // An applicant who withdrew consent cannot draft a complaint through the bot (mydata.ts needsConsent): the text
      // names the way onward in words, without the button the bot would refuse.
      const withdrew = await withdrawnOf(tx, on.map((p) => p.userId));
      const people = on.map((p) =>
        // The applicant may take it further from here.
        inMediation
          ? sayTo(reader(p.userId, p.user.language, c.language), s.inMediation, params(c, true))
          : sayTo(reader(p.userId, p.user.language, c.language), s.applicant, params(c, true), p.role === "applicant" && !withdrew.has(p.userId) ? [[{ key: "escalation.button", ...act(chooseEscalation, { caseId: c.id }) }]] : undefined),
      );
      return [...staff, ...people];
    },
  };
};

const RECOUNT = "deadlines_recount";

/** At every start: the deadlines still running are counted again, once the instance runs its jobs (idempotent). */
export const scheduleRecount = async (db: Prisma, now: Date): Promise<void> => {
  await schedule(db, { kind: RECOUNT, key: "deadlines:recount", dueAt: now, payload: {} });
};

/** Where a step's count starts, and how many working days it takes. */
const startOf = (step: Step, answers: unknown): string | null => (step === "formation" ? (receiptOf(answers)?.on ?? null) : str(answersOf(answers).formedOn) || null);
const DAYS: Record<Step, number> = { formation: FORMATION_WORKING_DAYS, conclusion: CONCLUSION_WORKING_DAYS };

/**
 * A deadline counted again to another day (the calendar's table changed): stored, watched anew, in the case's log,
 * and told to staff and everyone on the case.
 */
const moveDeadline = async (
  tx: Tx,
  c: { id: number; number: string; answers: unknown; organizationId: number | null; language: Parameters<typeof reader>[2] },
  step: Step,
  count: { from: string; told: string; date: string },
  now: Date,
  d: Deployment,
): Promise<Addressed[]> => {
  const { from, told, date } = count;
  const id = c.id;
  const due: Deadline = { date, at: endOfDay(date, d.timeZone) };
  await tx.case.update({ where: { id }, data: { answers: { ...(c.answers as Record<string, unknown>), ...(step === "formation" ? { formationDue: date } : { conclusionDue: date }) } } });
  await tx.caseEvent.create({ data: { caseId: id, kind: "deadline_recounted", createdAt: now, payload: { step, from: told, to: date } } });
  await unwatch(tx, step, id);
  await watch(tx, step, id, due, d.timeZone, now);
  // Moved earlier, to a day already over: it expired then (its overdue notice follows at once).
  const late = due.at <= now;
  const key = late ? "jobs.deadlineRecountedLate" : "jobs.deadlineRecounted";
  const params = { number: c.number, what: { key: `jobs.recountedWhat.${step}` }, due: showDate(date), was: showDate(told), calendar: (late ? expiredCalendarNote : calendarNote)(date, from) };
  return [
    ...(await staffRecipients(tx, c.organizationId, d.staffChatId, id)).map((to) => sayTo(to, key, params)),
    ...(await caseParticipants(tx, id)).map((p) => sayTo(reader(p.userId, p.user.language, c.language), key, params)),
  ];
};

/**
 * The calendar's table changed under deadlines already told (the Government's decree for a year came, and the
 * operator set it in machines/data/kz-calendar.json, README "Working days"): each deadline still running is
 * counted again from its start, and where the date moved, stored, watched anew and told to staff and everyone on
 * the case — once (the next start finds it equal). A deadline already past stays as it was told (its overdue
 * notice went out). A case an update holds at this moment is taken a moment later.
 */
const RECOUNT_BATCH = 200;
const recount: JobHandler = async (tx, job, now, d, log) => {
  // In batches of cases, by id, each its own run: one transaction holds a lock per case it looked at.
  const after = typeof job.payload.after === "number" ? job.payload.after : 0;
  const open = await tx.case.findMany({
    where: { id: { gt: after }, status: { in: ["received", "commission_formed", "mediation", "escalated"] }, closedAt: null },
    select: { id: true },
    orderBy: { id: "asc" },
    take: RECOUNT_BATCH,
  });
  const out: Addressed[] = [];
  let busy = false;
  for (const { id } of open) {
    if (!(await tryLockCaseOf(tx, { caseId: id }))) {
      busy = true;
      continue;
    }
    // Each case in a savepoint of its own (eachCase): one whose write PostgreSQL refuses, or whose count throws, is
    // undone alone and named in the log — its people told nothing new, the others told theirs.
    const said = await eachCase(tx, log, RECOUNT, id, async (): Promise<Addressed[]> => {
      const c = await tx.case.findUniqueOrThrow({ where: { id } });
      const step: Step | null = stepOf(c) === "received" ? "formation" : stepOf(c) === "commission_formed" ? "conclusion" : null;
      if (!step) return [];
      const from = startOf(step, c.answers);
      const told = str(answersOf(c.answers)[STEPS[step].due]);
      if (!from || !told || endOfDay(told, d.timeZone) <= now) return [];
      const date = nthWorkingDayAfter(from, DAYS[step]);
      if (date === told) return [];
      return moveDeadline(tx, c, step, { from, told, date }, now, d);
    });
    if (said !== failed) out.push(...said);
  }
  // A full batch: the next at once, from where this one ended; a busy case: all again, a moment later.
  // (A moment after now: rescheduled at its own due time, the job would be marked done — jobs.ts.)
  if (open.length === RECOUNT_BATCH) await schedule(tx, { kind: RECOUNT, key: "deadlines:recount", dueAt: new Date(now.getTime() + 1), payload: { after: open[open.length - 1]!.id } });
  else if (busy) await schedule(tx, { kind: RECOUNT, key: "deadlines:recount", dueAt: new Date(now.getTime() + CASE_BUSY_MS), payload: {} });
  return out;
};

export const deadlineJobs: Record<string, JobHandler> = { ...jobsOf("formation"), ...jobsOf("conclusion"), [RECOUNT]: recount };

/** A last day's reminder, checked again when it is sent (a stop, a restart, a long queue in between): still that day, the step not recorded. */
export const deadlineChecks: Record<string, TruthCheck> = Object.fromEntries(
  (Object.keys(STEPS) as Step[]).map((step) => [
    `${step}_reminder`,
    async (db: Prisma, p: Record<string, unknown>, now: Date, d: Deployment) => {
      const c = await atStep(db, step, Number(p.caseId));
      return c !== null && lastDay(step, c, now, d.timeZone);
    },
  ]),
);
