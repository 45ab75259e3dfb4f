// The legal clock end to end over HTTP, through the Bot API emulator (law.md §3 step 2): the 3 working
// days run from the healthcare entity's receipt of the notice. In Kazakh, a notice to an organisation
// with no staff in the bot names no deadline until the applicant says when they handed it in; in Russian,
// a notice to a registered organisation waits for its staff, who are reminded, while the applicant is
// told it is not yet received. No overdue message for a case not received, however late the clock.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../bot/logger.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { EmulatorChat, joinByLink, openAdminDoor, startEmulator, startEmulatorBot, type BotMessage } from "../helpers/emulator.js";

const TOKEN = "4545:e2e-receipt";
const ADMIN = 800;
const KK_ADMIN = 804;
const log = createLogger("silent");
let server: Awaited<ReturnType<typeof startEmulator>>;
let t: TestDb;
let clock = new Date("2026-11-23T10:00:00+05:00"); // a Monday
const at = (iso: string) => (clock = new Date(iso));
let bot: Awaited<ReturnType<typeof startEmulatorBot>> | null = null;

beforeAll(async () => {
  server = await startEmulator();
  t = await testDatabase({ persistent: true });
  bot = await startEmulatorBot(server, TOKEN, t.db, { adminIds: [ADMIN, KK_ADMIN], now: () => clock });
});
afterAll(async () => {
  await bot?.stop();
  await server.stop();
  await t.dispose();
});

const textsOf = (ms: BotMessage[]) => ms.map((m) => m.text);
const labels = (m: BotMessage | undefined) => (m?.buttons ?? []).map((b) => b.text);
const runJobs = async (iso: string) => bot!.runtime.runJobs(at(iso), bot!.bot.api, log);
const DEADLINE = /срок формирования|до конца дня|мерзім|күнінің соңына дейін|истёк|өтті/i;

describe("the legal clock starts at receipt, end to end", () => {
  it("kk: an organisation with no staff in the bot — no deadline until the applicant hands the notice in", async () => {
    const applicant = new EmulatorChat(server, TOKEN, 801, "kk");
    await applicant.send("/start", 2);
    await applicant.press("Келісемін", 2);
    await applicant.send("/notice", 1);
    await applicant.press("Мен — пациентпін", 1);
    await applicant.send("Сейітова Әсел Нұрланқызы", 1);
    await applicant.send("850301300121", 1);
    await applicant.press("Иә, дұрыс", 1);
    await applicant.press("Алматы қаласы", 1);
    await applicant.send("№3 қалалық емхана", 1);
    await applicant.send("10.11.2026", 1);
    await applicant.send("Ота кезінде асқыну болды.", 1);
    await applicant.press("Әзірге белгісіз", 1);
    await applicant.press("Білмеймін", 1);
    await applicant.press("Дайын", 2);
    await applicant.send("+77010000001", 2);
    const filed = await applicant.press("Өтінішті сақтау", 3);
    expect(filed[0]!.text).toMatch(/^Өтініш сақталды\. Іс нөмірі: KZ-2026-000001\./);
    expect(textsOf(filed).join("\n")).not.toMatch(DEADLINE);
    expect(labels(filed[1])).toEqual(["Өтінішті ұйымға тапсырдым", "Өтініш (PDF)"]);
    const listed = await applicant.send("/cases", 1);
    expect(listed[0]!.text).not.toMatch(DEADLINE);

    // After 2 working days, a reminder; weeks later, still no deadline and never "missed".
    await runJobs("2026-11-25T10:00:00+05:00");
    const reminded = await applicant.replies(1);
    expect(reminded[0]!.text).toMatch(/^KZ-2026-000001 ісі: өтінішті «№3 қалалық емхана» ұйымына тапсырғаныңызды әлі хабарлаған жоқсыз/);
    await runJobs("2026-12-20T10:00:00+05:00");
    expect(await applicant.replies(0)).toEqual([]);

    // The date they handed it in starts the clock: three working days from 24.11.2026 end on 27.11.2026.
    at("2026-11-26T12:00:00+05:00");
    await applicant.press("Өтінішті ұйымға тапсырдым", 1);
    await applicant.send("24.11.2026", 1);
    await applicant.press("Өткізіп жіберу", 1);
    const handed = await applicant.press("Өткізіп жіберу", 1);
    expect(handed[0]!.text).toBe(
      "Жазылды: KZ-2026-000001 өтінішін ұйымға 24.11.2026 күні тапсырдыңыз. Ұйым өтінішті алғаннан кейін 3 жұмыс күні ішінде тәуелсіз сараптама комиссиясын құруы керек — 27.11.2026 күнінің соңына дейін. Мерзім өтіп, комиссия туралы жазба болмаса, хабарлаймын.",
    );
    expect((await applicant.send("/cases", 1))[0]!.text).toContain("27.11.2026 күнінің соңына дейін");
    const c = await t.db.prisma.case.findFirstOrThrow({ where: { number: "KZ-2026-000001" } });
    expect(c.status).toBe("received");
    expect(c.answers).toMatchObject({ receipt: { on: "2026-11-24", by: "applicant" }, formationDue: "2026-11-27" });
  });

  it("ru: a registered organisation — the clock waits for its staff; unacknowledged, they are reminded and the applicant told", async () => {
    at("2026-11-30T10:00:00+05:00"); // a Monday
    const admin = new EmulatorChat(server, TOKEN, ADMIN, "ru");
    expect(textsOf(await admin.send("/start", 1))).toEqual(["Чтобы работать администратором, откройте /admin: вы укажете ФИО и должность и примете условия администратора."]);
    expect(textsOf(await openAdminDoor(admin, "ru"))[1]).toMatch(/^Администратор: Жумабаев Арман Серикович\n/);
    await admin.press("Зарегистрировать организацию", 1);
    await admin.send("Городская больница №7", 1);
    await admin.press("Название то же", 1);
    await admin.press("г. Шымкент", 2);
    const invite = await admin.press("Пригласить: Городская больница №7", 1);
    const staff = new EmulatorChat(server, TOKEN, 802, "ru");
    await joinByLink(staff, /start=(\S+)/.exec(invite[0]!.text)![1]!, "ru", "staff", "Ахметова Сауле Маратовна");

    const applicant = new EmulatorChat(server, TOKEN, 803, "ru");
    await applicant.send("/start", 2);
    await applicant.press("Согласен(на)", 2);
    await applicant.send("/notice", 1);
    await applicant.press("Супруг(а)", 1);
    await applicant.press("Подтверждаю", 1);
    await applicant.send("Ахметов Серік Болатұлы", 1);
    await applicant.send("850301300121", 1);
    await applicant.press("Да, верно", 1);
    await applicant.press("г. Шымкент", 1);
    await applicant.press("Городская больница №7", 1);
    await applicant.send("10.11.2026", 1);
    await applicant.send("После операции началось осложнение.", 1);
    await applicant.press("Пока неизвестно", 1);
    await applicant.press("Не знаю", 1);
    await applicant.press("Готово", 2);
    await applicant.send("+77017654321", 2);
    const filed = await applicant.press("Сохранить обращение", 3);
    expect(filed[1]!.text).toMatch(/^Что дальше\. Обращение передано сотрудникам организации «Городская больница №7» в боте\./);
    expect(textsOf(filed).join("\n")).not.toMatch(DEADLINE);
    expect(textsOf(await staff.replies(1))[0]).toMatch(/^Новое обращение KZ-2026-000002/);

    // Not acknowledged by the end of the next working day: staff are reminded, the applicant told how to hand it in.
    await runJobs("2026-12-02T08:59:00+05:00");
    expect(await staff.replies(0)).toEqual([]);
    await runJobs("2026-12-02T09:00:00+05:00");
    expect(textsOf(await staff.replies(1))).toEqual([
      "Дело KZ-2026-000002 (Городская больница №7): получение обращения ещё не отмечено. Отметьте его — срок формирования комиссии бот отсчитывает со следующего рабочего дня после получения.",
    ]);
    const told = await applicant.replies(1);
    expect(told[0]!.text).toMatch(/^Дело KZ-2026-000002: организация «Городская больница №7» ещё не отметила в боте, что получила обращение, поэтому срок формирования комиссии пока не идёт\.\n\nВы можете передать обращение сами/);
    expect(labels(told[0])).toContain("Я передал(а) обращение");
    // Counted from the day it was filed, three working days would have ended on 03.12: nothing is said.
    await runJobs("2026-12-04T00:00:01+05:00");
    expect(textsOf([...(await applicant.replies(0)), ...(await staff.replies(0))])).toEqual([]);

    // Staff record the receipt on Friday 04.12: the clock runs from that day — three working days end on 09.12.2026.
    at("2026-12-04T11:00:00+05:00");
    await staff.send("/inbox", 1);
    await staff.press("Открыть KZ-2026-000002", 1);
    await staff.press("Отметить получение обращения", 1);
    await staff.send("01-12/900", 1);
    expect(textsOf(await staff.press("Сегодня", 2))[0]).toBe(
      "Записано: обращение KZ-2026-000002 получено организацией 04.12.2026 (рег. № 01-12/900). Независимую экспертную комиссию нужно сформировать до конца дня 09.12.2026 (3 рабочих дня). Участники дела уведомлены.",
    );
    expect(textsOf(await applicant.replies(1))).toEqual([
      "Дело KZ-2026-000002: организация получила обращение 04.12.2026 (рег. № 01-12/900). В течение 3 рабочих дней после получения она должна сформировать независимую экспертную комиссию — до конца дня 09.12.2026.",
    ]);
    // Only now can a deadline pass, and the applicant hears of it.
    await runJobs("2026-12-10T00:00:01+05:00");
    expect(textsOf(await applicant.replies(1))[0]).toMatch(/^Дело KZ-2026-000002: срок формирования независимой экспертной комиссии истёк 09\.12\.2026/);
  });

  it("kk: an admin's first /admin is their own door, then their home — never the patient's consent", async () => {
    const admin = new EmulatorChat(server, TOKEN, KK_ADMIN, "kk");
    expect(textsOf(await admin.send("/admin", 1))[0]).toMatch(/^Сіз «Келісім» әкімшісісіз\./);
    const home = await openAdminDoorAnswers(admin);
    expect(textsOf(home)).toEqual(["Жумабаев Арман Серикович, әкімшінің шарттары қабылданды.", expect.stringMatching(/^Әкімші: Жумабаев Арман Серикович\nҰйымдар: 1 · қызметкерлер: 1 · медиаторлар: 0\n/)]);
    expect(labels(home[1])).toEqual(["Ұйымды тіркеу", "Қызметкерді шақыру", "Медиаторды шақыру", "Рөлдер", "Ұйымсыз істер", "Медиатор ұсыну", "Деректерді кім ашты"]);
    expect(admin.all().map((m) => m.text).join("\n")).not.toMatch(/Келісемін|Дербес деректер туралы/);
    const row = await t.db.prisma.userRole.findFirstOrThrow({ where: { userId: BigInt(KK_ADMIN) } });
    expect([row.role, row.termsVersion !== null, row.termsAcceptedAt !== null]).toEqual(["admin", true, true]);
  });
});

/** The rest of the admin's door after /admin: the name, the position, the terms accepted. */
const openAdminDoorAnswers = async (admin: EmulatorChat) => {
  await admin.send("Жумабаев Арман Серикович", 1);
  await admin.send("Денсаулық сақтау басқармасының маманы", 1);
  return admin.press("Қабылдаймын", 2);
};
