// The PDF worker pool when a worker dies or never answers: it stays within its size, and a stuck document fails in time.
import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it, vi } from "vitest";
import { PdfPool } from "../../bot/core/pdf-pool.js";
import type { PdfContent } from "../../bot/core/pdf.js";
import { until } from "../helpers/wait.js";

const content: PdfContent = { title: "ӨТІНІШ", lines: [["Пациент", "Әсел Нұрланқызы"]], footer: "қ ң ө ұ ү һ і" };
const internals = (p: PdfPool) => p as unknown as { busy: Map<Worker, unknown>; idle: Worker[] };
let pool: PdfPool | null = null;
afterEach(async () => {
  vi.restoreAllMocks();
  await pool?.close();
  pool = null;
});

/** Makes the pool's busy worker die of an uncaught exception (the worker cannot read a null document), and waits for it to be gone. */
const crashOne = async (p: PdfPool) => {
  const rendering = p.render(null as unknown as PdfContent);
  const [w] = [...internals(p).busy.keys()];
  const exited = new Promise((r) => w!.once("exit", r));
  await expect(rendering).rejects.toThrow();
  await exited;
};

describe("the PDF pool after a worker dies", () => {
  it("a pool of one worker never runs more than one worker at once, however many have died", async () => {
    pool = new PdfPool(1);
    for (let i = 0; i < 3; i++) await crashOne(pool);
    const docs = Array.from({ length: 6 }, () => pool!.render(content));
    // Every document is handed to a worker at once if there are workers for it.
    const running = internals(pool).busy.size + internals(pool).idle.length;
    await Promise.all(docs);
    expect(running).toBeLessThanOrEqual(1);
  });

  it("a document whose worker never answers (a render stuck) fails within a bound, and the next document is still rendered", async () => {
    pool = new PdfPool(1, 5_000);
    // The worker is given the document but never answers: a render stuck in a loop, or a message lost.
    vi.spyOn(Worker.prototype, "postMessage").mockImplementationOnce(() => undefined);
    let stuck: "pending" | "rejected" | "resolved" = "pending";
    pool.render(content).then(() => (stuck = "resolved"), () => (stuck = "rejected"));
    let next: "pending" | "rejected" | "resolved" = "pending";
    pool.render(content).then(() => (next = "resolved"), () => (next = "rejected"));
    await until(() => stuck !== "pending" && next !== "pending", 60_000, "the stuck document to fail and the next to be rendered").catch((e: unknown) => {
      throw new Error(`${String(e)}: stuck document ${stuck}, next document ${next}, pool.pending ${pool!.pending}`);
    });
    expect([stuck, next]).toEqual(["rejected", "resolved"]);
  });
});
