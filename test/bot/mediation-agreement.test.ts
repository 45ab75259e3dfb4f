// The settlement agreement both sides accepted (review of journey J5): it is not undone by an old button, the case
// is settled for the amount whose text both confirmed, and the applicant confirms it next to the statutory minimum.
// Each test failed on the code before its fix.
import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { buttons, shown, TEST_DATA_KEY, testBot, texts, type Harness, type TestUser, textsTo as to } from "../helpers/bot.js";
import { runJobsAt, withBot as withWorld, type World } from "../helpers/world.js";
import { fileNotice } from "../helpers/notice.js";
import { agreeToContract, commissionFormed, joinMediator, joinStaff, mediationAssigned, mediationRunning, MEDIATOR_NAME, openAdmin, proposeMediator, proposeSettlement, secondStaff } from "../helpers/staff.js";
import { createLogger } from "../../bot/logger.js";
import { pdfText } from "../../bot/core/documents.js";
import { agreementContent } from "../../bot/features/mediation/agreement.js";
import type { Call } from "../../bot/local/fake-api.js";

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
const MEDIATOR = 70;
const NUMBER = "KZ-2026-000001";
const log = createLogger("silent");

const withBot = (start: string, run: (w: World) => Promise<void>) => withWorld([ADMIN], start, run);

const IDS = { admin: ADMIN, staff: STAFF, applicant: APPLICANT, mediator: MEDIATOR };
/** The mediation «proposed» (helpers/staff.ts mediationAssigned), and «running». */
const assigned = (h: Harness, outcome?: string) => mediationAssigned(h, IDS, outcome);
const running = (h: Harness, outcome?: string) => mediationRunning(h, IDS, outcome);

/** The homes a side gets when nothing is left to press: staff's (ru), the applicant's menu (kk). */
const STAFF_HOME: unknown = expect.stringMatching(/^«Городская больница №7»: обращения\n/);
const MENU_KK: unknown = expect.stringMatching(/^Не істейміз\?/);
const MEDIATOR_HOME: unknown = expect.stringMatching(/^Медиации\n/);
/** What the mediator and staff are told when the mediation's term runs out at signing. */
const ENDED_UNSIGNED =
  "Дело KZ-2026-000001: медиация завершена без соглашения — истёк её срок, а подписанное соглашение не было приложено. Если соглашение всё же было подписано, его можно приложить и сейчас: тогда дело будет урегулировано.";

describe("the agreement both sides accepted (review of journey J5)", () => {
  it("a side's counter-offer on a proposal both sides already accepted is refused, not a silent undoing of the agreement", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      const { staff, applicant, mediator } = await running(h);
      await proposeSettlement(mediator, "2 700 000");
      await applicant.press("Қабылдау");
      const agreed = await staff.press("Принять");
      expect(agreed.filter((c) => c.method === "sendDocument")).toHaveLength(3); // the agreement went out
      // The applicant presses «Қарсы ұсыныс» still on the proposal's message: refused at once, before anything is typed.
      const countered = await applicant.press("Қарсы ұсыныс");
      // Reject is refused here («both sides already accepted») — counter is not: it goes through and overwrites the
      // applicant's «accept» with «counter». Nobody is told that the agreement is off; staff confirming it are told «not now».
      const confirmed = await staff.press("Я прочитал(а) и согласен(на)");
      expect({
        applicant: to(countered, APPLICANT)[0],
        staffConfirm: to(confirmed, STAFF),
        proposals: await t.db.prisma.proposal.count(),
      }).toEqual({
        applicant: `${NUMBER} ісі бойынша екі тарап бұл ұсынысты қабылдап қойған.`,
        staffConfirm: ["Ваше подтверждение записано. Когда подтвердит и другая сторона, соглашение по делу KZ-2026-000001 останется подписать: подтверждение в боте — не подпись.", STAFF_HOME],
        proposals: 1,
      });
    });
  });

  it("the amount recorded as settled is the amount whose text both sides confirmed", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      const { staff, applicant, mediator } = await running(h);
      await proposeSettlement(mediator, "2 700 000");
      await applicant.press("Қабылдау");
      await staff.press("Принять");
      const p1 = await t.db.prisma.proposal.findFirstOrThrow({ where: { round: 1 } });
      // A second proposal while the first's text waits for its confirmations: refused. Before, it was made, both
      // accepted it, and the case was settled for it — though the text both confirmed was the first's.
      const second = await proposeSettlement(mediator, "1 000 000");
      expect(to(second, MEDIATOR)[0]).toBe(`Дело ${NUMBER}: стороны приняли предложение 1 и подтверждают текст соглашения. Новое предложение сейчас сделать нельзя.`);
      expect(await t.db.prisma.proposal.count(), "proposals stored").toBe(1);
      // Both confirm the 2 700 000 text.
      await applicant.pressData(`g:pconf:${p1.id}`);
      const textAgreed = await staff.pressData(`g:pconf:${p1.id}`);
      expect(to(textAgreed, APPLICANT)[0]).toMatch(/2\u00a0700\u00a0000 ₸ сомасына келісімнің мәтінімен келісті/);
      await mediator.press("Приложить подписанное соглашение");
      const settled = await mediator.document("application/pdf", "signed");
      expect(to(settled, APPLICANT), "the settled amount told to the applicant").toEqual([`${NUMBER} ісі реттелді: 2\u00a0700\u00a0000 ₸ сомасына қол қойылған келісім тіркелді.`]);
    });
  });

  it("a settlement agreement below the statutory minimum shows the minimum and the warning to the applicant", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      // Disability group II: 600 MCI = 2 595 000 ₸ in 2026.
      const { staff, applicant, mediator } = await running(h, "II топтағы мүгедектік");
      const proposed = await proposeSettlement(mediator, "1 500 000");
      expect(to(proposed, APPLICANT)[0]).toContain("⚠ Ұсынылған сома осы ең төменгі сомадан аз."); // the proposal has it
      await applicant.press("Қабылдау");
      const agreed = await staff.press("Принять");
      const p = await t.db.prisma.proposal.findFirstOrThrow();
      const env = { prisma: t.db.prisma, i18n: h.i18n, timeZone: "Asia/Almaty", dataKey: TEST_DATA_KEY, mediationDays: 30, now: () => new Date("2026-11-23T10:00:00+05:00") };
      const pdf = pdfText((await agreementContent(p.id, "kk", env))!.content);
      // What the applicant is asked to confirm («Оқыдым және келісемін»): the message and the PDF. Neither names the minimum nor
      // says that the applicant keeps the right to the insurance payment.
      const given = [...to(agreed, APPLICANT), pdf].join("\n");
      expect(given, "the agreement the applicant confirms").toContain("600 АЕК");
      expect(given).toContain("сақтандыру төлемін алу құқығы өтініш берушіде сақталады");
      // The sum, as agreements write it: in figures and in words.
      expect(pdf).toContain("1\u00a0500\u00a0000 (бір миллион бес жүз мың) теңге.");
      expect(pdfText((await agreementContent(p.id, "ru", env))!.content)).toContain("1\u00a0500\u00a0000 (один миллион пятьсот тысяч) тенге.");
    });
  });
});

describe("the organisation's side answered by one of its staff", () => {
  it("a colleague's different press is neither recorded nor counted: they are told who answered, what and when; the one who answered may change it", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { t, h } = w;
      const { staff, applicant, mediator } = await running(h);
      const colleague = await secondStaff(h, ADMIN);
      await proposeSettlement(mediator, "2 700 000");
      w.at("2026-11-24T09:30:00+05:00");
      await staff.press("Отклонить");
      const told =
        "Дело KZ-2026-000001, предложение 1: за вашу сторону уже ответил(а) Ахметова Сауле Маратовна (24.11.2026 в 09:30) — отклонено. Ваш ответ не записан: в боте от каждой стороны записывается один ответ, и изменить его может только тот, кто ответил.";
      w.at("2026-11-24T10:00:00+05:00");
      const pressed = await colleague.press("Принять");
      expect(to(pressed, 52)).toEqual([told, STAFF_HOME]);
      expect(to(pressed, MEDIATOR), "nobody else is told of an answer that was not recorded").toEqual([]);
      expect(texts(await colleague.press("Встречное предложение"))[0]).toBe(told);
      // The applicant accepts: the organisation's side rejected it — no agreement.
      const accepted = await applicant.press("Қабылдау");
      expect(accepted.filter((c) => c.method === "sendDocument"), "no agreement goes out").toEqual([]);
      const p = await t.db.prisma.proposal.findFirstOrThrow({ include: { responses: true } });
      expect(p.responses.map((r) => [Number(r.userId), r.answer]).sort()).toEqual([[STAFF, "reject"], [APPLICANT, "accept"]].sort());
      // The staff member who answered changes the side's answer: now both accepted.
      const agreed = await staff.press("Принять");
      expect(agreed.filter((c) => c.method === "sendDocument")).toHaveLength(4);
    });
  });
});

describe("the agreement's text confirmed for the organisation's side", () => {
  // Before: any of its staff confirmed it for the side — a colleague who had not accepted the proposal, nor perhaps read
  // the agreement, moved the case to signing, and was recorded as a second answer beside the one who accepted.
  it("by the one who accepted it for the side: a colleague's press confirms nothing and is told who answered, and later who confirmed", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { t, h } = w;
      const { staff, applicant, mediator } = await running(h);
      const colleague = await secondStaff(h, ADMIN);
      await proposeSettlement(mediator, "2 700 000");
      w.at("2026-11-24T09:30:00+05:00");
      await staff.press("Принять");
      const agreed = await applicant.press("Қабылдау");
      // The colleague gets the agreement with who confirms it for the side — no button that would only be refused.
      expect(to(agreed, 52)).toEqual([
        "Дело KZ-2026-000001, предложение 1. Заявитель: принято.",
        "Дело KZ-2026-000001: обе стороны приняли предложение 1. Выше — соглашение об урегулировании спора. За вашу сторону его подтверждает Ахметова Сауле Маратовна — тот, кто принял предложение.",
      ]);
      expect(agreed.filter((c) => c.payload.chat_id === 52 && c.method === "sendDocument")).toHaveLength(1);
      expect(buttons(agreed.filter((c) => c.payload.chat_id === 52))).toEqual([]);
      expect(buttons(agreed.filter((c) => c.payload.chat_id === STAFF))).toEqual(["Я прочитал(а) и согласен(на)"]);
      const { id } = await t.db.prisma.proposal.findFirstOrThrow();
      w.at("2026-11-24T10:00:00+05:00");
      // An old message's button, or data nobody sent: refused, nothing recorded.
      const pressed = await colleague.pressData(`g:pconf:${id}`);
      expect(to(pressed, 52)).toEqual([
        "Дело KZ-2026-000001, предложение 1: за вашу сторону его принял(а) Ахметова Сауле Маратовна (24.11.2026 в 09:30), и текст соглашения подтверждает тот, кто принял. Ваше подтверждение не записано: в боте от каждой стороны записывается один ответ.",
        STAFF_HOME,
      ]);
      expect([...to(pressed, MEDIATOR), ...to(pressed, APPLICANT), ...to(pressed, STAFF)], "nobody else is told").toEqual([]);
      const p = await t.db.prisma.proposal.findFirstOrThrow({ include: { responses: true } });
      expect(p.responses.map((r) => [Number(r.userId), r.answer, r.confirmedAt]).sort()).toEqual([[STAFF, "accept", null], [APPLICANT, "accept", null]].sort());
      // The colleague's view of the mediation offers no confirm button.
      await colleague.send("/inbox");
      await colleague.press("Открыть KZ-2026-000001");
      expect(texts(await colleague.press("Медиация"))[0]).not.toContain("ждёт вашего подтверждения");
      expect(colleague.keyboards().at(-1)!.buttons.flat().map((b) => b.text)).not.toContain("Я прочитал(а) и согласен(на)");
      // The one who accepted confirms for the side; a colleague pressing then is told who confirmed, and when.
      w.at("2026-11-24T11:00:00+05:00");
      expect(to(await staff.press("Я прочитал(а) и согласен(на)"), STAFF)[0]).toMatch(/^Ваше подтверждение записано\./);
      expect(to(await colleague.pressData(`g:pconf:${p.id}`), 52)).toEqual([
        "Дело KZ-2026-000001, предложение 1: за вашу сторону текст соглашения уже подтвердил(а) Ахметова Сауле Маратовна (24.11.2026 в 11:00). Ваше подтверждение не записано: в боте от каждой стороны записывается один ответ.",
        STAFF_HOME,
      ]);
      expect((await t.db.prisma.mediation.findFirstOrThrow()).state, "the applicant has not confirmed yet").toBe("running");
      // The applicant confirms: both sides have — signing begins.
      await applicant.press("Оқыдым және келісемін");
      expect((await t.db.prisma.mediation.findFirstOrThrow()).state).toBe("signing");
    });
  });
});

describe("a proposal to mediate left unanswered (law.md §4: ten calendar days, then it counts as refused)", () => {
  it("a mediation contract left unanswered for more than ten calendar days counts as refused: it no longer blocks the case", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { t, h } = w;
      const { staff, mediator } = await assigned(h);
      await mediator.press("Согласен(на) быть медиатором");
      // The applicant never answers the contract (law.md §4, Art. 20 p.6: ten calendar days → refused).
      const lapsed = await runJobsAt(w, "2026-12-04T10:00:00+05:00");
      expect(to(lapsed, APPLICANT).filter((x) => !x.includes("алғанын ботта әлі белгілеген жоқ")), "the applicant, eleven days after the mediator accepted").toEqual([
        `${NUMBER} ісі: медиация басталмады — медиация туралы ұсынысқа он күнтізбелік күн ішінде жауап берілмеді, ал мұндай ұсыныс, әдетте, қабылданбаған болып саналады.`,
        expect.stringMatching(new RegExp(`^${NUMBER} ісі бойынша әрі қарай:`)),
      ]);
      await runJobsAt(w, "2027-01-23T10:00:00+05:00");
      expect((await t.db.prisma.mediation.findFirstOrThrow()).state, "two months later").not.toBe("agreeing");
      const k = await t.db.prisma.case.findFirstOrThrow();
      expect(texts(await staff.pressData(`g:mdpick:${k.id}`)), "staff proposing mediation again").toEqual([`Дело ${NUMBER}: кого предложить в качестве медиатора?`]);
    });
  });

  // Before: the applicant's «Шартпен келісемін» on the lapsed contract asked «Тегіңіз:», then the name, the IIN and the
  // address — to be refused only at the end. Now it is refused at once, as staff's «Согласен(на) с договором» is.
  it("the applicant's «Шартпен келісемін» on the lapsed contract is refused at once, not after their particulars are typed", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { applicant, mediator } = await assigned(w.h);
      await mediator.press("Согласен(на) быть медиатором");
      await runJobsAt(w, "2026-12-04T10:00:00+05:00");
      const late = await applicant.press("Шартпен келісемін");
      expect(texts(late)).toEqual([`${NUMBER} ісі бойынша медиация басталмады: медиация туралы ұсыныс жабылды, медиация туралы шарт жасалмады.`, MENU_KK]);
      expect(buttons(late).length, "something to press").toBeGreaterThan(0);
    });
  });
});

describe("a mediation refused, declined, or its term shorter than a proposal's (review of journey J5)", () => {
  it("when the organisation refuses the mediation contract, the applicant is offered the next step", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ h }) => {
      const { staff, mediator } = await assigned(h);
      await mediator.press("Согласен(на) быть медиатором");
      const refused = await staff.press("Не согласен(на)");
      // The applicant is told only «the organisation did not agree; mediation will not start» — no way onward, no button.
      expect(to(refused, APPLICANT).some((x) => x.startsWith(`${NUMBER} ісі бойынша әрі қарай:`)), `the applicant was told: ${JSON.stringify(to(refused, APPLICANT))}`).toBe(true);
    });
  });

  it("a mediator's decline of a mediation the admin assigned reaches the admin (or the organisation's staff)", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      await joinStaff(h, ADMIN, STAFF, "ru");
      await fileNotice(h.user(APPLICANT, "kk"), "kk");
      const mediator = await joinMediator(h, ADMIN, MEDIATOR);
      const admin = h.user(ADMIN, "ru");
      await openAdmin(admin);
      await admin.press("Предложить медиатора");
      await admin.press(`${NUMBER} — Городская больница №7`);
      await admin.press(MEDIATOR_NAME);
      const declined = await mediator.press("Отказаться");
      expect((await t.db.prisma.mediation.findFirstOrThrow()).state).toBe("declined");
      // Only a staff member who assigned it would be told; the admin is no member, so nobody is.
      expect([...to(declined, ADMIN), ...to(declined, STAFF)], "who learns the mediator declined").toContain(`Медиатор отказался от дела ${NUMBER}. Можно предложить другого.`);
    });
  });

  it("a proposal does not say it stands past the day the mediation itself ends", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { h } = w;
      const { applicant, mediator } = await running(h);
      // Mediation runs until 23.12.2026 (30 days). On 20.12 the mediator proposes, standing the usual 10 days.
      w.at("2026-12-20T10:00:00+05:00");
      const proposed = await proposeSettlement(mediator, "2 000 000");
      const said = to(proposed, APPLICANT)[0]!;
      // Asked for ten days (to 30.12), but the mediation ends on 23.12: it stands to the mediation's end.
      expect(said).toMatch(/23\.12\.2026 күнінің соңына дейін күшінде\.$/);
      // On 24.12 the mediation expires; on 28.12 the applicant accepts the proposal «in force until 30.12» — refused.
      await runJobsAt(w, "2026-12-24T00:00:01+05:00");
      w.at("2026-12-28T10:00:00+05:00");
      const late = texts(await applicant.press("Қабылдау"));
      expect(late).toEqual([`${NUMBER} ісі бойынша медиация келісімсіз аяқталған.`, MENU_KK]);
      // The proposal promised it stood until 30.12 — a week past the mediation's own end (23.12).
      expect(said, "the proposal's stated validity").not.toMatch(/30\.12\.2026/);
    });
  });

  it("pressing «accept» twice tells the others once and logs one acceptance", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      const { applicant, mediator } = await running(h);
      await proposeSettlement(mediator, "2 000 000");
      const first = await applicant.press("Қабылдау");
      const again = await applicant.press("Қабылдау");
      expect(to(first, STAFF)).toEqual([`Дело ${NUMBER}, предложение 1. Заявитель: принято.`]);
      expect({ staff: to(again, STAFF), mediator: to(again, MEDIATOR), logged: await t.db.prisma.caseEvent.count({ where: { kind: "proposal_accepted" } }) }).toEqual({ staff: [], mediator: [], logged: 1 });
    });
  });

  it("once both agreed to the agreement's text, the mediator can still write to the sides (to arrange the signing)", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      const { staff, applicant, mediator } = await running(h);
      await proposeSettlement(mediator, "2 000 000");
      await applicant.press("Қабылдау");
      await staff.press("Принять");
      await applicant.press("Оқыдым және келісемін");
      await staff.press("Я прочитал(а) и согласен(на)");
      const m = await t.db.prisma.mediation.findFirstOrThrow();
      expect(m.state).toBe("signing");
      await mediator.pressData(`g:mdmsg:${m.id}`);
      await mediator.press("Обеим сторонам");
      const sent = await mediator.send("Подписание — 25.12 в 11:00, каб. 204.");
      expect({ mediator: to(sent, MEDIATOR)[0], applicant: to(sent, APPLICANT) }).toEqual({
        mediator: "Отправлено: всем участникам медиации.",
        applicant: [`Медиатор · ${NUMBER} ісі:\nПодписание — 25.12 в 11:00, каб. 204.`],
      });
    });
  });
});

describe("condolence once in a death case's mediation (law.md §3, language.md «Tone»)", () => {
  // language.md: after «the patient died» «the next message begins with condolence — before any amount». Before: a
  // «Көңіл айтамыз.» / «Примите наши соболезнования.» of its own before every proposal, the agreement, its agreed
  // text, the settled message and each opening of the mediation's view — four to six times in one negotiation, to a
  // grieving applicant. Now: once, before the first proposal, for each participant; never again in that mediation.
  const KK = "Көңіл айтамыз.";
  const RU = "Примите наши соболезнования.";
  /** What one chat was shown, in order: each message's text, or «document». */
  const shownTo = (calls: Call[], chatId: number) =>
    calls.filter((c) => c.payload.chat_id === chatId && /^send(Message|Document)$/.test(c.method)).map((c) => (c.method === "sendDocument" ? "document" : String(c.payload.text)));

  it("comes before the first proposal, and not again with a second proposal, a counter-offer, the agreement, its agreed text, the settled message or the view", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      const { staff, applicant, mediator } = await running(h, "Пациент қайтыс болды");
      const first = await proposeSettlement(mediator, "5 000 000");
      for (const [id, word] of [[STAFF, RU], [MEDIATOR, RU], [APPLICANT, KK]] as const) {
        const seen = shownTo(first, id);
        expect(seen[seen.findIndex((x) => x.includes("скончался") || x.includes("қайтыс болды")) - 1], `before the first proposal (${id})`).toBe(word);
      }
      // The applicant answers with a counter-offer: its review, then the mediator's copy.
      await applicant.press("Қарсы ұсыныс");
      await applicant.send("20 000 000");
      const review = await applicant.send("Жерлеу мен емдеу шығындары.");
      const countered = await applicant.press("Жіберу");
      const second = await proposeSettlement(mediator, "14 000 000");
      await applicant.press("Қабылдау");
      const agreed = await staff.press("Принять");
      await applicant.press("Оқыдым және келісемін");
      const textAgreed = await staff.press("Я прочитал(а) и согласен(на)");
      const m = await t.db.prisma.mediation.findFirstOrThrow();
      await mediator.pressData(`g:mdsign:${m.id}`);
      const settled = await mediator.document("application/pdf", "signed");
      const viewed = await mediator.pressData(`g:mdview:${m.id}`);
      const later = [review, countered, second, agreed, textAgreed, settled, viewed].flat();
      for (const id of [STAFF, MEDIATOR, APPLICANT]) {
        expect(shownTo(later, id).filter((x) => x.startsWith(KK) || x.startsWith(RU)), `said again (${id})`).toEqual([]);
      }
      // What they were told still names the death and the amounts, as before.
      expect(to(second, APPLICANT)[0]).toMatch(/^KZ-2026-000001 ісі: медиатордың № 3 ұсынысы\n\nСомасы: 14\u00a0000\u00a0000 ₸\nБұл салдар \(пациент қайтыс болды\)/);
      expect(to(settled, APPLICANT)[0]).toBe(`${NUMBER} ісі реттелді: 14\u00a0000\u00a0000 ₸ сомасына қол қойылған келісім тіркелді.`);
      expect(to(viewed, MEDIATOR)[0]).toMatch(/^Медиация по делу KZ-2026-000001: завершена соглашением\.\n/);
    });
  });

  it("a case whose notice's outcome was not yet known, concluded with the patient's death while mediation ran: the next proposal begins with condolence, the settled message does not repeat it", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      const { staff, applicant } = await commissionFormed(h, ADMIN, STAFF, APPLICANT);
      const mediator = await joinMediator(h, ADMIN, MEDIATOR);
      await proposeMediator(staff);
      await mediator.press("Согласен(на) быть медиатором");
      await agreeToContract(applicant, staff);
      // The commission concludes meanwhile: harm confirmed, the patient died.
      await staff.send("/inbox");
      await staff.press(`Открыть ${NUMBER}`);
      await staff.press("Записать заключение");
      await staff.press("Да, вред подтверждён");
      await staff.press("Пациент скончался");
      await staff.send("Осложнение вызвано нарушением протокола лечения.");
      await staff.press("Без документа");
      await staff.press("Сегодня");
      await staff.press("Сохранить");
      // The first proposal after the death was recorded carries condolence; the settled message does not repeat it.
      expect(to(await proposeSettlement(mediator, "14 000 000"), APPLICANT)[0]).toBe(KK);
      await applicant.press("Қабылдау");
      await staff.pressData(`g:pacc:${(await t.db.prisma.proposal.findFirstOrThrow()).id}`);
      await applicant.press("Оқыдым және келісемін");
      await staff.press("Я прочитал(а) и согласен(на)");
      await mediator.press("Приложить подписанное соглашение");
      const settled = await mediator.document("application/pdf", "signed");
      expect(to(settled, APPLICANT)).toEqual([`${NUMBER} ісі реттелді: 14\u00a0000\u00a0000 ₸ сомасына қол қойылған келісім тіркелді.`]);
    });
  });
});

/** Both sides agree to the text of a 2 000 000 ₸ agreement on 23.11.2026 (the mediation runs to 23.12.2026): at signing. */
const textAgreed = async (w: World, outcome?: string) => {
  const { staff, applicant, mediator } = await running(w.h, outcome);
  await proposeSettlement(mediator, "2 000 000");
  await applicant.press("Қабылдау");
  await staff.press("Принять");
  await applicant.press("Оқыдым және келісемін");
  const agreed = await staff.press("Я прочитал(а) и согласен(на)");
  expect((await w.t.db.prisma.mediation.findFirstOrThrow()).state).toBe("signing");
  return { staff, applicant, mediator, agreed };
};

describe("the signed agreement waited for (law.md §4: settled only when it is recorded; the term about a month, configurable)", () => {
  // Before: once both sides agreed to the text («signing»), the mediation's end by its term did nothing — the case
  // waited for the signed agreement for ever; no one was reminded to record it, and the applicant was never shown the
  // way onward.
  const about = (calls: Call[], id: number) => to(calls, id).filter((x) => x.includes("соглашени") || x.includes("келісім") || x.includes("медиация"));

  it("everyone is told by when; the mediator and staff are reminded weekly and on the last day; unrecorded at the term's end, it ends and the applicant is shown the way onward", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { staff, applicant, agreed } = await textAgreed(w);
      expect(to(agreed, APPLICANT)[0]).toMatch(/ Қол қойылған келісім 23\.12\.2026 күнінің соңына дейін тіркелмесе, боттағы медиация келісімсіз аяқталады\.$/);
      expect(to(agreed, STAFF)[0]).toMatch(/ Если подписанное соглашение не будет приложено до конца дня 23\.12\.2026, медиация в боте завершится без соглашения\.$/);
      // …and the applicant's /cases shows the date with the days left, as it showed the negotiations' last day.
      expect(texts(await applicant.send("/cases")).join("\n")).toContain(
        "Дауды реттеу туралы қол қойылған келісім 23.12.2026 күнінің соңына дейін күтіледі (30 күнтізбелік күн қалды); ол тіркелмесе, боттағы медиация келісімсіз аяқталады.",
      );

      const REMINDER =
        "Дело KZ-2026-000001: подписанное соглашение об урегулировании спора ещё не приложено. Когда его подпишут — на бумаге или электронной цифровой подписью (ЭЦП), — приложите его сюда: только тогда дело будет урегулировано. Если подписанное соглашение не будет приложено до конца дня 23.12.2026, медиация в боте завершится без соглашения.";
      expect(about(await runJobsAt(w, "2026-11-30T08:59:00+05:00"), MEDIATOR), "not before its time").toEqual([]);
      const week = await runJobsAt(w, "2026-11-30T09:00:00+05:00");
      expect({ mediator: about(week, MEDIATOR), staff: about(week, STAFF), applicant: to(week, APPLICANT) }).toEqual({ mediator: [REMINDER], staff: [REMINDER], applicant: [] });
      expect(staff.keyboards().at(-1)!.buttons.flat().map((b) => b.text)).toEqual(["Приложить подписанное соглашение"]);
      expect(about(await runJobsAt(w, "2026-12-07T09:00:00+05:00"), MEDIATOR)).toEqual([REMINDER]);
      expect(about(await runJobsAt(w, "2026-12-14T09:00:00+05:00"), MEDIATOR)).toEqual([REMINDER]);
      expect(about(await runJobsAt(w, "2026-12-21T09:00:00+05:00"), MEDIATOR)).toEqual([REMINDER]);
      expect(about(await runJobsAt(w, "2026-12-23T09:00:00+05:00"), MEDIATOR), "the last day").toEqual([REMINDER]);
      expect(about(await runJobsAt(w, "2026-12-23T23:59:00+05:00"), MEDIATOR)).toEqual([]);

      const over = await runJobsAt(w, "2026-12-24T00:00:01+05:00");
      expect(about(over, MEDIATOR)).toEqual([ENDED_UNSIGNED]);
      expect(about(over, STAFF)).toEqual([ENDED_UNSIGNED]);
      expect(to(over, APPLICANT)).toEqual([
        "KZ-2026-000001 ісі: медиация келісімсіз аяқталды — оның мерзімі өтті, ал қол қойылған келісім тіркелмеді.",
        expect.stringMatching(/^KZ-2026-000001 ісі бойынша әрі қарай: әдетте медициналық ұйымның басшылығына/),
      ]);
      expect(applicant.keyboards().at(-1)!.buttons.flat().map((b) => b.text)).toEqual(["Шағым дайындау"]);
      const m = await w.t.db.prisma.mediation.findFirstOrThrow();
      expect([m.state, m.endReason, (await w.t.db.prisma.case.findFirstOrThrow()).status]).toEqual(["ended", "expired", "delivered"]);
      // No reminder comes any more (the signed agreement may still be attached: the next describe).
      expect(about(await runJobsAt(w, "2026-12-30T09:00:00+05:00"), MEDIATOR)).toEqual([]);
      expect(staff.keyboards().at(-1)!.buttons.flat().map((b) => b.text), "staff's last buttons").toEqual(["Приложить подписанное соглашение"]);
    });
  });

  it("recorded in time, the agreement settles the case and no reminder or end follows", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { mediator } = await textAgreed(w);
      await runJobsAt(w, "2026-11-30T09:00:00+05:00");
      w.at("2026-12-01T12:00:00+05:00");
      await mediator.press("Приложить подписанное соглашение");
      await mediator.document("application/pdf", "signed");
      expect((await w.t.db.prisma.case.findFirstOrThrow()).status).toBe("settled");
      for (const iso of ["2026-12-07T09:00:00+05:00", "2026-12-23T09:00:00+05:00", "2026-12-24T00:00:01+05:00"]) {
        const later = await runJobsAt(w, iso);
        expect([...about(later, MEDIATOR), ...about(later, STAFF), ...to(later, APPLICANT)], iso).toEqual([]);
      }
      expect((await w.t.db.prisma.mediation.findFirstOrThrow()).state).toBe("settled");
    });
  });
});

describe("the repair at start of mediations left at signing without an end (a version before)", () => {
  it("one that PostgreSQL refuses to give its end is passed over and named in the log; the others' mediator and staff are still told their last day", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      await textAgreed(w);
      const real = await w.t.db.prisma.mediation.findFirstOrThrow();
      // As a version before left it: at signing, with no end scheduled.
      await w.t.db.prisma.scheduledJob.updateMany({ where: { dedupeKey: `mediation:${real.id}:expire` }, data: { state: "cancelled" } });
      // Another case's mediation at signing, whose end PostgreSQL refuses to store.
      const other = await w.t.db.prisma.case.create({ data: { number: "KZ-2026-000002", year: 2026, seq: 2, orgName: "Емхана", region: "astana", language: "ru", status: "mediation", answers: { relation: "self" }, sensitive: "" } });
      const refused = await w.t.db.prisma.mediation.create({ data: { caseId: other.id, mediatorId: BigInt(MEDIATOR), assignedBy: BigInt(STAFF), state: "signing" } });
      await w.t.db.prisma.$executeRawUnsafe(`ALTER TABLE "Mediation" ADD CONSTRAINT "refuse_other" CHECK ("id" <> ${refused.id} OR "endsAt" IS NULL)`);
      try {
        const lines: Record<string, unknown>[] = [];
        const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(...chunk.toString().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)), done()) });
        const now = new Date("2026-11-30T10:00:00+05:00");
        const b = await testBot(w.t.db, { adminIds: [ADMIN], now: () => now, logger: pino({ level: "info" }, sink) });
        await b.runtime.start(now);
        await b.runtime.runJobs(now, b.bot.api, log);
        expect(texts(b.fake.sent("sendMessage", MEDIATOR)).filter((x) => x.startsWith("Напоминание: в боте теперь есть последний день, чтобы приложить подписанное соглашение."))).toHaveLength(1);
        expect(texts(b.fake.sent("sendMessage", STAFF)).filter((x) => x.startsWith("Напоминание: в боте теперь есть последний день"))).toHaveLength(1);
        expect(texts(b.fake.sent("sendMessage", APPLICANT)).filter((x) => x.startsWith("Еске салу: ботта енді қол қойылған келісімді тіркеудің соңғы күні бар."))).toHaveLength(1);
        expect((await w.t.db.prisma.mediation.findUniqueOrThrow({ where: { id: refused.id } })).endsAt).toBeNull();
        expect(lines.filter((l) => l.msg === "a case failed in a job's run; passed over, the run goes on").map((l) => [l.kind, l.caseId])).toEqual([["mediation_sign_repair", other.id]]);
        const job = await w.t.db.prisma.scheduledJob.findUniqueOrThrow({ where: { dedupeKey: "mediation:signing:repair" } });
        expect([job.state, job.attempts, job.lastError]).toEqual(["done", 1, null]);
      } finally {
        await w.t.db.prisma.$executeRawUnsafe(`ALTER TABLE "Mediation" DROP CONSTRAINT "refuse_other"`);
      }
    });
  });
});

describe("the text agreed near the mediation's end", () => {
  it("leaves ten calendar days to record the signed agreement: the term's end does not end it a moment later", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { staff, applicant, mediator } = await running(w.h); // the mediation runs to the end of 23.12.2026
      w.at("2026-12-21T10:00:00+05:00");
      await proposeSettlement(mediator, "2 000 000");
      await applicant.press("Қабылдау");
      await staff.press("Принять");
      await applicant.press("Оқыдым және келісемін");
      const agreed = await staff.press("Я прочитал(а) и согласен(на)");
      expect(to(agreed, STAFF)[0]).toMatch(/ Если подписанное соглашение не будет приложено до конца дня 31\.12\.2026, медиация в боте завершится без соглашения\.$/);
      await runJobsAt(w, "2026-12-24T00:00:01+05:00");
      expect((await w.t.db.prisma.mediation.findFirstOrThrow()).state, "after the term it had when the text was agreed").toBe("signing");
      const over = await runJobsAt(w, "2027-01-01T00:00:01+05:00");
      expect(to(over, STAFF)).toContain(ENDED_UNSIGNED);
      expect((await w.t.db.prisma.mediation.findFirstOrThrow()).state).toBe("ended");
    });
  });
});

describe("a reminder to record the signed agreement decided but not sent before a stop", () => {
  // As a sitting's reminder (late-jobs.test.ts): «a» decides it and stops before sending; meanwhile the signed
  // agreement is recorded through the other instance. At a's next start the reminder would ask the mediator and
  // staff to attach what they have just attached, on a case already settled.
  it("is not sent once the signed agreement was recorded meanwhile", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { t, h } = w;
      const { staff, applicant, mediator } = await running(h);
      await proposeSettlement(mediator, "2 000 000");
      await applicant.press("Қабылдау");
      await staff.press("Принять");
      await applicant.press("Оқыдым және келісемін");
      await staff.press("Я прочитал(а) и согласен(на)");
      let now = new Date("2026-11-30T09:00:00+05:00");
      const a = await testBot(await t.another(), { adminIds: [ADMIN], now: () => now, instanceId: "a" });
      a.runtime.stopSending();
      await a.runtime.runJobs(now, a.bot.api, log);
      // The mediator has no other message due then: theirs is the reminder (the rows are sealed).
      expect(await t.db.prisma.outbox.count({ where: { sentAt: null, leasedBy: "a", chatId: BigInt(MEDIATOR) } }), "the reminder left in the outbox").toBe(1);
      w.at("2026-11-30T10:00:00+05:00");
      await mediator.press("Приложить подписанное соглашение");
      await mediator.document("application/pdf", "signed");
      expect((await t.db.prisma.case.findFirstOrThrow()).status).toBe("settled");
      now = new Date("2026-11-30T10:05:00+05:00");
      const a2 = await testBot(await t.another(), { adminIds: [ADMIN], now: () => now, instanceId: "a" });
      await a2.runtime.flush(a2.bot.api, log);
      expect([...texts(a2.fake.sent("sendMessage", MEDIATOR)), ...texts(a2.fake.sent("sendMessage", STAFF))].filter((x) => x.includes("ещё не приложено"))).toEqual([]);
      expect(await t.db.prisma.outbox.count({ where: { sentAt: null } })).toBe(0);
    });
  });
});

describe("a signed agreement attached after the mediation ended by its term at signing", () => {
  // Before: the parties signed on paper on the last day, the mediator uploaded the scan the next morning — and the bot
  // refused it («это сейчас сделать нельзя»): the case stayed «ended without agreement», with the applicant offered a
  // complaint about a dispute already settled.
  /** Both sides agree to the text of a 2 000 000 ₸ agreement on 23.11.2026; its term (23.12.2026) runs out unrecorded. */
  const endedUnsigned = async (w: World, outcome?: string) => {
    const { staff, applicant, mediator } = await textAgreed(w, outcome);
    const over = await runJobsAt(w, "2026-12-24T00:00:01+05:00");
    expect([(await w.t.db.prisma.mediation.findFirstOrThrow()).state, (await w.t.db.prisma.case.findFirstOrThrow()).status]).toEqual(["ended", "delivered"]);
    return { staff, applicant, mediator, over };
  };

  it("the mediator attaches it the next morning, from the message saying it ended: asked the day it was signed, the case is settled and everyone told", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { staff, applicant, mediator, over } = await endedUnsigned(w);
      expect(to(over, MEDIATOR)).toEqual([ENDED_UNSIGNED]);
      w.at("2026-12-24T09:30:00+05:00");
      await mediator.press("Приложить подписанное соглашение");
      const asked = await mediator.document("application/pdf", "signed-scan");
      expect(to(asked, MEDIATOR)).toEqual(["В какой день стороны подписали соглашение? Нажмите кнопку или напишите дату в виде ДД.ММ.ГГГГ, например 30.11.2026."]);
      expect(mediator.keyboards().at(-1)!.buttons.flat().map((b) => b.text)).toEqual(["23.12.2026 — последний день медиации", "Сегодня", "Отмена"]);
      // Neither before both sides agreed to its text, nor in the future.
      expect(to(await mediator.send("20.11.2026"), MEDIATOR)[0]).toBe(
        "Стороны согласились с текстом соглашения 23.11.2026, поэтому подписать его раньше не могли. Напишите дату не раньше 23.11.2026 и не позже сегодняшней.",
      );
      expect(to(await mediator.send("25.12.2026"), MEDIATOR)[0]).toBe("Этот день ещё не наступил. Напишите дату не позже сегодняшней.");
      // A day that does not exist is said so (as everywhere a day is typed), not «write it as ДД.ММ.ГГГГ».
      expect(to(await mediator.send("31.11.2026"), MEDIATOR)[0]).toBe("Такой даты нет. Проверьте день и месяц.");
      expect((await w.t.db.prisma.mediation.findFirstOrThrow()).state, "nothing recorded yet").toBe("ended");
      const settled = await mediator.press("23.12.2026 — последний день медиации");
      expect({ applicant: to(settled, APPLICANT), staff: to(settled, STAFF), mediator: to(settled, MEDIATOR)[0] }).toEqual({
        applicant: [
          "KZ-2026-000001 ісі реттелді: 2\u00a0000\u00a0000 ₸ сомасына қол қойылған келісім тіркелді. Келісімге 23.12.2026 күні қол қойылды. Ол боттағы медиацияның мерзімі өткеннен кейін тіркелді, сондықтан медиацияның келісімсіз аяқталғаны және әрі қарай қайда жүгінуге болатыны туралы хабарламалар енді күшінде емес.",
        ],
        staff: [
          "Дело KZ-2026-000001 урегулировано: подписанное соглашение на 2\u00a0000\u00a0000 ₸ приложено. Соглашение подписано 23.12.2026. Оно приложено после того, как медиация в боте завершилась по сроку, поэтому сообщение о её завершении без соглашения больше не действует.",
        ],
        mediator:
          "Дело KZ-2026-000001 урегулировано: подписанное соглашение на 2\u00a0000\u00a0000 ₸ приложено. Соглашение подписано 23.12.2026. Оно приложено после того, как медиация в боте завершилась по сроку, поэтому сообщение о её завершении без соглашения больше не действует.",
      });
      // The signed agreement itself, to both parties.
      // (each with what it is, in its reader's language: the file alone says nothing).
      expect([APPLICANT, STAFF].map((id) => settled.filter((c) => c.payload.chat_id === id && c.method === "sendDocument").map((c) => [c.payload.document, c.payload.caption]))).toEqual([
        [["signed-scan", "KZ-2026-000001 · дауды реттеу туралы қол қойылған келісім"]],
        [["signed-scan", "KZ-2026-000001 · подписанное соглашение об урегулировании спора"]],
      ]);
      const m = await w.t.db.prisma.mediation.findFirstOrThrow();
      const k = await w.t.db.prisma.case.findFirstOrThrow();
      expect([m.state, m.endReason, m.signedBy, k.status]).toEqual(["settled", "settled", BigInt(MEDIATOR), "settled"]);
      const signed = await w.t.db.prisma.caseEvent.findFirstOrThrow({ where: { kind: "agreement_signed" } });
      expect(signed.payload).toMatchObject({ on: "2026-12-23", afterEnd: true });
      // The way onward the applicant was shown at the end does not contradict it: its complaint button is refused, saying why — then their menu.
      expect(texts(await applicant.press("Шағым дайындау"))).toEqual([
        "KZ-2026-000001 ісі реттелді: дауды реттеу туралы қол қойылған келісім тіркелді. Реттелген іс бойынша бот шағымның жобасын дайындамайды.",
        expect.stringMatching(/^Не істейміз\?/),
      ]);
      // Attached again (the old button): refused, nothing changed.
      expect(texts(await staff.press("Приложить подписанное соглашение"))).toEqual(["По делу KZ-2026-000001 медиация уже завершена: подписанное соглашение об урегулировании спора приложено.", STAFF_HOME]);
      expect(await w.t.db.prisma.caseEvent.count({ where: { kind: "agreement_signed" } })).toBe(1);
    });
  });

  it("asked for on the last day and sent the next morning, after the end: the day it was signed is asked, not left unknown", async () => {
    // Before: the flow opened at signing (the last day's reminder) took the file after the mediation had ended and
    // settled the case with no day of signing — the one thing the late recording asks.
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { applicant, staff, mediator } = await running(w.h);
      await proposeSettlement(mediator, "2 000 000");
      await applicant.press("Қабылдау");
      await staff.press("Принять");
      await applicant.press("Оқыдым және келісемін");
      await staff.press("Я прочитал(а) и согласен(на)");
      w.at("2026-12-23T20:00:00+05:00");
      expect(to(await mediator.press("Приложить подписанное соглашение"), MEDIATOR)).toEqual([
        "Пришлите подписанное соглашение: скан или фото (PDF, JPG, PNG) либо файл, подписанный ЭЦП, в PDF.",
      ]);
      await runJobsAt(w, "2026-12-24T00:00:01+05:00");
      w.at("2026-12-24T09:30:00+05:00");
      const sent = await mediator.document("application/pdf", "signed-scan");
      expect(to(sent, MEDIATOR)[0]).toBe(
        "Дело KZ-2026-000001: пока вы присылали соглашение, медиация в боте завершилась по сроку. Ничего не записано: нажмите кнопку, пришлите соглашение снова и укажите день, когда его подписали.",
      );
      expect(buttons(sent.filter((c) => c.payload.chat_id === MEDIATOR).slice(0, 1))).toEqual(["Приложить подписанное соглашение"]);
      expect(to(sent, APPLICANT)).toEqual([]);
      expect((await w.t.db.prisma.mediation.findFirstOrThrow()).state).toBe("ended");
      await mediator.press("Приложить подписанное соглашение");
      await mediator.document("application/pdf", "signed-scan");
      await mediator.press("23.12.2026 — последний день медиации");
      const signed = await w.t.db.prisma.caseEvent.findFirstOrThrow({ where: { kind: "agreement_signed" } });
      expect(signed.payload).toMatchObject({ on: "2026-12-23", afterEnd: true });
    });
  });

  it("staff attach it from the case's view, signed today; in a death case everyone is told in their language, without repeating the condolence of the proposal", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { staff } = await endedUnsigned(w, "Пациент қайтыс болды");
      w.at("2026-12-28T11:00:00+05:00");
      await staff.send("/inbox");
      await staff.press("Открыть KZ-2026-000001");
      await staff.press("Приложить подписанное соглашение");
      await staff.document("application/pdf", "signed-scan");
      // The mediation's last day (23.12) was before today: it is offered; signed today instead.
      const settled = await staff.press("Сегодня");
      expect({ applicant: to(settled, APPLICANT), mediator: to(settled, MEDIATOR), staff: to(settled, STAFF).slice(0, 1) }).toEqual({
        applicant: [
          "KZ-2026-000001 ісі реттелді: 2\u00a0000\u00a0000 ₸ сомасына қол қойылған келісім тіркелді. Келісімге 28.12.2026 күні қол қойылды. Ол боттағы медиацияның мерзімі өткеннен кейін тіркелді, сондықтан медиацияның келісімсіз аяқталғаны және әрі қарай қайда жүгінуге болатыны туралы хабарламалар енді күшінде емес.",
        ],
        mediator: [
          "Дело KZ-2026-000001 урегулировано: подписанное соглашение на 2\u00a0000\u00a0000 ₸ приложено. Соглашение подписано 28.12.2026. Оно приложено после того, как медиация в боте завершилась по сроку, поэтому сообщение о её завершении без соглашения больше не действует.",
        ],
        staff: [
          "Дело KZ-2026-000001 урегулировано: подписанное соглашение на 2\u00a0000\u00a0000 ₸ приложено. Соглашение подписано 28.12.2026. Оно приложено после того, как медиация в боте завершилась по сроку, поэтому сообщение о её завершении без соглашения больше не действует.",
        ],
      });
      expect((await w.t.db.prisma.case.findFirstOrThrow()).status).toBe("settled");
    });
  });

  it("only the case's mediator and its organisation's staff may, and only for a mediation that ended by its term at signing", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { applicant } = await endedUnsigned(w);
      const m = await w.t.db.prisma.mediation.findFirstOrThrow();
      // Another organisation's staff: as for a case not theirs. The applicant and a stranger hold no role that records
      // it: the button is not theirs (the router's answer). None is asked for the file.
      // The mediator finds the button in the mediation's view too (their /inbox); the applicant does not.
      const mediator = w.h.user(MEDIATOR, "ru");
      await mediator.send("/inbox");
      expect(buttons(await mediator.press(`Открыть ${NUMBER}`)), "the mediator's view").toEqual(["Приложить подписанное соглашение"]);
      // The applicant's view has nothing of it to press: their menu follows, not a dead end.
      const viewed = await applicant.pressData(`g:mdview:${m.id}`);
      expect(texts(viewed), "the applicant's view").toEqual([expect.stringMatching(/^KZ-2026-000001 ісі бойынша медиация: /), MENU_KK]);
      expect(buttons(viewed), "the applicant's view").not.toContain("Қол қойылған келісімді тіркеу");
      const other = await joinStaff(w.h, ADMIN, 52, "ru", "Областная больница №2");
      expect(texts(await other.pressData(`g:mdsign:${m.id}`))).toEqual(["Такое дело не найдено, или вы в нём не участвуете.", expect.stringMatching(/^«Областная больница №2»: обращения\n/)]);
      // The applicant: the home's question, as for any button not theirs; a stranger: the bot's greeting. Neither is
      // asked for the file.
      expect(texts(await applicant.pressData(`g:mdsign:${m.id}`))).toEqual(["Не істейміз? Командалар (/) мәзірінде де бар."]);
      const stranger = texts(await w.h.user(77, "ru").pressData(`g:mdsign:${m.id}`));
      expect(stranger[0]).toMatch(/^Здравствуйте! Я — бот «Келісім»\./);
      expect(stranger.some((x) => x.includes("Пришлите подписанное соглашение")), JSON.stringify(stranger)).toBe(false);
      expect((await w.t.db.prisma.mediation.findFirstOrThrow()).state).toBe("ended");
    });
  });

  it("a mediation the mediator ended at signing, or whose term ran out before the text was agreed, is refused at once", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { staff, applicant, mediator } = await running(w.h);
      await runJobsAt(w, "2026-12-24T00:00:01+05:00"); // ran out with no agreement
      const m = await w.t.db.prisma.mediation.findFirstOrThrow();
      expect([m.state, m.endReason]).toEqual(["ended", "expired"]);
      expect(texts(await mediator.pressData(`g:mdsign:${m.id}`))).toEqual(["По делу KZ-2026-000001 медиация уже завершена без соглашения.", MEDIATOR_HOME]);
      expect(texts(await staff.pressData(`g:mdsign:${m.id}`))).toEqual(["По делу KZ-2026-000001 медиация уже завершена без соглашения.", STAFF_HOME]);
      void applicant;
    });
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { staff, applicant, mediator } = await running(w.h);
      await proposeSettlement(mediator, "2 000 000");
      await applicant.press("Қабылдау");
      await staff.press("Принять");
      await applicant.press("Оқыдым және келісемін");
      await staff.press("Я прочитал(а) и согласен(на)");
      const m = await w.t.db.prisma.mediation.findFirstOrThrow();
      await mediator.pressData(`g:mdendok:${m.id}`);
      expect((await w.t.db.prisma.mediation.findFirstOrThrow()).state).toBe("ended");
      expect(texts(await mediator.pressData(`g:mdsign:${m.id}`))).toEqual(["По делу KZ-2026-000001 медиация уже завершена без соглашения.", MEDIATOR_HOME]);
    });
  });
});

describe("mediations left at signing by a version of the bot that never ended them", () => {
  // Before: a database from before signing had an end kept its mediations at signing for ever — their end job had run
  // (and done nothing) long ago, no reminder was scheduled, and no start gave them one: the case waited at signing.
  /** Both sides agree to the text on 23.11.2026 (term 23.12.2026); then, as the older version left it, no end or reminder pending. */
  const leftAtSigning = async (w: World, outcome?: string) => {
    const { staff, applicant, mediator } = await textAgreed(w, outcome);
    const m = await w.t.db.prisma.mediation.findFirstOrThrow();
    await w.t.db.prisma.scheduledJob.updateMany({ where: { dedupeKey: { in: [`mediation:${m.id}:expire`, `mediation:${m.id}:sign`] } }, data: { state: "done" } });
    return { staff, applicant, mediator, m };
  };
  /** A start of the bot at `iso`, and the jobs it leaves due then. */
  const start = async (w: World, iso: string): Promise<Call[]> => {
    w.at(iso);
    await w.h.runtime.start(new Date(iso));
    return runJobsAt(w, iso);
  };
  const signBy = (calls: Call[], id: number) => to(calls, id).filter((x) => x.includes("до конца дня") || x.includes("күнінің соңына дейін"));
  /** What one chat was told of the mediation (the notice's own reminders, due the same days, left out). */
  const ofSigning = (calls: Call[], id: number) => to(calls, id).filter((x) => /соглашени|келісім|Көңіл айтамыз|соболезнования/.test(x));

  it("at the next start: an end ten calendar days on, everyone told the last day once, reminders, and the end then if nothing is recorded", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      await leftAtSigning(w);
      // Weeks after its term (23.12.2026), the new version starts.
      const told = await start(w, "2027-02-01T10:00:00+05:00");
      expect({ applicant: ofSigning(told, APPLICANT), staff: ofSigning(told, STAFF), mediator: ofSigning(told, MEDIATOR) }).toEqual({
        applicant: [
          "Еске салу: ботта енді қол қойылған келісімді тіркеудің соңғы күні бар. KZ-2026-000001 ісі: екі тарап 2\u00a0000\u00a0000 ₸ сомасына келісімнің мәтінімен келісті. Ботта келісу — қол қою емес: келісімге қағазда немесе электрондық цифрлық қолтаңбамен (ЭЦҚ) қол қойылады. Медиатор немесе ұйым қол қойылған келісімді тіркегенде іс реттеледі, ал сіз оны аласыз. Қол қойылған келісім 11.02.2027 күнінің соңына дейін тіркелмесе, боттағы медиация келісімсіз аяқталады.",
        ],
        staff: [
          "Напоминание: в боте теперь есть последний день, чтобы приложить подписанное соглашение. Дело KZ-2026-000001: обе стороны согласились с текстом соглашения на 2\u00a0000\u00a0000 ₸. Согласие в боте — не подпись: соглашение нужно подписать на бумаге или электронной цифровой подписью (ЭЦП). Когда оно будет подписано, приложите его сюда — только тогда дело будет урегулировано. Если подписанное соглашение не будет приложено до конца дня 11.02.2027, медиация в боте завершится без соглашения.",
        ],
        mediator: [
          "Напоминание: в боте теперь есть последний день, чтобы приложить подписанное соглашение. Дело KZ-2026-000001: обе стороны согласились с текстом соглашения на 2\u00a0000\u00a0000 ₸. Согласие в боте — не подпись: соглашение нужно подписать на бумаге или электронной цифровой подписью (ЭЦП). Когда оно будет подписано, приложите его сюда — только тогда дело будет урегулировано. Если подписанное соглашение не будет приложено до конца дня 11.02.2027, медиация в боте завершится без соглашения.",
        ],
      });
      expect(buttons(told.filter((c) => c.payload.chat_id === MEDIATOR))).toEqual(["Приложить подписанное соглашение"]);
      // Started again (the same day, and the next): nobody is told twice, nothing moves.
      expect(signBy(await start(w, "2027-02-01T10:05:00+05:00"), APPLICANT)).toEqual([]);
      expect(signBy(await start(w, "2027-02-02T10:00:00+05:00"), MEDIATOR)).toEqual([]);
      expect((await w.t.db.prisma.scheduledJob.findMany({ where: { kind: "mediation_expire", state: "pending" } })).map((j) => j.dueAt.toISOString())).toEqual(["2027-02-11T19:00:00.000Z"]);
      // Reminded a week on and on the last day; ended after it.
      expect(signBy(await runJobsAt(w, "2027-02-08T09:00:00+05:00"), MEDIATOR)).toHaveLength(1);
      expect(signBy(await runJobsAt(w, "2027-02-11T09:00:00+05:00"), STAFF)).toHaveLength(1);
      const over = await runJobsAt(w, "2027-02-12T00:00:01+05:00");
      expect(ofSigning(over, STAFF)).toEqual([ENDED_UNSIGNED]);
      expect((await w.t.db.prisma.mediation.findFirstOrThrow()).state).toBe("ended");
    });
  });

  it("keeps a term still more than ten days away, and tells a death case's parties without repeating the condolence their proposal began with", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      await leftAtSigning(w, "Пациент қайтыс болды");
      const told = await start(w, "2026-11-25T10:00:00+05:00");
      expect(ofSigning(told, APPLICANT)).toEqual([expect.stringMatching(/ 23\.12\.2026 күнінің соңына дейін тіркелмесе, боттағы медиация келісімсіз аяқталады\.$/)]);
      expect(ofSigning(told, STAFF)).toEqual([expect.stringMatching(/ до конца дня 23\.12\.2026, медиация в боте завершится без соглашения\.$/)]);
    });
  });

  it("leaves alone a mediation at signing whose end is pending (one the current version started)", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { staff, applicant, mediator } = await running(w.h);
      await proposeSettlement(mediator, "2 000 000");
      await applicant.press("Қабылдау");
      await staff.press("Принять");
      await applicant.press("Оқыдым және келісемін");
      await staff.press("Я прочитал(а) и согласен(на)");
      const told = await start(w, "2026-11-24T10:00:00+05:00");
      expect([...signBy(told, APPLICANT), ...signBy(told, STAFF), ...signBy(told, MEDIATOR)]).toEqual([]);
    });
  });
});

describe("a signed agreement scanned as several pages and sent as an album", () => {
  // Before: the first page settled the case, and every other page got «Этот файл не сохранён…»: the parties received
  // the first page only.
  const photos = (from: TestUser, ids: string[], album: string) => ids.reduce(async (all, id) => [...(await all), ...(await from.photo(id, album))], Promise.resolve([] as Call[]));

  it("at signing: every page kept in page order — one count edited as they come — the case settled at «Готово», both parties receive every page", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { mediator } = await textAgreed(w);
      await mediator.press("Приложить подписанное соглашение");
      // Telegram sends an album one update a photo; they may come in any order: here the second page first.
      const calls = await mediator.album(["sig-1", "sig-2", "sig-3"], "8001", [1, 0, 2]);
      expect(texts(calls)).toEqual(["Получено страниц соглашения: 1. Если страниц больше, пришлите остальные. Когда пришлёте все, нажмите «Готово»."]);
      expect(buttons(calls)).toEqual(["Готово", "Отмена"]);
      expect(shown(calls, MEDIATOR)).toEqual(["Получено страниц соглашения: 3. Если страниц больше, пришлите остальные. Когда пришлёте все, нажмите «Готово»."]);
      expect(JSON.stringify(calls)).not.toMatch(/не понял|не сохранён/);
      // Text typed there is told it is not kept and what to press — not «не понял» — with the count and its buttons again.
      const typed = await mediator.send("Это все страницы");
      expect(to(typed, MEDIATOR)).toEqual([
        "Этот текст не сохранён: сейчас бот ждёт только страницы соглашения. Когда пришлёте все, нажмите «Готово».",
        "Получено страниц соглашения: 3. Если страниц больше, пришлите остальные. Когда пришлёте все, нажмите «Готово».",
      ]);
      expect(buttons(typed)).toEqual(["Готово", "Отмена"]);
      expect((await w.t.db.prisma.mediation.findFirstOrThrow()).state, "nothing recorded before «Готово»").toBe("signing");
      const settled = await mediator.press("Готово");
      expect(to(settled, APPLICANT)[0]).toBe(`${NUMBER} ісі реттелді: 2\u00a0000\u00a0000 ₸ сомасына қол қойылған келісім тіркелді.`);
      for (const id of [APPLICANT, STAFF]) expect(settled.filter((c) => c.payload.chat_id === id && c.method === "sendPhoto").map((c) => c.payload.photo), String(id)).toEqual(["sig-1", "sig-2", "sig-3"]);
      // Each page says which it is, in its reader's language.
      expect(settled.filter((c) => c.payload.chat_id === STAFF && c.method === "sendPhoto").map((c) => c.payload.caption)).toEqual([1, 2, 3].map((n) => `KZ-2026-000001 · подписанное соглашение об урегулировании спора, страница ${n} из 3`));
      expect(settled.filter((c) => c.payload.chat_id === APPLICANT && c.method === "sendPhoto").map((c) => c.payload.caption)[1]).toBe("KZ-2026-000001 · дауды реттеу туралы қол қойылған келісім, 3 беттің 2-беті");
      const m = await w.t.db.prisma.mediation.findFirstOrThrow();
      expect([m.state, m.signedFile]).toEqual([
        "settled",
        { kind: "photo", fileId: "sig-1", pages: [{ kind: "photo", fileId: "sig-1" }, { kind: "photo", fileId: "sig-2" }, { kind: "photo", fileId: "sig-3" }] },
      ]);
    });
  });

  it("after the mediation ended by its term: the day it was signed asked after «Готово», and every page sent", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { staff } = await textAgreed(w);
      await runJobsAt(w, "2026-12-24T00:00:01+05:00");
      w.at("2026-12-28T11:00:00+05:00");
      await staff.send("/inbox");
      await staff.press("Открыть KZ-2026-000001");
      await staff.press("Приложить подписанное соглашение");
      const calls = await photos(staff, ["late-1", "late-2"], "8002");
      expect(shown(calls, STAFF)).toEqual(["Получено страниц соглашения: 2. Если страниц больше, пришлите остальные. Когда пришлёте все, нажмите «Готово»."]);
      expect(to(await staff.press("Готово"), STAFF)).toEqual(["В какой день стороны подписали соглашение? Нажмите кнопку или напишите дату в виде ДД.ММ.ГГГГ, например 30.11.2026."]);
      const settled = await staff.press("Сегодня");
      expect(settled.filter((c) => c.payload.chat_id === APPLICANT && c.method === "sendPhoto").map((c) => c.payload.photo)).toEqual(["late-1", "late-2"]);
      expect((await w.t.db.prisma.mediation.findFirstOrThrow()).state).toBe("settled");
    });
  });
});
