// Choosing the organisation (issue 11): registered under a Kazakh and a Russian name, picked from the
// region's list in the applicant's language or found by a word, or typed and matched in either language;
// the admins hear every morning of the cases that reached no organisation.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buttons, testBot, texts, textsTo, type Harness, type TestUser } from "../helpers/bot.js";
import { joinStaff, openAdmin } from "../helpers/staff.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { fileNotice } from "../helpers/notice.js";
import { createLogger } from "../../bot/logger.js";

const ADMIN = 9001;
let t: TestDb;
let h: Harness;
let now: Date;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t.dispose());
beforeEach(async () => {
  await t.reset();
  now = new Date("2026-11-23T10:00:00+05:00");
  h = await testBot(t.db, { adminIds: [ADMIN], now: () => now });
});

const last = (calls: Awaited<ReturnType<TestUser["send"]>>) => texts(calls).at(-1) ?? "";
/** A user at the region question of a notice. */
const atRegion = async (u: TestUser, lang: "kk" | "ru") => {
  await u.send("/start");
  await u.press(lang === "kk" ? "Келісемін" : "Согласен(на)");
  await u.send("/notice");
  await u.press(lang === "kk" ? "Мен — пациентпін" : "Я — пациент");
  await u.send("Иванов Иван Иванович");
  await u.send("850301300121");
  await u.press(lang === "kk" ? "Иә, дұрыс" : "Да, верно");
};
const many = async (n: number) => {
  for (let i = 1; i <= n; i++) await t.db.prisma.organization.create({ data: { nameKk: `Балалар емханасы №${i}`, nameRu: `Детская поликлиника №${i}`, region: "shymkent" } });
};

describe("registering an organisation", () => {
  it("takes its Kazakh and Russian names, then its region", async () => {
    const admin = h.user(ADMIN, "ru");
    await admin.send("/start");
    await openAdmin(admin);
    await admin.press("Зарегистрировать организацию");
    expect(last(await admin.send("Қалалық №1 аурухана"))).toMatch(/^Теперь название на русском языке/);
    await admin.send("Городская больница №1");
    const created = await admin.press("г. Шымкент");
    expect(texts(created)[0]).toContain("Городская больница №1, г. Шымкент");
    expect(await t.db.prisma.organization.findFirstOrThrow()).toMatchObject({ nameKk: "Қалалық №1 аурухана", nameRu: "Городская больница №1", region: "shymkent" });
  });
});

describe("choosing the organisation in a notice", () => {
  beforeEach(async () => {
    await t.db.prisma.organization.create({ data: { nameKk: "Қалалық №1 аурухана", nameRu: "Городская больница №1", region: "shymkent" } });
    await t.db.prisma.organization.create({ data: { nameKk: "Облыстық аурухана", nameRu: "Областная больница", region: "turkistan" } });
  });

  it("lists the region's registered organisations in the applicant's language; the one chosen is the case's", async () => {
    const kk = h.user(1, "kk");
    await atRegion(kk, "kk");
    const asked = await kk.press("Шымкент қаласы");
    expect(last(asked)).toBe("4/11 · Қай медициналық ұйымда? Тізімнен таңдаңыз немесе іздеу үшін атауынан бір сөз жазыңыз.");
    expect(buttons(asked)).toEqual(["Қалалық №1 аурухана", "Менің ұйымым тізімде жоқ", "◀ Артқа"]);
    expect(last(await kk.press("Қалалық №1 аурухана"))).toMatch(/^5\/11 · Емдеу күндері/);
    const ru = h.user(2, "ru");
    await atRegion(ru, "ru");
    expect(buttons(await ru.press("г. Шымкент"))).toEqual(["Городская больница №1", "Моей организации нет в списке", "◀ Назад"]);

    await fileNotice(h.user(3, "kk"), "kk", { org: "Қалалық №1 аурухана" });
    const c = await t.db.prisma.case.findFirstOrThrow({ include: { organization: true } });
    expect([c.organization?.nameRu, c.orgName]).toEqual(["Городская больница №1", "Қалалық №1 аурухана"]);
  });

  it("a long list shows the first 8 and finds the rest by a word; a word that finds nothing says so", async () => {
    await many(10);
    const u = h.user(4, "ru");
    await atRegion(u, "ru");
    const asked = await u.press("г. Шымкент");
    expect(last(asked)).toBe("4/11 · В какой медицинской организации? Здесь 8 из 11 — напишите слово из названия, чтобы найти свою.");
    expect(buttons(asked)).toHaveLength(10);
    const found = await u.send("городская");
    expect(buttons(found)).toEqual(["Городская больница №1", "Моей организации нет в списке", "◀ Назад"]);
    expect(texts(await u.send("зоопарк"))).toEqual([
      "По запросу «зоопарк» ничего не нашлось. Напишите другое слово или нажмите «Моей организации нет в списке».",
      "4/11 · В какой медицинской организации? Выберите её из списка или напишите слово из названия, чтобы найти.",
    ]);
    expect(texts(await u.send("а"))[0]).toBe("Напишите хотя бы одно слово из названия.");
    expect(buttons(await u.send("поликлиника №10"))).toEqual(["Детская поликлиника №10", "Моей организации нет в списке", "◀ Назад"]);
  });

  it("a region with no registered organisation asks its name; a typed name matches a registered one in either language", async () => {
    const u = h.user(5, "ru");
    await atRegion(u, "ru");
    expect(last(await u.press("г. Астана"))).toBe("4/11 · Напишите название медицинской организации, в которой вы лечились.");
    // Typed, not chosen: case, quotes and the spacing around «№» do not matter, in Russian or in Kazakh.
    await fileNotice(h.user(6, "ru"), "ru", { org: "городская  больница «№ 1»" });
    await fileNotice(h.user(7, "kk"), "kk", { org: "ҚАЛАЛЫҚ № 1 АУРУХАНА" });
    await fileNotice(h.user(8, "ru"), "ru", { org: "Больница на Абая" });
    const cases = await t.db.prisma.case.findMany({ orderBy: { id: "asc" } });
    expect(cases.map((c) => [c.orgName, c.organizationId])).toEqual([
      ["городская больница «№ 1»", 1],
      ["ҚАЛАЛЫҚ № 1 АУРУХАНА", 1],
      ["Больница на Абая", null],
    ]);
  });
});

describe("a typed name spelt otherwise than the registered one", () => {
  // Before: only case, quotes and the spacing around «№» were ignored — «Городская больница 7» stayed unlinked, and the
  // organisation's staff in the bot were not told of the notice.
  it("«7», «N7», «No 7», «N 7.» for «№7» link the case and its staff are told; «№17» does not", async () => {
    await joinStaff(h, ADMIN, 50, "ru");
    // The fifth by a Kazakh-speaking applicant, the number sign as «N », a full stop after.
    const typed = ["Городская больница №17", "Городская больница 7", "городская больница N7", "Городская больница No 7", "Городская больница N 7."];
    const told: string[][] = [];
    for (const [i, org] of typed.entries()) {
      const lang = i === 4 ? "kk" : "ru";
      told.push(textsTo(await fileNotice(h.user(100 + i, lang), lang, { org }), 50));
    }
    const cases = await t.db.prisma.case.findMany({ orderBy: { id: "asc" } });
    expect(cases.map((c) => [c.orgName, c.organizationId])).toEqual([
      ["Городская больница №17", null],
      ["Городская больница 7", 1],
      ["городская больница N7", 1],
      ["Городская больница No 7", 1],
      ["Городская больница N 7.", 1],
    ]);
    expect(told.map((x) => x.some((m) => m.includes("KZ-2026-00000")))).toEqual([false, true, true, true, true]);
  });

  it("a number sign with no number after it («…№») is not matched by spelling to the region's unnumbered one", async () => {
    const { matchOrganization } = await import("../../bot/features/notice/organizations.js");
    const db = t.db.prisma as unknown as Parameters<typeof matchOrganization>[0];
    await t.db.prisma.organization.create({ data: { nameKk: "Қалалық емхана", nameRu: "Городская поликлиника", region: "abai" } });
    await t.db.prisma.organization.create({ data: { nameKk: "№1 қалалық емхана", nameRu: "Городская поликлиника №1", region: "abai" } });
    // The number left off: which one is meant is not known, so none (an admin links it from the morning's list).
    expect(await matchOrganization(db, "Городская поликлиника №", "abai")).toBeNull();
    expect((await matchOrganization(db, "Городская поликлиника N1", "abai"))?.nameRu).toBe("Городская поликлиника №1");
    expect((await matchOrganization(db, "городская поликлиника", "abai"))?.nameRu).toBe("Городская поликлиника");
  });
});

describe("cases that reached no organisation", () => {
  it("are listed to the admins every morning, with the button to link each", async () => {
    const admin = h.user(ADMIN, "ru");
    await admin.send("/start");
    await fileNotice(h.user(10, "ru"), "ru", { org: "Частная клиника" });
    await h.runtime.start(now);
    h.fake.clear();
    const log = createLogger("silent");
    await h.runtime.runJobs(new Date("2026-11-24T08:59:00+05:00"), h.bot.api, log);
    expect(h.fake.sent("sendMessage", ADMIN)).toEqual([]);
    await h.runtime.runJobs(new Date("2026-11-24T09:00:00+05:00"), h.bot.api, log);
    const digest = h.fake.sent("sendMessage", ADMIN);
    expect(texts(digest)).toEqual([
      "Дела, которые ещё не дошли ни до одной зарегистрированной организации (1):\nKZ-2026-000001 — Частная клиника, г. Шымкент\n\nПривяжите каждое к организации его региона — её сотрудники получат обращение.",
    ]);
    expect(buttons(digest)).toEqual(["Привязать KZ-2026-000001"]);
    // The next morning again; a restart does not add a second one.
    await h.runtime.start(new Date("2026-11-24T12:00:00+05:00"));
    await h.runtime.runJobs(new Date("2026-11-25T09:00:00+05:00"), h.bot.api, log);
    expect(h.fake.sent("sendMessage", ADMIN)).toHaveLength(2);
    expect(await t.db.prisma.scheduledJob.count({ where: { kind: "unlinked_digest" } })).toBe(1);
    // Nothing to say when every case reached an organisation.
    await t.db.prisma.organization.create({ data: { nameKk: "Жеке клиника", nameRu: "Частная клиника", region: "shymkent" } });
    await t.db.prisma.case.updateMany({ data: { organizationId: 1 } });
    await h.runtime.runJobs(new Date("2026-11-26T09:00:00+05:00"), h.bot.api, log);
    expect(h.fake.sent("sendMessage", ADMIN)).toHaveLength(2);
  });
});
