// Sittings, relatives and the conclusion as staff, an applicant and a relative meet them (second review of journey
// J4): what a user would see is wrong. Each test failed on the code before its fix.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buttons, testBot, texts, textsTo as to, type Harness, type TestUser } from "../helpers/bot.js";
import type { Call } from "../../bot/local/fake-api.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { commissionFormed, formCommission, joinStaff, recordNotConfirmed, recordReceipt, scheduleSitting, secondStaff } from "../helpers/staff.js";
import { fileNotice } from "../helpers/notice.js";

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
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

/** Staff (ru), an applicant (kk), the commission formed on KZ-2026-000001 (helpers/staff.ts). */
const formed = () => commissionFormed(h, ADMIN, STAFF, APPLICANT);

const RELATIVE = 60;
const ics = (c: Call) => c.file!.bytes.toString("utf8").replace(/\r\n[ \t]/g, "");
/** Staff's home, after a refusal with nothing more to do (thenHome). */
const STAFF_HOME: unknown = expect.stringMatching(/^«Городская больница №7»: обращения\n/);

/** A relative (kk) joins by the applicant's link. */
const joinRelative = async (applicant: TestUser) => {
  await applicant.send("/cases");
  await applicant.press("KZ-2026-000001 ісін ашу");
  const link = /start=(c_[A-Za-z0-9_-]{32})/.exec(texts(await applicant.press("Туысты шақыру"))[0]!)![1]!;
  const relative = h.user(RELATIVE, "kk");
  await relative.send(`/start ${link}`);
  await relative.press("Пациенттің жұбайы");
  await relative.press("Келісемін");
  await relative.send("Сейтова Асель Нурлановна");
  return relative;
};

const KEEP_RU = " Если дата верна, сохраните; если нет, нажмите «Изменить».";
const DAY_OFF = (date: string) => `Обратите внимание: ${date} — выходной день по календарю Казахстана.${KEEP_RU}`;
/** The conclusion's term of a commission formed on Monday 23.11.2026: the end of Monday 30.11.2026 (24–27, 30 November). */
const AFTER_DUE_RU = "заключение — до конца дня 30.11.2026 (бот считает 5 рабочих дней со следующего рабочего дня после формирования комиссии).";

/** Staff open the case and set an online sitting at 15:00 on `date`, up to its review (not saved): the review's calls. */
const onlineReview = async (staff: TestUser, date = "25.11.2026", number = "KZ-2026-000001"): Promise<Call[]> => {
  await staff.send("/inbox");
  await staff.press(`Открыть ${number}`);
  await staff.press("Назначить заседание");
  await staff.send(date);
  await staff.send("15:00");
  await staff.press("Онлайн");
  await staff.send("https://meet.example.kz/kz-1");
  return staff.press("Без примечания");
};

describe("a sitting set on a day off", () => {
  it("staff are told at the review that the day is a day off (a Saturday, a public holiday by its name); a working day brings no such word", async () => {
    const { staff } = await formed();
    const review = async (date: string) => {
      const shown = texts(await onlineReview(staff, date));
      await staff.press("Отмена");
      return shown;
    };
    // Saturday 28 November 2026, before the conclusion's term ends (30.11.2026).
    const saturday = await review("28.11.2026");
    expect(saturday[0]).toBe(DAY_OFF("28.11.2026"));
    expect(saturday[1]).toMatch(/^Проверьте:\n\nЗаседание: 28\.11\.2026, 15:00/);
    // Wednesday 16 December 2026, Independence Day — named; and after the conclusion's term, said too.
    expect((await review("16.12.2026"))[0]).toBe(
      `Обратите внимание: 16.12.2026 — День Независимости, выходной день по календарю Казахстана. Эта дата также после срока заключения комиссии по счёту бота: ${AFTER_DUE_RU}${KEEP_RU}`,
    );
    // Monday 15 March 2027, Constitution Day: a day off on 2027's calendar as known today, not yet checked against the
    // Government's decree (law.md §5) — said so, not as a settled fact.
    expect((await review("15.03.2027"))[0]).toBe(
      `Обратите внимание: 15.03.2027 — День Конституции, выходной день по календарю 2027 года, известному на сегодня (он ещё может уточниться). Эта дата также после срока заключения комиссии по счёту бота: ${AFTER_DUE_RU}${KEEP_RU}`,
    );
    // Friday 27 November 2026: a working day within the term.
    const friday = await review("27.11.2026");
    expect(friday).toHaveLength(1);
    expect(friday[0]).toMatch(/^Проверьте:/);
  });

  it("a holiday moved off a weekend is a day off without a name; the sitting kept on it invites the family as on any day", async () => {
    const { staff } = await formed();
    // Monday 4 January 2027: New Year's second day (Saturday 2 January) moved — a day off, but no holiday's own date.
    const reviewed = await onlineReview(staff, "04.01.2027");
    expect(texts(reviewed)[0]).toBe(
      `Обратите внимание: 04.01.2027 — выходной день по календарю 2027 года, известному на сегодня (он ещё может уточниться). Эта дата также после срока заключения комиссии по счёту бота: ${AFTER_DUE_RU}${KEEP_RU}`,
    );
    expect(buttons(reviewed).flat()).toEqual(["Сохранить", "Изменить", "Отмена"]);
    const saved = await staff.press("Сохранить");
    expect(to(saved, STAFF)[0]).toBe("Заседание по делу KZ-2026-000001 назначено на 04.01.2027, 15:00. Приглашений отправлено: 1.");
    expect(to(saved, APPLICANT)[0]).toMatch(/^KZ-2026-000001 ісі: тәуелсіз сараптама комиссиясының отырысы\n04\.01\.2027, 15:00/);
    expect(to(saved, APPLICANT).join("\n")).not.toMatch(/демалыс|мерзім/);
  });

  it("a working day after the conclusion's term is said to be after it — not refused; «Изменить» asks the date again", async () => {
    const { staff } = await formed();
    // Tuesday 1 December 2026: a working day, the day after the term's last one.
    const shown = texts(await onlineReview(staff, "01.12.2026"));
    expect(shown[0]).toBe(`Обратите внимание: 01.12.2026 — дата после срока заключения комиссии по счёту бота: ${AFTER_DUE_RU}${KEEP_RU}`);
    expect(shown[1]).toMatch(/^Проверьте:\n\nЗаседание: 01\.12\.2026, 15:00/);
    expect(texts(await staff.press("Изменить"))).toEqual([expect.stringMatching(/Дата заседания комиссии \(ДД\.ММ\.ГГГГ\):$/)]);
    // The term's last day itself is within it: no word.
    await staff.send("30.11.2026");
    await staff.send("15:00");
    await staff.press("Онлайн");
    await staff.send("https://meet.example.kz/kz-1");
    const last = texts(await staff.press("Без примечания"));
    expect(last).toHaveLength(1);
    expect(last[0]).toMatch(/^Проверьте:/);
  });

  it("a term that runs into a year whose calendar is not checked yet says so, as the case's deadline does — once over, without the promise of a new date", async () => {
    at("2026-12-28T10:00:00+05:00"); // a Monday: the term runs over New Year into 2027
    const { staff } = await formed();
    // Friday 8 January 2027: a working day, after the term's last day, Wednesday 6 January 2027 (29–31 December, 5–6 January).
    expect(texts(await onlineReview(staff, "08.01.2027"))[0]).toBe(
      "Обратите внимание: 08.01.2027 — дата после срока заключения комиссии по счёту бота: заключение — до конца дня 06.01.2027 (бот считает 5 рабочих дней со следующего рабочего дня после формирования комиссии). Срок посчитан по календарю 2027 года, известному на сегодня: если Правительство утвердит переносы выходных дней или уточнятся даты праздников, он может измениться — тогда бот сообщит новый срок. Если дата верна, сохраните; если нет, нажмите «Изменить».",
    );
    await staff.press("Отмена");
    // The term over when the sitting is set: no promise that the bot will tell a new one.
    at("2027-01-12T10:00:00+05:00");
    expect(texts(await onlineReview(staff, "13.01.2027"))[0]).toBe(
      "Обратите внимание: 13.01.2027 — дата после срока заключения комиссии по счёту бота: срок истёк в конце дня 06.01.2027 (бот считает 5 рабочих дней со следующего рабочего дня после формирования комиссии). Срок посчитан по календарю 2027 года, известному на сегодня: если Правительство утвердит переносы выходных дней или уточнятся даты праздников, фактический срок мог оказаться другим. Если дата верна, сохраните; если нет, нажмите «Изменить».",
    );
  });

  it("a term counted through two years whose calendars are not checked names both, as the case's deadline does", async () => {
    // Before: the review's note was counted from the term's last day alone, so named 2028 only.
    at("2027-12-28T10:00:00+05:00");
    const staff = await joinStaff(h, ADMIN, STAFF, "ru");
    await fileNotice(h.user(APPLICANT, "kk"), "kk");
    await recordReceipt(staff, "ru", "KZ-2027-000001");
    await formCommission(staff, "KZ-2027-000001");
    const [note] = texts(await onlineReview(staff, "20.01.2028", "KZ-2027-000001"));
    expect(note).toMatch(/^Обратите внимание: 20\.01\.2028 — дата после срока заключения комиссии по счёту бота: заключение — до конца дня \d\d\.01\.2028 \(/);
    expect(note).toContain(" Срок посчитан по календарям 2027 и 2028 годов, известным на сегодня: если Правительство утвердит переносы выходных дней или уточнятся даты праздников, он может измениться — тогда бот сообщит новый срок.");
  });

  it("a move to a day off is told so too, in staff's language", async () => {
    const { staff } = await formed();
    await onlineReview(staff);
    await staff.press("Сохранить");
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Перенести: 25.11.2026, 15:00");
    await staff.send("29.11.2026"); // a Sunday
    const shown = texts(await staff.send("11:00"));
    expect(shown[0]).toBe(DAY_OFF("29.11.2026"));
    expect(shown[1]).toMatch(/^Перенести заседание на 29\.11\.2026, 11:00/);
  });

  it("Kazakh-speaking staff read it in Kazakh: a holiday by its name, a weekend, a day after the term, a working day without a word", async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "kk");
    const applicant = h.user(APPLICANT, "kk");
    await fileNotice(applicant, "kk");
    await recordReceipt(staff, "kk");
    await staff.send("/inbox");
    await staff.press("KZ-2026-000001 ісін ашу");
    await staff.press("Комиссия құрылды");
    await staff.press("Растаймын");
    const review = async (date: string) => {
      await staff.send("/inbox");
      await staff.press("KZ-2026-000001 ісін ашу");
      await staff.press("Отырыс тағайындау");
      await staff.send(date);
      await staff.send("15:00");
      await staff.press("Онлайн");
      await staff.send("https://meet.example.kz/kz-1");
      const reviewed = await staff.press("Ескертпесіз");
      expect(buttons(reviewed).flat()).toEqual(["Сақтау", "Өзгерту", "Болдырмау"]);
      await staff.press("Болдырмау");
      const shown = texts(reviewed);
      return shown;
    };
    const KEEP_KK = " Күн дұрыс болса, сақтаңыз; қате болса, «Өзгерту» батырмасын басыңыз.";
    const AFTER_DUE_KK = "қорытынды — 30.11.2026 күнінің соңына дейін (бот 5 жұмыс күнін комиссия құрылған күннен кейінгі алғашқы жұмыс күнінен бастап есептейді).";
    expect((await review("16.12.2026"))[0]).toBe(
      `Назар аударыңыз: 16.12.2026 — Тәуелсіздік күні, Қазақстан күнтізбесі бойынша демалыс күні. Сонымен қатар бұл күн боттың есебі бойынша комиссия қорытындысының мерзімінен кейін келеді: ${AFTER_DUE_KK}${KEEP_KK}`,
    );
    expect((await review("28.11.2026"))[0]).toBe(`Назар аударыңыз: 28.11.2026 — Қазақстан күнтізбесі бойынша демалыс күні.${KEEP_KK}`);
    expect((await review("02.12.2026"))[0]).toBe(`Назар аударыңыз: 02.12.2026 — боттың есебі бойынша комиссия қорытындысының мерзімінен кейінгі күн: ${AFTER_DUE_KK}${KEEP_KK}`);
    const working = await review("26.11.2026");
    expect(working).toHaveLength(1);
    expect(working[0]).not.toMatch(/Назар аударыңыз/);
  });
});

describe("a move to the time the sitting already has", () => {
  it("changes nothing: nobody is told «moved from 15:00 to 15:00», and the answers given stand", async () => {
    const { staff, applicant } = await formed();
    await scheduleSitting(staff); // 25.11.2026, 15:00
    await applicant.press("Өзім барып қатысамын");
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Перенести: 25.11.2026, 15:00");
    await staff.send("25.11.2026");
    await staff.send("15:00");
    const saved = await staff.press("Сохранить");
    expect(to(saved, APPLICANT)).toEqual([]);
    expect(to(saved, STAFF)[0]).toBe("Заседание по делу KZ-2026-000001 уже назначено на 25.11.2026, 15:00 — ничего не изменено, участникам ничего не отправлено.");
    expect(await t.db.prisma.sittingResponse.count()).toBe(1);
    expect((await t.db.prisma.sitting.findFirstOrThrow()).sequence).toBe(0);
  });
});

describe("the conclusion recorded while a sitting is still to come", () => {
  it("tells the applicant and the relative that sitting will not take place, with the file that takes it off their calendar", async () => {
    const { staff, applicant } = await formed();
    await joinRelative(applicant);
    await scheduleSitting(staff); // 25.11.2026, 15:00 — in everyone's calendar
    const saved = await recordNotConfirmed(staff);
    for (const id of [APPLICANT, RELATIVE]) {
      const said = to(saved, id);
      expect(said[0]).toMatch(/^KZ-2026-000001 ісі: комиссия зиянның келтірілгенін растамады\./);
      expect(said[1]).toBe("KZ-2026-000001 ісі: комиссия қорытындысын берді, сондықтан 25.11.2026, 15:00 уақытына белгіленген отырыс өтпейді. Төмендегі күнтізбе файлы оны күнтізбеде болдырылмаған деп белгілейді; жазба қалып қойса, оны өшіріңіз.");
      const files = saved.filter((c) => c.method === "sendDocument" && c.payload.chat_id === id);
      expect(files).toHaveLength(1);
      expect(ics(files[0]!)).toMatch(/STATUS:CANCELLED/);
      expect(ics(files[0]!)).toMatch(/SEQUENCE:1/);
    }
    // Staff's view no longer lists it as still to come.
    await staff.send("/inbox");
    const view = texts(await staff.press("Открыть KZ-2026-000001"));
    expect(view.join("\n")).not.toContain("25.11.2026, 15:00");
  });
});

describe("the invitation to a sitting of a case whose patient died", () => {
  it("does not tell the family that «the patient» may attend: the right is named for the spouse, close relatives and representative", async () => {
    const staff = await joinStaff(h, ADMIN, STAFF, "ru");
    const applicant = h.user(APPLICANT, "kk");
    await fileNotice(applicant, "kk", { relation: "Пациенттің жұбайы", outcome: "Пациент қайтыс болды" });
    await recordReceipt(staff, "ru");
    await formCommission(staff);
    const relative = await joinRelative(applicant);
    void relative;
    const saved = await scheduleSitting(staff);
    for (const id of [APPLICANT, RELATIVE]) {
      const invitation = to(saved, id)[0]!;
      expect(invitation).toMatch(/^KZ-2026-000001 ісі: тәуелсіз сараптама комиссиясының отырысы/);
      expect(invitation).not.toMatch(/Пациент, оның жұбайы/);
      expect(invitation).toContain("Пациенттің жұбайы, жақын туыстары және заңды өкілі комиссия отырыстарына қатысуға құқылы. Қатысасыз ба?");
    }
  });
});

describe("staff's buttons to schedule a sitting or record the conclusion, pressed after the conclusion was recorded", () => {
  it("say so at once — not after every question was answered, with «when the commission is marked as formed»", async () => {
    const { staff } = await formed();
    // The message that told staff the commission was formed keeps its two buttons.
    await recordNotConfirmed(staff);
    const k = await t.db.prisma.case.findFirstOrThrow();
    expect(texts(await staff.pressData(`g:ssit:${k.id}`))).toEqual(["По делу KZ-2026-000001 записано заключение комиссии, поэтому назначать, переносить и отменять её заседания в боте больше нельзя.", STAFF_HOME]);
    expect(texts(await staff.pressData(`g:sconc:${k.id}`))).toEqual(["Заключение по делу KZ-2026-000001 уже записано.", STAFF_HOME]);
  });
});

describe("«Не отменять» pressed on a confirmation after the sitting was cancelled from another one", () => {
  it("does not say the sitting stands: it says it was cancelled", async () => {
    const { staff } = await formed();
    await scheduleSitting(staff); // 25.11.2026, 15:00
    const ask = async () => {
      await staff.send("/inbox");
      await staff.press("Открыть KZ-2026-000001");
      await staff.press("Отменить");
      return staff.keyboardWith("Не отменять");
    };
    // A confirmation left open (or a colleague's), and another one that cancels the sitting.
    const first = await ask();
    await ask();
    await staff.press("Отменить заседание");
    const keep = first.buttons.flat().find((b) => b.text === "Не отменять")!;
    const pressed = await staff.deliver(staff.buttonUpdate(keep.callback_data, first.messageId));
    expect(to(pressed, STAFF)).toEqual(["Это заседание отменено.", expect.stringMatching(/^«Городская больница №7»: обращения\n/)]);
  });

  it("its form from before it named the sitting, kept in an old chat: says the sitting stands, then staff's home — not the line alone", async () => {
    const { staff } = await formed();
    await scheduleSitting(staff);
    const pressed = await staff.pressData("g:skeep");
    expect(to(pressed, STAFF)).toEqual(["Заседание остаётся в силе.", STAFF_HOME]);
    expect(buttons(pressed).length).toBeGreaterThan(0);
    expect((await t.db.prisma.sitting.findFirstOrThrow()).cancelledAt).toBeNull();
  });

  it("while the sitting stands, says it stands", async () => {
    const { staff } = await formed();
    await scheduleSitting(staff);
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Отменить");
    expect(to(await staff.press("Не отменять"), STAFF)).toEqual(["Заседание остаётся в силе.", expect.stringMatching(/^«Городская больница №7»: обращения\n/)]);
    expect((await t.db.prisma.sitting.findFirstOrThrow()).cancelledAt).toBeNull();
  });
});

describe("an answer button of a sitting's earlier time, pressed after the sitting was moved", () => {
  it("is not taken as an answer to the new time: the new time is said, with the buttons to answer it", async () => {
    const { staff, applicant } = await formed();
    await scheduleSitting(staff); // 25.11.2026, 15:00
    // The invitation's buttons, as the applicant has them far up the chat.
    const old = applicant.keyboardWith("Қатыса алмаймын");
    const cannot = old.buttons.flat().find((b) => b.text === "Қатыса алмаймын")!;
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Перенести: 25.11.2026, 15:00");
    await staff.send("27.11.2026");
    await staff.send("11:00");
    await staff.press("Сохранить");
    // «I can't» meant 25.11: it is not recorded for 27.11 (which would also stop the reminders of the new time).
    const pressed = await applicant.deliver(applicant.buttonUpdate(cannot.callback_data, old.messageId));
    expect(to(pressed, APPLICANT)).toEqual([
      "KZ-2026-000001 ісі: бұл отырыс 27.11.2026, 11:00 уақытына (Қазақстан уақыты) ауыстырылды. Батырма бұрынғы уақытқа арналған еді, сондықтан жауабыңыз жазылмады. Жаңа уақытта қатысасыз ба?",
    ]);
    expect(buttons(pressed)).toEqual(["Өзім барып қатысамын", "Онлайн қатысамын", "Қатыса алмаймын"]);
    expect(to(pressed, STAFF)).toEqual([]);
    expect(await t.db.prisma.sittingResponse.count()).toBe(0);
    // The buttons of the move's message answer the new time.
    const answered = await applicant.press("Қатыса алмаймын");
    expect(to(answered, APPLICANT)[0]).toBe("Жазылды: 27.11.2026, 11:00 отырысына қатыса алмайсыз. Еске салу жіберілмейді. Жауапты төмендегі батырмалармен өзгертуге болады.");
    expect(to(answered, STAFF)).toEqual(["Дело KZ-2026-000001, заседание 27.11.2026, 11:00: заявитель — не сможет участвовать."]);
  });
});

describe("the calendar file of a moved sitting", () => {
  it("is captioned as what it does — the sitting at its new time in the calendar, not «add the sitting» beside the old one", async () => {
    const { staff, applicant } = await formed();
    await scheduleSitting(staff); // 25.11.2026, 15:00
    const first = await t.db.prisma.sitting.findFirstOrThrow();
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Перенести: 25.11.2026, 15:00");
    await staff.send("27.11.2026");
    await staff.send("11:00");
    const saved = await staff.press("Сохранить");
    const files = saved.filter((c) => c.method === "sendDocument" && c.payload.chat_id === APPLICANT);
    expect(files.map((f) => f.payload.caption)).toEqual(["Күнтізбе файлы: отырыс күнтізбеде жаңа уақытында көрсетілуі үшін ашыңыз."]);
    // The same event, one version up, at the new time (06:00 UTC is 11:00 in Kazakhstan).
    expect(ics(files[0]!)).toContain(`UID:${first.uid}`);
    expect(ics(files[0]!)).toContain("SEQUENCE:1");
    expect(ics(files[0]!)).toMatch(/^DTSTART:20261127T060000Z\r?$/m);
    void applicant;
  });
});

describe("a cancellation confirmed after a colleague moved the sitting", () => {
  it("is asked again at the new time, not taken for it: nothing is cancelled and nobody is told until staff confirm the new time", async () => {
    const { staff } = await formed();
    const colleague = await secondStaff(h, ADMIN);
    await scheduleSitting(staff); // 25.11.2026, 15:00
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    expect(texts(await staff.press("Отменить"))[0]).toBe("Дело KZ-2026-000001: отменить заседание, назначенное на 25.11.2026, 15:00? Все участники получат сообщение.");
    // Meanwhile the colleague moves it.
    await colleague.send("/inbox");
    await colleague.press("Открыть KZ-2026-000001");
    await colleague.press("Перенести: 25.11.2026, 15:00");
    await colleague.send("27.11.2026");
    await colleague.send("11:00");
    await colleague.press("Сохранить");
    const pressed = await staff.press("Отменить заседание");
    expect(to(pressed, STAFF)).toEqual(["Дело KZ-2026-000001: отменить заседание, назначенное на 27.11.2026, 11:00? Все участники получат сообщение."]);
    expect(pressed.filter((c) => c.payload.chat_id === APPLICANT)).toEqual([]);
    expect((await t.db.prisma.sitting.findFirstOrThrow()).cancelledAt).toBeNull();
    // Confirmed at the new time, it is cancelled.
    const cancelled = await staff.press("Отменить заседание");
    expect(to(cancelled, STAFF)[0]).toBe("Заседание по делу KZ-2026-000001, назначенное на 27.11.2026, 11:00, отменено; участникам сообщено.");
    expect((await t.db.prisma.sitting.findFirstOrThrow()).cancelledAt).not.toBeNull();
  });
});

describe("a move saved after a colleague moved the sitting", () => {
  it("does not move it again from a time staff never saw: they are told its time now, and the family hears nothing more", async () => {
    const { staff } = await formed();
    const colleague = await secondStaff(h, ADMIN);
    await scheduleSitting(staff); // 25.11.2026, 15:00
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Перенести: 25.11.2026, 15:00");
    await staff.send("26.11.2026");
    await staff.send("10:00");
    // Meanwhile the colleague moves it.
    await colleague.send("/inbox");
    await colleague.press("Открыть KZ-2026-000001");
    await colleague.press("Перенести: 25.11.2026, 15:00");
    await colleague.send("27.11.2026");
    await colleague.send("11:00");
    await colleague.press("Сохранить");
    const saved = await staff.press("Сохранить");
    expect(to(saved, STAFF)[0]).toBe(
      "Заседание по делу KZ-2026-000001 тем временем уже перенесено — сейчас оно назначено на 27.11.2026, 11:00. Ничего не изменено, участникам ничего не отправлено. Если его нужно перенести ещё раз, откройте дело снова: /inbox",
    );
    expect(saved.filter((c) => c.payload.chat_id === APPLICANT)).toEqual([]);
    expect((await t.db.prisma.sitting.findFirstOrThrow()).startsAt.toISOString()).toBe("2026-11-27T06:00:00.000Z");
  });
});

describe("two staff set the same sitting", () => {
  it("the second Save invites nobody again: the applicant gets one invitation and one calendar event, and staff are told it is set already", async () => {
    const { staff, applicant } = await formed();
    const colleague = await secondStaff(h, ADMIN);
    // Staff reach the review; meanwhile their colleague sets the very same sitting and saves it.
    await onlineReview(staff);
    await scheduleSitting(colleague);
    const second = await staff.press("Сохранить");
    expect(to(second, STAFF)[0]).toBe("Заседание по делу KZ-2026-000001 уже назначено на 25.11.2026, 15:00 — ничего не изменено, участникам ничего не отправлено.");
    expect(second.filter((c) => c.payload.chat_id === APPLICANT)).toEqual([]);
    expect(await t.db.prisma.sitting.count()).toBe(1);
    void applicant;
  });
});

describe("an answer pressed once the sitting has begun", () => {
  it("is not told the sitting is over while it may be going on: it says it began, and where to join; hours later, that it is over", async () => {
    const { staff, applicant } = await formed();
    await scheduleSitting(staff); // 25.11.2026, 15:00
    at("2026-11-25T15:10:00+05:00");
    expect(texts(await applicant.press("Онлайн қатысамын"))).toEqual([
      "KZ-2026-000001 ісі: комиссия отырысы 25.11.2026, 15:00 уақытында (Қазақстан уақыты) басталды, сондықтан жауабыңыз бот арқылы енді жазылмайды. Отырыс әлі жүріп жатса, оған қатысуға болады:\nМекенжайы: г. Шымкент, ул. Тауке хана, 1, каб. 204\nОнлайн: https://meet.example.kz/kz-1",
    ]);
    at("2026-11-25T19:00:00+05:00");
    expect(texts(await applicant.press("Онлайн қатысамын"))).toEqual(["Бұл отырыс өтіп кетті.", expect.stringMatching(/^Не істейміз\?/)]);
    expect(await t.db.prisma.sittingResponse.count()).toBe(0);
  });
});

describe("an online sitting's link", () => {
  it("copied without «https://» (as Meet and Telegram show it) is taken, and the review and the invitation show it whole — not refused, to be typed again", async () => {
    const { staff } = await formed();
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Назначить заседание");
    await staff.send("25.11.2026");
    await staff.send("15:00");
    await staff.press("Онлайн");
    // Refused, it says what is taken: with https:// or without (before: «must start with https://», which it need not).
    expect(texts(await staff.send("meet google com"))[0]).toBe("Нужна ссылка на встречу одной строкой, без пробелов — с https:// или без, например meet.google.com/abc-defg-hij.");
    expect(texts(await staff.send("meet.google.com/abc-defg-hij"))[0]).toMatch(/^Примечание для участников/);
    const review = texts(await staff.press("Без примечания"));
    expect(review[0]).toContain("\nОнлайн: https://meet.google.com/abc-defg-hij\n");
    const saved = await staff.press("Сохранить");
    expect(to(saved, APPLICANT)[0]).toContain("https://meet.google.com/abc-defg-hij");
  });

  it("refused, says the same in Kazakh", async () => {
    const { staff } = await formed();
    await staff.send("/language");
    await staff.press("Қазақша");
    await staff.send("/inbox");
    await staff.press("KZ-2026-000001 ісін ашу");
    await staff.press("Отырыс тағайындау");
    await staff.send("25.11.2026");
    await staff.send("15:00");
    await staff.press("Онлайн");
    expect(texts(await staff.send("ftp://files"))[0]).toBe("Кездесу сілтемесін бір жолмен, бос орынсыз жазыңыз — https:// бар немесе онсыз, мысалы, meet.google.com/abc-defg-hij.");
    expect(texts(await staff.send("meet.google.com/abc-defg-hij"))[0]).toMatch(/^Қатысушыларға ескертпе/);
  });
});

describe("a sitting's start at night", () => {
  it("(03:00 typed for 15:00) is said at the review in staff's language — not refused; a daytime start brings no such word", async () => {
    const { staff } = await formed();
    await staff.send("/language");
    await staff.press("Қазақша");
    await staff.send("/inbox");
    await staff.press("KZ-2026-000001 ісін ашу");
    await staff.press("Отырыс тағайындау");
    await staff.send("25.11.2026");
    await staff.send("03:00");
    await staff.press("Онлайн");
    await staff.send("https://meet.example.kz/kz-1");
    const shown = await staff.press("Ескертпесіз");
    expect(texts(shown)[0]).toBe("Назар аударыңыз: басталу уақыты — 03:00, бұл кешкі кеш, түнгі немесе таңғы тым ерте уақыт. Уақыт дұрыс болса, сақтаңыз; қате болса, «Өзгерту» батырмасын басыңыз.");
    expect(texts(shown)[1]).toMatch(/^Тексеріңіз:\n\nОтырыс: 25\.11\.2026, 03:00/);
    expect(buttons(shown)).toEqual(["Сақтау", "Өзгерту", "Болдырмау"]);
    // «Өзгерту» asks again; 15:00 has no note.
    await staff.press("Өзгерту");
    await staff.send("25.11.2026");
    await staff.send("15:00");
    await staff.press("Онлайн");
    await staff.send("https://meet.example.kz/kz-1");
    const day = texts(await staff.press("Ескертпесіз"));
    expect(day).toHaveLength(1);
    expect(day[0]).toMatch(/^Тексеріңіз:\n\nОтырыс: 25\.11\.2026, 15:00/);
  });
});

describe("a sitting's address too long", () => {
  // Before: «Адрес длиннее 300 символов.» alone — not what to leave out, nor where the way to the room goes.
  it("says how long it may be and that the way there goes in the note, asked later — in staff's language", async () => {
    const { staff } = await formed();
    const long = `г. Шымкент, ул. Тауке хана, 1, каб. 204. ${"Вход со двора, второй этаж, налево от лифта. ".repeat(7)}`;
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Назначить заседание");
    await staff.send("25.11.2026");
    await staff.send("15:00");
    await staff.press("Очно");
    expect(texts(await staff.send(long))[0]).toBe("Адрес длиннее 300 символов. Оставьте здесь улицу, дом и кабинет, а как пройти, напишите в примечании — бот спросит его чуть позже.");
    // The note is asked after the address, as said.
    expect(texts(await staff.send("г. Шымкент, ул. Тауке хана, 1, каб. 204"))[0]).toMatch(/^Примечание для участников/);
    await staff.press("Отмена");
    await staff.send("/language");
    await staff.press("Қазақша");
    await staff.send("/inbox");
    await staff.press("KZ-2026-000001 ісін ашу");
    await staff.press("Отырыс тағайындау");
    await staff.send("25.11.2026");
    await staff.send("15:00");
    await staff.press("Бетпе-бет және онлайн");
    expect(texts(await staff.send(long))[0]).toBe("Мекенжай 300 таңбадан ұзын. Мұнда көшені, үйді және кабинетті ғана жазыңыз, ал қалай жетуге болатынын ескертпеге жазыңыз — бот оны сәл кейін сұрайды.");
  });
});

describe("the conclusion's questions answered with the wrong kind of message", () => {
  // Before: «Извините, я этого не понял.» to both.
  it("a photo at the summary: the summary is text, the document is asked next; words at the document: a PDF or a photo, or «Без документа» (ru, then kk)", async () => {
    const { staff } = await formed();
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Записать заключение");
    await staff.press("Нет, вред не подтверждён");
    const photo = texts(await staff.photo("conclusion-1"));
    expect(photo[0]).toBe("Файл не сохранён: сначала напишите краткое изложение текстом. Сам документ заключения бот запросит на следующем шаге — тогда пришлите его снова.");
    expect(photo[1]).toMatch(/^Кратко изложите заключение/);
    await staff.send("Осложнение — известный риск, о котором предупреждали.");
    const typed = await staff.send("заключение прилагаю позже");
    expect(texts(typed)[0]).toBe("Этот текст не сохранён: здесь нужен сам документ заключения — PDF или фото. Если документа нет, нажмите «Без документа».");
    expect(texts(typed)[1]).toMatch(/^Приложите само заключение/);
    expect(buttons(typed)).toEqual(["Без документа", "Отмена"]);
    // The words were not taken as the document: the review says there is none once «Без документа» is pressed.
    await staff.press("Без документа");
    expect(texts(await staff.press("Сегодня"))[0]).toMatch(/^Проверьте: вред не подтверждён\.\n\nОсложнение — известный риск, о котором предупреждали\.\n/);
    await staff.press("Отмена");

    await staff.send("/language");
    await staff.press("Қазақша");
    await staff.send("/inbox");
    await staff.press("KZ-2026-000001 ісін ашу");
    await staff.press("Қорытындыны жазу");
    await staff.press("Жоқ, зиян расталмады");
    expect(texts(await staff.photo("conclusion-1"))[0]).toBe("Файл сақталмады: алдымен қорытындының қысқаша мазмұнын мәтінмен жазыңыз. Қорытынды құжатының өзін бот келесі қадамда сұрайды — сонда оны қайта жіберіңіз.");
    await staff.send("Асқыну — алдын ала ескертілген белгілі қауіп.");
    expect(texts(await staff.send("қорытындыны кейін жіберемін"))[0]).toBe("Бұл мәтін сақталмады: мұнда қорытынды құжатының өзі керек — PDF немесе фото. Құжат жоқ болса, «Құжатсыз» батырмасын басыңыз.");
  });
});
