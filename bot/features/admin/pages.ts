// Long lists (organisations, roles, cases, mediators) come a page at a time: PAGE items, and «◀ Предыдущие»
// / «Ещё ▶» buttons that carry the other page's offset. Data people typed are clipped so a page stays well
// under Telegram's 4,096 characters, whatever its names and positions.
import type { ActionData, Bilingual, Button } from "../../../machines/effects.js";

export const PAGE = 10;

/** The offset of the page to show: the one asked for, or the last page when the list has shrunk under it. */
export const pageStart = (offset: number | undefined, total: number): number => {
  const at = offset ?? 0;
  return at < total ? at - (at % PAGE) : Math.max(0, Math.floor((total - 1) / PAGE) * PAGE);
};

/** The row of buttons to the previous and the next page, when there are any. */
export const pageRow = (offset: number, total: number, to: (offset: number) => { value: ActionData; global: true }): Button[][] => {
  const row: Button[] = [];
  if (offset > 0) row.push({ key: "admin.previous", ...to(Math.max(0, offset - PAGE)) });
  if (offset + PAGE < total) row.push({ key: "admin.more", ...to(offset + PAGE) });
  return row.length ? [row] : [];
};

/** A typed name or position cut to `max` characters, with «…» when cut. */
export const clip = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1).trimEnd()}…` : s);
export const clipBoth = (b: Bilingual, max: number): Bilingual => ({ kk: clip(b.kk, max), ru: clip(b.ru, max) });
