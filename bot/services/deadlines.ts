// The commission's deadlines, watched (law.md §3): formed within 3 working days of the notice, a
// conclusion within 5 working days of the formation. Staff are reminded at 09:00 on the last working
// day. When a deadline passes with nothing recorded, staff and everyone on the case are told, and the
// applicant's side is shown the usual path onward; the case's log records it.
import { atLocalTime, endOfDay, localDate, nthWorkingDayAfter, type Deadline } from "../../machines/calendar.js";
import type { FileRef, Lang } from "../../machines/effects.js";
import { regionByCode } from "../../machines/notice-rules.js";
import { showDate } from "../../machines/notice.js";
import type { Prisma as PrismaNS } from "../db/generated/client.js";
import type { I18n } from "../i18n.js";
import { cancel, schedule, type JobHandler } from "../jobs/jobs.js";
import type { ApiCall } from "../runtime/render.js";
import type { ActorContext } from "./admin.js";
import { SEND_FILE, staffOrgs } from "./staff.js";
import { mciTenge, minimumMci, type PaidOutcome } from "../../machines/payments.js";

export const CONCLUSION_WORKING_DAYS = 5;
/** Staff hear of a last day at this local time. */
const REMINDER_HOUR = 9;

/** Each watched step: the status it waits in, where its due date is kept, and its texts. */
const STEPS = {
  formation: { status: "submitted", due: "formationDue", today: "jobs.formationToday", overdue: "jobs.formationOverdue", applicant: "jobs.formationOverdueApplicant", event: "formation_overdue" },
  conclusion: { status: "commission_formed", due: "conclusionDue", today: "jobs.conclusionToday", overdue: "jobs.conclusionOverdue", applicant: "jobs.conclusionOverdueApplicant", event: "conclusion_overdue" },
} as const;
type Step = keyof typeof STEPS;

const watch = async (tx: PrismaNS.TransactionClient, step: Step, caseId: number, deadline: Deadline, timeZone: string, now?: Date) => {
  // A deadline already past (a formation recorded late) gets no "last day" reminder: only the overdue notice.
  if (!now || deadline.at > now) await schedule(tx, { kind: `${step}_reminder`, key: `${step}:${caseId}:reminder`, dueAt: atLocalTime(deadline.date, REMINDER_HOUR, 0, timeZone), payload: { caseId } });
  await schedule(tx, { kind: `${step}_overdue`, key: `${step}:${caseId}:overdue`, dueAt: new Date(deadline.at.getTime() + 1), payload: { caseId } });
};
const unwatch = async (tx: PrismaNS.TransactionClient, step: Step, caseId: number) => {
  await cancel(tx, `${step}:${caseId}:reminder`);
  await cancel(tx, `${step}:${caseId}:overdue`);
};

export const scheduleFormationWatch = (tx: PrismaNS.TransactionClient, caseId: number, deadline: Deadline, timeZone: string) => watch(tx, "formation", caseId, deadline, timeZone);

/** Everyone on a case and their language (the applicant and invited relatives). */
const participants = async (tx: PrismaNS.TransactionClient, caseId: number) =>
  tx.caseParticipant.findMany({ where: { caseId, removedAt: null, role: { in: ["applicant", "relative"] } }, include: { user: { select: { language: true } } } });

/** Staff of the case's organisation, or the staff chat when it has none. */
const staffRecipients = async (tx: PrismaNS.TransactionClient, organizationId: number | null, staffChatId: number | null): Promise<{ chatId: number; lang: Lang | null }[]> => {
  const staff = organizationId === null ? [] : await tx.userRole.findMany({ where: { organizationId, role: "staff", revokedAt: null }, include: { user: { select: { language: true } } } });
  if (staff.length) return staff.map((s) => ({ chatId: Number(s.userId), lang: s.user.language }));
  return staffChatId === null ? [] : [{ chatId: staffChatId, lang: null }];
};

const dueOf = (answers: unknown, field: string): string => {
  const v = (answers as Record<string, unknown>)[field];
  return typeof v === "string" ? v : "";
};

export const deadlineHandlers = (i18n: I18n, staffChatId: number | null): Record<string, JobHandler> => {
  const text = (lang: Lang | null, key: string, params: Record<string, unknown>) =>
    lang ? i18n.t(lang)(key, params) : (["kk", "ru"] as const).map((l) => i18n.t(l)(key, { ...params, region: (params.regions as Record<Lang, string>)[l] })).join("\n\n");
  const handlers: Record<string, JobHandler> = {};
  for (const [step, s] of Object.entries(STEPS) as [Step, (typeof STEPS)[Step]][]) {
    const load = async (tx: PrismaNS.TransactionClient, caseId: number) => {
      const c = await tx.case.findUnique({ where: { id: caseId } });
      // Moved on (or gone) since the job was scheduled: nothing to say.
      return c && c.status === s.status ? c : null;
    };
    const params = (c: { number: string; orgName: string; region: string; answers: unknown }, lang: Lang | null) => {
      const r = regionByCode(c.region);
      const regions = { kk: r?.kk ?? c.region, ru: r?.ru ?? c.region };
      return { number: c.number, org: c.orgName, region: lang ? regions[lang] : regions.kk, regions, date: showDate(dueOf(c.answers, s.due)) };
    };
    handlers[`${step}_reminder`] = async (tx, job) => {
      const c = await load(tx, Number(job.payload.caseId));
      if (!c) return [];
      return (await staffRecipients(tx, c.organizationId, staffChatId)).map((r) => ({ method: "sendMessage", payload: { chat_id: r.chatId, text: text(r.lang, s.today, params(c, r.lang)) } }));
    };
    handlers[`${step}_overdue`] = async (tx, job, now) => {
      const c = await load(tx, Number(job.payload.caseId));
      if (!c) return [];
      await tx.caseEvent.create({ data: { caseId: c.id, kind: s.event, createdAt: now, payload: { due: (c.answers as Record<string, unknown>)[s.due] ?? null } } });
      const staff = (await staffRecipients(tx, c.organizationId, staffChatId)).map((r) => ({ method: "sendMessage", payload: { chat_id: r.chatId, text: text(r.lang, s.overdue, params(c, r.lang)) } }));
      const people = (await participants(tx, c.id)).map((p) => {
        const lang = p.user.language ?? c.language;
        // The applicant may take it further from here.
        const more = p.role === "applicant" ? { reply_markup: { inline_keyboard: [[{ text: i18n.t(lang)("escalation.button"), callback_data: `g:esc:${c.id}` }]] } } : {};
        return { method: "sendMessage", payload: { chat_id: Number(p.userId), text: i18n.t(lang)(s.applicant, params(c, lang)), ...more } };
      });
      return [...staff, ...people];
    };
  }
  return handlers;
};

/**
 * Staff record that the commission was formed — today, or on an earlier `date` not before the notice:
 * the conclusion's 5 working days start from that day.
 */
export const recordFormation = async (tx: PrismaNS.TransactionClient, caseId: number, date: string | null, c: ActorContext & { staffChatId: number | null }): Promise<ApiCall[]> => {
  const t = c.i18n.t(c.language);
  const k = await tx.case.findFirst({ where: { id: caseId, organizationId: { in: await staffOrgs(tx, c.userId) } } });
  if (!k) return [{ method: "sendMessage", payload: { chat_id: c.chatId, text: t("cases.notFound") } }];
  if (k.status !== "submitted") return [{ method: "sendMessage", payload: { chat_id: c.chatId, text: t("staff.alreadyFormed", { number: k.number }) } }];
  const today = localDate(c.now, c.timeZone);
  const filed = localDate(k.submittedAt, c.timeZone);
  const on = date ?? today;
  if (on < filed || on > today) {
    return [{ method: "sendMessage", payload: { chat_id: c.chatId, text: t("staff.formationDateRange", { number: k.number, from: showDate(filed), to: showDate(today) }) } }];
  }
  const dueDate = nthWorkingDayAfter(on, CONCLUSION_WORKING_DAYS);
  const due: Deadline = { date: dueDate, at: endOfDay(dueDate, c.timeZone) };
  const answers = { ...(k.answers as Record<string, unknown>), formedOn: on, conclusionDue: due.date };
  await tx.case.update({ where: { id: k.id }, data: { status: "commission_formed", formedAt: date ? atLocalTime(on, 0, 0, c.timeZone) : c.now, answers } });
  await tx.caseEvent.create({ data: { caseId: k.id, kind: "commission_formed", actorId: BigInt(c.userId), createdAt: c.now, payload: { formedOn: on, conclusionDue: due.date, noProviderMembers: true } } });
  await unwatch(tx, "formation", k.id);
  await watch(tx, "conclusion", k.id, due, c.timeZone, c.now);
  const params = { number: k.number, date: showDate(on), due: showDate(due.date), days: CONCLUSION_WORKING_DAYS };
  const people = (await participants(tx, k.id)).map((p) => {
    const lang = p.user.language ?? k.language;
    return { method: "sendMessage", payload: { chat_id: Number(p.userId), text: c.i18n.t(lang)("jobs.formedApplicant", params) } };
  });
  return [{ method: "sendMessage", payload: { chat_id: c.chatId, text: t("staff.formedRecorded", params) } }, ...people];
};

/**
 * Staff record the conclusion: the case is concluded, its conclusion watch cancelled, and everyone on it
 * told what it means — harm confirmed: an insured event, paid from the pool, with the minimum for the
 * outcome; not confirmed: the usual path onward.
 */
export const recordConclusion = async (
  tx: PrismaNS.TransactionClient,
  r: { caseId: number; confirmed: boolean; outcome: PaidOutcome | null; summary: string; file?: FileRef | null },
  c: ActorContext,
): Promise<ApiCall[]> => {
  const t = c.i18n.t(c.language);
  const k = await tx.case.findFirst({ where: { id: r.caseId, organizationId: { in: await staffOrgs(tx, c.userId) } } });
  if (!k) return [{ method: "sendMessage", payload: { chat_id: c.chatId, text: t("cases.notFound") } }];
  if (k.status !== "commission_formed") return [{ method: "sendMessage", payload: { chat_id: c.chatId, text: t("conclusion.notNow", { number: k.number }) } }];
  const outcome = r.confirmed ? r.outcome : null;
  const answers = { ...(k.answers as Record<string, unknown>), conclusion: { confirmed: r.confirmed, outcome, summary: r.summary, on: localDate(c.now, c.timeZone), file: r.file ? { kind: r.file.kind, fileId: r.file.fileId } : null } };
  await tx.case.update({ where: { id: k.id }, data: { status: "concluded", concludedAt: c.now, answers, ...(outcome ? { outcome } : {}) } });
  await tx.caseEvent.create({ data: { caseId: k.id, kind: "conclusion_recorded", actorId: BigInt(c.userId), createdAt: c.now, payload: { confirmed: r.confirmed, outcome, document: Boolean(r.file) } } });
  await unwatch(tx, "conclusion", k.id);
  const year = Number(localDate(c.now, c.timeZone).slice(0, 4));
  const people = (await participants(tx, k.id)).map((p) => {
    const lang = p.user.language ?? k.language;
    const tt = c.i18n.t(lang);
    const mci = outcome ? minimumMci(outcome) : 0;
    const tenge = mciTenge(year);
    const text = r.confirmed
      ? tt("conclusion.toApplicantConfirmed", {
          number: k.number,
          outcome: tt(`notice.outcome.${outcome}`),
          summary: r.summary,
          minimum: tenge === null ? tt("conclusion.minimumMci", { mci }) : tt("conclusion.minimumTenge", { mci, tenge: mci * tenge }),
        })
      : tt("conclusion.toApplicantNotConfirmed", { number: k.number, summary: r.summary });
    const buttons = r.confirmed
      ? { reply_markup: { inline_keyboard: [[{ text: tt("cases.payments"), callback_data: `g:payments:${outcome}` }]] } }
      : p.role === "applicant"
        ? { reply_markup: { inline_keyboard: [[{ text: tt("escalation.button"), callback_data: `g:esc:${k.id}` }]] } }
        : {};
    const message: ApiCall = { method: "sendMessage", payload: { chat_id: Number(p.userId), text, ...buttons } };
    // The document itself holds the patient's medical details: it goes to the applicant, not to relatives.
    return r.file && p.role === "applicant" ? [message, { method: SEND_FILE, payload: { chat_id: Number(p.userId), kind: r.file.kind, fileId: r.file.fileId } }] : [message];
  }).flat();
  return [{ method: "sendMessage", payload: { chat_id: c.chatId, text: t("conclusion.recorded", { number: k.number }) } }, ...people];
};
