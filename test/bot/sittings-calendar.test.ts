// The calendar file a family gets for a sitting, read as strictly as RFC 5545 writes it: what a phone's calendar
// would import, at which hour, and what it does with the same event moved and cancelled. A minimal strict reader
// here, no dependency: CRLF after every line (the last too), lines folded at 75 octets without splitting a UTF-8
// character, TEXT values escaped.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { testBot, type Harness } from "../helpers/bot.js";
import type { Call } from "../../bot/local/fake-api.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { commissionFormed } from "../helpers/staff.js";

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
let t: TestDb;
let h: Harness;
let now: Date;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t.dispose());
beforeEach(async () => {
  await t.reset();
  now = new Date("2026-11-23T10:00:00+05:00"); // a Monday
  h = await testBot(t.db, { adminIds: [ADMIN], now: () => now });
});

/** The file's content lines, unfolded, after checking the octets as RFC 5545 §3.1 wants them. */
const strictLines = (bytes: Buffer): string[] => {
  // Every content line ends with CRLF — the last one too; no bare CR or LF anywhere.
  expect(bytes.subarray(-2).toString("latin1")).toBe("\r\n");
  const physical: Buffer[] = [];
  for (let from = 0; from < bytes.length; ) {
    const end = bytes.indexOf("\r\n", from, "latin1");
    physical.push(bytes.subarray(from, end));
    from = end + 2;
  }
  for (const line of physical) {
    expect(line.includes(0x0a) || line.includes(0x0d)).toBe(false);
    // At most 75 octets, the fold's leading space counted.
    expect(line.length).toBeLessThanOrEqual(75);
    // No UTF-8 character split across a fold: each physical line is whole UTF-8 by itself.
    expect(Buffer.from(line.toString("utf8"), "utf8").equals(line)).toBe(true);
  }
  const out: string[] = [];
  for (const line of physical) {
    const s = line.toString("utf8");
    if (s.startsWith(" ") || s.startsWith("\t")) out[out.length - 1] += s.slice(1);
    else out.push(s);
  }
  return out;
};
/** A property's value (the first with this name), TEXT-unescaped. */
const value = (lines: string[], name: string): string | undefined => {
  const line = lines.find((l) => l.startsWith(`${name}:`) || l.startsWith(`${name};`));
  if (!line) return undefined;
  const raw = line.slice(line.indexOf(":") + 1);
  // A TEXT value: «,» «;» «\» escaped, a newline as \n; nothing else may follow a backslash.
  expect(raw).not.toMatch(/\\[^\\,;nN]/);
  expect(raw).not.toMatch(/(^|[^\\])(\\\\)*[,;]/);
  return raw.replace(/\\([\\,;nN])/g, (_, c: string) => (c === "n" || c === "N" ? "\n" : c));
};
const fileTo = (calls: Call[], chatId: number) => calls.find((c) => c.method === "sendDocument" && c.payload.chat_id === chatId)!.file!.bytes;

const ADDRESS = "г. Шымкент, ул. Тауке хана, д. 1; корпус «Б», этаж 2, каб. 204 — зал заседаний независимой экспертной комиссии, вход со двора";

describe("the calendar file of a sitting", () => {
  it("is strict RFC 5545: CRLF after every line, folds at 75 octets between characters, the place escaped, the hour right, one event through a move and a cancellation", async () => {
    const { staff } = await commissionFormed(h, ADMIN, STAFF, APPLICANT);
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Назначить заседание");
    await staff.send("25.11.2026");
    await staff.send("9.30");
    await staff.press("Очно");
    await staff.send(ADDRESS);
    await staff.send("Возьмите паспорт;\nпропуск на входе, у охраны");
    const invited = strictLines(fileTo(await staff.press("Сохранить"), APPLICANT));

    expect(invited[0]).toBe("BEGIN:VCALENDAR");
    expect(invited.at(-1)).toBe("END:VCALENDAR");
    expect(value(invited, "METHOD")).toBe("PUBLISH");
    // 09:30 in Kazakhstan (UTC+5) is 04:30 UTC: a phone in Almaty shows 09:30.
    expect(value(invited, "DTSTART")).toBe("20261125T043000Z");
    expect(value(invited, "LOCATION")).toBe(ADDRESS);
    // The start in Kazakhstan's time is written out too: a phone whose zone data predate Kazakhstan's move to UTC+5
    // (March 2024) shows DTSTART an hour late; the description says the hour the messages say.
    expect(value(invited, "DESCRIPTION")).toBe(`Басталуы: 25.11.2026, 09:30 (Қазақстан уақыты, UTC+5)\nМекенжайы: ${ADDRESS}\nЕскертпе: Возьмите паспорт;\nпропуск на входе, у охраны`);
    expect(value(invited, "SEQUENCE")).toBe("0");
    expect(value(invited, "STATUS")).toBe("CONFIRMED");
    const uid = value(invited, "UID");

    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Перенести: 25.11.2026, 09:30");
    await staff.send("26.11.2026");
    await staff.send("16:00");
    const moved = strictLines(fileTo(await staff.press("Сохранить"), APPLICANT));
    expect(value(moved, "UID")).toBe(uid);
    expect(value(moved, "SEQUENCE")).toBe("1");
    expect(value(moved, "DTSTART")).toBe("20261126T110000Z");

    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Отменить");
    const cancelled = strictLines(fileTo(await staff.press("Отменить заседание"), APPLICANT));
    expect(value(cancelled, "UID")).toBe(uid);
    expect(value(cancelled, "SEQUENCE")).toBe("2");
    expect(value(cancelled, "STATUS")).toBe("CANCELLED");
    expect(value(cancelled, "METHOD")).toBe("PUBLISH");
  });
});
