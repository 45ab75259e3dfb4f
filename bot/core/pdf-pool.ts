// PDFs off the event loop: a small pool of worker threads, each with the fonts parsed once. A document
// takes tens of milliseconds of CPU (npm run bench:pdf); on the event loop that time stalled every chat.
// Started at the first document; a worker that dies, or takes longer than RENDER_TIMEOUT_MS over one
// document, is replaced and its document fails (the outbox keeps the row, and the sender tries again later).
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { PdfContent } from "./pdf.js";

/** One worker leaves a core to the event loop on the 2-core machines; more cores, more workers (at most 4). */
export const PDF_WORKERS = Math.max(1, Math.min(4, availableParallelism() - 1));

/**
 * A worker that has not answered one document within this time is stopped, and the document fails: one stuck
 * render would otherwise hold back every later PDF (one worker on two cores), and a clean stop would wait for it
 * for ever. A document takes tens of milliseconds, a long one about a second.
 */
export const RENDER_TIMEOUT_MS = 60_000;

interface Job {
  id: number;
  content: PdfContent;
  resolve(pdf: Buffer): void;
  reject(e: Error): void;
  timer?: NodeJS.Timeout;
}

// The worker is TypeScript, as the rest of the bot: its entry registers tsx's loader first.
const script = new URL("./pdf-worker.mjs", import.meta.url);

export class PdfPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Job>();
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  /** Workers started and not yet gone. */
  private readonly alive = new Set<Worker>();
  /** Workers loaded and listening (a new one takes about a second here): a document's time runs from then. */
  private readonly ready = new Set<Worker>();

  constructor(
    private readonly size = PDF_WORKERS,
    private readonly timeoutMs = RENDER_TIMEOUT_MS,
    /** The workers' entry (tests give one whose start fails or never ends). */
    private readonly entry: URL = script,
  ) {}

  render(content: PdfContent): Promise<Buffer> {
    if (this.closed) return Promise.reject(new Error("the PDF pool is closed"));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, content, resolve, reject });
      this.pump();
    });
  }

  /** Documents being rendered or waiting for a worker. */
  get pending(): number {
    return this.queue.length + this.busy.size;
  }

  private spawn(): Worker {
    const w = new Worker(this.entry);
    this.alive.add(w);
    // A worker not ready within the same time (its start stuck) is stopped too: its document does not wait for ever.
    const starting = setTimeout(() => {
      if (!this.ready.has(w)) this.stop(w, new Error(`PDF worker not ready within ${this.timeoutMs} ms; stopped`));
    }, this.timeoutMs);
    starting.unref();
    w.on("message", (m: { id: number; bytes?: Uint8Array; error?: string; ready?: true }) => {
      if (m.ready) {
        clearTimeout(starting);
        this.ready.add(w);
        const waiting = this.busy.get(w);
        if (waiting) this.time(w, waiting);
        return;
      }
      const job = this.busy.get(w);
      if (!job || job.id !== m.id) return;
      this.busy.delete(w);
      clearTimeout(job.timer);
      if (m.bytes) job.resolve(Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength));
      else job.reject(new Error(`PDF not rendered: ${m.error}`));
      // An idle worker does not keep the process alive; a busy one does (its document is awaited).
      w.unref();
      this.idle.push(w);
      this.pump();
    });
    // A worker that dies of an error fires "error" and then "exit": it is gone once (stop() does nothing the second time).
    const gone = (e: Error) => {
      clearTimeout(starting);
      this.stop(w, e);
    };
    w.on("error", gone);
    w.on("exit", (code) => gone(new Error(`PDF worker stopped (exit code ${code})`)));
    return w;
  }

  private pump(): void {
    while (this.queue.length && !this.closed) {
      const w = this.idle.pop() ?? (this.alive.size < this.size ? this.spawn() : null);
      if (!w) return;
      const job = this.queue.shift()!;
      this.busy.set(w, job);
      w.ref();
      // A new worker's document is timed once the worker is ready (its "ready" message), not while it starts.
      if (this.ready.has(w)) this.time(w, job);
      w.postMessage({ id: job.id, content: job.content });
    }
  }

  /** A document's time: past it, the document fails, its worker is stopped, and another takes the next one. */
  private time(w: Worker, job: Job): void {
    job.timer = setTimeout(() => {
      if (this.busy.get(w) === job) this.stop(w, new Error(`PDF not rendered within ${this.timeoutMs} ms; its worker was stopped`));
    }, this.timeoutMs);
  }

  /** A worker gone, or stopped for taking too long: its document (if any) fails with `e`, and another takes the next. */
  private stop(w: Worker, e: Error): void {
    if (!this.alive.delete(w)) return;
    this.ready.delete(w);
    const job = this.busy.get(w);
    this.busy.delete(w);
    const i = this.idle.indexOf(w);
    if (i >= 0) this.idle.splice(i, 1);
    clearTimeout(job?.timer);
    job?.reject(e);
    void w.terminate();
    this.pump();
  }

  /** Stops the workers; documents still waiting fail (their outbox rows stay for the next start). */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error("the PDF pool is closed"));
    for (const job of this.busy.values()) clearTimeout(job.timer);
    const workers = [...this.idle, ...this.busy.keys()];
    this.idle.length = 0;
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

let shared: PdfPool | null = null;
/** The process's pool, started at its first document. */
export const pdfPool = (): PdfPool => (shared ??= new PdfPool());
/** Stops the process's pool (at shutdown); a later document starts a new one. */
export const closePdfPool = async (): Promise<void> => {
  const p = shared;
  shared = null;
  await p?.close();
};
