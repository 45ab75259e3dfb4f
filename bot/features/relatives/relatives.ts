// The applicant invites relatives to follow a case (law.md §3: the spouse, close relatives and the legal
// representative may attend the commission's sittings): a single-use link that expires in 7 days; only a
// hash of its token is kept. Relatives see the case's status, deadlines and sittings — never the IIN,
// phone or description. The applicant is told when one joins and can remove them.
import { randomBytes } from "node:crypto";
import { act } from "../../../machines/actions.js";
import { localDate } from "../../../machines/calendar.js";
import type { Button, DomainEffect, Param, SayEffect } from "../../../machines/effects.js";
import { RELATIVE_RELATIONS } from "../../../machines/join.js";
import { showDate } from "../../../machines/notice.js";
import type { Ctx, Prisma, Tx } from "../../core/actor.js";
import { lockCases } from "../../core/case-lock.js";
import { document } from "../../core/documents.js";
import { say, sayTo, thenHome, withCondolence, type JobHandler, type Out, type TruthCheck } from "../../core/effects.js";
import { applicantOf, caseParticipants, reader, recordAccess, refusedHome, withdrawnOf } from "../../core/people.js";
import { hashToken, inviteExpiry } from "../admin/admin.js";
import { ended, removedFromSittings, showWhen, upcomingInvitations } from "../sittings/sittings.js";
import { openCase } from "../cases/actions.js";
import { schedule } from "../../jobs/jobs.js";
import {
  inviteRelative,
  keepInvite,
  openSharedNotice,
  removeRelative as removeAction,
  removeRelativeConfirmed as removeConfirmedAction,
  revokeInvite as revokeAction,
  revokeInviteConfirmed as revokeConfirmedAction,
  shareNotice as shareAction,
} from "./actions.js";

/** More relatives than this on one case is not a family following a case. */
export const RELATIVES_MAX = 10;

/** The relation as a noun phrase that reads inside a sentence («пациенттің жұбайы» / «супруг(а) пациента»); the buttons keep their own labels. */
const relation = (r: string | null): Param => ({ key: `notice.relationForm.${r}` });
/** A relative as the applicant sees them: the name they gave and their relation (the relation alone for those who joined before names were asked). */
export const person = (r: string | null, name: string | null | undefined): Param => (name ? { key: "relatives.person", params: { name, relation: relation(r) } } : relation(r));

export const createRelativeInvite = async (tx: Tx, e: DomainEffect<"createRelativeInvite">, c: Ctx): Promise<Out[]> => {
  const mine = await applicantOf(tx, e.caseId, c.userId);
  // A relative, a stranger and a forged id all get the answer a missing case gets.
  if (!mine) return [say("cases.notFound"), await refusedHome(tx, c)];
  const count = await tx.caseParticipant.count({ where: { caseId: e.caseId, role: "relative", removedAt: null } });
  // The limit reached: said so, then their menu — not nothing to press.
  if (count >= RELATIVES_MAX) return [say("relatives.tooMany", { max: RELATIVES_MAX }), thenHome()];
  const token = randomBytes(24).toString("base64url");
  const expiresAt = inviteExpiry(c.now, c.timeZone);
  const invite = await tx.invite.create({ data: { tokenHash: hashToken(token), role: "relative", caseId: e.caseId, createdBy: BigInt(c.userId), createdAt: c.now, expiresAt } });
  await schedule(tx, { kind: LAPSED, key: lapsedKey(invite.id), dueAt: lapseToldAt(expiresAt), payload: { caseId: e.caseId, inviteId: invite.id } });
  const link = `https://t.me/${c.botUsername()}?start=c_${token}`;
  const number = mine.case.number;
  // The link's message is the one to forward: no buttons (Telegram keeps them on a forwarded message). The applicant's
  // way on — revoke this link if it went astray, or back to the case — comes in a message of its own after it.
  return [
    say("relatives.invite", { number, link, until: showDate(localDate(expiresAt, c.timeZone)) }),
    say("relatives.inviteNote", {}, [[{ key: "relatives.revokeIt", ...act(revokeAction, { inviteId: invite.id }) }], [{ key: "cases.open", params: { number }, ...act(openCase, { caseId: e.caseId }) }]]),
  ];
};

/** A link's lapse, told to the applicant once (the job's row, by its key, is the record: done, it is never run again). */
const LAPSED = "relative_link_lapsed";
const lapsedKey = (inviteId: number) => `invite:${inviteId}:lapsed`;
/**
 * When a lapse is told: the morning after the link's last day (it lapses at midnight), at 09:00 — as the bot's other
 * reminders, not in the night. The link's end is the last millisecond of a local day: 09:00 is 9 hours and 1 ms after
 * it, whatever the time zone (the migration's rule too).
 */
const lapseToldAt = (expiresAt: Date): Date => new Date(expiresAt.getTime() + 9 * 3_600_000 + 1);

/**
 * A relative's link that lapsed with nobody having joined by it, and the applicant who made it — or null when they
 * are not to be told: the link used or revoked; the case closed, settled or anonymised; someone joined the case by
 * another link made after it was made (the relative is in); its maker no longer the case's applicant, or having
 * withdrawn consent (the bot would refuse the very button it sends: mydata.ts needsConsent).
 */
const lapsedUnheard = async (db: Prisma | Tx, inviteId: number, now: Date) => {
  const i = await db.invite.findUnique({ where: { id: inviteId }, include: { case: true } });
  const k = i?.case;
  if (!i || !k || i.role !== "relative" || i.usedAt || i.revokedAt || i.expiresAt > now) return null;
  if (k.anonymisedAt || k.closedAt || k.status === "closed" || k.status === "settled") return null;
  if ((await db.invite.count({ where: { caseId: k.id, role: "relative", id: { not: i.id }, usedAt: { gte: i.createdAt } } })) > 0) return null;
  const applicant = await db.caseParticipant.findFirst({
    where: { caseId: k.id, userId: i.createdBy, role: "applicant", removedAt: null, user: { consentWithdrawnAt: null } },
    include: { user: { select: { language: true } } },
  });
  return applicant ? { invite: i, case: k, applicant } : null;
};

/**
 * The applicant believed their relative follows the case and will be invited to the sittings (law.md §3 step 5): told
 * once, when the link lapses unused, with the button that makes a new one (the case's own «invite a relative», its
 * checks and all). Checked again when sent (StillTrue): a relative joining by another link meanwhile silences it.
 */
export const relativeJobs: Record<string, JobHandler> = {
  [LAPSED]: async (tx, job, now, d) => {
    const l = await lapsedUnheard(tx, Number(job.payload.inviteId), now);
    if (!l) return [];
    const { invite: i, case: k, applicant: a } = l;
    return [
      {
        ...sayTo(reader(a.userId, a.user.language, k.language), "relatives.linkLapsed", { number: k.number, made: showWhen(i.createdAt, d.timeZone) }, [
          [{ key: "relatives.inviteButton", ...act(inviteRelative, { caseId: k.id }) }],
        ]),
        stillTrue: { check: LAPSED, params: { inviteId: i.id } },
      },
    ];
  },
};

export const relativeChecks: Record<string, TruthCheck> = {
  [LAPSED]: async (db, params, now) => (await lapsedUnheard(db, Number(params.inviteId), now)) !== null,
};

/**
 * A relative's invite as it stands: the case it opens — and whether this user is on it already (the applicant
 * opening their own link, or the relative who joined by it tapping it again) — or null when it cannot be used. Reads only.
 */
export const checkCaseInvite = async (db: Pick<Tx, "invite" | "caseParticipant">, token: string, now: Date, userId: number): Promise<{ number: string; already?: true } | null> => {
  const invite = await db.invite.findUnique({ where: { tokenHash: hashToken(token) }, include: { case: true } });
  if (!(invite?.case && invite.role === "relative")) return null;
  const on = async () => (await db.caseParticipant.count({ where: { caseId: invite.case!.id, userId: BigInt(userId), removedAt: null } })) > 0;
  // Their own link, tapped again from the chat after they joined by it (expired since or not): they are told they are
  // on the case, not to ask for a new link. Someone else's spent link, or theirs once they were removed, is refused.
  if (invite.usedAt && invite.usedBy === BigInt(userId) && (await on())) return { number: invite.case.number, already: true };
  if (invite.revokedAt || invite.usedAt || invite.expiresAt <= now) return null;
  return (await on()) ? { number: invite.case.number, already: true } : { number: invite.case.number };
};

/** A link as the applicant tells it from another: when it was made, and the day it works until. */
const linkParams = (i: { createdAt: Date; expiresAt: Date }, timeZone: string) => ({ made: showWhen(i.createdAt, timeZone), until: showDate(localDate(i.expiresAt, timeZone)) });

/**
 * A relative's link the applicant would revoke, or why it cannot be: not theirs to touch (someone else's case, a
 * forged id) — the answer a missing case gets; revoked already (pressed twice: harmless); used (the person who
 * joined is removed instead, with the button); expired (nobody can join by it any more).
 */
const revocable = async (tx: Tx, inviteId: number, c: Ctx) => {
  const i = await tx.invite.findUnique({ where: { id: inviteId } });
  const mine = i?.caseId && i.role === "relative" ? await applicantOf(tx, i.caseId, c.userId) : null;
  if (!i || !mine) return { refused: say("cases.notFound") };
  const number = mine.case.number;
  if (i.revokedAt) return { refused: say("relatives.linkRevokedAlready", { number, ...linkParams(i, c.timeZone) }) };
  if (i.usedAt) {
    const p = i.usedBy ? await tx.caseParticipant.findFirst({ where: { caseId: mine.caseId, userId: i.usedBy, role: "relative", removedAt: null }, include: { user: { select: { fullName: true } } } }) : null;
    const remove = p ? [[{ key: "relatives.remove", params: { relation: person(p.relation, p.user.fullName) }, ...act(removeAction, { participantId: p.id }) }]] : [];
    return { refused: say(p ? "relatives.linkUsed" : "relatives.linkUsedLeft", { number, ...linkParams(i, c.timeZone) }, remove) };
  }
  if (i.expiresAt <= c.now) return { refused: say("relatives.linkExpired", { number, ...linkParams(i, c.timeZone) }) };
  return { invite: i, number };
};

/**
 * Nothing more to do about the link: the presser's home follows (refusedHome) — unless the answer carries the way on (a link used:
 * the button to remove who joined by it), which stays the last thing on screen.
 */
const orHome = async (tx: Tx, c: Ctx, said: SayEffect): Promise<Out[]> => (said.buttons?.length ? [said] : [said, await refusedHome(tx, c)]);

/** «Revoke the link made on …?»: which one, when several are out; one already revoked, used or expired is said so now. */
export const askRevokeRelativeInvite = async (tx: Tx, e: DomainEffect<"askRevokeRelativeInvite">, c: Ctx): Promise<Out[]> => {
  const r = await revocable(tx, e.inviteId, c);
  if (!r.invite) return orHome(tx, c, r.refused);
  return [
    say("relatives.confirmRevoke", { number: r.number, ...linkParams(r.invite, c.timeZone) }, [
      [{ key: "relatives.revokeIt", ...act(revokeConfirmedAction, { inviteId: r.invite.id }) }],
      [{ key: "relatives.keepIt", ...act(keepInvite, { inviteId: r.invite.id }) }],
    ]),
  ];
};

/**
 * «Keep it» at that question: the link still works — unless someone joined by it, it expired or was revoked
 * meanwhile (said so, as revoking it would); not the applicant's: the answer a missing case gets.
 */
export const keepRelativeInvite = async (tx: Tx, e: DomainEffect<"keepRelativeInvite">, c: Ctx): Promise<Out[]> => {
  const r = await revocable(tx, e.inviteId, c);
  // Kept: the case to go back to (its button); a refusal: the menu.
  return r.invite ? [say("relatives.inviteKept", {}, [[{ key: "cases.open", params: { number: r.number }, ...act(openCase, { caseId: r.invite.caseId! }) }]])] : orHome(tx, c, r.refused);
};

/**
 * The applicant revokes a link nobody joined by (sent to the wrong person, or leaked): whoever opens it afterwards
 * gets the answer a used or expired link gets, which names no case (admin.inviteInvalid).
 */
export const revokeRelativeInvite = async (tx: Tx, e: DomainEffect<"revokeRelativeInvite">, c: Ctx): Promise<Out[]> => {
  // The case's lock, as joinCase takes it: a relative joining by this link at this moment either joined first (the
  // link is used, and said so) or finds it revoked.
  const link = await tx.invite.findUnique({ where: { id: e.inviteId }, select: { caseId: true } });
  if (link?.caseId) await lockCases(tx, [link.caseId]);
  const r = await revocable(tx, e.inviteId, c);
  if (!r.invite) return orHome(tx, c, r.refused);
  await tx.invite.update({ where: { id: r.invite.id }, data: { revokedAt: c.now } });
  return [say("relatives.linkRevoked", { number: r.number, ...linkParams(r.invite, c.timeZone) }, [[{ key: "cases.open", params: { number: r.number }, ...act(openCase, { caseId: r.invite.caseId! }) }]])];
};

/** The end of the join flow: the link is checked and taken once, and the relative added to the case. */
export const joinCase = async (tx: Tx, e: DomainEffect<"joinCase">, c: Ctx): Promise<Out[]> => {
  // The effect names a link, not a case: the case's lock is taken here, then the link read again. Without it, the
  // night's retention anonymising this case at that moment left the new relative on it (test/db/case-races.test.ts).
  const link = await tx.invite.findUnique({ where: { tokenHash: hashToken(e.token) }, select: { caseId: true } });
  if (link?.caseId) await lockCases(tx, [link.caseId]);
  const invite = await tx.invite.findUnique({ where: { tokenHash: hashToken(e.token) }, include: { case: true } });
  if (!invite?.case || invite.role !== "relative" || invite.revokedAt || invite.usedAt || invite.expiresAt <= c.now || !(RELATIVE_RELATIONS as readonly string[]).includes(e.relation)) {
    return [say("admin.inviteInvalid")];
  }
  const k = invite.case;
  const already = await tx.caseParticipant.findFirst({ where: { caseId: k.id, userId: BigInt(c.userId), removedAt: null } });
  // The applicant opening their own link does not use it up.
  if (already) return [say("relatives.already", { number: k.number })];
  // However many links were made while nobody had joined, no more than RELATIVES_MAX join (the case is locked).
  if ((await tx.caseParticipant.count({ where: { caseId: k.id, role: "relative", removedAt: null } })) >= RELATIVES_MAX) return [say("relatives.tooMany", { max: RELATIVES_MAX })];
  // Taken only if still unused at this instant: two people opening one link cannot both join.
  const taken = await tx.invite.updateMany({ where: { id: invite.id, usedAt: null }, data: { usedAt: c.now, usedBy: BigInt(c.userId) } });
  if (taken.count === 0) return [say("admin.inviteInvalid")];
  const p = await tx.caseParticipant.create({ data: { caseId: k.id, userId: BigInt(c.userId), role: "relative", relation: e.relation, addedAt: c.now } });
  if (e.fullName) await tx.user.update({ where: { id: BigInt(c.userId) }, data: { fullName: e.fullName } });
  const who = person(e.relation, e.fullName);
  await tx.caseEvent.create({ data: { caseId: k.id, kind: "relative_joined", actorId: BigInt(c.userId), createdAt: c.now, payload: { relation: e.relation } } });
  const applicants = await caseParticipants(tx, k.id, ["applicant"]);
  // Someone removed and invited again answers afresh: an old «can't attend» is not theirs to keep.
  await tx.sittingResponse.deleteMany({ where: { userId: BigInt(c.userId), sitting: { caseId: k.id, cancelledAt: null, startsAt: { gt: c.now } } } });
  // The sittings already set: invited as everyone on the case was, with the calendar file and the answer buttons —
  // to one removed before, a file their calendar takes after the one that took the sittings off it.
  const before = await tx.caseParticipant.count({ where: { caseId: k.id, userId: BigInt(c.userId), role: "relative", removedAt: { not: null } } });
  const sittings = await upcomingInvitations(tx, k, { chatId: c.userId, lang: c.languageKnown ? c.language : null }, c, before > 0);
  return [
    // Once the commission concluded or the case closed (settled), the bot sends no invitations or reminders: none promised.
    say(ended(k) ? "relatives.joinedEnded" : "relatives.joined", { number: k.number }),
    ...sittings,
    ...applicants.map((a) =>
      sayTo(reader(a.userId, a.user.language, k.language), "relatives.joinedApplicant", { number: k.number, relation: who }, [
        [{ key: "relatives.remove", params: { relation: who }, ...act(removeAction, { participantId: p.id }) }],
      ]),
    ),
  ];
};

/**
 * The applicant removes a relative: they stop hearing of the case at once; the sittings still to come leave their
 * calendar, each with the file a cancellation sends — said not to be cancelled, for it is not.
 */
export const removeRelative = async (tx: Tx, e: DomainEffect<"removeRelative">, c: Ctx): Promise<Out[]> => {
  const p = await tx.caseParticipant.findFirst({ where: { id: e.participantId, role: "relative" }, include: { case: true, user: { select: { language: true, fullName: true } } } });
  // A refusal asks nothing more: the presser's home follows.
  if (!p || !(await applicantOf(tx, p.caseId, c.userId))) return [say("cases.notFound"), await refusedHome(tx, c)];
  if (p.removedAt) return [say("relatives.alreadyRemoved"), thenHome()];
  const them = person(p.relation, p.user.fullName);
  const toCase = [{ key: "cases.open", params: { number: p.case.number }, ...act(openCase, { caseId: p.caseId }) }];
  // One tap told the relative they were removed, with no way back but a new link: asked once more, naming them.
  if (!e.confirmed) {
    return [
      say("relatives.confirmRemove", { number: p.case.number, relation: them }, [
        [{ key: "relatives.removeIt", ...act(removeConfirmedAction, { participantId: p.id }) }],
        [{ key: "relatives.keepRelative", ...act(openCase, { caseId: p.caseId }) }],
      ]),
    ];
  }
  await tx.caseParticipant.update({ where: { id: p.id }, data: { removedAt: c.now } });
  await tx.caseEvent.create({ data: { caseId: p.caseId, kind: "relative_removed", actorId: BigInt(c.userId), createdAt: c.now, payload: { relation: p.relation } } });
  const to = reader(p.userId, p.user.language, p.case.language);
  const sittings = await removedFromSittings(tx, p.case, to, c);
  return [
    say("relatives.removed", { number: p.case.number, relation: them }, [toCase]),
    // With sittings still to come, the one removed is told the right to attend them is not the bot's to take (law.md
    // §3 step 5) — else «no more messages» and a file taking them off the calendar read as «you may not come».
    sayTo(to, sittings.length ? "relatives.removedRelativeAttend" : "relatives.removedRelative", { number: p.case.number }),
    ...sittings,
  ];
};

const isShared = (answers: unknown): boolean => (answers as { sharedWithRelatives?: unknown }).sharedWithRelatives === true;

/**
 * Whether this user may have the case's notice now: its applicant, or a relative still on the case while the
 * applicant shows the notice to relatives. Asked again when the PDF is made (notice/document.ts): a copy asked
 * for before the applicant stopped showing it, or removed the relative, and sent later (a retry), is not sent.
 */
export const mayHaveNotice = async (db: Prisma | Tx, caseId: number, userId: number): Promise<boolean> => {
  const me = await db.caseParticipant.findFirst({ where: { caseId, userId: BigInt(userId), removedAt: null, role: { in: ["applicant", "relative"] } }, include: { case: { select: { answers: true } } } });
  return me !== null && (me.role === "applicant" || isShared(me.case.answers));
};

const setShared = async (tx: Tx, k: { id: number; answers: unknown }, share: boolean, actorId: bigint, now: Date, payload?: { withdrew: true }) => {
  await tx.case.update({ where: { id: k.id }, data: { answers: { ...(k.answers as Record<string, unknown>), sharedWithRelatives: share } } });
  await tx.caseEvent.create({ data: { caseId: k.id, kind: share ? "notice_shared" : "notice_unshared", actorId, createdAt: now, ...(payload ? { payload } : {}) } });
};

/**
 * An applicant who withdraws consent stops the showing of their notice to the case's relatives (law.md §7: the
 * withdrawal stops processing; the procedure needs the notice kept, not shown to relatives). Given again, consent
 * does not show it again by itself: the applicant chooses anew.
 */
export const stopSharingAtWithdrawal = async (tx: Tx, k: { id: number; answers: unknown }, actorId: bigint, now: Date): Promise<void> => {
  if (isShared(k.answers)) await setShared(tx, k, false, actorId, now, { withdrew: true });
};

/** The applicant shows the notice to the case's relatives, or stops showing it. */
export const shareNotice = async (tx: Tx, e: DomainEffect<"shareNotice">, c: Ctx): Promise<Out[]> => {
  // Whatever the outcome, nothing more is asked: the applicant's menu follows.
  const done = thenHome();
  const mine = await applicantOf(tx, e.caseId, c.userId);
  if (!mine) return [say("cases.notFound"), await refusedHome(tx, c)];
  const k = mine.case;
  if (isShared(k.answers) === e.share) return [say(e.share ? "relatives.shared" : "relatives.unshared", { number: k.number }), done];
  await setShared(tx, k, e.share, BigInt(c.userId), c.now);
  if (!e.share) return [say("relatives.unshared", { number: k.number }), done];
  const relatives = await caseParticipants(tx, k.id, ["relative"]);
  return [
    say("relatives.shared", { number: k.number }),
    ...relatives.map((r) =>
      sayTo(reader(r.userId, r.user.language, k.language), "relatives.sharedToRelative", { number: k.number }, [[{ key: "relatives.noticeButton", ...act(openSharedNotice, { caseId: k.id }) }]]),
    ),
    done,
  ];
};

/** A relative gets the notice as a PDF — only while the applicant shares it. */
export const sharedNotice = async (tx: Tx, e: DomainEffect<"sharedNotice">, c: Ctx): Promise<Out[]> => {
  const me = await tx.caseParticipant.findFirst({ where: { caseId: e.caseId, userId: BigInt(c.userId), removedAt: null, role: { in: ["applicant", "relative"] } }, include: { case: true } });
  // Refused (removed from the case, or the notice not shown now): nothing more to press on that message — their menu follows.
  if (!me) return [say("cases.notFound"), await refusedHome(tx, c)];
  if (me.role === "relative" && !isShared(me.case.answers)) return [say("relatives.notShared", { number: me.case.number }), thenHome()];
  if (me.role !== "relative") return [document({ name: "noticePdf", caseId: e.caseId })];
  // A relative reads the outcome in it for the first time, maybe: condolence first when the patient died — at the first
  // copy they open, not again at each (a grieving reader is not condoled by rote).
  const before = await tx.dataAccess.count({ where: { caseId: e.caseId, userId: BigInt(c.userId), role: "relative", what: "document" } });
  await recordAccess(tx, e.caseId, c.userId, "relative", "document", c.now);
  return withCondolence(before === 0 ? me.case.outcome : null, null, document({ name: "noticePdf", caseId: e.caseId, copy: "relative" }));
};

/**
 * For a case's view: the applicant's buttons to invite a relative, remove each one, revoke each link not yet used and share the notice;
 * a relative's button to the shared notice. An applicant who withdrew consent cannot invite or share through the bot
 * (mydata.ts needsConsent): a line says why instead of those buttons; removing a relative and revoking a link stay.
 */
export const relativeButtons = async (tx: Tx, caseId: number, c: { userId: number; timeZone: string; now: Date }): Promise<{ lines: Param[]; buttons: Button[][] }> => {
  const mine = await applicantOf(tx, caseId, c.userId);
  if (!mine) {
    const k = await tx.case.findUnique({ where: { id: caseId } });
    return { lines: [], buttons: k && isShared(k.answers) ? [[{ key: "relatives.noticeButton", ...act(openSharedNotice, { caseId }) }]] : [] };
  }
  const relatives = await tx.caseParticipant.findMany({ where: { caseId, role: "relative", removedAt: null }, include: { user: { select: { fullName: true } } }, orderBy: { id: "asc" } });
  // The links nobody joined by yet and still working: a link sent to the wrong person, or leaked, can be revoked.
  const links = await tx.invite.findMany({ where: { caseId, role: "relative", usedAt: null, revokedAt: null, expiresAt: { gt: c.now } }, orderBy: { id: "asc" } });
  const shared = isShared(mine.case.answers);
  const withdrew = (await withdrawnOf(tx, [BigInt(c.userId)])).size > 0;
  return {
    lines: [
      ...relatives.map((r) => ({ key: "relatives.line", params: { relation: person(r.relation, r.user.fullName), date: showDate(localDate(r.addedAt, c.timeZone)) } })),
      ...links.map((i) => ({ key: "relatives.linkLine", params: linkParams(i, c.timeZone) })),
      ...(withdrew ? [{ key: "relatives.withdrawn" }] : []),
    ],
    buttons: [
      ...(withdrew ? [] : [[{ key: "relatives.inviteButton", ...act(inviteRelative, { caseId }) }]]),
      ...relatives.map((r) => [{ key: "relatives.remove", params: { relation: person(r.relation, r.user.fullName) }, ...act(removeAction, { participantId: r.id }) }]),
      ...links.map((i) => [{ key: "relatives.revokeButton", params: { made: showWhen(i.createdAt, c.timeZone) }, ...act(revokeAction, { inviteId: i.id }) }]),
      ...(relatives.length && !withdrew ? [[{ key: shared ? "relatives.unshareButton" : "relatives.shareButton", ...act(shareAction, { caseId, share: shared ? "off" : "on" }) }]] : []),
    ],
  };
};
