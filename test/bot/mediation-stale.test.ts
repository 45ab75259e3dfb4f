// A mediation's button pressed after the mediation moved on says why it cannot be done, in a sentence of its own per
// reason — ended with the signed agreement recorded, ended without one, never begun, the proposal replaced by a newer
// one, already answered — then the way on (their home). Before, each said only «По делу … это сейчас сделать нельзя»
// (or that the proposal «no longer stands: there is a newer one, or the mediation ended»). Each failed before its fix.
import { describe, expect, it } from "vitest";
import { buttons, texts, textsTo as to } from "../helpers/bot.js";
import { withBot as withWorld, type World } from "../helpers/world.js";
import { mediationAssigned, mediationRunning, proposeSettlement, settleByAgreement, textAgreed } from "../helpers/staff.js";

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
const MEDIATOR = 70;
const IDS = { admin: ADMIN, staff: STAFF, applicant: APPLICANT, mediator: MEDIATOR };
const withBot = (start: string, run: (w: World) => Promise<void>) => withWorld([ADMIN], start, run);

const STAFF_HOME: unknown = expect.stringMatching(/^«Городская больница №7»: обращения\n/);
const MENU_KK: unknown = expect.stringMatching(/^Не істейміз\?/);
const MEDIATOR_HOME: unknown = expect.stringMatching(/^Медиации\n/);

describe("a stale mediation button says why", () => {
  it("«Принять» on a proposal after the mediator ended the mediation: it ended without an agreement (ru, kk)", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      const { staff, applicant, mediator } = await mediationRunning(h, IDS);
      await proposeSettlement(mediator, "2 700 000");
      const p = await t.db.prisma.proposal.findFirstOrThrow();
      await mediator.press("Завершить медиацию");
      await mediator.press("Завершить");
      expect(texts(await staff.pressData(`g:pacc:${p.id}`))).toEqual(["По делу KZ-2026-000001 медиация уже завершена без соглашения.", STAFF_HOME]);
      expect(texts(await applicant.pressData(`g:pacc:${p.id}`))).toEqual(["KZ-2026-000001 ісі бойынша медиация келісімсіз аяқталған.", MENU_KK]);
    });
  });

  it("a proposal replaced by a newer one: said so; once the mediation ended, that it ended — not the newer one to answer", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      const { applicant, mediator } = await mediationRunning(h, IDS);
      await proposeSettlement(mediator, "2 700 000");
      const p1 = await t.db.prisma.proposal.findFirstOrThrow();
      await proposeSettlement(mediator, "3 000 000");
      expect(texts(await applicant.pressData(`g:pacc:${p1.id}`))).toEqual(["KZ-2026-000001 ісі бойынша 1-ұсыныс енді күшінде емес: медиатор жаңа ұсыныс жасады.", MENU_KK]);
      await mediator.press("Завершить медиацию");
      await mediator.press("Завершить");
      expect(texts(await applicant.pressData(`g:pacc:${p1.id}`))).toEqual(["KZ-2026-000001 ісі бойынша медиация келісімсіз аяқталған.", MENU_KK]);
    });
  });

  it("after the signed agreement is recorded, its buttons say the mediation ended with the agreement", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      const { staff, applicant, mediator } = await mediationRunning(h, IDS);
      await settleByAgreement({ staff, applicant, mediator });
      const p = await t.db.prisma.proposal.findFirstOrThrow();
      const m = await t.db.prisma.mediation.findFirstOrThrow();
      expect(texts(await staff.pressData(`g:mdsign:${m.id}`))).toEqual(["По делу KZ-2026-000001 медиация уже завершена: подписанное соглашение об урегулировании спора приложено.", STAFF_HOME]);
      expect(texts(await mediator.pressData(`g:pacc:${p.id}`))[0]).toBe("Такое дело не найдено, или вы в нём не участвуете.");
      expect(texts(await applicant.pressData(`g:pctr:${p.id}`))).toEqual(["KZ-2026-000001 ісі бойынша медиация аяқталды: дауды реттеу туралы қол қойылған келісім ботқа тіркелді.", MENU_KK]);
    });
  });

  it("the contract refused by a side: the other side's «Согласен(на) с договором» says the mediation did not begin, and why", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ h }) => {
      const { staff, applicant, mediator } = await mediationAssigned(h, IDS);
      await mediator.press("Согласен(на) быть медиатором");
      await applicant.press("Келіспеймін");
      expect(texts(await staff.press("Согласен(на) с договором"))).toEqual([
        "По делу KZ-2026-000001 медиация не началась: одна из сторон не согласилась с договором о медиации.",
        STAFF_HOME,
      ]);
    });
  });

  it("the mediator's «Согласен(на) быть медиатором» pressed again: already agreed; declined: did not begin", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      const { mediator } = await mediationAssigned(h, IDS);
      const m = await t.db.prisma.mediation.findFirstOrThrow();
      await mediator.press("Согласен(на) быть медиатором");
      expect(to(await mediator.pressData(`g:mdacc:${m.id}`), MEDIATOR)).toEqual(["По делу KZ-2026-000001 вы уже согласились быть медиатором.", MEDIATOR_HOME]);
      await t.db.prisma.mediation.update({ where: { id: m.id }, data: { state: "declined", endReason: "declined" } });
      expect(to(await mediator.pressData(`g:mdacc:${m.id}`), MEDIATOR)).toEqual(["Вы уже отказались быть медиатором по делу KZ-2026-000001: медиация не началась.", MEDIATOR_HOME]);
    });
  });

  it("«Оқыдым және келісемін» pressed again after both sides agreed to the text: nothing to confirm again, the signed agreement settles it (kk, ru)", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      const { staff, applicant } = await textAgreed(await mediationRunning(h, IDS));
      const p = await t.db.prisma.proposal.findFirstOrThrow();
      expect(texts(await applicant.pressData(`g:pconf:${p.id}`))).toEqual([
        "KZ-2026-000001 ісі бойынша екі тарап та келісімнің мәтінімен келісіп қойған, оны қайта растаудың қажеті жоқ. Медиатор немесе ұйым қол қойылған келісімді тіркегенде іс реттеледі.",
        MENU_KK,
      ]);
      expect(texts(await staff.pressData(`g:pconf:${p.id}`))).toEqual([
        "По делу KZ-2026-000001 обе стороны уже согласились с текстом соглашения, подтверждать его снова не нужно. Дело будет урегулировано, когда медиатор или организация приложат подписанное соглашение.",
        STAFF_HOME,
      ]);
      expect(await t.db.prisma.caseEvent.count({ where: { kind: "agreement_confirmed" } })).toBe(2);
    });
  });

  it("«Шағым дайындау» once both sides agreed to the agreement's text: it waits for the signed agreement — not «leave by «Медиацияны ашу», then «Медиациядан шығу»», a button its view then has not", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      const { applicant } = await textAgreed(await mediationRunning(h, IDS));
      const c = await t.db.prisma.case.findFirstOrThrow();
      const pressed = await applicant.pressData(`g:esc:${c.id}`);
      expect(texts(pressed)).toEqual([
        "KZ-2026-000001 ісі бойынша тараптар дауды реттеу туралы келісімнің мәтінімен келісті, медиация қол қойылған келісімді күтуде. Келісімге қол қойылмай, медиация онсыз аяқталса, шағымның жобасын ботта дайындауға болады.",
        MENU_KK,
      ]);
      expect(buttons(pressed.filter((x) => x.method === "sendMessage").slice(0, 1))).toEqual(["Медиацияны ашу"]);
      expect(buttons(await applicant.press("Медиацияны ашу"))).not.toContain("Медиациядан шығу");
    });
  });

  it("the agreement's «Оқыдым және келісемін» after the one who accepted for the organisation lost the role: both sides must accept the proposal first", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      const { staff, applicant, mediator } = await mediationRunning(h, IDS);
      await proposeSettlement(mediator, "2 700 000");
      await applicant.press("Қабылдау");
      await staff.press("Принять");
      await t.db.prisma.userRole.updateMany({ where: { userId: BigInt(STAFF), role: "staff" }, data: { revokedAt: new Date("2026-11-23T06:00:00Z") } });
      const p = await t.db.prisma.proposal.findFirstOrThrow();
      expect(texts(await applicant.pressData(`g:pconf:${p.id}`))).toEqual([
        "KZ-2026-000001 ісі, 1-ұсыныс: келісім мәтінін әзірге растауға болмайды — оны ұсынысты екі тарап та қабылдаған соң растайды.",
        MENU_KK,
      ]);
    });
  });

  it("«Оқыдым және келісемін» pressed twice before the other side confirmed: the first confirmation's time stays, logged once", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h, at }) => {
      const { staff, applicant, mediator } = await mediationRunning(h, IDS);
      await proposeSettlement(mediator, "2 700 000");
      await applicant.press("Қабылдау");
      await staff.press("Принять");
      await applicant.press("Оқыдым және келісемін");
      const first = await t.db.prisma.proposalResponse.findFirstOrThrow({ where: { userId: BigInt(APPLICANT) } });
      at("2026-11-23T11:00:00+05:00");
      const p = await t.db.prisma.proposal.findFirstOrThrow();
      expect(texts(await applicant.pressData(`g:pconf:${p.id}`))).toEqual([
        "Растауыңыз тіркелді. Екінші тарап та растаған соң, KZ-2026-000001 ісі бойынша келісімге қол қою қалады: ботта растау — қол қою емес.",
        MENU_KK,
      ]);
      const again = await t.db.prisma.proposalResponse.findFirstOrThrow({ where: { userId: BigInt(APPLICANT) } });
      expect({ at: again.confirmedAt, logged: await t.db.prisma.caseEvent.count({ where: { kind: "agreement_confirmed" } }) }).toEqual({ at: first.confirmedAt, logged: 1 });
    });
  });
});
