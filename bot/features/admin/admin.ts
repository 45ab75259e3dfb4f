// Admins register organisations and invite staff and mediators with single-use links that expire in
// 7 days; only a hash of each token is kept. Every action re-checks that the actor is an admin.
import { createHash, randomBytes } from "node:crypto";
import { act } from "../../../machines/actions.js";
import { addDays, endOfDay, localDate } from "../../../machines/calendar.js";
import type { Bilingual, DomainEffect, Param } from "../../../machines/effects.js";
import { showDate } from "../../../machines/notice.js";
import type { Role } from "../../../machines/flow.js";
import { orgNames, regionName } from "../../core/case.js";
import type { Ctx, Tx } from "../../core/actor.js";
import { lines, say, sayTo, thenHome, type Out } from "../../core/effects.js";
import { caseParticipants, reader } from "../../core/people.js";
import { awaitReceipt } from "../receipt/receipt.js";
import { newCaseToStaff } from "../notice/filing.js";
import { normalizeName, orgSpelling as spelling } from "../notice/organizations.js";
import { BEFORE_SIGNING, endRevokedMediators } from "../mediation/mediation.js";
import {
  answerOwnInvite as answerOwnInviteAction,
  chooseCaseOrg as chooseCaseOrgAction,
  inviteStaff,
  keepRole as keepRoleAction,
  linkCase as linkCaseAction,
  listOrganizations as listOrganizationsAction,
  listRoles as listRolesAction,
  listUnlinkedAt,
  revokeRole as revokeRoleAction,
  revokeRoleConfirmed,
  revokeRoleInvite as revokeRoleInviteAction,
  backToAdmin,
} from "./actions.js";
import { caseKeyset, clip, clipBoth, cursorRow, keysetPage, PAGE, pageRow, pageStart, pickOrganization } from "./pages.js";

export const INVITE_DAYS = 7;
/** An invite's end: the end of the day it names («until 30.11.2026»), INVITE_DAYS after today in Kazakhstan — not a moment that day. */
export const inviteExpiry = (now: Date, timeZone: string): Date => endOfDay(addDays(localDate(now, timeZone), INVITE_DAYS), timeZone);
export const hashToken = (token: string): string => createHash("sha256").update(token).digest("hex");

const notAdmin = (c: Ctx): Out[] | null => (c.roles.includes("admin") ? null : [say("common.unknownCommand")]);
/** "Name, Region" in the reader's language. */
const orgLabel = (o: { nameKk: string; nameRu: string; region: string }): Param => lines([orgNames(o), regionName(o.region)], ", ");
/** A case's organisation as the applicant named it, with its region. */
const caseOrgLabel = (k: { orgName: string; region: string }): Param => lines([k.orgName, regionName(k.region)], ", ");

export const createOrganization = async (tx: Tx, e: DomainEffect<"createOrganization">, c: Ctx): Promise<Out[]> => {
  const refused = notAdmin(c);
  if (refused) return refused;
  // One organisation registered twice would leave a notice naming it matching both, and linked to neither (matchOrganization).
  const names = new Set([normalizeName(e.nameKk), normalizeName(e.nameRu)]);
  const region = await tx.organization.findMany({ where: { region: e.region }, orderBy: { id: "asc" } });
  const there = region.find((o) => names.has(normalizeName(o.nameKk)) || names.has(normalizeName(o.nameRu)));
  const invite = (o: { id: number; nameKk: string; nameRu: string }) => [[{ key: "admin.inviteStaffOf", params: { org: orgNames(o) }, ...act(inviteStaff, { organizationId: o.id }) }]];
  if (there) return [say("admin.orgExists", { org: orgLabel(there) }, invite(there))];
  // The same name spelt otherwise («N7», «№ 7.», «7»): two rows, the applicants' list showing both and each one's staff
  // missing the other's notices. Said as a likeness, with the way to the one there and what to do if it is another.
  const spelt = new Set([spelling(e.nameKk), spelling(e.nameRu)]);
  const like = region.find((o) => spelt.has(spelling(o.nameKk)) || spelt.has(spelling(o.nameRu)));
  if (like) return [say("admin.orgSimilar", { org: orgLabel(like) }, invite(like))];
  const org = await tx.organization.create({ data: { nameKk: e.nameKk, nameRu: e.nameRu, region: e.region } });
  return [say("admin.orgCreated", { org: orgLabel(org) }, invite(org))];
};

export const listOrganizations = async (tx: Tx, e: DomainEffect<"listOrganizations">, c: Ctx): Promise<Out[]> => {
  const refused = notAdmin(c);
  if (refused) return refused;
  return pickOrganization(
    tx,
    e,
    "admin.chooseOrg",
    (region, offset) => act(listOrganizationsAction, { region, offset }),
    (o) => ({ key: "admin.inviteStaffOf", params: { org: orgLabel(o) }, ...act(inviteStaff, { organizationId: o.id }) }),
  );
};

export const createInvite = async (tx: Tx, e: DomainEffect<"createInvite">, c: Ctx): Promise<Out[]> => {
  const refused = notAdmin(c);
  if (refused) return refused;
  const org = e.organizationId === undefined ? null : await tx.organization.findUnique({ where: { id: e.organizationId } });
  if (e.role === "staff" && !org) return [say("admin.noSuchOrg")];
  const token = randomBytes(24).toString("base64url");
  const expiresAt = inviteExpiry(c.now, c.timeZone);
  const invite = await tx.invite.create({ data: { tokenHash: hashToken(token), role: e.role, organizationId: org?.id ?? null, createdBy: BigInt(c.userId), expiresAt } });
  const link = `https://t.me/${c.botUsername()}?start=${token}`;
  const until = showDate(localDate(expiresAt, c.timeZone));
  // A link forwarded to the wrong chat would make whoever opens it staff (the organisation's notices) or a mediator: it can be taken back.
  // The link's message is the one to forward, so it has no buttons (Telegram keeps them on a forwarded message: the
  // invitee would see «Revoke»); the revoke button comes in a message of its own after it.
  const revoke = [[{ key: "admin.revokeInvite", ...act(revokeRoleInviteAction, { inviteId: invite.id }) }]];
  return [org && e.role === "staff" ? say("admin.staffInvite", { org: orgLabel(org), link, until }) : say("admin.mediatorInvite", { link, until }), say("admin.revokeInviteNote", {}, revoke)];
};

/** «Revoke the invite»: only while nobody used it; used, the person who joined is named (their role is revoked in «Роли»). */
export const revokeRoleInvite = async (tx: Tx, e: DomainEffect<"revokeRoleInvite">, c: Ctx): Promise<Out[]> => {
  const refused = notAdmin(c);
  if (refused) return refused;
  const invite = await tx.invite.findFirst({ where: { id: e.inviteId, role: { in: ["staff", "mediator"] } } });
  if (!invite) return [say("admin.inviteGone")];
  const usedBy = async (id: bigint) => (await tx.user.findUnique({ where: { id }, select: { fullName: true } }))?.fullName ?? { key: "admin.noName" };
  if (invite.usedAt && invite.usedBy !== null) return [say("admin.inviteUsed", { name: await usedBy(invite.usedBy) })];
  if (invite.revokedAt || invite.expiresAt <= c.now) return [say("admin.inviteGone")];
  // Only while unused at this instant: someone joining meanwhile keeps their role, and the admin hears who it was.
  const done = await tx.invite.updateMany({ where: { id: invite.id, usedAt: null, revokedAt: null }, data: { revokedAt: c.now } });
  if (done.count === 0) {
    const now = await tx.invite.findUniqueOrThrow({ where: { id: invite.id } });
    return [now.usedBy !== null ? say("admin.inviteUsed", { name: await usedBy(now.usedBy) }) : say("admin.inviteGone")];
  }
  return [say("admin.inviteRevoked")];
};

/** A role as the admin's list shows it: the person's name and position, the role, and (staff's) the organisation. */
type RoleRow = { role: string; title: string | null; organization: { nameKk: string; nameRu: string } | null; user: { fullName: string | null } };
// Clipped: ten lines of long names, positions and organisations stay well under Telegram's 4,096 characters.
const roleName = (r: RoleRow, max: number): Param => (r.user.fullName ? clip(r.user.fullName, max) : { key: "admin.noName" });
const roleLine = (r: RoleRow): Param => ({
  key: r.organization ? "admin.roleOfOrg" : "admin.roleLine",
  params: { name: roleName(r, 80), title: r.title ? clip(r.title, 80) : "—", role: { key: `admin.roleNames.${r.role}` }, org: r.organization ? clipBoth(orgNames(r.organization), 100) : "" },
});

export const listRoles = async (tx: Tx, e: DomainEffect<"listRoles">, c: Ctx): Promise<Out[]> => {
  const refused = notAdmin(c);
  if (refused) return refused;
  // Staff and mediators, by the full name and position they gave (an admin's rights come from ADMIN_IDS, not from here).
  const where = { revokedAt: null, role: { in: ["staff" as const, "mediator" as const] } };
  const count = await tx.userRole.count({ where });
  if (count === 0) return [say("admin.noRoles", {}, backToAdmin())];
  const offset = pageStart(e.offset, count);
  const roles = await tx.userRole.findMany({ where, include: { organization: true, user: { select: { fullName: true } } }, orderBy: { id: "asc" }, skip: offset, take: PAGE });
  const short = (r: (typeof roles)[number]): Param => ({ key: "admin.roleShort", params: { name: roleName(r, 40), role: { key: `admin.roleNames.${r.role}` } } });
  const list = lines(roles.map(roleLine));
  const buttons = [...roles.map((r) => [{ key: "admin.revoke", params: { line: short(r) }, ...act(revokeRoleAction, { roleId: r.id }) }]), ...pageRow(offset, count, (at) => act(listRolesAction, { offset: at }))];
  return [count > PAGE ? say("admin.rolesPage", { roles: list, from: offset + 1, to: offset + roles.length, count }, buttons) : say("admin.rolesTitle", { roles: list }, buttons)];
};

/** A staff or mediator role an admin would revoke, or why it cannot be: no such role (a forged id), or revoked already (elsewhere, or pressed twice). */
const revocableRole = async (tx: Tx, roleId: number) => {
  const r = await tx.userRole.findFirst({ where: { id: roleId, role: { in: ["staff", "mediator"] } }, include: { organization: true, user: { select: { fullName: true } } } });
  if (!r) return { refused: say("admin.noSuchRole") };
  // Revoked already, or its person holds this role no more (every row of it revoked at once: revokeRole).
  const active = await tx.userRole.count({ where: { userId: r.userId, role: r.role, organizationId: r.organizationId, revokedAt: null } });
  if (r.revokedAt || active === 0) return { refused: say("admin.roleRevokedAlready", { line: roleLine(r) }) };
  return { role: r };
};

/**
 * «Revoke …?»: the person, the role and, for a mediator, how many of their mediations it ends (those not yet at
 * signing: endRevokedMediators) — a mis-tap would end them and tell the sides, with no way back.
 */
export const askRevokeRole = async (tx: Tx, e: DomainEffect<"askRevokeRole">, c: Ctx): Promise<Out[]> => {
  const refused = notAdmin(c);
  if (refused) return refused;
  const r = await revocableRole(tx, e.roleId);
  if (!r.role) return [r.refused];
  const line = roleLine(r.role);
  const ends = r.role.role === "mediator" ? await tx.mediation.count({ where: { mediatorId: r.role.userId, state: { in: [...BEFORE_SIGNING] } } }) : 0;
  const key = r.role.role === "staff" ? "admin.confirmRevokeStaff" : ends > 0 ? "admin.confirmRevokeMediatorEnds" : "admin.confirmRevokeMediator";
  return [
    say(key, { line, count: ends }, [
      [{ key: "admin.revokeIt", ...act(revokeRoleConfirmed, { roleId: r.role.id }) }],
      [{ key: "admin.keepRole", ...act(keepRoleAction, { roleId: r.role.id }) }],
    ]),
  ];
};

/** «Don't revoke» at that question: the role stays — unless it was revoked meanwhile (said so, as revoking it would). */
export const keepRole = async (tx: Tx, e: DomainEffect<"keepRole">, c: Ctx): Promise<Out[]> => {
  const refused = notAdmin(c);
  if (refused) return refused;
  const r = await revocableRole(tx, e.roleId);
  return [r.role ? say("admin.roleKept") : r.refused];
};

export const revokeRole = async (tx: Tx, e: DomainEffect<"revokeRole">, c: Ctx): Promise<Out[]> => {
  const refused = notAdmin(c);
  if (refused) return refused;
  const r = await revocableRole(tx, e.roleId);
  if (!r.role) return [r.refused];
  const role = r.role;
  // Every active row of this person, role and organisation (two invites may have made two before they were refused).
  const done = await tx.userRole.updateMany({ where: { userId: role.userId, role: role.role, organizationId: role.organizationId, revokedAt: null }, data: { revokedAt: c.now } });
  if (done.count === 0) return [say("admin.noSuchRole")];
  // The person hears it, in their language, and their chat's menu keeps only the commands of the roles left to them.
  const person = await tx.user.findUniqueOrThrow({ where: { id: role.userId }, select: { language: true } });
  const to = reader(role.userId, person.language);
  const org = role.organizationId === null ? null : await tx.organization.findUnique({ where: { id: role.organizationId } });
  const left = await tx.userRole.findMany({ where: { userId: role.userId, revokedAt: null, role: { in: ["staff", "mediator"] } }, select: { role: true }, distinct: ["role"] });
  const roles: Role[] = [...(c.adminIds.includes(Number(role.userId)) ? (["admin"] as const) : []), ...left.map((r) => r.role)];
  const told: Out[] = [org ? sayTo(to, "admin.roleEndedStaff", { org: orgNames(org) }) : sayTo(to, "admin.roleEndedMediator"), { type: "commands", roles, to }];
  // A mediator no longer: their mediations under way end (the sides told), unless another mediator role is theirs.
  const still = role.role === "mediator" && (await tx.userRole.count({ where: { userId: role.userId, role: "mediator", revokedAt: null } })) > 0;
  return [say("admin.revoked"), ...told, ...(role.role === "mediator" && !still ? await endRevokedMediators(tx, role.userId, c.now) : [])];
};

/**
 * A staff or mediator invite as it stands: its role and organisation, or null when it cannot be used; `already`
 * when the user opening it holds that role (of that organisation) — told at once, and the invite stays unused. Reads only.
 */
export const checkRoleInvite = async (
  db: Pick<Tx, "invite" | "organization" | "userRole">,
  token: string,
  now: Date,
  userId: number,
): Promise<{ role: "staff" | "mediator"; org: Bilingual | null; already?: true; used?: true; own?: true } | null> => {
  const invite = await db.invite.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!invite || (invite.role !== "staff" && invite.role !== "mediator")) return null;
  const role = invite.role;
  const had = () => db.userRole.count({ where: { userId: BigInt(userId), role, organizationId: invite.organizationId, revokedAt: null } });
  const org = async () => (invite.organizationId === null ? null : orgNames(await db.organization.findUniqueOrThrow({ where: { id: invite.organizationId } })));
  // Their own link, tapped again from the chat after they joined by it (expired since or not): they are told they
  // joined by it, not to ask for a new one. Someone else's spent link, or theirs once the role was revoked, is refused.
  if (invite.usedAt && invite.usedBy === BigInt(userId) && (await had()) > 0) return { role, org: await org(), already: true, used: true };
  if (invite.revokedAt || invite.usedAt || invite.expiresAt <= now) return null;
  // The admin who made it, tapping it (to try it, to take the role themselves, or by mistake): asked which (askOwnInvite).
  if (invite.createdBy === BigInt(userId)) return { role, org: await org(), own: true };
  return { role, org: await org(), ...((await had()) > 0 ? { already: true as const } : {}) };
};

/**
 * An invite its maker would take or keep, as it stands: theirs, unused, unrevoked, unexpired, and a role they do
 * not hold yet — or what to say instead (as opening its link, or revoking it, would say it).
 */
const ownInvite = async (tx: Tx, inviteId: number, c: Ctx) => {
  const invite = await tx.invite.findFirst({ where: { id: inviteId, role: { in: ["staff", "mediator"] } } });
  // Another admin's invite (a forged button): theirs to forward; anyone joins by it by opening its link.
  if (!invite || invite.createdBy !== BigInt(c.userId) || (invite.role !== "staff" && invite.role !== "mediator")) return { refused: say("admin.ownInviteNotYours") };
  const role = invite.role;
  const org = invite.organizationId === null ? null : orgNames(await tx.organization.findUniqueOrThrow({ where: { id: invite.organizationId } }));
  const params: Record<string, Param> = role === "mediator" ? {} : { org: org ?? "" };
  const had = await tx.userRole.count({ where: { userId: BigInt(c.userId), role, organizationId: invite.organizationId, revokedAt: null } });
  if (invite.usedAt && invite.usedBy !== null) {
    if (invite.usedBy === BigInt(c.userId) && had > 0) return { refused: say(role === "mediator" ? "admin.joinedByItMediator" : "admin.joinedByItStaff", params) };
    const name = (await tx.user.findUnique({ where: { id: invite.usedBy }, select: { fullName: true } }))?.fullName ?? { key: "admin.noName" };
    return { refused: say("admin.inviteUsed", { name }) };
  }
  if (invite.usedAt || invite.revokedAt || invite.expiresAt <= c.now) return { refused: say("admin.inviteGone") };
  if (had > 0) return { refused: say(role === "mediator" ? "admin.alreadyMediator" : "admin.alreadyStaff", params) };
  return { invite: { id: invite.id, role, org, params } };
};

/**
 * The admin who made a staff or mediator invite opened its link: what taking its role means (they would see the
 * organisation's notices, or conduct mediations, besides administering), and two buttons carrying the invite —
 * take it myself, keep the link for a colleague. Nothing changes until they answer.
 */
export const askOwnInvite = async (tx: Tx, e: DomainEffect<"askOwnInvite">, c: Ctx): Promise<Out[]> => {
  // Its maker no longer an admin (taken out of ADMIN_IDS since): the question's buttons are an admin's.
  if (!c.roles.includes("admin")) return [say("admin.inviteInvalid"), thenHome()];
  const found = await tx.invite.findUnique({ where: { tokenHash: hashToken(e.token) }, select: { id: true } });
  if (!found) return [say("admin.inviteInvalid"), thenHome("admin")];
  // Nothing to answer (already staff of it, used, revoked): said why, and the admin's home, or the question of a flow open.
  const own = await ownInvite(tx, found.id, c);
  if (!own.invite) return [own.refused, thenHome("admin")];
  const { id, role, params } = own.invite;
  return [
    say(role === "mediator" ? "admin.ownInviteAskMediator" : "admin.ownInviteAskStaff", params, [
      [{ key: role === "mediator" ? "admin.ownInviteTakeMediator" : "admin.ownInviteTakeStaff", ...act(answerOwnInviteAction, { answer: "take", inviteId: id }) }],
      [{ key: "admin.ownInviteKeep", ...act(answerOwnInviteAction, { answer: "keep", inviteId: id }) }],
    ]),
  ];
};

/**
 * «Take the role myself»: the join flow a colleague goes through (full name, position, the role's terms), the invite
 * named by its id; it is consumed at the end as a colleague's is (redeemInvite: only if still unused and unrevoked
 * then). «Keep the link»: nothing changes. Either, the invite no longer usable (used, revoked meanwhile), says why.
 */
export const answerOwnInvite = async (tx: Tx, e: DomainEffect<"answerOwnInvite">, c: Ctx): Promise<Out[]> => {
  const refused = notAdmin(c);
  if (refused) return refused;
  // Kept, or refused: nothing more is asked — the admin's home follows (or the question of a flow open under it).
  const own = await ownInvite(tx, e.inviteId, c);
  if (!own.invite) return [own.refused, thenHome("admin")];
  const { id, role, org, params } = own.invite;
  if (!e.take) return [say(role === "mediator" ? "admin.ownInviteKeptMediator" : "admin.ownInviteKeptStaff", params), thenHome("admin")];
  // Their full name, recorded at their own door (/admin), is offered to keep, not asked again.
  const knownName = (await tx.user.findUnique({ where: { id: BigInt(c.userId) }, select: { fullName: true } }))?.fullName ?? null;
  return [{ type: "reply", event: { type: "OPEN", flow: "roleJoin", input: { token: "", inviteId: id, role, org, knownName } } }];
};

/** «Продолжить» on the join flow of an invite its maker is taking: still theirs to take, or why not (checkInvite). */
export const ownInviteRefusal = async (tx: Tx, inviteId: number, c: Ctx): Promise<Out | null> => {
  const own = await ownInvite(tx, inviteId, c);
  return own.invite ? null : own.refused;
};

/**
 * The end of the join flow: the invite's role is granted once (if it is neither used, revoked nor expired),
 * with the person's full name, position or registry details, and the version of the terms they accepted.
 */
export const redeemInvite = async (tx: Tx, e: DomainEffect<"redeemInvite">, c: Ctx): Promise<Out[]> => {
  // By its id only for the admin who made it, who chose to take it themselves (answerOwnInvite); anyone else by its link's token.
  const invite =
    e.inviteId !== undefined
      ? await tx.invite.findFirst({ where: { id: e.inviteId, createdBy: BigInt(c.userId) } })
      : await tx.invite.findUnique({ where: { tokenHash: hashToken(e.token) } });
  if (!invite || invite.revokedAt || invite.expiresAt <= c.now || (invite.role !== "staff" && invite.role !== "mediator")) return [say("admin.inviteInvalid")];
  // Someone who holds this role already (of this organisation) is not made it twice — each notice would reach them
  // twice; the invite stays unused, for a colleague.
  const had = await tx.userRole.count({ where: { userId: BigInt(c.userId), role: invite.role, organizationId: invite.organizationId, revokedAt: null } });
  if (had > 0 && !invite.usedAt) {
    if (invite.role === "mediator") return [say("admin.alreadyMediator")];
    const org = await tx.organization.findUniqueOrThrow({ where: { id: invite.organizationId! } });
    return [say("admin.alreadyStaff", { org: orgNames(org) })];
  }
  // Taken only if still unused, unrevoked and unexpired at this instant: two people opening one link cannot both
  // join, and a revoke committed after the read above (no lock covers both; READ COMMITTED) is not overridden.
  const taken = await tx.invite.updateMany({
    where: { id: invite.id, usedAt: null, revokedAt: null, expiresAt: { gt: c.now } },
    data: { usedAt: c.now, usedBy: BigInt(c.userId) },
  });
  if (taken.count === 0) return [say("admin.inviteInvalid")];
  await tx.user.update({ where: { id: BigInt(c.userId) }, data: { fullName: e.fullName } });
  await tx.userRole.create({
    data: {
      userId: BigInt(c.userId),
      role: invite.role,
      organizationId: invite.organizationId,
      grantedBy: invite.createdBy,
      title: e.title,
      termsVersion: c.termsVersions[invite.role],
      termsAcceptedAt: c.now,
    },
  });
  // The chat's command menu gains the role's commands (/inbox).
  const menu: Out = { type: "commands", roles: [...c.roles, invite.role] };
  if (invite.role === "mediator") return [say("admin.joinedMediator", { name: e.fullName }), menu];
  const org = await tx.organization.findUniqueOrThrow({ where: { id: invite.organizationId! } });
  return [say("admin.joinedStaff", { name: e.fullName, org: orgNames(org) }), menu];
};

/**
 * An admin's own door, at their first /admin: their full name, position and the admin's terms, recorded as
 * an admin row (admin rights themselves come from ADMIN_IDS alone; the row records what they accepted).
 */
export const acceptAdminTerms = async (tx: Tx, e: DomainEffect<"acceptAdminTerms">, c: Ctx): Promise<Out[]> => {
  const refused = notAdmin(c);
  if (refused) return refused;
  await tx.user.update({ where: { id: BigInt(c.userId) }, data: { fullName: e.fullName } });
  await tx.userRole.updateMany({ where: { userId: BigInt(c.userId), role: "admin", revokedAt: null }, data: { revokedAt: c.now } });
  await tx.userRole.create({ data: { userId: BigInt(c.userId), role: "admin", title: e.title, termsVersion: c.termsVersions.admin, termsAcceptedAt: c.now } });
  // The chat's command menu gains /admin: it was set, with the language, before this user may have been an admin.
  return [say("admin.joinedAdmin", { name: e.fullName }), { type: "commands", roles: c.roles }];
};

/** Cases whose organisation nobody registered, or whose name matched none: ten a page, newest first. */
export const listUnlinked = async (tx: Tx, e: DomainEffect<"listUnlinked">, c: Ctx): Promise<Out[]> => {
  const refused = notAdmin(c);
  if (refused) return refused;
  // An anonymised notice (retention, or a withdrawal before any organisation received it) has nothing to link.
  const where = { organizationId: null, anonymisedAt: null };
  const count = await tx.case.count({ where });
  if (count === 0) return [say("admin.noUnlinked", {}, backToAdmin())];
  // Next to the case the pressed page began or ended with: a notice filed, or a case linked, meanwhile shifts nothing.
  const page = await keysetPage(caseKeyset(tx, where), e, count);
  const { items: cases, offset } = page;
  const items = cases.map((k): Param => ({ key: "admin.unlinkedLine", params: { number: k.number, org: caseOrgLabel(k) } }));
  const buttons = [
    ...cases.map((k) => [{ key: "admin.linkCase", params: { number: k.number }, ...act(chooseCaseOrgAction, { caseId: k.id }) }]),
    ...cursorRow(page, (c) => act(listUnlinkedAt, c)),
  ];
  return [count > PAGE ? say("admin.unlinkedPage", { cases: lines(items), from: offset + 1, to: offset + cases.length, count }, buttons) : say("admin.unlinkedTitle", { cases: lines(items) }, buttons)];
};

/** The organisations of the case's region, to link it to one. */
export const chooseCaseOrg = async (tx: Tx, e: DomainEffect<"chooseCaseOrg">, c: Ctx): Promise<Out[]> => {
  const refused = notAdmin(c);
  if (refused) return refused;
  const k = await tx.case.findUnique({ where: { id: e.caseId } });
  if (!k) return [say("cases.notFound")];
  if (k.anonymisedAt) return [say("admin.caseAnonymised", { number: k.number, date: showDate(localDate(k.anonymisedAt, c.timeZone)) })];
  if (k.organizationId !== null) return [say("admin.alreadyLinked", { number: k.number })];
  const count = await tx.organization.count({ where: { region: k.region } });
  const region = regionName(k.region);
  if (count === 0) return [say("admin.noOrgsInRegion", { number: k.number, region })];
  const offset = pageStart(e.offset, count);
  const orgs = await tx.organization.findMany({ where: { region: k.region }, orderBy: [{ nameRu: "asc" }, { id: "asc" }], skip: offset, take: PAGE });
  return [
    say("admin.chooseCaseOrg", { number: k.number, org: k.orgName, region }, [
      ...orgs.map((o) => [{ label: orgNames(o), ...act(linkCaseAction, { caseId: k.id, organizationId: o.id }) }]),
      ...pageRow(offset, count, (at) => act(chooseCaseOrgAction, { caseId: k.id, offset: at })),
    ]),
  ];
};

/** Links a case to an organisation once; its staff hear of the case as of a new notice. */
export const linkCase = async (tx: Tx, e: DomainEffect<"linkCase">, c: Ctx): Promise<Out[]> => {
  const refused = notAdmin(c);
  if (refused) return refused;
  const org = await tx.organization.findUnique({ where: { id: e.organizationId } });
  const k = await tx.case.findUnique({ where: { id: e.caseId } });
  if (!org || !k) return [say("cases.notFound")];
  if (k.anonymisedAt) return [say("admin.caseAnonymised", { number: k.number, date: showDate(localDate(k.anonymisedAt, c.timeZone)) })];
  // Only while unlinked: two admins linking at once cannot both succeed.
  const done = await tx.case.updateMany({ where: { id: k.id, organizationId: null, anonymisedAt: null }, data: { organizationId: org.id } });
  if (done.count === 0) return [say("admin.alreadyLinked", { number: k.number })];
  await tx.caseEvent.create({ data: { caseId: k.id, kind: "case_linked", actorId: BigInt(c.userId), createdAt: c.now, payload: { organizationId: org.id } } });
  const linked = { ...k, organizationId: org.id, organization: org };
  // A notice nobody had received reaches the organisation's staff now; the applicant hears it did.
  const delivered = k.status === "saved" && (await awaitReceipt(tx, linked, c.now, c.timeZone));
  const applicants = delivered ? (await caseParticipants(tx, k.id, ["applicant"])).map((p) => sayTo(reader(p.userId, p.user.language, k.language), "receipt.linkedToApplicant", { number: k.number, org: orgLabel(org) })) : [];
  return [say("admin.linked", { number: k.number, org: orgLabel(org) }), ...(await newCaseToStaff(tx, linked, null, c.timeZone)), ...applicants];
};
