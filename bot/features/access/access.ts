// Flows that act on a case open only for someone who may act on it (issue 13): the button's action asks
// (openChecked), this checks against the database, and the flow opens — or the user gets the answer a missing
// case gets, before any question. The handlers at the end of each flow check again, with the case's state.
import { defaultFlows } from "../../../machines/chat.js";
import type { DomainEffect } from "../../../machines/effects.js";
import type { Role } from "../../../machines/flow.js";
import type { Ctx, Tx } from "../../core/actor.js";
import { answersOf, dueNote, formedOn, ORG_NAMES, orgNames } from "../../core/case.js";
import { say, thenHome, type Out } from "../../core/effects.js";
import { applicantOf, onCase, refusedHome, staffCase, staffOrgs } from "../../core/people.js";
import { conclusionRefusal } from "../commission/record.js";
import { CONCLUSION_WORKING_DAYS } from "../commission/deadlines.js";
import { checkRoleInvite, ownInviteRefusal } from "../admin/admin.js";
import { checkCaseInvite } from "../relatives/relatives.js";
import { counterOpening, mediationOpenedAs, mediationSide, notNow, proposalOpenedAs, proposalOpening, proposalSide, signedAgreementOpening } from "../mediation/mediation.js";
import type { OpenedAs } from "../../../machines/flow.js";
import { moveRefusal, sittingRefusal } from "../sittings/sittings.js";
import { notApplicant } from "../escalation/escalation.js";
import { handInRefusal } from "../receipt/receipt.js";

const num = (x: unknown): number => (typeof x === "number" && Number.isInteger(x) ? x : 0);

const staffOfCase = async (tx: Tx, caseId: number, userId: number) => (await staffCase(tx, caseId, userId)) !== null;
const applicantOfCase = async (tx: Tx, caseId: number, userId: number) => (await applicantOf(tx, caseId, userId)) !== null;

const allowed = async (tx: Tx, e: DomainEffect<"openChecked">, userId: number): Promise<boolean> => {
  const i = e.input;
  switch (e.flow) {
    case "receipt":
    case "formation":
    case "conclusion":
      return staffOfCase(tx, num(i.caseId), userId);
    case "sitting": {
      if (num(i.sittingId) === 0) return staffOfCase(tx, num(i.caseId), userId);
      const s = await tx.sitting.findUnique({ where: { id: num(i.sittingId) }, select: { caseId: true } });
      return s !== null && staffOfCase(tx, s.caseId, userId);
    }
    case "handIn":
      return applicantOfCase(tx, num(i.caseId), userId);
    case "relay":
      return (await mediationSide(tx, num(i.mediationId), userId)) !== null;
    case "proposal":
      return (await mediationSide(tx, num(i.mediationId), userId)) === "mediator";
    case "signedAgreement": {
      const side = await mediationSide(tx, num(i.mediationId), userId);
      return side === "mediator" || side === "organization";
    }
    case "counter": {
      const side = await proposalSide(tx, num(i.proposalId), userId);
      return side === "applicant" || side === "organization";
    }
    case "particulars": {
      const purpose = (i.purpose ?? {}) as { for?: unknown; caseId?: unknown; mediationId?: unknown };
      if (purpose.for === "complaint") return applicantOfCase(tx, num(purpose.caseId), userId);
      if (purpose.for === "mediation") return (await mediationSide(tx, num(purpose.mediationId), userId)) === "applicant";
      return false;
    }
  }
};

/** The flows one role runs, as their definitions say (FlowDef `role`). */
const flowsOf = (role: Role): readonly string[] =>
  Object.values(defaultFlows)
    .filter((f) => f.role === role)
    .map((f) => f.name);
const STAFF_FLOWS = flowsOf("staff");
/** Why a flow did not open: staff on their own organisation's case as its applicant or a relative are told so. */
const refusal = async (tx: Tx, e: DomainEffect<"openChecked">, userId: number): Promise<Out> => {
  if (STAFF_FLOWS.includes(e.flow)) {
    const caseId = await staffFlowCase(tx, e);
    const k = caseId > 0 ? await tx.case.findFirst({ where: { id: caseId, organizationId: { in: await staffOrgs(tx, userId) } }, select: { number: true } }) : null;
    if (k && (await onCase(tx, caseId, userId))) return say("staff.ownCase", { number: k.number });
  }
  // A complaint's particulars asked by a relative on the case: the applicant prepares it, as escalation.ts says.
  const purpose = (e.input.purpose ?? {}) as { for?: unknown; caseId?: unknown };
  if (e.flow === "particulars" && purpose.for === "complaint") return notApplicant(tx, num(purpose.caseId), userId);
  return say("cases.notFound");
};

/** A flow that does not open leaves nothing to answer: what was said, then the question of a flow still open, else the home. */
const no = (said: Out): Out[] => [said, thenHome()];
/** The flows of a case's applicant (their buttons' `side: "applicant"`): refused, the presser's own home follows (refusedHome). */
const APPLICANT_FLOWS = flowsOf("applicant");
/** Not theirs to open: why, then the home — of the role the button is for, or the presser's own when they are on no case. */
const notAllowed = async (tx: Tx, e: DomainEffect<"openChecked">, c: Ctx): Promise<Out[]> => {
  const said = await refusal(tx, e, c.userId);
  return APPLICANT_FLOWS.includes(e.flow) ? [said, await refusedHome(tx, c)] : no(said);
};

/** The case a staff flow is about: its own id, or its sitting's case (0 when neither is found). */
const staffFlowCase = async (tx: Tx, e: DomainEffect<"openChecked">): Promise<number> => {
  const sittingId = num(e.input.sittingId);
  return sittingId ? ((await tx.sitting.findUnique({ where: { id: sittingId }, select: { caseId: true } }))?.caseId ?? 0) : num(e.input.caseId);
};

/** Staff of the case's organisation: the organisation a staff flow on it is opened for (OpenedAs). */
const staffOpenedAs = async (tx: Tx, caseId: number): Promise<OpenedAs | undefined> => {
  const k = caseId > 0 ? await tx.case.findUnique({ where: { id: caseId }, select: { organizationId: true, ...ORG_NAMES } }) : null;
  return k?.organizationId != null && k.organization ? { role: "staff", org: { id: k.organizationId, name: orgNames(k.organization) } } : undefined;
};

/**
 * The role a flow is opened in goes with it, so that it ends when that role is taken away while it is open
 * (machines/chat.ts): a mediation's flow that every side may open (no role of its own) — the mediator's, or staff of the
 * case's organisation; staff's own flows (receipt, formation, conclusion, sitting) — the case's organisation, for staff
 * revoked there while still staff of another are no longer its staff.
 */
const openedAs = async (tx: Tx, e: DomainEffect<"openChecked">, userId: number): Promise<{ as?: OpenedAs }> => {
  const as =
    e.flow === "relay" || e.flow === "signedAgreement"
      ? await mediationOpenedAs(tx, num(e.input.mediationId), userId)
      : e.flow === "counter"
        ? await proposalOpenedAs(tx, num(e.input.proposalId), userId)
        : STAFF_FLOWS.includes(e.flow)
          ? await staffOpenedAs(tx, await staffFlowCase(tx, e))
          : undefined;
  return as ? { as } : {};
};

export const openChecked = async (tx: Tx, e: DomainEffect<"openChecked">, c: Ctx): Promise<Out[]> => {
  if (!(await allowed(tx, e, c.userId))) return notAllowed(tx, e, c);
  const as = await openedAs(tx, e, c.userId);
  // A message in a mediation no longer talking (ended, declined): said before anything is typed, not after.
  if (e.flow === "relay") {
    const m = await tx.mediation.findUnique({ where: { id: num(e.input.mediationId) }, select: { state: true, endReason: true, startedAt: true, case: { select: { number: true } } } });
    if (m && m.state !== "running" && m.state !== "signing") return no(notNow(m, { key: "mediation.notRunning", params: { number: m.case.number } }));
  }
  // A counter-offer to a proposal that no longer stands (a newer one, its date passed, both accepted it): likewise.
  if (e.flow === "counter") {
    const opened = await counterOpening(tx, num(e.input.proposalId), c);
    if ("refused" in opened) return no(opened.refused);
    return [{ type: "reply", event: { type: "OPEN", flow: e.flow, input: opened.input, ...as } }];
  }
  // «Шартпен келісемін» on a contract whose mediation no longer waits for the sides' consent (ended unanswered, refused,
  // the mediator withdrew): said at once — not after the surname, name, IIN and address were typed for nothing.
  if (e.flow === "particulars") {
    const purpose = e.input.purpose as { for?: string; mediationId?: number } | undefined;
    if (purpose?.for === "mediation") {
      const m = await tx.mediation.findUnique({ where: { id: num(purpose.mediationId) }, select: { state: true, endReason: true, startedAt: true, case: { select: { number: true } } } });
      const already = m?.state === "proposed" ? null : { key: "mediation.why.contractAgreed", params: { number: m?.case.number ?? "" } };
      if (m && m.state !== "agreeing") return no(notNow(m, already ?? undefined));
    }
  }
  // The mediator's proposal: its review shows the amount beside the statutory minimum for the case's outcome.
  if (e.flow === "proposal") return [{ type: "reply", event: { type: "OPEN", flow: e.flow, input: await proposalOpening(tx, num(e.input.mediationId), c) } }];
  // Staff's receipt, or the applicant's «I handed it in», on a case already received (the applicant said they handed it
  // in, a colleague recorded it) or ended: said at once with its date, before the registration number or the date is
  // asked for nothing (one recorded while the flow is open is said at Save: receipt.ts).
  if (e.flow === "receipt" || e.flow === "handIn") {
    const k = await tx.case.findUnique({ where: { id: num(e.input.caseId) } });
    const refused = k && handInRefusal(k);
    if (refused) return no(refused);
  }
  // A sitting or a conclusion the case's step no longer takes (the conclusion recorded meanwhile, a button on an old
  // message): said before anything is typed, not at Save after every question.
  if (e.flow === "sitting" || e.flow === "conclusion") {
    const sittingId = num(e.input.sittingId);
    const s = sittingId ? await tx.sitting.findUnique({ where: { id: sittingId }, select: { caseId: true, cancelledAt: true, startsAt: true } }) : null;
    const caseId = sittingId ? (s?.caseId ?? 0) : num(e.input.caseId);
    const k = await tx.case.findUnique({ where: { id: caseId } });
    const refused = k && (e.flow === "sitting" ? sittingRefusal(k) : conclusionRefusal(k));
    if (refused) return no(refused);
    // «Перенести» on a view opened before the sitting was cancelled or took place.
    const cannot = s && moveRefusal(s, c.now);
    if (cannot) return no(cannot);
    // Staff with many cases see which case the flow's first question is about.
    const number = k ? { number: k.number } : {};
    // The sitting's review says when its day is after the conclusion's term as the case counts it (law.md §3 step 6).
    if (e.flow === "sitting") {
      const due = k ? answersOf(k.answers).conclusionDue : undefined;
      // With the calendar's notes of that term as the case counts it (from the formation: every unchecked year it went
      // through), before its end and after it: the review says whichever holds on the day it is shown.
      const conclusion = k && typeof due === "string" ? { conclusionDue: due, conclusionDays: CONCLUSION_WORKING_DAYS, conclusionNotes: { open: dueNote(k.answers, "conclusionDue"), passed: dueNote(k.answers, "conclusionDue", true) } } : {};
      return [{ type: "reply", event: { type: "OPEN", flow: e.flow, input: { ...e.input, ...number, ...conclusion }, ...as } }];
    }
    // The conclusion's day cannot be before the commission was formed: the flow is told the case's own formation day,
    // whatever the button carried (none on buttons sent before the day was asked), so a wrong day is asked again at
    // once — not refused after Save, with everything typed lost.
    const notBefore = k ? formedOn(k, c.timeZone) : "";
    return [{ type: "reply", event: { type: "OPEN", flow: e.flow, input: { caseId, ...number, ...(notBefore ? { notBefore } : {}) }, ...as } }];
  }
  // A signed agreement for a mediation no longer waiting for one (settled, or ended otherwise than by its term at
  // signing): said before the file is asked for; after its term ran out at signing, the day it was signed is asked too.
  if (e.flow === "signedAgreement") {
    const opened = await signedAgreementOpening(tx, num(e.input.mediationId), c);
    if ("refused" in opened) return no(opened.refused);
    return [{ type: "reply", event: { type: "OPEN", flow: e.flow, input: opened.input, ...as } }];
  }
  return [{ type: "reply", event: { type: "OPEN", flow: e.flow, input: e.input, ...as } }];
};

/** A confirmation asked before a step (askChecked): only of someone who may take it; anyone else is refused as openChecked refuses. */
export const askChecked = async (tx: Tx, e: DomainEffect<"askChecked">, c: Ctx): Promise<Out[]> => {
  const as: DomainEffect<"openChecked"> = { type: "openChecked", flow: e.as, input: e.input };
  return (await allowed(tx, as, c.userId)) ? [e.ask] : notAllowed(tx, as, c);
};

/**
 * «Продолжить» on an invite set aside: its link as it stands now. Still good: the invite's question again. Expired,
 * revoked or used meanwhile (or its role or case theirs already): said at once, as opening the link would say it, and
 * the invite goes — nobody answers its questions again to be refused at the last one.
 */
export const checkInvite = async (tx: Tx, e: DomainEffect<"checkInvite">, c: Ctx): Promise<Out[]> => {
  const gone = (said: Out): Out[] => [said, { type: "reply", event: { type: "INVITE", flow: e.flow, valid: false } }];
  if (e.flow === "join") {
    const invite = await checkCaseInvite(tx, e.token, c.now, c.userId);
    if (!invite) return gone(say("admin.inviteInvalid"));
    if (invite.already) return gone(say("relatives.already", { number: invite.number }));
  } else if (e.inviteId !== undefined) {
    // An invite its maker, an admin, is taking themselves: still theirs, unused and unrevoked.
    const refused = await ownInviteRefusal(tx, e.inviteId, c);
    if (refused) return gone(refused);
  } else {
    const invite = await checkRoleInvite(tx, e.token, c.now, c.userId);
    if (!invite) return gone(say("admin.inviteInvalid"));
    if (invite.already) {
      const { role, org, used } = invite;
      const key = used ? (role === "mediator" ? "admin.joinedByItMediator" : "admin.joinedByItStaff") : role === "mediator" ? "admin.alreadyMediator" : "admin.alreadyStaff";
      return gone(say(key, role === "mediator" ? {} : { org: org ?? "" }));
    }
  }
  return [{ type: "reply", event: { type: "INVITE", flow: e.flow, valid: true } }];
};
