// Relatives invited by the applicant, and the commission's sittings: invitations in each person's language
// with a calendar file, answers, reminders on a controlled clock, moves and cancellations — and everyone
// who is not on a case refused, forged callbacks included.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buttons, seen, shown, testBot, texts, type Harness, type TestUser, textsTo as to } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { fileNotice, removeRelative } from "../helpers/notice.js";
import { formCommission, joinStaff, recordReceipt, scheduleSitting } from "../helpers/staff.js";
import type { Call } from "../../bot/local/fake-api.js";
import { createLogger } from "../../bot/logger.js";

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
const RELATIVE = 60;
const log = createLogger("silent");
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

const NOT_FOUND_RU = "Такое дело не найдено, или вы в нём не участвуете.";
const NOT_FOUND_KK = "Мұндай іс табылмады немесе сіз оған қатыспайсыз.";
const toast = (calls: Call[]) => calls.find((c) => c.method === "answerCallbackQuery")?.payload.text;
/** A calendar file's text with its folded lines joined again (RFC 5545, 3.1). */
const ics = (c: Call) => c.file!.bytes.toString("utf8").replace(/\r\n[ \t]/g, "");
const RELATIVE_NAME = "Сейтова Асель Нурлановна";
const MENU: unknown = expect.stringMatching(/^Что сделаем\?/);
const MENU_KK: unknown = expect.stringMatching(/^Не істейміз\?/);
/** After an action, staff get their own home screen, never the applicant's menu. */
const STAFF_HOME: unknown = expect.stringMatching(/^«.+»: обращения\n/);

/** Staff (ru) of the organisation, an applicant (kk) whose notice names it, and the commission formed. */
const formed = async () => {
  const staff = await joinStaff(h, ADMIN, STAFF, "ru");
  const applicant = h.user(APPLICANT, "kk");
  await fileNotice(applicant, "kk");
  const c = await t.db.prisma.case.findFirstOrThrow();
  await recordReceipt(staff, "ru");
  await formCommission(staff);
  return { staff, applicant, c };
};

/** The applicant creates a relative's invite from the case's view; returns the /start payload. */
const relativeLink = async (applicant: TestUser) => {
  await applicant.send("/cases");
  await applicant.press("KZ-2026-000001 ісін ашу");
  const invite = await applicant.press("Туысты шақыру");
  return /start=(c_[A-Za-z0-9_-]{32})/.exec(texts(invite)[0]!)![1]!;
};

/** A relative (ru) joins by the applicant's link as the patient's spouse. */
/** Staff open the conclusion from the inbox: harm not confirmed, its summary typed — at the document's question. */
const notConfirmedUpToDocument = async (staff: TestUser) => {
  await staff.send("/inbox");
  await staff.press("Открыть KZ-2026-000001");
  await staff.press("Записать заключение");
  await staff.press("Нет, вред не подтверждён");
  await staff.send("Осложнение — известный риск, о котором предупреждали.");
};

const joinRelative = async (applicant: TestUser, id = RELATIVE) => {
  const link = await relativeLink(applicant);
  const relative = h.user(id, "ru");
  await relative.send(`/start ${link}`);
  await relative.press("Супруг(а)");
  await relative.press("Согласен(на)");
  await relative.send(RELATIVE_NAME);
  return relative;
};


describe("relatives", () => {
  it("the applicant invites a relative, who joins in their own language; the applicant is told and can remove them", async () => {
    const { applicant } = await formed();
    await applicant.send("/cases");
    const view = await applicant.press("KZ-2026-000001 ісін ашу");
    expect(buttons(view)).toEqual(["Ең төменгі төлемдер", "Туысты шақыру", "Менің деректерімді кім ашты"]);
    const invite = await applicant.press("Туысты шақыру");
    expect(texts(invite)[0]).toMatch(
      /^KZ-2026-000001 ісі бойынша туысқа арналған сілтеме\. Оны шақыратын адамыңызға жіберіңіз: ол бір рет, 30\.11\.2026 күніне дейін жұмыс істейді\.\nhttps:\/\/t\.me\/kelisim_local_bot\?start=c_[A-Za-z0-9_-]{32}\n/,
    );
    expect(texts(invite)[1]).toBe("Сілтеме сіз шақырмаған адамға жетіп қалса, оны қайтарып алыңыз — содан кейін ол бойынша ешкім қосыла алмайды.");
    const link = /start=(c_\S+)/.exec(texts(invite)[0]!)![1]!;
    expect((await t.db.prisma.invite.findFirstOrThrow({ where: { role: "relative" } })).tokenHash).toMatch(/^[0-9a-f]{64}$/);

    // Someone new, whose app is in English: the language first, then who they are, then consent.
    const relative = h.user(RELATIVE, "en");
    const opened = await relative.send(`/start ${link}`);
    expect(buttons(opened)).toEqual(["Қазақша", "Русский"]);
    // A message changed there (before a language is known): said in both, the invite kept — before, it started over as a patient.
    const edited = await relative.edit(1, "привет");
    expect(texts(edited)[0]).toBe("Жіберілген хабарламаға кейін енгізілген өзгерістер ботқа жетпейді: бот оның алғашқы нұсқасын ғана алды.\n\nБот не получает изменений в уже отправленных сообщениях: у него остаётся первоначальный вариант.");
    expect(buttons(edited)).toEqual(["Қазақша", "Русский"]);
    const asked = await relative.press("Русский");
    expect(texts(asked).at(-1)).toBe("Вас пригласили следить за делом KZ-2026-000001 о возможном вреде пациенту. Кем вы приходитесь пациенту?");
    expect(buttons(asked)).toEqual(["Супруг(а)", "Близкий родственник", "Законный представитель", "Не сейчас"]);
    expect(texts(await relative.sticker())).toEqual(["Извините, я этого не понял.", "Вас пригласили следить за делом KZ-2026-000001 о возможном вреде пациенту. Кем вы приходитесь пациенту?"]);
    const consent = await relative.press("Супруг(а)");
    expect(texts(consent)[0]).toMatch(/^О персональных данных\n\nЧтобы сообщать вам о ходе дела/);
    const named = await relative.press("Согласен(на)");
    expect(to(named, RELATIVE)).toEqual(["Спасибо. Ваше согласие записано.", "Ваши фамилия и имя — так вас увидит заявитель, чтобы знать, кто присоединился:"]);
    // A name is asked again with its reason, inside the flow; then the applicant sees who joined, by name and relation.
    expect(to(await relative.send("Асель"), RELATIVE)).toEqual(["Напишите фамилию и имя (и отчество, если есть) буквами, через пробел.", "Ваши фамилия и имя — так вас увидит заявитель, чтобы знать, кто присоединился:"]);
    const joined = await relative.send(RELATIVE_NAME);
    expect(to(joined, RELATIVE)).toEqual([
      "Вы присоединились к делу KZ-2026-000001. Вы будете получать приглашения на заседания комиссии, напоминания и новости о сроках. Сведения о деле: /cases",
      MENU,
    ]);
    expect(to(joined, APPLICANT)).toEqual([
      "KZ-2026-000001 ісіне сіздің сілтемеңіз бойынша адам қосылды: Сейтова Асель Нурлановна (пациенттің жұбайы). Ол істің күйін, мерзімдерді және отырыстарды көреді — ЖСН, телефон мен сипаттаманы көрмейді. Бұл сіз шақырған адам болмаса, оны алып тастаңыз.",
    ]);
    const row = await t.db.prisma.caseParticipant.findFirstOrThrow({ where: { userId: BigInt(RELATIVE) } });
    expect([row.role, row.relation]).toEqual(["relative", "spouse"]);
    expect((await t.db.prisma.user.findUniqueOrThrow({ where: { id: BigInt(RELATIVE) } })).consentAt).not.toBeNull();

    // The relative sees the case, but not the IIN, the phone or the description; and cannot invite anyone.
    await relative.send("/cases");
    const seen = await relative.press("Открыть KZ-2026-000001");
    expect(texts(seen)[0]).toMatch(/^Дело KZ-2026-000001 — Городская больница №7, г. Шымкент\nСтатус: комиссия сформирована\nПолучено организацией: 23\.11\.2026 \(рег\. № 01-12\/345\)\.\nСледующий шаг: комиссия выдаёт заключение\.\nСрок: до конца дня 30\.11\.2026/);
    for (const secret of ["850301300121", "+77010000000", "осложнение", "Иванов"]) expect(texts(seen)[0]).not.toContain(secret);
    expect(buttons(seen)).toEqual(["Минимальные выплаты"]);
    // The applicant's view lists them.
    await applicant.send("/cases");
    expect(texts(await applicant.press("KZ-2026-000001 ісін ашу"))[0]).toContain("Туыстар:\nСейтова Асель Нурлановна (пациенттің жұбайы) — 23.11.2026 күнінен бастап");

    // The link was used once: nobody else can join by it.
    const other = h.user(61, "ru");
    await other.send("/start");
    await other.press("Согласен(на)");
    const refused = await other.send(`/start ${link}`); // said at once, before any question
    expect(texts(refused)[0]).toBe("Это приглашение недействительно: им уже воспользовались, срок истёк или его отозвали. Попросите новое.");
    expect(buttons(refused)).not.toContain("Близкий родственник");
    expect(await t.db.prisma.caseParticipant.count({ where: { userId: 61n } })).toBe(0);

    // The applicant removes them: both are told, and the case is gone from the relative's /cases.
    const removed = await removeRelative(applicant);
    expect(to(removed, APPLICANT)).toEqual(["KZ-2026-000001 ісінен шығарылды: Сейтова Асель Нурлановна (пациенттің жұбайы)."]);
    expect(to(removed, RELATIVE)).toEqual(["Заявитель удалил вас из дела KZ-2026-000001. Сообщений о нём больше не будет."]);
    expect(texts(await relative.send("/cases"))[0]).toBe("У вас пока нет дел. Подать обращение: /notice");
    expect(texts(await relative.pressData(`g:case:${row.caseId}`))[0]).toBe(NOT_FOUND_RU);
  });

  it("an expired link, a declined consent and 'not now' add nobody", async () => {
    const { applicant } = await formed();
    const link = await relativeLink(applicant);
    const r = h.user(RELATIVE, "ru");
    await r.send(`/start ${link}`);
    expect(texts(await r.press("Не сейчас"))[0]).toBe("Хорошо, вы не присоединились к делу. Ссылка действует, пока не истёк её срок.");
    await r.send(`/start ${link}`);
    await r.press("Близкий родственник");
    expect(texts(await r.press("Не согласен(на)"))[0]).toBe("Хорошо, вы не присоединились к делу. Ссылка действует, пока не истёк её срок.");
    expect(await t.db.prisma.caseParticipant.count({ where: { userId: BigInt(RELATIVE) } })).toBe(0);
    at("2026-11-30T23:59:00+05:00"); // the link, made on the 23rd, lasts to the end of the 30th (the date it names)
    await r.send(`/start ${link}`);
    await r.press("Близкий родственник");
    await r.press("Согласен(на)");
    at("2026-12-01T00:00:01+05:00"); // it expired while they were answering
    expect(texts(await r.send(RELATIVE_NAME))).toContain("Это приглашение недействительно: им уже воспользовались, срок истёк или его отозвали. Попросите новое.");
    expect(await t.db.prisma.caseParticipant.count({ where: { userId: BigInt(RELATIVE) } })).toBe(0);
    // Opened again now, it is refused before any question — in both languages for someone new.
    const fresh = h.user(62, "en");
    const refused = await fresh.send(`/start ${link}`);
    expect(texts(refused)[0]).toBe(
      "Бұл шақыру жарамсыз: ол қолданылған, мерзімі өткен немесе қайтарып алынған. Жаңасын сұраңыз.\n\nЭто приглашение недействительно: им уже воспользовались, срок истёк или его отозвали. Попросите новое.",
    );
    expect(buttons(refused)).toEqual(["Қазақша", "Русский"]);
  });

  it("the applicant may show the notice to relatives, and stop; nobody else can", async () => {
    const { applicant, c } = await formed();
    const relative = await joinRelative(applicant);
    expect(texts(await relative.pressData(`g:rnotice:${c.id}`))).toEqual(["Заявитель сейчас не показывает родственникам обращение по делу KZ-2026-000001.", MENU]);
    expect(texts(await relative.pressData(`g:rshare:${c.id}:on`))).toEqual([NOT_FOUND_RU, MENU]);
    await applicant.send("/cases");
    await applicant.press("KZ-2026-000001 ісін ашу");
    const shared = await applicant.press("Өтінішті туыстарға көрсету");
    expect(to(shared, APPLICANT)[0]).toMatch(/^KZ-2026-000001 ісі бойынша туыстар енді өтінішті толық/);
    expect(to(shared, RELATIVE)).toEqual(["Заявитель открыл вам обращение по делу KZ-2026-000001."]);
    const pdf = await relative.press("Обращение (PDF)");
    const doc = pdf.find((x) => x.method === "sendDocument")!;
    expect([doc.payload.chat_id, doc.file!.filename]).toEqual([RELATIVE, "KZ-2026-000001.pdf"]);
    await applicant.send("/cases");
    await applicant.press("KZ-2026-000001 ісін ашу");
    expect(texts(await applicant.press("Туыстарға енді көрсетпеу"))[0]).toBe("KZ-2026-000001 ісі бойынша өтініш енді туыстарға көрсетілмейді.");
    const refused = await relative.pressData(`g:rnotice:${c.id}`);
    expect(refused.filter((x) => x.method === "sendDocument")).toEqual([]);
    expect(texts(refused)).toEqual(["Заявитель сейчас не показывает родственникам обращение по делу KZ-2026-000001.", MENU]);
  });

  it("a long case's timeline keeps its newest events within one message", async () => {
    const { applicant, c } = await formed();
    await t.db.prisma.caseEvent.createMany({ data: Array.from({ length: 40 }, () => ({ caseId: c.id, kind: "sitting_moved", createdAt: now })) });
    await applicant.send("/cases");
    const text = texts(await applicant.press("KZ-2026-000001 ісін ашу"))[0]!;
    expect(text).toContain("… және тағы 13 ертерек оқиға");
    expect(text.match(/комиссия отырысының уақыты өзгертілді/g)).toHaveLength(30);
    expect(text.length).toBeLessThan(4096);
  });

  it("a relative cannot invite or remove; a stranger's forged callbacks are refused", async () => {
    const { applicant, c } = await formed();
    const relative = await joinRelative(applicant);
    const p = await t.db.prisma.caseParticipant.findFirstOrThrow({ where: { userId: BigInt(RELATIVE) } });
    expect(texts(await relative.pressData(`g:rinv:${c.id}`))).toEqual([NOT_FOUND_RU, MENU]);
    expect(texts(await relative.pressData(`g:rrm:${p.id}`))).toEqual([NOT_FOUND_RU, MENU]);
    const stranger = h.user(70, "kk");
    await stranger.send("/start");
    await stranger.press("Келісемін");
    expect(texts(await stranger.pressData(`g:rinv:${c.id}`))).toEqual([NOT_FOUND_KK, MENU_KK]);
    expect(texts(await stranger.pressData(`g:rrm:${p.id}`))).toEqual([NOT_FOUND_KK, MENU_KK]);
    expect(texts(await stranger.pressData(`g:case:${c.id}`))).toEqual([NOT_FOUND_KK, MENU_KK]);
    expect(await t.db.prisma.invite.count({ where: { role: "relative" } })).toBe(1);
    expect((await t.db.prisma.caseParticipant.findUniqueOrThrow({ where: { id: p.id } })).removedAt).toBeNull();
  });
});

describe("sittings", () => {
  it("staff schedule a sitting: each person is invited in their own language with a calendar file; answers reach staff", async () => {
    const { staff, applicant } = await formed();
    await joinRelative(applicant);
    at("2026-11-23T11:00:00+05:00");
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    // Staff with many cases see which one the flow is about.
    expect(texts(await staff.press("Назначить заседание"))[0]).toBe("Дело KZ-2026-000001\nДата заседания комиссии (ДД.ММ.ГГГГ):");
    expect(texts(await staff.send("20.11.2026"))[0]).toBe("Эта дата уже прошла. Напишите сегодняшнюю или более позднюю.");
    expect(texts(await staff.send("31.02.2027"))[0]).toBe("Такой даты нет. Проверьте день и месяц.");
    expect(texts(await staff.send("25 ноября"))[0]).toBe("Напишите дату как ДД.ММ.ГГГГ, например 25.11.2026.");
    expect(texts(await staff.send("25.11.2026"))[0]).toBe("Время начала по времени Казахстана (ЧЧ:ММ), например 15:00:");
    expect(texts(await staff.send("25:00"))[0]).toBe("Напишите время как ЧЧ:ММ, например 15:00.");
    await staff.send("15:00");
    await staff.press("Очно и онлайн");
    await staff.send("г. Шымкент, ул. Тауке хана, 1, каб. 204");
    expect(texts(await staff.send("ftp://files"))[0]).toBe("Нужна ссылка на встречу одной строкой, без пробелов — с https:// или без, например meet.google.com/abc-defg-hij.");
    await staff.send("https://meet.example.kz/kz-1");
    const review = await staff.send("Возьмите документы о лечении.");
    expect(texts(review)[0]).toBe(
      "Проверьте:\n\nЗаседание: 25.11.2026, 15:00 (время Казахстана)\nОчно: г. Шымкент, ул. Тауке хана, 1, каб. 204\nОнлайн: https://meet.example.kz/kz-1\nПримечание: Возьмите документы о лечении.\n\nПосле сохранения приглашение получат заявитель и приглашённые родственники.",
    );
    const saved = await staff.press("Сохранить");
    expect(to(saved, STAFF)[0]).toBe("Заседание по делу KZ-2026-000001 назначено на 25.11.2026, 15:00. Приглашений отправлено: 2.");
    expect(to(saved, APPLICANT)).toEqual([
      "KZ-2026-000001 ісі: тәуелсіз сараптама комиссиясының отырысы\n25.11.2026, 15:00 (Қазақстан уақыты)\nМекенжайы: г. Шымкент, ул. Тауке хана, 1, каб. 204\nОнлайн: https://meet.example.kz/kz-1\nЕскертпе: Возьмите документы о лечении.\n\nПациент, оның жұбайы, жақын туыстары және заңды өкілі комиссия отырыстарына қатысуға құқылы. Қатысасыз ба?",
    ]);
    expect(to(saved, RELATIVE)[0]).toMatch(/^Дело KZ-2026-000001: заседание независимой экспертной комиссии\n25\.11\.2026, 15:00 \(время Казахстана\)\nОчно: /);
    expect(applicant.keyboards().at(-1)!.buttons.flat().map((b) => b.text)).toEqual(["Өзім барып қатысамын", "Онлайн қатысамын", "Қатыса алмаймын"]);
    // The invitation first, with its answer buttons, so that nobody gets a bare file before knowing what it is; then
    // the calendar file, captioned as one.
    expect(seen(saved, APPLICANT)).toEqual(["message+buttons", "document"]);
    expect(seen(saved, RELATIVE)).toEqual(["message+buttons", "document"]);
    // A calendar file to each, in their language (each chat's in its order; between chats, whichever went first).
    const files = saved.filter((c) => c.method === "sendDocument").sort((a, b) => Number(a.payload.chat_id) - Number(b.payload.chat_id));
    expect(files.map((f) => [f.payload.chat_id, f.file!.filename])).toEqual([
      [APPLICANT, "KZ-2026-000001-sitting.ics"],
      [RELATIVE, "KZ-2026-000001-sitting.ics"],
    ]);
    const file = ics(files[0]!);
    const sitting = await t.db.prisma.sitting.findFirstOrThrow();
    expect(file).toContain(`UID:${sitting.uid}`);
    expect(file).toContain("SEQUENCE:0");
    expect(file).toContain("DTSTART:20261125T100000Z"); // 15:00 in Kazakhstan (UTC+5)
    expect(file).toContain("SUMMARY:KZ-2026-000001 ісі бойынша комиссия отырысы");
    expect(file).toContain("STATUS:CONFIRMED");
    expect(ics(files[1]!)).toContain("SUMMARY:Заседание комиссии по делу KZ-2026-000001");

    // Answers: each is confirmed to its author with buttons to change it, and told to staff by role.
    const a1 = await applicant.press("Өзім барып қатысамын");
    expect(to(a1, APPLICANT)).toEqual(["Жазылды: «Өзім барып қатысамын» — 25.11.2026, 15:00 отырысы. Отырыстан бір күн бұрын және екі сағат бұрын еске саламын. Жауапты төмендегі батырмалармен өзгертуге болады."]);
    expect(to(a1, STAFF)).toEqual(["Дело KZ-2026-000001, заседание 25.11.2026, 15:00: заявитель — придёт очно."]);
    const relative = h.user(RELATIVE, "ru");
    const a2 = await relative.press("Не смогу участвовать");
    expect(to(a2, STAFF)).toEqual(["Дело KZ-2026-000001, заседание 25.11.2026, 15:00: Сейтова Асель Нурлановна, супруг(а) пациента — не сможет участвовать."]);
    await staff.send("/inbox");
    const view = await staff.press("Открыть KZ-2026-000001");
    expect(texts(view)[1]).toBe("Заседания:\n25.11.2026, 15:00\n• заявитель: придёт очно\n• Сейтова Асель Нурлановна, супруг(а) пациента: не сможет участвовать");
    expect(buttons(view)).toEqual(["Назначить заседание", "Перенести: 25.11.2026, 15:00", "Отменить", "Записать заключение", "Предложить медиацию"]);
    // The applicant's own view of the case shows the sitting and their answer.
    await applicant.send("/cases");
    expect(texts(await applicant.press("KZ-2026-000001 ісін ашу"))[0]).toContain("Комиссия отырыстары:\n25.11.2026, 15:00 — сіздің жауабыңыз: өзім барып қатысамын");
    const rows = await t.db.prisma.sittingResponse.findMany({ orderBy: { userId: "asc" } });
    expect(rows.map((r) => [Number(r.userId), r.answer])).toEqual([[APPLICANT, "in_person"], [RELATIVE, "cannot"]]);
  });

  it("a sitting not yet answered can be answered from the case's view, long after the invitation scrolled away", async () => {
    const { staff, applicant } = await formed();
    at("2026-11-23T11:00:00+05:00");
    await scheduleSitting(staff);
    await applicant.send("/cases");
    const view = await applicant.press("KZ-2026-000001 ісін ашу");
    expect(texts(view)[0]).toContain("25.11.2026, 15:00 — сіздің жауабыңыз: жауап жоқ");
    expect(buttons(view).slice(0, 3)).toEqual(["Өзім барып қатысамын — 25.11.2026, 15:00", "Онлайн қатысамын — 25.11.2026, 15:00", "Қатыса алмаймын — 25.11.2026, 15:00"]);
    const answered = await applicant.press("Онлайн қатысамын — 25.11.2026, 15:00");
    expect(to(answered, STAFF)).toEqual(["Дело KZ-2026-000001, заседание 25.11.2026, 15:00: заявитель — подключится онлайн."]);
    await applicant.send("/cases");
    const again = await applicant.press("KZ-2026-000001 ісін ашу");
    expect(texts(again)[0]).toContain("25.11.2026, 15:00 — сіздің жауабыңыз: онлайн қатысамын");
    // Answered, it can be changed from here too: the other answers, not the one given.
    expect(buttons(again).filter((b) => b.includes("25.11.2026"))).toEqual(["Өзім барып қатысамын — 25.11.2026, 15:00", "Қатыса алмаймын — 25.11.2026, 15:00"]);
    const changed = await applicant.press("Қатыса алмаймын — 25.11.2026, 15:00");
    expect(to(changed, STAFF)).toEqual(["Дело KZ-2026-000001, заседание 25.11.2026, 15:00: заявитель — не сможет участвовать."]);
    expect((await t.db.prisma.sittingResponse.findFirstOrThrow()).answer).toBe("cannot");
  });

  it("reminders fire the day before and two hours before, only to those who have not declined", async () => {
    const { staff, applicant } = await formed();
    const relative = await joinRelative(applicant);
    await scheduleSitting(staff);
    await relative.press("Не смогу участвовать");
    const run = async (iso: string) => {
      const before = h.fake.calls.length;
      await h.runtime.runJobs(at(iso), h.bot.api, log);
      return h.fake.calls.slice(before);
    };
    expect(await run("2026-11-24T14:59:00+05:00")).toEqual([]);
    const day = await run("2026-11-24T15:00:00+05:00");
    expect(to(day, APPLICANT)).toEqual([
      "Еске салу: ертең KZ-2026-000001 ісі бойынша комиссия отырысы — 25.11.2026, 15:00 (Қазақстан уақыты).\nМекенжайы: г. Шымкент, ул. Тауке хана, 1, каб. 204\nОнлайн: https://meet.example.kz/kz-1\nСіздің жауабыңыз: жауап жоқ.",
    ]);
    expect(to(day, RELATIVE)).toEqual([]);
    expect(await run("2026-11-25T12:59:00+05:00")).toEqual([]);
    const soon = await run("2026-11-25T13:00:00+05:00");
    expect(to(soon, APPLICANT)).toEqual([expect.stringMatching(/^Екі сағаттан кейін KZ-2026-000001 ісі бойынша комиссия отырысы — 25\.11\.2026, 15:00/)]);
    expect(await run("2026-11-25T14:00:00+05:00")).toEqual([]);
    // The sitting is over (hours after its start; just after it, it is said to have begun): answering now is refused.
    at("2026-11-25T18:01:00+05:00");
    // Nothing left to answer: their menu follows.
    expect(texts(await relative.press("Приду очно"))).toEqual(["Это заседание уже прошло.", MENU]);
  });

  it("a move reaches everyone with the same calendar UID and a higher SEQUENCE; answers and reminders start again", async () => {
    const { staff, applicant } = await formed();
    const relative = await joinRelative(applicant);
    await scheduleSitting(staff);
    await relative.press("Не смогу участвовать");
    const before = await t.db.prisma.sitting.findFirstOrThrow();
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    expect(texts(await staff.press("Перенести: 25.11.2026, 15:00"))[0]).toBe("Дело KZ-2026-000001\nНовая дата заседания (ДД.ММ.ГГГГ):");
    await staff.send("26.11.2026");
    const review = await staff.send("10:30");
    expect(texts(review)[0]).toMatch(/^Перенести заседание на 26\.11\.2026, 10:30 \(время Казахстана\)\?/);
    const moved = await staff.press("Сохранить");
    expect(to(moved, STAFF)).toEqual(["Заседание по делу KZ-2026-000001 перенесено на 26.11.2026, 10:30. Сообщено: 2.", STAFF_HOME]);
    expect(to(moved, RELATIVE)[0]).toMatch(/^Дело KZ-2026-000001: заседание комиссии перенесено\nбыло: 25\.11\.2026, 15:00\nстало: 26\.11\.2026, 10:30 \(время Казахстана\)/);
    expect(to(moved, APPLICANT)[0]).toMatch(/^KZ-2026-000001 ісі: комиссия отырысы ауыстырылды\nбұрын: 25\.11\.2026, 15:00\nенді: 26\.11\.2026, 10:30/);
    // The message with the answer buttons first, which says the file below updates the event; then the file.
    expect(seen(moved, APPLICANT)).toEqual(["message+buttons", "document"]);
    expect(seen(moved, RELATIVE)).toEqual(["message+buttons", "document"]);
    expect(to(moved, RELATIVE)[0]).toMatch(/Файл календаря ниже обновит прежнее событие; если в календаре осталось событие с прежним временем, удалите его\. Примете ли вы участие\?$/);
    const files = moved.filter((c) => c.method === "sendDocument").map(ics);
    expect(files).toHaveLength(2);
    for (const f of files) {
      expect(f).toContain(`UID:${before.uid}`);
      expect(f).toContain("SEQUENCE:1");
      expect(f).toContain("DTSTART:20261126T053000Z");
    }
    expect(await t.db.prisma.sittingResponse.count()).toBe(0);
    // The old reminders are cancelled; the new ones go to both (the relative's "cannot" was about the old time).
    await h.runtime.runJobs(at("2026-11-24T15:00:00+05:00"), h.bot.api, log);
    expect(h.fake.calls.filter((c) => c.method === "sendMessage" && String(c.payload.text).includes("25.11.2026, 15:00 (")).filter((c) => /Еске салу|Напоминание/.test(String(c.payload.text)))).toEqual([]);
    const start = h.fake.calls.length;
    await h.runtime.runJobs(at("2026-11-25T10:30:00+05:00"), h.bot.api, log);
    // One to each (two chats: whichever goes first).
    expect(texts(h.fake.calls.slice(start)).map((x) => x.split(" —")[0]).sort()).toEqual(["Еске салу: ертең KZ-2026-000001 ісі бойынша комиссия отырысы", "Напоминание: завтра заседание комиссии по делу KZ-2026-000001"].sort());
  });

  it("a cancellation reaches everyone with a cancelling calendar file; no reminder follows", async () => {
    const { staff, applicant } = await formed();
    await joinRelative(applicant);
    await scheduleSitting(staff);
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Отменить");
    expect(texts(await staff.press("Не отменять"))).toEqual(["Заседание остаётся в силе.", STAFF_HOME]);
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    expect(texts(await staff.press("Отменить"))[0]).toBe("Дело KZ-2026-000001: отменить заседание, назначенное на 25.11.2026, 15:00? Все участники получат сообщение.");
    const cancelled = await staff.press("Отменить заседание");
    // Nothing more to do about it: staff's home follows.
    expect(to(cancelled, STAFF)).toEqual(["Заседание по делу KZ-2026-000001, назначенное на 25.11.2026, 15:00, отменено; участникам сообщено.", STAFF_HOME]);
    expect(to(cancelled, APPLICANT)).toEqual(["KZ-2026-000001 ісі: 25.11.2026, 15:00 уақытына белгіленген комиссия отырысы болдырылмады. Төмендегі күнтізбе файлы оны күнтізбеде болдырылмаған деп белгілейді; жазба қалып қойса, оны өшіріңіз."]);
    expect(to(cancelled, RELATIVE)).toEqual(["Дело KZ-2026-000001: заседание комиссии, назначенное на 25.11.2026, 15:00, отменено. Файл календаря ниже отметит его в календаре как отменённое; если событие осталось, удалите его."]);
    const files = cancelled.filter((c) => c.method === "sendDocument").map(ics);
    expect(files).toHaveLength(2);
    expect(files.every((f) => f.includes("STATUS:CANCELLED") && f.includes("SEQUENCE:1"))).toBe(true);
    const start = h.fake.calls.length;
    await h.runtime.runJobs(at("2026-11-25T14:00:00+05:00"), h.bot.api, log);
    expect(h.fake.calls.slice(start)).toEqual([]);
    // An answer to a cancelled sitting is refused.
    expect(texts(await applicant.press("Өзім барып қатысамын"))).toEqual(["Бұл отырыс болдырылмаған.", MENU_KK]);
  });

  it("a restart between scheduling and the reminder loses no reminder and sends none twice", async () => {
    const { staff } = await formed();
    await scheduleSitting(staff);
    const after = await testBot(t.db, { adminIds: [ADMIN], now: () => now }); // a new process on the same database
    await after.runtime.runJobs(at("2026-11-24T15:00:00+05:00"), after.bot.api, log);
    await after.runtime.runJobs(at("2026-11-24T15:00:30+05:00"), after.bot.api, log);
    await h.runtime.runJobs(at("2026-11-24T15:01:00+05:00"), h.bot.api, log); // and the old one, had it survived
    const reminders = [...after.fake.sent("sendMessage", APPLICANT), ...h.fake.sent("sendMessage", APPLICANT)].filter((c) => String(c.payload.text).startsWith("Еске салу"));
    expect(reminders).toHaveLength(1);
  });

  it("a relative, staff of another organisation and a stranger cannot answer, schedule, move or cancel", async () => {
    const { staff, applicant, c } = await formed();
    const relative = await joinRelative(applicant);
    await scheduleSitting(staff);
    const s = await t.db.prisma.sitting.findFirstOrThrow();
    const other = await joinStaff(h, ADMIN, 80, "ru", "Клиника №2", "г. Астана");
    const stranger = h.user(81, "ru");
    await stranger.send("/start");
    await stranger.press("Согласен(на)");

    // Answers: only people on the case.
    expect(texts(await stranger.pressData(`g:sat:${s.id}:in_person`))).toEqual([NOT_FOUND_RU, MENU]);
    // (A sitting's answer is the applicant's side's button; staff on no case get their own home after its refusal.)
    expect(texts(await other.pressData(`g:sat:${s.id}:online`))).toEqual([NOT_FOUND_RU, expect.stringMatching(/^«Клиника №2»: обращения\n/)]);
    expect(texts(await relative.pressData(`g:sat:999:online`))).toEqual([NOT_FOUND_RU, MENU]);
    expect(await t.db.prisma.sittingResponse.count()).toBe(0);
    // Changes: only staff of the case's organisation.
    for (const data of [`g:scnok:${s.id}`, `g:smv:${s.id}`, `g:ssit:${c.id}`]) {
      expect(toast(await relative.pressData(data))).toBe("Эта кнопка устарела.");
      expect(toast(await stranger.pressData(data))).toBe("Эта кнопка устарела.");
    }
    expect(texts(await other.pressData(`g:scnok:${s.id}`))).toEqual([NOT_FOUND_RU, expect.stringMatching(/^«Клиника №2»: обращения\n/)]);
    // Moving or scheduling is refused at the first step, before any question.
    expect(texts(await other.pressData(`g:smv:${s.id}`))).toEqual([NOT_FOUND_RU, STAFF_HOME]);
    expect(texts(await other.pressData(`g:ssit:${c.id}`))).toEqual([NOT_FOUND_RU, STAFF_HOME]);
    const rows = await t.db.prisma.sitting.findMany();
    expect(rows.map((r) => [r.sequence, r.cancelledAt, r.startsAt.toISOString()])).toEqual([[0, null, "2026-11-25T10:00:00.000Z"]]);
    // A removed relative can no longer answer — and is told so, not «no such case».
    await applicant.send("/cases");
    await applicant.press("KZ-2026-000001 ісін ашу");
    await removeRelative(applicant, `${RELATIVE_NAME} (пациенттің жұбайы)`);
    expect(texts(await relative.press("Приду очно"))).toEqual([
      "Вы больше не участвуете в этом деле, поэтому ответ через бот не записывается. Супруг(а), близкие родственники и законный представитель пациента вправе присутствовать на заседаниях комиссии независимо от бота: состоится ли заседание, уточните в медицинской организации и там же сообщите о своём участии.",
      MENU,
    ]);
  });
});

describe("sittings: an applicant who withdrew consent", () => {
  it("is still invited (they may attend), without answer buttons the bot would refuse, and told why and how", async () => {
    const { staff, applicant } = await formed();
    await applicant.send("/privacy");
    await applicant.press("Келісімді кері қайтарып алу");
    await applicant.press("Иә, кері қайтарып аламын");
    h.fake.clear();
    await scheduleSitting(staff);
    const sent = h.fake.sent("sendMessage", APPLICANT);
    expect(texts(sent)[0]).toMatch(/^KZ-2026-000001 ісі: тәуелсіз сараптама комиссиясының отырысы\n/);
    expect(texts(sent)[1]).toBe(
      "Сіз боттағы дербес деректерді өңдеуге келісіміңізді кері қайтарып алғансыз, сондықтан шақыруға бот арқылы жауап беру мүмкін емес. Отырысқа қатысу құқығыңыз сақталады: қатысатыныңызды ұйымға тікелей хабарлаңыз. Келісімді қайта беру үшін: /privacy.",
    );
    expect(buttons(sent)).toEqual([]);
    expect(h.fake.calls.filter((c) => c.method === "sendDocument" && c.payload.chat_id === APPLICANT)).toHaveLength(1);
  });

  it("is reminded the day before and two hours before without answer buttons, with the same line as the invitation; a relative keeps theirs", async () => {
    const { staff, applicant } = await formed();
    await joinRelative(applicant);
    await scheduleSitting(staff);
    await applicant.send("/privacy");
    await applicant.press("Келісімді кері қайтарып алу");
    await applicant.press("Иә, кері қайтарып аламын");
    const run = async (iso: string) => {
      const before = h.fake.calls.length;
      await h.runtime.runJobs(at(iso), h.bot.api, log);
      return h.fake.calls.slice(before);
    };
    const note = "Сіз боттағы дербес деректерді өңдеуге келісіміңізді кері қайтарып алғансыз, сондықтан шақыруға бот арқылы жауап беру мүмкін емес. Отырысқа қатысу құқығыңыз сақталады: қатысатыныңызды ұйымға тікелей хабарлаңыз. Келісімді қайта беру үшін: /privacy.";
    for (const [iso, start] of [["2026-11-24T15:00:00+05:00", /^Еске салу: ертең KZ-2026-000001 ісі бойынша комиссия отырысы/], ["2026-11-25T13:00:00+05:00", /^Екі сағаттан кейін KZ-2026-000001 ісі бойынша комиссия отырысы/]] as const) {
      const sent = await run(iso);
      const mine = sent.filter((c) => c.payload.chat_id === APPLICANT);
      expect(texts(mine)).toEqual([expect.stringMatching(start), note]);
      expect(buttons(mine)).toEqual([]);
      expect(buttons(sent.filter((c) => c.payload.chat_id === RELATIVE))).toEqual(["Приду очно", "Подключусь онлайн", "Не смогу участвовать"]);
    }
  });

  it("sees the sitting in the case's view without answer buttons, with the same line as the invitation", async () => {
    const { staff, applicant } = await formed();
    await scheduleSitting(staff);
    await applicant.send("/privacy");
    await applicant.press("Келісімді кері қайтарып алу");
    await applicant.press("Иә, кері қайтарып аламын");
    await applicant.send("/cases");
    const view = await applicant.press("KZ-2026-000001 ісін ашу");
    expect(texts(view)[0]).toContain(
      "Комиссия отырыстары:\n25.11.2026, 15:00 — сіздің жауабыңыз: жауап жоқ\nМекенжайы: г. Шымкент, ул. Тауке хана, 1, каб. 204\nОнлайн: https://meet.example.kz/kz-1\nСіз боттағы дербес деректерді өңдеуге келісіміңізді кері қайтарып алғансыз, сондықтан шақыруға бот арқылы жауап беру мүмкін емес.",
    );
    expect(buttons(view).filter((b) => b.includes("25.11.2026"))).toEqual([]);
  });
});

describe("the conclusion", () => {
  it("recording it cancels the reminders of the sittings still to come: none is sent, and the sitting cannot be moved back into them", async () => {
    const { staff, applicant } = await formed();
    await joinRelative(applicant);
    await scheduleSitting(staff); // 25.11.2026, 15:00: reminders due 24.11 15:00 and 25.11 13:00
    expect(await t.db.prisma.scheduledJob.count({ where: { kind: "sitting_reminder", state: "pending" } })).toBe(2);
    await notConfirmedUpToDocument(staff);
    await staff.press("Без документа");
    await staff.press("Сегодня");
    await staff.press("Сохранить");
    expect(await t.db.prisma.scheduledJob.count({ where: { kind: "sitting_reminder", state: "pending" } })).toBe(0);
    const start = h.fake.calls.length;
    await h.runtime.runJobs(at("2026-11-24T15:00:00+05:00"), h.bot.api, log);
    await h.runtime.runJobs(at("2026-11-25T13:00:00+05:00"), h.bot.api, log);
    expect(h.fake.calls.slice(start)).toEqual([]);
    // A forged or stale «move» of that sitting is refused; no reminder comes back.
    at("2026-11-24T10:00:00+05:00");
    const s = await t.db.prisma.sitting.findFirstOrThrow();
    // Refused at once: the conclusion is recorded (sittings-review.test.ts).
    expect(texts(await staff.pressData(`g:smv:${s.id}`))[0]).toBe("По делу KZ-2026-000001 записано заключение комиссии, поэтому назначать, переносить и отменять её заседания в боте больше нельзя.");
    expect(await t.db.prisma.scheduledJob.count({ where: { kind: "sitting_reminder", state: "pending" } })).toBe(0);
  });

  it("the conclusion reaches the relative too, but its document only the applicant", async () => {
    const { staff, applicant } = await formed();
    await joinRelative(applicant);
    await notConfirmedUpToDocument(staff);
    await staff.photo("conclusion-photo");
    await staff.press("Сегодня");
    const saved = await staff.press("Сохранить");
    expect(to(saved, RELATIVE)[0]).toMatch(/^Дело KZ-2026-000001: комиссия не подтвердила, что вред причинён\./);
    expect(to(saved, APPLICANT)[0]).toMatch(/^KZ-2026-000001 ісі: комиссия зиянның келтірілгенін растамады\./);
    expect(saved.filter((c) => c.method === "sendPhoto").map((c) => [c.payload.chat_id, c.payload.photo])).toEqual([[APPLICANT, "conclusion-photo"]]);
  });

  it("a conclusion scanned as several pages and sent as an album keeps every page in page order — one count edited as they come — and the applicant gets every page", async () => {
    const { staff, applicant } = await formed();
    await joinRelative(applicant);
    await notConfirmedUpToDocument(staff);
    // Telegram sends an album one update a photo; they may come in any order: here the second page first.
    const calls = await staff.album(["concl-1", "concl-2", "concl-3"], "7001", [1, 0, 2]);
    expect(texts(calls)).toEqual(["Получено страниц заключения: 1. Если страниц больше, пришлите остальные. Когда пришлёте все, нажмите «Готово»."]);
    expect(buttons(calls)).toEqual(["Готово", "Отмена"]);
    expect(shown(calls, STAFF)).toEqual(["Получено страниц заключения: 3. Если страниц больше, пришлите остальные. Когда пришлёте все, нажмите «Готово»."]);
    expect(JSON.stringify(calls)).not.toMatch(/не понял|не сохранён/);
    // Text typed there is told it is not kept and what to press — not «не понял» — with the count and its buttons again.
    const typed = await staff.send("Это все страницы");
    expect(to(typed, STAFF)).toEqual([
      "Этот текст не сохранён: сейчас бот ждёт только страницы заключения. Когда пришлёте все, нажмите «Готово».",
      "Получено страниц заключения: 3. Если страниц больше, пришлите остальные. Когда пришлёте все, нажмите «Готово».",
    ]);
    expect(buttons(typed)).toEqual(["Готово", "Отмена"]);
    expect(to(await staff.press("Готово"), STAFF)[0]).toMatch(/^В какой день комиссия вынесла заключение\?/);
    expect(to(await staff.press("Сегодня"), STAFF)[0]).toMatch(/\nДокумент: приложен, страниц: 3$/);
    const saved = await staff.press("Сохранить");
    // Every page to the applicant in page order, each captioned; none to the relative (medical details).
    expect(saved.filter((c) => c.method === "sendPhoto").map((c) => [c.payload.chat_id, c.payload.photo, c.payload.caption])).toEqual(
      ["concl-1", "concl-2", "concl-3"].map((id) => [APPLICANT, id, "KZ-2026-000001 · тәуелсіз сараптама комиссиясының қорытындысы"]),
    );
    expect(to(saved, RELATIVE)[0]).toMatch(/^Дело KZ-2026-000001: комиссия не подтвердила, что вред причинён\./);
    const c = await t.db.prisma.case.findFirstOrThrow();
    expect(c.answers).toMatchObject({
      conclusion: {
        file: { kind: "photo", fileId: "concl-1" },
        pages: [{ kind: "photo", fileId: "concl-1" }, { kind: "photo", fileId: "concl-2" }, { kind: "photo", fileId: "concl-3" }],
      },
    });
    // The applicant's /mydata gives every page it was sent, not the first one only.
    const mine = (await applicant.send("/mydata")).find((x) => x.method === "sendDocument" && x.file?.filename === "kelisim-my-data.json")!;
    const data = JSON.parse(mine.file!.bytes.toString("utf8")) as { cases: { conclusion?: { telegramFileIds?: unknown } }[] };
    expect(data.cases[0]!.conclusion).toMatchObject({ telegramFileId: "concl-1", telegramFileIds: ["concl-1", "concl-2", "concl-3"] });
  });

  it("not confirmed, to an applicant who withdrew consent: the way onward in words, without the button to draft a complaint the bot would refuse", async () => {
    const { staff, applicant } = await formed();
    await applicant.send("/privacy");
    await applicant.press("Келісімді кері қайтарып алу");
    await applicant.press("Иә, кері қайтарып аламын");
    await notConfirmedUpToDocument(staff);
    await staff.press("Без документа");
    await staff.press("Сегодня");
    const saved = await staff.press("Сохранить");
    const mine = saved.filter((c) => c.payload.chat_id === APPLICANT);
    expect(texts(mine)[0]).toMatch(/^KZ-2026-000001 ісі: комиссия зиянның келтірілгенін растамады\./);
    expect(buttons(mine)).toEqual([]);
  });
});

describe("the conclusion's deadline", () => {
  it("passed: the applicant and staff are told it is the bot's count — 5 working days from the working day after the formation", async () => {
    await formed(); // formed on Monday 23.11.2026: working days 24, 25, 26, 27 and 30 November
    const start = h.fake.calls.length;
    await h.runtime.runJobs(at("2026-12-01T00:00:01+05:00"), h.bot.api, log);
    const told = h.fake.calls.slice(start);
    expect(to(told, APPLICANT)[0]).toMatch(
      /^KZ-2026-000001 ісі: боттың есебі бойынша комиссия қорытындысының мерзімі 30\.11\.2026 күні өтті, ал қорытынды туралы ботта жазба жоқ\. Бот 5 жұмыс күнін комиссия құрылған күннен кейінгі алғашқы жұмыс күнінен бастап есептейді\.\n\n/,
    );
    expect(to(told, STAFF)[0]).toMatch(
      /^Дело KZ-2026-000001 \(.+\): по счёту бота срок заключения комиссии истёк 30\.11\.2026, а записи о заключении в боте нет\. Бот считает 5 рабочих дней со следующего рабочего дня после формирования комиссии\./,
    );
  });
});
