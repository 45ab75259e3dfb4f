// A PDF worker that never becomes ready (its start stuck, or failing): its document fails within a bound, and a
// close meanwhile ends.
import { afterEach, describe, expect, it } from "vitest";
import { PdfPool } from "../../bot/core/pdf-pool.js";
import type { PdfContent } from "../../bot/core/pdf.js";
import { until } from "../helpers/wait.js";

const content: PdfContent = { title: "ӨТІНІШ", lines: [["Пациент", "Әсел Нұрланқызы"]], footer: "қ ң ө ұ ү һ і" };
const stuck = new URL("../helpers/workers/stuck.mjs", import.meta.url);
const broken = new URL("../helpers/workers/broken.mjs", import.meta.url);
const slow = new URL("../helpers/workers/slow.mjs", import.meta.url);
let pool: PdfPool | null = null;
afterEach(async () => {
  await pool?.close();
  pool = null;
});

describe("a PDF worker that never becomes ready", () => {
  it("a worker whose module load throws: its document fails (no hang)", async () => {
    pool = new PdfPool(1, 2_000, broken);
    await expect(pool.render(content)).rejects.toThrow(/module load failed/);
  });

  it("a worker whose start never ends: its document fails within a bound", async () => {
    pool = new PdfPool(1, 2_000, stuck);
    let state: "pending" | "rejected" | "resolved" = "pending";
    pool.render(content).then(
      () => (state = "resolved"),
      () => (state = "rejected"),
    );
    // Before, a document's time ran from the worker's "ready" alone, which never came: it waited for ever.
    await until(() => state !== "pending", 30_000, "the document of a worker that never started to fail").catch((e: unknown) => {
      throw new Error(`${String(e)}: document ${state}, pool.pending ${pool!.pending}`);
    });
    expect(state).toBe("rejected");
    expect(pool.pending).toBe(0);
  });

  it("a document's time runs from its worker's start's end: a slow start and a slow render, each within the bound, together beyond it", async () => {
    // slow.mjs: ready after 2.5 s, 2.5 s over a document; the bound 4 s (1.5 s to spare for a busy machine). Timed
    // from the document's arrival, the worker's start would count (5 s > 4 s) and a document rendered in time would fail.
    pool = new PdfPool(1, 4_000, slow);
    expect((await pool.render(content)).toString()).toBe("%PDF-stand-in");
  });

  it("close() before the worker is ready: its document fails, and close ends", async () => {
    pool = new PdfPool(1, 60_000, stuck);
    const doc = pool.render(content);
    await pool.close();
    await expect(doc).rejects.toThrow();
  });
});
