// What a machine may ask the world to do. Plain JSON: it is stored in snapshots, logs and the outbox.
// Texts are i18n keys with parameters; the bot renders them in the user's language.

export const LANGUAGES = ["kk", "ru"] as const;
export type Lang = (typeof LANGUAGES)[number];
export const isLang = (x: unknown): x is Lang => x === "kk" || x === "ru";

/** Text in both languages, from data (a region's name), chosen when rendered. */
export type Bilingual = Record<Lang, string>;
/**
 * A parameter: a plain value, another text by key, data in both languages, or several texts one per
 * line — localised when rendered.
 */
export type Param = string | number | { key: string; params?: Params } | Bilingual | { lines: { key: string; params?: Params }[] };
export type Params = Record<string, Param>;

/**
 * A button. `global` buttons mean the same in any state (language, consent…) and never go stale;
 * the others belong to the question just asked and stop working once it is answered.
 * `lang` renders the label in that language whatever the user's language is.
 */
export interface Button {
  /** The label's i18n key; or `label` for data that carries both languages. */
  key?: string;
  label?: Bilingual;
  value: string;
  global?: boolean;
  lang?: Lang;
}

export interface SayEffect {
  type: "say";
  key: string;
  params?: Params;
  buttons?: Button[][];
  /** Render the text once in each language, Kazakh first (for users whose language is unknown). */
  bilingual?: boolean;
  /** A reply keyboard instead of buttons: Telegram's share-contact button; or take such a keyboard away. */
  replyKeyboard?: "contact" | "remove";
}
export interface SetLanguageEffect {
  type: "setLanguage";
  language: Lang;
}
export interface RecordConsentEffect {
  type: "recordConsent";
}
/** Files a notice: the bot stores the case in the same transaction and answers with its number. */
export interface SubmitNoticeEffect {
  type: "submitNotice";
  notice: NoticeAnswers;
}

/** Lists the user's cases (/cases); read from the database by the bot. */
export interface ShowCasesEffect {
  type: "showCases";
}
/** Opens one case's timeline — only for someone who takes part in it. */
export interface ShowCaseEffect {
  type: "showCase";
  caseId: number;
}

/** Admin: registers a healthcare organisation. */
export interface CreateOrganizationEffect {
  type: "createOrganization";
  name: string;
  region: string;
}
/** Admin: the organisations, each with a button to invite its staff. */
export interface ListOrganizationsEffect {
  type: "listOrganizations";
}
/** Admin: a single-use invite link for staff of an organisation, or for a mediator. */
export interface CreateInviteEffect {
  type: "createInvite";
  role: "staff" | "mediator";
  organizationId?: number;
}
/** Admin: the active staff and mediator roles, each with a button to revoke it; and revoking one. */
export interface ListRolesEffect {
  type: "listRoles";
}
export interface RevokeRoleEffect {
  type: "revokeRole";
  roleId: number;
}
/** Someone opened an invite link (/start <token>). */
export interface RedeemInviteEffect {
  type: "redeemInvite";
  token: string;
}
/** Staff: the cases of their organisations; and one case in full. */
export interface ShowInboxEffect {
  type: "showInbox";
}
export interface ShowStaffCaseEffect {
  type: "showStaffCase";
  caseId: number;
}
/** Staff: the commission's conclusion on a case. */
export interface RecordConclusionEffect {
  type: "recordConclusion";
  caseId: number;
  confirmed: boolean;
  outcome: Outcome | null;
  summary: string;
  /** The conclusion document, if staff attached one. */
  file: FileRef | null;
}
/** Staff: the commission of a case was formed (today, or on `date`), with no member representing their organisation. */
export interface RecordFormationEffect {
  type: "recordFormation";
  caseId: number;
  date?: string;
}

/** Admin: cases no registered organisation was matched to; choosing an organisation for one; linking it. */
export interface ListUnlinkedEffect {
  type: "listUnlinked";
}
export interface ChooseCaseOrgEffect {
  type: "chooseCaseOrg";
  caseId: number;
}
export interface LinkCaseEffect {
  type: "linkCase";
  caseId: number;
  organizationId: number;
}
/** Applicant: a single-use invite link for a relative to follow the case. */
export interface CreateRelativeInviteEffect {
  type: "createRelativeInvite";
  caseId: number;
}
/** A relative who opened such a link and said who they are to the patient. */
export interface JoinCaseEffect {
  type: "joinCase";
  token: string;
  relation: string;
}
/** Applicant: shows the notice (with the IIN, phone and description) to the case's relatives, or stops. */
export interface ShareNoticeEffect {
  type: "shareNotice";
  caseId: number;
  share: boolean;
}
/** A relative asks for the notice the applicant shared. */
export interface SharedNoticeEffect {
  type: "sharedNotice";
  caseId: number;
}
/** Applicant: removes a relative from a case. */
export interface RemoveRelativeEffect {
  type: "removeRelative";
  participantId: number;
}
/** Staff: a sitting of the commission, scheduled, moved or cancelled. Times are Kazakhstan's. */
export interface ScheduleSittingEffect {
  type: "scheduleSitting";
  caseId: number;
  date: string;
  time: string;
  address: string | null;
  link: string | null;
  note: string | null;
}
export interface MoveSittingEffect {
  type: "moveSitting";
  sittingId: number;
  date: string;
  time: string;
}
export interface CancelSittingEffect {
  type: "cancelSitting";
  sittingId: number;
}
/** The applicant or a relative answers a sitting's invitation. */
export interface AnswerSittingEffect {
  type: "answerSitting";
  sittingId: number;
  answer: SittingAnswer;
}
export const SITTING_ANSWERS = ["in_person", "online", "cannot"] as const;
export type SittingAnswer = (typeof SITTING_ANSWERS)[number];

/** Mediation (law.md §4). Who may do each is checked by the bot against the case and the mediation. */
/** Admin: recent cases with no mediation, to assign a mediator to one. */
export interface ListMediationCasesEffect {
  type: "listMediationCases";
}
export interface PickMediatorEffect {
  type: "pickMediator";
  caseId: number;
}
export interface AssignMediatorEffect {
  type: "assignMediator";
  caseId: number;
  roleId: number;
}
export interface MediatorAnswerEffect {
  type: "mediatorAnswer";
  mediationId: number;
  accept: boolean;
}
export interface PartyAgreeEffect {
  type: "partyAgree";
  mediationId: number;
  agree: boolean;
}
export interface ShowMediationEffect {
  type: "showMediation";
  mediationId: number;
}
export interface RelayMessageEffect {
  type: "relayMessage";
  mediationId: number;
  to: "all" | "applicant" | "organization" | "mediator";
  text: string;
  file?: FileRef;
}
export interface ProposeSettlementEffect {
  type: "proposeSettlement";
  mediationId: number;
  amount: number;
  terms: string;
  days: number;
}
export interface AnswerProposalEffect {
  type: "answerProposal";
  proposalId: number;
  accept: boolean;
}
export interface CounterOfferEffect {
  type: "counterOffer";
  proposalId: number;
  amount: number;
  note: string;
}
export interface ConfirmAgreementEffect {
  type: "confirmAgreement";
  proposalId: number;
}
export interface EndMediationEffect {
  type: "endMediation";
  mediationId: number;
}

/** The applicant takes the case further: where to, and the complaint's draft. */
export interface ChooseEscalationEffect {
  type: "chooseEscalation";
  caseId: number;
}
export interface DraftEscalationEffect {
  type: "draftEscalation";
  caseId: number;
  target: "department" | "committee" | "court";
}

export type DomainEffect =
  | SubmitNoticeEffect
  | ShowCasesEffect
  | ShowCaseEffect
  | CreateOrganizationEffect
  | ListOrganizationsEffect
  | CreateInviteEffect
  | ListRolesEffect
  | RevokeRoleEffect
  | RedeemInviteEffect
  | ShowInboxEffect
  | ShowStaffCaseEffect
  | RecordFormationEffect
  | RecordConclusionEffect
  | CreateRelativeInviteEffect
  | JoinCaseEffect
  | RemoveRelativeEffect
  | ScheduleSittingEffect
  | MoveSittingEffect
  | CancelSittingEffect
  | AnswerSittingEffect
  | ListUnlinkedEffect
  | ChooseCaseOrgEffect
  | LinkCaseEffect
  | ShareNoticeEffect
  | SharedNoticeEffect
  | ListMediationCasesEffect
  | PickMediatorEffect
  | AssignMediatorEffect
  | MediatorAnswerEffect
  | PartyAgreeEffect
  | ShowMediationEffect
  | RelayMessageEffect
  | ProposeSettlementEffect
  | AnswerProposalEffect
  | CounterOfferEffect
  | ConfirmAgreementEffect
  | EndMediationEffect
  | ChooseEscalationEffect
  | DraftEscalationEffect;
export type Effect = SayEffect | SetLanguageEffect | RecordConsentEffect | DomainEffect;
/** Effects the bot carries out against the database, in the update's transaction. */
export const DOMAIN_EFFECTS: ReadonlySet<string> = new Set<DomainEffect["type"]>([
  "submitNotice", "showCases", "showCase", "createOrganization", "listOrganizations", "createInvite", "listRoles", "revokeRole", "redeemInvite",
  "showInbox", "showStaffCase", "recordFormation", "recordConclusion",
  "createRelativeInvite", "joinCase", "removeRelative", "scheduleSitting", "moveSitting", "cancelSitting", "answerSitting",
  "listUnlinked", "chooseCaseOrg", "linkCase", "shareNotice", "sharedNotice",
  "listMediationCases", "pickMediator", "assignMediator", "mediatorAnswer", "partyAgree", "showMediation", "relayMessage", "proposeSettlement", "answerProposal",
  "counterOffer", "confirmAgreement", "endMediation", "chooseEscalation", "draftEscalation",
]);
export const EFFECT_TYPES: ReadonlySet<string> = new Set<string>(["say", "setLanguage", "recordConsent", ...DOMAIN_EFFECTS]);

export const RELATIONS = ["self", "spouse", "relative", "representative"] as const;
export type Relation = (typeof RELATIONS)[number];
export const OUTCOMES = ["death", "disability1", "disability2", "disability3", "childDisability", "harm", "unknown"] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const SUPPORT_ANSWERS = ["yes", "no", "unknown"] as const;
export type SupportAnswer = (typeof SUPPORT_ANSWERS)[number];

export interface FileRef {
  kind: "photo" | "document";
  fileId: string;
  fileUniqueId: string;
  mime: string | null;
}

/** A finished notice, as the machine hands it over. Dates are "YYYY-MM-DD" in Kazakhstan's calendar. */
export interface NoticeAnswers {
  relation: Relation;
  name: string;
  iin: string;
  birthDate: string;
  org: string;
  region: string;
  careFrom: string;
  careTo: string;
  description: string;
  outcome: Outcome;
  supportKnows: SupportAnswer;
  files: FileRef[];
  phone: string;
}

export const say = (key: string, extra: Omit<SayEffect, "type" | "key"> = {}): SayEffect => ({ type: "say", key, ...extra });
