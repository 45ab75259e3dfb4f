// /mydata (issue 15): each person gets exactly their own data — the applicant their notice decrypted, a
// relative their part in the case, staff and mediators their roles and actions — and nobody else's.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Call } from "../../bot/local/fake-api.js";
import { buttons, TEST_DATA_KEY, testBot, texts, type Harness, type TestUser } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { fileNotice } from "../helpers/notice.js";
import { commissionFormed, joinMediator, joinStaff, mediationRunning, MEDIATOR_NAME, proposeSettlement, recordReceipt, STAFF_NAME } from "../helpers/staff.js";

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
const RELATIVE = 52;
const OTHER = 53; // another applicant, whose data nobody else may get
const MEDIATOR = 54;
let t: TestDb;
let h: Harness;
const OWN = { name: "Иванов Иван Иванович", iin: "850301300121", phone: "+77010000000" };
const PLANTED = { name: "Бекова Дана Серикқызы", iin: "900101400013", phone: "+77019998877", description: "Чужое описание, которого никто другой не должен получить." };

/** /mydata: the summary, and the JSON file it sends. */
const myData = async (u: TestUser, chatId: number): Promise<{ summary: string; json: string }> => {
  const calls: Call[] = await u.send("/mydata");
  const doc = calls.find((c) => c.method === "sendDocument" && c.payload.chat_id === chatId)!;
  expect(doc.file!.filename).toBe("kelisim-my-data.json");
  return { summary: texts(calls.filter((c) => c.payload.chat_id === chatId))[0]!, json: doc.file!.bytes.toString("utf8") };
};

beforeAll(async () => {
  t = await testDatabase();
  h = await testBot(t.db, { adminIds: [ADMIN], now: () => new Date("2026-11-23T10:00:00+05:00") });
  const staff = await joinStaff(h, ADMIN, STAFF, "ru");
  await joinMediator(h, ADMIN, MEDIATOR);
  await fileNotice(h.user(APPLICANT, "kk"), "kk");
  await fileNotice(h.user(OTHER, "ru"), "ru", { name: PLANTED.name, iin: PLANTED.iin, phone: PLANTED.phone, description: PLANTED.description });
  await recordReceipt(staff, "ru", "KZ-2026-000001");
  const applicant = h.user(APPLICANT, "kk");
  await applicant.send("/cases");
  await applicant.press("KZ-2026-000001 ісін ашу");
  const invite = await applicant.press("Туысты шақыру");
  const link = /start=(c_\S+)/.exec(texts(invite)[0]!)![1]!;
  const relative = h.user(RELATIVE, "ru");
  await relative.send(`/start ${link}`);
  await relative.press("Супруг(а)");
  await relative.press("Согласен(на)");
  await relative.send("Сейтова Асель Нурлановна");
});
afterAll(async () => t.dispose());

describe("/mydata", () => {
  it("the applicant: a summary in their language and a JSON file with their notice decrypted — and no one else's data", async () => {
    const { summary, json } = await myData(h.user(APPLICANT, "kk"), APPLICANT);
    expect(summary).toMatch(/^Бот сіз туралы мыналарды сақтайды:\n• тіл: қазақ тілі\n• дербес деректерді өңдеуге келісім: \d\d\.\d\d\.\d{4}, \d\d:\d\d \(Қазақстан уақыты\) өтініш беру үшін берілген/);
    expect(summary).toContain("• істер: 1;");
    const data = JSON.parse(json) as { cases: { number: string; role: string; notice?: { patient: string; iin: string; phone: string } }[] };
    expect(data.cases).toHaveLength(1);
    expect(data.cases[0]).toMatchObject({ number: "KZ-2026-000001", role: "applicant", notice: { patient: OWN.name, iin: OWN.iin, phone: OWN.phone } });
    for (const planted of Object.values(PLANTED)) expect(json).not.toContain(planted);
  });

  it("the consent: when it was given (Kazakhstan's time) and to which text, in words — its version (a hash of the text) only in the JSON", async () => {
    const kk = await myData(h.user(APPLICANT, "kk"), APPLICANT);
    expect(kk.summary).toContain("• дербес деректерді өңдеуге келісім: 23.11.2026, 10:00 (Қазақстан уақыты) өтініш беру үшін берілген; мәтіні — қазір /privacy көрсететін мәтін\n");
    const ru = await myData(h.user(RELATIVE, "ru"), RELATIVE);
    expect(ru.summary).toContain("• согласие на обработку персональных данных: дано 23.11.2026, 10:00 (время Казахстана) — как родственником, который следит за делом, на текст, который сейчас показывает /privacy\n");
    const version = (JSON.parse(ru.json) as { user: { consent: { version: string } } }).user.consent.version;
    expect(version).toMatch(/^[0-9a-f]{12}$/);
    for (const { summary } of [kk, ru]) expect(summary).not.toMatch(/[0-9a-f]{12}|версия текста|мәтін нұсқасы/);
    // A consent given to a text changed since: said so, with where the text of now is.
    await t.db.prisma.user.update({ where: { id: BigInt(RELATIVE) }, data: { consentVersion: "0123456789ab" } });
    try {
      const earlier = await myData(h.user(RELATIVE, "ru"), RELATIVE);
      expect(earlier.summary).toContain("дано 23.11.2026, 10:00 (время Казахстана) — как родственником, который следит за делом, на прежнюю редакцию текста (нынешнюю показывает /privacy)\n");
      expect(earlier.json).toContain('"version": "0123456789ab"');
    } finally {
      await t.db.prisma.user.update({ where: { id: BigInt(RELATIVE) }, data: { consentVersion: version } });
    }
  });

  it("the files are followed by the way on: the home with its buttons (kk), or the question of the flow open (ru)", async () => {
    const calls = await h.user(APPLICANT, "kk").send("/mydata");
    const said = calls.filter((c) => c.payload.chat_id === APPLICANT && (c.method === "sendMessage" || c.method === "sendDocument"));
    expect(said.map((c) => c.method)).toEqual(["sendMessage", "sendDocument", "sendDocument", "sendMessage"]);
    expect(texts(said).at(-1)).toBe("Не істейміз? Командалар (/) мәзірінде де бар.");
    expect(buttons(said)).toEqual(["Өтініш беру", "Менің істерім", "Оқыс оқиға ма, «дәрігердің қателігі» ме?", "Анықтама", "Тіл", "Дербес деректер"]);
    const other = h.user(OTHER, "ru");
    await other.send("/notice");
    try {
      const asked = await other.send("/mydata");
      expect(texts(asked.filter((c) => c.payload.chat_id === OTHER)).at(-1)).toBe("1/11 · Кем вы приходитесь пациенту?");
      expect(buttons(asked)).toEqual(["Я — пациент", "Супруг(а)", "Близкий родственник", "Законный представитель"]);
    } finally {
      await other.send("/cancel");
    }
  });

  it("the applicant: who else opened their notice's data, by role, what and when — not the staff member's name", async () => {
    // Before: the list was only on the case's view («Кто открывал мои данные»); the export had no word of it.
    const { json } = await myData(h.user(APPLICANT, "kk"), APPLICANT);
    const [kase] = (JSON.parse(json) as { cases: { openedBy?: { role: string; what: string; at: string }[] }[] }).cases;
    expect(kase!.openedBy).toEqual([{ role: "staff", what: "notice", at: "2026-11-23T05:00:00.000Z" }]);
    expect(json).not.toContain(STAFF_NAME);
  });

  it("a relative: their part in the case, not the notice's sealed fields; staff and a mediator: their roles and actions, no patient's data", async () => {
    const relative = await myData(h.user(RELATIVE, "ru"), RELATIVE);
    expect(relative.summary).toMatch(/^Что бот хранит о вас:/);
    expect(JSON.parse(relative.json)).toMatchObject({ user: { fullName: "Сейтова Асель Нурлановна" }, cases: [{ number: "KZ-2026-000001", role: "relative", relation: "spouse" }] });
    const staff = await myData(h.user(STAFF, "ru"), STAFF);
    expect(JSON.parse(staff.json)).toMatchObject({ user: { fullName: STAFF_NAME }, roles: [{ role: "staff", organization: "Городская больница №7" }], actions: [{ case: "KZ-2026-000001", what: "notice_received" }] });
    const mediator = await myData(h.user(MEDIATOR, "ru"), MEDIATOR);
    expect(JSON.parse(mediator.json)).toMatchObject({ user: { fullName: MEDIATOR_NAME }, roles: [{ role: "mediator" }], cases: [] });
    for (const json of [relative.json, staff.json, mediator.json]) {
      for (const secret of [OWN.iin, OWN.phone, OWN.name, ...Object.values(PLANTED)]) expect(json).not.toContain(secret);
    }
  });

  it("the PDF: the summary's content in the user's language, after the JSON, with a font that has every letter", async () => {
    const fontkit = await import("fontkit");
    const { FONT, FONT_BOLD } = await import("../../bot/core/documents.js");
    const { collectMyData, myDataPdfLines } = await import("../../bot/features/mydata/mydata.js");
    for (const [id, lang, caption] of [[APPLICANT, "kk", "«Келісім» ботындағы деректеріңіз туралы қысқаша мәлімет (PDF)."], [RELATIVE, "ru", "Сводка ваших данных в «Келісім» (PDF)."]] as const) {
      const calls = await h.user(id, lang).send("/mydata");
      const docs = calls.filter((c) => c.method === "sendDocument" && c.payload.chat_id === id);
      expect(docs.map((d) => d.file!.filename)).toEqual(["kelisim-my-data.json", "kelisim-my-data.pdf"]);
      const pdf = docs[1]!;
      expect(pdf.payload.caption).toBe(caption);
      expect(pdf.file!.bytes.subarray(0, 5).toString()).toBe("%PDF-");
      expect(pdf.file!.bytes.includes(Buffer.from("DejaVuSans"))).toBe(true);
      // What the PDF shows: the summary's lines, in the user's language, and none of the sealed data.
      const lines = myDataPdfLines(await collectMyData(t.db.prisma, id, TEST_DATA_KEY, new Date()), lang, h.i18n, "Asia/Almaty");
      const summary = texts(calls.filter((c) => c.payload.chat_id === id))[0]!;
      for (const [, value] of lines) expect(summary).toContain(String(value));
      expect(lines.slice(0, 2)).toEqual(
        lang === "kk"
          ? [["Тіл", "қазақ тілі"], ["Дербес деректерді өңдеуге келісім", "23.11.2026, 10:00 (Қазақстан уақыты) өтініш беру үшін берілген; мәтіні — қазір /privacy көрсететін мәтін"]]
          : [["Язык", "русский"], ["Согласие на обработку персональных данных", "дано 23.11.2026, 10:00 (время Казахстана) — как родственником, который следит за делом, на текст, который сейчас показывает /privacy"]],
      );
      const shown = lines.flat().join("") + h.i18n.t(lang)("mydata.pdf.title") + h.i18n.t(lang)("mydata.pdf.footer");
      for (const path of [FONT, FONT_BOLD]) {
        const font = fontkit.openSync(path) as { hasGlyphForCodePoint(cp: number): boolean };
        expect([...new Set(shown)].filter((ch) => !/\s/.test(ch) && !font.hasGlyphForCodePoint(ch.codePointAt(0)!))).toEqual([]);
      }
    }
  });
});

describe("/mydata with a notice begun and not yet saved", () => {
  beforeEach(async () => {
    await t.reset();
    h = await testBot(t.db, { adminIds: [ADMIN], now: () => new Date("2026-11-23T10:00:00+05:00") });
  });

  it("names the draft in the summary and gives what was typed into it in the JSON file — the bot holds it", async () => {
    const u = h.user(APPLICANT, "ru");
    await u.send("/start");
    await u.send("/notice");
    await u.press("Согласен(на)");
    await u.press("Я — пациент");
    await u.send("Черновикова Анна Петровна");
    const { summary, json } = await myData(u, APPLICANT);
    expect(summary).toContain("• черновик обращения: есть, ещё не сохранён как обращение\n");
    expect(JSON.parse(json)).toMatchObject({ draftNotice: { relation: "self", name: "Черновикова Анна Петровна" } });
    // The draft is still there to go on with: /notice takes up its next question.
    expect(texts(await u.send("/notice"))).toEqual(["3/11 · Напишите ваш ИИН (12 цифр)."]);
  });

  it("a notice opened but with nothing answered yet is no draft: nothing was given", async () => {
    const u = h.user(APPLICANT, "ru");
    await u.send("/start");
    await u.send("/notice");
    await u.press("Согласен(на)");
    const { summary, json } = await myData(u, APPLICANT);
    expect(summary).toContain("• черновик обращения: нет\n");
    expect(JSON.parse(json)).toMatchObject({ draftNotice: null });
  });

  it("says there is none when there is none, and the PDF says the same", async () => {
    const u = h.user(OTHER, "kk");
    await fileNotice(u, "kk");
    const { summary, json } = await myData(u, OTHER);
    expect(summary).toContain("• өтініштің жобасы: жоқ\n");
    expect(JSON.parse(json)).toMatchObject({ draftNotice: null });
    const { collectMyData, myDataPdfLines } = await import("../../bot/features/mydata/mydata.js");
    const lines = myDataPdfLines(await collectMyData(t.db.prisma, OTHER, TEST_DATA_KEY, new Date()), "kk", h.i18n, "Asia/Almaty");
    expect(lines).toContainEqual(["Өтініштің жобасы", "жоқ"]);
  });
});

describe("/mydata after consent was withdrawn", () => {
  beforeEach(async () => {
    await t.reset();
    h = await testBot(t.db, { adminIds: [ADMIN], now: () => new Date("2026-11-23T10:00:00+05:00") });
  });

  it("says the consent was withdrawn and how to give it again — not «дано» and «можно отозвать»; the PDF likewise", async () => {
    const { collectMyData, myDataPdfLines } = await import("../../bot/features/mydata/mydata.js");
    for (const [id, lang, withdraw, yes] of [[APPLICANT, "ru", "Отозвать согласие", "Да, отозвать"], [OTHER, "kk", "Келісімді кері қайтарып алу", "Иә, кері қайтарып аламын"]] as const) {
      const u = h.user(id, lang);
      await fileNotice(u, lang);
      await u.send("/privacy");
      await u.press(withdraw);
      await u.press(yes);
      const calls = await u.send("/mydata");
      const summary = texts(calls.filter((c) => c.payload.chat_id === id))[0]!;
      if (lang === "ru") {
        expect(summary).toContain("• согласие на обработку персональных данных: отозвано\n");
        expect(summary).toMatch(/Дать согласие снова можно командой \/privacy\.$/);
        expect(summary).not.toContain("можно отозвать");
      } else {
        expect(summary).toContain("• дербес деректерді өңдеуге келісім: кері қайтарып алынған\n");
        expect(summary).toMatch(/Келісімді \/privacy командасымен қайта беруге болады\.$/);
        expect(summary).not.toContain("кері қайтарып алуға болады");
      }
      const lines = myDataPdfLines(await collectMyData(t.db.prisma, id, TEST_DATA_KEY, new Date()), lang, h.i18n, "Asia/Almaty");
      expect(lines[1]).toEqual(lang === "ru" ? ["Согласие на обработку персональных данных", "отозвано"] : ["Дербес деректерді өңдеуге келісім", "кері қайтарып алынған"]);
    }
  });
});

describe("/mydata after consent was withdrawn, with a notice the organisation received", () => {
  beforeEach(async () => {
    await t.reset();
    h = await testBot(t.db, { adminIds: [ADMIN], now: () => new Date("2026-11-23T10:00:00+05:00") });
  });

  it("says why the notice is still held without consent — the procedure needs it — in the summary and the PDF", async () => {
    // Before: «согласие: отозвано» and «дела: 1», with no word of why the notice is kept after the withdrawal.
    const staff = await joinStaff(h, ADMIN, STAFF, "ru");
    for (const [id, lang, withdraw, yes] of [[APPLICANT, "ru", "Отозвать согласие", "Да, отозвать"], [OTHER, "kk", "Келісімді кері қайтарып алу", "Иә, кері қайтарып аламын"]] as const) {
      const u = h.user(id, lang);
      await fileNotice(u, lang);
      await recordReceipt(staff, "ru", id === APPLICANT ? "KZ-2026-000001" : "KZ-2026-000002");
      await u.send("/privacy");
      await u.press(withdraw);
      await u.press(yes);
      const summary = texts((await u.send("/mydata")).filter((c) => c.payload.chat_id === id))[0]!;
      expect(summary).toContain(
        lang === "ru"
          ? "• согласие на обработку персональных данных: отозвано; поданные вами обращения (1) хранятся, пока их требует процедура рассмотрения; после её завершения дело обезличивается по истечении срока хранения\n• роли сотрудника, медиатора или администратора: 0\n• дела: 1;"
          : "• дербес деректерді өңдеуге келісім: кері қайтарып алынған; берген өтініштеріңіз (1) қарау рәсімі талап еткенше сақталады; рәсім аяқталып, сақтау мерзімі өткен соң іс иесіздендіріледі\n",
      );
      const { collectMyData, myDataPdfLines } = await import("../../bot/features/mydata/mydata.js");
      const lines = myDataPdfLines(await collectMyData(t.db.prisma, id, TEST_DATA_KEY, new Date()), lang, h.i18n, "Asia/Almaty");
      expect(lines[1]![1]).toMatch(lang === "ru" ? /^отозвано; поданные вами обращения \(1\) хранятся/ : /^кері қайтарып алынған; берген өтініштеріңіз \(1\) қарау рәсімі/);
    }
  });
});

describe("the applicant's export holds all they gave and what was recorded about the patient", () => {
  beforeEach(async () => {
    await t.reset();
    h = await testBot(t.db, { adminIds: [ADMIN], now: () => new Date("2026-11-23T10:00:00+05:00") });
  });

  it("the notice handed in: the stamped copy's photo and the registration number they gave", async () => {
    const applicant = h.user(APPLICANT, "ru");
    await fileNotice(applicant, "ru"); // no registered organisation: the applicant hands it in
    await applicant.press("Я передал(а) обращение");
    await applicant.press("Сегодня");
    await applicant.send("77-01/998");
    await applicant.photo("stamped-copy-photo");
    const { json } = await myData(applicant, APPLICANT);
    expect(json, "the photo the applicant gave").toContain("stamped-copy-photo");
    expect(json, "the registration number they typed").toContain("77-01/998");
  });

  it("the commission's conclusion about the patient, its summary opened", async () => {
    const { staff, applicant } = await commissionFormed(h, ADMIN, STAFF, APPLICANT);
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Записать заключение");
    await staff.press("Нет, вред не подтверждён");
    await staff.send("Повреждение лицевого нерва — известный риск операции.");
    await staff.press("Без документа");
    await staff.press("Сегодня");
    await staff.press("Сохранить");
    const { json } = await myData(applicant, APPLICANT);
    const [kase] = (JSON.parse(json) as { cases: { conclusion: unknown }[] }).cases;
    expect(kase!.conclusion).toMatchObject({ confirmed: false, summary: "Повреждение лицевого нерва — известный риск операции." });
    // Staff get their actions, not the patient's medical details.
    expect((await myData(staff, STAFF)).json).not.toContain("лицевого нерва");
  });

  it("in a mediation: their counter-offer (amount and note), not only that one was made, and a file they sent", async () => {
    const { applicant, mediator } = await mediationRunning(h, { admin: ADMIN, staff: STAFF, applicant: APPLICANT, mediator: MEDIATOR });
    await proposeSettlement(mediator, "1 000 000");
    await applicant.press("Қарсы ұсыныс");
    await applicant.send("2 000 000");
    await applicant.send("Емдеу шығындары осыдан көп болды.");
    await applicant.press("Жіберу");
    await applicant.press("Жазу");
    await applicant.document("application/pdf", "applicant-receipts-pdf");
    const data = JSON.parse((await myData(applicant, APPLICANT)).json) as { counterOffers: unknown[]; proposalAnswers: unknown[]; mediationMessages: unknown[] };
    expect(data.counterOffers).toEqual([expect.objectContaining({ case: "KZ-2026-000001", amountTenge: "2000000", note: "Емдеу шығындары осыдан көп болды." })]);
    expect(data.proposalAnswers).toEqual([expect.objectContaining({ case: "KZ-2026-000001", round: 1, answer: "counter" })]);
    expect(data.mediationMessages).toEqual([expect.objectContaining({ file: { kind: "document", telegramFileId: "applicant-receipts-pdf" } })]);
  });

  it("staff and the mediator in a mediation: the offers they wrote themselves (amount and terms), as the applicant gets theirs", async () => {
    // Before: only an applicant's counter-offers were exported — the mediator's proposal and the organisation's
    // counter-offer, texts their authors typed and the bot keeps sealed, were in nobody's /mydata.
    const { applicant, staff, mediator } = await mediationRunning(h, { admin: ADMIN, staff: STAFF, applicant: APPLICANT, mediator: MEDIATOR });
    await proposeSettlement(mediator, "1 000 000");
    await staff.press("Встречное предложение");
    await staff.send("800 000");
    await staff.send("Организация готова выплатить в течение месяца.");
    await staff.press("Отправить");
    type Offers = { counterOffers: { case: string; amountTenge: string; note: string }[]; proposals?: { case: string; amountTenge: string; terms: string }[] };
    const ofStaff = JSON.parse((await myData(staff, STAFF)).json) as Offers;
    expect(ofStaff.counterOffers).toEqual([expect.objectContaining({ case: "KZ-2026-000001", amountTenge: "800000", note: "Организация готова выплатить в течение месяца." })]);
    const ofMediator = JSON.parse((await myData(mediator, MEDIATOR)).json) as Offers;
    expect(ofMediator.proposals).toEqual([expect.objectContaining({ case: "KZ-2026-000001", amountTenge: "1000000", terms: "Выплата в течение 15 рабочих дней после подписания." })]);
    // Each their own only: the applicant's export has neither.
    const ofApplicant = JSON.parse((await myData(applicant, APPLICANT)).json) as Offers;
    expect(JSON.stringify(ofApplicant.counterOffers)).not.toContain("Организация готова");
    expect(ofApplicant.proposals ?? []).toEqual([]);
  });
});
