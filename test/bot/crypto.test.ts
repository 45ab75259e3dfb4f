import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { open, seal } from "../../bot/crypto.js";

describe("sealing sensitive fields", () => {
  const key = randomBytes(32);
  it("round-trips, hides the text, and differs each time", () => {
    const s1 = seal(key, "ИИН 900101300123");
    expect(open(key, s1)).toBe("ИИН 900101300123");
    expect(Buffer.from(s1, "base64").toString("utf8")).not.toContain("900101300123");
    expect(seal(key, "x")).not.toBe(seal(key, "x"));
  });
  it("never uses an IV twice, across many blocks of them", () => {
    const ivs = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      const s = seal(key, "x");
      ivs.add(Buffer.from(s, "base64").subarray(1, 13).toString("hex"));
      expect(open(key, s)).toBe("x");
    }
    expect(ivs.size).toBe(2_000);
  });
  it("refuses altered data and another key", () => {
    const raw = Buffer.from(seal(key, "secret"), "base64");
    raw[raw.length - 1]! ^= 1;
    expect(() => open(key, raw.toString("base64"))).toThrow();
    expect(() => open(randomBytes(32), seal(key, "secret"))).toThrow();
  });
});
