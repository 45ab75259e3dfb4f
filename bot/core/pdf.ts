// A one-column PDF — a title, labelled paragraphs, a footnote — in DejaVu Sans (it has every Kazakh
// letter). Rendering is CPU work that blocks its thread for the whole document: the bot runs it in the
// worker threads of pdf-pool.ts; this module is what each worker (and a test) runs.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as fontkit from "fontkit";
import PDFDocument from "pdfkit";

const require = createRequire(import.meta.url);
export const FONT = require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf");
export const FONT_BOLD = require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf");

/**
 * The fonts, read and parsed once: given a path, pdfkit reads and parses each TTF again for every
 * document. pdfkit takes a parsed fontkit font as it is (anything with `layout`), and each document
 * still makes its own subset of it.
 */
let fonts: { body: PdfFontSource; bold: PdfFontSource } | null = null;
type PdfFontSource = Parameters<PDFKit.PDFDocument["registerFont"]>[1];
const parsed = (path: string) => fontkit.create(readFileSync(path)) as unknown as PdfFontSource;
const fontBytes = () => (fonts ??= { body: parsed(FONT), bold: parsed(FONT_BOLD) });

/** What a PDF shows. */
export interface PdfContent {
  title: string;
  /** A line under the title, in regular type: what the document is about («по делу …»). */
  subtitle?: string;
  /** The place (left) and the date (right) under the heading, as official papers open. */
  placeDate?: [string, string];
  /** Labelled paragraphs, in order; an empty label makes a plain paragraph. */
  lines: [string, string][];
  /**
   * "sections" (the default): each label a heading over its paragraph, as a contract's clauses. "form": the
   * label and its value on one line («Последствия для пациента: пациент скончался»), as a filled-in form.
   */
  layout?: "sections" | "form";
  /** Signature blocks: who signs, and the name beside the line to sign on. */
  signatures?: { role: string; name: string }[];
  footer: string;
}

/** The line a signature goes on. */
export const SIGNATURE_LINE = "____________________";

/** Renders on the calling thread. */
export const renderPdfHere = ({ title, subtitle, placeDate, lines, layout, signatures, footer }: PdfContent): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: "A4", margin: 56, info: { Title: title, Author: "Kelisim" } });
    const chunks: Buffer[] = [];
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    const { body, bold } = fontBytes();
    doc.registerFont("body", body);
    doc.registerFont("bold", bold);
    const left = doc.page.margins.left;
    const width = doc.page.width - left - doc.page.margins.right;
    doc.font("bold").fontSize(15).text(title, { align: "center" });
    if (subtitle) doc.font("body").fontSize(11).text(subtitle, { align: "center" });
    doc.moveDown(1.2);
    if (placeDate) {
      const y = doc.y;
      doc.font("body").fontSize(11).text(placeDate[0], left, y, { width: width / 2 });
      const below = doc.y;
      doc.text(placeDate[1], left + width / 2, y, { width: width / 2, align: "right" });
      doc.x = left;
      doc.y = Math.max(below, doc.y);
      doc.moveDown(1);
    }
    for (const [label, value] of lines) {
      if (label && layout === "form") doc.font("bold").fontSize(11).text(`${label}: `, { continued: true });
      else if (label) doc.font("bold").fontSize(10).text(label);
      doc.font("body").fontSize(11).text(value);
      doc.moveDown(0.5);
    }
    for (const s of signatures ?? []) {
      doc.moveDown(0.5);
      doc.font("bold").fontSize(10).text(s.role);
      doc.font("body").fontSize(11).text(`${SIGNATURE_LINE}   ${s.name}`);
    }
    doc.moveDown(1);
    doc.font("body").fontSize(9).fillColor("#333333").text(footer);
    doc.end();
  });

/** The same document as plain text, as it reads: for the chat, a test, or `npm run texts`. */
export const pdfText = ({ title, subtitle, placeDate, lines, layout, signatures, footer }: PdfContent): string =>
  [
    title,
    ...(subtitle ? [subtitle] : []),
    "",
    ...(placeDate ? [`${placeDate[0]}    ${placeDate[1]}`, ""] : []),
    ...lines.flatMap(([label, value]) => (!label ? [value] : layout === "form" ? [`${label}: ${value}`] : [label, value])),
    ...(signatures?.length ? ["", ...signatures.flatMap((s) => [s.role, `${SIGNATURE_LINE}   ${s.name}`])] : []),
    "",
    footer,
  ].join("\n");
