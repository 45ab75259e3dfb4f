// /help and the Telegram command menu describe the same commands in the same words and the same order, per role and language.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { commandKey, commandsFor } from "../../machines/chat.js";

const load = (lang: string, file: string) => JSON.parse(readFileSync(`locales/${lang}/${file}.json`, "utf8")) as Record<string, unknown>;
const lookup = (o: Record<string, unknown>, key: string): string => key.split(".").slice(1).reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], o) as string;

describe("/help and the command menu", () => {
  for (const lang of ["kk", "ru"]) {
    // A relative (consented only as one) has the applicant's menu, and a help of their own above it.
    for (const role of ["applicant", "relative", "staff", "mediator", "admin"] as const) {
      it(`${lang}, ${role}: the same lines, in the menu's order`, () => {
        const commands = load(lang, "commands");
        const roles = role === "applicant" || role === "relative" ? [] : [role];
        const menu = commandsFor(roles).map((c) => {
          const d = lookup(commands, commandKey(c, roles));
          expect(d.length).toBeGreaterThanOrEqual(3);
          expect(d.length).toBeLessThanOrEqual(256);
          return `/${c} — ${d[0]!.toLowerCase()}${d.slice(1)}`;
        });
        const help = lookup(load(lang, "help"), `help.${role}`).split("\n").filter((l) => l.startsWith("/"));
        expect(help).toEqual(menu);
      });
    }
  }
  it("the menu does not offer «врачебная ошибка» as if it were a term", () => {
    expect(lookup(load("ru", "commands"), "commands.explain")).toBe("Инцидент или ненадлежащая помощь? Минимальные выплаты");
    expect(lookup(load("kk", "commands"), "commands.explain")).toBe("Оқыс оқиға ма, әлде тиісінше көрсетілмеген көмек пе? Ең төменгі төлемдер");
  });
});
