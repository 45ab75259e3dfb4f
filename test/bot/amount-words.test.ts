// A sum in words beside its figures, as the settlement agreement writes it: each language's own grammar
// (Russian «одна тысяча», «две тысячи», «пять тысяч»; Kazakh without plural forms).
import { describe, expect, it } from "vitest";
import { amountInWords } from "../../machines/amount-words.js";
import { createI18n } from "../../bot/i18n.js";
import { localParam } from "../../bot/core/render.js";

describe("a sum in words", () => {
  it("reads as each language writes sums in an agreement", async () => {
    const i18n = await createI18n();
    const say = (lang: "kk" | "ru", n: number) => localParam(i18n, lang, amountInWords(n));
    expect(say("ru", 1)).toBe("один");
    expect(say("ru", 12)).toBe("двенадцать");
    expect(say("ru", 101)).toBe("сто один");
    expect(say("ru", 1_000)).toBe("одна тысяча");
    expect(say("ru", 2_000)).toBe("две тысячи");
    expect(say("ru", 5_000)).toBe("пять тысяч");
    expect(say("ru", 11_000)).toBe("одиннадцать тысяч");
    expect(say("ru", 21_000)).toBe("двадцать одна тысяча");
    expect(say("ru", 42_000)).toBe("сорок две тысячи");
    expect(say("ru", 1_500_000)).toBe("один миллион пятьсот тысяч");
    expect(say("ru", 2_595_000)).toBe("два миллиона пятьсот девяносто пять тысяч");
    expect(say("ru", 12_975_000)).toBe("двенадцать миллионов девятьсот семьдесят пять тысяч");
    expect(say("ru", 1_000_000_000)).toBe("один миллиард");
    expect(say("ru", 999_999_999)).toBe("девятьсот девяносто девять миллионов девятьсот девяносто девять тысяч девятьсот девяносто девять");
    expect(say("kk", 1)).toBe("бір");
    expect(say("kk", 15)).toBe("он бес");
    expect(say("kk", 1_000)).toBe("бір мың");
    expect(say("kk", 42_000)).toBe("қырық екі мың");
    expect(say("kk", 150_000)).toBe("бір жүз елу мың");
    expect(say("kk", 1_500_000)).toBe("бір миллион бес жүз мың");
    expect(say("kk", 2_595_000)).toBe("екі миллион бес жүз тоқсан бес мың");
    expect(say("kk", 1_000_000_000)).toBe("бір миллиард");
    expect(() => amountInWords(0)).toThrow(RangeError);
    expect(() => amountInWords(1.5)).toThrow(RangeError);
  });
});
