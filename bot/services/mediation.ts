// Mediation on a case (law.md §4): voluntary, confidential, with an impartial mediator. Staff or an admin
// assign a registered mediator, who accepts or declines; it starts when the applicant and the
// organisation's side both agree. The bot relays messages by role (never a Telegram account), keeps
// every proposal and counter-offer, and when both sides accept one, sends the settlement agreement to
// confirm. Only the mediation's participants see what is said in it.
import { addDays, endOfDay, localDate } from "../../machines/calendar.js";
import type { FileRef, Lang } from "../../machines/effects.js";
import type { Recipient } from "../../machines/mediation.js";
import { regionByCode } from "../../machines/notice-rules.js";
import { showDate } from "../../machines/notice.js";
import { seal } from "../crypto.js";
import type { Prisma as PrismaNS } from "../db/generated/client.js";
import type { I18n } from "../i18n.js";
import { cancel, schedule, type JobHandler } from "../jobs/jobs.js";
import type { ApiCall } from "../runtime/render.js";
import type { ActorContext } from "./admin.js";
import { SEND_FILE, staffOrgs } from "./staff.js";

/** How long mediation runs before it ends by itself, by default (about a month is reported; law.md §4): MEDIATION_DAYS. */
export const MEDIATION_DAYS = 30;
/** An outbox call whose settlement agreement PDF is rendered when sent. */
export const AGREEMENT_PDF = "@agreementPdf";
const ACTIVE = ["proposed", "agreeing", "running"] as const;
const EXPIRE_MEDIATION = "mediation_expire";
const EXPIRE_PROPOSAL = "proposal_expire";

type Side = "mediator" | "applicant" | "organization";
interface Member {
  userId: bigint;
  side: Side;
  lang: Lang;
}
type MediationRow = NonNullable<Awaited<ReturnType<typeof loadMediation>>>;

const loadMediation = (tx: PrismaNS.TransactionClient, id: number) => tx.mediation.findUnique({ where: { id }, include: { case: true } });

const say = (c: ActorContext, key: string, params: Record<string, unknown> = {}, buttons?: { text: string; callback_data: string }[][]): ApiCall => ({
  method: "sendMessage",
  payload: { chat_id: c.chatId, text: c.i18n.t(c.language)(key, params), ...(buttons ? { reply_markup: { inline_keyboard: buttons } } : {}) },
});
const notFound = (c: ActorContext) => [say(c, "cases.notFound")];

/** Everyone in the mediation: the mediator, the applicants, and the staff of the case's organisation. */
const members = async (tx: PrismaNS.TransactionClient, m: MediationRow): Promise<Member[]> => {
  const applicants = await tx.caseParticipant.findMany({ where: { caseId: m.caseId, role: "applicant", removedAt: null }, include: { user: { select: { language: true } } } });
  const staff = m.case.organizationId === null ? [] : await tx.userRole.findMany({ where: { organizationId: m.case.organizationId, role: "staff", revokedAt: null }, include: { user: { select: { language: true } } } });
  const mediator = await tx.user.findUnique({ where: { id: m.mediatorId } });
  return [
    { userId: m.mediatorId, side: "mediator" as const, lang: mediator?.language ?? m.case.language },
    ...applicants.map((a) => ({ userId: a.userId, side: "applicant" as const, lang: a.user.language ?? m.case.language })),
    ...staff.map((s) => ({ userId: s.userId, side: "organization" as const, lang: s.user.language ?? m.case.language })),
  ];
};
const sideOf = (all: Member[], userId: number): Side | null => all.find((x) => x.userId === BigInt(userId))?.side ?? null;

/** A message to each of `to`, in their own language. */
const tell = (i18n: I18n, to: Member[], key: string, params: (m: Member) => Record<string, unknown>, buttons?: (m: Member) => { text: string; callback_data: string }[][]): ApiCall[] =>
  to.map((m) => {
    const b = buttons?.(m);
    return { method: "sendMessage", payload: { chat_id: Number(m.userId), text: i18n.t(m.lang)(key, params(m)), ...(b?.length ? { reply_markup: { inline_keyboard: b } } : {}) } };
  });
const role = (i18n: I18n, lang: Lang, side: Side) => i18n.t(lang)(`mediation.role.${side}`);
const button = (i18n: I18n, lang: Lang, key: string, data: string) => [{ text: i18n.t(lang)(key), callback_data: data }];

/** The buttons a member has while mediation runs. */
const runningButtons = (i18n: I18n, m: Member, id: number) => [
  button(i18n, m.lang, "mediation.write", `g:mdmsg:${id}`),
  ...(m.side === "mediator" ? [button(i18n, m.lang, "mediation.propose", `g:mdprop:${id}`)] : []),
  button(i18n, m.lang, m.side === "mediator" ? "mediation.end" : "mediation.withdraw", `g:mdend:${id}`),
];

/** Admin: the ten newest cases that are not settled or closed and have no mediation under way. */
export const listMediationCases = async (tx: PrismaNS.TransactionClient, c: ActorContext): Promise<ApiCall[]> => {
  if (!c.roles.includes("admin")) return [say(c, "common.unknownCommand")];
  const cases = await tx.case.findMany({
    where: { status: { notIn: ["settled", "closed", "mediation"] }, organizationId: { not: null }, mediations: { none: { state: { in: [...ACTIVE] } } } },
    orderBy: { submittedAt: "desc" },
    take: 10,
  });
  if (cases.length === 0) return [say(c, "mediation.noCases")];
  const t = c.i18n.t(c.language);
  return [say(c, "mediation.chooseCase", {}, cases.map((k) => [{ text: t("mediation.caseButton", { number: k.number, org: k.orgName.slice(0, 40) }), callback_data: `g:mdpick:${k.id}` }]))];
};

/** Staff of the case's organisation or an admin: the registered mediators to choose from. */
export const pickMediator = async (tx: PrismaNS.TransactionClient, caseId: number, c: ActorContext): Promise<ApiCall[]> => {
  const k = await tx.case.findUnique({ where: { id: caseId } });
  if (!k || !(c.roles.includes("admin") || (k.organizationId !== null && (await staffOrgs(tx, c.userId)).includes(k.organizationId)))) return notFound(c);
  if (await tx.mediation.count({ where: { caseId, state: { in: [...ACTIVE] } } })) return [say(c, "mediation.already", { number: k.number })];
  // Mediation is between the applicant and the organisation: a case linked to none has no other side yet.
  if (k.organizationId === null) return [say(c, "mediation.unlinked", { number: k.number })];
  const mediators = await tx.userRole.findMany({ where: { role: "mediator", revokedAt: null }, orderBy: { id: "asc" }, take: 30 });
  if (mediators.length === 0) return [say(c, "mediation.noMediators")];
  const t = c.i18n.t(c.language);
  return [say(c, "mediation.chooseMediator", { number: k.number }, mediators.map((r) => [{ text: t("mediation.mediatorButton", { id: String(r.userId) }), callback_data: `g:mdassign:${k.id}:${r.id}` }]))];
};

export const assignMediator = async (tx: PrismaNS.TransactionClient, caseId: number, roleId: number, c: ActorContext): Promise<ApiCall[]> => {
  const k = await tx.case.findUnique({ where: { id: caseId } });
  if (!k || !(c.roles.includes("admin") || (k.organizationId !== null && (await staffOrgs(tx, c.userId)).includes(k.organizationId)))) return notFound(c);
  const r = await tx.userRole.findFirst({ where: { id: roleId, role: "mediator", revokedAt: null }, include: { user: { select: { language: true } } } });
  if (!r) return [say(c, "mediation.noMediators")];
  if (k.organizationId === null) return [say(c, "mediation.unlinked", { number: k.number })];
  // Impartiality (law.md §4, Art. 7): not someone on the case, nor staff of its organisation.
  const onCase = await tx.caseParticipant.count({ where: { caseId, userId: r.userId, removedAt: null } });
  const ofOrg = await tx.userRole.count({ where: { userId: r.userId, organizationId: k.organizationId, role: "staff", revokedAt: null } });
  if (onCase + ofOrg > 0) return [say(c, "mediation.conflict", { number: k.number })];
  if (await tx.mediation.count({ where: { caseId, state: { in: [...ACTIVE] } } })) return [say(c, "mediation.already", { number: k.number })];
  const m = await tx.mediation.create({ data: { caseId, mediatorId: r.userId, assignedBy: BigInt(c.userId), createdAt: c.now } });
  await tx.caseEvent.create({ data: { caseId, kind: "mediation_assigned", actorId: BigInt(c.userId), createdAt: c.now, payload: { mediationId: m.id } } });
  const lang = r.user.language ?? k.language;
  const t = c.i18n.t(lang);
  return [
    say(c, "mediation.assigned", { number: k.number }),
    {
      method: "sendMessage",
      payload: {
        chat_id: Number(r.userId),
        text: t("mediation.request", { number: k.number, org: k.orgName, region: regionByCode(k.region)?.[lang] ?? k.region, status: t(`cases.statuses.${k.status}`) }),
        reply_markup: { inline_keyboard: [button(c.i18n, lang, "mediation.accept", `g:mdacc:${m.id}`), button(c.i18n, lang, "mediation.decline", `g:mddec:${m.id}`)] },
      },
    },
  ];
};

/** The mediator accepts (the sides are then asked to agree) or declines — as they must if they cannot be impartial. */
export const mediatorAnswer = async (tx: PrismaNS.TransactionClient, mediationId: number, accept: boolean, c: ActorContext): Promise<ApiCall[]> => {
  const m = await loadMediation(tx, mediationId);
  if (!m || m.mediatorId !== BigInt(c.userId)) return notFound(c);
  if (m.state !== "proposed") return [say(c, "mediation.notNow", { number: m.case.number })];
  const all = await members(tx, m);
  if (!accept) {
    await tx.mediation.update({ where: { id: m.id }, data: { state: "declined", endedAt: c.now, endReason: "declined" } });
    await tx.caseEvent.create({ data: { caseId: m.caseId, kind: "mediation_declined", actorId: BigInt(c.userId), createdAt: c.now } });
    const assigner = all.filter((x) => x.userId === m.assignedBy && x.side === "organization");
    return [say(c, "mediation.youDeclined", { number: m.case.number }), ...tell(c.i18n, assigner, "mediation.declinedToStaff", () => ({ number: m.case.number }))];
  }
  await tx.mediation.update({ where: { id: m.id }, data: { state: "agreeing" } });
  await tx.caseEvent.create({ data: { caseId: m.caseId, kind: "mediation_accepted", actorId: BigInt(c.userId), createdAt: c.now } });
  const sides = all.filter((x) => x.side !== "mediator");
  return [
    say(c, "mediation.youAccepted", { number: m.case.number }),
    ...tell(c.i18n, sides, "mediation.offer", (x) => ({ number: m.case.number, side: role(c.i18n, x.lang, x.side) }), (x) => [
      button(c.i18n, x.lang, "mediation.agree", `g:mdyes:${m.id}`),
      button(c.i18n, x.lang, "mediation.refuse", `g:mdno:${m.id}`),
    ]),
  ];
};

/** A side agrees to mediate, or refuses; with both agreed it starts, and its term begins. */
export const partyAgree = async (tx: PrismaNS.TransactionClient, mediationId: number, agree: boolean, c: ActorContext & { mediationDays: number }): Promise<ApiCall[]> => {
  const m = await loadMediation(tx, mediationId);
  const all = m ? await members(tx, m) : [];
  const side = sideOf(all, c.userId);
  if (!m || (side !== "applicant" && side !== "organization")) return notFound(c);
  if (m.state !== "agreeing") return [say(c, "mediation.notNow", { number: m.case.number })];
  if (!agree) {
    await end(tx, m, "refused", c.now);
    return tell(c.i18n, all, "mediation.refused", (x) => ({ number: m.case.number, side: role(c.i18n, x.lang, side) }));
  }
  const data = side === "applicant" ? { applicantAgreedAt: c.now } : { orgAgreedAt: c.now, orgAgreedBy: BigInt(c.userId) };
  const updated = await tx.mediation.update({ where: { id: m.id }, data });
  await tx.caseEvent.create({ data: { caseId: m.caseId, kind: "mediation_agreed", actorId: BigInt(c.userId), createdAt: c.now, payload: { side } } });
  if (!updated.applicantAgreedAt || !updated.orgAgreedAt) return [say(c, "mediation.agreedWaiting", { number: m.case.number })];
  const endsAt = endOfDay(addDays(localDate(c.now, c.timeZone), c.mediationDays), c.timeZone);
  await tx.mediation.update({ where: { id: m.id }, data: { state: "running", startedAt: c.now, endsAt } });
  await tx.case.update({ where: { id: m.caseId }, data: { status: "mediation" } });
  await tx.caseEvent.create({ data: { caseId: m.caseId, kind: "mediation_started", createdAt: c.now, payload: { endsAt: endsAt.toISOString() } } });
  await schedule(tx, { kind: EXPIRE_MEDIATION, key: `mediation:${m.id}:expire`, dueAt: new Date(endsAt.getTime() + 1), payload: { mediationId: m.id } });
  return tell(c.i18n, all, "mediation.started", () => ({ number: m.case.number, until: showDate(localDate(endsAt, c.timeZone)) }), (x) => runningButtons(c.i18n, x, m.id));
};

/** The state of a mediation and its rounds, with the member's buttons. */
export const showMediation = async (tx: PrismaNS.TransactionClient, mediationId: number, c: ActorContext): Promise<ApiCall[]> => {
  const m = await loadMediation(tx, mediationId);
  const all = m ? await members(tx, m) : [];
  const side = sideOf(all, c.userId);
  if (!m || !side) return notFound(c);
  const t = c.i18n.t(c.language);
  const rounds = await tx.proposal.findMany({ where: { mediationId: m.id }, orderBy: { id: "asc" } });
  const lines = rounds.map((p) =>
    t("mediation.roundLine", { round: p.round, who: role(c.i18n, c.language, p.authorRole === "mediator" ? "mediator" : p.authorRole === "applicant" ? "applicant" : "organization"), amount: Number(p.amountTenge) }),
  );
  const me = all.find((x) => x.userId === BigInt(c.userId))!;
  const text = [t("mediation.view", { number: m.case.number, state: t(`mediation.states.${m.state}`) }), ...(lines.length ? ["", t("mediation.history"), ...lines] : [])].join("\n");
  const buttons = m.state === "running" ? { reply_markup: { inline_keyboard: runningButtons(c.i18n, me, m.id) } } : {};
  return [{ method: "sendMessage", payload: { chat_id: c.chatId, text, ...buttons } }];
};

/** A message within the mediation: by role, to the others (or, from the mediator, to one side alone). */
export const relayMessage = async (
  tx: PrismaNS.TransactionClient,
  r: { mediationId: number; to: Recipient; text: string; file?: FileRef },
  c: ActorContext & { dataKey: Buffer },
): Promise<ApiCall[]> => {
  const m = await loadMediation(tx, r.mediationId);
  const all = m ? await members(tx, m) : [];
  const side = sideOf(all, c.userId);
  if (!m || !side) return notFound(c);
  if (m.state !== "running") return [say(c, "mediation.notRunning", { number: m.case.number })];
  // A side writes to everyone else, or asks the mediator alone; the mediator writes to both sides or to
  // one alone (a private session).
  const to: Recipient = side === "mediator" ? (r.to === "applicant" || r.to === "organization" ? r.to : "all") : r.to === "mediator" ? "mediator" : "all";
  const readers = all.filter((x) => x.userId !== BigInt(c.userId) && (to === "all" || x.side === to));
  await tx.caseEvent.create({
    data: {
      caseId: m.caseId,
      kind: "mediation_message",
      actorId: BigInt(c.userId),
      createdAt: c.now,
      payload: { side, to, text: seal(c.dataKey, r.text), ...(r.file ? { file: seal(c.dataKey, JSON.stringify(r.file)) } : {}) },
    },
  });
  if (r.file) {
    // A document or photo: a line saying from whom, then the file itself, re-sent by its id.
    const file = r.file;
    return [
      say(c, "mediation.sent", { to: c.i18n.t(c.language)(`mediation.sentTo.${to}`) }),
      ...readers.flatMap((x) => [
        ...tell(c.i18n, [x], "mediation.relayedFile", () => ({ from: role(c.i18n, x.lang, side), number: m.case.number })),
        { method: SEND_FILE, payload: { chat_id: Number(x.userId), kind: file.kind, fileId: file.fileId } },
      ]),
    ];
  }
  return [
    say(c, "mediation.sent", { to: c.i18n.t(c.language)(`mediation.sentTo.${to}`) }),
    ...tell(c.i18n, readers, to === "all" ? "mediation.relayed" : "mediation.relayedPrivate", (x) => ({ from: role(c.i18n, x.lang, side), number: m.case.number, text: r.text }), (x) => [
      button(c.i18n, x.lang, "mediation.reply", `g:mdmsg:${m.id}`),
    ]),
  ];
};

const proposalButtons = (i18n: I18n, x: Member, proposalId: number, mediationId: number) => [
  button(i18n, x.lang, "mediation.acceptProposal", `g:pacc:${proposalId}`),
  button(i18n, x.lang, "mediation.rejectProposal", `g:prej:${proposalId}`),
  button(i18n, x.lang, "mediation.counter", `g:pctr:${proposalId}`),
  button(i18n, x.lang, "mediation.ask", `g:mdask:${mediationId}`),
];

export const proposeSettlement = async (tx: PrismaNS.TransactionClient, r: { mediationId: number; amount: number; terms: string; days: number }, c: ActorContext): Promise<ApiCall[]> => {
  const m = await loadMediation(tx, r.mediationId);
  if (!m || m.mediatorId !== BigInt(c.userId)) return notFound(c);
  if (m.state !== "running") return [say(c, "mediation.notRunning", { number: m.case.number })];
  const round = (await tx.proposal.count({ where: { mediationId: m.id } })) + 1;
  const until = addDays(localDate(c.now, c.timeZone), r.days);
  const validUntil = endOfDay(until, c.timeZone);
  const p = await tx.proposal.create({
    data: { caseId: m.caseId, mediationId: m.id, round, authorId: BigInt(c.userId), authorRole: "mediator", amountTenge: BigInt(r.amount), terms: r.terms, validUntil, createdAt: c.now },
  });
  await tx.caseEvent.create({ data: { caseId: m.caseId, kind: "proposal_made", actorId: BigInt(c.userId), createdAt: c.now, payload: { proposalId: p.id, round } } });
  await schedule(tx, { kind: EXPIRE_PROPOSAL, key: `proposal:${p.id}:expire`, dueAt: new Date(validUntil.getTime() + 1), payload: { proposalId: p.id } });
  const sides = (await members(tx, m)).filter((x) => x.side !== "mediator");
  const me: Member = { userId: BigInt(c.userId), side: "mediator", lang: c.language };
  return [
    say(c, "mediation.proposalSent", { number: m.case.number, round }, runningButtons(c.i18n, me, m.id)),
    ...tell(c.i18n, sides, "mediation.proposal", () => ({ number: m.case.number, round, amount: r.amount, terms: r.terms, until: showDate(until) }), (x) => proposalButtons(c.i18n, x, p.id, m.id)),
  ];
};

/** The proposal a side may answer: the mediator's newest in a running mediation, still standing. */
const answerable = async (tx: PrismaNS.TransactionClient, proposalId: number, c: ActorContext) => {
  const p = await tx.proposal.findUnique({ where: { id: proposalId }, include: { responses: true } });
  const m = p?.mediationId ? await loadMediation(tx, p.mediationId) : null;
  const all = m ? await members(tx, m) : [];
  const side = sideOf(all, c.userId);
  if (!p || !m || (side !== "applicant" && side !== "organization") || p.authorRole !== "mediator") return { refused: notFound(c) };
  const newer = await tx.proposal.count({ where: { mediationId: m.id, authorRole: "mediator", id: { gt: p.id } } });
  if (m.state !== "running" || newer > 0) return { refused: [say(c, "mediation.proposalClosed", { number: m.case.number, round: p.round })] };
  if (p.validUntil && p.validUntil < c.now) return { refused: [say(c, "mediation.proposalExpiredShort", { number: m.case.number, round: p.round })] };
  return { p, m, all, side };
};

/** Accepted by both sides: someone of the applicant's side and someone of the organisation's. */
const acceptedByBoth = (all: Member[], responses: { userId: bigint; answer: string }[]) =>
  (["applicant", "organization"] as const).every((s) => responses.some((r) => r.answer === "accept" && all.some((x) => x.userId === r.userId && x.side === s)));

export const answerProposal = async (tx: PrismaNS.TransactionClient, proposalId: number, accept: boolean, c: ActorContext): Promise<ApiCall[]> => {
  const a = await answerable(tx, proposalId, c);
  if (a.refused) return a.refused;
  const { p, m, all, side } = a;
  if (acceptedByBoth(all, p.responses)) return [say(c, "mediation.alreadyAgreed", { number: m.case.number })];
  const answer = accept ? "accept" : "reject";
  await tx.proposalResponse.upsert({
    where: { proposalId_userId: { proposalId: p.id, userId: BigInt(c.userId) } },
    create: { proposalId: p.id, userId: BigInt(c.userId), answer, answeredAt: c.now },
    update: { answer, answeredAt: c.now },
  });
  await tx.caseEvent.create({ data: { caseId: m.caseId, kind: accept ? "proposal_accepted" : "proposal_rejected", actorId: BigInt(c.userId), createdAt: c.now, payload: { proposalId: p.id, side } } });
  const others = all.filter((x) => x.userId !== BigInt(c.userId));
  const calls = [
    say(c, accept ? "mediation.youAcceptedProposal" : "mediation.youRejectedProposal", { number: m.case.number, round: p.round }),
    ...tell(c.i18n, others, "mediation.answered", (x) => ({ number: m.case.number, round: p.round, side: role(c.i18n, x.lang, side), answer: c.i18n.t(x.lang)(`mediation.answers.${answer}`) })),
  ];
  const responses = [...p.responses.filter((r) => r.userId !== BigInt(c.userId)), { userId: BigInt(c.userId), answer }];
  if (!accept || !acceptedByBoth(all, responses)) return calls;
  // Both accepted the same proposal: the settlement agreement goes to everyone, and each side confirms it.
  await tx.caseEvent.create({ data: { caseId: m.caseId, kind: "agreement_reached", createdAt: c.now, payload: { proposalId: p.id } } });
  await cancel(tx, `proposal:${p.id}:expire`);
  return [
    ...calls,
    ...all.flatMap((x) => [
      ...tell(c.i18n, [x], x.side === "mediator" ? "mediation.agreementToMediator" : "mediation.agreementToSide", () => ({ number: m.case.number, round: p.round }), (y) =>
        y.side === "mediator" ? [] : [button(c.i18n, y.lang, "mediation.confirm", `g:pconf:${p.id}`)],
      ),
      { method: AGREEMENT_PDF, payload: { chat_id: Number(x.userId), proposalId: p.id, language: x.lang } },
    ]),
  ];
};

export const counterOffer = async (tx: PrismaNS.TransactionClient, r: { proposalId: number; amount: number; note: string }, c: ActorContext): Promise<ApiCall[]> => {
  const a = await answerable(tx, r.proposalId, c);
  if (a.refused) return a.refused;
  const { p, m, all, side } = a;
  const round = (await tx.proposal.count({ where: { mediationId: m.id } })) + 1;
  await tx.proposal.create({
    data: { caseId: m.caseId, mediationId: m.id, round, authorId: BigInt(c.userId), authorRole: side === "applicant" ? "applicant" : "staff", amountTenge: BigInt(r.amount), terms: r.note, createdAt: c.now },
  });
  await tx.proposalResponse.upsert({
    where: { proposalId_userId: { proposalId: p.id, userId: BigInt(c.userId) } },
    create: { proposalId: p.id, userId: BigInt(c.userId), answer: "counter", note: r.note, answeredAt: c.now },
    update: { answer: "counter", note: r.note, answeredAt: c.now },
  });
  await tx.caseEvent.create({ data: { caseId: m.caseId, kind: "counter_offer", actorId: BigInt(c.userId), createdAt: c.now, payload: { proposalId: p.id, round, side } } });
  const mediator = all.filter((x) => x.side === "mediator");
  return [
    say(c, "mediation.counterSent", { number: m.case.number }),
    ...tell(c.i18n, mediator, "mediation.counterToMediator", (x) => ({ number: m.case.number, round, side: role(c.i18n, x.lang, side), amount: r.amount, note: r.note }), (x) => [
      button(c.i18n, x.lang, "mediation.propose", `g:mdprop:${m.id}`),
    ]),
  ];
};

/** «I have read it and agree»: recorded with its time; with both sides confirmed, the case is settled. */
export const confirmAgreement = async (tx: PrismaNS.TransactionClient, proposalId: number, c: ActorContext): Promise<ApiCall[]> => {
  const p = await tx.proposal.findUnique({ where: { id: proposalId }, include: { responses: true } });
  const m = p?.mediationId ? await loadMediation(tx, p.mediationId) : null;
  const all = m ? await members(tx, m) : [];
  const side = sideOf(all, c.userId);
  if (!p || !m || (side !== "applicant" && side !== "organization")) return notFound(c);
  if (m.state !== "running" || !acceptedByBoth(all, p.responses)) return [say(c, "mediation.notNow", { number: m.case.number })];
  await tx.proposalResponse.upsert({
    where: { proposalId_userId: { proposalId: p.id, userId: BigInt(c.userId) } },
    create: { proposalId: p.id, userId: BigInt(c.userId), answer: "accept", answeredAt: c.now, confirmedAt: c.now },
    update: { confirmedAt: c.now },
  });
  await tx.caseEvent.create({ data: { caseId: m.caseId, kind: "agreement_confirmed", actorId: BigInt(c.userId), createdAt: c.now, payload: { proposalId: p.id, side } } });
  const responses = await tx.proposalResponse.findMany({ where: { proposalId: p.id, confirmedAt: { not: null } } });
  const confirmed = (["applicant", "organization"] as const).every((s) => responses.some((r) => all.some((x) => x.userId === r.userId && x.side === s)));
  if (!confirmed) return [say(c, "mediation.confirmedWaiting", { number: m.case.number })];
  await tx.mediation.update({ where: { id: m.id }, data: { state: "settled", endedAt: c.now, endReason: "settled" } });
  await tx.case.update({ where: { id: m.caseId }, data: { status: "settled" } });
  await tx.caseEvent.create({ data: { caseId: m.caseId, kind: "case_settled", createdAt: c.now, payload: { proposalId: p.id } } });
  await cancel(tx, `mediation:${m.id}:expire`);
  const relatives = await tx.caseParticipant.findMany({ where: { caseId: m.caseId, role: "relative", removedAt: null }, include: { user: { select: { language: true } } } });
  const everyone = [...all, ...relatives.map((r) => ({ userId: r.userId, side: "applicant" as const, lang: r.user.language ?? m.case.language }))];
  return tell(c.i18n, everyone, "mediation.settled", () => ({ number: m.case.number, amount: Number(p.amountTenge) }));
};

/** The status a case returns to when mediation ends without agreement. */
const statusBefore = (k: { concludedAt: Date | null; formedAt: Date | null }) => (k.concludedAt ? "concluded" : k.formedAt ? "commission_formed" : "submitted");

const end = async (tx: PrismaNS.TransactionClient, m: MediationRow, reason: string, now: Date) => {
  await tx.mediation.update({ where: { id: m.id }, data: { state: "ended", endedAt: now, endReason: reason } });
  if (m.case.status === "mediation") await tx.case.update({ where: { id: m.caseId }, data: { status: statusBefore(m.case) } });
  await tx.caseEvent.create({ data: { caseId: m.caseId, kind: "mediation_ended", createdAt: now, payload: { reason } } });
  await cancel(tx, `mediation:${m.id}:expire`);
};

/** The mediator ends mediation, or a side withdraws; the applicant is shown the usual path onward. */
export const endMediation = async (tx: PrismaNS.TransactionClient, mediationId: number, c: ActorContext): Promise<ApiCall[]> => {
  const m = await loadMediation(tx, mediationId);
  const all = m ? await members(tx, m) : [];
  const side = sideOf(all, c.userId);
  if (!m || !side) return notFound(c);
  if (!(ACTIVE as readonly string[]).includes(m.state)) return [say(c, "mediation.notNow", { number: m.case.number })];
  const reason = side === "mediator" ? "ended_by_mediator" : "withdrawn";
  await end(tx, m, reason, c.now);
  return endedMessages(c.i18n, all, m, reason, side);
};

const endedMessages = (i18n: I18n, all: Member[], m: MediationRow, reason: string, by: Side | null): ApiCall[] => [
  ...tell(i18n, all, "mediation.ended", (x) => ({ number: m.case.number, why: i18n.t(x.lang)(`mediation.endReasons.${reason}`, { side: by ? role(i18n, x.lang, by) : "" }) })),
  ...tell(i18n, all.filter((x) => x.side === "applicant"), "mediation.nextSteps", () => ({ number: m.case.number }), (x) => [button(i18n, x.lang, "escalation.button", `g:esc:${m.caseId}`)]),
];

export const mediationHandlers = (i18n: I18n, timeZone: string): Record<string, JobHandler> => ({
  [EXPIRE_MEDIATION]: async (tx, job, now) => {
    const m = await loadMediation(tx, Number(job.payload.mediationId));
    if (!m || !(ACTIVE as readonly string[]).includes(m.state)) return [];
    const all = await members(tx, m);
    await end(tx, m, "expired", now);
    return endedMessages(i18n, all, m, "expired", null);
  },
  [EXPIRE_PROPOSAL]: async (tx, job) => {
    const p = await tx.proposal.findUnique({ where: { id: Number(job.payload.proposalId) }, include: { responses: true } });
    const m = p?.mediationId ? await loadMediation(tx, p.mediationId) : null;
    if (!p || !m || m.state !== "running") return [];
    const all = await members(tx, m);
    if (acceptedByBoth(all, p.responses)) return [];
    await tx.caseEvent.create({ data: { caseId: m.caseId, kind: "proposal_expired", createdAt: job.dueAt, payload: { proposalId: p.id } } });
    return tell(i18n, all, "mediation.proposalExpired", () => ({ number: m.case.number, round: p.round, until: p.validUntil ? showDate(localDate(new Date(p.validUntil.getTime() - 1), timeZone)) : "" }));
  },
});

/** A mediator's inbox: the mediations they are in, newest first. */
export const mediatorInbox = async (tx: PrismaNS.TransactionClient, c: ActorContext): Promise<ApiCall[]> => {
  const t = c.i18n.t(c.language);
  const list = await tx.mediation.findMany({ where: { mediatorId: BigInt(c.userId) }, include: { case: true }, orderBy: { id: "desc" }, take: 10 });
  if (list.length === 0) return [say(c, "mediation.inboxEmpty")];
  const lines = list.map((m) => t("mediation.inboxItem", { number: m.case.number, org: m.case.orgName, state: t(`mediation.states.${m.state}`) }));
  return [say(c, "mediation.inboxTitle", { items: lines.join("\n") }, list.map((m) => [{ text: t("cases.open", { number: m.case.number }), callback_data: `g:mdview:${m.id}` }]))];
};

/** For a case's view (applicant or staff): a button to its mediation, or for staff one to propose it. */
export const mediationButtons = async (tx: PrismaNS.TransactionClient, caseId: number, c: { language: Lang; i18n: I18n }, staff: boolean) => {
  const t = c.i18n.t(c.language);
  const active = await tx.mediation.findFirst({ where: { caseId, state: { in: [...ACTIVE] } }, orderBy: { id: "desc" } });
  if (active) return [[{ text: t("mediation.open"), callback_data: `g:mdview:${active.id}` }]];
  const k = await tx.case.findUnique({ where: { id: caseId } });
  return staff && k && !["settled", "escalated", "closed"].includes(k.status) ? [[{ text: t("mediation.offerButton"), callback_data: `g:mdpick:${caseId}` }]] : [];
};
