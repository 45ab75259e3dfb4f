// Personal data at rest (law.md §7): free text about the patient's health, typed by staff or the mediation's
// members, is sealed with DATA_KEY like the notice's sensitive fields — someone with the database file alone
// does not read it — and still shown to those it is for.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { testBot, textsTo as to, type Harness } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { commissionFormed, mediationRunning } from "../helpers/staff.js";

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
const MEDIATOR = 70;
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
    await mediator.send("/inbox");
    await mediator.press("Открыть KZ-2026-000001");
    await mediator.press("Предложить урегулирование");
    await mediator.send("1 000 000");
    await mediator.send("Выплата на лечение последствий инсульта в течение 15 рабочих дней.");
    await mediator.press("10 дней");
    await mediator.press("Отправить");
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
