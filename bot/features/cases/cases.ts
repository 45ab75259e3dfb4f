// /cases: the cases a user takes part in, each with its status, next step and deadline counted down in
// working days; and one case's timeline. A user sees only cases they take part in — and staff and a mediator,
// who take part in none, the cases of their organisations and their mediations, as /inbox shows them.
import { act, openPayments } from "../../../machines/actions.js";
import { localDate } from "../../../machines/calendar.js";
import { primaryRole } from "../../../machines/chat.js";
import type { Button, DomainEffect, PageCursor, Param } from "../../../machines/effects.js";
import { showDate } from "../../../machines/notice.js";
import { mciTenge, minimumMci, type PaidOutcome } from "../../../machines/payments.js";
import { answersOf, caseOrg, caseViewDeadlines, deadlineLines, notReceivedYet, regionName, stepOf, str, timeline, type statusBefore } from "../../core/case.js";
import type { Ctx, Tx } from "../../core/actor.js";
import { lines, say, sayText, thenHome, type Out } from "../../core/effects.js";
import { applicantOf, refusedHome, withdrawnOf } from "../../core/people.js";
import { escalationButton } from "../escalation/escalation.js";
import { mediationButtons } from "../mediation/mediation.js";
import { relativeButtons } from "../relatives/relatives.js";
import { showInbox } from "../staff/staff.js";
import { participantSittings, showWhen } from "../sittings/sittings.js";
import { handInButtons, receiptLine } from "../receipt/receipt.js";
import { caseKeyset, keysetPage, PAGE } from "../admin/pages.js";
import { casesPage, openCase, showAccesses as showAccessesAction } from "./actions.js";

/** Events shown in a case's timeline, the latest last; at about 60 characters each they fit one message. */
export const TIMELINE_MAX = 30;

const mine = (userId: number) => ({ participants: { some: { userId: BigInt(userId), removedAt: null } } });

type Dated = Parameters<typeof statusBefore>[0] & { status: string; answers: unknown };

const DAY_MS = 86_400_000;

/** A mediation's date, with the calendar days left after today (its terms are counted in calendar days: addDays). */
const calendarLine = (key: string, params: Record<string, Param | number>, until: Date, c: { now: Date; timeZone: string }): Param => {
  const date = localDate(until, c.timeZone);
  const left = Math.round((Date.parse(date) - Date.parse(localDate(c.now, c.timeZone))) / DAY_MS);
  return { key, params: { ...params, date: showDate(date), left: left === 0 ? { key: "cases.lastDay" } : { key: "cases.calendarLeft", params: { count: left } } } };
};

/**
 * The applicant's own deadlines in a running mediation: the mediator's newest proposal while it stands and awaits
 * their answer, and the last day of the negotiations (mediation.ts proposeSettlement, partyAgree); with the text
 * agreed, the last day for the signed agreement to be recorded (mediation.ts EXPIRE_MEDIATION).
 */
const mediationDeadlines = async (tx: Tx, caseId: number, c: Ctx): Promise<Param[]> => {
  const m = await tx.mediation.findFirst({ where: { caseId, state: { in: ["running", "signing"] }, endsAt: { gt: c.now } }, orderBy: { id: "desc" } });
  if (!m?.endsAt) return [];
  if (m.state === "signing") return [calendarLine("cases.signingDue", {}, m.endsAt, c)];
  const p = await tx.proposal.findFirst({ where: { mediationId: m.id, authorRole: "mediator" }, orderBy: { id: "desc" }, include: { responses: { where: { userId: BigInt(c.userId) } } } });
  const awaiting = p?.validUntil && p.validUntil > c.now && p.responses.length === 0 ? [calendarLine("cases.proposalDue", { round: p.round }, p.validUntil, c)] : [];
  return [...awaiting, calendarLine("cases.mediationDue", {}, m.endsAt, c)];
};

/**
 * A concluded case: which way the commission concluded, and what comes next — harm confirmed: as a rule the pool's
 * insurer pays under its own procedure, with the minimum set by law for the outcome (law.md §2, §3 step 7); not
 * confirmed: the usual path onward (law.md §6). After «the patient died», condolence first.
 */
const conclusionLines = (k: Dated): Param[] => {
  const r = answersOf(k.answers).conclusion as { confirmed?: unknown; outcome?: unknown; on?: unknown } | undefined;
  if (stepOf(k) !== "concluded" || typeof r?.confirmed !== "boolean") return [];
  if (!r.confirmed) return [{ key: "cases.result.notConfirmed" }, { key: "cases.next.concludedNotConfirmed" }];
  const outcome = typeof r.outcome === "string" ? r.outcome : "unknown";
  const paid = outcome === "unknown" ? null : (outcome as PaidOutcome);
  const mci = paid ? minimumMci(paid) : 0;
  const year = Number(str(r.on).slice(0, 4));
  const tenge = mciTenge(year);
  return [
    ...(outcome === "death" ? [{ key: "common.condolence" }] : []),
    { key: "cases.result.confirmed", params: { outcome: { key: `notice.outcomeText.${outcome}` } } },
    { key: "cases.next.concludedConfirmed" },
    // Counted by the MCI of the conclusion's year, and saying so: read in a later year, the tenge is not that year's
    // (which MCI a payment is counted by, law.md does not say); a year whose MCI is not recorded gives MCI only, and why.
    ...(paid ? [tenge === null ? { key: "cases.minimumMci", params: { mci, year } } : { key: "cases.minimumTenge", params: { mci, year, tenge: mci * tenge } }] : []),
  ];
};

/**
 * Only the applicant hands the notice in and says when (handInButtons): others read that step in the third person.
 * The organisation's and the commission's steps read the same to everyone — a relative too is told what the
 * deadline under it is for.
 */
const isApplicant = (k: { participants: { role: string }[] }): boolean => k.participants.some((p) => p.role === "applicant");
const APPLICANTS_STEP = ["saved", "delivered"];
/** The steps with a next one to name (a settled or closed case has none). */
const NEXT_STEPS = [...APPLICANTS_STEP, "received", "commission_formed"];
const nextOf = (k: Dated & { participants: { role: string }[] }): string =>
  isApplicant(k) || !APPLICANTS_STEP.includes(stepOf(k)) ? `cases.next.${stepOf(k)}` : `cases.nextRelative.${stepOf(k)}`;

export const listCases = async (tx: Tx, e: DomainEffect<"showCases">, c: Ctx): Promise<Out[]> => {
  // Ten a page, the newest first, names clipped to 80 characters; a page longer than Telegram takes goes in parts
  // (render.ts splitText). The older ones are a button away: every case stays within reach, as in /inbox.
  const where = mine(c.userId);
  const total = await tx.case.count({ where });
  // A page asked for by its button is the user's own list only; the organisation's cases are /inbox's pages.
  // None: said, and the way on follows (the open flow's question, or the home) — the /notice it names is no button.
  // (On no case, staff, a mediator or an admin: their own home, not the applicant's menu the button's side would bring.)
  if (e.cursor) return total === 0 ? [say("cases.none"), thenHome(primaryRole(c.roles))] : [await casesPageOf(tx, where, total, e.cursor, c)];
  // «Мои дела» is on every role's home: staff and mediators get what /inbox shows, after their own cases if any.
  const work = c.roles.includes("staff") || c.roles.includes("mediator") ? await showInbox(tx, { type: "showInbox" }, c) : [];
  if (total === 0) return work.length ? work : [say(e.draft ? "cases.noneDraft" : "cases.none"), thenHome()];
  return [await casesPageOf(tx, where, total, undefined, c), ...work];
};

/** One page of the user's cases: each with its status, next step and deadlines, a button to open it, and the buttons to the pages beside. */
const casesPageOf = async (tx: Tx, where: ReturnType<typeof mine>, total: number, cursor: PageCursor | undefined, c: Ctx): Promise<Out> => {
  const page = await keysetPage(caseKeyset(tx, where), { cursor }, total);
  const roles = await tx.caseParticipant.findMany({ where: { caseId: { in: page.items.map((k) => k.id) }, userId: BigInt(c.userId), removedAt: null }, select: { caseId: true, role: true } });
  const orgIds = [...new Set(page.items.map((k) => k.organizationId).filter((id) => id !== null))];
  const orgs = orgIds.length ? await tx.organization.findMany({ where: { id: { in: orgIds } }, select: { id: true, nameKk: true, nameRu: true } }) : [];
  const cases = page.items.map((k) => ({ ...k, participants: roles.filter((p) => p.caseId === k.id), organization: orgs.find((o) => o.id === k.organizationId) ?? null }));
  const inMediation: Param[][] = [];
  for (const k of cases) inMediation.push(k.status === "mediation" && isApplicant(k) ? await mediationDeadlines(tx, k.id, c) : []);
  // A calendar's caveat once, at the end, the deadlines it is about marked (deadlineLines).
  const deadlines = deadlineLines(cases, c);
  const items = cases.map((k, i) =>
    lines(
      [
        { key: "cases.item", params: { number: k.number, org: caseOrg(k, 80), region: regionName(k.region) } },
        { key: "cases.status", params: { status: { key: `cases.statuses.${k.status}` } } },
        // Not every step has a next one to name; a mediation or a drafted complaint stops none (stepOf).
        ...(stepOf(k) === "concluded" ? conclusionLines(k) : [{ key: nextOf(k), params: { defaultValue: "" } }]),
        ...[deadlines.lines[i]!].filter((x) => x !== null),
        ...inMediation[i]!,
      ],
      "\n",
      true,
    ),
  );
  const title = total > PAGE ? { key: "cases.titlePage", params: { from: page.offset + 1, to: page.offset + cases.length, total } } : { key: "cases.title" };
  // «Earlier cases» after the newest page; «later cases» back. Named so, not «more»: the list is of the user's own cases.
  const to = (p: PageCursor) => act(casesPage, { dir: p.dir, id: p.id, at: p.at });
  const pages: Button[] = [...(page.prev ? [{ key: "cases.newer", ...to(page.prev) }] : []), ...(page.next ? [{ key: "cases.older", ...to(page.next) }] : [])];
  return sayText(lines([title, ...items, ...deadlines.notes], "\n\n"), [...cases.map((k) => [{ key: "cases.open", params: { number: k.number }, ...act(openCase, { caseId: k.id }) }]), ...(pages.length ? [pages] : [])]);
};

/** What happens inside a mediation, which a case's relatives do not see in its timeline (they see it begin and end). */
const MEDIATION_COURSE = new Set([
  "mediation_assigned",
  "contract_signed",
  "mediation_declined",
  "mediation_accepted",
  "mediation_agreed",
  "proposal_made",
  "proposal_accepted",
  "proposal_rejected",
  "counter_offer",
  "proposal_expired",
  "agreement_reached",
  "agreement_confirmed",
  "agreement_text_agreed",
  "agreement_signed",
]);

export const showCase = async (tx: Tx, e: DomainEffect<"showCase">, c: Ctx): Promise<Out[]> => {
  // The same answer whether the case does not exist or is someone else's: nothing is revealed.
  const k = await tx.case.findFirst({
    where: { id: e.caseId, ...mine(c.userId) },
    include: { organization: { select: { nameKk: true, nameRu: true } }, events: { where: { kind: { not: "mediation_message" } }, orderBy: { id: "asc" } }, participants: { where: { userId: BigInt(c.userId), removedAt: null }, select: { role: true } } },
  });
  // Refused (a forged id, someone removed from the case pressing an old view's button): the presser's home follows.
  if (!k) return [say("cases.notFound"), await refusedHome(tx, c)];
  // Mediation is between the applicant and the organisation: relatives do not take part in it, and what happens
  // in it is confidential to its participants (the contract says so) — a relative sees that it began and how it
  // ended, not its rounds.
  const applicant = (await applicantOf(tx, k.id, c.userId)) !== null;
  // Until the entity has the notice, the applicant can hand it in and say when — not after withdrawing consent: the
  // bot would refuse the date (mydata.ts needsConsent), so the view says why instead of offering the button.
  const handing = applicant && notReceivedYet(k);
  const withdrew = handing && (await withdrawnOf(tx, [BigInt(c.userId)])).size > 0;
  // Each event on the day it happened, in the order of those days; a deadline met, though recorded late, did not pass.
  const visible = timeline({ answers: k.answers, events: applicant ? k.events : k.events.filter((ev) => !MEDIATION_COURSE.has(ev.kind)) }, c.timeZone);
  // A long case (sittings moved, mediation rounds) keeps its latest events within one message.
  const shown = visible.slice(-TIMELINE_MAX);
  // A deadline that passed, counted on a calendar not yet checked, is marked; its note comes after the events (and
  // the running deadline's too, then: caseViewDeadlines).
  const calendar = caseViewDeadlines(k, c, shown);
  const events: Param[] = [
    ...(visible.length > shown.length ? [{ key: "cases.earlier", params: { count: visible.length - shown.length } }] : []),
    ...shown.map(({ event, day }, i) => ({ key: "cases.event", params: { date: showDate(day), what: { key: `cases.events.${event.kind}` }, mark: calendar.marks[i]! } })),
  ];
  const head: Param[] = [
    { key: "cases.timeline", params: { number: k.number, org: caseOrg(k), region: regionName(k.region) } },
    { key: "cases.status", params: { status: { key: `cases.statuses.${k.status}` } } },
    ...receiptLine(k),
    // As in the list: the step the deadline below is for (a concluded case says its next step with the conclusion).
    ...(stepOf(k) === "concluded" ? conclusionLines(k) : NEXT_STEPS.includes(stepOf(k)) ? [{ key: nextOf(k) }] : []),
    ...[calendar.deadline].filter((x) => x !== null),
    ...(applicant && k.status === "mediation" ? await mediationDeadlines(tx, k.id, c) : []),
    ...(withdrew ? [{ key: "cases.handInWithdrawn" }] : []),
  ];
  const sittings = await participantSittings(tx, k.id, c);
  const relatives = await relativeButtons(tx, k.id, c);
  const text = lines([
    ...head,
    ...(sittings.lines.length ? ["", { key: "sitting.caseTitle" }, ...sittings.lines] : []),
    ...(relatives.lines.length ? ["", { key: "relatives.title" }, ...relatives.lines] : []),
    "",
    ...events,
    ...calendar.notes.flatMap((note) => ["", note]),
  ]);
  const mediation = applicant ? [...(await mediationButtons(tx, k.id, false)), ...(await escalationButton(tx, k.id, c.now, c.timeZone))] : [];
  const receipt = handing ? handInButtons(k, c.timeZone, withdrew) : [];
  // The payment table with this case's outcome marked (the outcome is not secret; unknown marks none).
  const payments = { key: "cases.payments", ...act(openPayments, { highlight: k.outcome ?? "unknown", caseId: k.id }) };
  const seen = applicant ? [[{ key: "cases.accesses", ...act(showAccessesAction, { caseId: k.id }) }]] : [];
  return [sayText(text, [...sittings.buttons, ...receipt, [payments], ...relatives.buttons, ...mediation, ...seen])];
};

const ACCESSES_SHOWN = 30;

/** The applicant's list of who opened the case's personal data: the newest 30, each with name, role and what. */
export const listAccesses = async (tx: Tx, e: DomainEffect<"showAccesses">, c: Ctx): Promise<Out[]> => {
  const k = await tx.case.findFirst({ where: { id: e.caseId, participants: { some: { userId: BigInt(c.userId), role: "applicant", removedAt: null } } } });
  if (!k) return [say("cases.notFound"), await refusedHome(tx, c)];
  const rows = await tx.dataAccess.findMany({ where: { caseId: k.id }, orderBy: { at: "desc" }, take: ACCESSES_SHOWN });
  if (rows.length === 0) return [say("cases.accessesNone", { number: k.number }, [[{ key: "cases.open", params: { number: k.number }, ...act(openCase, { caseId: k.id }) }]])];
  const names = new Map((await tx.user.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.userId))] } }, select: { id: true, fullName: true } })).map((u) => [u.id, u.fullName]));
  const items = rows.map((r): Param => ({
    key: "cases.accessLine",
    params: { when: showWhen(r.at, c.timeZone), name: names.get(r.userId) ?? { key: "admin.noName" }, role: { key: `cases.accessRole.${r.role}` }, what: { key: `cases.accessWhat.${r.what}` } },
  }));
  return [sayText(lines([{ key: "cases.accessesTitle", params: { number: k.number } }, ...items]), [[{ key: "cases.open", params: { number: k.number }, ...act(openCase, { caseId: k.id }) }]])];
};
