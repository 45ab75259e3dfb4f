// /mydata (issue 15, law.md §7): everything the bot holds about the user — a readable summary, and the whole
// as a JSON file made when it is sent (nothing decrypted waits in the outbox). The applicant's own notices
// come decrypted; staff and mediators get their own part (their roles and actions), not the cases' sealed fields.
import { InputFile } from "grammy";
import { act, withdrawButtons } from "../../../machines/actions.js";
import type { StackEntry } from "../../../machines/chat.js";
import { z } from "zod";
import { localDate } from "../../../machines/calendar.js";
import type { Button, ConsentText, DomainEffect, Lang, Param } from "../../../machines/effects.js";
import { officialDate } from "../../../machines/notice.js";
import type { Ctx, Tx } from "../../core/actor.js";
import { answersOf, conclusionSummary, openSensitive, patientName } from "../../core/case.js";
import { document, renderPdf, type DocumentBuilder, type DocumentEnv } from "../../core/documents.js";
import { say, sayTo, thenHome, type Out } from "../../core/effects.js";
import { caseParticipants, reader, staffRecipients } from "../../core/people.js";
import { localParam } from "../../core/render.js";
import { consentVersionsOf, type I18n } from "../../i18n.js";
import { open } from "../../crypto.js";
import { detailsOf } from "../escalation/escalation.js";
import { mediationSide, proposalSide } from "../mediation/mediation.js";
import { anonymiseCase } from "../retention/retention.js";
import { stopSharingAtWithdrawal } from "../relatives/relatives.js";
import { removedFromSittings, showWhen } from "../sittings/sittings.js";
import { handIn } from "../receipt/actions.js";
import { openCase } from "../cases/actions.js";
import { savedOn } from "../receipt/receipt.js";

type Db = Pick<Tx, "user" | "userRole" | "caseParticipant" | "case" | "caseEvent" | "dataAccess" | "sittingResponse" | "attachment" | "proposal" | "proposalResponse" | "consentEvent" | "chatState">;

/**
 * A notice begun and not yet saved: its answers as they stand in the user's chat (sealed there, runtime/store.ts) —
 * kept until it is saved, discarded or the consent withdrawn, so held about them too; null when there is none.
 */
const draftNotice = async (db: Db, userId: number, dataKey: Buffer): Promise<Record<string, unknown> | null> => {
  const row = await db.chatState.findUnique({ where: { chatId: BigInt(userId) }, select: { stack: true } });
  const stored: unknown = typeof row?.stack === "string" ? JSON.parse(row.stack) : row?.stack;
  const sealed = (stored as { sealed?: unknown } | null | undefined)?.sealed;
  const stack = (typeof sealed === "string" ? JSON.parse(open(dataKey, sealed)) : Array.isArray(stored) ? stored : []) as StackEntry[];
  const draft = (stack.find((e) => e.flow === "notice")?.snapshot.context as { draft?: Record<string, unknown> } | undefined)?.draft;
  // Opened with nothing answered yet: nothing was given.
  const given = draft && Object.values(draft).some((v) => (Array.isArray(v) ? v.length > 0 : v !== null && v !== undefined && v !== ""));
  return given ? draft : null;
};

/** What the bot holds about one user, as plain data (decrypted where it is theirs to see). */
export const collectMyData = async (db: Db, userId: number, dataKey: Buffer, now: Date) => {
  const id = BigInt(userId);
  const user = await db.user.findUnique({ where: { id } });
  const consents = await db.consentEvent.findMany({ where: { userId: id }, orderBy: { id: "asc" } });
  const roles = await db.userRole.findMany({ where: { userId: id }, include: { organization: true }, orderBy: { id: "asc" } });
  const participations = await db.caseParticipant.findMany({
    where: { userId: id },
    include: { case: { include: { attachments: { orderBy: { id: "asc" } }, accesses: { orderBy: { at: "asc" } } } } },
    orderBy: { id: "asc" },
  });
  const cases = participations.map((p) => {
    const k = p.case;
    const base = { number: k.number, role: p.role, relation: p.relation, joined: p.addedAt, left: p.removedAt, status: k.status, organization: k.orgName, region: k.region };
    if (p.role !== "applicant") return base;
    // The applicant's own notice, decrypted for them.
    const sealed = k.sensitive ? openSensitive(dataKey, k.sensitive) : null;
    const a = answersOf(k.answers);
    const conclusion = a.conclusion as { confirmed?: unknown; outcome?: unknown; on?: unknown; file?: { fileId?: unknown } | null; pages?: { fileId?: unknown }[] } | undefined;
    return {
      ...base,
      notice: {
        patient: patientName(dataKey, k),
        iin: sealed?.iin ?? null,
        birthDate: sealed?.birthDate ?? a.birthDate ?? null,
        phone: sealed?.phone ?? null,
        description: sealed?.description ?? null,
        careFrom: a.careFrom ?? null,
        careTo: a.careTo ?? null,
        outcome: k.outcome,
        supportKnows: a.supportKnows ?? null,
        actsForThePatient: a.actsFor ?? null,
        submitted: k.submittedAt,
      },
      files: k.attachments.map((f) => ({ kind: f.kind, telegramFileId: f.fileId, mime: f.mimeType })),
      // Who else opened the notice's personal data, and when — by role and what was opened (the case's view names them;
      // their names are theirs, not the applicant's data).
      openedBy: k.accesses.map((x) => ({ role: x.role, what: x.what, at: x.at })),
      // Its receipt as recorded: by staff, or by the applicant who handed it in (with the stamped copy's photo).
      receipt: a.receipt ?? null,
      conclusion: conclusion
        ? { confirmed: conclusion.confirmed ?? null, outcome: conclusion.outcome ?? null, on: conclusion.on ?? null, summary: conclusionSummary(dataKey, k), telegramFileId: conclusion.file?.fileId ?? null,
            // A conclusion of several pages (sent as an album): every page the applicant was sent.
            telegramFileIds: (conclusion.pages ?? (conclusion.file ? [conclusion.file] : [])).map((f) => f.fileId ?? null) }
        : null,
    };
  });
  const events = await db.caseEvent.findMany({ where: { actorId: id }, include: { case: { select: { number: true } } }, orderBy: { id: "asc" } });
  const messages = events
    .filter((e) => e.kind === "mediation_message")
    .map((e) => {
      const p = e.payload as { to?: string; text?: string; file?: string };
      const file = typeof p.file === "string" ? (JSON.parse(open(dataKey, p.file)) as { kind?: string; fileId?: string }) : null;
      return {
        case: e.case.number,
        at: e.createdAt,
        to: p.to ?? null,
        text: typeof p.text === "string" ? open(dataKey, p.text) : null,
        ...(file ? { file: { kind: file.kind ?? null, telegramFileId: file.fileId ?? null } } : {}),
      };
    });
  // The offers they wrote (their text is theirs): counter-offers as the applicant or for the organisation, proposals as
  // the mediator; and how they answered the mediator's proposals.
  const written = await db.proposal.findMany({ where: { authorId: id }, include: { case: { select: { number: true } } }, orderBy: { id: "asc" } });
  const counters = written.filter((p) => p.authorRole !== "mediator");
  const proposals = written.filter((p) => p.authorRole === "mediator");
  const proposalAnswers = await db.proposalResponse.findMany({ where: { userId: id }, include: { proposal: { include: { case: { select: { number: true } } } } }, orderBy: { answeredAt: "asc" } });
  const actions = events.filter((e) => e.kind !== "mediation_message").map((e) => ({ case: e.case.number, what: e.kind, at: e.createdAt }));
  const opened = await db.dataAccess.findMany({ where: { userId: id }, include: { case: { select: { number: true } } }, orderBy: { at: "asc" } });
  const answers = await db.sittingResponse.findMany({ where: { userId: id }, include: { sitting: { include: { case: { select: { number: true } } } } }, orderBy: { answeredAt: "asc" } });
  return {
    exported: now,
    user: user
      ? {
          telegramId: String(user.id),
          language: user.language,
          fullName: user.fullName,
          consent: {
            // Which text the latest consent was given to: "applicant" (for a notice) or "relative" (joining a case).
            text: user.consentText,
            version: user.consentVersion,
            given: user.consentAt,
            withdrawn: user.consentWithdrawnAt,
            // Every consent given and every withdrawal, oldest first: the one a notice was filed under included.
            history: consents.map((e) => ({ what: e.kind, text: e.text, version: e.version, at: e.at })),
          },
          particulars: detailsOf(user.details, dataKey),
          firstSeen: user.createdAt,
        }
      : null,
    roles: roles.map((r) => ({ role: r.role, organization: r.organization?.nameRu ?? null, title: r.title, terms: { version: r.termsVersion, accepted: r.termsAcceptedAt }, granted: r.grantedAt, revoked: r.revokedAt })),
    cases,
    draftNotice: await draftNotice(db, userId, dataKey),
    sittingAnswers: answers.map((s) => ({ case: s.sitting.case.number, sitting: s.sitting.startsAt, answer: s.answer, at: s.answeredAt })),
    mediationMessages: messages,
    counterOffers: counters.map((p) => ({ case: p.case.number, round: p.round, amountTenge: p.amountTenge, note: open(dataKey, p.terms), at: p.createdAt })),
    proposals: proposals.map((p) => ({ case: p.case.number, round: p.round, amountTenge: p.amountTenge, terms: open(dataKey, p.terms), validUntil: p.validUntil, at: p.createdAt })),
    proposalAnswers: proposalAnswers
      .filter((r) => r.proposal.authorRole === "mediator")
      .map((r) => ({ case: r.proposal.case.number, round: r.proposal.round, answer: r.answer, at: r.answeredAt, confirmed: r.confirmedAt })),
    actions,
    openedOthersData: opened.map((o) => ({ case: o.case.number, what: o.what, at: o.at })),
  };
};

/** The JSON file's text (the operator's `npm run data:export` writes the same). */
export const myDataText = (data: Awaited<ReturnType<typeof collectMyData>>): string =>
  JSON.stringify(data, (_, v: unknown) => (typeof v === "bigint" ? String(v) : v), 2) + "\n";

/** What a consent's summary needs besides the data: the deployment's time zone, and each consent text's version shown now. */
export interface ConsentShown {
  timeZone: string;
  versions: Record<ConsentText, string>;
}

/**
 * A consent given, as a person reads it: when (Kazakhstan's time), for what, and to which text — the one /privacy shows
 * now, an earlier one, or unknown (a relative's from before the texts were told apart). The version itself (a hash of
 * the text) is in the JSON export only: nobody can read it.
 */
const consentGiven = (consent: { text: string | null; version: string | null; given: Date }, shown: ConsentShown): Param => {
  const relative = consent.text === "relative";
  const current = shown.versions[relative ? "relative" : "applicant"];
  const text = consent.version === null ? "mydata.consentTextUnknown" : consent.version === current ? "mydata.consentTextNow" : "mydata.consentTextEarlier";
  return { key: relative ? "mydata.consentGivenRelative" : "mydata.consentGiven", params: { at: showWhen(consent.given, shown.timeZone), text: { key: text } } };
};

/** What the summary says (the message and the PDF say the same). */
export const myDataSummary = (data: Awaited<ReturnType<typeof collectMyData>>, shown: ConsentShown) => {
  const u = data.user;
  const kept = data.cases.filter((k) => k.role === "applicant" && !k.left).length;
  return {
    language: { key: `mydata.languages.${u?.language ?? "none"}` },
    // The latest consent given stays recorded after a withdrawal (its time and version): withdrawn is what holds then.
    // Withdrawn, with notices still held: why they are (law.md §7: kept while the procedure needs them, the reason shown).
    consent: (u?.consent.withdrawn
      ? kept
        ? { key: "mydata.consentWithdrawnKept", params: { count: kept } }
        : { key: "mydata.consentWithdrawn" }
      : u?.consent.given
        ? consentGiven({ text: u.consent.text, version: u.consent.version, given: u.consent.given }, shown)
        : { key: "mydata.consentNone" }),
    roles: data.roles.filter((r) => !r.revoked).length,
    cases: data.cases.length,
    files: data.cases.reduce((n, k) => n + ("files" in k ? k.files.length : 0), 0),
    draft: { key: data.draftNotice ? "mydata.draftYes" : "mydata.draftNone" },
    messages: data.mediationMessages.length,
    actions: data.actions.length,
  } satisfies Record<string, Param>;
};

/** The closing line of the summary and the PDF: how to withdraw the consent in force, or to give it again once withdrawn. */
export const myDataPrivacy = (data: Awaited<ReturnType<typeof collectMyData>>): Param =>
  data.user?.consent.withdrawn ? { key: "mydata.privacyGive" } : data.user?.consent.given ? { key: "mydata.privacyWithdraw" } : "";

/** The summary as the PDF's labelled lines, in one language. */
export const myDataPdfLines = (data: Awaited<ReturnType<typeof collectMyData>>, lang: Lang, i18n: I18n, timeZone: string): [string, string][] =>
  Object.entries(myDataSummary(data, { timeZone, versions: consentVersionsOf(i18n) })).map(([field, value]) => [i18n.t(lang)(`mydata.pdf.${field}`), String(localParam(i18n, lang, value))]);

export const showMyData = async (tx: Tx, _e: DomainEffect<"showMyData">, c: Ctx): Promise<Out[]> => {
  const data = await collectMyData(tx, c.userId, c.dataKey, c.now);
  // The files, then the way on (the open flow's question, or the home): the summary has no buttons of its own.
  return [
    say("mydata.summary", { ...myDataSummary(data, { timeZone: c.timeZone, versions: c.consentVersions }), privacy: myDataPrivacy(data) }),
    document({ name: "myDataJson", userId: c.userId }),
    document({ name: "myDataPdf", userId: c.userId }),
    thenHome(),
  ];
};

export const myDataJson: DocumentBuilder<"myDataJson"> = {
  params: z.object({ userId: z.number().int() }),
  action: "upload_document",
  build: async (p, env: DocumentEnv) => {
    // Only ever to the user themselves.
    if (p.userId !== p.chat_id) return null;
    const json = myDataText(await collectMyData(env.prisma, p.userId, env.dataKey, env.now()));
    return { chat_id: p.chat_id, document: new InputFile(Buffer.from(json, "utf8"), "kelisim-my-data.json"), caption: env.i18n.t(p.language)("mydata.jsonCaption") };
  },
};

export const myDataPdf: DocumentBuilder<"myDataPdf"> = {
  params: z.object({ userId: z.number().int() }),
  action: "upload_document",
  build: async (p, env: DocumentEnv) => {
    // Only ever to the user themselves, in their language.
    if (p.userId !== p.chat_id) return null;
    const now = env.now();
    const data = await collectMyData(env.prisma, p.userId, env.dataKey, now);
    const t = env.i18n.t(p.language);
    const pdf = await renderPdf(t("mydata.pdf.title"), myDataPdfLines(data, p.language, env.i18n, env.timeZone), t("mydata.pdf.footer", { date: localParam(env.i18n, p.language, officialDate(localDate(now, env.timeZone), "on")), privacy: localParam(env.i18n, p.language, myDataPrivacy(data)) }));
    return { chat_id: p.chat_id, document: new InputFile(pdf, "kelisim-my-data.pdf"), caption: t("mydata.pdfCaption") };
  },
};

/**
 * What someone who withdrew consent may no longer do as a data subject until they give it again (law.md §7: the
 * withdrawal stops processing): give new data or act in their case through the bot — hand a notice in, share it,
 * invite, answer a sitting, agree to a contract, write in a mediation as its applicant, accept or counter its
 * proposal, draft a complaint — nor open the flows that would ask them for it. Reading what is kept (/cases, /mydata,
 * a case's history), leaving (a mediation, a relative) and declining (the mediation contract, a settlement
 * proposal) stay open: declining takes nothing new from them and ends what was begun. Staff and mediators acting in their role are not
 * concerned: a mediation's organisation side or its mediator is never stopped by their own consent.
 */
const AS_SUBJECT: ReadonlySet<DomainEffect["type"]> = new Set<DomainEffect["type"]>(["submitNotice", "recordHandIn", "createRelativeInvite", "shareNotice", "answerSitting", "draftEscalation"]);
const SUBJECT_FLOWS: ReadonlySet<string> = new Set<DomainEffect<"openChecked">["flow"]>(["handIn", "particulars"]);
const num = (x: unknown): number => (typeof x === "number" && Number.isInteger(x) ? x : 0);
/** Whether this effect has its user act as a data subject — in a mediation, only as its applicant side. */
const asSubject = async (tx: Tx, e: DomainEffect, userId: number): Promise<boolean> => {
  if (AS_SUBJECT.has(e.type)) return true;
  switch (e.type) {
    case "partyAgree":
      return e.agree && (await mediationSide(tx, e.mediationId, userId)) === "applicant";
    case "relayMessage":
      return (await mediationSide(tx, e.mediationId, userId)) === "applicant";
    case "answerProposal":
      return e.accept && (await proposalSide(tx, e.proposalId, userId)) === "applicant";
    case "counterOffer":
    case "confirmAgreement":
      return (await proposalSide(tx, e.proposalId, userId)) === "applicant";
    case "openChecked":
      if (SUBJECT_FLOWS.has(e.flow)) return true;
      if (e.flow === "relay") return (await mediationSide(tx, num(e.input.mediationId), userId)) === "applicant";
      if (e.flow === "counter") return (await proposalSide(tx, num(e.input.proposalId), userId)) === "applicant";
      return false;
    default:
      return false;
  }
};
/** The effects asSubject may say yes to: for any other, neither the withdrawal nor the side is read. */
const MAYBE_SUBJECT: ReadonlySet<string> = new Set<DomainEffect["type"]>([...AS_SUBJECT, "partyAgree", "relayMessage", "answerProposal", "counterOffer", "confirmAgreement", "openChecked"]);
/** Whether this effect must wait for consent given again: its user withdrew it (`withdrawn`, read once an update), and it has them act as a data subject. */
export const needsConsent = async (tx: Tx, e: DomainEffect, userId: number, withdrawn: () => Promise<boolean>): Promise<boolean> =>
  MAYBE_SUBJECT.has(e.type) && (await withdrawn()) && (await asSubject(tx, e, userId));
/** Whether this user withdrew consent and has not given it again. */
export const consentWithdrawn = async (tx: Tx, userId: number): Promise<boolean> =>
  (await tx.user.findUnique({ where: { id: BigInt(userId) }, select: { consentWithdrawnAt: true } }))?.consentWithdrawnAt != null;

/**
 * A notice no organisation is recorded to have received: saved in the bot, neither its receipt recorded by staff nor
 * its hand-in by the applicant. A withdrawal anonymises it at once (withdrawConsent).
 */
const unreceivedOnly = (p: { case: { status: string } }): boolean => p.case.status === "saved";

/**
 * Someone who consented only as a relative following a case — no notice of theirs, no draft, no particulars, no
 * staff or mediator role: the applicant's explanation (drafts, notices, the organisation told) says nothing about them.
 * How many cases they follow and whether they gave a name, for their own; null for anyone else.
 */
const relativeOnly = async (tx: Tx, c: Ctx): Promise<{ cases: number; named: boolean } | null> => {
  const id = BigInt(c.userId);
  const u = await tx.user.findUnique({ where: { id }, select: { consentText: true, details: true, fullName: true } });
  if (u?.consentText !== "relative" || u.details) return null;
  if ((await tx.userRole.count({ where: { userId: id, revokedAt: null } })) > 0) return null;
  if ((await tx.caseParticipant.count({ where: { userId: id, role: "applicant", removedAt: null } })) > 0) return null;
  if ((await draftNotice(tx, c.userId, c.dataKey)) !== null) return null;
  return { cases: await tx.caseParticipant.count({ where: { userId: id, role: "relative", removedAt: null } }), named: u.fullName !== null };
};

/**
 * Before a withdrawal (law.md §7): what it means — and, when the user has notices no organisation is recorded to
 * have received, that the bot's copy of each goes with it, though the applicant may have handed one in on paper
 * without saying so: a button for each records its hand-in first (law.md §3 step 2: then it is received, and kept).
 */
export const explainWithdrawal = async (tx: Tx, _e: DomainEffect<"explainWithdrawal">, c: Ctx): Promise<Out[]> => {
  const relative = await relativeOnly(tx, c);
  if (relative) {
    const cases: Param = relative.cases ? { key: "privacy.withdrawExplainRelativeCases", params: { count: relative.cases } } : "";
    const name: Param = relative.named ? { key: "privacy.withdrawExplainRelativeName" } : "";
    return [say("privacy.withdrawExplainRelative", { cases, name }, withdrawButtons(0))];
  }
  const mine = await tx.caseParticipant.findMany({ where: { userId: BigInt(c.userId), role: "applicant", removedAt: null }, include: { case: true }, orderBy: { id: "asc" } });
  const unreceived = mine.filter(unreceivedOnly);
  const handedIn: Param = unreceived.length ? { key: "privacy.withdrawHandedIn", params: { count: unreceived.length, numbers: unreceived.map((p) => p.case.number).join(", ") } } : "";
  const buttons: Button[][] = unreceived.map((p) => [{ key: "privacy.withdrawHandInButton", params: { number: p.case.number }, ...act(handIn, { caseId: p.caseId, notBefore: savedOn(p.case, c.timeZone) }) }]);
  const seen = Math.max(0, ...mine.map((p) => p.caseId));
  return [say("privacy.withdrawExplain", { handedIn }, [...buttons, ...withdrawButtons(seen)])];
};

/**
 * Consent withdrawn (law.md §7): no new processing from now (the router asks consent again before any notice);
 * the particulars kept for complaints deleted; a relative leaves their cases (the applicant is told; the sittings still
 * to come leave the relative's calendar, as when removed); notices
 * the user filed stay with their case's procedure, and its organisation's staff are told only that.
 */
export const withdrawConsent = async (tx: Tx, e: DomainEffect<"withdrawConsent">, c: Ctx): Promise<Out[]> => {
  const id = BigInt(c.userId);
  // A notice saved after the explanation was shown (or before a button that knew of none): its bot copy would go
  // unwarned. The explanation comes again, naming it, and nothing is withdrawn yet.
  if (e.seen !== undefined && (await tx.caseParticipant.count({ where: { userId: id, role: "applicant", removedAt: null, caseId: { gt: e.seen }, case: { status: "saved" } } })) > 0)
    return explainWithdrawal(tx, { type: "explainWithdrawal" }, c);
  const relative = await relativeOnly(tx, c);
  const roles = await tx.userRole.count({ where: { userId: id, revokedAt: null } });
  // Staff and mediators are named by their full name in their role: it stays while the role does.
  await tx.user.update({ where: { id }, data: { consentWithdrawnAt: c.now, details: null, ...(roles ? {} : { fullName: null }) } });
  // Their relatives' links nobody has joined by yet stop working (law.md §7: a relative joining would be new processing
  // on their behalf — the bot makes no new link either); said in the confirmation. Whoever opens one is refused as for any
  // spent link, and its lapse is not told (relative_link_lapsed: revoked).
  const links = (await tx.invite.updateMany({ where: { createdBy: id, role: "relative", usedAt: null, revokedAt: null, expiresAt: { gt: c.now } }, data: { revokedAt: c.now } })).count;
  const relativeOf = await tx.caseParticipant.findMany({ where: { userId: id, role: "relative", removedAt: null }, include: { case: true } });
  const out: Out[] = [];
  for (const p of relativeOf) {
    await tx.caseParticipant.update({ where: { id: p.id }, data: { removedAt: c.now } });
    await tx.caseEvent.create({ data: { caseId: p.caseId, kind: "relative_removed", actorId: id, createdAt: c.now, payload: { relation: p.relation, withdrew: true } } });
    for (const a of await caseParticipants(tx, p.caseId, ["applicant"]))
      // With the case's button: the applicant may want someone else to follow it (a new link is made there).
      out.push(
        sayTo(reader(a.userId, a.user.language, p.case.language), "privacy.relativeLeft", { number: p.case.number, relation: { key: `notice.relationForm.${p.relation}` } }, [
          [{ key: "cases.open", params: { number: p.case.number }, ...act(openCase, { caseId: p.caseId }) }],
        ]),
      );
    // The sittings still to come leave their calendar, as when the applicant removes a relative (features/relatives).
    out.push(...(await removedFromSittings(tx, p.case, reader(c.userId, c.languageKnown ? c.language : null, p.case.language), c)));
  }
  const all = await tx.caseParticipant.findMany({ where: { userId: id, role: "applicant", removedAt: null }, include: { case: true } });
  // A notice no organisation received (saved in the bot, not handed in): no procedure began, none needs it —
  // its personal data goes now, as retention takes it from a closed case.
  const unreceived = all.filter(unreceivedOnly);
  for (const p of unreceived) {
    // Relatives following it lose it from their lists with the anonymisation: they are told why, in their language.
    for (const r of await caseParticipants(tx, p.caseId, ["relative"])) out.push(sayTo(reader(r.userId, r.user.language, p.case.language), "privacy.removedToRelative", { number: p.case.number }));
    await anonymiseCase(tx, p.caseId, c.now);
  }
  const filed = all.filter((p) => !unreceivedOnly(p));
  for (const p of filed) {
    await tx.caseEvent.create({ data: { caseId: p.caseId, kind: "consent_withdrawn", actorId: id, createdAt: c.now } });
    await stopSharingAtWithdrawal(tx, p.case, id, c.now);
    const mediations = await tx.mediation.findMany({ where: { caseId: p.caseId, state: { in: ["proposed", "agreeing", "running", "signing"] } }, select: { mediatorId: true } });
    // Staff of the organisation (its side in a mediation under way: the applicant may still decline there); the
    // staff chat, standing in for an organisation with none, is told of no mediation.
    const staff = await staffRecipients(tx, p.case.organizationId, c.staffChatId, p.caseId);
    const inMediation = mediations.length > 0 && !staff.some((s) => s.chatId === c.staffChatId);
    for (const s of staff) out.push(sayTo(s, inMediation ? "privacy.withdrawnToStaffMediation" : "privacy.withdrawnToStaff", { number: p.case.number }));
    // The mediator of a mediation under way: its applicant side can no longer act in it through the bot, but declining.
    const mediators = await tx.user.findMany({ where: { id: { in: mediations.map((m) => m.mediatorId) } }, select: { id: true, language: true } });
    for (const m of mediators) out.push(sayTo(reader(m.id, m.language), "privacy.withdrawnToMediator", { number: p.case.number }));
  }
  const relatives: Param = relativeOf.length ? { key: "privacy.withdrawnRelatives", params: { count: relativeOf.length } } : "";
  const kept: Param = filed.length ? { key: "privacy.withdrawnKept", params: { count: filed.length } } : "";
  const deleted: Param = unreceived.length ? { key: "privacy.withdrawnDeleted", params: { count: unreceived.length } } : "";
  const revoked: Param = links ? { key: "privacy.withdrawnLinks", params: { count: links } } : "";
  // The flows hear it was done (the home follows); the operator's data:erase sends no reply to anyone.
  // A relative only: what went of theirs — not a draft or particulars they never had.
  const done = relative ? say("privacy.withdrawnRelative", { relatives, name: relative.named ? { key: "privacy.withdrawnRelativeName" } : "" }) : say("privacy.withdrawn", { relatives, kept, deleted, links: revoked });
  return [done, ...out, { type: "reply", event: { type: "WITHDRAWN" } }];
};
