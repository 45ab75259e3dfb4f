// Which registered organisation a notice names. The applicant picks it from the registered organisations
// of the region (found by any word of its name when the list is long), or types a name; a typed name is
// matched, in either language, ignoring case, spaces, quotes and the spacing around «№» — and, if none is named so,
// the number sign's spelling («N7», «No 7», «7») and punctuation.
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
 * A name's words of letters and digits only — the number sign («№», «N», «No», «#») before a digit left off, «ё» as «е»:
 * the spellings of one organisation an admin may type twice (admin.ts), or an applicant may type for a registered one
 * («Городская больница №7», «Городская больница N 7.»).
 */
export const orgSpelling = (s: string): string =>
  normalizeName(s)
    .normalize("NFD") // «ё» as «е» (and «й» as «и»): the letter without its mark
    .replace(/\p{M}/gu, "")
    .replace(/(?:№|#|(?<![\p{L}\p{N}])no?\.?)\s*(?=\d)/gu, " ")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();

/**
 * The registered organisation a typed name names: the one of its region whose Kazakh or Russian name is the same (see
 * normalizeName) — or, with none such, the one spelt alike (orgSpelling: «N7», «No 7», «7» for «№7», the admin's
 * check of a duplicate), so the case reaches its staff. «№17» is not «№7». None, or more than one, leaves the case
 * unlinked — nobody's staff see it by guess.
 */
export const matchOrganization = async (tx: Tx, name: string, region: string) => {
  const all = await tx.organization.findMany({ where: { region } });
  const wanted = normalizeName(name);
  const same = all.filter((o) => normalizeName(o.nameKk) === wanted || normalizeName(o.nameRu) === wanted);
  if (same.length > 0) return same.length === 1 ? same[0]! : null;
  // A number sign with no number after it («Городская поликлиника №»): the number was left off, so which one is meant is
  // not known — the spelling (which drops the sign) would match the region's unnumbered one.
  const spelt = /[№#](?!\s*\d)/u.test(name) ? "" : orgSpelling(name);
  const alike = spelt ? all.filter((o) => orgSpelling(o.nameKk) === spelt || orgSpelling(o.nameRu) === spelt) : [];
  return alike.length === 1 ? alike[0]! : null;
};

/** The flow's lookup: the region's organisations (with every word of the query in a name), first ORGS_SHOWN of them. */
export const findOrganizations = async (tx: Tx, e: DomainEffect<"findOrganizations">): Promise<Out[]> => {
  const all = await tx.organization.findMany({ where: { region: e.region }, orderBy: [{ nameRu: "asc" }, { id: "asc" }] });
  const words = e.query ? normalizeName(e.query).split(" ").filter(Boolean) : [];
  const matching = all.filter((o) => words.every((w) => normalizeName(o.nameKk).includes(w) || normalizeName(o.nameRu).includes(w)));
  const found: OrganizationOption[] = matching.slice(0, ORGS_SHOWN).map((o) => ({ id: o.id, name: orgNames(o) }));
  return [{ type: "reply", event: { type: "ORGANIZATIONS", found, total: e.query ? matching.length : all.length, query: e.query } }];
};
