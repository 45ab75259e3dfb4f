// Durable scheduled work (reminders, deadline checks). Due jobs are claimed in batches; each is handled and
// finished, its messages written to the outbox, in the batch's transaction (in a savepoint of its own): a
// crash anywhere rolls the batch back, so a job never half-fires and is tried again. Messages then go out through the runtime's sender (in
// order, rate-limited, 429s retried); a crash between sending and marking sent resends at the next
// start and logs it — at worst a duplicate, and a visible one. Times come from the caller: tests drive
// the clock.
import type { Prisma as PrismaNS } from "../db/generated/client.js";
import type { Prisma } from "../db/database.js";
import type { Deployment } from "../core/actor.js";
import { tryLockCaseOf } from "../core/case-lock.js";
import type { Addressed, Job, JobHandler } from "../core/effects.js";
import type { ApiCall } from "../core/render.js";
import type { Logger } from "../logger.js";
import type { OutboxRow, Store } from "../runtime/store.js";

export type { Job, JobHandler } from "../core/effects.js";

export const MAX_ATTEMPTS = 5;
/** How long a job is put off while an update holds its case (bot/core/case-lock.ts). */
export const CASE_BUSY_MS = 2_000;
/** Jobs claimed in one transaction: a couple of seconds of messages at Telegram's rate. */
export const BATCH = 50;

/**
 * Schedules a job, once per key: scheduling the same key again replaces it (its kind, time and payload),
 * pending again even if it had run or was cancelled, its failures forgotten — a new occasion, not another try
 * of the last one (a daily job rescheduling itself would otherwise be given up after MAX_ATTEMPTS failures
 * spread over its whole life). Call it inside the transaction that makes it necessary.
 */
export const schedule = async (tx: PrismaNS.TransactionClient, job: { kind: string; key: string; dueAt: Date; payload: object }) => {
  await tx.scheduledJob.upsert({
    where: { dedupeKey: job.key },
    create: { kind: job.kind, dedupeKey: job.key, dueAt: job.dueAt, payload: job.payload },
    update: { kind: job.kind, dueAt: job.dueAt, payload: job.payload, state: "pending", attempts: 0, lastError: null },
  });
};

/** Cancels a job that has not run; a cancelled job is never handled. */
export const cancel = async (tx: PrismaNS.TransactionClient, key: string) => {
  await tx.scheduledJob.updateMany({ where: { dedupeKey: key, state: "pending" }, data: { state: "cancelled" } });
};

/** What eachCase gives for a case whose work failed. */
export const failed: unique symbol = Symbol("failed");

/**
 * One case of a batched job's run (a run that goes through many cases in one transaction: the birth dates' re-seal,
 * retention, the deadlines' recount; the start-up's one-time re-seals), in a savepoint of its own inside the job's: when PostgreSQL refuses what it
 * writes (a constraint, a value too long, a trigger) or it throws, only that case's work is undone — the
 * transaction stays usable, the run goes on with the next case — and the operator's log names the case (its id
 * and the error, never its data). Take the case's lock before (tryLockCaseOf): held to the transaction's end,
 * whatever the savepoint. Returns what `work` gave, or `failed` when it failed. `msg`: the log line's words, when the
 * run is not a job's (a start-up step, bot/at-rest.ts).
 */
export const eachCase = async <T>(
  tx: PrismaNS.TransactionClient,
  log: Logger,
  kind: string,
  caseId: number,
  work: () => Promise<T>,
  msg = "a case failed in a job's run; passed over, the run goes on",
): Promise<T | typeof failed> => {
  await tx.$executeRawUnsafe(`SAVEPOINT "case"`);
  try {
    const out = await work();
    await tx.$executeRawUnsafe(`RELEASE SAVEPOINT "case"`);
    return out;
  } catch (err) {
    await tx.$executeRawUnsafe(`ROLLBACK TO SAVEPOINT "case"`);
    await tx.$executeRawUnsafe(`RELEASE SAVEPOINT "case"`);
    log.error({ err, kind, caseId }, msg);
    return failed;
  }
};

export class Jobs {
  constructor(
    private readonly prisma: Prisma,
    private readonly store: Store,
    private readonly handlers: Record<string, JobHandler>,
    private readonly log: Logger,
    private readonly deployment: Deployment,
    /** Turns what a job says into Bot API calls (features/ and core/render.ts). */
    private readonly render: (effects: Addressed[]) => ApiCall[],
  ) {
    this.kinds = Object.keys(handlers);
  }
  /** The job kinds this version handles: the only ones it claims. */
  private readonly kinds: string[];

  /** Handles every job due at `now`, a batch at a time; returns the outbox rows to send. */
  async runDue(now: Date, size = BATCH): Promise<OutboxRow[]> {
    const out: OutboxRow[] = [];
    for (;;) {
      const batch = await this.runBatch(now, size);
      out.push(...batch.rows);
      if (!batch.full) return out;
    }
  }

  /**
   * Up to `size` due jobs in one transaction: claimed together (SKIP LOCKED: two instances never take the
   * same job), then each handled in a savepoint of its own — its messages written to the outbox and the job
   * marked done, or, when it fails, everything it did undone and the failure counted — so one job's failure
   * neither loses nor repeats the others'. A crash before the commit leaves the whole batch pending, with
   * nothing of it in the outbox. `full`: the batch was as large as allowed, so more may be due.
   */
  async runBatch(now: Date, size = BATCH): Promise<{ rows: OutboxRow[]; full: boolean }> {
    return this.prisma.$transaction(async (tx) => {
      // Only kinds this version handles: a newer instance's job (a rolling upgrade, two versions on one database) is
      // left pending for it — not claimed, failed five times and given up here as «no handler».
      const claimed = await tx.$queryRaw<{ id: bigint }[]>`
        SELECT "id" FROM "ScheduledJob" WHERE "state" = 'pending' AND "dueAt" <= ${now} AND "kind" = ANY(${this.kinds}::text[])
        ORDER BY "dueAt", "id" LIMIT ${size} FOR UPDATE SKIP LOCKED`;
      const jobs = await tx.scheduledJob.findMany({ where: { id: { in: claimed.map((c) => c.id) } }, orderBy: [{ dueAt: "asc" }, { id: "asc" }] });
      const rows: OutboxRow[] = [];
      for (const j of jobs) {
        const job: Job = { id: j.id, kind: j.kind, payload: j.payload as Record<string, unknown>, dueAt: j.dueAt, attempts: j.attempts };
        await tx.$executeRawUnsafe(`SAVEPOINT "job"`);
        try {
          // An update acting on the job's case right now: the job reads what it stores, a moment later (not an attempt).
          if (!(await tryLockCaseOf(tx, job.payload))) {
            await tx.$executeRawUnsafe(`RELEASE SAVEPOINT "job"`);
            await tx.scheduledJob.update({ where: { id: job.id }, data: { dueAt: new Date(now.getTime() + CASE_BUSY_MS) } });
            this.log.info({ job: String(job.id), kind: job.kind }, "its case is being changed; put off for a moment");
            continue;
          }
          const handler = this.handlers[job.kind];
          if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
          const calls = this.render(await handler(tx, job, now, this.deployment, this.log));
          const sent = await this.store.enqueue(tx, calls, 0);
          // Done — unless its handler scheduled it again (a daily job): then it waits for its next time.
          await tx.scheduledJob.updateMany({ where: { id: job.id, dueAt: job.dueAt }, data: { state: "done", attempts: { increment: 1 } } });
          await tx.$executeRawUnsafe(`RELEASE SAVEPOINT "job"`);
          rows.push(...sent);
          this.log.info({ job: String(job.id), kind: job.kind, sends: sent.length }, "job done");
        } catch (err) {
          // Everything this job did is undone; count the attempt and try again later, or give up visibly.
          await tx.$executeRawUnsafe(`ROLLBACK TO SAVEPOINT "job"`);
          await tx.$executeRawUnsafe(`RELEASE SAVEPOINT "job"`);
          const attempts = job.attempts + 1;
          const failed = attempts >= MAX_ATTEMPTS;
          await tx.scheduledJob.update({
            where: { id: job.id },
            data: { attempts, lastError: String(err).slice(0, 500), state: failed ? "failed" : "pending", dueAt: new Date(now.getTime() + attempts * 60_000) },
          });
          this.log.error({ err, job: String(job.id), kind: job.kind, attempts }, failed ? "job failed for good" : "job failed; will retry");
        }
      }
      await this.store.prepareSenders(tx, rows.map((r) => r.chatId));
      return { rows, full: claimed.length === size };
    });
  }
}
