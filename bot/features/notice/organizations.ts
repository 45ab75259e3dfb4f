// Which registered organisation a notice names. The applicant picks it from the registered organisations
// of the region (found by any word of its name when the list is long), or types a name; a typed name is
// matched, in either language, ignoring case, spaces, quotes and the spacing around «№».
import type { DomainEffect, OrganizationOption } from "../../../machines/effects.js";
import type { Tx } from "../../core/actor.js";
import { orgNames } from "../../core/case.js";
import type { Out } from "../../core/effects.js";

/** How many organisations the question shows as buttons at once. */
export const ORGS_SHOWN = 8;

/** A name as people may type it: no case, quotes or extra spaces, «№ 5» as «№5». */
export const normalizeName = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[«»"'“”„`]/g, "")
    .replace(/\s*№\s*/g, "№")
    .replace(/\s+/g, " ")
    .trim();

/**
 * The registered organisation a typed name names: the one of its region whose Kazakh or Russian name is
 * the same (see normalizeName). None, or more than one, leaves the case unlinked — nobody's staff see it by guess.
 */
export const matchOrganization = async (tx: Tx, name: string, region: string) => {
  const wanted = normalizeName(name);
  const candidates = (await tx.organization.findMany({ where: { region } })).filter((o) => normalizeName(o.nameKk) === wanted || normalizeName(o.nameRu) === wanted);
  return candidates.length === 1 ? candidates[0]! : null;
};

/** The flow's lookup: the region's organisations (with every word of the query in a name), first ORGS_SHOWN of them. */
export const findOrganizations = async (tx: Tx, e: DomainEffect<"findOrganizations">): Promise<Out[]> => {
  const all = await tx.organization.findMany({ where: { region: e.region }, orderBy: [{ nameRu: "asc" }, { id: "asc" }] });
  const words = e.query ? normalizeName(e.query).split(" ").filter(Boolean) : [];
  const matching = all.filter((o) => words.every((w) => normalizeName(o.nameKk).includes(w) || normalizeName(o.nameRu).includes(w)));
  const found: OrganizationOption[] = matching.slice(0, ORGS_SHOWN).map((o) => ({ id: o.id, name: orgNames(o) }));
  return [{ type: "reply", event: { type: "ORGANIZATIONS", found, total: e.query ? matching.length : all.length, query: e.query } }];
};
