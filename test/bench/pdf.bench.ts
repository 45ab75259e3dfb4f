// npm run bench:pdf — the CPU and wall time of rendering one PDF (the notice's size: a title, 12
// labelled paragraphs in Kazakh, a footnote), the work a document row costs its sender.
import { renderPdf } from "../../bot/core/documents.js";

const N = Number(process.env.BENCH_DOCUMENTS ?? 40);
const lines: [string, string][] = Array.from({ length: 12 }, (_, i) => [`Жолақ ${i}`, "Қазақстан Республикасының денсаулық сақтау кодексі, 270-1-бап ".repeat(3)]);
// The first one pays for loading the modules.
await renderPdf("warm-up", lines, "f");
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < N; i++) await renderPdf("Хабарлама KZ-2026-000001", lines, "Келісім");
const cpu = process.cpuUsage(cpu0);
console.log(`renderPdf: ${N} documents · ${((performance.now() - t0) / N).toFixed(1)} ms wall · ${((cpu.user + cpu.system) / 1000 / N).toFixed(1)} ms CPU per document`);
