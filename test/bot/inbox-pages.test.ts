// Staff's and mediators' /inbox, a page at a time: an organisation with more than ten cases (a regional hospital
// has that in its first month) kept its older ones out of every list — a case waiting for its commission could
// not be opened, its sittings not scheduled, its conclusion not recorded, while its deadline ran. Every case is in
// reach now. Each test failed on the code before the fix (a review of the staff's side).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buttons, testBot, texts, type Harness } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { fileNotice } from "../helpers/notice.js";
import { joinStaff, mediationAssigned, openAdmin, recordReceipt } from "../helpers/staff.js";

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

/** After KZ-2026-000001, filed: KZ-2026-000002…000011 a minute apart — copies of it, made as the mediations above are. */
const copiesOfFirst = async () => {
  const { id: _id, answers, ...k } = await t.db.prisma.case.findFirstOrThrow();
  for (let seq = 2; seq <= 11; seq++)
    await t.db.prisma.case.create({ data: { ...k, answers: answers as object, seq, number: `KZ-2026-${String(seq).padStart(6, "0")}`, submittedAt: new Date(k.submittedAt.getTime() + seq * 60_000) } });
  await t.db.prisma.caseCounter.update({ where: { year: 2026 }, data: { last: 11 } });
};

describe("pages of /inbox while notices arrive", () => {
  /** Staff of an organisation with eleven cases. */
  const elevenCases = async () => {
    const staff = await joinStaff(h, ADMIN, 50, "ru");
    await fileNotice(h.user(100, "ru"), "ru");
    await copiesOfFirst();
    at("2026-11-23T12:00:00+05:00");
    return staff;
  };
  const numbers = (calls: Parameters<typeof buttons>[0]) => buttons(calls).filter((b) => b.startsWith("Открыть ")).map((b) => b.slice("Открыть ".length));

  it("«Ещё ▶» goes on after the last case shown: a notice filed meanwhile shows no case twice", async () => {
    const staff = await elevenCases();
    const first = await staff.send("/inbox");
    expect(numbers(first)).toEqual(["KZ-2026-000011", "KZ-2026-000010", "KZ-2026-000009", "KZ-2026-000008", "KZ-2026-000007", "KZ-2026-000006", "KZ-2026-000005", "KZ-2026-000004", "KZ-2026-000003", "KZ-2026-000002"]);
    await fileNotice(h.user(112, "ru"), "ru"); // KZ-2026-000012, the newest
    // Before: the page from the 11th case of twelve — KZ-2026-000002 again, already on the first page.
    const second = await staff.press("Ещё ▶");
    expect(numbers(second)).toEqual(["KZ-2026-000001"]);
    expect(texts(second)[0]).toMatch(/^Дела вашей организации, 12–12 из 12:/);
    expect(buttons(second).at(-1)).toBe("◀ Предыдущие");
  });

  it("«◀ Предыдущие» ends before the first case shown: notices filed meanwhile hide none; the page before the top is the first", async () => {
    const staff = await elevenCases();
    await staff.send("/inbox");
    expect(numbers(await staff.press("Ещё ▶"))).toEqual(["KZ-2026-000001"]);
    await fileNotice(h.user(112, "ru"), "ru");
    await fileNotice(h.user(113, "ru"), "ru");
    // Before: the top ten of thirteen — KZ-2026-000013…000004; KZ-2026-000003 and 000002 in no page the user saw.
    const back = await staff.press("◀ Предыдущие");
    expect(numbers(back)).toEqual(["KZ-2026-000011", "KZ-2026-000010", "KZ-2026-000009", "KZ-2026-000008", "KZ-2026-000007", "KZ-2026-000006", "KZ-2026-000005", "KZ-2026-000004", "KZ-2026-000003", "KZ-2026-000002"]);
    expect(texts(back)[0]).toMatch(/^Дела вашей организации, 3–12 из 13:/);
    expect(buttons(back).slice(-2)).toEqual(["◀ Предыдущие", "Ещё ▶"]);
    const top = await staff.press("◀ Предыдущие");
    expect(texts(top)[0]).toMatch(/^Дела вашей организации, 1–10 из 13:/);
    expect(numbers(top)[0]).toBe("KZ-2026-000013");
    expect(buttons(top).at(-1)).toBe("Ещё ▶");
  });

  it("a mediator's «Ещё ▶» goes on after the last mediation shown, however many were assigned meanwhile", async () => {
    const { mediator } = await mediationAssigned(h, { admin: ADMIN, staff: 50, applicant: 60, mediator: 70 });
    const first = await t.db.prisma.mediation.findFirstOrThrow();
    const more = () => t.db.prisma.mediation.create({ data: { caseId: first.caseId, mediatorId: first.mediatorId, assignedBy: first.assignedBy, state: "ended", endReason: "declined" } });
    for (let i = 0; i < 10; i++) await more();
    const page1 = await mediator.send("/inbox");
    expect(texts(page1)[0]).toMatch(/^Ваши медиации, 1–10 из 11:/);
    await more();
    const page2 = await mediator.press("Ещё ▶");
    expect(texts(page2)[0]).toMatch(/^Ваши медиации, 12–12 из 12:/);
    expect(buttons(page2)).toEqual(["Открыть KZ-2026-000001", "◀ Предыдущие"]);
  });
});

describe("a page past the end, by its cursor", () => {
  it("«Ещё ▶» when every case after the one shown last is gone (anonymised meanwhile) shows the last page, as an offset past the end did", async () => {
    const staff = await joinStaff(h, ADMIN, 50, "ru");
    await fileNotice(h.user(100, "ru"), "ru");
    await copiesOfFirst();
    await staff.send("/inbox");
    await t.db.prisma.case.update({ where: { number: "KZ-2026-000001" }, data: { anonymisedAt: now } });
    const past = await staff.press("Ещё ▶");
    expect(texts(past)[0]).toMatch(/^Дела вашей организации:/);
    expect(buttons(past)).toHaveLength(10);
  });

  it("a page button sent before pages had cursors (by offset) still opens its page", async () => {
    const staff = await joinStaff(h, ADMIN, 50, "ru");
    await fileNotice(h.user(100, "ru"), "ru");
    await copiesOfFirst();
    const old = await staff.pressData("g:inbox:org:10");
    expect(texts(old)[0]).toMatch(/^Дела вашей организации, 11–11 из 11:/);
    expect(buttons(old)).toEqual(["Открыть KZ-2026-000001", "◀ Предыдущие"]);
  });
});

describe("an admin's lists of cases while notices arrive", () => {
  it("«Дела без организации»: «Ещё ▶» goes on after the last case shown — a notice filed meanwhile that matched no organisation shows no case twice", async () => {
    await fileNotice(h.user(100, "ru"), "ru", { org: "Горбольница 7" }); // no organisation registered: unlinked
    await copiesOfFirst();
    at("2026-11-23T12:00:00+05:00");
    const admin = h.user(ADMIN, "ru");
    await admin.send("/start");
    await openAdmin(admin);
    expect(texts(await admin.press("Дела без организации"))[0]).toMatch(/, 1–10 из 11:/);
    await fileNotice(h.user(112, "ru"), "ru", { org: "Горбольница 7" });
    const second = await admin.press("Ещё ▶");
    expect(texts(second)[0]).toMatch(/, 12–12 из 12:/);
    expect(buttons(second)).toEqual(["Привязать KZ-2026-000001", "◀ Предыдущие"]);
  });

  it("«Предложить медиатора»: «Ещё ▶» goes on after the last case shown, a notice filed meanwhile or not", async () => {
    await joinStaff(h, ADMIN, 50, "ru");
    await fileNotice(h.user(100, "ru"), "ru");
    await copiesOfFirst();
    at("2026-11-23T12:00:00+05:00");
    const admin = h.user(ADMIN, "ru");
    await openAdmin(admin);
    const first = await admin.press("Предложить медиатора");
    expect(buttons(first).at(-2)).toBe("KZ-2026-000002 — Городская больница №7");
    await fileNotice(h.user(112, "ru"), "ru");
    expect(buttons(await admin.press("Ещё ▶"))).toEqual(["KZ-2026-000001 — Городская больница №7", "◀ Предыдущие"]);
  });
});

describe("a forged page button", () => {
  it("a cursor whose time is out of any date's range is answered as a garbled button (the staff's home screen), not with «Произошла ошибка»", async () => {
    const staff = await joinStaff(h, ADMIN, 50, "ru");
    await fileNotice(h.user(100, "ru"), "ru");
    const garbled = texts(await staff.pressData("g:inboxat:org:next:1:abc"));
    expect(garbled[0]).toMatch(/^«Городская больница №7»: обращения/);
    for (const data of ["g:inboxat:org:next:1:999999999999999", "g:inboxat:org:prev:1:99999999999999", "g:adm:unlinkedat:next:1:999999999999999"]) {
      const said = texts(await staff.pressData(data));
      expect(said.join("\n"), data).not.toContain("Произошла ошибка");
      expect(said, data).toEqual(garbled);
    }
  });
});
