// A registered organisation has a name in Kazakh and one in Russian: each reader reads it in their language,
// whatever language the applicant filed in — the mediator, an admin choosing a case, the case's history.
// (The applicant's /cases and the organisation's staff: cases.test and receipt.test.)
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { testBot, texts, buttons, type Harness } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { filedToBilingualOrg, joinMediator, MEDIATOR_NAME, openAdmin } from "../helpers/staff.js";
import { pdfText } from "../../bot/core/documents.js";
import { historyContent } from "../../bot/features/escalation/escalation.js";

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
const MEDIATOR = 70;
let t: TestDb;
let h: Harness;
let now: Date;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t.dispose());
beforeEach(async () => {
  await t.reset();
  now = new Date("2026-11-23T10:00:00+05:00");
  h = await testBot(t.db, { adminIds: [ADMIN], now: () => now });
});

const filedInKazakh = () => filedToBilingualOrg(h, { admin: ADMIN, staff: STAFF, applicant: APPLICANT });

describe("an organisation's name in the reader's language", () => {
  it("the mediator (ru) asked to take a Kazakh applicant's case reads the organisation's Russian name, in the request and in /inbox; an admin choosing a case too", async () => {
    const { admin, staff } = await filedInKazakh();
    const mediator = await joinMediator(h, ADMIN, MEDIATOR);
    // An admin choosing a case for a mediation.
    await openAdmin(admin);
    const chooser = await admin.press("Предложить медиатора");
    expect(buttons(chooser).join("\n")).toContain("KZ-2026-000001 — Городская больница №7");
    expect(buttons(chooser).join("\n")).not.toContain("қалалық");
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Предложить медиацию");
    const asked = await staff.press(MEDIATOR_NAME);
    const request = asked.filter((c) => c.payload.chat_id === MEDIATOR);
    expect(texts(request)[0]).toContain("Городская больница №7");
    expect(texts(request)[0]).not.toContain("қалалық");
    const inbox = texts(await mediator.send("/inbox")).join("\n");
    expect(inbox).toContain("KZ-2026-000001");
    expect(inbox).toContain("Городская больница №7");
    expect(inbox).not.toContain("қалалық");
  });

  it("the case's history (the PDF to take to a lawyer) names it in the language it is made in", async () => {
    await filedInKazakh();
    const k = await t.db.prisma.case.findFirstOrThrow();
    const env = { prisma: t.db.prisma, i18n: h.i18n, timeZone: "Asia/Almaty", now: () => now };
    const ru = pdfText((await historyContent(env, k.id, "ru"))!.pdf);
    expect(ru).toContain("Городская больница №7");
    expect(ru).not.toContain("қалалық");
    expect(pdfText((await historyContent(env, k.id, "kk"))!.pdf)).toContain("№7 қалалық аурухана");
  });
});
