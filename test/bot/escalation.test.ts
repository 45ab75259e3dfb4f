// Escalation: after a missed commission deadline, a "not confirmed" conclusion or a failed mediation, the
// applicant gets a complaint drafted from the case's history, in their language, as text and PDF.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buttons, TEST_DATA_KEY, testBot, texts, type Harness } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { fileNotice, giveParticulars, joinRelative } from "../helpers/notice.js";
import { formCommission, joinMediator, joinStaff, MEDIATOR_NAME, proposeMediator, recordReceipt } from "../helpers/staff.js";
import { createLogger } from "../../bot/logger.js";
import { pdfText } from "../../bot/core/documents.js";
import { complaintContent, complaintLines, detailsOf, historyContent } from "../../bot/features/escalation/escalation.js";
import { Store } from "../../bot/runtime/store.js";
import { seal } from "../../bot/crypto.js";

const ADMIN = 9001;
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

describe("escalation", () => {
  it("a missed formation deadline: the applicant (ru) drafts a complaint to the Committee's department with their own particulars, as text and PDF", async () => {
    const staff = await joinStaff(h, ADMIN, 50, "ru");
    const applicant = h.user(51, "ru");
    await fileNotice(applicant, "ru", { relation: "Супруг(а)", description: "После операции началось воспаление, врачи не назначили анализы." });
    const c = await t.db.prisma.case.findFirstOrThrow();
    await recordReceipt(staff, "ru");
    // Too early: nothing to escalate yet, and nobody else may.
    expect(texts(await applicant.pressData(`g:esc:${c.id}`))[0]).toMatch(/^По делу KZ-2026-000001 жалобу подготовить пока нельзя/);
    const stranger = h.user(52, "ru");
    await stranger.send("/start");
    expect(texts(await stranger.pressData(`g:escto:${c.id}:court`))).toEqual(["Такое дело не найдено, или вы в нём не участвуете.", "Согласны ли вы на обработку персональных данных по Закону «О персональных данных и их защите» (21 мая 2013 года № 94-V)?"]);

    await h.runtime.runJobs(at("2026-11-27T00:00:01+05:00"), h.bot.api, log); // formation due 26.11 passed
    const told = h.fake.sent("sendMessage", 51).at(-1)!;
    expect(String(told.payload.text)).toMatch(/^Дело KZ-2026-000001: срок формирования независимой экспертной комиссии истёк 26\.11\.2026/);
    const choose = await applicant.press("Подготовить жалобу");
    expect(buttons(choose)).toEqual(["Руководство организации", "Управление здравоохранения", "Департамент Комитета", "Суд: история дела для юриста"]);
    // The particulars an authority needs: anonymous appeals are not considered (law.md §6).
    expect(texts(await applicant.press("Департамент Комитета"))[0]).toMatch(/^Для жалобы нужны ваши данные \(а не пациента, если это разные люди\)/);
    await applicant.send("Ахметова");
    expect(texts(await applicant.send("Айгүл Серікқызы"))[0]).toBe("Напишите одно слово: только буквы, дефис или апостроф.");
    await applicant.send("Айгүл");
    await applicant.send("Серікқызы");
    expect(texts(await applicant.send("850301300128"))[0]).toMatch(/^Этот ИИН неверен/);
    // The patient's IIN (the notice's), typed as the spouse's own, is refused; then the spouse's.
    expect(texts(await applicant.send("850301300121"))[0]).toBe("Это ИИН пациента из обращения, а здесь нужен ваш собственный ИИН.");
    await applicant.send("900415400000");
    expect(texts(await applicant.send("Шымкент"))[0]).toBe("Напишите адрес полностью: от 10 до 300 знаков.");
    const drafted = await applicant.send("160011, г. Шымкент, ул. Байтурсынова, д. 5, кв. 12");
    // The chat shows to whom and what the complaint says of the case's history — what the applicant checks before
    // signing; their name, IIN and address, the patient, what happened and the description only in the PDF (law.md §7).
    expect(texts(drafted)[0]).toBe(
      [
        "Жалоба (проект)",
        "",
        "Кому: территориальный департамент Комитета медицинского и фармацевтического контроля Министерства здравоохранения — г. Шымкент",
        "Обращение: сохранено в боте «Келісім» 23 ноября 2026 г. (дело KZ-2026-000001); 23 ноября 2026 г. медицинская организация получила его (рег. № 01-12/345).",
        "Независимая экспертная комиссия: о её формировании в срок — до конца дня 26.11.2026 (3 рабочих дня с получения обращения организацией) — мне не сообщено.",
      ].join("\n"),
    );
    for (const personal of ["Байтурсынова", "Ахметова", "••••0000", "Иванов", "воспаление", "Последствия", "Городская больница №7"]) expect(texts(drafted).join("\n")).not.toContain(personal);
    const pdf = drafted.find((x) => x.method === "sendDocument")!;
    expect([pdf.payload.chat_id, pdf.file!.filename, pdf.file!.bytes.subarray(0, 5).toString()]).toEqual([51, "KZ-2026-000001-complaint.pdf", "%PDF-"]);
    // The PDF is a paper of its kind: «ЖАЛОБА (проект)» / «ШАҒЫМ (жоба)» over the same paragraphs, the request a paragraph of its own.
    const k = await t.db.prisma.case.findFirstOrThrow();
    const details = detailsOf((await t.db.prisma.user.findUniqueOrThrow({ where: { id: 51n } })).details, TEST_DATA_KEY)!;
    const paragraphs = (await complaintLines(t.db.prisma, k.id, "committee", details, TEST_DATA_KEY, "Asia/Almaty", now))!;
    const ru = pdfText(complaintContent(paragraphs, "ru", h.i18n)).split("\n");
    expect(ru.slice(0, 3)).toEqual(["ЖАЛОБА", "(проект)", ""]);
    // The whole IIN only in the file, the paper the applicant hands in (law.md §6); not in the chat (§7).
    expect(ru).toContain("Заявитель: Ахметова Айгүл Серікқызы, ИИН 900415400000");
    expect(ru).toContain("Почтовый адрес заявителя: 160011, г. Шымкент, ул. Байтурсынова, д. 5, кв. 12");
    expect(ru).toContain("Пациент: Иванов Иван Иванович; заявитель — супруг(а) пациента");
    expect(ru).toContain("Что произошло: при оказании медицинской помощи в организации «Городская больница №7», г. Шымкент (02.03.2026) причинён вред жизни и здоровью пациента. Последствия: пока неизвестно.");
    expect(ru).toContain("Описание: После операции началось воспаление, врачи не назначили анализы.");
    expect(ru).toContain("Обращение: сохранено в боте «Келісім» 23 ноября 2026 г. (дело KZ-2026-000001); 23 ноября 2026 г. медицинская организация получила его (рег. № 01-12/345).");
    expect(ru).toContain("Дата: ________________");
    expect(ru).toContain("Подпись: ________________ (Ахметова А. С.)");
    expect(texts(drafted).join("\n")).not.toContain("900415400000");
    expect(ru).toContain("Прошу рассмотреть настоящую жалобу по существу и сообщить мне о принятом решении по указанному адресу.");
    const kk = pdfText(complaintContent(paragraphs, "kk", h.i18n)).split("\n");
    expect(kk.slice(0, 3)).toEqual(["ШАҒЫМ", "(жоба)", ""]);
    expect(kk).toContain("Осы шағымды мәні бойынша қарап, қабылданған шешім туралы маған көрсетілген мекенжай бойынша хабарлауыңызды сұраймын.");
    expect(kk).toContain("Қолы: ________________ (Ахметова А. С.)");
    expect(texts(drafted).find((x) => x.startsWith("Проект жалобы"))).toMatch(/^Проект жалобы по делу KZ-2026-000001 готов\. Выше — кому он адресован и что в нём изложено из истории дела\. Полный текст \(с вашими ФИО, ИИН и почтовым адресом, данными пациента и описанием случившегося\) — в PDF\. Куда: территориальный департамент Комитета .*Я его не отправляю: проверьте, впишите дату, подпишите и подайте сами — лично, почтой или через портал eOtinish/);
    expect((await t.db.prisma.case.findFirstOrThrow()).status).toBe("escalated");
    expect((await t.db.prisma.caseEvent.findFirstOrThrow({ where: { kind: "escalation_drafted" } })).payload).toEqual({ target: "committee" });
    // The particulars are kept sealed, and offered the next time.
    expect(JSON.stringify(await t.db.prisma.$queryRawUnsafe(`SELECT details FROM "User"`))).not.toContain("Байтурсынова");
    await applicant.pressData(`g:esc:${c.id}`);
    const offered = await applicant.press("Руководство организации");
    // The IIN by its last four digits: the whole of it is not written into the chat again each time (law.md §7).
    expect(texts(offered)[0]).toContain("Ахметова Айгүл Серікқызы, ИИН ••••••••0000\n160011, г. Шымкент, ул. Байтурсынова, д. 5, кв. 12");
    expect(texts(offered)[0]).not.toContain("900415400000");
    const again = await applicant.press("Да, использовать");
    expect(texts(again)[0]).toContain("Кому: руководство медицинской организации «Городская больница №7»");
    expect(texts(again).find((x) => x.startsWith("Проект жалобы"))).toMatch(/подайте сами — лично в канцелярию организации или почтой\./);
  });

  it("for a court nothing is drafted: the case's history as a PDF, and the advice to see a lawyer", async () => {
    const staff = await joinStaff(h, ADMIN, 50, "ru");
    const applicant = h.user(51, "ru");
    await fileNotice(applicant, "ru");
    await recordReceipt(staff, "ru");
    await h.runtime.runJobs(at("2026-11-27T00:00:01+05:00"), h.bot.api, log);
    await applicant.press("Подготовить жалобу");
    const court = await applicant.press("Суд: история дела для юриста");
    expect(texts(court)[0]).toMatch(/^Дело KZ-2026-000001: в суд обращаются не с жалобой, а с исковым заявлением по Гражданскому процессуальному кодексу\. Его я не составляю — проконсультируйтесь с юристом\./);
    expect(texts(court).join("\n")).not.toContain("Жалоба (проект)");
    const pdf = court.find((x) => x.method === "sendDocument")!;
    expect([pdf.file!.filename, pdf.payload.caption]).toEqual(["KZ-2026-000001-history.pdf", "История дела KZ-2026-000001 — для консультации с юристом."]);
    expect(await t.db.prisma.caseEvent.count({ where: { kind: "escalation_drafted" } })).toBe(0);
    expect(await t.db.prisma.caseEvent.count({ where: { kind: "case_history_prepared" } })).toBe(1);
  });

  it("after a failed mediation, in Kazakh, the draft tells the mediation's rounds", async () => {
    const staff = await joinStaff(h, ADMIN, 50, "ru");
    const applicant = h.user(51, "kk");
    await fileNotice(applicant, "kk");
    const mediator = await joinMediator(h, ADMIN, 70);
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Предложить медиацию");
    await staff.press(MEDIATOR_NAME);
    await mediator.press("Согласен(на) быть медиатором");
    await applicant.press("Шартпен келісемін");
    await giveParticulars(applicant);
    await staff.press("Согласен(на) с договором");
    at("2026-11-25T10:00:00+05:00");
    await applicant.press("Медиациядан шығу");
    const ended = await applicant.press("Аяқтау");
    expect(texts(ended.filter((x) => x.payload.chat_id === 51))[0]).toBe("KZ-2026-000001 ісі: медиация келісімсіз аяқталды — «Өтініш беруші» тарапы одан шықты.");
    await applicant.press("Шағым дайындау");
    // The particulars given for the mediation contract are offered again.
    const offered = await applicant.press("Денсаулық сақтау басқармасы");
    expect(texts(offered)[0]).toMatch(/^Шағым үшін сіздің деректеріңіз керек[\s\S]*Ахметова Айгүл Серікқызы, ЖСН ••••••••0121/);
    const drafted = await applicant.press("Иә, пайдалану");
    expect(texts(drafted)[0]).toContain("Кімге: денсаулық сақтау басқармасы — Шымкент қаласы");
    for (const personal of ["0121", "Ахметова", "Иванов", "Өтініш беруші:", "Пациент:", "Сипаттамасы:"]) expect(texts(drafted)[0]).not.toContain(personal);
    expect(texts(drafted).join("\n")).not.toContain("850301300121");
    expect(texts(drafted).find((x) => x.startsWith("KZ-2026-000001 ісі бойынша шағымның жобасы"))).toMatch(
      /^KZ-2026-000001 ісі бойынша шағымның жобасы дайын\. Жоғарыда шағымның кімге жолданатыны және онда іс тарихынан не жазылғаны көрсетілді\. Толық мәтіні \(аты-жөніңіз, ЖСН-іңіз, пошталық мекенжайыңыз, пациенттің деректері және не болғанының сипаттамасы бар\) PDF файлында\./,
    );
    // In the PDF the applicant is the patient: one person, named once, with how the notice wrote the name.
    const k = await t.db.prisma.case.findFirstOrThrow();
    const details = detailsOf((await t.db.prisma.user.findUniqueOrThrow({ where: { id: 51n } })).details, TEST_DATA_KEY)!;
    const kk = pdfText(complaintContent((await complaintLines(t.db.prisma, k.id, "department", details, TEST_DATA_KEY, "Asia/Almaty", now))!, "kk", h.i18n)).split("\n");
    expect(kk).toContain("Пациент: өтініш берушінің өзі (өтініште Иванов Иван Иванович деп көрсетілген)");
    expect(kk).toContain("Өтініш беруші: Ахметова Айгүл Серікқызы, ЖСН 850301300121");
    expect(texts(drafted)[0]).toContain("Тәуелсіз сараптама комиссиясы: Ұйымның өтінішті алғаны туралы менде мәлімет жоқ; комиссияның құрылғаны туралы маған хабарланған жоқ.");
    expect(texts(drafted)[0]).toContain("Медиация: «Келісім» ботында медиатордың қатысуымен келіссөз 23.11.2026 күнінен бастап 25.11.2026 күніне дейін жүрді, ұсыныстар саны: 0; келісімге қол жеткізілмеді.");
    expect(drafted.filter((x) => x.method === "sendDocument")).toHaveLength(1);
  });
});

describe("the applicant's particulars against the notice's patient (law.md §6: who is the applicant, who the patient)", () => {
  const missedFormation = async (lang: "kk" | "ru", relation?: string) => {
    const staff = await joinStaff(h, ADMIN, 50, "ru");
    const applicant = h.user(51, lang);
    await fileNotice(applicant, lang, relation ? { relation } : {});
    await recordReceipt(staff, "ru");
    await h.runtime.runJobs(at("2026-11-27T00:00:01+05:00"), h.bot.api, log);
    return applicant;
  };

  it("ru: an applicant who is the patient gives the patient's IIN from the notice, not another", async () => {
    const applicant = await missedFormation("ru");
    await applicant.press("Подготовить жалобу");
    await applicant.press("Департамент Комитета");
    await applicant.send("Иванов");
    await applicant.send("Иван");
    await applicant.send("Иванович");
    expect(texts(await applicant.send("900415400000"))[0]).toBe(
      "В обращении вы указали, что пациент — вы сами, а этот ИИН отличается от ИИН пациента в обращении. Напишите ИИН, указанный в обращении.",
    );
    expect(texts(await applicant.send("850301300121"))[0]).toMatch(/^Ваш почтовый адрес/);
  });

  it("kk: a spouse's own IIN for the mediation contract is not the patient's from the notice", async () => {
    const staff = await joinStaff(h, ADMIN, 50, "ru");
    const applicant = h.user(51, "kk");
    await fileNotice(applicant, "kk", { relation: "Пациенттің жұбайы" });
    const mediator = await joinMediator(h, ADMIN, 70);
    await proposeMediator(staff);
    await mediator.press("Согласен(на) быть медиатором");
    await applicant.press("Шартпен келісемін");
    await applicant.send("Ахметова");
    await applicant.send("Айгүл");
    await applicant.send("Серікқызы");
    expect(texts(await applicant.send("850301300121"))[0]).toBe("Бұл — өтініштегі пациенттің ЖСН-і, ал мұнда өзіңіздің ЖСН-іңіз керек.");
    expect(texts(await applicant.send("900415400000"))[0]).toMatch(/пошталық мекенжай/i);
  });
});

describe("the case's history for a lawyer", () => {
  it("dates the receipt on the day the organisation received it, not the day staff recorded it, with its registration number", async () => {
    const staff = await joinStaff(h, ADMIN, 50, "ru");
    const applicant = h.user(51, "ru");
    await fileNotice(applicant, "ru");
    // Received on the 23rd, recorded in the bot on the 24th.
    at("2026-11-24T09:00:00+05:00");
    await recordReceipt(staff, "ru", "KZ-2026-000001", "01-12/345", "23.11.2026");
    const k = await t.db.prisma.case.findFirstOrThrow();
    const history = (await historyContent({ prisma: t.db.prisma, i18n: h.i18n, timeZone: "Asia/Almaty", now: () => now }, k.id, "ru"))!;
    const text = pdfText(history.pdf);
    expect(text).toContain("23.11.2026 — организация получила обращение");
    expect(text).not.toContain("24.11.2026 — организация получила обращение");
    expect(text).toMatch(/медицинская организация получила его \(рег\. № 01-12\/345\)/);
  });

  it("dates the conclusion on the day the commission issued it, which staff give, not the day they record it — in the history and in /cases", async () => {
    const staff = await joinStaff(h, ADMIN, 50, "ru");
    const applicant = h.user(51, "ru");
    await fileNotice(applicant, "ru");
    // Received on the 23rd, recorded in the bot on the 24th; formed on the 24th.
    at("2026-11-24T09:00:00+05:00");
    await recordReceipt(staff, "ru", "KZ-2026-000001", "01-12/345", "23.11.2026");
    const k = await t.db.prisma.case.findFirstOrThrow();
    await staff.pressData(`g:sformok:${k.id}`);
    // Issued on the 25th, recorded in the bot on the 27th.
    at("2026-11-27T10:00:00+05:00");
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Записать заключение");
    await staff.press("Нет, вред не подтверждён");
    await staff.send("Осложнение — известный риск, о котором предупреждали.");
    await staff.press("Без документа");
    await staff.send("25.11.2026");
    await staff.press("Сохранить");
    const text = pdfText((await historyContent({ prisma: t.db.prisma, i18n: h.i18n, timeZone: "Asia/Almaty", now: () => now }, k.id, "ru"))!.pdf);
    expect(text).toContain("выдано 25 ноября 2026 г.; вред не подтверждён");
    expect(text).not.toContain("27 ноября 2026 г.; вред не подтверждён");
    // The case's timeline in /cases dates each step on the day it happened too.
    await applicant.send("/cases");
    const timeline = texts(await applicant.press("Открыть KZ-2026-000001"))[0]!;
    expect(timeline).toContain("23.11.2026 — организация получила обращение\n24.11.2026 — комиссия сформирована\n25.11.2026 — комиссия вынесла заключение");
  });

  it("a conclusion's day before the formation is asked again at once, even from a button made before the flow asked the day (it carries no formation day)", async () => {
    const staff = await joinStaff(h, ADMIN, 50, "ru");
    await fileNotice(h.user(51, "ru"), "ru");
    await recordReceipt(staff, "ru");
    const k = await t.db.prisma.case.findFirstOrThrow();
    await staff.pressData(`g:sformok:${k.id}`); // formed on 23.11.2026
    at("2026-11-27T10:00:00+05:00");
    await staff.pressData(`g:sconc:${k.id}`); // the button on «комиссия сформирована» sent before the change
    await staff.press("Нет, вред не подтверждён");
    await staff.send("Осложнение — известный риск, о котором предупреждали.");
    await staff.press("Без документа");
    // Refused there, with its reason — not after Save, with everything typed lost.
    expect(texts(await staff.send("20.11.2026"))).toEqual([
      "Комиссия сформирована 23.11.2026: заключение не могло быть вынесено раньше. Напишите дату не раньше 23.11.2026 и не позже сегодняшней.",
      "В какой день комиссия вынесла заключение? Нажмите «Сегодня» или напишите дату в виде ДД.ММ.ГГГГ, например 30.11.2026.",
    ]);
    // A forged formation day on the button changes nothing: the case's own is used.
    await staff.pressData(`g:sconc:${k.id}:2020-01-01`);
    await staff.press("Нет, вред не подтверждён");
    await staff.send("Осложнение — известный риск, о котором предупреждали.");
    await staff.press("Без документа");
    expect(texts(await staff.send("20.11.2026"))[0]).toMatch(/^Комиссия сформирована 23\.11\.2026/);
    await staff.send("24.11.2026");
    expect(texts(await staff.press("Сохранить"))).toContain("Записано: заключение по делу KZ-2026-000001. Все участники дела уведомлены.");
    expect((await t.db.prisma.case.findFirstOrThrow()).answers).toMatchObject({ conclusion: { on: "2026-11-24" } });
  });

  it("a conclusion flow stored before the day was asked (its context has no formation day) is refused a day before the formation when recorded", async () => {
    const staff = await joinStaff(h, ADMIN, 50, "ru");
    await fileNotice(h.user(51, "ru"), "ru");
    await recordReceipt(staff, "ru");
    const k = await t.db.prisma.case.findFirstOrThrow();
    await staff.pressData(`g:sformok:${k.id}`); // formed on 23.11.2026
    at("2026-11-27T10:00:00+05:00");
    await staff.pressData(`g:sconc:${k.id}`);
    await staff.press("Нет, вред не подтверждён");
    await staff.send("Осложнение — известный риск, о котором предупреждали.");
    // The flow as the version before stored it, at its document question: no formation day, no conclusion day.
    const store = new Store(t.db.prisma, [], TEST_DATA_KEY);
    const stack = (await store.load(50, 50)).stack.map((e) => {
      if (e.flow !== "conclusion") return e;
      const { notBefore: _n, on: _o, ...context } = e.snapshot.context as Record<string, unknown>;
      return { ...e, snapshot: { ...e.snapshot, context } };
    });
    expect(stack.map((e) => e.flow)).toContain("conclusion");
    await t.db.prisma.chatState.update({ where: { chatId: 50n }, data: { stack: { sealed: seal(TEST_DATA_KEY, JSON.stringify(stack)) } } });
    await staff.press("Без документа");
    await staff.send("20.11.2026");
    expect(texts(await staff.press("Сохранить"))[0]).toBe("По делу KZ-2026-000001 дата заключения может быть с 23.11.2026 (формирование комиссии) по 27.11.2026. Ничего не записано; откройте дело снова: /inbox");
    expect((await t.db.prisma.case.findFirstOrThrow()).status).toBe("commission_formed");
  });
});

describe("the case's history for a lawyer, after a conclusion recorded late", () => {
  it("its list of events dates the conclusion on the day the commission issued it, and does not say its deadline passed when it was met", async () => {
    const staff = await joinStaff(h, ADMIN, 50, "ru");
    await fileNotice(h.user(51, "ru"), "ru");
    await recordReceipt(staff, "ru"); // received 23.11.2026
    const k = await t.db.prisma.case.findFirstOrThrow();
    at("2026-11-24T09:00:00+05:00");
    await staff.pressData(`g:sformok:${k.id}`); // formed 24.11.2026: the conclusion is due by the end of 01.12.2026
    // The bot saw the conclusion's deadline pass with nothing recorded…
    await h.runtime.runJobs(at("2026-12-02T00:00:05+05:00"), h.bot.api, log);
    expect((await t.db.prisma.caseEvent.findMany({ where: { kind: "conclusion_overdue" } })).length).toBe(1);
    // …but the commission issued it on 30.11.2026, in time; staff record it on 02.12.2026.
    at("2026-12-02T10:00:00+05:00");
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Записать заключение");
    await staff.press("Нет, вред не подтверждён");
    await staff.send("Осложнение — известный риск, о котором предупреждали.");
    await staff.press("Без документа");
    await staff.send("30.11.2026");
    await staff.press("Сохранить");
    const text = pdfText((await historyContent({ prisma: t.db.prisma, i18n: h.i18n, timeZone: "Asia/Almaty", now: () => now }, k.id, "ru"))!.pdf);
    expect(text).toContain("выдано 30 ноября 2026 г.; вред не подтверждён");
    expect(text).toContain("30.11.2026 — комиссия вынесла заключение");
    expect(text).not.toContain("02.12.2026 — комиссия вынесла заключение");
    expect(text).not.toContain("истёк срок заключения комиссии");
  });
});

describe("a deadline met, though staff recorded its step late", () => {
  it("offers no complaint: harm confirmed and the conclusion issued in time leave nothing to complain of", async () => {
    const staff = await joinStaff(h, ADMIN, 50, "ru");
    const applicant = h.user(51, "ru");
    await fileNotice(applicant, "ru");
    await recordReceipt(staff, "ru"); // received 23.11.2026
    const k = await t.db.prisma.case.findFirstOrThrow();
    at("2026-11-24T09:00:00+05:00");
    await staff.pressData(`g:sformok:${k.id}`); // formed 24.11.2026: the conclusion is due by the end of 01.12.2026
    await h.runtime.runJobs(at("2026-12-02T00:00:05+05:00"), h.bot.api, log);
    // Issued on 30.11.2026, in time, harm confirmed; recorded on 02.12.2026.
    at("2026-12-02T10:00:00+05:00");
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Записать заключение");
    await staff.press("Да, вред подтверждён");
    await staff.press("Вред без инвалидности");
    await staff.send("Вред здоровью подтверждён комиссией по материалам дела.");
    await staff.press("Без документа");
    await staff.send("30.11.2026");
    await staff.press("Сохранить");
    await applicant.send("/cases");
    const opened = await applicant.press("Открыть KZ-2026-000001");
    expect(texts(opened).join("\n")).not.toContain("истёк срок заключения комиссии");
    expect(buttons(opened)).not.toContain("Подготовить жалобу");
    expect(texts(await applicant.pressData(`g:esc:${k.id}`))[0]).toMatch(/^По делу KZ-2026-000001 жалобу подготовить пока нельзя/);
  });
});

describe("a complaint about a conclusion deadline that ran into January 2027", () => {
  it("kk: says the 5 working days are counted after the formation, as the formation's line says its 3 are, and that 2027's calendar is not confirmed", async () => {
    // Before: «Қорытынды: мерзімінде берілмеді — 12.01.2027 күнінің соңына дейін.» — a date to an authority with no
    // word of what it was counted from, where the formation's line names its basis.
    at("2026-12-24T10:00:00+05:00");
    const staff = await joinStaff(h, ADMIN, 50, "ru");
    const applicant = h.user(51, "kk");
    await fileNotice(applicant, "kk");
    at("2026-12-28T10:00:00+05:00");
    await recordReceipt(staff, "ru");
    at("2026-12-31T10:00:00+05:00");
    await formCommission(staff);
    // 31.12.2026 formed: 5, 6, 8, 11, 12 January 2027 (1-4 and 7 January off).
    await h.runtime.runJobs(at("2027-01-13T00:00:01+05:00"), h.bot.api, log);
    await applicant.press("Шағым дайындау");
    await applicant.press("Комитет департаменті");
    const drafted = texts(await giveParticulars(applicant))[0]!;
    expect(drafted).toContain("Тәуелсіз сараптама комиссиясы: 2026 жылғы 31 желтоқсанда құрылды.");
    expect(drafted).toContain(
      "Қорытынды: 12.01.2027 күнінің соңына дейін (комиссия құрылғаннан кейін 5 жұмыс күні) маған берілген жоқ. Мерзім 2027 жылғы күнтізбенің бүгін белгілі нұсқасы бойынша есептелді: Үкімет демалыс күндерін ауыстыруды бекітсе немесе мереке күндері нақтыланса, нақты мерзім басқа болған болуы мүмкін.",
    );
  });

  it("ru: a draft made while the formation deadline still runs names its basis too", async () => {
    at("2026-12-24T10:00:00+05:00");
    const staff = await joinStaff(h, ADMIN, 50, "ru");
    const applicant = h.user(51, "ru");
    await fileNotice(applicant, "ru");
    // A mediation that ended without agreement lets the applicant draft before the formation deadline ends.
    const mediator = await joinMediator(h, ADMIN, 70);
    at("2026-12-29T10:00:00+05:00");
    await recordReceipt(staff, "ru");
    await proposeMediator(staff);
    await mediator.press("Согласен(на) быть медиатором");
    await applicant.press("Согласен(на) с договором");
    await giveParticulars(applicant);
    await staff.press("Согласен(на) с договором");
    await applicant.press("Выйти из медиации");
    await applicant.press("Завершить");
    await applicant.press("Подготовить жалобу");
    await applicant.press("Руководство организации");
    const drafted = texts(await applicant.press("Да, использовать"))[0]!;
    expect(drafted).toContain(
      "Независимая экспертная комиссия: пока не сформирована; срок — до конца дня 05.01.2027 (3 рабочих дня с получения обращения организацией). Срок посчитан по календарю 2027 года, известному на сегодня: если Правительство утвердит переносы выходных дней или уточнятся даты праздников, он может измениться — тогда бот сообщит новый срок.",
    );
  });
});

describe("a relative on the case and the complaint's draft", () => {
  it("is told the applicant prepares it — not that the case is not theirs — by every door to it; a stranger still learns nothing", async () => {
    // Before: «Такое дело не найдено, или вы в нём не участвуете.» to the patient's spouse, who follows the case.
    const staff = await joinStaff(h, ADMIN, 50, "ru");
    const applicant = h.user(51, "kk");
    await fileNotice(applicant, "kk");
    await recordReceipt(staff, "ru");
    const relative = await joinRelative(h, applicant, 60);
    await h.runtime.runJobs(at("2026-11-27T00:00:01+05:00"), h.bot.api, log); // formation due 26.11 passed
    const c = await t.db.prisma.case.findFirstOrThrow();
    const said = "Дело KZ-2026-000001: проект жалобы в боте готовит заявитель — тот, кто подал обращение. О сроках и шагах комиссии бот сообщает и вам.";
    expect(texts(await relative.pressData(`g:esc:${c.id}`))).toEqual([said, expect.stringMatching(/^Что сделаем\?/)]);
    expect(texts(await relative.pressData(`g:escto:${c.id}:department`))).toEqual([said, expect.stringMatching(/^Что сделаем\?/)]);
    expect(texts(await relative.pressData(`g:escto:${c.id}:court`))).toEqual([said, expect.stringMatching(/^Что сделаем\?/)]);
    expect(await t.db.prisma.caseEvent.count({ where: { kind: { in: ["escalation_drafted", "case_history_prepared"] } } })).toBe(0);
    const stranger = h.user(52, "kk");
    await stranger.send("/start");
    expect(texts(await stranger.pressData(`g:esc:${c.id}`))).toEqual([
      "Мұндай іс табылмады немесе сіз оған қатыспайсыз.",
      "«Дербес деректер және оларды қорғау туралы» Заңға (2013 жылғы 21 мамырдағы № 94-V) сәйкес дербес деректерді өңдеуге келісесіз бе?",
    ]);
  });
});

describe("a complaint's button pressed when no draft can be made", () => {
  it("after a deadline passed and a mediation began, says the mediation runs — not «сроки комиссии не истекли», which the bot told them had", async () => {
    const staff = await joinStaff(h, ADMIN, 50, "ru");
    const applicant = h.user(51, "ru");
    await fileNotice(applicant, "ru");
    await recordReceipt(staff, "ru");
    const mediator = await joinMediator(h, ADMIN, 70);
    await h.runtime.runJobs(at("2026-11-27T00:00:01+05:00"), h.bot.api, log); // formation due 26.11 passed
    expect(buttons(h.fake.sent("sendMessage", 51).slice(-1))).toEqual(["Подготовить жалобу"]);
    await proposeMediator(staff);
    await mediator.press("Согласен(на) быть медиатором");
    await applicant.press("Согласен(на) с договором");
    await giveParticulars(applicant);
    await staff.press("Согласен(на) с договором");
    const c = await t.db.prisma.case.findFirstOrThrow();
    const pressed = await applicant.pressData(`g:esc:${c.id}`);
    const said = texts(pressed);
    // Then the menu: before, nothing to press. Taking part is voluntary (law.md §4): that it can be left, with the
    // mediation's button (its view has «Выйти из медиации») — before, only «if it ends without an agreement».
    expect(said).toEqual([
      "По делу KZ-2026-000001 идёт медиация. Участие в ней добровольное: пока соглашение не подписано, из неё можно выйти — кнопка «Медиация» ниже, затем «Выйти из медиации». Если медиация завершится без соглашения, проект жалобы можно будет подготовить в боте.",
      expect.stringMatching(/^Что сделаем\?/),
    ]);
    expect(buttons(pressed.filter((x) => x.method === "sendMessage").slice(0, 1))).toEqual(["Медиация"]);
    await applicant.press("Медиация");
    expect(buttons(await applicant.press("Выйти из медиации"))).toContain("Завершить");
    expect(texts(await applicant.pressData(`g:escto:${c.id}:court`))).toEqual([said[0], expect.stringMatching(/^Что сделаем\?/)]);
  });

  it("kk: before the organisation has the notice, says no deadline runs yet — not that the commission's deadlines have not passed", async () => {
    const applicant = h.user(51, "kk");
    await fileNotice(applicant, "kk");
    const c = await t.db.prisma.case.findFirstOrThrow();
    expect(texts(await applicant.pressData(`g:esc:${c.id}`))).toEqual([
      "KZ-2026-000001 ісі бойынша шағымды әзірге дайындауға болмайды: ұйымның өтінішті алғаны ботта белгіленбеген, сондықтан бот комиссияның мерзімдерін есептемейді; медиация аяқталмаған.",
      expect.stringMatching(/^Не істейміз\?/),
    ]);
  });
});

describe("a complaint about a commission that acted after its deadlines", () => {
  it("ru and kk: says the formation and the conclusion came after their deadlines — not only the days they came, which read as if in time", async () => {
    // Before: «Независимая экспертная комиссия: сформирована 2 декабря 2026 г.» and «Заключение: выдано 11 декабря
    // 2026 г.; вред не подтверждён.» — the missed deadlines the applicant was told of were gone from the draft.
    const staff = await joinStaff(h, ADMIN, 50, "ru");
    const applicant = h.user(51, "ru");
    await fileNotice(applicant, "ru");
    await recordReceipt(staff, "ru"); // received 23.11.2026: formation due by the end of 26.11.2026
    const k = await t.db.prisma.case.findFirstOrThrow();
    await h.runtime.runJobs(at("2026-11-27T00:00:01+05:00"), h.bot.api, log);
    at("2026-12-02T10:00:00+05:00");
    await staff.pressData(`g:sformok:${k.id}`); // formed 02.12.2026: the conclusion is due by the end of 09.12.2026
    await h.runtime.runJobs(at("2026-12-10T00:00:01+05:00"), h.bot.api, log);
    at("2026-12-11T10:00:00+05:00");
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Записать заключение");
    await staff.press("Нет, вред не подтверждён");
    await staff.send("Комиссия не установила связи между лечением и осложнением.");
    await staff.press("Без документа");
    await staff.press("Сегодня");
    await staff.press("Сохранить");
    await applicant.send("/cases");
    await applicant.press("Открыть KZ-2026-000001");
    await applicant.press("Подготовить жалобу");
    await applicant.press("Управление здравоохранения");
    for (const word of ["Ахметова", "Айгүл", "Серікқызы", "850301300121"]) await applicant.send(word);
    const drafted = texts(await applicant.send("160011, г. Шымкент, ул. Байтурсынова, д. 5, кв. 12"))[0]!;
    expect(drafted).toContain(
      "Независимая экспертная комиссия: сформирована 2 декабря 2026 г., по моему подсчёту, по истечении срока: срок — до конца дня 26.11.2026 (3 рабочих дня с получения обращения организацией).\nЗаключение: выдано 11 декабря 2026 г., по моему подсчёту, по истечении срока: срок — до конца дня 09.12.2026 (5 рабочих дней после формирования комиссии); вред не подтверждён. С заключением не согласен(на).",
    );
    // The same draft in Kazakh (its PDF for a Kazakh reader).
    const details = detailsOf((await t.db.prisma.user.findUniqueOrThrow({ where: { id: 51n } })).details, TEST_DATA_KEY)!;
    const kk = pdfText(complaintContent((await complaintLines(t.db.prisma, k.id, "department", details, TEST_DATA_KEY, "Asia/Almaty", now))!, "kk", h.i18n));
    expect(kk).toContain("Тәуелсіз сараптама комиссиясы: 2026 жылғы 2 желтоқсанда, менің есебім бойынша белгіленген мерзім өткен соң құрылды: мерзімі — 26.11.2026 күнінің соңына дейін (ұйым өтінішті алғаннан кейін 3 жұмыс күні).");
    expect(kk).toContain("Қорытынды: 2026 жылғы 11 желтоқсанда, менің есебім бойынша белгіленген мерзім өткен соң берілді: мерзімі — 09.12.2026 күнінің соңына дейін (комиссия құрылғаннан кейін 5 жұмыс күні); зиян расталмады. Қорытындымен келіспеймін.");
  });
});
