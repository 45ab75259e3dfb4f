// `npm install` runs no dependency's own install script: package.json's `allowScripts` names each one that has
// a script and denies it (npm 11.16+ reads the field; npm 12 blocks scripts it does not name). None is needed:
// Prisma's engines download and default client (we generate our own client with the JavaScript engines),
// esbuild's binary check (its platform package is installed as an optional dependency), Prisma's Node check.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const json = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;

describe("dependencies' install scripts", () => {
  it("every locked package with an install script is named in package.json's allowScripts, and denied", () => {
    const lock = json("package-lock.json") as { packages: Record<string, { hasInstallScript?: boolean }> };
    const withScript = Object.entries(lock.packages)
      .filter(([path, p]) => path !== "" && p.hasInstallScript)
      .map(([path]) => path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length))
      .sort();
    expect(withScript.length).toBeGreaterThan(0);
    const allow = (json("package.json").allowScripts ?? {}) as Record<string, boolean>;
    expect(Object.keys(allow).sort()).toEqual(withScript);
    expect(Object.values(allow).every((v) => v === false)).toBe(true);
  });
});
