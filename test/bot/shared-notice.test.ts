// A relative's copy of the notice is made when sent: who may have it is asked again then, not only when they asked.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../bot/logger.js";
import { testBot, texts, type Harness } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { fileNotice, handIn, joinRelative } from "../helpers/notice.js";

const APPLICANT = 51;
const RELATIVE = 60;
const log = createLogger("silent");
let t: TestDb;
let h: Harness;
const NOW = new Date("2026-11-23T10:00:00+05:00");
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t.dispose());
beforeEach(async () => {
  await t.reset();
  h = await testBot(t.db, { now: () => NOW });
});


/** The applicant shows the notice to a relative, who asks for it; Telegram does not take it this time (kept for a later try). */
const askedAndKept = async () => {
  const applicant = h.user(APPLICANT, "kk");
  await fileNotice(applicant, "kk");
  const relative = await joinRelative(h, applicant, RELATIVE);
  await applicant.send("/cases");
  await applicant.press("KZ-2026-000001 ісін ашу");
  await applicant.press("Өтінішті туыстарға көрсету");
  h.fake.failNext.set("sendDocument", { crash: true, count: 1, chatId: RELATIVE });
  await relative.press("Обращение (PDF)");
  expect(h.fake.sent("sendDocument", RELATIVE)).toEqual([]);
  return applicant;
};
/** The next jobs run tries the kept row again: the relative's PDFs, by file name. */
const retried = async () => {
  await h.runtime.runJobs(new Date(), h.bot.api, log);
  await h.runtime.idle();
  return h.fake.sent("sendDocument", RELATIVE).map((c) => c.file?.filename);
};

describe("a relative's copy of the notice", () => {
  it("whose send failed is sent on the next try while the applicant still shows it", async () => {
    await askedAndKept();
    expect(await retried()).toEqual(["KZ-2026-000001.pdf"]);
  });

  it("is not sent once the applicant stopped showing it, though the relative asked for it before (its send had failed)", async () => {
    const applicant = await askedAndKept();
    // The applicant stops showing the notice to relatives (or removes this relative).
    await applicant.send("/cases");
    await applicant.press("KZ-2026-000001 ісін ашу");
    expect(texts(await applicant.press("Туыстарға енді көрсетпеу"))[0]).toBe("KZ-2026-000001 ісі бойынша өтініш енді туыстарға көрсетілмейді.");
    expect(await retried(), "the patient's IIN, phone and description sent after sharing was withdrawn").toEqual([]);
  });

  it("is no longer given to relatives once the applicant withdrew consent: the withdrawal stops the showing (law.md §7)", async () => {
    const applicant = h.user(APPLICANT, "kk");
    await fileNotice(applicant, "kk");
    // Handed in: the notice stays in the case for the procedure after the withdrawal (not erased).
    await handIn(applicant, "kk");
    const relative = await joinRelative(h, applicant, RELATIVE);
    await applicant.send("/cases");
    await applicant.press("KZ-2026-000001 ісін ашу");
    await applicant.press("Өтінішті туыстарға көрсету");
    await applicant.send("/privacy");
    await applicant.press("Келісімді кері қайтарып алу");
    await applicant.press("Иә, кері қайтарып аламын");
    // The relative's button from the message that offered the notice, pressed after the withdrawal.
    expect(texts(await relative.press("Обращение (PDF)"))[0]).toBe("Заявитель сейчас не показывает родственникам обращение по делу KZ-2026-000001.");
    await h.runtime.idle();
    expect(h.fake.sent("sendDocument", RELATIVE), "the patient's IIN, phone and description sent after consent was withdrawn").toEqual([]);
  });
});
