// Long lists (organisations, roles, cases, mediators) come a page at a time: PAGE items, and «◀ Предыдущие»
// / «Ещё ▶» buttons that carry the other page's offset. Data people typed are clipped so a page stays well
// under Telegram's 4,096 characters, whatever its names and positions.
import type { ActionData, Bilingual, Button } from "../../../machines/effects.js";
import { regionByCode } from "../../../machines/notice-rules.js";
import type { Tx } from "../../core/actor.js";
import { say, type Out } from "../../core/effects.js";
import type { Organization } from "../../db/generated/client.js";

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
