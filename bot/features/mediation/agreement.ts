// The settlement agreement (law.md §4: the parties, the subject of the dispute, the mediator and the agreed
// terms, in writing) as a PDF in the reader's language, rendered when sent from the stored proposal.
import { InputFile } from "grammy";
import { z } from "zod";
import { localDate } from "../../../machines/calendar.js";
import type { Lang } from "../../../machines/effects.js";
import { regionByCode } from "../../../machines/notice-rules.js";
import { showDate } from "../../../machines/notice.js";
import { careText } from "../../core/case.js";
import type { Prisma } from "../../core/actor.js";
import { renderPdf, type DocumentBuilder } from "../../core/documents.js";
import type { I18n } from "../../i18n.js";

export interface AgreementDocument {
  number: string;
  relation: string;
  patient: string;
  org: string;
  region: string;
  care: string;
  mediatorId: string;
  amount: number;
  terms: string;
  date: string; // YYYY-MM-DD, the day both sides accepted
}

export const agreementLines = (d: AgreementDocument, lang: Lang, i18n: I18n): [string, string][] => {
  const t = i18n.t(lang);
  return [
    [t("agreement.case"), d.number],
    [t("agreement.applicant"), t("agreement.applicantIs", { relation: t(`notice.relation.${d.relation}`), patient: d.patient })],
    [t("agreement.organization"), `${d.org}, ${regionByCode(d.region)?.[lang] ?? d.region}`],
    [t("agreement.subject"), t("agreement.subjectText", { patient: d.patient, care: d.care })],
    [t("agreement.mediator"), t("agreement.mediatorText", { id: d.mediatorId })],
    [t("agreement.amount"), t("agreement.amountText", { amount: d.amount })],
    [t("agreement.terms"), d.terms],
    [t("agreement.date"), showDate(d.date)],
  ];
};

export const loadAgreement = async (prisma: Prisma, proposalId: number, timeZone: string): Promise<AgreementDocument | null> => {
  const p = await prisma.proposal.findUnique({ where: { id: proposalId }, include: { case: true, mediation: true, responses: { orderBy: { answeredAt: "desc" } } } });
  if (!p?.mediation) return null;
  const a = p.case.answers as Record<string, string | undefined>;
  const accepted = p.responses.find((r) => r.answer === "accept");
  return {
    number: p.case.number,
    relation: a.relation ?? "self",
    patient: a.name ?? "",
    org: p.case.orgName,
    region: p.case.region,
    care: careText(a.careFrom, a.careTo),
    mediatorId: String(p.mediation.mediatorId),
    amount: Number(p.amountTenge),
    terms: p.terms,
    date: localDate(accepted?.answeredAt ?? p.createdAt, timeZone),
  };
};

export const agreementPdf: DocumentBuilder<"agreementPdf"> = {
  params: z.object({ proposalId: z.number().int() }),
  action: "upload_document",
  build: async (p, env) => {
    const d = await loadAgreement(env.prisma, p.proposalId, env.timeZone);
    if (!d) return null;
    const t = env.i18n.t(p.language);
    const pdf = await renderPdf(t("agreement.title"), agreementLines(d, p.language, env.i18n), t("agreement.footer"));
    return { chat_id: p.chat_id, document: new InputFile(pdf, `${d.number}-agreement.pdf`), caption: t("agreement.caption", { number: d.number }) };
  },
};
