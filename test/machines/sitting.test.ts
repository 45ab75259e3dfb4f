// The sitting flow's checks: dates from today to a year ahead, times of day, places and links.
import { describe, expect, it } from "vitest";
import { checkAddress, checkLink, checkSittingDate, checkTime } from "../../machines/sitting.js";

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
    for (const bad of ["ftp://x.kz", "https://localhost", "meet.example.kz", "https://a.kz/x y", `https://a.kz/${"x".repeat(500)}`]) expect(checkLink(bad).ok).toBe(false);
  });
});
