// npm run bench:pdf — one notice-sized PDF (a title, 12 labelled paragraphs in Kazakh, a footnote):
// its CPU and wall time, and how long the event loop was blocked meanwhile — rendered on the event
// loop itself, and through the worker pool the bot uses (bot/core/pdf-pool.ts), in the same run.
import { renderPdfHere } from "../../bot/core/pdf.js";
import { closePdfPool, pdfPool, PDF_WORKERS } from "../../bot/core/pdf-pool.js";

const N = Number(process.env.BENCH_DOCUMENTS ?? 40);
const lines: [string, string][] = Array.from({ length: 12 }, (_, i) => [`Жолақ ${i}`, "Қазақстан Республикасының денсаулық сақтау кодексі, 270-1-бап ".repeat(3)]);
const content = { title: "Хабарлама KZ-2026-000001", lines, footer: "Келісім" };

const measure = async (label: string, render: () => Promise<Buffer>, warm = 1) => {
  // The first ones pay for loading the modules (and starting each worker: as many at once as there are workers).
  await Promise.all(Array.from({ length: warm }, render));
  // The longest gap between ticks of a 1 ms timer: how long the event loop could not answer anything else.
  let last = performance.now();
  let worst = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 1);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  // Ten at a time, as documents of several chats would queue.
  for (let i = 0; i < N; i += 10) await Promise.all(Array.from({ length: Math.min(10, N - i) }, render));
  const cpu = process.cpuUsage(cpu0);
  worst = Math.max(worst, performance.now() - last);
  clearInterval(ticker);
  console.log(
    `${label}: ${N} documents · ${((performance.now() - t0) / N).toFixed(1)} ms wall · ${((cpu.user + cpu.system) / 1000 / N).toFixed(1)} ms CPU per document (all threads) · event loop blocked up to ${worst.toFixed(0)} ms at a time`,
  );
};

await measure("on the event loop", () => renderPdfHere(content));
await measure(`worker pool (${PDF_WORKERS})`, () => pdfPool().render(content), PDF_WORKERS);
await closePdfPool();
