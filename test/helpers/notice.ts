// Files a whole notice as a user would, with labels in the user's language; any answer can be changed.
import { buttons, texts, type Harness, type TestUser } from "./bot.js";

export interface NoticeInput {
  relation: string;
  name: string;
  iin: string;
  org: string;
  region: string;
  care: string;
  description: string;
  outcome: string;
  support: string;
  phone: string;
}

const DEFAULTS: Record<"kk" | "ru", NoticeInput & { agree: string; yes: string; done: string; submit: string; notListed: string }> = {
  ru: {
    agree: "Согласен(на)", yes: "Да, верно", done: "Готово", submit: "Сохранить обращение", notListed: "Моей организации нет в списке",
    relation: "Я — пациент", name: "Иванов Иван Иванович", iin: "850301300121", org: "Городская больница №7", region: "г. Шымкент",
    care: "02.03.2026", description: "Во время лечения произошло осложнение.", outcome: "Пока неизвестно", support: "Не знаю", phone: "+77010000000",
  },
  kk: {
    agree: "Келісемін", yes: "Иә, дұрыс", done: "Дайын", submit: "Өтінішті сақтау", notListed: "Менің ұйымым тізімде жоқ",
    relation: "Мен — пациентпін", name: "Иванов Иван Иванович", iin: "850301300121", org: "Городская больница №7", region: "Шымкент қаласы",
    care: "02.03.2026", description: "Во время лечения произошло осложнение.", outcome: "Әзірге белгісіз", support: "Білмеймін", phone: "+77010000000",
  },
};

const ACTS_FOR = { ru: "Подтверждаю", kk: "Растаймын" };
/**
 * A notice where the patient died is filed by someone else (the bot does not take «I am the patient» with it): by
 * default a close relative, and the patient's IIN is not the applicant's own (PARTICULARS, which a relative's
 * particulars must not repeat).
 */
const DEATH = { ru: "Пациент скончался", kk: "Пациент қайтыс болды" };
const DEATH_DEFAULTS = { ru: { relation: "Близкий родственник", iin: "520812300121" }, kk: { relation: "Пациенттің жақын туысы", iin: "520812300121" } };

/**
 * The region, then the organisation: its button when the region's registered organisations list it by that
 * name, else "not listed" (when a list is shown) and the name typed.
 */
export const chooseOrganization = async (u: TestUser, region: string, org: string, notListed: string) => {
  const asked = await u.press(region);
  const offered = buttons(asked);
  if (offered.includes(org)) return u.press(org);
  if (offered.includes(notListed)) await u.press(notListed);
  return u.send(org);
};

/** From /start to Submit (with photos of these file ids); returns what the bot did in answer to Submit. A death: filed by a close relative unless `relation` says otherwise. */
export const fileNotice = async (u: TestUser, lang: "kk" | "ru", answers: Partial<NoticeInput> = {}, photos: string[] = []) => {
  const a = { ...DEFAULTS[lang], ...(answers.outcome === DEATH[lang] ? DEATH_DEFAULTS[lang] : {}), ...answers };
  await u.send("/start");
  await u.press(a.agree);
  await u.send("/notice");
  await u.press(a.relation);
  // Someone other than the patient confirms they act for the patient.
  if (a.relation !== DEFAULTS[lang].relation) await u.press(ACTS_FOR[lang]);
  await u.send(a.name);
  await u.send(a.iin);
  await u.press(a.yes);
  await chooseOrganization(u, a.region, a.org, a.notListed);
  await u.send(a.care);
  await u.send(a.description);
  await u.press(a.outcome);
  await u.press(a.support);
  for (const id of photos) await u.photo(id);
  await u.press(a.done);
  await u.send(a.phone);
  return u.press(a.submit);
};

const HAND_IN = {
  ru: { button: "Я передал(а) обращение", today: "Сегодня", skip: "Пропустить" },
  kk: { button: "Өтінішті ұйымға тапсырдым", today: "Бүгін", skip: "Өткізіп жіберу" },
};

/** The applicant says they handed the notice in today (no number, no copy): the case is received. */
export const handIn = async (u: TestUser, lang: "kk" | "ru", date?: string) => {
  const l = HAND_IN[lang];
  await u.press(l.button);
  if (date) await u.send(date);
  else await u.press(l.today);
  await u.press(l.skip);
  return u.press(l.skip);
};

/** The applicant's own particulars, typed through the particulars flow (for a complaint or the mediation contract). */
export const PARTICULARS = { surname: "Ахметова", name: "Айгүл", patronymic: "Серікқызы", iin: "850301300121", address: "160011, г. Шымкент, ул. Байтурсынова, д. 5, кв. 12" };
export const giveParticulars = async (u: TestUser) => {
  await u.send(PARTICULARS.surname);
  await u.send(PARTICULARS.name);
  await u.send(PARTICULARS.patronymic);
  await u.send(PARTICULARS.iin);
  return u.send(PARTICULARS.address);
};

/** The applicant (kk) invites a relative from the case's view; the relative (ru) joins as the patient's spouse. */
export const joinRelative = async (h: Harness, applicant: TestUser, relativeId: number, number = "KZ-2026-000001", fullName = "Сейтова Асель Нурлановна") => {
  await applicant.send("/cases");
  await applicant.press(`${number} ісін ашу`);
  const invite = await applicant.press("Туысты шақыру");
  const link = /start=(c_[A-Za-z0-9_-]{32})/.exec(texts(invite)[0]!)![1]!;
  const relative = h.user(relativeId, "ru");
  await relative.send(`/start ${link}`);
  await relative.press("Супруг(а)");
  await relative.press("Согласен(на)");
  await relative.send(fullName);
  return relative;
};

/** The applicant removes a relative from the case's view: «Алып тастау: <who>», then «Алып тастау» at the question it asks; returns what the removal did. */
export const removeRelative = async (applicant: TestUser, who = "Сейтова Асель Нурлановна (пациенттің жұбайы)") => {
  await applicant.press(`Алып тастау: ${who}`);
  return applicant.press("Алып тастау");
};
