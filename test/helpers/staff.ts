// An admin registers an organisation and invites its staff, as in the admin's chat.
import { texts, type Harness, type TestUser } from "./bot.js";
import { fileNotice, giveParticulars } from "./notice.js";

export const ADMIN_NAME = "Жумабаев Арман Серикович";
const ADMIN_DOOR = {
  ru: { asked: /^Вы администратор «Келісім»/, title: "Специалист управления здравоохранения", accept: "Принимаю" },
  kk: { asked: /^Сіз «Келісім» әкімшісісіз/, title: "Денсаулық сақтау басқармасының маманы", accept: "Қабылдаймын" },
};
/** /admin: at an admin's first, their own door (full name, position, the admin's terms); returns the admin's home. */
export const openAdmin = async (admin: TestUser, lang: "kk" | "ru" = "ru", fullName = ADMIN_NAME) => {
  const first = await admin.send("/admin");
  if (!texts(first).some((t) => ADMIN_DOOR[lang].asked.test(t))) return first;
  await admin.send(fullName);
  await admin.send(ADMIN_DOOR[lang].title);
  return admin.press(ADMIN_DOOR[lang].accept);
};

/** The admin (ru) registers an organisation and creates a staff invite; returns the invite's /start payload. */
export const inviteStaff = async (h: Harness, adminId: number, name = "Городская больница №7", region = "г. Шымкент") => {
  const admin = h.user(adminId, "ru");
  await admin.send("/start");
  await openAdmin(admin);
  await admin.press("Зарегистрировать организацию");
  await admin.send(name);
  await admin.press("Название то же");
  const created = await admin.press(region);
  const invite = await admin.press(`Пригласить: ${name}`);
  const link = /start=([A-Za-z0-9_-]{32})/.exec(texts(invite)[0]!)![1]!;
  return { admin, created, invite, link };
};

/** The full names people give when they join, unless a test names them. */
export const STAFF_NAME = "Ахметова Сауле Маратовна";
export const MEDIATOR_NAME = "Сапарова Динара Ерлановна";

const JOIN = {
  ru: { staffTitle: "Секретарь комиссии", mediatorTitle: "Реестр медиаторов № 123, Палата медиаторов", accept: "Принимаю" },
  kk: { staffTitle: "Комиссия хатшысы", mediatorTitle: "Медиаторлар тізілімі № 123, Медиаторлар палатасы", accept: "Қабылдаймын" },
};

/** Opens an invite link and answers the join flow: the full name, the position (or registry details), the terms. */
export const redeem = async (u: TestUser, link: string, lang: "kk" | "ru", role: "staff" | "mediator", fullName = role === "staff" ? STAFF_NAME : MEDIATOR_NAME) => {
  await u.send(`/start ${link}`);
  await u.send(fullName);
  await u.send(role === "staff" ? JOIN[lang].staffTitle : JOIN[lang].mediatorTitle);
  return u.press(JOIN[lang].accept);
};

/** A second staff member of the organisation «Городская больница №7» (Бекова, 52, ru), joined by the admin's link. */
export const secondStaff = async (h: Harness, adminId: number): Promise<TestUser> => {
  const admin = h.user(adminId, "ru");
  await openAdmin(admin);
  const link = /start=([A-Za-z0-9_-]{32})/.exec(texts(await admin.press("Пригласить: Городская больница №7"))[0]!)![1]!;
  const colleague = h.user(52, "ru");
  await colleague.send("/start");
  await redeem(colleague, link, "ru", "staff", "Бекова Алия Сериковна");
  return colleague;
};

/**
 * «№7 қалалық аурухана» / «Городская больница №7» (г. Шымкент), registered by the admin with its two names, its staff
 * (ru) joined by the admin's invite, and a Kazakh applicant's notice to it by its Kazakh name (KZ-2026-000001).
 */
export const filedToBilingualOrg = async (h: Harness, ids: { admin: number; staff: number; applicant: number }) => {
  const admin = h.user(ids.admin, "ru");
  await admin.send("/start");
  await openAdmin(admin);
  await admin.press("Зарегистрировать организацию");
  await admin.send("№7 қалалық аурухана");
  await admin.send("Городская больница №7");
  await admin.press("г. Шымкент");
  const link = /start=([A-Za-z0-9_-]{32})/.exec(texts(await admin.press("Пригласить: Городская больница №7"))[0]!)![1]!;
  const staff = h.user(ids.staff, "ru");
  await staff.send("/start");
  await redeem(staff, link, "ru", "staff");
  const applicant = h.user(ids.applicant, "kk");
  const filed = await fileNotice(applicant, "kk", { org: "№7 қалалық аурухана" });
  return { admin, staff, applicant, filed };
};

/** A user who joins an organisation's staff by a fresh invite. */
export const joinStaff = async (h: Harness, adminId: number, userId: number, lang: "kk" | "ru", name?: string, region?: string, fullName?: string): Promise<TestUser> => {
  const { link } = await inviteStaff(h, adminId, name, region);
  const staff = h.user(userId, lang);
  await staff.send("/start");
  await redeem(staff, link, lang, "staff", fullName);
  return staff;
};

/** A user (ru) who joins as a mediator by the admin's invite. */
export const joinMediator = async (h: Harness, adminId: number, userId: number, fullName = MEDIATOR_NAME): Promise<TestUser> => {
  const admin = h.user(adminId, "ru");
  await openAdmin(admin);
  const invite = await admin.press("Пригласить медиатора");
  const link = /start=(\S+)/.exec(texts(invite)[0]!)![1]!;
  const m = h.user(userId, "ru");
  await m.send("/start");
  await m.press("Согласен(на)");
  await redeem(m, link, "ru", "mediator", fullName);
  return m;
};

const RECEIPT = {
  ru: { open: (n: string) => `Открыть ${n}`, button: "Отметить получение обращения", today: "Сегодня" },
  kk: { open: (n: string) => `${n} ісін ашу`, button: "Өтініштің алынғанын белгілеу", today: "Бүгін" },
};

/** Staff open the case from /inbox and record its receipt: a registration number, today (or `date`). */
export const recordReceipt = async (staff: TestUser, lang: "kk" | "ru", number = "KZ-2026-000001", registration = "01-12/345", date?: string) => {
  const l = RECEIPT[lang];
  await staff.send("/inbox");
  await staff.press(l.open(number));
  await staff.press(l.button);
  await staff.send(registration);
  return date ? staff.send(date) : staff.press(l.today);
};

/** Staff (ru) schedule a sitting of case KZ-2026-000001 through the whole flow, in person and online (or in person only); returns what Save did. */
export const scheduleSitting = async (staff: TestUser, date = "25.11.2026", time = "15:00", format: "Очно и онлайн" | "Очно" = "Очно и онлайн") => {
  await staff.send("/inbox");
  await staff.press("Открыть KZ-2026-000001");
  await staff.press("Назначить заседание");
  await staff.send(date);
  await staff.send(time);
  await staff.press(format);
  await staff.send("г. Шымкент, ул. Тауке хана, 1, каб. 204");
  if (format === "Очно и онлайн") await staff.send("https://meet.example.kz/kz-1");
  await staff.press("Без примечания");
  return staff.press("Сохранить");
};

/** Staff (ru) open a case from /inbox and propose the mediator MEDIATOR_NAME (who is then asked). */
export const proposeMediator = async (staff: TestUser, number = "KZ-2026-000001") => {
  await staff.send("/inbox");
  await staff.press(`Открыть ${number}`);
  await staff.press("Предложить медиацию");
  return staff.press(MEDIATOR_NAME);
};

/** Both sides agree to the mediation contract — the applicant (kk) with their particulars, then staff (ru): it runs. */
export const agreeToContract = async (applicant: TestUser, staff: TestUser) => {
  await applicant.press("Шартпен келісемін");
  await giveParticulars(applicant);
  return staff.press("Согласен(на) с договором");
};

/**
 * Staff (ru) of «Городская больница №7» by the admin's invite, an applicant (kk) whose notice names it, its receipt
 * recorded and the commission formed (KZ-2026-000001): the start of every test about sittings and the conclusion.
 */
export const commissionFormed = async (h: Harness, adminId: number, staffId: number, applicantId: number) => {
  const staff = await joinStaff(h, adminId, staffId, "ru");
  const applicant = h.user(applicantId, "kk");
  await fileNotice(applicant, "kk");
  await recordReceipt(staff, "ru");
  await formCommission(staff);
  return { staff, applicant };
};

/** Staff (ru) record from the case's view that the commission of KZ-2026-000001 (or `number`) was formed today. */
export const formCommission = async (staff: TestUser, number = "KZ-2026-000001") => {
  await staff.send("/inbox");
  await staff.press(`Открыть ${number}`);
  await staff.press("Комиссия сформирована");
  return staff.press("Подтверждаю");
};

/** Staff (ru) record from the case's view the conclusion of KZ-2026-000001: harm not confirmed, today, no document. */
export const recordNotConfirmed = async (staff: TestUser) => {
  await staff.send("/inbox");
  await staff.press("Открыть KZ-2026-000001");
  await staff.press("Записать заключение");
  await staff.press("Нет, вред не подтверждён");
  await staff.send("Осложнение — известный риск, о котором предупреждали.");
  await staff.press("Без документа");
  await staff.press("Сегодня");
  return staff.press("Сохранить");
};

/**
 * Staff (ru) of «Городская больница №7» and an applicant (kk, with a notice of this outcome) whose case they propose
 * to the mediator MEDIATOR_NAME (ru): the mediation is «proposed».
 */
export const mediationAssigned = async (h: Harness, ids: { admin: number; staff: number; applicant: number; mediator: number }, outcome?: string, number = "KZ-2026-000001") => {
  const staff = await joinStaff(h, ids.admin, ids.staff, "ru");
  const applicant = h.user(ids.applicant, "kk");
  await fileNotice(applicant, "kk", outcome ? { outcome } : {});
  const mediator = await joinMediator(h, ids.admin, ids.mediator);
  await proposeMediator(staff, number);
  return { staff, applicant, mediator };
};

/** …accepted by the mediator and agreed to by both sides: «running». */
export const mediationRunning = async (h: Harness, ids: { admin: number; staff: number; applicant: number; mediator: number }, outcome?: string, number = "KZ-2026-000001") => {
  const p = await mediationAssigned(h, ids, outcome, number);
  await p.mediator.press("Согласен(на) быть медиатором");
  await agreeToContract(p.applicant, p.staff);
  return p;
};

/**
 * A running mediation (mediationRunning) settled: the mediator proposes `amount`, the applicant (kk) and staff (ru)
 * accept it and confirm the agreement's text, the mediator attaches the signed agreement. Returns what attaching did.
 */
export const settleByAgreement = async (sides: { staff: TestUser; applicant: TestUser; mediator: TestUser }, amount = "2 700 000") => {
  const { mediator } = await textAgreed(sides, amount);
  await mediator.press("Приложить подписанное соглашение");
  return mediator.document("application/pdf", "signed");
};

/** A proposal (the applicant kk, staff ru) accepted by both sides and its agreement's text agreed to by both: the mediation waits for the signed agreement. */
export const textAgreed = async <T extends { staff: TestUser; applicant: TestUser; mediator: TestUser }>(sides: T, amount = "2 700 000"): Promise<T> => {
  await proposeSettlement(sides.mediator, amount);
  await sides.applicant.press("Қабылдау");
  await sides.staff.press("Принять");
  await sides.applicant.press("Оқыдым және келісемін");
  await sides.staff.press("Я прочитал(а) и согласен(на)");
  return sides;
};

/** The mediator's proposal begun from /inbox, its amount given: the terms' question is next. */
export const proposalAt = async (mediator: TestUser, amount: string) => {
  await mediator.send("/inbox");
  await mediator.press("Открыть KZ-2026-000001");
  await mediator.press("Предложить урегулирование");
  return mediator.send(amount);
};

/** The mediator proposes a settlement through the whole flow (valid 10 days); returns what «Отправить» did. */
export const proposeSettlement = async (mediator: TestUser, amount: string, terms = "Выплата в течение 15 рабочих дней после подписания.") => {
  await proposalAt(mediator, amount);
  await mediator.send(terms);
  await mediator.press("10 дней");
  return mediator.press("Отправить");
};
