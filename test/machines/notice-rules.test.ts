import { describe, expect, it } from "vitest";
import { checkBirthDate, checkCareDates, checkDescription, checkFullName, checkIin, checkName, checkOrganization, checkEventDate, checkPhone, checkRegistration, looksLikeOutcome, REGIONS } from "../../machines/notice-rules.js";

/** Appends the official check digit to 11 digits (test data only). */
const withCheck = (eleven: string) => {
  const d = [...eleven].map(Number);
  const w1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const w2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
  let c = w1.reduce((s, w, i) => s + w * d[i]!, 0) % 11;
  if (c === 10) c = w2.reduce((s, w, i) => s + w * d[i]!, 0) % 11;
  return eleven + String(c);
};

describe("IIN", () => {
  it("accepts a valid IIN and reads the date of birth, century from the 7th digit", () => {
    expect(checkIin("061211600012")).toEqual({ ok: true, value: { iin: "061211600012", birthDate: "2006-12-11" } }); // a published example
    expect(checkIin(withCheck("85030130012"))).toEqual({ ok: true, value: { iin: withCheck("85030130012"), birthDate: "1985-03-01" } });
    expect(checkIin(` ${withCheck("99123140001").replace(/(\d{6})/, "$1 ")} `)).toMatchObject({ ok: true, value: { birthDate: "1999-12-31" } });
  });

  it("refuses a wrong length, letters, a wrong check digit, a bad century, an impossible date", () => {
    expect(checkIin("12345")).toEqual({ ok: false, reason: "iinFormat" });
    expect(checkIin("85030130012a")).toEqual({ ok: false, reason: "iinFormat" });
    const good = withCheck("85030130012");
    const bad = good.slice(0, 11) + String((Number(good[11]) + 1) % 10);
    expect(checkIin(bad)).toEqual({ ok: false, reason: "iinChecksum" });
    expect(checkIin(withCheck("85030170012"))).toEqual({ ok: false, reason: "iinChecksum" });
    expect(checkIin(withCheck("85023030012"))).toEqual({ ok: false, reason: "iinDate" }); // 30 February
  });

  it("uses the second weights when the first give 10", () => {
    // Find 11 digits whose first checksum is 10, and check that such an IIN is still accepted or refused by the second.
    let eleven = "";
    for (let serial = 0; serial < 10000 && !eleven; serial++) {
      const cand = `850301300${String(serial).padStart(2, "0")}`.slice(0, 11);
      const d = [...cand].map(Number);
      if ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].reduce((s, w, i) => s + w * d[i]!, 0) % 11 === 10) eleven = cand;
    }
    expect(eleven).not.toBe("");
    const second = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2].reduce((s, w, i) => s + w * Number(eleven[i]), 0) % 11;
    if (second === 10) expect(checkIin(`${eleven}0`).ok).toBe(false);
    else expect(checkIin(`${eleven}${second}`).ok).toBe(true);
  });
});

describe("names, dates, texts, phones", () => {
  it("names in Kazakh, Russian and Latin letters", () => {
    expect(checkName("  Әсел   Нұрланқызы ")).toEqual({ ok: true, value: "Әсел Нұрланқызы" });
    expect(checkName("Иванова-Петрова Анна")).toMatchObject({ ok: true });
    expect(checkName("O'Neil John")).toMatchObject({ ok: true });
    expect(checkName("А")).toEqual({ ok: false, reason: "nameLength" });
    expect(checkName("x".repeat(101))).toEqual({ ok: false, reason: "nameLength" });
    expect(checkName("Agent 007")).toEqual({ ok: false, reason: "nameLetters" });
    expect(checkName("😀😀😀")).toEqual({ ok: false, reason: "nameLetters" });
  });

  it("a date of birth is not in the future", () => {
    expect(checkBirthDate("01.03.1985", "2026-11-23")).toEqual({ ok: true, value: "1985-03-01" });
    expect(checkBirthDate("24.11.2026", "2026-11-23")).toEqual({ ok: false, reason: "dateFuture" });
    expect(checkBirthDate("31.02.1985", "2026-11-23")).toEqual({ ok: false, reason: "dateNotReal" });
    expect(checkBirthDate("yesterday", "2026-11-23")).toEqual({ ok: false, reason: "dateFormat" });
  });

  it("dates of care: a day or a range, not in the future, not before birth, in order", () => {
    const today = "2026-11-23";
    expect(checkCareDates("12.10.2026", today, "1985-03-01")).toEqual({ ok: true, value: { from: "2026-10-12", to: "2026-10-12" } });
    expect(checkCareDates("с 01.10.2026 по 05.10.2026", today, "1985-03-01")).toEqual({ ok: true, value: { from: "2026-10-01", to: "2026-10-05" } });
    expect(checkCareDates("01.10.2026 – 05.10.2026", today, "1985-03-01")).toMatchObject({ ok: true });
    expect(checkCareDates("01.10.2026-ден 05.10.2026 дейін", today, "1985-03-01")).toMatchObject({ ok: true });
    expect(checkCareDates("05.10.2026 – 01.10.2026", today, "1985-03-01")).toEqual({ ok: false, reason: "careOrder" });
    expect(checkCareDates("01.12.2026", today, "1985-03-01")).toEqual({ ok: false, reason: "dateFuture" });
    expect(checkCareDates("01.01.1980", today, "1985-03-01")).toEqual({ ok: false, reason: "careBeforeBirth" });
    expect(checkCareDates("last week", today, "1985-03-01")).toEqual({ ok: false, reason: "careFormat" });
    expect(checkCareDates("31.04.2026", today, "1985-03-01")).toEqual({ ok: false, reason: "dateNotReal" });
    expect(checkCareDates("01.02.2026 – 30.02.2026", today, "1985-03-01")).toEqual({ ok: false, reason: "dateNotReal" });
    expect(checkCareDates("01.10.2026 02.10.2026 03.10.2026", today, "1985-03-01")).toEqual({ ok: false, reason: "careFormat" });
    // Dates written with dashes, as the birth date may be (01-10-2026), alone or as a range.
    expect(checkCareDates("12-10-2026", today, "1985-03-01")).toEqual({ ok: true, value: { from: "2026-10-12", to: "2026-10-12" } });
    expect(checkCareDates("01-10-2026 - 05-10-2026", today, "1985-03-01")).toEqual({ ok: true, value: { from: "2026-10-01", to: "2026-10-05" } });
    expect(checkCareDates("01-10-2026-05-10-2026", today, "1985-03-01")).toEqual({ ok: true, value: { from: "2026-10-01", to: "2026-10-05" } });
  });

  it("a description of up to 3,000 characters, never cut", () => {
    expect(checkDescription("x".repeat(3000))).toMatchObject({ ok: true });
    expect(checkDescription("x".repeat(3001))).toEqual({ ok: false, reason: "descriptionLong" });
    expect(checkDescription("bad")).toEqual({ ok: false, reason: "descriptionShort" });
  });

  it("phones: +7 and 10 digits", () => {
    expect(checkPhone("+7 (701) 123-45-67")).toEqual({ ok: true, value: "+77011234567" });
    expect(checkPhone("87011234567")).toEqual({ ok: true, value: "+77011234567" });
    expect(checkPhone("+7701123456")).toEqual({ ok: false, reason: "phoneFormat" });
    expect(checkPhone("+1 202 555 0100")).toEqual({ ok: false, reason: "phoneFormat" });
  });

  it("an organisation's name", () => {
    expect(checkOrganization("  Қалалық   емхана №5 ")).toEqual({ ok: true, value: "Қалалық емхана №5" });
    expect(checkOrganization("№5")).toEqual({ ok: false, reason: "orgLength" });
  });

  it("20 regions, each named in both languages", () => {
    expect(REGIONS).toHaveLength(20);
    expect(new Set(REGIONS.map((r) => r.code)).size).toBe(20);
    for (const r of REGIONS) expect(r.kk && r.ru && r.kk !== r.ru).toBeTruthy();
  });
});

describe("a day something happened (a receipt)", () => {
  it("is real, not in the future, not before the notice; a day that does not exist is said so", () => {
    expect(checkEventDate("24.11.2026", "2026-11-25", "2026-11-23")).toEqual({ ok: true, value: "2026-11-24" });
    expect(checkEventDate("31.11.2026", "2026-12-25", "2026-11-23")).toEqual({ ok: false, reason: "dateNotReal" });
    expect(checkEventDate("вчера", "2026-11-25", "2026-11-23")).toEqual({ ok: false, reason: "dateFormat" });
    expect(checkEventDate("26.11.2026", "2026-11-25", "2026-11-23")).toEqual({ ok: false, reason: "dateFuture" });
    expect(checkEventDate("22.11.2026", "2026-11-25", "2026-11-23")).toEqual({ ok: false, reason: "dateBeforeNotice" });
  });
});

describe("a patient's full name", () => {
  it("is refused when written with initials, and taken when a one-letter word is a name of its own", () => {
    for (const initials of ["Иванов И.И.", "Иванов И. И.", "Иванов И И", "Иванов И."]) expect(checkFullName(initials), initials).toEqual({ ok: false, reason: "nameInitials" });
    // Korean-Kazakh given names, a surname written last: one letter, no dot.
    for (const name of ["Пак О Сун", "Тен Э Ри", "Ли Е Ын", "Светлана О", "Ким Ен Су"]) expect(checkFullName(name), name).toEqual({ ok: true, value: name });
  });
  it("an IIN copied with a bilingual form's label", () => {
    expect(checkIin("ЖСН/ИИН 850301300121")).toEqual({ ok: true, value: { iin: "850301300121", birthDate: "1985-03-01" } });
    expect(checkIin("ИИН / ЖСН: 850301300121")).toEqual({ ok: true, value: { iin: "850301300121", birthDate: "1985-03-01" } });
  });
});

describe("a registration number", () => {
  it("leaves off the number sign copied from the stamp, and nothing else", () => {
    expect(checkRegistration("№ 01-12/345")).toEqual({ ok: true, value: "01-12/345" });
    expect(checkRegistration("№77")).toEqual({ ok: true, value: "77" });
    expect(checkRegistration("#77")).toEqual({ ok: true, value: "77" });
    expect(checkRegistration("No. 12")).toEqual({ ok: true, value: "12" });
    expect(checkRegistration("Nov-12")).toEqual({ ok: true, value: "Nov-12" });
    expect(checkRegistration("ЖТ-77")).toEqual({ ok: true, value: "ЖТ-77" });
    expect(checkRegistration("№")).toEqual({ ok: false, reason: "registration" });
    for (const none of ["📄", "нет", "жоқ", "-"]) expect(checkRegistration(none), none).toEqual({ ok: false, reason: "registration" });
    // A stamp's «без номера» is its own mark: refused, the receipt could not be recorded at all.
    expect(checkRegistration("б/н")).toEqual({ ok: true, value: "б/н" });
    expect(checkRegistration("Б.Н.")).toEqual({ ok: true, value: "Б.Н." });
  });
});

describe("a text typed at the outcome question", () => {
  it("reads as the answer when it is a few words, or up to six with a word of an outcome, in Russian or Kazakh", () => {
    for (const t of ["умер", "Скончался", "инвалидность 2 группы", "пока не знаю", "қайтыс болды", "2 топтағы мүгедектік берілді", "Дали вторую группу инвалидности", "Ребёнок стал инвалидом после операции"]) {
      expect(looksLikeOutcome(t), t).toBe(true);
    }
  });

  it("reads as more of the story when it is longer, even with such a word in it", () => {
    for (const t of ["А потом в реанимации никто не подходил двое суток.", "Через два дня после операции он умер, врачи ничего не объяснили.", "Содан кейін реанимацияда екі тәулік ешкім келмеді.", "", "   "]) {
      expect(looksLikeOutcome(t), t).toBe(false);
    }
  });
});
