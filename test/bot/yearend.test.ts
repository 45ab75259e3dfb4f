// Notices received by the entity in December 2026, as of 6 December 2026 (law.md §5): 16 December is Independence
// Day, and January 2027 is counted on its calendar as known today (1–2 January → 4 January off; 7 January), not yet
// checked against the Government's decree. For each day of receipt — staff acknowledging it (registration number
// and date), or the applicant saying on which date they handed it in — the formation deadline (3 working days) and,
// the commission formed on its last day, the conclusion's 5 working days, checked by hand against law.md §5's
// convention (day 1 = the first working day after receipt; the end of day N, Kazakhstan time): every place that
// shows a deadline falling in 2027 says it is counted on the 2027 calendar as known today; one in 2026 does not.
import { describe, expect, it } from "vitest";
import { texts, textsTo } from "../helpers/bot.js";
import { fileNotice, giveParticulars, handIn } from "../helpers/notice.js";
import { joinStaff, recordReceipt } from "../helpers/staff.js";
import { runJobsAt, withBot } from "../helpers/world.js";
import { historyContent } from "../../bot/features/escalation/escalation.js";
import { timelineFootnotes } from "../../bot/core/case.js";
import { localParam } from "../../bot/core/render.js";

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
const N = "KZ-2026-000001";

const NOTE = {
  ru: " Срок посчитан по календарю 2027 года, известному на сегодня: если Правительство утвердит переносы выходных дней или уточнятся даты праздников, он может измениться — тогда бот сообщит новый срок.",
  kk: " Мерзім 2027 жылғы күнтізбенің бүгін белгілі нұсқасы бойынша есептелді: Үкімет демалыс күндерін ауыстыруды бекітсе немесе мереке күндері нақтыланса, ол өзгеруі мүмкін — онда бот жаңа мерзімді хабарлайды.",
};
const EXPIRED = {
  ru: " Срок посчитан по календарю 2027 года, известному на сегодня: если Правительство утвердит переносы выходных дней или уточнятся даты праздников, фактический срок мог оказаться другим.",
  kk: " Мерзім 2027 жылғы күнтізбенің бүгін белгілі нұсқасы бойынша есептелді: Үкімет демалыс күндерін ауыстыруды бекітсе немесе мереке күндері нақтыланса, нақты мерзім басқа болған болуы мүмкін.",
};
type Lang = "ru" | "kk";
const note = (lang: Lang, due: string) => (due.endsWith("2027") ? NOTE[lang] : "");
const expired = (lang: Lang, due: string) => (due.endsWith("2027") ? EXPIRED[lang] : "");
/** "17.12.2026" → "2026-12-17T<time>+05:00" */
const iso = (d: string, time: string) => `${d.slice(6)}-${d.slice(3, 5)}-${d.slice(0, 2)}T${time}+05:00`;
const next = (d: string) => new Date(Date.parse(iso(d, "12:00:00")) + 86_400_000).toISOString().slice(0, 10).split("-").reverse().join(".");

/** The applicant's /cases and staff's /inbox: the deadline line, «*» and the caveat once at the end when it falls in 2027. */
const listLine = (lang: Lang, due: string, left: number) =>
  lang === "ru"
    ? `Срок: до конца дня ${due} (осталось ${left} рабочих ${left === 5 ? "дней" : "дня"}).${due.endsWith("2027") ? `*\n\n*${NOTE.ru}` : ""}`
    : `Мерзімі: ${due} күнінің соңына дейін (${left} жұмыс күні қалды).${due.endsWith("2027") ? `*\n\n*${NOTE.kk}` : ""}`;

const TEXT = {
  recorded: {
    ru: (d: string, f: string) => `Записано: обращение ${N} получено организацией ${d} (рег. № 01-12/345). Независимую экспертную комиссию нужно сформировать до конца дня ${f} (3 рабочих дня).${note("ru", f)} Участники дела уведомлены.`,
    kk: (d: string, f: string) => `Жазылды: ұйым ${N} өтінішін ${d} күні алды (тіркеу № 01-12/345). Тәуелсіз сараптама комиссиясын ${f} күнінің соңына дейін құру керек (3 жұмыс күні).${note("kk", f)} Іске қатысушыларға хабарланды.`,
  },
  receivedToApplicant: {
    ru: (d: string, f: string) => `Дело ${N}: организация получила обращение ${d} (рег. № 01-12/345). В течение 3 рабочих дней после получения она должна сформировать независимую экспертную комиссию — до конца дня ${f}.${note("ru", f)}`,
    kk: (d: string, f: string) => `${N} ісі: ұйым өтінішті ${d} күні алды (тіркеу № 01-12/345). Алғаннан кейін 3 жұмыс күні ішінде ол тәуелсіз сараптама комиссиясын құруы керек — ${f} күнінің соңына дейін.${note("kk", f)}`,
  },
  handedIn: {
    ru: (d: string, f: string) => `Записано: вы передали обращение ${N} в организацию ${d}. В течение 3 рабочих дней после получения организация должна сформировать независимую экспертную комиссию — до конца дня ${f}.${note("ru", f)} Если срок пройдёт, а записи о комиссии не будет, я сообщу.`,
    kk: (d: string, f: string) => `Жазылды: ${N} өтінішін ұйымға ${d} күні тапсырдыңыз. Ұйым өтінішті алғаннан кейін 3 жұмыс күні ішінде тәуелсіз сараптама комиссиясын құруы керек — ${f} күнінің соңына дейін.${note("kk", f)} Мерзім өтіп, комиссия туралы жазба болмаса, хабарлаймын.`,
  },
  handedInToStaff: {
    ru: (d: string, f: string) => `Дело ${N}: заявитель сообщает, что передал(а) обращение в организацию ${d}. 3 рабочих дня на формирование независимой экспертной комиссии бот отсчитывает со следующего рабочего дня — до конца дня ${f}.${note("ru", f)}`,
    kk: (d: string, f: string) => `${N} ісі: өтініш беруші өтінішті ұйымға ${d} күні тапсырғанын хабарлайды. Тәуелсіз сараптама комиссиясын құруға берілетін 3 жұмыс күнін бот келесі жұмыс күнінен бастап есептейді — ${f} күнінің соңына дейін.${note("kk", f)}`,
  },
  formationToday: {
    ru: (f: string) => `Дело ${N} (Городская больница №7, г. Шымкент): независимую экспертную комиссию нужно сформировать сегодня, до конца дня ${f}.${note("ru", f)}`,
    kk: (f: string) => `${N} ісі (Городская больница №7, Шымкент қаласы): тәуелсіз сараптама комиссиясын бүгін, ${f} күнінің соңына дейін құру керек.${note("kk", f)}`,
  },
  formedRecorded: {
    ru: (f: string, c: string) => `Записано: комиссия по делу ${N} сформирована ${f}. Заключение — до конца дня ${c}.${note("ru", c)}`,
    kk: (f: string, c: string) => `Жазылды: ${N} ісі бойынша комиссия ${f} күні құрылды. Қорытынды — ${c} күнінің соңына дейін.${note("kk", c)}`,
  },
  formedApplicant: {
    ru: (f: string, c: string) => `Дело ${N}: независимая экспертная комиссия сформирована ${f}. Заключение — в течение 5 рабочих дней; по счёту бота — до конца дня ${c}.${note("ru", c)} Вы вправе присутствовать на заседаниях комиссии.`,
    kk: (f: string, c: string) => `${N} ісі: тәуелсіз сараптама комиссиясы ${f} күні құрылды. Қорытынды — 5 жұмыс күні ішінде; боттың есебі бойынша — ${c} күнінің соңына дейін.${note("kk", c)} Комиссия отырыстарына қатысуға құқығыңыз бар.`,
  },
  conclusionToday: {
    ru: (c: string) => `Дело ${N} (Городская больница №7, г. Шымкент): по счёту бота заключение комиссии нужно выдать сегодня, до конца дня ${c}. Бот считает 5 рабочих дней со следующего рабочего дня после формирования комиссии.${note("ru", c)}`,
    kk: (c: string) => `${N} ісі (Городская больница №7, Шымкент қаласы): боттың есебі бойынша комиссияның қорытындысын бүгін, ${c} күнінің соңына дейін беру керек. Бот 5 жұмыс күнін комиссия құрылған күннен кейінгі алғашқы жұмыс күнінен бастап есептейді.${note("kk", c)}`,
  },
  conclusionOverdueApplicant: {
    ru: (c: string) => `Дело ${N}: по счёту бота срок заключения комиссии истёк ${c}, а записи о заключении в боте нет. Бот считает 5 рабочих дней со следующего рабочего дня после формирования комиссии.${expired("ru", c)}\n\n`,
    kk: (c: string) => `${N} ісі: боттың есебі бойынша комиссия қорытындысының мерзімі ${c} күні өтті, ал қорытынды туралы ботта жазба жоқ. Бот 5 жұмыс күнін комиссия құрылған күннен кейінгі алғашқы жұмыс күнінен бастап есептейді.${expired("kk", c)}\n\n`,
  },
  historyConclusion: {
    ru: (c: string) => `пока не выдано; срок — до конца дня ${c} (5 рабочих дней после формирования комиссии).${note("ru", c)}`,
    kk: (c: string) => `әзірге берілген жоқ; мерзімі — ${c} күнінің соңына дейін (комиссия құрылғаннан кейін 5 жұмыс күні).${note("kk", c)}`,
  },
};

const BUTTONS = {
  ru: { open: `Открыть ${N}`, formed: "Комиссия сформирована", confirm: "Подтверждаю" },
  kk: { open: `${N} ісін ашу`, formed: "Комиссия құрылды", confirm: "Растаймын" },
};

// [received, formation due (3 working days), conclusion due (5 working days from a commission formed on that day)], by hand:
const CASES: [string, string, string, string][] = [
  ["Fri", "11.12.2026", "17.12.2026", "24.12.2026"], // 14, 15, 17 (16 off); 18, 21, 22, 23, 24
  ["Mon", "14.12.2026", "18.12.2026", "25.12.2026"], // 15, 17, 18; 21–25
  ["Tue", "15.12.2026", "21.12.2026", "28.12.2026"], // 17, 18, 21; 22, 23, 24, 25, 28
  ["Wed, Independence Day", "16.12.2026", "21.12.2026", "28.12.2026"], // received on a day off: 17, 18, 21
  ["Fri", "25.12.2026", "30.12.2026", "11.01.2027"], // 28, 29, 30 (no 2027 day); 31, 5, 6, 8, 11 (1–4, 7 January off)
  ["Wed", "30.12.2026", "06.01.2027", "14.01.2027"], // 31, 5, 6; 8, 11, 12, 13, 14
  ["Thu", "31.12.2026", "08.01.2027", "15.01.2027"], // 5, 6, 8; 11–15
  ["Sat", "02.01.2027", "08.01.2027", "15.01.2027"], // 5, 6, 8; 11–15
];

/**
 * A notice saved on 10.12.2026, received on `received`: `how` — staff (in `staffLang`) record it with its registration
 * number, or the applicant (in the other language) says they handed it in that day. The commission is formed on the
 * formation deadline's last day, and no conclusion is recorded.
 */
const play = (how: "staff" | "applicant", staffLang: Lang) => async ([, received, formation, conclusion]: [string, string, string, string]) => {
  const appLang: Lang = staffLang === "ru" ? "kk" : "ru";
  await withBot([ADMIN], "2026-12-10T10:00:00+05:00", async (w) => {
    const { h, t, at } = w;
    const staff = await joinStaff(h, ADMIN, STAFF, staffLang);
    const applicant = h.user(APPLICANT, appLang);
    await fileNotice(applicant, appLang);
    at(iso(received, "12:00:00"));
    if (how === "staff") {
      const said = await recordReceipt(staff, staffLang, N, "01-12/345", received);
      expect(textsTo(said, STAFF)[0]).toBe(TEXT.recorded[staffLang](received, formation));
      expect(textsTo(said, APPLICANT)).toEqual([TEXT.receivedToApplicant[appLang](received, formation)]);
    } else {
      const said = await handIn(applicant, appLang, received);
      expect(textsTo(said, APPLICANT)[0]).toBe(TEXT.handedIn[appLang](received, formation));
      expect(textsTo(said, STAFF)).toEqual([TEXT.handedInToStaff[staffLang](received, formation)]);
    }
    expect((await t.db.prisma.case.findFirstOrThrow()).answers).toMatchObject({ formationDue: formation.split(".").reverse().join("-") });
    // Read the day of receipt: 3 working days left after it.
    expect(texts(await applicant.send("/cases"))[0]!.endsWith(listLine(appLang, formation, 3))).toBe(true);
    expect(texts(await staff.send("/inbox"))[0]!.endsWith(listLine(staffLang, formation, 3))).toBe(true);
    const card = texts(await staff.press(BUTTONS[staffLang].open))[0]!;
    expect(card.endsWith(staffLang === "ru" ? `Срок: до конца дня ${formation} (осталось 3 рабочих дня).${note("ru", formation)}` : `Мерзімі: ${formation} күнінің соңына дейін (3 жұмыс күні қалды).${note("kk", formation)}`)).toBe(true);

    // 09:00 of the last day: staff are reminded.
    expect(textsTo(await runJobsAt(w, iso(formation, "09:00:00")), STAFF)).toContain(TEXT.formationToday[staffLang](formation));
    at(iso(formation, "10:00:00"));
    await staff.send("/inbox");
    await staff.press(BUTTONS[staffLang].open);
    await staff.press(BUTTONS[staffLang].formed);
    const formed = await staff.press(BUTTONS[staffLang].confirm);
    expect(textsTo(formed, STAFF)[0]).toBe(TEXT.formedRecorded[staffLang](formation, conclusion));
    expect(textsTo(formed, APPLICANT)).toEqual([TEXT.formedApplicant[appLang](formation, conclusion)]);
    expect(texts(await applicant.send("/cases"))[0]!.endsWith(listLine(appLang, conclusion, 5))).toBe(true);
    expect(texts(await staff.send("/inbox"))[0]!.endsWith(listLine(staffLang, conclusion, 5))).toBe(true);
    // The history for a lawyer (PDF), in the applicant's language.
    const k = await t.db.prisma.case.findFirstOrThrow();
    const history = (await historyContent({ prisma: t.db.prisma, i18n: h.i18n, timeZone: "Asia/Almaty", now: () => new Date(iso(formation, "10:00:00")) }, k.id, appLang))!;
    expect(history.pdf.lines.map((l) => (Array.isArray(l) ? l[1] : l))).toContain(TEXT.historyConclusion[appLang](conclusion));

    expect(textsTo(await runJobsAt(w, iso(conclusion, "09:00:00")), STAFF)).toContain(TEXT.conclusionToday[staffLang](conclusion));
    const overdue = textsTo(await runJobsAt(w, iso(next(conclusion), "00:00:01")), APPLICANT);
    expect(overdue).toEqual([expect.stringContaining(TEXT.conclusionOverdueApplicant[appLang](conclusion))]);
  });
};

describe("receipt in December 2026: the formation and conclusion deadlines each person reads, and the 2027 caveat", () => {
  // Each day twice: staff record the receipt, and the applicant says they handed it in — each side reading Russian on
  // one day and Kazakh on the next, so that every text is read in both languages, on deadlines of 2026 and of 2027.
  const rows = CASES.map((row, i) => [...row, i % 2 === 0 ? "ru" : "kk"] as const);
  it.each(rows)("received %s %s, recorded by staff: formed by the end of %s, concluded by the end of %s (staff read %s)", async (day, received, formation, conclusion, lang) =>
    play("staff", lang)([day, received, formation, conclusion]));
  it.each(rows)("received %s %s, handed in as the applicant says: formed by the end of %s, concluded by the end of %s (staff read %s)", async (day, received, formation, conclusion, lang) =>
    play("applicant", lang === "ru" ? "kk" : "ru")([day, received, formation, conclusion]));
});

describe("a deadline that passed, in the case's timeline", () => {
  // Before: the case's view and the history for a lawyer listed «06.01.2027 — истёк срок формирования комиссии» as a
  // plain fact, though 06.01.2027 was counted on 2027's calendar as known today; now it is marked «*», with the caveat
  // for a deadline already passed once after the events.
  const late = async (received: string, overdueAt: string, formedAt: string, run: (w: Parameters<Parameters<typeof withBot>[2]>[0], applicant: ReturnType<Parameters<Parameters<typeof withBot>[2]>[0]["h"]["user"]>) => Promise<void>) =>
    withBot([ADMIN], iso(received, "10:00:00"), async (w) => {
      const staff = await joinStaff(w.h, ADMIN, STAFF, "ru");
      const applicant = w.h.user(APPLICANT, "kk");
      await fileNotice(applicant, "kk");
      await handIn(applicant, "kk");
      await runJobsAt(w, overdueAt);
      w.at(formedAt);
      await staff.send("/inbox");
      await staff.press(BUTTONS.ru.open);
      await staff.press(BUTTONS.ru.formed);
      await staff.press(BUTTONS.ru.confirm);
      await run(w, applicant);
    });
  const history = async (w: Parameters<Parameters<typeof withBot>[2]>[0], lang: Lang, now: string) => {
    const k = await w.t.db.prisma.case.findFirstOrThrow();
    const content = (await historyContent({ prisma: w.t.db.prisma, i18n: w.h.i18n, timeZone: "Asia/Almaty", now: () => new Date(now) }, k.id, lang))!;
    return Object.fromEntries(content.pdf.lines);
  };

  it("received 30.12.2026, formed on 08.01.2027 after its deadline of 06.01.2027: the applicant's view (kk) and the history (ru, kk)", async () => {
    await late("30.12.2026", "2027-01-07T00:00:01+05:00", "2027-01-08T10:00:00+05:00", async (w, applicant) => {
      await applicant.send("/cases");
      const view = texts(await applicant.press(BUTTONS.kk.open))[0]!;
      // The deadline still running is marked too, and each caveat comes once, after the events.
      expect(view).toContain(`Мерзімі: 15.01.2027 күнінің соңына дейін (5 жұмыс күні қалды).*\n\n`);
      expect(view.endsWith(`\n\n30.12.2026 — өтініш сақталды\n30.12.2026 — ұйым өтінішті алды\n06.01.2027 — комиссияны құру мерзімі өтті**\n08.01.2027 — комиссия құрылды\n\n*${NOTE.kk}\n\n**${EXPIRED.kk}`)).toBe(true);
      const ru = await history(w, "ru", "2027-01-08T10:00:00+05:00");
      expect(ru["События"]).toBe(`30.12.2026 — обращение сохранено\n30.12.2026 — организация получила обращение\n06.01.2027 — истёк срок формирования комиссии*\n08.01.2027 — комиссия сформирована\n\n*${EXPIRED.ru}`);
      const kk = await history(w, "kk", "2027-01-08T10:00:00+05:00");
      expect(Object.values(kk)).toContain(`30.12.2026 — өтініш сақталды\n30.12.2026 — ұйым өтінішті алды\n06.01.2027 — комиссияны құру мерзімі өтті*\n08.01.2027 — комиссия құрылды\n\n*${EXPIRED.kk}`);
    });
  });

  it("received 25.12.2026, formed on 31.12.2026 after its deadline of 30.12.2026 (no day of 2027 counted): no mark, no caveat", async () => {
    await late("25.12.2026", "2026-12-31T00:00:01+05:00", "2026-12-31T10:00:00+05:00", async (w, applicant) => {
      await applicant.send("/cases");
      const view = texts(await applicant.press(BUTTONS.kk.open))[0]!;
      // The conclusion's deadline (5, 6, 8, 11, 12 January) still says how it was counted; the passed one, of 2026, does not.
      expect(view).toContain(`Мерзімі: 12.01.2027 күнінің соңына дейін (5 жұмыс күні қалды).${NOTE.kk}\n\n`);
      expect(view.endsWith(`\n\n25.12.2026 — өтініш сақталды\n25.12.2026 — ұйым өтінішті алды\n30.12.2026 — комиссияны құру мерзімі өтті\n31.12.2026 — комиссия құрылды`)).toBe(true);
      const ru = await history(w, "ru", "2026-12-31T10:00:00+05:00");
      expect(ru["События"]).toBe(`25.12.2026 — обращение сохранено\n25.12.2026 — организация получила обращение\n30.12.2026 — истёк срок формирования комиссии\n31.12.2026 — комиссия сформирована`);
    });
  });
});

describe("a case's view with a passed deadline of 2027 and the deadline still running", () => {
  it("says the caveat of a deadline already passed once, after the events — not once in the header and again below (kk)", async () => {
    // Before: «Мерзім 06.01.2027 күні өтті. Мерзім 2027 жылғы күнтізбенің … басқа болған болуы мүмкін.» in the header,
    // and the same caveat again under the events, for the same deadline.
    await withBot([ADMIN], "2026-12-30T10:00:00+05:00", async (w) => {
      await joinStaff(w.h, ADMIN, STAFF, "ru");
      const applicant = w.h.user(APPLICANT, "kk");
      await fileNotice(applicant, "kk");
      await handIn(applicant, "kk");
      await runJobsAt(w, "2027-01-07T00:00:01+05:00");
      await applicant.send("/cases");
      const view = texts(await applicant.press(BUTTONS.kk.open))[0]!;
      expect(view).toContain("\nМерзім 06.01.2027 күні өтті.*\n");
      expect(view.endsWith(`\n\n30.12.2026 — өтініш сақталды\n30.12.2026 — ұйым өтінішті алды\n06.01.2027 — комиссияны құру мерзімі өтті*\n\n*${EXPIRED.kk}`)).toBe(true);
      expect(view.split(EXPIRED.kk).length - 1).toBe(1);
    });
  });
});

describe("a deadline counted through two years whose calendars are not checked (2027 and 2028)", () => {
  // Before: a notice received on 29.12.2027, its commission due on 05.01.2028 (30 and 31 December; 1–4 January off; 5
  // January), was said to be counted «по календарю 2027 года» / «2027 жылғы күнтізбенің» — 2028's days, its New Year
  // days off among them, not named. Now the caveat names both years.
  const N28 = "KZ-2027-000001";
  const BOTH = {
    ru: " Срок посчитан по календарям 2027 и 2028 годов, известным на сегодня: если Правительство утвердит переносы выходных дней или уточнятся даты праздников, он может измениться — тогда бот сообщит новый срок.",
    kk: " Мерзім 2027 және 2028 жылдардың бүгін белгілі күнтізбелері бойынша есептелді: Үкімет демалыс күндерін ауыстыруды бекітсе немесе мереке күндері нақтыланса, ол өзгеруі мүмкін — онда бот жаңа мерзімді хабарлайды.",
  };

  it("handed in on 29.12.2027 as the applicant says (ru), staff told (kk): both name 2027 and 2028, in the messages and in /cases and /inbox", async () => {
    await withBot([ADMIN], "2027-12-20T10:00:00+05:00", async ({ h, at }) => {
      const staff = await joinStaff(h, ADMIN, STAFF, "kk");
      const applicant = h.user(APPLICANT, "ru");
      await fileNotice(applicant, "ru");
      at("2027-12-29T12:00:00+05:00");
      const said = await handIn(applicant, "ru", "29.12.2027");
      expect(textsTo(said, APPLICANT)[0]).toBe(
        `Записано: вы передали обращение ${N28} в организацию 29.12.2027. В течение 3 рабочих дней после получения организация должна сформировать независимую экспертную комиссию — до конца дня 05.01.2028.${BOTH.ru} Если срок пройдёт, а записи о комиссии не будет, я сообщу.`,
      );
      expect(textsTo(said, STAFF)).toEqual([
        `${N28} ісі: өтініш беруші өтінішті ұйымға 29.12.2027 күні тапсырғанын хабарлайды. Тәуелсіз сараптама комиссиясын құруға берілетін 3 жұмыс күнін бот келесі жұмыс күнінен бастап есептейді — 05.01.2028 күнінің соңына дейін.${BOTH.kk}`,
      ]);
      // The applicant's /cases and staff's /inbox say the same of the deadline: «*», and the caveat once at the end.
      expect(texts(await applicant.send("/cases"))[0]!.endsWith(`Срок: до конца дня 05.01.2028 (осталось 3 рабочих дня).*\n\n*${BOTH.ru}`)).toBe(true);
      expect(texts(await staff.send("/inbox"))[0]!.endsWith(`Мерзімі: 05.01.2028 күнінің соңына дейін (3 жұмыс күні қалды).*\n\n*${BOTH.kk}`)).toBe(true);
    });
  });

  it("the last day's reminder (kk staff), the overdue notice (ru applicant) and the complaint drafted after it name both years too", async () => {
    // Before: these three counted the note from the deadline's own day, so named 2028 alone («по календарю 2028 года»).
    await withBot([ADMIN], "2027-12-20T10:00:00+05:00", async (w) => {
      await joinStaff(w.h, ADMIN, STAFF, "kk");
      const applicant = w.h.user(APPLICANT, "ru");
      await fileNotice(applicant, "ru");
      w.at("2027-12-29T12:00:00+05:00");
      await handIn(applicant, "ru", "29.12.2027");
      const today = textsTo(await runJobsAt(w, "2028-01-05T09:00:00+05:00"), STAFF);
      expect(today.filter((t) => t.startsWith(`${N28} ісі (`) && t.includes("бүгін, 05.01.2028 күнінің соңына дейін құру керек.") && t.endsWith(BOTH.kk))).toHaveLength(1);
      const EXPIRED_BOTH_RU =
        " Срок посчитан по календарям 2027 и 2028 годов, известным на сегодня: если Правительство утвердит переносы выходных дней или уточнятся даты праздников, фактический срок мог оказаться другим.";
      const overdue = textsTo(await runJobsAt(w, "2028-01-06T00:00:01+05:00"), APPLICANT);
      expect(overdue.filter((t) => t.startsWith(`Дело ${N28}: срок формирования независимой экспертной комиссии истёк 05.01.2028, а записи о том, что комиссия сформирована, в боте нет.${EXPIRED_BOTH_RU}\n\n`))).toHaveLength(1);
      w.at("2028-01-06T10:00:00+05:00");
      await applicant.press("Подготовить жалобу");
      await applicant.press("Департамент Комитета");
      const drafted = texts(await giveParticulars(applicant))[0]!;
      expect(drafted).toContain(`(3 рабочих дня с получения обращения организацией) — мне не сообщено.${EXPIRED_BOTH_RU}`);
    });
  });

  it("recorded only on 06.01.2028, after its deadline: the caveat for a deadline already passed names both years too (ru, kk)", async () => {
    await withBot([ADMIN], "2027-12-20T10:00:00+05:00", async ({ h, at }) => {
      const staff = await joinStaff(h, ADMIN, STAFF, "ru");
      const applicant = h.user(APPLICANT, "kk");
      await fileNotice(applicant, "kk");
      at("2028-01-06T12:00:00+05:00");
      const said = await recordReceipt(staff, "ru", N28, "01-12/345", "29.12.2027");
      expect(textsTo(said, STAFF)[0]).toContain(
        "05.01.2028. Срок посчитан по календарям 2027 и 2028 годов, известным на сегодня: если Правительство утвердит переносы выходных дней или уточнятся даты праздников, фактический срок мог оказаться другим.",
      );
      expect(textsTo(said, APPLICANT).join("\n")).toContain(
        " Мерзім 2027 және 2028 жылдардың бүгін белгілі күнтізбелері бойынша есептелді: Үкімет демалыс күндерін ауыстыруды бекітсе немесе мереке күндері нақтыланса, нақты мерзім басқа болған болуы мүмкін.",
      );
    });
  });

  it("its deadline of 05.01.2028 passed, the commission formed on 06.01.2028: the case's timeline (kk) and the history (ru) name both years too", async () => {
    await withBot([ADMIN], "2027-12-29T10:00:00+05:00", async (w) => {
      const staff = await joinStaff(w.h, ADMIN, STAFF, "ru");
      const applicant = w.h.user(APPLICANT, "kk");
      await fileNotice(applicant, "kk");
      await handIn(applicant, "kk");
      await runJobsAt(w, "2028-01-06T00:00:01+05:00");
      w.at("2028-01-06T10:00:00+05:00");
      await staff.send("/inbox");
      await staff.press(`Открыть ${N28}`);
      await staff.press(BUTTONS.ru.formed);
      await staff.press(BUTTONS.ru.confirm);
      await applicant.send("/cases");
      const view = texts(await applicant.press(`${N28} ісін ашу`))[0]!;
      expect(view).toContain("05.01.2028 — комиссияны құру мерзімі өтті**\n");
      expect(
        view.endsWith(
          "\n\n** Мерзім 2027 және 2028 жылдардың бүгін белгілі күнтізбелері бойынша есептелді: Үкімет демалыс күндерін ауыстыруды бекітсе немесе мереке күндері нақтыланса, нақты мерзім басқа болған болуы мүмкін.",
        ),
      ).toBe(true);
      const k = await w.t.db.prisma.case.findFirstOrThrow();
      const content = (await historyContent({ prisma: w.t.db.prisma, i18n: w.h.i18n, timeZone: "Asia/Almaty", now: () => new Date("2028-01-06T10:00:00+05:00") }, k.id, "ru"))!;
      expect(Object.fromEntries(content.pdf.lines)["События"]).toBe(
        "29.12.2027 — обращение сохранено\n29.12.2027 — организация получила обращение\n05.01.2028 — истёк срок формирования комиссии*\n06.01.2028 — комиссия сформирована\n\n* Срок посчитан по календарям 2027 и 2028 годов, известным на сегодня: если Правительство утвердит переносы выходных дней или уточнятся даты праздников, фактический срок мог оказаться другим.",
      );
      // A long case's view shows only its latest events: the receipt scrolled out of it, the note still counts from it.
      const overdue = (await w.t.db.prisma.caseEvent.findMany({ where: { caseId: k.id, kind: "formation_overdue" } })).map((event) => ({ event }));
      const { notes } = timelineFootnotes(overdue, k.answers);
      expect(notes.map((n) => localParam(w.h.i18n, "ru", n))).toEqual([
        "* Срок посчитан по календарям 2027 и 2028 годов, известным на сегодня: если Правительство утвердит переносы выходных дней или уточнятся даты праздников, фактический срок мог оказаться другим.",
      ]);
    });
  });

  it("recorded by staff (ru) as received on 29.12.2027, the applicant told (kk): both name 2027 and 2028", async () => {
    await withBot([ADMIN], "2027-12-20T10:00:00+05:00", async ({ h, at }) => {
      const staff = await joinStaff(h, ADMIN, STAFF, "ru");
      const applicant = h.user(APPLICANT, "kk");
      await fileNotice(applicant, "kk");
      at("2027-12-29T12:00:00+05:00");
      const said = await recordReceipt(staff, "ru", N28, "01-12/345", "29.12.2027");
      expect(textsTo(said, STAFF)[0]).toBe(
        `Записано: обращение ${N28} получено организацией 29.12.2027 (рег. № 01-12/345). Независимую экспертную комиссию нужно сформировать до конца дня 05.01.2028 (3 рабочих дня).${BOTH.ru} Участники дела уведомлены.`,
      );
      expect(textsTo(said, APPLICANT)).toEqual([
        `${N28} ісі: ұйым өтінішті 29.12.2027 күні алды (тіркеу № 01-12/345). Алғаннан кейін 3 жұмыс күні ішінде ол тәуелсіз сараптама комиссиясын құруы керек — 05.01.2028 күнінің соңына дейін.${BOTH.kk}`,
      ]);
    });
  });
});
