// Mediation end to end over HTTP, through the Bot API emulator, with the applicant, staff and a mediator:
// the settlement path (applicant in Kazakh, staff and mediator in Russian) and the failure path that ends
// in a complaint's draft (applicant in Russian, staff and mediator in Kazakh).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { joinByLink, EmulatorChat, openAdminDoor, startEmulator, startEmulatorBot, type BotMessage, type SentFile } from "../helpers/emulator.js";

const TOKEN = "4444:e2e-mediation";
const ADMIN = 800;
let server: Awaited<ReturnType<typeof startEmulator>>;
let t: TestDb;
let bot: Awaited<ReturnType<typeof startEmulatorBot>> | null = null;
const files: SentFile[] = [];
const clock = new Date("2026-11-23T10:00:00+05:00");

beforeAll(async () => {
  server = await startEmulator();
  t = await testDatabase({ persistent: true });
  bot = await startEmulatorBot(server, TOKEN, t.db, { adminIds: [ADMIN], now: () => clock, files });
});
afterEach(() => {
  files.length = 0;
});
afterAll(async () => {
  await bot?.stop();
  await server.stop();
  await t.dispose();
});

const textsOf = (ms: BotMessage[]) => ms.map((m) => m.text);
const labels = (m: BotMessage | undefined) => (m?.buttons ?? []).map((b) => b.text);

/** Each run's mediator, by the full name they give when they join. */
const MEDIATORS = ["Сапарова Динара Ерлановна", "Оспанов Нұрлан Бекұлы"];

/** The applicant agrees to the mediation contract with their own particulars (the contract names the parties). */
const agreeToContract = async (a: EmulatorChat, lang: "kk" | "ru") => {
  await a.press(lang === "kk" ? "Шартпен келісемін" : "Согласен(на) с договором", 1);
  await a.send("Ахметов", 1);
  await a.send("Серік", 1);
  await a.send("Болатұлы", 1);
  await a.send("850301300121", 1);
  return a.send("160011, г. Шымкент, ул. Байтурсынова, д. 5", 2);
};

/** The admin (ru) registers an organisation and invites staff and a mediator; each joins in their language. */
const setUp = async (n: number, lang: { staff: "kk" | "ru"; mediator: "kk" | "ru" }, org: string) => {
  const admin = new EmulatorChat(server, TOKEN, ADMIN, "ru");
  if (n === 0) await openAdminDoor(admin, "ru");
  else await admin.send("/admin", 1);
  await admin.press("Зарегистрировать организацию", 1);
  await admin.send(org, 1);
  await admin.press("Название то же", 1);
  await admin.press("г. Шымкент", 2);
  const staffLink = /start=(\S+)/.exec((await admin.press(`Пригласить: ${org}`, 1))[0]!.text)![1]!;
  await admin.send("/admin", 1);
  const mediatorLink = /start=(\S+)/.exec((await admin.press("Пригласить медиатора", 1))[0]!.text)![1]!;
  // Staff and the mediator open their links straight away: their own door, then their home — never the patient's consent.
  const HOME = { staff: { kk: /^«.+»: өтініштер\n/, ru: /^«.+»: обращения\n/ }, mediator: { kk: /^Медиациялар\n/, ru: /^Медиации\n/ } };
  const CONSENT = /Согласен\(на\)|Келісемін|Персональные данные|Дербес деректер туралы/;
  const staff = new EmulatorChat(server, TOKEN, 810 + n, lang.staff);
  const staffJoined = await joinByLink(staff, staffLink, lang.staff, "staff", "Ахметова Сауле Маратовна");
  expect(staffJoined[1]!.text).toMatch(HOME.staff[lang.staff]);
  const mediator = new EmulatorChat(server, TOKEN, 820 + n, lang.mediator);
  const mediatorJoined = await joinByLink(mediator, mediatorLink, lang.mediator, "mediator", MEDIATORS[n]!);
  expect(mediatorJoined[1]!.text).toMatch(HOME.mediator[lang.mediator]);
  for (const chat of [staff, mediator]) expect(chat.all().map((m) => [m.text, ...m.buttons.map((b) => b.text)].join(" ")).join("\n")).not.toMatch(CONSENT);
  const roles = await t.db.prisma.userRole.findMany({ where: { userId: { in: [BigInt(810 + n), BigInt(820 + n)] } }, orderBy: { userId: "asc" } });
  expect(roles.map((r) => [r.role, r.termsVersion !== null, r.termsAcceptedAt !== null])).toEqual([["staff", true, true], ["mediator", true, true]]);
  return { staff, mediator };
};

/** An applicant files a notice naming the organisation (the labels of their language). */
const file = async (id: number, lang: "kk" | "ru", org: string) => {
  const L = lang === "kk"
    ? { agree: "Келісемін", rel: "Мен — пациентпін", yes: "Иә, дұрыс", region: "Шымкент қаласы", outcome: "Мүгедектіксіз зиян", support: "Білмеймін", done: "Дайын", submit: "Өтінішті сақтау" }
    : { agree: "Согласен(на)", rel: "Я — пациент", yes: "Да, верно", region: "г. Шымкент", outcome: "Вред без инвалидности", support: "Не знаю", done: "Готово", submit: "Сохранить обращение" };
  const a = new EmulatorChat(server, TOKEN, id, lang);
  await a.send("/start", 2);
  await a.press(L.agree, 2);
  await a.send("/notice", 1);
  await a.press(L.rel, 1);
  await a.send("Ахметов Серік Болатұлы", 1);
  await a.send("850301300121", 1);
  await a.press(L.yes, 1);
  await a.press(L.region, 1);
  await a.press(org, 1);
  await a.send("10.11.2026", 1);
  await a.send("Операциядан кейін асқыну болды, бізге ескертпеді.", 1);
  await a.press(L.outcome, 1);
  await a.press(L.support, 1);
  await a.press(L.done, 2);
  await a.send("+77017654321", 2);
  await a.press(L.submit, 3);
  return a;
};

describe("mediation end to end through the emulator", () => {
  it("settled: assign → both agree → messages both ways → proposal → counter-offer → new proposal → both accept → both confirm", async () => {
    const { staff, mediator } = await setUp(0, { staff: "ru", mediator: "ru" }, "Городская больница №7");
    const applicant = await file(830, "kk", "Городская больница №7");
    await staff.replies(1); // the new notice
    await staff.send("/inbox", 1);
    await staff.press("Открыть KZ-2026-000001", 1);
    await staff.press("Предложить медиацию", 1);
    await staff.press(MEDIATORS[0]!, 1);
    expect(textsOf(await mediator.replies(1))[0]).toMatch(/^Вам предлагают стать медиатором по делу KZ-2026-000001/);
    await mediator.press("Согласен(на) быть медиатором", 1);
    // The mediation contract's essentials (its PDF first) to each side; mediation starts when both agreed.
    const offer = (await applicant.replies(1))[0]!;
    expect(offer.text).toMatch(/^KZ-2026-000001 ісі: медиатор Сапарова Динара Ерлановна медиация өткізуге дайын/);
    expect(labels(offer)).toEqual(["Шартпен келісемін", "Келіспеймін"]);
    // Each side's PDF comes before its message (documents are made in the background, chat by chat).
    await staff.replies(1);
    expect(files.filter((f) => f.name === "KZ-2026-000001-mediation-contract.pdf").map((f) => f.chatId).sort()).toEqual([810, 830]);
    await agreeToContract(applicant, "kk");
    await staff.press("Согласен(на) с договором", 1);
    expect((await applicant.replies(1))[0]!.text).toMatch(/^KZ-2026-000001 ісі: екі тарап та медиация туралы шартпен келісті\./);
    await mediator.replies(1);

    // Messages both ways, by role.
    await applicant.press("Жазу", 1);
    await applicant.send("Біз толық өтемақы сұраймыз.", 1);
    expect(textsOf(await mediator.replies(1))).toEqual(["Заявитель · дело KZ-2026-000001:\nБіз толық өтемақы сұраймыз."]);
    expect(textsOf(await staff.replies(1))).toEqual(["Заявитель · дело KZ-2026-000001:\nБіз толық өтемақы сұраймыз."]);
    await staff.press("Ответить", 1);
    await staff.send("Организация готова обсуждать сумму.", 1);
    expect(textsOf(await applicant.replies(1))).toEqual(["Ұйымның өкілі · KZ-2026-000001 ісі:\nОрганизация готова обсуждать сумму."]);
    await mediator.replies(1);

    // Proposal → counter-offer → a new proposal.
    await mediator.press("Предложить урегулирование", 1);
    await mediator.send("1 500 000", 1);
    await mediator.send("Выплата в течение 15 рабочих дней после подписания соглашения.", 1);
    await mediator.press("10 дней", 1);
    await mediator.press("Отправить", 2);
    expect((await applicant.replies(1))[0]!.text).toMatch(/^KZ-2026-000001 ісі: медиатордың № 1 ұсынысы\n\nСомасы: 1\u00a0500\u00a0000 ₸/);
    await staff.replies(1);
    await applicant.press("Қарсы ұсыныс", 1);
    await applicant.send("2 000 000", 1);
    await applicant.send("Емдеу шығындары көбірек болды.", 1);
    await applicant.press("Жіберу", 1);
    expect((await mediator.replies(1))[0]!.text).toMatch(/^Дело KZ-2026-000001: встречное предложение \(2\) — Заявитель\.\nСумма: 2\u00a0000\u00a0000 ₸/);
    await mediator.press("Предложить урегулирование", 1);
    await mediator.send("1 800 000", 1);
    await mediator.send("Выплата в течение 15 рабочих дней после подписания соглашения.", 1);
    await mediator.press("10 дней", 1);
    await mediator.press("Отправить", 2);
    const third = (await applicant.replies(1))[0]!;
    expect(third.text).toMatch(/медиатордың № 3 ұсынысы\n\nСомасы: 1\u00a0800\u00a0000 ₸/);
    await staff.replies(1);

    // Both accept; the agreement as a PDF to each; both confirm; settled.
    await applicant.press("Қабылдау", 1);
    await staff.replies(1);
    await mediator.replies(1);
    await staff.press("Принять", 2);
    expect(textsOf(await applicant.replies(2))[1]).toMatch(/^KZ-2026-000001 ісі: екі тарап 3-ұсынысты қабылдады\./);
    await mediator.replies(2);
    expect(files.filter((f) => f.name === "KZ-2026-000001-agreement.pdf").map((f) => f.chatId).sort()).toEqual([810, 820, 830]);
    await applicant.press("Оқыдым және келісемін", 1);
    await staff.press("Я прочитал(а) и согласен(на)", 1);
    // Agreed to the text is not signed: the case is settled when the signed agreement is recorded.
    expect(textsOf(await applicant.replies(1))[0]).toMatch(/^KZ-2026-000001 ісі: екі тарап 1\u00a0800\u00a0000 ₸ сомасына келісімнің мәтінімен келісті/);
    expect((await t.db.prisma.case.findFirstOrThrow({ where: { number: "KZ-2026-000001" } })).status).toBe("mediation");
    await mediator.replies(1);
    await mediator.press("Приложить подписанное соглашение", 1);
    await mediator.document("signed-1", "application/pdf", 2);
    expect(textsOf(await applicant.replies(1))).toEqual(["KZ-2026-000001 ісі реттелді: 1\u00a0800\u00a0000 ₸ сомасына қол қойылған келісім тіркелді."]);
    expect((await t.db.prisma.case.findFirstOrThrow({ where: { number: "KZ-2026-000001" } })).status).toBe("settled");
  });

  it("not settled: rejection → the mediator ends it → the applicant drafts a complaint", async () => {
    const { staff, mediator } = await setUp(1, { staff: "kk", mediator: "kk" }, "Клиника Сау");
    const applicant = await file(831, "ru", "Клиника Сау");
    await staff.replies(1);
    await staff.send("/inbox", 1);
    await staff.press("KZ-2026-000002 ісін ашу", 1);
    await staff.press("Медиация ұсыну", 1);
    await staff.press(MEDIATORS[1]!, 1);
    await mediator.replies(1);
    await mediator.press("Медиатор болуға келісемін", 1);
    await applicant.replies(1);
    await staff.replies(1);
    await agreeToContract(applicant, "ru");
    await staff.press("Шартпен келісемін", 1);
    await applicant.replies(1);
    await mediator.replies(1);
    await mediator.press("Дауды реттеуді ұсыну", 1);
    await mediator.send("300000", 1);
    await mediator.send("Төлем қол қойылғаннан кейін 10 жұмыс күні ішінде.", 1);
    await mediator.press("10 күн", 1);
    await mediator.press("Жіберу", 2);
    await staff.replies(1);
    await applicant.replies(1);
    await applicant.press("Отклонить", 1);
    expect(textsOf(await mediator.replies(1))).toEqual(["KZ-2026-000002 ісі, 1-ұсыныс. Өтініш беруші: бас тартты."]);
    await staff.replies(1);
    await mediator.send("/inbox", 1);
    expect(textsOf(await mediator.press("KZ-2026-000002 ісін ашу", 1))[0]).toBe("KZ-2026-000002 ісі бойынша медиация: жүріп жатыр.\n\nҰсыныстар:\n1. Медиатор: 300\u00a0000 ₸");
    await mediator.press("Медиацияны аяқтау", 1);
    await mediator.press("Аяқтау", 1);
    const ended = await applicant.replies(2);
    expect(textsOf(ended)).toEqual([
      "Дело KZ-2026-000002: медиация завершена без соглашения — её завершил медиатор.",
      expect.stringMatching(/^Что дальше по делу KZ-2026-000002: как правило, обращаются к руководству медицинской организации/),
    ]);
    expect(labels(ended[1])).toEqual(["Подготовить жалобу"]);
    await applicant.press("Подготовить жалобу", 1);
    // The applicant's own particulars first: anonymous appeals are not considered.
    // The particulars given for the mediation contract are offered again.
    expect(textsOf(await applicant.press("Управление здравоохранения", 1))[0]).toContain("Ахметов Серік Болатұлы, ИИН ••••••••0121");
    const drafted = await applicant.press("Да, использовать", 3);
    expect(drafted).toHaveLength(3);
    // To whom and the case's history; the applicant's particulars and the patient only in the PDF (law.md §7).
    expect(drafted[0]!.text).toMatch(/^Жалоба \(проект\)\n\nКому: управление здравоохранения — г. Шымкент\nОбращение: /);
    for (const personal of ["Ахметов", "0121", "Заявитель:", "Пациент:"]) expect(drafted[0]!.text).not.toContain(personal);
    expect(drafted[0]!.text).toContain("Медиация: переговоры с участием медиатора в боте «Келісім» с 23.11.2026 по 23.11.2026, предложений: 1; соглашение не достигнуто.");
    expect(drafted[1]!.text).toMatch(/^Проект жалобы по делу KZ-2026-000002 готов/);
    expect(files.map((f) => [f.chatId, f.name])).toContainEqual([831, "KZ-2026-000002-complaint.pdf"]);
    expect((await t.db.prisma.case.findFirstOrThrow({ where: { number: "KZ-2026-000002" } })).status).toBe("escalated");
  });
});
