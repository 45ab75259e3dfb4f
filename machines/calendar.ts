// Kazakhstan's working days: date-holidays (KZ) as the base layer, corrected by the override table in
// data/kz-calendar.json. Deadlines follow the project's convention (law.md §5): day 1 is the first working
// day after the day of receipt; the deadline is the end of working day N, in Kazakhstan's time.
import Holidays from "date-holidays";
import overrides from "./data/kz-calendar.json" with { type: "json" };

/** A calendar date, "YYYY-MM-DD". */
export type LocalDate = string;

interface YearOverrides {
  /** Compared with the Government's decree for the year. */
  checked?: boolean;
  /** `holiday`: the holiday an added date is (an announced Kurban Ait the library computes on another day): a sitting's review names it. */
  off?: { date: string; holiday?: "kurbanAit" }[];
  notOff?: { date: string }[];
  workingWeekends?: { date: string }[];
}
/** The override table, by year ("2026"). */
export type CalendarTable = Record<string, YearOverrides | undefined>;
const table = overrides.years as CalendarTable;

const holidays = new Holidays("KZ");
const offByYear = new Map<number, Set<LocalDate>>();

/** The public days off of a year (not weekends): the library's, corrected by a year of the override table. */
const offIn = (year: number, y: YearOverrides | undefined): Set<LocalDate> => {
  const set = new Set((holidays.getHolidays(year) || []).filter((h) => h.type === "public").map((h) => h.date.slice(0, 10)));
  for (const d of y?.off ?? []) set.add(d.date);
  for (const d of y?.notOff ?? []) set.delete(d.date);
  return set;
};

/** The public days off of a year (not weekends), library and overrides together. */
export const daysOff = (year: number): Set<LocalDate> => {
  let set = offByYear.get(year);
  if (!set) {
    set = offIn(year, table[String(year)]);
    offByYear.set(year, set);
  }
  return set;
};

/** The public holidays a day off may be named by (locales: sitting.holiday.*), by the day they fall on ("MM-DD"). */
const HOLIDAY_BY_DAY: Record<string, string> = {
  "01-01": "newYear",
  "01-02": "newYear",
  "01-07": "orthodoxChristmas",
  "03-08": "womensDay",
  "03-15": "constitutionDay",
  "03-21": "nauryz",
  "03-22": "nauryz",
  "03-23": "nauryz",
  "05-01": "unityDay",
  "05-07": "defenderDay",
  "05-09": "victoryDay",
  "07-06": "capitalDay",
  "08-30": "constitutionDay",
  "10-25": "republicDay",
  "12-16": "independenceDay",
};

/**
 * Which public holiday a day off is, when it is one on its own date (16 December: "independenceDay"); null for a day
 * off that is a holiday moved from a weekend, a day moved by the Government, and any day that is not off. Kurban Ait
 * (its date is announced each year, law.md §5) is named only in a year whose calendar is checked: on the date the table
 * adds as it ("holiday": "kurbanAit"), or on the library's date when the table adds none. `years`: the override table
 * (tests give their own).
 */
export const holidayOf = (date: LocalDate, years: CalendarTable = table): string | null => {
  const year = Number(date.slice(0, 4));
  const y = years[String(year)];
  if (!(years === table ? daysOff(year) : offIn(year, y)).has(date)) return null;
  const checked = y?.checked === true;
  const added = y?.off?.find((d) => d.date === date && d.holiday);
  if (added) return checked ? added.holiday! : null;
  const own = (holidays.getHolidays(year) || []).find(
    (h) => h.type === "public" && h.date.slice(0, 10) === date && !(h as { substitute?: boolean }).substitute,
  );
  if (!own) return null;
  // The library's computed Kurban Ait: named only in a checked year, and not when the table names another day as it.
  if (own.rule.includes("Dhu al-Hijjah")) return checked && !y?.off?.some((d) => d.holiday === "kurbanAit") ? "kurbanAit" : null;
  return own.rule.startsWith(date.slice(5, 10)) ? (HOLIDAY_BY_DAY[date.slice(5, 10)] ?? null) : null;
};

/** Whether a year's days off were checked against the Government's decree (law.md §5). */
export const isYearChecked = (year: number): boolean => table[String(year)]?.checked === true;

/**
 * The years a count from `from` to `to` passes through whose calendar is not checked — its deadline is
 * counted on the calendar as known today, and the bot says so.
 */
export const uncheckedYears = (from: LocalDate, to: LocalDate): number[] => {
  const years: number[] = [];
  for (let y = Number(from.slice(0, 4)); y <= Number(to.slice(0, 4)); y++) if (!isYearChecked(y)) years.push(y);
  return years;
};

const workingWeekend = (date: LocalDate): boolean => (table[date.slice(0, 4)]?.workingWeekends ?? []).some((d) => d.date === date);

const weekday = (date: LocalDate): number => new Date(`${date}T00:00:00Z`).getUTCDay();
/** A Saturday or a Sunday. */
export const isWeekend = (date: LocalDate): boolean => weekday(date) === 0 || weekday(date) === 6;

export const isWorkingDay = (date: LocalDate): boolean => {
  if (isWeekend(date) && !workingWeekend(date)) return false;
  return !daysOff(Number(date.slice(0, 4))).has(date);
};

export const nextDay = (date: LocalDate): LocalDate => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** The calendar date `n` days after `date`. */
export const addDays = (date: LocalDate, n: number): LocalDate => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * One formatter per zone and kind, made once: a new Intl.DateTimeFormat costs tens of microseconds, and
 * every update asks for today's date.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
const formatter = (kind: "day" | "time" | "offset", timeZone: string): Intl.DateTimeFormat => {
  const key = `${kind} ${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    f =
      kind === "day"
        ? new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" })
        : kind === "time"
          ? new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
          : new Intl.DateTimeFormat("en", { timeZone, timeZoneName: "longOffset" });
    formatters.set(key, f);
  }
  return f;
};

/** The calendar date of an instant in a time zone. */
export const localDate = (at: Date, timeZone: string): LocalDate => formatter("day", timeZone).format(at);

/** The time of day of an instant in a time zone, "HH:MM". */
export const localTime = (at: Date, timeZone: string): string => formatter("time", timeZone).format(at);

/** The offset of a time zone on a date, in minutes east of UTC. */
const offsetMinutes = (date: LocalDate, timeZone: string): number => {
  const name = formatter("offset", timeZone)
    .formatToParts(new Date(`${date}T12:00:00Z`))
    .find((p) => p.type === "timeZoneName")!.value; // "GMT+05:00", or "GMT" at zero
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
};

/** An hour and minute of a calendar date in a time zone, as an instant. */
export const atLocalTime = (date: LocalDate, hour: number, minute: number, timeZone: string): Date =>
  new Date(Date.parse(`${date}T${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}:00Z`) - offsetMinutes(date, timeZone) * 60_000);

/** The last instant of a calendar date in a time zone. */
export const endOfDay = (date: LocalDate, timeZone: string): Date =>
  new Date(Date.parse(`${date}T23:59:59.999Z`) - offsetMinutes(date, timeZone) * 60_000);

/** The Nth working day after the day of `from` (day 1 is the first working day after it). */
export const nthWorkingDayAfter = (from: LocalDate, n: number): LocalDate => {
  let d = from;
  for (let left = n; left > 0; ) {
    d = nextDay(d);
    if (isWorkingDay(d)) left--;
  }
  return d;
};

export interface Deadline {
  /** The last day, in Kazakhstan's calendar. */
  date: LocalDate;
  /** The end of that day, as an instant. */
  at: Date;
}

/** The deadline N working days after something received at `receivedAt`. */
export const workingDeadline = (receivedAt: Date, n: number, timeZone: string): Deadline => {
  const date = nthWorkingDayAfter(localDate(receivedAt, timeZone), n);
  return { date, at: endOfDay(date, timeZone) };
};

/**
 * Working days left after today until a deadline: 1 the working day before the last, 0 on the last day
 * itself ("today is the last day"), null once the deadline has passed. Today never counts: a person reading
 * "1 working day left" on the day before has all of tomorrow, not only what is left of today.
 */
export const workingDaysLeft = (now: Date, deadline: Deadline, timeZone: string): number | null => {
  if (now.getTime() > deadline.at.getTime()) return null;
  let count = 0;
  for (let d = nextDay(localDate(now, timeZone)); d <= deadline.date; d = nextDay(d)) if (isWorkingDay(d)) count++;
  return count;
};
