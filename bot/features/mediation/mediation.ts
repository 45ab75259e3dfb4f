// Mediation on a case (law.md §4): voluntary, confidential, with an impartial mediator. Staff or an admin
// assign a registered mediator, who accepts or declines; both sides then see the mediation contract's
// essentials (parties, mediator, subject, term, voluntariness, confidentiality) and agree — it starts when
// both have. The bot relays messages by role (never a Telegram account), keeps every proposal and
// counter-offer with the statutory minimum for the patient's outcome beside its amount, and when both
// sides accept one, sends the settlement agreement naming the parties and the mediator; when both agreed
// to its text, the mediator or the organisation's staff record the signed agreement — only then is the
// case settled. Only the mediation's participants see what is said in it.
import { act } from "../../../machines/actions.js";
import { addDays, atLocalTime, endOfDay, localDate, localTime } from "../../../machines/calendar.js";
import { type Button, type DomainEffect, type FileRef, type MediationRecipient, type Param, type Recipient } from "../../../machines/effects.js";
import { showDate } from "../../../machines/notice.js";
import { minimumBeside } from "../../../machines/mediation.js";
import type { OpenedAs } from "../../../machines/flow.js";
import type { CaseStatus } from "../../db/generated/enums.js";
import { lockCases, tryLockCaseOf } from "../../core/case-lock.js";
import { caseOrg, ORG_NAMES, orgNames, regionName, statusBefore } from "../../core/case.js";
import type { Ctx, Prisma, Tx } from "../../core/actor.js";
import { lines, say, sayText, sayTo, thenHome, withCondolence, type Addressed, type JobHandler, type Out, type TruthCheck } from "../../core/effects.js";
import { document } from "../../core/documents.js";
import { caseParticipants, onCase, orgStaff, reader, recordAccess, refusedHome, staffOrgs, withdrawnOf } from "../../core/people.js";
import { seal } from "../../crypto.js";
import { CASE_BUSY_MS, cancel, eachCase, failed, schedule } from "../../jobs/jobs.js";
import { backToAdmin, listUnlinked as listUnlinkedAction } from "../admin/actions.js";
import { caseKeyset, cursorRow, keysetPage, PAGE, pageRow, pageStart, type PageAt } from "../admin/pages.js";
import { chooseEscalation } from "../escalation/actions.js";
import { openStaffCase, pageButtons } from "../staff/actions.js";
import { openCase } from "../cases/actions.js";
import { settledCaseSittings } from "../sittings/sittings.js";
import {
  acceptMediation, acceptProposal, agreeToMediate, applicantAgrees, askMediator, recordContract, recordSigned, assignMediator as assignAction, confirmAgreement as confirmAction, counterOffer as counterAction,
  declineMediation, endMediation as endAction, mediationCasesForAdminAt, pickMediator as pickAction, pickMediatorAsAdmin as pickAsAdmin, assignMediatorAsAdmin as assignAsAdmin, proposeSettlement as proposeAction, refuseToMediate, rejectProposal, viewMediation, writeInMediation,
} from "./actions.js";

/** Telegram's limit for a file's caption, in characters. */
const CAPTION_MAX = 1024;
/** How long mediation runs before it ends by itself, by default (about a month is reported; law.md §4): MEDIATION_DAYS. */
export const MEDIATION_DAYS = 30;
const ACTIVE = ["proposed", "agreeing", "running", "signing"] as const;
const EXPIRE_MEDIATION = "mediation_expire";
const EXPIRE_PROPOSAL = "proposal_expire";
/**
 * A proposal to mediate — to the mediator, then to the sides — left unanswered this many calendar days lapses
 * (law.md §4: it counts as refused, Law «О медиации» Art. 20 p.6, *likely*): the case is not held by it for good.
 */
const OFFER_LAPSE = "mediation_offer_lapse";
const OFFER_DAYS = 10;
const scheduleLapse = (tx: Tx, mediationId: number, now: Date) =>
  schedule(tx, { kind: OFFER_LAPSE, key: `mediation:${mediationId}:offer`, dueAt: new Date(now.getTime() + OFFER_DAYS * 86_400_000), payload: { mediationId } });
/**
 * Both sides agreed to the agreement's text; its signed copy is not recorded yet. The mediator and the organisation's
 * staff (who record it) are reminded a week after, every week after that, and in the morning of the mediation's last
 * day; at its end, unrecorded, the mediation ends as one whose term ran out (EXPIRE_MEDIATION).
 */
const SIGN_REMIND = "mediation_sign_remind";
const SIGN_REMIND_DAYS = 7;
/** Calendar days left at least to record the signed agreement after both sides agreed to its text. */
const SIGN_MIN_DAYS = 10;
const SIGN_REMIND_HOUR = 9;
const signKey = (mediationId: number) => `mediation:${mediationId}:sign`;
const expireKey = (mediationId: number) => `mediation:${mediationId}:expire`;
/** The next reminder to record the signed agreement after `now`, before the mediation's end; null: none is left. */
const nextSignReminder = (now: Date, endsAt: Date | null, timeZone: string): Date | null => {
  const weekly = atLocalTime(addDays(localDate(now, timeZone), SIGN_REMIND_DAYS), SIGN_REMIND_HOUR, 0, timeZone);
  const lastDay = endsAt ? atLocalTime(localDate(endsAt, timeZone), SIGN_REMIND_HOUR, 0, timeZone) : null;
  const due = [weekly, lastDay].filter((d): d is Date => d !== null && d > now && (endsAt === null || d < endsAt)).sort((a, b) => a.getTime() - b.getTime());
  return due[0] ?? null;
};
/** The mediation's end by its term (EXPIRE_MEDIATION), just after `endsAt`; scheduled again when the term moves. */
const scheduleExpiry = (tx: Tx, mediationId: number, endsAt: Date) =>
  schedule(tx, { kind: EXPIRE_MEDIATION, key: expireKey(mediationId), dueAt: new Date(endsAt.getTime() + 1), payload: { mediationId } });
const scheduleSignReminder = async (tx: Tx, mediationId: number, now: Date, endsAt: Date | null, timeZone: string) => {
  const dueAt = nextSignReminder(now, endsAt, timeZone);
  if (dueAt) await schedule(tx, { kind: SIGN_REMIND, key: signKey(mediationId), dueAt, payload: { mediationId } });
};

type Side = "mediator" | "applicant" | "organization";
interface Member extends Recipient {
  userId: bigint;
  side: Side;
  /** The applicant withdrew consent: they cannot draft a complaint through the bot (mydata.ts needsConsent). */
  withdrew?: boolean;
}
type MediationRow = NonNullable<Awaited<ReturnType<typeof loadMediation>>>;

const loadMediation = (tx: Tx, id: number) => tx.mediation.findUnique({ where: { id }, include: { case: true } });

/**
 * In a death case, condolence comes once in a mediation, before the first message that names the death or an amount
 * (language.md «Tone»: «the next message begins with condolence») — not as a message of its own before every proposal,
 * agreement and notice to the same grieving people. The proposal that carried it says so (`condoled` on its
 * proposal_made event); the outcome recorded as death after it (a conclusion during the mediation) is condoled again.
 */
const condoledIn = async (tx: Tx, m: MediationRow): Promise<boolean> =>
  m.case.outcome === "death" &&
  (await tx.caseEvent.findMany({ where: { caseId: m.caseId, kind: "proposal_made" }, select: { payload: true } })).some((ev) => {
    const p = ev.payload as { mediationId?: number; condoled?: boolean } | null;
    return p?.condoled === true && p.mediationId === m.id;
  });
/** Condolence before these messages, unless said already in this mediation (condoledIn). */
const condoleOnce = (outcome: string | null, said: boolean, to: Recipient | null, ...messages: Out[]): Out[] => (said ? messages : withCondolence(outcome, to, ...messages));
const notFound = (): Out[] => [say("cases.notFound")];

/**
 * Why nothing can be done now in a mediation that is over, in a sentence of its own: ended with the signed agreement
 * recorded (settled: law.md §4), ended without one, or never begun (the mediator declined, a side refused the
 * contract, or it lapsed unanswered); null while it is under way (the caller says what applies then).
 */
export interface Why {
  key: string;
  params: { number: string; round?: number };
}
export const mediationOver = (m: { state: string; endReason: string | null; startedAt: Date | null }, number: string): Why | null => {
  if (m.state === "settled") return { key: "mediation.why.settled", params: { number } };
  if (m.state === "declined") return { key: "mediation.why.declined", params: { number } };
  if (m.state !== "ended") return null;
  if (m.startedAt !== null) return { key: "mediation.why.ended", params: { number } };
  return { key: m.endReason === "refused" ? "mediation.why.refused" : "mediation.why.notBegun", params: { number } };
};
/** A refusal where a mediation is not at the step a button is for: why, if it is over; else `otherwise` (or «not now»). */
export const notNow = (m: { state: string; endReason: string | null; startedAt: Date | null; case: { number: string } }, otherwise?: Why): Out => {
  const why = mediationOver(m, m.case.number) ?? otherwise ?? { key: "mediation.notNow", params: { number: m.case.number } };
  return say(why.key, why.params);
};

/** Whether the mediation's mediator still holds the mediator's role (an admin may revoke it meanwhile). */
const mediatorActive = async (tx: Tx, m: { mediatorId: bigint }): Promise<boolean> =>
  (await tx.userRole.findFirst({ where: { userId: m.mediatorId, role: "mediator", revokedAt: null }, select: { id: true } })) !== null;

/** Whether this user is the mediation's mediator, with the role still theirs. */
const isMediatorOf = async (tx: Tx, m: { mediatorId: bigint }, userId: number): Promise<boolean> => m.mediatorId === BigInt(userId) && (await mediatorActive(tx, m));

/**
 * Everyone in the mediation: the mediator (while the role is theirs: one whose role was revoked neither reads,
 * writes nor receives anything of it, as staff whose role was revoked), the applicants, and the staff of the
 * case's organisation.
 */
const members = async (tx: Tx, m: MediationRow): Promise<Member[]> => {
  const applicants = await caseParticipants(tx, m.caseId, ["applicant"]);
  const staff = await orgStaff(tx, m.case.organizationId, m.caseId);
  const mediator = (await mediatorActive(tx, m)) ? await tx.user.findUnique({ where: { id: m.mediatorId } }) : null;
  const withdrew = await withdrawnOf(tx, applicants.map((a) => a.userId));
  const member = (userId: bigint, side: Side, lang: Member["lang"]): Member => ({ ...reader(userId, lang, m.case.language), userId, side });
  return [
    ...(mediator ? [member(m.mediatorId, "mediator", mediator.language)] : []),
    ...applicants.map((a) => ({ ...member(a.userId, "applicant", a.user.language), ...(withdrew.has(a.userId) ? { withdrew: true } : {}) })),
    ...staff.map((s) => member(s.userId, "organization", s.user.language)),
  ];
};

/** A mediator as others see them: their full name (given when they joined). */
export const mediatorName = (fullName: string | null | undefined): Param => fullName ?? { key: "mediation.unnamedMediator" };

const sideOf = (all: Member[], userId: number): Side | null => all.find((x) => x.userId === BigInt(userId))?.side ?? null;

/** Which side of a mediation this user is on (mediator, applicant, organisation), or null; and of a proposal's mediation. */
export const mediationSide = async (tx: Tx, mediationId: number, userId: number): Promise<Side | null> => {
  const m = await loadMediation(tx, mediationId);
  return m ? sideOf(await members(tx, m), userId) : null;
};
/**
 * The role a side opens a mediation's flow in (a message, a counter-offer, the signed agreement or contract): the
 * mediator's, or staff of the case's organisation — the flow ends when that is taken away while it is open
 * (machines/chat.ts); an applicant's, none.
 */
export const mediationOpenedAs = async (tx: Tx, mediationId: number, userId: number): Promise<OpenedAs | undefined> => {
  const m = await tx.mediation.findUnique({ where: { id: mediationId }, include: { case: { include: ORG_NAMES } } });
  if (!m) return undefined;
  const side = sideOf(await members(tx, m), userId);
  if (side === "mediator") return { role: "mediator" };
  if (side !== "organization" || m.case.organizationId === null || !m.case.organization) return undefined;
  return { role: "staff", org: { id: m.case.organizationId, name: orgNames(m.case.organization) } };
};
export const proposalOpenedAs = async (tx: Tx, proposalId: number, userId: number): Promise<OpenedAs | undefined> => {
  const p = await tx.proposal.findUnique({ where: { id: proposalId }, select: { mediationId: true } });
  return p?.mediationId ? mediationOpenedAs(tx, p.mediationId, userId) : undefined;
};
export const proposalSide = async (tx: Tx, proposalId: number, userId: number): Promise<Side | null> => {
  const p = await tx.proposal.findUnique({ where: { id: proposalId }, select: { mediationId: true } });
  return p?.mediationId ? mediationSide(tx, p.mediationId, userId) : null;
};

const role = (side: Side): Param => ({ key: `mediation.role.${side}` });
/** The buttons a member has while mediation runs. */
const runningButtons = (side: Side, mediationId: number): Button[][] => [
  [{ key: "mediation.write", ...act(writeInMediation, { mediationId }) }],
  ...(side === "mediator" ? [[{ key: "mediation.propose", ...act(proposeAction, { mediationId }) }]] : []),
  [{ key: side === "mediator" ? "mediation.end" : "mediation.withdraw", ...act(endAction, { mediationId }) }],
];

/**
 * A case whose procedure ended (settled, closed) is offered no mediation, and none starts on it. A drafted
 * complaint («escalated») ends nothing — the bot sent it nowhere, and mediation may come even after a court case
 * starts (law.md §4) — so it may have one.
 */
const NO_MEDIATION: CaseStatus[] = ["settled", "closed"];

/**
 * Why no mediator can be proposed for the case now, in a sentence of its own, or null when one can: settled (its signed
 * agreement recorded: law.md §4), closed, or a mediation already under way — proposed to a mediator who has not
 * answered, waiting for the sides to agree to its contract, or running.
 */
const noNewMediation = async (tx: Tx, k: { id: number; number: string; status: CaseStatus }): Promise<Why | null> => {
  const number = k.number;
  if (k.status === "settled") return { key: "mediation.why.caseSettled", params: { number } };
  if (k.status === "closed") return { key: "mediation.why.caseClosed", params: { number } };
  const m = await tx.mediation.findFirst({ where: { caseId: k.id, state: { in: [...ACTIVE] } }, select: { state: true } });
  if (!m) return null;
  return { key: m.state === "proposed" ? "mediation.why.proposed" : m.state === "agreeing" ? "mediation.why.agreeing" : "mediation.why.running", params: { number } };
};

/** Staff of the case's organisation, or an admin. */
const mayAssign = async (tx: Tx, k: { id: number; organizationId: number | null }, c: Ctx) =>
  c.roles.includes("admin") || (k.organizationId !== null && (await staffOrgs(tx, c.userId)).includes(k.organizationId) && !(await onCase(tx, k.id, c.userId)));

/** Admin: the cases that may have a mediation (NO_MEDIATION) and have none under way, newest first, a page at a time. */
export const listMediationCases = async (tx: Tx, e: DomainEffect<"listMediationCases">, c: Ctx): Promise<Out[]> => {
  if (!c.roles.includes("admin")) return [say("common.unknownCommand")];
  const where = { status: { notIn: [...NO_MEDIATION, "mediation" as const] }, organizationId: { not: null }, mediations: { none: { state: { in: [...ACTIVE] } } } };
  const count = await tx.case.count({ where });
  // Next to the case the pressed page began or ended with: a notice filed, or a mediation begun, meanwhile shifts nothing.
  const page = await keysetPage(caseKeyset(tx, where), e, count);
  const orgs = await tx.organization.findMany({ where: { id: { in: page.items.map((k) => k.organizationId!) } }, select: { id: true, nameKk: true, nameRu: true } });
  const cases = page.items.map((k) => ({ ...k, organization: orgs.find((o) => o.id === k.organizationId) ?? null }));
  if (cases.length === 0) {
    // Not a dead end: cases that reached no organisation cannot have mediation until an admin links them.
    const unlinked = await tx.case.count({ where: { organizationId: null, anonymisedAt: null, status: { notIn: ["draft", "closed"] } } });
    return unlinked ? [say("mediation.noCasesUnlinked", { count: unlinked }, [[{ key: "admin.unlinked", ...act(listUnlinkedAction, {}) }]])] : [say("mediation.noCases", {}, backToAdmin())];
  }
  return [
    say("mediation.chooseCase", {}, [
      ...cases.map((k) => [{ key: "mediation.caseButton", params: { number: k.number, org: caseOrg(k, 40) }, ...act(pickAsAdmin, { caseId: k.id }) }]),
      ...cursorRow(page, (c) => act(mediationCasesForAdminAt, c)),
    ]),
  ];
};

/** Staff of the case's organisation or an admin: the registered mediators to choose from. */
export const pickMediator = async (tx: Tx, e: DomainEffect<"pickMediator">, c: Ctx): Promise<Out[]> => {
  const k = await tx.case.findUnique({ where: { id: e.caseId } });
  if (!k || !(await mayAssign(tx, k, c))) return [...notFound(), thenHome()];
  // The button is not shown then; an old message's, or forged, is refused here: why, then the presser's home.
  const cannot = await noNewMediation(tx, k);
  if (cannot) return [say(cannot.key, cannot.params), thenHome()];
  // Mediation is between the applicant and the organisation: a case linked to none has no other side yet.
  if (k.organizationId === null) return [say("mediation.unlinked", { number: k.number })];
  const where = { role: "mediator" as const, revokedAt: null };
  const count = await tx.userRole.count({ where });
  if (count === 0) return [say("mediation.noMediators")];
  const offset = pageStart(e.offset, count);
  const mediators = await tx.userRole.findMany({ where, include: { user: { select: { fullName: true } } }, orderBy: { id: "asc" }, skip: offset, take: PAGE });
  return [
    say("mediation.chooseMediator", { number: k.number }, [
      ...mediators.map((r) => [{ key: "mediation.mediatorButton", params: { name: mediatorName(r.user.fullName) }, ...act(e.admin ? assignAsAdmin : assignAction, { caseId: k.id, roleId: r.id }) }]),
      ...pageRow(offset, count, (at) => act(e.admin ? pickAsAdmin : pickAction, { caseId: k.id, offset: at })),
    ]),
  ];
};

/**
 * Whether the case's applicant withdrew consent (law.md §7: processing stops): no mediation is begun on their
 * data — the mediator would get the patient's name and the contract, and the applicant cannot agree anyway.
 */
const applicantWithdrew = async (tx: Tx, caseId: number): Promise<boolean> =>
  (await tx.caseParticipant.count({ where: { caseId, role: "applicant", removedAt: null, user: { consentWithdrawnAt: { not: null } } } })) > 0;

export const assignMediator = async (tx: Tx, e: DomainEffect<"assignMediator">, c: Ctx): Promise<Out[]> => {
  // The home of the role the button was pressed in (the router puts it in): the admin's from /admin's list, else
  // staff's for someone who is staff.
  const done = thenHome();
  const k = await tx.case.findUnique({ where: { id: e.caseId }, include: ORG_NAMES });
  if (!k || !(await mayAssign(tx, k, c))) return [...notFound(), done];
  if (NO_MEDIATION.includes(k.status)) {
    const cannot = (await noNewMediation(tx, k))!;
    return [say(cannot.key, cannot.params), done];
  }
  const r = await tx.userRole.findFirst({ where: { id: e.roleId, role: "mediator", revokedAt: null }, include: { user: { select: { language: true } } } });
  if (!r) return [say("mediation.noMediators"), done];
  if (k.organizationId === null) return [say("mediation.unlinked", { number: k.number }), done];
  // Impartiality (law.md §4, Art. 7): not someone on the case, nor staff of its organisation. «Choose another»: no home
  // after it — the list of mediators above is what they choose from.
  const onCase = await tx.caseParticipant.count({ where: { caseId: k.id, userId: r.userId, removedAt: null } });
  const ofOrg = await tx.userRole.count({ where: { userId: r.userId, organizationId: k.organizationId, role: "staff", revokedAt: null } });
  if (onCase + ofOrg > 0) return [say("mediation.conflict", { number: k.number })];
  if (await applicantWithdrew(tx, k.id)) return [say("mediation.applicantWithdrew", { number: k.number }), done];
  const underWay = await noNewMediation(tx, k);
  if (underWay) return [say(underWay.key, underWay.params), done];
  const m = await tx.mediation.create({ data: { caseId: k.id, mediatorId: r.userId, assignedBy: BigInt(c.userId), createdAt: c.now } });
  await scheduleLapse(tx, m.id, c.now);
  await tx.caseEvent.create({ data: { caseId: k.id, kind: "mediation_assigned", actorId: BigInt(c.userId), createdAt: c.now, payload: { mediationId: m.id } } });
  return [
    say("mediation.assigned", { number: k.number }),
    sayTo(reader(r.userId, r.user.language, k.language), "mediation.request", { number: k.number, org: caseOrg(k), region: regionName(k.region), status: { key: `cases.statuses.${k.status}` } }, [
      [{ key: "mediation.accept", ...act(acceptMediation, { mediationId: m.id }) }],
      [{ key: "mediation.decline", ...act(declineMediation, { mediationId: m.id }) }],
    ]),
    done,
  ];
};

/** The mediator accepts (the sides are then asked to agree) or declines — as they must if they cannot be impartial. */
export const mediatorAnswer = async (tx: Tx, e: DomainEffect<"mediatorAnswer">, c: Ctx): Promise<Out[]> => {
  // Whatever the answer, nothing more is asked of the mediator here: their home follows.
  const done = thenHome("mediator");
  const m = await loadMediation(tx, e.mediationId);
  if (!m || !(await isMediatorOf(tx, m, c.userId))) return [...notFound(), done];
  // Their own «no» is theirs to read: not «the mediator declined» in the third person.
  if (m.state === "declined") return [say("mediation.why.youDeclined", { number: m.case.number }), done];
  if (m.state !== "proposed") return [notNow(m, { key: "mediation.why.mediatorAnswered", params: { number: m.case.number } }), done];
  const all = await members(tx, m);
  const number = m.case.number;
  // The applicant withdrew consent since the mediator was proposed: no contract with the patient's name goes out;
  // the proposal stays unanswered (it lapses), and the organisation's staff are told why.
  if (e.accept && (await applicantWithdrew(tx, m.caseId)))
    return [say("mediation.applicantWithdrewToMediator", { number }), ...all.filter((x) => x.side === "organization").map((x) => sayTo(x, "mediation.applicantWithdrew", { number })), done];
  if (!e.accept) {
    await tx.mediation.update({ where: { id: m.id }, data: { state: "declined", endedAt: c.now, endReason: "declined" } });
    await tx.caseEvent.create({ data: { caseId: m.caseId, kind: "mediation_declined", actorId: BigInt(c.userId), createdAt: c.now } });
    // The organisation's staff hear of it, and whoever proposed the mediator (an admin is no member of it).
    const staff = all.filter((x) => x.side === "organization");
    const assigner = staff.some((x) => x.userId === m.assignedBy) ? null : await tx.user.findUnique({ where: { id: m.assignedBy }, select: { id: true, language: true } });
    return [
      say("mediation.youDeclined", { number }),
      ...staff.map((x) => sayTo(x, "mediation.declinedToStaff", { number })),
      ...(assigner ? [sayTo(reader(assigner.id, assigner.language), "mediation.declinedToStaff", { number })] : []),
      done,
    ];
  }
  await tx.mediation.update({ where: { id: m.id }, data: { state: "agreeing" } });
  // The sides now have ten days of their own to agree to the contract.
  await scheduleLapse(tx, m.id, c.now);
  await tx.caseEvent.create({ data: { caseId: m.caseId, kind: "mediation_accepted", actorId: BigInt(c.userId), createdAt: c.now } });
  // Both sides see the mediation contract's essentials, with the contract itself first (law.md §4, Art. 20).
  const mediator = await tx.user.findUnique({ where: { id: m.mediatorId }, select: { fullName: true } });
  const org = m.case.organizationId === null ? null : await tx.organization.findUnique({ where: { id: m.case.organizationId } });
  const a = m.case.answers as { relation?: string };
  const params = {
    number,
    mediator: mediatorName(mediator?.fullName),
    org: caseOrg({ orgName: m.case.orgName, organization: org }),
    relation: { key: `escalation.relation.${a.relation ?? "self"}` },
    // Its own text, in the plural form the number of days asks for (21 «календарного дня», 30 «календарных дней»).
    term: { key: "mediation.contractTerm", params: { count: c.mediationDays } },
  };
  // The contract names the patient: its readers other than the applicant are recorded.
  for (const x of all.filter((y) => y.side === "organization")) await recordAccess(tx, m.caseId, x.userId, "staff", "document", c.now);
  return [
    say("mediation.youAccepted", { number }),
    ...all
      .filter((x) => x.side !== "mediator")
      .flatMap((x): Out[] => [
        document({ name: "contractPdf", mediationId: m.id }, x),
        sayTo(x, "mediation.contractOffer", { ...params, side: role(x.side) }, [
          [{ key: "mediation.agreeContract", ...act(x.side === "applicant" ? applicantAgrees : agreeToMediate, { mediationId: m.id }) }],
          [{ key: "mediation.refuse", ...act(refuseToMediate, { mediationId: m.id }) }],
        ]),
      ]),
    done,
  ];
};

/** A side agrees to mediate, or refuses; with both agreed it starts, and its term begins. */
export const partyAgree = async (tx: Tx, e: DomainEffect<"partyAgree">, c: Ctx): Promise<Out[]> => {
  const m = await loadMediation(tx, e.mediationId);
  const all = m ? await members(tx, m) : [];
  const side = sideOf(all, c.userId);
  // Pressed on a button (not at the end of the applicant's particulars, whose flow brings the home itself): staff's home,
  // or the applicant's menu, follows what leaves them nothing to press.
  const done: Out[] = e.details ? [] : [thenHome(side === "organization" ? "staff" : undefined)];
  if (!m || (side !== "applicant" && side !== "organization")) return [...notFound(), ...done];
  const number = m.case.number;
  if (m.state !== "agreeing") return [notNow(m, m.state === "proposed" ? undefined : { key: "mediation.why.contractAgreed", params: { number } }), ...done];
  if (!e.agree) {
    await end(tx, m, "refused", c.now);
    // The applicant is shown the way onward, as when a mediation ends without agreement (its button the last thing on
    // screen); staff, who refused, get their home.
    return [
      ...all.map((x) => sayTo(x, "mediation.refused", { number, side: role(side) })),
      ...all.filter((x) => x.side === "applicant").map((x) => sayTo(x, "mediation.nextSteps", { number }, onward(x, m.caseId))),
      ...(side === "organization" ? done : []),
    ];
  }
  if (side === "applicant") {
    // The contract and the agreement name the applicant: their particulars come first.
    if (!e.details) return [say("mediation.needDetails", { number }, [[{ key: "mediation.agreeContract", ...act(applicantAgrees, { mediationId: m.id }) }]])];
    await tx.user.update({ where: { id: BigInt(c.userId) }, data: { details: seal(c.dataKey, JSON.stringify(e.details)) } });
  }
  const data = side === "applicant" ? { applicantAgreedAt: c.now } : { orgAgreedAt: c.now, orgAgreedBy: BigInt(c.userId) };
  const updated = await tx.mediation.update({ where: { id: m.id }, data });
  await tx.caseEvent.create({ data: { caseId: m.caseId, kind: "mediation_agreed", actorId: BigInt(c.userId), createdAt: c.now, payload: { side } } });
  if (!updated.applicantAgreedAt || !updated.orgAgreedAt) return [say("mediation.agreedWaiting", { number }), ...done];
  const endsAt = endOfDay(addDays(localDate(c.now, c.timeZone), c.mediationDays), c.timeZone);
  await tx.mediation.update({ where: { id: m.id }, data: { state: "running", startedAt: c.now, endsAt } });
  await tx.case.update({ where: { id: m.caseId }, data: { status: "mediation" } });
  await tx.caseEvent.create({ data: { caseId: m.caseId, kind: "mediation_started", createdAt: c.now, payload: { endsAt: endsAt.toISOString() } } });
  await scheduleExpiry(tx, m.id, endsAt);
  const until = showDate(localDate(endsAt, c.timeZone));
  return all.map((x) => sayTo(x, "mediation.started", { number, until }, runningButtons(x.side, m.id)));
};

/** The state of a mediation and its rounds, with the member's buttons. */
export const showMediation = async (tx: Tx, e: DomainEffect<"showMediation">, c: Ctx): Promise<Out[]> => {
  const m = await loadMediation(tx, e.mediationId);
  const all = m ? await members(tx, m) : [];
  const side = sideOf(all, c.userId);
  // Refused (not theirs, or gone): the presser's home follows (refusedHome), never nothing to press.
  if (!m || !side) return [...notFound(), await refusedHome(tx, c)];
  const rounds = await tx.proposal.findMany({ where: { mediationId: m.id }, orderBy: { id: "asc" } });
  const history = rounds.map((p): Param => ({
    key: "mediation.roundLine",
    params: { round: p.round, who: role(p.authorRole === "mediator" ? "mediator" : p.authorRole === "applicant" ? "applicant" : "organization"), amount: Number(p.amountTenge) },
  }));
  // Its rounds' amounts: in a death case, after condolence unless said already in this mediation (condoledIn).
  const condolence: Param[] = history.length && m.case.outcome === "death" && !(await condoledIn(tx, m)) ? [{ key: "common.condolence" }] : [];
  // The signed mediation contract, once recorded: the day it was signed; until then, those who attach it have its button.
  const contract = await contractSigned(tx, m);
  const attach = await contractButton(tx, m, side);
  const text = lines([
    ...condolence,
    { key: "mediation.view", params: { number: m.case.number, state: { key: `mediation.states.${m.state}` } } },
    ...(contract ? [{ key: "mediation.contractLine", params: { date: showDate(contract.on) } }] : []),
    ...(history.length ? ["", { key: "mediation.history" }, ...history] : []),
  ]);
  // Ended by its term at signing: those who record the signed agreement can still attach it.
  const late = side !== "applicant" && (await endedAtSigning(tx, m)) !== null;
  // The proposal a side may answer now, with its day and its buttons: its own message may be far up the chat.
  const last = m.state === "running" && side !== "mediator" ? await tx.proposal.findFirst({ where: { mediationId: m.id, authorRole: "mediator" }, include: { responses: true }, orderBy: { id: "desc" } }) : null;
  const standing = last && last.validUntil && last.validUntil >= c.now && !acceptedByBoth(all, last.responses) ? last : null;
  // Both accepted it and this side has not confirmed the agreement's text yet: the button that confirms it.
  // Only the one who accepted it for the side confirms it (confirmAgreement): a colleague is offered no button.
  const toConfirm =
    last &&
    acceptedByBoth(all, last.responses) &&
    last.responses.some((r) => r.userId === BigInt(c.userId)) &&
    !last.responses.some((r) => r.confirmedAt !== null && all.some((x) => x.userId === r.userId && x.side === side))
      ? last
      : null;
  // Any amount a side can answer or confirm from here stands beside the minimum the law sets, with the warning when
  // below it (law.md §4) — as in the proposal's own message.
  const year = Number(localDate(c.now, c.timeZone).slice(0, 4));
  if (toConfirm)
    return [
      sayText(lines([text, "", { key: "mediation.toConfirm", params: { round: toConfirm.round } }, minimumBeside(m.case.outcome, Number(toConfirm.amountTenge), year)]), [
        [{ key: "mediation.confirm", ...act(confirmAction, { proposalId: toConfirm.id }) }],
        ...(viewButtons(m, side) ?? []),
        ...attach,
      ]),
    ];
  if (standing) {
    const until = showDate(localDate(standing.validUntil!, c.timeZone));
    return [sayText(lines([text, "", { key: "mediation.standing", params: { round: standing.round, until } }, minimumBeside(m.case.outcome, Number(standing.amountTenge), year)]), [...proposalButtons(standing.id, m.id), ...(viewButtons(m, side) ?? []), ...attach])];
  }
  const buttons = late ? [[{ key: "mediation.recordSigned", ...act(recordSigned, { mediationId: m.id }) }]] : [...(viewButtons(m, side) ?? []), ...attach];
  // Nothing for this side to do in it now (ended, or waiting for the other side): their home follows, not a dead end.
  if (!buttons.length) return [sayText(text), thenHome(side === "mediator" ? "mediator" : side === "organization" ? "staff" : undefined)];
  return [sayText(text, buttons)];
};

/** What the member can do now, from wherever they open it: what awaits them is never without its button. */
const viewButtons = (m: { id: number; state: string; applicantAgreedAt: Date | null; orgAgreedAt: Date | null }, side: Side): Button[][] | undefined => {
  if (m.state === "proposed" && side === "mediator")
    return [[{ key: "mediation.accept", ...act(acceptMediation, { mediationId: m.id }) }], [{ key: "mediation.decline", ...act(declineMediation, { mediationId: m.id }) }]];
  const agreed = side === "applicant" ? m.applicantAgreedAt : side === "organization" ? m.orgAgreedAt : new Date(0);
  if (m.state === "agreeing" && !agreed)
    return [
      [{ key: "mediation.agreeContract", ...act(side === "applicant" ? applicantAgrees : agreeToMediate, { mediationId: m.id }) }],
      [{ key: "mediation.refuse", ...act(refuseToMediate, { mediationId: m.id }) }],
    ];
  if (m.state === "running") return runningButtons(side, m.id);
  // Waiting for the signatures: they may still write to each other (to arrange the signing, say).
  if (m.state === "signing")
    return [
      ...(side !== "applicant" ? [[{ key: "mediation.recordSigned", ...act(recordSigned, { mediationId: m.id }) }]] : []),
      [{ key: "mediation.write", ...act(writeInMediation, { mediationId: m.id }) }],
    ];
  return undefined;
};

/** A message within the mediation: by role, to the others (or, from the mediator, to one side alone). */
export const relayMessage = async (tx: Tx, r: DomainEffect<"relayMessage">, c: Ctx): Promise<Out[]> => {
  const m = await loadMediation(tx, r.mediationId);
  const all = m ? await members(tx, m) : [];
  const side = sideOf(all, c.userId);
  if (!m || !side) return notFound();
  const number = m.case.number;
  // Running, or its text agreed and waiting for the signatures: the members still talk.
  if (m.state !== "running" && m.state !== "signing") return [notNow(m, { key: "mediation.notRunning", params: { number } })];
  // A side writes to everyone else, or asks the mediator alone; the mediator writes to both sides or to
  // one alone (a private session).
  const to: MediationRecipient = side === "mediator" ? (r.to === "applicant" || r.to === "organization" ? r.to : "all") : r.to === "mediator" ? "mediator" : "all";
  const readers = all.filter((x) => x.userId !== BigInt(c.userId) && (to === "all" || x.side === to));
  const sent = say("mediation.sent", { to: { key: `mediation.sentTo.${to}` } });
  // A document or photo — or an album's files, in the order the person chose them — each with its caption: the sender's
  // own words to the others, as they wrote them: under the file within Telegram's limit for a caption the bot sends; a
  // longer one (Telegram Premium lets people write up to 4096 characters) right after it, as a message of its own.
  const files = r.files ?? (r.file ? [{ file: r.file, caption: r.text }] : []);
  if (files.length) {
    const relayed = files.map(({ file, caption = "" }) => ({ file: { kind: file.kind, fileId: file.fileId }, sealed: file, caption, under: caption.length <= CAPTION_MAX }));
    // One record a file, as a document sent alone: what the log keeps of a message stays one file and its words.
    for (const f of relayed)
      await tx.caseEvent.create({
        data: { caseId: m.caseId, kind: "mediation_message", actorId: BigInt(c.userId), createdAt: c.now, payload: { side, to, text: seal(c.dataKey, f.caption), file: seal(c.dataKey, JSON.stringify(f.sealed)) } },
      });
    // A line saying from whom (and how many, for an album) — and, sent to one side alone, that it is theirs alone, with
    // the reply that goes to the mediator alone, as a text's — then the files themselves, re-sent by their ids.
    const note =
      relayed.length > 1 ? (to === "all" ? "mediation.relayedFiles" : "mediation.relayedFilesPrivate") : to === "all" ? "mediation.relayedFile" : "mediation.relayedFilePrivate";
    return [
      sent,
      ...readers.flatMap((x): Out[] => [
        sayTo(x, note, { from: role(side), number, n: relayed.length }, replyButton(m.id, to, x)),
        ...relayed.flatMap((f): Out[] => [
          { type: "file", file: f.file, to: x, ...(f.caption && f.under ? { caption: f.caption } : {}) },
          ...(f.caption && !f.under ? [sayTo(x, to === "all" ? "mediation.relayed" : "mediation.relayedPrivate", { from: role(side), number, text: f.caption })] : []),
        ]),
      ]),
    ];
  }
  await tx.caseEvent.create({ data: { caseId: m.caseId, kind: "mediation_message", actorId: BigInt(c.userId), createdAt: c.now, payload: { side, to, text: seal(c.dataKey, r.text) } } });
  return [
    sent,
    ...readers.map((x) => sayTo(x, to === "all" ? "mediation.relayed" : "mediation.relayedPrivate", { from: role(side), number, text: r.text }, replyButton(m.id, to, x))),
  ];
};

/** «Reply» under what was relayed: a side's reply to what the mediator said to it alone goes to the mediator alone — a private session stays private. */
const replyButton = (mediationId: number, to: MediationRecipient, x: Member): Button[][] => [
  [{ key: "mediation.reply", ...act(to !== "all" && x.side !== "mediator" ? askMediator : writeInMediation, { mediationId }) }],
];

const proposalButtons = (proposalId: number, mediationId: number): Button[][] => [
  [{ key: "mediation.acceptProposal", ...act(acceptProposal, { proposalId }) }],
  [{ key: "mediation.rejectProposal", ...act(rejectProposal, { proposalId }) }],
  [{ key: "mediation.counter", ...act(counterAction, { proposalId }) }],
  [{ key: "mediation.ask", ...act(askMediator, { mediationId }) }],
];

export const proposeSettlement = async (tx: Tx, r: DomainEffect<"proposeSettlement">, c: Ctx): Promise<Out[]> => {
  const m = await loadMediation(tx, r.mediationId);
  if (!m || !(await isMediatorOf(tx, m, c.userId))) return notFound();
  const number = m.case.number;
  // Its term over (its expiry job not yet run: a restart, a busy case): no proposal standing «until» a day gone by.
  if (m.state !== "running" || (m.endsAt !== null && m.endsAt <= c.now)) return [say("mediation.notRunning", { number })];
  // Both sides accepted one: the agreement's text waits for their confirmations — a new proposal would leave two
  // agreements, and the case settled for the amount of the one nobody confirmed.
  const agreed = await agreedProposal(tx, m, await members(tx, m));
  if (agreed) return [say("mediation.agreementPending", { number, round: agreed.round })];
  const round = (await tx.proposal.count({ where: { mediationId: m.id } })) + 1;
  // Never past the mediation's own end: a proposal cannot stand once the mediation it is made in is over.
  const asked = addDays(localDate(c.now, c.timeZone), r.days);
  const until = m.endsAt && endOfDay(asked, c.timeZone) > m.endsAt ? localDate(m.endsAt, c.timeZone) : asked;
  const validUntil = endOfDay(until, c.timeZone);
  const p = await tx.proposal.create({
    data: { caseId: m.caseId, mediationId: m.id, round, authorId: BigInt(c.userId), authorRole: "mediator", amountTenge: BigInt(r.amount), terms: seal(c.dataKey, r.terms), validUntil, createdAt: c.now },
  });
  const said = await condoledIn(tx, m);
  await tx.caseEvent.create({
    data: { caseId: m.caseId, kind: "proposal_made", actorId: BigInt(c.userId), createdAt: c.now, payload: { proposalId: p.id, round, mediationId: m.id, ...(m.case.outcome === "death" ? { condoled: true } : {}) } },
  });
  await schedule(tx, { kind: EXPIRE_PROPOSAL, key: `proposal:${p.id}:expire`, dueAt: new Date(validUntil.getTime() + 1), payload: { proposalId: p.id } });
  const sides = (await members(tx, m)).filter((x) => x.side !== "mediator");
  const minimum = minimumBeside(m.case.outcome, r.amount, Number(localDate(c.now, c.timeZone).slice(0, 4)));
  return [
    // The day it stands until, which the review could not show: cut to the mediation's last day when that comes sooner.
    ...condoleOnce(
      m.case.outcome,
      said,
      null,
      say("mediation.proposalSent", { number, round, minimum, until: { key: until === asked ? "mediation.validTo" : "mediation.validToLastDay", params: { until: showDate(until) } } }, runningButtons("mediator", m.id)),
    ),
    ...sides.flatMap((x) => condoleOnce(m.case.outcome, said, x, sayTo(x, "mediation.proposal", { number, round, amount: r.amount, minimum, terms: r.terms, until: showDate(until) }, proposalButtons(p.id, m.id)))),
  ];
};

/**
 * The proposal a side may answer: the mediator's newest in a running mediation, still standing. `lead` begins a
 * refusal: what was not done (a counter-offer typed while the proposal stopped standing is not sent).
 */
const answerable = async (tx: Tx, proposalId: number, c: Ctx, lead?: Param) => {
  const said = (key: string, params: Record<string, Param>): Out => (lead ? say("common.text", { text: lines([lead, { key, params }], " ") }) : say(key, params));
  const p = await tx.proposal.findUnique({ where: { id: proposalId }, include: { responses: true } });
  const m = p?.mediationId ? await loadMediation(tx, p.mediationId) : null;
  const all = m ? await members(tx, m) : [];
  const side = sideOf(all, c.userId);
  if (!p || !m || (side !== "applicant" && side !== "organization") || p.authorRole !== "mediator") return { refused: notFound() };
  const newer = await tx.proposal.count({ where: { mediationId: m.id, authorRole: "mediator", id: { gt: p.id } } });
  // Refused with the side known: its home follows (the organisation's staff get staff's, an admin among them too).
  // Why it no longer stands, in a sentence of its own: the mediation is over (how it ended), or a newer one came.
  const over = mediationOver(m, m.case.number);
  if (over) return { refused: [said(over.key, over.params)], side };
  if (newer > 0) return { refused: [said("mediation.proposalReplaced", { number: m.case.number, round: p.round })], side };
  if (m.state === "signing") return { refused: [said("mediation.alreadyAgreed", { number: m.case.number })], side };
  if (m.state !== "running") return { refused: [said("mediation.proposalClosed", { number: m.case.number, round: p.round })], side };
  if (p.validUntil && p.validUntil < c.now) return { refused: [said("mediation.proposalExpiredShort", { number: m.case.number, round: p.round })], side };
  // Accepted by both: an agreement — no answer, counter-offer included, undoes it (an old button's, say).
  if (acceptedByBoth(all, p.responses)) return { refused: [said("mediation.alreadyAgreed", { number: m.case.number })], side };
  // A side is one party however many of its people have the proposal (the organisation's staff): its answer is the
  // one its first member gave, which they may change; a colleague's different press neither flips it nor adds a second
  // answer beside it (one accept among rejects made an agreement) — they are told who answered, what and when.
  const ours = await colleagueAnswer(tx, p.responses, all, side, c);
  if (ours) return { refused: [said("mediation.answeredByColleague", { number: m.case.number, round: p.round, who: ours.who, answer: { key: `mediation.answers.${ours.answer}` }, ...ours.at(ours.answeredAt) })], side };
  return { p, m, all, side };
};

/**
 * A counter-offer's flow, asked when it opens: why one to this proposal cannot be made now (a newer one, its date passed,
 * both accepted it) — said before an amount and a note are typed, not after; else its input: for the applicant, the
 * case's recorded outcome and this year, so that the review shows their amount beside the statutory minimum, with the
 * warning when below it (law.md §4), as the proposal was shown to them.
 */
export const counterOpening = async (tx: Tx, proposalId: number, c: Ctx): Promise<{ refused: Out } | { input: { proposalId: number; outcome?: string; year?: number } }> => {
  const a = await answerable(tx, proposalId, c);
  if (a.refused) return { refused: a.refused[0]! };
  const outcome = a.side === "applicant" && a.m.case.outcome && a.m.case.outcome !== "unknown" ? a.m.case.outcome : null;
  return { input: { proposalId, ...(outcome ? { outcome, year: Number(localDate(c.now, c.timeZone).slice(0, 4)) } : {}) } };
};

/**
 * The mediator's proposal flow opened: the case's recorded outcome and this year, so that its review shows the amount
 * beside the statutory minimum, with the warning when below it (law.md §4) — before it goes, as the sides will see it.
 */
export const proposalOpening = async (tx: Tx, mediationId: number, c: Ctx): Promise<{ mediationId: number; outcome?: string; year?: number }> => {
  const m = await loadMediation(tx, mediationId);
  const outcome = m?.case.outcome && m.case.outcome !== "unknown" ? m.case.outcome : null;
  return { mediationId, ...(outcome ? { outcome, year: Number(localDate(c.now, c.timeZone).slice(0, 4)) } : {}) };
};

/**
 * The side's answer given by a colleague of this user, when they gave none themselves (a side's answer is its first
 * member's: answerable, confirmAgreement): with who gave it, by full name, and its moments as the texts show them.
 */
const colleagueAnswer = async <R extends { userId: bigint; answer: string; answeredAt: Date; confirmedAt: Date | null }>(tx: Tx, responses: R[], all: Member[], side: Side, c: Ctx) => {
  const me = BigInt(c.userId);
  const ours = responses.find((r) => r.userId !== me && all.some((x) => x.userId === r.userId && x.side === side));
  if (!ours || responses.some((r) => r.userId === me)) return null;
  const who = (await tx.user.findUnique({ where: { id: ours.userId }, select: { fullName: true } }))?.fullName ?? role(side);
  return { ...ours, who, at: (at: Date) => ({ date: showDate(localDate(at, c.timeZone)), time: localTime(at, c.timeZone) }) };
};

/** Accepted by both sides: someone of the applicant's side and someone of the organisation's. */
const acceptedByBoth = (all: Member[], responses: { userId: bigint; answer: string }[]) =>
  (["applicant", "organization"] as const).every((s) => responses.some((r) => r.answer === "accept" && all.some((x) => x.userId === r.userId && x.side === s)));

export const answerProposal = async (tx: Tx, e: DomainEffect<"answerProposal">, c: Ctx): Promise<Out[]> => {
  const a = await answerable(tx, e.proposalId, c);
  // Left with nothing to press (the answer taken, or refused), a side gets its home; the agreement reached, the
  // one who confirms it for the side has its button last.
  const done = thenHome(a.side === "organization" ? "staff" : undefined);
  if (a.refused) return [...a.refused, done];
  const { p, m, all, side } = a;
  const number = m.case.number;
  const answer = e.accept ? "accept" : "reject";
  // The same answer pressed again: confirmed to them; nobody told twice, nothing logged twice.
  if (p.responses.some((r) => r.userId === BigInt(c.userId) && r.answer === answer)) return [say(e.accept ? "mediation.youAcceptedProposal" : "mediation.youRejectedProposal", { number, round: p.round }), done];
  await tx.proposalResponse.upsert({
    where: { proposalId_userId: { proposalId: p.id, userId: BigInt(c.userId) } },
    create: { proposalId: p.id, userId: BigInt(c.userId), answer, answeredAt: c.now },
    update: { answer, answeredAt: c.now },
  });
  await tx.caseEvent.create({ data: { caseId: m.caseId, kind: e.accept ? "proposal_accepted" : "proposal_rejected", actorId: BigInt(c.userId), createdAt: c.now, payload: { proposalId: p.id, side } } });
  const others = all.filter((x) => x.userId !== BigInt(c.userId));
  const said: Out[] = [
    say(e.accept ? "mediation.youAcceptedProposal" : "mediation.youRejectedProposal", { number, round: p.round }),
    ...others.map((x) => sayTo(x, "mediation.answered", { number, round: p.round, side: role(side), answer: { key: `mediation.answers.${answer}` } })),
  ];
  const responses = [...p.responses.filter((r) => r.userId !== BigInt(c.userId)), { userId: BigInt(c.userId), answer }];
  if (!e.accept || !acceptedByBoth(all, responses)) return [...said, done];
  // Both accepted the same proposal: the settlement agreement goes to everyone, and each side confirms it.
  await tx.caseEvent.create({ data: { caseId: m.caseId, kind: "agreement_reached", createdAt: c.now, payload: { proposalId: p.id } } });
  await cancel(tx, `proposal:${p.id}:expire`);
  for (const x of all.filter((y) => y.side !== "applicant")) await recordAccess(tx, m.caseId, x.userId, x.side === "mediator" ? "mediator" : "staff", "document", c.now);
  // The organisation's text is confirmed by the one who accepted for it (confirmAgreement): their colleagues get the
  // agreement with who that is, and no button that would only be refused.
  const orgAnswer = responses.find((r) => all.some((x) => x.userId === r.userId && x.side === "organization"));
  const orgWho = orgAnswer ? ((await tx.user.findUnique({ where: { id: orgAnswer.userId }, select: { fullName: true } }))?.fullName ?? role("organization")) : role("organization");
  // The agreement first, then the message with its confirm button: one confirms what one has just been given.
  const condoled = await condoledIn(tx, m);
  return [
    ...said,
    ...all.flatMap((x): Out[] =>
      x.side === "applicant"
        ? // The text the applicant confirms, next to the statutory minimum and its warning (law.md §4), as the
          // proposal was; in a death case, after condolence unless said already in this mediation.
          condoleOnce(
            m.case.outcome,
            condoled,
            x,
            document({ name: "agreementPdf", proposalId: p.id }, x),
            sayTo(
              x,
              "mediation.agreementToApplicant",
              { number, round: p.round, amount: Number(p.amountTenge), minimum: minimumBeside(m.case.outcome, Number(p.amountTenge), Number(localDate(c.now, c.timeZone).slice(0, 4))) },
              [[{ key: "mediation.confirm", ...act(confirmAction, { proposalId: p.id }) }]],
            ),
          )
        : // The agreement names its amount: in a death case, after condolence unless said already in this mediation.
          condoleOnce(
            m.case.outcome,
            condoled,
            x,
            document({ name: "agreementPdf", proposalId: p.id }, x),
            x.side === "mediator"
              ? sayTo(x, "mediation.agreementToMediator", { number, round: p.round })
              : x.userId !== orgAnswer?.userId
                ? sayTo(x, "mediation.agreementToColleague", { number, round: p.round, who: orgWho })
                : sayTo(x, "mediation.agreementToSide", { number, round: p.round }, [[{ key: "mediation.confirm", ...act(confirmAction, { proposalId: p.id }) }]]),
          ),
    ),
  ];
};

export const counterOffer = async (tx: Tx, r: DomainEffect<"counterOffer">, c: Ctx): Promise<Out[]> => {
  // Typed while the proposal stopped standing (a newer one came, its date passed): said not to have gone.
  const a = await answerable(tx, r.proposalId, c, { key: "mediation.counterNotSent" });
  if (a.refused) return a.refused;
  const { p, m, all, side } = a;
  const round = (await tx.proposal.count({ where: { mediationId: m.id } })) + 1;
  // Sealed like the messages relayed in the mediation: its free text is confidential (law.md §4) and may hold the patient's health.
  const note = seal(c.dataKey, r.note);
  await tx.proposal.create({
    data: { caseId: m.caseId, mediationId: m.id, round, authorId: BigInt(c.userId), authorRole: side === "applicant" ? "applicant" : "staff", amountTenge: BigInt(r.amount), terms: note, createdAt: c.now },
  });
  await tx.proposalResponse.upsert({
    where: { proposalId_userId: { proposalId: p.id, userId: BigInt(c.userId) } },
    create: { proposalId: p.id, userId: BigInt(c.userId), answer: "counter", note, answeredAt: c.now },
    update: { answer: "counter", note, answeredAt: c.now },
  });
  await tx.caseEvent.create({ data: { caseId: m.caseId, kind: "counter_offer", actorId: BigInt(c.userId), createdAt: c.now, payload: { proposalId: p.id, round, side } } });
  const condoled = await condoledIn(tx, m);
  return [
    say("mediation.counterSent", { number: m.case.number }),
    ...all
      .filter((x) => x.side === "mediator")
      .flatMap((x) =>
        condoleOnce(
          m.case.outcome,
          condoled,
          x,
          sayTo(
            x,
            "mediation.counterToMediator",
            { number: m.case.number, round, side: role(side), amount: r.amount, minimum: minimumBeside(m.case.outcome, r.amount, Number(localDate(c.now, c.timeZone).slice(0, 4))), note: r.note },
            [[{ key: "mediation.propose", ...act(proposeAction, { mediationId: m.id }) }]],
          ),
        ),
      ),
  ];
};

/** «I have read it and agree»: recorded with its time; with both sides confirmed, the case is settled. */
export const confirmAgreement = async (tx: Tx, e: DomainEffect<"confirmAgreement">, c: Ctx): Promise<Out[]> => {
  const p = await tx.proposal.findUnique({ where: { id: e.proposalId }, include: { responses: true } });
  const m = p?.mediationId ? await loadMediation(tx, p.mediationId) : null;
  const all = m ? await members(tx, m) : [];
  const side = sideOf(all, c.userId);
  // Left with nothing to press, a side gets its home: staff, once the text is agreed, have «record the signed one» last.
  const done = thenHome(side === "organization" ? "staff" : undefined);
  if (!p || !m || (side !== "applicant" && side !== "organization")) return [...notFound(), done];
  const number = m.case.number;
  // Both sides agreed to the text already (a second press, an old message's button): nothing to confirm again — what
  // settles the case now is the signed agreement. Running, the proposal not accepted by both (the one who accepted for
  // the organisation lost the role since): the text is confirmed once both have accepted it.
  if (m.state === "signing") return [say("mediation.why.textAgreed", { number }), done];
  if (m.state !== "running" || !acceptedByBoth(all, p.responses))
    return [notNow(m, m.state === "running" ? { key: "mediation.why.notAcceptedByBoth", params: { number, round: p.round } } : undefined), done];
  // The side's answer is its first member's (answerable): the one who accepted for it confirms the text for it too. A
  // colleague's press neither confirms it nor adds a second answer beside theirs — they are told who answered for the
  // side and whether that one confirmed already.
  const ours = await colleagueAnswer(tx, p.responses, all, side, c);
  if (ours) return [say(ours.confirmedAt ? "mediation.confirmedByColleague" : "mediation.confirmByColleague", { number, round: p.round, who: ours.who, ...ours.at(ours.confirmedAt ?? ours.answeredAt) }), done];
  // Confirmed already by this user (a second press before the other side confirmed): said so again — the moment of
  // their consent stays the one recorded first, and it is logged once.
  if (p.responses.some((r) => r.userId === BigInt(c.userId) && r.confirmedAt !== null)) return [say("mediation.confirmedWaiting", { number }), done];
  await tx.proposalResponse.upsert({
    where: { proposalId_userId: { proposalId: p.id, userId: BigInt(c.userId) } },
    create: { proposalId: p.id, userId: BigInt(c.userId), answer: "accept", answeredAt: c.now, confirmedAt: c.now },
    update: { confirmedAt: c.now },
  });
  await tx.caseEvent.create({ data: { caseId: m.caseId, kind: "agreement_confirmed", actorId: BigInt(c.userId), createdAt: c.now, payload: { proposalId: p.id, side } } });
  const responses = await tx.proposalResponse.findMany({ where: { proposalId: p.id, confirmedAt: { not: null } } });
  const confirmed = (["applicant", "organization"] as const).every((s) => responses.some((r) => all.some((x) => x.userId === r.userId && x.side === s)));
  if (!confirmed) return [say("mediation.confirmedWaiting", { number }), done];
  // Agreeing to a text is not signing it (law.md §4): the case is settled when the signed agreement is recorded.
  // The mediation's term still runs (EXPIRE_MEDIATION): each is told by when the signed agreement is to be recorded.
  // Signing takes time (a paper to sign, a meeting): a text agreed near the term's end leaves SIGN_MIN_DAYS for it,
  // not an end by the clock a moment later.
  const endsAt = m.endsAt ? new Date(Math.max(m.endsAt.getTime(), endOfDay(addDays(localDate(c.now, c.timeZone), SIGN_MIN_DAYS), c.timeZone).getTime())) : null;
  const extended = endsAt !== null && endsAt.getTime() !== m.endsAt?.getTime();
  await tx.mediation.update({ where: { id: m.id }, data: { state: "signing", ...(extended ? { endsAt } : {}) } });
  if (extended) await scheduleExpiry(tx, m.id, endsAt);
  await tx.caseEvent.create({ data: { caseId: m.caseId, kind: "agreement_text_agreed", createdAt: c.now, payload: { proposalId: p.id } } });
  await scheduleSignReminder(tx, m.id, c.now, endsAt, c.timeZone);
  return [...signingMessages(all, m, Number(p.amountTenge), endsAt, c.timeZone, "", await condoledIn(tx, m)), ...(side === "applicant" ? [done] : [])];
};

/**
 * Both sides agreed to the text: everyone told it is no signature, how the case gets settled and by when the signed
 * agreement is to be recorded — the mediator and staff with the button that records it; in a death case, after
 * condolence (the text names the amount).
 */
const signingMessages = (all: Member[], m: MediationRow, amount: number, endsAt: Date | null, timeZone: string, lead: Param = "", condoled = false): Addressed[] => {
  const by: Param = endsAt ? { key: "mediation.signBy", params: { until: showDate(localDate(endsAt, timeZone)) } } : "";
  return all.flatMap((x) => [
    ...(m.case.outcome === "death" && !condoled ? [sayTo(x, "common.condolence")] : []),
    sayTo(
      x,
      "common.text",
      { text: lines([lead, { key: x.side === "applicant" ? "mediation.textAgreedApplicant" : "mediation.textAgreed", params: { number: m.case.number, amount } }, by], " ", true) },
      x.side === "applicant" ? undefined : [[{ key: "mediation.recordSigned", ...act(recordSigned, { mediationId: m.id }) }]],
    ),
  ]);
};

/**
 * The proposal the agreement is about: the one whose text both sides confirmed, else the one both accepted (one at
 * most: no proposal is made once one is — proposeSettlement).
 */
const agreedProposal = async (tx: Tx, m: MediationRow, all: Member[]) => {
  const proposals = await tx.proposal.findMany({ where: { mediationId: m.id, authorRole: "mediator" }, include: { responses: true }, orderBy: { id: "desc" } });
  const confirmedByBoth = (p: (typeof proposals)[number]) =>
    (["applicant", "organization"] as const).every((s) => p.responses.some((r) => r.confirmedAt !== null && all.some((x) => x.userId === r.userId && x.side === s)));
  return proposals.find(confirmedByBoth) ?? proposals.find((p) => acceptedByBoth(all, p.responses)) ?? null;
};

/**
 * A mediation whose term ran out at signing — both sides had agreed to its text, the signed agreement not recorded by
 * its last day — on a case neither settled nor closed, with no later mediation under way or settled: when both sides
 * agreed to the text; else null. Parties often sign on the last day and the scan comes the next morning: the
 * signed agreement may still be recorded, and the case is settled as if it had come in time. A mediation that ended
 * otherwise (declined, refused, ended by its mediator, a side withdrew, its term ran out before the text was agreed)
 * is not.
 */
const endedAtSigning = async (tx: Tx, m: { id: number; caseId: number; state: string; endReason: string | null; case: { status: CaseStatus } }): Promise<Date | null> => {
  if (m.state !== "ended" || m.endReason !== "expired" || NO_MEDIATION.includes(m.case.status)) return null;
  if (await tx.mediation.count({ where: { caseId: m.caseId, id: { gt: m.id }, state: { in: [...ACTIVE, "settled"] } } })) return null;
  return (await textAgreed(tx, m))?.at ?? null;
};

/** When both sides agreed to the text of this mediation's agreement, and the proposal it was; null if they never did. */
const textAgreed = async (tx: Tx, m: { id: number; caseId: number }): Promise<{ at: Date; proposalId: number } | null> => {
  const proposals = new Set((await tx.proposal.findMany({ where: { mediationId: m.id }, select: { id: true } })).map((p) => p.id));
  const agreed = (await tx.caseEvent.findMany({ where: { caseId: m.caseId, kind: "agreement_text_agreed" }, orderBy: { id: "desc" } })).find((ev) =>
    proposals.has(Number((ev.payload as { proposalId?: unknown } | null)?.proposalId)),
  );
  return agreed ? { at: agreed.createdAt, proposalId: Number((agreed.payload as { proposalId: number }).proposalId) } : null;
};

/**
 * The signed agreement's flow, opened by the mediator or the organisation's staff (access.ts checked who): at signing,
 * as it is; after the mediation ended by its term at signing (endedAtSigning), asking the day it was signed too — not
 * before the text was agreed, with the mediation's last day offered; otherwise refused before the file is asked for.
 */
export const signedAgreementOpening = async (tx: Tx, mediationId: number, c: Ctx): Promise<{ refused: Out } | { input: { mediationId: number; notBefore?: string; lastDay?: string } }> => {
  const m = await loadMediation(tx, mediationId);
  if (!m) return { refused: say("cases.notFound") };
  if (m.state === "signing") return { input: { mediationId } };
  const agreedAt = await endedAtSigning(tx, m);
  if (!agreedAt) return { refused: notNow(m) };
  const agreedOn = localDate(agreedAt, c.timeZone);
  const lastDay = m.endsAt ? localDate(m.endsAt, c.timeZone) : null;
  return { input: { mediationId, notBefore: agreedOn, ...(lastDay && lastDay >= agreedOn && lastDay < localDate(c.now, c.timeZone) ? { lastDay } : {}) } };
};

/**
 * A signed document's file as recorded: a scan of several pages sent as an album keeps every page, the first being
 * `file` (stored with them).
 */
const signedPagesOf = (e: { file: FileRef; pages?: FileRef[] | undefined }) => {
  const pages = (e.pages && e.pages.length > 1 ? e.pages : [e.file]).map((f) => ({ kind: f.kind, fileId: f.fileId }));
  return { pages, file: { kind: e.file.kind, fileId: e.file.fileId, ...(pages.length > 1 ? { pages } : {}) } };
};
/** A signed document's pages re-sent to `x`, each saying what it is: a scan re-sent alone says nothing by itself. */
const CAPTIONS = {
  agreement: { one: "mediation.signedCaption", page: "mediation.signedCaptionPage" },
  contract: { one: "mediation.contractCaption", page: "mediation.contractCaptionPage" },
} as const;
const captionedPages = (pages: { kind: FileRef["kind"]; fileId: string }[], x: Recipient, doc: keyof typeof CAPTIONS, number: string): Out[] =>
  pages.map((f, i): Out => ({
    type: "file",
    file: f,
    caption: pages.length > 1 ? { key: CAPTIONS[doc].page, params: { number, n: i + 1, count: pages.length } } : { key: CAPTIONS[doc].one, params: { number } },
    to: x,
  }));

/** The signed mediation contract recorded for this mediation (law.md §4, Art. 20): the day it was signed; null if none. */
const contractSigned = async (tx: Tx, m: { id: number; caseId: number }): Promise<{ on: string } | null> => {
  const ev = (await tx.caseEvent.findMany({ where: { caseId: m.caseId, kind: "contract_signed" }, select: { payload: true } })).find(
    (x) => (x.payload as { mediationId?: unknown } | null)?.mediationId === m.id,
  );
  const on = (ev?.payload as { on?: unknown } | undefined)?.on;
  return ev ? { on: typeof on === "string" ? on : "" } : null;
};
/**
 * The first day the contract can be said to have been signed: the day the case's notice was saved in the bot (a typo's
 * guard) — the sides may have signed on paper before they pressed their consent in the bot, even with a mediator
 * engaged before the bot proposed one: those days are not refused. Null while the sides have not both consented.
 */
const contractNotBefore = (m: { startedAt: Date | null; case: { submittedAt: Date } }, timeZone: string): string | null =>
  m.startedAt ? localDate(m.case.submittedAt, timeZone) : null;
/** Whether the mediator or the organisation's staff may attach the signed contract now: under way, consented to by both, none recorded. */
const contractOpen = (m: { state: string; startedAt: Date | null }) => (m.state === "running" || m.state === "signing") && m.startedAt !== null;
/** The button that attaches it, for the mediator and the organisation's staff while it may be attached. */
const contractButton = async (tx: Tx, m: MediationRow, side: Side): Promise<Button[][]> =>
  side !== "applicant" && contractOpen(m) && !(await contractSigned(tx, m)) ? [[{ key: "mediation.recordContract", ...act(recordContract, { mediationId: m.id }) }]] : [];

/**
 * «Приложить подписанный договор о медиации»: the flow that takes its scan and the day it was signed opens for the
 * mediator or the organisation's staff of a mediation under way whose contract is not recorded yet; anyone else, or a
 * button from before, is told why — with their home after it.
 */
export const openSignedContract = async (tx: Tx, e: DomainEffect<"openSignedContract">, c: Ctx): Promise<Out[]> => {
  const m = await loadMediation(tx, e.mediationId);
  const side = m ? sideOf(await members(tx, m), c.userId) : null;
  // Refused at the button: nothing is open — the presser's home follows (a flow's end brings it by itself).
  const gate = await contractGate(tx, m, side, c, thenHome(side === "mediator" ? "mediator" : side === "organization" ? "staff" : undefined));
  if ("refused" in gate) return gate.refused;
  const as = await mediationOpenedAs(tx, gate.m.id, c.userId);
  return [{ type: "reply", event: { type: "OPEN", flow: "signedAgreement", input: { mediationId: gate.m.id, doc: "contract", notBefore: gate.notBefore }, ...(as ? { as } : {}) } }];
};

/**
 * Whether `side` may attach the signed contract of `m` now, and from which day — the gate its button and its recording
 * both pass (a flow left open meanwhile may be stale): only the mediator or the organisation's staff, once, while the
 * mediation is under way. A refusal says why, then `done` (if any) where nothing else is left to press.
 */
const contractGate = async (tx: Tx, m: MediationRow | null, side: Side | null, c: Ctx, done: Out | null): Promise<{ refused: Out[] } | { m: MediationRow; notBefore: string }> => {
  const home = done ? [done] : [];
  if (!m || (side !== "mediator" && side !== "organization")) return { refused: [...notFound(), ...home] };
  const signed = await contractSigned(tx, m);
  if (signed)
    return { refused: [say("mediation.contractAlready", { number: m.case.number, date: showDate(signed.on) }, [[{ key: "mediation.open", ...act(viewMediation, { mediationId: m.id }) }]])] };
  const notBefore = contractNotBefore(m, c.timeZone);
  if (!contractOpen(m) || !notBefore) return { refused: [notNow(m), ...home] };
  return { m, notBefore };
};

/**
 * The signed mediation contract recorded (law.md §4, Art. 20): its file and the day it was signed, checked again — a
 * flow left open meanwhile may be stale. Everyone in the mediation is told, in their language, and gets its pages,
 * captioned. When the bot's negotiation opened does not change: it opened at both sides' consent.
 */
export const recordSignedContract = async (tx: Tx, e: DomainEffect<"recordSignedContract">, c: Ctx): Promise<Out[]> => {
  const loaded = await loadMediation(tx, e.mediationId);
  const all = loaded ? await members(tx, loaded) : [];
  // Refused at «Записать»: the flow's end brings the home after it.
  const gate = await contractGate(tx, loaded, sideOf(all, c.userId), c, null);
  if ("refused" in gate) return gate.refused;
  const { m, notBefore } = gate;
  const number = m.case.number;
  const view: Button[][] = [[{ key: "mediation.open", ...act(viewMediation, { mediationId: m.id }) }]];
  const today = localDate(c.now, c.timeZone);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(e.on) || e.on > today || e.on < notBefore)
    return [say("mediation.contractDayRange", { number, from: showDate(notBefore), to: showDate(today) }, [[{ key: "mediation.recordContract", ...act(recordContract, { mediationId: m.id }) }]])];
  const { pages, file } = signedPagesOf(e);
  await tx.caseEvent.create({ data: { caseId: m.caseId, kind: "contract_signed", actorId: BigInt(c.userId), createdAt: c.now, payload: { mediationId: m.id, on: e.on, file } } });
  const date = showDate(e.on);
  return all.flatMap((x): Out[] => [
    sayTo(x, "mediation.contractRecorded", { number, date }, x.userId === BigInt(c.userId) ? view : undefined),
    ...(x.userId === BigInt(c.userId) ? [] : captionedPages(pages, x, "contract", number)),
  ]);
};

/**
 * The mediator or the organisation's staff record the signed settlement agreement: only now is the case settled. At
 * signing, or after the mediation ended by its term at signing (endedAtSigning) — then with the day it was signed,
 * and everyone told that the message about its end without agreement no longer holds.
 */
export const recordSignedAgreement = async (tx: Tx, e: DomainEffect<"recordSignedAgreement">, c: Ctx): Promise<Out[]> => {
  const m = await loadMediation(tx, e.mediationId);
  const all = m ? await members(tx, m) : [];
  const side = sideOf(all, c.userId);
  if (!m || (side !== "mediator" && side !== "organization")) return notFound();
  const number = m.case.number;
  const agreedAt = m.state === "signing" ? null : await endedAtSigning(tx, m);
  if (m.state !== "signing" && !agreedAt) return [notNow(m)];
  // A flow opened at signing whose file came after the end (the last day's reminder, the scan the next morning): the
  // day it was signed is what recording after the end asks — nothing recorded without it; the button opens the flow
  // that asks it.
  if (agreedAt && e.on === undefined) return [say("mediation.signedDayNeeded", { number }, [[{ key: "mediation.recordSigned", ...act(recordSigned, { mediationId: m.id }) }]])];
  const agreedOn = agreedAt ? localDate(agreedAt, c.timeZone) : null;
  // The day it was signed (asked when recorded after the end): from the day the text was agreed to today — the flow
  // checked it; a flow left open meanwhile may not have.
  const today = localDate(c.now, c.timeZone);
  if (e.on !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(e.on) || e.on > today || (agreedOn !== null && e.on < agreedOn)))
    return [say("mediation.signedDayRange", { number, from: showDate(agreedOn ?? today), to: showDate(today) }, [[{ key: "mediation.recordSigned", ...act(recordSigned, { mediationId: m.id }) }]])];
  const p = await agreedProposal(tx, m, all);
  const { pages, file } = signedPagesOf(e);
  await tx.mediation.update({ where: { id: m.id }, data: { state: "settled", endedAt: c.now, endReason: "settled", signedFile: file, signedAt: c.now, signedBy: BigInt(c.userId) } });
  await tx.case.update({ where: { id: m.caseId }, data: { status: "settled", closedAt: c.now } });
  await tx.caseEvent.create({
    data: { caseId: m.caseId, kind: "agreement_signed", actorId: BigInt(c.userId), createdAt: c.now, payload: { proposalId: p?.id ?? null, ...(e.on ? { on: e.on } : {}), ...(m.state === "ended" ? { afterEnd: true } : {}) } },
  });
  await tx.caseEvent.create({ data: { caseId: m.caseId, kind: "case_settled", createdAt: c.now, payload: { proposalId: p?.id ?? null } } });
  await cancel(tx, expireKey(m.id));
  await cancel(tx, signKey(m.id));
  // Settled: the bot follows the commission's sittings no more — their reminders cancelled, and those invited told so.
  const sittings = await settledCaseSittings(tx, m.caseId, c);
  const relatives = (await caseParticipants(tx, m.caseId, ["relative"])).map((r) => reader(r.userId, r.user.language, m.case.language));
  const amount = p ? Number(p.amountTenge) : 0;
  const condoled = await condoledIn(tx, m);
  // Recorded after the bot ended the mediation by its term: the day it was signed, and what it told then (its end
  // without agreement; to the applicant, the way onward) said to no longer hold.
  const after = (x: Member): Param[] =>
    m.state === "ended" ? [...(e.on ? [{ key: "mediation.signedOn", params: { date: showDate(e.on) } }] : []), { key: x.side === "applicant" ? "mediation.settledLateApplicant" : "mediation.settledLate" }] : [];
  // The signed agreement itself goes to the parties (it names them), not to relatives; nor its amount: what
  // happens in the mediation is its participants' (law.md §4, confidentiality).
  // The news ends with the way on, one keyboard: the case's view for the applicant and relatives, staff's view of it for
  // the organisation's staff, the mediation for its mediator — not for the one who recorded it (their flow's end brings
  // their home).
  const openIt = (x: Member): Button[][] =>
    x.userId === BigInt(c.userId)
      ? []
      : [[{ key: "cases.open", params: { number }, ...(x.side === "mediator" ? act(viewMediation, { mediationId: m.id }) : x.side === "organization" ? act(openStaffCase, { caseId: m.caseId }) : act(openCase, { caseId: m.caseId })) }]];
  return buttonsLast([
    // Its amount, in a death case after condolence unless said already in this mediation (law.md §3; language.md «Tone»).
    // The signed agreement's pages first (each saying what it is), to the parties other than the one who sent them: the
    // message saying it is recorded follows them, with the button under it.
    ...all.flatMap((x) =>
      condoleOnce(
        m.case.outcome,
        condoled,
        x,
        ...(x.userId !== BigInt(c.userId) && x.side !== "mediator" ? captionedPages(pages, x, "agreement", number) : []),
        m.state === "ended"
          ? sayTo(x, "common.text", { text: lines([{ key: "mediation.settled", params: { number, amount } }, ...after(x)], " ") }, openIt(x))
          : sayTo(x, "mediation.settled", { number, amount }, openIt(x)),
      ),
    ),
    ...relatives.map((x) => sayTo(x, "mediation.settledRelative", { number }, [[{ key: "cases.open", params: { number }, ...act(openCase, { caseId: m.caseId }) }]])),
    ...sittings,
  ]);
};

/**
 * The way on under the last message each reader gets, one keyboard: a settled case's notes about its sittings, which
 * come after the news, take the news's buttons when they have none of their own.
 */
const buttonsLast = (outs: Out[]): Out[] => {
  const last = new Map<number, number>();
  outs.forEach((o, i) => o.type === "say" && o.to && last.set(o.to.chatId, i));
  const moved = new Map<number, Button[][]>();
  const kept = outs.map((o, i): Out => {
    if (o.type !== "say" || !o.to || !o.buttons?.length || last.get(o.to.chatId) === i || outs[last.get(o.to.chatId)!]!.type !== "say" || (outs[last.get(o.to.chatId)!] as { buttons?: unknown[] }).buttons?.length) return o;
    moved.set(o.to.chatId, o.buttons);
    const { buttons: _, ...rest } = o;
    return rest;
  });
  return kept.map((o, i) => (o.type === "say" && o.to && last.get(o.to.chatId) === i && moved.has(o.to.chatId) ? { ...o, buttons: moved.get(o.to.chatId)! } : o));
};

/**
 * Where a case under a running mediation returns when it ends without agreement: «escalated» if the applicant drafted a
 * complaint on it — before the mediation, or while it waited for the sides' consent, which its start then covered with
 * «mediation» — since a draft ends nothing and is not undone by a mediation; otherwise the commission's step underneath.
 */
const statusAfter = async (tx: Tx, m: MediationRow): Promise<CaseStatus> =>
  (await tx.caseEvent.count({ where: { caseId: m.caseId, kind: "escalation_drafted" } })) > 0 ? "escalated" : statusBefore(m.case);

const end = async (tx: Tx, m: MediationRow, reason: string, now: Date) => {
  await tx.mediation.update({ where: { id: m.id }, data: { state: "ended", endedAt: now, endReason: reason } });
  if (m.case.status === "mediation") await tx.case.update({ where: { id: m.caseId }, data: { status: await statusAfter(tx, m) } });
  await tx.caseEvent.create({ data: { caseId: m.caseId, kind: "mediation_ended", createdAt: now, payload: { reason } } });
  await cancel(tx, expireKey(m.id));
  await cancel(tx, `mediation:${m.id}:offer`);
  await cancel(tx, signKey(m.id));
};

/** The mediator ends mediation, or a side withdraws; the applicant is shown the usual path onward. */
export const endMediation = async (tx: Tx, e: DomainEffect<"endMediation">, c: Ctx): Promise<Out[]> => {
  const m = await loadMediation(tx, e.mediationId);
  const all = m ? await members(tx, m) : [];
  const side = sideOf(all, c.userId);
  // The applicant is shown the way onward (endedMessages: its button the last thing on screen); the mediator and staff,
  // left with nothing to press, get their home.
  const done = thenHome(side === "mediator" ? "mediator" : side === "organization" ? "staff" : undefined);
  if (!m || !side) return [...notFound(), done];
  if (!(ACTIVE as readonly string[]).includes(m.state)) return [notNow(m), done];
  const reason = side === "mediator" ? "ended_by_mediator" : "withdrawn";
  await end(tx, m, reason, c.now);
  return [...endedMessages(all, m, reason, side), ...(side === "applicant" ? [] : [done])];
};

/**
 * A mediator's role revoked (features/admin): their mediations not yet at signing end — none is left waiting for
 * an answer only they could give, nor runs with no mediator; the sides are told, the applicant shown the way
 * onward, and staff may propose another mediator. A mediation at signing stays: staff record the signed agreement.
 */
export const BEFORE_SIGNING = ["proposed", "agreeing", "running"] as const;
export const endRevokedMediators = async (tx: Tx, mediatorId: bigint, now: Date): Promise<Addressed[]> => {
  const open = await tx.mediation.findMany({ where: { mediatorId, state: { in: [...BEFORE_SIGNING] } }, select: { id: true, caseId: true }, orderBy: { caseId: "asc" } });
  // Each case's lock first, in the order of their ids (the effect names a role, not a case: bot/core/case-lock.ts).
  await lockCases(tx, open.map((o) => o.caseId));
  const out: Addressed[] = [];
  for (const { id } of open) {
    const m = await loadMediation(tx, id);
    // Read again under the lock: another update may have moved it on meanwhile.
    if (!m || !(BEFORE_SIGNING as readonly string[]).includes(m.state)) continue;
    const all = await members(tx, m);
    await end(tx, m, "mediator_revoked", now);
    out.push(...endedMessages(all, m, "mediator_revoked", null));
  }
  return out;
};

/** The button to take the case further, under «what next»: none for an applicant who withdrew consent (the text names the way in words). */
const onward = (x: Member, caseId: number): Button[][] => (x.withdrew ? [] : [[{ key: "escalation.button", ...act(chooseEscalation, { caseId }) }]]);

const endedMessages = (all: Member[], m: MediationRow, reason: string, by: Side | null): Addressed[] => [
  ...all.map((x) => {
    const params = { number: m.case.number, why: { key: `mediation.endReasons.${reason}`, params: { side: by ? role(by) : "" } } };
    // Mediation starts the day its contract is signed (law.md §4, Art. 20): one that ended before — its contract left
    // unanswered, its mediator gone — never began; not said to have «ended without an agreement».
    if (!m.startedAt) return sayTo(x, "mediation.endedUnstarted", params);
    // Its term ran out at signing: the parties may have signed on the last day — those who record the signed
    // agreement can still attach it (recordSignedAgreement), and the case is settled then.
    return reason === "unsigned" && x.side !== "applicant"
      ? sayTo(x, "common.text", { text: lines([{ key: "mediation.ended", params }, { key: "mediation.signedLateHint" }], " ") }, [[{ key: "mediation.recordSigned", ...act(recordSigned, { mediationId: m.id }) }]])
      : sayTo(x, "mediation.ended", params);
  }),
  ...all
    .filter((x) => x.side === "applicant")
    .map((x) => sayTo(x, "mediation.nextSteps", { number: m.case.number }, onward(x, m.caseId))),
];

/**
 * Mediations at signing in a database from before signing had an end (a version of the bot that ended none): nothing
 * ended them, and their cases waited at signing for good. At every start (scheduleSigningRepair) each mediation at
 * signing with no end pending gets one by signing's own rule — its term, or SIGN_MIN_DAYS after the text was agreed
 * when later — but never sooner than SIGN_MIN_DAYS from the repair (no one was told a last day before: ten days to
 * record what was signed meanwhile). Its reminders run from then, and the parties and the mediator are told the last
 * day, as when signing starts. Once one has its end pending it is left alone: the next start tells nobody again.
 */
const SIGN_REPAIR = "mediation_sign_repair";
const SIGN_REPAIR_KEY = "mediation:signing:repair";
export const scheduleSigningRepair = async (db: Prisma, now: Date): Promise<void> => {
  await schedule(db, { kind: SIGN_REPAIR, key: SIGN_REPAIR_KEY, dueAt: now, payload: {} });
};
const repairSigning: JobHandler = async (tx, _job, now, d, log) => {
  const atSigning = await tx.mediation.findMany({ where: { state: "signing" }, select: { id: true, caseId: true }, orderBy: { id: "asc" } });
  const pending = async (ids: number[]) =>
    new Set((await tx.scheduledJob.findMany({ where: { state: "pending", dedupeKey: { in: ids.map(expireKey) } }, select: { dedupeKey: true } })).map((j) => j.dedupeKey));
  const ended = await pending(atSigning.map((m) => m.id));
  const out: Addressed[] = [];
  let busy = false;
  for (const { id, caseId } of atSigning.filter((m) => !ended.has(expireKey(m.id)))) {
    // An update acting on the case now: all again a moment later (as the deadlines' recount).
    if (!(await tryLockCaseOf(tx, { caseId }))) {
      busy = true;
      continue;
    }
    // Each in a savepoint of its own (jobs.ts eachCase): one whose write PostgreSQL refuses, or that cannot be read, is
    // undone alone and named in the log; the others' people are told their last day all the same.
    const said = await eachCase(tx, log, SIGN_REPAIR, caseId, async (): Promise<Addressed[]> => {
      // Read again under the lock: recorded, or given its end, meanwhile.
      const m = await loadMediation(tx, id);
      if (!m || m.state !== "signing" || (await pending([id])).size > 0) return [];
      // The text was agreed before now: SIGN_MIN_DAYS from now is the later of the two days after the term.
      const floor = endOfDay(addDays(localDate(now, d.timeZone), SIGN_MIN_DAYS), d.timeZone);
      const endsAt = m.endsAt && m.endsAt > floor ? m.endsAt : floor;
      await tx.mediation.update({ where: { id }, data: { endsAt } });
      await scheduleExpiry(tx, id, endsAt);
      await scheduleSignReminder(tx, id, now, endsAt, d.timeZone);
      const all = await members(tx, m);
      const agreed = await textAgreed(tx, m);
      const p = agreed ? await tx.proposal.findUnique({ where: { id: agreed.proposalId } }) : await agreedProposal(tx, m, all);
      // Weeks after the text was agreed, perhaps: said why they hear of it now.
      return signingMessages(all, m, p ? Number(p.amountTenge) : 0, endsAt, d.timeZone, { key: "mediation.signRepairLead" }, await condoledIn(tx, m));
    });
    if (said !== failed) out.push(...said);
  }
  // (A moment after now: rescheduled at its own due time, the job would be marked done — jobs.ts.)
  if (busy) await schedule(tx, { kind: SIGN_REPAIR, key: SIGN_REPAIR_KEY, dueAt: new Date(now.getTime() + CASE_BUSY_MS), payload: {} });
  return out;
};

export const mediationJobs: Record<string, JobHandler> = {
  [SIGN_REPAIR]: repairSigning,
  [EXPIRE_MEDIATION]: async (tx, job, now) => {
    const m = await loadMediation(tx, Number(job.payload.mediationId));
    if (!m || !(ACTIVE as readonly string[]).includes(m.state)) return [];
    const all = await members(tx, m);
    // The text agreed but its signed copy not recorded within the term: it ends as any mediation whose term ran out
    // (the applicant shown the way onward), the reason saying what was missing — the case is not held by it for good.
    const signing = m.state === "signing";
    // Its term moved on at signing (SIGN_MIN_DAYS) after this run was due: it ends then.
    if (signing && m.endsAt && m.endsAt > now) {
      await scheduleExpiry(tx, m.id, m.endsAt);
      return [];
    }
    await end(tx, m, "expired", now);
    return endedMessages(all, m, signing ? "unsigned" : "expired", null);
  },
  [SIGN_REMIND]: async (tx, job, now, d) => {
    const m = await loadMediation(tx, Number(job.payload.mediationId));
    if (!m || m.state !== "signing" || (m.endsAt !== null && m.endsAt <= now)) return [];
    await scheduleSignReminder(tx, m.id, now, m.endsAt, d.timeZone);
    const until = m.endsAt ? showDate(localDate(m.endsAt, d.timeZone)) : null;
    // Those who record it: the mediator and the organisation's staff, with the button that does.
    return (await members(tx, m))
      .filter((x) => x.side !== "applicant")
      .map((x) => ({
        ...sayTo(x, "common.text", { text: lines([{ key: "mediation.signReminder", params: { number: m.case.number } }, until ? { key: "mediation.signBy", params: { until } } : ""], " ", true) }, [
          [{ key: "mediation.recordSigned", ...act(recordSigned, { mediationId: m.id }) }],
        ]),
        stillTrue: { check: SIGN_REMIND, params: { mediationId: m.id, userId: String(x.userId) } },
      }));
  },
  [OFFER_LAPSE]: async (tx, job, now) => {
    const m = await loadMediation(tx, Number(job.payload.mediationId));
    if (!m || (m.state !== "proposed" && m.state !== "agreeing")) return [];
    const all = await members(tx, m);
    await end(tx, m, "unanswered", now);
    // A mediator who never answered: the sides had not been offered the contract yet — staff hear of it, and may
    // propose another mediator; a contract the sides left unanswered: everyone, the applicant with the way onward.
    if (m.state !== "proposed") return endedMessages(all, m, "unanswered", null);
    const told = endedMessages(all, m, "unanswered", null).filter((x) => all.some((y) => y.userId === BigInt(x.to.chatId) && y.side !== "applicant"));
    // …and whoever proposed the mediator, when no member of it (an admin), as a decline reaches them.
    const assigner = all.some((x) => x.userId === m.assignedBy) ? null : await tx.user.findUnique({ where: { id: m.assignedBy }, select: { id: true, language: true } });
    const why = { key: "mediation.endReasons.unanswered", params: { side: "" } };
    return [...told, ...(assigner ? [sayTo(reader(assigner.id, assigner.language), "mediation.endedUnstarted", { number: m.case.number, why })] : [])];
  },
  [EXPIRE_PROPOSAL]: async (tx, job, _now, d) => {
    const p = await tx.proposal.findUnique({ where: { id: Number(job.payload.proposalId) }, include: { responses: true } });
    const m = p?.mediationId ? await loadMediation(tx, p.mediationId) : null;
    if (!p || !m || m.state !== "running") return [];
    const all = await members(tx, m);
    if (acceptedByBoth(all, p.responses)) return [];
    // A newer proposal stopped this one standing: the sides are answering that one, and would read this as its end.
    if (await tx.proposal.count({ where: { mediationId: m.id, authorRole: "mediator", id: { gt: p.id } } })) return [];
    await tx.caseEvent.create({ data: { caseId: m.caseId, kind: "proposal_expired", createdAt: job.dueAt, payload: { proposalId: p.id } } });
    const until = p.validUntil ? showDate(localDate(new Date(p.validUntil.getTime() - 1), d.timeZone)) : "";
    return all.map((x) => sayTo(x, "mediation.proposalExpired", { number: m.case.number, round: p.round, until }));
  },
};

/**
 * A reminder to record the signed agreement, checked again when it is sent (a send put off, a restart): still waited
 * for — not recorded meanwhile, nor ended — and its reader still the mediator or the organisation's staff in it.
 */
export const mediationChecks: Record<string, TruthCheck> = {
  [SIGN_REMIND]: async (db, params, now) => {
    const m = await db.mediation.findUnique({ where: { id: Number(params.mediationId) }, select: { id: true, state: true, endsAt: true } });
    if (!m || m.state !== "signing" || (m.endsAt !== null && m.endsAt <= now)) return false;
    if (typeof params.userId !== "string" || !/^\d+$/.test(params.userId)) return true;
    const side = await mediationSide(db, m.id, Number(params.userId));
    return side === "mediator" || side === "organization";
  },
};

/** A mediator's inbox: the mediations they are in, newest first. */
/** A mediator's mediations, ten a page, newest first. */
export const mediatorInbox = async (tx: Tx, c: Ctx, at: PageAt = {}): Promise<Out[]> => {
  const where = { mediatorId: BigInt(c.userId) };
  const total = await tx.mediation.count({ where });
  if (total === 0) return [say("mediation.inboxEmpty")];
  // Newest first: a page goes on after the mediation shown last, or ends before the one shown first.
  const page = await keysetPage(
    {
      from: (skip) => tx.mediation.findMany({ where, include: { case: { include: ORG_NAMES } }, orderBy: { id: "desc" }, skip, take: PAGE }),
      beside: (p) =>
        tx.mediation.findMany({ where: { ...where, id: p.dir === "next" ? { lt: p.id } : { gt: p.id } }, include: { case: { include: ORG_NAMES } }, orderBy: { id: p.dir === "next" ? "desc" : "asc" }, take: PAGE }),
      above: (m) => tx.mediation.count({ where: { ...where, id: { gt: m.id } } }),
      cursor: (m, dir) => ({ dir, id: m.id }),
    },
    at,
    total,
  );
  const list = page.items;
  const offset = page.offset;
  const items = list.map((m): Param => ({ key: "mediation.inboxItem", params: { number: m.case.number, org: caseOrg(m.case), state: { key: `mediation.states.${m.state}` } } }));
  const buttons = [...list.map((m) => [{ key: "cases.open", params: { number: m.case.number }, ...act(viewMediation, { mediationId: m.id }) }]), ...pageButtons("mediations", page)];
  return total > PAGE
    ? [say("mediation.inboxPage", { items: lines(items), from: offset + 1, to: offset + list.length, total }, buttons)]
    : [say("mediation.inboxTitle", { items: lines(items) }, buttons)];
};

/** For a case's view (applicant or staff): a button to its mediation, or for staff one to propose it. */
export const mediationButtons = async (tx: Tx, caseId: number, staff: boolean): Promise<Button[][]> => {
  const active = await tx.mediation.findFirst({ where: { caseId, state: { in: [...ACTIVE] } }, orderBy: { id: "desc" } });
  if (active) return [[{ key: "mediation.open", ...act(viewMediation, { mediationId: active.id }) }]];
  const k = await tx.case.findUnique({ where: { id: caseId } });
  if (!staff || !k || NO_MEDIATION.includes(k.status)) return [];
  // The case's last mediation ended by its term at signing: its signed agreement may still be recorded.
  const last = await tx.mediation.findFirst({ where: { caseId, state: "ended", endReason: "expired" }, orderBy: { id: "desc" }, include: { case: true } });
  const late = last && (await endedAtSigning(tx, last)) !== null ? [[{ key: "mediation.recordSigned", ...act(recordSigned, { mediationId: last.id }) }]] : [];
  return [...late, [{ key: "mediation.offerButton", ...act(pickAction, { caseId }) }]];
};
