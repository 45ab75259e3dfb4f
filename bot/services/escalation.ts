// Escalation (law.md §3 step 7): when mediation ends without agreement, a commission deadline passes, or
// harm is not confirmed, the applicant may take the case further — as a rule to the health department of
// the case's region, the Committee for Medical and Pharmaceutical Control, or a court. The bot drafts the
// complaint from the case's own history, in the applicant's language, as text and PDF, says where such a
// complaint goes — no deadlines it does not know — and the case records it. The bot sends nothing itself.
import { InputFile } from "grammy";
import { localDate } from "../../machines/calendar.js";
import type { Lang } from "../../machines/effects.js";
import { regionByCode } from "../../machines/notice-rules.js";
import { showDate } from "../../machines/notice.js";
import { open } from "../crypto.js";
import type { Prisma } from "../db/database.js";
import type { Prisma as PrismaNS } from "../db/generated/client.js";
import type { I18n } from "../i18n.js";
import type { ApiCall } from "../runtime/render.js";
import type { ActorContext } from "./admin.js";
import type { SensitiveFields } from "./notices.js";
import { renderPdf } from "./pdf.js";

export const ESCALATION_TARGETS = ["department", "committee", "court"] as const;
export type EscalationTarget = (typeof ESCALATION_TARGETS)[number];
/** An outbox call whose complaint PDF is drafted when sent, from the case as it is then. */
export const ESCALATION_PDF = "@escalationPdf";
/** The text message shows this much of the description; the PDF has all of it. */
const DESCRIPTION_IN_MESSAGE = 1200;

type Db = Prisma | PrismaNS.TransactionClient;

/** Whether the applicant has reason to go further now: a deadline passed, harm not confirmed, or mediation failed. */
export const canEscalate = async (tx: Db, caseId: number): Promise<boolean> => {
  const k = await tx.case.findUnique({ where: { id: caseId } });
  if (!k || ["settled", "mediation", "closed"].includes(k.status)) return false;
  if ((k.answers as { conclusion?: { confirmed?: boolean } }).conclusion?.confirmed === false) return true;
  const reasons = await tx.caseEvent.count({ where: { caseId, kind: { in: ["formation_overdue", "conclusion_overdue", "mediation_ended"] } } });
  return reasons > 0;
};

/** The complaint's paragraphs, [label, text], from the case's history. */
export const complaintLines = async (db: Db, caseId: number, target: EscalationTarget, lang: Lang, i18n: I18n, dataKey: Buffer, timeZone: string): Promise<[string, string][] | null> => {
  const k = await db.case.findUnique({ where: { id: caseId }, include: { events: { orderBy: { id: "asc" } }, mediations: { orderBy: { id: "desc" }, take: 1, include: { proposals: true } } } });
  if (!k) return null;
  const t = i18n.t(lang);
  const a = k.answers as Record<string, unknown> & { conclusion?: { confirmed: boolean; on: string } };
  const s = JSON.parse(open(dataKey, k.sensitive)) as SensitiveFields;
  const str = (x: unknown) => (typeof x === "string" ? x : "");
  const region = regionByCode(k.region)?.[lang] ?? k.region;
  const care = str(a.careFrom) === str(a.careTo) ? showDate(str(a.careFrom)) : `${showDate(str(a.careFrom))} – ${showDate(str(a.careTo))}`;
  const happened = (kind: string) => k.events.some((e) => e.kind === kind);
  const formation = a.formedOn
    ? t("escalation.formed", { date: showDate(str(a.formedOn)) })
    : happened("formation_overdue")
      ? t("escalation.formationOverdue", { due: showDate(str(a.formationDue)) })
      : t("escalation.formationPending", { due: showDate(str(a.formationDue)) });
  const conclusion = a.conclusion
    ? t(a.conclusion.confirmed ? "escalation.confirmed" : "escalation.notConfirmed", { date: showDate(a.conclusion.on) })
    : happened("conclusion_overdue")
      ? t("escalation.conclusionOverdue", { due: showDate(str(a.conclusionDue)) })
      : a.formedOn
        ? t("escalation.conclusionPending", { due: showDate(str(a.conclusionDue)) })
        : null;
  const m = k.mediations[0];
  const mediation = !m
    ? null
    : m.startedAt && m.endedAt
      ? t("escalation.mediation", {
          from: showDate(localDate(m.startedAt, timeZone)),
          to: showDate(localDate(m.endedAt, timeZone)),
          rounds: m.proposals.length,
          why: t(`escalation.mediationEnd.${m.endReason === "expired" ? "expired" : "failed"}`),
        })
      : m.state === "ended" || m.state === "declined"
        ? t("escalation.mediationNotHeld")
        : null;
  return [
    [t("escalation.to"), t(`escalation.targets.${target}`, { region })],
    [t("escalation.from"), t("escalation.fromText", { relation: t(`escalation.relation.${str(a.relation) || "self"}`), patient: str(a.name) })],
    [t("escalation.case"), t("escalation.caseText", { number: k.number, date: showDate(str(a.submittedOn) || localDate(k.submittedAt, timeZone)) })],
    [t("escalation.what"), t("escalation.whatText", { org: k.orgName, region, care, outcome: t(`notice.outcome.${k.outcome ?? "unknown"}`) })],
    [t("escalation.description"), s.description],
    [t("escalation.commission"), formation],
    ...(conclusion ? [[t("escalation.conclusion"), conclusion] as [string, string]] : []),
    ...(mediation ? [[t("escalation.mediationLabel"), mediation] as [string, string]] : []),
    [t("escalation.request"), t("escalation.requestText")],
  ];
};

const say = (c: ActorContext, key: string, params: Record<string, unknown> = {}, buttons?: { text: string; callback_data: string }[][]): ApiCall => ({
  method: "sendMessage",
  payload: { chat_id: c.chatId, text: c.i18n.t(c.language)(key, params), ...(buttons ? { reply_markup: { inline_keyboard: buttons } } : {}) },
});
const applicantCase = (tx: PrismaNS.TransactionClient, caseId: number, userId: number) =>
  tx.case.findFirst({ where: { id: caseId, participants: { some: { userId: BigInt(userId), role: "applicant", removedAt: null } } } });

/** The applicant chooses where to take the case. */
export const chooseEscalation = async (tx: PrismaNS.TransactionClient, caseId: number, c: ActorContext): Promise<ApiCall[]> => {
  const k = await applicantCase(tx, caseId, c.userId);
  if (!k) return [say(c, "cases.notFound")];
  if (!(await canEscalate(tx, k.id))) return [say(c, "escalation.notNow", { number: k.number })];
  const t = c.i18n.t(c.language);
  const region = regionByCode(k.region)?.[c.language] ?? k.region;
  return [say(c, "escalation.choose", { number: k.number }, ESCALATION_TARGETS.map((x) => [{ text: t(`escalation.buttons.${x}`, { region }), callback_data: `g:escto:${k.id}:${x}` }]))];
};

/** Drafts the complaint (text now, PDF when sent), records the escalation, and says where it goes. */
export const draftEscalation = async (tx: PrismaNS.TransactionClient, caseId: number, target: EscalationTarget, c: ActorContext & { dataKey: Buffer }): Promise<ApiCall[]> => {
  const k = await applicantCase(tx, caseId, c.userId);
  if (!k) return [say(c, "cases.notFound")];
  if (k.status !== "escalated" && !(await canEscalate(tx, k.id))) return [say(c, "escalation.notNow", { number: k.number })];
  const lines = (await complaintLines(tx, k.id, target, c.language, c.i18n, c.dataKey, c.timeZone))!;
  const t = c.i18n.t(c.language);
  const shown = lines.map(([label, value]) => `${label}: ${value.length > DESCRIPTION_IN_MESSAGE ? `${value.slice(0, DESCRIPTION_IN_MESSAGE)}…` : value}`);
  await tx.case.update({ where: { id: k.id }, data: { status: "escalated" } });
  await tx.caseEvent.create({ data: { caseId: k.id, kind: "escalation_drafted", actorId: BigInt(c.userId), createdAt: c.now, payload: { target } } });
  const region = regionByCode(k.region)?.[c.language] ?? k.region;
  return [
    { method: "sendMessage", payload: { chat_id: c.chatId, text: [t("escalation.title"), "", ...shown].join("\n") } },
    { method: ESCALATION_PDF, payload: { chat_id: c.chatId, caseId: k.id, target, language: c.language } },
    say(c, "escalation.where", { number: k.number, target: t(`escalation.targets.${target}`, { region }) }),
  ];
};

export const escalationPdfCall = async (prisma: Prisma, p: { chat_id: number; caseId: number; target: EscalationTarget; language: Lang }, i18n: I18n, dataKey: Buffer, timeZone: string) => {
  const lines = await complaintLines(prisma, p.caseId, p.target, p.language, i18n, dataKey, timeZone);
  const k = await prisma.case.findUnique({ where: { id: p.caseId } });
  if (!lines || !k) return null;
  const t = i18n.t(p.language);
  const pdf = await renderPdf(t("escalation.title"), lines, t("escalation.footer"));
  return { chat_id: p.chat_id, document: new InputFile(pdf, `${k.number}-complaint.pdf`), caption: t("escalation.caption", { number: k.number }) };
};

/** For the applicant: the button that starts it, where it makes sense. */
export const escalationButton = async (tx: Db, caseId: number, c: { language: Lang; i18n: I18n }) =>
  (await canEscalate(tx, caseId)) ? [[{ text: c.i18n.t(c.language)("escalation.button"), callback_data: `g:esc:${caseId}` }]] : [];
