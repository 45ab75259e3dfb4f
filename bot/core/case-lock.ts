// Two chats acting on one case at the same moment — two staff of the entity, the applicant and staff, both
// sides of a mediation, the mediator and a side — possibly on two instances. The update's own lock is its chat's
// (store.ts); under READ COMMITTED, a handler that read the case, saw a state and wrote from it would otherwise
// decide from what the other had not yet committed: a receipt recorded twice with two deadlines, two
// mediations, an agreement lost when both sides accept at once (test/db/case-races.test.ts). Each domain effect
// that names a case — by its id, or by its mediation, proposal, sitting or participant — first takes that case's
// lock, held to the update's end: the second waits, then reads what the first stored. An effect acting on cases
// it does not name (a withdrawal of consent leaves every case its user follows) takes each of theirs; one that
// names a link, not a case (a relative joining), takes the link's case itself (features/relatives).
//
// An advisory lock in the two-int space (the chat's is in the one-bigint space, which does not overlap), keyed by
// the schema and the case, so it meets no row lock. A job acting on a case takes the same lock, but only if it is
// free (tryLockCaseOf): a job batch holding its claimed rows never waits for an update, so the two cannot deadlock.
import type { DomainEffect } from "../../machines/effects.js";
import { Prisma as PrismaNS } from "../db/generated/client.js";
import type { Tx } from "./actor.js";

/**
 * The first key of every case's lock (the second is the case's id): one per schema — advisory locks are the
 * database's, and deployments (or a test run's files) sharing one database each have their own schema and their
 * own case ids. Without it a job of one found another's case 1 held and was put off.
 */
const CASE_LOCKS = PrismaNS.sql`hashtext(current_schema() || ':kelisim.case')`;

/** What names the case of an effect or a job's payload, if anything does: the case itself first, else the row it belongs to. */
const caseOf = (e: DomainEffect | Record<string, unknown>): PrismaNS.Sql | null => {
  const p = e as Record<string, unknown>;
  const id = (key: string): number | null => {
    const v = p[key];
    return typeof v === "number" ? v : null;
  };
  const caseId = id("caseId");
  if (caseId !== null) return PrismaNS.sql`SELECT ${caseId}::int AS "id"`;
  const owners: [string, string][] = [
    ["mediationId", "Mediation"],
    ["proposalId", "Proposal"],
    ["sittingId", "Sitting"],
    ["participantId", "CaseParticipant"],
  ];
  for (const [key, table] of owners) {
    const owner = id(key);
    if (owner !== null) return PrismaNS.sql`SELECT "caseId" AS "id" FROM ${PrismaNS.raw(`"${table}"`)} WHERE "id" = ${owner}::int`;
  }
  return null;
};

/**
 * The cases an effect acts on without naming one: a withdrawal of consent takes its user out of every case they
 * follow as a relative (features/mydata) — all of them, in the order of their ids (two such updates sharing cases
 * take them in the same order, so neither waits for the other's second).
 */
const casesOfUser = (e: DomainEffect, userId: number): PrismaNS.Sql | null =>
  e.type === "withdrawConsent"
    ? PrismaNS.sql`SELECT DISTINCT "caseId" AS "id" FROM "CaseParticipant" WHERE "userId" = ${BigInt(userId)}::bigint AND "removedAt" IS NULL ORDER BY 1`
    : null;

/** Takes the lock of the case (or cases) the effect of this user acts on (none when it names none, or the row is gone). */
export const lockCaseOf = async (tx: Tx, e: DomainEffect, userId: number): Promise<void> => {
  const q = caseOf(e) ?? casesOfUser(e, userId);
  if (q) await tx.$queryRaw`SELECT pg_advisory_xact_lock(${CASE_LOCKS}, "k"."id")::text FROM (${q}) AS "k"`;
};

/** Takes the locks of these cases, in the order of their ids: for an effect that acts on cases it does not name. */
export const lockCases = async (tx: Tx, caseIds: readonly number[]): Promise<void> => {
  const ids = [...new Set(caseIds)].sort((a, b) => a - b);
  for (const id of ids) await tx.$queryRaw`SELECT pg_advisory_xact_lock(${CASE_LOCKS}, ${id}::int)::text`;
};

/**
 * For a job (Jobs.runBatch): takes the lock of the case its payload names, without waiting — false while an
 * update holds it. A job waiting for it could deadlock (the update may be waiting to cancel that very job, a row
 * the job's batch holds); put off for a moment instead, it then reads what the update stored.
 */
export const tryLockCaseOf = async (tx: Tx, payload: Record<string, unknown>): Promise<boolean> => {
  const q = caseOf(payload);
  if (!q) return true;
  const rows = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(${CASE_LOCKS}, "k"."id") AS "locked" FROM (${q}) AS "k"`;
  return rows.every((r) => r.locked);
};
