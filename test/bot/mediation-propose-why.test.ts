// «Предложить медиацию» and the mediator chosen, on a case that can take no new mediation, say why in a sentence of
// its own — settled (the signed agreement recorded: law.md §4), a mediator already proposed who has not answered, the
// sides considering the contract, a mediation running — then the presser's home. Before, a settled case got «По делу …
// это сейчас сделать нельзя» (with nothing to press after the choice of a mediator), one under way «медиация уже
// назначена или идёт». Each failed before its fix.
import { describe, expect, it } from "vitest";
import { texts, textsTo as to } from "../helpers/bot.js";
import { withBot as withWorld, type World } from "../helpers/world.js";
import { mediationAssigned, mediationRunning, openAdmin, settleByAgreement } from "../helpers/staff.js";

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
const MEDIATOR = 70;
const IDS = { admin: ADMIN, staff: STAFF, applicant: APPLICANT, mediator: MEDIATOR };
const withBot = (start: string, run: (w: World) => Promise<void>) => withWorld([ADMIN], start, run);

const STAFF_HOME: unknown = expect.stringMatching(/^«Городская больница №7»: обращения\n/);
const STAFF_HOME_KK: unknown = expect.stringMatching(/^«Городская больница №7»: өтініштер\n/);

describe("no new mediation on the case: why", () => {
  it("settled by the signed agreement recorded: said so (ru, kk), then staff's home; nothing proposed", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      const { staff, applicant, mediator } = await mediationRunning(h, IDS);
      await settleByAgreement({ staff, applicant, mediator });
      const k = await t.db.prisma.case.findFirstOrThrow();
      const role = await t.db.prisma.userRole.findFirstOrThrow({ where: { userId: BigInt(MEDIATOR), role: "mediator" } });
      const settled = "Дело KZ-2026-000001 урегулировано: подписанное соглашение об урегулировании спора записано в боте. Новая медиация по нему не начинается.";
      expect(texts(await staff.pressData(`g:mdpick:${k.id}`))).toEqual([settled, STAFF_HOME]);
      const chosen = await staff.pressData(`g:mdassign:${k.id}:${role.id}`);
      expect(to(chosen, STAFF)).toEqual([settled, STAFF_HOME]);
      expect(to(chosen, MEDIATOR)).toEqual([]);
      await staff.send("/language");
      await staff.press("Қазақша");
      expect(texts(await staff.pressData(`g:mdpick:${k.id}`))).toEqual([
        "KZ-2026-000001 ісі бойынша дау реттелді: дауды реттеу туралы қол қойылған келісім ботта тіркелді. Бұл іс бойынша жаңа медиация басталмайды.",
        STAFF_HOME_KK,
      ]);
      expect(await t.db.prisma.mediation.count()).toBe(1);
    });
  });

  it("a mediator proposed who has not answered: said so (kk), then staff's home", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      const { staff } = await mediationAssigned(h, IDS);
      await staff.send("/language");
      await staff.press("Қазақша");
      const k = await t.db.prisma.case.findFirstOrThrow();
      expect(texts(await staff.pressData(`g:mdpick:${k.id}`))).toEqual(["KZ-2026-000001 ісі бойынша медиатор ұсынылған, оның жауабы әзірге жоқ.", STAFF_HOME_KK]);
      expect(await t.db.prisma.mediation.count()).toBe(1);
    });
  });

  it("the mediator accepted, the sides considering the contract: an admin assigning another is told so (ru)", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      const { mediator } = await mediationAssigned(h, IDS);
      await mediator.press("Согласен(на) быть медиатором");
      const admin = h.user(ADMIN, "ru");
      await openAdmin(admin);
      const k = await t.db.prisma.case.findFirstOrThrow();
      const role = await t.db.prisma.userRole.findFirstOrThrow({ where: { userId: BigInt(MEDIATOR), role: "mediator" } });
      const said = texts(await admin.pressData(`g:mdassign:${k.id}:${role.id}`));
      expect(said[0]).toBe("По делу KZ-2026-000001 медиатор уже согласился вести дело, стороны сейчас рассматривают договор о медиации.");
      expect(said).toHaveLength(2);
      expect(await t.db.prisma.mediation.count()).toBe(1);
    });
  });

  it("a mediation running: said so (ru), then staff's home", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      const { staff } = await mediationRunning(h, IDS);
      const k = await t.db.prisma.case.findFirstOrThrow();
      expect(texts(await staff.pressData(`g:mdpick:${k.id}`))).toEqual(["По делу KZ-2026-000001 медиация уже идёт.", STAFF_HOME]);
    });
  });
});
