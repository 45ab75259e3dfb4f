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
  lines: [string, string][];
  footer: string;
}

/** Renders on the calling thread. */
export const renderPdfHere = ({ title, lines, footer }: PdfContent): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: "A4", margin: 56, info: { Title: title, Author: "Kelisim" } });
    const chunks: Buffer[] = [];
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    const { body, bold } = fontBytes();
    doc.registerFont("body", body);
    doc.registerFont("bold", bold);
    doc.font("bold").fontSize(15).text(title, { align: "center" });
    doc.moveDown(1.2);
    for (const [label, value] of lines) {
      doc.font("bold").fontSize(10).text(label);
      doc.font("body").fontSize(11).text(value);
      doc.moveDown(0.5);
    }
    doc.moveDown(1);
    doc.font("body").fontSize(9).fillColor("#333333").text(footer);
    doc.end();
  });
