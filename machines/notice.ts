// The notice of possible harm (journey J1): one question at a time with a step counter and a Back button,
// consent before the first personal question, a review where any answer can be changed, then submit.
import { assign, enqueueActions, raise, setup } from "xstate";
import { act, openExplainer } from "./actions.js";
import { OUTCOMES, RELATIONS, SUPPORT_ANSWERS, type Bilingual, type OrganizationOption, type Button, type FileRef, type NoticeAnswers, type Outcome, type Param, type Params, type Relation, type SupportAnswer } from "./effects.js";
import { askAgain, chose, effectActions, CONTACT_KEYBOARD, inPageOrder, notTaken, UNSAVED, type FlowDef, type FlowEvent, type Profile } from "./flow.js";
import { type Check, checkBirthDate, checkCareDates, checkDescription, checkFullName, checkIin, checkOrganization, checkPhone, DESCRIPTION_MAX, looksLikeOutcome, maskedIin, namesDeath, regionByCode, REGIONS, regionText } from "./notice-rules.js";
import { consentAgain, consentButtons, consentRepeatFor } from "./onboarding.js";

export const STEPS = 11;
export const MAX_FILES = 20;
const FILE_TYPES = /^(application\/pdf|image\/(jpeg|png|heic|heif|webp))$/;

export interface Draft {
  relation: Relation | null;
  name: string | null;
  iin: string | null;
  birthDate: string | null;
  org: string | null;
  /** A registered organisation chosen from the list, and its names (absent in drafts begun before the list existed). */
  orgId?: number | null;
  orgNames?: Bilingual | null;
  region: string | null;
  careFrom: string | null;
  careTo: string | null;
  description: string | null;
  outcome: Outcome | null;
  supportKnows: SupportAnswer | null;
  files: FileRef[];
  phone: string | null;
  /** Not the patient: confirmed acting for the patient (absent in drafts begun before the bot asked). */
  actsFor?: boolean | null;
}
interface Context {
  draft: Draft;
  /** Answering a question from the review: go back to the review after it. */
  editing: boolean;
  /** The answers as they stood when a change from the review began: Back to the review keeps them (all of them). */
  beforeEdit?: Draft | null;
  /** The registered organisations offered at the organisation question, and how many the region has. */
  orgOptions?: OrganizationOption[];
  orgTotal?: number;
  /** The words last searched for. */
  orgQuery?: string | null;
  /**
   * The region chosen at the organisation's question, kept apart until an organisation of it is chosen or typed:
   * backing out of the change (to the review) leaves the draft's region and organisation as they were, together.
   */
  pendingRegion?: string | null;
  /**
   * «I am the patient» and «the patient died» cannot both stand (a grieving relative pressed the first button by
   * mistake): the one of the two just chosen is held here, not in the draft, until another outcome or another relation
   * settles it — "death" the outcome chosen after «I am the patient», "self" that answer chosen after «the patient died».
   */
  selfDeath?: "death" | "self" | null;
  /** The patient's name and IIN asked again after «who you are» changed between the patient and another (patientCheck): then back to that check. */
  checkingPatient?: boolean;
  /**
   * The album (Telegram's media_group_id) the last file came in: its files arrive one update each and get
   * one acknowledgement between them, edited as they come; what it added, and the refusals already said.
   */
  album?: Album | null;
  today: string;
  /** The applicant's consent (privacy.consent) is in force: a relative's alone does not cover a notice. */
  hasConsent: boolean;
  /** Only a relative's consent is in force: told first why the applicant's is asked. */
  relativeConsent?: boolean;
}
interface Input {
  today: string;
  hasConsent: boolean;
  relativeConsent: boolean;
}
interface Album {
  group: string;
  /** Its files that arrived, and those added to the notice. */
  seen: number;
  added: number;
  /** The refusals already said for it (too many files, a file type). */
  refused: string[];
}

const emptyDraft = (): Draft => ({
  relation: null, name: null, iin: null, birthDate: null, org: null, orgId: null, orgNames: null, region: null, careFrom: null, careTo: null,
  description: null, outcome: null, supportKnows: null, files: [], phone: null,
});

/** DD.MM.YYYY, as people in Kazakhstan write dates. */
export const showDate = (d: string): string => `${d.slice(8, 10)}.${d.slice(5, 7)}.${d.slice(0, 4)}`;
/**
 * A date (YYYY-MM-DD) as official papers write it: «2026 жылғы 23 қараша» / «23 ноября 2026 г.» for a
 * document's date line; `on` inside a sentence: «2026 жылғы 23 қарашада сақталды» / «сохранено 23 ноября 2026 г.».
 */
export const officialDate = (d: string, form: "line" | "on" = "line"): Param => {
  const [year, month, day] = d.split("-");
  if (!year || !month || !day) return d;
  const m = Number(month);
  return {
    key: "common.officialDate",
    params: { year, day: String(Number(day)), month: form === "on" ? { key: `common.monthsOn.${m}` } : { key: `common.months.${m}` } },
  };
};

const back: Button = { key: "notice.back", value: "back" };
/**
 * Opens the explainer over the notice; leaving it comes back to the same question. Once the patient's death is the
 * notice's outcome, its payment table begins with condolence, as a case's does.
 */
const explainLink = (draft?: { outcome: string | null }): Button => ({ key: "notice.explainLink", ...act(openExplainer, draft?.outcome === "death" ? { death: "1" } : {}) });
const choices = (values: readonly string[], prefix: string): Button[][] => values.map((v) => [{ key: `${prefix}.${v}`, value: v }]);
/** A question with its step counter; `collate` shows data rows (regions) in the reader's alphabetical order. */
const ask = (step: string, n: number, buttons: Button[][] = [[back]], params: Params = {}, collate?: true) =>
  ({ type: "say" as const, params: { key: `notice.ask.${step}`, params: { step: n, total: STEPS, ...params }, buttons, ...(collate ? { collate } : {}) } });
/**
 * A question about the patient, asked of the patient themselves in the second person («your IIN», not «the patient's»).
 * Not the outcome's: «I am the patient» with «the patient died» is almost always a grieving relative's slip, and a
 * question «for you» after the condolence would hurt (the outcome question says «for the patient» to everyone).
 */
const selfOr = (context: Context, step: "iin" | "region" | "org"): string => (context.draft.relation === "self" ? `${step}Self` : step);
/** Under the files question and its acknowledgements: «Done», and «Take the last file back» while there is one. */
const filesButtons = (count: number): Button[][] => [
  [{ key: "notice.filesDone", value: "done" }],
  ...(count > 0 ? [[{ key: "notice.filesRemoveLast", value: "removeLast" }]] : []),
];
/**
 * Text typed at a question answered by its buttons (a frightened person types «да, верно», «анасымын»): asked to press
 * one, and the question again — not «Извините, я этого не понял», which says nothing of what to do.
 */
const typedAtButtons = (state: string) => ({ TEXT: { target: state, reenter: true, actions: [{ type: "say" as const, params: { key: "common.useButtons" } }] } });
const refuse = (reason: string, params: Params = {}) => ({ type: "say" as const, params: { key: `notice.error.${reason}`, params } });
const today = (c: Context, e: FlowEvent) => e.today ?? c.today;
const text = (e: FlowEvent) => (e.type === "TEXT" ? e.text : "");
const choice = (e: FlowEvent) => (e.type === "CHOICE" ? e.value : "");

/** Words typed to find an organisation: at least 2 letters; null when too short to search. */
export const checkSearch = (input: string): string | null => {
  const q = input.trim().replace(/\s+/g, " ");
  return /\p{L}{2}|\d/u.test(q) && q.length <= 100 ? q : null;
};

/** The applicant said they are the patient and that the patient died (a draft stored before the bot refused it). */
const isSelfDeath = (d: Draft) => d.relation === "self" && d.outcome === "death";

/**
 * «Who you are» changed between the patient and another (from the review, or to settle «I am the patient» against
 * «the patient died») after the name and IIN were typed: typed as one's own, they now stand as the patient's — or the
 * other way. Asked to check them (patientCheck) unless the name question comes next anyway.
 */
const relationSwitched = ({ context }: { context: Context }): boolean => {
  const before = context.editing ? (context.beforeEdit?.relation ?? null) : context.selfDeath === "death" ? "self" : null;
  return context.draft.name !== null && context.draft.relation !== null && before !== null && (before === "self") !== (context.draft.relation === "self");
};

/** Where a valid answer leads: the next question, or back to the review when changing an answer. */
const next = (target: string) => [
  { guard: ({ context }: { context: Context }) => context.editing, target: "review" },
  { target },
];
/** Dates of care given before a birth date changed since (a new IIN from the review): they are asked again. */
const careBeforeBirth = ({ context }: { context: Context }) => context.draft.careFrom !== null && context.draft.birthDate !== null && context.draft.careFrom < context.draft.birthDate;
const backTo = (target: string) => ({
  CHOICE: [
    // Back to the review keeps the answers given before the change: a new IIN typed but never confirmed, a relation
    // chosen without the acts-for confirmation, are not kept. Then through the review's check, as every way there.
    {
      guard: ({ context, event }: { context: Context; event: FlowEvent }) => choice(event) === "back" && context.editing,
      target: "toReview",
      actions: { type: "restoreBeforeEdit" as const },
    },
    { guard: ({ event }: { event: FlowEvent }) => choice(event) === "back", target },
  ],
});

/** Back while the patient's name and IIN are asked again from patientCheck: to the question before, never out of the check. */
const checkBack = (b: ReturnType<typeof backTo>, target: string) => ({
  CHOICE: [{ guard: ({ context, event }: { context: Context; event: FlowEvent }) => choice(event) === "back" && context.checkingPatient === true, target }, ...b.CHOICE],
});

/**
 * A question answered by typing: a valid answer is kept in `field` and leads to `after`; anything else
 * gets the check's reason and the question again.
 */
const typed = <T>(state: string, check: (text: string) => Check<T>, field: keyof Draft, after: string, errorParams: (text: string) => Params = () => ({})) => [
  {
    guard: ({ event }: { event: FlowEvent }) => check(text(event)).ok,
    target: after,
    actions: { type: "patch" as const, params: ({ event }: { event: FlowEvent }) => ({ [field]: (check(text(event)) as { value: T }).value }) },
  },
  {
    target: state,
    reenter: true,
    actions: [{ type: "say" as const, params: ({ event }: { event: FlowEvent }) => refuse((check(text(event)) as { reason: string }).reason, errorParams(text(event))).params }],
  },
];

/** The album a file belongs to, as it stands before this file: null for a file sent alone. */
const albumOf = (context: Context, event: FlowEvent): Album | null => {
  const group = event.type === "FILE" || event.type === "MEDIA" ? event.group : undefined;
  if (!group) return null;
  return context.album?.group === group ? context.album : { group, seen: 0, added: 0, refused: [] };
};

/**
 * A file refused for `reason` when `when` holds: said once for an album (its other files would repeat
 * it), always for a file sent alone.
 */
const refusal = (reason: string, when: (a: { context: Context; event: FlowEvent }) => boolean, params: Params = {}) => {
  const note = { type: "noteAlbum" as const, params: { refused: reason } };
  return [
    // Silent, yet a change of context (the album counts the file), so the router does not take it for unexpected input.
    { guard: (x: { context: Context; event: FlowEvent }) => when(x) && (albumOf(x.context, x.event)?.refused.includes(reason) ?? false), actions: [note] },
    { guard: when, actions: [note, refuse(reason, params)] },
  ];
};

/**
 * A photo or a file sent at the patient's name or IIN question (people photograph the ID card): not kept — an ID's
 * photo is personal data the notice does not ask for (law.md §7) — and the person told to type the answer, and where
 * documents go; then the question again. Once for an album: its other photos are noted silently.
 */
const typeInstead = (state: string) => {
  const note = { type: "noteAlbum" as const, params: { refused: "typeNotFile" } };
  return [
    { guard: (x: { context: Context; event: FlowEvent }) => albumOf(x.context, x.event)?.refused.includes("typeNotFile") ?? false, actions: [note] },
    { target: state, reenter: true, actions: [note, refuse("typeNotFile")] },
  ];
};

export const answersOf = (d: Draft): NoticeAnswers | null =>
  d.relation && d.name && d.iin && d.birthDate && d.org && d.region && d.careFrom && d.careTo && d.description && d.outcome && d.supportKnows && d.phone
    ? { relation: d.relation, name: d.name, iin: d.iin, birthDate: d.birthDate, org: d.org, orgId: d.orgId ?? null, region: d.region, careFrom: d.careFrom, careTo: d.careTo, description: d.description, outcome: d.outcome, supportKnows: d.supportKnows, files: d.files, phone: d.phone, actsFor: d.relation === "self" ? null : (d.actsFor ?? null) }
    : null;

const REVIEW_FIELDS = ["relation", "name", "iin", "org", "care", "description", "outcome", "support", "files", "phone"] as const;

/**
 * Who the applicant is to the patient, as a document says it: the buttons speak in the first person
 * («Мен — пациентпін», «Жұбайымын»), which cannot stand in a review or a PDF (language.md).
 */
export const relationForm = (relation: string | null): Param => ({ key: `notice.relationForm.${relation}` });

const reviewParams = (d: Draft): Params => ({
  relation: relationForm(d.relation),
  name: d.name ?? "",
  // By its last four digits (law.md §7): the applicant's own message above it has the whole of it. The date of birth,
  // its first six digits, was confirmed at its own question and is not repeated next to the mask (it would give the rest).
  iin: maskedIin(d.iin ?? ""),
  org: d.orgNames ?? d.org ?? "",
  region: regionText(d.region ?? "") ?? "",
  care: d.careFrom && d.careTo ? (d.careFrom === d.careTo ? showDate(d.careFrom) : `${showDate(d.careFrom)} – ${showDate(d.careTo)}`) : "",
  description: (d.description ?? "").length > 300 ? `${(d.description ?? "").slice(0, 300)}…` : (d.description ?? ""),
  outcome: { key: `notice.outcomeText.${d.outcome}` },
  support: { key: `notice.supportText.${d.supportKnows}` },
  files: d.files.length,
  phone: d.phone ?? "",
});

/**
 * A document or a photo sent at a question about the care, before the documents question (its pages as an album, a
 * photo with the story as its caption), or at the phone question or the review: kept for the notice, as at the documents question, and said
 * so — not «not understood» for each, the files lost. Not at the patient's name or IIN (a photo of an identity card
 * there is to be typed, not attached); the documents question's own limit and types hold.
 */
type Args = { context: Context; event: FlowEvent };
const fileAside = (said: "fileEarly" | "fileLate") => [
  ...refusal("fileType", ({ event }) => event.type === "FILE" && event.file.kind === "document" && !FILE_TYPES.test(event.file.mime ?? "")),
  {
    guard: ({ context }: Args) => context.draft.files.length < MAX_FILES,
    actions: [
      { type: "patch" as const, params: ({ context, event }: Args) => ({ files: event.type === "FILE" ? inPageOrder(context.draft.files, event.file) : context.draft.files }) },
      { type: "noteAlbum" as const, params: { added: true } },
      {
        type: "say" as const,
        // Changing an answer from the review, the documents question does not come: where to check them is the review.
        params: ({ context, event }: Args) => ({
          key: `notice.${said === "fileEarly" && context.editing ? "fileEditing" : said}`,
          params: { total: context.draft.files.length, max: MAX_FILES },
          ...(event.type === "FILE" && event.group ? { slot: `album:${event.group}` } : {}),
        }),
      },
    ],
  },
  ...refusal("tooManyFilesEarly", () => true, { max: MAX_FILES }),
];
const earlyFile = fileAside("fileEarly");
/** At the phone question and the review, after the documents question: kept too, and where to check them is said. */
const lateFile = fileAside("fileLate");

export const noticeMachine = setup({
  types: {} as { context: Context; events: FlowEvent; input: Input },
  actions: {
    ...effectActions,
    /** Keeps answers in the draft (the review's entry ends any editing). */
    patch: assign(({ context }, params: Partial<Draft>) => ({ draft: { ...context.draft, ...params } })),
    startEditing: assign({ editing: true, beforeEdit: ({ context }) => context.draft }),
    // Files sent meanwhile (told they were added to the notice) stay: the files are never an answer being changed.
    restoreBeforeEdit: assign(({ context }) => ({ draft: { ...(context.beforeEdit ?? context.draft), files: context.draft.files } })),
    /** Notes a file's album: one more file added from it, or a refusal said for it. */
    noteAlbum: assign(({ context, event }, params: { added?: boolean; refused?: string }) => {
      const a = albumOf(context, event);
      if (!a) return { album: null };
      return {
        album: { ...a, seen: a.seen + 1, added: a.added + (params.added ? 1 : 0), refused: params.refused ? [...new Set([...a.refused, params.refused])] : a.refused },
      };
    }),
  },
}).createMachine({
  id: "notice",
  context: ({ input }) => ({ draft: emptyDraft(), editing: false, today: input.today, hasConsent: input.hasConsent, relativeConsent: input.relativeConsent }),
  initial: "start",
  // A video (or an audio) in an album, at a question that takes none: what is not taken is said once for the album,
  // with the question again — not once for each of its files (an album of five videos got five). One sent alone is left
  // to the router, which says the same. The documents question says its own (its MEDIA).
  on: {
    MEDIA: [
      { guard: ({ context, event }) => albumOf(context, event)?.refused.includes("media") ?? false, actions: [{ type: "noteAlbum", params: { refused: "media" } }] },
      {
        guard: ({ context, event }) => albumOf(context, event) !== null,
        actions: [{ type: "noteAlbum", params: { refused: "media" } }, { type: "say", params: ({ event }) => ({ key: notTaken(event) }) }, raise({ type: "REPEAT" })],
      },
    ],
  },
  states: {
    start: { always: [{ guard: ({ context }) => context.hasConsent, target: "relation" }, { target: "consent" }] },
    consent: {
      entry: enqueueActions(({ context, enqueue }) => {
        // Someone who consented only as a relative is told why another consent is asked.
        if (context.relativeConsent) enqueue({ type: "say", params: { key: "privacy.applicantNeeded" } });
        enqueue({ type: "say", params: { key: "privacy.consent", buttons: consentButtons } });
      }),
      on: {
        CONSENT: [
          { guard: ({ event }) => event.given, target: "relation", actions: [assign({ hasConsent: true }), { type: "say", params: { key: "privacy.thanks" } }] },
          // Declined: nothing of the notice is kept; a relative's consent stays as it was.
          { target: "declined", actions: [{ type: "say", params: ({ context }) => ({ key: context.relativeConsent ? "privacy.declinedNotice" : "privacy.declined" }) }] },
        ],
        // Words instead of an answer: the buttons are the answer — said in a line, with the question's own last line and
        // its buttons (as at the onboarding's consent), nothing recorded; not «not understood» and the whole text again.
        TEXT: { actions: consentAgain },
        // A sticker or a voice message alone, the same (an album's is said once, by the notice's own MEDIA above).
        MEDIA: { guard: ({ context, event }) => albumOf(context, event) === null, actions: consentAgain },
        ...askAgain("consent"),
        ...consentRepeatFor("consent", "applicant"),
      },
    },
    declined: { type: "final" },
    relation: {
      // The first question has no Back — but asked again from the review, Back returns to it unchanged.
      // Asked to settle «I am the patient» against «the patient died», Back returns to that answer.
      entry: [{ type: "say", params: ({ context }) => ask("relation", 1, [...choices(RELATIONS, "notice.relation"), ...(context.editing || context.selfDeath === "death" ? [[back]] : [])]).params }],
      on: {
        CHOICE: [
          // «I am the patient» when the patient died: held back, and asked which to change.
          {
            guard: ({ context, event }) => choice(event) === "self" && context.draft.outcome === "death" && context.selfDeath !== "death",
            target: "selfDeath",
            actions: assign({ selfDeath: "self" as const }),
          },
          // …or when the death is held for another relation: it stays «I am the patient» (a relation chosen since and
          // never confirmed is not kept), as Back there.
          {
            guard: ({ context, event }) => (choice(event) === "self" || choice(event) === "back") && context.selfDeath === "death",
            target: "selfDeath",
            actions: { type: "patch", params: { relation: "self", actsFor: null } },
          },
          {
            guard: ({ event }) => (RELATIONS as readonly string[]).includes(choice(event)),
            target: "relationDone",
            // A new relation needs its own confirmation.
            actions: { type: "patch", params: ({ event: e }) => ({ relation: choice(e) as Relation, actsFor: null }) },
          },
          { guard: ({ context, event }) => choice(event) === "back" && context.editing, target: "toReview", actions: { type: "restoreBeforeEdit" } },
        ],
        ...typedAtButtons("relation"),
        ...askAgain("relation"),
      },
    },
    relationDone: { always: [{ guard: ({ context }) => context.draft.relation !== "self", target: "actsFor" }, { guard: relationSwitched, target: "patientCheck" }, { target: "relationSettled" }] },
    // Someone other than the patient confirms they act for the patient as what they said they are (law.md §7).
    actsFor: {
      entry: [
        {
          type: "say",
          params: ({ context }) => ({
            key: "notice.actsFor",
            params: { relation: relationForm(context.draft.relation) },
            buttons: [[{ key: "notice.actsForConfirm", value: "confirm" }], [{ key: "notice.back", value: "back" }]],
          }),
        },
      ],
      on: {
        CHOICE: [
          { guard: ({ event }) => choice(event) === "confirm", target: "actsForDone", actions: { type: "patch", params: { actsFor: true } } },
          { guard: ({ event }) => choice(event) === "back", target: "relation" },
        ],
        ...typedAtButtons("actsFor"),
        ...askAgain("actsFor"),
      },
    },
    actsForDone: { always: [{ guard: relationSwitched, target: "patientCheck" }, { target: "relationSettled" }] },
    // The name and IIN typed as one's own, now the patient's (or the other way): «Пациент — …, ИИН …. Это данные
    // пациента?» — kept as they are, or asked again (name, then IIN) and this question shown again with them.
    patientCheck: {
      tags: [UNSAVED],
      entry: [
        assign({ checkingPatient: false }),
        {
          type: "say",
          params: ({ context }) => ({
            key: "notice.patientCheck",
            params: { name: context.draft.name ?? "", iin: maskedIin(context.draft.iin ?? "") },
            buttons: [[{ key: "notice.yes", value: "yes" }], [{ key: "notice.patientCheckEdit", value: "edit" }]],
          }),
        },
      ],
      on: {
        CHOICE: [
          { guard: chose("yes"), target: "relationSettled" },
          { guard: chose("edit"), target: "name", actions: assign({ checkingPatient: true }) },
        ],
        ...typedAtButtons("patientCheck"),
        ...askAgain("patientCheck"),
      },
    },
    relationSettled: {
      always: [
        // A new IIN from the check, with dates of care now before its birth date: asked again, as from the review.
        {
          guard: ({ context }) => context.editing && careBeforeBirth({ context }),
          target: "care",
          actions: [{ type: "patch", params: ({ context }) => (context.selfDeath === "death" ? { outcome: "death" as const } : {}) }, assign({ selfDeath: null }), refuse("careBeforeBirth")],
        },
        // Another relation confirmed for a death held back: the death is the outcome, and the notice goes on from it.
        {
          guard: ({ context }) => context.selfDeath === "death",
          target: "outcomeDone",
          actions: [{ type: "patch", params: { outcome: "death" } }, assign({ selfDeath: null })],
        },
        ...next("name"),
      ],
    },
    name: {
      tags: [UNSAVED],
      // The patient filing for themselves is asked for their own name.
      entry: [{ type: "say", params: ({ context }) => ask(context.draft.relation === "self" ? "nameSelf" : "name", 2).params }],
      on: {
        TEXT: typed("name", checkFullName, "name", "nameDone"),
        FILE: typeInstead("name"),
        ...checkBack(backTo("relation"), "patientCheck"),
        ...askAgain("name"),
      },
    },
    nameDone: { always: [{ guard: ({ context }) => context.checkingPatient === true, target: "iin" }, ...next("iin")] },
    iin: {
      tags: [UNSAVED],
      entry: [{ type: "say", params: ({ context }) => ask(selfOr(context, "iin"), 3).params }],
      on: {
        TEXT: [
          {
            guard: ({ context, event }) => checkIin(text(event), today(context, event)).ok,
            target: "birthConfirm",
            actions: { type: "patch", params: ({ context: c, event: e }) => {
              const v = (checkIin(text(e), today(c, e)) as { value: { iin: string; birthDate: string } }).value;
              return { iin: v.iin, birthDate: v.birthDate };
            } },
          },
          { target: "iin", reenter: true, actions: [{ type: "say", params: ({ context, event }) => refuse((checkIin(text(event), today(context, event)) as { reason: string }).reason).params }] },
        ],
        FILE: typeInstead("iin"),
        ...checkBack(backTo("name"), "name"),
        ...askAgain("iin"),
      },
    },
    birthConfirm: {
      tags: [UNSAVED],
      entry: [
        {
          type: "say",
          params: ({ context }) =>
            ask("birthConfirm", 3, [[{ key: "notice.yes", value: "yes" }, { key: "notice.birthOther", value: "other" }], [back]], { date: showDate(context.draft.birthDate!) }).params,
        },
      ],
      on: {
        CHOICE: [
          { guard: chose("yes"), target: "birthDone" },
          { guard: chose("other"), target: "birthDate" },
          { guard: chose("back"), target: "iin" },
        ],
        ...typedAtButtons("birthConfirm"),
        ...askAgain("birthConfirm"),
      },
    },
    birthDate: {
      tags: [UNSAVED],
      entry: [ask("birthDate", 3)],
      on: {
        TEXT: [
          {
            guard: ({ context, event }) => {
              const r = checkBirthDate(text(event), today(context, event));
              return r.ok && r.value === context.draft.birthDate;
            },
            target: "birthDone",
          },
          {
            // A real date that is not the IIN's: one of the two is wrong; ask the IIN again.
            guard: ({ context, event }) => checkBirthDate(text(event), today(context, event)).ok,
            target: "iin",
            actions: [refuse("iinDateMismatch")],
          },
          {
            target: "birthDate",
            reenter: true,
            actions: [{ type: "say", params: ({ context, event }) => refuse((checkBirthDate(text(event), today(context, event)) as { reason: string }).reason).params }],
          },
        ],
        ...checkBack(backTo("birthConfirm"), "birthConfirm"),
        ...askAgain("birthDate"),
      },
    },
    // A birth date changed from the review (a new IIN) after dates of care already given that now come before it:
    // those are asked again (still editing: then back to the review) — never filed so.
    toReview: {
      always: [
        {
          guard: careBeforeBirth,
          target: "care",
          actions: [refuse("careBeforeBirth")],
        },
        { target: "review" },
      ],
    },
    birthDone: {
      always: [
        { guard: ({ context }) => context.checkingPatient === true, target: "patientCheck" },
        {
          guard: careBeforeBirth,
          target: "care",
          actions: [refuse("careBeforeBirth")],
        },
        ...next("region"),
      ],
    },
    // Where the patient was treated: the region, then an organisation registered there (from the list, or
    // found by a word of its name), or its name typed when it is not listed.
    region: {
      tags: [UNSAVED],
      entry: [{ type: "say", params: ({ context }) => ask(selfOr(context, "region"), 4, [...REGIONS.map((r) => [{ label: { kk: r.kk, ru: r.ru }, value: r.code }]), [back]], {}, true).params }],
      on: {
        CHOICE: [
          {
            guard: ({ event }) => regionByCode(choice(event)) !== undefined,
            target: "orgLookup",
            actions: assign({ pendingRegion: ({ event: e }) => choice(e), orgQuery: null }),
          },
          // Changing the organisation from the review: back to the review, as the other answers' Back does.
          { guard: ({ context, event }) => choice(event) === "back" && context.editing, target: "review" },
          { guard: chose("back"), target: "birthConfirm" },
        ],
        ...typedAtButtons("region"),
        ...askAgain("region"),
      },
    },
    orgLookup: {
      tags: [UNSAVED],
      entry: [{ type: "findOrganizations", params: ({ context }) => ({ region: context.pendingRegion ?? context.draft.region ?? "", query: context.orgQuery ?? null }) }],
      on: {
        ORGANIZATIONS: [
          // Nobody registered in the region: its name is typed.
          { guard: ({ event }) => event.type === "ORGANIZATIONS" && event.total === 0 && event.query === null, target: "org" },
          // A search that found nothing: the list stays, and the applicant is told.
          {
            guard: ({ event }) => event.type === "ORGANIZATIONS" && event.found.length === 0,
            target: "orgChoice",
            actions: [{ type: "say", params: ({ event }) => refuse("orgNotFound", { query: event.type === "ORGANIZATIONS" ? (event.query ?? "") : "" }).params }],
          },
          {
            target: "orgChoice",
            actions: assign({ orgOptions: ({ event }) => (event.type === "ORGANIZATIONS" ? event.found : []), orgTotal: ({ event }) => (event.type === "ORGANIZATIONS" ? event.total : 0) }),
          },
        ],
        ...askAgain("orgLookup"),
      },
    },
    orgChoice: {
      tags: [UNSAVED],
      entry: [
        {
          type: "say",
          params: ({ context }) => {
            const options = context.orgOptions ?? [];
            const more = (context.orgTotal ?? 0) > options.length;
            return ask(more ? "orgChoiceMore" : "orgChoice", 4, [
              ...options.map((o) => [{ label: o.name, value: `o${o.id}` }]),
              [{ key: "notice.orgNotListed", value: "other" }],
              [back],
            ], { shown: options.length, count: context.orgTotal ?? 0 }).params;
          },
        },
      ],
      on: {
        CHOICE: [
          {
            guard: ({ context, event }) => (context.orgOptions ?? []).some((o) => `o${o.id}` === choice(event)),
            target: "orgDone",
            actions: [
              {
                type: "patch",
                params: ({ context, event: e }) => {
                  const o = (context.orgOptions ?? []).find((x) => `o${x.id}` === choice(e))!;
                  // Shown in the reader's language; filed under the name in the applicant's — with its region.
                  return { orgId: o.id, orgNames: o.name, org: o.name.ru, region: context.pendingRegion ?? context.draft.region };
                },
              },
              assign({ pendingRegion: null }),
            ],
          },
          { guard: chose("other"), target: "org" },
          { guard: chose("back"), target: "region" },
        ],
        // A word of its name: searched among the region's organisations.
        TEXT: [
          { guard: ({ event }) => checkSearch(text(event)) !== null, target: "orgLookup", actions: assign({ orgQuery: ({ event }) => checkSearch(text(event)) }) },
          { target: "orgChoice", reenter: true, actions: [refuse("orgSearchShort")] },
        ],
        ...askAgain("orgChoice"),
      },
    },
    org: {
      tags: [UNSAVED],
      entry: [{ type: "say", params: ({ context }) => ask(selfOr(context, "org"), 4).params }],
      on: {
        TEXT: typed("org", checkOrganization, "org", "orgTyped"),
        ...backTo("region"),
        ...askAgain("org"),
      },
    },
    // A typed name is no registered organisation's: the bot may still match it when the notice is filed.
    orgTyped: {
      always: {
        target: "orgDone",
        actions: [{ type: "patch", params: ({ context }) => ({ orgId: null, orgNames: null, region: context.pendingRegion ?? context.draft.region }) }, assign({ pendingRegion: null })],
      },
    },
    // A draft begun when the name came before the region may have no region yet.
    orgDone: { always: [{ guard: ({ context }) => !context.draft.region, target: "region" }, ...next("care")] },
    care: {
      tags: [UNSAVED],
      entry: [ask("care", 5)],
      on: {
        TEXT: [
          {
            guard: ({ context, event }) => checkCareDates(text(event), today(context, event), context.draft.birthDate!).ok,
            target: "careDone",
            actions: { type: "patch", params: ({ context: c, event: e }) => {
              const v = (checkCareDates(text(e), today(c, e), c.draft.birthDate!) as { value: { from: string; to: string } }).value;
              return { careFrom: v.from, careTo: v.to };
            } },
          },
          {
            target: "care",
            reenter: true,
            actions: [{ type: "say", params: ({ context, event }) => refuse((checkCareDates(text(event), today(context, event), context.draft.birthDate!) as { reason: string }).reason).params }],
          },
        ],
        ...backTo("region"),
        FILE: earlyFile,
        ...askAgain("care"),
      },
    },
    careDone: { always: next("description") },
    description: {
      tags: [UNSAVED],
      entry: [ask("description", 6)],
      on: {
        TEXT: typed("description", checkDescription, "description", "descriptionDone", (t) => ({ length: t.trim().length, max: DESCRIPTION_MAX })),
        ...backTo("care"),
        FILE: earlyFile,
        ...askAgain("description"),
      },
    },
    descriptionDone: { always: next("outcome") },
    outcome: {
      tags: [UNSAVED],
      entry: [ask("outcome", 7, [...choices(OUTCOMES, "notice.outcome"), [explainLink()], [back]])],
      on: {
        CHOICE: [
          // «The patient died» from one who said they are the patient: held back, condolence first, and asked which to change.
          {
            guard: ({ context, event }) => choice(event) === "death" && (context.draft.relation === "self" || context.selfDeath === "self"),
            target: "selfDeath",
            actions: assign({ selfDeath: ({ context }) => (context.selfDeath === "self" ? "self" : "death") }),
          },
          // After "the patient died", the next message begins with condolence (language.md, Tone).
          {
            guard: chose("death"),
            target: "outcomeDone",
            actions: [{ type: "patch", params: { outcome: "death" } }, { type: "say", params: { key: "common.condolence" } }],
          },
          // Another outcome for «I am the patient» held back: both stand, and the notice goes on from the relation's question.
          {
            guard: ({ context, event }) => context.selfDeath === "self" && (OUTCOMES as readonly string[]).includes(choice(event)),
            target: "relationDone",
            actions: [{ type: "patch", params: ({ event: e }) => ({ outcome: choice(e) as Outcome, relation: "self" as Relation, actsFor: null }) }, assign({ selfDeath: null })],
          },
          { guard: ({ event }) => (OUTCOMES as readonly string[]).includes(choice(event)), target: "outcomeDone", actions: { type: "patch", params: ({ event: e }) => ({ outcome: choice(e) as Outcome }) } },
          { guard: ({ context, event }) => choice(event) === "back" && context.selfDeath === "self", target: "selfDeath" },
          { guard: ({ context, event }) => choice(event) === "back" && context.editing, target: "review" },
          { guard: chose("back"), target: "description" },
        ],
        TEXT: [
          // A few words that read as the answer («умер», «инвалидность 2 группы», «пока не знаю»), or any text when the
          // question is asked again from the review: asked to choose with the buttons. Nothing is recorded from the
          // words — a death or a disability group guessed wrongly is worse than a question.
          // A death named in them gets condolence first (law.md: nothing about a death without it).
          {
            guard: ({ context, event }) => (context.editing || looksLikeOutcome(text(event))) && namesDeath(text(event)),
            target: "outcome",
            reenter: true,
            actions: [{ type: "say", params: { key: "common.condolence" } }, refuse("outcomeTyped")],
          },
          { guard: ({ context, event }) => context.editing || looksLikeOutcome(text(event)), target: "outcome", reenter: true, actions: [refuse("outcomeTyped")] },
          // A longer text right after the description is most likely its continuation, typed as a second message: said
          // that it was not added, and how to add it — not «not understood».
          { target: "outcome", reenter: true, actions: [refuse("descriptionSplit")] },
        ],
        FILE: earlyFile,
        ...askAgain("outcome"),
      },
    },
    outcomeDone: { always: next("support") },
    // «I am the patient» and «the patient died» together: condolence first (law.md), then which answer to change; the
    // answer held back is kept while the other one is changed, and the notice goes on from where it was.
    selfDeath: {
      tags: [UNSAVED],
      entry: [
        { type: "say", params: { key: "common.condolence" } },
        {
          type: "say",
          params: {
            key: "notice.selfDeath",
            buttons: [[{ key: "notice.edit.relation", value: "relation" }], [{ key: "notice.edit.outcome", value: "outcome" }]],
          },
        },
      ],
      on: {
        CHOICE: [
          { guard: chose("relation"), target: "relation", actions: assign({ selfDeath: ({ context }) => (context.selfDeath === "self" ? null : context.selfDeath) }) },
          { guard: chose("outcome"), target: "outcome", actions: assign({ selfDeath: ({ context }) => (context.selfDeath === "death" ? null : context.selfDeath) }) },
        ],
        ...askAgain("selfDeath"),
      },
    },
    support: {
      tags: [UNSAVED],
      entry: [ask("support", 8, [...choices(SUPPORT_ANSWERS, "notice.support"), [back]])],
      on: {
        CHOICE: [
          { guard: ({ event }) => (SUPPORT_ANSWERS as readonly string[]).includes(choice(event)), target: "supportDone", actions: { type: "patch", params: ({ event: e }) => ({ supportKnows: choice(e) as SupportAnswer }) } },
          { guard: ({ context, event }) => choice(event) === "back" && context.editing, target: "review" },
          { guard: chose("back"), target: "outcome" },
        ],
        FILE: earlyFile,
        ...typedAtButtons("support"),
        ...askAgain("support"),
      },
    },
    supportDone: { always: next("files") },
    files: {
      tags: [UNSAVED],
      entry: [{ type: "say", params: ({ context }) => ask("files", 9, [...filesButtons(context.draft.files.length), [back]], {}).params }],
      on: {
        FILE: [
          ...refusal("tooManyFiles", ({ context }) => context.draft.files.length >= MAX_FILES, { max: MAX_FILES }),
          ...refusal("fileType", ({ event }) => event.type === "FILE" && event.file.kind === "document" && !FILE_TYPES.test(event.file.mime ?? "")),
          {
            actions: [
              assign({ draft: ({ context, event }) => ({ ...context.draft, files: event.type === "FILE" ? inPageOrder(context.draft.files, event.file) : context.draft.files }) }),
              { type: "noteAlbum", params: { added: true } },
              // One message for an album: its later files edit the first one's count (the message's slot).
              {
                type: "say",
                params: ({ context, event }) => ({
                  key: "notice.filesAdded",
                  params: { added: context.album?.added ?? 1, total: context.draft.files.length, max: MAX_FILES },
                  buttons: filesButtons(context.draft.files.length),
                  ...(event.type === "FILE" && event.group ? { slot: `album:${event.group}` } : {}),
                }),
              },
            ],
          },
        ],
        // A video, a voice message, a sticker (a video in an album of photos too): said what is taken, once for an album.
        MEDIA: refusal("mediaType", () => true),
        CHOICE: [
          { guard: chose("done"), target: "filesDone" },
          // A file sent by mistake: the last one is taken back (again for the one before it).
          {
            guard: ({ context, event }) => choice(event) === "removeLast" && context.draft.files.length > 0,
            actions: [
              assign({ draft: ({ context }) => ({ ...context.draft, files: context.draft.files.slice(0, -1) }) }),
              {
                type: "say",
                params: ({ context }) => ({
                  key: "notice.fileRemoved",
                  params: { total: context.draft.files.length, max: MAX_FILES },
                  buttons: filesButtons(context.draft.files.length),
                }),
              },
            ],
          },
          { guard: ({ context, event }) => choice(event) === "back" && context.editing, target: "review" },
          { guard: chose("back"), target: "support" },
        ],
        // Words typed here («эпикриза нет») are kept nowhere: said so, with how many files are attached — none is lost.
        TEXT: { target: "files", reenter: true, actions: [{ type: "say", params: ({ context }) => ({ key: "notice.filesTyped", params: { total: context.draft.files.length } }) }] },
        ...askAgain("files"),
      },
    },
    filesDone: { always: next("phone") },
    phone: {
      tags: [UNSAVED, CONTACT_KEYBOARD],
      entry: [ask("phone", 10), { type: "say", params: { key: "notice.contactHint", replyKeyboard: "contact" } }],
      on: {
        CONTACT: [
          {
            guard: ({ event }) => event.type === "CONTACT" && event.own && checkPhone(event.phone).ok,
            target: "review",
            actions: [{ type: "patch", params: ({ event: e }) => ({ phone: e.type === "CONTACT" ? (checkPhone(e.phone) as { value: string }).value : null }) }, { type: "say", params: { key: "notice.phoneReceived", replyKeyboard: "remove" } }],
          },
          { guard: ({ event }) => event.type === "CONTACT" && !event.own, target: "phone", reenter: true, actions: [refuse("notOwnContact")] },
          // One's own number, but not a Kazakhstan one: «share it with the button» would be a loop — type it.
          { target: "phone", reenter: true, actions: [refuse("phoneNotKz")] },
        ],
        TEXT: [
          {
            guard: ({ event }) => checkPhone(text(event)).ok,
            target: "review",
            actions: [{ type: "patch", params: ({ event: e }) => ({ phone: (checkPhone(text(e)) as { value: string }).value }) }, { type: "say", params: { key: "notice.phoneReceived", replyKeyboard: "remove" } }],
          },
          { target: "phone", reenter: true, actions: [refuse("phoneFormat")] },
        ],
        CHOICE: [
          // Back to the review keeps the number given before: said so as the share-contact keyboard goes (not «later»).
          {
            guard: ({ context, event }) => choice(event) === "back" && context.editing,
            target: "toReview",
            actions: [{ type: "restoreBeforeEdit" }, { type: "say", params: { key: "notice.phoneKept", replyKeyboard: "remove" } }],
          },
          { guard: chose("back"), target: "files" },
        ],
        FILE: lateFile,
        ...askAgain("phone"),
      },
    },
    review: {
      tags: [UNSAVED],
      entry: [
        assign({ editing: false, pendingRegion: null, beforeEdit: null, selfDeath: null, checkingPatient: false }),
        {
          type: "say",
          params: ({ context }) => ({
            key: "notice.review",
            params: { step: STEPS, total: STEPS, ...reviewParams(context.draft) },
            buttons: [
              ...REVIEW_FIELDS.map((f) => [{ key: `notice.edit.${f}`, value: `edit:${f}` }]),
              [explainLink(context.draft)],
              [{ key: "notice.submit", value: "submit" }],
            ],
          }),
        },
      ],
      on: {
        CHOICE: [
          ...REVIEW_FIELDS.map((f) => ({
            guard: ({ event }: { event: FlowEvent }) => choice(event) === `edit:${f}`,
            // The organisation is chosen within its region: changing it starts from the region.
            target: f === "org" ? "region" : f,
            actions: { type: "startEditing" as const },
          })),
          // A draft stored before the bot refused «I am the patient» with «the patient died»: settled before it is filed.
          {
            guard: ({ context, event }) => choice(event) === "submit" && isSelfDeath(context.draft),
            target: "selfDeath",
            actions: [{ type: "startEditing" }, assign({ selfDeath: "death" as const })],
          },
          {
            guard: ({ context, event }) => choice(event) === "submit" && answersOf(context.draft) !== null,
            target: "submitted",
            actions: [{ type: "submitNotice", params: ({ context }) => ({ notice: answersOf(context.draft)! }) }],
          },
        ],
        FILE: lateFile,
        ...typedAtButtons("review"),
        ...askAgain("review"),
      },
    },
    submitted: { type: "final" },
  },
});

export const noticeFlow: FlowDef = {
  name: "notice",
  version: 1,
  machine: noticeMachine,
  // Only the applicant's consent covers a notice: someone who consented only as a relative is asked it first.
  input: (p: Profile): Input => ({ today: p.today, hasConsent: p.hasConsent && p.consentText !== "relative", relativeConsent: p.hasConsent && p.consentText === "relative" }),
  // An answer changed from the review (who one is, the acts-for confirmation), or «who you are» asked again to settle
  // it against «the patient died»: every other answer is held.
  unsaved: (context) => (context as { editing?: boolean }).editing === true || ((context as { selfDeath?: string | null }).selfDeath ?? null) !== null,
  contactKeyboard: true,
};
