// The commission end to end over HTTP, through the Bot API emulator, with three people each in their own
// language — the applicant (ru), a relative (kk, chosen with buttons) and staff (kk): invite → join →
// formation → sitting → invitations → answers → reminders on a controlled clock, across a restart →
// a move → the conclusion. Forged callbacks from the relative and a stranger are refused on the way.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../bot/logger.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { EmulatorChat, joinByLink, openAdminDoor, startEmulator, startEmulatorBot, type BotMessage, type SentFile } from "../helpers/emulator.js";

const TOKEN = "4343:e2e-commission";
const ADMIN = 700;
const log = createLogger("silent");
let server: Awaited<ReturnType<typeof startEmulator>>;
let t: TestDb;
let clock = new Date("2026-11-23T10:00:00+05:00");
const at = (iso: string) => (clock = new Date(iso));

const files: SentFile[] = [];
let bot: Awaited<ReturnType<typeof startEmulatorBot>> | null = null;
const startBot = async () => {
  bot = await startEmulatorBot(server, TOKEN, t.db, { adminIds: [ADMIN], now: () => clock, files });
  return bot;
};
const stopBot = async () => {
  await bot?.stop();
  bot = null;
};

beforeAll(async () => {
  server = await startEmulator();
  t = await testDatabase({ persistent: true });
});
afterAll(async () => {
  await stopBot();
  await server.stop();
  await t.dispose();
});

const textsOf = (ms: BotMessage[]) => ms.map((m) => m.text);
const labels = (m: BotMessage | undefined) => (m?.buttons ?? []).map((b) => b.text);
/** A calendar file's text with its folded lines joined again (RFC 5545, 3.1). */
const unfold = (s: string) => s.replace(/\r\n[ \t]/g, "");

describe("the commission, end to end with three people", () => {
  it("invite → join → formation → sitting → answers → reminders across a restart → a move → the conclusion", async () => {
    let kb = await startBot();
    // An admin registers the organisation and invites its staff.
    const admin = new EmulatorChat(server, TOKEN, ADMIN, "ru");
    expect(textsOf(await admin.send("/start", 1))).toEqual(["Чтобы работать администратором, откройте /admin: вы укажете ФИО и должность и примете условия администратора."]);
    expect(textsOf(await openAdminDoor(admin, "ru"))[1]).toMatch(/^Администратор: Жумабаев Арман Серикович\n/);
    await admin.press("Зарегистрировать организацию", 1);
    await admin.send("Городская больница №7", 1);
    await admin.press("Название то же", 1);
    await admin.press("г. Шымкент", 2);
    const invite = await admin.press("Пригласить: Городская больница №7", 1);
    const staffLink = /start=(\S+)/.exec(invite[0]!.text)![1]!;

    const staff = new EmulatorChat(server, TOKEN, 701, "kk");
    const staffJoined = await joinByLink(staff, staffLink, "kk", "staff", "Ахметова Сауле Маратовна");
    expect(textsOf(staffJoined)).toEqual([
      "Ахметова Сауле Маратовна, сіз «Городская больница №7» ұйымының қызметкері ретінде тіркелдіңіз. Ұйымыңыздың істері: /inbox",
      "«Городская больница №7»: өтініштер\n• алынғаны белгіленбегендер: 0\n• соңғы 7 күнде түскендер: 0\n• мерзімі бүгін бітетіндер: 0\n\nАлдағы 7 күндегі комиссия отырыстары: 0",
    ]);

    // The applicant files a notice naming it.
    const applicant = new EmulatorChat(server, TOKEN, 702, "ru");
    await applicant.send("/start", 2);
    await applicant.press("Согласен(на)", 2);
    await applicant.send("/notice", 1);
    await applicant.press("Супруг(а)", 1);
    await applicant.press("Подтверждаю", 1);
    await applicant.send("Ахметов Серік Болатұлы", 1);
    await applicant.send("850301300121", 1);
    await applicant.press("Да, верно", 1);
    // The region, then the organisation from the region's registered ones.
    expect(labels((await applicant.press("г. Шымкент", 1))[0])).toEqual(["Городская больница №7", "Моей организации нет в списке", "◀ Назад"]);
    await applicant.press("Городская больница №7", 1);
    await applicant.send("10.11.2026", 1);
    await applicant.send("После операции началось осложнение, нас не предупредили.", 1);
    await applicant.press("Вред без инвалидности", 1);
    await applicant.press("Не знаю", 1);
    await applicant.press("Готово", 2);
    await applicant.send("+77017654321", 2);
    const filed = await applicant.press("Сохранить обращение", 3);
    expect(filed[0]!.text).toMatch(/^Обращение сохранено\. Номер дела: KZ-2026-000001\./);
    expect(filed[1]!.text).toMatch(/^Что дальше\. Обращение передано сотрудникам организации «Городская больница №7» в боте\./);
    expect(textsOf(await staff.replies(1))[0]).toMatch(/^Жаңа өтініш KZ-2026-000001/);

    // Staff record its receipt: only now does the 3-working-day clock run.
    await staff.press("Өтініштің алынғанын белгілеу", 1);
    await staff.send("01-12/345", 1);
    expect(textsOf(await staff.press("Бүгін", 2))[0]).toMatch(/^Жазылды: ұйым KZ-2026-000001 өтінішін 23\.11\.2026 күні алды \(тіркеу № 01-12\/345\)\. Тәуелсіз сараптама комиссиясын 26\.11\.2026 күнінің соңына дейін құру керек/);
    expect(textsOf(await applicant.replies(1))[0]).toMatch(/^Дело KZ-2026-000001: организация получила обращение 23\.11\.2026 \(рег\. № 01-12\/345\)\./);

    // The applicant invites a relative, whose app is in English: they choose Kazakh.
    await applicant.send("/cases", 1);
    await applicant.press("Открыть KZ-2026-000001", 1);
    const link = /start=(c_\S+)/.exec((await applicant.press("Пригласить родственника", 1))[0]!.text)![1]!;
    const relative = new EmulatorChat(server, TOKEN, 703, "en");
    expect(labels((await relative.send(`/start ${link}`, 1))[0])).toEqual(["Қазақша", "Русский"]);
    expect(textsOf(await relative.press("Қазақша", 2))[1]).toBe("Сіз пациентке келтірілуі мүмкін зиян туралы KZ-2026-000001 ісін бақылауға шақырылдыңыз. Пациентке кім боласыз?");
    await relative.press("Пациенттің жұбайы", 1);
    expect(textsOf(await relative.press("Келісемін", 2))[1]).toMatch(/^Тегіңіз бен атыңыз/);
    const joined = await relative.send("Сейтова Асель Нурлановна", 2);
    expect(joined[0]!.text).toMatch(/^Сіз KZ-2026-000001 ісіне қосылдыңыз\./);
    expect(textsOf(await applicant.replies(1))[0]).toMatch(/^К делу KZ-2026-000001 по вашей ссылке присоединился человек: Сейтова Асель Нурлановна \(супруг\(а\) пациента\)\./);

    // Staff record the formation and schedule a sitting.
    await staff.send("/inbox", 1);
    await staff.press("KZ-2026-000001 ісін ашу", 1);
    await staff.press("Комиссия құрылды", 1);
    await staff.press("Растаймын", 1);
    expect(textsOf(await applicant.replies(1))[0]).toMatch(/^Дело KZ-2026-000001: независимая экспертная комиссия сформирована 23\.11\.2026\./);
    expect(textsOf(await relative.replies(1))[0]).toMatch(/^KZ-2026-000001 ісі: тәуелсіз сараптама комиссиясы 23\.11\.2026 күні құрылды\./);
    at("2026-11-23T11:00:00+05:00");
    await staff.send("/inbox", 1);
    await staff.press("KZ-2026-000001 ісін ашу", 1);
    await staff.press("Отырыс тағайындау", 1);
    await staff.send("25.11.2026", 1);
    await staff.send("15:00", 1);
    await staff.press("Бетпе-бет және онлайн", 1);
    await staff.send("Шымкент, Тауке хан к-сі, 1, 204 каб.", 1);
    await staff.send("https://meet.example.kz/kz-2026-1", 1);
    await staff.press("Ескертпесіз", 1);
    expect(textsOf(await staff.press("Сақтау", 2))[0]).toBe("KZ-2026-000001 ісі бойынша отырыс 25.11.2026, 15:00 уақытына тағайындалды. Жіберілген шақырулар: 2.");
    const invited = (await applicant.replies(1))[0]!;
    expect(invited.text).toMatch(/^Дело KZ-2026-000001: заседание независимой экспертной комиссии\n25\.11\.2026, 15:00 \(время Казахстана\)\nОчно: Шымкент/);
    expect(labels(invited)).toEqual(["Приду очно", "Подключусь онлайн", "Не смогу участвовать"]);
    const relInvited = (await relative.replies(1))[0]!;
    expect(relInvited.text).toMatch(/^KZ-2026-000001 ісі: тәуелсіз сараптама комиссиясының отырысы\n25\.11\.2026, 15:00 \(Қазақстан уақыты\)/);
    const ics = files.filter((f) => f.name.endsWith(".ics"));
    expect(ics.map((f) => f.chatId)).toEqual([702, 703]);
    const uid = /UID:(\S+)/.exec(unfold(ics[0]!.text))![1]!;
    expect(unfold(ics[0]!.text)).toContain("SUMMARY:Заседание комиссии по делу KZ-2026-000001");
    expect(unfold(ics[1]!.text)).toContain("SUMMARY:KZ-2026-000001 ісі бойынша комиссия отырысы");

    // Answers reach staff, by role.
    await applicant.press("Приду очно", 1);
    expect(textsOf(await staff.replies(1))).toEqual(["KZ-2026-000001 ісі, 25.11.2026, 15:00 отырысы: өтініш беруші — өзі келіп қатысады."]);
    await relative.press("Қатыса алмаймын", 1);
    expect(textsOf(await staff.replies(1))).toEqual(["KZ-2026-000001 ісі, 25.11.2026, 15:00 отырысы: Сейтова Асель Нурлановна, пациенттің жұбайы — қатыса алмайды."]);

    // Forged callbacks: the relative cannot cancel the sitting, a stranger cannot answer it.
    const sitting = await t.db.prisma.sitting.findFirstOrThrow();
    expect(textsOf(await relative.pressData(`g:scnok:${sitting.id}`, 1))).toEqual(["Не істейміз? Командалар (/) мәзірінде де бар."]);
    const stranger = new EmulatorChat(server, TOKEN, 704, "ru");
    await stranger.send("/start", 2);
    await stranger.press("Согласен(на)", 2);
    expect(textsOf(await stranger.pressData(`g:sat:${sitting.id}:in_person`, 1))).toEqual(["Такое дело не найдено, или вы в нём не участвуете.", "Что сделаем? Команды есть и в меню (/)."]);
    expect((await t.db.prisma.sitting.findFirstOrThrow()).cancelledAt).toBeNull();
    expect(await t.db.prisma.sittingResponse.count({ where: { userId: 704n } })).toBe(0);

    // A restart between scheduling and the reminder: the new process sends it, once, to whoever did not decline.
    await stopBot();
    kb = await startBot();
    await kb.runtime.runJobs(at("2026-11-24T14:59:00+05:00"), kb.bot.api, log);
    await kb.runtime.runJobs(at("2026-11-24T15:00:00+05:00"), kb.bot.api, log);
    await kb.runtime.runJobs(at("2026-11-24T15:00:30+05:00"), kb.bot.api, log);
    expect(textsOf(await applicant.replies(1))).toEqual([
      "Напоминание: завтра заседание комиссии по делу KZ-2026-000001 — 25.11.2026, 15:00 (время Казахстана).\nОчно: Шымкент, Тауке хан к-сі, 1, 204 каб.\nОнлайн: https://meet.example.kz/kz-2026-1\nВаш ответ: приду очно.",
    ]);
    expect(await relative.replies(0)).toEqual([]);

    // Staff move it; everyone hears, with an updated calendar file; the two-hour reminder follows the new time.
    at("2026-11-24T16:00:00+05:00");
    await staff.send("/inbox", 1);
    await staff.press("KZ-2026-000001 ісін ашу", 1);
    await staff.press("Ауыстыру: 25.11.2026, 15:00", 1);
    await staff.send("26.11.2026", 1);
    await staff.send("10:30", 1);
    await staff.press("Сақтау", 2);
    expect((await applicant.replies(1))[0]!.text).toMatch(/^Дело KZ-2026-000001: заседание комиссии перенесено\nбыло: 25\.11\.2026, 15:00\nстало: 26\.11\.2026, 10:30/);
    expect((await relative.replies(1))[0]!.text).toMatch(/^KZ-2026-000001 ісі: комиссия отырысы ауыстырылды\nбұрын: 25\.11\.2026, 15:00\nенді: 26\.11\.2026, 10:30/);
    const updated = files.filter((f) => f.name.endsWith(".ics")).slice(2).map((f) => unfold(f.text));
    expect(updated).toHaveLength(2);
    for (const f of updated) expect([f.includes(`UID:${uid}`), f.includes("SEQUENCE:1"), f.includes("DTSTART:20261126T053000Z")]).toEqual([true, true, true]);
    // At the old time's two-hour mark only the new time's day-before reminder goes out, now to both
    // (the relative's "cannot" was about the old time).
    await kb.runtime.runJobs(at("2026-11-25T13:00:00+05:00"), kb.bot.api, log);
    expect(textsOf(await applicant.replies(1))).toEqual([expect.stringMatching(/^Напоминание: завтра заседание комиссии по делу KZ-2026-000001 — 26\.11\.2026, 10:30 .*\nВаш ответ: нет ответа\.$/s)]);
    expect(textsOf(await relative.replies(1))).toEqual([expect.stringMatching(/^Еске салу: ертең KZ-2026-000001 ісі бойынша комиссия отырысы — 26\.11\.2026, 10:30/)]);
    await kb.runtime.runJobs(at("2026-11-26T08:30:00+05:00"), kb.bot.api, log);
    expect((await applicant.replies(1))[0]!.text).toMatch(/^Через два часа заседание комиссии по делу KZ-2026-000001 — 26\.11\.2026, 10:30/);
    expect((await relative.replies(1))[0]!.text).toMatch(/^Екі сағаттан кейін KZ-2026-000001 ісі бойынша комиссия отырысы — 26\.11\.2026, 10:30/);

    // The conclusion reaches everyone on the case, each in their own language.
    at("2026-11-26T14:00:00+05:00");
    await staff.send("/inbox", 1);
    await staff.press("KZ-2026-000001 ісін ашу", 1);
    await staff.press("Қорытындыны жазу", 1);
    await staff.press("Иә, зиян расталды", 1);
    await staff.press("Мүгедектіксіз зиян", 1);
    await staff.send("Комиссия операциядан кейінгі асқынудың себебін анықтады.", 1);
    await staff.press("Құжатсыз", 1);
    await staff.press("Бүгін", 1);
    expect(textsOf(await staff.press("Сақтау", 2))[0]).toBe("Жазылды: KZ-2026-000001 ісі бойынша қорытынды. Істің барлық қатысушысына хабарланды.");
    expect((await applicant.replies(1))[0]!.text).toMatch(/^Дело KZ-2026-000001: комиссия подтвердила, что вред причинён/);
    expect((await relative.replies(1))[0]!.text).toMatch(/^KZ-2026-000001 ісі: комиссия зиянның келтірілгенін растады/);
    expect((await t.db.prisma.case.findFirstOrThrow()).status).toBe("concluded");
    // Nobody was named by their Telegram id in anything the bot said to anyone.
    const everything = [admin, staff, applicant, relative, stranger].flatMap((c) => c.all().flatMap((m) => [m.text, ...m.buttons.map((b) => b.text)]));
    expect(everything.length).toBeGreaterThan(40);
    expect(everything.filter((x) => [ADMIN, 701, 702, 703, 704].some((id) => new RegExp(`(?<![0-9])${id}(?![0-9])`).test(x)))).toEqual([]);
  });
});
