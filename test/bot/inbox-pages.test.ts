// Staff's and mediators' /inbox, a page at a time: an organisation with more than ten cases (a regional hospital
// has that in its first month) kept its older ones out of every list — a case waiting for its commission could
// not be opened, its sittings not scheduled, its conclusion not recorded, while its deadline ran. Every case is in
// reach now. Each test failed on the code before the fix (a review of the staff's side).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buttons, testBot, texts, type Harness } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { fileNotice } from "../helpers/notice.js";
import { joinStaff, mediationAssigned, recordReceipt } from "../helpers/staff.js";

const ADMIN = 9001;
let t: TestDb;
let h: Harness;
let now = new Date("2026-11-23T10:00:00+05:00");
const at = (iso: string) => void (now = new Date(iso));

beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t.dispose());
beforeEach(async () => {
  await t.reset();
  at("2026-11-23T10:00:00+05:00");
  h = await testBot(t.db, { adminIds: [ADMIN], now: () => now });
});

describe("staff's /inbox with more than ten cases", () => {
  it("pages on to the oldest case, which waits for its commission, and opens it; and back", async () => {
    const staff = await joinStaff(h, ADMIN, 50, "ru");
    await fileNotice(h.user(100, "ru"), "ru");
    await recordReceipt(staff, "ru"); // KZ-2026-000001: received, the commission's 3 working days run
    for (let i = 1; i <= 10; i++) {
      at(`2026-11-23T${10 + Math.floor(i / 2)}:${i % 2 ? "30" : "00"}:00+05:00`);
      await fileNotice(h.user(100 + i, "ru"), "ru");
    }
    const first = await staff.send("/inbox");
    expect(texts(first)[0]).toMatch(/^Дела вашей организации, 1–10 из 11:/);
    expect(buttons(first)).not.toContain("Открыть KZ-2026-000001");
    expect(buttons(first).at(-1)).toBe("Ещё ▶");
    const second = await staff.press("Ещё ▶");
    expect(texts(second)[0]).toMatch(/^Дела вашей организации, 11–11 из 11:/);
    expect(buttons(second)).toEqual(["Открыть KZ-2026-000001", "◀ Предыдущие"]);
    expect(buttons(await staff.press("Открыть KZ-2026-000001"))).toContain("Комиссия сформирована");
    expect(texts(await staff.press("◀ Предыдущие"))[0]).toMatch(/^Дела вашей организации, 1–10 из 11:/);
  });

  it("ten cases or fewer: one page, no paging buttons", async () => {
    const staff = await joinStaff(h, ADMIN, 50, "ru");
    await fileNotice(h.user(100, "ru"), "ru");
    const inbox = await staff.send("/inbox");
    expect(texts(inbox)[0]).toMatch(/^Дела вашей организации:/);
    expect(buttons(inbox)).toEqual(["Открыть KZ-2026-000001"]);
  });
});

describe("a mediator's /inbox with more than ten mediations", () => {
  it("pages on to the oldest", async () => {
    const { mediator } = await mediationAssigned(h, { admin: ADMIN, staff: 50, applicant: 60, mediator: 70 });
    const first = await t.db.prisma.mediation.findFirstOrThrow();
    // Ten later mediations of this mediator, ended (declined) — as many a month's work leaves.
    for (let i = 0; i < 10; i++)
      await t.db.prisma.mediation.create({ data: { caseId: first.caseId, mediatorId: first.mediatorId, assignedBy: first.assignedBy, state: "ended", endReason: "declined" } });
    const page1 = await mediator.send("/inbox");
    expect(texts(page1)[0]).toMatch(/^Ваши медиации, 1–10 из 11:/);
    const page2 = await mediator.press("Ещё ▶");
    expect(texts(page2)[0]).toMatch(/^Ваши медиации, 11–11 из 11:/);
    expect(buttons(page2)).toEqual(["Открыть KZ-2026-000001", "◀ Предыдущие"]);
    expect(texts(await mediator.press("Открыть KZ-2026-000001")).join("\n")).toContain("KZ-2026-000001");
  });
});
