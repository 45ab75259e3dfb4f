// A relative's consent to personal-data processing (law.md §7: recorded with the time and the version of the text
// shown). A relative is shown their own text when they join a case; a notice asks the applicant's. Each test failed
// on the code before its fix.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { testBot, texts, type Harness, type TestUser } from "../helpers/bot.js";
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
  it("the version of the text they were shown, not the applicant's; /mydata names it, in both languages", async () => {
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
      expect(summary).toContain(
        lang === "ru"
          ? `• согласие на обработку персональных данных: дано — как родственником, который следит за делом (версия текста ${relativeText})`
          : `• дербес деректерді өңдеуге келісім: берілген — істі бақылайтын туыс ретінде (мәтін нұсқасы ${relativeText})`,
      );
    }
    // The applicant's consent is the applicant's text's.
    const own = await t.db.prisma.user.findUniqueOrThrow({ where: { id: BigInt(APPLICANT) } });
    expect({ version: own.consentVersion, text: own.consentText }).toEqual({ version: applicantText, text: "applicant" });
    expect(summaryOf(await applicant.send("/mydata"), APPLICANT)).toContain(`• дербес деректерді өңдеуге келісім: берілген — өтініш беру үшін (мәтін нұсқасы ${applicantText})`);
  });
});
