// The program's import graph: no cycles in bot/ and machines/, and machines/ stays pure (no grammY,
// no Prisma, nothing from bot/). Built with the TypeScript compiler's own resolver, so it sees what
// tsc sees; it replaces a lint plugin whose native resolver the npm registry serves for Linux only.
import { readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts"))
    .map((e) => resolve(e.parentPath, e.name))
    .filter((f) => !f.includes(`${join("db", "generated")}`));
}

const config = ts.getParsedCommandLineOfConfigFile(join(root, "tsconfig.json"), {}, {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (d) => {
    throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  },
});
const options = config?.options ?? {};

type Edge = { to: string; spec: string; typeOnly: boolean };

function importsOf(file: string): Edge[] {
  const text = ts.sys.readFile(file) ?? "";
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const edges: Edge[] = [];
  for (const st of source.statements) {
    if ((ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)) {
      const spec = st.moduleSpecifier.text;
      const typeOnly = ts.isImportDeclaration(st) ? Boolean(st.importClause?.isTypeOnly) : st.isTypeOnly;
      const resolved = ts.resolveModuleName(spec, file, options, ts.sys).resolvedModule;
      const to = resolved && !resolved.isExternalLibraryImport ? resolve(resolved.resolvedFileName) : spec;
      edges.push({ to, spec, typeOnly });
    }
  }
  return edges;
}

const files = [...sources("bot"), ...sources("machines")];
const graph = new Map(files.map((f) => [f, importsOf(f)]));

/** Strongly connected components with more than one file (or a file importing itself): the cycles. */
function cycles(): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const { to } of graph.get(v) ?? []) {
      if (!graph.has(to)) continue;
      if (!idx.has(to)) {
        visit(to);
        low.set(v, Math.min(low.get(v)!, low.get(to)!));
      } else if (on.has(to)) low.set(v, Math.min(low.get(v)!, idx.get(to)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(relative(root, w));
      } while (w !== v);
      const self = (graph.get(v) ?? []).some((e) => e.to === v);
      if (comp.length > 1 || self) found.push(comp.sort());
    }
  };
  for (const f of graph.keys()) if (!idx.has(f)) visit(f);
  return found;
}

describe("the import graph", () => {
  it("sees the program (the resolver works)", () => {
    expect(files.length).toBeGreaterThan(40);
    const main = graph.get(join(root, "bot", "main.ts"));
    expect(main?.some((e) => e.to.startsWith(join(root, "bot")))).toBe(true);
  });

  it("has no import cycle in bot/ or machines/, type-only imports included", () => {
    expect(cycles()).toEqual([]);
  });

  it("keeps machines/ pure: no grammY, no Prisma, nothing from bot/", () => {
    const bad: string[] = [];
    for (const [file, edges] of graph) {
      if (!file.startsWith(join(root, "machines"))) continue;
      for (const e of edges) {
        const impure =
          /^(grammy|@grammyjs\/|@prisma\/|\.prisma)/.test(e.spec) || e.to.startsWith(join(root, "bot")) || /\/db\//.test(e.spec);
        if (impure) bad.push(`${relative(root, file)} → ${e.spec}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
