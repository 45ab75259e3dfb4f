// The commission's sittings (law.md §3 step 5: the patient, spouse, close relatives or legal
// representative may attend). Staff schedule, move and cancel them; everyone on the case — the applicant
// and the relatives — gets each change in their own language with a calendar file, answers whether they
// will come, and is reminded the day before and two hours before unless they said they cannot come.
import { randomUUID } from "node:crypto";
import { act } from "../../../machines/actions.js";
import { addDays, atLocalTime, localDate } from "../../../machines/calendar.js";
import type { Button, DomainEffect, Param, Params, Recipient, SittingAnswer } from "../../../machines/effects.js";
import { showDate } from "../../../machines/notice.js";
import type { Case, Prisma, Sitting } from "../../db/generated/client.js";
import type { Ctx, Tx } from "../../core/actor.js";
import { caseOrg, ORG_NAMES, stepOf } from "../../core/case.js";
import { document } from "../../core/documents.js";
import { lines, say, sayTo, thenHome, type Addressed, type JobHandler, type Out, type TruthCheck } from "../../core/effects.js";
import { caseParticipants, orgStaff, reader, refusedHome, staffCase, staffCasesWhere, withdrawnOf } from "../../core/people.js";
import { cancel, schedule } from "../../jobs/jobs.js";
import { answerSitting as answerAction, cancelSitting as cancelAction, cancelSittingConfirmed as cancelConfirmedAction, keepSitting as keepAction, moveSitting as moveAction } from "./actions.js";

/** Reminders before a sitting: the day before and two hours before. */
export const REMINDERS = { day: 24 * 60, hours2: 2 * 60 } as const;
type Reminder = keyof typeof REMINDERS;
const REMINDER_JOB = "sitting_reminder";

type CaseRow = Pick<Case, "id" | "number" | "language" | "outcome">;

/** The invitation: to a family whose patient died, the right to attend is not named as «the patient's» too. */
const invitationKey = (k: Pick<Case, "outcome">): string => (k.outcome === "death" ? "sitting.invitationBereaved" : "sitting.invitation");

const clock = new Map<string, Intl.DateTimeFormat>();
/** "25.11.2026, 15:00" in the deployment's time zone. */
export const showWhen = (at: Date, timeZone: string): string => {
  let f = clock.get(timeZone);
  if (!f) clock.set(timeZone, (f = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" })));
  return `${showDate(localDate(at, timeZone))}, ${f.format(at)}`;
};

const startOf = (date: string, time: string, timeZone: string): Date => atLocalTime(date, Number(time.slice(0, 2)), Number(time.slice(3, 5)), timeZone);

/** Where and how: the address, the link and the note, a line each. */
export const placeText = (s: Pick<Sitting, "address" | "link" | "note">): Param =>
  lines([
    ...(s.address ? [{ key: "sitting.inPersonAt", params: { address: s.address } }] : []),
    ...(s.link ? [{ key: "sitting.onlineAt", params: { link: s.link } }] : []),
    ...(s.note ? [{ key: "sitting.noteLine", params: { note: s.note } }] : []),
  ]);

/** The answers a sitting offers: in person only with an address, online only with a link. */
const offered = (s: Sitting): SittingAnswer[] => [...(s.address ? (["in_person"] as const) : []), ...(s.link ? (["online"] as const) : []), "cannot"];
const answerButtons = (s: Sitting): Button[][] => offered(s).map((a) => [{ key: `sitting.answer.${a}`, ...act(answerAction, { sittingId: s.id, answer: a, v: s.sequence }) }]);

/**
 * An invitation (or a move) to one person: the text first — what the sitting is, when and where, with the answer
 * buttons — then the calendar file, captioned as one, so that nobody gets a bare file before knowing what it is.
 */
const invitation = (timeZone: string, key: string, k: CaseRow, s: Sitting, to: Recipient & { withdrew?: boolean }, extra: Params = {}, file?: "rejoined" | "moved"): Out[] => [
  // An applicant who withdrew consent may still attend (law.md §3 step 5), but cannot answer through the bot
  // (mydata.ts needsConsent): no buttons it would refuse, and a line that says why and what they can do.
  ...(to.withdrew
    ? [sayTo(to, key, { number: k.number, when: showWhen(s.startsAt, timeZone), place: placeText(s), ...extra }), sayTo(to, "sitting.withdrawnNote")]
    : [sayTo(to, key, { number: k.number, when: showWhen(s.startsAt, timeZone), place: placeText(s), ...extra }, answerButtons(s))]),
  document({ name: "sittingIcs", sittingId: s.id, ...(file ? { for: file } : {}) }, to),
];

/**
 * For someone who joins the case (a relative): the invitation to each sitting still to come, as everyone on the
 * case got it — none once the commission concluded or the case closed. `rejoined`: one removed before, whose
 * calendar got the file taking the sittings off (features/relatives).
 */
export const upcomingInvitations = async (tx: Tx, k: CaseRow & Pick<Case, "concludedAt" | "closedAt" | "status">, to: Recipient, c: { timeZone: string; now: Date }, rejoined = false): Promise<Out[]> => {
  if (ended(k)) return [];
  const sittings = await comingSittings(tx, k.id, c.now);
  return sittings.flatMap((s) => invitation(c.timeZone, invitationKey(k), k, s, to, {}, rejoined ? "rejoined" : undefined));
};

/** A case's sittings still to come, not cancelled: the ones its applicant and relatives were invited to. */
const comingSittings = (tx: Tx, caseId: number, now: Date): Promise<Sitting[]> =>
  tx.sitting.findMany({ where: { caseId, cancelledAt: null, startsAt: { gt: now } }, orderBy: { startsAt: "asc" } });

/**
 * For a relative removed from the case (features/relatives): each sitting still to come they were invited to, said
 * by its time, with the file that takes it off their calendar — not said to be cancelled: it is not, they only stop
 * hearing of it (law.md §3 step 5: close relatives may attend the sittings whatever the bot sends them).
 */
export const removedFromSittings = async (tx: Tx, k: CaseRow & Pick<Case, "concludedAt" | "closedAt" | "status">, to: Recipient, c: { timeZone: string; now: Date }): Promise<Out[]> => {
  if (ended(k)) return [];
  return (await comingSittings(tx, k.id, c.now)).flatMap((s) => [
    sayTo(to, "relatives.removedSitting", { number: k.number, when: showWhen(s.startsAt, c.timeZone) }),
    document({ name: "sittingIcs", sittingId: s.id, for: "removed", sequence: s.sequence }, to),
  ]);
};

const reminderKey = (s: { id: number; sequence: number }, r: Reminder) => `sitting:${s.id}:${s.sequence}:${r}`;

/** Reminders for this version of the sitting; the ones already past are not set. */
const scheduleReminders = async (tx: Tx, s: Sitting, now: Date) => {
  for (const [r, minutes] of Object.entries(REMINDERS) as [Reminder, number][]) {
    const dueAt = new Date(s.startsAt.getTime() - minutes * 60_000);
    if (dueAt > now) await schedule(tx, { kind: REMINDER_JOB, key: reminderKey(s, r), dueAt, payload: { sittingId: s.id, sequence: s.sequence, reminder: r } });
  }
};
const cancelReminders = async (tx: Tx, s: Sitting) => {
  for (const r of Object.keys(REMINDERS) as Reminder[]) await cancel(tx, reminderKey(s, r));
};

/**
 * A signed settlement agreement was recorded (features/mediation): the case is settled, and the bot follows its
 * sittings no more — their reminders cancelled. law.md says nothing of a settlement ending the commission's work, so
 * the sittings are not cancelled, nor said to be (no calendar file takes them off): each person invited to one still
 * to come is told, in their language, that the bot will neither remind them of it nor follow it, and that whether it
 * is held is for the organisation to say.
 */
export const settledCaseSittings = async (tx: Tx, caseId: number, c: { timeZone: string; now: Date }): Promise<Out[]> => {
  const coming = await comingSittings(tx, caseId, c.now);
  if (coming.length === 0) return [];
  for (const s of coming) await cancelReminders(tx, s);
  const k = await tx.case.findUniqueOrThrow({ where: { id: caseId }, select: { id: true, number: true, language: true, outcome: true, orgName: true, ...ORG_NAMES } });
  return (await people(tx, k)).flatMap((p) =>
    coming.map((s) => sayTo(p, "sitting.settledNotFollowed", { number: k.number, when: showWhen(s.startsAt, c.timeZone), org: caseOrg(k) })),
  );
};

/**
 * The conclusion was recorded: the commission has finished, and its sittings still to come will not take place.
 * Each is cancelled — its reminders too — and everyone on the case told, with the file that takes it off the
 * calendar the invitation put it in (else a relative comes to a sitting nobody holds). Said after the conclusion.
 */
export const endCaseSittings = async (tx: Tx, k: CaseRow, c: { userId: number; timeZone: string; now: Date }): Promise<Out[]> => {
  const coming = await tx.sitting.findMany({ where: { caseId: k.id, cancelledAt: null, startsAt: { gt: c.now } }, orderBy: { startsAt: "asc" } });
  if (coming.length === 0) return [];
  for (const s of coming) {
    await cancelReminders(tx, s);
    await tx.sitting.update({ where: { id: s.id }, data: { cancelledAt: c.now, sequence: { increment: 1 } } });
    await tx.caseEvent.create({ data: { caseId: k.id, kind: "sitting_cancelled", actorId: BigInt(c.userId), createdAt: c.now, payload: { sittingId: s.id, concluded: true } } });
  }
  const to = await people(tx, k);
  return to.flatMap((p) =>
    coming.flatMap((s) => [sayTo(p, "sitting.cancelledConcluded", { number: k.number, when: showWhen(s.startsAt, c.timeZone) }), document({ name: "sittingIcs", sittingId: s.id }, p)]),
  );
};

/** A sitting of one of the actor's organisations' cases; null for anything else (forged ids too). */
const staffSitting = async (tx: Tx, sittingId: number, userId: number) =>
  tx.sitting.findFirst({ where: { id: sittingId, case: await staffCasesWhere(tx, userId) }, include: { case: true } });

const people = async (tx: Tx, k: CaseRow) => {
  const on = await caseParticipants(tx, k.id);
  const withdrew = await withdrawnOf(tx, on.map((p) => p.userId));
  return on.map((p) => ({ ...reader(p.userId, p.user.language, k.language), withdrew: withdrew.has(p.userId) }));
};

/**
 * Why no sitting of this case can be set or moved now, or null when one can: the commission is not formed yet, or
 * its conclusion is recorded (it sits no more). Said when staff press the button, before any question (access.ts),
 * and again at Save.
 */
export const sittingRefusal = (k: Pick<Case, "number" | "concludedAt"> & Parameters<typeof stepOf>[0]): Out | null => {
  const step = stepOf(k);
  if (step === "commission_formed") return null;
  // Settled by a signed agreement, or closed: not «when the commission is formed», which will not come.
  const key = k.concludedAt ? "sitting.concluded" : step === "settled" || step === "closed" ? "sitting.caseEnded" : "sitting.notNow";
  return say(key, { number: k.number });
};

/**
 * How long after its start a sitting is taken as possibly still going on (its length is not known ahead): the family
 * pressing an answer then is told it began, with where to join; staff can still move or cancel it then (put off at
 * the last moment: an expert missing, a late start) — the same window, so the family is never told «it began» of a
 * sitting staff can no longer move, nor staff offered to cancel one the family was told is over. After it, the
 * sitting is taken as held. Not «until the end of the day»: that would let a morning sitting held hours ago be
 * cancelled, and everyone told it did not take place.
 */
export const STARTED_MS = 3 * 60 * 60_000;
/** Its start passed, but not by more than STARTED_MS: it may be going on, or may not have taken place. */
const begun = (s: Pick<Sitting, "startsAt">, now: Date): boolean => s.startsAt <= now && now.getTime() - s.startsAt.getTime() < STARTED_MS;
/** Its start passed by STARTED_MS or more: taken as held. */
const over = (s: Pick<Sitting, "startsAt">, now: Date): boolean => now.getTime() - s.startsAt.getTime() >= STARTED_MS;

/**
 * Why this sitting cannot be moved, or null: cancelled, or over (a button on a view opened before — staff schedule a
 * new one); one begun less than STARTED_MS ago can still be moved. Said when «Перенести» is pressed (access.ts) and
 * again at Save.
 */
export const moveRefusal = (s: Pick<Sitting, "cancelledAt" | "startsAt">, now: Date): Out | null =>
  s.cancelledAt ? say("sitting.alreadyCancelled") : over(s, now) ? say("sitting.over") : null;

/** A sitting of the case, not cancelled, set for this very time. */
const sittingAt = (tx: Tx, caseId: number, startsAt: Date) => tx.sitting.findFirst({ where: { caseId, cancelledAt: null, startsAt }, select: { id: true } });

export const scheduleSitting = async (tx: Tx, plan: DomainEffect<"scheduleSitting">, c: Ctx): Promise<Out[]> => {
  const k = await staffCase(tx, plan.caseId, c.userId);
  if (!k) return [say("cases.notFound")];
  const refused = sittingRefusal(k);
  if (refused) return [refused];
  const startsAt = startOf(plan.date, plan.time, c.timeZone);
  if (startsAt <= c.now) return [say("sitting.pastTime")];
  // Set already — by a colleague meanwhile, or by the same Save twice: the family is not invited to one sitting twice.
  if (await sittingAt(tx, k.id, startsAt)) return [say("sitting.sameTime", { number: k.number, when: showWhen(startsAt, c.timeZone) })];
  const s = await tx.sitting.create({
    data: { caseId: k.id, uid: `${randomUUID()}@kelisim`, startsAt, address: plan.address, link: plan.link, note: plan.note, createdAt: c.now },
  });
  await tx.caseEvent.create({ data: { caseId: k.id, kind: "sitting_scheduled", actorId: BigInt(c.userId), createdAt: c.now, payload: { sittingId: s.id, startsAt: startsAt.toISOString() } } });
  await scheduleReminders(tx, s, c.now);
  const to = await people(tx, k);
  return [
    say("sitting.scheduled", { number: k.number, when: showWhen(startsAt, c.timeZone), count: to.length }),
    ...to.flatMap((p) => invitation(c.timeZone, invitationKey(k), k, s, p)),
  ];
};

export const moveSitting = async (tx: Tx, r: DomainEffect<"moveSitting">, c: Ctx): Promise<Out[]> => {
  const s = await staffSitting(tx, r.sittingId, c.userId);
  if (!s) return [say("cases.notFound")];
  const cannot = moveRefusal(s, c.now);
  if (cannot) return [cannot];
  // After the conclusion there is no commission to sit: a move would only bring its reminders back.
  const refused = sittingRefusal(s.case);
  if (refused) return [refused];
  // Moved meanwhile (a colleague, from another view): not moved again from a time staff never saw — its time now said.
  if (r.sequence !== undefined && r.sequence !== s.sequence) return [say("sitting.movedMeanwhile", { number: s.case.number, when: showWhen(s.startsAt, c.timeZone) })];
  const startsAt = startOf(r.date, r.time, c.timeZone);
  if (startsAt <= c.now) return [say("sitting.pastTime")];
  // The time it already has: nobody is told of a move that is none, and nobody's answer is thrown away.
  // Or another sitting of the case has it (two would be one): nobody is told of a move that makes a double.
  if (startsAt.getTime() === s.startsAt.getTime() || (await sittingAt(tx, s.caseId, startsAt)))
    return [say("sitting.sameTime", { number: s.case.number, when: showWhen(startsAt, c.timeZone) })];
  await cancelReminders(tx, s);
  // Earlier answers were about the old time: everyone answers again.
  await tx.sittingResponse.deleteMany({ where: { sittingId: s.id } });
  const moved = await tx.sitting.update({ where: { id: s.id }, data: { startsAt, sequence: { increment: 1 } } });
  await tx.caseEvent.create({ data: { caseId: s.caseId, kind: "sitting_moved", actorId: BigInt(c.userId), createdAt: c.now, payload: { sittingId: s.id, from: s.startsAt.toISOString(), to: startsAt.toISOString() } } });
  await scheduleReminders(tx, moved, c.now);
  const to = await people(tx, s.case);
  const from = showWhen(s.startsAt, c.timeZone);
  // A relative who joined once its start had passed (while it may have been going on) was never invited to it
  // (upcomingInvitations): invited now, to the new time — not told of a move from a time they never had, nor that
  // a file updates an event their calendar does not hold. One removed before gets the file that follows the one
  // that took the case's sittings off their calendar, as at joining (features/relatives).
  const relatives = await tx.caseParticipant.findMany({ where: { caseId: s.caseId, role: "relative" }, select: { userId: true, addedAt: true, removedAt: true } });
  const late = new Set(relatives.filter((p) => p.removedAt === null && p.addedAt >= s.startsAt).map((p) => p.userId));
  const removedBefore = new Set(relatives.filter((p) => p.removedAt !== null).map((p) => p.userId));
  return [
    say("sitting.movedRecorded", { number: s.case.number, when: showWhen(startsAt, c.timeZone), count: to.length }),
    ...to.flatMap((p) =>
      late.has(BigInt(p.chatId))
        ? invitation(c.timeZone, invitationKey(s.case), s.case, moved, p, {}, removedBefore.has(BigInt(p.chatId)) ? "rejoined" : undefined)
        : invitation(c.timeZone, "sitting.moved", s.case, moved, p, { from }, "moved"),
    ),
  ];
};

/**
 * Why a sitting cannot be cancelled, or null when it can: not one of the actor's, cancelled already, over (everyone
 * would be told a sitting that took place did not), or its case ended — the conclusion recorded or the case closed
 * meanwhile (a button on a view opened before): the family has the conclusion, and is told nothing of a sitting
 * after it; the answer a move gets then (sittingRefusal). One begun less than STARTED_MS ago can still be cancelled.
 * Asked when «Отменить» is pressed, again at the confirmation, and at «Не отменять».
 */
const cancelRefusal = (s: { cancelledAt: Date | null; startsAt: Date; case: Parameters<typeof sittingRefusal>[0] & Parameters<typeof ended>[0] } | null, now: Date): Out | null =>
  !s
    ? say("cases.notFound")
    : s.cancelledAt
      ? say("sitting.alreadyCancelled")
      : ended(s.case)
        ? (sittingRefusal(s.case) ?? say("sitting.concluded", { number: s.case.number }))
        : over(s, now)
          ? say("sitting.over")
          : null;

/** «Cancel the sitting set for …?»: which one, when a case has several; a cancelled or past one is said so now. */
export const askCancelSitting = async (tx: Tx, e: DomainEffect<"askCancelSitting">, c: Ctx): Promise<Out[]> => {
  const s = await staffSitting(tx, e.sittingId, c.userId);
  const refused = cancelRefusal(s, c.now);
  // Nothing to confirm: staff's home follows.
  if (!s || refused) return [refused ?? say("cases.notFound"), thenHome("staff")];
  // Its start passed: cancelled only if it did not take place — everyone will be told it did not.
  return [
    say(begun(s, c.now) ? "sitting.confirmCancelBegun" : "sitting.confirmCancel", { number: s.case.number, when: showWhen(s.startsAt, c.timeZone) }, [
      [{ key: "sitting.cancelIt", ...act(cancelConfirmedAction, { sittingId: s.id, v: s.sequence }) }],
      [{ key: "sitting.keepIt", ...act(keepAction, { sittingId: s.id }) }],
    ]),
  ];
};

/** «Don't cancel»: the sitting stands — unless it was cancelled meanwhile (from another confirmation) or is over. */
export const keepSitting = async (tx: Tx, e: DomainEffect<"keepSitting">, c: Ctx): Promise<Out[]> => [
  cancelRefusal(await staffSitting(tx, e.sittingId, c.userId), c.now) ?? say("sitting.kept"),
  thenHome("staff"),
];

export const cancelSitting = async (tx: Tx, e: DomainEffect<"cancelSitting">, c: Ctx): Promise<Out[]> => {
  const s = await staffSitting(tx, e.sittingId, c.userId);
  const refused = cancelRefusal(s, c.now);
  // Cancelled, or refused for good: staff's home follows (asked again at a moved sitting's new time, the question stays last).
  const done = thenHome("staff");
  if (!s || refused) return [refused ?? say("cases.notFound"), done];
  // A confirmation that named the time before a move (a colleague moved it meanwhile): asked again, at the new time.
  if (e.sequence !== undefined && e.sequence !== s.sequence) return askCancelSitting(tx, { type: "askCancelSitting", sittingId: s.id }, c);
  await cancelReminders(tx, s);
  await tx.sitting.update({ where: { id: s.id }, data: { cancelledAt: c.now, sequence: { increment: 1 } } });
  await tx.caseEvent.create({ data: { caseId: s.caseId, kind: "sitting_cancelled", actorId: BigInt(c.userId), createdAt: c.now, payload: { sittingId: s.id } } });
  const when = showWhen(s.startsAt, c.timeZone);
  return [
    say("sitting.cancelledRecorded", { number: s.case.number, when }),
    ...(await people(tx, s.case)).flatMap((to) => [sayTo(to, "sitting.cancelled", { number: s.case.number, when }), document({ name: "sittingIcs", sittingId: s.id }, to)]),
    done,
  ];
};

/** «I will remind you …» names only the reminders still to come (a sitting set for today has no day-before one). */
const answeredKey = (startsAt: Date, now: Date): string =>
  startsAt.getTime() - REMINDERS.day * 60_000 > now.getTime()
    ? "sitting.answered"
    : startsAt.getTime() - REMINDERS.hours2 * 60_000 > now.getTime()
      ? "sitting.answeredSoonOnly"
      : "sitting.answeredNoReminders";

/** How a person on a case is named to staff: by role, a relative with the name they gave too; never by Telegram account. */
const who = (p: { role: string; relation: string | null; user?: { fullName: string | null } }): Param =>
  p.role !== "relative"
    ? { key: "sitting.who.applicant" }
    : p.user?.fullName
      ? { key: "sitting.who.relativeNamed", params: { name: p.user.fullName, relation: { key: `notice.relationForm.${p.relation}` } } }
      : { key: "sitting.who.relative", params: { relation: { key: `notice.relationForm.${p.relation}` } } };

/** Whether this user was a relative on the case, removed from it (by the applicant, or leaving at a withdrawal of consent). */
const wasRemoved = async (tx: Tx, caseId: number, userId: number): Promise<boolean> =>
  (await tx.caseParticipant.count({ where: { caseId, userId: BigInt(userId), role: "relative", removedAt: { not: null } } })) > 0;

export const answerSitting = async (tx: Tx, e: DomainEffect<"answerSitting">, c: Ctx): Promise<Out[]> => {
  const s = await tx.sitting.findUnique({ where: { id: e.sittingId }, include: { case: { include: ORG_NAMES } } });
  const me = s
    ? await tx.caseParticipant.findFirst({ where: { caseId: s.caseId, userId: BigInt(c.userId), removedAt: null, role: { in: ["applicant", "relative"] } }, include: { user: { select: { fullName: true } } } })
    : null;
  // Refused with nothing to answer any more (not the new time's buttons, nor where a sitting going on is held): their
  // menu follows, never a dead end.
  const done = thenHome();
  // A relative no longer on the case (removed by the applicant, or gone at a withdrawal of consent) pressing an
  // invitation's or a reminder's button kept in their chat: told why the answer is not taken — not «no such case», which
  // reads as if the case were gone — and that the right to attend is not the bot's to take (law.md §3 step 5). Nothing
  // of the case is said (its number neither: test/bot/abuse.test.ts), nor whether the sitting takes place.
  if (s && !me && (await wasRemoved(tx, s.caseId, c.userId))) return [say("sitting.removedNoAnswer"), await refusedHome(tx, c)];
  // Not on the case (a stranger, staff, forged data): the answer a missing case gets, and the presser's home.
  if (!s || !me) return [say("cases.notFound"), await refusedHome(tx, c)];
  // The commission concluded meanwhile — its sittings to come cancelled with it: nobody is expected.
  if (s.case.concludedAt) return [say("sitting.noMore", { number: s.case.number }), done];
  // Cancelled, or over: said so first — a family told of its cancellation is not told after a settlement to ask
  // whether it takes place, nor of one weeks past.
  if (s.cancelledAt) return [say("sitting.alreadyCancelled"), done];
  if (over(s, c.now)) return [say("sitting.over"), done];
  // Settled (or closed) meanwhile: the bot follows its sittings no more, but they are not cancelled by it (law.md says
  // nothing of it) — not said to be: whether one is held is for the organisation to say.
  if (ended(s.case)) return [say("sitting.noMoreSettled", { number: s.case.number, org: caseOrg(s.case) }), done];
  // Begun a little while ago (someone running late presses «online»): it may well be going on — not said to be over,
  // and where it is held said again, so they can still join. Later than that, it is over.
  // Its online link is the last thing to press; a sitting held only in person has none: the menu follows, not a dead end.
  if (begun(s, c.now))
    return [say("sitting.started", { number: s.case.number, when: showWhen(s.startsAt, c.timeZone), place: placeText(s) }), ...(s.link ? [] : [done])];
  // A button of the time before a move: «can't» meant that time, not the new one (nor does «in person»). The new
  // time is said, with the buttons that answer it.
  if (e.sequence !== undefined && e.sequence !== s.sequence)
    return [say("sitting.answerMoved", { number: s.case.number, when: showWhen(s.startsAt, c.timeZone) }, answerButtons(s))];
  if (!offered(s).includes(e.answer)) return [say("common.staleButton"), done];
  // The same answer pressed again: confirmed to them, staff not told twice.
  const before = await tx.sittingResponse.findUnique({ where: { sittingId_userId: { sittingId: s.id, userId: BigInt(c.userId) } } });
  const again = before?.answer === e.answer;
  await tx.sittingResponse.upsert({
    where: { sittingId_userId: { sittingId: s.id, userId: BigInt(c.userId) } },
    create: { sittingId: s.id, userId: BigInt(c.userId), answer: e.answer, answeredAt: c.now },
    update: { answer: e.answer, answeredAt: c.now },
  });
  const when = showWhen(s.startsAt, c.timeZone);
  const answer = { key: `sitting.answer.${e.answer}` };
  return [
    // The answer can be changed until the sitting.
    say(e.answer === "cannot" ? "sitting.answeredCannot" : answeredKey(s.startsAt, c.now), { number: s.case.number, when, answer }, answerButtons(s)),
    ...(again ? [] : await orgStaff(tx, s.case.organizationId, s.caseId)).map((m) => sayTo(reader(m.userId, m.user.language), "sitting.answerToStaff", { number: s.case.number, when, who: who(me), answer: { key: `sitting.answerOf.${e.answer}` } })),
  ];
};

/**
 * For staff's view of a case: its sittings to come, and those begun less than STARTED_MS ago (put off at the last
 * moment, they are moved or cancelled from here), each with who answered what, and buttons to change them. None once
 * the commission concluded or the case closed (ended), as the family sees it: the conclusion cancelled those to come,
 * and one begun is no longer moved or cancelled (cancelRefusal) — not offered as if it were.
 */
export const staffSittings = async (tx: Tx, caseId: number, c: { timeZone: string; now: Date }) => {
  const sittings = await tx.sitting.findMany({
    where: { caseId, cancelledAt: null, startsAt: { gt: new Date(c.now.getTime() - STARTED_MS) }, case: NOT_ENDED },
    include: { responses: true },
    orderBy: { startsAt: "asc" },
  });
  const everyone = await caseParticipants(tx, caseId);
  const shown = sittings.map((s) =>
    lines([
      begun(s, c.now)
        ? { key: "sitting.staffLineBegun", params: { when: showWhen(s.startsAt, c.timeZone), until: showWhen(new Date(s.startsAt.getTime() + STARTED_MS), c.timeZone) } }
        : { key: "sitting.staffLine", params: { when: showWhen(s.startsAt, c.timeZone) } },
      ...everyone.map((p) => {
        const r = s.responses.find((x) => x.userId === p.userId);
        // Staff read the answer in the third person («өзі келіп қатысады»), not the button's «Өзім барып қатысамын».
        return { key: "sitting.answerLine", params: { who: who(p), answer: { key: r ? `sitting.answerOf.${r.answer}` : "sitting.noAnswer" } } };
      }),
    ]),
  );
  const buttons: Button[][] = sittings.map((s) => [
    { key: "sitting.moveButton", params: { when: showWhen(s.startsAt, c.timeZone) }, ...act(moveAction, { sittingId: s.id, v: s.sequence }) },
    { key: "sitting.cancelButton", ...act(cancelAction, { sittingId: s.id }) },
  ]);
  return { lines: shown, buttons };
};

/** For a participant's view of a case: its sittings to come, with their own answer. */
/**
 * The case's coming sittings as the applicant or a relative sees them, with their answer; a sitting they have not
 * answered brings its answer buttons (named with its time), so the case view is never a dead end. One begun less than
 * STARTED_MS ago is there too, as an answer pressed then says it (its start passed; where to join it if it is going
 * on), with no answer buttons: staff may still move or cancel it, and the family looking then sees it is not gone.
 */
export const participantSittings = async (tx: Tx, caseId: number, c: { userId: number; timeZone: string; now: Date }): Promise<{ lines: Param[]; buttons: Button[][] }> => {
  // None once the commission concluded or the case closed (ended): nobody is expected at them any more.
  const listed = await tx.sitting.findMany({
    where: { caseId, cancelledAt: null, startsAt: { gt: new Date(c.now.getTime() - STARTED_MS) }, case: NOT_ENDED },
    include: { responses: { where: { userId: BigInt(c.userId) } } },
    orderBy: { startsAt: "asc" },
  });
  const shown = listed.map((s) => {
    if (begun(s, c.now)) return lines([{ key: "sitting.caseLineBegun", params: { when: showWhen(s.startsAt, c.timeZone) } }, placeText(s)]);
    const mine = s.responses[0];
    return lines([{ key: "sitting.caseLine", params: { when: showWhen(s.startsAt, c.timeZone), answer: { key: mine ? `sitting.answerText.${mine.answer}` : "sitting.noAnswer" } } }, placeText(s)]);
  });
  // Answered through the bot only while to come.
  const coming = listed.filter((s) => !begun(s, c.now));
  // As the invitation: someone who withdrew consent cannot answer through the bot — no buttons it would refuse, and why.
  if (coming.length && (await withdrawnOf(tx, [BigInt(c.userId)])).size) return { lines: [...shown, { key: "sitting.withdrawnNote" }], buttons: [] };
  return {
    lines: shown,
    // An answer given is changed from here too (the invitation's buttons scrolled away, and «can't» brings no
    // reminder to answer from): the answers other than theirs.
    buttons: coming.flatMap((s) =>
      offered(s)
        .filter((a) => a !== s.responses[0]?.answer)
        .map((a) => [{ key: "sitting.answerOn", params: { answer: { key: `sitting.answer.${a}` }, when: showWhen(s.startsAt, c.timeZone) }, ...act(answerAction, { sittingId: s.id, answer: a, v: s.sequence }) }]),
    ),
  };
};

/**
 * A case whose commission sits no more: its conclusion recorded, or the case closed (a settlement) — whatever its
 * status says since (a complaint drafted after the conclusion makes it «escalated»; one drafted before ends nothing).
 */
export const ended = (k: Pick<Case, "status" | "concludedAt" | "closedAt">): boolean => k.concludedAt !== null || k.closedAt !== null || k.status === "settled" || k.status === "closed";
/** The same, as a query's condition on a sitting's case: not ended (staff's home lists only such sittings, too). */
export const NOT_ENDED: Prisma.CaseWhereInput = { concludedAt: null, closedAt: null, status: { notIn: ["settled", "closed"] } };
/** The two-hours reminder says «in two hours»: with less than this left, it is no longer sent. */
const SOON_AT_LEAST_MS = 90 * 60_000;

/**
 * Whether a reminder of this version of the sitting still says the truth at `now`: the sitting neither cancelled,
 * nor moved, nor over, its case not settled or concluded meanwhile; the day-before one («tomorrow») only on the day
 * before the sitting, the two-hours one («in two hours») only while at least an hour and a half is left. Checked
 * when the job runs and again when its message is sent (a stop, a restart, a long queue in between).
 */
const reminderHolds = (
  s: Pick<Sitting, "cancelledAt" | "sequence" | "startsAt"> & { case: Pick<Case, "status" | "concludedAt" | "closedAt"> },
  r: { sequence: number; reminder: Reminder },
  now: Date,
  timeZone: string,
): boolean => {
  if (s.cancelledAt || s.sequence !== r.sequence || s.startsAt <= now || ended(s.case)) return false;
  return r.reminder === "day"
    ? addDays(localDate(now, timeZone), 1) === localDate(s.startsAt, timeZone)
    : s.startsAt.getTime() - now.getTime() >= SOON_AT_LEAST_MS;
};
const asReminder = (p: Record<string, unknown>): { sittingId: number; sequence: number; reminder: Reminder } => ({
  sittingId: Number(p.sittingId),
  sequence: Number(p.sequence),
  reminder: p.reminder === "day" ? "day" : "hours2",
});

/** Whom a reminder goes to: everyone on the case (not removed) who has not said they cannot come. */
const remindable = (p: { userId: bigint }, responses: readonly { userId: bigint; answer: string }[]) =>
  !responses.some((x) => x.userId === p.userId && x.answer === "cannot");

/** A reminder's message, checked again when it is sent (StillTrue): the sitting's, and still its reader's. */
export const sittingChecks: Record<string, TruthCheck> = {
  [REMINDER_JOB]: async (db, params, now, d) => {
    const r = asReminder(params);
    const s = await db.sitting.findUnique({ where: { id: r.sittingId }, include: { case: { select: { status: true, concludedAt: true, closedAt: true } } } });
    if (!s || !reminderHolds(s, r, now, d.timeZone)) return false;
    // Its reader (a check written without one names none: the sitting's part alone).
    if (typeof params.userId !== "string" || !/^\d+$/.test(params.userId)) return true;
    const userId = BigInt(params.userId);
    if (!remindable({ userId }, await db.sittingResponse.findMany({ where: { sittingId: s.id, userId } }))) return false;
    // Removed from the case meanwhile (a relative), or left it: no more of its messages.
    return (await db.caseParticipant.count({ where: { caseId: s.caseId, userId, removedAt: null, role: { in: ["applicant", "relative"] } } })) > 0;
  },
};

/** Reminders: to everyone on the case who has not said they cannot come; nothing for a changed or cancelled sitting. */
export const sittingJobs: Record<string, JobHandler> = {
  [REMINDER_JOB]: async (tx, job, now, d): Promise<Addressed[]> => {
    const r = asReminder(job.payload);
    const s = await tx.sitting.findUnique({ where: { id: r.sittingId }, include: { case: true, responses: true } });
    if (!s || !reminderHolds(s, r, now, d.timeZone)) return [];
    const key = r.reminder === "day" ? "sitting.reminderDay" : "sitting.reminderSoon";
    const on = (await caseParticipants(tx, s.caseId)).filter((p) => remindable(p, s.responses));
    const withdrew = await withdrawnOf(tx, on.map((p) => p.userId));
    return on.flatMap((p) => {
      const mine = s.responses.find((x) => x.userId === p.userId);
      const to = reader(p.userId, p.user.language, s.case.language);
      const params = { number: s.case.number, when: showWhen(s.startsAt, d.timeZone), place: placeText(s), answer: { key: mine ? `sitting.answerText.${mine.answer}` : "sitting.noAnswer" } };
      const stillTrue = { check: REMINDER_JOB, params: { sittingId: r.sittingId, sequence: r.sequence, reminder: r.reminder, userId: String(p.userId) } };
      // As the invitation (above): an applicant who withdrew consent is still reminded — they may attend — but
      // without buttons the bot would refuse, and with the line that says why and what they can do.
      if (withdrew.has(p.userId)) return [{ ...sayTo(to, key, params), stillTrue }, { ...sayTo(to, "sitting.withdrawnNote"), stillTrue }];
      // With the answer buttons: someone who has not answered, or can no longer come, says so from here.
      return [{ ...sayTo(to, key, params, answerButtons(s)), stillTrue }];
    });
  },
};
