// Admins' access list per organisation (issue 15): who — staff, a mediator, a relative — opened the personal
// data (a notice's sealed fields, its files, a document) of which of an organisation's cases, and when. The
// applicant sees the same rows for their own case (features/cases); admins see them per organisation.
import { act } from "../../../machines/actions.js";
import type { DomainEffect, Param } from "../../../machines/effects.js";
import type { Ctx, Tx } from "../../core/actor.js";
import { orgNames, regionName } from "../../core/case.js";
import { lines, say, sayText, type Out } from "../../core/effects.js";
import { showWhen } from "../sittings/sittings.js";
import { accessOrgs, orgAccesses } from "./actions.js";
import { pickOrganization } from "./pages.js";

/** Newest first; about 80 characters a line keeps the message well under Telegram's 4,096. */
export const ORG_ACCESSES_SHOWN = 30;

const notAdmin = (c: Ctx): Out[] | null => (c.roles.includes("admin") ? null : [say("common.unknownCommand")]);

export const listAccessOrgs = async (tx: Tx, e: DomainEffect<"listAccessOrgs">, c: Ctx): Promise<Out[]> => {
  const refused = notAdmin(c);
  if (refused) return refused;
  return pickOrganization(
    tx,
    e,
    "admin.accessesChooseOrg",
    (region, offset) => act(accessOrgs, { region, offset }),
    (o) => ({ key: "admin.accessesOf", params: { org: lines([orgNames(o), regionName(o.region)], ", ") }, ...act(orgAccesses, { organizationId: o.id }) }),
  );
};

export const showOrgAccesses = async (tx: Tx, e: DomainEffect<"showOrgAccesses">, c: Ctx): Promise<Out[]> => {
  const refused = notAdmin(c);
  if (refused) return refused;
  const org = await tx.organization.findUnique({ where: { id: e.organizationId } });
  if (!org) return [say("admin.noSuchOrg")];
  const back = [[{ key: "admin.accesses", ...act(accessOrgs, {}) }]];
  const where = { case: { organizationId: org.id } };
  const [rows, count] = await Promise.all([
    tx.dataAccess.findMany({ where, include: { case: { select: { number: true } } }, orderBy: [{ at: "desc" }, { id: "desc" }], take: ORG_ACCESSES_SHOWN }),
    tx.dataAccess.count({ where }),
  ]);
  if (rows.length === 0) return [say("admin.accessesNone", { org: orgNames(org) }, back)];
  const names = new Map((await tx.user.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.userId))] } }, select: { id: true, fullName: true } })).map((u) => [u.id, u.fullName]));
  const items = rows.map((r): Param => ({
    key: "admin.accessLine",
    params: {
      when: showWhen(r.at, c.timeZone),
      number: r.case.number,
      name: names.get(r.userId) ?? { key: "admin.noName" },
      role: { key: `cases.accessRole.${r.role}` },
      what: { key: `cases.accessWhat.${r.what}` },
    },
  }));
  return [sayText(lines([{ key: "admin.accessesTitle", params: { org: orgNames(org), shown: rows.length, count } }, ...items]), back)];
};
