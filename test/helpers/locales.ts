// Checks of the locale files and of the code that uses them.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

export type Tree = Record<string, unknown>;
const PLURAL = /_(zero|one|two|few|many|other)$/;

export const flatten = (tree: Tree, prefix = ""): Map<string, string> => {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === "object") for (const [kk, vv] of flatten(v as Tree, key)) out.set(kk, vv);
    else out.set(key, String(v));
  }
  return out;
};

/** Keys with their plural suffix folded: "x_one", "x_other" → "x". */
export const baseKeys = (flat: Map<string, string>) => new Set([...flat.keys()].map((k) => k.replace(PLURAL, "")));

/** Problems of parity between two languages, and of CLDR plural forms in each. */
export const parityProblems = (kk: Tree, ru: Tree): string[] => {
  const fk = flatten(kk);
  const fr = flatten(ru);
  const bk = baseKeys(fk);
  const br = baseKeys(fr);
  const problems = [...bk].filter((k) => !br.has(k)).map((k) => `only in kk: ${k}`);
  problems.push(...[...br].filter((k) => !bk.has(k)).map((k) => `only in ru: ${k}`));
  const need = { kk: new Intl.PluralRules("kk").resolvedOptions().pluralCategories, ru: new Intl.PluralRules("ru").resolvedOptions().pluralCategories };
  for (const [lang, flat] of [["kk", fk], ["ru", fr]] as const) {
    const plurals = new Set([...flat.keys()].filter((k) => PLURAL.test(k)).map((k) => k.replace(PLURAL, "")));
    for (const base of plurals) for (const cat of need[lang]) if (!flat.has(`${base}_${cat}`)) problems.push(`${lang}: ${base} lacks the plural form _${cat}`);
    for (const [k, v] of flat) if (!v.trim()) problems.push(`${lang}: ${k} is empty`);
  }
  return problems;
};

// A letter Russian lacks, or a word Russian lacks: a heading such as «МЕДИАЦИЯ ТУРАЛЫ ШАРТ» has no such letter.
const KAZAKH_LETTERS = /[әғқңөұүһіӘҒҚҢӨҰҮҺІ]|(?<!\p{L})(туралы|бойынша|және)(?!\p{L})/iu;
/** The words of a text, without its {{placeholders}}. */
export const words = (v: string): string => v.replace(/\{\{[^}]*\}\}/g, " ");
/** Kazakh texts of three words or more that have none of the letters Kazakh has and Russian lacks. */
export const notKazakh = (kk: Tree): string[] =>
  [...flatten(kk)].filter(([, v]) => words(v).split(/\s+/).filter((w) => /\p{L}{2,}/u.test(w)).length >= 3 && !KAZAKH_LETTERS.test(v)).map(([k]) => k);

export interface CodeScan {
  /** String literals that look like keys ("a.b"). */
  literals: Set<string>;
  /** Prefixes of keys built at run time: `help.${role}` → "help.". */
  prefixes: Set<string>;
  /** User-facing text found in code: file:line and the text. */
  texts: string[];
}

const SINK_CALLS = new Set(["reply", "sendMessage", "editMessageText", "answerCallbackQuery", "text", "sendDocument", "sendPhoto"]);
const SINK_PROPS = new Set(["text", "caption", "description", "first_name_shown"]);
const CYRILLIC = /[\u0400-\u04FF]/;

const walkFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? (d.name === "generated" ? [] : walkFiles(join(dir, d.name))) : d.name.endsWith(".ts") ? [join(dir, d.name)] : [],
  );

export const scanSource = (files: { name: string; text: string }[]): CodeScan => {
  const scan: CodeScan = { literals: new Set(), prefixes: new Set(), texts: [] };
  for (const { name, text } of files) {
    const sf = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true);
    const where = (n: ts.Node) => `${name}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
    const visit = (n: ts.Node) => {
      if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) {
        if (/^[a-z][A-Za-z]*(\.[A-Za-z_]+)+$/.test(n.text)) scan.literals.add(n.text);
        const p = n.parent;
        const isSinkArg = ts.isCallExpression(p) && ts.isPropertyAccessExpression(p.expression) && SINK_CALLS.has(p.expression.name.text) && p.arguments.includes(n);
        const isSinkProp = ts.isPropertyAssignment(p) && p.initializer === n && ts.isIdentifier(p.name) && SINK_PROPS.has(p.name.text);
        const isKey = /^[a-z][A-Za-z]*(\.[A-Za-z_]+)+$/.test(n.text);
        if (CYRILLIC.test(n.text) || ((isSinkArg || isSinkProp) && /\p{L}{2,}/u.test(n.text) && !isKey)) scan.texts.push(`${where(n)} ${n.text}`);
      }
      if (ts.isTemplateExpression(n)) {
        if (/^[a-z][A-Za-z]*(\.[A-Za-z]+)*\.$/.test(n.head.text)) scan.prefixes.add(n.head.text);
        if (CYRILLIC.test(n.getText())) scan.texts.push(`${where(n)} ${n.getText()}`);
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return scan;
};

export const scanDirs = (dirs: string[]): CodeScan =>
  scanSource(dirs.flatMap(walkFiles).map((name) => ({ name, text: readFileSync(name, "utf8") })));

/**
 * Locale keys nothing in the code can reach: not named, not under a template's prefix (`help.${role}`),
 * not under a literal that names a family of keys ("notice.relation" → notice.relation.self, …).
 */
export const unusedKeys = (keys: Set<string>, scan: CodeScan): string[] =>
  [...keys].filter(
    (k) => !scan.literals.has(k) && ![...scan.prefixes].some((p) => k.startsWith(p)) && ![...scan.literals].some((l) => k.startsWith(`${l}.`)),
  );

/** Keys or key families the code names that no locale has (only literals whose first part is a locale file). */
export const missingKeys = (keys: Set<string>, scan: CodeScan, files: Set<string>): string[] =>
  [...scan.literals].filter((l) => files.has(l.split(".")[0]!) && !keys.has(l) && ![...keys].some((k) => k.startsWith(`${l}.`)));
