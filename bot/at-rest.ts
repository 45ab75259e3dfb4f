// The data at rest and its key, checked and brought up to date at start, after the migrations:
// - DATA_KEY must be the key the data was sealed with. A known text sealed with the first key is kept in
//   "Meta" (the canary); a start with another key stops with one line, before anything is read or written
//   with the wrong key.
// - One-time steps on existing rows that SQL cannot do (sealing needs the key), each recorded in "Meta" so
//   that it runs once — once it has done every case: one PostgreSQL refuses to write is passed over, named in the
//   log, and tried again at the next start.
// - A recurring job that seals again a birth date found in the clear: an instance of an older version, still
//   running beside an upgraded one on the same PostgreSQL, files its cases with it there after the one-time step.
import { open, seal } from "./crypto.js";
import { answersOf, sealWith, str } from "./core/case.js";
import { tryLockCaseOf } from "./core/case-lock.js";
import type { JobHandler } from "./core/effects.js";
import type { Feature } from "./core/feature.js";
import type { Prisma } from "./db/database.js";
import type { Tx } from "./core/actor.js";
import type { Prisma as PrismaNS } from "./db/generated/client.js";
import { CASE_BUSY_MS, eachCase, failed, schedule } from "./jobs/jobs.js";
import { createLogger, type Logger } from "./logger.js";

export const CANARY_KEY = "dataKeyCanary";
export const CANARY_TEXT = "kelisim data key canary";
/** Present while `npm run data:rotate-key` has not finished: the new key's canary. */
export const ROTATING_KEY = "dataKeyRotating";
const NAMES_SEALED = "patientNameSealed";
const SUMMARIES_SEALED = "conclusionSummarySealed";
const PROPOSALS_SEALED = "proposalTextsSealed";
const BIRTH_DATES_SEALED = "birthDateSealed";

export class DataKeyError extends Error {
  override name = "DataKeyError";
}

const ROTATING =
  "Data key error: a DATA_KEY rotation is unfinished (part of the data is sealed with the new key): run npm run data:rotate-key again with the same DATA_KEY and NEW_DATA_KEY";

const WRONG_KEY =
  "Data key error: DATA_KEY is not the key this database's data was sealed with; start with the key the data was created with (keep it with the backups)";

const opens = (key: Buffer, sealed: string): string | null => {
  try {
    return open(key, sealed);
  } catch {
    return null;
  }
};

/** Throws DataKeyError when `key` is not the key the data was sealed with; the first start records it. */
export const checkDataKey = async (prisma: Prisma, key: Buffer): Promise<void> => {
  if (await prisma.meta.findUnique({ where: { key: ROTATING_KEY } })) throw new DataKeyError(ROTATING);
  let canary = await prisma.meta.findUnique({ where: { key: CANARY_KEY } });
  if (!canary) {
    // A database from before the canary: its sealed cases tell whether this is their key.
    const sealedCase = await prisma.case.findFirst({ where: { sensitive: { not: "" } }, select: { sensitive: true }, orderBy: { id: "asc" } });
    if (sealedCase && opens(key, sealedCase.sensitive) === null) throw new DataKeyError(WRONG_KEY);
    await prisma.meta.createMany({ data: [{ key: CANARY_KEY, value: seal(key, CANARY_TEXT) }], skipDuplicates: true });
    // Another instance may have written its own at the same moment: whichever is stored is checked.
    canary = await prisma.meta.findUniqueOrThrow({ where: { key: CANARY_KEY } });
  }
  if (opens(key, canary.value) !== CANARY_TEXT) throw new DataKeyError(WRONG_KEY);
};

/** What a one-time step gives each case's part of its work: run in a savepoint of its own; false when it failed. */
type EachCase = (caseId: number, work: () => Promise<boolean>) => Promise<boolean>;

/** The default log of the one-time steps, for a caller without one (the ops commands): warnings and errors. */
const stepsLog = (): Logger => createLogger("warn");

/** A marker's value while its step has cases still to do (passed over): the step runs again, an older version does not. */
const PENDING = "pending:";
const isDone = (m: { value: string } | null): boolean => m !== null && !m.value.startsWith(PENDING);

/**
 * A step done once for the whole database (an upgrade's re-seal): skipped when its marker says done; else one instance
 * at a time (an advisory lock of its own, `lock`) does it, and the marker, with the count, says it was done — a
 * second instance finds the marker and does nothing. Each case's part of it goes through `each`: in a savepoint of
 * its own (eachCase), so that a case whose write PostgreSQL refuses (a constraint, a trigger) is passed over, named in
 * the log by its id, and the others done — the start goes on. The marker then says «pending:» with those cases' ids:
 * the next start of this version tries the step again and finds only what is still to do (each step selects what is
 * still in the clear, or leaves what opens with the key); an older version, which knows only whether the marker is
 * there, does not run it a second time over texts this one sealed. Returns how many were done (`work` counts those
 * `each` did), or 0 when it was done before.
 */
const once = async (prisma: Prisma, log: Logger, step: string, marker: string, lock: number, work: (tx: Tx, each: EachCase) => Promise<number>): Promise<number> => {
  if (isDone(await prisma.meta.findUnique({ where: { key: marker } }))) return 0;
  const { count, passedOver } = await prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${4242}::int, ${lock}::int)`;
      if (isDone(await tx.meta.findUnique({ where: { key: marker } }))) return { count: 0, passedOver: [] };
      const passedOver: number[] = [];
      const each: EachCase = async (caseId, part) => {
        const done = await eachCase(tx, log, step, caseId, part, "a case failed in a start-up step; passed over, tried again at the next start");
        if (done === failed) passedOver.push(caseId);
        return done === true;
      };
      const count = await work(tx, each);
      const value = passedOver.length ? `${PENDING}${passedOver.join(",")}` : String(count);
      await tx.meta.upsert({ where: { key: marker }, create: { key: marker, value }, update: { value } });
      return { count, passedOver };
    },
    { timeout: 120_000 },
  );
  if (passedOver.length) log.warn({ step, done: count, passedOver: passedOver.length }, "a start-up step passed over cases; it runs again at the next start");
  return count;
};

/** One case's plain answer (`field`) moved into its sealed fields, read and written in the caller's transaction. */
const sealAnswerOf = async (tx: Tx, key: Buffer, id: number, field: "name" | "birthDate"): Promise<boolean> => {
  const k = await tx.case.findUniqueOrThrow({ where: { id }, select: { answers: true, sensitive: true } });
  const { [field]: value, ...answers } = answersOf(k.answers);
  if (value === undefined || value === null) return false;
  await tx.case.update({ where: { id }, data: { answers: answers as PrismaNS.InputJsonObject, sensitive: sealWith(key, k.sensitive, { [field]: str(value) }) } });
  return true;
};

/** One of a case's plain answers (`field`) moved into its sealed fields, in every case that still has it in the clear. */
const sealAnswer = async (tx: Tx, each: EachCase, key: Buffer, field: "name" | "birthDate"): Promise<number> => {
  const rows = await tx.$queryRaw<{ id: number }[]>`SELECT "id" FROM "Case" WHERE "answers" ->> ${field}::text IS NOT NULL ORDER BY "id" FOR UPDATE`;
  let count = 0;
  for (const { id } of rows) if (await each(id, () => sealAnswerOf(tx, key, id, field))) count++;
  return count;
};

/**
 * The patient's full name, kept in the case's plain answers before it was sealed with the IIN: moved into
 * the sealed fields, once. Returns how many cases were re-sealed.
 */
export const sealPatientNames = (prisma: Prisma, key: Buffer, log: Logger = stepsLog()): Promise<number> =>
  once(prisma, log, "seal_patient_names", NAMES_SEALED, 1, (tx, each) => sealAnswer(tx, each, key, "name"));

/**
 * The commission's conclusion summary (the patient's medical details), kept in the case's plain answers before
 * it was sealed: moved into the sealed fields, once. Returns how many cases were re-sealed.
 */
export const sealConclusionSummaries = (prisma: Prisma, key: Buffer, log: Logger = stepsLog()): Promise<number> =>
  once(prisma, log, "seal_conclusion_summaries", SUMMARIES_SEALED, 2, async (tx, each) => {
    const rows = await tx.$queryRaw<{ id: number }[]>`SELECT "id" FROM "Case" WHERE "answers" -> 'conclusion' ->> 'summary' IS NOT NULL ORDER BY "id" FOR UPDATE`;
    let count = 0;
    for (const { id } of rows) {
      const sealed = await each(id, async () => {
        const k = await tx.case.findUniqueOrThrow({ where: { id }, select: { answers: true, sensitive: true } });
        const a = answersOf(k.answers);
        const { summary, ...conclusion } = a.conclusion as Record<string, unknown>;
        await tx.case.update({ where: { id }, data: { answers: { ...a, conclusion } as PrismaNS.InputJsonObject, sensitive: sealWith(key, k.sensitive, { conclusion: str(summary) }) } });
        return true;
      });
      if (sealed) count++;
    }
    return count;
  });

/**
 * A mediation's proposals — the mediator's terms, a side's counter-offer and its note — kept in the clear before
 * they were sealed like the messages relayed in it: sealed, once, a case's proposals together. A text that already
 * opens with the key is left as it is: sealed by this version, or by an earlier run of this step that passed over
 * another case (its marker then not written) — never sealed twice. Returns how many proposals were.
 */
export const sealProposalTexts = (prisma: Prisma, key: Buffer, log: Logger = stepsLog()): Promise<number> =>
  once(prisma, log, "seal_proposal_texts", PROPOSALS_SEALED, 3, async (tx, each) => {
    const proposals = await tx.proposal.findMany({
      select: { id: true, caseId: true, terms: true, responses: { where: { note: { not: null } }, select: { userId: true, note: true } } },
      orderBy: [{ caseId: "asc" }, { id: "asc" }],
    });
    const clear = (text: string) => opens(key, text) === null;
    const byCase = new Map<number, typeof proposals>();
    for (const p of proposals) byCase.set(p.caseId, [...(byCase.get(p.caseId) ?? []), p]);
    let count = 0;
    for (const [caseId, ofCase] of byCase) {
      const todo = ofCase.filter((p) => clear(p.terms) || p.responses.some((r) => clear(r.note!)));
      if (todo.length === 0) continue;
      const sealed = await each(caseId, async () => {
        for (const p of todo) {
          if (clear(p.terms)) await tx.proposal.update({ where: { id: p.id }, data: { terms: seal(key, p.terms) } });
          for (const r of p.responses) {
            if (clear(r.note!)) await tx.proposalResponse.update({ where: { proposalId_userId: { proposalId: p.id, userId: r.userId } }, data: { note: seal(key, r.note!) } });
          }
        }
        return true;
      });
      if (sealed) count += todo.length;
    }
    return count;
  });

/**
 * The patient's date of birth — the IIN's first six digits, so half of the sealed IIN — kept in the case's plain
 * answers before it was sealed with the IIN: moved into the sealed fields, once. Returns how many cases were re-sealed.
 */
export const sealBirthDates = (prisma: Prisma, key: Buffer, log: Logger = stepsLog()): Promise<number> =>
  once(prisma, log, "seal_birth_dates", BIRTH_DATES_SEALED, 4, (tx, each) => sealAnswer(tx, each, key, "birthDate"));

const RESEAL_JOB = "reseal_birth_dates";
const RESEAL_KEY = "reseal:birthDates";
/** How often the recurring job looks for a birth date in the clear. */
export const RESEAL_EVERY_MS = 10 * 60_000;
/** Cases per run (one transaction): more wait for the next run, a second later. */
const RESEAL_BATCH = 50;

/** At every start: the recurring job is due RESEAL_EVERY_MS later (the one-time step has just run; one row, by its key). */
export const scheduleReseal = async (db: Prisma, now: Date): Promise<void> => {
  await schedule(db, { kind: RESEAL_JOB, key: RESEAL_KEY, dueAt: new Date(now.getTime() + RESEAL_EVERY_MS), payload: {} });
};

export const resealJobs: Record<string, JobHandler> = {
  /**
   * A birth date in a case's plain answers — written there by an instance of a version before its sealing, still
   * running beside this one — sealed as the one-time step does. Each case under its lock, taken only if free (as
   * any job does, core/case-lock.ts: every update of a case, this version's and the older one's, takes it before
   * reading the case), then read again: nothing written between the read and the write is lost, and a case already
   * sealed (by another instance's run) is left as it is. Two instances never run it at once (the job is one row,
   * claimed with SKIP LOCKED). A case that cannot be sealed — its sealed fields unreadable, deleted meanwhile, or its
   * write refused by PostgreSQL itself (a constraint, a trigger) — is passed over in a savepoint of its own
   * (eachCase), named in the log, not the run failed for it: the run goes on with the next case, and a full batch's
   * next run from the next id (`after`, kept in the job's payload), so neither one such case nor a batch of them stops
   * the others being sealed.
   */
  [RESEAL_JOB]: async (tx, job, now, d, log) => {
    const after = typeof job.payload.after === "number" ? job.payload.after : 0;
    const clear = await tx.$queryRaw<{ id: number }[]>`SELECT "id" FROM "Case" WHERE "answers" ->> 'birthDate' IS NOT NULL AND "id" > ${after} ORDER BY "id" LIMIT ${RESEAL_BATCH}`;
    let busy = 0;
    for (const { id } of clear) {
      if (!(await tryLockCaseOf(tx, { caseId: id }))) busy++;
      else await eachCase(tx, log, RESEAL_JOB, id, () => sealAnswerOf(tx, d.dataKey, id, "birthDate"));
    }
    // A full batch: more may wait, so on from its last id in a second; a busy case, all again in two; else after the
    // usual pause.
    const full = clear.length === RESEAL_BATCH;
    const next = full ? 1000 : busy > 0 ? CASE_BUSY_MS : RESEAL_EVERY_MS;
    await schedule(tx, { kind: RESEAL_JOB, key: RESEAL_KEY, dueAt: new Date(now.getTime() + next), payload: full ? { after: clear.at(-1)!.id } : {} });
    return [];
  },
};

/** The recurring re-seal, as a feature (bot/features/index.ts): its job and what schedules it at start. */
export const atRestFeature = {
  effects: {},
  jobs: resealJobs,
  onStart: (db: Prisma, now: Date) => scheduleReseal(db, now),
} satisfies Feature;

/**
 * The one-time steps not yet done (their markers absent): after they ran, a step that passed over a case PostgreSQL
 * refused to write — named by its id in the log — left its texts in the clear, under no key at all.
 */
export const unfinishedSteps = async (prisma: Prisma): Promise<string[]> => {
  const markers = [NAMES_SEALED, SUMMARIES_SEALED, PROPOSALS_SEALED, BIRTH_DATES_SEALED];
  const done = new Set((await prisma.meta.findMany({ where: { key: { in: markers } } })).filter(isDone).map((m) => m.key));
  return markers.filter((m) => !done.has(m));
};

/** At start, after the migrations: the key first, then the one-time steps. */
export const prepareDataAtRest = async (
  prisma: Prisma,
  key: Buffer,
  log: Logger = stepsLog(),
): Promise<{ namesSealed: number; summariesSealed: number; proposalsSealed: number; birthDatesSealed: number }> => {
  await checkDataKey(prisma, key);
  return {
    namesSealed: await sealPatientNames(prisma, key, log),
    summariesSealed: await sealConclusionSummaries(prisma, key, log),
    proposalsSealed: await sealProposalTexts(prisma, key, log),
    birthDatesSealed: await sealBirthDates(prisma, key, log),
  };
};
