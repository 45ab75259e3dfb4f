// What every flow machine shares: the events the chat router sends it, and the effect actions it may use.
import { assign, type AnyStateMachine } from "xstate";
import type { ApplicantDetails, Bilingual, ConsentText, Button, DomainEffectPayloads, FileRef, Lang, OrganizationOption, SayEffect, SetLanguageEffect } from "./effects.js";

/** The patient of the case the particulars are for: their IIN, and whether the applicant is the patient. */
export interface PatientOfCase {
  iin: string;
  self: boolean;
}

/** Events the router delivers to the flow on top of the chat's stack; `today` is Kazakhstan's date, `time` its time of day ("HH:MM"). */
export type FlowEvent = (
  | { type: "CHOICE"; value: string } // a button of this flow's current question
  | { type: "TEXT"; text: string }
  | { type: "MEDIA"; media: MediaKind; group?: string } // something the bot does not take here (a sticker, a voice message, a video — in an album too)
  // a photo, or a document; `group`: the album it came in (Telegram's media_group_id); `caption`: text sent with it, only
  // to a state tagged TAKES_CAPTION
  | { type: "FILE"; file: FileRef; group?: string; caption?: string }
  | { type: "CONTACT"; phone: string; own: boolean } // a shared contact; own: the sender's own
  | { type: "LANGUAGE"; language: Lang } // the user switched language: ask again in it
  | { type: "CONSENT"; given: boolean }
  // ask the current question again (after a stale button, a restart…); `brief`: it is still on screen, answered by
  // something else (/help, an edited message, words where a button is wanted) — a long question may come in short
  | { type: "REPEAT"; brief?: true }
  // The bot's answer to a flow's lookup (findOrganizations), in the same update: the first `found` of `total`.
  | { type: "ORGANIZATIONS"; found: OrganizationOption[]; total: number; query: string | null }
  // The particulars the user gave before (findApplicantDetails), or null.
  | { type: "DETAILS"; details: ApplicantDetails | null; patient?: PatientOfCase | null }
  // The bot checked that the user may act on what the flow names (openChecked): open it now.
  // `as`: the role it opens in, when the flow has none of its own (a mediation's, opened by any side): see OpenedAs.
  | { type: "OPEN"; flow: string; input: Record<string, unknown>; as?: OpenedAs }
  // The bot withdrew the consent the user confirmed (withdrawConsent) — not when it showed the explanation again.
  | { type: "WITHDRAWN" }
  // The bot looked up the link of an invite set aside that the person goes on with (checkInvite): still good, or not (said why).
  | { type: "INVITE"; flow: "join" | "roleJoin"; valid: boolean }
  // The bot did what a button asked (no flow) and asks nothing more of the presser: what is current follows — the
  // question of a flow on top, else the home (of `role`, the role they acted in). Not after a refusal that asks them to
  // choose again (the choice stays the last thing on screen), nor after a message whose buttons are the way on.
  | { type: "DONE"; role?: Role }
) & { today?: string; time?: string };

export const MEDIA_KINDS = ["photo", "document", "sticker", "voice", "video", "audio", "contact", "location", "other"] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];
/** A voice message or a video the bot cannot read is said to be so — not «not understood», as if it had been heard. */
const SPOKEN: readonly MediaKind[] = ["voice", "video", "audio"];
/** What is said (an i18n key) to what a question does not take. */
export const notTaken = (event: FlowEvent): string => (event.type === "MEDIA" && SPOKEN.includes(event.media) ? "common.voiceNotRead" : "common.notUnderstood");

/**
 * Named effect actions for setup({ actions }). They do nothing here: the runtime reads them from the
 * pure transition's action list and carries them out (machines import neither grammY nor Prisma).
 */
/**
 * The action of a step that takes its event in silence — an album's later file refused, the refusal said once for the
 * album — where nothing is said and nothing of the flow changes: without it the router reads such a step as not taken.
 */
export const HANDLED = "handled";
export const effectActions = {
  say: (_: unknown, _params: Omit<SayEffect, "type">) => undefined,
  setLanguage: (_: unknown, _params: Omit<SetLanguageEffect, "type">) => undefined,
  recordConsent: () => undefined,
  submitNotice: (_: unknown, _params: DomainEffectPayloads["submitNotice"]) => undefined,
  findOrganizations: (_: unknown, _params: DomainEffectPayloads["findOrganizations"]) => undefined,
  createOrganization: (_: unknown, _params: DomainEffectPayloads["createOrganization"]) => undefined,
  /** The event was taken and nothing is said or changed (HANDLED): the router does not read it as not understood. */
  [HANDLED]: () => undefined,
};

/** What is stored of a flow's snapshot: XState's value and context. */
export interface StoredSnapshot {
  value: unknown;
  context: unknown;
}
/** One flow of a chat's stack, as stored. */
export interface StackEntry {
  flow: string;
  version: number;
  /** Numbers this flow's questions (states); a button carries the number of the question it answers. */
  prompt: number;
  snapshot: StoredSnapshot;
  /**
   * An invite (a relative's, staff's, a mediator's; an admin's door) the person left for something else and came back
   * to: it is named, with «Продолжить» and «Отказаться от приглашения», and its own question comes only with
   * «Продолжить» (or a press of that question's button) — what is typed meanwhile answers nothing (machines/chat.ts).
   */
  paused?: true;
  /**
   * A notice begun before the bot told a relative's consent from the applicant's, held at the applicant's consent
   * (machines/chat.ts): its whole text was shown — from then on it is asked as every consent question is, in short
   * where it is still on screen.
   */
  consentShown?: true;
  /**
   * The role (and, for staff, the organisation) the flow was opened in: when its FlowDef has no role of its own, or —
   * staff's own flows on a case — the organisation whose case it is (the role is the FlowDef's).
   */
  as?: OpenedAs;
}

/**
 * A flow every side of something may open (a mediation's message, counter-offer, signed agreement or contract) opened by
 * someone in a role — the mediator, or staff of the case's organisation — or staff's own flow on a case (receipt,
 * formation, conclusion, sitting) with its organisation: it ends as a role's flow ends when that role (staff: in that
 * organisation) is taken away while it is open (machines/chat.ts). An applicant's has none.
 */
export interface OpenedAs {
  role: Exclude<Role, "applicant">;
  /** Staff: the organisation whose case it is about, and its name for the sentence that ends it. */
  org?: { id: number; name: Bilingual };
}

/** What the router knows of the user when it starts a flow. */
export interface Profile {
  userId: number;
  /** Kazakhstan's date now, "YYYY-MM-DD". */
  today: string;
  /** Kazakhstan's time of day now, "HH:MM" (a sitting's time today must be later). */
  time?: string;
  language: Lang | null;
  /** Telegram's language_code of the user's app, if any. */
  telegramLanguage: string | null;
  hasConsent: boolean;
  /**
   * The text of the consent in force: "relative" when it was given only to a relative's text (joining a case),
   * which does not let them file a notice; absent or "applicant" otherwise.
   */
  consentText?: ConsentText | null;
  roles: Role[];
  /** The organisations whose staff the user is now (absent: not known, not checked). */
  staffOrgs?: number[];
  /** The roles (staff, mediator, admin) whose confidentiality terms the user accepted. */
  termsAccepted?: Role[];
  /**
   * For /start with a relative's invite link: the case it opens, as the bot found it before deciding;
   * null when the link cannot be used (unknown, used, revoked or expired). Absent otherwise.
   */
  caseInvite?: { number: string; already?: true } | null;
  /**
   * For /start with a staff or mediator invite link: what it offers, or null when it cannot be used; `already`
   * when the user holds that role (of that organisation) already; `used` too when they joined by this very link.
   */
  roleInvite?: { role: "staff" | "mediator"; org: Bilingual | null; already?: true; used?: true; own?: true } | null;
  /**
   * An invite whose questions are on top of the chat's stack (a relative's, staff's, a mediator's link), looked up as it
   * stands when they are answered: its token, and what /start with that link would find now (caseInvite for a relative's,
   * roleInvite for staff's or a mediator's). Absent otherwise. Someone else may have joined by it, or it was revoked or
   * expired, since its first question.
   */
  heldInvite?: { token: string; caseInvite?: Profile["caseInvite"]; roleInvite?: Profile["roleInvite"] };
  /**
   * The number of the first question of a flow started by this update (1 when absent). The bot gives each update
   * its own, spread far apart, so that a button of an earlier copy of a flow — another case's receipt, say — never
   * carries the number of the current copy's question.
   */
  promptBase?: number;
}
export const ROLES = ["admin", "staff", "mediator", "applicant"] as const;
export type Role = (typeof ROLES)[number];

export interface FlowDef {
  name: string;
  /**
   * Bump when a change to the machine makes old snapshots meaningless (states renamed or removed,
   * context reshaped). A stored snapshot of another version is dropped and the user told so.
   */
  version: number;
  machine: AnyStateMachine;
  input(profile: Profile): unknown;
  /** The flow ends by showing the home screen itself (its last effect): the router adds no menu. */
  showsHome?: boolean;
  /** Final states in which the flow ends by showing a view of its own (a case's): no home screen follows it. */
  viewStates?: readonly string[];
  /**
   * Whether leaving it now would lose what the user typed, beyond its states tagged UNSAVED — a question asked
   * again from a review holds every answer given before it (/cancel and /start then ask first).
   */
  unsaved?(context: unknown): boolean;
  /** What /cancel says when it leaves this flow, as an i18n key («Отменено.» when absent): a join says the invite still opens. */
  cancelled?(context: unknown): string;
  /** Some of its states are tagged CONTACT_KEYBOARD (only such flows are looked into for it). */
  contactKeyboard?: boolean;
  /**
   * The role whose step it is, when only one role runs it (staff record a receipt, a mediator proposes): the home after
   * it is that role's — an admin who is also staff gets the staff's alone, not every home they hold; "applicant": a
   * step only the applicant takes (handing the notice in, their particulars), after which the applicant's menu.
   */
  role?: Role;
}

/** A guard: the user pressed the button with this value. */
export const chose =
  (value: string) =>
  ({ event }: { event: FlowEvent }): boolean =>
    event.type === "CHOICE" && event.value === value;

/** Every question re-asks itself after a language switch or a REPEAT (a stale button, a restart…). */
export const askAgain = (state: string) => ({
  LANGUAGE: { target: state, reenter: true },
  REPEAT: { target: state, reenter: true },
});

/**
 * Tag on states that show Telegram's share-contact keyboard (a reply keyboard, under the input field): when the
 * chat leaves such a state other than by answering it, the router takes the keyboard away.
 */
export const CONTACT_KEYBOARD = "contactKeyboard";

/**
 * Tag on states that take the text sent with a file (its caption) with it — a message in a mediation, whose file and
 * words go to the others together. Anywhere else the text is kept nowhere, and the person is told so (chat.ts).
 */
export const TAKES_CAPTION = "takesCaption";

/** Tag on states where leaving would lose what the user typed: /cancel then asks first. */
export const UNSAVED = "unsaved";

/**
 * A document of several pages sent as an album (a scan, photos of a paper): Telegram sends it one update a page, with
 * the same media_group_id, in any order and maybe to different instances — so every page is kept in the flow's
 * context (its stored snapshot), not in memory, one message counts them (an album's later pages edit it: the slot),
 * and the flow goes on when the person presses «Готово». A file sent alone is taken at once, as before.
 */
export interface Pages {
  /** Every page so far, in page order (inPageOrder); absent in snapshots stored before pages were kept. */
  pages?: FileRef[];
  /** The album whose file was last refused (pagesState says it once an album; its later files are HANDLED in silence). */
  refused?: { group: string };
}
/** The file an event brings (none for another event). */
export const fileOf = (e: FlowEvent): FileRef[] => (e.type === "FILE" ? [e.file] : []);
/** A file that came in an album. */
export const inAlbum = (e: FlowEvent): boolean => e.type === "FILE" && e.group !== undefined;
/**
 * `files` with `file` added in page order: an album's pages arrive in any order, but their messages are numbered in the
 * order the person chose them (FileRef.messageId) — the file goes before the first one of a later message. Files stored
 * without the number (by the bot before it kept it) keep their place, and a file without it goes last.
 */
export const inPageOrder = <F extends FileRef>(files: readonly F[], file: F): F[] => {
  const at = file.messageId === undefined ? -1 : files.findIndex((f) => f.messageId !== undefined && f.messageId > file.messageId!);
  return at < 0 ? [...files, file] : [...files.slice(0, at), file, ...files.slice(at)];
};
/** The pages with this event's file added, in page order. */
export const withPage = (context: Pages, event: FlowEvent): FileRef[] => fileOf(event).reduce(inPageOrder, context.pages ?? []);
/** The document's first page: of its pages when it came as several, else the file taken. */
export const firstPage = <F extends FileRef | null | undefined>(context: Pages, file: F): F | FileRef => ((context.pages?.length ?? 0) > 1 ? context.pages![0]! : file);
/** The count of the pages so far (`count`), as one message for an album: its later pages edit it. */
export const pagesSaid =
  (key: string, buttons: Button[][]) =>
  ({ context, event }: { context: Pages; event: FlowEvent }) => ({
    key,
    params: { count: context.pages?.length ?? 0 },
    buttons,
    ...(event.type === "FILE" && event.group ? { slot: `album:${event.group}` } : {}),
  });
/** The album (Telegram's media_group_id) a file, a video or a sticker came in; undefined for one sent alone. */
const albumOf = (e: FlowEvent): string | undefined => (e.type === "FILE" || e.type === "MEDIA" ? e.group : undefined);
/** Whether a file of this event's album was refused already: the refusal was said, and is not said for each file. */
const refusedBefore = ({ context, event }: { context: Pages; event: FlowEvent }): boolean => albumOf(event) !== undefined && context.refused?.group === albumOf(event);
/** Notes a refused file's album: the action `noteRefused` of a machine using pagesState (its setup({ actions })). */
export const noteRefused = <C extends Pages>() =>
  assign<C, FlowEvent, undefined, FlowEvent, never>(({ event }) => {
    const group = albumOf(event);
    return (group === undefined ? {} : { refused: { group } }) as Partial<C>;
  });

/** The «Done» button of the pages' count. */
export const pagesDone = (key: string): Button => ({ key, value: "done" });
/**
 * The state that takes the pages after the first (an album's others, or more sent after it): `keep` adds one
 * (the machine's own action, as `withPage` gives), `refusal` is said to a file it does not take, «Готово» goes to
 * `next`, «Отмена» ends the flow; `typed` is said to text typed there (that it is not kept, and what to press), then
 * the count again with its buttons — not «not understood».
 */
export const pagesState = <K>(o: { accepts: (e: FlowEvent) => boolean; keep: K; said: ReturnType<typeof pagesSaid>; refusal: string; next: string; typed: string }) => ({
  tags: [UNSAVED],
  on: {
    TEXT: { actions: [{ type: "say" as const, params: { key: o.typed } }, { type: "say" as const, params: o.said }] },
    // What is not taken is said once for an album, not once for each of its files (a video among photos, five videos).
    FILE: [
      { guard: ({ event }: { event: FlowEvent }) => o.accepts(event), actions: [o.keep, { type: "say" as const, params: o.said }] },
      { guard: refusedBefore, actions: [{ type: HANDLED as typeof HANDLED }] },
      { actions: [{ type: "say" as const, params: { key: o.refusal } }, { type: "noteRefused" as const }] },
    ],
    MEDIA: [
      { guard: refusedBefore, actions: [{ type: HANDLED as typeof HANDLED }] },
      { actions: [{ type: "say" as const, params: { key: o.refusal } }, { type: "noteRefused" as const }] },
    ],
    CHOICE: [
      { guard: chose("done"), target: o.next },
      { guard: chose("cancel"), target: "done" },
    ],
    LANGUAGE: { actions: [{ type: "say" as const, params: o.said }] },
    REPEAT: { actions: [{ type: "say" as const, params: o.said }] },
  },
});
