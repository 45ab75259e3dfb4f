// Staff's own flows on a case (a receipt, a sitting) are opened for the case's organisation: when the user's staff role
// there is taken away while the flow is open — even if they are still staff of another organisation — it ends at the
// next message as a role's flow ends: told which organisation's role ended, in their language, nothing recorded, then
// the other organisation's home. Before, a staff role anywhere kept it open: they were asked on and refused only at
// its end with «Такое дело не найдено». Staff of that organisation only are told the role ended as before; staff not
// revoked there go on. Each test of a revocation in one of two organisations failed on the code before its fix.
import { describe, expect, it } from "vitest";
import { textsTo as to } from "../helpers/bot.js";
import { withBot as withWorld, type World } from "../helpers/world.js";
import { commissionFormed, joinStaff } from "../helpers/staff.js";
import { fileNotice } from "../helpers/notice.js";

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
const withBot = (start: string, run: (w: World) => Promise<void>) => withWorld([ADMIN], start, run);

const MENU_RU = "Что сделаем? Команды есть и в меню (/).";

/** The staff member's row of «Городская больница №7» (A), and a second organisation (B) they are staff of too. */
const staffOfTwo = async ({ t }: World) => {
  const row = await t.db.prisma.userRole.findFirstOrThrow({ where: { userId: BigInt(STAFF), role: "staff" } });
  const other = await t.db.prisma.organization.create({ data: { nameKk: "№2 емхана", nameRu: "Поликлиника №2", region: "shymkent" } });
  await t.db.prisma.userRole.create({ data: { userId: BigInt(STAFF), role: "staff", organizationId: other.id, title: row.title, termsVersion: row.termsVersion, termsAcceptedAt: row.termsAcceptedAt } });
  return { row, other };
};
const revoke = (w: World, id: number) => w.t.db.prisma.userRole.update({ where: { id }, data: { revokedAt: new Date() } });

describe("staff's own flow on a case whose organisation's role was taken away meanwhile", () => {
  it("staff of two organisations revoked in the case's one mid-receipt (ru): the registration number typed records nothing; told which organisation's role ended, then the other's home", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const staff = await joinStaff(w.h, ADMIN, STAFF, "ru");
      await fileNotice(w.h.user(APPLICANT, "kk"), "kk");
      const { row } = await staffOfTwo(w);
      await staff.send("/inbox");
      await staff.press("Открыть KZ-2026-000001");
      await staff.press("Отметить получение обращения");
      await revoke(w, row.id);
      const typed = await staff.send("01-12/345");
      expect(to(typed, STAFF)).toEqual([
        "В боте «Келісім» вы больше не значитесь сотрудником организации «Городская больница №7»: администратор отозвал вашу роль в ней. Начатое действие отменено, ничего не записано.",
        expect.stringMatching(/^«Поликлиника №2»: обращения\n/),
      ]);
      expect((await w.t.db.prisma.case.findFirstOrThrow()).receivedAt).toBeNull();
      expect(await w.t.db.prisma.caseEvent.count({ where: { kind: { contains: "receiv" } } })).toBe(0);
    });
  });

  it("staff of two organisations (kk) revoked in the case's one mid-scheduling a sitting: the time typed records nothing; told in Kazakh which organisation's role ended, then the other's home", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { staff } = await commissionFormed(w.h, ADMIN, STAFF, APPLICANT);
      const { row } = await staffOfTwo(w);
      await staff.send("/language");
      await staff.press("Қазақша");
      await staff.send("/inbox");
      await staff.press("KZ-2026-000001 ісін ашу");
      await staff.press("Отырыс тағайындау");
      await staff.send("25.11.2026");
      await revoke(w, row.id);
      const typed = await staff.send("15:00");
      expect(to(typed, STAFF)).toEqual([
        "«Келісім» ботында сіз енді «Городская больница №7» ұйымының қызметкері болып саналмайсыз: осы ұйымдағы рөліңізді әкімші қайтарып алды. Басталған әрекет болдырылмады, ештеңе жазылған жоқ.",
        expect.stringMatching(/^«№2 емхана»: өтініштер\n/),
      ]);
      expect(to(typed, APPLICANT)).toEqual([]);
      expect(await w.t.db.prisma.sitting.count()).toBe(0);
    });
  });

  it("staff of the case's organisation only, revoked mid-scheduling a sitting: the role-ended sentence as before, with no organisation named, then the home", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { staff } = await commissionFormed(w.h, ADMIN, STAFF, APPLICANT);
      const row = await w.t.db.prisma.userRole.findFirstOrThrow({ where: { userId: BigInt(STAFF), role: "staff" } });
      await staff.send("/inbox");
      await staff.press("Открыть KZ-2026-000001");
      await staff.press("Назначить заседание");
      await staff.send("25.11.2026");
      await revoke(w, row.id);
      const typed = await staff.send("15:00");
      expect(to(typed, STAFF)).toEqual([
        "В боте «Келісім» вы больше не значитесь сотрудником организации: администратор отозвал вашу роль. Начатое действие отменено, ничего не записано.",
        MENU_RU,
      ]);
      expect(await w.t.db.prisma.sitting.count()).toBe(0);
    });
  });

  it("staff of two organisations revoked in the other one mid-receipt of the case: unaffected — the receipt is recorded", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const staff = await joinStaff(w.h, ADMIN, STAFF, "ru");
      await fileNotice(w.h.user(APPLICANT, "kk"), "kk");
      const { other } = await staffOfTwo(w);
      await staff.send("/inbox");
      await staff.press("Открыть KZ-2026-000001");
      await staff.press("Отметить получение обращения");
      await w.t.db.prisma.userRole.updateMany({ where: { userId: BigInt(STAFF), organizationId: other.id }, data: { revokedAt: new Date() } });
      const asked = await staff.send("01-12/345");
      expect(to(asked, STAFF).join("\n")).not.toContain("больше не значитесь");
      const recorded = await staff.press("Сегодня");
      expect(to(recorded, STAFF)[0]).toBe(
        "Записано: обращение KZ-2026-000001 получено организацией 23.11.2026 (рег. № 01-12/345). Независимую экспертную комиссию нужно сформировать до конца дня 26.11.2026 (3 рабочих дня). Участники дела уведомлены.",
      );
      expect((await w.t.db.prisma.case.findFirstOrThrow()).receivedAt).not.toBeNull();
    });
  });
});
