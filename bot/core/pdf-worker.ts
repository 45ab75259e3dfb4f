// One PDF worker thread (pdf-pool.ts starts them): it parses the fonts once and renders each document
// it is sent, answering with the bytes (transferred, not copied) or the error's message.
import { parentPort } from "node:worker_threads";
import { renderPdfHere, type PdfContent } from "./pdf.js";

parentPort!.on("message", (job: { id: number; content: PdfContent }) => {
  renderPdfHere(job.content).then(
    (pdf) => {
      const bytes = new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength).slice();
      parentPort!.postMessage({ id: job.id, bytes }, [bytes.buffer]);
    },
    (e: unknown) => parentPort!.postMessage({ id: job.id, error: String((e as Error)?.message ?? e) }),
  );
});
// Loaded and listening: the pool's timeout for a document starts now, not while this thread was starting.
parentPort!.postMessage({ ready: true });
