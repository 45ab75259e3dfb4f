// A home screen per role, one tap away (/start, /menu, and after every action): what awaits this person,
// counted, with a button to each thing that waits for them. An applicant's home is the menu (machines/chat.ts).
import { act, openMenuItem } from "../../../machines/actions.js";
import { localDate } from "../../../machines/calendar.js";
import { applicantMenu, primaryRole } from "../../../machines/chat.js";
import type { Button, DomainEffect, Param } from "../../../machines/effects.js";
import type { Role } from "../../../machines/flow.js";
import type { Ctx, Tx } from "../../core/actor.js";
import { answersOf, dueFieldAt, notReceivedYet, orgNames, stepOf, str } from "../../core/case.js";
import { lines, sayText, type Out } from "../../core/effects.js";
import { adminButtons } from "../admin/actions.js";
import { viewMediation } from "../mediation/actions.js";
import { NOT_ENDED, showWhen, STARTED_MS } from "../sittings/sittings.js";
import { openStaffCase } from "../staff/actions.js";

const WEEK_MS = 7 * 24 * 3600 * 1000;
const BUTTONS_MAX = 5;

const common: Button[][] = [
  [
    { key: "menu.cases", ...act(openMenuItem, { item: "cases" }) },
    { key: "menu.notice", ...act(openMenuItem, { item: "notice" }) },
  ],
  [
    { key: "menu.help", ...act(openMenuItem, { item: "help" }) },
    { key: "menu.language", ...act(openMenuItem, { item: "language" }) },
  ],
];

/** The roles as stored now (a role taken in this very update counts), admin from ADMIN_IDS alone. */
const rolesNow = async (tx: Tx, c: Ctx): Promise<Set<Role>> => {
  const rows = await tx.userRole.findMany({ where: { userId: BigInt(c.userId), revokedAt: null }, select: { role: true } });
  const roles = new Set<Role>(rows.map((r) => r.role).filter((r) => r !== "admin"));
  if (c.adminIds.includes(c.userId)) roles.add("admin");
  return roles;
};

export const showHome = async (tx: Tx, e: DomainEffect<"showHome">, c: Ctx): Promise<Out[]> => {
  const roles = await rolesNow(tx, c);
  const role = e.role && roles.has(e.role) ? e.role : primaryRole([...roles]);
  // An admin who is also staff or a mediator: what awaits them there follows the admin's home — at /start and /menu
  // (`all`); after a step, the home of the role that acted alone (not two or three messages after each).
  if (role === "admin" && e.all && roles.has("staff")) return [...(await adminHome(tx, c, true)), ...(await staffHome(tx, c, roles.has("mediator")))];
  if (role === "admin" && e.all && roles.has("mediator")) return [...(await adminHome(tx, c, true)), ...(await mediatorHome(tx, c))];
  if (role === "admin") return adminHome(tx, c);
  if (role === "staff") return staffHome(tx, c, roles.has("mediator") && e.role !== "staff");
  if (role === "mediator") return mediatorHome(tx, c);
  return [applicantMenu() as Out];
};

/** The chat's command menu for the roles held now (admin from ADMIN_IDS alone). */
export const refreshCommands = (_tx: Tx, _e: DomainEffect<"refreshCommands">, c: Ctx): Promise<Out[]> => Promise.resolve([{ type: "commands", roles: c.roles }]);

/** `more`: another role's home follows, with the buttons everyone has. */
const adminHome = async (tx: Tx, c: Ctx, more = false): Promise<Out[]> => {
  const me = await tx.userRole.findFirst({ where: { userId: BigInt(c.userId), role: "admin", revokedAt: null, termsAcceptedAt: { not: null } }, include: { user: { select: { fullName: true } } } });
  if (!me) return [sayText({ key: "home.adminDoor" }, [[{ key: "home.openAdmin", ...act(openMenuItem, { item: "admin" }) }], ...(more ? [] : common)])];
  const [orgs, staff, mediators, unlinked] = await Promise.all([
    tx.organization.count(),
    tx.userRole.count({ where: { role: "staff", revokedAt: null } }),
    tx.userRole.count({ where: { role: "mediator", revokedAt: null } }),
    tx.case.count({ where: { organizationId: null, anonymisedAt: null, status: { notIn: ["draft", "closed"] } } }),
  ]);
  return [sayText({ key: "home.admin", params: { name: me.user.fullName ?? "", orgs, staff, mediators, unlinked } }, adminButtons())];
};

const staffHome = async (tx: Tx, c: Ctx, alsoMediator: boolean): Promise<Out[]> => {
  const today = localDate(c.now, c.timeZone);
  const roles = await tx.userRole.findMany({ where: { userId: BigInt(c.userId), role: "staff", revokedAt: null }, include: { organization: true }, orderBy: { id: "asc" } });
  const orgIds = roles.flatMap((r) => (r.organizationId === null ? [] : [r.organizationId]));
  const cases = await tx.case.findMany({
    // A notice anonymised (its applicant withdrew before any organisation received it) holds nothing to receive: as /inbox, left out.
    where: { organizationId: { in: orgIds }, anonymisedAt: null, status: { notIn: ["draft", "closed", "settled"] } },
    select: { id: true, number: true, status: true, answers: true, submittedAt: true, organizationId: true, concludedAt: true, formedAt: true, receivedAt: true, deliveredAt: true },
    orderBy: { submittedAt: "asc" },
  });
  const weekAgo = new Date(c.now.getTime() - WEEK_MS);
  const blocks: Param[] = roles.flatMap((r) => {
    if (!r.organization) return [];
    const mine = cases.filter((k) => k.organizationId === r.organizationId);
    const awaiting = mine.filter(notReceivedYet).length;
    const fresh = mine.filter((k) => k.submittedAt && k.submittedAt >= weekAgo).length;
    // A mediation or a drafted complaint stops no deadline: such a case counts by the step it stands at underneath.
    const dueToday = mine.filter((k) => {
      const field = dueFieldAt(stepOf(k));
      return field !== undefined && str(answersOf(k.answers)[field]) === today;
    }).length;
    return [{ key: "home.staff", params: { org: orgNames(r.organization), awaiting, fresh, dueToday } }];
  });
  // The week's sittings to come, and those whose start passed less than STARTED_MS ago (put off at the last moment: no
  // longer to come, but staff may still move or cancel them from their case — said so, with a button to the case, as
  // its view says it); not those of a case settled (or concluded) meanwhile: the bot follows them no more. One query.
  const near = await tx.sitting.findMany({
    where: { cancelledAt: null, startsAt: { gt: new Date(c.now.getTime() - STARTED_MS), lt: new Date(c.now.getTime() + WEEK_MS) }, case: { organizationId: { in: orgIds }, ...NOT_ENDED } },
    include: { case: { select: { id: true, number: true } } },
    orderBy: { startsAt: "asc" },
    take: 2 * BUTTONS_MAX,
  });
  const begun = near.filter((s) => s.startsAt < c.now).slice(0, BUTTONS_MAX);
  const sittings = near.filter((s) => s.startsAt >= c.now).slice(0, BUTTONS_MAX);
  const sittingLines: Param[] = [
    ...begun.flatMap((s): Param[] => [
      "",
      { key: "home.sittingBegun", params: { number: s.case.number, when: showWhen(s.startsAt, c.timeZone), until: showWhen(new Date(s.startsAt.getTime() + STARTED_MS), c.timeZone) } },
    ]),
    "",
    { key: "home.sittings", params: { count: sittings.length } },
    ...sittings.map((s): Param => ({ key: "home.sittingLine", params: { when: showWhen(s.startsAt, c.timeZone), number: s.case.number } })),
  ];
  // What waits for them: a button to each notice whose receipt they have not recorded, and to the case of each sitting begun.
  const waiting = cases.filter(notReceivedYet).slice(0, BUTTONS_MAX);
  const buttons: Button[][] = [
    ...waiting.map((k) => [{ key: "home.awaitingCase", params: { number: k.number }, ...act(openStaffCase, { caseId: k.id }) }]),
    ...begun.map((s) => [{ key: "home.begunCase", params: { number: s.case.number }, ...act(openStaffCase, { caseId: s.case.id }) }]),
    [{ key: "home.inbox", ...act(openMenuItem, { item: "inbox" }) }],
    ...common,
  ];
  const text = lines([...blocks.flatMap((b, i) => (i ? ["", b] : [b])), ...sittingLines]);
  const out: Out[] = [sayText(text, alsoMediator ? undefined : buttons)];
  return alsoMediator ? [...out, ...(await mediatorHome(tx, c, buttons.slice(0, -common.length)))] : out;
};

const mediatorHome = async (tx: Tx, c: Ctx, before: Button[][] = []): Promise<Out[]> => {
  const list = await tx.mediation.findMany({ where: { mediatorId: BigInt(c.userId), state: { in: ["proposed", "agreeing", "running", "signing"] } }, include: { case: { select: { number: true } } }, orderBy: { id: "asc" } });
  const count = (s: string) => list.filter((m) => m.state === s).length;
  const waiting = list.filter((m) => m.state === "proposed").slice(0, BUTTONS_MAX);
  const buttons: Button[][] = [
    ...before,
    ...waiting.map((m) => [{ key: "home.awaitingMediation", params: { number: m.case.number }, ...act(viewMediation, { mediationId: m.id }) }]),
    [{ key: "home.mediations", ...act(openMenuItem, { item: "inbox" }) }],
    ...common,
  ];
  return [sayText({ key: "home.mediator", params: { proposed: count("proposed"), agreeing: count("agreeing"), running: count("running"), signing: count("signing") } }, buttons)];
};
