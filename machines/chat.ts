// The chat: global commands and buttons, and the stack of flows a chat is in. Pure: given what is stored
// and what arrived, it returns what to store and what to say. The bot carries the decision out.
import { initialTransition, transition, type AnyMachineSnapshot } from "xstate";
import { EFFECT_TYPES, isLang, say, SITTING_ANSWERS, type Effect, type FileRef, type SittingAnswer } from "./effects.js";
import { UNSAVED, type FlowDef, type FlowEvent, type MediaKind, type Profile, type Role } from "./flow.js";
import { orgCreateFlow } from "./admin.js";
import { conclusionFlow } from "./conclusion.js";
import { explainerFlow, isOutcome } from "./explainer.js";
import { formationFlow } from "./formation.js";
import { CASE_INVITE, joinFlow } from "./join.js";
import { noticeFlow } from "./notice.js";
import { sittingFlow } from "./sitting.js";
import { counterFlow, proposalFlow, relayFlow } from "./mediation.js";
import { consentButtons, languageButtons, onboardingFlow } from "./onboarding.js";

/** Commands in the order of the command menu; each has `commands.<name>` in locales. */
export const COMMANDS = ["start", "notice", "cases", "explain", "help", "language", "privacy", "cancel"] as const;
export type Command = (typeof COMMANDS)[number];
/** Commands a role adds to a chat's menu: staff and mediators their /inbox, admins /admin. */
export const ROLE_COMMANDS: Record<Role, readonly string[]> = { admin: ["admin"], staff: ["inbox"], mediator: ["inbox"], applicant: [] };
export const commandsFor = (roles: readonly Role[]): string[] => [...COMMANDS, ...new Set(roles.flatMap((r) => ROLE_COMMANDS[r]))];

export type Input =
  | { kind: "command"; command: string; payload: string }
  | { kind: "text"; text: string }
  | { kind: "button"; data: string }
  | { kind: "media"; media: MediaKind }
  | { kind: "file"; file: FileRef }
  | { kind: "contact"; phone: string; userId: number | null };

export interface StoredSnapshot {
  value: unknown;
  context: unknown;
}
export interface StackEntry {
  flow: string;
  version: number;
  /** Numbers this flow's questions (states); a button carries the number of the question it answers. */
  prompt: number;
  snapshot: StoredSnapshot;
}

export interface Decision {
  stack: StackEntry[];
  effects: Effect[];
  /** A short notice on the pressed button (answerCallbackQuery), as an i18n key. */
  toast?: string;
}

export type Flows = Record<string, FlowDef>;
export const defaultFlows: Flows = {
  [onboardingFlow.name]: onboardingFlow,
  [noticeFlow.name]: noticeFlow,
  [explainerFlow.name]: explainerFlow,
  [orgCreateFlow.name]: orgCreateFlow,
  [conclusionFlow.name]: conclusionFlow,
  [joinFlow.name]: joinFlow,
  [sittingFlow.name]: sittingFlow,
  [formationFlow.name]: formationFlow,
  [relayFlow.name]: relayFlow,
  [proposalFlow.name]: proposalFlow,
  [counterFlow.name]: counterFlow,
};

/** A record id in callback data. */
const ID = /^\d{1,9}$/;
/** An invite token in /start's payload (t.me/<bot>?start=<token>). */
export const INVITE_TOKEN = /^[A-Za-z0-9_-]{32}$/;

/** callback_data of a button: "g:<value>" for global ones, "f<prompt>:<value>" for a flow's question. */
export const buttonData = (b: { value: string; global?: boolean }, prompt: number): string =>
  b.global ? `g:${b.value}` : `f${prompt}:${b.value}`;

export const primaryRole = (roles: readonly Role[]): Role =>
  roles.includes("admin") ? "admin" : roles.includes("staff") ? "staff" : roles.includes("mediator") ? "mediator" : "applicant";

export const menuEffect = (): Effect =>
  say("menu.title", {
    buttons: [
      [
        { key: "menu.notice", value: "menu:notice", global: true },
        { key: "menu.cases", value: "menu:cases", global: true },
      ],
      [
        { key: "menu.explain", value: "menu:explain", global: true },
        { key: "menu.help", value: "menu:help", global: true },
      ],
      [
        { key: "menu.language", value: "menu:language", global: true },
        { key: "menu.privacy", value: "menu:privacy", global: true },
      ],
    ],
  });

const toStored = (s: AnyMachineSnapshot): StoredSnapshot => ({ value: s.value, context: s.context });

const collect = (actions: { type: string; params?: unknown }[]): Effect[] =>
  actions
    .filter((a) => EFFECT_TYPES.has(a.type))
    .map((a) => ({ type: a.type, ...((a.params as object | undefined) ?? {}) }) as Effect);

interface Step {
  entry: StackEntry | null; // null: the flow finished
  effects: Effect[];
  changed: boolean;
}

const startFlow = (def: FlowDef, profile: Profile, input: object = {}): Step => {
  const [snap, actions] = initialTransition(def.machine, { ...(def.input(profile) as object), ...input });
  const entry = { flow: def.name, version: def.version, prompt: 1, snapshot: toStored(snap) };
  return { entry: snap.status === "done" ? null : entry, effects: collect(actions), changed: true };
};

const restore = (def: FlowDef, entry: StackEntry): AnyMachineSnapshot =>
  def.machine.resolveState(entry.snapshot as { value: never; context: never });

const sendToFlow = (def: FlowDef, entry: StackEntry, event: FlowEvent): Step => {
  const [snap, actions] = transition(def.machine, restore(def, entry), event);
  const effects = collect(actions);
  const stored = toStored(snap);
  const changed = effects.length > 0 || JSON.stringify(stored) !== JSON.stringify(entry.snapshot);
  if (snap.status === "done") return { entry: null, effects, changed: true };
  // Buttons go stale when the question changes: the same question asked again keeps its number.
  const moved = JSON.stringify(stored.value) !== JSON.stringify(entry.snapshot.value);
  return { entry: { ...entry, prompt: moved ? entry.prompt + 1 : entry.prompt, snapshot: stored }, effects, changed };
};

const hasUnsaved = (def: FlowDef, entry: StackEntry): boolean => restore(def, entry).hasTag(UNSAVED);

/**
 * Decides what one update does. `stack` is what was stored for the chat (top last); entries whose flow
 * is unknown or of another version are dropped, and the user is told.
 */
export const decide = (stored: StackEntry[], profile: Profile, input: Input, flows: Flows = defaultFlows): Decision => {
  const effects: Effect[] = [];
  let stack = stored.filter((e) => flows[e.flow]?.version === e.version && isRestorable(flows[e.flow]!, e));
  if (stack.length !== stored.length) effects.push(say("common.flowUpdated"));
  let toast: string | undefined;

  const top = (): StackEntry | undefined => stack[stack.length - 1];
  const apply = (step: Step) => {
    effects.push(...step.effects);
    stack = step.entry ? [...stack.slice(0, -1), step.entry] : stack.slice(0, -1);
    if (step.entry) return;
    // A flow finished: back to the one under it, with its question again; or to the menu.
    if (stack.length === 0) effects.push(menuEffect());
    else deliver({ type: "REPEAT" });
  };
  const start = (def: FlowDef, input?: object) => {
    const step = startFlow(def, profile, input);
    effects.push(...step.effects);
    if (step.entry) stack = [...stack, step.entry];
    else if (stack.length === 0) effects.push(menuEffect());
  };
  /**
   * Sends an event to the top flow; false when there is none. When the flow ignores the event, `ignored`
   * says what to (by default a hint), and the flow's question comes again.
   */
  const deliver = (event: FlowEvent, ignored?: () => void): boolean => {
    const entry = top();
    if (!entry) return false;
    const def = flows[entry.flow]!;
    const step = sendToFlow(def, entry, { ...event, today: profile.today });
    if (!step.changed && event.type !== "REPEAT") {
      if (ignored) ignored();
      else effects.push(say(event.type === "TEXT" || event.type === "MEDIA" ? "common.notUnderstood" : "common.useButtons"));
      apply(sendToFlow(def, entry, { type: "REPEAT", today: profile.today }));
      return true;
    }
    apply(step);
    return true;
  };
  const repeatOrMenu = () => {
    if (!deliver({ type: "REPEAT" })) effects.push(menuEffect());
  };
  const languagePrompt = () => effects.push(say("language.choose", { bilingual: true, buttons: languageButtons }));
  const privacy = () => {
    effects.push(say("privacy.consent"));
    effects.push(profile.hasConsent ? say("privacy.statusGiven") : say("privacy.statusNotGiven", { buttons: consentButtons }));
  };
  /**
   * Opens the explainer on top of whatever the user is in; leaving it hands back to that flow's question
   * (a notice loses nothing). `input` opens it at the payment table, with a case's row marked.
   */
  const explain = (input?: object) => {
    stack = stack.filter((e) => e.flow !== "explainer" && e.flow !== "onboarding");
    start(flows.explainer ?? explainerFlow, input);
  };
  /** Opens the notice: the draft in progress if there is one, else a new one (it asks consent itself). */
  const notice = () => {
    stack = stack.filter((e) => e.flow !== "onboarding" && e.flow !== "explainer");
    const at = stack.findIndex((e) => e.flow === "notice");
    if (at >= 0) {
      stack = [...stack.slice(0, at), ...stack.slice(at + 1), stack[at]!];
      return void deliver({ type: "REPEAT" });
    }
    start(flows.notice ?? noticeFlow);
  };
  const cancel = () => {
    const entry = top();
    if (!entry) return void effects.push(say("cancel.nothing"));
    if (hasUnsaved(flows[entry.flow]!, entry)) {
      // The answer is bound to this flow's current question: an old confirmation cannot discard later work.
      const at = `${entry.flow}.${entry.prompt}`;
      effects.push(
        say("cancel.confirm", {
          buttons: [[{ key: "cancel.yes", value: `cancel:yes:${at}`, global: true }, { key: "cancel.no", value: `cancel:no:${at}`, global: true }]],
        }),
      );
      return;
    }
    stack = stack.slice(0, -1);
    effects.push(say("cancel.done"));
    repeatOrMenu();
  };
  const command = (name: string) => {
    switch (name) {
      case "start": {
        const draft = stack.find((e) => e.flow === "notice");
        if (draft && hasUnsaved(flows.notice!, draft)) {
          // A half-filled notice is never dropped silently: continue it, or discard it on purpose.
          effects.push(
            say("notice.resume", {
              buttons: [[{ key: "notice.continue", value: "notice:continue", global: true }, { key: "notice.discard", value: "notice:discard", global: true }]],
            }),
          );
          return;
        }
        stack = [];
        return start(flows.onboarding ?? onboardingFlow);
      }
      case "notice":
        return notice();
      case "cases":
        return void effects.push({ type: "showCases" });
      case "explain":
        return explain();
      case "admin":
        if (!isAdmin) return unknown();
        return void effects.push(
          say("admin.menu", {
            buttons: [
              [{ key: "admin.addOrg", value: "adm:org", global: true }],
              [{ key: "admin.inviteStaff", value: "adm:orgs", global: true }],
              [{ key: "admin.inviteMediator", value: "adm:mediator", global: true }],
              [{ key: "admin.roles", value: "adm:roles", global: true }],
              [{ key: "admin.unlinked", value: "adm:unlinked", global: true }],
              [{ key: "admin.mediation", value: "adm:mdcases", global: true }],
            ],
          }),
        );
      case "inbox":
        if (!profile.roles.includes("staff") && !profile.roles.includes("mediator")) return unknown();
        return void effects.push({ type: "showInbox" });
      case "help":
        return void effects.push(say(`help.${primaryRole(profile.roles)}`));
      case "language":
        return languagePrompt();
      case "privacy":
        return privacy();
      case "cancel":
        return cancel();
      default:
        return unknown();
    }
  };
  const unknown = () => {
    effects.push(say("common.unknownCommand"));
    repeatOrMenu();
  };
  const globalButton = (value: string) => {
    const [kind, arg, at] = value.split(":");
    if (kind === "lang" && isLang(arg)) {
      effects.push({ type: "setLanguage", language: arg }, say("language.changed"));
      if (!deliver({ type: "LANGUAGE", language: arg }, () => undefined)) effects.push(menuEffect());
      return;
    }
    if (kind === "consent" && (arg === "yes" || arg === "no")) {
      const given = arg === "yes";
      if (given && !profile.hasConsent) effects.push({ type: "recordConsent" });
      const reply = () => effects.push(say(given ? (profile.hasConsent ? "privacy.already" : "privacy.thanks") : "privacy.declined"));
      if (!deliver({ type: "CONSENT", given }, reply)) {
        reply();
        effects.push(menuEffect());
      }
      return;
    }
    if (kind === "cancel" && (arg === "yes" || arg === "no")) {
      const entry = top();
      if (!entry || at !== `${entry.flow}.${entry.prompt}`) {
        toast = "common.staleButton";
        return repeatOrMenu();
      }
      if (arg === "yes") {
        stack = stack.slice(0, -1);
        effects.push(say("cancel.done"));
      }
      return repeatOrMenu();
    }
    if (kind === "menu" && (arg === "help" || arg === "language" || arg === "privacy" || arg === "notice" || arg === "cases" || arg === "explain")) return command(arg);
    if (kind === "explain" && arg === undefined) return explain();
    if (kind === "payments") return explain({ start: "payments", highlight: arg && isOutcome(arg) ? arg : null });
    if (kind === "adm") {
      // Admin buttons: for admins only, checked again by the services that act on them.
      if (!isAdmin) return stale();
      if (arg === "org") {
        stack = stack.filter((e) => e.flow !== "orgCreate" && e.flow !== "onboarding");
        return start(flows.orgCreate ?? orgCreateFlow);
      }
      if (arg === "orgs") return void effects.push({ type: "listOrganizations" });
      if (arg === "mediator") return void effects.push({ type: "createInvite", role: "mediator" });
      if (arg === "roles") return void effects.push({ type: "listRoles" });
      if (arg === "revoke" && ID.test(at ?? "")) return void effects.push({ type: "revokeRole", roleId: Number(at) });
      if (arg === "staff" && ID.test(at ?? "")) return void effects.push({ type: "createInvite", role: "staff", organizationId: Number(at) });
      if (arg === "unlinked") return void effects.push({ type: "listUnlinked" });
      if (arg === "mdcases") return void effects.push({ type: "listMediationCases" });
      if (arg === "link" && ID.test(at ?? "")) return void effects.push({ type: "chooseCaseOrg", caseId: Number(at) });
      const orgId = value.split(":")[3];
      if (arg === "linkto" && ID.test(at ?? "") && ID.test(orgId ?? "")) return void effects.push({ type: "linkCase", caseId: Number(at), organizationId: Number(orgId) });
      return stale();
    }
    if (kind === "skeep") return void effects.push(say("sitting.kept"));
    if (kind?.startsWith("md") || kind?.startsWith("p")) {
      const handled = mediationButton(kind, arg, at);
      if (handled !== false) return;
    }
    if (kind === "esc" && ID.test(arg ?? "")) return void effects.push({ type: "chooseEscalation", caseId: Number(arg) });
    if (kind === "escto" && ID.test(arg ?? "") && (at === "department" || at === "committee" || at === "court")) {
      return void effects.push({ type: "draftEscalation", caseId: Number(arg), target: at });
    }
    if (kind === "rinv" && ID.test(arg ?? "")) return void effects.push({ type: "createRelativeInvite", caseId: Number(arg) });
    if (kind === "rrm" && ID.test(arg ?? "")) return void effects.push({ type: "removeRelative", participantId: Number(arg) });
    if (kind === "rshare" && ID.test(arg ?? "") && (at === "on" || at === "off")) return void effects.push({ type: "shareNotice", caseId: Number(arg), share: at === "on" });
    if (kind === "rnotice" && ID.test(arg ?? "")) return void effects.push({ type: "sharedNotice", caseId: Number(arg) });
    if (kind === "sat" && ID.test(arg ?? "") && (SITTING_ANSWERS as readonly string[]).includes(at ?? "")) {
      // Whether this user is on the sitting's case is checked by the service.
      return void effects.push({ type: "answerSitting", sittingId: Number(arg), answer: at as SittingAnswer });
    }
    if ((kind === "ssit" || kind === "smv" || kind === "scn" || kind === "scnok") && ID.test(arg ?? "")) {
      // Sittings: staff only; the services check that the case is their organisation's.
      if (!profile.roles.includes("staff")) return stale();
      const id = Number(arg);
      if (kind === "scnok") return void effects.push({ type: "cancelSitting", sittingId: id });
      if (kind === "scn") {
        return void effects.push(
          say("sitting.confirmCancel", {
            buttons: [[{ key: "sitting.cancelIt", value: `scnok:${id}`, global: true }], [{ key: "sitting.keepIt", value: "skeep", global: true }]],
          }),
        );
      }
      stack = stack.filter((e) => e.flow !== "sitting" && e.flow !== "onboarding");
      return start(flows.sitting ?? sittingFlow, kind === "ssit" ? { caseId: id, sittingId: 0 } : { caseId: 0, sittingId: id });
    }
    if ((kind === "scase" || kind === "sform" || kind === "sformok" || kind === "sformd" || kind === "sconc") && ID.test(arg ?? "")) {
      // Staff buttons: for staff only; the services check the case is their organisation's.
      if (!profile.roles.includes("staff")) return stale();
      const caseId = Number(arg);
      if (kind === "scase") return void effects.push({ type: "showStaffCase", caseId });
      if (kind === "sformok") return void effects.push({ type: "recordFormation", caseId });
      if (kind === "sformd") {
        stack = stack.filter((e) => e.flow !== "formation" && e.flow !== "onboarding");
        return start(flows.formation ?? formationFlow, { caseId });
      }
      if (kind === "sconc") {
        stack = stack.filter((e) => e.flow !== "conclusion" && e.flow !== "onboarding");
        return start(flows.conclusion ?? conclusionFlow, { caseId });
      }
      return void effects.push(
        say("staff.confirmFormation", {
          buttons: [
            [{ key: "staff.confirm", value: `sformok:${caseId}`, global: true }],
            [{ key: "staff.confirmOtherDay", value: `sformd:${caseId}`, global: true }],
            [{ key: "notice.back", value: `scase:${caseId}`, global: true }],
          ],
        }),
      );
    }
    if (kind === "notice" && arg === "continue") return notice();
    if (kind === "case" && ID.test(arg ?? "")) return void effects.push({ type: "showCase", caseId: Number(arg) });
    if (kind === "notice" && arg === "discard") {
      stack = stack.filter((e) => e.flow !== "notice");
      effects.push(say("notice.discarded"));
      return repeatOrMenu();
    }
    stale();
  };
  const stale = () => {
    toast = "common.staleButton";
    repeatOrMenu();
  };
  /** Mediation's buttons; false when the data is not one of them. Who may press each is checked by the bot. */
  const mediationButton = (kind: string, arg: string | undefined, at: string | undefined): void | false => {
    if (!ID.test(arg ?? "")) return false;
    const id = Number(arg);
    const openFlow = (def: FlowDef, input: object) => {
      stack = stack.filter((e) => e.flow !== def.name && e.flow !== "onboarding");
      start(def, input);
    };
    switch (kind) {
      case "mdpick":
        if (!isAdmin && !profile.roles.includes("staff")) return stale();
        return void effects.push({ type: "pickMediator", caseId: id });
      case "mdassign":
        if ((!isAdmin && !profile.roles.includes("staff")) || !ID.test(at ?? "")) return stale();
        return void effects.push({ type: "assignMediator", caseId: id, roleId: Number(at) });
      case "mdacc":
      case "mddec":
        if (!profile.roles.includes("mediator")) return stale();
        return void effects.push({ type: "mediatorAnswer", mediationId: id, accept: kind === "mdacc" });
      case "mdyes":
      case "mdno":
        return void effects.push({ type: "partyAgree", mediationId: id, agree: kind === "mdyes" });
      case "mdview":
        return void effects.push({ type: "showMediation", mediationId: id });
      case "mdmsg":
        return openFlow(flows.relay ?? relayFlow, { mediationId: id, asMediator: profile.roles.includes("mediator") });
      case "mdask":
        return openFlow(flows.relay ?? relayFlow, { mediationId: id, asMediator: false, to: "mediator" });
      case "mdprop":
        if (!profile.roles.includes("mediator")) return stale();
        return openFlow(flows.proposal ?? proposalFlow, { mediationId: id });
      case "mdend":
        return void effects.push(
          say("mediation.confirmEnd", { buttons: [[{ key: "mediation.endIt", value: `mdendok:${id}`, global: true }], [{ key: "sitting.keepIt", value: `mdview:${id}`, global: true }]] }),
        );
      case "mdendok":
        return void effects.push({ type: "endMediation", mediationId: id });
      case "pacc":
      case "prej":
        return void effects.push({ type: "answerProposal", proposalId: id, accept: kind === "pacc" });
      case "pctr":
        return openFlow(flows.counter ?? counterFlow, { proposalId: id });
      case "pconf":
        return void effects.push({ type: "confirmAgreement", proposalId: id });
      default:
        return false;
    }
  };
  const isAdmin = profile.roles.includes("admin");

  // A relative's invite link (t.me/<bot>?start=c_<token>): the join flow asks what it needs, even the language.
  const caseInvite = input.kind === "command" && input.command === "start" ? CASE_INVITE.exec(input.payload) : null;
  if (caseInvite) {
    if (!profile.caseInvite) {
      // Said at once, before any question: nobody answers three questions to learn the link is spent.
      effects.push(say("admin.inviteInvalid", { bilingual: profile.language === null }));
      if (profile.language === null) {
        stack = [];
        start(flows.onboarding ?? onboardingFlow);
      } else repeatOrMenu();
      return { stack, effects };
    }
    stack = stack.filter((e) => e.flow !== "onboarding" && e.flow !== "join");
    start(flows.join ?? joinFlow, { token: caseInvite[1], number: profile.caseInvite.number });
    return { stack, effects };
  }

  // An invite link opened by someone new: taken before anything else, even the language question.
  if (input.kind === "command" && input.command === "start" && INVITE_TOKEN.test(input.payload)) {
    effects.push({ type: "redeemInvite", token: input.payload });
  }

  // Nothing can be said to a user whose language is unknown but the language question: a language button
  // is taken; text or media inside onboarding get its bilingual hint; anything else starts onboarding.
  const isLanguageButton = input.kind === "button" && /^g:lang:/.test(input.data);
  const answersOnboarding = (top()?.flow === "onboarding" || top()?.flow === "join") && (input.kind === "text" || input.kind === "media");
  if (profile.language === null && !isLanguageButton && !answersOnboarding) {
    stack = [];
    start(flows.onboarding ?? onboardingFlow);
    return { stack, effects };
  }

  switch (input.kind) {
    case "command":
      command(input.command);
      break;
    case "text":
      if (!deliver({ type: "TEXT", text: input.text })) effects.push(say("common.notUnderstood"), menuEffect());
      break;
    case "media":
      if (!deliver({ type: "MEDIA", media: input.media })) effects.push(say("common.notUnderstood"), menuEffect());
      break;
    case "file":
      if (!deliver({ type: "FILE", file: input.file })) effects.push(say("common.notUnderstood"), menuEffect());
      break;
    case "contact":
      if (!deliver({ type: "CONTACT", phone: input.phone, own: input.userId === profile.userId })) effects.push(say("common.notUnderstood"), menuEffect());
      break;
    case "button": {
      const g = /^g:(.+)$/.exec(input.data);
      const f = /^f(\d+):(.+)$/.exec(input.data);
      if (g) globalButton(g[1]!);
      else if (f && top() && Number(f[1]) === top()!.prompt) deliver({ type: "CHOICE", value: f[2]! });
      else {
        // A button from an answered question, or data nobody sent: say so, and ask what is current.
        toast = "common.staleButton";
        repeatOrMenu();
      }
      break;
    }
  }
  return toast ? { stack, effects, toast } : { stack, effects };
};

const isRestorable = (def: FlowDef, entry: StackEntry): boolean => {
  try {
    restore(def, entry);
    return true;
  } catch {
    return false;
  }
};
