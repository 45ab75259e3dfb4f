// The one codec between buttons and callback data: every action the bot declares fits Telegram's 64 bytes
// with its longest parameters and reads back as itself; anything else is stale; roles are enforced.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { act, CALLBACK_DATA_MAX, callbackData, CORE_ACTIONS, decodeButton, defineAction, encodeAction, id, Registry, type AnyActionDef } from "../../machines/actions.js";
import type { Profile } from "../../machines/flow.js";
import { registry } from "../../bot/features/index.js";

const anyone: Profile = { userId: 1, today: "2026-11-24", language: "kk", telegramLanguage: "kk", hasConsent: true, roles: [] };
const everyRole: Profile = { ...anyone, roles: ["admin", "staff", "mediator", "applicant"] };

/** The longest wire string each parameter accepts: the worst case for the 64-byte limit. */
const longestParams = (def: AnyActionDef): string[] =>
  Object.values(def.params.shape).map((field) => {
    const options = (field as { options?: unknown }).options;
    const candidates = [
      ...(Array.isArray(options) ? options.map(String) : []),
      "2026-11-24",
      ...Array.from({ length: 64 }, (_, i) => ["a".repeat(i + 1), "9".repeat(i + 1), `notice.${"9".repeat(i + 1)}`]).flat(),
    ];
    const accepted = candidates.filter((c) => field.safeParse(c).success).sort((a, b) => b.length - a.length);
    return accepted[0] ?? "";
  });

describe("actions", () => {
  it("every declared action fits in 64 bytes with its longest parameters and decodes back to itself", () => {
    expect(registry.actions.length).toBeGreaterThan(40);
    for (const def of registry.actions) {
      const wire = ["g:" + def.code, ...longestParams(def).filter(Boolean)].join(":");
      expect(Buffer.byteLength(wire), def.name).toBeLessThanOrEqual(CALLBACK_DATA_MAX);
      const pressed = decodeButton(wire, registry, everyRole);
      expect(pressed.kind, `${def.name}: ${wire}`).toBe("action");
      if (pressed.kind !== "action") continue;
      expect(pressed.def).toBe(def);
      // And encoding what was read gives the same data back.
      expect(callbackData({ ...act(def, pressed.params), global: true }, 0)).toBe(wire);
    }
  });

  it("forged, garbled or outdated data is stale, in one place", () => {
    for (const data of ["", "g:", "g:nope:1", "g:case", "g:case:abc", "g:case:1:2", "g:case:-1", "g:case:1234567890", "g:sat:1:maybe", "g:adm", "x", "f:1", "g:rshare:1:sideways"]) {
      expect(decodeButton(data, registry, everyRole).kind, data).toBe("stale");
    }
    expect(decodeButton("f3:yes", registry, anyone)).toEqual({ kind: "answer", prompt: 3, value: "yes" });
  });

  it("says who may press it: an admin's button is not a stranger's", () => {
    const press = (data: string, p: Profile) => {
      const b = decodeButton(data, registry, p);
      return b.kind === "action" ? b.allowed : b.kind;
    };
    expect(press("g:adm:staff:1", anyone)).toBe(false);
    expect(press("g:adm:staff:1", { ...anyone, roles: ["admin"] })).toBe(true);
    expect(press("g:sformok:1", { ...anyone, roles: ["mediator"] })).toBe(false);
    expect(press("g:mdpick:1", { ...anyone, roles: ["staff"] })).toBe(true);
    expect(press("g:case:1", anyone)).toBe(true); // the service checks the case itself
  });

  it("a code or a name declared twice is refused at start; so is a button that cannot be encoded", () => {
    const a = defineAction({ name: "x/a", code: "xa", params: z.object({ n: id }), run: () => undefined });
    expect(() => new Registry([...CORE_ACTIONS, a, { ...a, name: "x/b" }])).toThrow(/declared twice/);
    expect(() => new Registry([a, { ...a, code: "xb" }])).toThrow(/declared twice/);
    expect(() => encodeAction(a, { n: Number.NaN })).toThrow(/do not read back/);
    expect(() => encodeAction(a, { n: -5 })).toThrow(/do not read back/);
    const long = defineAction({ name: "x/long", code: "x".repeat(60), params: z.object({ n: id }), run: () => undefined });
    expect(() => encodeAction(long, { n: 123456789 })).toThrow(/64 bytes/);
  });
});

describe("callback data", () => {
  const sources = (dir: string): string[] =>
    readdirSync(dir, { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".ts") && !f.includes("generated"))
      .map((f) => join(dir, f));

  it("is written nowhere but in the codec (machines/actions.ts) and read nowhere but by it and the renderer", () => {
    const found: string[] = [];
    for (const file of [...sources("bot"), ...sources("machines")]) {
      if (file === join("machines", "actions.ts")) continue;
      readFileSync(file, "utf8")
        .split("\n")
        .forEach((line, i) => {
          // A literal that starts like callback data ("g:…", `f${n}:…`), or a payload's callback_data set by hand.
          if (/["'`](g|f\$?\{?[\w.]*\}?|f\d+):/.test(line) || (/callback_data\s*:/.test(line) && file !== join("bot", "core", "render.ts") && !/callback_data: string;/.test(line))) {
            found.push(`${file}:${i + 1}: ${line.trim()}`);
          }
        });
    }
    expect(found).toEqual([]);
  });
});
