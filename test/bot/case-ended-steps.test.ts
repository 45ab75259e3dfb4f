// Staff's steps on a case that moved on say why they cannot be recorded, in a sentence of their own: a case settled
// (its signed agreement recorded: law.md §4) records no receipt, commission or conclusion any more — before, a receipt
// was said to be «уже записано: ...» (none was, and no date), the formation «По делу … это сейчас сделать нельзя»; a
// conclusion before the commission is marked formed says that, not «the commission is not formed or there is a
// conclusion already». Each failed before its fix.
import { describe, expect, it } from "vitest";
import { texts, textsTo as to } from "../helpers/bot.js";
import { withBot as withWorld, type World } from "../helpers/world.js";
import { commissionFormed, joinStaff, mediationRunning, recordReceipt, settleByAgreement } from "../helpers/staff.js";
import { fileNotice } from "../helpers/notice.js";
import { encodeAction } from "../../machines/actions.js";
import { recordReceipt as recordReceiptAction } from "../../bot/features/receipt/actions.js";

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
const MEDIATOR = 70;
const IDS = { admin: ADMIN, staff: STAFF, applicant: APPLICANT, mediator: MEDIATOR };
const withBot = (start: string, run: (w: World) => Promise<void>) => withWorld([ADMIN], start, run);

const STAFF_HOME: unknown = expect.stringMatching(/^«Городская больница №7»: обращения\n/);
const STAFF_HOME_KK: unknown = expect.stringMatching(/^«Городская больница №7»: өтініштер\n/);
const SETTLED_RU =
  "Дело KZ-2026-000001 урегулировано: подписанное соглашение об урегулировании спора записано в боте. Получение обращения, комиссию и заключение по нему в боте больше не отмечают.";
const SETTLED_KK =
  "KZ-2026-000001 ісі бойынша дау реттелді: дауды реттеу туралы қол қойылған келісім ботта тіркелді. Бұл іс бойынша өтініштің алынуы, комиссия мен қорытынды ботта енді белгіленбейді.";

describe("a staff step on a case that moved on: why", () => {
  it("a receipt recorded for a case settled by a mediation before any receipt: said settled (ru), nothing recorded — not «already recorded»", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      const { staff, applicant, mediator } = await mediationRunning(h, IDS);
      await settleByAgreement({ staff, applicant, mediator });
      const k = await t.db.prisma.case.findFirstOrThrow();
      expect(k.status).toBe("settled");
      // «Отметить получение обращения» on the case's view shown before the settlement: said at once, before the
      // registration number is asked for nothing.
      const pressed = await staff.pressData(`g:${encodeAction(recordReceiptAction, { caseId: k.id, notBefore: "2026-11-23" })}`);
      expect(to(pressed, STAFF)).toEqual([SETTLED_RU, STAFF_HOME]);
      expect(to(pressed, APPLICANT)).toEqual([]);
      expect((await t.db.prisma.case.findFirstOrThrow()).receivedAt).toBeNull();
    });
  });

  it("a receipt begun before the case was settled and saved after: said settled (ru) at Save, nothing recorded", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      const staff = await joinStaff(h, ADMIN, STAFF, "ru");
      await fileNotice(h.user(APPLICANT, "kk"), "kk");
      const k = await t.db.prisma.case.findFirstOrThrow();
      await staff.pressData(`g:${encodeAction(recordReceiptAction, { caseId: k.id, notBefore: "2026-11-23" })}`);
      await staff.send("01-12/345");
      await t.db.prisma.case.update({ where: { id: k.id }, data: { status: "settled", closedAt: new Date() } });
      const saved = await staff.press("Сегодня");
      expect(to(saved, STAFF)).toEqual([SETTLED_RU, STAFF_HOME]);
      expect(to(saved, APPLICANT)).toEqual([]);
      expect((await t.db.prisma.case.findFirstOrThrow()).receivedAt).toBeNull();
    });
  });

  it("the formation «Подтверждаю» on a settled case never formed: said settled (kk), not formed", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      const staff = await joinStaff(h, ADMIN, STAFF, "kk");
      await fileNotice(h.user(APPLICANT, "kk"), "kk");
      await recordReceipt(staff, "kk");
      const k = await t.db.prisma.case.findFirstOrThrow();
      await t.db.prisma.case.update({ where: { id: k.id }, data: { status: "settled", closedAt: new Date() } });
      expect(texts(await staff.pressData(`g:sformok:${k.id}`))).toEqual([SETTLED_KK, STAFF_HOME_KK]);
      expect((await t.db.prisma.case.findFirstOrThrow()).formedAt).toBeNull();
    });
  });

  it("the conclusion on a settled case: said settled (ru), before anything is asked", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      const { staff } = await commissionFormed(h, ADMIN, STAFF, APPLICANT);
      const k = await t.db.prisma.case.findFirstOrThrow();
      await t.db.prisma.case.update({ where: { id: k.id }, data: { status: "settled", closedAt: new Date() } });
      expect(texts(await staff.pressData(`g:sconc:${k.id}`))).toEqual([SETTLED_RU, STAFF_HOME]);
    });
  });

  it("the conclusion before the commission is marked formed: said it comes after (ru, kk)", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      const staff = await joinStaff(h, ADMIN, STAFF, "ru");
      await fileNotice(h.user(APPLICANT, "kk"), "kk");
      await recordReceipt(staff, "ru");
      const k = await t.db.prisma.case.findFirstOrThrow();
      expect(texts(await staff.pressData(`g:sconc:${k.id}`))).toEqual([
        "Заключение по делу KZ-2026-000001 можно записать после того, как комиссия будет отмечена как сформированная.",
        STAFF_HOME,
      ]);
      await staff.send("/language");
      await staff.press("Қазақша");
      expect(texts(await staff.pressData(`g:sconc:${k.id}`))).toEqual(["KZ-2026-000001 ісі бойынша қорытындыны комиссия құрылды деп белгіленгеннен кейін жазуға болады.", STAFF_HOME_KK]);
    });
  });
});
