// Retention (issue 15, law.md §7: data is destroyed when no longer needed). A case whose procedure ended
// (closedAt: the signed settlement agreement recorded) keeps its personal data for RETENTION_DAYS, then a
// durable daily job anonymises it: the sealed fields and the answers go, its files' Telegram ids go, who took
// part and who opened it go, free texts of its sittings and proposals go, and its log is replaced by one
// tombstone event. What stays describes the procedure, not a person: the number, status, region, the
// organisation, the outcome's category and the procedure's dates.
import { atLocalTime, addDays, localDate } from "../../../machines/calendar.js";
import type { Deployment, Prisma, Tx } from "../../core/actor.js";
import { Prisma as P } from "../../db/generated/client.js";
import type { JobHandler } from "../../core/effects.js";
import { CASE_BUSY_MS, eachCase, schedule } from "../../jobs/jobs.js";
import { tryLockCaseOf } from "../../core/case-lock.js";

/** The default of RETENTION_DAYS: three years (an operator's choice, README § Configuration says why). */
export const RETENTION_DAYS = 1095;

const JOB = "retention";
const KEY = "retention:daily";
/** At night, local time: the job's work is invisible to users. */
const HOUR = 3;
/** Cases per run (one transaction): more wait for the next run, a second later. */
const BATCH = 50;

const nextNight = (now: Date, timeZone: string): Date => {
  const today = atLocalTime(localDate(now, timeZone), HOUR, 0, timeZone);
  return today > now ? today : atLocalTime(addDays(localDate(now, timeZone), 1), HOUR, 0, timeZone);
};

/** At start: the job is due the coming night (idempotent: one row, by its key). */
export const scheduleRetention = async (db: Prisma, now: Date, d: Deployment): Promise<void> => {
  await schedule(db, { kind: JOB, key: KEY, dueAt: nextNight(now, d.timeZone), payload: {} });
};

/** The moment before which a closed case is past its term. */
export const retentionCutoff = (now: Date, days: number): Date => new Date(now.getTime() - days * 86_400_000);

/** Cancels the pending jobs whose payload names the case, one of its sittings or one of its mediations (case-lock.ts reads the same keys). */
const cancelCaseJobs = async (tx: Tx, caseId: number, sittingIds: number[], mediationIds: number[], now: Date): Promise<void> => {
  const ids = (xs: number[]) => xs.map(String);
  await tx.$executeRaw`UPDATE "ScheduledJob" SET "state" = 'cancelled', "updatedAt" = ${now}
    WHERE "state" = 'pending' AND ("payload"->>'caseId' = ${String(caseId)} OR "payload"->>'sittingId' = ANY(${ids(sittingIds)}::text[]) OR "payload"->>'mediationId' = ANY(${ids(mediationIds)}::text[]))`;
};

/** What one case's anonymisation took out (counts, for the tombstone and the operator's log). */
export interface Anonymised {
  caseId: number;
  participants: number;
  attachments: number;
  events: number;
}

/**
 * Takes a case's personal data out, inside the caller's transaction. People who took part keep their account;
 * a relative's name and an applicant's complaint particulars go too when no other case or role needs them.
 */
export const anonymiseCase = async (tx: Tx, caseId: number, now: Date): Promise<Anonymised> => {
  const k = await tx.case.findUniqueOrThrow({ where: { id: caseId }, select: { id: true, closedAt: true, status: true } });
  const people = await tx.caseParticipant.findMany({ where: { caseId }, select: { userId: true } });
  const participants = (await tx.caseParticipant.deleteMany({ where: { caseId } })).count;
  const attachments = (await tx.attachment.deleteMany({ where: { caseId } })).count;
  await tx.dataAccess.deleteMany({ where: { caseId } });
  await tx.invite.deleteMany({ where: { caseId } });
  const sittings = await tx.sitting.findMany({ where: { caseId }, select: { id: true } });
  await tx.sittingResponse.deleteMany({ where: { sittingId: { in: sittings.map((s) => s.id) } } });
  await tx.sitting.updateMany({ where: { caseId }, data: { address: null, link: null, note: null } });
  const proposals = await tx.proposal.findMany({ where: { caseId }, select: { id: true } });
  await tx.proposalResponse.deleteMany({ where: { proposalId: { in: proposals.map((p) => p.id) } } });
  await tx.proposal.deleteMany({ where: { caseId } });
  await tx.mediation.updateMany({ where: { caseId }, data: { signedFile: P.DbNull, orgAgreedBy: null, signedBy: null } });
  // Its work still to come goes too — a reminder to hand it in, a deadline's, a sitting's, a mediation's: with nobody
  // left on the case and nothing left to name, each would only find nothing, or tell of a notice no longer kept.
  const mediations = await tx.mediation.findMany({ where: { caseId }, select: { id: true } });
  await cancelCaseJobs(tx, caseId, sittings.map((s) => s.id), mediations.map((m) => m.id), now);
  await tx.case.update({ where: { id: caseId }, data: { sensitive: "", answers: {}, anonymisedAt: now } });
  // The log is append-only; this transaction alone may delete a case's events (the trigger reads the setting).
  await tx.$executeRaw`SELECT set_config('kelisim.retention', 'on', true)`;
  const events = (await tx.caseEvent.deleteMany({ where: { caseId } })).count;
  await tx.$executeRaw`SELECT set_config('kelisim.retention', 'off', true)`;
  await tx.caseEvent.create({
    data: { caseId, kind: "anonymised", createdAt: now, payload: { status: k.status, closedAt: k.closedAt?.toISOString() ?? null, events } },
  });
  // Names given for this case only: a relative's, and an applicant's particulars for complaints.
  for (const userId of new Set(people.map((p) => p.userId))) {
    const [others, roles] = await Promise.all([tx.caseParticipant.count({ where: { userId } }), tx.userRole.count({ where: { userId, revokedAt: null } })]);
    if (others === 0) await tx.user.update({ where: { id: userId }, data: { details: null, ...(roles === 0 ? { fullName: null } : {}) } });
  }
  return { caseId, participants, attachments, events };
};

/** The cases past their term and not yet anonymised, by id, after the id `after`. */
export const casesPastTerm = (tx: Tx, now: Date, days: number, take = BATCH, after = 0) =>
  tx.case.findMany({ where: { id: { gt: after }, closedAt: { lte: retentionCutoff(now, days) }, anonymisedAt: null }, select: { id: true }, orderBy: { id: "asc" }, take });

export const retentionJobs: Record<string, JobHandler> = {
  /**
   * A batch of the cases past their term, each anonymised in a savepoint of its own (eachCase): one whose work fails
   * — PostgreSQL refusing a write, a row it cannot read — is undone alone and named in the operator's log, and the
   * others are anonymised all the same. A full batch's next run goes on from its last id (`after`, in the payload), so
   * a batch of such cases does not hold back those after it; a failed one is tried again the next night.
   */
  [JOB]: async (tx, job, now, d, log) => {
    const after = typeof job.payload.after === "number" ? job.payload.after : 0;
    const due = await casesPastTerm(tx, now, d.retentionDays, BATCH, after);
    // A case an update holds at this moment (a relative joining through an old link, say) is left for a run a
    // moment later, as any job on a busy case is (jobs.ts): waiting for it here could deadlock.
    let busy = 0;
    for (const k of due) {
      if (await tryLockCaseOf(tx, { caseId: k.id })) await eachCase(tx, log, JOB, k.id, () => anonymiseCase(tx, k.id, now));
      else busy++;
    }
    // A full batch: more may wait, so on from its last id in a second; a busy case (in this batch or an earlier one of
    // the same night, `busy` in the payload), all again in two; else the next night.
    const full = due.length === BATCH;
    const held = busy > 0 || job.payload.busy === true;
    const next = full ? new Date(now.getTime() + 1000) : held ? new Date(now.getTime() + CASE_BUSY_MS) : nextNight(new Date(now.getTime() + 60_000), d.timeZone);
    await schedule(tx, { kind: JOB, key: KEY, dueAt: next, payload: full ? { after: due.at(-1)!.id, ...(held ? { busy: true } : {}) } : {} });
    return [];
  },
};
