// Admins, staff invites, the staff inbox — and everyone else refused, forged callbacks too.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buttons, seen, testBot, texts, textsTo, type Harness, type TestUser } from "../helpers/bot.js";
import pg from "pg";
import { TEST_PG_URL, testDatabase, waitsForLock, type TestDb } from "../helpers/db.js";
import { fileNotice, handIn, joinRelative } from "../helpers/notice.js";
import { agreeToContract, inviteStaff as inviteStaffAs, joinMediator, MEDIATOR_NAME, openAdmin, proposeSettlement, recordReceipt, redeem } from "../helpers/staff.js";
import { until } from "../helpers/wait.js";

const ADMIN = 9001;
/** A second admin, in the harness of the tests that need one. */
const ADMIN_2 = 9002;
const STAFF_CHAT = -100999;
let t: TestDb;
let h: Harness;
let now = new Date("2026-11-23T10:00:00+05:00");
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t.dispose());
beforeEach(async () => {
  await t.reset();
  now = new Date("2026-11-23T10:00:00+05:00");
  h = await testBot(t.db, { adminIds: [ADMIN], now: () => now, staffChatId: STAFF_CHAT });
});

/** A relative's link to KZ-2026-000001 (the applicant's first case), made from its view as the applicant does. */
const relativeLink = async (applicant: TestUser, lang: "kk" | "ru"): Promise<string> => {
  await applicant.send("/cases");
  await applicant.press(lang === "kk" ? "KZ-2026-000001 ісін ашу" : "Открыть KZ-2026-000001");
  return /start=(c_[A-Za-z0-9_-]{32})/.exec(texts(await applicant.press(lang === "kk" ? "Туысты шақыру" : "Пригласить родственника"))[0]!)![1]!;
};
const toast = (calls: { method: string; payload: Record<string, unknown> }[]) => calls.find((c) => c.method === "answerCallbackQuery")?.payload.text;
const inviteStaff = (name?: string, region?: string) => inviteStaffAs(h, ADMIN, name, region);
/** The admin's home, which follows what an admin's button did when nothing more is asked (ru, kk). */
const ADMIN_HOME: unknown = expect.stringMatching(/^Администратор: /);
const ADMIN_HOME_KK: unknown = expect.stringMatching(/^Әкімші: /);
/** The admin revokes a role from its «Отозвать: …» button: asked once more, then «Отозвать»; returns what that press got. */
const confirmRevoke = async (admin: TestUser, button: string) => {
  const asked = await admin.press(button);
  expect(textsTo(asked, ADMIN)[0]).toMatch(/^Отозвать роль: /);
  const done = await admin.press("Отозвать");
  expect(textsTo(done, ADMIN)).toEqual(["Роль отозвана.", ADMIN_HOME]);
  return done;
};

describe("admins", () => {
  it("only admins have /admin; others are told there is no such command", async () => {
    const u = h.user(1, "ru");
    await u.send("/start");
    expect(texts(await u.send("/admin"))[0]).toBe("Такой команды нет. Что я умею, показывает /help.");
  });

  it("an admin's first /admin is their own door: full name, position, the admin's terms — never the patient's consent", async () => {
    const admin = h.user(ADMIN, "ru");
    // /start shows an admin their home, which points to the door; no patient welcome, no consent.
    const started = await admin.send("/start");
    expect(texts(started)).toEqual(["Чтобы работать администратором, откройте /admin: вы укажете ФИО и должность и примете условия администратора."]);
    expect(buttons(started)).toEqual(["Администрирование", "Мои дела", "Подать обращение", "Справка", "Язык"]);
    expect(texts(await admin.press("Администрирование"))[0]).toMatch(/^Вы администратор «Келісім»\. Прежде чем начать, напишите ваши фамилию, имя и отчество/);
    // A wrong answer is asked again with its reason, inside the flow.
    expect(texts(await admin.send("Арман"))).toEqual(["Напишите фамилию и имя (и отчество, если есть) буквами, через пробел.", expect.stringMatching(/^Вы администратор/)]);
    await admin.send("Жумабаев Арман Серикович");
    const terms = await admin.send("Специалист управления здравоохранения");
    expect(texts(terms)[0]).toMatch(/^Условия для администратора «Келісім»\n\n• Вы регистрируете организации/);
    expect(buttons(terms)).toEqual(["Принимаю", "Не принимаю"]);
    const accepted = await admin.press("Принимаю");
    expect(texts(accepted)).toEqual([
      "Жумабаев Арман Серикович, условия администратора приняты.",
      "Администратор: Жумабаев Арман Серикович\nОрганизаций: 0 · сотрудников: 0 · медиаторов: 0\nДел без организации: 0\n\nЧто сделаем?",
    ]);
    expect(buttons(accepted)).toEqual(["Зарегистрировать организацию", "Пригласить сотрудника", "Пригласить медиатора", "Роли", "Дела без организации", "Предложить медиатора", "Кто открывал данные"]);
    const row = await t.db.prisma.userRole.findFirstOrThrow({ where: { userId: BigInt(ADMIN) }, include: { user: true } });
    expect([row.role, row.title, row.user.fullName, row.termsVersion, row.termsAcceptedAt !== null, row.user.consentAt]).toEqual([
      "admin", "Специалист управления здравоохранения", "Жумабаев Арман Серикович", h.i18n.versionOf("roles.terms.admin"), true, null,
    ]);
    expect(texts(h.fake.sent("sendMessage", ADMIN)).join("\n")).not.toMatch(/Согласен\(на\)|Здравствуйте/);
    // The next /admin, /menu and /start go straight to the admin's home.
    for (const cmd of ["/admin", "/menu", "/start"]) expect(texts(await admin.send(cmd))[0]).toMatch(/^Администратор: Жумабаев Арман Серикович/);
  });

  it("an admin who declines the terms gets no admin home until they accept; removed from ADMIN_IDS, the stored row grants nothing", async () => {
    const admin = h.user(ADMIN, "kk");
    await admin.send("/admin");
    await admin.send("Жумабаев Арман Серикович");
    await admin.send("Денсаулық сақтау басқармасының маманы");
    expect(texts(await admin.press("Қабылдамаймын"))[0]).toBe("Шарттар қабылданбады. Дайын болғанда, /admin командасын қайта ашыңыз.");
    expect(await t.db.prisma.userRole.count()).toBe(0);
    expect(texts(await admin.send("/admin"))[0]).toMatch(/^Сіз «Келісім» әкімшісісіз/);
    await admin.send("Жумабаев Арман Серикович");
    await admin.send("Денсаулық сақтау басқармасының маманы");
    expect(texts(await admin.press("Қабылдаймын"))[1]).toMatch(/^Әкімші: Жумабаев Арман Серикович/);
    const demoted = await testBot(t.db, { adminIds: [], now: () => now });
    expect(texts(await demoted.user(ADMIN, "kk").send("/admin"))[0]).toBe("Мұндай команда жоқ. Не істей алатынымды /help көрсетеді.");
  });

  it("an admin taken out of ADMIN_IDS who taps /admin, still in their chat's menu, is told there is no such command and the menu loses it, in their language", async () => {
    const admin = h.user(ADMIN, "kk");
    await admin.send("/start");
    await openAdmin(admin, "kk");
    const demoted = await testBot(t.db, { adminIds: [], now: () => now });
    const tapped = await demoted.user(ADMIN, "kk").send("/admin");
    expect(texts(tapped)[0]).toBe("Мұндай команда жоқ. Не істей алатынымды /help көрсетеді.");
    const menu = tapped.filter((c) => c.method === "setMyCommands").at(-1)?.payload as { commands: { command: string; description: string }[]; scope: unknown } | undefined;
    expect(menu?.scope).toEqual({ type: "chat", chat_id: ADMIN });
    expect(menu?.commands.map((c) => c.command)).toEqual(["start", "menu", "notice", "cases", "explain", "help", "language", "privacy", "mydata", "cancel"]);
    expect(menu?.commands[0]).toEqual({ command: "start", description: "Басты мәзір" });
  });

  it("someone who used the bot before being made an admin gets /admin in their chat's command menu when they pass the admin's door", async () => {
    const before = await testBot(t.db, { adminIds: [], now: () => now });
    await before.user(ADMIN, "ru").send("/start");
    const admin = h.user(ADMIN, "ru");
    await admin.send("/admin");
    await admin.send("Жумабаев Арман Серикович");
    await admin.send("Специалист управления здравоохранения");
    const accepted = await admin.press("Принимаю");
    const menu = accepted.filter((c) => c.method === "setMyCommands").at(-1)?.payload as { commands: { command: string; description: string }[]; scope: unknown } | undefined;
    expect(menu?.scope).toEqual({ type: "chat", chat_id: ADMIN });
    // Named as the admin's /help names it.
    expect(menu?.commands.at(-1)).toEqual({ command: "admin", description: "Организации и приглашения" });
  });

  it("register an organisation and create a single-use staff invite that expires in 7 days", async () => {
    const { created, invite } = await inviteStaff();
    expect(texts(created)[0]).toBe("Организация зарегистрирована: Городская больница №7, г. Шымкент.");
    expect(texts(invite)[0]).toMatch(/^Приглашение для сотрудника организации Городская больница №7, г. Шымкент\. Ссылка сработает один раз, до 30\.11\.2026:\nhttps:\/\/t\.me\/kelisim_local_bot\?start=[A-Za-z0-9_-]{32}$/);
    const row = await t.db.prisma.invite.findFirstOrThrow();
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/); // only a hash is kept
    expect(JSON.stringify(row, (_, v: unknown) => (typeof v === "bigint" ? String(v) : v))).not.toContain(/start=(\S+)/.exec(texts(invite)[0]!)![1]);
  });

  it("an organisation registered again (the same name in its region, however written) is not made twice — a typed name would match both, and its notices reach nobody: the admin is pointed to the one there", async () => {
    const { admin } = await inviteStaff();
    await admin.send("/admin");
    await admin.press("Зарегистрировать организацию");
    await admin.send("городская  больница № 7");
    await admin.press("Название то же");
    const again = await admin.press("г. Шымкент");
    expect(texts(again)[0]).toBe("Эта организация уже зарегистрирована: Городская больница №7, г. Шымкент. Пригласить её сотрудника можно кнопкой ниже.");
    expect(texts(await admin.press("Пригласить: Городская больница №7"))[0]).toMatch(/^Приглашение для сотрудника организации Городская больница №7, г\. Шымкент\./);
    expect(await t.db.prisma.organization.count()).toBe(1);
    // The same name in another region is another organisation.
    await admin.send("/admin");
    await admin.press("Зарегистрировать организацию");
    await admin.send("Городская больница №7");
    await admin.press("Название то же");
    expect(texts(await admin.press("г. Астана"))[0]).toBe("Организация зарегистрирована: Городская больница №7, г. Астана.");
    // Kazakh: the Russian name of one registered already.
    const kk = h.user(ADMIN, "kk");
    await kk.send("/language");
    await kk.press("Қазақша");
    await kk.send("/admin");
    await kk.press("Ұйымды тіркеу");
    await kk.send("№7 қалалық аурухана");
    await kk.send("Городская больница №7");
    expect(texts(await kk.press("Шымкент қаласы"))[0]).toBe("Бұл ұйым бұрын тіркелген: Городская больница №7, Шымкент қаласы. Оның қызметкерін төмендегі батырмамен шақыруға болады.");
    expect(await t.db.prisma.organization.count()).toBe(2);
  });

  it("the same organisation spelt otherwise («N7», «7», «№7.») is said to look like the one there — with its invite button and what to do if it is another — and not made twice", async () => {
    // Before: each spelling made a new organisation — applicants saw both, and each one's staff missed the other's notices.
    const { admin } = await inviteStaff();
    for (const spelt of ["Городская больница N7", "Городская больница 7", "Городская больница №7.", "городская больница No. 7"]) {
      await admin.send("/admin");
      await admin.press("Зарегистрировать организацию");
      await admin.send(spelt);
      await admin.press("Название то же");
      const again = await admin.press("г. Шымкент");
      expect(texts(again)[0], spelt).toBe(
        "Организация с похожим названием уже зарегистрирована: Городская больница №7, г. Шымкент. Если это та же организация, пригласите её сотрудника кнопкой ниже. Если другая, зарегистрируйте её заново под названием, по которому их можно различить.",
      );
    }
    expect(texts(await admin.press("Пригласить: Городская больница №7"))[0]).toMatch(/^Приглашение для сотрудника организации Городская больница №7, г\. Шымкент\./);
    expect(await t.db.prisma.organization.count()).toBe(1);
    // Another number is another organisation.
    await admin.send("/admin");
    await admin.press("Зарегистрировать организацию");
    await admin.send("Городская больница N17");
    await admin.press("Название то же");
    expect(texts(await admin.press("г. Шымкент"))[0]).toBe("Организация зарегистрирована: Городская больница N17, г. Шымкент.");
    // Kazakh, the admin's Kazakh name spelt with «N»:
    const kk = h.user(ADMIN, "kk");
    await kk.send("/language");
    await kk.press("Қазақша");
    await kk.send("/admin");
    await kk.press("Ұйымды тіркеу");
    await kk.send("Қалалық аурухана N 7");
    await kk.send("Городская больница 7");
    expect(texts(await kk.press("Шымкент қаласы"))[0]).toBe(
      "Атауы ұқсас ұйым бұрын тіркелген: Городская больница №7, Шымкент қаласы. Бұл сол ұйым болса, оның қызметкерін төмендегі батырмамен шақырыңыз. Басқа ұйым болса, оны тіркелген ұйымнан ажырататын атаумен қайта тіркеңіз.",
    );
    expect(await t.db.prisma.organization.count()).toBe(2);
  });

  it("someone who is not an admin cannot use admin buttons, even with forged data", async () => {
    await inviteStaff();
    const u = h.user(2, "ru");
    await u.send("/start");
    const forged = await u.pressData("g:adm:staff:1");
    expect(forged.find((c) => c.method === "answerCallbackQuery")?.payload.text).toBe("Эта кнопка устарела.");
    expect(await t.db.prisma.invite.count()).toBe(1);
    await u.pressData("g:adm:mediator");
    expect(await t.db.prisma.invite.count()).toBe(1);
  });
});

describe("roles", () => {
  it("an admin lists active roles and revokes one: that staff member no longer sees the inbox", async () => {
    const { admin, link } = await inviteStaff();
    const staff = h.user(40, "ru");
    await staff.send("/start");
    await redeem(staff, link, "ru", "staff");
    // A forged revoke from someone who is not an admin changes nothing.
    const stranger = h.user(41, "ru");
    await stranger.send("/start");
    await stranger.pressData("g:adm:revoke:1");
    expect((await t.db.prisma.userRole.findFirstOrThrow({ where: { userId: 40n } })).revokedAt).toBeNull();
    await admin.send("/admin");
    const list = await admin.press("Роли");
    expect(texts(list)[0]).toBe("Активные роли:\nАхметова Сауле Маратовна (Секретарь комиссии) — сотрудник, Городская больница №7");
    await confirmRevoke(admin, "Отозвать: Ахметова Сауле Маратовна — сотрудник");
    // Told why, not «Такой команды нет» — typed, or pressed on their old home («Дела организации»), with the home after.
    expect(texts(await staff.send("/inbox"))).toEqual([
      "/inbox — для сотрудников медицинских организаций и медиаторов, зарегистрированных в боте. У вас сейчас такой роли нет: её даёт администратор бота по приглашению.",
      expect.stringMatching(/^Что сделаем\?/),
    ]);
    const old = await staff.press("Дела организации");
    expect(texts(old)).toEqual(["/inbox — для сотрудников медицинских организаций и медиаторов, зарегистрированных в боте. У вас сейчас такой роли нет: её даёт администратор бота по приглашению.", expect.stringMatching(/^Что сделаем\?/)]);
    expect(buttons(old)).toContain("Подать обращение");
    expect(buttons(list)).toHaveLength(1);
    expect((await t.db.prisma.userRole.findFirstOrThrow({ where: { userId: 40n } })).revokedAt).not.toBeNull();
  });

  it("an invite revoked while the admin registers an organisation: the question of the registration comes again after it, not the admin's home (kk)", async () => {
    const { admin: ru } = await inviteStaff();
    const kk = h.user(ADMIN, "kk");
    await ru.send("/language");
    await kk.press("Қазақша");
    await kk.send("/admin");
    await kk.press("Ұйымды тіркеу");
    // The invite's message, from before the language changed.
    const revoked = texts(await kk.press("Отозвать приглашение"));
    expect(revoked).toEqual([
      "Шақыру қайтарып алынды: бұл сілтеме бойынша енді ешкім тіркелмейді. Жаңа шақыруды /admin арқылы жасауға болады.",
      "Медициналық ұйымның атауын қазақ тілінде жазыңыз — пациенттер жазатындай.",
    ]);
    // The name typed next is the registration's answer.
    expect(texts(await kk.send("Қалалық аурухана №3"))[0]).toMatch(/^Енді атауын орыс тілінде жазыңыз/);
  });

  it("an invite link sent to the wrong chat is revoked from its own message: nobody joins by it; once used, the admin is told who joined", async () => {
    const { admin, invite, link } = await inviteStaff();
    // The link's message is the one to forward: no buttons on it (a forwarded message keeps them); the revoke button follows in its own.
    const sent = invite.filter((c) => c.method === "sendMessage");
    expect(sent[0]!.payload.text).toMatch(/^Приглашение для сотрудника организации Городская больница №7, г\. Шымкент\..*\nhttps:\/\/t\.me\/kelisim_local_bot\?start=/s);
    expect(sent[0]!.payload.reply_markup).toBeUndefined();
    expect(sent[1]!.payload.text).toBe("Перешлите сообщение со ссылкой выше тому, кого приглашаете. Если ссылка попала не туда, отзовите приглашение: по ней никто не зарегистрируется.");
    expect(buttons([sent[1]!])).toEqual(["Отозвать приглашение"]);
    expect(textsTo(await admin.press("Отозвать приглашение"), ADMIN)).toEqual(["Приглашение отозвано: по этой ссылке больше никто не зарегистрируется. Новое приглашение можно создать в /admin.", ADMIN_HOME]);
    const stranger = h.user(43, "ru");
    await stranger.send("/start");
    expect(texts(await stranger.send(`/start ${link}`))[0]).toBe("Это приглашение недействительно: им уже воспользовались, срок истёк или его отозвали. Попросите новое.");
    expect(await t.db.prisma.userRole.count({ where: { userId: 43n } })).toBe(0);
    expect(textsTo(await admin.press("Отозвать приглашение"), ADMIN)[0]).toBe("Это приглашение уже не действует: оно отозвано или его срок истёк.");
    // A mediator's invite, used before the admin (in Kazakh) pressed it: the one who joined is named, and keeps the role.
    const kk = h.user(ADMIN, "kk");
    await kk.send("/language");
    await kk.press("Қазақша");
    const second = await kk.press("Медиаторды шақыру");
    const mediatorLink = /start=(\S+)/.exec(texts(second)[0]!)![1]!;
    const m = h.user(70, "kk");
    await m.send("/start");
    await redeem(m, mediatorLink, "kk", "mediator");
    expect(textsTo(await kk.press("Шақыруды қайтарып алу"), ADMIN)[0]).toBe(
      "Бұл шақыру бойынша адам тіркеліп қойған: Сапарова Динара Ерлановна. Оның рөлін қайтарып алу үшін /admin → «Рөлдер» бөлімін ашыңыз.",
    );
    expect(await t.db.prisma.userRole.count({ where: { userId: 70n, role: "mediator", revokedAt: null } })).toBe(1);
    // Nobody else can press it, forged data included: a fresh invite nobody used stays valid, and its link still works.
    const fresh = /start=(\S+)/.exec(texts(await kk.press("Медиаторды шақыру"))[0]!)![1]!;
    const row = await t.db.prisma.invite.findFirstOrThrow({ where: { role: "mediator", usedAt: null } });
    const forged = await stranger.pressData(`g:adm:revinv:${row.id}`);
    expect(toast(forged)).toBe("Эта кнопка устарела.");
    expect(textsTo(forged, 43).join("\n")).not.toMatch(/отозван/);
    expect((await t.db.prisma.invite.findUniqueOrThrow({ where: { id: row.id } })).revokedAt).toBeNull();
    expect(texts(await redeem(h.user(71, "ru"), fresh, "ru", "mediator", "Нурланова Гаухар Сериковна"))[0]).toMatch(/^Нурланова Гаухар Сериковна, вы /);
  });

  it("an invite revoked, or expired, while its person answers its questions: the last answer is refused, no role is given", async () => {
    const { admin, link } = await inviteStaff();
    const staff = h.user(44, "ru");
    await staff.send(`/start ${link}`);
    await staff.send("Ахметова Сауле Маратовна");
    await staff.send("Секретарь комиссии");
    expect(textsTo(await admin.press("Отозвать приглашение"), ADMIN)[0]).toBe("Приглашение отозвано: по этой ссылке больше никто не зарегистрируется. Новое приглашение можно создать в /admin.");
    expect(texts(await staff.press("Принимаю"))[0]).toBe("Это приглашение недействительно: им уже воспользовались, срок истёк или его отозвали. Попросите новое.");
    expect(await t.db.prisma.userRole.count({ where: { userId: 44n } })).toBe(0);
    expect((await t.db.prisma.invite.findFirstOrThrow()).usedAt).toBeNull();
    // A mediator's invite that expires at the end of 30.11.2026, its last answer given the next morning.
    const mediatorLink = /start=(\S+)/.exec(texts(await admin.press("Пригласить медиатора"))[0]!)![1]!;
    const m = h.user(45, "ru");
    await m.send(`/start ${mediatorLink}`);
    await m.send("Сапарова Динара Ерлановна");
    await m.send("Реестр медиаторов № 123, Палата медиаторов");
    now = new Date("2026-12-01T09:00:00+05:00");
    expect(texts(await m.press("Принимаю"))[0]).toBe("Это приглашение недействительно: им уже воспользовались, срок истёк или его отозвали. Попросите новое.");
    expect(await t.db.prisma.userRole.count({ where: { userId: 45n } })).toBe(0);
  });

  it("an invite used by someone else, or expired, while its person answers its questions: told at the next answer, or when the link is opened again, that it no longer works — then the menu, not its next question", async () => {
    // Before: the next question (position, the terms) followed, to be refused only at the last answer; opened again,
    // the refusal was followed by the spent link's question again.
    const { link } = await inviteStaff();
    const first = h.user(44, "ru");
    await first.send(`/start ${link}`);
    await first.send("Ахметова Сауле Маратовна");
    const second = h.user(46, "kk");
    await second.send(`/start ${link}`);
    await redeem(h.user(47, "ru"), link, "ru", "staff", "Бекова Алия Сериковна");
    const title = await first.send("Секретарь комиссии");
    expect(textsTo(title, 44)).toEqual(["Это приглашение недействительно: им уже воспользовались, срок истёк или его отозвали. Попросите новое.", expect.stringMatching(/^Что сделаем\?/)]);
    expect(buttons(title)).not.toContain("Принимаю");
    // Opened again by one who began it: the refusal, then the menu — not the spent link's name question.
    const again = await second.send(`/start ${link}`);
    expect(textsTo(again, 46)).toEqual(["Бұл шақыру жарамсыз: ол қолданылған, мерзімі өткен немесе қайтарып алынған. Жаңасын сұраңыз.", expect.stringMatching(/^Не істейміз\?/)]);
    expect(textsTo(await second.send("Ахметова Сауле Маратовна"), 46)).not.toContainEqual(expect.stringMatching(/^Лауазым/));
    expect(await t.db.prisma.userRole.count({ where: { userId: { in: [44n, 46n] } } })).toBe(0);
    // A mediator's invite that expires at the end of 30.11.2026, its next question answered the next morning.
    const admin = h.user(ADMIN, "ru");
    await openAdmin(admin);
    const mediatorLink = /start=(\S+)/.exec(texts(await admin.press("Пригласить медиатора"))[0]!)![1]!;
    const m = h.user(45, "ru");
    await m.send(`/start ${mediatorLink}`);
    await m.send("Сапарова Динара Ерлановна");
    now = new Date("2026-12-01T09:00:00+05:00");
    const registry = await m.send("Реестр медиаторов № 123, Палата медиаторов");
    expect(textsTo(registry, 45)).toEqual(["Это приглашение недействительно: им уже воспользовались, срок истёк или его отозвали. Попросите новое.", expect.stringMatching(/^Что сделаем\?/)]);
    expect(buttons(registry)).not.toContain("Принимаю");
  });

  it.skipIf(!TEST_PG_URL)(
    "an invite revoked by the admin between the join's read of it and its taking (PostgreSQL, READ COMMITTED): the person is refused, as the admin was told nobody would join",
    async () => {
      const { link } = await inviteStaff();
      const staff = h.user(46, "ru");
      await staff.send(`/start ${link}`);
      await staff.send("Ахметова Сауле Маратовна");
      await staff.send("Секретарь комиссии");
      const row = await t.db.prisma.invite.findFirstOrThrow();
      const admin = new pg.Client({ connectionString: TEST_PG_URL! });
      await admin.connect();
      try {
        await admin.query(`SET search_path TO "${t.schema}"`);
        // The admin's revoke, not yet committed: the join reads the invite as unrevoked, then waits for its row.
        await admin.query("BEGIN");
        await admin.query(`UPDATE "Invite" SET "revokedAt" = now() WHERE "id" = $1`, [row.id]);
        let done = false;
        const accepted = staff.press("Принимаю").finally(() => (done = true));
        await until(async () => done || (await waitsForLock(admin)), 30_000, "the join waiting for the invite's row");
        await admin.query("COMMIT");
        expect(texts(await accepted)[0]).toBe("Это приглашение недействительно: им уже воспользовались, срок истёк или его отозвали. Попросите новое.");
      } finally {
        await admin.end();
      }
      expect(await t.db.prisma.userRole.count({ where: { userId: 46n } })).toBe(0);
      expect((await t.db.prisma.invite.findFirstOrThrow()).usedAt).toBeNull();
    },
  );

  it("revoking a role is asked once more, naming the person and the role: «Не отзывать» keeps it, and says so only while it stands", async () => {
    // Before: one tap on «Отозвать: …» revoked the role (a mediator's running mediations ended, their sides told).
    const { admin, link } = await inviteStaff();
    const staff = h.user(40, "ru");
    await staff.send("/start");
    await redeem(staff, link, "ru", "staff");
    await admin.send("/admin");
    await admin.press("Роли");
    // The button as it was sent before the question existed (its data unchanged) asks too.
    const asked = await admin.press("Отозвать: Ахметова Сауле Маратовна — сотрудник");
    expect(textsTo(asked, ADMIN)).toEqual([
      "Отозвать роль: Ахметова Сауле Маратовна (Секретарь комиссии) — сотрудник, Городская больница №7? Дела организации станут этому человеку недоступны; он получит об этом сообщение.",
    ]);
    expect(buttons(asked)).toEqual(["Отозвать", "Не отзывать"]);
    expect(textsTo(asked, 40)).toEqual([]);
    expect(await t.db.prisma.userRole.count({ where: { userId: 40n, revokedAt: null } })).toBe(1);
    expect(textsTo(await admin.press("Не отзывать"), ADMIN)).toEqual(["Хорошо, роль сохраняется.", ADMIN_HOME]);
    expect(await t.db.prisma.userRole.count({ where: { userId: 40n, revokedAt: null } })).toBe(1);
    expect(texts(await staff.send("/inbox"))[0]).not.toBe("Такой команды нет. Что я умею, показывает /help.");

    // Asked again, and revoked from another question meanwhile: «Не отзывать» does not say the role stays.
    const row = await t.db.prisma.userRole.findFirstOrThrow({ where: { userId: 40n } });
    await admin.send("/admin");
    await admin.press("Роли");
    await admin.press("Отозвать: Ахметова Сауле Маратовна — сотрудник");
    expect(textsTo(await admin.pressData(`g:adm:revokeok:${row.id}`), ADMIN)).toEqual(["Роль отозвана.", ADMIN_HOME]);
    expect(textsTo(await admin.press("Не отзывать"), ADMIN)).toEqual(["Эта роль уже отозвана: Ахметова Сауле Маратовна (Секретарь комиссии) — сотрудник, Городская больница №7.", ADMIN_HOME]);
    expect(textsTo(await admin.pressData(`g:adm:revoke:${row.id}`), ADMIN)).toEqual(["Эта роль уже отозвана: Ахметова Сауле Маратовна (Секретарь комиссии) — сотрудник, Городская больница №7."]);
    // Someone not an admin gets nothing of it.
    const stranger = h.user(41, "ru");
    await stranger.send("/start");
    await stranger.press("Согласен(на)");
    expect(textsTo(await stranger.pressData(`g:adm:keeprole:${row.id}`), 41)).toEqual(["Что сделаем? Команды есть и в меню (/)."]);
  });

  it("staff who open a second invite to their organisation are told they are staff already: the invite stays for a colleague, each new notice reaches them once", async () => {
    const { admin, link } = await inviteStaff();
    const staff = h.user(40, "ru");
    await staff.send("/start");
    await redeem(staff, link, "ru", "staff");
    const org = await t.db.prisma.organization.findFirstOrThrow();
    const second = /start=([A-Za-z0-9_-]{32})/.exec(texts(await admin.pressData(`g:adm:staff:${org.id}`))[0]!)![1]!;
    // Told at once, before any question (not after their name, position and the terms).
    const opened = texts(await staff.send(`/start ${second}`));
    expect(opened[0]).toBe("Вы уже зарегистрированы как сотрудник организации «Городская больница №7» — это приглашение вам не понадобилось, им может воспользоваться ваш коллега. Дела вашей организации: /inbox");
    expect(opened.join("\n")).not.toMatch(/фамилию|ФИО/);
    const colleague = h.user(42, "ru");
    await colleague.send("/start");
    expect(texts(await redeem(colleague, second, "ru", "staff", "Иванова Алия Каримовна"))[0]).toMatch(/^Иванова Алия Каримовна, вы зарегистрированы как сотрудник/);
    await fileNotice(h.user(100, "ru"), "ru");
    expect(h.fake.sent("sendMessage", 40).filter((c) => String(c.payload.text).includes("KZ-2026-000001"))).toHaveLength(1);
  });

  it("staff (kk) who open a second invite to their organisation are told so at once, in Kazakh, before any question; the invite stays unused", async () => {
    const { admin, link } = await inviteStaff();
    const staff = h.user(40, "kk");
    await staff.send("/start");
    await redeem(staff, link, "kk", "staff");
    const org = await t.db.prisma.organization.findFirstOrThrow();
    const second = /start=([A-Za-z0-9_-]{32})/.exec(texts(await admin.pressData(`g:adm:staff:${org.id}`))[0]!)![1]!;
    const opened = texts(await staff.send(`/start ${second}`));
    // Before the fix: «Тегіңізді, атыңызды…» — the join questions first, and this only after the terms.
    expect(opened[0]).toBe("Сіз «Городская больница №7» ұйымының қызметкері ретінде бұрыннан тіркелгенсіз — бұл шақыру сізге қажет болмады, оны әріптесіңіз пайдалана алады. Ұйымыңыздың істері: /inbox");
    expect(opened).toHaveLength(2); // and their home screen
    expect(await t.db.prisma.invite.count({ where: { usedAt: null, organizationId: org.id } })).toBe(1);
    expect(await t.db.prisma.userRole.count({ where: { userId: 40n, revokedAt: null } })).toBe(1);
  });

  it("a mediator who opens a mediator invite is told at once that they are a mediator already; the invite stays for someone else", async () => {
    const admin = h.user(ADMIN, "ru");
    await admin.send("/start");
    await openAdmin(admin);
    const link = (await admin.press("Пригласить медиатора").then(texts))[0]!.match(/start=(\S+)/)![1]!;
    const m = h.user(70, "ru");
    await m.send("/start");
    await redeem(m, link, "ru", "mediator");
    await admin.send("/admin");
    const second = (await admin.press("Пригласить медиатора").then(texts))[0]!.match(/start=(\S+)/)![1]!;
    const opened = texts(await m.send(`/start ${second}`));
    expect(opened[0]).toBe("Вы уже зарегистрированы как медиатор — это приглашение вам не понадобилось. Ваши медиации: /inbox");
    expect(opened.join("\n")).not.toMatch(/фамилию|ФИО/);
    expect(await t.db.prisma.invite.count({ where: { role: "mediator", usedAt: null } })).toBe(1);
  });

  it("staff and a mediator who tap their own invite link again, after joining by it, are told they joined by it — not to ask for a new one", async () => {
    const { admin, link } = await inviteStaff();
    const staff = h.user(40, "ru");
    await staff.send("/start");
    await redeem(staff, link, "ru", "staff");
    const again = texts(await staff.send(`/start ${link}`));
    expect(again[0]).toBe("Вы уже зарегистрированы как сотрудник организации «Городская больница №7» по этому приглашению. Дела вашей организации: /inbox");
    expect(again.join("\n")).not.toMatch(/недействительно|Попросите новое/);
    // In Kazakh, a week later: the link expired meanwhile, and it is still the one they joined by.
    await staff.send("/language");
    await staff.press("Қазақша");
    now = new Date("2026-12-02T10:00:00+05:00");
    expect(texts(await staff.send(`/start ${link}`))[0]).toBe("Сіз осы шақыру бойынша «Городская больница №7» ұйымының қызметкері ретінде тіркелгенсіз. Ұйымыңыздың істері: /inbox");
    now = new Date("2026-11-23T10:00:00+05:00");
    await admin.send("/admin");
    const mediatorLink = (await admin.press("Пригласить медиатора").then(texts))[0]!.match(/start=(\S+)/)![1]!;
    const m = h.user(70, "ru");
    await m.send("/start");
    await redeem(m, mediatorLink, "ru", "mediator");
    expect(texts(await m.send(`/start ${mediatorLink}`))[0]).toBe("Вы уже зарегистрированы как медиатор по этому приглашению. Ваши медиации: /inbox");
    // Someone else opening the spent link is still refused; and once the role is revoked, so is its holder.
    const other = h.user(41, "ru");
    await other.send("/start");
    expect(texts(await other.send(`/start ${link}`))[0]).toMatch(/^Это приглашение недействительно/);
    await admin.send("/admin");
    await admin.press("Роли");
    await confirmRevoke(admin, "Отозвать: Ахметова Сауле Маратовна — сотрудник");
    expect(texts(await staff.send(`/start ${link}`))[0]).toMatch(/^Бұл шақыру жарамсыз/);
  });

  it("staff holding two active rows of their organisation (from two invites, before they were refused) hear of each new notice once", async () => {
    const { link } = await inviteStaff();
    const staff = h.user(40, "ru");
    await staff.send("/start");
    await redeem(staff, link, "ru", "staff");
    const row = await t.db.prisma.userRole.findFirstOrThrow({ where: { userId: 40n } });
    await t.db.prisma.userRole.create({ data: { userId: 40n, role: "staff", organizationId: row.organizationId, title: row.title, termsVersion: row.termsVersion, termsAcceptedAt: row.termsAcceptedAt } });
    await fileNotice(h.user(100, "ru"), "ru");
    expect(h.fake.sent("sendMessage", 40).filter((c) => String(c.payload.text).includes("KZ-2026-000001"))).toHaveLength(1);
  });

  it("revoked staff are told kindly, in their language, and their chat's menu loses /inbox", async () => {
    const { admin, link } = await inviteStaff();
    const staff = h.user(40, "kk");
    await staff.send("/start");
    const joined = await redeem(staff, link, "kk", "staff");
    const menuOf = (calls: { method: string; payload: Record<string, unknown> }[]) =>
      (calls.filter((c) => c.method === "setMyCommands" && (c.payload.scope as { chat_id?: number }).chat_id === 40).at(-1)?.payload.commands as { command: string; description: string }[] | undefined)?.map((c) => `/${c.command} ${c.description}`);
    // What /inbox holds for staff, as their /help says it — not «or mediations».
    expect(menuOf(joined)).toContain("/inbox Ұйымның істері");
    await admin.send("/admin");
    await admin.press("Роли");
    const revoked = await confirmRevoke(admin, "Отозвать: Ахметова Сауле Маратовна — сотрудник");
    expect(textsTo(revoked, 40)).toEqual([
      "«Келісім» ботында сіз енді «Городская больница №7» ұйымының қызметкері болып саналмайсыз: рөліңізді әкімші қайтарып алды. Ұйымның істері сізге енді қолжетімді емес. Жұмысыңызға рақмет. Бұл қате болса, әкімшіге хабарласыңыз.",
    ]);
    const menu = menuOf(revoked);
    expect(menu).toBeDefined();
    expect(menu!.some((c) => c.startsWith("/inbox"))).toBe(false);
    expect(menu!.some((c) => c.startsWith("/start"))).toBe(true);
  });

  it("revoked in the middle of recording a receipt: the next answer typed, or the flow's button, is refused in their language — the role ended, nothing recorded — and their home as they stand now follows (kk, ru)", async () => {
    // Before: typed, the flow asked its next question as if nothing had happened; its button, «Мұндай іс табылмады…» —
    // as if the case were gone.
    const { admin, link } = await inviteStaff();
    await fileNotice(h.user(100, "ru"), "ru");
    const staff = h.user(40, "kk");
    await staff.send("/start");
    await redeem(staff, link, "kk", "staff");
    const revokeStaff = async () => {
      await admin.send("/admin");
      await admin.press("Роли");
      await confirmRevoke(admin, "Отозвать: Ахметова Сауле Маратовна — сотрудник");
    };
    const MENU_KK = "Не істейміз? Командалар (/) мәзірінде де бар.";
    const ended = "«Келісім» ботында сіз енді ұйымның қызметкері болып саналмайсыз: рөліңізді әкімші қайтарып алды. Басталған әрекет болдырылмады, ештеңе жазылған жоқ.";
    await staff.send("/inbox");
    await staff.press("KZ-2026-000001 ісін ашу");
    await staff.press("Өтініштің алынғанын белгілеу");
    await revokeStaff();
    // An answer typed.
    const typed = await staff.send("01-12/345");
    expect(textsTo(typed, 40)).toEqual([ended, MENU_KK]);
    expect(buttons(typed)).toContain("Өтініш беру");
    expect((await t.db.prisma.case.findFirstOrThrow()).receivedAt).toBeNull();
    // Invited again, in Russian now, the flow's button pressed after the second revocation.
    const again = /start=([A-Za-z0-9_-]{32})/.exec(texts(await admin.press("Пригласить: Городская больница №7"))[0]!)![1]!;
    await staff.send("/language");
    await staff.press("Русский");
    await redeem(staff, again, "ru", "staff");
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Отметить получение обращения");
    await staff.send("01-12/345");
    await revokeStaff();
    const pressed = await staff.press("Сегодня");
    expect(textsTo(pressed, 40)).toEqual([
      "В боте «Келісім» вы больше не значитесь сотрудником организации: администратор отозвал вашу роль. Начатое действие отменено, ничего не записано.",
      "Что сделаем? Команды есть и в меню (/).",
    ]);
    expect((await t.db.prisma.case.findFirstOrThrow()).receivedAt).toBeNull();
    expect(await t.db.prisma.caseEvent.count({ where: { kind: { contains: "receiv" } } })).toBe(0);
  });

  it("revoking staff who hold two active rows of their organisation ends both: they can no longer open its cases", async () => {
    const { admin, link } = await inviteStaff();
    const staff = h.user(40, "ru");
    await staff.send("/start");
    await redeem(staff, link, "ru", "staff");
    const row = await t.db.prisma.userRole.findFirstOrThrow({ where: { userId: 40n } });
    await t.db.prisma.userRole.create({ data: { userId: 40n, role: "staff", organizationId: row.organizationId, title: row.title, termsVersion: row.termsVersion, termsAcceptedAt: row.termsAcceptedAt } });
    await fileNotice(h.user(100, "ru"), "ru");
    await admin.send("/admin");
    const list = await admin.press("Роли");
    await confirmRevoke(admin, buttons(list)[0]!);
    expect(texts(await staff.send("/inbox"))[0]).toBe("/inbox — для сотрудников медицинских организаций и медиаторов, зарегистрированных в боте. У вас сейчас такой роли нет: её даёт администратор бота по приглашению.");
    expect(await t.db.prisma.userRole.count({ where: { userId: 40n, revokedAt: null } })).toBe(0);
  });
});

describe("many organisations", () => {
  const register = async (count: number, region: string, name: (i: number) => string) => {
    for (let i = 1; i <= count; i++) await t.db.prisma.organization.create({ data: { nameKk: name(i), nameRu: name(i), region } });
  };

  it("an admin invites staff of any registered organisation, the 51st too: the region first, then its organisations ten at a time", async () => {
    await register(51, "shymkent", (i) => `Поликлиника №${String(i).padStart(2, "0")}`);
    await register(1, "astana", () => "Клиника №2");
    const admin = h.user(ADMIN, "ru");
    await admin.send("/start");
    await openAdmin(admin);
    const regions = await admin.press("Пригласить сотрудника");
    expect(textsTo(regions, ADMIN)).toEqual(["В каком регионе организация?"]);
    expect(buttons(regions)).toEqual(["г. Астана (1)", "г. Шымкент (51)"]);
    let page = await admin.press("г. Шымкент (51)");
    expect(textsTo(page, ADMIN)).toEqual(["Сотрудника какой организации приглашаем?"]);
    expect(buttons(page)).toEqual([...Array.from({ length: 10 }, (_, i) => `Пригласить: Поликлиника №${String(i + 1).padStart(2, "0")}, г. Шымкент`), "Ещё ▶", "◀ Другой регион"]);
    for (let i = 0; i < 5; i++) page = await admin.press("Ещё ▶");
    expect(buttons(page)).toEqual(["Пригласить: Поликлиника №51, г. Шымкент", "◀ Предыдущие", "◀ Другой регион"]);
    expect(textsTo(await admin.press("Пригласить: Поликлиника №51, г. Шымкент"), ADMIN)[0]).toMatch(/^Приглашение для сотрудника организации Поликлиника №51, г\. Шымкент\./);
    expect(buttons(await admin.press("◀ Другой регион"))).toEqual(["г. Астана (1)", "г. Шымкент (51)"]);
  });

  it("organisations registered in one region only: «Пригласить сотрудника» lists them at once; a case is linked to the 11th of its region", async () => {
    await register(11, "shymkent", (i) => `Больница №${String(i).padStart(2, "0")}`);
    await fileNotice(h.user(30, "ru"), "ru", { org: "Горбольница 7" });
    const admin = h.user(ADMIN, "ru");
    await admin.send("/start");
    await openAdmin(admin);
    expect(buttons(await admin.press("Пригласить сотрудника")).slice(-2)).toEqual(["Пригласить: Больница №10, г. Шымкент", "Ещё ▶"]);
    await admin.press("Дела без организации");
    const first = await admin.press("Привязать KZ-2026-000001");
    expect(buttons(first).slice(-2)).toEqual(["Больница №10", "Ещё ▶"]);
    const second = await admin.press("Ещё ▶");
    expect(textsTo(second, ADMIN)[0]).toMatch(/^Дело KZ-2026-000001: в обращении указано «Горбольница 7»/);
    expect(buttons(second)).toEqual(["Больница №11", "◀ Предыдущие"]);
    expect(textsTo(await admin.press("Больница №11"), ADMIN)[0]).toBe("Дело KZ-2026-000001 привязано к организации Больница №11, г. Шымкент; её сотрудникам сообщено.");
  });
});

describe("long lists of roles", () => {
  /** Active staff roles made directly in the database: long real-life names, positions and organisations. */
  const manyStaff = async (count: number) => {
    for (let i = 1; i <= count; i++) {
      const org = await t.db.prisma.organization.create({
        data: {
          nameKk: `Шымкент қаласы денсаулық сақтау басқармасының ШЖҚ «№${i} қалалық клиникалық аурухана» МКК`,
          nameRu: `ГКП на ПХВ «Городская клиническая больница №${i}» управления здравоохранения города Шымкент`,
          region: "shymkent",
        },
      });
      await t.db.prisma.user.create({ data: { id: BigInt(5000 + i), language: "ru", fullName: `Абдрахманова Гульнара Серикбаевна ${i}` } });
      await t.db.prisma.userRole.create({
        data: { userId: BigInt(5000 + i), role: "staff", organizationId: org.id, title: "Заместитель главного врача по контролю качества медицинской помощи и поддержке пациентов", termsVersion: "test", termsAcceptedAt: now },
      });
    }
  };

  it("forty staff with long names, positions and organisations: each page of «Роли» fits one Telegram message", async () => {
    await manyStaff(40);
    const admin = h.user(ADMIN, "ru");
    await admin.send("/start");
    await openAdmin(admin);
    let page = await admin.press("Роли");
    for (let n = 1; ; n++) {
      const text = textsTo(page, ADMIN).at(-1)!;
      expect(text.length).toBeLessThanOrEqual(4096);
      expect(text).toMatch(new RegExp(`^Активные роли \\(${n * 10 - 9}–${n * 10} из 40\\):`));
      if (!buttons(page).includes("Ещё ▶")) break;
      page = await admin.press("Ещё ▶");
    }
    expect(textsTo(page, ADMIN).at(-1)).toContain("Абдрахманова Гульнара Серикбаевна 40");
  });

  it("past fifty active roles, the admin pages on to the 51st and revokes it; «◀ Предыдущие» goes back", async () => {
    await manyStaff(51);
    const admin = h.user(ADMIN, "ru");
    await admin.send("/start");
    await openAdmin(admin);
    let page = await admin.press("Роли");
    expect(buttons(page)).toEqual([...Array.from({ length: 10 }, (_, i) => `Отозвать: Абдрахманова Гульнара Серикбаевна ${i + 1} — сотрудник`), "Ещё ▶"]);
    for (let i = 0; i < 5; i++) page = await admin.press("Ещё ▶");
    expect(textsTo(page, ADMIN).at(-1)).toMatch(/^Активные роли \(51–51 из 51\):\nАбдрахманова Гульнара Серикбаевна 51 \(/);
    expect(buttons(page)).toEqual(["Отозвать: Абдрахманова Гульнара Серикбаевна 51 — сотрудник", "◀ Предыдущие"]);
    expect(buttons(await admin.press("◀ Предыдущие"))[0]).toBe("Отозвать: Абдрахманова Гульнара Серикбаевна 41 — сотрудник");
    await confirmRevoke(admin, "Отозвать: Абдрахманова Гульнара Серикбаевна 51 — сотрудник");
    expect((await t.db.prisma.userRole.findFirstOrThrow({ where: { userId: 5051n } })).revokedAt).not.toBeNull();
  });
});

describe("joining by invite", () => {
  it("staff join once by their own front door: language, full name, position, the role's terms — never the patient's consent", async () => {
    const { link } = await inviteStaff();
    const staff = h.user(3, "en"); // a new user whose app is in neither language: asked, not answered in both
    const opened = await staff.send(`/start ${link}`);
    expect(texts(opened)).toEqual(["Тілді таңдаңыз:\n\nВыберите язык:"]);
    expect(buttons(opened)).toEqual(["Қазақша", "Русский"]);
    const chosen = await staff.press("Русский");
    expect(texts(chosen).at(-1)).toBe("Вас пригласили сотрудником организации «Городская больница №7» в «Келісім». Напишите ваши фамилию, имя и отчество — так вас будут видеть другие участники.");
    expect(texts(await staff.send("Сауле"))[0]).toBe("Напишите фамилию и имя (и отчество, если есть) буквами, через пробел.");
    await staff.send("Ахметова Сауле Маратовна");
    const terms = await staff.send("Секретарь комиссии");
    expect(texts(terms)[0]).toMatch(/^Условия для сотрудника организации в «Келісім»/);
    expect(buttons(terms)).toEqual(["Принимаю", "Не принимаю"]);
    const joined = await staff.press("Принимаю");
    expect(texts(joined)[0]).toBe("Ахметова Сауле Маратовна, вы зарегистрированы как сотрудник организации «Городская больница №7». Дела вашей организации: /inbox");
    // Their chat's command menu gains /inbox, in their language.
    const menu = joined.find((c) => c.method === "setMyCommands")!.payload as { commands: { command: string; description: string }[]; scope: unknown };
    expect(menu.commands.at(-1)).toEqual({ command: "inbox", description: "Дела организации" });
    expect(menu.scope).toEqual({ type: "chat", chat_id: 3 });
    // The patient's consent was never asked; the role's terms were accepted, with their version.
    expect(texts(h.fake.sent("sendMessage", 3)).join("\n")).not.toMatch(/Персональные данные|Согласен\(на\)/);
    const role = await t.db.prisma.userRole.findFirstOrThrow({ where: { userId: 3n }, include: { user: true } });
    expect([role.role, role.title, role.user.fullName, role.termsVersion, role.termsAcceptedAt !== null]).toEqual(["staff", "Секретарь комиссии", "Ахметова Сауле Маратовна", h.i18n.versionOf("roles.terms.staff"), true]);
    expect(role.user.consentAt).toBeNull();

    // The link works once: the next person is told at once.
    const other = h.user(4, "ru");
    await other.send("/start");
    expect(texts(await other.send(`/start ${link}`))[0]).toBe("Это приглашение недействительно: им уже воспользовались, срок истёк или его отозвали. Попросите новое.");
    expect(await t.db.prisma.userRole.count({ where: { userId: 4n } })).toBe(0);
    // Declining the terms grants nothing.
    const { link: second } = await inviteStaff("Клиника №2", "г. Астана");
    await other.send(`/start ${second}`);
    await other.send("Иванов Иван");
    await other.send("Врач");
    expect(texts(await other.press("Не принимаю"))[0]).toMatch(/^Роль не предоставлена\./);
    expect(await t.db.prisma.userRole.count({ where: { userId: 4n } })).toBe(0);
    // And not after 7 days.
    now = new Date("2026-12-01T10:00:00+05:00");
    expect(texts(await other.send(`/start ${second}`))[0]).toMatch(/^Это приглашение недействительно/);
  });

  it("/start pressed in the middle of joining by an invite (staff, or a relative) names the invite, with «Продолжить» — its question again, nothing typed lost — not the patient's welcome and consent, with the invite gone", async () => {
    const { link } = await inviteStaff();
    const staff = h.user(3, "en"); // asked the language first: /start there asks it again
    await staff.send(`/start ${link}`);
    expect(texts(await staff.send("/start"))).toEqual(["Тілді таңдаңыз:\n\nВыберите язык:"]);
    await staff.press("Русский");
    const restarted = await staff.send("/start");
    expect(texts(restarted)).toEqual(["Вас пригласили сотрудником организации «Городская больница №7», но регистрация ещё не завершена. Продолжить или отказаться от приглашения?"]);
    expect(buttons(restarted)).toEqual(["Продолжить", "Отказаться от приглашения"]);
    expect(texts(await staff.press("Продолжить"))).toEqual(["Вас пригласили сотрудником организации «Городская больница №7» в «Келісім». Напишите ваши фамилию, имя и отчество — так вас будут видеть другие участники."]);
    await staff.send("Ахметова Сауле Маратовна");
    await staff.send("Секретарь комиссии");
    // At the terms, /start again: asked, and «Продолжить» gives the same terms, nothing typed lost.
    await staff.send("/start");
    expect(texts(await staff.press("Продолжить"))[0]).toMatch(/^Условия для сотрудника организации в «Келісім»/);
    expect(texts(await staff.press("Принимаю"))[0]).toBe("Ахметова Сауле Маратовна, вы зарегистрированы как сотрудник организации «Городская больница №7». Дела вашей организации: /inbox");
    expect(texts(h.fake.sent("sendMessage", 3)).join("\n")).not.toMatch(/Согласен\(на\)|Здравствуйте/);

    // A relative (kk app) asked who they are to the patient: /start names the invite in Kazakh; «Жалғастыру» asks again.
    const applicant = h.user(100, "kk");
    await fileNotice(applicant, "kk");
    const caseLink = await relativeLink(applicant, "kk");
    const relative = h.user(500, "kk");
    await relative.send(`/start ${caseLink}`);
    const again = await relative.send("/start");
    expect(texts(again)).toEqual(["Сіз KZ-2026-000001 ісін бақылауға шақырылдыңыз, бірақ іске әлі қосылған жоқсыз. Жалғастырасыз ба, немесе шақырудан бас тартасыз ба?"]);
    expect(buttons(again)).toEqual(["Жалғастыру", "Шақырудан бас тарту"]);
    expect(texts(await relative.press("Жалғастыру"))).toEqual(["Сіз пациентке келтірілуі мүмкін зиян туралы KZ-2026-000001 ісін бақылауға шақырылдыңыз. Пациентке кім боласыз?"]);
    await relative.press("Пациенттің жұбайы");
    await relative.press("Келісемін");
    await relative.send("Сейтова Асель Нурлановна");
    expect(await t.db.prisma.caseParticipant.count({ where: { userId: 500n, role: "relative" } })).toBe(1);
  });

  it("an invite opened and left comes back at /start no more once dropped: «Отказаться от приглашения» says the link still opens while valid, and /start goes on as usual", async () => {
    // A relative (ru) opened the link, was asked who they are, and went on to other things.
    const applicant = h.user(100, "ru");
    await fileNotice(applicant, "ru");
    const caseLink = await relativeLink(applicant, "ru");
    const relative = h.user(501, "ru");
    await relative.send(`/start ${caseLink}`);
    await relative.send("/cases");
    const asked = await relative.send("/start");
    expect(texts(asked)).toEqual(["Вас пригласили следить за делом KZ-2026-000001, но вы ещё не присоединились к нему. Продолжить или отказаться от приглашения?"]);
    const dropped = texts(await relative.press("Отказаться от приглашения"));
    expect(dropped[0]).toBe("Хорошо, вы не присоединились к делу. Ссылка действует, пока не истёк её срок.");
    expect(dropped[1]).toMatch(/^Здравствуйте!/); // /start as it is without an invite: the welcome
    // The next /start is an ordinary one: the invite's question does not come back.
    expect(texts(await relative.send("/start")).join("\n")).not.toMatch(/пригласили|Кем вы приходитесь/);
    // The link itself still opens.
    expect(texts(await relative.send(`/start ${caseLink}`))).toEqual(["Вас пригласили следить за делом KZ-2026-000001 о возможном вреде пациенту. Кем вы приходитесь пациенту?"]);

    // Staff (kk) who typed their name and left: «Шақырудан бас тарту» drops it, nothing granted.
    const { link } = await inviteStaff();
    const staff = h.user(4, "kk");
    await staff.send(`/start ${link}`);
    await staff.send("Ахметова Сауле Маратовна");
    const left = await staff.send("/start");
    expect(texts(left)).toEqual(["Сіз «Городская больница №7» ұйымының қызметкері ретінде шақырылдыңыз, бірақ тіркелу әлі аяқталған жоқ. Жалғастырасыз ба, немесе шақырудан бас тартасыз ба?"]);
    const off = texts(await staff.press("Шақырудан бас тарту"));
    expect(off[0]).toBe("Рөл берілмеді. Ойыңыз өзгерсе, шақыру сілтемесін ол күшінде тұрғанда қайта ашыңыз.");
    expect(await t.db.prisma.userRole.count({ where: { userId: 4n } })).toBe(0);
    expect(texts(await staff.send("/start")).join("\n")).not.toMatch(/шақырылдыңыз/);

    // A new admin at their door (their name asked) who sends /start: «Отложить», and /admin opens the door again.
    const admin = (await testBot(t.db, { adminIds: [9002], now: () => now })).user(9002, "ru");
    await admin.send("/admin");
    const door = await admin.send("/start");
    expect(texts(door)).toEqual(["Вход администратора ещё не завершён. Продолжить сейчас или отложить?"]);
    expect(buttons(door)).toEqual(["Продолжить", "Отложить"]);
    expect(texts(await admin.press("Отложить"))[0]).toBe("Условия не приняты. Когда будете готовы, откройте /admin снова.");
    expect(texts(await admin.send("/admin"))[0]).toMatch(/^Вы администратор «Келісім»\. Прежде чем начать/);
  });

  it("an invite left for another step is named when that step ends (/notice then /cancel, the explainer closed) — not its bare question, and what is typed meanwhile is not taken as its answer", async () => {
    const applicant = h.user(100, "ru");
    await fileNotice(applicant, "ru");
    const caseLink = await relativeLink(applicant, "ru");
    const named = "Вас пригласили следить за делом KZ-2026-000001, но вы ещё не присоединились к нему. Продолжить или отказаться от приглашения?";
    const asked = "Вас пригласили следить за делом KZ-2026-000001 о возможном вреде пациенту. Кем вы приходитесь пациенту?";

    // A relative (ru) asked who they are, who opens /notice and cancels it.
    const relative = h.user(501, "ru");
    await relative.send(`/start ${caseLink}`);
    await relative.send("/notice");
    const cancelled = await relative.send("/cancel");
    expect(texts(cancelled)).toEqual(["Отменено.", named]);
    expect(buttons(cancelled)).toEqual(["Продолжить", "Отказаться от приглашения"]);
    // Typed then: not understood, and the invite named again (not its question).
    expect(texts(await relative.send("хочу подать обращение"))).toEqual(["Извините, я этого не понял.", named]);
    // The explainer opened and closed over it: named again.
    await relative.send("/explain");
    const closed = await relative.press("Закончить");
    expect(texts(closed)).toEqual([named]);
    expect(buttons(closed)).toEqual(["Продолжить", "Отказаться от приглашения"]);
    // «Продолжить»: its own question, and text typed in it gets its usual answer there; an old button, the question again.
    expect(texts(await relative.press("Продолжить"))).toEqual([asked]);
    expect(texts(await relative.send("супруг"))).toEqual(["Извините, я этого не понял.", asked]);
    expect(texts(await relative.press("Закончить"))).toEqual([asked]);
    await relative.press("Супруг(а)");
    await relative.press("Согласен(на)");
    await relative.send("Сейтова Асель Нурлановна");
    expect(await t.db.prisma.caseParticipant.count({ where: { userId: 501n, role: "relative" } })).toBe(1);

    // A relative (kk): the explainer closed, then /notice and /cancel — named in Kazakh; the invite's own button, pressed
    // from its first message, takes it up again.
    const second = await relativeLink(applicant, "ru");
    const kk = h.user(502, "kk");
    await kk.send(`/start ${second}`);
    await kk.send("/explain");
    const namedKk = "Сіз KZ-2026-000001 ісін бақылауға шақырылдыңыз, бірақ іске әлі қосылған жоқсыз. Жалғастырасыз ба, немесе шақырудан бас тартасыз ба?";
    const closedKk = await kk.press("Аяқтау");
    expect(texts(closedKk)).toEqual([namedKk]);
    expect(buttons(closedKk)).toEqual(["Жалғастыру", "Шақырудан бас тарту"]);
    await kk.send("/notice");
    expect(texts(await kk.send("/cancel"))).toEqual(["Болдырылмады.", namedKk]);
    expect(texts(await kk.press("Пациенттің жұбайы"))[0]).toMatch(/^Дербес деректер туралы/);

    // Staff (ru) with the name asked: the explainer closed — named; a name typed then is not taken; «Продолжить», and it is.
    const { link } = await inviteStaff();
    const staff = h.user(4, "ru");
    await staff.send(`/start ${link}`);
    await staff.send("/explain");
    const namedStaff = "Вас пригласили сотрудником организации «Городская больница №7», но регистрация ещё не завершена. Продолжить или отказаться от приглашения?";
    expect(texts(await staff.press("Закончить"))).toEqual([namedStaff]);
    expect(texts(await staff.send("Ахметова Сауле Маратовна"))).toEqual(["Извините, я этого не понял.", namedStaff]);
    expect(texts(await staff.press("Продолжить"))[0]).toMatch(/^Вас пригласили сотрудником организации «Городская больница №7» в «Келісім»\. Напишите ваши фамилию, имя и отчество/);
    expect(texts(await staff.send("Ахметова Сауле Маратовна"))[0]).toBe("Ваша должность (например, секретарь комиссии, руководитель службы поддержки пациента):");

    // Staff (kk): /notice then /cancel — named in Kazakh; «Шақырудан бас тарту» leaves it, nothing granted.
    const { link: link2 } = await inviteStaff("Клиника №2", "г. Астана");
    const staffKk = h.user(6, "kk");
    await staffKk.send(`/start ${link2}`);
    await staffKk.send("/notice");
    const namedStaffKk = "Сіз «Клиника №2» ұйымының қызметкері ретінде шақырылдыңыз, бірақ тіркелу әлі аяқталған жоқ. Жалғастырасыз ба, немесе шақырудан бас тартасыз ба?";
    expect(texts(await staffKk.send("/cancel"))).toEqual(["Болдырылмады.", namedStaffKk]);
    expect(texts(await staffKk.press("Шақырудан бас тарту"))[0]).toBe("Рөл берілмеді. Ойыңыз өзгерсе, шақыру сілтемесін ол күшінде тұрғанда қайта ашыңыз.");
    expect(await t.db.prisma.userRole.count({ where: { userId: 6n } })).toBe(0);
  });

  it("«Продолжить» on an invite whose link expired meanwhile says so at once — not its questions, to fail at the last one — and the invite is named no more", async () => {
    const applicant = h.user(100, "ru");
    await fileNotice(applicant, "ru");
    const caseLink = await relativeLink(applicant, "ru");
    const relative = h.user(501, "ru");
    await relative.send(`/start ${caseLink}`);
    const { link } = await inviteStaff();
    const staff = h.user(4, "kk");
    await staff.send(`/start ${link}`);
    await staff.send("Ахметова Сауле Маратовна");
    await staff.send("/explain");
    await staff.press("Аяқтау");

    // Eight days later: both links have expired.
    now = new Date("2026-12-01T10:00:00+05:00");
    await relative.send("/start");
    const gone = await relative.press("Продолжить");
    expect(texts(gone)).toEqual(["Это приглашение недействительно: им уже воспользовались, срок истёк или его отозвали. Попросите новое.", "Что сделаем? Команды есть и в меню (/)."]);
    expect(texts(await relative.send("/start")).join("\n")).not.toMatch(/пригласили|Кем вы приходитесь/);

    const staffGone = await staff.press("Жалғастыру");
    expect(texts(staffGone)[0]).toBe("Бұл шақыру жарамсыз: ол қолданылған, мерзімі өткен немесе қайтарып алынған. Жаңасын сұраңыз.");
    expect(texts(staffGone).join("\n")).not.toMatch(/лауазым/);
    expect(await t.db.prisma.userRole.count({ where: { userId: 4n } })).toBe(0);
    expect(texts(await staff.send("/start")).join("\n")).not.toMatch(/шақырылдыңыз/);
  });

  it("/cancel while joining by an invite says what the flow's own «Отмена» says: no role given, the link still opens while it is valid", async () => {
    // The admin's own door: /admin again (before the invite below passes it).
    const admin = h.user(ADMIN, "ru");
    await admin.send("/admin");
    await admin.send("Жумабаев Арман Серикович");
    await admin.send("/cancel");
    expect(texts(await admin.press("Да, выйти"))[0]).toBe("Условия не приняты. Когда будете готовы, откройте /admin снова.");
    const { link } = await inviteStaff();
    const staff = h.user(3, "ru");
    await staff.send(`/start ${link}`);
    expect(texts(await staff.send("/cancel"))[0]).toBe("Роль не предоставлена. Если передумаете, откройте ссылку-приглашение снова, пока она действует.");
    // With the name typed, /cancel asks first; «Да, выйти» says the same.
    await staff.send(`/start ${link}`);
    await staff.send("Ахметова Сауле Маратовна");
    expect(texts(await staff.send("/cancel"))[0]).toBe("Введённые данные будут удалены. Выйти?");
    expect(texts(await staff.press("Да, выйти"))[0]).toBe("Роль не предоставлена. Если передумаете, откройте ссылку-приглашение снова, пока она действует.");
    expect(await t.db.prisma.userRole.count({ where: { userId: 3n } })).toBe(0);
    // A relative asked who they are to the patient.
    const applicant = h.user(100, "ru");
    await fileNotice(applicant, "ru");
    const caseLink = await relativeLink(applicant, "ru");
    const relative = h.user(500, "ru");
    await relative.send(`/start ${caseLink}`);
    expect(texts(await relative.send("/cancel"))[0]).toBe("Хорошо, вы не присоединились к делу. Ссылка действует, пока не истёк её срок.");
  });

  it("staff's /help names recording a notice's receipt — the step that starts the commission's clock — first among what they do in /inbox", async () => {
    const { link } = await inviteStaff();
    const staff = h.user(3, "ru");
    await redeem(staff, link, "ru", "staff");
    expect(texts(await staff.send("/help"))[0]).toMatch(
      /^Вы зарегистрированы как сотрудник медицинской организации\. Дела вашей организации: \/inbox — там отмечают получение обращения \(регистрационный номер и дата\) и формирование комиссии, назначают,/,
    );
    await staff.send("/language");
    await staff.press("Қазақша");
    expect(texts(await staff.send("/help"))[0]).toMatch(
      /^Сіз медициналық ұйымның қызметкері ретінде тіркелгенсіз\. Ұйымыңыздың істері: \/inbox — онда өтініштің алынғанын \(тіркеу нөмірі мен күні\) және комиссияның құрылғанын белгілейсіз, отырыстарды/,
    );
  });

  it("the admin who made a staff invite and opens it is asked whether they take the role themselves: keeping the link changes nothing; taking it, they register themselves, their name on record shown to keep, then position and terms as a colleague, and their home then shows both roles", async () => {
    // A small clinic: its secretary is the bot's only admin.
    const { admin, link } = await inviteStaff();
    const asked = await admin.send(`/start ${link}`);
    expect(texts(asked)).toEqual([
      "Это приглашение создали вы сами: по нему регистрируется сотрудник организации «Городская больница №7». Если этот сотрудник — вы, зарегистрируйтесь по нему сами: кроме администрирования, вам станут видны обращения пациентов к этой организации (их персональные и медицинские данные), и вы будете работать с её делами в /inbox. Если приглашение для коллеги, оставьте ссылку неиспользованной и перешлите её ему.",
    ]);
    expect(buttons(asked)).toEqual(["Зарегистрироваться сотрудником", "Оставить ссылку для коллеги"]);
    // Nothing changes until they answer; keeping the link changes nothing either.
    expect(await t.db.prisma.userRole.count({ where: { userId: BigInt(ADMIN), role: "staff" } })).toBe(0);
    // Nothing more to ask: the admin's home follows, not a line with no button.
    expect(texts(await admin.press("Оставить ссылку для коллеги"))).toEqual(["Хорошо, ссылка остаётся неиспользованной — перешлите её сотруднику организации «Городская больница №7».", ADMIN_HOME]);
    expect(await t.db.prisma.invite.count({ where: { usedAt: null, revokedAt: null } })).toBe(1);
    // Opened again and taken: not a colleague's «Вас пригласили» — they register themselves; the name given at /admin is
    // shown to keep (or another typed), then a colleague's questions: position, the staff's terms.
    await admin.send(`/start ${link}`);
    const named = await admin.press("Зарегистрироваться сотрудником");
    expect(texts(named)).toEqual([
      "Вы регистрируетесь сотрудником организации «Городская больница №7» по приглашению, которое создали сами. Другие участники будут видеть вас под этим именем: Жумабаев Арман Серикович. Если оно верно, нажмите «Оставить это имя»; если нет, напишите ваши фамилию, имя и отчество.",
    ]);
    expect(buttons(named)).toEqual(["Оставить это имя", "Отмена"]);
    expect(texts(await admin.press("Оставить это имя"))).toEqual([expect.stringMatching(/^Ваша должность \(например, секретарь комиссии/)]);
    expect(texts(await admin.send("Секретарь комиссии"))[0]).toMatch(/^Условия для сотрудника организации в «Келісім»/);
    expect(texts(await admin.press("Принимаю"))[0]).toBe("Жумабаев Арман Серикович, вы зарегистрированы как сотрудник организации «Городская больница №7». Дела вашей организации: /inbox");
    const role = await t.db.prisma.userRole.findFirstOrThrow({ where: { userId: BigInt(ADMIN), role: "staff", revokedAt: null } });
    expect(role.title).toBe("Секретарь комиссии");
    expect(role.termsAcceptedAt).not.toBeNull();
    const invite = await t.db.prisma.invite.findFirstOrThrow();
    expect(invite.usedBy).toBe(BigInt(ADMIN));
    // The invite is consumed: a colleague's open of the same link is refused; the admin's home shows both roles.
    const colleague = h.user(42, "ru");
    await colleague.send("/start");
    expect(texts(await colleague.send(`/start ${link}`))[0]).toBe("Это приглашение недействительно: им уже воспользовались, срок истёк или его отозвали. Попросите новое.");
    expect(texts(await admin.send("/start")).map((x) => x.split("\n")[0])).toEqual(["Администратор: Жумабаев Арман Серикович", "«Городская больница №7»: обращения"]);
    // Their link tapped again says they joined by it.
    expect(texts(await admin.send(`/start ${link}`))[0]).toBe("Вы уже зарегистрированы как сотрудник организации «Городская больница №7» по этому приглашению. Дела вашей организации: /inbox");
  });

  it("the admin who made a mediator invite is asked in their language (Kazakh), and may become the mediator — their registration, not «шақырылдыңыз», their name shown to keep or another typed", async () => {
    const { admin: ru } = await inviteStaff();
    const kk = h.user(ADMIN, "kk");
    await ru.send("/language");
    await kk.press("Қазақша");
    const mediatorLink = (await kk.press("Медиаторды шақыру").then(texts))[0]!.match(/start=(\S+)/)![1]!;
    const asked = await kk.send(`/start ${mediatorLink}`);
    expect(texts(asked)).toEqual([
      "Бұл шақыруды өзіңіз жасадыңыз: ол бойынша медиатор тіркеледі. Шақыру өзіңізге арналса, ол бойынша өзіңіз тіркеліңіз: әкімшілік жұмысыңызға қоса, өзіңіз медиатор болған істерді көресіз, олар бойынша медиацияны /inbox арқылы жүргізесіз. Шақыру әріптесіңізге арналса, сілтемені пайдаланбай, медиаторға жіберіңіз.",
    ]);
    expect(buttons(asked)).toEqual(["Медиатор ретінде тіркелу", "Сілтемені әріптеске қалдыру"]);
    expect(texts(await kk.press("Сілтемені әріптеске қалдыру"))).toEqual(["Жарайды, сілтеме пайдаланылмаған күйінде қалады — оны медиаторға жіберіңіз.", ADMIN_HOME_KK]);
    expect(await t.db.prisma.userRole.count({ where: { userId: BigInt(ADMIN), role: "mediator" } })).toBe(0);
    // Taken: their own registration, their name shown to keep — here another typed instead, as a mediator is named in agreements.
    await kk.send(`/start ${mediatorLink}`);
    const named = await kk.press("Медиатор ретінде тіркелу");
    expect(texts(named)).toEqual([
      "Сіз өзіңіз жасаған шақыру бойынша медиатор ретінде тіркеліп жатырсыз. Тараптар сізді мына аты-жөнмен көреді, келісімде де солай көрсетіледі: Жумабаев Арман Серикович. Ол дұрыс болса, «Осы аты-жөнді қалдыру» батырмасын басыңыз; дұрыс болмаса, тегіңізді, атыңызды және әкеңіздің атын жазыңыз.",
    ]);
    expect(buttons(named)).toEqual(["Осы аты-жөнді қалдыру", "Болдырмау"]);
    // /start in the middle: their registration is unfinished — no «шақырылдыңыз».
    const resumed = await kk.send("/start");
    expect(texts(resumed).at(-1)).toBe("Медиатор ретінде тіркелуіңіз әлі аяқталған жоқ. Жалғастырасыз ба, әлде тіркелмейсіз бе?");
    expect(buttons(resumed).slice(-2)).toEqual(["Жалғастыру", "Тіркелмеу"]);
    expect(texts(await kk.press("Жалғастыру"))[0]).toMatch(/^Сіз өзіңіз жасаған шақыру бойынша медиатор ретінде тіркеліп жатырсыз\./);
    expect(texts(await kk.send("Жумабаев Арман"))[0]).toMatch(/^Медиатор ретіндегі мәліметтеріңіз бір жолмен/);
    expect(texts(await kk.send("Медиаторлар тізілімі № 123, Медиаторлар палатасы"))[0]).toMatch(/^«Келісім» ботындағы медиатордың шарттары/);
    expect(texts(await kk.press("Қабылдаймын"))[0]).toMatch(/^Жумабаев Арман, сіз медиатор ретінде тіркелдіңіз/);
    expect(await t.db.prisma.userRole.count({ where: { userId: BigInt(ADMIN), role: "mediator", revokedAt: null } })).toBe(1);
  });

  it("the admin who began registering with their own invite and chose «Не регистрироваться» is told the invite is unused — not «Отказаться от приглашения» of their own link — and a colleague can still join by it", async () => {
    const { admin, link } = await inviteStaff();
    await admin.send(`/start ${link}`);
    await admin.press("Зарегистрироваться сотрудником");
    const resumed = await admin.send("/start");
    expect(texts(resumed).at(-1)).toBe("Ваша регистрация сотрудником организации «Городская больница №7» ещё не завершена. Продолжить или не регистрироваться?");
    expect(buttons(resumed).slice(-2)).toEqual(["Продолжить", "Не регистрироваться"]);
    expect(texts(await admin.press("Не регистрироваться"))).toEqual([
      "Вы не зарегистрированы в этой роли. Приглашение не использовано: его можно переслать коллеге или открыть снова, пока оно действует.",
      ADMIN_HOME,
    ]);
    expect(await t.db.prisma.userRole.count({ where: { userId: BigInt(ADMIN), role: "staff" } })).toBe(0);
    const colleague = h.user(40, "ru");
    await colleague.send("/start");
    expect(texts(await redeem(colleague, link, "ru", "staff"))[0]).toMatch(/вы зарегистрированы как сотрудник организации «Городская больница №7»/);
  });

  it("the «take it myself» button carries the invite: refused for another admin, for a revoked or used invite, on a second press, and when the invite is revoked during the questions", async () => {
    h = await testBot(t.db, { adminIds: [ADMIN, ADMIN_2], now: () => now, staffChatId: STAFF_CHAT });
    const { admin, link } = await inviteStaff();
    await admin.send(`/start ${link}`);
    const take = admin.keyboardWith("Зарегистрироваться сотрудником").buttons.flat()[0]!.callback_data;
    const row = await t.db.prisma.invite.findFirstOrThrow();
    expect(take).toBe(`g:adm:owninv:take:${row.id}`);
    // Another admin pressing it (forged data): refused, no question asked of them.
    const other = h.user(ADMIN_2, "ru");
    await other.send("/start");
    await openAdmin(other, "ru", "Бекова Алия Сериковна");
    expect(texts(await other.pressData(take))).toEqual(["Это приглашение создал другой администратор. Чтобы зарегистрироваться по нему, откройте ссылку из приглашения.", ADMIN_HOME]);
    // Two presses: the second finds the join under way, and starts nothing over (the name given stays; its next question again).
    expect(texts(await admin.pressData(take))[0]).toMatch(/^Вы регистрируетесь сотрудником организации «Городская больница №7» по приглашению, которое создали сами\./);
    await admin.send("Жумабаев Арман Серикович");
    const again = await admin.pressData(take);
    expect(toast(again)).toBe("Эта кнопка устарела.");
    expect(texts(again).join("\n")).not.toMatch(/Вас пригласили/);
    expect(texts(again).at(-1)).toMatch(/^Ваша должность/);
    // /start in the middle names the invite; «Продолжить» looks the invite up by its id, and asks the same question again.
    expect(texts(await admin.send("/start")).at(-1)).toBe("Ваша регистрация сотрудником организации «Городская больница №7» ещё не завершена. Продолжить или не регистрироваться?");
    expect(texts(await admin.press("Продолжить"))).toEqual([expect.stringMatching(/^Ваша должность/)]);
    await admin.send("Секретарь комиссии");
    // Revoked between the question and the last answer: the conditional update refuses it; no role, the invite unused.
    expect(textsTo(await admin.press("Отозвать приглашение"), ADMIN)[0]).toBe("Приглашение отозвано: по этой ссылке больше никто не зарегистрируется. Новое приглашение можно создать в /admin.");
    expect(texts(await admin.press("Принимаю"))[0]).toBe("Это приглашение недействительно: им уже воспользовались, срок истёк или его отозвали. Попросите новое.");
    expect(await t.db.prisma.userRole.count({ where: { userId: BigInt(ADMIN), role: "staff" } })).toBe(0);
    expect((await t.db.prisma.invite.findUniqueOrThrow({ where: { id: row.id } })).usedAt).toBeNull();
    // The revoked invite's buttons: refused, both.
    expect(texts(await admin.pressData(take))).toEqual(["Это приглашение уже не действует: оно отозвано или его срок истёк.", ADMIN_HOME]);
    expect(texts(await admin.pressData(`g:adm:owninv:keep:${row.id}`))).toEqual(["Это приглашение уже не действует: оно отозвано или его срок истёк.", ADMIN_HOME]);
    // A fresh invite, asked, then used by a colleague before the admin answers: the admin hears who joined.
    const org = await t.db.prisma.organization.findFirstOrThrow();
    const fresh = /start=([A-Za-z0-9_-]{32})/.exec(texts(await admin.pressData(`g:adm:staff:${org.id}`))[0]!)![1]!;
    await admin.send(`/start ${fresh}`);
    const freshRow = await t.db.prisma.invite.findFirstOrThrow({ where: { usedAt: null, revokedAt: null } });
    const colleague = h.user(42, "ru");
    await colleague.send("/start");
    await redeem(colleague, fresh, "ru", "staff");
    expect(texts(await admin.pressData(`g:adm:owninv:take:${freshRow.id}`))).toEqual([
      "По этому приглашению уже зарегистрировался человек: Ахметова Сауле Маратовна. Чтобы отозвать его роль, откройте /admin → «Роли».",
      ADMIN_HOME,
    ]);
    expect(await t.db.prisma.userRole.count({ where: { userId: BigInt(ADMIN), role: "staff" } })).toBe(0);
    // Taken, left at /start, revoked meanwhile: «Продолжить» says so at once, and the join is named no more.
    const third = /start=([A-Za-z0-9_-]{32})/.exec(texts(await admin.pressData(`g:adm:staff:${org.id}`))[0]!)![1]!;
    await admin.send(`/start ${third}`);
    await admin.press("Зарегистрироваться сотрудником");
    await admin.send("/start");
    expect(textsTo(await admin.press("Отозвать приглашение"), ADMIN)[0]).toMatch(/^Приглашение отозвано/);
    expect(texts(await admin.press("Продолжить"))[0]).toBe("Это приглашение уже не действует: оно отозвано или его срок истёк.");
    expect(texts(await admin.send("/start")).join("\n")).not.toMatch(/регистрация ещё не завершена/);
  });

  it("an admin already staff of an organisation who opens a new invite they made for it is told so, and gets the admin's home (kk)", async () => {
    const { admin: ru, link } = await inviteStaff();
    const kk = h.user(ADMIN, "kk");
    await ru.send("/language");
    await kk.press("Қазақша");
    await kk.send(`/start ${link}`);
    await kk.press("Қызметкер ретінде тіркелу");
    await kk.send("Жумабаев Арман Серикович");
    await kk.send("Комиссия хатшысы");
    await kk.press("Қабылдаймын");
    const org = await t.db.prisma.organization.findFirstOrThrow();
    const fresh = /start=([A-Za-z0-9_-]{32})/.exec(texts(await kk.pressData(`g:adm:staff:${org.id}`))[0]!)![1]!;
    const opened = await kk.send(`/start ${fresh}`);
    expect(texts(opened)).toEqual([
      "Сіз «Городская больница №7» ұйымының қызметкері ретінде бұрыннан тіркелгенсіз — бұл шақыру сізге қажет болмады, оны әріптесіңіз пайдалана алады. Ұйымыңыздың істері: /inbox",
      ADMIN_HOME_KK,
    ]);
    expect(buttons(opened)).toContain("Қызметкерді шақыру");
    // The invite stays unused, for a colleague.
    expect(await t.db.prisma.invite.count({ where: { usedAt: null, revokedAt: null } })).toBe(1);
  });

  it("«keep the link» pressed after «take it myself» drops the join by that invite: the link stays unused, as it says, and the admin's home follows", async () => {
    const { admin, link } = await inviteStaff();
    await admin.send(`/start ${link}`);
    await admin.press("Зарегистрироваться сотрудником");
    await admin.send("Жумабаев Арман Серикович");
    const kept = await admin.press("Оставить ссылку для коллеги");
    expect(texts(kept)).toEqual(["Хорошо, ссылка остаётся неиспользованной — перешлите её сотруднику организации «Городская больница №7».", ADMIN_HOME]);
    expect(texts(kept).join("\n")).not.toMatch(/Ваша должность/);
    // No join left half-done: /start does not name it, and a position typed now is no answer to it.
    expect(texts(await admin.send("/start")).join("\n")).not.toMatch(/регистрация ещё не завершена/);
    await admin.send("Секретарь комиссии");
    expect(await t.db.prisma.userRole.count({ where: { userId: BigInt(ADMIN), role: "staff" } })).toBe(0);
    // A colleague joins by it.
    const colleague = h.user(42, "ru");
    await colleague.send("/start");
    expect(texts(await redeem(colleague, link, "ru", "staff"))[0]).toMatch(/^Ахметова Сауле Маратовна, вы зарегистрированы как сотрудник/);
  });

  it("an admin who is also staff finds on their home, after the admin's, their organisation's notice awaiting receipt with its button; /admin shows the admin's alone", async () => {
    h = await testBot(t.db, { adminIds: [ADMIN, ADMIN_2], now: () => now, staffChatId: STAFF_CHAT });
    const { link } = await inviteStaffAs(h, ADMIN_2);
    const admin = h.user(ADMIN, "kk");
    await admin.send("/start");
    await openAdmin(admin, "kk");
    await redeem(admin, link, "kk", "staff", "Жумабаев Арман Серикович");
    await fileNotice(h.user(100, "ru"), "ru");
    const home = await admin.send("/start");
    expect(texts(home)).toEqual([
      "Әкімші: Жумабаев Арман Серикович\nҰйымдар: 1 · қызметкерлер: 1 · медиаторлар: 0\nҰйымсыз істер: 0\n\nНе істейміз?",
      "«Городская больница №7»: өтініштер\n• алынғаны белгіленбегендер: 1\n• соңғы 7 күнде түскендер: 1\n• мерзімі бүгін бітетіндер: 0\n\nАлдағы 7 күндегі комиссия отырыстары: 0",
    ]);
    const keyboards = home
      .filter((c) => c.method === "sendMessage" && c.payload.reply_markup)
      .map((c) => (c.payload.reply_markup as { inline_keyboard: { text: string }[][] }).inline_keyboard.flat().map((b) => b.text));
    expect(keyboards).toEqual([
      ["Ұйымды тіркеу", "Қызметкерді шақыру", "Медиаторды шақыру", "Рөлдер", "Ұйымсыз істер", "Медиатор ұсыну", "Деректерді кім ашты"],
      ["Алынғанын белгілеу: KZ-2026-000001", "Ұйымның істері", "Менің істерім", "Өтініш беру", "Анықтама", "Тіл"],
    ]);
    expect(texts(await admin.press("Алынғанын белгілеу: KZ-2026-000001"))[0]).toMatch(/^Медициналық көмек көрсету кезінде/);
    expect(texts(await admin.send("/admin"))).toEqual(["Әкімші: Жумабаев Арман Серикович\nҰйымдар: 1 · қызметкерлер: 1 · медиаторлар: 0\nҰйымсыз істер: 0\n\nНе істейміз?"]);
    // After a staff step, the staff's home alone follows — not the admin's home, then the staff's, after every step.
    const recorded = texts(await recordReceipt(admin, "kk"));
    expect(recorded.at(-1)).toBe("«Городская больница №7»: өтініштер\n• алынғаны белгіленбегендер: 0\n• соңғы 7 күнде түскендер: 1\n• мерзімі бүгін бітетіндер: 0\n\nАлдағы 7 күндегі комиссия отырыстары: 0");
    expect(recorded.filter((x) => x.startsWith("Әкімші:"))).toEqual([]);
    // /menu shows both again.
    expect(texts(await admin.send("/menu")).map((x) => x.split("\n")[0])).toEqual(["Әкімші: Жумабаев Арман Серикович", "«Городская больница №7»: өтініштер"]);
  });

  it("an admin who is also staff gets the home of the role they acted in: the admin's after proposing a mediator from /admin, staff's after answering an expired proposal for the organisation", async () => {
    h = await testBot(t.db, { adminIds: [ADMIN, ADMIN_2], now: () => now, staffChatId: STAFF_CHAT });
    const { link } = await inviteStaffAs(h, ADMIN_2);
    const admin = h.user(ADMIN, "ru");
    await admin.send("/start");
    await openAdmin(admin);
    await redeem(admin, link, "ru", "staff", "Жумабаев Арман Серикович");
    const applicant = h.user(100, "kk");
    await fileNotice(applicant, "kk");
    const mediator = await joinMediator(h, ADMIN_2, 5);
    // From /admin: the admin's home after it, not staff's (the buttons of /admin's list are the admin's).
    await admin.send("/admin");
    await admin.press("Предложить медиатора");
    await admin.press("KZ-2026-000001 — Городская больница №7");
    const assigned = texts(await admin.press(MEDIATOR_NAME)).filter((x) => !x.startsWith("Вам предлагают"));
    expect(assigned).toEqual(["Медиатору отправлено предложение по делу KZ-2026-000001. Когда медиатор согласится, обе стороны получат приглашение к медиации.", ADMIN_HOME]);
    await mediator.press("Согласен(на) быть медиатором");
    await agreeToContract(applicant, admin);
    await proposeSettlement(mediator, "500000");
    // Its ten days gone, «Принять» pressed for the organisation: staff's home follows, not the admin's.
    now = new Date("2026-12-10T10:00:00+05:00");
    const late = texts(await admin.press("Принять"));
    expect(late).toEqual(["Срок предложения 1 по делу KZ-2026-000001 истёк.", expect.stringMatching(/^«Городская больница №7»: обращения\n/)]);
  });

  it("an admin who is also an applicant, pressing one of the applicant's buttons that is refused, gets the applicant's menu after it — not the admin's home (kk, ru)", async () => {
    // They filed the notice as the applicant (their own harm), and invited a relative to follow the case, before they
    // were made an admin.
    const before = await testBot(t.db, { now: () => now });
    const applicant = before.user(ADMIN, "kk");
    await fileNotice(applicant, "kk");
    await joinRelative(before, applicant, 500);
    const admin = h.user(ADMIN, "kk");
    await openAdmin(admin, "kk");
    await admin.send("/cases");
    await admin.press("KZ-2026-000001 ісін ашу");
    await admin.press("Алып тастау: Сейтова Асель Нурлановна (пациенттің жұбайы)");
    const confirm = admin.keyboardWith("Алып тастау").buttons.flat().find((b) => b.text === "Алып тастау")!.callback_data;
    await admin.press("Алып тастау");
    // The confirmation pressed again: refused — and the applicant's menu follows, the button being the applicant's.
    expect(texts(await admin.pressData(confirm))).toEqual(["Бұл адам істен бұрын алынып тасталған.", "Не істейміз? Командалар (/) мәзірінде де бар."]);
    await admin.send("/language");
    await admin.press("Русский");
    const ru = await admin.pressData(confirm);
    expect(texts(ru)).toEqual(["Этот человек уже удалён из дела.", "Что сделаем? Команды есть и в меню (/)."]);
    expect(buttons(ru)).toContain("Мои дела");
    // The admin's own buttons still bring the admin's home.
    expect(texts(await admin.send("/admin"))[0]).toMatch(/^Администратор: /);
  });

  it("an admin who is also an applicant, recording that they handed the notice in: the applicant's menu after it — not the admin's home (kk)", async () => {
    const before = await testBot(t.db, { now: () => now });
    await fileNotice(before.user(ADMIN, "kk"), "kk");
    const admin = h.user(ADMIN, "kk");
    await openAdmin(admin, "kk");
    await admin.send("/cases");
    await admin.press("KZ-2026-000001 ісін ашу");
    const done = texts(await handIn(admin, "kk"));
    expect(done.at(-1)).toBe("Не істейміз? Командалар (/) мәзірінде де бар.");
    expect(done.join("\n")).not.toMatch(/^Әкімші: /m);
  });

  it("/help of someone with two roles says both: an admin who is also staff is pointed to /inbox, staff who are also a mediator to their mediations", async () => {
    // Invited by another admin (an admin may also take an invite they made: asked first, tested above).
    h = await testBot(t.db, { adminIds: [ADMIN, ADMIN_2], now: () => now, staffChatId: STAFF_CHAT });
    const { link } = await inviteStaffAs(h, ADMIN_2);
    const admin = h.user(ADMIN, "ru");
    await admin.send("/start");
    await redeem(admin, link, "ru", "staff", "Жумабаев Арман Серикович");
    const help = texts(await admin.send("/help"));
    expect(help[0]).toMatch(/^Вы администратор этого бота\./);
    expect(help[1]).toBe("Вы также зарегистрированы как сотрудник медицинской организации: её дела — в /inbox.");
    await openAdmin(admin);
    const mediatorLink = (await admin.press("Пригласить медиатора").then(texts))[0]!.match(/start=(\S+)/)![1]!;
    const org = await t.db.prisma.organization.findFirstOrThrow();
    const staffLink = /start=([A-Za-z0-9_-]{32})/.exec(texts(await admin.pressData(`g:adm:staff:${org.id}`))[0]!)![1]!;
    const both = h.user(40, "kk");
    await both.send("/start");
    await redeem(both, staffLink, "kk", "staff");
    const asMediator = await redeem(both, mediatorLink, "kk", "mediator");
    // Their chat's menu says /inbox holds both.
    const menu = asMediator.filter((c) => c.method === "setMyCommands").at(-1)?.payload as { commands: { command: string; description: string }[] } | undefined;
    expect(menu?.commands.at(-1)).toEqual({ command: "inbox", description: "Ұйымның істері және медиациялар" });
    const kk = texts(await both.send("/help"));
    expect(kk[0]).toMatch(/^Сіз медициналық ұйымның қызметкері ретінде тіркелгенсіз\./);
    expect(kk[1]).toBe("Сонымен қатар сіз медиатор ретінде тіркелгенсіз: медиацияларыңыз — /inbox ішінде.");
    const plain = h.user(41, "ru");
    await plain.send("/start");
    await plain.press("Согласен(на)");
    // No other role: its help alone, and the home after it.
    expect(texts(await plain.send("/help"))).toEqual([expect.stringMatching(/^«Келісім» — бот о возмещении вреда/), "Что сделаем? Команды есть и в меню (/)."]);
  });

  it("a mediator joins by a mediator invite, with their registry details", async () => {
    const admin = h.user(ADMIN, "kk");
    await admin.send("/start");
    await openAdmin(admin, "kk");
    const invite = await admin.press("Медиаторды шақыру");
    const link = /start=([A-Za-z0-9_-]{32})/.exec(texts(invite)[0]!)![1]!;
    const m = h.user(5, "kk");
    await m.send("/start");
    const joined = await redeem(m, link, "kk", "mediator");
    expect(texts(joined)[0]).toBe("Сапарова Динара Ерлановна, сіз медиатор ретінде тіркелдіңіз. Медиацияларыңыз: /inbox");
    // Their chat's menu names /inbox as their /help does: their mediations.
    const menu = joined.filter((c) => c.method === "setMyCommands").at(-1)?.payload as { commands: { command: string; description: string }[] } | undefined;
    expect(menu?.commands.at(-1)).toEqual({ command: "inbox", description: "Менің медиацияларым" });
    expect((await t.db.prisma.userRole.findFirstOrThrow({ where: { userId: 5n } })).title).toBe("Медиаторлар тізілімі № 123, Медиаторлар палатасы");
    expect(texts(await m.send("/help"))[0]).toMatch(/^Сіз медиатор ретінде тіркелгенсіз\./);
    // Revoking them is asked once more, in the admin's Kazakh, saying no mediation of theirs ends; «Қайтарып алмау» keeps it.
    await admin.send("/admin");
    await admin.press("Рөлдер");
    const asked = await admin.press("Қайтарып алу: Сапарова Динара Ерлановна — медиатор");
    expect(textsTo(asked, ADMIN)).toEqual([
      "Рөлді қайтарып аласыз ба: Сапарова Динара Ерлановна (Медиаторлар тізілімі № 123, Медиаторлар палатасы) — медиатор? Медиациялар бұл адамға қолжетімсіз болады; ол бұл туралы хабар алады. Оның келісімге қол қою кезеңіне жетпеген медиациялары жоқ.",
    ]);
    expect(buttons(asked)).toEqual(["Қайтарып алу", "Қайтарып алмау"]);
    expect(textsTo(await admin.press("Қайтарып алмау"), ADMIN)).toEqual(["Жарайды, рөл сақталады.", ADMIN_HOME_KK]);
    expect(await t.db.prisma.userRole.count({ where: { userId: 5n, role: "mediator", revokedAt: null } })).toBe(1);
  });
});

describe("the staff inbox", () => {
  it("a notice naming the organisation is linked to it; its staff are told and see the case in full", async () => {
    const { link } = await inviteStaff();
    const staff = h.user(10, "kk");
    await staff.send("/start");
    await redeem(staff, link, "kk", "staff");
    const applicant = h.user(11, "ru");
    await fileNotice(applicant, "ru", { org: "городская  больница «№7»" }); // typed differently, same name: staff read the registered one
    const told = texts(h.fake.sent("sendMessage", 10)).at(-1)!;
    expect(told).toMatch(/^Жаңа өтініш KZ-2026-000001: Городская больница №7, Шымкент қаласы\./);
    expect(told).not.toContain("850301300121");
    expect(h.fake.sent("sendMessage", STAFF_CHAT)).toEqual([]); // the organisation's own staff, not the staff chat

    const inbox = await staff.send("/inbox");
    expect(texts(inbox)[0]).toBe("Ұйымыңыздың істері:\n\nKZ-2026-000001 — Городская больница №7, Шымкент қаласы\nКүйі: ұйымға бот арқылы жіберілді; алынғаны белгіленбеген");
    const opened = await staff.press("KZ-2026-000001 ісін ашу");
    expect(texts(opened)[0]).toContain("Пациенттің ЖСН-і: 850301300121");
    expect(texts(opened)[0]).toContain("Өтініш берушінің телефоны: +77010000000");
  });

  it("attachments are re-sent to staff by their file ids, each captioned with the case and which file it is, in the reader's language", async () => {
    const { link } = await inviteStaff();
    const staff = h.user(12, "ru");
    await staff.send("/start");
    await redeem(staff, link, "ru", "staff");
    const a = h.user(13, "ru");
    await a.send("/start");
    await a.press("Согласен(на)");
    await a.send("/notice");
    await a.press("Я — пациент");
    await a.send("Иванов Иван Иванович");
    await a.send("850301300121");
    await a.press("Да, верно");
    await a.press("г. Шымкент");
    await a.press("Городская больница №7"); // registered there: chosen from the list
    await a.send("02.11.2026");
    await a.send("Во время лечения произошло осложнение.");
    await a.press("Пока неизвестно");
    await a.press("Не знаю");
    await a.photo("scan-1");
    await a.document("application/pdf", "epicrisis");
    await a.press("Готово");
    await a.send("+77010000000");
    await a.press("Сохранить обращение");
    await staff.send("/inbox");
    const opened = await staff.press("Открыть KZ-2026-000001");
    expect(opened.filter((c) => c.method === "sendPhoto").map((c) => [c.payload.photo, c.payload.caption])).toEqual([["scan-1", "KZ-2026-000001 · файл обращения 1 из 2"]]);
    expect(opened.filter((c) => c.method === "sendDocument").map((c) => [c.payload.document, c.payload.caption])).toEqual([["epicrisis", "KZ-2026-000001 · файл обращения 2 из 2"]]);
    // Staff reading in Kazakh get the captions in Kazakh.
    await staff.send("/language");
    await staff.press("Қазақша");
    await staff.send("/inbox");
    const inKazakh = await staff.press("KZ-2026-000001 ісін ашу");
    expect(inKazakh.filter((c) => c.method === "sendPhoto" || c.method === "sendDocument").map((c) => c.payload.caption)).toEqual([
      "KZ-2026-000001 · өтінішке қоса берілген файл, 1/2",
      "KZ-2026-000001 · өтінішке қоса берілген файл, 2/2",
    ]);
  });

  it("staff of another organisation, a relative-to-be and a stranger cannot see the case", async () => {
    const { link } = await inviteStaff();
    const { link: otherLink } = await inviteStaff("Клиника №2", "г. Астана");
    const staff = h.user(20, "ru");
    await staff.send("/start");
    await redeem(staff, link, "ru", "staff");
    await fileNotice(h.user(21, "ru"), "ru");
    const c = await t.db.prisma.case.findFirstOrThrow();
    expect(c.organizationId).not.toBeNull();

    const otherStaff = h.user(22, "ru");
    await otherStaff.send("/start");
    await redeem(otherStaff, otherLink, "ru", "staff");
    expect(texts(await otherStaff.send("/inbox"))).toEqual(["В вашей организации пока нет дел."]);
    const forged = await otherStaff.pressData(`g:scase:${c.id}`);
    // The refusal, then their home (before: the refusal alone, nothing to press).
    expect(texts(forged)).toEqual(["Такое дело не найдено, или вы в нём не участвуете.", expect.stringMatching(/^«Клиника №2»: обращения\n/)]);
    expect(JSON.stringify(forged)).not.toContain("850301300121");

    const stranger = h.user(23, "ru");
    await stranger.send("/start");
    expect(texts(await stranger.send("/inbox"))[0]).toBe("/inbox — для сотрудников медицинских организаций и медиаторов, зарегистрированных в боте. У вас сейчас такой роли нет: её даёт администратор бота по приглашению.");
    const strangerForged = await stranger.pressData(`g:scase:${c.id}`);
    expect(strangerForged.find((x) => x.method === "answerCallbackQuery")?.payload.text).toBe("Эта кнопка устарела.");
    expect(JSON.stringify(strangerForged)).not.toContain("850301300121");
    // The applicant sees their case; the stranger's /cases has none (and their consent question follows).
    expect(texts(await stranger.send("/cases"))).toEqual(["У вас пока нет дел. Подать обращение: /notice", "Согласны ли вы на обработку персональных данных по Закону «О персональных данных и их защите» (21 мая 2013 года № 94-V)?"]);
  });

  it("an organisation nobody registered leaves the case unlinked and the staff chat is told", async () => {
    await fileNotice(h.user(30, "ru"), "ru", { org: "Частная клиника" });
    expect((await t.db.prisma.case.findFirstOrThrow()).organizationId).toBeNull();
    expect(texts(h.fake.sent("sendMessage", STAFF_CHAT))).toHaveLength(1);
  });

  it("an admin links an unlinked case to an organisation of its region; its staff are told; nobody else can", async () => {
    const { admin, link } = await inviteStaff();
    await inviteStaff("Клиника №2", "г. Астана"); // another region: not offered
    const staff = h.user(31, "kk");
    await staff.send("/start");
    await staff.press("Келісемін");
    await redeem(staff, link, "kk", "staff");
    await fileNotice(h.user(30, "ru"), "ru", { org: "Горбольница 7" });
    const c = await t.db.prisma.case.findFirstOrThrow();
    expect(c.organizationId).toBeNull();
    // "Assign a mediator" finds no case, and says why, with the way on.
    await admin.send("/admin");
    const none = await admin.press("Предложить медиатора");
    expect(texts(none)).toEqual(["Нет дел, по которым можно предложить медиатора. Дел без организации: 1 — медиатора можно предложить, когда дело связано с организацией."]);
    expect(buttons(none)).toEqual(["Дела без организации"]);
    // Someone who is not an admin, forged data included.
    const stranger = h.user(32, "ru");
    await stranger.send("/start");
    expect(toast(await stranger.pressData(`g:adm:linkto:${c.id}:1`))).toBe("Эта кнопка устарела.");
    expect(toast(await staff.pressData(`g:adm:link:${c.id}`))).toBe("Бұл батырма ескірген.");
    expect((await t.db.prisma.case.findFirstOrThrow()).organizationId).toBeNull();

    await admin.send("/admin");
    const list = await admin.press("Дела без организации");
    expect(texts(list)[0]).toBe(
      "Дела, которые не удалось привязать к зарегистрированной организации (название в обращении не совпало ни с одной):\nKZ-2026-000001 — Горбольница 7, г. Шымкент",
    );
    const choose = await admin.press("Привязать KZ-2026-000001");
    expect(buttons(choose)).toEqual(["Городская больница №7"]);
    const linked = await admin.press("Городская больница №7");
    expect(texts(linked.filter((x) => x.payload.chat_id === ADMIN))).toEqual(["Дело KZ-2026-000001 привязано к организации Городская больница №7, г. Шымкент; её сотрудникам сообщено.", ADMIN_HOME]);
    expect(texts(linked.filter((x) => x.payload.chat_id === 31))[0]).toMatch(/^Жаңа өтініш KZ-2026-000001: Городская больница №7, Шымкент қаласы\./);
    expect(texts(await staff.send("/inbox"))[0]).toContain("KZ-2026-000001");
    // Once linked, it cannot be linked again.
    expect(texts(await admin.pressData(`g:adm:linkto:${c.id}:2`))).toEqual(["Дело KZ-2026-000001 уже привязано к организации.", ADMIN_HOME]);
    expect((await t.db.prisma.case.findFirstOrThrow()).organizationId).toBe(1);
    expect(texts(await admin.pressData("g:adm:unlinked"))).toEqual(["Все дела привязаны к организациям."]);
  });
});

describe("the commission formed", () => {
  const setUp = async () => {
    const { link } = await inviteStaff();
    const staff = h.user(50, "ru");
    await staff.send("/start");
    await redeem(staff, link, "ru", "staff");
    now = new Date("2026-03-20T10:00:00+05:00"); // filed on the Friday before Nauryz
    const applicant = h.user(51, "kk");
    await fileNotice(applicant, "kk");
    const c = await t.db.prisma.case.findFirstOrThrow();
    return { staff, applicant, c };
  };
  /** …and the organisation received it that day. */
  const received = async () => {
    const s = await setUp();
    await recordReceipt(s.staff, "ru");
    return s;
  };

  it("staff record it after confirming no member represents their organisation; everyone on the case is told", async () => {
    const { staff, applicant, c } = await received();
    now = new Date("2026-03-26T11:00:00+05:00");
    await staff.send("/inbox");
    const opened = await staff.press("Открыть KZ-2026-000001");
    expect(buttons(opened)).toEqual(["Комиссия сформирована", "Предложить медиацию"]);
    const ask = await staff.press("Комиссия сформирована");
    expect(texts(ask)[0]).toContain("ни один её член не представляет вашу организацию");
    const done = await staff.press("Подтверждаю");
    // Staff's home follows, as after every step.
    expect(texts(done.filter((x) => x.payload.chat_id === 50))).toEqual(["Записано: комиссия по делу KZ-2026-000001 сформирована 26.03.2026. Заключение — до конца дня 02.04.2026.", expect.stringMatching(/^«Городская больница №7»: обращения\n/)]);
    // The next steps come on the same message, mediation among them, as the case's view offers them: a pressed button leaves no dead end.
    expect(buttons(done.filter((x) => x.payload.chat_id === 50 && String(x.payload.text).startsWith("Записано")))).toEqual(["Назначить заседание", "Записать заключение", "Предложить медиацию"]);
    expect(texts(done.filter((x) => x.payload.chat_id === 51))).toEqual([
      "KZ-2026-000001 ісі: тәуелсіз сараптама комиссиясы 26.03.2026 күні құрылды. Қорытынды — 5 жұмыс күні ішінде; боттың есебі бойынша — 02.04.2026 күнінің соңына дейін. Комиссия отырыстарына қатысуға құқығыңыз бар.",
    ]);
    const row = await t.db.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
    expect(row.status).toBe("commission_formed");
    // The formation watch is cancelled; the conclusion's is scheduled.
    const jobs = await t.db.prisma.scheduledJob.findMany({ orderBy: { id: "asc" } });
    expect(jobs.map((j) => [j.kind, j.state])).toEqual([
      ["receipt_reminder", "cancelled"],
      ["formation_reminder", "cancelled"],
      ["formation_overdue", "cancelled"],
      ["conclusion_reminder", "pending"],
      ["conclusion_overdue", "pending"],
    ]);
    // /cases shows the next step and the new deadline: 31 March, 1 and 2 April are left after today.
    now = new Date("2026-03-30T10:00:00+05:00");
    expect(texts(await applicant.send("/cases"))[0]).toContain("Келесі қадам: комиссия қорытынды береді.\nМерзімі: 02.04.2026 күнінің соңына дейін (3 жұмыс күні қалды).");
    // Once formed, it cannot be recorded again.
    expect(texts(await staff.pressData(`g:sformok:${c.id}`))[0]).toBe("По делу KZ-2026-000001 комиссия уже отмечена как сформированная.");
  });

  it("formed on an earlier day: the conclusion's 5 working days count from that day, never before the notice's receipt", async () => {
    const { staff, applicant, c } = await received();
    now = new Date("2026-03-27T11:00:00+05:00");
    await staff.send("/inbox");
    await staff.press("Открыть KZ-2026-000001");
    await staff.press("Комиссия сформирована");
    expect(texts(await staff.press("Подтверждаю: в другой день"))[0]).toMatch(/^В какой день сформирована комиссия\?/);
    expect(texts(await staff.send("28.03.2026"))[0]).toBe("Этот день ещё не наступил. Напишите дату не позже сегодняшней.");
    expect(texts(await staff.send("вчера"))[0]).toBe("Напишите дату как ДД.ММ.ГГГГ, например 25.11.2026.");
    // A day before the receipt is refused with its reason, and the same question comes again: nothing is lost.
    expect(texts(await staff.send("19.03.2026"))).toEqual([
      "Обращение получено организацией 20.03.2026: комиссия не могла быть сформирована раньше. Напишите дату не раньше 20.03.2026 и не позже сегодняшней.",
      expect.stringMatching(/^В какой день сформирована комиссия\?/),
    ]);
    expect((await t.db.prisma.case.findUniqueOrThrow({ where: { id: c.id } })).status).toBe("received");
    const done = await staff.send("25.03.2026"); // a day off (Nauryz): 26, 27, 30, 31 March and 1 April are the five
    expect(texts(done)[0]).toBe("Записано: комиссия по делу KZ-2026-000001 сформирована 25.03.2026. Заключение — до конца дня 01.04.2026.");
    expect(texts(done.filter((x) => x.payload.chat_id === 51))[0]).toMatch(/^KZ-2026-000001 ісі: тәуелсіз сараптама комиссиясы 25\.03\.2026 күні құрылды\./);
    // On Friday 27 March: 30, 31 March and 1 April are left after today.
    expect(texts(await applicant.send("/cases"))[0]).toContain("Мерзімі: 01.04.2026 күнінің соңына дейін (3 жұмыс күні қалды).");
  });

  it("nobody else can record it, forged callbacks included", async () => {
    const { c } = await setUp();
    const { link } = await inviteStaff("Клиника №2", "г. Астана");
    const other = h.user(52, "ru");
    await other.send("/start");
    await redeem(other, link, "ru", "staff");
    expect(texts(await other.pressData(`g:sformok:${c.id}`))).toEqual(["Такое дело не найдено, или вы в нём не участвуете.", expect.stringMatching(/^«Клиника №2»: обращения\n/)]);
    const applicant = h.user(51, "kk");
    const forged = await applicant.pressData(`g:sformok:${c.id}`);
    expect(forged.find((x) => x.method === "answerCallbackQuery")?.payload.text).toBe("Бұл батырма ескірген.");
    expect((await t.db.prisma.case.findUniqueOrThrow({ where: { id: c.id } })).status).toBe("delivered");
    // Nor can its own staff, before the organisation has recorded the notice's receipt.
    expect(texts(await h.user(50, "ru").pressData(`g:sformok:${c.id}`))).toEqual(["Комиссию по делу KZ-2026-000001 можно отметить после того, как будет записано получение обращения.", expect.stringMatching(/^«Городская больница №7»: обращения\n/)]);
  });
});

describe("the conclusion", () => {
  const formed = async () => {
    const { link } = await inviteStaff();
    const staff = h.user(60, "ru");
    await staff.send("/start");
    await redeem(staff, link, "ru", "staff");
    now = new Date("2026-11-23T10:00:00+05:00");
    await fileNotice(h.user(61, "ru"), "ru");
    const c = await t.db.prisma.case.findFirstOrThrow();
    await recordReceipt(staff, "ru");
    await staff.pressData(`g:sformok:${c.id}`);
    return { staff, c };
  };

  it("harm confirmed: everyone on the case hears it with the minimum payment for the outcome", async () => {
    const { staff, c } = await formed(); // formed on 23.11.2026
    now = new Date("2026-11-27T10:00:00+05:00");
    await staff.send("/inbox");
    const opened = await staff.press("Открыть KZ-2026-000001");
    expect(buttons(opened)).toEqual(["Назначить заседание", "Записать заключение", "Предложить медиацию"]);
    expect(texts(await staff.press("Записать заключение"))[0]).toBe("Дело KZ-2026-000001\nПодтвердила ли комиссия, что вред причинён?");
    await staff.press("Да, вред подтверждён");
    await staff.press("Инвалидность II группы");
    expect(texts(await staff.send("коротко")).at(0)).toBe("Краткое изложение должно быть от 10 до 1000 знаков (сейчас 7).");
    expect(texts(await staff.send("Осложнение вызвано нарушением протокола лечения."))[0]).toMatch(/^Приложите само заключение — PDF или фото/);
    expect(texts(await staff.document("application/zip", "archive"))).toEqual(["Нужен PDF или фото (JPG, PNG).", expect.stringMatching(/^Приложите само заключение/)]);
    // The day the commission issued it: a complaint and the case's history state it, so it is asked, not taken from the day it is recorded.
    const asked = await staff.document("application/pdf", "conclusion-scan");
    expect(texts(asked)).toEqual(["В какой день комиссия вынесла заключение? Нажмите «Сегодня» или напишите дату в виде ДД.ММ.ГГГГ, например 30.11.2026."]);
    expect(buttons(asked)).toEqual(["Сегодня", "Отмена"]);
    expect(texts(await staff.send("28.11.2026"))[0]).toBe("Этот день ещё не наступил. Напишите дату не позже сегодняшней.");
    expect(texts(await staff.send("22.11.2026"))[0]).toBe("Комиссия сформирована 23.11.2026: заключение не могло быть вынесено раньше. Напишите дату не раньше 23.11.2026 и не позже сегодняшней.");
    const review = await staff.send("26.11.2026");
    expect(texts(review)[0]).toBe("Проверьте: вред подтверждён; последствия — инвалидность II группы.\n\nОсложнение вызвано нарушением протокола лечения.\n\nДата заключения: 26.11.2026\nДокумент: приложен");
    const saved = await staff.press("Сохранить");
    expect(texts(saved.filter((x) => x.payload.chat_id === 60))[0]).toBe("Записано: заключение по делу KZ-2026-000001. Все участники дела уведомлены.");
    const told = saved.filter((x) => x.payload.chat_id === 61);
    expect(texts(told)[0]).toBe(
      "Дело KZ-2026-000001: комиссия подтвердила, что вред причинён, — это основание для признания страхового случая. Последствия для пациента: инвалидность II группы.\n\nОсложнение вызвано нарушением протокола лечения.\n\nКак правило, если вы готовы принять возмещение, оно выплачивается из единого страхового пула страховщиком по его правилам. Минимальная страховая выплата по закону — 600 МРП; по МРП 2026 года это 2\u00a0595\u00a0000 ₸.",
    );
    expect(buttons(told)).toEqual(["Минимальные выплаты"]);
    // The document itself comes first, captioned, re-sent by its file id; then the message with its button.
    expect(seen(told, 61)).toEqual(["document", "message+buttons"]);
    expect(told.filter((x) => x.method === "sendDocument").map((x) => [x.payload.document, x.payload.caption])).toEqual([["conclusion-scan", "KZ-2026-000001 · заключение независимой экспертной комиссии"]]);
    const row = await t.db.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
    expect([row.status, row.outcome]).toEqual(["concluded", "disability2"]);
    expect((row.answers as { conclusion: { on: string } }).conclusion.on, "the day the commission issued it, not the day it was recorded").toBe("2026-11-26");
    expect((await t.db.prisma.scheduledJob.findMany({ where: { kind: { startsWith: "conclusion" } } })).map((j) => j.state)).toEqual(["cancelled", "cancelled"]);
  });

  it("harm confirmed and the patient died: the applicant hears condolence before the amount", async () => {
    const { staff, c } = await formed();
    await staff.pressData(`g:sconc:${c.id}`);
    await staff.press("Да, вред подтверждён");
    await staff.press("Пациент скончался");
    await staff.send("Смерть наступила вследствие нарушения протокола лечения.");
    await staff.press("Без документа");
    await staff.press("Сегодня");
    const told = texts((await staff.press("Сохранить")).filter((x) => x.payload.chat_id === 61));
    expect(told[0]).toBe("Примите наши соболезнования.");
    expect(told[1]).toMatch(/^Дело KZ-2026-000001: комиссия подтвердила, что вред причинён.*Последствия для пациента: пациент скончался\./s);
    expect(told[1]).toContain("Минимальная страховая выплата по закону — 3\u00a0000 МРП");
  });

  it("harm not confirmed: the applicant is shown the usual path onward", async () => {
    const { staff, c } = await formed();
    await staff.pressData(`g:sconc:${c.id}`);
    await staff.press("Нет, вред не подтверждён");
    await staff.send("Осложнение — известный риск, о котором предупреждали.");
    await staff.press("Без документа");
    await staff.press("Сегодня");
    const saved = await staff.press("Сохранить");
    expect(texts(saved.filter((x) => x.payload.chat_id === 61))[0]).toMatch(/^Дело KZ-2026-000001: комиссия не подтвердила, что вред причинён\.\n\nОсложнение — известный риск, о котором предупреждали\.\n\nЕсли вы не согласны, как правило, дальше обращаются:/);
    expect((await t.db.prisma.case.findUniqueOrThrow({ where: { id: c.id } })).status).toBe("concluded");
  });

  it("staff of another organisation cannot record it; the case stays as it was", async () => {
    const { c } = await formed();
    const { link } = await inviteStaff("Клиника №2", "г. Астана");
    const other = h.user(62, "ru");
    await other.send("/start");
    await redeem(other, link, "ru", "staff");
    // Refused at the first step: the conclusion's questions are never asked.
    expect(texts(await other.pressData(`g:sconc:${c.id}`))[0]).toBe("Такое дело не найдено, или вы в нём не участвуете.");
    expect(texts(await other.send("Пытаюсь записать чужое заключение."))[0]).not.toMatch(/Записано/);
    expect((await t.db.prisma.case.findUniqueOrThrow({ where: { id: c.id } })).status).toBe("commission_formed");
  });
});

describe("cases without an organisation, more than ten", () => {
  it("page on to the oldest, which can be linked", async () => {
    await fileNotice(h.user(30, "ru"), "ru", { org: "Горбольница 7" }); // KZ-2026-000001, unlinked (no organisation registered)
    const row = await t.db.prisma.case.findFirstOrThrow();
    const { id: _id, ...rest } = row;
    // Ten later notices that matched no organisation either.
    await t.db.prisma.case.createMany({
      data: Array.from({ length: 10 }, (_, i) => ({ ...rest, number: `KZ-2026-0001${String(i).padStart(2, "0")}`, seq: 100 + i, submittedAt: new Date(row.submittedAt.getTime() + (i + 1) * 60_000) })) as never,
    });
    const admin = h.user(ADMIN, "ru");
    await admin.send("/start");
    await openAdmin(admin);
    const first = await admin.press("Дела без организации");
    expect(textsTo(first, ADMIN)[0]).toMatch(/^Дела, которые не удалось привязать .*, 1–10 из 11:/);
    expect(buttons(first)).not.toContain("Привязать KZ-2026-000001");
    const second = await admin.press("Ещё ▶");
    expect(buttons(second)).toEqual(["Привязать KZ-2026-000001", "◀ Предыдущие"]);
  });
});
