// The signed mediation contract (law.md §4, Art. 20): the sides consent to its essentials in the bot, but the contract
// is signed on paper or with ЭЦП — the mediator or the organisation's staff attach it, with the day it was signed, and
// everyone in the mediation is told, each in their language. Before, the bot said consent was no signature and had no
// way to record the signed contract: the mediation's view had no such button.
import { describe, expect, it } from "vitest";
import { buttons, texts, textsTo as to } from "../helpers/bot.js";
import { withBot as withWorld, type World } from "../helpers/world.js";
import { agreeToContract, joinMediator, joinStaff, mediationRunning, proposeMediator } from "../helpers/staff.js";
import { fileNotice, joinRelative } from "../helpers/notice.js";

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
const MEDIATOR = 70;
const NUMBER = "KZ-2026-000001";
const IDS = { admin: ADMIN, staff: STAFF, applicant: APPLICANT, mediator: MEDIATOR };
const withBot = (start: string, run: (w: World) => Promise<void>) => withWorld([ADMIN], start, run);
const ATTACH = "Приложить подписанный договор о медиации";
const ASK_FILE = "Пришлите подписанный договор о медиации: скан или фото (PDF, JPG, PNG) либо файл, подписанный ЭЦП, в PDF.";
const ASK_DAY = "В какой день договор о медиации подписали стороны и медиатор? Нажмите кнопку или напишите дату в виде ДД.ММ.ГГГГ, например 30.11.2026.";

describe("the signed mediation contract (law.md §4, Art. 20)", () => {
  it("the mediator attaches it (ru) with the day it was signed; wrong days and a sticker are refused, nothing recorded before «Записать»; the applicant is told in Kazakh, with the file captioned", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h, at }) => {
      const { applicant, mediator } = await mediationRunning(h, IDS);
      await joinRelative(h, applicant, 60);
      at("2026-11-25T11:00:00+05:00");
      await mediator.send("/inbox");
      const view = await mediator.press(`Открыть ${NUMBER}`);
      expect(buttons(view), "the mediator's view").toEqual(["Написать", "Предложить урегулирование", "Завершить медиацию", ATTACH]);
      expect(texts(await mediator.press(ATTACH))).toEqual([ASK_FILE]);
      // A sticker where the file is expected: what is wanted, and the question again.
      expect(texts(await mediator.sticker()), "a sticker").toEqual(["Нужен PDF или фото (JPG, PNG).", ASK_FILE]);
      expect(texts(await mediator.document("application/pdf", "contract-1"))).toEqual([ASK_DAY]);
      // A day still to come, and one before the notice was saved in the bot (23.11.2026): each refused with its reason.
      expect(texts(await mediator.send("26.11.2026")), "a future day").toEqual(["Этот день ещё не наступил. Напишите дату не позже сегодняшней.", ASK_DAY]);
      expect(texts(await mediator.send("22.11.2026")), "a day before the notice was saved").toEqual([
        "Обращение по этому делу сохранено в боте 23.11.2026: день подписания договора о медиации — не раньше. Напишите дату не раньше 23.11.2026 и не позже сегодняшней.",
        ASK_DAY,
      ]);
      const day = await mediator.send("24.11.2026");
      expect({ said: texts(day), buttons: buttons(day) }).toEqual({
        said: ["Проверьте: подписанный договор о медиации, страниц: 1, подписан 24.11.2026. Пока вы не нажмёте «Записать», ничего не сохранится."],
        buttons: ["Записать", "Отмена"],
      });
      expect(await t.db.prisma.caseEvent.count({ where: { kind: "contract_signed" } }), "nothing recorded before «Записать»").toBe(0);
      const saved = await mediator.press("Записать");
      const files = (id: number) => saved.filter((c) => c.method === "sendDocument" && c.payload.chat_id === id).map((c) => [c.payload.document, c.payload.caption]);
      expect({
        applicant: to(saved, APPLICANT),
        applicantFiles: files(APPLICANT),
        staff: to(saved, STAFF),
        staffFiles: files(STAFF),
        mediator: to(saved, MEDIATOR)[0],
      }).toEqual({
        applicant: [`${NUMBER} ісі: қол қойылған медиация туралы шарт тіркелді (24.11.2026 күні қол қойылған).`],
        applicantFiles: [["contract-1", `${NUMBER} · қол қойылған медиация туралы шарт`]],
        staff: [`Дело ${NUMBER}: подписанный договор о медиации приложен (подписан 24.11.2026).`],
        staffFiles: [["contract-1", `${NUMBER} · подписанный договор о медиации`]],
        mediator: `Дело ${NUMBER}: подписанный договор о медиации приложен (подписан 24.11.2026).`,
      });
      // Recorded: the view says so, and its button is gone; the case's timeline shows it.
      await mediator.send("/inbox");
      const after = await mediator.press(`Открыть ${NUMBER}`);
      expect({ said: texts(after), buttons: buttons(after) }).toEqual({
        said: [`Медиация по делу ${NUMBER}: идёт.\nПодписанный договор о медиации приложен (24.11.2026).`],
        buttons: ["Написать", "Предложить урегулирование", "Завершить медиацию"],
      });
      await applicant.send("/cases");
      expect(texts(await applicant.press(`${NUMBER} ісін ашу`))[0], "the applicant's timeline").toContain("24.11.2026 — медиация туралы шартқа қол қойылды");
      // Dated by the day it was signed, not the day it was attached; a relative, who sees a mediation begin and end, not its course.
      const relative = h.user(60, "ru");
      await relative.send("/cases");
      const seen = texts(await relative.press(`Открыть ${NUMBER}`))[0];
      expect(seen, "the relative's view of the case").toMatch(/^Дело KZ-2026-000001 — /);
      expect(seen, "the relative's timeline").not.toContain("договор о медиации");
      // The case's negotiation in the bot is as it was: it opened at both sides' consent.
      expect((await t.db.prisma.mediation.findFirstOrThrow()).state).toBe("running");
      // A second recording (an old button): refused, with the mediation to open.
      const m = await t.db.prisma.mediation.findFirstOrThrow();
      const second = await mediator.pressData(`g:mdcontract:${m.id}`);
      expect({ said: to(second, MEDIATOR), buttons: buttons(second) }).toEqual({
        said: [`Дело ${NUMBER}: подписанный договор о медиации уже приложен (подписан 24.11.2026). Приложить его повторно нельзя.`],
        buttons: ["Медиация"],
      });
      expect(await t.db.prisma.caseEvent.count({ where: { kind: "contract_signed" } })).toBe(1);
    });
  });

  it("a day after the notice was saved in the bot but before the bot proposed the mediation is taken: the sides may have engaged a mediator on paper first", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h, at }) => {
      const staff = await joinStaff(h, ADMIN, STAFF, "ru");
      const applicant = h.user(APPLICANT, "kk");
      await fileNotice(applicant, "kk"); // saved 23.11.2026
      at("2026-11-27T10:00:00+05:00");
      const mediator = await joinMediator(h, ADMIN, MEDIATOR);
      await proposeMediator(staff); // the mediation proposed 27.11.2026
      await mediator.press("Согласен(на) быть медиатором");
      await agreeToContract(applicant, staff);
      await mediator.send("/inbox");
      await mediator.press(`Открыть ${NUMBER}`);
      await mediator.press(ATTACH);
      await mediator.document("application/pdf", "contract-1");
      const day = await mediator.send("25.11.2026");
      expect({ said: texts(day), buttons: buttons(day) }).toEqual({
        said: ["Проверьте: подписанный договор о медиации, страниц: 1, подписан 25.11.2026. Пока вы не нажмёте «Записать», ничего не сохранится."],
        buttons: ["Записать", "Отмена"],
      });
      expect(to(await mediator.press("Записать"), MEDIATOR)[0]).toBe(`Дело ${NUMBER}: подписанный договор о медиации приложен (подписан 25.11.2026).`);
      const ev = await t.db.prisma.caseEvent.findFirstOrThrow({ where: { kind: "contract_signed" } });
      expect((ev.payload as { on?: string }).on).toBe("2026-11-25");
    });
  });

  it("the mediation ended while the scan was being attached: «Записать» is refused with why, then the mediator's home once — nothing recorded", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      const { mediator } = await mediationRunning(h, IDS);
      await mediator.send("/inbox");
      await mediator.press(`Открыть ${NUMBER}`);
      await mediator.press(ATTACH);
      await mediator.document("application/pdf", "contract-1");
      await mediator.press("Сегодня");
      await t.db.prisma.mediation.updateMany({ data: { state: "ended", endReason: "withdrawn" } });
      const saved = await mediator.press("Записать");
      // The refusal, then the mediator's home (the flow's end brings it), once.
      expect(to(saved, MEDIATOR)).toEqual([`По делу ${NUMBER} медиация уже завершена без соглашения.`, expect.stringMatching(/^Медиации\n/)]);
      expect(await t.db.prisma.caseEvent.count({ where: { kind: "contract_signed" } })).toBe(0);
    });
  });

  it("a forged button pressed by the applicant or by another organisation's staff is refused, with their home after it; nothing is recorded", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      const { applicant } = await mediationRunning(h, IDS);
      const other = await joinStaff(h, ADMIN, 53, "ru", "Областная больница", "г. Алматы");
      const m = await t.db.prisma.mediation.findFirstOrThrow();
      const byApplicant = await applicant.pressData(`g:mdcontract:${m.id}`);
      const byOther = await other.pressData(`g:mdcontract:${m.id}`);
      const alert = (calls: typeof byApplicant) => calls.filter((c) => c.method === "answerCallbackQuery").map((c) => c.payload.text);
      expect({ applicantAlert: alert(byApplicant), applicant: to(byApplicant, APPLICANT), other: to(byOther, 53), otherButtons: buttons(byOther).length > 0 }).toEqual({
        // The applicant, in Kazakh: the button is not theirs — told so, their menu after it.
        applicantAlert: ["Бұл батырма ескірген."],
        applicant: [expect.stringMatching(/^Не істейміз\?/)],
        // Another organisation's staff: no such case of theirs, their own home after it.
        other: ["Такое дело не найдено, или вы в нём не участвуете.", expect.stringMatching(/^«Областная больница»: обращения\n/)],
        otherButtons: true,
      });
      expect(await t.db.prisma.caseEvent.count({ where: { kind: "contract_signed" } })).toBe(0);
    });
  });

  it("staff attach it as an album of pages, «Сегодня» for the day; «Отмена» at the confirmation records nothing; each page reaches the others captioned", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      const { staff } = await mediationRunning(h, IDS);
      await staff.send("/inbox");
      await staff.press(`Открыть ${NUMBER}`);
      expect(buttons(await staff.press("Медиация")), "staff's view").toContain(ATTACH);
      await staff.press(ATTACH);
      await staff.album(["page-1", "page-2"], "g1");
      await staff.press("Готово");
      await staff.press("Сегодня");
      // Cancelled at the confirmation: nothing stored; the button is still there.
      await staff.press("Отмена");
      expect(await t.db.prisma.caseEvent.count({ where: { kind: "contract_signed" } })).toBe(0);
      await staff.send("/inbox");
      await staff.press(`Открыть ${NUMBER}`);
      await staff.press("Медиация");
      await staff.press(ATTACH);
      await staff.album(["page-1", "page-2"], "g2");
      await staff.press("Готово");
      expect(texts(await staff.press("Сегодня"))).toEqual(["Проверьте: подписанный договор о медиации, страниц: 2, подписан 23.11.2026. Пока вы не нажмёте «Записать», ничего не сохранится."]);
      const saved = await staff.press("Записать");
      const files = (id: number) => saved.filter((c) => c.method === "sendDocument" || c.method === "sendPhoto").filter((c) => c.payload.chat_id === id).map((c) => c.payload.caption);
      expect({ applicant: files(APPLICANT), mediator: files(MEDIATOR), staff: files(STAFF) }).toEqual({
        applicant: [`${NUMBER} · қол қойылған медиация туралы шарт, 2 беттің 1-беті`, `${NUMBER} · қол қойылған медиация туралы шарт, 2 беттің 2-беті`],
        mediator: [`${NUMBER} · подписанный договор о медиации, страница 1 из 2`, `${NUMBER} · подписанный договор о медиации, страница 2 из 2`],
        staff: [],
      });
    });
  });
});
