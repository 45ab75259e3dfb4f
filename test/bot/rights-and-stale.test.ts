// Rights, stale buttons and input of the wrong kind (review): consent withdrawn, a private session in the
// mediation, a button of a question already answered or of another case's copy of a flow, a sitting already
// over. Each test failed on the code before its fix.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Call } from "../../bot/local/fake-api.js";
import { Store } from "../../bot/runtime/store.js";
import { TEST_DATA_KEY, testBot, texts, textsTo as to, type Harness, type TestUser } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { fileNotice, giveParticulars, joinRelative } from "../helpers/notice.js";
import { agreeToContract, commissionFormed, inviteStaff, joinMediator, joinStaff, proposeMediator, recordNotConfirmed, recordReceipt, redeem, scheduleSitting } from "../helpers/staff.js";

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
const RELATIVE = 60;
const MEDIATOR = 70;
const STAFF_HOME: unknown = expect.stringMatching(/^«.+»: обращения\n/);
/** The applicant's menu (kk), which follows a refusal. */
const MENU_KK = "Не істейміз? Командалар (/) мәзірінде де бар.";
const CONSENT_NEEDED =
  "Сіз дербес деректерді өңдеуге келісіміңізді кері қайтарып алдыңыз, сондықтан жаңа деректерді қабылдамаймын және сіздің атыңыздан ештеңе жасамаймын. Жалғастыру үшін келісімді қайта беріңіз: /privacy";
let t: TestDb;
let h: Harness;
let now: Date;
const at = (iso: string) => (now = new Date(iso));
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t.dispose());
beforeEach(async () => {
  await t.reset();
  at("2026-11-23T10:00:00+05:00");
  h = await testBot(t.db, { adminIds: [ADMIN], now: () => now });
});

/** Every button's label in these calls. */
const buttonsOf = (calls: Call[]): string[] =>
  calls.flatMap((c) => ((c.payload.reply_markup as { inline_keyboard?: { text: string }[][] } | undefined)?.inline_keyboard ?? []).flat().map((b) => b.text));

/** Staff (ru), an applicant (kk), the commission formed on KZ-2026-000001 (helpers/staff.ts). */
const formed = () => commissionFormed(h, ADMIN, STAFF, APPLICANT);

/** The applicant (kk) withdraws consent through /privacy. */
const withdraw = async (u: TestUser) => {
  await u.send("/privacy");
  await u.press("Келісімді кері қайтарып алу");
  await u.press("Иә, кері қайтарып аламын");
  expect((await t.db.prisma.user.findUniqueOrThrow({ where: { id: BigInt(u.id) } })).consentWithdrawnAt).not.toBeNull();
};

describe("a private session in the mediation", () => {
  it("the applicant's «Жауап беру» to the mediator's message «только вам» does not reach the organisation", async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "ru");
    const applicant = h.user(APPLICANT, "kk");
    await fileNotice(applicant, "kk");
    const mediator = await joinMediator(h, ADMIN, MEDIATOR);
    await proposeMediator(staff);
    await mediator.press("Согласен(на) быть медиатором");
    await agreeToContract(applicant, staff);
    // The mediator writes to the applicant alone.
    await mediator.send("/inbox");
    await mediator.press("Открыть KZ-2026-000001");
    await mediator.press("Написать");
    await mediator.press("Только заявителю");
    const asked = await mediator.send("Скажите мне одной: какая сумма для вас минимально приемлема?");
    expect(to(asked, APPLICANT)[0]).toMatch(/только вам|тек сізге/i);
    expect(to(asked, STAFF)).toEqual([]);
    // The applicant replies with the button under that private message.
    await applicant.press("Жауап беру");
    const replied = await applicant.send("Маған кемінде 700 000 теңге керек, бірақ ауруханаға айтпаңыз.");
    expect(to(replied, STAFF), "the applicant's reply in a private session relayed to the organisation").toEqual([]);
    expect(to(replied, MEDIATOR), "the reply reaches the mediator").toEqual([expect.stringContaining("Маған кемінде 700 000 теңге керек")]);
  });
});

describe("a flow's button from an earlier copy of the flow (another case)", () => {
  it("«Сегодня» under case 1's receipt question does not record case 2's receipt", async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "ru");
    await fileNotice(h.user(APPLICANT, "kk"), "kk");
    await fileNotice(h.user(APPLICANT + 1, "kk"), "kk");
    // Case 1: number typed, the date asked («Номер 01-12/345. Когда организация получила обращение?» [Сегодня]).
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Отметить получение обращения");
    await staff.send("01-12/345");
    const case1Today = staff.keyboardWith("Сегодня");
    // Meanwhile staff open case 2 and type its number: the same question, for case 2.
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000002");
    await staff.press("Отметить получение обращения");
    await staff.send("01-12/999");
    // Back to case 1's question, staff press its «Сегодня».
    const data = case1Today.buttons.flat().find((b) => b.text === "Сегодня")!.callback_data;
    const pressed = await staff.deliver(staff.buttonUpdate(data, case1Today.messageId));
    const statuses = (await t.db.prisma.case.findMany({ orderBy: { id: "asc" } })).map((k) => k.status);
    expect(statuses, "neither case recorded as received by the button of case 1's question").toEqual(["delivered", "delivered"]);
    // The button is stale; case 2's question is asked again (the flow open now).
    expect(h.fake.calls.filter((c) => c.method === "answerCallbackQuery").at(-1)?.payload.text).toBe("Эта кнопка устарела.");
    expect(to(pressed, STAFF).at(-1)).toMatch(/^Номер 01-12\/999\. Когда организация получила обращение\?/);
  });
});

describe("a stale «Удалить» under «you have an unfinished notice»", () => {
  it("does not throw away the answers given after «Продолжить» was pressed on the same message", async () => {
    const u = h.user(APPLICANT, "ru");
    await u.send("/start");
    await u.press("Согласен(на)");
    await u.send("/notice");
    await u.press("Я — пациент");
    await u.send("Иванов Иван Иванович");
    // The next day: /start offers to continue or delete; the applicant continues and answers three more questions.
    await u.send("/start");
    await u.press("Продолжить");
    await u.send("850301300121");
    await u.press("Да, верно");
    await u.press("г. Шымкент");
    await u.send("Городская больница №7");
    // Scrolling up, they touch «Удалить» on the message they already answered with «Продолжить».
    const touched = await u.press("Удалить");
    expect(texts(touched), "the whole draft discarded by a button of a question already answered").not.toContain("Незаконченное обращение удалено.");
    expect(texts(await u.send("/notice")).at(-1)).toMatch(/^5\/11/);
  });
});

describe("input of the wrong kind where a typed answer is expected", () => {
  it("a photo of the ID card at «write the patient's IIN» is not answered «choose one of the buttons below» (the only button is Back)", async () => {
    const u = h.user(APPLICANT, "ru");
    await u.send("/start");
    await u.press("Согласен(на)");
    await u.send("/notice");
    await u.press("Я — пациент");
    await u.send("Иванов Иван Иванович");
    const answered = texts(await u.photo("id-card"));
    expect(answered.at(-1)).toBe("3/11 · Напишите ваш ИИН (12 цифр).");
    // Told what to do instead — type it — and where documents go (the photo is not kept): not «не понял».
    expect(answered[0], "told to choose a button where the IIN must be typed").toBe(
      "Этот файл не сохранён: ФИО и ИИН нужно написать текстом — например, переписать с удостоверения личности. Документы о лечении можно будет приложить отдельно, на вопросе о документах.",
    );
  });
});

describe("a sitting that already took place", () => {
  it("is not «cancelled» afterwards through the staff's old button: the applicant and relatives are not told it was cancelled", async () => {
    const { staff, applicant } = await formed();
    await joinRelative(h, applicant, RELATIVE);
    await scheduleSitting(staff); // 25.11.2026, 15:00
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    // Asked before the sitting, «Отменить заседание» pressed the day after it.
    await staff.press("Отменить");
    at("2026-11-26T10:00:00+05:00");
    const done = await staff.press("Отменить заседание");
    expect(to(done, APPLICANT), "the applicant told a sitting that took place yesterday is cancelled").toEqual([]);
    expect(to(done, RELATIVE), "the relative told a sitting that took place yesterday is cancelled").toEqual([]);
    expect(to(done, STAFF)).toEqual(["Это заседание уже прошло.", expect.stringMatching(/^«Городская больница №7»: обращения\n/)]);
    // «Отменить» on the case's view opened before it: said at once, not asked.
    expect(texts(await staff.press("Отменить"))).toEqual(["Это заседание уже прошло.", STAFF_HOME]);
    // Nor moved: a view opened before it still offers «Перенести» — said at once, before a date and a time are typed.
    const move = await staff.press("Перенести: 25.11.2026, 15:00");
    expect(to(move, STAFF), "asked for a new date of a sitting that took place").toEqual(["Это заседание уже прошло.", STAFF_HOME]);
    expect(to(move, APPLICANT)).toEqual([]);
  });

  it("one to come of a case settled meanwhile is neither moved nor cancelled from a view opened before — said the case is over, not «when the commission is formed»", async () => {
    const { staff } = await formed();
    await scheduleSitting(staff); // 25.11.2026, 15:00
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    // A signed settlement agreement recorded (mediation-agreement.test walks it): the case is settled and closed.
    await t.db.prisma.case.updateMany({ data: { status: "settled", closedAt: now } });
    const ENDED = "Дело KZ-2026-000001 завершено, поэтому назначать, переносить и отменять его заседания в боте больше нельзя.";
    const move = await staff.press("Перенести: 25.11.2026, 15:00");
    expect(to(move, STAFF)).toEqual([ENDED, STAFF_HOME]);
    const cancel = await staff.press("Отменить");
    expect(to(cancel, STAFF)).toEqual([ENDED, STAFF_HOME]);
    expect(to(cancel, APPLICANT)).toEqual([]);
    expect((await t.db.prisma.sitting.findFirstOrThrow()).cancelledAt).toBeNull();
  });

  it("a cancelled sitting's «Перенести» on a view opened before the cancellation is refused at once, not after the date and time are typed", async () => {
    const { staff } = await formed();
    await scheduleSitting(staff); // 25.11.2026, 15:00
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    // A colleague (the same staff, from a second view) cancels it meanwhile.
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Отменить");
    await staff.press("Отменить заседание");
    const move = await staff.press("Перенести: 25.11.2026, 15:00");
    expect(to(move, STAFF), "asked for a new date of a cancelled sitting").toEqual(["Это заседание отменено.", STAFF_HOME]);
    expect(to(move, APPLICANT)).toEqual([]);
  });
});

describe("after the conclusion", () => {
  it("an answer to a sitting's invitation is not told «I will remind you» — its reminders were cancelled with the conclusion", async () => {
    const { staff, applicant } = await formed();
    const relative = await joinRelative(h, applicant, RELATIVE);
    await scheduleSitting(staff); // 25.11.2026, 15:00
    await recordNotConfirmed(staff);
    expect(await t.db.prisma.scheduledJob.count({ where: { kind: "sitting_reminder", state: "pending" } })).toBe(0);
    // The relative answers the invitation they got before.
    const answered = await relative.press("Приду очно");
    // Nothing left to answer: their menu follows.
    expect(to(answered, RELATIVE), "a reminder promised that will never come").toEqual(["По делу KZ-2026-000001 заседаний комиссии больше не будет — отвечать на приглашение не нужно.", expect.stringMatching(/^Что сделаем\?/)]);
    expect(to(answered, STAFF), "staff told of an answer to a sitting nobody is expected at").toEqual([]);
    // Nor does the case's view offer answer buttons for it any more.
    await relative.send("/cases");
    const view = await relative.press("Открыть KZ-2026-000001");
    expect(buttonsOf(view).filter((b) => b.includes("25.11.2026")), "answer buttons for the sitting").toEqual([]);
  });
});

describe("a sitting's time that has already passed today", () => {
  it("is refused when typed and asked again — not accepted, then everything typed after it thrown away at Save", async () => {
    const { staff } = await formed();
    at("2026-11-25T16:00:00+05:00");
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Назначить заседание");
    await staff.send("25.11.2026");
    // Before: accepted, and at Save «Это время уже прошло. Назначьте заседание снова», the flow ended.
    expect(to(await staff.send("15:00"), STAFF), "an hour ago").toEqual(["Это время сегодня уже прошло. Напишите более позднее.", "Время начала по времени Казахстана (ЧЧ:ММ), например 15:00:"]);
    expect(to(await staff.send("16:00"), STAFF)[0], "this very minute").toBe("Это время сегодня уже прошло. Напишите более позднее.");
    expect(to(await staff.send("17:30"), STAFF), "later today").toEqual(["Как пройдёт заседание?"]);
    const flows = (await new Store(t.db.prisma, [], TEST_DATA_KEY).load(STAFF, STAFF)).stack.map((e) => e.flow);
    expect(flows).toContain("sitting");
  });
});

describe("consent withdrawn: nothing new is processed until it is given again", () => {
  it("the applicant's IIN and address are not taken and stored for a complaint after they withdrew consent", async () => {
    const { staff, applicant } = await formed();
    await recordNotConfirmed(staff);
    await withdraw(applicant);
    // The conclusion's message still has «Шағым дайындау»; the applicant presses it and goes on.
    await applicant.press("Шағым дайындау");
    // Before: the particulars flow asked for surname, IIN and address, stored them sealed and drafted the complaint.
    const asked = await applicant.press("Медициналық ұйымның басшылығы");
    // Refused, and the menu follows: not a line to stop at.
    expect(to(asked, APPLICANT), "what the applicant is told").toEqual([CONSENT_NEEDED, MENU_KK]);
    const user = await t.db.prisma.user.findUniqueOrThrow({ where: { id: BigInt(APPLICANT) } });
    expect(user.details, "the IIN and postal address were stored after consent was withdrawn").toBeNull();
    // Given again, the same button works.
    await applicant.send("/privacy");
    await applicant.press("Келісемін");
    await applicant.press("Шағым дайындау");
    await applicant.press("Медициналық ұйымның басшылығы");
    await giveParticulars(applicant);
    expect((await t.db.prisma.user.findUniqueOrThrow({ where: { id: BigInt(APPLICANT) } })).details, "the particulars once consent is given again").not.toBeNull();
  });

  it("staff, told «no new messages from the applicant through the bot», get one the applicant writes in the mediation afterwards", async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "ru");
    const applicant = h.user(APPLICANT, "kk");
    await fileNotice(applicant, "kk");
    await joinMediator(h, ADMIN, MEDIATOR);
    await proposeMediator(staff);
    await h.user(MEDIATOR, "ru").press("Согласен(на) быть медиатором");
    await agreeToContract(applicant, staff);
    await withdraw(applicant);
    expect(to(h.fake.calls, STAFF)).toContain(
      "Дело KZ-2026-000001: заявитель отозвал в боте согласие на обработку персональных данных. Обращение остаётся в деле для процедуры рассмотрения. Пока заявитель не даст согласие снова, новых сообщений и предложений от него через бот не будет; отказаться от медиации или от предложения он может и теперь.",
    );
    // Before: «Жазу» on the «mediation started» message opened the flow, and the message reached staff.
    expect(to(await applicant.press("Жазу"), APPLICANT)).toEqual([CONSENT_NEEDED, MENU_KK]);
    const sent = await applicant.send("Менің телефоным +77011112233, маған хабарласыңыз.");
    expect(to(sent, STAFF), "a message from the applicant relayed to staff after consent was withdrawn").toEqual([]);
    expect(await t.db.prisma.caseEvent.count({ where: { kind: "mediation_message" } })).toBe(0);
  });
});

describe("consent withdrawn by a mediator, as a person", () => {
  it("a mediator who withdrew their own data-subject consent can still write in a mediation they conduct", async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "ru");
    const applicant = h.user(APPLICANT, "kk");
    await fileNotice(applicant, "kk");
    const mediator = await joinMediator(h, ADMIN, MEDIATOR); // consented at /start, as every user does
    await proposeMediator(staff);
    await mediator.press("Согласен(на) быть медиатором");
    await agreeToContract(applicant, staff);
    // The mediator withdraws their own consent (as a patient-side data subject).
    await mediator.send("/privacy");
    await mediator.press("Отозвать согласие");
    await mediator.press("Да, отозвать");
    // Then does their job: writes to both sides.
    await mediator.send("/inbox");
    await mediator.press("Открыть KZ-2026-000001");
    const opened = await mediator.press("Написать");
    expect(to(opened, MEDIATOR).join("\n"), "the mediator refused by the applicant-side consent gate").not.toMatch(/отозвали согласие/);
    await mediator.press("Только заявителю");
    const sent = await mediator.send("Предлагаю обсудить сроки выплаты.");
    expect(to(sent, APPLICANT), "the mediator's message reaches the applicant").toEqual([expect.stringContaining("Предлагаю обсудить сроки выплаты.")]);
  });
});

describe("staff on their own organisation's case", () => {
  it("staff who filed a notice about their own organisation do not record its steps, nor are asked to; another staff member does", async () => {
    const { admin, link } = await inviteStaff(h, ADMIN);
    const staff = h.user(STAFF, "ru");
    await staff.send("/start");
    await redeem(staff, link, "ru", "staff");
    const second = /start=([A-Za-z0-9_-]{32})/.exec(texts(await admin.press("Пригласить: Городская больница №7"))[0]!)![1]!;
    const colleague = h.user(STAFF + 1, "ru");
    await colleague.send("/start");
    await redeem(colleague, second, "ru", "staff", "Бекова Алия Сериковна");
    // The staff member files as the patient's spouse, about their own organisation: the colleague is told of the
    // new notice with its «record the receipt» button, they are not.
    const filed = await fileNotice(staff, "ru", { relation: "Супруг(а)" });
    expect((await t.db.prisma.case.findFirstOrThrow()).organizationId).not.toBeNull();
    expect(buttonsOf(filed.filter((c) => c.payload.chat_id === STAFF + 1))).toContain("Отметить получение обращения");
    expect(buttonsOf(filed.filter((c) => c.payload.chat_id === STAFF))).not.toContain("Отметить получение обращения");
    await staff.send("/inbox");
    const view = await staff.press("Открыть KZ-2026-000001");
    expect(buttonsOf(view)).not.toContain("Отметить получение обращения");
    expect(texts(view).at(-1)).toBe("KZ-2026-000001: вы участвуете в этом деле как заявитель или родственник. Отмечать его шаги за организацию должен другой её сотрудник.");
    // The colleague's button, sent by them: refused, and said why.
    const data = colleague.keyboardWith("Отметить получение обращения").buttons.flat().find((b) => b.text === "Отметить получение обращения")!.callback_data;
    expect(texts(await staff.pressData(data))).toEqual(["KZ-2026-000001: вы участвуете в этом деле как заявитель или родственник. Отмечать его шаги за организацию должен другой её сотрудник.", STAFF_HOME]);
    expect((await t.db.prisma.case.findFirstOrThrow()).status).toBe("delivered");
    // The colleague records it.
    await recordReceipt(colleague, "ru");
    expect((await t.db.prisma.case.findFirstOrThrow()).status).toBe("received");
  });

  it("staff who filed a notice about their own organisation and withdraw consent are not told, as its staff, that «the applicant withdrew»; their colleague is", async () => {
    const { admin, link } = await inviteStaff(h, ADMIN);
    const staff = h.user(STAFF, "ru");
    await staff.send("/start");
    await redeem(staff, link, "ru", "staff");
    const second = /start=([A-Za-z0-9_-]{32})/.exec(texts(await admin.press("Пригласить: Городская больница №7"))[0]!)![1]!;
    const colleague = h.user(STAFF + 1, "ru");
    await colleague.send("/start");
    await redeem(colleague, second, "ru", "staff", "Бекова Алия Сериковна");
    await fileNotice(staff, "ru", { relation: "Супруг(а)" });
    await recordReceipt(colleague, "ru");
    await staff.send("/privacy");
    await staff.press("Отозвать согласие");
    const withdrawn = await staff.press("Да, отозвать");
    expect((await t.db.prisma.user.findUniqueOrThrow({ where: { id: BigInt(STAFF) } })).consentWithdrawnAt).not.toBeNull();
    const told = (id: number) => texts(withdrawn.filter((c) => c.payload.chat_id === id));
    expect(told(STAFF + 1)).toEqual([expect.stringMatching(/^Дело KZ-2026-000001: заявитель отозвал в боте согласие/)]);
    expect(told(STAFF).filter((x) => x.startsWith("Дело KZ-2026-000001: заявитель отозвал")), "the applicant, who is staff too").toEqual([]);
  });

});
