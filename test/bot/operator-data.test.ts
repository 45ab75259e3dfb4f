// The operator's personal-data tools (issue 15), for requests that arrive outside Telegram: data:export gives
// exactly the JSON /mydata gives; data:erase withdraws consent by the same rules as the button — a dry run
// reports it and changes nothing; the real one changes what the button changes and tells the same people.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../bot/logger.js";
import { describeErase, eraseUser, exportUser } from "../../bot/ops/data.js";
import { seal } from "../../bot/crypto.js";
import { TEST_DATA_KEY, testBot, testDeployment, texts, type Harness } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { fileNotice } from "../helpers/notice.js";
import { joinStaff } from "../helpers/staff.js";

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
const RELATIVE = 52;
const OTHER = 53;
const PLANTED = { name: "Бекова Дана Серикқызы", iin: "900101400013", phone: "+77019998877", description: "Чужое описание, которого никто другой не должен получить." };
let t: TestDb;
let h: Harness;
const now = new Date("2026-11-23T10:00:00+05:00");
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t.dispose());
beforeEach(async () => {
  await t.reset();
  h = await testBot(t.db, { adminIds: [ADMIN], now: () => now });
  await joinStaff(h, ADMIN, STAFF, "ru");
  const applicant = h.user(APPLICANT, "kk");
  await fileNotice(applicant, "kk");
  await fileNotice(h.user(OTHER, "ru"), "ru", PLANTED);
  await t.db.prisma.user.update({ where: { id: BigInt(APPLICANT) }, data: { details: seal(TEST_DATA_KEY, JSON.stringify({ surname: "Ахметова", name: "Айгүл", patronymic: "", iin: "850301300121", address: "Шымкент" })) } });
  await applicant.send("/cases");
  await applicant.press("KZ-2026-000001 ісін ашу");
  const link = /start=(c_\S+)/.exec(texts(await applicant.press("Туысты шақыру"))[0]!)![1]!;
  const r = h.user(RELATIVE, "ru");
  await r.send(`/start ${link}`);
  await r.press("Супруг(а)");
  await r.press("Согласен(на)");
  await r.send("Сейтова Асель Нурлановна");
});

const erase = (userId: number, dryRun: boolean) => eraseUser(t.db.prisma, { userId, dryRun, deployment: testDeployment(), i18n: h.i18n, now });

describe("npm run data:export", () => {
  it("writes exactly the JSON file /mydata sends the user, with no one else's data; an unknown id is refused", async () => {
    const calls = await h.user(APPLICANT, "kk").send("/mydata");
    const sent = calls.find((c) => c.method === "sendDocument" && c.payload.chat_id === APPLICANT)!.file!.bytes.toString("utf8");
    const exported = await exportUser(t.db.prisma, APPLICANT, TEST_DATA_KEY, now);
    expect(exported).toBe(sent);
    expect(JSON.parse(exported)).toMatchObject({ cases: [{ number: "KZ-2026-000001", role: "applicant", notice: { patient: "Иванов Иван Иванович", iin: "850301300121" } }] });
    for (const planted of Object.values(PLANTED)) expect(exported).not.toContain(planted);
    await expect(exportUser(t.db.prisma, 999_999, TEST_DATA_KEY, now)).rejects.toThrow("no user 999999 in the database");
  });
});

describe("npm run data:erase", () => {
  it("--dry-run reports what would go and changes nothing", async () => {
    const before = await t.db.prisma.user.findUniqueOrThrow({ where: { id: BigInt(APPLICANT) } });
    const outbox = await t.db.prisma.outbox.count();
    const report = await erase(APPLICANT, true);
    expect(report).toEqual({ userId: APPLICANT, dryRun: true, particulars: true, chatState: true, fullName: false, leftAsRelative: [], keptForProcedure: ["KZ-2026-000001"], anonymised: [], messages: { [APPLICANT]: 1, [STAFF]: 1 } });
    expect(describeErase(report)[0]).toBe(`Dry run for user ${APPLICANT}: nothing was changed. data:erase would do this:`);
    expect(await t.db.prisma.user.findUniqueOrThrow({ where: { id: BigInt(APPLICANT) } })).toEqual(before);
    expect(await t.db.prisma.outbox.count()).toBe(outbox);
    expect(await t.db.prisma.chatState.count({ where: { chatId: BigInt(APPLICANT) } })).toBe(1);
  });

  it("the applicant: consent withdrawn, particulars and chat state deleted, the notice kept; the user and staff are told when the bot sends", async () => {
    const report = await erase(APPLICANT, false);
    expect([report.particulars, report.chatState, report.keptForProcedure]).toEqual([true, true, ["KZ-2026-000001"]]);
    const u = await t.db.prisma.user.findUniqueOrThrow({ where: { id: BigInt(APPLICANT) } });
    expect([u.consentWithdrawnAt?.toISOString(), u.details]).toEqual([now.toISOString(), null]);
    expect(await t.db.prisma.chatState.count({ where: { chatId: BigInt(APPLICANT) } })).toBe(0);
    expect(await t.db.prisma.case.count()).toBe(2);
    // The bot sends the same messages the button would have.
    const before = h.fake.calls.length;
    await h.runtime.flush(h.bot.api, createLogger("silent"));
    const sent = h.fake.calls.slice(before);
    expect(texts(sent.filter((c) => c.payload.chat_id === STAFF))).toEqual([
      "Дело KZ-2026-000001: заявитель отозвал в боте согласие на обработку персональных данных. Обращение остаётся в деле для процедуры рассмотрения; новых сообщений от заявителя через бот не будет.",
    ]);
    expect(texts(sent.filter((c) => c.payload.chat_id === APPLICANT))[0]).toMatch(/^Келісім кері қайтарып алынды\./);
    // Nothing new without consent again.
    expect(texts(await h.user(APPLICANT, "kk").send("/notice"))[0]).toMatch(/^Дербес деректер туралы\n/);
  });

  it("a relative leaves the case and the applicant is told; their name goes; an unknown id is refused", async () => {
    const report = await erase(RELATIVE, false);
    expect([report.leftAsRelative, report.fullName, report.messages]).toEqual([["KZ-2026-000001"], true, { [RELATIVE]: 1, [APPLICANT]: 1 }]);
    const p = await t.db.prisma.caseParticipant.findFirstOrThrow({ where: { userId: BigInt(RELATIVE) }, include: { user: true } });
    expect([p.removedAt?.toISOString(), p.user.fullName]).toEqual([now.toISOString(), null]);
    const before = h.fake.calls.length;
    await h.runtime.flush(h.bot.api, createLogger("silent"));
    expect(texts(h.fake.calls.slice(before).filter((c) => c.payload.chat_id === APPLICANT))).toEqual(["KZ-2026-000001 ісін енді бақыламайды: пациенттің жұбайы."]);
    await expect(erase(999_999, false)).rejects.toThrow("no user 999999 in the database");
  });
});
