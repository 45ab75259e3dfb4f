// The notice as a PDF in the applicant's language, to hand to the healthcare organisation; and the same
// lines for staff's view of a case. Made from the stored case when sent, never kept in the outbox.
import { InputFile } from "grammy";
import { z } from "zod";
import type { Bilingual, Lang, Param } from "../../../machines/effects.js";
import { officialDate, relationForm, showDate } from "../../../machines/notice.js";
import { careText, caseOrg, openSensitive, regionName } from "../../core/case.js";
import type { Prisma, Tx } from "../../core/actor.js";
import { renderDocument, type DocumentBuilder, type PdfContent } from "../../core/documents.js";
import { localParam } from "../../core/render.js";
import type { I18n } from "../../i18n.js";
import { mayHaveNotice } from "../relatives/relatives.js";

/** The working days the healthcare entity has to form the commission once it received the notice (law.md §3). */
const FORMATION_WORKING_DAYS = 3;

export interface NoticeDocument {
  number: string;
  submittedAt: string; // YYYY-MM-DD
  relation: string;
  name: string;
  birthDate: string;
  iin: string;
  /** A registered organisation by its name in each language; else as the applicant typed it. */
  org: Bilingual | string;
  region: string;
  careFrom: string;
  careTo: string;
  description: string;
  outcome: string;
  supportKnows: string;
  files: number;
  phone: string;
}

/** The lines of the document, in order: [label, value], localised when shown. */
export const noticeFields = (d: NoticeDocument): [Param, Param][] => [
  [{ key: "pdf.number" }, d.number],
  [{ key: "pdf.date" }, officialDate(d.submittedAt)],
  [{ key: "pdf.applicant" }, relationForm(d.relation)],
  [{ key: "pdf.patient" }, d.name],
  [{ key: "pdf.iin" }, d.iin],
  [{ key: "pdf.birthDate" }, showDate(d.birthDate)],
  [{ key: "pdf.org" }, { lines: [d.org, regionName(d.region)], sep: ", " }],
  [{ key: "pdf.care" }, careText(d.careFrom, d.careTo)],
  [{ key: "pdf.outcome" }, { key: `notice.outcomeText.${d.outcome}` }],
  [{ key: "pdf.support" }, { key: `notice.supportText.${d.supportKnows}` }],
  [{ key: "pdf.files" }, String(d.files)],
  [{ key: "pdf.phone" }, d.phone],
  [{ key: "pdf.description" }, d.description],
];

/** The same lines as text, in one language: what the PDF shows. */
export const noticeLines = (d: NoticeDocument, lang: Lang, i18n: I18n): [string, string][] =>
  noticeFields(d).map(([label, value]) => [String(localParam(i18n, lang, label)), String(localParam(i18n, lang, value))]);

/** The notice as a paper of its kind: «ОБРАЩЕНИЕ» / «ӨТІНІШ» and what it is about, its lines, the applicant's signature, the receipt mark. */
export const noticeContent = (d: NoticeDocument, lang: Lang, i18n: I18n): PdfContent => {
  const t = i18n.t(lang);
  return {
    title: t("pdf.heading"),
    subtitle: t("pdf.about"),
    lines: noticeLines(d, lang, i18n),
    layout: "form",
    signatures: [{ role: t("pdf.signApplicant"), name: t("pdf.signName") }],
    footer: t("pdf.basis", { days: FORMATION_WORKING_DAYS }),
  };
};

export const renderNoticePdf = (d: NoticeDocument, lang: Lang, i18n: I18n): Promise<Buffer> => renderDocument(noticeContent(d, lang, i18n));

/** Reads the case (decrypting what is sealed) for the document; null if it is gone. */
export const loadNoticeDocument = async (db: Prisma | Tx, caseId: number, key: Buffer): Promise<NoticeDocument | null> => {
  const c = await db.case.findUnique({ where: { id: caseId }, include: { organization: true, _count: { select: { attachments: true } } } });
  if (!c) return null;
  const a = c.answers as Record<string, string>;
  const s = openSensitive(key, c.sensitive);
  return {
    number: c.number,
    submittedAt: a.submittedOn ?? c.submittedAt.toISOString().slice(0, 10),
    relation: a.relation ?? "",
    name: s.name ?? a.name ?? "",
    birthDate: s.birthDate ?? a.birthDate ?? "",
    iin: s.iin,
    org: caseOrg(c),
    region: c.region,
    careFrom: a.careFrom ?? "",
    careTo: a.careTo ?? "",
    description: s.description,
    outcome: c.outcome ?? "unknown",
    supportKnows: a.supportKnows ?? "unknown",
    files: c._count.attachments,
    phone: s.phone,
  };
};

export const noticePdf: DocumentBuilder<"noticePdf"> = {
  params: z.object({ caseId: z.number().int(), copy: z.literal("relative").optional() }),
  action: "upload_document",
  pdf: true,
  build: async (p, env) => {
    // Who may have it is asked again now: the row may have waited (a failed send) while the right went away.
    if (!(await mayHaveNotice(env.prisma, p.caseId, p.chat_id))) return null;
    const d = await loadNoticeDocument(env.prisma, p.caseId, env.dataKey);
    if (!d) return null;
    const pdf = await renderNoticePdf(d, p.language, env.i18n);
    // The applicant hands it in; a relative is shown it: not told to hand it to the organisation.
    return { chat_id: p.chat_id, document: new InputFile(pdf, `${d.number}.pdf`), caption: env.i18n.t(p.language)(p.copy === "relative" ? "pdf.captionRelative" : "pdf.caption", { number: d.number }) };
  },
};
