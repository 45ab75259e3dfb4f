// The notice as a PDF in the applicant's language, to hand to the healthcare organisation. Rendered when
// it is sent (not inside the filing's transaction), from the stored case; DejaVu Sans has every Kazakh letter.
import { InputFile } from "grammy";
import type { Lang } from "../../machines/effects.js";
import { regionByCode } from "../../machines/notice-rules.js";
import { showDate } from "../../machines/notice.js";
import { open } from "../crypto.js";
import type { Prisma } from "../db/database.js";
import type { Prisma as PrismaNS } from "../db/generated/client.js";
import type { I18n } from "../i18n.js";
import type { SensitiveFields } from "./notices.js";
import { renderPdf } from "./pdf.js";

export { FONT, FONT_BOLD } from "./pdf.js";

/** The deferred call that sends a case's notice as a PDF. */
export const NOTICE_PDF = "@noticePdf";

export interface NoticeDocument {
  number: string;
  submittedAt: string; // YYYY-MM-DD
  formationDue: string;
  relation: string;
  name: string;
  birthDate: string;
  iin: string;
  org: string;
  region: string;
  careFrom: string;
  careTo: string;
  description: string;
  outcome: string;
  supportKnows: string;
  files: number;
  phone: string;
}

/** The lines of the document, in order: [label, value]; the same texts the PDF shows. */
export const noticeLines = (d: NoticeDocument, lang: Lang, i18n: I18n): [string, string][] => {
  const t = i18n.t(lang);
  const care = d.careFrom === d.careTo ? showDate(d.careFrom) : `${showDate(d.careFrom)} – ${showDate(d.careTo)}`;
  return [
    [t("pdf.number"), d.number],
    [t("pdf.date"), showDate(d.submittedAt)],
    [t("pdf.applicant"), t(`notice.relation.${d.relation}`)],
    [t("pdf.patient"), d.name],
    [t("pdf.iin"), d.iin],
    [t("pdf.birthDate"), showDate(d.birthDate)],
    [t("pdf.org"), `${d.org}, ${regionByCode(d.region)?.[lang] ?? d.region}`],
    [t("pdf.care"), care],
    [t("pdf.outcome"), t(`notice.outcome.${d.outcome}`)],
    [t("pdf.support"), t(`notice.support.${d.supportKnows}`)],
    [t("pdf.files"), String(d.files)],
    [t("pdf.phone"), d.phone],
    [t("pdf.description"), d.description],
  ];
};

export const renderNoticePdf = (d: NoticeDocument, lang: Lang, i18n: I18n): Promise<Buffer> => {
  const t = i18n.t(lang);
  return renderPdf(t("pdf.title"), noticeLines(d, lang, i18n), t("pdf.basis", { days: 3, deadline: showDate(d.formationDue) }));
};

/** Reads the case (decrypting what is sealed) for the document; null if it is gone. */
export const loadNoticeDocument = async (prisma: Prisma | PrismaNS.TransactionClient, caseId: number, key: Buffer): Promise<NoticeDocument | null> => {
  const c = await prisma.case.findUnique({ where: { id: caseId }, include: { _count: { select: { attachments: true } } } });
  if (!c) return null;
  const a = c.answers as Record<string, string>;
  const s = JSON.parse(open(key, c.sensitive)) as SensitiveFields;
  return {
    number: c.number,
    submittedAt: a.submittedOn ?? c.submittedAt.toISOString().slice(0, 10),
    formationDue: a.formationDue ?? "",
    relation: a.relation ?? "",
    name: a.name ?? "",
    birthDate: a.birthDate ?? "",
    iin: s.iin,
    org: c.orgName,
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

/** The Bot API call that sends the notice PDF of a case to a chat. */
export const noticePdfCall = async (prisma: Prisma, payload: { chat_id: number; caseId: number; language: Lang }, key: Buffer, i18n: I18n) => {
  const d = await loadNoticeDocument(prisma, payload.caseId, key);
  if (!d) return null;
  const pdf = await renderNoticePdf(d, payload.language, i18n);
  return {
    chat_id: payload.chat_id,
    document: new InputFile(pdf, `${d.number}.pdf`),
    caption: i18n.t(payload.language)("pdf.caption", { number: d.number }),
  };
};
