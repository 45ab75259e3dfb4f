// Withdrawing consent (issue 15, law.md §7): explained first, confirmed; then the draft and the saved
// particulars are gone, a relative leaves their case, filed notices stay with their procedure and the
// organisation is told only that; nothing new is processed until consent is given again.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { seal } from "../../bot/crypto.js";
import { Store } from "../../bot/runtime/store.js";
import { buttons, seen, TEST_DATA_KEY, testBot, texts, type Harness } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { fileNotice, joinRelative } from "../helpers/notice.js";
import { joinStaff, mediationRunning, recordReceipt } from "../helpers/staff.js";
import { createLogger } from "../../bot/logger.js";
import { openSensitive } from "../../bot/core/case.js";

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
const RELATIVE = 52;
const MEDIATOR = 70;
let t: TestDb;
let h: Harness;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t.dispose());
beforeEach(async () => {
  await t.reset();
  h = await testBot(t.db, { adminIds: [ADMIN], now: () => new Date("2026-11-23T10:00:00+05:00") });
});

describe("withdrawing consent", () => {
  it("the applicant: explained, confirmed; draft and particulars deleted, the filed notice kept for its procedure, staff told only that", async () => {
    await joinStaff(h, ADMIN, STAFF, "ru");
    const u = h.user(APPLICANT, "ru");
    await fileNotice(u, "ru");
    await t.db.prisma.user.update({ where: { id: BigInt(APPLICANT) }, data: { details: seal(TEST_DATA_KEY, JSON.stringify({ surname: "Ахметова", name: "Айгүл", patronymic: "", iin: "850301300121", address: "Шымкент, ул. Байтурсынова, 5" })) } });
    // A draft begun, with a name typed.
    await u.send("/notice");
    await u.press("Я — пациент");
    await u.send("Черновикова Анна Петровна");

    const status = (await u.send("/privacy")).filter((c) => c.method === "sendMessage");
    expect(buttons(status.slice(0, 2))).toEqual(["Отозвать согласие"]);
    // The draft's question follows: reading /privacy leaves the notice where it was.
    expect(buttons(status)).toEqual(["◀ Назад"]);
    const explained = await u.press("Отозвать согласие");
    expect(texts(explained)[0]).toMatch(/^Что будет, если отозвать согласие:\n/);
    expect(texts(explained)[0]).toContain("обращения, которые организация уже получила, останутся в деле");
    expect(buttons(explained)).toEqual(["Да, отозвать", "Нет, оставить"]);
    const done = await u.press("Да, отозвать");
    expect(texts(done.filter((c) => c.payload.chat_id === APPLICANT))[0]).toBe(
      "Согласие отозвано. Черновик обращения и сохранённые для жалоб данные удалены. Поданные вами обращения (1) остаются в деле, пока этого требует процедура рассмотрения. Дать согласие снова можно через /privacy.",
    );
    expect(texts(done.filter((c) => c.payload.chat_id === STAFF))).toEqual([
      "Дело KZ-2026-000001: заявитель отозвал в боте согласие на обработку персональных данных. Обращение остаётся в деле для процедуры рассмотрения; новых сообщений от заявителя через бот не будет.",
    ]);
    const user = await t.db.prisma.user.findUniqueOrThrow({ where: { id: BigInt(APPLICANT) } });
    expect([user.consentWithdrawnAt !== null, user.details]).toEqual([true, null]);
    // The draft is gone from the stored chat, in any form.
    const state = await t.db.prisma.chatState.findUnique({ where: { chatId: BigInt(APPLICANT) } });
    expect(JSON.stringify(state?.stack ?? null)).not.toContain("Черновикова");
    const stack = await new Store(t.db.prisma, [], TEST_DATA_KEY).load(APPLICANT, APPLICANT);
    expect(stack.stack.map((e) => e.flow)).not.toContain("notice");
    // The filed case is still there for its procedure; nothing new without consent again.
    expect(await t.db.prisma.case.count()).toBe(1);
    expect(texts(await u.send("/notice"))[0]).toMatch(/^О персональных данных/);
  });

  it("a relative leaves their case, and the applicant is told; 'keep it' changes nothing", async () => {
    const applicant = h.user(APPLICANT, "kk");
    await fileNotice(applicant, "kk");
    await applicant.send("/cases");
    await applicant.press("KZ-2026-000001 ісін ашу");
    const link = /start=(c_\S+)/.exec(texts(await applicant.press("Туысты шақыру"))[0]!)![1]!;
    const r = h.user(RELATIVE, "ru");
    await r.send(`/start ${link}`);
    await r.press("Супруг(а)");
    await r.press("Согласен(на)");
    await r.send("Сейтова Асель Нурлановна");
    await r.send("/privacy");
    await r.press("Отозвать согласие");
    expect(texts(await r.press("Нет, оставить"))[0]).toBe("Хорошо, согласие остаётся в силе.");
    expect((await t.db.prisma.user.findUniqueOrThrow({ where: { id: BigInt(RELATIVE) } })).consentWithdrawnAt).toBeNull();
    await r.send("/privacy");
    // What it means for them — not the applicant's drafts, notices and organisation they never had (before: the
    // applicant's five points, «Организация узнает…» among them, and «Черновик обращения… удалены» after).
    expect(texts(await r.press("Отозвать согласие"))).toEqual([
      "Что будет, если отозвать согласие:\n• я перестану обрабатывать ваши персональные данные для новых действий;\n• вы выйдете из дел, за которыми следите (1): сообщений о них и приглашений на заседания комиссии больше не будет; заявитель узнает, что вы вышли;\n• ваши фамилию и имя удалю;\n• останется запись о вашем согласии и его отзыве (когда и на какой текст) — она подтверждает, на что вы соглашались; в истории дела останется, что родственник присоединился и вышел, — без имени.\n\nОтозвать согласие?",
    ]);
    const done = await r.press("Да, отозвать");
    expect(texts(done.filter((c) => c.payload.chat_id === RELATIVE))[0]).toBe(
      "Согласие отозвано; вы вышли из дел, в которых участвовали как родственник (1). Ваши фамилия и имя удалены. Дать согласие снова можно через /privacy.",
    );
    expect(texts(done.filter((c) => c.payload.chat_id === APPLICANT))).toEqual(["KZ-2026-000001 ісін енді бақыламайды: пациенттің жұбайы."]);
    const p = await t.db.prisma.caseParticipant.findFirstOrThrow({ where: { userId: BigInt(RELATIVE) }, include: { user: true } });
    expect([p.removedAt !== null, p.user.fullName]).toEqual([true, null]);
    expect(texts(await r.send("/cases"))[0]).toBe("У вас пока нет дел. Подать обращение: /notice");
  });

  it("kk: someone who consented as a relative, then left the invite at their name («Қазір емес»), is told of no case to leave nor name to delete; an applicant gets their own explanation", async () => {
    const applicant = h.user(APPLICANT, "kk");
    await fileNotice(applicant, "kk");
    await applicant.send("/cases");
    await applicant.press("KZ-2026-000001 ісін ашу");
    const link = /start=(c_\S+)/.exec(texts(await applicant.press("Туысты шақыру"))[0]!)![1]!;
    const r = h.user(RELATIVE, "kk");
    await r.send(`/start ${link}`);
    await r.press("Пациенттің жұбайы");
    await r.press("Келісемін");
    await r.press("Қазір емес");
    await r.send("/privacy");
    const explained = await r.press("Келісімді кері қайтарып алу");
    expect(texts(explained)).toEqual([
      "Келісімді кері қайтарып алсаңыз:\n• жаңа әрекеттер үшін дербес деректеріңізді өңдеуді тоқтатамын;\n• келісім бергеніңіз және оны кері қайтарып алғаныңыз туралы жазба (қашан және қай мәтінге) қалады — ол немен келіскеніңізді растайды; іс тарихында туыстың қосылғаны мен шыққаны ғана қалады, атыңыз көрсетілмейді.\n\nКелісімді кері қайтарып аласыз ба?",
    ]);
    expect(buttons(explained)).toEqual(["Иә, кері қайтарып аламын", "Жоқ, қалдырамын"]);
    const done = await r.press("Иә, кері қайтарып аламын");
    expect(texts(done.filter((c) => c.payload.chat_id === RELATIVE))[0]).toBe(
      "Келісім кері қайтарып алынды. Келісімді /privacy арқылы қайта беруге болады.",
    );
    // The applicant is told of their notices as before.
    await applicant.send("/privacy");
    expect(texts(await applicant.press("Келісімді кері қайтарып алу"))[0]).toMatch(/^Келісімді кері қайтарып алсаңыз:\n• жаңа әрекеттер үшін дербес деректеріңізді өңдеуді тоқтатамын: жаңа өтінішті/);
  });

  it("consent given again keeps the history: the consent the notice was filed under (its time and text version) and the withdrawal stay, in /mydata too", async () => {
    let now = new Date("2026-11-23T10:00:00+05:00");
    h = await testBot(t.db, { adminIds: [ADMIN], now: () => now });
    const u = h.user(APPLICANT, "kk");
    await fileNotice(u, "kk"); // consent at 10:00
    const version = (await t.db.prisma.user.findUniqueOrThrow({ where: { id: BigInt(APPLICANT) } })).consentVersion;
    now = new Date("2026-11-23T11:00:00+05:00");
    await u.send("/privacy");
    await u.press("Келісімді кері қайтарып алу");
    await u.press("Иә, кері қайтарып аламын");
    now = new Date("2026-11-23T12:00:00+05:00");
    await u.send("/privacy");
    await u.press("Келісемін");
    expect((await t.db.prisma.user.findUniqueOrThrow({ where: { id: BigInt(APPLICANT) } })).consentWithdrawnAt).toBeNull();
    const doc = (await u.send("/mydata")).find((c) => c.method === "sendDocument" && c.file?.filename === "kelisim-my-data.json")!;
    const consent = (JSON.parse(doc.file!.bytes.toString("utf8")) as { user: { consent: { history: unknown } } }).user.consent;
    expect(consent.history).toEqual([
      { what: "given", text: "applicant", version, at: "2026-11-23T05:00:00.000Z" },
      { what: "withdrawn", text: null, version: null, at: "2026-11-23T06:00:00.000Z" },
      { what: "given", text: "applicant", version, at: "2026-11-23T07:00:00.000Z" },
    ]);
    // Append-only: the record of a consent is not rewritten.
    await expect(t.db.prisma.consentEvent.deleteMany({ where: { userId: BigInt(APPLICANT) } })).rejects.toThrow(/append-only/);
  });

  it("the mediator of a mediation under way is told too: its applicant side can no longer act in it through the bot, but may still decline", async () => {
    const { applicant } = await mediationRunning(h, { admin: ADMIN, staff: STAFF, applicant: APPLICANT, mediator: MEDIATOR });
    await applicant.send("/privacy");
    await applicant.press("Келісімді кері қайтарып алу");
    const done = await applicant.press("Иә, кері қайтарып аламын");
    expect(texts(done.filter((c) => c.payload.chat_id === STAFF))).toEqual([
      "Дело KZ-2026-000001: заявитель отозвал в боте согласие на обработку персональных данных. Обращение остаётся в деле для процедуры рассмотрения. Пока заявитель не даст согласие снова, новых сообщений и предложений от него через бот не будет; отказаться от медиации или от предложения он может и теперь.",
    ]);
    expect(texts(done.filter((c) => c.payload.chat_id === MEDIATOR))).toEqual([
      "Дело KZ-2026-000001: заявитель отозвал в боте согласие на обработку персональных данных. Пока он не даст согласие снова, он не может действовать в медиации через бот — писать, принимать предложения, делать встречные предложения, соглашаться с договором о медиации и с текстом соглашения об урегулировании спора. Отказаться от медиации или от предложения он может и теперь.",
    ]);
  });

  it("a mediation ended after the withdrawal: the applicant is shown the way onward in words, without the button to draft a complaint the bot would refuse", async () => {
    const { applicant, mediator } = await mediationRunning(h, { admin: ADMIN, staff: STAFF, applicant: APPLICANT, mediator: MEDIATOR });
    await applicant.send("/privacy");
    await applicant.press("Келісімді кері қайтарып алу");
    await applicant.press("Иә, кері қайтарып аламын");
    await mediator.send("/inbox");
    await mediator.press("Открыть KZ-2026-000001");
    await mediator.press("Завершить медиацию");
    const ended = (await mediator.press("Завершить")).filter((c) => c.payload.chat_id === APPLICANT);
    expect(texts(ended)).toEqual(["KZ-2026-000001 ісі: медиация келісімсіз аяқталды — оны медиатор аяқтады.", expect.stringMatching(/^KZ-2026-000001 ісі бойынша әрі қарай: әдетте медициналық ұйымның басшылығына/)]);
    expect(buttons(ended)).toEqual([]);
  });

  it("a notice no organisation ever received (no procedure began) loses its personal data at once, and the applicant is told so", async () => {
    const u = h.user(APPLICANT, "kk");
    await fileNotice(u, "kk"); // no organisation registered: saved, nobody has it
    expect((await t.db.prisma.case.findFirstOrThrow()).status).toBe("saved");
    const explained = await (async () => (await u.send("/privacy"), u.press("Келісімді кері қайтарып алу")))();
    expect(texts(explained)[0]).toContain("ұйымның алғаны ботта белгіленбеген өтініштерді боттан жоямын");
    const done = await u.press("Иә, кері қайтарып аламын");
    expect(texts(done)[0]).toBe(
      "Келісім кері қайтарып алынды. Өтініштің жобасы және шағымдарға сақталған деректер жойылды. Ұйымның алғаны ботта белгіленбеген өтініштер (1) боттан жойылды. Келісімді /privacy арқылы қайта беруге болады.",
    );
    const k = await t.db.prisma.case.findFirstOrThrow();
    expect([k.sensitive, k.answers, k.anonymisedAt !== null]).toEqual(["", {}, true]);
    expect(k.sensitive ? openSensitive(TEST_DATA_KEY, k.sensitive) : null).toBeNull();
    expect(await t.db.prisma.caseParticipant.count()).toBe(0);
  });
  it("before withdrawing, a notice whose receipt is not recorded is named, with a button to record its hand-in first (it may have gone on paper); recorded, it is kept", async () => {
    const u = h.user(APPLICANT, "kk");
    await fileNotice(u, "kk"); // no organisation registered: saved, nothing recorded about its receipt
    await u.send("/privacy");
    const explained = await u.press("Келісімді кері қайтарып алу");
    expect(texts(explained)[0]).toContain(
      "\n\nKZ-2026-000001 өтініші ботта сақталған, бірақ ұйымның оны алғаны ботта белгіленбеген. Өтінішті ұйымға тапсырған болсаңыз, алдымен төмендегі батырмамен тапсырған күнді көрсетіңіз — сонда ол істе қалады. Әйтпесе өтініштің боттағы көшірмесі жойылады.\n\nКелісімді кері қайтарып аласыз ба?",
    );
    expect(buttons(explained)).toEqual(["KZ-2026-000001: тапсырған күнді көрсету", "Иә, кері қайтарып аламын", "Жоқ, қалдырамын"]);
    // Handed in today, on paper: recorded first, then the withdrawal from the same message.
    await u.press("KZ-2026-000001: тапсырған күнді көрсету");
    await u.press("Бүгін");
    await u.press("Өткізіп жіберу");
    await u.press("Өткізіп жіберу");
    expect((await t.db.prisma.case.findFirstOrThrow()).status).toBe("received");
    const done = await u.press("Иә, кері қайтарып аламын");
    expect(texts(done)[0]).toBe(
      "Келісім кері қайтарып алынды. Өтініштің жобасы және шағымдарға сақталған деректер жойылды. Берген өтініштеріңіз (1) қарау рәсімі талап еткенше істе қалады. Келісімді /privacy арқылы қайта беруге болады.",
    );
    const k = await t.db.prisma.case.findFirstOrThrow();
    expect([k.anonymisedAt, k.sensitive === ""]).toEqual([null, false]);
  });

  it("«Иә» pressed on an explanation shown before another notice was saved does not erase that notice unwarned: the explanation comes again, naming it", async () => {
    const u = h.user(APPLICANT, "kk");
    await fileNotice(u, "kk"); // KZ-2026-000001: saved, nothing recorded about its receipt
    await u.send("/privacy");
    await u.press("Келісімді кері қайтарып алу");
    // Not answered: a second notice is saved meanwhile.
    await fileNotice(u, "kk");
    const again = await u.press("Иә, кері қайтарып аламын");
    expect((await t.db.prisma.user.findUniqueOrThrow({ where: { id: BigInt(APPLICANT) } })).consentWithdrawnAt, "not withdrawn yet").toBeNull();
    expect((await t.db.prisma.case.findMany({ where: { anonymisedAt: null } })).length, "both notices kept").toBe(2);
    const explained = again.filter((c) => texts([c])[0]?.includes("KZ-2026-000001, KZ-2026-000002"));
    expect(explained).toHaveLength(1);
    expect(buttons(explained)).toEqual(["KZ-2026-000001: тапсырған күнді көрсету", "KZ-2026-000002: тапсырған күнді көрсету", "Иә, кері қайтарып аламын", "Жоқ, қалдырамын"]);
    // The explanation that named both: withdrawn.
    await u.press("Иә, кері қайтарып аламын");
    expect((await t.db.prisma.user.findUniqueOrThrow({ where: { id: BigInt(APPLICANT) } })).consentWithdrawnAt).not.toBeNull();
  });

  it("the explanation shown again after an old «Иә» is the chat's last message, with its buttons, as when shown first — no home menu after it", async () => {
    const u = h.user(APPLICANT, "kk");
    await fileNotice(u, "kk");
    await u.send("/privacy");
    const first = (await u.press("Келісімді кері қайтарып алу")).filter((c) => c.payload.chat_id === APPLICANT);
    expect(seen(first, APPLICANT)).toEqual(["message+buttons"]);
    await fileNotice(u, "kk");
    const again = (await u.press("Иә, кері қайтарып аламын")).filter((c) => c.payload.chat_id === APPLICANT);
    expect(seen(again, APPLICANT)).toEqual(["message+buttons"]);
    expect(texts(again)).toEqual([expect.stringContaining("KZ-2026-000001, KZ-2026-000002")]);
    expect(texts(again).join("\n")).not.toContain("Не істейміз?");
    expect(buttons(again)).toEqual(["KZ-2026-000001: тапсырған күнді көрсету", "KZ-2026-000002: тапсырған күнді көрсету", "Иә, кері қайтарып аламын", "Жоқ, қалдырамын"]);
    // Withdrawn for real, the home menu follows the confirmation, as before.
    const done = (await u.press("Иә, кері қайтарып аламын")).filter((c) => c.payload.chat_id === APPLICANT);
    expect(texts(done)).toEqual([expect.stringMatching(/^Келісім кері қайтарып алынды\./), "Не істейміз? Командалар (/) мәзірінде де бар."]);
  });

  it("an old «Иә» that brings the explanation again withdraws nothing, and takes nothing either: the notice begun is still there after «Жоқ»", async () => {
    const u = h.user(APPLICANT, "kk");
    await fileNotice(u, "kk");
    await u.send("/privacy");
    await u.press("Келісімді кері қайтарып алу");
    await fileNotice(u, "kk");
    // A third notice begun meanwhile: the patient's name typed.
    await u.send("/notice");
    await u.press("Мен — пациентпін");
    await u.send("Черновикова Анна Петровна");
    await u.press("Иә, кері қайтарып аламын"); // the old button: the explanation comes again
    const kept = texts(await u.press("Жоқ, қалдырамын"));
    expect(kept).toEqual(["Жақсы, келісім күшінде қалады.", expect.stringMatching(/ЖСН-іңізді жазыңыз \(12 цифр\)\.$/)]);
    const stack = await new Store(t.db.prisma, [], TEST_DATA_KEY).load(APPLICANT, APPLICANT);
    expect(JSON.stringify(stack.stack)).toContain("Черновикова Анна Петровна");
  });

  it("a notice delivered through the bot, not yet received: the case's view offers no hand-in button the bot would refuse, and says why", async () => {
    await joinStaff(h, ADMIN, STAFF, "ru");
    const u = h.user(APPLICANT, "ru");
    await fileNotice(u, "ru"); // the organisation has staff in the bot: delivered, kept after the withdrawal
    await u.send("/privacy");
    await u.press("Отозвать согласие");
    await u.press("Да, отозвать");
    await u.send("/cases");
    const view = await u.press("Открыть KZ-2026-000001");
    expect(buttons(view)).not.toContain("Я передал(а) обращение");
    expect(buttons(view)).toContain("Обращение (PDF)");
    expect(texts(view)[0]).toContain(
      "Вы отозвали в боте согласие на обработку персональных данных, поэтому указать дату передачи обращения через бот нельзя. Передать обращение в организацию вы по-прежнему можете. Дать согласие снова можно через /privacy.",
    );
  });

  it("the applicant's relatives' links nobody joined by stop working, and the confirmation says so; whoever opens one is refused as for a spent link", async () => {
    // Before: the link still worked after the withdrawal — someone joined the case by it, while the bot refused new links.
    await joinStaff(h, ADMIN, STAFF, "ru");
    const u = h.user(APPLICANT, "kk");
    await fileNotice(u, "kk");
    await joinRelative(h, u, RELATIVE);
    await u.send("/cases");
    await u.press("KZ-2026-000001 ісін ашу");
    const link = /start=(c_[A-Za-z0-9_-]{32})/.exec(texts(await u.press("Туысты шақыру"))[0]!)![1]!;
    await u.send("/privacy");
    expect(texts(await u.press("Келісімді кері қайтарып алу"))[0]).toContain("• туыстарға арналған, әлі ешкім пайдаланбаған сілтемелер жарамсыз болады;\n");
    const done = await u.press("Иә, кері қайтарып аламын");
    expect(texts(done.filter((c) => c.payload.chat_id === APPLICANT))[0]).toBe(
      "Келісім кері қайтарып алынды. Өтініштің жобасы және шағымдарға сақталған деректер жойылды. Берген өтініштеріңіз (1) қарау рәсімі талап еткенше істе қалады. Туыстарға арналған, әлі ешкім пайдаланбаған сілтемелер (1) жарамсыз болды: олар арқылы іске енді ешкім қосыла алмайды. Келісімді /privacy арқылы қайта беруге болады.",
    );
    const opened = await h.user(61, "ru").send(`/start ${link}`);
    // Someone new to the bot: in both languages, as any spent link is said to them.
    expect(texts(opened)[0]).toBe(
      "Бұл шақыру жарамсыз: ол қолданылған, мерзімі өткен немесе қайтарып алынған. Жаңасын сұраңыз.\n\nЭто приглашение недействительно: им уже воспользовались, срок истёк или его отозвали. Попросите новое.",
    );
    expect(buttons(opened)).not.toContain("Супруг(а)");
    expect(await t.db.prisma.caseParticipant.count({ where: { userId: 61n } })).toBe(0);
    // The relative who joined before stays on the case (their consent is theirs); only the unused link went.
    expect(await t.db.prisma.caseParticipant.count({ where: { userId: BigInt(RELATIVE), removedAt: null } })).toBe(1);
  });

  it("the case's view offers no relatives' buttons the bot would refuse (invite, show the notice), says why, and keeps removing a relative", async () => {
    await joinStaff(h, ADMIN, STAFF, "ru");
    const u = h.user(APPLICANT, "kk");
    await fileNotice(u, "kk");
    await joinRelative(h, u, RELATIVE);
    await u.send("/privacy");
    await u.press("Келісімді кері қайтарып алу");
    await u.press("Иә, кері қайтарып аламын");
    await u.send("/cases");
    const view = await u.press("KZ-2026-000001 ісін ашу");
    expect(buttons(view)).toEqual(["Өтініш (PDF)", "Ең төменгі төлемдер", "Алып тастау: Сейтова Асель Нурлановна (пациенттің жұбайы)", "Менің деректерімді кім ашты"]);
    expect(texts(view)[0]).toContain(
      "Сіз боттағы дербес деректерді өңдеуге келісіміңізді кері қайтарып алғансыз, сондықтан бот арқылы туыстарды шақыруға және өтінішті оларға көрсетуге болмайды. Келісімді қайта беру үшін: /privacy.",
    );
    await u.send("/language");
    await u.press("Русский");
    await u.send("/cases");
    const ru = await u.press("Открыть KZ-2026-000001");
    expect(buttons(ru)).not.toContain("Пригласить родственника");
    expect(buttons(ru)).not.toContain("Показать обращение родственникам");
    expect(texts(ru)[0]).toContain(
      "Вы отозвали в боте согласие на обработку персональных данных, поэтому пригласить родственников и показать им обращение через бот нельзя. Дать согласие снова можно через /privacy.",
    );
  });

  it("the applicant is still told when the commission's deadline passed, with the way onward in words but no button to draft a complaint (the bot would refuse the draft)", async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "ru");
    const u = h.user(APPLICANT, "kk");
    await fileNotice(u, "kk");
    await recordReceipt(staff, "ru"); // received 23.11: the commission is due by the end of 26.11
    await u.send("/privacy");
    await u.press("Келісімді кері қайтарып алу");
    await u.press("Иә, кері қайтарып аламын");
    h.fake.clear();
    await h.runtime.runJobs(new Date("2026-11-27T09:00:00+05:00"), h.bot.api, createLogger("silent"));
    const mine = h.fake.sent("sendMessage", APPLICANT);
    expect(texts(mine)).toEqual([expect.stringMatching(/^KZ-2026-000001 ісі: тәуелсіз сараптама комиссиясын құру мерзімі 26\.11\.2026 күні өтті/)]);
    expect(buttons(mine)).toEqual([]);
  });

  it("ru, two such notices: both named, a button to record the hand-in of each", async () => {
    const u = h.user(APPLICANT, "ru");
    await fileNotice(u, "ru");
    await fileNotice(u, "ru");
    await u.send("/privacy");
    const explained = await u.press("Отозвать согласие");
    expect(texts(explained)[0]).toContain("• обращения, о получении которых организацией в боте ничего не записано, удалю из бота;");
    expect(texts(explained)[0]).toContain(
      "\n\nОбращения KZ-2026-000001, KZ-2026-000002 сохранены, но в боте не записано, что организация их получила. Если вы уже передали какие-либо из них в организацию, сначала укажите дату передачи каждого кнопкой с его номером ниже — тогда оно останется в деле. Иначе копии этих обращений в боте будут удалены.\n\nОтозвать согласие?",
    );
    expect(buttons(explained)).toEqual(["KZ-2026-000001: указать дату передачи", "KZ-2026-000002: указать дату передачи", "Да, отозвать", "Нет, оставить"]);
    const done = await u.press("Да, отозвать");
    expect(texts(done)[0]).toBe(
      "Согласие отозвано. Черновик обращения и сохранённые для жалоб данные удалены. Обращения, о получении которых организацией в боте ничего не записано (2), удалены из бота. Дать согласие снова можно через /privacy.",
    );
  });
});
