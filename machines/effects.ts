// What a machine may ask the world to do. Plain JSON: it is stored in snapshots, logs and the outbox.
// Texts are i18n keys with parameters; the bot renders them in the user's language.

export const LANGUAGES = ["kk", "ru"] as const;
export type Lang = (typeof LANGUAGES)[number];
export const isLang = (x: unknown): x is Lang => x === "kk" || x === "ru";

/** Text in both languages, from data (a region's name), chosen when rendered. */
export type Bilingual = Record<Lang, string>;
/**
 * A parameter, localised when rendered: a plain value, another text by key, data in both languages, or
 * several parameters one after another (one per line unless `sep` says otherwise; `compact` leaves out
 * those that come out empty).
 */
export type Param = string | number | { key: string; params?: Params } | Bilingual | { lines: Param[]; sep?: string; compact?: boolean };
export type Params = Record<string, Param>;

/** Callback data of an action, made only by the codec in actions.ts (so a typo cannot make a button). */
export type ActionData = string & { readonly __action: unique symbol };
/**
 * A page of a list, by where the page the button was on began or ended: «next» continues after the item shown last
 * (its id and, for a list by time, its time in ms), «prev» ends before the item shown first — so an item added or
 * removed meanwhile shifts nothing: none is shown twice, none skipped.
 */
export interface PageCursor {
  dir: "next" | "prev";
  id: number;
  at?: number;
}

/** A button's label: an i18n key (with parameters), or data that carries its own text. */
interface Label {
  key?: string;
  params?: Params;
  label?: Bilingual | string;
  /** Render the label in this language whatever the user's language is. */
  lang?: Lang;
}
/**
 * A button: an answer to the question just asked (`value`, which stops working once it is answered), or
 * an action that means the same in any state (`global`, from `act()` in actions.ts).
 */
export type Button = Label & ({ value: string; global?: undefined } | { value: ActionData; global: true });

/** Whom a message goes to, when not to the chat that sent the update: a chat, in its language (null: both). */
export interface Recipient {
  chatId: number;
  lang: Lang | null;
}

export interface SayEffect {
  type: "say";
  key: string;
  params?: Params;
  buttons?: Button[][];
  /**
   * The rows whose labels are data in both languages (regions) are shown in the reader's alphabetical
   * order — Kazakh for kk, Russian for ru (language.md) — in the places those rows hold; the others stay.
   */
  collate?: boolean;
  /** Render the text once in each language, Kazakh first (for users whose language is unknown). */
  bilingual?: boolean;
  /** A reply keyboard instead of buttons: Telegram's share-contact button; or take such a keyboard away. */
  replyKeyboard?: "contact" | "remove";
  /** Someone else than the user of this update (staff, the other side, a relative). */
  to?: Recipient;
  /**
   * One message for several updates: the chat's earlier message of the same slot, once sent, is edited to
   * this one instead of a new message being sent (an album's files, which arrive one update each).
   */
  slot?: string;
}
export interface SetLanguageEffect {
  type: "setLanguage";
  language: Lang;
}
/** The consent texts (law.md §7): the applicant's, shown before a notice, and a relative's, shown when joining a case. */
export const CONSENT_TEXTS = ["applicant", "relative"] as const;
export type ConsentText = (typeof CONSENT_TEXTS)[number];
/** Each consent text's locale key: its version is the one recorded with a consent to it. */
export const CONSENT_TEXT_KEYS: Record<ConsentText, string> = { applicant: "privacy.consent", relative: "relatives.consent" };
export interface RecordConsentEffect {
  type: "recordConsent";
  /** The text the user was shown and agreed to. */
  text: ConsentText;
}

export const SITTING_ANSWERS = ["in_person", "online", "cannot"] as const;
export type SittingAnswer = (typeof SITTING_ANSWERS)[number];
/**
 * Where the applicant may take a case (law.md §3 step 7, §6): the organisation's management, the region's
 * health department, the Committee's territorial department of the region — with a complaint's draft —
 * or a court, for which nothing is drafted (a statement of claim is a lawyer's work).
 */
export const ESCALATION_TARGETS = ["management", "department", "committee", "court"] as const;
export type EscalationTarget = (typeof ESCALATION_TARGETS)[number];
export const DRAFT_TARGETS = ["management", "department", "committee"] as const;
export type DraftTarget = (typeof DRAFT_TARGETS)[number];
export const isDraftTarget = (t: string): t is DraftTarget => (DRAFT_TARGETS as readonly string[]).includes(t);

/** The applicant's own particulars, which a written appeal to a state body must carry (law.md §6). */
export interface ApplicantDetails {
  surname: string;
  name: string;
  /** Empty when they have none. */
  patronymic: string;
  iin: string;
  address: string;
}
/** Whom a mediation message goes to: everyone else, one side alone, or the mediator alone. */
export type MediationRecipient = "all" | "applicant" | "organization" | "mediator";

/**
 * What the bot carries out against the database, in the update's transaction — each with what it needs.
 * Who may do each is checked again by the bot against the case.
 */
export interface DomainEffectPayloads {
  /** Files a notice: the bot stores the case in the same transaction and answers with its number. */
  submitNotice: { notice: NoticeAnswers };
  /** The registered organisations of a region (those whose name has every word of `query`, if given): answered to the flow. */
  findOrganizations: { region: string; query: string | null };
  /**
   * Lists the user's cases (/cases), ten a page: the newest, or the page next to `cursor` (a «earlier cases» button);
   * opens one case's timeline — only for someone who takes part in it.
   */
  showCases: { cursor?: PageCursor; draft?: true };
  showCase: { caseId: number };
  /**
   * The user withdrew consent (law.md §7): no new processing; their saved particulars deleted at once; a
   * relative leaves their cases; notices they filed stay with the case's procedure, its other side told.
   */
  /**
   * `seen`: the newest case the explanation the user answered knew of; a notice saved since, not received, is explained
   * first. Absent: withdrawn as asked (the operator's data:erase).
   */
  withdrawConsent: { seen?: number };
  /**
   * Before a withdrawal: what it means, and the user's notices no organisation is recorded to have received — they
   * would be anonymised, though one may have been handed in on paper — each with a button to record its hand-in first.
   */
  explainWithdrawal: object;
  /** /mydata: everything the bot holds about the user, as a summary and a JSON file. */
  showMyData: object;
  /** The applicant: who (staff, a mediator, a relative) opened the case's personal data, and when. */
  showAccesses: { caseId: number };
  /** Admin: the organisations, each with a button to its access list; one organisation's list (who opened which case's data). */
  listAccessOrgs: { region?: string | undefined; offset?: number | undefined };
  showOrgAccesses: { organizationId: number };
  /** Admin: registers a healthcare organisation; the organisations, each with a button to invite its staff. */
  createOrganization: { nameKk: string; nameRu: string; region: string };
  listOrganizations: { region?: string | undefined; offset?: number | undefined };
  /** Admin: a single-use invite link for staff of an organisation, or for a mediator. */
  createInvite: { role: "staff" | "mediator"; organizationId?: number };
  /** Admin: the active staff and mediator roles, a page from `offset`, each with a button to revoke it; asked once more before revoking one; and revoked. */
  listRoles: { offset?: number | undefined };
  askRevokeRole: { roleId: number };
  revokeRole: { roleId: number };
  /** Admin: «don't revoke» at that question — said to stay only if it does. */
  keepRole: { roleId: number };
  /** Admin: a staff or mediator invite link not used yet, revoked from its own message (sent to the wrong chat, say). */
  revokeRoleInvite: { inviteId: number };
  /** Someone who opened a staff or mediator invite link gave their full name and position (or registry details) and accepted the role's terms. */
  /** `inviteId` instead of the token: an invite its maker, an admin, chose to take themselves (answerOwnInvite). */
  redeemInvite: { token: string; inviteId?: number; fullName: string; title: string };
  /**
   * The admin who made a staff or mediator invite opened its link: asked whether they take the role themselves
   * (they would see what the role sees, besides administering) or keep the link for a colleague.
   */
  askOwnInvite: { token: string };
  /** The admin's answer to that question, from its buttons (which carry the invite's id): `take` opens the join flow. */
  answerOwnInvite: { inviteId: number; take: boolean };
  /**
   * «Продолжить» on an invite set aside (a relative's: `join`, staff's or a mediator's: `roleJoin`): its link looked up
   * before its question comes again — one that expired, was revoked or used meanwhile is said so at once (the handler
   * answers with an INVITE event).
   */
  checkInvite: { flow: "join" | "roleJoin"; token: string; inviteId?: number };
  /** An admin (ADMIN_IDS) at their first /admin gave their full name and position and accepted the admin's terms. */
  acceptAdminTerms: { fullName: string; title: string };
  /**
   * Opens a flow that acts on a case only after the bot checked that this user may act on it: a forged or stale
   * button is refused at once, before any question (the handler answers with an OPEN event, or "not found").
   */
  openChecked: { flow: CheckedFlow; input: Record<string, unknown> };
  /**
   * A question asked before a step on a case («the commission was formed?», «end the mediation?»): asked only of someone
   * the flow `as` would open for, with this input; anyone else gets the answer a missing case gets, not a question about it.
   */
  askChecked: { as: CheckedFlow; input: Record<string, unknown>; ask: SayEffect };
  /** The home screen of the user's role as stored now (staff, mediator, admin); an applicant's is the menu. */
  /** `role`: that role's home alone (the role that acted); `all`: every role's held, one after another (/start, /menu). */
  showHome: { role?: "admin" | "staff" | "mediator"; all?: true };
  /** The chat's command menu set again to the roles held now: a role's command (/admin, /inbox) refused, its role gone. */
  refreshCommands: object;
  /**
   * Staff: the cases of their organisations (and a mediator's mediations), a page at a time; and one case in full.
   * With `part`, only that list: from `offset` (buttons sent before pages had cursors), or next to the case shown at `cursor`.
   */
  showInbox: { part?: "org" | "mediations"; offset?: number; cursor?: PageCursor };
  showStaffCase: { caseId: number };
  /** Staff: the healthcare entity received the notice — its registration number and the date (law.md §3 step 2). */
  recordReceipt: { caseId: number; number: string; on: string };
  /** The applicant handed the notice in to the entity on `on` (with its registration number and the stamped copy, if any). */
  /** `pages`: every page of a stamped copy sent as several files (the first is `file`). */
  recordHandIn: { caseId: number; on: string; number: string | null; file: FileRef | null; pages?: FileRef[] };
  /** Staff: the commission of a case was formed (today, or on `date`), with no member representing their organisation. */
  recordFormation: { caseId: number; date?: string };
  /** Staff: the commission's conclusion on a case, with its document if staff attached one (`pages`: every page of one sent as several files, the first is `file`). */
  recordConclusion: { caseId: number; confirmed: boolean; outcome: Outcome | null; summary: string; file: FileRef | null; pages?: FileRef[]; on?: string | null };
  /** Applicant: a single-use invite link for a relative to follow the case. */
  createRelativeInvite: { caseId: number };
  /** Applicant: a relative's link not yet used, asked once more before revoking it; and revoked. */
  askRevokeRelativeInvite: { inviteId: number };
  revokeRelativeInvite: { inviteId: number };
  /** Applicant: «keep it» at that question — said to still work only if it does. */
  keepRelativeInvite: { inviteId: number };
  /** A relative who opened such a link and said who they are to the patient. */
  joinCase: { token: string; relation: string; fullName?: string };
  /** Applicant: removes a relative from a case — asked once more first (`confirmed` absent), then removed. */
  removeRelative: { participantId: number; confirmed?: true };
  /** Staff: a sitting of the commission, scheduled, moved or cancelled. Times are Kazakhstan's. */
  scheduleSitting: { caseId: number; date: string; time: string; address: string | null; link: string | null; note: string | null };
  /** `sequence`: the sitting's version the move was begun from (moved since by a colleague: not moved again blindly). */
  moveSitting: { sittingId: number; date: string; time: string; sequence?: number };
  /** Staff: asked once more before cancelling, naming the sitting. */
  askCancelSitting: { sittingId: number };
  /** `sequence`: the sitting's version the confirmation named (moved since: asked again, at its new time). */
  cancelSitting: { sittingId: number; sequence?: number };
  /** Staff: «don't cancel» at that question. */
  keepSitting: { sittingId: number };
  /** The applicant or a relative answers a sitting's invitation; `sequence`: the version of the sitting the button was shown for (absent on buttons sent before it was carried). */
  answerSitting: { sittingId: number; answer: SittingAnswer; sequence?: number };
  /** Admin: cases no registered organisation was matched to; choosing an organisation for one; linking it. */
  listUnlinked: { offset?: number | undefined; cursor?: PageCursor };
  chooseCaseOrg: { caseId: number; offset?: number | undefined };
  linkCase: { caseId: number; organizationId: number };
  /** Applicant: shows the notice (with the IIN, phone and description) to the case's relatives, or stops. */
  shareNotice: { caseId: number; share: boolean };
  /** A relative asks for the notice the applicant shared. */
  sharedNotice: { caseId: number };
  /** Mediation (law.md §4). Admin: recent cases with no mediation, to assign a mediator to one. */
  listMediationCases: { offset?: number | undefined; cursor?: PageCursor };
  /** `admin`: from /admin — the list's buttons are the admin's (pickMediatorAsAdmin), so is the home after them. */
  pickMediator: { caseId: number; offset?: number | undefined; admin?: true };
  assignMediator: { caseId: number; roleId: number };
  mediatorAnswer: { mediationId: number; accept: boolean };
  /** A side agrees to the mediation contract (the applicant with their particulars), or refuses. */
  partyAgree: { mediationId: number; agree: boolean; details?: ApplicantDetails };
  /** The mediator or the organisation's staff record the signed settlement agreement (a scan or a signed file). */
  recordSignedAgreement: { mediationId: number; file: FileRef; pages?: FileRef[]; on?: string };
  /** The mediator or the organisation's staff open the flow that attaches the signed mediation contract (law.md §4, Art. 20). */
  openSignedContract: { mediationId: number };
  /** …and record it: its scan or signed file (every page of an album) and the day it was signed. */
  recordSignedContract: { mediationId: number; file: FileRef; pages?: FileRef[]; on: string };
  showMediation: { mediationId: number };
  /**
   * A message in a mediation: a text, or a file with its caption as `text`; `files`: an album's files in the order the
   * person chose them, each with the caption it came with (then `text` is empty and `file` absent).
   */
  relayMessage: { mediationId: number; to: MediationRecipient; text: string; file?: FileRef; files?: { file: FileRef; caption?: string }[] };
  proposeSettlement: { mediationId: number; amount: number; terms: string; days: number };
  answerProposal: { proposalId: number; accept: boolean };
  counterOffer: { proposalId: number; amount: number; note: string };
  confirmAgreement: { proposalId: number };
  endMediation: { mediationId: number };
  /** The applicant takes the case further: where to; a complaint's draft with their particulars (kept for next time). */
  chooseEscalation: { caseId: number };
  draftEscalation: { caseId: number; target: DraftTarget; details: ApplicantDetails };
  /** For a court: the case's history as a document, and the advice to see a lawyer. */
  caseHistory: { caseId: number };
  /** The particulars the user gave before, if any, and the patient of the case they are for: answered to the flow. */
  findApplicantDetails: { caseId?: number; mediationId?: number };
  /** A document the bot gave up making (its outbox row, by id) asked for again from the chat it was for. */
  documentAgain: { row: string };
}
/** The flows that act on a case, sitting, mediation or proposal named in their input. */
export const CHECKED_FLOWS = ["receipt", "handIn", "formation", "conclusion", "sitting", "relay", "proposal", "counter", "signedAgreement", "particulars"] as const;
export type CheckedFlow = (typeof CHECKED_FLOWS)[number];

export type DomainEffectType = keyof DomainEffectPayloads;
/** A domain effect of one type (or, without K, of any): `{ type, ...its payload }`. */
export type DomainEffect<K extends DomainEffectType = DomainEffectType> = { [P in K]: { type: P } & DomainEffectPayloads[P] }[K];

/** Every domain effect type, once; the compiler refuses a missing or unknown one. */
const DOMAIN_EFFECT_TYPES: Record<DomainEffectType, true> = {
  submitNotice: true, findOrganizations: true, showCases: true, showCase: true, createOrganization: true, listOrganizations: true, createInvite: true, listRoles: true,
  askRevokeRole: true, revokeRole: true, keepRole: true, revokeRoleInvite: true, redeemInvite: true, askOwnInvite: true, answerOwnInvite: true, checkInvite: true, acceptAdminTerms: true, showHome: true, refreshCommands: true, openChecked: true, askChecked: true, showAccesses: true, listAccessOrgs: true, showOrgAccesses: true, showMyData: true, withdrawConsent: true, explainWithdrawal: true, showInbox: true, showStaffCase: true, recordFormation: true, recordConclusion: true,
  recordReceipt: true, recordHandIn: true, createRelativeInvite: true, askRevokeRelativeInvite: true, revokeRelativeInvite: true, keepRelativeInvite: true, joinCase: true, removeRelative: true, scheduleSitting: true, moveSitting: true, askCancelSitting: true, cancelSitting: true, keepSitting: true,
  answerSitting: true, listUnlinked: true, chooseCaseOrg: true, linkCase: true, shareNotice: true, sharedNotice: true,
  listMediationCases: true, pickMediator: true, assignMediator: true, mediatorAnswer: true, partyAgree: true, showMediation: true,
  relayMessage: true, proposeSettlement: true, answerProposal: true, counterOffer: true, confirmAgreement: true, recordSignedAgreement: true, openSignedContract: true, recordSignedContract: true, endMediation: true,
  chooseEscalation: true, draftEscalation: true, caseHistory: true, findApplicantDetails: true, documentAgain: true,
};
export const isDomainEffectType = (type: string): type is DomainEffectType => Object.hasOwn(DOMAIN_EFFECT_TYPES, type);
export const isDomainEffect = (e: { type: string }): e is DomainEffect => isDomainEffectType(e.type);

export type Effect = SayEffect | SetLanguageEffect | RecordConsentEffect | DomainEffect;
/** The XState actions of a machine that are effects (the others — assign, patch — are its own business). */
export const isEffectType = (type: string): boolean => type === "say" || type === "setLanguage" || type === "recordConsent" || isDomainEffectType(type);

export const RELATIONS = ["self", "spouse", "relative", "representative"] as const;
export type Relation = (typeof RELATIONS)[number];
export const OUTCOMES = ["death", "disability1", "disability2", "disability3", "childDisability", "harm", "unknown"] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const isOutcome = (x: string): x is Outcome => (OUTCOMES as readonly string[]).includes(x);
export const SUPPORT_ANSWERS = ["yes", "no", "unknown"] as const;
export type SupportAnswer = (typeof SUPPORT_ANSWERS)[number];

export interface FileRef {
  kind: "photo" | "document";
  fileId: string;
  fileUniqueId: string;
  mime: string | null;
  /**
   * The Telegram message it came in (absent in what was stored before it was kept). Telegram numbers an album's
   * messages in the order the person chose its files, and gives them no page number: pages are kept in order of it.
   */
  messageId?: number;
}

/** A registered organisation offered to choose from. */
export interface OrganizationOption {
  id: number;
  name: Bilingual;
}

/** A finished notice, as the machine hands it over. Dates are "YYYY-MM-DD" in Kazakhstan's calendar. */
export interface NoticeAnswers {
  relation: Relation;
  name: string;
  iin: string;
  birthDate: string;
  /** The organisation's name as shown (a registered one's in the applicant's language, or as typed). */
  org: string;
  /** The registered organisation chosen from the list; null when the applicant typed a name. */
  orgId: number | null;
  region: string;
  careFrom: string;
  careTo: string;
  description: string;
  outcome: Outcome;
  supportKnows: SupportAnswer;
  files: FileRef[];
  phone: string;
  /**
   * An applicant who is not the patient confirmed they act for the patient as their relation (law.md §7);
   * null for a notice begun before the bot asked.
   */
  actsFor?: boolean | null;
}

export const say = (key: string, extra: Omit<SayEffect, "type" | "key"> = {}): SayEffect => ({ type: "say", key, ...extra });
/** Texts one after another, one per line unless `sep` says otherwise; `compact` leaves out empty ones. */
export const lines = (parts: Param[], sep = "\n", compact = false): Param => ({ lines: parts, sep, ...(compact ? { compact } : {}) });
