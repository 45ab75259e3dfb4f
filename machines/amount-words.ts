// A sum written out in words, as agreements write it beside the figures («1 500 000 (… ) ₸»): the words are
// texts (locales/*/numbers.json), this only says which, in which order. Whole numbers from 1 to 999 999 999 999.
import type { Param } from "./effects.js";

const SCALES = [
  [1_000_000_000, "billion"],
  [1_000_000, "million"],
  [1_000, "thousand"],
] as const;

/** One group of three digits (1–999); a thousand's units have their own words where a language needs them. */
const group = (n: number, thousands: boolean): Param[] => {
  const parts: Param[] = [];
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  if (hundreds > 0) parts.push({ key: `numbers.hundreds.${hundreds}` });
  const units = rest < 20 ? rest : rest % 10;
  if (rest >= 20) parts.push({ key: `numbers.tens.${Math.floor(rest / 10)}` });
  // Russian says «одна тысяча», «две тысячи»: a thousand's «one» and «two» are words of their own.
  if (units > 0) parts.push({ key: thousands && units <= 2 ? `numbers.thousandUnits.${units}` : `numbers.units.${units}` });
  return parts;
};

export const amountInWords = (amount: number): Param => {
  if (!Number.isInteger(amount) || amount < 1 || amount >= 1_000_000_000_000) throw new RangeError(`amountInWords: ${amount}`);
  const parts: Param[] = [];
  let rest = amount;
  for (const [size, scale] of SCALES) {
    const n = Math.floor(rest / size);
    rest %= size;
    if (n === 0) continue;
    parts.push(...group(n, scale === "thousand"), { key: `numbers.scale.${scale}`, params: { count: n } });
  }
  if (rest > 0) parts.push(...group(rest, false));
  return { lines: parts, sep: " " };
};
