// Who is who on a case: the queries several features share (never a feature's own business).
import { primaryRole } from "../../machines/chat.js";
import type { Lang, Recipient } from "../../machines/effects.js";
import type { Ctx, Tx } from "./actor.js";
import { thenHome, type ReplyEffect } from "./effects.js";

/** The organisations a user is active staff of. */
export const staffOrgs = async (tx: Tx, userId: number): Promise<number[]> =>
  (await tx.userRole.findMany({ where: { userId: BigInt(userId), role: "staff", revokedAt: null, organizationId: { not: null } } })).map((r) => r.organizationId!);

/**
 * The cases staff may act on for their organisations: not one they are on themselves, as its applicant or a relative
 * — their own notice's receipt, commission and conclusion are recorded by someone else (a conflict of interest).
 */
export const staffCasesWhere = async (tx: Tx, userId: number) => ({
  organizationId: { in: await staffOrgs(tx, userId) },
  participants: { none: { userId: BigInt(userId), removedAt: null } },
});

/** A case staff may act on (staffCasesWhere); null for anything else, forged ids included. */
export const staffCase = async (tx: Tx, caseId: number, userId: number) =>
  caseId > 0 ? tx.case.findFirst({ where: { id: caseId, ...(await staffCasesWhere(tx, userId)) } }) : null;

/** Whether the user is on the case as its applicant or a relative. */
export const onCase = async (tx: Tx, caseId: number, userId: number): Promise<boolean> =>
  (await tx.caseParticipant.count({ where: { caseId, userId: BigInt(userId), removedAt: null } })) > 0;

/**
 * The home after a button of a case's applicant or relative (`side: "applicant"`) was refused: the applicant's menu —
 * unless the presser holds another role (staff, a mediator, an admin) and is on no case as an applicant or a relative:
 * then that role's home, for the applicant's menu is no home of someone who never filed a notice nor follows a case.
 * Read only then, on the refusal's path: one query.
 */
export const refusedHome = async (tx: Tx, c: Pick<Ctx, "userId" | "roles">): Promise<ReplyEffect> => {
  const role = primaryRole(c.roles);
  if (role === "applicant") return thenHome();
  const on = await tx.caseParticipant.findFirst({ where: { userId: BigInt(c.userId), removedAt: null, role: { in: ["applicant", "relative"] } }, select: { id: true } });
  return on ? thenHome() : thenHome(role);
};

/** The user's participation as the applicant of a case, with the case; null if they did not file it. */
export const applicantOf = (tx: Tx, caseId: number, userId: number) =>
  caseId > 0 ? tx.caseParticipant.findFirst({ where: { caseId, userId: BigInt(userId), role: "applicant", removedAt: null }, include: { case: true } }) : Promise.resolve(null);

/** Everyone on a case who hears of it (the applicant and invited relatives, or the roles named), oldest first. */
export const caseParticipants = (tx: Tx, caseId: number, roles: ("applicant" | "relative")[] = ["applicant", "relative"]) =>
  tx.caseParticipant.findMany({ where: { caseId, removedAt: null, role: { in: roles } }, include: { user: { select: { language: true, fullName: true } } }, orderBy: { id: "asc" } });

/**
 * Which of these people withdrew consent and have not given it again (law.md §7): on a case, they cannot answer a
 * sitting or draft a complaint through the bot (features/mydata needsConsent) — messages to them carry no such buttons.
 */
export const withdrawnOf = async (tx: Tx, ids: readonly bigint[]): Promise<Set<bigint>> =>
  ids.length ? new Set((await tx.user.findMany({ where: { id: { in: [...ids] }, consentWithdrawnAt: { not: null } }, select: { id: true } })).map((u) => u.id)) : new Set();

/** The active staff of an organisation, with their language: each person once, whatever rows they hold. */
export const orgStaff = (tx: Tx, organizationId: number | null, caseId?: number) =>
  organizationId === null
    ? Promise.resolve([])
    : tx.userRole.findMany({
        // Of a case: not staff on it as its applicant or a relative, who act on it as such (staffCasesWhere).
        where: { organizationId, role: "staff", revokedAt: null, ...(caseId === undefined ? {} : { user: { participants: { none: { caseId, removedAt: null } } } }) },
        include: { user: { select: { language: true } } },
        orderBy: { id: "asc" },
        distinct: ["userId"],
      });

/** A person as a message's recipient: in their language, else the fallback (null: both languages). */
export const reader = (userId: bigint | number, lang: Lang | null, fallback: Lang | null = null): Recipient => ({ chatId: Number(userId), lang: lang ?? fallback });

/** Staff of the case's organisation, each in their language; when it has none, the staff chat in both. */
export const staffRecipients = async (tx: Tx, organizationId: number | null, staffChatId: number | null, caseId?: number): Promise<Recipient[]> => {
  const staff = await orgStaff(tx, organizationId, caseId);
  if (staff.length) return staff.map((s) => reader(s.userId, s.user.language));
  return staffChatId === null ? [] : [{ chatId: staffChatId, lang: null }];
};

/** What of a case's personal data someone opened (issue 15): its sealed fields, its files, or a document. */
export type AccessWhat = "notice" | "files" | "document";
/** Records that someone other than the applicant opened a case's personal data; the applicant can list it. */
export const recordAccess = (tx: Tx, caseId: number, userId: bigint | number, role: "staff" | "mediator" | "relative", what: AccessWhat, at: Date) =>
  tx.dataAccess.create({ data: { caseId, userId: BigInt(userId), role, what, at } });
