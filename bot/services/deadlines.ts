// The commission-formation deadline, watched (law.md §3 step 2: 3 working days). Staff are reminded on
// the last working day and told when it passes with no formation recorded; the case's log records it.
// The applicant's own overdue message and the path onward come with the staff's "commission formed"
// (issue 5): until staff can record it, the bot cannot tell a missed deadline from an unrecorded one.
import { atLocalTime, type Deadline } from "../../machines/calendar.js";
import { regionByCode } from "../../machines/notice-rules.js";
import { showDate } from "../../machines/notice.js";
import type { Prisma as PrismaNS } from "../db/generated/client.js";
import type { I18n } from "../i18n.js";
import { schedule, type JobHandler } from "../jobs/jobs.js";

export const FORMATION_REMINDER = "formation_reminder";
export const FORMATION_OVERDUE = "formation_overdue";
/** Staff hear of the last day at this local time. */
const REMINDER_HOUR = 9;

export const scheduleFormationWatch = async (tx: PrismaNS.TransactionClient, caseId: number, deadline: Deadline, timeZone: string) => {
  await schedule(tx, { kind: FORMATION_REMINDER, key: `formation:${caseId}:reminder`, dueAt: atLocalTime(deadline.date, REMINDER_HOUR, 0, timeZone), payload: { caseId } });
  await schedule(tx, { kind: FORMATION_OVERDUE, key: `formation:${caseId}:overdue`, dueAt: new Date(deadline.at.getTime() + 1), payload: { caseId } });
};

export const formationHandlers = (i18n: I18n, staffChatId: number | null): Record<string, JobHandler> => {
  const staffMessage = async (tx: PrismaNS.TransactionClient, caseId: number, key: string) => {
    const c = await tx.case.findUnique({ where: { id: caseId } });
    // Formed (or gone) since the job was scheduled: nothing to say.
    if (!c || c.status !== "submitted") return null;
    const due = (c.answers as { formationDue?: string }).formationDue ?? "";
    const region = regionByCode(c.region);
    // Staff choose their language once they register (issue 5); until then, both.
    const text = (["kk", "ru"] as const).map((l) => i18n.t(l)(key, { number: c.number, org: c.orgName, region: region?.[l] ?? c.region, date: showDate(due) })).join("\n\n");
    return { c, text };
  };
  return {
    [FORMATION_REMINDER]: async (tx, job) => {
      const m = await staffMessage(tx, Number(job.payload.caseId), "jobs.formationToday");
      return m && staffChatId !== null ? [{ method: "sendMessage", payload: { chat_id: staffChatId, text: m.text } }] : [];
    },
    [FORMATION_OVERDUE]: async (tx, job, now) => {
      const m = await staffMessage(tx, Number(job.payload.caseId), "jobs.formationOverdue");
      if (!m) return [];
      await tx.caseEvent.create({ data: { caseId: m.c.id, kind: "formation_overdue", createdAt: now, payload: { due: (m.c.answers as { formationDue?: string }).formationDue ?? null } } });
      return staffChatId !== null ? [{ method: "sendMessage", payload: { chat_id: staffChatId, text: m.text } }] : [];
    },
  };
};
