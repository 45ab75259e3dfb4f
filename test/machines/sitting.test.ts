// The sitting flow's checks: dates from today to a year ahead, times of day, places and links.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { initialTransition, transition } from "xstate";
import { checkAddress, checkLink, checkSittingDate, checkTime, sittingMachine } from "../../machines/sitting.js";

describe("a sitting's answers", () => {
  it("a date from today to a year ahead", () => {
    expect(checkSittingDate("23.11.2026", "2026-11-23")).toEqual({ ok: true, value: "2026-11-23" });
    expect(checkSittingDate("22.11.2026", "2026-11-23")).toEqual({ ok: false, reason: "datePast" });
    expect(checkSittingDate("23.11.2027", "2026-11-23")).toEqual({ ok: true, value: "2027-11-23" });
    expect(checkSittingDate("24.11.2027", "2026-11-23")).toEqual({ ok: false, reason: "dateFar" });
    expect(checkSittingDate("29.02.2027", "2026-11-23")).toEqual({ ok: false, reason: "dateNotReal" });
    expect(checkSittingDate("завтра", "2026-11-23")).toEqual({ ok: false, reason: "dateFormat" });
  });

  it("a time of day as HH:MM", () => {
    expect(checkTime("9:05")).toEqual({ ok: true, value: "09:05" });
    expect(checkTime("15.30")).toEqual({ ok: true, value: "15:30" });
    expect(checkTime("23:59")).toEqual({ ok: true, value: "23:59" });
    for (const bad of ["24:00", "12:60", "1500", "15:0", ""]) expect(checkTime(bad)).toEqual({ ok: false, reason: "timeFormat" });
  });

  it("an address and a meeting link", () => {
    expect(checkAddress("  ул.   Абая,  1 ")).toEqual({ ok: true, value: "ул. Абая, 1" });
    expect(checkAddress("1")).toEqual({ ok: false, reason: "addressShort" });
    expect(checkAddress("x".repeat(301))).toEqual({ ok: false, reason: "addressLong" });
    expect(checkLink("https://meet.example.kz/a?b=1")).toEqual({ ok: true, value: "https://meet.example.kz/a?b=1" });
    for (const bad of ["ftp://x.kz", "https://localhost", "meet", "15.00", "https://a.kz/x y", `https://a.kz/${"x".repeat(500)}`]) expect(checkLink(bad).ok, bad).toBe(false);
    // Copied without its scheme, as Meet and Telegram show it: taken as https (before: refused, the link typed again).
    expect(checkLink("meet.google.com/abc-defg-hij")).toEqual({ ok: true, value: "https://meet.google.com/abc-defg-hij" });
    expect(checkLink("t.me/+AbCdEf")).toEqual({ ok: true, value: "https://t.me/+AbCdEf" });
    // Words with a dot between them are no link: saved as «https://см.ниже», every invitation would carry a dead link.
    for (const words of ["см.ниже", "будет.позже", "т.е", "10.30-11"]) expect(checkLink(words), words).toEqual({ ok: false, reason: "link" });
    expect(checkLink("zoom.us/j/123?pwd=x")).toEqual({ ok: true, value: "https://zoom.us/j/123?pwd=x" });
    expect(checkLink("meet.example.kz")).toEqual({ ok: true, value: "https://meet.example.kz" });
  });
});

describe("a sitting's review after the conclusion's term", () => {
  /** Through the flow to the review of an online sitting on `date`: the review's say effects. */
  const review = (input: Record<string, unknown>, date: string) => {
    const today = "2026-11-23";
    let [s] = initialTransition(sittingMachine, { caseId: 1, sittingId: 0, ...input });
    for (const e of [
      { type: "TEXT", text: date },
      { type: "TEXT", text: "15:00" },
      { type: "CHOICE", value: "online" },
      { type: "TEXT", text: "https://meet.example.kz/1" },
    ] as const)
      [s] = transition(sittingMachine, s, { ...e, today, time: "10:00" });
    const [, actions] = transition(sittingMachine, s, { type: "CHOICE", value: "skip", today, time: "10:00" });
    return actions.filter((a) => a.type === "say").map((a) => a.params as { key: string; params?: Record<string, unknown> });
  };

  it("says the term's working days the bot passes in (its constant), not a number written into the text", () => {
    // Before: the locales wrote «5 рабочих дней» / «5 жұмыс күні» into the sentence; the count came from nowhere.
    const [note] = review({ conclusionDue: "2026-11-30", conclusionDays: 5 }, "01.12.2026");
    expect(note).toMatchObject({ key: "sitting.dateNote", params: { what: { key: "sitting.afterDue", params: { counted: { key: "sitting.countedDays", params: { days: 5 } } } } } });
    const ru = JSON.parse(readFileSync("locales/ru/sitting.json", "utf8")) as Record<string, string>;
    const kk = JSON.parse(readFileSync("locales/kk/sitting.json", "utf8")) as Record<string, string>;
    for (const text of [ru.afterDue, ru.alsoAfterDue, kk.afterDue, kk.alsoAfterDue, ru.countedDays, kk.countedDays]) expect(text).not.toMatch(/\d/);
  });

  it("a review restored from a snapshot stored before the count was carried says the term without it", () => {
    const [note] = review({ conclusionDue: "2026-11-30" }, "01.12.2026");
    expect(note).toMatchObject({ key: "sitting.dateNote", params: { what: { key: "sitting.afterDue", params: { counted: "" } } } });
  });
});
