// Admins register organisations and invite staff and mediators with single-use links that expire in
// 7 days; only a hash of each token is kept. Every action re-checks that the actor is an admin.
import { createHash, randomBytes } from "node:crypto";
import type { Lang } from "../../machines/effects.js";
import type { Role } from "../../machines/flow.js";
import { regionByCode } from "../../machines/notice-rules.js";
import { showDate } from "../../machines/notice.js";
import { localDate } from "../../machines/calendar.js";
import type { Prisma as PrismaNS } from "../db/generated/client.js";
import type { I18n } from "../i18n.js";
import { commandList, type ApiCall } from "../runtime/render.js";
import { newCaseToStaff } from "./notices.js";

export interface ActorContext {
  userId: number;
  chatId: number;
  language: Lang;
  roles: readonly Role[];
  now: Date;
  timeZone: string;
  i18n: I18n;
}

export const INVITE_DAYS = 7;
export const hashToken = (token: string): string => createHash("sha256").update(token).digest("hex");

const say = (c: ActorContext, key: string, params: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): ApiCall => ({
  method: "sendMessage",
  payload: { chat_id: c.chatId, text: c.i18n.t(c.language)(key, params), ...extra },
});
const notAdmin = (c: ActorContext) => (c.roles.includes("admin") ? null : [say(c, "common.unknownCommand")]);
const orgLabel = (c: ActorContext, o: { name: string; region: string }) => `${o.name}, ${regionByCode(o.region)?.[c.language] ?? o.region}`;

export const createOrganization = async (tx: PrismaNS.TransactionClient, name: string, region: string, c: ActorContext): Promise<ApiCall[]> => {
  const refused = notAdmin(c);
  if (refused) return refused;
  const org = await tx.organization.create({ data: { name, region } });
  return [say(c, "admin.orgCreated", { org: orgLabel(c, org) }, { reply_markup: { inline_keyboard: [[{ text: c.i18n.t(c.language)("admin.inviteStaffOf", { org: org.name }), callback_data: `g:adm:staff:${org.id}` }]] } })];
};

export const listOrganizations = async (tx: PrismaNS.TransactionClient, c: ActorContext): Promise<ApiCall[]> => {
  const refused = notAdmin(c);
  if (refused) return refused;
  const orgs = await tx.organization.findMany({ orderBy: { id: "asc" }, take: 50 });
  if (orgs.length === 0) return [say(c, "admin.noOrgs")];
  const t = c.i18n.t(c.language);
  return [
    say(c, "admin.chooseOrg", {}, { reply_markup: { inline_keyboard: orgs.map((o) => [{ text: t("admin.inviteStaffOf", { org: orgLabel(c, o) }), callback_data: `g:adm:staff:${o.id}` }]) } }),
  ];
};

export const createInvite = async (
  tx: PrismaNS.TransactionClient,
  role: "staff" | "mediator",
  organizationId: number | null,
  c: ActorContext & { botUsername: string },
): Promise<ApiCall[]> => {
  const refused = notAdmin(c);
  if (refused) return refused;
  const org = organizationId === null ? null : await tx.organization.findUnique({ where: { id: organizationId } });
  if (role === "staff" && !org) return [say(c, "admin.noSuchOrg")];
  const token = randomBytes(24).toString("base64url");
  const expiresAt = new Date(c.now.getTime() + INVITE_DAYS * 86_400_000);
  await tx.invite.create({ data: { tokenHash: hashToken(token), role, organizationId: org?.id ?? null, createdBy: BigInt(c.userId), expiresAt } });
  const link = `https://t.me/${c.botUsername}?start=${token}`;
  const until = showDate(localDate(expiresAt, c.timeZone));
  return [role === "staff" ? say(c, "admin.staffInvite", { org: orgLabel(c, org!), link, until }) : say(c, "admin.mediatorInvite", { link, until })];
};

export const listRoles = async (tx: PrismaNS.TransactionClient, c: ActorContext): Promise<ApiCall[]> => {
  const refused = notAdmin(c);
  if (refused) return refused;
  const roles = await tx.userRole.findMany({ where: { revokedAt: null }, include: { organization: true }, orderBy: { id: "asc" }, take: 50 });
  if (roles.length === 0) return [say(c, "admin.noRoles")];
  const t = c.i18n.t(c.language);
  const line = (r: (typeof roles)[number]) =>
    t(r.organization ? "admin.roleOfOrg" : "admin.roleLine", { user: String(r.userId), role: t(`admin.roleNames.${r.role}`), org: r.organization?.name ?? "" });
  return [
    say(c, "admin.rolesTitle", { roles: roles.map(line).join("\n") }, {
      reply_markup: { inline_keyboard: roles.map((r) => [{ text: t("admin.revoke", { line: line(r) }), callback_data: `g:adm:revoke:${r.id}` }]) },
    }),
  ];
};

export const revokeRole = async (tx: PrismaNS.TransactionClient, roleId: number, c: ActorContext): Promise<ApiCall[]> => {
  const refused = notAdmin(c);
  if (refused) return refused;
  const done = await tx.userRole.updateMany({ where: { id: roleId, revokedAt: null }, data: { revokedAt: c.now } });
  return [say(c, done.count === 1 ? "admin.revoked" : "admin.noSuchRole")];
};

/** /start <token>: grants the invite's role once, if it is neither used, revoked nor expired. */
export const redeemInvite = async (tx: PrismaNS.TransactionClient, token: string, c: ActorContext & { languageKnown: boolean }): Promise<ApiCall[]> => {
  const reply = (key: string, params: Record<string, unknown> = {}): ApiCall[] => [
    { method: "sendMessage", payload: { chat_id: c.chatId, text: c.languageKnown ? c.i18n.t(c.language)(key, params) : c.i18n.both(key, params as never) } },
  ];
  const invite = await tx.invite.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!invite || invite.revokedAt || invite.expiresAt <= c.now || (invite.role !== "staff" && invite.role !== "mediator")) return reply("admin.inviteInvalid");
  // Taken only if still unused at this instant: two people opening one link cannot both join.
  const taken = await tx.invite.updateMany({ where: { id: invite.id, usedAt: null }, data: { usedAt: c.now, usedBy: BigInt(c.userId) } });
  if (taken.count === 0) return reply("admin.inviteInvalid");
  await tx.userRole.create({ data: { userId: BigInt(c.userId), role: invite.role, organizationId: invite.organizationId, grantedBy: invite.createdBy } });
  // The chat's command menu gains the role's commands (/inbox), in the user's language once it is known.
  const menu: ApiCall = {
    method: "setMyCommands",
    payload: { commands: commandList(c.i18n, c.language, [...c.roles, invite.role]), scope: { type: "chat", chat_id: c.chatId } },
  };
  if (invite.role === "mediator") return [...reply("admin.joinedMediator"), menu];
  const org = await tx.organization.findUniqueOrThrow({ where: { id: invite.organizationId! } });
  return [...reply("admin.joinedStaff", { org: org.name }), menu];
};

const UNLINKED_MAX = 10;

/** Cases whose organisation nobody registered, or whose name matched none: the newest ten. */
export const listUnlinked = async (tx: PrismaNS.TransactionClient, c: ActorContext): Promise<ApiCall[]> => {
  const refused = notAdmin(c);
  if (refused) return refused;
  const cases = await tx.case.findMany({ where: { organizationId: null }, orderBy: { submittedAt: "desc" }, take: UNLINKED_MAX });
  if (cases.length === 0) return [say(c, "admin.noUnlinked")];
  const t = c.i18n.t(c.language);
  const lines = cases.map((k) => t("admin.unlinkedLine", { number: k.number, org: orgLabel(c, { name: k.orgName, region: k.region }) }));
  return [
    say(c, "admin.unlinkedTitle", { cases: lines.join("\n") }, {
      reply_markup: { inline_keyboard: cases.map((k) => [{ text: t("admin.linkCase", { number: k.number }), callback_data: `g:adm:link:${k.id}` }]) },
    }),
  ];
};

/** The organisations of the case's region, to link it to one. */
export const chooseCaseOrg = async (tx: PrismaNS.TransactionClient, caseId: number, c: ActorContext): Promise<ApiCall[]> => {
  const refused = notAdmin(c);
  if (refused) return refused;
  const k = await tx.case.findUnique({ where: { id: caseId } });
  if (!k) return [say(c, "cases.notFound")];
  if (k.organizationId !== null) return [say(c, "admin.alreadyLinked", { number: k.number })];
  const orgs = await tx.organization.findMany({ where: { region: k.region }, orderBy: { name: "asc" }, take: 50 });
  const region = regionByCode(k.region)?.[c.language] ?? k.region;
  if (orgs.length === 0) return [say(c, "admin.noOrgsInRegion", { number: k.number, region })];
  return [
    say(c, "admin.chooseCaseOrg", { number: k.number, org: k.orgName, region }, {
      reply_markup: { inline_keyboard: orgs.map((o) => [{ text: o.name, callback_data: `g:adm:linkto:${k.id}:${o.id}` }]) },
    }),
  ];
};

/** Links a case to an organisation once; its staff hear of the case as of a new notice. */
export const linkCase = async (tx: PrismaNS.TransactionClient, caseId: number, organizationId: number, c: ActorContext): Promise<ApiCall[]> => {
  const refused = notAdmin(c);
  if (refused) return refused;
  const org = await tx.organization.findUnique({ where: { id: organizationId } });
  const k = await tx.case.findUnique({ where: { id: caseId } });
  if (!org || !k) return [say(c, "cases.notFound")];
  // Only while unlinked: two admins linking at once cannot both succeed.
  const done = await tx.case.updateMany({ where: { id: k.id, organizationId: null }, data: { organizationId: org.id } });
  if (done.count === 0) return [say(c, "admin.alreadyLinked", { number: k.number })];
  await tx.caseEvent.create({ data: { caseId: k.id, kind: "case_linked", actorId: BigInt(c.userId), createdAt: c.now, payload: { organizationId: org.id } } });
  return [say(c, "admin.linked", { number: k.number, org: orgLabel(c, org) }), ...(await newCaseToStaff(tx, { ...k, organizationId: org.id }, c.i18n, null))];
};
