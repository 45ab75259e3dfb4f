// What a notice's answers must be. Pure: each check returns the value to keep, or the reason it is refused
// (an i18n key suffix the bot turns into a clear answer).
import type { LocalDate } from "./calendar.js";
import outcomeWords from "./data/outcome-words.json" with { type: "json" };
import regionsData from "./data/regions.json" with { type: "json" };

export type Check<T> = { ok: true; value: T } | { ok: false; reason: string };
const ok = <T>(value: T): Check<T> => ({ ok: true, value });
const no = <T>(reason: string): Check<T> => ({ ok: false, reason });

export interface Region {
  code: string;
  /** The name as a list or a button shows it, standing alone. */
  kk: string;
  ru: string;
  /** The Russian name inside a sentence, where it differs: «область Жетісу», not «Область Жетісу». */
  ruText?: string;
  /** A city of republican significance: a document made there is headed with its name. */
  city?: boolean;
}
/** Kazakhstan's 20 regions: 17 oblasts and the cities of Astana, Almaty and Shymkent. */
export const REGIONS: readonly Region[] = regionsData;
export const regionByCode = (code: string): Region | undefined => REGIONS.find((r) => r.code === code);
/** A region's name inside a sentence or after a comma, in both languages (ru «область Жетісу»); null for an unknown code. */
export const regionText = (code: string): { kk: string; ru: string } | null => {
  const r = regionByCode(code);
  return r ? { kk: r.kk, ru: r.ruText ?? r.ru } : null;
};

const isRealDate = (y: number, m: number, d: number): boolean => {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
};
const iso = (y: number, m: number, d: number): LocalDate => `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;

const WEIGHTS_1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const WEIGHTS_2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
const weighted = (digits: number[], weights: number[]) => weights.reduce((sum, w, i) => sum + w * digits[i]!, 0) % 11;

/** An IIN shown by its last four digits (a chat text; the whole of it goes only where it is needed, law.md §7). */
export const maskedIin = (iin: string): string => `${"•".repeat(Math.max(iin.length - 4, 0))}${iin.slice(-4)}`;

/**
 * The word an IIN is copied with from a document or a message, before its digits: «ИИН: », «ЖСН », «IIN », a bilingual
 * form's «ЖСН/ИИН» (Cyrillic written as escapes: no Cyrillic literals in code).
 */
const IIN_LABEL = /^\s*(?:(?:\u0438\u0438\u043d|\u0436\u0441\u043d|iin)\s*\/?\s*)+[:\uff1a\u2116#-]?\s*(?=\d)/iu;

/**
 * An IIN: 12 digits, YYMMDD of birth, the century (and sex) in the 7th digit, and the official check
 * digit (weights 1..11, then 3..11,1,2 when the first gives 10; a second 10 means no valid IIN).
 */
export const checkIin = (input: string, today?: LocalDate): Check<{ iin: string; birthDate: LocalDate }> => {
  // Spaces, hyphens, the dashes phones put for them, dots; and the label it is often copied with («ИИН: …», «ЖСН …»).
  const iin = input.replace(IIN_LABEL, "").replace(/[\s\-‐‑‒–—−.]/g, "");
  if (!/^\d{12}$/.test(iin)) return no("iinFormat");
  const digits = [...iin].map(Number);
  let check = weighted(digits, WEIGHTS_1);
  if (check === 10) check = weighted(digits, WEIGHTS_2);
  if (check === 10 || check !== digits[11]) return no("iinChecksum");
  const centuryDigit = digits[6]!;
  if (centuryDigit < 1 || centuryDigit > 6) return no("iinChecksum");
  const year = 1800 + 100 * Math.floor((centuryDigit - 1) / 2) + Number(iin.slice(0, 2));
  const month = Number(iin.slice(2, 4));
  const day = Number(iin.slice(4, 6));
  if (!isRealDate(year, month, day)) return no("iinDate");
  const birthDate = iso(year, month, day);
  // The patient's: born by today, and not longer ago than a typed date of birth may be (checkBirthDate).
  if (today !== undefined && birthDate > today) return no("iinFuture");
  if (today !== undefined && year < Number(today.slice(0, 4)) - 130) return no("iinTooOld");
  return ok({ iin, birthDate });
};

/** A person's full name: letters of the Kazakh, Russian or Latin alphabets, spaces, hyphens, apostrophes. */
export const checkName = (input: string): Check<string> => {
  const name = input.trim().replace(/\s+/g, " ");
  if (name.length < 2 || name.length > 100) return no("nameLength");
  // Latin and Cyrillic letters with their marks: the Kazakh Latin alphabet too (Ä, Ū, Ş…), as names are written in documents.
  if (!/^[\p{Script=Latin}\p{Script=Cyrillic}\p{M}' ʼ’-]+$/u.test(name) || !/[\p{Script=Latin}\p{Script=Cyrillic}]{2}/u.test(name)) return no("nameLetters");
  return ok(name);
};

/**
 * A name written with initials: a letter with a dot after the first word («Иванов И.И.», «Иванов И. И.»), or a name
 * ending in two single letters («Иванов И И»). One letter alone is a name of its own: Korean-Kazakh given names («Пак О
 * Сун», «Тен Э Ри»), a surname written last («Светлана О»).
 */
const withInitials = (input: string): boolean => {
  const text = input.trim();
  if (!/^[\p{L}\p{M}' ʼ’.-]+$/u.test(text)) return false;
  const words = text.split(/\s+/u).slice(1);
  const single = (w: string | undefined) => w !== undefined && [...w.replace(/\.$/u, "")].length === 1;
  return words.some((w) => /^\p{L}\./u.test(w)) || (words.length >= 2 && single(words.at(-1)) && single(words.at(-2)));
};

/**
 * A patient's full name, as the notice asks it: a name (checkName) of at least two words — surname and name; not
 * initials, which the bot would otherwise refuse for their dots («only letters…») or take without them («Иванов И И»).
 */
export const checkFullName = (input: string): Check<string> => {
  if (withInitials(input)) return no("nameInitials");
  const r = checkName(input);
  return r.ok && r.value.split(" ").length < 2 ? no("nameWords") : r;
};

/** A date typed as DD.MM.YYYY (also with / or -). */
export const parseDate = (input: string): LocalDate | null => {
  const m = /^\s*(\d{1,2})[./-](\d{1,2})[./-](\d{4})\s*$/.exec(input);
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return isRealDate(y, mo, d) ? iso(y, mo, d) : null;
};

/** Written as a date is asked (DD.MM.YYYY), real or not: a day that does not exist is answered «no such date». */
export const WRITTEN_AS_DATE = /^\s*\d{1,2}[./-]\d{1,2}[./-]\d{4}\s*$/;

/** A date of birth: a real date, not in the future, not more than 130 years back. */
export const checkBirthDate = (input: string, today: LocalDate): Check<LocalDate> => {
  const date = parseDate(input);
  // Written as asked, but no such day (29.02.2025, 31.04): said so, not «write it as ДД.ММ.ГГГГ».
  if (!date) return no(WRITTEN_AS_DATE.test(input) ? "dateNotReal" : "dateFormat");
  if (date > today) return no("dateFuture");
  if (Number(date.slice(0, 4)) < Number(today.slice(0, 4)) - 130) return no("dateTooOld");
  return ok(date);
};

/** The dates of care: one day, or a range "from – to"; not in the future, not before birth. */
export const checkCareDates = (input: string, today: LocalDate, birthDate: LocalDate): Check<{ from: LocalDate; to: LocalDate }> => {
  const DATE = /\d{1,2}[./-]\d{1,2}[./-]\d{4}/g;
  const found = input.match(DATE) ?? [];
  // Around the dates only words and dashes may stand ("с … по …", "…-ден … дейін", "… – …").
  if (found.length < 1 || found.length > 2 || /\d/.test(input.replace(DATE, ""))) return no("careFormat");
  const dates = found.map(parseDate);
  // Written as asked, but no such day (31.04.2026): said so, as for a date of birth.
  if (dates.some((d) => d === null)) return no("dateNotReal");
  const from = dates[0]!;
  const to = dates[1] ?? from;
  if (from > to) return no("careOrder");
  if (to > today) return no("dateFuture");
  if (from < birthDate) return no("careBeforeBirth");
  return ok({ from, to });
};

export const DESCRIPTION_MAX = 3000;
export const checkDescription = (input: string): Check<string> => {
  const text = input.trim();
  // Ten letters or digits at least: five emoji are no description of what happened. Emoji or signs alone (a grieving
  // person's 😢😢😢…) are asked for in words — not «at least 10 characters» to one who sent more than ten.
  const letters = (text.match(/[\p{L}\p{N}]/gu) ?? []).length;
  if (letters === 0 && text.length > 0) return no("descriptionWords");
  if (text.length < 10 || letters < 10) return no("descriptionShort");
  if (text.length > DESCRIPTION_MAX) return no("descriptionLong");
  return ok(text);
};

/** Stems of words of an outcome (machines/data/outcome-words.json): a death, a disability, harm, "not yet known". */
const OUTCOME_STEMS = outcomeWords.stems.map((w) => w.toLocaleLowerCase());
/**
 * A text typed at the outcome question that reads as an answer to it («умер», «инвалидность 2 группы», «қайтыс
 * болды», «пока не знаю») rather than as more of the story: up to 3 words, or up to 6 with a word of an outcome.
 * Only to choose what the bot says back — an outcome is never recorded from typed words.
 */
export const looksLikeOutcome = (input: string): boolean => {
  const words = input.trim().split(/\s+/u).filter(Boolean).length;
  const flat = input.toLocaleLowerCase().replace(/\s+/gu, " ");
  return words > 0 && (words <= 3 || (words <= 6 && OUTCOME_STEMS.some((w) => flat.includes(w))));
};

const DEATH_STEMS = outcomeWords.death.map((w) => w.toLocaleLowerCase());
const DENIED = outcomeWords.denied.map((w) => w.toLocaleLowerCase());
/** Whether a text typed at the outcome question names a death («умер», «қайтыс болды»): condolence comes first. */
export const namesDeath = (input: string): boolean => {
  const flat = input.toLocaleLowerCase().replace(/\s+/gu, " ");
  // A death denied («не умер», «қайтыс болған жоқ»): no condolence.
  if (DENIED.some((w) => flat.includes(w))) return false;
  return DEATH_STEMS.some((w) => flat.includes(w));
};

/** A Kazakhstan mobile number: +7 and 10 digits (8 or 7 in front is taken as +7). */
export const checkPhone = (input: string): Check<string> => {
  const digits = input.replace(/[\s()-]/g, "");
  const m = /^(?:\+7|8|7)(\d{10})$/.exec(digits);
  return m ? ok(`+7${m[1]}`) : no("phoneFormat");
};

export const ORG_MAX = 200;
export const checkOrganization = (input: string): Check<string> => {
  const text = input.trim().replace(/\s+/g, " ");
  if (text.length < 3 || text.length > ORG_MAX || !/\p{L}{2}/u.test(text)) return no("orgLength");
  return ok(text);
};

/** A day something happened (a receipt, a formation): a real date, not in the future, not before `notBefore`. */
export const checkEventDate = (input: string, today: LocalDate, notBefore: LocalDate): Check<LocalDate> => {
  const date = parseDate(input);
  if (!date) return no(WRITTEN_AS_DATE.test(input) ? "dateNotReal" : "dateFormat");
  if (date > today) return no("dateFuture");
  if (date < notBefore) return no("dateBeforeNotice");
  return ok(date);
};

/**
 * An entity's registration number of an incoming appeal, as written on the stamp: a short line. The number sign
 * copied from the stamp («№ 01-12/345», «#77») is left off: every text that shows the number puts its own («рег. № …»).
 */
export const REGISTRATION_MAX = 40;
/** A registration number without the «№» (or «#», «Nº», «No.») it was copied with: the texts put their own before it. */
export const withoutNumberSign = (n: string): string => n.replace(/^(?:№|#|N[º°]|No\.?(?=[\s\d]))\s*/, "");

/** «б/н», «б.н.», «бн» (Cyrillic as escapes). */
const NO_NUMBER = /^\u0431\s*[/.]?\s*\u043d\.?$/iu;

export const checkRegistration = (input: string): Check<string> => {
  const text = withoutNumberSign(input.trim().replace(/\s+/g, " "));
  // A stamp's «б/н» (без номера: registered without a number) is its own mark, kept as written — else staff could not record
  // such a receipt at all, and the commission's term would never start in the bot.
  if (NO_NUMBER.test(text)) return ok(text);
  // A number has a digit: «нет», «не знаю», an emoji or a dash is not one — it would reach the applicant as «рег. № нет».
  if (!/\p{N}/u.test(text) || text.length > REGISTRATION_MAX || /\n/.test(input.trim())) return no("registration");
  return ok(text);
};
