// Who saw it (issue 15): every time staff open a notice's personal data (its sealed fields, its files) the
// applicant can see it on the case — who, in which role, what, when. Nobody else can list it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buttons, testBot, texts, type Harness } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { fileNotice } from "../helpers/notice.js";
import { joinStaff, openAdmin, STAFF_NAME } from "../helpers/staff.js";

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
  now = new Date("2026-11-23T10:00:00+05:00");
  h = await testBot(t.db, { adminIds: [ADMIN], now: () => now });
});

describe("who opened my data", () => {
  it("every staff view of the notice is on the applicant's list, with name, role, what and when; only the applicant can list it", async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "ru");
    const applicant = h.user(APPLICANT, "kk");
    await fileNotice(applicant, "kk");
    const c = await t.db.prisma.case.findFirstOrThrow();
    await applicant.send("/cases");
    const none = await applicant.press("KZ-2026-000001 ісін ашу");
    expect(buttons(none)).toContain("Менің деректерімді кім ашты");
    expect(texts(await applicant.press("Менің деректерімді кім ашты"))[0]).toBe(
      "KZ-2026-000001 ісі бойынша сізден басқа әзірге ешкім деректеріңіз бар өтінішті, файлдарды және құжаттарды ашқан жоқ.",
    );

    for (const at of ["2026-11-23T11:05:00+05:00", "2026-11-24T09:30:00+05:00"]) {
      now = new Date(at);
      await staff.send("/inbox");
      await staff.press("Открыть KZ-2026-000001");
    }
    await applicant.send("/cases");
    await applicant.press("KZ-2026-000001 ісін ашу");
    const list = await applicant.press("Менің деректерімді кім ашты");
    expect(texts(list)).toEqual([
      `KZ-2026-000001 ісі бойынша деректерді кім ашты (жаңалары жоғарыда):\n24.11.2026, 09:30 — ${STAFF_NAME}, ұйым қызметкері: өтініш\n23.11.2026, 11:05 — ${STAFF_NAME}, ұйым қызметкері: өтініш`,
    ]);
    expect(buttons(list)).toEqual(["KZ-2026-000001 ісін ашу"]);
    expect(await t.db.prisma.dataAccess.count({ where: { caseId: c.id, role: "staff", what: "notice" } })).toBe(2);

    // Staff, and anyone else, asking for the list get the answer a missing case gets — then their home, or the question open.
    expect(texts(await staff.pressData(`g:seen:${c.id}`))).toEqual(["Такое дело не найдено, или вы в нём не участвуете.", expect.stringMatching(/^«.+»: обращения\n/)]);
    const stranger = h.user(77, "ru");
    await stranger.send("/start");
    expect(texts(await stranger.pressData(`g:seen:${c.id}`))).toEqual([
      "Такое дело не найдено, или вы в нём не участвуете.",
      "Согласны ли вы на обработку персональных данных по Закону «О персональных данных и их защите» (21 мая 2013 года № 94-V)?",
    ]);
  });

  it("an admin lists, per organisation, who opened which case's data — only that organisation's cases, newest first", async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "ru");
    const other = await joinStaff(h, ADMIN, 60, "kk", "Областная больница", "г. Шымкент", "Нурланов Бауыржан Ерикович");
    await fileNotice(h.user(APPLICANT, "kk"), "kk");
    await fileNotice(h.user(61, "ru"), "ru", { org: "Областная больница", name: "Бекова Дана Серикқызы", iin: "900101400013" });
    const admin = h.user(ADMIN, "ru");
    await openAdmin(admin);
    const none = await admin.press("Кто открывал данные");
    expect(buttons(none)).toEqual(["Городская больница №7, г. Шымкент", "Областная больница, г. Шымкент"]);
    expect(texts(await admin.press("Городская больница №7, г. Шымкент"))).toEqual([
      "По делам организации Городская больница №7 пока никто не открывал обращения, файлы и документы с персональными данными.",
    ]);

    for (const at of ["2026-11-23T11:05:00+05:00", "2026-11-24T09:30:00+05:00"]) {
      now = new Date(at);
      await staff.send("/inbox");
      await staff.press("Открыть KZ-2026-000001");
    }
    now = new Date("2026-11-24T10:00:00+05:00");
    await other.send("/inbox");
    await other.press("KZ-2026-000002 ісін ашу");

    await admin.press("Кто открывал данные");
    const list = await admin.press("Городская больница №7, г. Шымкент");
    expect(texts(list)).toEqual([
      `Кто открывал персональные данные по делам организации Городская больница №7 — последние 2 из 2, новые сверху:\n24.11.2026, 09:30 — KZ-2026-000001: ${STAFF_NAME}, сотрудник организации: обращение\n23.11.2026, 11:05 — KZ-2026-000001: ${STAFF_NAME}, сотрудник организации: обращение`,
    ]);
    expect(buttons(list)).toEqual(["Кто открывал данные"]);
    await admin.press("Кто открывал данные");
    expect(texts(await admin.press("Областная больница, г. Шымкент"))[0]).toBe(
      "Кто открывал персональные данные по делам организации Областная больница — последние 1 из 1, новые сверху:\n24.11.2026, 10:00 — KZ-2026-000002: Нурланов Бауыржан Ерикович, сотрудник организации: обращение",
    );

    // Staff cannot list it, not even for their own organisation.
    const org = await t.db.prisma.organization.findFirstOrThrow({ where: { nameRu: "Городская больница №7" } });
    const refused = await staff.pressData(`g:adm:seen:${org.id}`);
    expect(refused.find((c) => c.method === "answerCallbackQuery")?.payload.text).toBe("Эта кнопка устарела.");
    expect(texts(refused).some((x) => x.includes("Кто открывал"))).toBe(false);
  });

  it("past fifty organisations in two regions, the admin reaches any one's list: its region, then its page", async () => {
    for (let i = 1; i <= 51; i++) await t.db.prisma.organization.create({ data: { nameKk: `Емхана №${String(i).padStart(2, "0")}`, nameRu: `Поликлиника №${String(i).padStart(2, "0")}`, region: "shymkent" } });
    await t.db.prisma.organization.create({ data: { nameKk: "Клиника", nameRu: "Клиника", region: "astana" } });
    const admin = h.user(ADMIN, "ru");
    await openAdmin(admin);
    expect(buttons(await admin.press("Кто открывал данные"))).toEqual(["г. Астана (1)", "г. Шымкент (51)"]);
    await admin.press("г. Шымкент (51)");
    for (let i = 0; i < 5; i++) await admin.press("Ещё ▶");
    expect(texts(await admin.press("Поликлиника №51, г. Шымкент"))).toEqual([
      "По делам организации Поликлиника №51 пока никто не открывал обращения, файлы и документы с персональными данными.",
    ]);
  });
});
