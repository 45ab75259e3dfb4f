// Escalation: after a missed commission deadline, a "not confirmed" conclusion or a failed mediation, the
// applicant gets a complaint drafted from the case's history, in their language, as text and PDF.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buttons, testBot, texts, type Harness } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { fileNotice } from "../helpers/notice.js";
import { joinMediator, joinStaff, recordReceipt } from "../helpers/staff.js";
import { createLogger } from "../../bot/logger.js";

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
  it("a missed formation deadline: the applicant (ru) drafts a complaint to the Committee, as text and PDF; the case records it", async () => {
    const staff = await joinStaff(h, ADMIN, 50, "ru");
    const applicant = h.user(51, "ru");
    await fileNotice(applicant, "ru", { description: "После операции началось воспаление, врачи не назначили анализы." });
    const c = await t.db.prisma.case.findFirstOrThrow();
    await recordReceipt(staff, "ru");
    // Too early: nothing to escalate yet, and nobody else may.
    expect(texts(await applicant.pressData(`g:esc:${c.id}`))[0]).toMatch(/^По делу KZ-2026-000001 жалобу подготовить пока нельзя/);
    const stranger = h.user(52, "ru");
    await stranger.send("/start");
    expect(texts(await stranger.pressData(`g:escto:${c.id}:court`))).toEqual(["Такое дело не найдено, или вы в нём не участвуете."]);

    await h.runtime.runJobs(at("2026-11-27T00:00:01+05:00"), h.bot.api, log); // formation due 26.11 passed
    const told = h.fake.sent("sendMessage", 51).at(-1)!;
    expect(String(told.payload.text)).toMatch(/^Дело KZ-2026-000001: срок формирования независимой экспертной комиссии истёк 26\.11\.2026/);
    const choose = await applicant.press("Подготовить жалобу");
    expect(buttons(choose)).toEqual(["Управление здравоохранения — Город Шымкент", "Комитет медицинского и фармацевтического контроля", "Суд"]);
    const drafted = await applicant.press("Комитет медицинского и фармацевтического контроля");
    expect(texts(drafted)[0]).toBe(
      [
        "Жалоба (проект)",
        "",
        "Кому: Комитет медицинского и фармацевтического контроля",
        "От кого: пациент — Иванов Иван Иванович",
        "Обращение: Уведомление о возможном вреде подано 23.11.2026, дело KZ-2026-000001 в «Келісім».",
        "Что произошло: При оказании медицинской помощи в организации «Городская больница №7», Город Шымкент (02.03.2026) пациенту причинён вред. Последствия: Пока неизвестно.",
        "Описание: После операции началось воспаление, врачи не назначили анализы.",
        "Экспертная комиссия: Не сформирована в срок — до конца дня 26.11.2026 (3 рабочих дня с получения обращения организацией).",
        "Прошу: Рассмотреть эту жалобу по существу и сообщить мне о принятом решении.",
      ].join("\n"),
    );
    const pdf = drafted.find((x) => x.method === "sendDocument")!;
    expect([pdf.payload.chat_id, pdf.file!.filename, pdf.file!.bytes.subarray(0, 5).toString()]).toEqual([51, "KZ-2026-000001-complaint.pdf", "%PDF-"]);
    expect(texts(drafted).at(-1)).toMatch(/^Проект жалобы по делу KZ-2026-000001 готов — текст выше и PDF\. Куда: Комитет медицинского и фармацевтического контроля\. Я её не отправляю/);
    expect((await t.db.prisma.case.findFirstOrThrow()).status).toBe("escalated");
    expect((await t.db.prisma.caseEvent.findFirstOrThrow({ where: { kind: "escalation_drafted" } })).payload).toEqual({ target: "committee" });
  });

  it("after a failed mediation, in Kazakh, the draft tells the mediation's rounds", async () => {
    const staff = await joinStaff(h, ADMIN, 50, "ru");
    const applicant = h.user(51, "kk");
    await fileNotice(applicant, "kk");
    const mediator = await joinMediator(h, ADMIN, 70);
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Предложить медиацию");
    await staff.press("Медиатор 70");
    await mediator.press("Согласен(на) быть медиатором");
    await applicant.press("Медиацияға келісемін");
    await staff.press("Согласен(на) на медиацию");
    at("2026-11-25T10:00:00+05:00");
    await applicant.press("Медиациядан шығу");
    const ended = await applicant.press("Аяқтау");
    expect(texts(ended.filter((x) => x.payload.chat_id === 51))[0]).toBe("KZ-2026-000001 ісі: медиация келісімсіз аяқталды — одан шықты: Өтініш беруші.");
    await applicant.press("Шағым дайындау");
    const drafted = await applicant.press("Денсаулық сақтау басқармасы — Шымкент қаласы");
    expect(texts(drafted)[0]).toContain("Кімге: денсаулық сақтау басқармасы — Шымкент қаласы");
    expect(texts(drafted)[0]).toContain("Медиация (келіссөз): 23.11.2026 бастап 25.11.2026 дейін, ұсыныстар саны: 0; келісімге қол жеткізілмеді.");
    expect(drafted.filter((x) => x.method === "sendDocument")).toHaveLength(1);
  });
});
