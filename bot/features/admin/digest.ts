// Cases that reach no organisation's staff: every morning the admins get the list, with the button to link
// each to a registered organisation of its region (whose staff then get the notice).
import { act } from "../../../machines/actions.js";
import { atLocalTime, addDays, localDate } from "../../../machines/calendar.js";
import type { Param } from "../../../machines/effects.js";
import type { Deployment, Prisma } from "../../core/actor.js";
import { regionName } from "../../core/case.js";
import { lines, sayTo, type JobHandler } from "../../core/effects.js";
import { reader } from "../../core/people.js";
import { schedule } from "../../jobs/jobs.js";
import { chooseCaseOrg } from "./actions.js";

const DIGEST = "unlinked_digest";
const KEY = "admin:unlinked-digest";
const HOUR = 9;
const SHOWN = 10;

/** The next morning's time (today's, if it is still ahead). */
const nextMorning = (now: Date, timeZone: string): Date => {
  const today = atLocalTime(localDate(now, timeZone), HOUR, 0, timeZone);
  return today > now ? today : atLocalTime(addDays(localDate(now, timeZone), 1), HOUR, 0, timeZone);
};

/** At start: the digest is due the next morning (when there are admins to send it to). */
export const scheduleDigest = async (db: Prisma, now: Date, d: Deployment): Promise<void> => {
  if (d.adminIds.length === 0) return;
  await schedule(db, { kind: DIGEST, key: KEY, dueAt: nextMorning(now, d.timeZone), payload: {} });
};

export const digestJobs: Record<string, JobHandler> = {
  [DIGEST]: async (tx, _job, now, d) => {
    // Tomorrow again, whatever today brings.
    if (d.adminIds.length) await schedule(tx, { kind: DIGEST, key: KEY, dueAt: nextMorning(new Date(now.getTime() + 60_000), d.timeZone), payload: {} });
    const where = { organizationId: null, anonymisedAt: null, status: { in: ["saved" as const, "delivered" as const] } };
    const [cases, count] = await Promise.all([tx.case.findMany({ where, orderBy: { submittedAt: "desc" }, take: SHOWN }), tx.case.count({ where })]);
    if (cases.length === 0) return [];
    const admins = await tx.user.findMany({ where: { id: { in: d.adminIds.map(BigInt) } }, select: { id: true, language: true } });
    const items = cases.map((k): Param => ({ key: "admin.unlinkedLine", params: { number: k.number, org: lines([k.orgName, regionName(k.region)], ", ") } }));
    return d.adminIds.map((id) =>
      sayTo(reader(id, admins.find((a) => a.id === BigInt(id))?.language ?? null), "admin.unlinkedDaily", { count, cases: lines(items) }, cases.map((k) => [
        { key: "admin.linkCase", params: { number: k.number }, ...act(chooseCaseOrg, { caseId: k.id }) },
      ])),
    );
  },
};
