// A mediation's flows that every side may open (a message, a counter-offer, the signed agreement) opened by the mediator
// or by staff: when that role is taken away while the flow is open, it ends at the next message as a role's flow ends —
// the role-ended sentence in their language, nothing recorded or sent, then their home as they stand now. Before, they
// were asked on, and refused only at the end with «Такое дело не найдено». Each test failed on the code before its fix.
import { describe, expect, it } from "vitest";
import { buttons, textsTo as to } from "../helpers/bot.js";
import { withBot as withWorld, type World } from "../helpers/world.js";
import { mediationRunning, proposeSettlement } from "../helpers/staff.js";

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
const MEDIATOR = 70;
const IDS = { admin: ADMIN, staff: STAFF, applicant: APPLICANT, mediator: MEDIATOR };
const withBot = (start: string, run: (w: World) => Promise<void>) => withWorld([ADMIN], start, run);

const MENU_RU = "Что сделаем? Команды есть и в меню (/).";
const MENU_KK = "Не істейміз? Командалар (/) мәзірінде де бар.";

describe("a mediation's flow whose opener's role was taken away meanwhile", () => {
  it("a mediator revoked while writing a message: the message typed is not sent; told the role ended (ru), then their home", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      const { mediator } = await mediationRunning(h, IDS);
      await mediator.send("/inbox");
      await mediator.press("Открыть KZ-2026-000001");
      await mediator.press("Написать");
      await mediator.press("Обеим сторонам");
      await t.db.prisma.userRole.updateMany({ where: { userId: BigInt(MEDIATOR), role: "mediator" }, data: { revokedAt: new Date() } });
      const typed = await mediator.send("Добрый день, предлагаю встречу в пятницу.");
      expect(to(typed, MEDIATOR)).toEqual([
        "В боте «Келісім» вы больше не значитесь медиатором: администратор отозвал вашу роль. Начатое действие отменено, ничего не записано.",
        MENU_RU,
      ]);
      expect(to(typed, APPLICANT)).toEqual([]);
      expect(to(typed, STAFF)).toEqual([]);
    });
  });

  it("a mediator (kk) revoked while recording the signed agreement: the file sent records nothing; told in Kazakh, then their home", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      const { staff, applicant, mediator } = await mediationRunning(h, IDS);
      await proposeSettlement(mediator, "2 700 000");
      await applicant.press("Қабылдау");
      await staff.press("Принять");
      const p = await t.db.prisma.proposal.findFirstOrThrow();
      await applicant.pressData(`g:pconf:${p.id}`);
      await staff.pressData(`g:pconf:${p.id}`);
      await mediator.send("/language");
      await mediator.press("Қазақша");
      await mediator.send("/inbox");
      await mediator.press("KZ-2026-000001 ісін ашу");
      await mediator.press("Қол қойылған келісімді тіркеу");
      await t.db.prisma.userRole.updateMany({ where: { userId: BigInt(MEDIATOR), role: "mediator" }, data: { revokedAt: new Date() } });
      const sent = await mediator.document("application/pdf", "signed");
      expect(to(sent, MEDIATOR)).toEqual([
        "«Келісім» ботында сіз енді медиатор болып саналмайсыз: рөліңізді әкімші қайтарып алды. Басталған әрекет болдырылмады, ештеңе жазылған жоқ.",
        MENU_KK,
      ]);
      expect(buttons(sent)).toContain("Өтініш беру");
      expect(to(sent, APPLICANT)).toEqual([]);
      expect((await t.db.prisma.case.findFirstOrThrow()).status).toBe("mediation");
      expect((await t.db.prisma.mediation.findFirstOrThrow()).state).toBe("signing");
    });
  });

  it("staff revoked in the case's organisation, still staff of another, mid a counter-offer on its case: told which organisation's role ended, nothing sent, then the other organisation's home", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      const { staff, mediator } = await mediationRunning(h, IDS);
      await proposeSettlement(mediator, "2 700 000");
      const row = await t.db.prisma.userRole.findFirstOrThrow({ where: { userId: BigInt(STAFF), role: "staff" } });
      const other = await t.db.prisma.organization.create({ data: { nameKk: "№2 емхана", nameRu: "Поликлиника №2", region: "shymkent" } });
      await t.db.prisma.userRole.create({ data: { userId: BigInt(STAFF), role: "staff", organizationId: other.id, title: row.title, termsVersion: row.termsVersion, termsAcceptedAt: row.termsAcceptedAt } });
      await staff.press("Встречное предложение");
      await staff.send("2 000 000");
      await t.db.prisma.userRole.update({ where: { id: row.id }, data: { revokedAt: new Date() } });
      const typed = await staff.send("Сумма завышена: лечение оплачено клиникой.");
      expect(to(typed, STAFF)).toEqual([
        "В боте «Келісім» вы больше не значитесь сотрудником организации «Городская больница №7»: администратор отозвал вашу роль в ней. Начатое действие отменено, ничего не записано.",
        expect.stringMatching(/^«Поликлиника №2»: обращения\n/),
      ]);
      expect(to(typed, MEDIATOR)).toEqual([]);
      expect(await t.db.prisma.proposal.count()).toBe(1);
    });
  });

  it("an applicant in the same flow is not touched: their counter-offer goes to the mediator", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      const { applicant, mediator } = await mediationRunning(h, IDS);
      await proposeSettlement(mediator, "2 700 000");
      await applicant.press("Қарсы ұсыныс");
      await applicant.send("3 000 000");
      await applicant.send("Емдеу шығыны көбірек.");
      const sent = await applicant.press("Жіберу");
      expect(to(sent, MEDIATOR)[0]).toMatch(/^Дело KZ-2026-000001: встречное предложение/);
      expect(await t.db.prisma.proposal.count(), "the counter-offer stored beside the proposal").toBe(2);
    });
  });
});
