// Personal data at rest (law.md §7): free text about the patient's health, typed by staff or the mediation's
// members, is sealed with DATA_KEY like the notice's sensitive fields — someone with the database file alone
// does not read it — and still shown to those it is for.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { testBot, textsTo as to, type Harness } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { fileNotice } from "../helpers/notice.js";
import { commissionFormed, joinStaff, mediationRunning, proposeSettlement } from "../helpers/staff.js";

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
const MEDIATOR = 70;
const DRAFTING = 52;
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

/** The tables holding `needle` in the clear: what someone with the database file, and no DATA_KEY, reads. */
const tablesWith = async (needle: string): Promise<string[]> => {
  const tables = await t.db.prisma.$queryRawUnsafe<{ tablename: string }[]>(`SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations'`);
  const found: string[] = [];
  for (const { tablename } of tables) {
    const rows = await t.db.prisma.$queryRawUnsafe<{ r: string }[]>(`SELECT t::text AS r FROM "${tablename}" t`);
    if (rows.some((r) => r.r.includes(needle))) found.push(tablename);
  }
  return found;
};

describe("sealed at rest", () => {
  it("the patient's date of birth (the IIN's first six digits): not in the clear, in the draft or the filed case, and staff and the applicant still read it", async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "ru");
    // Someone else's draft, with the IIN and the date read from it, held between the messages.
    const drafting = h.user(DRAFTING, "ru");
    await drafting.send("/start");
    await drafting.press("Согласен(на)");
    await drafting.send("/notice");
    await drafting.press("Я — пациент");
    await drafting.send("Петров Пётр Петрович");
    expect(to(await drafting.send("790415300128"), DRAFTING).join("\n")).toContain("15.04.1979");
    expect(await tablesWith("1979-04-15"), "tables holding the draft's birth date in the clear").toEqual([]);
    const applicant = h.user(APPLICANT, "ru");
    await fileNotice(applicant, "ru");
    expect(await tablesWith("1985-03-01"), "tables holding the filed case's birth date in the clear").toEqual([]);
    expect(await tablesWith("01.03.1985"), "tables holding the birth date as shown, in the clear").toEqual([]);
    await staff.send("/inbox");
    expect(to(await staff.press("Открыть KZ-2026-000001"), STAFF).join("\n")).toContain("Дата рождения: 01.03.1985");
    const mydata = (await applicant.send("/mydata")).find((c) => c.method === "sendDocument" && c.payload.chat_id === APPLICANT)!;
    expect(JSON.parse(mydata.file!.bytes.toString("utf8"))).toMatchObject({ cases: [{ number: "KZ-2026-000001", notice: { iin: "850301300121", birthDate: "1985-03-01" } }] });
  });

  it("the commission's conclusion summary (the patient's medical details, typed by staff): not in the clear, and the applicant is told it", async () => {
    const { staff } = await commissionFormed(h, ADMIN, STAFF, APPLICANT);
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Записать заключение");
    await staff.press("Нет, вред не подтверждён");
    await staff.send("Повреждение лицевого нерва у пациентки — известный риск операции.");
    await staff.press("Без документа");
    await staff.press("Сегодня");
    await staff.press("Сохранить");
    expect(to(h.fake.calls, APPLICANT).join("\n")).toContain("Повреждение лицевого нерва");
    expect(await tablesWith("лицевого нерва"), "tables holding the summary in the clear").toEqual([]);
  });

  it("a mediation's proposal terms and a side's counter-offer note (confidential, about the patient's health): not in the clear, and the mediator reads them", async () => {
    const { applicant, mediator } = await mediationRunning(h, { admin: ADMIN, staff: STAFF, applicant: APPLICANT, mediator: MEDIATOR });
    await proposeSettlement(mediator, "1 000 000", "Выплата на лечение последствий инсульта в течение 15 рабочих дней.");
    expect(to(h.fake.calls, APPLICANT).join("\n")).toContain("последствий инсульта");
    await applicant.press("Қарсы ұсыныс");
    await applicant.send("2 000 000");
    await applicant.send("Реабилитация после инсульта стоила дороже, есть чеки.");
    await applicant.press("Жіберу");
    expect(to(h.fake.calls, MEDIATOR).join("\n")).toContain("Реабилитация после инсульта стоила дороже");
    expect(await tablesWith("после инсульта стоила"), "tables holding the applicant's note in the clear").toEqual([]);
    expect(await tablesWith("последствий инсульта"), "tables holding the proposal's terms in the clear").toEqual([]);
  });
});
