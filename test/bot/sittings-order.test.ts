// A sitting's messages as the applicant and a relative scroll their chats: the text that says what it is first, then
// the calendar file, captioned as one — never a bare .ics before the person knows what it is. Through the real
// sending path (the outbox, several chats' messages from one update), and when a send fails and is tried again.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { seen, testBot, textsTo as to, type Harness } from "../helpers/bot.js";
import type { Call } from "../../bot/local/fake-api.js";
import { createLogger } from "../../bot/logger.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { joinRelative } from "../helpers/notice.js";
import { commissionFormed, scheduleSitting } from "../helpers/staff.js";

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
const RELATIVE = 60;
const log = createLogger("silent");
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
  h = await testBot(t.db, { adminIds: [ADMIN], now: () => now, retry: { firstBackoffMs: 1 } });
});

/** What reached a chat, in order: each message's text (with «[buttons]» when it has some), each file's name and caption. */
const chat = (calls: Call[], chatId: number): string[] =>
  calls
    .filter((c) => c.payload.chat_id === chatId && /^send(Message|Document)$/.test(c.method))
    .map((c) =>
      c.method === "sendDocument"
        ? `file ${c.file!.filename}: ${String(c.payload.caption)}`
        : `${String(c.payload.text).split("\n")[0]}${(c.payload.reply_markup as { inline_keyboard?: unknown[] } | undefined)?.inline_keyboard?.length ? " [buttons]" : ""}`,
    );

describe("a sitting's invitation, move and cancellation, in the order the person sees them", () => {
  it("the text first (with the answer buttons), then the calendar file — in Kazakh and in Russian, for an invitation, a move and a cancellation", async () => {
    const { staff, applicant } = await commissionFormed(h, ADMIN, STAFF, APPLICANT);
    await joinRelative(h, applicant, RELATIVE);

    const saved = await scheduleSitting(staff); // 25.11.2026, 15:00
    expect(chat(saved, APPLICANT)).toEqual([
      "KZ-2026-000001 ісі: тәуелсіз сараптама комиссиясының отырысы [buttons]",
      "file KZ-2026-000001-sitting.ics: Күнтізбе файлы: отырысты күнтізбеге қосу үшін ашыңыз.",
    ]);
    expect(chat(saved, RELATIVE)).toEqual([
      "Дело KZ-2026-000001: заседание независимой экспертной комиссии [buttons]",
      "file KZ-2026-000001-sitting.ics: Файл для календаря: откройте его, чтобы добавить заседание.",
    ]);

    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Перенести: 25.11.2026, 15:00");
    await staff.send("26.11.2026");
    await staff.send("10:30");
    const moved = await staff.press("Сохранить");
    expect(chat(moved, APPLICANT)).toEqual([
      "KZ-2026-000001 ісі: комиссия отырысы ауыстырылды [buttons]",
      "file KZ-2026-000001-sitting.ics: Күнтізбе файлы: отырыс күнтізбеде жаңа уақытында көрсетілуі үшін ашыңыз.",
    ]);
    // The message names the file below it, which now is below it.
    expect(to(moved, APPLICANT)[0]).toContain("Төмендегі күнтізбе файлы күнтізбеңіздегі бұрынғы жазбаны жаңартады");
    expect(to(moved, RELATIVE)[0]).toContain("Файл календаря ниже обновит прежнее событие");
    expect(seen(moved, RELATIVE)).toEqual(["message+buttons", "document"]);

    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Отменить");
    const cancelled = await staff.press("Отменить заседание");
    expect(chat(cancelled, RELATIVE)).toEqual([
      "Дело KZ-2026-000001: заседание комиссии, назначенное на 26.11.2026, 10:30, отменено. Файл календаря ниже отметит его в календаре как отменённое; если событие осталось, удалите его.",
      "file KZ-2026-000001-sitting.ics: Файл для календаря: откройте его, чтобы отметить заседание в календаре как отменённое.",
    ]);
    expect(seen(cancelled, APPLICANT)).toEqual(["message", "document"]);
  });

  it("when the invitation's send fails and is tried again later, the file still comes after it, not before", async () => {
    const { staff, applicant } = await commissionFormed(h, ADMIN, STAFF, APPLICANT);
    await joinRelative(h, applicant, RELATIVE);
    const start = h.fake.calls.length;
    // Telegram out of reach for the applicant's chat: the invitation's retries run out, it is kept in the outbox.
    h.fake.failNext.set("sendMessage", { network: true, count: 4, chatId: APPLICANT });
    await scheduleSitting(staff);
    expect(h.fake.failNext.get("sendMessage")!.count).toBe(0);
    // The relative's chat is not held back by the applicant's.
    expect(seen(h.fake.calls.slice(start), RELATIVE)).toEqual(["message+buttons", "document"]);
    // The file did not go ahead of the invitation that failed.
    expect(seen(h.fake.calls.slice(start), APPLICANT)).toEqual([]);
    expect(await t.db.prisma.outbox.count({ where: { chatId: BigInt(APPLICANT), sentAt: null } })).toBe(2);
    // The next jobs run tries the chat again: the invitation, then the file.
    await h.runtime.runJobs(now, h.bot.api, log);
    await h.runtime.idle();
    expect(chat(h.fake.calls.slice(start), APPLICANT)).toEqual([
      "KZ-2026-000001 ісі: тәуелсіз сараптама комиссиясының отырысы [buttons]",
      "file KZ-2026-000001-sitting.ics: Күнтізбе файлы: отырысты күнтізбеге қосу үшін ашыңыз.",
    ]);
    expect(applicant.keyboards().at(-1)!.buttons.flat().map((b) => b.text)).toEqual(["Өзім барып қатысамын", "Онлайн қатысамын", "Қатыса алмаймын"]);
  });
});
