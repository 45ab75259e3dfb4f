// Case numbers (KZ-YYYY-NNNNNN) from one PostgreSQL sequence per year: `nextval` waits for no other filing
// (issue 14: a counter row locked until the filing's transaction ended made every filing of the year wait
// for the one before it, across instances too). A sequence never takes a number back: a filing that rolls
// back after taking one leaves a gap in its year's numbers.
//
// The year's sequence is made at start, for this year and the next, starting after every number given
// before (the year's counter row, which numbered cases before this, and its cases). A filing in a year
// whose sequence is not there yet (a bot running through two New Years without a restart) numbers from the
// counter row as before: one at a time, never twice.
import type { Prisma } from "../../db/database.js";
import { localDate } from "../../../machines/calendar.js";
import type { Deployment, Tx } from "../../core/actor.js";

/** The sequence's name, quoted as SQL wants it (it lives in the schema of the tables, by the search path). */
const sequence = (year: number): string => `"CaseSeq${Math.trunc(year)}"`;

/** Makes the year's sequence unless it is there, in one transaction, under a lock instances starting together take. */
export const ensureCaseSequence = (db: Prisma, year: number): Promise<void> =>
  db.$transaction(async (tx) => {
    await tx.$queryRawUnsafe(`SELECT pg_advisory_xact_lock(hashtext('kelisim.caseSequence'))::text`);
    const [found] = await tx.$queryRawUnsafe<{ there: boolean }[]>(`SELECT to_regclass($1) IS NOT NULL AS "there"`, sequence(year));
    if (found?.there) return;
    // Owned by the counter's column: emptying the table (tests) starts it again at 1.
    await tx.$executeRawUnsafe(`CREATE SEQUENCE ${sequence(year)} OWNED BY "CaseCounter"."last"`);
    await tx.$queryRawUnsafe(
      `SELECT setval(to_regclass($1), GREATEST(m, 1), m > 0)::text FROM (SELECT GREATEST(
         COALESCE((SELECT "last" FROM "CaseCounter" WHERE "year" = $2::int), 0),
         COALESCE((SELECT max("seq") FROM "Case" WHERE "year" = $2::int), 0)) AS m) x`,
      sequence(year),
      year,
    );
  });

/** At start: this year's sequence and the next year's. */
export const ensureCaseSequences = async (db: Prisma, now: Date, d: Deployment): Promise<void> => {
  const year = Number(localDate(now, d.timeZone).slice(0, 4));
  await ensureCaseSequence(db, year);
  await ensureCaseSequence(db, year + 1);
};

/** The next number of the year, inside the filing's transaction. */
export const nextCaseSeq = async (tx: Tx, year: number): Promise<number> => {
  const [fromSequence] = await tx.$queryRawUnsafe<{ seq: number | null }[]>(
    `SELECT CASE WHEN to_regclass($1) IS NULL THEN NULL ELSE nextval(to_regclass($1))::int END AS "seq"`,
    sequence(year),
  );
  if (fromSequence?.seq != null) return Number(fromSequence.seq);
  // No sequence for the year yet: the counter row, locked until this transaction ends.
  const [counter] = await tx.$queryRaw<{ last: number }[]>`
    INSERT INTO "CaseCounter" ("year", "last") VALUES (${year}::int, 1)
    ON CONFLICT ("year") DO UPDATE SET "last" = "CaseCounter"."last" + 1 RETURNING "last"`;
  return Number(counter!.last);
};
