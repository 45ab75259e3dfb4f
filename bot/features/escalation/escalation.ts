// Escalation (law.md §3 step 7, §6): when mediation ends without agreement, a commission deadline passes, or
// harm is not confirmed, the applicant may take the case further — as a rule to the organisation's
// management, the region's health department, then the Committee's territorial department of the region;
// beyond them, a court. For the first three the bot drafts a complaint an authority can accept: the
// applicant's own surname, name, patronymic, IIN and postal address (asked once, sealed, offered again),
// who the patient is and the applicant's relation, the substance from the case's history, and lines for
// the date and the signature. For a court it drafts nothing (a statement of claim is a lawyer's work): it
// gives the case's history as a PDF. The bot sends nothing itself and names no deadline it does not know.
import { InputFile } from "grammy";
import { z } from "zod";
import { act } from "../../../machines/actions.js";
import { endOfDay, localDate } from "../../../machines/calendar.js";
import { DRAFT_TARGETS, ESCALATION_TARGETS, type ApplicantDetails, type Button, type DomainEffect, type DraftTarget, type Lang, type Param } from "../../../machines/effects.js";
import { officialDate, showDate } from "../../../machines/notice.js";
import type { Ctx, Prisma, Tx } from "../../core/actor.js";
import { answersOf, careText, caseOrg, dueFieldAt, dueNote, metDeadlines, notReceivedYet, openSensitive, ORG_NAMES, receiptOf, regionName, stepOf, str, timeline, timelineFootnotes } from "../../core/case.js";
import { document, renderDocument, type DocumentBuilder, type DocumentEnv, type PdfContent } from "../../core/documents.js";
import { lines, say, sayText, thenHome, withCondolence, type Out } from "../../core/effects.js";
import { refusedHome } from "../../core/people.js";
import { localParam } from "../../core/render.js";
import { open, seal } from "../../crypto.js";
import type { I18n } from "../../i18n.js";
import { viewMediation } from "../mediation/actions.js";
import { chooseEscalation as chooseAction, draftEscalation as draftAction } from "./actions.js";

type Db = Prisma | Tx;

/**
 * Whether the commission's deadline at a case's step has passed with the step not recorded — read from the date
 * itself: the job that tells people so may not have run yet (a mediation puts it off; the bot may have been down).
 */
const deadlinePassed = (k: Parameters<typeof stepOf>[0] & { answers: unknown }, now: Date, timeZone: string): boolean => {
  const a = answersOf(k.answers);
  const field = dueFieldAt(stepOf(k));
  const due = field ? a[field] : undefined;
  return typeof due === "string" && endOfDay(due, timeZone) < now;
};

/** Whether the applicant has reason to go further now: a deadline passed, harm not confirmed, or mediation failed. */
export const canEscalate = async (db: Db, caseId: number, now: Date, timeZone: string): Promise<boolean> => {
  const k = await db.case.findUnique({ where: { id: caseId } });
  if (!k || ["settled", "mediation", "closed"].includes(k.status)) return false;
  if ((k.answers as { conclusion?: { confirmed?: boolean } }).conclusion?.confirmed === false) return true;
  if (deadlinePassed(k, now, timeZone)) return true;
  // No legal deadline runs for a notice the entity has not received: only a failed mediation counts then.
  // A deadline the bot saw pass with nothing recorded, then recorded as met on its day (staff recorded it late), did not pass.
  const met = metDeadlines(k.answers);
  const kinds = (notReceivedYet(k) ? ["mediation_ended"] : ["formation_overdue", "conclusion_overdue", "mediation_ended"]).filter((kind) => !met.has(kind));
  const reasons = await db.caseEvent.count({ where: { caseId, kind: { in: kinds } } });
  return reasons > 0;
};

const fullName = (d: ApplicantDetails) => [d.surname, d.name, d.patronymic].filter(Boolean).join(" ");
/** "Иванов И. И.", under the signature line. */
const initials = (d: ApplicantDetails) => [d.surname, ...[d.name, d.patronymic].filter(Boolean).map((n) => `${n.slice(0, 1)}.`)].join(" ");

const detailsSchema = z.object({ surname: z.string(), name: z.string(), patronymic: z.string(), iin: z.string(), address: z.string() });
/** The particulars a user gave for complaints, opened; null when none (or unreadable). */
export const detailsOf = (sealed: string | null, dataKey: Buffer): ApplicantDetails | null => {
  if (!sealed) return null;
  const parsed = detailsSchema.safeParse(JSON.parse(open(dataKey, sealed)));
  return parsed.success ? parsed.data : null;
};

/**
 * What became of the notice, as a complaint states it and the history for a lawyer too: saved, received (the date
 * the entity received it, with its registration number), the commission formed, its conclusion — each on the day it
 * happened, not the day it was recorded in the bot — or the deadline that passed or runs.
 */
const commissionFacts = (
  k: { number: string; answers: unknown; submittedAt: Date; events: { kind: string }[] },
  timeZone: string,
  now: Date,
): { caseText: Param; formation: Param; conclusion: Param | null } => {
  const a = k.answers as Record<string, unknown> & { conclusion?: { confirmed: boolean; on: string } };
  const receipt = receiptOf(k.answers);
  const happened = (kind: string) => k.events.some((e) => e.kind === kind);
  // A deadline is stated as missed once its day is over, whether or not the bot has told anyone yet (a mediation
  // puts the telling off): the draft goes to an authority and states facts.
  const missed = (kind: string, due: unknown) => happened(kind) || (typeof due === "string" && endOfDay(due, timeZone) < now);
  // Dates of what happened as official papers write them; deadlines stay DD.MM.YYYY («… күнінің соңына дейін»).
  const saved = officialDate(str(a.submittedOn) || localDate(k.submittedAt, timeZone), "on");
  // A step done after its deadline says so: the late formation or conclusion may be what the complaint is about.
  const late = (on: unknown, due: unknown) => typeof on === "string" && typeof due === "string" && on > due;
  const formation: Param = a.formedOn
    ? late(a.formedOn, a.formationDue)
      ? { key: "escalation.formedLate", params: { date: officialDate(str(a.formedOn), "on"), due: showDate(str(a.formationDue)), calendar: dueNote(k.answers, "formationDue", true) } }
      : { key: "escalation.formed", params: { date: officialDate(str(a.formedOn), "on") } }
    : !receipt
      ? { key: "escalation.notReceived" }
      : missed("formation_overdue", a.formationDue)
        ? { key: "escalation.formationOverdue", params: { due: showDate(str(a.formationDue)), calendar: dueNote(k.answers, "formationDue", true) } }
        : { key: "escalation.formationPending", params: { due: showDate(str(a.formationDue)), calendar: dueNote(k.answers, "formationDue") } };
  const conclusion: Param | null = a.conclusion
    ? late(a.conclusion.on, a.conclusionDue)
      ? {
          key: a.conclusion.confirmed ? "escalation.confirmedLate" : "escalation.notConfirmedLate",
          params: { date: officialDate(a.conclusion.on, "on"), due: showDate(str(a.conclusionDue)), calendar: dueNote(k.answers, "conclusionDue", true) },
        }
      : { key: a.conclusion.confirmed ? "escalation.confirmed" : "escalation.notConfirmed", params: { date: officialDate(a.conclusion.on, "on") } }
    : a.formedOn && missed("conclusion_overdue", a.conclusionDue)
      ? { key: "escalation.conclusionOverdue", params: { due: showDate(str(a.conclusionDue)), calendar: dueNote(k.answers, "conclusionDue", true) } }
      : a.formedOn
        ? { key: "escalation.conclusionPending", params: { due: showDate(str(a.conclusionDue)), calendar: dueNote(k.answers, "conclusionDue") } }
        : null;
  const caseText: Param = receipt
    ? { key: "escalation.caseReceived", params: { number: k.number, date: saved, received: officialDate(receipt.on, "on"), registration: receipt.number ? { key: "escalation.registration", params: { number: receipt.number } } : "" } }
    : { key: "escalation.caseText", params: { number: k.number, date: saved } };
  return { caseText, formation, conclusion };
};

/** Two spellings of one name: case, «ё» and spaces aside. */
const sameName = (a: string, b: string): boolean => {
  const norm = (x: string) => x.toLocaleLowerCase("ru").normalize("NFD").replace(/\u0308/g, "").replace(/\s+/g, " ").trim();
  return norm(a) === norm(b);
};

/**
 * The complaint's paragraphs, [label, text], from the case's history and its applicant's particulars: the file (the
 * PDF), the paper an authority gets, with the applicant's whole IIN and address, the patient and the description.
 */
export const complaintLines = async (
  db: Db,
  caseId: number,
  target: DraftTarget,
  details: ApplicantDetails,
  dataKey: Buffer,
  timeZone: string,
  now: Date,
): Promise<[Param, Param][] | null> => {
  const k = await db.case.findUnique({ where: { id: caseId }, include: { ...ORG_NAMES, events: { orderBy: { id: "asc" } }, mediations: { orderBy: { id: "desc" }, take: 1, include: { proposals: true } } } });
  if (!k) return null;
  const a = k.answers as Record<string, unknown> & { conclusion?: { confirmed: boolean; on: string } };
  const s = openSensitive(dataKey, k.sensitive);
  const patient = s.name ?? str(a.name);
  const region = regionName(k.region);
  const { caseText, formation, conclusion } = commissionFacts(k, timeZone, now);
  const m = k.mediations[0];
  const mediation: Param | null = !m
    ? null
    : m.startedAt && m.endedAt
      ? {
          key: "escalation.mediation",
          params: {
            from: showDate(localDate(m.startedAt, timeZone)),
            to: showDate(localDate(m.endedAt, timeZone)),
            rounds: m.proposals.length,
            why: { key: `escalation.mediationEnd.${m.endReason === "expired" ? "expired" : "failed"}` },
          },
        }
      : m.state === "ended" || m.state === "declined"
        ? { key: "escalation.mediationNotHeld" }
        : null;
  return [
    [{ key: "escalation.to" }, { key: `escalation.targets.${target}`, params: { region, org: caseOrg(k) } }],
    [{ key: "escalation.applicant" }, { key: "escalation.applicantText", params: { name: fullName(details), iin: details.iin } }],
    [{ key: "escalation.address" }, details.address],
    // The applicant who is the patient is one person, named once (the particulars above; their IIN is the notice's patient's).
    [
      { key: "escalation.patient" },
      (str(a.relation) || "self") === "self"
        ? sameName(fullName(details), patient)
          ? { key: "escalation.patientIsApplicant" }
          : { key: "escalation.patientSelf", params: { patient } }
        : { key: "escalation.patientText", params: { patient, relation: { key: `escalation.relation.${str(a.relation)}` } } },
    ],
    [{ key: "escalation.case" }, caseText],
    [{ key: "escalation.what" }, { key: "escalation.whatText", params: { org: caseOrg(k), region, care: careText(a.careFrom, a.careTo), outcome: { key: `notice.outcomeText.${k.outcome ?? "unknown"}` } } }],
    [{ key: "escalation.description" }, s.description],
    [{ key: "escalation.commission" }, formation],
    ...(conclusion ? [[{ key: "escalation.conclusion" }, conclusion] as [Param, Param]] : []),
    ...(mediation ? [[{ key: "escalation.mediationLabel" }, mediation] as [Param, Param]] : []),
    // The request is a paragraph of its own («Прошу рассмотреть…»), not a label and a value.
    ["", { key: "escalation.requestText" }],
    [{ key: "escalation.date" }, { key: "escalation.blank" }],
    [{ key: "escalation.signature" }, { key: "escalation.signatureLine", params: { name: initials(details) } }],
  ];
};

/**
 * Why no complaint is drafted now: a case settled by a signed agreement says so — an old message's button (the way
 * onward shown when its mediation ended by its term, before the signed agreement was recorded) is not told that
 * «mediation did not end».
 */
const notNow = (k: Parameters<typeof stepOf>[0] & { number: string; status: string }) =>
  say(
    k.status === "settled"
      ? "escalation.settled"
      : // A mediation under way, maybe after a deadline passed: not «the commission's deadlines have not passed», which may be false.
        k.status === "mediation"
        ? "escalation.notNowMediation"
        : // Before the entity has the notice no deadline runs (law.md §3 step 2): none is said not to have passed either.
          notReceivedYet(k)
          ? "escalation.notNowNotReceived"
          : "escalation.notNow",
    { number: k.number },
  );

/**
 * notNow, with a mediation under way its button under it: taking part is voluntary (law.md §4) — the applicant may leave
 * it («Выйти из медиации» in its view), and a complaint can be drafted once it ended without an agreement. Once both
 * sides agreed to the agreement's text the view has no such button (it waits for the signed agreement): said so instead.
 */
const notNowWhy = async (tx: Tx, k: Parameters<typeof notNow>[0] & { id: number }): Promise<Out> => {
  const said = notNow(k);
  if (k.status !== "mediation" || said.type !== "say") return said;
  const m = await tx.mediation.findFirst({ where: { caseId: k.id, state: { in: ["running", "signing"] } }, orderBy: { id: "desc" }, select: { id: true, state: true } });
  if (!m) return said;
  const buttons = [[{ key: "mediation.open", ...act(viewMediation, { mediationId: m.id }) }]];
  return m.state === "signing" ? say("escalation.notNowSigning", { number: k.number }, buttons) : { ...said, buttons };
};

const applicantCase = (tx: Tx | Prisma, caseId: number, userId: number) =>
  tx.case.findFirst({ where: { id: caseId, participants: { some: { userId: BigInt(userId), role: "applicant", removedAt: null } } }, include: ORG_NAMES });

/**
 * Why someone who is not the case's applicant gets no draft: a relative on the case is told the applicant prepares it
 * (not that the case is not theirs, which it is); anyone else gets the answer a missing case gets.
 */
export const notApplicant = async (tx: Tx, caseId: number, userId: number): Promise<Out> => {
  const relative = await tx.case.findFirst({ where: { id: caseId, participants: { some: { userId: BigInt(userId), removedAt: null } } }, select: { number: true } });
  return relative ? say("escalation.applicantOnly", { number: relative.number }) : say("cases.notFound");
};

/** The applicant chooses where to take the case. */
export const chooseEscalation = async (tx: Tx, e: DomainEffect<"chooseEscalation">, c: Ctx): Promise<Out[]> => {
  const k = await applicantCase(tx, e.caseId, c.userId);
  if (!k) return [await notApplicant(tx, e.caseId, c.userId), await refusedHome(tx, c)];
  // Not yet (a view's button kept from before the mediation began, say): why, then their menu — not nothing to press.
  if (!(await canEscalate(tx, k.id, c.now, c.timeZone))) return [await notNowWhy(tx, k), thenHome()];
  // The region is named in the draft's «Кому» and in the message saying where it goes, not on the buttons.
  return [say("escalation.choose", { number: k.number }, ESCALATION_TARGETS.map((x) => [{ key: `escalation.buttons.${x}`, ...act(draftAction, { caseId: k.id, target: x }) }]))];
};

/**
 * The complaint's paragraphs the chat shows: to whom, and what it says of the case's history (its dates, the commission,
 * the conclusion, the mediation) — what the applicant checks as true before signing. The applicant's name, IIN and
 * address, the patient, what happened and the description are in the PDF only (law.md §7: personal and medical details
 * not echoed into chat history more than the flow needs); the message after it says so.
 */
const IN_CHAT = new Set(["escalation.to", "escalation.case", "escalation.commission", "escalation.conclusion", "escalation.mediationLabel"]);
const inChat = ([label]: [Param, Param]) => typeof label === "object" && "key" in label && IN_CHAT.has(label.key);

/** The complaint flow's lookup: what the user gave before, opened for them. */
export const findApplicantDetails = async (tx: Tx, e: DomainEffect<"findApplicantDetails">, c: Ctx): Promise<Out[]> => {
  const user = await tx.user.findUnique({ where: { id: BigInt(c.userId) }, select: { details: true } });
  // The case's patient, for the applicant's own IIN to be told from theirs (law.md §6: who is the applicant, who the patient).
  const caseId = e.caseId ?? (e.mediationId ? (await tx.mediation.findUnique({ where: { id: e.mediationId }, select: { caseId: true } }))?.caseId : undefined);
  const k = caseId ? await applicantCase(tx, caseId, c.userId) : null;
  const patient = k?.sensitive ? { iin: openSensitive(c.dataKey, k.sensitive).iin, self: str(answersOf(k.answers).relation) === "self" } : null;
  return [{ type: "reply", event: { type: "DETAILS", details: detailsOf(user?.details ?? null, c.dataKey), patient } }];
};

/** Drafts the complaint (its history's part as text now, all of it as a PDF when sent), keeps the particulars for next time, records it, and says where it goes. */
export const draftEscalation = async (tx: Tx, e: DomainEffect<"draftEscalation">, c: Ctx): Promise<Out[]> => {
  const k = await applicantCase(tx, e.caseId, c.userId);
  if (!k) return [await notApplicant(tx, e.caseId, c.userId)];
  if (k.status !== "escalated" && !(await canEscalate(tx, k.id, c.now, c.timeZone))) return [await notNowWhy(tx, k)];
  await tx.user.update({ where: { id: BigInt(c.userId) }, data: { details: seal(c.dataKey, JSON.stringify(e.details)) } });
  const paragraphs = (await complaintLines(tx, k.id, e.target, e.details, c.dataKey, c.timeZone, c.now))!;
  await tx.case.update({ where: { id: k.id }, data: { status: "escalated" } });
  await tx.caseEvent.create({ data: { caseId: k.id, kind: "escalation_drafted", actorId: BigInt(c.userId), createdAt: c.now, payload: { target: e.target } } });
  const target = { key: `escalation.targets.${e.target}`, params: { region: regionName(k.region), org: caseOrg(k) } };
  return [
    // The draft's PDF names the outcome («the patient died»): condolence first.
    ...withCondolence(k.outcome, null, sayText(lines([{ key: "escalation.title" }, "", ...paragraphs.filter(inChat).map(([label, value]) => ({ key: "common.labeled", params: { label, value } }))]))),
    document({ name: "escalationPdf", caseId: k.id, target: e.target, userId: c.userId }),
    say("escalation.where", { number: k.number, target, how: { key: `escalation.how.${e.target === "management" ? "management" : "state"}` } }),
  ];
};

/** For a court: no draft — the case's history as a PDF, and the advice to see a lawyer. */
export const caseHistory = async (tx: Tx, e: DomainEffect<"caseHistory">, c: Ctx): Promise<Out[]> => {
  const k = await applicantCase(tx, e.caseId, c.userId);
  if (!k) return [await notApplicant(tx, e.caseId, c.userId), await refusedHome(tx, c)];
  if (k.status !== "escalated" && !(await canEscalate(tx, k.id, c.now, c.timeZone))) return [await notNowWhy(tx, k), thenHome()];
  await tx.caseEvent.create({ data: { caseId: k.id, kind: "case_history_prepared", actorId: BigInt(c.userId), createdAt: c.now } });
  return withCondolence(k.outcome, null, say("escalation.court", { number: k.number }), document({ name: "historyPdf", caseId: k.id }));
};

/** The complaint as a paper of its kind: «ЖАЛОБА» / «ШАҒЫМ» marked as a draft, its paragraphs, the applicant's date and signature to add. */
export const complaintContent = (paragraphs: [Param, Param][], lang: Lang, i18n: I18n): PdfContent => {
  const t = i18n.t(lang);
  const local = (v: Param) => String(localParam(i18n, lang, v));
  return { title: t("escalation.heading"), subtitle: t("escalation.draftMark"), lines: paragraphs.map(([label, value]) => [local(label), local(value)]), layout: "form", footer: t("escalation.footer") };
};

export const escalationPdf: DocumentBuilder<"escalationPdf"> = {
  params: z.object({ caseId: z.number().int(), target: z.enum(DRAFT_TARGETS), userId: z.number().int() }),
  action: "upload_document",
  pdf: true,
  build: async (p, env) => {
    // Who may have it is asked again now (a failed send, or the button of a document given up, made it wait):
    // the applicant who drafted it, still the case's applicant, in their own chat.
    if (p.chat_id !== p.userId || !(await applicantCase(env.prisma, p.caseId, p.userId))) return null;
    const user = await env.prisma.user.findUnique({ where: { id: BigInt(p.userId) }, select: { details: true } });
    const details = detailsOf(user?.details ?? null, env.dataKey);
    const k = await env.prisma.case.findUnique({ where: { id: p.caseId } });
    const paragraphs = details && (await complaintLines(env.prisma, p.caseId, p.target, details, env.dataKey, env.timeZone, env.now()));
    if (!paragraphs || !k) return null;
    const t = env.i18n.t(p.language);
    const pdf = await renderDocument(complaintContent(paragraphs, p.language, env.i18n));
    return { chat_id: p.chat_id, document: new InputFile(pdf, `${k.number}-complaint.pdf`), caption: t("escalation.caption", { number: k.number }) };
  },
};

/** The case's history for a lawyer: its organisation and dates, every event but the mediation's messages, the files. */
export const historyPdf: DocumentBuilder<"historyPdf"> = {
  params: z.object({ caseId: z.number().int() }),
  action: "upload_document",
  pdf: true,
  build: async (p, env) => {
    // Only the case's applicant asks for it (caseHistory); asked again now, as for the complaint.
    if (!(await applicantCase(env.prisma, p.caseId, p.chat_id))) return null;
    const content = await historyContent(env, p.caseId, p.language);
    if (!content) return null;
    const pdf = await renderDocument(content.pdf);
    return { chat_id: p.chat_id, document: new InputFile(pdf, `${content.number}-history.pdf`), caption: env.i18n.t(p.language)("escalation.historyCaption", { number: content.number }) };
  },
};

/** The case's history as a document's content, in a language (historyPdf). */
export const historyContent = async (env: Pick<DocumentEnv, "prisma" | "i18n" | "timeZone" | "now">, caseId: number, language: Lang): Promise<{ number: string; pdf: PdfContent } | null> => {
  const k = await env.prisma.case.findUnique({
    where: { id: caseId },
    include: { ...ORG_NAMES, events: { where: { kind: { not: "mediation_message" } }, orderBy: { id: "asc" } }, _count: { select: { attachments: true } } },
  });
  if (!k) return null;
  const t = env.i18n.t(language);
  const local = (v: Param) => String(localParam(env.i18n, language, v));
  const a = k.answers as Record<string, unknown>;
  // Each step on the day it happened (the receipt's, the formation's, the conclusion's), not the day it was recorded
  // in the bot, in the order of those days; a deadline met, though recorded late, did not pass — as /cases reads.
  const shown = timeline(k, env.timeZone);
  // A deadline that passed, counted on a calendar not yet checked, is marked; its note comes after the events.
  const calendar = timelineFootnotes(shown, k.answers);
  const events = [
    shown.map(({ event, day }, i) => t("cases.event", { date: showDate(day), what: t(`cases.events.${event.kind}`), mark: calendar.marks[i] })).join("\n"),
    ...calendar.notes.map(local),
  ].join("\n\n");
  const facts = commissionFacts(k, env.timeZone, env.now());
  const rows: [string, string][] = [
    [t("escalation.historyCase"), k.number],
    [t("escalation.historyOrg"), local(lines([caseOrg(k), regionName(k.region)], ", "))],
    [t("escalation.historyCare"), careText(a.careFrom, a.careTo)],
    [t("escalation.historyOutcome"), t(`notice.outcomeText.${k.outcome ?? "unknown"}`)],
    [t("escalation.case"), local(facts.caseText)],
    [t("escalation.commission"), local(facts.formation)],
    ...(facts.conclusion ? [[t("escalation.conclusion"), local(facts.conclusion)] as [string, string]] : []),
    [t("escalation.historyEvents"), events],
    [t("escalation.historyFiles"), t("escalation.historyFilesText", { count: k._count.attachments })],
  ];
  // A filled-in form: each label and its value on one line («Последствия для пациента: пациент скончался»).
  return { number: k.number, pdf: { title: t("escalation.historyTitle", { number: k.number }), lines: rows, layout: "form", footer: t("escalation.historyFooter") } };
};

/** For the applicant: the button that starts it, where it makes sense. */
export const escalationButton = async (db: Db, caseId: number, now: Date, timeZone: string): Promise<Button[][]> =>
  (await canEscalate(db, caseId, now, timeZone)) ? [[{ key: "escalation.button", ...act(chooseAction, { caseId }) }]] : [];
