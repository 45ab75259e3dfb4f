// When something goes wrong, or someone floods the bot (issue 13): the failed update is answered in the
// language the user chose, and truthfully; one user's 300 messages do not hold up anyone else.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { USER_LIMIT } from "../../bot/index.js";
import { buttons, inLanguage, testBot, texts, type Harness } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import type { Call } from "../../bot/local/fake-api.js";
import { bound } from "../helpers/time.js";
import { FEATURES, registry } from "../../bot/features/index.js";
import { COMMANDS } from "../../machines/chat.js";
import { fileNotice, joinRelative } from "../helpers/notice.js";
import { agreeToContract, formCommission, joinMediator, joinStaff, proposeMediator, recordReceipt, redeem, scheduleSitting } from "../helpers/staff.js";
import { Writable } from "node:stream";
import { pino } from "pino";

let t: TestDb;
let h: Harness;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t.dispose());
beforeEach(async () => {
  await t.reset();
  h = await testBot(t.db, { userLimit: USER_LIMIT }); // the production limit
});

describe("an update that fails", () => {
  it("is answered in the language the user chose (not their app's), saying it was not processed", async () => {
    const u = h.user(1, "ru"); // the app is in Russian…
    await u.send("/start");
    await u.press("Согласен(на)");
    await u.send("/language");
    await u.press("Қазақша"); // …the user chose Kazakh
    const handle = h.runtime.handle.bind(h.runtime);
    h.runtime.handle = () => Promise.reject(new Error("the database went away"));
    try {
      expect(texts(await u.send("/cases"))).toEqual(["Қате шықты: бұл хабар өңделмеді, ал бұрынғы жауаптарыңыз сақталды. Оны бір минуттан кейін қайталаңыз."]);
    } finally {
      h.runtime.handle = handle;
    }
    // Nothing of the failed update was kept: the same command now works.
    expect(texts(await u.send("/cases"))[0]).toMatch(/^Сізде әзірге іс жоқ/);
  });

  it("a user the database does not know gets it in their app's language, or in both", async () => {
    h.runtime.handle = () => Promise.reject(new Error("boom"));
    expect(texts(await h.user(2, "ru").send("/start"))).toEqual(["Произошла ошибка: это сообщение не обработано, а ваши прежние ответы сохранены. Повторите его через минуту."]);
    expect(texts(await h.user(3, "en").send("/start"))[0]).toMatch(/^Қате шықты: .*\n\nПроизошла ошибка: /s);
  });

  it("a pressed button whose update failed is answered too: its spinner stops, and the user is told", async () => {
    const u = h.user(4, "ru");
    const label = buttons(await u.send("/start"))[0]!;
    h.runtime.handle = () => Promise.reject(new Error("boom"));
    const calls = await u.press(label);
    expect(calls.filter((c) => c.method === "answerCallbackQuery")).toHaveLength(1);
    expect(texts(calls)).toEqual(["Произошла ошибка: это сообщение не обработано, а ваши прежние ответы сохранены. Повторите его через минуту."]);
  });
});

describe("a flood from one user", () => {
  it("300 messages: the flooder is answered once and the rest dropped before the database; another user is served within 2 s", async () => {
    const flooder = h.user(10, "ru");
    await flooder.send("/start");
    await flooder.press("Согласен(на)");
    const other = h.user(11, "ru");
    h.fake.clear();
    const flood = Promise.all(Array.from({ length: 300 }, (_, i) => flooder.send(`сообщение ${i}`)));
    const started = performance.now();
    const served = await other.send("/start");
    const ms = performance.now() - started;
    await flood;
    expect(texts(served.filter((c) => c.payload.chat_id === 11))[0]).toMatch(/^Здравствуйте!/);
    // 2 s on an idle machine (the issue's bound), scaled when the run started on a crowded one.
    expect(ms).toBeLessThan(bound(2000));
    const toFlooder = texts(h.fake.sent("sendMessage", 10));
    expect(toFlooder.filter((x) => x.startsWith("Слишком много сообщений подряд"))).toHaveLength(1);
    // At most the window's 30 reached the bot (some of them before the flood's start); each got at most 2 answers.
    expect(toFlooder.length).toBeLessThanOrEqual(1 + 30 * 2);
    expect(await t.db.prisma.processedUpdate.count()).toBeLessThan(40);
  });

  it("a button pressed past the limit is answered, never dropped silently", async () => {
    const h2 = await testBot(t.db, { userLimit: { updates: 2, windowMs: 60_000 } });
    const u = h2.user(20, "ru");
    await u.send("/start");
    await u.press("Согласен(на)");
    const pressed = await u.press("Мои дела");
    expect(pressed.find((c) => c.method === "answerCallbackQuery")?.payload.text).toBe("Слишком много сообщений подряд. Подождите несколько секунд и повторите последнее — оно не обработано.");
  });
});

describe("a command in a group", () => {
  const inGroup = (from: { id: number; language_code?: string }, text: string, chatId = -1001) => ({
    update_id: 900_000 + from.id,
    message: {
      message_id: 70 + from.id,
      date: 1,
      chat: { id: chatId, type: "supergroup" as const, title: "Семья" },
      from: { is_bot: false as const, first_name: "G", ...from },
      text,
      entities: text.startsWith("/") ? [{ type: "bot_command" as const, offset: 0, length: text.split(" ")[0]!.length }] : [],
    },
  });

  it("is answered there that only a private chat is served (what a group reads, all its members read), and nothing is stored", async () => {
    // Before: nothing at all — a family that added the bot to its group chat, or staff typing /cases in the staff chat, got silence.
    const u = h.user(50, "ru");
    const calls = await u.deliver(inGroup({ id: 50, language_code: "ru" }, "/start"));
    expect(calls.map((c) => [c.method, c.payload.chat_id, c.payload.text])).toEqual([
      ["sendMessage", -1001, "Бот работает только в личном чате: то, что написано в группе, видят все её участники. Откройте личный чат с @kelisim_local_bot и отправьте /start."],
    ]);
    // An app in another language: both.
    const both = await u.deliver(inGroup({ id: 51, language_code: "en" }, "/cases@kelisim_local_bot"));
    expect(texts(both)[0]).toContain("Бот тек жеке чатта жұмыс істейді");
    expect(texts(both)[0]).toContain("Бот работает только в личном чате");
    // Text that is not a command is not answered; nothing of either is stored.
    expect(await u.deliver(inGroup({ id: 52, language_code: "kk" }, "Сәлем"))).toEqual([]);
    expect(await t.db.prisma.user.count()).toBe(0);
    expect(await t.db.prisma.chatState.count()).toBe(0);
  });
});

// ——— Forged and outdated buttons (J6: who may touch what) ———
//
// Telegram lets any client send any callback data (up to 64 bytes) for a message the bot sent it: a forger takes a
// button of their own and rewrites its data with another case's, sitting's, mediation's or proposal's id. One table
// names every action the router knows (a new one without a row fails the first test) with the data that would act on
// a case that is not the forger's. Each forger — a stranger, the applicant of another case, a relative (on the case,
// removed from it, or who withdrew consent), staff of another organisation, staff whose role was revoked, a mediator
// not assigned — presses it; the answer must be a refusal in their language (or the button's own, for buttons that act
// only on the presser's own chat), nothing may be stored, nothing sent to anyone else, and nothing of the case shown.

type Forger = "stranger" | "otherApplicant" | "relative" | "removedRelative" | "withdrawnRelative" | "otherStaff" | "revokedStaff" | "otherMediator";
const FORGERS: Record<Forger, { id: number; lang: "kk" | "ru"; onV1?: true }> = {
  stranger: { id: 83, lang: "ru" },
  otherApplicant: { id: 84, lang: "kk" },
  relative: { id: 60, lang: "ru", onV1: true },
  removedRelative: { id: 61, lang: "ru" },
  withdrawnRelative: { id: 62, lang: "ru" },
  otherStaff: { id: 80, lang: "ru" },
  revokedStaff: { id: 81, lang: "ru" },
  otherMediator: { id: 82, lang: "ru" },
};
/** The victims' cases: V1 with its commission formed, a sitting and relatives; V2 in mediation with a proposal; V3 not yet received. */
interface Victims {
  c1: number; c2: number; c3: number; sitting: number; mediation: number; proposal: number; relative: number; invite: number;
  /** A mediator's invite nobody used or revoked: what a forged «Отозвать приглашение» would revoke. */
  roleInvite: number;
  orgA: number; orgB: number; staffRole: number; otherMediatorRole: number; outboxRow: string;
}
/** `data`: the forged callback data — several, for a button whose older form (without an id) still reads. */
type Row = { data: (v: Victims, f: { lang: "kk" | "ru" }) => string | string[]; legit?: Forger[]; own?: true; answers?: { to: Forger[]; keys: string[] } };
const V_NUMBERS = ["KZ-2026-000001", "KZ-2026-000002", "KZ-2026-000003"];
const V_PATIENT = "Сапаров Ерлан Бекович";
const V_IIN = "850301300121";
/** The applicant's menu, and the homes of the other roles (ru, kk). */
const MENU_RU = /^Что сделаем\?/;
const MENU_KK = /^Не істейміз\?/;
const STAFF_HOME = /^«.+»: обращения\n/;
const STAFF_HOME_KK = /^«.+»: өтініштер\n/;
const MEDIATOR_HOME = /^Медиации\n/;
const ADMIN_HOME = /^Администратор: /;
/** The inline buttons of the last message the user got: what is left to press. */
const lastButtons = (calls: Call[], chatId: number): string[] => {
  const last = calls.filter((c) => c.method === "sendMessage" && c.payload.chat_id === chatId).at(-1);
  return ((last?.payload.reply_markup as { inline_keyboard?: { text: string }[][] } | undefined)?.inline_keyboard ?? []).flat().map((b) => b.text);
};
/** What a forger may be answered (besides «Эта кнопка устарела.» on the button): the case is not theirs, or consent is needed. */
const REFUSALS = ["cases.notFound", "privacy.consentNeeded", "relatives.notShared"];

/** Every action code, the data that would act on another's case (or, `own`, only on the presser's own chat), and who may press it by right. */
const FORGED: Record<string, Row> = {
  // The chat's own: language, consent, menus, its flows' questions — nothing of anyone else's is named.
  lang: { data: (_, f) => `g:lang:${f.lang}`, own: true },
  consent: { data: () => "g:consent:yes", own: true },
  withdraw: { data: () => "g:withdraw:no", own: true },
  cancel: { data: () => "g:cancel:yes:sitting.3", own: true },
  restart: { data: () => "g:restart:yes:sitting.3", own: true },
  invresume: { data: () => "g:invresume:continue:join.2", own: true },
  menu: { data: () => "g:menu:help", own: true },
  "notice:continue": { data: () => "g:notice:continue", own: true },
  "notice:discard": { data: () => "g:notice:discard:3", own: true },
  explain: { data: () => "g:explain", own: true },
  payments: { data: (v) => `g:payments:death:${v.c1}`, own: true },
  cpage: { data: (v) => `g:cpage:next:${v.c1}:1`, own: true },
  inbox: { data: () => "g:inbox:org:0", own: true, legit: ["otherStaff", "otherMediator"] },
  inboxat: { data: (v) => `g:inboxat:org:next:${v.c1}:1`, own: true, legit: ["otherStaff", "otherMediator"] },
  // Admins' (ADMIN_IDS only).
  "adm:org": { data: () => "g:adm:org" },
  "adm:orgs": { data: () => "g:adm:orgs" },
  "adm:staff": { data: (v) => `g:adm:staff:${v.orgA}` },
  "adm:mediator": { data: () => "g:adm:mediator" },
  "adm:roles": { data: () => "g:adm:roles" },
  "adm:revoke": { data: (v) => `g:adm:revoke:${v.staffRole}` },
  "adm:revokeok": { data: (v) => `g:adm:revokeok:${v.staffRole}` },
  "adm:keeprole": { data: (v) => `g:adm:keeprole:${v.staffRole}` },
  "adm:revinv": { data: (v) => `g:adm:revinv:${v.roleInvite}` },
  "adm:owninv": { data: (v) => [`g:adm:owninv:take:${v.roleInvite}`, `g:adm:owninv:keep:${v.roleInvite}`] },
  "adm:unlinked": { data: () => "g:adm:unlinked" },
  "adm:unlinkedat": { data: (v) => `g:adm:unlinkedat:next:${v.c1}:1` },
  "adm:seenorgs": { data: () => "g:adm:seenorgs" },
  "adm:seen": { data: (v) => `g:adm:seen:${v.orgA}` },
  "adm:link": { data: (v) => `g:adm:link:${v.c1}` },
  "adm:linkto": { data: (v) => `g:adm:linkto:${v.c1}:${v.orgB}` },
  "adm:mdcases": { data: () => "g:adm:mdcases" },
  "adm:mdcasesat": { data: (v) => `g:adm:mdcasesat:next:${v.c1}:1` },
  // A case's: its timeline, who opened its data, the notice's receipt and hand-in, the commission, escalation.
  case: { data: (v) => `g:case:${v.c1}`, legit: ["relative"] },
  seen: { data: (v) => `g:seen:${v.c1}` },
  scase: { data: (v) => `g:scase:${v.c1}` },
  srcv: { data: (v) => `g:srcv:${v.c3}:2026-11-23` },
  handin: { data: (v) => `g:handin:${v.c3}:2026-11-23` },
  sform: { data: (v) => `g:sform:${v.c1}:2026-11-23` },
  sformok: { data: (v) => `g:sformok:${v.c1}` },
  sformd: { data: (v) => `g:sformd:${v.c1}:2026-11-23` },
  sconc: { data: (v) => `g:sconc:${v.c1}:2026-11-23` },
  // A relative on the case is told the applicant prepares the draft (they follow the case: its number is theirs to see).
  esc: { data: (v) => `g:esc:${v.c1}`, answers: { to: ["relative"], keys: ["escalation.applicantOnly"] } },
  escto: { data: (v) => `g:escto:${v.c1}:management`, answers: { to: ["relative"], keys: ["escalation.applicantOnly"] } },
  docagain: { data: (v) => `g:docagain:${v.outboxRow}` },
  // Relatives.
  rinv: { data: (v) => `g:rinv:${v.c1}` },
  rrm: { data: (v) => `g:rrm:${v.relative}` },
  rrmok: { data: (v) => `g:rrmok:${v.relative}` },
  rshare: { data: (v) => `g:rshare:${v.c1}:on` },
  rnotice: { data: (v) => `g:rnotice:${v.c1}` },
  rrv: { data: (v) => `g:rrv:${v.invite}` },
  rrvok: { data: (v) => `g:rrvok:${v.invite}` },
  rkeep: { data: (v) => `g:rkeep:${v.invite}` },
  // Sittings.
  sat: { data: (v) => `g:sat:${v.sitting}:cannot`, legit: ["relative"], answers: { to: ["removedRelative", "withdrawnRelative"], keys: ["sitting.removedNoAnswer"] } },
  ssit: { data: (v) => `g:ssit:${v.c1}` },
  smv: { data: (v) => `g:smv:${v.sitting}` },
  scn: { data: (v) => `g:scn:${v.sitting}` },
  scnok: { data: (v) => `g:scnok:${v.sitting}` },
  // Its form from before it named the sitting says, to staff (of any organisation), what it said then: it names nothing to check.
  skeep: { data: (v) => [`g:skeep:${v.sitting}`, "g:skeep"], answers: { to: ["otherStaff"], keys: ["sitting.kept"] } },
  // Mediation.
  mdpick: { data: (v) => `g:mdpick:${v.c1}` },
  mdassign: { data: (v) => `g:mdassign:${v.c1}:${v.otherMediatorRole}` },
  "adm:mdpick": { data: (v) => `g:adm:mdpick:${v.c1}` },
  "adm:mdassign": { data: (v) => `g:adm:mdassign:${v.c1}:${v.otherMediatorRole}` },
  mdacc: { data: (v) => `g:mdacc:${v.mediation}` },
  mddec: { data: (v) => `g:mddec:${v.mediation}` },
  mdyes: { data: (v) => `g:mdyes:${v.mediation}` },
  mdyesa: { data: (v) => `g:mdyesa:${v.mediation}` },
  mdno: { data: (v) => `g:mdno:${v.mediation}` },
  mdsign: { data: (v) => `g:mdsign:${v.mediation}` },
  mdcontract: { data: (v) => `g:mdcontract:${v.mediation}` },
  mdview: { data: (v) => `g:mdview:${v.mediation}` },
  mdmsg: { data: (v) => `g:mdmsg:${v.mediation}` },
  mdask: { data: (v) => `g:mdask:${v.mediation}` },
  mdprop: { data: (v) => `g:mdprop:${v.mediation}` },
  mdend: { data: (v) => `g:mdend:${v.mediation}` },
  mdendok: { data: (v) => `g:mdendok:${v.mediation}` },
  pacc: { data: (v) => `g:pacc:${v.proposal}` },
  prej: { data: (v) => `g:prej:${v.proposal}` },
  pctr: { data: (v) => `g:pctr:${v.proposal}` },
  pconf: { data: (v) => `g:pconf:${v.proposal}` },
};

/** Every row of what is stored about cases and people (times the store touches on every update left out). */
const stored = async (db: TestDb["db"]) => {
  const p = db.prisma;
  const tables = {
    user: await p.user.findMany({ orderBy: { id: "asc" } }),
    consentEvent: await p.consentEvent.findMany({ orderBy: { id: "asc" } }),
    userRole: await p.userRole.findMany({ orderBy: { id: "asc" } }),
    organization: await p.organization.findMany({ orderBy: { id: "asc" } }),
    case: await p.case.findMany({ orderBy: { id: "asc" } }),
    caseParticipant: await p.caseParticipant.findMany({ orderBy: { id: "asc" } }),
    caseEvent: await p.caseEvent.findMany({ orderBy: { id: "asc" } }),
    attachment: await p.attachment.findMany({ orderBy: { id: "asc" } }),
    invite: await p.invite.findMany({ orderBy: { id: "asc" } }),
    sitting: await p.sitting.findMany({ orderBy: { id: "asc" } }),
    sittingResponse: await p.sittingResponse.findMany({ orderBy: [{ sittingId: "asc" }, { userId: "asc" }] }),
    mediation: await p.mediation.findMany({ orderBy: { id: "asc" } }),
    proposal: await p.proposal.findMany({ orderBy: { id: "asc" } }),
    proposalResponse: await p.proposalResponse.findMany({ orderBy: [{ proposalId: "asc" }, { userId: "asc" }] }),
    scheduledJob: await p.scheduledJob.findMany({ orderBy: { id: "asc" } }),
    dataAccess: await p.dataAccess.findMany({ orderBy: { id: "asc" } }),
  };
  return JSON.stringify(tables, (k, v: unknown) => (k === "updatedAt" ? undefined : typeof v === "bigint" ? String(v) : v));
};

/** Every command, and who of the forgers may run it by right (others: «Такой команды нет»); the rest act on the user's own chat. */
const FORGED_COMMANDS: Record<string, { legit?: Forger[]; roleOnly?: true }> = {
  start: {}, menu: {}, notice: {}, cases: {}, explain: {}, help: {}, language: {}, privacy: {}, mydata: {}, cancel: {},
  admin: { roleOnly: true },
  inbox: { roleOnly: true, legit: ["otherStaff", "otherMediator"] },
};

describe("a forged or outdated button, for every action the bot knows", () => {
  it("every action and every command has a row in the table of forgeries: a new button cannot go untested", () => {
    expect(registry.actions.map((a) => a.code).sort()).toEqual(Object.keys(FORGED).sort());
    const commands = [...COMMANDS, ...FEATURES.flatMap((f) => ("commands" in f ? f.commands.map((c) => c.name) : []))];
    expect([...new Set(commands)].sort()).toEqual(Object.keys(FORGED_COMMANDS).sort());
  });

  it("pressed by anyone not entitled to it, is refused in their language; nothing is stored, sent to others or shown of the case", { timeout: 300_000 }, async () => {
    // The logs of all of it, at their most detailed: update and chat ids, never a name or an IIN (bot/logger.ts).
    const logged: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (logged.push(chunk.toString()), done()) });
    const t = await testDatabase();
    try {
      const h = await testBot(t.db, { adminIds: [9001], now: () => new Date("2026-11-23T10:00:00+05:00"), logger: pino({ level: "debug" }, sink) });
      const ADMIN = 9001;
      // V1: staff of «Городская больница №7», the commission formed, a sitting, three relatives (one removed, one withdrew consent), a link unused.
      const staff = await joinStaff(h, ADMIN, 50, "ru");
      const a1 = h.user(51, "kk");
      await fileNotice(a1, "kk", { name: V_PATIENT });
      await recordReceipt(staff, "ru");
      await formCommission(staff);
      await scheduleSitting(staff);
      await joinRelative(h, a1, 60);
      await joinRelative(h, a1, 61, "KZ-2026-000001", "Бекова Алия Сериковна");
      const withdrawn = await joinRelative(h, a1, 62, "KZ-2026-000001", "Омарова Дана Ерлановна");
      await a1.send("/cases");
      await a1.press("KZ-2026-000001 ісін ашу");
      await a1.press("Алып тастау: Бекова Алия Сериковна (пациенттің жұбайы)");
      await a1.press("Алып тастау");
      await withdrawn.send("/privacy");
      await withdrawn.press("Отозвать согласие");
      await withdrawn.press("Да, отозвать");
      await a1.send("/cases");
      await a1.press("KZ-2026-000001 ісін ашу");
      await a1.press("Туысты шақыру");
      // V2: in mediation, the mediator's proposal standing.
      const a2 = h.user(52, "kk");
      await fileNotice(a2, "kk", { name: V_PATIENT });
      const mediator = await joinMediator(h, ADMIN, 70);
      await proposeMediator(staff, "KZ-2026-000002");
      await mediator.press("Согласен(на) быть медиатором");
      await agreeToContract(a2, staff);
      await mediator.send("/inbox");
      await mediator.press("Открыть KZ-2026-000002");
      await mediator.press("Предложить урегулирование");
      await mediator.send("900000");
      await mediator.send("Выплата в течение 15 рабочих дней после подписания.");
      await mediator.press("10 дней");
      await mediator.press("Отправить");
      // V3: saved, not yet received.
      await fileNotice(h.user(53, "kk"), "kk", { name: V_PATIENT });
      // The forgers.
      await joinStaff(h, ADMIN, FORGERS.otherStaff.id, "ru", "Клиника №2", "г. Астана");
      const admin = h.user(ADMIN, "ru");
      const second = /start=([A-Za-z0-9_-]{32})/.exec(texts(await admin.press("Пригласить: Городская больница №7"))[0]!)![1]!;
      const revoked = h.user(FORGERS.revokedStaff.id, "ru");
      await revoked.send("/start");
      await redeem(revoked, second, "ru", "staff", "Жаксылыкова Мадина Ержановна");
      await admin.send("/admin");
      await admin.press("Роли");
      await admin.press("Отозвать: Жаксылыкова Мадина Ержановна — сотрудник");
      await admin.press("Отозвать");
      await joinMediator(h, ADMIN, FORGERS.otherMediator.id, "Нурланова Гаухар Сериковна");
      // A mediator's invite sent and not yet used: nobody but an admin may revoke it.
      await admin.press("Пригласить медиатора");
      await fileNotice(h.user(FORGERS.otherApplicant.id, "kk"), "kk", { org: "Клиника №2", region: "Астана қаласы", iin: "520812300121" });
      const stranger = h.user(FORGERS.stranger.id, "ru");
      await stranger.send("/start");
      await stranger.press("Согласен(на)");

      const p = t.db.prisma;
      const cases = await p.case.findMany({ orderBy: { id: "asc" } });
      expect(cases.map((k) => [k.number, k.status])).toEqual([
        ["KZ-2026-000001", "commission_formed"],
        ["KZ-2026-000002", "mediation"],
        ["KZ-2026-000003", "delivered"],
        ["KZ-2026-000004", "delivered"],
      ]);
      const orgs = await p.organization.findMany({ orderBy: { id: "asc" } });
      const v: Victims = {
        c1: cases[0]!.id,
        c2: cases[1]!.id,
        c3: cases[2]!.id,
        sitting: (await p.sitting.findFirstOrThrow()).id,
        mediation: (await p.mediation.findFirstOrThrow({ where: { state: "running" } })).id,
        proposal: (await p.proposal.findFirstOrThrow()).id,
        relative: (await p.caseParticipant.findFirstOrThrow({ where: { userId: 60n } })).id,
        invite: (await p.invite.findFirstOrThrow({ where: { role: "relative", usedAt: null } })).id,
        roleInvite: (await p.invite.findFirstOrThrow({ where: { role: "mediator", usedAt: null, revokedAt: null } })).id,
        orgA: orgs[0]!.id,
        orgB: orgs[1]!.id,
        staffRole: (await p.userRole.findFirstOrThrow({ where: { userId: 50n, role: "staff" } })).id,
        otherMediatorRole: (await p.userRole.findFirstOrThrow({ where: { userId: BigInt(FORGERS.otherMediator.id), role: "mediator" } })).id,
        outboxRow: String((await p.outbox.findFirstOrThrow({ where: { chatId: 51n, method: "@noticePdf" } })).id),
      };
      expect(await p.userRole.count({ where: { userId: BigInt(FORGERS.revokedStaff.id), revokedAt: null } })).toBe(0);

      const problems: string[] = [];
      // Nothing a forger presses may change what is stored: one reading before, compared after each (read again after a
      // button of the presser's own chat, which may change their own rows).
      let before = await stored(t.db);
      // The chat's own buttons last: before them each forger is where they stand (the relative who withdrew consent has
      // not given it again by «Согласен(на)», nobody sits inside the explainer), so each refusal is seen as it leaves
      // them — with nothing open, their home or a keyboard under it.
      const rows = Object.entries(FORGED).sort(([, a], [, b]) => Number(Boolean(a.own)) - Number(Boolean(b.own)));
      for (const [code, row] of rows) {
        for (const [name, f] of Object.entries(FORGERS) as [Forger, (typeof FORGERS)[Forger]][]) {
          if (row.legit?.includes(name)) continue;
          const u = h.user(f.id, f.lang);
          for (const data of [row.data(v, f)].flat()) {
            const calls = await u.pressData(data, 1);
            const at = `${code} by ${name} (${data})`;
            const others = calls.filter((c) => c.payload.chat_id !== undefined && c.payload.chat_id !== f.id && /^(send|edit)/.test(c.method));
            if (others.length) problems.push(`${at}: sent to others: ${others.map((c) => `${c.method} → ${String(c.payload.chat_id)}: ${typeof c.payload.text === "string" ? c.payload.text : c.method}`).join(" | ")}`);
            if (row.own) before = await stored(t.db);
            else if ((await stored(t.db)) !== before) problems.push(`${at}: stored something`);
            const said = texts(calls.filter((c) => c.payload.chat_id === f.id));
            const toast = calls.find((c) => c.method === "answerCallbackQuery")?.payload.text;
            const docs = calls.filter((c) => c.payload.chat_id === f.id && /^send(Document|Photo)$/.test(c.method));
            if (!row.own && docs.length) problems.push(`${at}: got a file`);
            const secret = [...V_NUMBERS.filter((n) => !(f.onV1 && n === "KZ-2026-000001")), V_PATIENT, V_IIN];
            const shown = said.filter((x) => secret.some((s) => x.includes(s)));
            if (shown.length) problems.push(`${at}: shown: ${shown.join(" | ")}`);
            if (row.own) continue;
            const refusals = [...REFUSALS, ...(row.answers?.to.includes(name) ? row.answers.keys : [])].map((k) => h.i18n.t(f.lang)(k, { number: "KZ-2026-000001" }));
            const stale = h.i18n.t(f.lang)("common.staleButton");
            // A button that acts on nothing any more is answered «Эта кнопка устарела.» — on the button, or as a message.
            const refused = toast === stale || said.includes(stale) || said.some((x) => refusals.includes(x));
            if (!refused) problems.push(`${at}: not refused: ${JSON.stringify(toast ?? null)} ${JSON.stringify(said)}`);
            // In their language, the toast too.
            const wrong = [...said, ...(typeof toast === "string" ? [toast] : [])].filter((x) => !inLanguage(x, f.lang));
            if (wrong.length) problems.push(`${at}: not in ${f.lang}: ${JSON.stringify(wrong)}`);
            // Something left to press: the last message sent has buttons; nothing sent, the toast on the button, the
            // message it is on still there with its buttons.
            const sent = calls.filter((c) => c.method === "sendMessage" && c.payload.chat_id === f.id);
            if (sent.length === 0 ? !toast : lastButtons(calls, f.id).length === 0) problems.push(`${at}: nothing to press: ${JSON.stringify(toast ?? null)} ${JSON.stringify(said)}`);
            // And no flow left open by the refusal.
            const state = await p.chatState.findUnique({ where: { chatId: BigInt(f.id) } });
            if (Array.isArray(state?.stack) && state.stack.length) problems.push(`${at}: a flow left open`);
          }
        }
      }
      // Commands name no case: each shows the user's own, or nothing to those without the role.
      for (const [name, row] of Object.entries(FORGED_COMMANDS)) {
        for (const [who, f] of Object.entries(FORGERS) as [Forger, (typeof FORGERS)[Forger]][]) {
          if (row.legit?.includes(who)) continue;
          const calls = await h.user(f.id, f.lang).send(`/${name}`);
          const at = `/${name} by ${who}`;
          if (calls.some((c) => c.payload.chat_id !== f.id && /^(send|edit)/.test(c.method))) problems.push(`${at}: sent to others`);
          if ((await stored(t.db)) !== before) problems.push(`${at}: stored something`);
          const said = texts(calls.filter((c) => c.payload.chat_id === f.id));
          const secret = [...V_NUMBERS.filter((n) => !(f.onV1 && n === "KZ-2026-000001")), V_PATIENT, V_IIN];
          if (said.some((x) => secret.some((s) => x.includes(s)))) problems.push(`${at}: shown: ${said.join(" | ")}`);
          // /inbox says it is for staff and mediators; /admin is not revealed.
          if (row.roleOnly && said[0] !== h.i18n.t(f.lang)(name === "inbox" ? "staff.inboxRefused" : "common.unknownCommand")) problems.push(`${at}: not refused: ${JSON.stringify(said)}`);
        }
      }
      expect(problems).toEqual([]);
      const logs = logged.join("");
      expect(logs).toContain('"msg":"update handled"');
      for (const secret of [V_PATIENT, V_IIN, "520812300121", "Бекова", "Омарова", "Сейтова", "Жаксылыкова", "+77010000000", "Выплата в течение", "Во время лечения"]) expect(logs, `the logs hold «${secret}»`).not.toContain(secret);
    } finally {
      await t.dispose();
    }
  });

  it("an applicant's button refused to staff, a mediator or an admin on no case is followed by their own home, not the applicant's menu; on a case as a relative, by the applicant's (ru, kk)", async () => {
    // Before: «Что сделаем?» — the menu of someone who files notices — after each of these refusals, for people who never did.
    const ADMIN = 9001;
    const h = await testBot(t.db, { adminIds: [ADMIN], now: () => new Date("2026-11-23T10:00:00+05:00") });
    const staff = await joinStaff(h, ADMIN, 50, "ru");
    const applicant = h.user(51, "kk");
    await fileNotice(applicant, "kk");
    await joinRelative(h, applicant, 60);
    const kkStaff = await joinStaff(h, ADMIN, 80, "kk", "Клиника №2", "г. Астана");
    const mediator = await joinMediator(h, ADMIN, 70);
    const admin = h.user(ADMIN, "ru");
    const p = t.db.prisma;
    const k = await p.case.findFirstOrThrow();
    const relative = await p.caseParticipant.findFirstOrThrow({ where: { userId: 60n } });
    const invite = await p.invite.findFirstOrThrow({ where: { role: "relative" } });
    // Every button of the applicant's side (a new one without a row fails here), with data that acts on the case.
    const SIDE: Record<string, { data: string }> = {
      seen: { data: `g:seen:${k.id}` },
      case: { data: `g:case:${k.id}` },
      cpage: { data: `g:cpage:next:${k.id}:1` },
      rinv: { data: `g:rinv:${k.id}` },
      rrm: { data: `g:rrm:${relative.id}` },
      rrmok: { data: `g:rrmok:${relative.id}` },
      rshare: { data: `g:rshare:${k.id}:on` },
      rnotice: { data: `g:rnotice:${k.id}` },
      rrv: { data: `g:rrv:${invite.id}` },
      rrvok: { data: `g:rrvok:${invite.id}` },
      rkeep: { data: `g:rkeep:${invite.id}` },
      sat: { data: "g:sat:1:cannot" },
      handin: { data: `g:handin:${k.id}:2026-11-23` },
      mdyesa: { data: "g:mdyesa:1" },
      esc: { data: `g:esc:${k.id}` },
      escto: { data: `g:escto:${k.id}:management` },
    };
    expect(Object.keys(SIDE).sort()).toEqual(registry.actions.filter((a) => a.side === "applicant").map((a) => a.code).sort());
    const before = await stored(t.db);
    const who = [
      { u: staff, home: STAFF_HOME, lang: "ru" },
      { u: kkStaff, home: STAFF_HOME_KK, lang: "kk" },
      { u: mediator, home: MEDIATOR_HOME, lang: "ru" },
      { u: admin, home: ADMIN_HOME, lang: "ru" },
    ] as const;
    for (const [code, row] of Object.entries(SIDE)) {
      for (const { u, home, lang } of who) {
        // Another page of «my cases», with none, says there is none; the rest, the answer a missing case gets.
        const refusal = h.i18n.t(lang)(code === "cpage" ? "cases.none" : "cases.notFound");
        expect(texts(await u.pressData(row.data)), `${code} by ${u.id}`).toEqual([refusal, expect.stringMatching(home)]);
      }
    }
    expect(await stored(t.db)).toBe(before);
    // Staff who follow a case as a relative: the applicant's menu, theirs too.
    await joinRelative(h, applicant, 50, "KZ-2026-000001", "Ахметова Сауле Маратовна");
    expect(texts(await staff.pressData(`g:rrm:${relative.id}`))).toEqual(["Такое дело не найдено, или вы в нём не участвуете.", expect.stringMatching(MENU_RU)]);
    await staff.send("/language");
    await staff.press("Қазақша");
    expect(texts(await staff.pressData(`g:handin:${k.id}:2026-11-23`))).toEqual(["Мұндай іс табылмады немесе сіз оған қатыспайсыз.", expect.stringMatching(MENU_KK)]);
  });
});
