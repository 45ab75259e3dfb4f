// The applicant invites relatives to follow a case (law.md §3: the spouse, close relatives and the legal
// representative may attend the commission's sittings): a single-use link that expires in 7 days; only a
// hash of its token is kept. Relatives see the case's status, deadlines and sittings — never the IIN,
// phone or description. The applicant is told when one joins and can remove them.
import { randomBytes } from "node:crypto";
import { localDate } from "../../machines/calendar.js";
import { RELATIVE_RELATIONS } from "../../machines/join.js";
import { showDate } from "../../machines/notice.js";
import type { Prisma as PrismaNS } from "../db/generated/client.js";
import type { ApiCall } from "../runtime/render.js";
import { hashToken, INVITE_DAYS, type ActorContext } from "./admin.js";
import { NOTICE_PDF } from "./notice-pdf.js";

/** More relatives than this on one case is not a family following a case. */
export const RELATIVES_MAX = 10;

const reply = (c: ActorContext, key: string, params: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): ApiCall => ({
  method: "sendMessage",
  payload: { chat_id: c.chatId, text: c.i18n.t(c.language)(key, params), ...extra },
});

/** The applicant's own participation in a case, if they are its applicant. */
const applicantOf = (tx: PrismaNS.TransactionClient, caseId: number, userId: number) =>
  tx.caseParticipant.findFirst({ where: { caseId, userId: BigInt(userId), role: "applicant", removedAt: null }, include: { case: true } });

export const createRelativeInvite = async (tx: PrismaNS.TransactionClient, caseId: number, c: ActorContext & { botUsername: string }): Promise<ApiCall[]> => {
  const mine = await applicantOf(tx, caseId, c.userId);
  // A relative, a stranger and a forged id all get the answer a missing case gets.
  if (!mine) return [reply(c, "cases.notFound")];
  const count = await tx.caseParticipant.count({ where: { caseId, role: "relative", removedAt: null } });
  if (count >= RELATIVES_MAX) return [reply(c, "relatives.tooMany", { max: RELATIVES_MAX })];
  const token = randomBytes(24).toString("base64url");
  const expiresAt = new Date(c.now.getTime() + INVITE_DAYS * 86_400_000);
  await tx.invite.create({ data: { tokenHash: hashToken(token), role: "relative", caseId, createdBy: BigInt(c.userId), expiresAt } });
  const link = `https://t.me/${c.botUsername}?start=c_${token}`;
  return [reply(c, "relatives.invite", { number: mine.case.number, link, until: showDate(localDate(expiresAt, c.timeZone)) })];
};

/** A relative's invite as it stands: the case it opens, or null when it cannot be used. Reads only. */
export const checkCaseInvite = async (db: Pick<PrismaNS.TransactionClient, "invite">, token: string, now: Date): Promise<{ number: string } | null> => {
  const invite = await db.invite.findUnique({ where: { tokenHash: hashToken(token) }, include: { case: true } });
  return invite?.case && invite.role === "relative" && !invite.revokedAt && !invite.usedAt && invite.expiresAt > now ? { number: invite.case.number } : null;
};

/** The end of the join flow: the link is checked and taken once, and the relative added to the case. */
export const joinCase = async (tx: PrismaNS.TransactionClient, token: string, relation: string, c: ActorContext): Promise<ApiCall[]> => {
  const invite = await tx.invite.findUnique({ where: { tokenHash: hashToken(token) }, include: { case: true } });
  if (!invite?.case || invite.role !== "relative" || invite.revokedAt || invite.usedAt || invite.expiresAt <= c.now || !(RELATIVE_RELATIONS as readonly string[]).includes(relation)) {
    return [reply(c, "admin.inviteInvalid")];
  }
  const k = invite.case;
  const already = await tx.caseParticipant.findFirst({ where: { caseId: k.id, userId: BigInt(c.userId), removedAt: null } });
  // The applicant opening their own link does not use it up.
  if (already) return [reply(c, "relatives.already", { number: k.number })];
  // Taken only if still unused at this instant: two people opening one link cannot both join.
  const taken = await tx.invite.updateMany({ where: { id: invite.id, usedAt: null }, data: { usedAt: c.now, usedBy: BigInt(c.userId) } });
  if (taken.count === 0) return [reply(c, "admin.inviteInvalid")];
  const p = await tx.caseParticipant.create({ data: { caseId: k.id, userId: BigInt(c.userId), role: "relative", relation, addedAt: c.now } });
  await tx.caseEvent.create({ data: { caseId: k.id, kind: "relative_joined", actorId: BigInt(c.userId), createdAt: c.now, payload: { relation } } });
  const applicants = await tx.caseParticipant.findMany({ where: { caseId: k.id, role: "applicant", removedAt: null }, include: { user: { select: { language: true } } } });
  return [
    reply(c, "relatives.joined", { number: k.number }),
    ...applicants.map((a) => {
      const t = c.i18n.t(a.user.language ?? k.language);
      return {
        method: "sendMessage",
        payload: {
          chat_id: Number(a.userId),
          text: t("relatives.joinedApplicant", { number: k.number, relation: t(`relatives.relation.${relation}`) }),
          reply_markup: { inline_keyboard: [[{ text: t("relatives.remove", { relation: t(`relatives.relation.${relation}`) }), callback_data: `g:rrm:${p.id}` }]] },
        },
      };
    }),
  ];
};

/** The applicant removes a relative: they stop hearing of the case at once. */
export const removeRelative = async (tx: PrismaNS.TransactionClient, participantId: number, c: ActorContext): Promise<ApiCall[]> => {
  const p = await tx.caseParticipant.findFirst({ where: { id: participantId, role: "relative" }, include: { case: true, user: { select: { language: true } } } });
  if (!p || !(await applicantOf(tx, p.caseId, c.userId))) return [reply(c, "cases.notFound")];
  if (p.removedAt) return [reply(c, "relatives.alreadyRemoved")];
  await tx.caseParticipant.update({ where: { id: p.id }, data: { removedAt: c.now } });
  await tx.caseEvent.create({ data: { caseId: p.caseId, kind: "relative_removed", actorId: BigInt(c.userId), createdAt: c.now, payload: { relation: p.relation } } });
  const t = c.i18n.t(p.user.language ?? p.case.language);
  return [
    reply(c, "relatives.removed", { number: p.case.number, relation: c.i18n.t(c.language)(`relatives.relation.${p.relation}`) }),
    { method: "sendMessage", payload: { chat_id: Number(p.userId), text: t("relatives.removedRelative", { number: p.case.number }) } },
  ];
};

const isShared = (answers: unknown): boolean => (answers as { sharedWithRelatives?: unknown }).sharedWithRelatives === true;

/** The applicant shows the notice to the case's relatives, or stops showing it. */
export const shareNotice = async (tx: PrismaNS.TransactionClient, caseId: number, share: boolean, c: ActorContext): Promise<ApiCall[]> => {
  const mine = await applicantOf(tx, caseId, c.userId);
  if (!mine) return [reply(c, "cases.notFound")];
  const k = mine.case;
  if (isShared(k.answers) === share) return [reply(c, share ? "relatives.shared" : "relatives.unshared", { number: k.number })];
  await tx.case.update({ where: { id: k.id }, data: { answers: { ...(k.answers as Record<string, unknown>), sharedWithRelatives: share } } });
  await tx.caseEvent.create({ data: { caseId: k.id, kind: share ? "notice_shared" : "notice_unshared", actorId: BigInt(c.userId), createdAt: c.now } });
  if (!share) return [reply(c, "relatives.unshared", { number: k.number })];
  const relatives = await tx.caseParticipant.findMany({ where: { caseId: k.id, role: "relative", removedAt: null }, include: { user: { select: { language: true } } } });
  return [
    reply(c, "relatives.shared", { number: k.number }),
    ...relatives.map((r) => {
      const t = c.i18n.t(r.user.language ?? k.language);
      return {
        method: "sendMessage",
        payload: { chat_id: Number(r.userId), text: t("relatives.sharedToRelative", { number: k.number }), reply_markup: { inline_keyboard: [[{ text: t("relatives.noticeButton"), callback_data: `g:rnotice:${k.id}` }]] } },
      };
    }),
  ];
};

/** A relative gets the notice as a PDF — only while the applicant shares it. */
export const sharedNotice = async (tx: PrismaNS.TransactionClient, caseId: number, c: ActorContext): Promise<ApiCall[]> => {
  const me = await tx.caseParticipant.findFirst({ where: { caseId, userId: BigInt(c.userId), removedAt: null, role: { in: ["applicant", "relative"] } }, include: { case: true } });
  if (!me) return [reply(c, "cases.notFound")];
  if (me.role === "relative" && !isShared(me.case.answers)) return [reply(c, "relatives.notShared", { number: me.case.number })];
  return [{ method: NOTICE_PDF, payload: { chat_id: c.chatId, caseId, language: c.language } }];
};

/**
 * For a case's view: the applicant's buttons to invite a relative, remove each one and share the notice;
 * a relative's button to the shared notice.
 */
export const relativeButtons = async (tx: PrismaNS.TransactionClient, caseId: number, c: Pick<ActorContext, "userId" | "language" | "i18n" | "timeZone">) => {
  const t = c.i18n.t(c.language);
  const none = { lines: [] as string[], buttons: [] as { text: string; callback_data: string }[][] };
  const mine = await applicantOf(tx, caseId, c.userId);
  if (!mine) {
    const k = await tx.case.findUnique({ where: { id: caseId } });
    return k && isShared(k.answers) ? { ...none, buttons: [[{ text: t("relatives.noticeButton"), callback_data: `g:rnotice:${caseId}` }]] } : none;
  }
  const relatives = await tx.caseParticipant.findMany({ where: { caseId, role: "relative", removedAt: null }, orderBy: { id: "asc" } });
  const shared = isShared(mine.case.answers);
  return {
    lines: relatives.map((r) => t("relatives.line", { relation: t(`relatives.relation.${r.relation}`), date: showDate(localDate(r.addedAt, c.timeZone)) })),
    buttons: [
      [{ text: t("relatives.inviteButton"), callback_data: `g:rinv:${caseId}` }],
      ...relatives.map((r) => [{ text: t("relatives.remove", { relation: t(`relatives.relation.${r.relation}`) }), callback_data: `g:rrm:${r.id}` }]),
      ...(relatives.length ? [[{ text: t(shared ? "relatives.unshareButton" : "relatives.shareButton"), callback_data: `g:rshare:${caseId}:${shared ? "off" : "on"}` }]] : []),
    ],
  };
};
