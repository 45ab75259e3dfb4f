// Escalation (law.md §3 step 7): when mediation ends without agreement, a commission deadline passes, or
// harm is not confirmed, the applicant may take the case further — as a rule to the health department of
// the case's region, the Committee for Medical and Pharmaceutical Control, or a court. The bot drafts the
// complaint from the case's own history, in the applicant's language, as text and PDF, says where such a
// complaint goes — no deadlines it does not know — and the case records it. The bot sends nothing itself.
import { InputFile } from "grammy";
import { z } from "zod";
import { act } from "../../../machines/actions.js";
import { localDate } from "../../../machines/calendar.js";
import { ESCALATION_TARGETS, type Button, type DomainEffect, type EscalationTarget, type Param } from "../../../machines/effects.js";
import { showDate } from "../../../machines/notice.js";
import { careText, openSensitive, regionName, str } from "../../core/case.js";
import type { Ctx, Prisma, Tx } from "../../core/actor.js";
import { document, renderPdf, type DocumentBuilder } from "../../core/documents.js";
import { lines, say, sayText, type Out } from "../../core/effects.js";
import { localParam } from "../../core/render.js";
import { chooseEscalation as chooseAction, draftEscalation as draftAction } from "./actions.js";

/** The text message shows this much of the description; the PDF has all of it. */
const DESCRIPTION_IN_MESSAGE = 1200;

type Db = Prisma | Tx;

/** Whether the applicant has reason to go further now: a deadline passed, harm not confirmed, or mediation failed. */
export const canEscalate = async (db: Db, caseId: number): Promise<boolean> => {
  const k = await db.case.findUnique({ where: { id: caseId } });
  if (!k || ["settled", "mediation", "closed"].includes(k.status)) return false;
  if ((k.answers as { conclusion?: { confirmed?: boolean } }).conclusion?.confirmed === false) return true;
  // No legal deadline runs for a notice the entity has not received: only a failed mediation counts then.
  const kinds = k.status === "saved" || k.status === "delivered" ? ["mediation_ended"] : ["formation_overdue", "conclusion_overdue", "mediation_ended"];
  const reasons = await db.caseEvent.count({ where: { caseId, kind: { in: kinds } } });
  return reasons > 0;
};

/** The complaint's paragraphs, [label, text], from the case's history; localised when shown. */
export const complaintLines = async (db: Db, caseId: number, target: EscalationTarget, dataKey: Buffer, timeZone: string): Promise<[Param, Param][] | null> => {
  const k = await db.case.findUnique({ where: { id: caseId }, include: { events: { orderBy: { id: "asc" } }, mediations: { orderBy: { id: "desc" }, take: 1, include: { proposals: true } } } });
  if (!k) return null;
  const a = k.answers as Record<string, unknown> & { conclusion?: { confirmed: boolean; on: string } };
  const s = openSensitive(dataKey, k.sensitive);
  const region = regionName(k.region);
  const happened = (kind: string) => k.events.some((e) => e.kind === kind);
  const formation: Param = a.formedOn
    ? { key: "escalation.formed", params: { date: showDate(str(a.formedOn)) } }
    : happened("formation_overdue")
      ? { key: "escalation.formationOverdue", params: { due: showDate(str(a.formationDue)) } }
      : { key: "escalation.formationPending", params: { due: showDate(str(a.formationDue)) } };
  const conclusion: Param | null = a.conclusion
    ? { key: a.conclusion.confirmed ? "escalation.confirmed" : "escalation.notConfirmed", params: { date: showDate(a.conclusion.on) } }
    : happened("conclusion_overdue")
      ? { key: "escalation.conclusionOverdue", params: { due: showDate(str(a.conclusionDue)) } }
      : a.formedOn
        ? { key: "escalation.conclusionPending", params: { due: showDate(str(a.conclusionDue)) } }
        : null;
  const m = k.mediations[0];
  const mediation: Param | null = !m
    ? null
    : m.startedAt && m.endedAt
      ? {
          key: "escalation.mediation",
          params: {
            from: showDate(localDate(m.startedAt, timeZone)),
            to: showDate(localDate(m.endedAt, timeZone)),
            rounds: m.proposals.length,
            why: { key: `escalation.mediationEnd.${m.endReason === "expired" ? "expired" : "failed"}` },
          },
        }
      : m.state === "ended" || m.state === "declined"
        ? { key: "escalation.mediationNotHeld" }
        : null;
  return [
    [{ key: "escalation.to" }, { key: `escalation.targets.${target}`, params: { region } }],
    [{ key: "escalation.from" }, { key: "escalation.fromText", params: { relation: { key: `escalation.relation.${str(a.relation) || "self"}` }, patient: str(a.name) } }],
    [{ key: "escalation.case" }, { key: "escalation.caseText", params: { number: k.number, date: showDate(str(a.submittedOn) || localDate(k.submittedAt, timeZone)) } }],
    [{ key: "escalation.what" }, { key: "escalation.whatText", params: { org: k.orgName, region, care: careText(a.careFrom, a.careTo), outcome: { key: `notice.outcome.${k.outcome ?? "unknown"}` } } }],
    [{ key: "escalation.description" }, s.description],
    [{ key: "escalation.commission" }, formation],
    ...(conclusion ? [[{ key: "escalation.conclusion" }, conclusion] as [Param, Param]] : []),
    ...(mediation ? [[{ key: "escalation.mediationLabel" }, mediation] as [Param, Param]] : []),
    [{ key: "escalation.request" }, { key: "escalation.requestText" }],
  ];
};

const applicantCase = (tx: Tx, caseId: number, userId: number) =>
  tx.case.findFirst({ where: { id: caseId, participants: { some: { userId: BigInt(userId), role: "applicant", removedAt: null } } } });

/** The applicant chooses where to take the case. */
export const chooseEscalation = async (tx: Tx, e: DomainEffect<"chooseEscalation">, c: Ctx): Promise<Out[]> => {
  const k = await applicantCase(tx, e.caseId, c.userId);
  if (!k) return [say("cases.notFound")];
  if (!(await canEscalate(tx, k.id))) return [say("escalation.notNow", { number: k.number })];
  const region = regionName(k.region);
  return [say("escalation.choose", { number: k.number }, ESCALATION_TARGETS.map((x) => [{ key: `escalation.buttons.${x}`, params: { region }, ...act(draftAction, { caseId: k.id, target: x }) }]))];
};

const clip = (v: Param): Param => (typeof v === "string" && v.length > DESCRIPTION_IN_MESSAGE ? `${v.slice(0, DESCRIPTION_IN_MESSAGE)}…` : v);

/** Drafts the complaint (text now, PDF when sent), records the escalation, and says where it goes. */
export const draftEscalation = async (tx: Tx, e: DomainEffect<"draftEscalation">, c: Ctx): Promise<Out[]> => {
  const k = await applicantCase(tx, e.caseId, c.userId);
  if (!k) return [say("cases.notFound")];
  if (k.status !== "escalated" && !(await canEscalate(tx, k.id))) return [say("escalation.notNow", { number: k.number })];
  const paragraphs = (await complaintLines(tx, k.id, e.target, c.dataKey, c.timeZone))!;
  await tx.case.update({ where: { id: k.id }, data: { status: "escalated" } });
  await tx.caseEvent.create({ data: { caseId: k.id, kind: "escalation_drafted", actorId: BigInt(c.userId), createdAt: c.now, payload: { target: e.target } } });
  return [
    sayText(lines([{ key: "escalation.title" }, "", ...paragraphs.map(([label, value]) => ({ key: "common.labeled", params: { label, value: clip(value) } }))])),
    document({ name: "escalationPdf", caseId: k.id, target: e.target }),
    say("escalation.where", { number: k.number, target: { key: `escalation.targets.${e.target}`, params: { region: regionName(k.region) } } }),
  ];
};

export const escalationPdf: DocumentBuilder<"escalationPdf"> = {
  params: z.object({ caseId: z.number().int(), target: z.enum(ESCALATION_TARGETS) }),
  action: "upload_document",
  build: async (p, env) => {
    const paragraphs = await complaintLines(env.prisma, p.caseId, p.target, env.dataKey, env.timeZone);
    const k = await env.prisma.case.findUnique({ where: { id: p.caseId } });
    if (!paragraphs || !k) return null;
    const t = env.i18n.t(p.language);
    const local = (v: Param) => String(localParam(env.i18n, p.language, v));
    const pdf = await renderPdf(t("escalation.title"), paragraphs.map(([label, value]) => [local(label), local(value)]), t("escalation.footer"));
    return { chat_id: p.chat_id, document: new InputFile(pdf, `${k.number}-complaint.pdf`), caption: t("escalation.caption", { number: k.number }) };
  },
};

/** For the applicant: the button that starts it, where it makes sense. */
export const escalationButton = async (db: Db, caseId: number): Promise<Button[][]> =>
  (await canEscalate(db, caseId)) ? [[{ key: "escalation.button", ...act(chooseAction, { caseId }) }]] : [];
