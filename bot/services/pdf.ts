// PDF documents of the bot (the notice, the settlement agreement, a complaint's draft): a title, labelled
// paragraphs and a footnote, in DejaVu Sans, which has every Kazakh letter. Installed by npm.
import { createRequire } from "node:module";
import PDFDocument from "pdfkit";

const require = createRequire(import.meta.url);
export const FONT = require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf");
export const FONT_BOLD = require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf");

/** A one-column document: a title, labelled paragraphs, a footnote; DejaVu Sans has every Kazakh letter. */
export const renderPdf = (title: string, lines: [string, string][], footer: string): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: "A4", margin: 56, info: { Title: title, Author: "Kelisim" } });
    const chunks: Buffer[] = [];
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    doc.registerFont("body", FONT);
    doc.registerFont("bold", FONT_BOLD);
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
