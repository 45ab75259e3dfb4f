// Durable scheduled work (reminders, deadline checks). A job is claimed, handled and finished in one
// transaction that also writes its messages to the outbox: a crash anywhere rolls all of it back, so a
// job never half-fires and is tried again. Messages then go out through the runtime's sender (in
// order, rate-limited, 429s retried); a crash between sending and marking sent resends at the next
// start and logs it — at worst a duplicate, and a visible one. Times come from the caller: tests drive
// the clock.
import type { Prisma as PrismaNS } from "../db/generated/client.js";
import type { Prisma } from "../db/database.js";
import type { Deployment } from "../core/actor.js";
import type { Addressed, Job, JobHandler } from "../core/effects.js";
import type { ApiCall } from "../core/render.js";
import type { Logger } from "../logger.js";
import type { OutboxRow, Store } from "../runtime/store.js";

export type { Job, JobHandler } from "../core/effects.js";

export const MAX_ATTEMPTS = 5;

/**
 * Schedules a job, once per key: scheduling the same key again replaces it (its kind, time and payload),
 * pending again even if it had run or was cancelled. Call it inside the transaction that makes it necessary.
 */
export const schedule = async (tx: PrismaNS.TransactionClient, job: { kind: string; key: string; dueAt: Date; payload: object }) => {
  await tx.scheduledJob.upsert({
    where: { dedupeKey: job.key },
    create: { kind: job.kind, dedupeKey: job.key, dueAt: job.dueAt, payload: job.payload },
    update: { kind: job.kind, dueAt: job.dueAt, payload: job.payload, state: "pending" },
  });
};

/** Cancels a job that has not run; a cancelled job is never handled. */
export const cancel = async (tx: PrismaNS.TransactionClient, key: string) => {
  await tx.scheduledJob.updateMany({ where: { dedupeKey: key, state: "pending" }, data: { state: "cancelled" } });
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
  ) {}

  /** Handles every job due at `now`, one transaction each; returns the outbox rows to send. */
  async runDue(now: Date, limit = 100): Promise<OutboxRow[]> {
    const out: OutboxRow[] = [];
    for (let i = 0; i < limit; i++) {
      const rows = await this.runOne(now);
      if (rows === null) break;
      out.push(...rows);
    }
    return out;
  }

  /** One due job; null when none is due. */
  private async runOne(now: Date): Promise<OutboxRow[] | null> {
    let claimed: Job | null = null;
    try {
      return await this.prisma.$transaction(async (tx) => {
        // SKIP LOCKED: two instances never take the same job.
        const [row] = await tx.$queryRaw<{ id: bigint }[]>`
          SELECT "id" FROM "ScheduledJob" WHERE "state" = 'pending' AND "dueAt" <= ${now}
          ORDER BY "dueAt", "id" LIMIT 1 FOR UPDATE SKIP LOCKED`;
        if (!row) return null;
        const job = await tx.scheduledJob.findUniqueOrThrow({ where: { id: row.id } });
        claimed = { id: job.id, kind: job.kind, payload: job.payload as Record<string, unknown>, dueAt: job.dueAt, attempts: job.attempts };
        const handler = this.handlers[job.kind];
        if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
        const calls = this.render(await handler(tx, claimed, now, this.deployment));
        const rows = await this.store.enqueue(tx, calls, 0);
        // Done — unless its handler scheduled it again (a daily job): then it waits for its next time.
        await tx.scheduledJob.updateMany({ where: { id: job.id, dueAt: job.dueAt }, data: { state: "done", attempts: { increment: 1 } } });
        this.log.info({ job: String(job.id), kind: job.kind, sends: rows.length }, "job done");
        return rows;
      });
    } catch (err) {
      const job = claimed as Job | null;
      if (!job) throw err;
      // The job's transaction rolled back: count the attempt and try again later, or give up visibly.
      const attempts = job.attempts + 1;
      const failed = attempts >= MAX_ATTEMPTS;
      await this.prisma.scheduledJob.update({
        where: { id: job.id },
        data: { attempts, lastError: String(err).slice(0, 500), state: failed ? "failed" : "pending", dueAt: new Date(now.getTime() + attempts * 60_000) },
      });
      this.log.error({ err, job: String(job.id), kind: job.kind, attempts }, failed ? "job failed for good" : "job failed; will retry");
      return [];
    }
  }
}
