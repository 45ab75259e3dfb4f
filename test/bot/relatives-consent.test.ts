// A relative's consent to personal-data processing (law.md §7: recorded with the time and the version of the text
// shown). A relative is shown their own text when they join a case; a notice asks the applicant's. Each test failed
// on the code before its fix.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buttons, testBot, texts, textsTo as to, type Harness, type TestUser } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { commissionFormed } from "../helpers/staff.js";
import type { Call } from "../../bot/local/fake-api.js";

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
const RELATIVE_RU = 60;
const RELATIVE_KK = 61;
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

/** The applicant's (kk) fresh relative link (the /start payload). */
const relativeLink = async (applicant: TestUser) => {
  await applicant.send("/cases");
  await applicant.press("KZ-2026-000001 ісін ашу");
  const invite = await applicant.press("Туысты шақыру");
  return /start=(c_[A-Za-z0-9_-]{32})/.exec(texts(invite)[0]!)![1]!;
};

/** Someone opens a relative's link in their language and joins as the patient's spouse. */
const join = async (u: TestUser, link: string, lang: "kk" | "ru") => {
  await u.send(`/start ${link}`);
  await u.press(lang === "ru" ? "Супруг(а)" : "Пациенттің жұбайы");
  await u.press(lang === "ru" ? "Согласен(на)" : "Келісемін");
  await u.send("Сейтова Асель Нурлановна");
};

/** /mydata's summary message. */
const summaryOf = (calls: Call[], chatId: number) => texts(calls.filter((c) => c.payload.chat_id === chatId && c.method === "sendMessage"))[0]!;

describe("a relative's consent is recorded with the relative's text", () => {
  it("the version of the text they were shown, not the applicant's; /mydata names it in words, in both languages", async () => {
    const { applicant } = await commissionFormed(h, ADMIN, STAFF, APPLICANT);
    const relativeText = h.i18n.versionOf("relatives.consent");
    const applicantText = h.i18n.versionOf("privacy.consent");
    expect(relativeText).not.toBe(applicantText);

    for (const [id, lang] of [[RELATIVE_RU, "ru"], [RELATIVE_KK, "kk"]] as const) {
      const u = h.user(id, lang);
      await join(u, await relativeLink(applicant), lang);
      const row = await t.db.prisma.user.findUniqueOrThrow({ where: { id: BigInt(id) } });
      expect({ version: row.consentVersion, text: row.consentText }).toEqual({ version: relativeText, text: "relative" });
      const events = await t.db.prisma.consentEvent.findMany({ where: { userId: BigInt(id) } });
      expect(events.map((e) => ({ kind: e.kind, version: e.version, text: e.text }))).toEqual([{ kind: "given", version: relativeText, text: "relative" }]);
      const summary = summaryOf(await u.send("/mydata"), id);
      // Named in words (when, and that it is the text /privacy shows them now — the relative's), not by its version.
      expect(summary).toMatch(
        lang === "ru"
          ? /• согласие на обработку персональных данных: дано \d\d\.\d\d\.\d{4}, \d\d:\d\d \(время Казахстана\) — как родственником, который следит за делом, на текст, который сейчас показывает \/privacy\n/
          : /• дербес деректерді өңдеуге келісім: \d\d\.\d\d\.\d{4}, \d\d:\d\d \(Қазақстан уақыты\) істі бақылайтын туыс ретінде берілген; мәтіні — қазір \/privacy көрсететін мәтін\n/,
      );
    }
    // The applicant's consent is the applicant's text's.
    const own = await t.db.prisma.user.findUniqueOrThrow({ where: { id: BigInt(APPLICANT) } });
    expect({ version: own.consentVersion, text: own.consentText }).toEqual({ version: applicantText, text: "applicant" });
    expect(summaryOf(await applicant.send("/mydata"), APPLICANT)).toMatch(/• дербес деректерді өңдеуге келісім: \d\d\.\d\d\.\d{4}, \d\d:\d\d \(Қазақстан уақыты\) өтініш беру үшін берілген; мәтіні — қазір \/privacy көрсететін мәтін\n/);
  });
});

describe("words typed at a relative's consent question", () => {
  it("are answered «choose one of the buttons» and the question's last line with its buttons — not «не понял», not the whole text again — in either language; nothing is recorded until a button", async () => {
    const { applicant } = await commissionFormed(h, ADMIN, STAFF, APPLICANT);
    for (const [id, lang, typed, hint, question, agree] of [
      [RELATIVE_RU, "ru", "да", "Выберите, пожалуйста, одну из кнопок ниже.", "Согласны ли вы на обработку персональных данных по Закону «О персональных данных и их защите» (21 мая 2013 года № 94-V)?", "Согласен(на)"],
      [RELATIVE_KK, "kk", "иә", "Төмендегі батырмалардың бірін таңдаңыз.", "«Дербес деректер және оларды қорғау туралы» Заңға (2013 жылғы 21 мамырдағы № 94-V) сәйкес дербес деректеріңізді өңдеуге келісесіз бе?", "Келісемін"],
    ] as const) {
      const u = h.user(id, lang);
      await u.send(`/start ${await relativeLink(applicant)}`);
      const asked = to(await u.press(lang === "ru" ? "Супруг(а)" : "Пациенттің жұбайы"), id).at(-1)!;
      const answered = await u.send(typed);
      expect(to(answered, id)).toEqual([hint, question]);
      expect(buttons(answered)).toEqual([agree, lang === "ru" ? "Не согласен(на)" : "Келіспеймін"]);
      // The same question as the relative's text ends with.
      expect(asked.endsWith(`\n\n${question}`)).toBe(true);
      expect((await t.db.prisma.user.findUniqueOrThrow({ where: { id: BigInt(id) } })).consentAt).toBeNull();
      await u.press(agree);
      expect((await t.db.prisma.user.findUniqueOrThrow({ where: { id: BigInt(id) } })).consentAt).not.toBeNull();
    }
  });
});

describe("an edited message or /help at a relative's consent question", () => {
  it("get what they get anywhere, then only the question's last line with its buttons — not the whole relative's text again", async () => {
    const { applicant } = await commissionFormed(h, ADMIN, STAFF, APPLICANT);
    const u = h.user(RELATIVE_KK, "kk");
    await u.send(`/start ${await relativeLink(applicant)}`);
    await u.press("Пациенттің жұбайы");
    const question = "«Дербес деректер және оларды қорғау туралы» Заңға (2013 жылғы 21 мамырдағы № 94-V) сәйкес дербес деректеріңізді өңдеуге келісесіз бе?";
    const edited = await u.edit(1, "иә");
    expect(to(edited, RELATIVE_KK)).toEqual(["Жіберілген хабарламаға кейін енгізілген өзгерістер ботқа жетпейді: бот оның алғашқы нұсқасын ғана алды.", question]);
    expect(buttons(edited)).toEqual(["Келісемін", "Келіспеймін"]);
    const help = await u.send("/help");
    expect(to(help, RELATIVE_KK).at(-1)).toBe(question);
    expect(buttons(help)).toEqual(["Келісемін", "Келіспеймін"]);
    expect((await t.db.prisma.user.findUniqueOrThrow({ where: { id: BigInt(RELATIVE_KK) } })).consentAt).toBeNull();
    expect(to(await u.press("Келісемін"), RELATIVE_KK)[0]).toBe("Рақмет. Келісіміңіз жазылды.");
  });
});

describe("a relative who starts a notice is asked the applicant's consent first", () => {
  it("/notice: told why, shown the applicant's text; declining starts nothing and keeps the relative's consent; agreeing records it and the notice begins", async () => {
    const { applicant } = await commissionFormed(h, ADMIN, STAFF, APPLICANT);
    const u = h.user(RELATIVE_RU, "ru");
    await join(u, await relativeLink(applicant), "ru");
    const relativeText = h.i18n.versionOf("relatives.consent");
    const ru = h.i18n.t("ru");

    const privacyBefore = await u.send("/privacy");
    // Its status with the one button to withdraw it, then the way on (the home, since 45ed433).
    expect(to(privacyBefore, RELATIVE_RU)).toEqual([ru("relatives.consent"), ru("privacy.statusGivenRelative"), "Что сделаем? Команды есть и в меню (/)."]);
    expect(buttons(privacyBefore.filter((c) => c.method === "sendMessage").slice(0, 2))).toEqual(["Отозвать согласие"]);

    const asked = await u.send("/notice");
    expect(to(asked, RELATIVE_RU)).toEqual([
      "Ваше согласие как родственника, который следит за делом, не распространяется на обращение: в нём будут данные пациента, медицинские сведения и ваш телефон. Прочитайте, пожалуйста, текст ниже.",
      ru("privacy.consent"),
    ]);
    expect(buttons(asked)).toEqual(["Согласен(на)", "Не согласен(на)"]);

    const declined = await u.press("Не согласен(на)");
    expect(to(declined, RELATIVE_RU)[0]).toBe(
      "Понимаю. Без этого согласия я не могу принять обращение, поэтому оно не начато. Ваше согласие как родственника, который следит за делом, остаётся в силе. Если передумаете, отправьте /notice ещё раз.",
    );
    const row = async () => t.db.prisma.user.findUniqueOrThrow({ where: { id: BigInt(RELATIVE_RU) } });
    expect(await row()).toMatchObject({ consentText: "relative", consentVersion: relativeText, consentWithdrawnAt: null });
    const stack = async () => JSON.stringify((await t.db.prisma.chatState.findUnique({ where: { chatId: BigInt(RELATIVE_RU) } }))?.stack ?? null);
    expect(await stack()).not.toContain("notice");
    // Still on the case as a relative.
    expect(await t.db.prisma.caseParticipant.count({ where: { userId: BigInt(RELATIVE_RU), role: "relative", removedAt: null } })).toBe(1);

    await u.send("/notice");
    const agreed = await u.press("Согласен(на)");
    expect(to(agreed, RELATIVE_RU).slice(0, 2)).toEqual(["Спасибо. Ваше согласие записано.", expect.stringContaining("Кем вы приходитесь пациенту?")]);
    expect(await row()).toMatchObject({ consentText: "applicant", consentVersion: h.i18n.versionOf("privacy.consent") });
    const events = await t.db.prisma.consentEvent.findMany({ where: { userId: BigInt(RELATIVE_RU) }, orderBy: { id: "asc" } });
    expect(events.map((e) => [e.kind, e.text, e.version])).toEqual([
      ["given", "relative", relativeText],
      ["given", "applicant", h.i18n.versionOf("privacy.consent")],
    ]);
    // Asked once: a notice begun again asks no consent.
    await u.send("/cancel");
    expect(to(await u.send("/notice"), RELATIVE_RU).join("\n")).not.toContain(ru("privacy.consent"));
  });
});

describe("a notice a relative began before the two consents were told apart", () => {
  it("goes no further until the applicant's consent is given: told why, the draft kept; agreeing, its question again", async () => {
    // Before: a draft past the consent question (begun when a relative's consent let one into a notice) went on to
    // Submit — the patient's IIN, medical details and a phone taken under a consent to the relative's text only.
    const { applicant } = await commissionFormed(h, ADMIN, STAFF, APPLICANT);
    const u = h.user(RELATIVE_RU, "ru");
    await join(u, await relativeLink(applicant), "ru");
    // The old bot: the consent counted for a notice — recorded as the applicant's text, the notice begun.
    await t.db.prisma.user.update({ where: { id: BigInt(RELATIVE_RU) }, data: { consentText: "applicant" } });
    const old = await testBot(t.db, { adminIds: [ADMIN], now: () => new Date("2026-11-23T10:00:00+05:00") });
    const before = old.user(RELATIVE_RU, "ru");
    await before.send("/notice");
    await before.press("Близкий родственник");
    await before.press("Подтверждаю");
    // The migration marks them a relative only; the new bot starts.
    await t.db.prisma.user.update({ where: { id: BigInt(RELATIVE_RU) }, data: { consentText: "relative" } });
    const now = (await testBot(t.db, { adminIds: [ADMIN], now: () => new Date("2026-11-23T10:00:00+05:00") })).user(RELATIVE_RU, "ru");
    const ru = h.i18n.t("ru");
    const gate = [
      "Ваше согласие как родственника, который следит за делом, не распространяется на обращение: в нём будут данные пациента, медицинские сведения и ваш телефон. Прочитайте, пожалуйста, текст ниже.",
      ru("privacy.consent"),
    ];
    const typed = await now.send("Әсел Нұрланқызы Серікова");
    expect(to(typed, RELATIVE_RU)).toEqual(gate);
    expect(buttons(typed)).toEqual(["Согласен(на)", "Не согласен(на)"]);
    expect(to(await now.send("/notice"), RELATIVE_RU)).toEqual(gate);
    const agreed = await now.press("Согласен(на)");
    expect(to(agreed, RELATIVE_RU)).toEqual(["Спасибо. Ваше согласие записано.", expect.stringMatching(/^2\/11 · /)]);
    expect(await t.db.prisma.user.findUniqueOrThrow({ where: { id: BigInt(RELATIVE_RU) } })).toMatchObject({ consentText: "applicant" });
    // The draft goes on from where it was: the name is taken.
    expect(to(await now.send("Әсел Нұрланқызы Серікова"), RELATIVE_RU).at(-1)).toMatch(/^3\/11 · /);
  });
});

describe("a notice a relative began before the two consents were told apart, asked again", () => {
  /** The old bot's draft (as above): begun under a relative's consent taken for the applicant's, past its first question. */
  const oldDraft = async (id: number, lang: "kk" | "ru") => {
    const { applicant } = await commissionFormed(h, ADMIN, STAFF, APPLICANT);
    await join(h.user(id, lang), await relativeLink(applicant), lang);
    await t.db.prisma.user.update({ where: { id: BigInt(id) }, data: { consentText: "applicant" } });
    const old = (await testBot(t.db, { adminIds: [ADMIN], now: () => new Date("2026-11-23T10:00:00+05:00") })).user(id, lang);
    await old.send("/notice");
    await old.press(lang === "ru" ? "Близкий родственник" : "Пациенттің жақын туысы");
    await old.press(lang === "ru" ? "Подтверждаю" : "Растаймын");
    await t.db.prisma.user.update({ where: { id: BigInt(id) }, data: { consentText: "relative" } });
    return (await testBot(t.db, { adminIds: [ADMIN], now: () => new Date("2026-11-23T10:00:00+05:00") })).user(id, lang);
  };

  it("gets the whole text once, then, as at every consent question, only its last line with its buttons — «choose one of the buttons» first for words or a sticker (ru, kk)", async () => {
    // Before: «Ваше согласие как родственника… не распространяется на обращение» and the whole consent text again at
    // every message, burying the two buttons.
    for (const [id, lang, typed, hint, question, agree, decline] of [
      [RELATIVE_RU, "ru", "Серикова Асель", "Выберите, пожалуйста, одну из кнопок ниже.", "Согласны ли вы на обработку персональных данных по Закону «О персональных данных и их защите» (21 мая 2013 года № 94-V)?", "Согласен(на)", "Не согласен(на)"],
      [RELATIVE_KK, "kk", "Серікова Әсел", "Төмендегі батырмалардың бірін таңдаңыз.", "«Дербес деректер және оларды қорғау туралы» Заңға (2013 жылғы 21 мамырдағы № 94-V) сәйкес дербес деректерді өңдеуге келісесіз бе?", "Келісемін", "Келіспеймін"],
    ] as const) {
      await t.reset();
      h = await testBot(t.db, { adminIds: [ADMIN], now: () => new Date("2026-11-23T10:00:00+05:00") });
      const u = await oldDraft(id, lang);
      const l = h.i18n.t(lang);
      const whole = [l("privacy.applicantNeeded"), l("privacy.consent")];
      const first = await u.send(typed);
      expect(to(first, id)).toEqual(whole);
      expect(buttons(first)).toEqual([agree, decline]);
      // The text ends with the question asked in short.
      expect(whole[1]!.endsWith(`\n\n${question}`)).toBe(true);
      for (const again of [await u.send(typed), await u.sticker()]) {
        expect(to(again, id)).toEqual([hint, question]);
        expect(buttons(again)).toEqual([agree, decline]);
      }
      // /help: the help, then the question's last line (it is on screen).
      const help = await u.send("/help");
      expect(to(help, id).at(-1)).toBe(question);
      expect(buttons(help)).toEqual([agree, decline]);
      // /notice shows it anew, as the notice's own consent question does: the whole text.
      expect(to(await u.send("/notice"), id)).toEqual(whole);
      expect((await t.db.prisma.user.findUniqueOrThrow({ where: { id: BigInt(id) } })).consentText).toBe("relative");
      // Agreed: the draft goes on from its question.
      expect(to(await u.press(agree), id)).toEqual([l("privacy.thanks"), expect.stringMatching(/^2\/11 · /)]);
    }
  });
});


describe("a relative's consent in Kazakh: the menu's notice button, /privacy and withdrawal", () => {
  it("the menu's «Өтініш беру» asks the applicant's consent; /privacy shows the relative's text; withdrawing it works", async () => {
    const { applicant } = await commissionFormed(h, ADMIN, STAFF, APPLICANT);
    const u = h.user(RELATIVE_KK, "kk");
    await join(u, await relativeLink(applicant), "kk");
    const kk = h.i18n.t("kk");

    await u.send("/menu");
    const asked = await u.press("Өтініш беру");
    expect(to(asked, RELATIVE_KK)).toEqual([
      "Істі бақылайтын туыс ретінде берген келісіміңіз өтінішке қолданылмайды: онда пациенттің деректері, медициналық мәліметтер және сіздің телефоныңыз болады. Төмендегі мәтінді оқып шығыңыз.",
      kk("privacy.consent"),
    ]);
    expect(buttons(asked)).toEqual(["Келісемін", "Келіспеймін"]);
    expect(to(await u.press("Келіспеймін"), RELATIVE_KK)[0]).toBe(kk("privacy.declinedNotice"));

    const privacy = await u.send("/privacy");
    expect(to(privacy, RELATIVE_KK)).toEqual([
      kk("relatives.consent"),
      "Сіз бұл мәтінге істі бақылайтын туыс ретінде келісім бердіңіз. Өз өтінішіңізді беру үшін өтінішке арналған деректерді өңдеуге келісім қажет: оны өтініштің басында сұраймын.",
      "Не істейміз? Командалар (/) мәзірінде де бар.",
    ]);
    await u.press("Келісімді кері қайтарып алу");
    await u.press("Иә, кері қайтарып аламын");
    const withdrawn = await t.db.prisma.user.findUniqueOrThrow({ where: { id: BigInt(RELATIVE_KK) } });
    expect([withdrawn.consentText, withdrawn.consentWithdrawnAt !== null]).toEqual(["relative", true]);
    expect(await t.db.prisma.caseParticipant.count({ where: { userId: BigInt(RELATIVE_KK), removedAt: null } })).toBe(0);
    // Given again from /privacy: the text shown there then is the applicant's, and that is what is recorded.
    const again = await u.send("/privacy");
    expect(to(again, RELATIVE_KK)[0]).toBe(kk("privacy.consent"));
    await u.press("Келісемін");
    expect(await t.db.prisma.user.findUniqueOrThrow({ where: { id: BigInt(RELATIVE_KK) } })).toMatchObject({ consentText: "applicant", consentVersion: h.i18n.versionOf("privacy.consent"), consentWithdrawnAt: null });
  });
});
