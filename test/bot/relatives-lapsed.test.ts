// A relative's link that lapses with nobody having joined by it (journey J4; product.md: «missed notices»): the applicant,
// who believed their relative follows the case and will be invited to the sittings, is told once, in their language,
// with the button that makes a new link — and not told when it no longer matters or is not theirs to hear.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buttons, testBot, texts, textsTo as to, type TestUser } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { fileNotice, handIn } from "../helpers/notice.js";
import { runJobsAt, type World } from "../helpers/world.js";
import { createLogger } from "../../bot/logger.js";

const APPLICANT = 51;
const RELATIVE = 60;
/** Made at 10:00 on 23.11 (Almaty), it works until the end of 30.11: lapsed the morning after. */
const MADE = "2026-11-23T10:00:00+05:00";
const AFTER = "2026-12-01T09:00:00+05:00";
const LAPSED_KK =
  "KZ-2026-000001 ісі бойынша туысқа арналған сілтеменің (жасалды: 23.11.2026, 10:00) мерзімі өтті, ол бойынша ешкім қосылған жоқ. Сіз сілтеме жіберген адам боттан іс туралы хабарларды және комиссия отырыстарына шақыруларды алмайды. Оны шақыру үшін төмендегі батырмамен жаңа сілтеме жасаңыз.";
const LAPSED_RU =
  "Срок ссылки для родственника по делу KZ-2026-000001 (создана 23.11.2026, 10:00) истёк, а по ней никто не присоединился. Тот, кому вы её отправили, не получает от бота новостей о деле и приглашений на заседания комиссии. Чтобы пригласить его, создайте новую ссылку кнопкой ниже.";

const quiet = createLogger("silent");
let t: TestDb;
let w: World;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t.dispose());
beforeEach(async () => {
  await t.reset();
  let now = new Date(MADE);
  const h = await testBot(t.db, { adminIds: [], now: () => now });
  w = { t, h, at: (iso) => (now = new Date(iso)) };
});

/** An applicant in this language with a filed notice, KZ-2026-000001. */
const applicantWithCase = async (lang: "kk" | "ru") => {
  const u = w.h.user(APPLICANT, lang);
  await fileNotice(u, lang);
  return u;
};

/** The applicant makes a relative's link from the case's view; returns its /start payload. */
const makeLink = async (u: TestUser, lang: "kk" | "ru") => {
  await u.send("/cases");
  await u.press(lang === "kk" ? "KZ-2026-000001 ісін ашу" : "Открыть KZ-2026-000001");
  const invite = await u.press(lang === "kk" ? "Туысты шақыру" : "Пригласить родственника");
  return /start=(c_[A-Za-z0-9_-]{32})/.exec(texts(invite)[0]!)![1]!;
};

/**
 * The jobs due by the evening before the link lapses (the reminder to hand the notice in among them), then those due
 * the morning after: what the latter said to the applicant.
 */
const lapse = async (): Promise<string[]> => {
  const eve = to(await runJobsAt(w, "2026-11-30T20:00:00+05:00"), APPLICANT);
  // Still working the evening before: not said to have lapsed.
  expect(eve.filter((m) => m.includes("KZ-2026-000001 (создана") || m.includes("мерзімі өтті"))).toEqual([]);
  // Lapsed at midnight, said in the morning (at 09:00, as the bot's other reminders): not in the night.
  const night = to(await runJobsAt(w, "2026-12-01T08:59:00+05:00"), APPLICANT);
  expect(night.filter((m) => m.includes("KZ-2026-000001 (создана") || m.includes("мерзімі өтті"))).toEqual([]);
  return to(await runJobsAt(w, AFTER), APPLICANT);
};

/** Someone (ru) joins by a link as the patient's spouse. */
const join = async (id: number, link: string) => {
  const r = w.h.user(id, "ru");
  await r.send(`/start ${link}`);
  await r.press("Супруг(а)");
  await r.press("Согласен(на)");
  return r.send("Сейтова Асель Нурлановна");
};

describe("a relative's link lapses with nobody having joined by it", () => {
  it("the applicant (kk) is told once, which case and which link, with the button that makes a new link — which works", async () => {
    const u = await applicantWithCase("kk");
    await makeLink(u, "kk");
    expect(await lapse()).toEqual([LAPSED_KK]);
    expect(buttons(w.h.fake.calls)).toEqual(["Туысты шақыру"]);
    // The button: the case's own «invite a relative» — a new link, working for 7 days from now.
    const again = await u.press("Туысты шақыру");
    expect(to(again, APPLICANT)[0]).toMatch(/^KZ-2026-000001 ісі бойынша туысқа арналған сілтеме\. Оны шақыратын адамыңызға жіберіңіз: ол бір рет, 08\.12\.2026 күніне дейін жұмыс істейді\.\nhttps:\/\/t\.me\/\S+\?start=c_/);
    const link = /start=(c_[A-Za-z0-9_-]{32})/.exec(texts(again)[0]!)![1]!;
    expect(to(await join(RELATIVE, link), RELATIVE)[0]).toBe(
      "Вы присоединились к делу KZ-2026-000001. Вы будете получать приглашения на заседания комиссии, напоминания и новости о сроках. Сведения о деле: /cases",
    );
    // Not told again, however many runs later.
    expect(to(await runJobsAt(w, "2026-12-02T09:00:00+05:00"), APPLICANT)).toEqual([]);
  });

  it("the applicant (ru) is told in Russian, with the button in Russian", async () => {
    const u = await applicantWithCase("ru");
    await makeLink(u, "ru");
    expect(await lapse()).toEqual([LAPSED_RU]);
    expect(buttons(w.h.fake.calls)).toEqual(["Пригласить родственника"]);
  });

  it("two links lapsed unused: each is told, by when it was made", async () => {
    const u = await applicantWithCase("ru");
    await makeLink(u, "ru");
    w.at("2026-11-24T12:30:00+05:00");
    await makeLink(u, "ru");
    expect(await lapse()).toEqual([LAPSED_RU]);
    expect(to(await runJobsAt(w, "2026-12-02T09:00:00+05:00"), APPLICANT)).toEqual([LAPSED_RU.replace("23.11.2026, 10:00", "24.11.2026, 12:30")]);
  });

  it("two runs at once (two instances) tell it once, and a run after a restart does not tell it again", async () => {
    const u = await applicantWithCase("kk");
    await makeLink(u, "kk");
    await runJobsAt(w, "2026-11-30T20:00:00+05:00");
    const before = w.h.fake.calls.length;
    w.at(AFTER);
    await Promise.all([w.h.runtime.runJobs(new Date(AFTER), w.h.bot.api, quiet), w.h.runtime.runJobs(new Date(AFTER), w.h.bot.api, quiet)]);
    await w.h.runtime.idle();
    expect(to(w.h.fake.calls.slice(before), APPLICANT)).toEqual([LAPSED_KK]);
    expect(to(await runJobsAt(w, AFTER), APPLICANT)).toEqual([]);
    // A restart: a new bot on the same database says nothing of it either.
    let now = new Date("2026-12-01T09:05:00+05:00");
    const restarted = { t, h: await testBot(t.db, { adminIds: [], now: () => now }), at: (iso: string) => (now = new Date(iso)) };
    expect(to(await runJobsAt(restarted, "2026-12-01T09:05:00+05:00"), APPLICANT)).toEqual([]);
  });
});

describe("not told", () => {
  it("when someone joined by a later link after the message was written but before it went out (an instance stopped, then started again)", async () => {
    const u = await applicantWithCase("kk");
    await makeLink(u, "kk");
    w.at("2026-11-28T10:00:00+05:00");
    const later = await makeLink(u, "kk");
    await runJobsAt(w, "2026-11-30T20:00:00+05:00");
    // Instance «a» writes the message and stops before sending it.
    const a = await testBot(await t.another(), { adminIds: [], now: () => new Date(AFTER), instanceId: "a" });
    a.runtime.stopSending();
    await a.runtime.runJobs(new Date(AFTER), a.bot.api, quiet);
    expect(await t.db.prisma.outbox.count({ where: { sentAt: null, chatId: BigInt(APPLICANT), leasedBy: "a" } })).toBe(1);
    // Meanwhile the relative joins by the later link, through the other instance.
    w.at("2026-12-01T09:10:00+05:00");
    await join(RELATIVE, later);
    const a2 = await testBot(await t.another(), { adminIds: [], now: () => new Date("2026-12-01T09:15:00+05:00"), instanceId: "a" });
    await a2.runtime.flush(a2.bot.api, quiet);
    expect(to(a2.fake.calls, APPLICANT)).toEqual([]);
    expect(await t.db.prisma.outbox.count({ where: { sentAt: null } })).toBe(0);
  });

  it("when someone joined by it", async () => {
    const u = await applicantWithCase("kk");
    await join(RELATIVE, await makeLink(u, "kk"));
    expect(await lapse()).toEqual([]);
  });

  it("when someone joined the case by another link made after it: the relative is in", async () => {
    const u = await applicantWithCase("kk");
    await makeLink(u, "kk");
    w.at("2026-11-24T10:00:00+05:00");
    await join(RELATIVE, await makeLink(u, "kk"));
    expect(await lapse()).toEqual([]);
  });

  it("when the applicant revoked it", async () => {
    const u = await applicantWithCase("kk");
    await makeLink(u, "kk");
    await u.press("Сілтемені қайтарып алу");
    await u.press("Сілтемені қайтарып алу");
    expect(await lapse()).toEqual([]);
  });

  it("when the applicant withdrew consent (the notice handed in: the case stays)", async () => {
    const u = await applicantWithCase("kk");
    await handIn(u, "kk");
    await makeLink(u, "kk");
    await u.send("/privacy");
    await u.press("Келісімді кері қайтарып алу");
    await u.press("Иә, кері қайтарып аламын");
    expect((await t.db.prisma.case.findFirstOrThrow()).status).toBe("received");
    expect(await lapse()).toEqual([]);
  });

  it("when its maker is no longer the case's applicant", async () => {
    const u = await applicantWithCase("kk");
    await makeLink(u, "kk");
    await t.db.prisma.caseParticipant.updateMany({ where: { userId: BigInt(APPLICANT), role: "applicant" }, data: { removedAt: new Date("2026-11-25T10:00:00+05:00") } });
    expect(await lapse()).toEqual([]);
  });

  it("when the case was closed", async () => {
    const u = await applicantWithCase("kk");
    await makeLink(u, "kk");
    await t.db.prisma.case.update({ where: { number: "KZ-2026-000001" }, data: { status: "settled", closedAt: new Date("2026-11-26T10:00:00+05:00") } });
    expect(await lapse()).toEqual([]);
  });

  it("when the case was anonymised", async () => {
    const u = await applicantWithCase("kk");
    await makeLink(u, "kk");
    await t.db.prisma.case.update({ where: { number: "KZ-2026-000001" }, data: { anonymisedAt: new Date("2026-11-26T10:00:00+05:00") } });
    expect(await lapse()).toEqual([]);
  });

});
