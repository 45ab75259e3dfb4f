// A relative's copy of the notice is made when sent: who may have it is asked again then, not only when they asked.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../bot/logger.js";
import { testBot, texts, type Harness, type TestUser } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { fileNotice } from "../helpers/notice.js";

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

const joinRelative = async (applicant: TestUser) => {
  await applicant.send("/cases");
  await applicant.press("KZ-2026-000001 ісін ашу");
  const invite = await applicant.press("Туысты шақыру");
  const link = /start=(c_[A-Za-z0-9_-]{32})/.exec(texts(invite)[0]!)![1]!;
  const relative = h.user(RELATIVE, "ru");
  await relative.send(`/start ${link}`);
  await relative.press("Супруг(а)");
  await relative.press("Согласен(на)");
  await relative.send("Сейтова Асель Нурлановна");
  return relative;
};

describe("a relative's copy of the notice", () => {
  it("whose send failed is sent on the next try while the applicant still shows it", async () => {
    const applicant = h.user(APPLICANT, "kk");
    await fileNotice(applicant, "kk");
    const relative = await joinRelative(applicant);
    await applicant.send("/cases");
    await applicant.press("KZ-2026-000001 ісін ашу");
    await applicant.press("Өтінішті туыстарға көрсету");
    h.fake.failNext.set("sendDocument", { crash: true, count: 1, chatId: RELATIVE });
    await relative.press("Обращение (PDF)");
    expect(h.fake.sent("sendDocument", RELATIVE)).toEqual([]);
    await h.runtime.runJobs(new Date(), h.bot.api, log);
    await h.runtime.idle();
    expect(h.fake.sent("sendDocument", RELATIVE).map((c) => c.file?.filename)).toEqual(["KZ-2026-000001.pdf"]);
  });

  it("is not sent once the applicant stopped showing it, though the relative asked for it before (its send had failed)", async () => {
    const applicant = h.user(APPLICANT, "kk");
    await fileNotice(applicant, "kk");
    const relative = await joinRelative(applicant);
    await applicant.send("/cases");
    await applicant.press("KZ-2026-000001 ісін ашу");
    await applicant.press("Өтінішті туыстарға көрсету");
    // The relative asks for the PDF; Telegram does not take it this time (kept for a later try).
    h.fake.failNext.set("sendDocument", { crash: true, count: 1, chatId: RELATIVE });
    await relative.press("Обращение (PDF)");
    expect(h.fake.sent("sendDocument", RELATIVE)).toEqual([]);
    // The applicant stops showing the notice to relatives (or removes this relative).
    await applicant.send("/cases");
    await applicant.press("KZ-2026-000001 ісін ашу");
    expect(texts(await applicant.press("Өтінішті туыстарға енді көрсетпеу"))[0]).toBe("KZ-2026-000001 ісі бойынша өтініш енді туыстарға көрсетілмейді.");
    // The next jobs run tries the kept row again.
    await h.runtime.runJobs(new Date(), h.bot.api, log);
    await h.runtime.idle();
    expect(h.fake.sent("sendDocument", RELATIVE).map((c) => c.file?.filename), "the patient's IIN, phone and description sent after sharing was withdrawn").toEqual([]);
  });
});
