// The document pipeline. A feature asks for a document with a `document` effect; the outbox keeps only
// what names it (`@<name>` and its ids), so nothing sensitive waits there; when the row is sent, the
// feature's builder makes the file from what is stored then, in the reader's language.
import type { Api } from "grammy";
import { z } from "zod";
import { LANGUAGES, type DraftTarget, type Lang, type Recipient } from "../../machines/effects.js";
import type { I18n } from "../i18n.js";
import type { Prisma } from "./actor.js";
import { pdfPool } from "./pdf-pool.js";
import type { PdfContent } from "./pdf.js";

/** Each document a feature can send, and what names one. */
export interface DocumentParams {
  /** The notice of a case (features/notice); `copy: "relative"` for a relative the applicant shows it to (its caption says so). */
  noticePdf: { caseId: number; copy?: "relative" };
  /** The settlement agreement of an accepted proposal (features/mediation). */
  agreementPdf: { proposalId: number };
  /** The mediation contract's essentials, to agree to before mediation starts (features/mediation). */
  contractPdf: { mediationId: number };
  /** A complaint's draft, with the particulars its applicant gave (features/escalation). */
  escalationPdf: { caseId: number; target: DraftTarget; userId: number };
  /** A case's history, for a lawyer (features/escalation). */
  historyPdf: { caseId: number };
  /** Everything the bot holds about a user, as JSON, to that user only (features/mydata). */
  myDataJson: { userId: number };
  /** The same user's summary as a PDF, in their language (features/mydata). */
  myDataPdf: { userId: number };
  /**
   * A sitting's calendar file (features/sittings). For a relative removed from the case, the file that takes the
   * sitting off their calendar (it is not cancelled: they only stop hearing of it); for one invited again after
   * that, the invitation's file one SEQUENCE above it (features/relatives). `sequence`: the sitting's at the removal.
   */
  sittingIcs: { sittingId: number; for?: "removed" | "rejoined" | "moved" | undefined; sequence?: number | undefined };
}
export type DocumentName = keyof DocumentParams;
/** Every document's name, once (the compiler refuses a missing or unknown one). */
const DOCUMENT_NAMES: Record<DocumentName, true> = { noticePdf: true, agreementPdf: true, contractPdf: true, escalationPdf: true, historyPdf: true, myDataJson: true, myDataPdf: true, sittingIcs: true };
export const isDocumentName = (x: string): x is DocumentName => Object.hasOwn(DOCUMENT_NAMES, x);
export type DocumentRef<K extends DocumentName = DocumentName> = { [P in K]: { name: P } & DocumentParams[P] }[K];

export interface DocumentEffect {
  type: "document";
  doc: DocumentRef;
  to?: Recipient;
}
export const document = (doc: DocumentRef, to?: Recipient): DocumentEffect => ({ type: "document", doc, ...(to ? { to } : {}) });

/**
 * A document the bot gave up making (Runtime.giveUp): its outbox row becomes the message saying so, marked
 * GIVEN_UP beside its sealed payload while its button may ask for the document once again (features/documents),
 * with the document's name and ids inside the payload under GIVEN_UP_DOCUMENT (not sent to Telegram).
 */
export const GIVEN_UP = "@givenUp";
export const GIVEN_UP_DOCUMENT = "@document";

/** The outbox method of a document, and back. */
export const documentMethod = (name: DocumentName): string => `@${name}`;

type SendDocument = Parameters<Api["raw"]["sendDocument"]>[0];
export interface DocumentEnv {
  prisma: Prisma;
  i18n: I18n;
  timeZone: string;
  dataKey: Buffer;
  mediationDays: number;
  now: () => Date;
}
export interface DocumentBuilder<K extends DocumentName> {
  /** What names the document, as the outbox keeps it (read back with this schema). */
  params: z.ZodType<DocumentParams[K]>;
  /** What the chat shows while it is made ("sending a file…"); none for a file made at once. */
  action: "upload_document" | null;
  /**
   * A PDF, rendered in the worker pool: it is sent after the update that asked for it returned, so that
   * the update's answer does not wait for it (the runtime's deliver). Other files go out in line.
   */
  pdf?: true;
  /** sendDocument's payload, or null when what it names is gone. */
  build(p: DocumentParams[K] & Addressee, env: DocumentEnv): Promise<SendDocument | null>;
}
/** One builder for each document: a document without one does not compile. */
export type DocumentBuilders = { [K in DocumentName]: DocumentBuilder<K> };

/** Whom a document goes to, as render.ts writes it beside the document's own ids. */
interface Addressee {
  chat_id: number;
  language: Lang;
}
const addressee = z.object({ chat_id: z.number().int(), language: z.enum(LANGUAGES) });

/** An outbox row's payload read back for its builder; null when it does not name such a document. */
export const storedDocument = <K extends DocumentName>(builder: DocumentBuilder<K>, payload: unknown): (DocumentParams[K] & Addressee) | null => {
  const to = addressee.safeParse(payload);
  const own = builder.params.safeParse(payload);
  return to.success && own.success ? { ...own.data, ...to.data } : null;
};

// ——— PDF: rendered in a worker thread (pdf-pool.ts), off the event loop ———

export { FONT, FONT_BOLD, pdfText, type PdfContent } from "./pdf.js";

/** A one-column document: a title, labelled paragraphs, a footnote; rendered by the PDF worker pool. */
export const renderPdf = (title: string, lines: [string, string][], footer: string): Promise<Buffer> => pdfPool().render({ title, lines, footer });
/** A document of its kind — a heading, the place and date, the parties, the terms, signature blocks; rendered by the pool. */
export const renderDocument = (content: PdfContent): Promise<Buffer> => pdfPool().render(content);
