// Kazakhstan's working days against the facts of law.md §5, and the deadline convention.
import { describe, expect, it } from "vitest";
import { endOfDay, holidayOf, isWorkingDay, isYearChecked, nthWorkingDayAfter, uncheckedYears, workingDaysLeft, workingDeadline } from "../../machines/calendar.js";

const TZ = "Asia/Almaty";
const offIn = (from: string, to: string) => {
  const out: string[] = [];
  for (let d = from; d <= to; d = new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)) if (!isWorkingDay(d)) out.push(d);
  return out;
};

describe("days off", () => {
  it("2026: Nauryz began on a Saturday, so 21-25 March were off; 15-16 March were working days", () => {
    expect(offIn("2026-03-14", "2026-03-29")).toEqual(["2026-03-14", "2026-03-15", "2026-03-21", "2026-03-22", "2026-03-23", "2026-03-24", "2026-03-25", "2026-03-28", "2026-03-29"]);
    expect(isWorkingDay("2026-03-16")).toBe(true);
  });

  it("January 2026 had no transfers: 1-4 off, 5-6 working, 7 off", () => {
    expect(offIn("2026-01-01", "2026-01-08")).toEqual(["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04", "2026-01-07"]);
  });

  it("a holiday on a weekend moves to the next working day", () => {
    expect(isWorkingDay("2026-03-09")).toBe(false); // 8 March 2026 was a Sunday
    expect(isWorkingDay("2024-07-08")).toBe(false); // 6 July 2024 was a Saturday
    expect(isWorkingDay("2025-03-10")).toBe(false); // 8 March 2025 was a Saturday
  });

  it("7 January and Kurban Ait never move", () => {
    expect(isWorkingDay("2024-01-08")).toBe(true); // 7 January 2024 was a Sunday
    expect(isWorkingDay("2024-06-17")).toBe(true); // Kurban Ait 16 June 2024 was a Sunday
    for (const d of ["2024-06-16", "2025-06-06", "2026-05-27"]) expect(isWorkingDay(d), d).toBe(false);
  });

  it("30 August is a day off until 2025 and not from 2026", () => {
    expect(isWorkingDay("2024-08-30")).toBe(false);
    expect(isWorkingDay("2025-09-01")).toBe(false); // 30 August 2025 was a Saturday
    expect(isWorkingDay("2026-08-31")).toBe(true); // 30 August 2026 is a Sunday, no longer a holiday
  });

  it("the other holidays of 2026", () => {
    for (const d of ["2026-05-01", "2026-05-07", "2026-05-11", "2026-07-06", "2026-10-26", "2026-12-16"]) expect(isWorkingDay(d), d).toBe(false);
  });
});

describe("2027, from the rules, not yet checked against the Government's decree (law.md §5)", () => {
  it("its days off as the rules give them", () => {
    expect(offIn("2027-01-01", "2027-01-10")).toEqual(["2027-01-01", "2027-01-02", "2027-01-03", "2027-01-04", "2027-01-07", "2027-01-09", "2027-01-10"]);
    // Nauryz (Sun-Tue): 22, 23 and the substitute 24 March, which the library misses; Constitution Day 15 March.
    expect(offIn("2027-03-15", "2027-03-26")).toEqual(["2027-03-15", "2027-03-20", "2027-03-21", "2027-03-22", "2027-03-23", "2027-03-24"]);
    // 1 May (Sat) → 3 May; 7 May; 9 May (Sun) → 10 May; Kurban Ait 16 May (Sun, never moves).
    expect(offIn("2027-05-01", "2027-05-17")).toEqual(["2027-05-01", "2027-05-02", "2027-05-03", "2027-05-07", "2027-05-08", "2027-05-09", "2027-05-10", "2027-05-15", "2027-05-16"]);
    for (const d of ["2027-03-08", "2027-07-06", "2027-10-25", "2027-12-16"]) expect(isWorkingDay(d), d).toBe(false);
  });

  it("is marked unchecked, and a count through it says so", () => {
    expect(isYearChecked(2026)).toBe(true);
    expect(isYearChecked(2027)).toBe(false);
    expect(isYearChecked(2028)).toBe(false); // no table at all
    expect(uncheckedYears("2026-11-24", "2026-11-27")).toEqual([]);
    expect(uncheckedYears("2026-12-30", "2027-01-06")).toEqual([2027]);
  });

  it("a notice received on 30 December 2026 is due by the end of 6 January 2027", () => {
    expect(nthWorkingDayAfter("2026-12-30", 3)).toBe("2027-01-06"); // 31 Dec; 1-4 Jan off; 5, 6 Jan
    expect(nthWorkingDayAfter("2027-03-19", 3)).toBe("2027-03-29"); // 22-24 March off; 25, 26, 29 March
  });
});

describe("deadlines", () => {
  it("an appeal on Friday 20 March 2026 is due by the end of Monday 30 March 2026 (3 working days)", () => {
    const d = workingDeadline(new Date("2026-03-20T10:00:00+05:00"), 3, TZ);
    expect(d.date).toBe("2026-03-30");
    expect(d.at.toISOString()).toBe("2026-03-30T18:59:59.999Z");
  });

  it("day 1 is the first working day after the day of receipt, whatever the hour", () => {
    expect(workingDeadline(new Date("2026-11-23T23:30:00+05:00"), 1, TZ).date).toBe("2026-11-24");
    // 19:30 UTC on the 23rd is already 00:30 on the 24th in Almaty: received on the 24th.
    expect(workingDeadline(new Date("2026-11-23T19:30:00Z"), 1, TZ).date).toBe("2026-11-25");
  });

  it("across a year end and the New Year holidays", () => {
    expect(nthWorkingDayAfter("2025-12-30", 3)).toBe("2026-01-06"); // 31 Dec; 1-4 Jan off; 5, 6 Jan
    expect(nthWorkingDayAfter("2024-12-27", 5)).toBe("2025-01-08"); // 30, 31 Dec; 1-2 Jan off; 3, 6 Jan; 7 Jan off; 8 Jan
  });

  it("5 working days from a commission formed before Kurban Ait 2026", () => {
    expect(nthWorkingDayAfter("2026-05-22", 5)).toBe("2026-06-01"); // 25, 26 May; 27 off; 28, 29 May; 1 June
  });

  it("counts the working days left after today: 0 on the last day, null after it", () => {
    const d = workingDeadline(new Date("2026-03-20T10:00:00+05:00"), 3, TZ);
    expect(workingDaysLeft(new Date("2026-03-20T12:00:00+05:00"), d, TZ)).toBe(3); // 26, 27, 30 — not today
    expect(workingDaysLeft(new Date("2026-03-23T12:00:00+05:00"), d, TZ)).toBe(3); // a holiday: the same three
    expect(workingDaysLeft(new Date("2026-03-27T12:00:00+05:00"), d, TZ)).toBe(1); // Friday: Monday is left
    expect(workingDaysLeft(new Date("2026-03-28T12:00:00+05:00"), d, TZ)).toBe(1); // Saturday: still Monday
    expect(workingDaysLeft(new Date("2026-03-30T00:00:00+05:00"), d, TZ)).toBe(0); // the last day itself
    expect(workingDaysLeft(new Date("2026-03-30T23:59:59+05:00"), d, TZ)).toBe(0);
    expect(workingDaysLeft(new Date("2026-03-31T00:00:01+05:00"), d, TZ)).toBeNull();
  });

  it("ends a day at local midnight", () => {
    expect(endOfDay("2026-01-01", TZ).toISOString()).toBe("2026-01-01T18:59:59.999Z");
  });
});

describe("receipts in December 2026, today being 6 December 2026: 16 December is off, and January 2027 is counted on its unchecked calendar", () => {
  // [day of receipt, formation due (3 working days), conclusion due (5 working days after a formation on that due day)]
  const cases: [string, string, string][] = [
    ["2026-12-11", "2026-12-17", "2026-12-24"], // Fri: 14, 15, 17 (16 off)
    ["2026-12-12", "2026-12-17", "2026-12-24"], // Sat: the same days as Friday
    ["2026-12-13", "2026-12-17", "2026-12-24"], // Sun
    ["2026-12-14", "2026-12-18", "2026-12-25"], // 15, 17, 18
    ["2026-12-15", "2026-12-21", "2026-12-28"], // 17, 18, 21
    ["2026-12-16", "2026-12-21", "2026-12-28"], // received on the holiday: 17, 18, 21
    ["2026-12-25", "2026-12-30", "2027-01-11"], // 28, 29, 30; then 31, 5, 6, 8, 11 (1-4 and 7 January off)
    ["2026-12-28", "2026-12-31", "2027-01-12"],
    ["2026-12-29", "2027-01-05", "2027-01-13"], // 30, 31, 5
    ["2026-12-30", "2027-01-06", "2027-01-14"],
    ["2026-12-31", "2027-01-08", "2027-01-15"], // 5, 6, 8
  ];
  it.each(cases)("received %s: formed by the end of %s, concluded by the end of %s", (received, formation, conclusion) => {
    expect(nthWorkingDayAfter(received, 3)).toBe(formation);
    expect(nthWorkingDayAfter(formation, 5)).toBe(conclusion);
    // Whatever crosses into 2027 is said to be counted on 2027's calendar as known today.
    expect(uncheckedYears(received, formation)).toEqual(formation > "2026-12-31" ? [2027] : []);
    expect(uncheckedYears(formation, conclusion)).toEqual(conclusion > "2026-12-31" ? [2027] : []);
  });

  it("the day of receipt is the day in Almaty: 23:30 on Friday is Friday, 20:00 UTC on Friday is already Saturday", () => {
    expect(workingDeadline(new Date("2026-12-11T23:30:00+05:00"), 1, TZ).date).toBe("2026-12-14");
    expect(workingDeadline(new Date("2026-12-25T23:30:00+05:00"), 3, TZ).date).toBe("2026-12-30");
    expect(workingDeadline(new Date("2026-12-25T20:00:00Z"), 3, TZ).date).toBe("2026-12-30"); // Saturday 26th: the same days
    expect(workingDeadline(new Date("2026-12-28T19:30:00Z"), 3, TZ).date).toBe("2027-01-05"); // 00:30 on Tuesday 29th
  });

  it("counts down across the holidays: 1, 2 and 4 January 2027 are not days left", () => {
    const due = workingDeadline(new Date("2026-12-31T10:00:00+05:00"), 3, TZ); // 8 January 2027
    expect(workingDaysLeft(new Date("2026-12-31T10:00:00+05:00"), due, TZ)).toBe(3); // 5, 6, 8
    expect(workingDaysLeft(new Date("2027-01-04T10:00:00+05:00"), due, TZ)).toBe(3);
    expect(workingDaysLeft(new Date("2027-01-06T10:00:00+05:00"), due, TZ)).toBe(1); // 7 January off
    expect(workingDaysLeft(new Date("2027-01-08T10:00:00+05:00"), due, TZ)).toBe(0);
    expect(workingDaysLeft(new Date("2027-01-09T00:00:00+05:00"), due, TZ)).toBeNull();
  });
});

describe("a day off's name (a sitting's review names it)", () => {
  it("names a holiday on its own date, not a day moved to make up for one", () => {
    expect(holidayOf("2026-12-16")).toBe("independenceDay");
    expect(holidayOf("2027-01-07")).toBe("orthodoxChristmas");
    expect(holidayOf("2026-03-23")).toBe("nauryz");
    expect(holidayOf("2026-03-24")).toBeNull(); // Nauryz's Saturday, moved
    expect(holidayOf("2026-12-17")).toBeNull(); // a working day
  });
  it("names Kurban Ait only in a year whose calendar is checked: its date is announced each year (law.md §5)", () => {
    expect(isYearChecked(2026)).toBe(true);
    expect(holidayOf("2026-05-27")).toBe("kurbanAit");
    expect(isYearChecked(2027)).toBe(false);
    expect(holidayOf("2027-05-16")).toBeNull(); // expected around 16 May 2027, unconfirmed; a Sunday, off anyway
  });
  it("names a Kurban Ait date only the year's table adds (announced on another day than the library computes), once that year is checked", () => {
    // Before: a date the table adds was never named — staff read «выходной день» with no reason on Kurban Ait itself.
    // The library computes 5 May 2028; say the Spiritual Administration announces Thursday 4 May.
    const announced = { off: [{ date: "2028-05-04", holiday: "kurbanAit" as const }], notOff: [{ date: "2028-05-05" }] };
    expect(holidayOf("2028-05-04", { "2028": { checked: true, ...announced } })).toBe("kurbanAit");
    expect(holidayOf("2028-05-05", { "2028": { checked: true, ...announced } })).toBeNull(); // the library's day: a working day now
    expect(holidayOf("2028-05-04", { "2028": { checked: false, ...announced } })).toBeNull(); // not yet checked: unnamed, as the library's date
    // The library's date, in a checked year whose table adds none: named as before.
    expect(holidayOf("2028-05-05", { "2028": { checked: true } })).toBe("kurbanAit");
  });
});
