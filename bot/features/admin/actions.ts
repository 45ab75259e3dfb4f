// Admins' buttons and /admin (ADMIN_IDS only; the services check again).
import { z } from "zod";
import { act, defineAction, id, oneOf, openMenuItem, word, type CommandDef } from "../../../machines/actions.js";
import { mediationCasesForAdmin } from "../mediation/actions.js";
import { cursorOf, cursorParams } from "./pages.js";

const admins = ["admin"] as const;

export const registerOrganization = defineAction({ name: "admin/registerOrganization", code: "adm:org", params: z.object({}), allow: admins, run: (_, r) => r.open("orgCreate") });
/** The organisations to invite staff of: the regions, then a region's organisations a page at a time. */
const orgPage = z.object({ region: word(20).optional(), offset: id.optional() });
export const listOrganizations = defineAction({
  name: "admin/organizations",
  code: "adm:orgs",
  params: orgPage,
  allow: admins,
  run: ({ region, offset }, r) => r.emit({ type: "listOrganizations", region, offset }),
});
export const inviteStaff = defineAction({
  name: "admin/inviteStaff",
  code: "adm:staff",
  params: z.object({ organizationId: id }),
  allow: admins,
  run: ({ organizationId }, r) => r.emit({ type: "createInvite", role: "staff", organizationId }),
});
/** «Revoke the invite», under the link: until it is used, nobody joins by it any more. */
export const revokeRoleInvite = defineAction({
  name: "admin/revokeInvite",
  code: "adm:revinv",
  params: z.object({ inviteId: id }),
  allow: admins,
  // Revoked, or said why not: nothing more is asked here — the admin's home follows (none of these answers asks a choice),
  // or, a flow open (an organisation being registered), its question again, as after any button that opens none.
  run: ({ inviteId }, r) => {
    r.emit({ type: "revokeRoleInvite", inviteId });
    r.repeatOrMenu();
  },
});
/**
 * The admin who made an invite, opening its link, answers whether they take its role themselves or keep the link for
 * a colleague (askOwnInvite). The service checks the invite is theirs and still unused. «Take» pressed again while its
 * join flow is open (two presses), the button is stale — the flow is not started over. «Keep» pressed then is a change
 * of mind, and the button says what it does: the join by that invite is dropped (its answers with it), else the flow
 * would use the invite the bot has just said stays unused.
 */
export const answerOwnInvite = defineAction({
  name: "admin/ownInvite",
  code: "adm:owninv",
  params: z.object({ answer: oneOf(["take", "keep"]), inviteId: id }),
  allow: admins,
  run: ({ answer, inviteId }, r) => {
    const joining = r.find("roleJoin");
    if (joining && (joining.snapshot.context as { inviteId?: number | null }).inviteId === inviteId) {
      if (answer === "take") return r.stale();
      r.drop("roleJoin");
    }
    r.emit({ type: "answerOwnInvite", inviteId, take: answer === "take" });
  },
});
export const inviteMediator = defineAction({ name: "admin/inviteMediator", code: "adm:mediator", params: z.object({}), allow: admins, run: (_, r) => r.emit({ type: "createInvite", role: "mediator" }) });
/** The active roles, a page at a time (`offset`: the page's first; absent on the admin's home button). */
export const listRoles = defineAction({ name: "admin/roles", code: "adm:roles", params: z.object({ offset: id.optional() }), allow: admins, run: ({ offset }, r) => r.emit({ type: "listRoles", offset }) });
/**
 * Revoking a role: asked once more first, naming the person, the role and (a mediator's) the mediations it ends
 * (askRevokeRole). A button of this code sent before the question existed asks it too: none revokes in one tap.
 */
export const revokeRole = defineAction({ name: "admin/revokeRole", code: "adm:revoke", params: z.object({ roleId: id }), allow: admins, run: ({ roleId }, r) => r.emit({ type: "askRevokeRole", roleId }) });
export const revokeRoleConfirmed = defineAction({
  name: "admin/revokeRoleConfirmed",
  code: "adm:revokeok",
  params: z.object({ roleId: id }),
  allow: admins,
  // Revoked, or said why not: the admin's home follows (or an open flow's question).
  run: ({ roleId }, r) => {
    r.emit({ type: "revokeRole", roleId });
    r.repeatOrMenu();
  },
});
/** «Don't revoke»: said to stay only while it does (keepRole). */
export const keepRole = defineAction({
  name: "admin/keepRole",
  code: "adm:keeprole",
  params: z.object({ roleId: id }),
  allow: admins,
  run: ({ roleId }, r) => {
    r.emit({ type: "keepRole", roleId });
    r.repeatOrMenu();
  },
});
export const listUnlinked = defineAction({
  name: "admin/unlinkedCases",
  code: "adm:unlinked",
  params: z.object({ offset: id.optional() }),
  allow: admins,
  run: ({ offset }, r) => r.emit({ type: "listUnlinked", offset }),
});
/** A page of the cases without an organisation next to the case shown last or first: a notice filed meanwhile shifts nothing. */
export const listUnlinkedAt = defineAction({
  name: "admin/unlinkedCasesAt",
  code: "adm:unlinkedat",
  params: z.object(cursorParams),
  allow: admins,
  run: (cursor, r) => r.emit({ type: "listUnlinked", cursor: cursorOf(cursor) }),
});
/** Who opened the personal data of an organisation's cases (issue 15): the organisations, then one's list. */
export const accessOrgs = defineAction({
  name: "admin/accessOrgs",
  code: "adm:seenorgs",
  params: orgPage,
  allow: admins,
  run: ({ region, offset }, r) => r.emit({ type: "listAccessOrgs", region, offset }),
});
export const orgAccesses = defineAction({
  name: "admin/orgAccesses",
  code: "adm:seen",
  params: z.object({ organizationId: id }),
  allow: admins,
  run: ({ organizationId }, r) => r.emit({ type: "showOrgAccesses", organizationId }),
});
export const chooseCaseOrg = defineAction({
  name: "admin/linkCase",
  code: "adm:link",
  params: z.object({ caseId: id, offset: id.optional() }),
  allow: admins,
  run: ({ caseId, offset }, r) => r.emit({ type: "chooseCaseOrg", caseId, offset }),
});
export const linkCase = defineAction({
  name: "admin/linkCaseTo",
  code: "adm:linkto",
  params: z.object({ caseId: id, organizationId: id }),
  allow: admins,
  // Linked, or said why not: the admin's home follows (it counts the cases still unlinked), or an open flow's question.
  run: ({ caseId, organizationId }, r) => {
    r.emit({ type: "linkCase", caseId, organizationId });
    r.repeatOrMenu();
  },
});

/** /admin: at the first, the admin's own door (full name, position, the admin's terms); then the admin's home. */
export const adminCommand: CommandDef = {
  name: "admin",
  allow: admins,
  run: (r) => ((r.profile.termsAccepted ?? []).includes("admin") ? r.emit({ type: "showHome", role: "admin" }) : r.open("roleJoin", { role: "admin", token: "", org: null })),
};

/** What an admin can do, under their home screen. */
export const adminButtons = () => [
  [{ key: "admin.addOrg", ...act(registerOrganization, {}) }],
  [{ key: "admin.inviteStaff", ...act(listOrganizations, {}) }],
  [{ key: "admin.inviteMediator", ...act(inviteMediator, {}) }],
  [{ key: "admin.roles", ...act(listRoles, {}) }],
  [{ key: "admin.unlinked", ...act(listUnlinked, {}) }],
  [{ key: "admin.mediation", ...act(mediationCasesForAdmin, {}) }],
  [{ key: "admin.accesses", ...act(accessOrgs, {}) }],
];

/** Under a list an admin opened that holds nothing: back to their home (/admin), so no screen is a dead end. */
export const backToAdmin = () => [[{ key: "notice.back", ...act(openMenuItem, { item: "admin" }) }]];

export const adminActions = [registerOrganization, listOrganizations, inviteStaff, revokeRoleInvite, answerOwnInvite, inviteMediator, listRoles, revokeRole, revokeRoleConfirmed, keepRole, listUnlinked, listUnlinkedAt, chooseCaseOrg, linkCase, accessOrgs, orgAccesses];
