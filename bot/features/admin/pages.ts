// Long lists (organisations, roles, cases, mediators) come a page at a time: PAGE items, and «◀ Предыдущие»
// / «Ещё ▶» buttons. Lists that grow at the top while someone pages (cases newest first, a mediator's mediations)
// carry a cursor — the item shown first or last — so nothing is shown twice or skipped; the others carry the other
// page's offset. Data people typed are clipped so a page stays well under Telegram's 4,096 characters, whatever
// its names and positions.
import { z } from "zod";
import { id, oneOf } from "../../../machines/actions.js";
import type { ActionData, Bilingual, Button, PageCursor } from "../../../machines/effects.js";
import { regionByCode } from "../../../machines/notice-rules.js";
import type { Tx } from "../../core/actor.js";
import { say, type Out } from "../../core/effects.js";
import type { Case, Organization, Prisma } from "../../db/generated/client.js";

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

/** A list read a page at a time by its sort key: its order is the order of its items' cursors. */
export interface Keyset<T> {
  /** Up to PAGE items from the top, `skip` skipped, in the list's order. */
  from(skip: number): Promise<T[]>;
  /** Up to PAGE items right after the cursor's item ("next"), or right before it ("prev", nearest first). */
  beside(c: PageCursor): Promise<T[]>;
  /** How many items come before this one in the list. */
  above(item: T): Promise<number>;
  /** The item's place in the list, as a cursor. */
  cursor(item: T, dir: PageCursor["dir"]): PageCursor;
}

/**
 * A page of a list: from the top, from an offset (a button sent before pages had cursors), or next to the item
 * a cursor names — after the last shown, before the first shown. A «next» page with nothing left after its item (the
 * list shrank) is the last page, as an offset past the end is; a «previous» one with less than a page before its
 * item, the first page.
 */
/** Where a page is asked for: the top (neither), an offset, or next to an item. */
export interface PageAt {
  offset?: number | undefined;
  cursor?: PageCursor | undefined;
}

export const keysetPage = async <T>(k: Keyset<T>, at: PageAt, total: number): Promise<{ items: T[]; offset: number; prev?: PageCursor; next?: PageCursor }> => {
  let items: T[] = [];
  let offset = 0;
  if (at.cursor) {
    const near = await k.beside(at.cursor);
    if (at.cursor.dir === "next" && near.length > 0) {
      items = near;
      offset = await k.above(near[0]!);
    } else if (at.cursor.dir === "prev" && near.length >= PAGE) {
      items = near.reverse();
      offset = await k.above(items[0]!);
    } else offset = at.cursor.dir === "next" ? pageStart(total, total) : 0;
  } else offset = pageStart(at.offset, total);
  if (items.length === 0) items = await k.from(offset);
  return {
    items,
    offset,
    ...(offset > 0 && items.length ? { prev: k.cursor(items[0]!, "prev") } : {}),
    ...(offset + items.length < total && items.length ? { next: k.cursor(items[items.length - 1]!, "next") } : {}),
  };
};

/** A cursor on the wire, as an action's last parameters: "next" or "prev", the item's id, and its time in ms if the list is by time. */
export const cursorParams = {
  dir: oneOf(["next", "prev"]),
  id,
  // Up to 13 digits: every instant until the year 2286. More (only a forged button has them) names a time the database
  // cannot take, and the press failed with «Произошла ошибка» instead of being answered as a garbled button.
  at: z
    .string()
    .regex(/^\d{1,13}$/)
    .transform(Number)
    .optional(),
};
export const cursorOf = (p: { dir: PageCursor["dir"]; id: number; at?: number | undefined }): PageCursor => (p.at === undefined ? { dir: p.dir, id: p.id } : { dir: p.dir, id: p.id, at: p.at });

/** The row of buttons to the previous and the next page of a keyset page, when there are any. */
export const cursorRow = (p: { prev?: PageCursor; next?: PageCursor }, to: (c: PageCursor) => { value: ActionData; global: true }): Button[][] => {
  const row: Button[] = [];
  if (p.prev) row.push({ key: "admin.previous", ...to(p.prev) });
  if (p.next) row.push({ key: "admin.more", ...to(p.next) });
  return row.length ? [row] : [];
};

const NEWEST = [{ submittedAt: "desc" as const }, { id: "desc" as const }];
const OLDEST = [{ submittedAt: "asc" as const }, { id: "asc" as const }];
/** The cases after a cursor's (older: «next») or before it (newer: «prev»), newest first by submission, then by id. */
const besideCase = (c: PageCursor): Prisma.CaseWhereInput => {
  const at = new Date(c.at ?? 0);
  return c.dir === "next" ? { OR: [{ submittedAt: { lt: at } }, { submittedAt: at, id: { lt: c.id } }] } : { OR: [{ submittedAt: { gt: at } }, { submittedAt: at, id: { gt: c.id } }] };
};
/** Cases newest first (by submission, then id), as a keyset. */
export const caseKeyset = (tx: Tx, where: Prisma.CaseWhereInput): Keyset<Case> => ({
  from: (skip) => tx.case.findMany({ where, orderBy: NEWEST, skip, take: PAGE }),
  beside: (c) => tx.case.findMany({ where: { AND: [where, besideCase(c)] }, orderBy: c.dir === "next" ? NEWEST : OLDEST, take: PAGE }),
  above: (k) => tx.case.count({ where: { AND: [where, besideCase({ dir: "prev", id: k.id, at: k.submittedAt.getTime() })] } }),
  cursor: (k, dir) => ({ dir, id: k.id, at: k.submittedAt.getTime() }),
});

/** A typed name or position cut to `max` characters, with «…» when cut. */
export const clip = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1).trimEnd()}…` : s);
export const clipBoth = (b: Bilingual, max: number): Bilingual => ({ kk: clip(b.kk, max), ru: clip(b.ru, max) });

/**
 * An admin picks a registered organisation: its region first when organisations are registered in more than
 * one (each with how many), then that region's organisations a page at a time. `page` makes the button to a
 * region's page (no region: the list of regions); `button` the button of one organisation.
 */
export const pickOrganization = async (
  tx: Tx,
  at: { region?: string | undefined; offset?: number | undefined },
  prompt: string,
  page: (region?: string, offset?: number) => { value: ActionData; global: true },
  button: (o: Organization) => Button,
): Promise<Out[]> => {
  const regions = (await tx.organization.groupBy({ by: ["region"], _count: { _all: true } })).filter((r) => r._count._all > 0);
  if (regions.length === 0) return [say("admin.noOrgs")];
  const region = at.region ?? (regions.length === 1 ? regions[0]!.region : undefined);
  if (region === undefined) {
    const label = (code: string, n: number): Bilingual => {
      const r = regionByCode(code);
      return { kk: `${r?.kk ?? code} (${n})`, ru: `${r?.ru ?? code} (${n})` };
    };
    return [{ ...say("admin.askOrgRegion", {}, regions.map((r) => [{ label: label(r.region, r._count._all), ...page(r.region) }])), collate: true }];
  }
  const where = { region };
  const count = await tx.organization.count({ where });
  if (count === 0) return [say("admin.noSuchOrg")];
  const offset = pageStart(at.offset, count);
  const orgs = await tx.organization.findMany({ where, orderBy: [{ nameRu: "asc" }, { id: "asc" }], skip: offset, take: PAGE });
  const back = regions.length > 1 ? [[{ key: "admin.otherRegion", ...page() }]] : [];
  return [say(prompt, {}, [...orgs.map((o) => [button(o)]), ...pageRow(offset, count, (n) => page(region, n)), ...back])];
};
