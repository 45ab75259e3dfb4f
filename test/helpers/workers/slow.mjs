// A PDF worker slow to start and slow over each document (the real one's start is its fonts and modules, about
// a second here): ready after 2.5 s, each document answered 2.5 s after it arrives with a few bytes standing for
// a PDF. test/bot/pdf-start.test.ts times its pool against these two figures.
import { Buffer } from "node:buffer";
import { parentPort } from "node:worker_threads";

const START_MS = 2_500;
const RENDER_MS = 2_500;

globalThis.setTimeout(() => {
  parentPort.on("message", (job) => {
    globalThis.setTimeout(() => {
      const bytes = new Uint8Array(Buffer.from("%PDF-stand-in"));
      parentPort.postMessage({ id: job.id, bytes }, [bytes.buffer]);
    }, RENDER_MS);
  });
  parentPort.postMessage({ ready: true });
}, START_MS);
