// The legal clock starts when the healthcare entity receives the notice (law.md §3 step 2): a saved notice
// names no deadline; staff record the receipt, or the applicant says they handed it in; reminders until
// then; and never an overdue message for a notice the entity has not received.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buttons, shown, TEST_DATA_KEY, testBot, texts, type Harness, textsTo as to } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { fileNotice, handIn } from "../helpers/notice.js";
import { filedToBilingualOrg, joinStaff, recordReceipt } from "../helpers/staff.js";
import { createLogger } from "../../bot/logger.js";
import { Store } from "../../bot/runtime/store.js";
import { seal } from "../../bot/crypto.js";

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
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
  at("2026-11-23T10:00:00+05:00"); // a Monday
  h = await testBot(t.db, { adminIds: [ADMIN], now: () => now });
});

const runJobs = (iso: string) => h.runtime.runJobs(at(iso), h.bot.api, log);
const jobs = async () => (await t.db.prisma.scheduledJob.findMany({ orderBy: { dueAt: "asc" } })).map((j) => [j.kind, j.dueAt.toISOString(), j.state]);
/** Every message any test user got that says a deadline passed. */
const overdueSaid = () => texts(h.fake.calls).filter((x) => /истёк|өтті/.test(x));

describe("a notice to an organisation with no staff in the bot", () => {
  it("the staff chat (STAFF_CHAT_ID), told of the notice when it was saved, is told too of the day the applicant handed it in and the formation deadline it starts — in both languages", async () => {
    // Before: the staff chat heard of the notice, then of its deadline's reminders, but not of the day the clock started.
    const STAFF_CHAT = -100777;
    const hh = await testBot(t.db, { adminIds: [ADMIN], now: () => now, staffChatId: STAFF_CHAT });
    const applicant = hh.user(APPLICANT, "kk");
    await fileNotice(applicant, "kk");
    expect(texts(hh.fake.sent("sendMessage", STAFF_CHAT))[0]).toMatch(/Новое обращение KZ-2026-000001/);
    at("2026-11-24T12:00:00+05:00");
    const handed = await handIn(applicant, "kk", "24.11.2026");
    expect(to(handed, STAFF_CHAT).join("\n")).toContain("Дело KZ-2026-000001: заявитель сообщает, что передал(а) обращение в организацию 24.11.2026. 3 рабочих дня на формирование независимой экспертной комиссии бот отсчитывает со следующего рабочего дня — до конца дня 27.11.2026.");
    expect(to(handed, STAFF_CHAT).join("\n")).toMatch(/KZ-2026-000001 ісі: өтініш беруші өтінішті ұйымға 24\.11\.2026 күні тапсырғанын хабарлайды/);
  });

  it("names no deadline; reminds the applicant after 2 working days; the date they handed it in starts the clock", async () => {
    const applicant = h.user(APPLICANT, "ru");
    const filed = await fileNotice(applicant, "ru");
    expect(to(filed, APPLICANT).join("\n")).not.toMatch(/до конца дня|срок формирования/i);
    expect(await jobs()).toEqual([["handin_reminder", "2026-11-25T05:00:00.000Z", "pending"]]);

    h.fake.clear();
    await runJobs("2026-11-25T09:59:00+05:00");
    expect(h.fake.calls).toEqual([]);
    await runJobs("2026-11-25T10:00:00+05:00");
    const reminded = h.fake.sent("sendMessage", APPLICANT);
    expect(texts(reminded)).toEqual([
      "Дело KZ-2026-000001: вы ещё не сообщили, что передали обращение в организацию «Городская больница №7». Срок формирования комиссии начнётся только после того, как организация его получит. Когда передадите — нажмите кнопку ниже.",
    ]);
    expect(buttons(reminded)).toEqual(["Я передал(а) обращение", "Обращение (PDF)", "Мои дела"]);
    // Weeks later: still no legal deadline, and never "missed".
    await runJobs("2027-01-31T12:00:00+05:00");
    expect(h.fake.sent("sendMessage", APPLICANT)).toHaveLength(1);
    expect(overdueSaid()).toEqual([]);
    expect((await t.db.prisma.case.findFirstOrThrow()).status).toBe("saved");

    at("2026-11-26T12:00:00+05:00");
    expect(to(await applicant.press("Я передал(а) обращение"), APPLICANT)[0]).toMatch(/^Когда организация получила обращение\? .*отправленное по почте — в день вручения письма/);
    // An impossible date is refused with its reason, and the same question comes again.
    expect(to(await applicant.send("22.11.2026"), APPLICANT)).toEqual(["Обращение сохранено 23.11.2026: организация не могла получить его раньше.", expect.stringMatching(/^Когда организация получила обращение\?/)]);
    expect(to(await applicant.send("27.11.2026"), APPLICANT)).toEqual(["Эта дата ещё не наступила.", expect.stringMatching(/^Когда организация получила обращение\?/)]);
    expect(to(await applicant.send("завтра"), APPLICANT)[0]).toBe("Напишите дату в виде ДД.ММ.ГГГГ, например 20.03.2026, или нажмите «Сегодня».");
    await applicant.send("24.11.2026");
    await applicant.send("01-12/345");
    const done = await applicant.photo("stamped-copy");
    expect(to(done, APPLICANT)[0]).toBe(
      "Записано: вы передали обращение KZ-2026-000001 в организацию 24.11.2026 (рег. № 01-12/345). В течение 3 рабочих дней после получения организация должна сформировать независимую экспертную комиссию — до конца дня 27.11.2026. Если срок пройдёт, а записи о комиссии не будет, я сообщу.",
    );
    const c = await t.db.prisma.case.findFirstOrThrow();
    expect(c.status).toBe("received");
    expect(c.answers).toMatchObject({ receipt: { on: "2026-11-24", number: "01-12/345", by: "applicant", copy: { kind: "photo", fileId: "stamped-copy" } }, formationDue: "2026-11-27" });
    expect(await jobs()).toEqual([
      ["handin_reminder", "2026-11-25T05:00:00.000Z", "done"],
      ["formation_reminder", "2026-11-27T04:00:00.000Z", "pending"],
      ["formation_overdue", "2026-11-27T19:00:00.000Z", "pending"],
    ]);
    expect(texts(await applicant.send("/cases"))[0]).toContain("Статус: организация получила обращение\nСледующий шаг: медицинская организация формирует независимую экспертную комиссию.\nСрок: до конца дня 27.11.2026 (остался 1 рабочий день).");
    // On the deadline day itself there is only today.
    at("2026-11-27T09:00:00+05:00");
    expect(texts(await applicant.send("/cases"))[0]).toContain("Срок: до конца дня 27.11.2026 (сегодня последний день).");
    // Only now can a deadline pass.
    await runJobs("2026-11-28T00:00:01+05:00");
    expect(overdueSaid()).toEqual([expect.stringMatching(/^Дело KZ-2026-000001: срок формирования независимой экспертной комиссии истёк 27\.11\.2026/)]);
  });
});

describe("the stamped copy", () => {
  it("sent as an album of several photos keeps every page in page order — one count edited as they come, the hand-in recorded with «Готово» — and no page gets «не понял»", async () => {
    const applicant = h.user(APPLICANT, "ru");
    await fileNotice(applicant, "ru");
    await applicant.press("Я передал(а) обращение");
    await applicant.press("Сегодня");
    await applicant.press("Пропустить");
    // Telegram sends an album one update a photo; they may come in any order: here the last page first.
    const calls = await applicant.album(["page-1", "page-2", "page-3"], "5551", [2, 0, 1]);
    // The count says plainly that nothing is recorded yet: one who leaves before «Готово» knows the hand-in is not recorded.
    expect(texts(calls)).toEqual(["Получено страниц копии: 1. Если страниц больше, пришлите остальные. Передача обращения ещё не записана: когда пришлёте все страницы, нажмите «Готово»."]);
    expect(buttons(calls)).toEqual(["Готово", "Отмена"]);
    expect(shown(calls, APPLICANT)).toEqual(["Получено страниц копии: 3. Если страниц больше, пришлите остальные. Передача обращения ещё не записана: когда пришлёте все страницы, нажмите «Готово»."]);
    expect(JSON.stringify(calls)).not.toMatch(/не понял/);
    // Nothing recorded before the person says they sent them all.
    expect((await t.db.prisma.case.findFirstOrThrow()).status).toBe("saved");
    // Text typed there is told it is not kept and what records the hand-in — not «не понял» — and the count comes again with its buttons.
    const typed = await applicant.send("Это все страницы");
    expect(to(typed, APPLICANT)).toEqual([
      "Этот текст не сохранён: сейчас бот ждёт только страницы копии. Передача обращения будет записана, когда вы нажмёте «Готово».",
      "Получено страниц копии: 3. Если страниц больше, пришлите остальные. Передача обращения ещё не записана: когда пришлёте все страницы, нажмите «Готово».",
    ]);
    expect(buttons(typed)).toEqual(["Готово", "Отмена"]);
    expect((await t.db.prisma.case.findFirstOrThrow()).status).toBe("saved");
    const done = await applicant.press("Готово");
    expect(to(done, APPLICANT)[0]).toMatch(/^Записано: вы передали обращение KZ-2026-000001 в организацию 23\.11\.2026\./);
    const c = await t.db.prisma.case.findFirstOrThrow();
    expect(c.status).toBe("received");
    expect(c.answers).toMatchObject({
      receipt: {
        on: "2026-11-23",
        by: "applicant",
        copy: { kind: "photo", fileId: "page-1" },
        pages: [{ kind: "photo", fileId: "page-1" }, { kind: "photo", fileId: "page-2" }, { kind: "photo", fileId: "page-3" }],
      },
    });
  });

  it("a video in the copy's album is said once not to be taken — not once for each video — and the photos are kept", async () => {
    const applicant = h.user(APPLICANT, "ru");
    await fileNotice(applicant, "ru");
    await applicant.press("Я передал(а) обращение");
    await applicant.press("Сегодня");
    await applicant.press("Пропустить");
    const calls = [...(await applicant.photo("page-1", "5553")), ...(await applicant.video("5553")), ...(await applicant.video("5553")), ...(await applicant.photo("page-2", "5553"))];
    const refusals = to(calls, APPLICANT).filter((x) => !x.startsWith("Получено страниц"));
    expect(refusals).toEqual(["Нужно фото или PDF-файл."]);
    expect(shown(calls, APPLICANT)).toEqual(["Получено страниц копии: 2. Если страниц больше, пришлите остальные. Передача обращения ещё не записана: когда пришлёте все страницы, нажмите «Готово».", "Нужно фото или PDF-файл."]);
    // A video sent alone afterwards is answered again: it is another message.
    expect(to(await applicant.video(), APPLICANT)).toEqual(["Нужно фото или PDF-файл."]);
    await applicant.press("Готово");
    expect((await t.db.prisma.case.findFirstOrThrow()).answers).toMatchObject({ receipt: { pages: [{ fileId: "page-1" }, { fileId: "page-2" }] } });
  });

  it("pages kept by the bot before it noted their messages' numbers are still taken and recorded, a page sent since going after them", async () => {
    const applicant = h.user(APPLICANT, "ru");
    await fileNotice(applicant, "ru");
    await applicant.press("Я передал(а) обращение");
    await applicant.press("Сегодня");
    await applicant.press("Пропустить");
    await applicant.album(["old-1", "old-2"], "5552");
    // The flow as the version before stored it: its pages without their messages' numbers.
    const store = new Store(t.db.prisma, [], TEST_DATA_KEY);
    const stack = (await store.load(APPLICANT, APPLICANT)).stack.map((e) => {
      const context = e.snapshot.context as { file: Record<string, unknown>; pages: Record<string, unknown>[] };
      const old = ({ messageId: _m, ...p }: Record<string, unknown>) => p;
      return e.flow !== "handIn" ? e : { ...e, snapshot: { ...e.snapshot, context: { ...context, file: old(context.file), pages: context.pages.map(old) } } };
    });
    expect(JSON.stringify(stack)).toContain("old-2");
    expect(JSON.stringify(stack)).not.toContain("messageId");
    await t.db.prisma.chatState.update({ where: { chatId: BigInt(APPLICANT) }, data: { stack: { sealed: seal(TEST_DATA_KEY, JSON.stringify(stack)) } } });
    const edited = (await applicant.photo("new-3", "5552")).filter((c) => c.method === "editMessageText");
    expect(edited.map((c) => c.payload.text)).toEqual([expect.stringMatching(/^Получено страниц копии: 3\./)]);
    expect(to(await applicant.press("Готово"), APPLICANT)[0]).toMatch(/^Записано: вы передали обращение KZ-2026-000001/);
    expect((await t.db.prisma.case.findFirstOrThrow()).answers).toMatchObject({
      receipt: { copy: { fileId: "old-1" }, pages: [{ fileId: "old-1" }, { fileId: "old-2" }, { fileId: "new-3" }] },
    });
  });

  it("a sticker instead of it is told a photo or a PDF is needed — not «не понял»", async () => {
    const applicant = h.user(APPLICANT, "ru");
    await fileNotice(applicant, "ru");
    await applicant.press("Я передал(а) обращение");
    await applicant.press("Сегодня");
    await applicant.press("Пропустить");
    expect(to(await applicant.sticker(), APPLICANT)).toEqual([
      "Нужно фото или PDF-файл.",
      "Если у вас есть копия с отметкой о получении, пришлите её фото или PDF. Если нет — нажмите «Пропустить».",
    ]);
    // Between an album's pages too: the pages are kept.
    await applicant.photo("p-1", "7001");
    expect(to(await applicant.sticker(), APPLICANT)).toEqual(["Нужно фото или PDF-файл."]);
    await applicant.photo("p-2", "7001");
    await applicant.press("Готово");
    expect((await t.db.prisma.case.findFirstOrThrow()).answers).toMatchObject({ receipt: { pages: [{ fileId: "p-1" }, { fileId: "p-2" }] } });
  });

  it("sent at the registration number's question is kept, every page, and the number still asked for — not «не понял» for each page", async () => {
    const applicant = h.user(APPLICANT, "ru");
    await fileNotice(applicant, "ru");
    await applicant.press("Я передал(а) обращение");
    await applicant.press("Сегодня");
    const calls = [...(await applicant.photo("n-1", "8001")), ...(await applicant.photo("n-2", "8001"))];
    expect(shown(calls, APPLICANT)).toEqual(["Получено страниц копии: 2. Если на копии есть регистрационный номер, напишите его. Если нет — нажмите «Пропустить»."]);
    expect(JSON.stringify(calls)).not.toMatch(/не понял/);
    // The number typed: recorded with both pages; the copy is not asked for again.
    const done = await applicant.send("01-12/77");
    expect(to(done, APPLICANT)).toEqual([expect.stringMatching(/^Записано: вы передали обращение KZ-2026-000001 в организацию 23\.11\.2026 \(рег\. № 01-12\/77\)\./), "Что сделаем? Команды есть и в меню (/)."]);
    expect((await t.db.prisma.case.findFirstOrThrow()).answers).toMatchObject({
      receipt: { number: "01-12/77", copy: { kind: "photo", fileId: "n-1" }, pages: [{ kind: "photo", fileId: "n-1" }, { kind: "photo", fileId: "n-2" }] },
    });
  });

  it("sent at the date's question (the date is on it) is kept, every page, and the date still asked for — not «не понял» and the copy lost (kk); /cancel then asks first (ru)", async () => {
    // Before: «Кешіріңіз, мұны түсінбедім.» and the whole date question again, for each page; the copy kept nowhere.
    const applicant = h.user(APPLICANT, "kk");
    await fileNotice(applicant, "kk");
    await applicant.press("Өтінішті ұйымға тапсырдым");
    const calls = [...(await applicant.photo("d-1", "9001")), ...(await applicant.photo("d-2", "9001"))];
    expect(shown(calls, APPLICANT)).toEqual([
      "Көшірменің жіберілген беттері: 2. Енді ұйымның өтінішті қай күні алғанын көрсетіңіз: «Бүгін» батырмасын басыңыз немесе 23.11.2026 күнінен бастап бүгінге дейінгі күнді КК.АА.ЖЖЖЖ түрінде жазыңыз.",
    ]);
    expect(buttons(calls)).toEqual(["Бүгін", "Болдырмау"]);
    expect(JSON.stringify(calls)).not.toMatch(/түсінбедім/);
    await applicant.press("Бүгін");
    // The number's question, then the hand-in recorded with both pages: the copy is not asked for again.
    const done = await applicant.press("Өткізіп жіберу");
    expect(to(done, APPLICANT)[0]).toMatch(/^Жазылды: KZ-2026-000001 өтінішін ұйымға 23\.11\.2026 күні тапсырдыңыз\./);
    expect((await t.db.prisma.case.findFirstOrThrow()).answers).toMatchObject({
      receipt: { on: "2026-11-23", copy: { kind: "photo", fileId: "d-1" }, pages: [{ kind: "photo", fileId: "d-1" }, { kind: "photo", fileId: "d-2" }] },
    });

    const other = h.user(APPLICANT + 1, "ru");
    await fileNotice(other, "ru");
    await other.press("Я передал(а) обращение");
    await other.document("application/pdf", "d-pdf");
    // A copy held: not thrown away without asking.
    expect(to(await other.send("/cancel"), APPLICANT + 1)).toEqual(["Введённые данные будут удалены. Выйти?"]);
  });

  it("words typed at its question («копии нет») are said not to be kept, and what it takes — not «не понял» — with the question and «Пропустить» again (ru, kk)", async () => {
    const applicant = h.user(APPLICANT, "ru");
    await fileNotice(applicant, "ru");
    await applicant.press("Я передал(а) обращение");
    await applicant.press("Сегодня");
    await applicant.press("Пропустить");
    const typed = await applicant.send("копии нет");
    expect(to(typed, APPLICANT)).toEqual([
      "Этот текст не сохранён: на этом шаге нужно фото или PDF копии с отметкой о получении.",
      "Если у вас есть копия с отметкой о получении, пришлите её фото или PDF. Если нет — нажмите «Пропустить».",
    ]);
    expect(buttons(typed)).toEqual(["Пропустить", "Отмена"]);
    expect((await t.db.prisma.case.findFirstOrThrow()).status).toBe("saved");
    expect(to(await applicant.press("Пропустить"), APPLICANT)[0]).toMatch(/^Записано: вы передали обращение KZ-2026-000001/);
    const k = h.user(APPLICANT + 1, "kk");
    await fileNotice(k, "kk");
    await k.press("Өтінішті ұйымға тапсырдым");
    await k.press("Бүгін");
    await k.press("Өткізіп жіберу");
    expect(to(await k.send("көшірме жоқ"), APPLICANT + 1)[0]).toBe("Мәтін сақталмады: бұл қадамда алынғаны туралы белгісі бар көшірменің фотосы немесе PDF файлы қажет.");
  });

  it("sent as one photo is recorded at once, as before", async () => {
    const applicant = h.user(APPLICANT, "kk");
    await fileNotice(applicant, "kk");
    await applicant.press("Өтінішті ұйымға тапсырдым");
    await applicant.press("Бүгін");
    await applicant.press("Өткізіп жіберу");
    expect(to(await applicant.document("application/pdf", "copy-pdf"), APPLICANT)[0]).toMatch(/^Жазылды: KZ-2026-000001 өтінішін ұйымға 23\.11\.2026 күні тапсырдыңыз\./);
    const receipt = ((await t.db.prisma.case.findFirstOrThrow()).answers as { receipt: Record<string, unknown> }).receipt;
    expect(receipt.copy).toEqual({ kind: "document", fileId: "copy-pdf" });
    expect(receipt.pages).toBeUndefined();
    // A second page sent on its own afterwards, when nothing waits for a file: said not to be kept — not «не понял».
    expect(to(await applicant.photo("late-page"), APPLICANT)[0]).toBe("Бұл файл сақталмады: бот қазір файл күтпейді.");
  });
});

describe("an applicant who withdrew consent", () => {
  it("is not reminded to hand the notice in (with a button the bot would then refuse); staff are still reminded of a receipt", async () => {
    const applicant = h.user(APPLICANT, "ru");
    await fileNotice(applicant, "ru"); // no registered organisation: a hand-in reminder in 2 working days
    await applicant.send("/privacy");
    await applicant.press("Отозвать согласие");
    await applicant.press("Да, отозвать");
    h.fake.clear();
    await runJobs("2026-11-25T10:00:00+05:00");
    expect(texts(h.fake.sent("sendMessage", APPLICANT)), "a reminder after consent was withdrawn").toEqual([]);

    // A notice delivered to staff: they are reminded to record its receipt; the applicant is not.
    await t.reset();
    at("2026-11-23T10:00:00+05:00");
    h = await testBot(t.db, { adminIds: [ADMIN], now: () => now });
    await joinStaff(h, ADMIN, STAFF, "ru");
    const again = h.user(APPLICANT, "ru");
    await fileNotice(again, "ru");
    await again.send("/privacy");
    await again.press("Отозвать согласие");
    await again.press("Да, отозвать");
    h.fake.clear();
    await runJobs("2026-11-25T09:00:00+05:00");
    expect(texts(h.fake.sent("sendMessage", STAFF))[0]).toMatch(/^Дело KZ-2026-000001 \(Городская больница №7\): получение обращения ещё не отмечено/);
    expect(texts(h.fake.sent("sendMessage", APPLICANT))).toEqual([]);
  });
});

describe("a notice to a registered organisation", () => {
  it("reaches its staff, who record its receipt; unacknowledged, staff are reminded and the applicant told how to hand it in", async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "ru");
    const applicant = h.user(APPLICANT, "kk");
    const filed = await fileNotice(applicant, "kk");
    expect(to(filed, APPLICANT)[1]).toMatch(/^Әрі қарай не болады\. Өтініш «Городская больница №7» ұйымының қызметкерлеріне ботта жіберілді\./);
    expect(to(filed, STAFF)[0]).toMatch(/^Новое обращение KZ-2026-000001: Городская больница №7, г. Шымкент\./);
    expect(buttons(filed.filter((c) => c.payload.chat_id === STAFF))).toEqual(["Отметить получение обращения"]);
    expect((await t.db.prisma.case.findFirstOrThrow()).status).toBe("delivered");
    expect(await jobs()).toEqual([["receipt_reminder", "2026-11-25T04:00:00.000Z", "pending"]]);

    h.fake.clear();
    await runJobs("2026-11-25T09:00:00+05:00");
    expect(texts(h.fake.sent("sendMessage", STAFF))).toEqual(["Дело KZ-2026-000001 (Городская больница №7): получение обращения ещё не отмечено. Отметьте его — срок формирования комиссии бот отсчитывает со следующего рабочего дня после получения."]);
    expect(texts(h.fake.sent("sendMessage", APPLICANT))[0]).toMatch(/^KZ-2026-000001 ісі: «Городская больница №7» ұйымы өтінішті алғанын ботта әлі белгілеген жоқ, сондықтан комиссияны құру мерзімі әзірге басталған жоқ\./);
    expect(buttons(h.fake.sent("sendMessage", APPLICANT))).toEqual(["Өтінішті ұйымға тапсырдым", "Өтініш (PDF)"]);
    await runJobs("2026-12-31T12:00:00+05:00");
    expect(overdueSaid()).toEqual([]);

    // Staff record it on the 25th, received the day before: the 3 working days run from the 24th.
    at("2026-11-25T12:00:00+05:00");
    const recorded = await recordReceipt(staff, "ru", "KZ-2026-000001", "77", "24.11.2026");
    expect(to(recorded, STAFF)[0]).toBe(
      "Записано: обращение KZ-2026-000001 получено организацией 24.11.2026 (рег. № 77). Независимую экспертную комиссию нужно сформировать до конца дня 27.11.2026 (3 рабочих дня). Участники дела уведомлены.",
    );
    expect(to(recorded, APPLICANT)).toEqual([
      "KZ-2026-000001 ісі: ұйым өтінішті 24.11.2026 күні алды (тіркеу № 77). Алғаннан кейін 3 жұмыс күні ішінде ол тәуелсіз сараптама комиссиясын құруы керек — 27.11.2026 күнінің соңына дейін.",
    ]);
    expect((await t.db.prisma.case.findFirstOrThrow()).answers).toMatchObject({ receipt: { on: "2026-11-24", number: "77", by: "staff" }, formationDue: "2026-11-27" });
    // Staff's view now offers the commission's next step.
    await staff.send("/inbox");
    expect(buttons(await staff.press("Открыть KZ-2026-000001"))).toEqual(["Комиссия сформирована", "Предложить медиацию"]);
  });

  it("registered with a Kazakh and a Russian name, it is named to its Russian staff in Russian, whatever language the applicant filed in — the new notice, /inbox, the reminders", async () => {
    const { staff, filed } = await filedToBilingualOrg(h, { admin: ADMIN, staff: STAFF, applicant: APPLICANT });
    expect(to(filed, STAFF)[0]).toMatch(/^Новое обращение KZ-2026-000001: Городская больница №7, г. Шымкент\./);
    expect(texts(await staff.send("/inbox")).join("\n")).toContain("KZ-2026-000001 — Городская больница №7");
    h.fake.clear();
    await runJobs("2026-11-25T09:00:00+05:00");
    expect(texts(h.fake.sent("sendMessage", STAFF))[0]).toMatch(/^Дело KZ-2026-000001 \(Городская больница №7\): получение обращения ещё не отмечено/);
    // The applicant, who chose it in Kazakh, reads its Kazakh name.
    expect(texts(h.fake.sent("sendMessage", APPLICANT))[0]).toMatch(/^KZ-2026-000001 ісі: «№7 қалалық аурухана» ұйымы/);
    at("2026-11-25T12:00:00+05:00");
    await recordReceipt(staff, "ru", "KZ-2026-000001", "77", "24.11.2026");
    h.fake.clear();
    await runJobs("2026-11-27T09:00:00+05:00");
    const lastDay = texts(h.fake.sent("sendMessage", STAFF));
    expect(lastDay).toHaveLength(1);
    expect(lastDay[0]).toContain("Городская больница №7");
    expect(texts(h.fake.calls).join("\n")).not.toMatch(/қалалық[^\n]*(Дело|Новое)|(Дело|Новое)[^\n]*қалалық/);
  });

  it("the receipt is recorded once, only by the organisation's staff, on a date between the notice and today", async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "ru");
    await fileNotice(h.user(APPLICANT, "kk"), "kk");
    const c = await t.db.prisma.case.findFirstOrThrow();
    // Typed dates are checked in the flow, which asks again.
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Отметить получение обращения");
    expect(to(await staff.send("строка\nдругая"), STAFF)[0]).toBe("Напишите номер так, как в отметке о получении: с цифрами, одной строкой, не длиннее 40 знаков.");
    await staff.send("12");
    expect(to(await staff.send("20.11.2026"), STAFF)[0]).toBe("Обращение сохранено 23.11.2026: организация не могла получить его раньше.");
    await staff.press("Сегодня");
    expect((await t.db.prisma.case.findFirstOrThrow()).status).toBe("received");
    // Once received, it cannot be recorded again; the applicant's own "handed it in" is refused the same way.
    // Said when the button is pressed again, before the number is asked.
    expect(to(await staff.press("Отметить получение обращения"), STAFF)[0]).toBe("Получение обращения KZ-2026-000001 уже записано: 23.11.2026.");
    // Someone who is not staff cannot even open the flow; another organisation's staff are not told it exists.
    const applicant = h.user(APPLICANT, "kk");
    const forged = await applicant.pressData(`g:srcv:${c.id}:2026-11-23`);
    expect(forged.find((x) => x.method === "answerCallbackQuery")?.payload.text).toBe("Бұл батырма ескірген.");
    const other = await joinStaff(h, ADMIN, 52, "ru", "Клиника №2", "г. Астана");
    // Refused at the first step: no question is asked of someone who may not act on the case.
    expect(to(await other.pressData(`g:srcv:${c.id}:2026-11-23`), 52)).toEqual(["Такое дело не найдено, или вы в нём не участвуете.", expect.stringMatching(/^«Клиника №2»: обращения\n/)]);
    expect((await t.db.prisma.caseEvent.findMany({ where: { kind: "notice_received" } })).length).toBe(1);
  });
});

describe("the registration number copied from the stamp", () => {
  it("with its «№» is said once: «рег. № 01-12/345», not «рег. № № 01-12/345» — to staff and to the applicant", async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "kk");
    const applicant = h.user(APPLICANT, "ru");
    await fileNotice(applicant, "ru");
    await staff.send("/inbox");
    await staff.press("KZ-2026-000001 ісін ашу");
    await staff.press("Өтініштің алынғанын белгілеу");
    expect(to(await staff.send("№ 01-12/345"), STAFF)[0]).toMatch(/^Нөмірі 01-12\/345\. Ұйым өтінішті қашан алды\?/);
    const recorded = await staff.press("Бүгін");
    expect(to(recorded, STAFF)[0]).toMatch(/^Жазылды: ұйым KZ-2026-000001 өтінішін 23\.11\.2026 күні алды \(тіркеу № 01-12\/345\)\./);
    expect(to(recorded, APPLICANT)[0]).toMatch(/^Дело KZ-2026-000001: организация получила обращение 23\.11\.2026 \(рег\. № 01-12\/345\)\./);
    expect((await t.db.prisma.case.findFirstOrThrow()).answers).toMatchObject({ receipt: { number: "01-12/345" } });
  });

  it("without a digit («📄», «нет») is not a number: asked again, saying what a number is — not recorded and sent to the applicant as «тіркеу № 📄»", async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "kk");
    await fileNotice(h.user(APPLICANT, "ru"), "ru");
    await staff.send("/inbox");
    await staff.press("KZ-2026-000001 ісін ашу");
    await staff.press("Өтініштің алынғанын белгілеу");
    const QUESTION = "Ұйымның өтінішке берген тіркеу нөмірі (алынғаны туралы белгідегідей):";
    const AGAIN = "Нөмірді алынғаны туралы белгідегідей жазыңыз: цифрларымен, бір жолмен, 40 таңбадан аспайтындай етіп.";
    for (const typed of ["📄", "—", "жоқ"]) {
      const said = await staff.send(typed);
      expect(to(said, STAFF), typed).toEqual([AGAIN, QUESTION]);
      expect(buttons(said)).toEqual(["Болдырмау"]);
    }
    expect(to(await staff.send("ЖТ-77"), STAFF)[0]).toMatch(/^Нөмірі ЖТ-77\. Ұйым өтінішті қашан алды\?/);
  });

  it("«нет» typed by the applicant at the number's question is not stored as the number: the skip button is offered again", async () => {
    const applicant = h.user(APPLICANT, "ru");
    await fileNotice(applicant, "ru");
    await applicant.press("Я передал(а) обращение");
    await applicant.press("Сегодня");
    const said = await applicant.send("нет");
    expect(to(said, APPLICANT)).toEqual([
      "Напишите номер так, как в отметке о получении: с цифрами, одной строкой, не длиннее 40 знаков.",
      "Если на вашей копии есть регистрационный номер, напишите его. Если нет — нажмите «Пропустить».",
    ]);
    expect(buttons(said)).toEqual(["Пропустить", "Отмена"]);
  });

  it("a day that does not exist (31.11.2026) is answered «no such date», not «write it as КК.АА.ЖЖЖЖ»", async () => {
    const applicant = h.user(APPLICANT, "kk");
    await fileNotice(applicant, "kk");
    await applicant.press("Өтінішті ұйымға тапсырдым");
    expect(to(await applicant.send("31.11.2026"), APPLICANT)).toEqual(["Мұндай күн жоқ. Күн мен айды тексеріңіз.", expect.stringMatching(/^Ұйым өтінішті қай күні алды\? .*поштамен жіберсеңіз — хат табыс етілген күні/)]);
    expect(to(await applicant.send("вчера"), APPLICANT)[0]).toBe("Күнді КК.АА.ЖЖЖЖ түрінде жазыңыз, мысалы, 20.03.2026, немесе «Бүгін» батырмасын басыңыз.");
  });

  it("typed by the applicant who handed the notice in («№77») is kept as «77»", async () => {
    const applicant = h.user(APPLICANT, "kk");
    await fileNotice(applicant, "kk");
    await applicant.press("Өтінішті ұйымға тапсырдым");
    await applicant.press("Бүгін");
    await applicant.send("№77");
    const handed = to(await applicant.press("Өткізіп жіберу"), APPLICANT);
    expect(handed[0]).toMatch(/^Жазылды: KZ-2026-000001 өтінішін ұйымға 23\.11\.2026 күні тапсырдыңыз \(тіркеу № 77\)\./);
  });
  it("stored with its «№» by a version before (as typed) is shown once too: «рег. № 01-12/345» in the case", async () => {
    const applicant = h.user(APPLICANT, "ru");
    await fileNotice(applicant, "ru");
    await applicant.press("Я передал(а) обращение");
    await applicant.press("Сегодня");
    await applicant.send("01-12/345");
    await applicant.press("Пропустить");
    // As an older version stored it: the number as typed, its sign and all.
    const k = await t.db.prisma.case.findFirstOrThrow();
    const answers = k.answers as { receipt: Record<string, unknown> };
    await t.db.prisma.case.update({ where: { id: k.id }, data: { answers: { ...answers, receipt: { ...answers.receipt, number: "№ 01-12/345" } } } });
    await applicant.send("/cases");
    const view = texts(await applicant.press("Открыть KZ-2026-000001"))[0]!;
    expect(view).toContain("Получено организацией: 23.11.2026 (рег. № 01-12/345).");
  });
});

describe("a deadline in a year whose calendar the Government has not yet confirmed", () => {
  it("is counted by the calendar known today, and every message that names it says so", async () => {
    at("2026-12-28T10:00:00+05:00");
    const applicant = h.user(APPLICANT, "kk");
    await fileNotice(applicant, "kk");
    at("2026-12-30T12:00:00+05:00");
    const note = "Мерзім 2027 жылғы күнтізбенің бүгін белгілі нұсқасы бойынша есептелді: Үкімет демалыс күндерін ауыстыруды бекітсе немесе мереке күндері нақтыланса, ол өзгеруі мүмкін — онда бот жаңа мерзімді хабарлайды.";
    // 31.12 is a working day, 1–2 January and 7 January are days off: the third working day is 06.01.2027.
    const handed = to(await handIn(applicant, "kk", "30.12.2026"), APPLICANT);
    expect(handed[0]).toBe(
      `Жазылды: KZ-2026-000001 өтінішін ұйымға 30.12.2026 күні тапсырдыңыз. Ұйым өтінішті алғаннан кейін 3 жұмыс күні ішінде тәуелсіз сараптама комиссиясын құруы керек — 06.01.2027 күнінің соңына дейін. ${note} Мерзім өтіп, комиссия туралы жазба болмаса, хабарлаймын.`,
    );
    expect(texts(await applicant.send("/cases"))[0]).toContain(`06.01.2027 күнінің соңына дейін`);
    expect(texts(await applicant.send("/cases"))[0]).toContain(note);
    h.fake.clear();
    await runJobs("2027-01-07T00:00:01+05:00");
    // Once passed, the deadline is not counted again (deadlines.ts recount): the note promises no new one.
    const expired = "Мерзім 2027 жылғы күнтізбенің бүгін белгілі нұсқасы бойынша есептелді: Үкімет демалыс күндерін ауыстыруды бекітсе немесе мереке күндері нақтыланса, нақты мерзім басқа болған болуы мүмкін.";
    expect(overdueSaid()).toEqual([expect.stringContaining(`мерзімі 06.01.2027 күні өтті, ал комиссияның құрылғаны туралы ботта жазба жоқ. ${expired}`)]);
    expect(overdueSaid().join("\n")).not.toContain("жаңа мерзімді хабарлайды");
  });

  it("says nothing of the kind for a deadline in a confirmed year", async () => {
    const applicant = h.user(APPLICANT, "ru");
    await fileNotice(applicant, "ru");
    at("2026-11-24T12:00:00+05:00");
    const handed = to(await handIn(applicant, "ru", "24.11.2026"), APPLICANT);
    expect(handed[0]).toContain("до конца дня 27.11.2026.");
    expect(texts(h.fake.calls).join("\n")).not.toMatch(/известному на сегодня/);
  });
});

describe("«I handed it in» pressed on an old message once the organisation has the notice", () => {
  // Before: the date, the registration number and the stamped copy were asked, and only then «уже записано» — the copy
  // sent for nothing, kept nowhere.
  it("staff recorded the receipt: said at once with its date (kk), nothing asked, then the home", async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "ru");
    const applicant = h.user(APPLICANT, "kk");
    await fileNotice(applicant, "kk");
    await recordReceipt(staff, "ru", "KZ-2026-000001", "77");
    // The button under «Әрі қарай не болады…», sent when the notice was saved.
    const pressed = await applicant.press("Өтінішті ұйымға тапсырдым");
    expect(to(pressed, APPLICANT)).toEqual(["KZ-2026-000001 өтінішінің алынғаны жазылған: 23.11.2026.", expect.stringMatching(/^Не істейміз\?/)]);
    expect(to(pressed, STAFF)).toEqual([]);
    expect((await t.db.prisma.case.findFirstOrThrow()).answers).toMatchObject({ receipt: { on: "2026-11-23", number: "77", by: "staff" } });
  });

  it("the applicant said so already, from another message: said at once (ru); inside a notice being filled, its question follows", async () => {
    const applicant = h.user(APPLICANT, "ru");
    await fileNotice(applicant, "ru");
    const first = applicant.keyboardWith("Я передал(а) обращение");
    await handIn(applicant, "ru");
    // A second notice begun; then the button of the first one's saved message.
    await applicant.send("/notice");
    await applicant.press("Я — пациент");
    const asked = texts(await applicant.send("Иванов Иван Иванович")).at(-1);
    const b = first.buttons.flat().find((x) => x.text === "Я передал(а) обращение")!;
    const pressed = await applicant.deliver(applicant.buttonUpdate(b.callback_data, first.messageId));
    expect(to(pressed, APPLICANT)).toEqual(["Получение обращения KZ-2026-000001 уже записано: 23.11.2026.", asked]);
    expect(await t.db.prisma.caseEvent.count({ where: { kind: "notice_received" } })).toBe(1);
  });
});

describe("staff's «record the receipt» pressed once the applicant said they handed the notice in", () => {
  // Before: the registration number and the date were asked, and only then «уже записано».
  it("said at once with the date the applicant gave (ru), nothing asked, nothing stored twice, then staff's home", async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "ru");
    const applicant = h.user(APPLICANT, "kk");
    await fileNotice(applicant, "kk");
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    const old = staff.keyboardWith("Отметить получение обращения");
    at("2026-11-24T12:00:00+05:00");
    await handIn(applicant, "kk", "23.11.2026");
    const b = old.buttons.flat().find((x) => x.text === "Отметить получение обращения")!;
    const pressed = await staff.deliver(staff.buttonUpdate(b.callback_data, old.messageId));
    const said = to(pressed, STAFF);
    expect(said[0]).toBe("Получение обращения KZ-2026-000001 уже записано: 23.11.2026.");
    expect(said).toHaveLength(2);
    expect(said[1]).toMatch(/^«.+»: обращения\n• ждут отметки о получении: 0\n/);
    expect(to(pressed, APPLICANT)).toEqual([]);
    // Nothing is waiting for a number: what staff type next is not taken as one.
    expect(texts(await staff.send("01-12/345")).join("\n")).not.toMatch(/уже записано/);
    expect(await t.db.prisma.caseEvent.count({ where: { kind: "notice_received" } })).toBe(1);
    expect((await t.db.prisma.case.findFirstOrThrow()).answers).toMatchObject({ receipt: { on: "2026-11-23", by: "applicant" } });
  });

  it("in Kazakh too", async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "kk");
    const applicant = h.user(APPLICANT, "ru");
    await fileNotice(applicant, "ru");
    await staff.send("/inbox");
    await staff.press("KZ-2026-000001 ісін ашу");
    const old = staff.keyboardWith("Өтініштің алынғанын белгілеу");
    await handIn(applicant, "ru");
    const b = old.buttons.flat().find((x) => x.text === "Өтініштің алынғанын белгілеу")!;
    const said = to(await staff.deliver(staff.buttonUpdate(b.callback_data, old.messageId)), STAFF);
    expect(said[0]).toBe("KZ-2026-000001 өтінішінің алынғаны жазылған: 23.11.2026.");
    expect(said).toHaveLength(2);
    expect(said[1]).toMatch(/^«.+»/);
  });
});
