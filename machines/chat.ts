// The chat: global commands and buttons, and the stack of flows a chat is in. Pure: given what is stored
// and what arrived, it returns what to store and what to say. The bot carries the decision out.
import { createActor, type ActorScope, type AnyMachineSnapshot, type AnyStateMachine, type EventObject } from "xstate";
import { act, commandAllowed, confirmCancel, confirmStart, continueNotice, CORE_ACTIONS, decodeButton, discardNotice, isLanguageButton, openMenuItem, Registry, resumeInvite, giveConsent, withdrawConsent, type CommandDef, type Router } from "./actions.js";
import { isEffectType, isLang, say, type Bilingual, type Effect, type FileRef, type Lang, type SayEffect } from "./effects.js";
import { CONTACT_KEYBOARD, HANDLED, notTaken, TAKES_CAPTION, UNSAVED, type FlowDef, type FlowEvent, type MediaKind, type OpenedAs, type Profile, type Role, type StackEntry, type StoredSnapshot } from "./flow.js";
import { orgCreateFlow } from "./admin.js";
import { conclusionFlow } from "./conclusion.js";
import { explainerFlow } from "./explainer.js";
import { formationFlow } from "./formation.js";
import { CASE_INVITE, joinFlow } from "./join.js";
import { noticeFlow } from "./notice.js";
import { handInFlow, receiptFlow } from "./receipt.js";
import { particularsFlow } from "./particulars.js";
import { roleJoinFlow } from "./join-role.js";
import { sittingFlow } from "./sitting.js";
import { counterFlow, proposalFlow, relayFlow, signedAgreementFlow } from "./mediation.js";
import { consentButtons, languageButtons, onboardingFlow } from "./onboarding.js";

export type { StackEntry, StoredSnapshot } from "./flow.js";

/** Commands in the order of the command menu; each has `commands.<name>` in locales. */
export const COMMANDS = ["start", "menu", "notice", "cases", "explain", "help", "language", "privacy", "mydata", "cancel"] as const;
export type Command = (typeof COMMANDS)[number];
/** Commands a role adds to a chat's menu: staff and mediators their /inbox, admins /admin. */
export const ROLE_COMMANDS: Record<Role, readonly string[]> = { admin: ["admin"], staff: ["inbox"], mediator: ["inbox"], applicant: [] };
export const commandsFor = (roles: readonly Role[]): string[] => [...COMMANDS, ...new Set(roles.flatMap((r) => ROLE_COMMANDS[r]))];
/** A command's description key in the menu: /inbox says what it holds for these roles, as their /help does. */
export const commandKey = (command: string, roles: readonly Role[]): string =>
  command !== "inbox" || (roles.includes("staff") && roles.includes("mediator")) ? `commands.${command}` : roles.includes("staff") ? "commands.inboxOf.staff" : "commands.inboxOf.mediator";

export type Input =
  | { kind: "command"; command: string; payload: string }
  | { kind: "text"; text: string }
  | { kind: "button"; data: string }
  | { kind: "media"; media: MediaKind; group?: string }
  /** `group`: the album (Telegram's media_group_id) the file came in: an album arrives as one update per file. */
  | { kind: "file"; file: FileRef; group?: string; caption?: string }
  | { kind: "contact"; phone: string; userId: number | null }
  /** A message the person changed after sending it: only that it happened, never what it says now. */
  | { kind: "edited" }
  /** The bot's answer to what the flow on top asked of it (a lookup), within the same update. */
  | { kind: "reply"; event: FlowEvent };

export interface Decision {
  stack: StackEntry[];
  effects: Effect[];
  /** A short notice on the pressed button (answerCallbackQuery), as an i18n key. */
  toast?: string;
  /**
   * The role a button's action was pressed in (its `allow`, among the roles held): the home a DONE its service gives
   * back without a role brings (the runtime puts it in) — that round is decided apart and would not know it.
   */
  acting?: Role;
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
  [receiptFlow.name]: receiptFlow,
  [handInFlow.name]: handInFlow,
  [particularsFlow.name]: particularsFlow,
  [roleJoinFlow.name]: roleJoinFlow,
  [signedAgreementFlow.name]: signedAgreementFlow,
};

/** An invite token in /start's payload (t.me/<bot>?start=<token>). */
export const INVITE_TOKEN = /^[A-Za-z0-9_-]{32}$/;

/** The actions every chat has; the bot adds its features' (see bot/features). */
export const coreRegistry = new Registry(CORE_ACTIONS);

export const primaryRole = (roles: readonly Role[]): Role =>
  roles.includes("admin") ? "admin" : roles.includes("staff") ? "staff" : roles.includes("mediator") ? "mediator" : "applicant";

/**
 * The home screen: an applicant's menu (pure, here); staff, mediators and admins get their role's, which
 * counts what awaits them (the bot builds it from the database, with the roles as stored by then).
 */
/** `home.role` "applicant": the applicant's menu, whatever other roles they hold (a button of the applicant's side). */
export const menuEffect = (profile?: Pick<Profile, "roles">, home: { role?: Role; all?: true } = {}): Effect => {
  const { role, ...rest } = home;
  if (!profile || role === "applicant" || primaryRole(profile.roles) === "applicant") return applicantMenu();
  return { type: "showHome", ...rest, ...(role ? { role } : {}) };
};

export const applicantMenu = (): Effect =>
  say("menu.title", {
    buttons: [
      [
        { key: "menu.notice", ...act(openMenuItem, { item: "notice" }) },
        { key: "menu.cases", ...act(openMenuItem, { item: "cases" }) },
      ],
      [
        { key: "menu.explain", ...act(openMenuItem, { item: "explain" }) },
        { key: "menu.help", ...act(openMenuItem, { item: "help" }) },
      ],
      [
        { key: "menu.language", ...act(openMenuItem, { item: "language" }) },
        { key: "menu.privacy", ...act(openMenuItem, { item: "privacy" }) },
      ],
    ],
  });

const toStored = (s: AnyMachineSnapshot): StoredSnapshot => ({ value: s.value, context: s.context });

const collect = (actions: { type: string; params?: unknown }[]): Effect[] =>
  actions
    .filter((a) => isEffectType(a.type))
    .map((a) => ({ type: a.type, ...((a.params as object | undefined) ?? {}) }) as Effect);

interface Step {
  entry: StackEntry | null; // null: the flow finished
  effects: Effect[];
  changed: boolean;
  /** The flow finished by showing a view of its own (FlowDef.viewStates): no home screen after it. */
  shown?: boolean;
  /** The context the flow finished with (onboarding's carries the command asked for before it). */
  final?: unknown;
}

/**
 * xstate's pure `transition` and `initialTransition` make a new actor for each call, and an actor's
 * constructor computes the machine's whole initial snapshot — its context (which, without the flow's input,
 * throws, and the error is caught) and its entry actions — only for it to be thrown away: about a tenth of an
 * update's CPU. The flows invoke, spawn and schedule nothing, so one inert scope per machine, made once, does
 * for every step; a step collects its own actions (steps are synchronous: one at a time).
 */
interface Scope {
  scope: ActorScope<AnyMachineSnapshot, EventObject>;
  actions: { type: string; params?: unknown }[];
}
const scopes = new WeakMap<AnyStateMachine, Scope>();
const scopeOf = (machine: AnyStateMachine): Scope => {
  let s = scopes.get(machine);
  if (!s) {
    const self = createActor(machine);
    const made: Scope = {
      actions: [],
      scope: {
        self,
        id: "",
        sessionId: "",
        system: self.system,
        logger: () => undefined,
        defer: () => undefined,
        emit: () => undefined,
        stopChild: () => undefined,
        actionExecutor: (a) => void made.actions.push(a),
      },
    };
    s = made;
    scopes.set(machine, s);
  }
  s.actions = [];
  return s;
};
const initialTransition = (machine: AnyStateMachine, input: object): [AnyMachineSnapshot, Scope["actions"]] => {
  const s = scopeOf(machine);
  return [machine.getInitialSnapshot(s.scope, input) as AnyMachineSnapshot, s.actions];
};
const transition = (machine: AnyStateMachine, snapshot: AnyMachineSnapshot, event: FlowEvent): [AnyMachineSnapshot, Scope["actions"]] => {
  const s = scopeOf(machine);
  return [machine.transition(snapshot, event, s.scope) as AnyMachineSnapshot, s.actions];
};

const startFlow = (def: FlowDef, profile: Profile, input: object = {}): Step => {
  const [snap, actions] = initialTransition(def.machine, { ...(def.input(profile) as object), ...input });
  const entry = { flow: def.name, version: def.version, prompt: profile.promptBase ?? 1, snapshot: toStored(snap) };
  return { entry: snap.status === "done" ? null : entry, effects: collect(actions), changed: true };
};

const restore = (def: FlowDef, entry: StackEntry): AnyMachineSnapshot =>
  def.machine.resolveState(entry.snapshot as { value: never; context: never });

const sendToFlow = (def: FlowDef, entry: StackEntry, event: FlowEvent): Step => {
  const [snap, actions] = transition(def.machine, restore(def, entry), event);
  const effects = collect(actions);
  const stored = toStored(snap);
  // Taken: it said something, changed the flow, or was taken in silence on purpose (HANDLED).
  const changed = effects.length > 0 || actions.some((a) => a.type === HANDLED) || JSON.stringify(stored) !== JSON.stringify(entry.snapshot);
  if (snap.status === "done") return { entry: null, effects, changed: true, shown: typeof snap.value === "string" && def.viewStates?.includes(snap.value) === true, final: snap.context };
  // Buttons go stale when the question changes: the same question asked again keeps its number.
  const moved = JSON.stringify(stored.value) !== JSON.stringify(entry.snapshot.value);
  return { entry: { ...entry, prompt: moved ? entry.prompt + 1 : entry.prompt, snapshot: stored }, effects, changed };
};

const hasUnsaved = (def: FlowDef, entry: StackEntry): boolean => {
  const snap = restore(def, entry);
  return snap.hasTag(UNSAVED) || def.unsaved?.(snap.context) === true;
};

/**
 * Decides what one update does. `stack` is what was stored for the chat (top last); entries whose flow
 * is unknown or of another version are dropped, and the user is told.
 */
export const decide = (stored: StackEntry[], profile: Profile, input: Input, flows: Flows = defaultFlows, registry: Registry = coreRegistry): Decision =>
  closeContactKeyboard(stored, decideStep(stored, profile, input, flows, registry), flows);

/** Whether the chat's top flow is at a question that shows the share-contact keyboard. */
const showsContactKeyboard = (stack: readonly StackEntry[], flows: Flows): boolean => {
  const entry = stack[stack.length - 1];
  const def = entry && flows[entry.flow];
  if (!entry || !def || def.version !== entry.version || !def.contactKeyboard) return false;
  return hasTagAt(def.machine.root, entry.snapshot.value, CONTACT_KEYBOARD);
};
/** Whether a stored state value is in a state node tagged so — read from the machine's nodes, without restoring. */
interface Node {
  tags: readonly string[];
  states: Record<string, Node>;
}
const hasTagAt = (node: Node, value: unknown, tag: string): boolean => {
  if (typeof value === "string") return node.states[value]?.tags.includes(tag) === true;
  if (typeof value !== "object" || value === null) return false;
  return Object.entries(value).some(([key, inner]) => {
    const child = node.states[key];
    return child !== undefined && (child.tags.includes(tag) || hasTagAt(child, inner, tag));
  });
};

/**
 * Telegram keeps a reply keyboard under the input field until a message takes it away: when the chat leaves
 * the phone question by Back, /cancel, /explain…, the first message of this chat that has no buttons of its own
 * takes it; if every one has buttons (a reply keyboard and inline buttons cannot share a message), a short
 * message before them does.
 */
const closeContactKeyboard = (stored: StackEntry[], d: Decision, flows: Flows): Decision => {
  if (!showsContactKeyboard(stored, flows) || showsContactKeyboard(d.stack, flows)) return d;
  const own = (e: Effect): e is SayEffect => e.type === "say" && !e.to && !e.slot;
  if (d.effects.some((e) => own(e) && e.replyKeyboard)) return d;
  const at = d.effects.findIndex((e) => own(e) && !e.buttons?.length);
  const effects =
    at >= 0
      ? d.effects.map((e, i) => (i === at ? { ...(e as SayEffect), replyKeyboard: "remove" as const } : e))
      : [say("notice.phoneLater", { replyKeyboard: "remove" }), ...d.effects];
  return { ...d, effects };
};

const decideStep = (stored: StackEntry[], profile: Profile, input: Input, flows: Flows, registry: Registry): Decision => {
  const effects: Effect[] = [];
  let stack = stored.filter((e) => flows[e.flow]?.version === e.version && isRestorable(flows[e.flow]!, e));
  if (stack.length !== stored.length) effects.push(say("common.flowUpdated"));
  let toast: string | undefined;

  const top = (): StackEntry | undefined => stack[stack.length - 1];
  // The home after a step is the home of the role that acted (its flow, or the button's role); /start and /menu show
  // every role's held (set there). An admin who is also staff is not sent two or three homes after each staff step.
  const flowRole = flows[top()?.flow ?? ""]?.role;
  let homeOf: { role?: Role; all?: true } = flowRole ? { role: flowRole } : {};
  const apply = (step: Step, def?: FlowDef) => {
    effects.push(...step.effects);
    stack = step.entry ? [...stack.slice(0, -1), step.entry] : stack.slice(0, -1);
    if (step.entry) return;
    // A flow finished: back to the one under it, with its question again (an invite: named, see setAside); or home
    // (unless it went there itself) — or, onboarding done, what the person asked for before it (carryOn).
    if (stack.length === 0) {
      const asked = def?.name === "onboarding" ? (step.final as OnboardingDone | undefined) : undefined;
      if (asked?.then) carryOn(asked);
      else if (!def?.showsHome && !step.shown) effects.push(menuEffect(profile, homeOf));
    } else {
      setAside();
      deliver({ type: "REPEAT" });
    }
  };
  /**
   * The flow on top left (it ended, or /cancel), or /start found an invite: an invite (a relative's, staff's, a
   * mediator's; an admin's door) on top again is not asked its bare question, as if the person had been answering it
   * all along — it is named, with the way on and the way out (inviteLeft), until one is pressed. At its language
   * question (no language to name it in yet) its question comes again.
   */
  const setAside = () => {
    const entry = top();
    if (entry && isInvite(entry) && profile.language !== null && entry.snapshot.value !== "language") stack = [...stack.slice(0, -1), { ...entry, paused: true }];
  };
  /**
   * Onboarding done for someone who asked for something before it (/notice before any language was chosen): that,
   * now — with the profile as this update left it (the language chosen, the consent just given and recorded with it),
   * so that the notice does not ask the consent again.
   */
  const carryOn = (done: OnboardingDone) => {
    const consented = done.hasConsent === true && !profile.hasConsent;
    profile = { ...profile, language: done.language ?? profile.language, ...(consented ? { hasConsent: true, consentText: "applicant" as const } : {}) };
    command(done.then!);
  };
  const start = (def: FlowDef, input?: object, as?: OpenedAs) => {
    const step = startFlow(def, profile, input);
    effects.push(...step.effects);
    if (step.entry) stack = [...stack, as ? { ...step.entry, as } : step.entry];
    else if (stack.length === 0 && !def.showsHome) effects.push(menuEffect(profile, homeOf));
  };
  /**
   * Sends an event to the top flow; false when there is none. When the flow ignores the event, `ignored`
   * says what to (by default a hint), and the flow's question comes again.
   */
  const deliver = (event: FlowEvent, ignored?: () => void): boolean => {
    const current = top();
    if (!current) return false;
    const def = flows[current.flow]!;
    const { paused, consentShown, ...entry } = current;
    // A notice begun before the bot told a relative's consent from the applicant's (its draft past the consent question)
    // by someone whose consent is a relative's only: it goes no further until the applicant's consent is given — shown
    // with why, the draft kept; the consent (an action) reaches it, and its question comes again. As every consent
    // question (machines/onboarding.ts, consentRepeatFor): the whole text where it is shown anew (the first time, /notice,
    // another language, back from a flow above); else only its last line with its buttons — after «choose one of the
    // buttons» for anything that is not a button of it (words, a sticker, a file, an old question's button).
    if (current.flow === "notice" && profile.hasConsent && profile.consentText === "relative" && event.type !== "CONSENT" && current.snapshot.value !== "consent") {
      if (!consentShown || event.type === "LANGUAGE" || (event.type === "REPEAT" && !event.brief)) {
        effects.push(say("privacy.applicantNeeded"), say("privacy.consent", { buttons: consentButtons }));
        if (!consentShown) stack = [...stack.slice(0, -1), { ...current, consentShown: true }];
      } else {
        if (event.type !== "REPEAT") effects.push(say("common.useButtons"));
        effects.push(say("privacy.consentQuestion", { buttons: consentButtons }));
      }
      return true;
    }
    const notTakenHere = () => {
      if (ignored) ignored();
      // «Choose a button» only for a button the question does not take; a photo, a file or a contact where
      // something is to be typed is not understood (the question that follows says what it wants).
      else effects.push(say(event.type === "CHOICE" ? "common.useButtons" : notTaken(event)));
    };
    // An invite set aside is named again (in a new language too), not asked its question: what is typed answers no
    // question on screen. A button of its own question, pressed from that message, takes it up again.
    if (paused) {
      const typed = event.type === "TEXT" || event.type === "MEDIA" || event.type === "FILE" || event.type === "CONTACT";
      const step = event.type === "REPEAT" || event.type === "LANGUAGE" || typed ? null : sendToFlow(def, entry, { ...event, today: profile.today, ...(profile.time ? { time: profile.time } : {}) });
      if (step?.changed) {
        apply(step, def);
        return true;
      }
      if (event.type !== "REPEAT" && event.type !== "LANGUAGE") notTakenHere();
      effects.push(inviteLeft(current));
      return true;
    }
    const step = sendToFlow(def, entry, { ...event, today: profile.today, ...(profile.time ? { time: profile.time } : {}) });
    if (!step.changed && event.type !== "REPEAT") {
      notTakenHere();
      apply(sendToFlow(def, entry, { type: "REPEAT", brief: true, today: profile.today }), def);
      return true;
    }
    apply(step, def);
    return true;
  };
  /** Whether the question on top takes the text sent with a file (TAKES_CAPTION). */
  const topTakesCaption = (): boolean => {
    const entry = top();
    const def = entry && flows[entry.flow];
    return entry !== undefined && def !== undefined && hasTagAt(def.machine.root, entry.snapshot.value, TAKES_CAPTION);
  };
  /** The open flow's question again — in short where it has one (a consent's last line): it is on screen — or the home. */
  const repeatOrMenu = () => {
    if (!deliver({ type: "REPEAT", brief: true })) effects.push(menuEffect(profile, homeOf));
  };
  /**
   * After /cancel left the flow on top: the question of the one under it, shown anew — as when a flow above ends by itself
   * (apply): a consent's whole text, which the flow left put screens above — or the home.
   */
  const resumeOrMenu = () => {
    if (!deliver({ type: "REPEAT" })) effects.push(menuEffect(profile, homeOf));
  };
  const languagePrompt = () => effects.push(say("language.choose", { bilingual: true, buttons: languageButtons }));
  /** The text consented to (a relative's only: theirs, with what a notice would ask), else the applicant's. */
  const privacy = () => {
    const relative = profile.hasConsent && profile.consentText === "relative";
    effects.push(say(relative ? "relatives.consent" : "privacy.consent"));
    effects.push(
      profile.hasConsent
        ? say(relative ? "privacy.statusGivenRelative" : "privacy.statusGiven", { buttons: [[{ key: "privacy.withdrawButton", ...act(withdrawConsent, { step: "ask" }) }]] })
        : say("privacy.statusNotGiven", { buttons: consentButtons }),
    );
    // Consent given, the one button is to withdraw it: the way on follows (the open flow's question, or the home). Not
    // given, its two buttons are the question.
    if (profile.hasConsent) repeatOrMenu();
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
          buttons: [[{ key: "cancel.yes", ...act(confirmCancel, { answer: "yes", at }) }, { key: "cancel.no", ...act(confirmCancel, { answer: "no", at }) }]],
        }),
      );
      return;
    }
    cancelTop();
    resumeOrMenu();
  };
  const cancelTop = () => {
    const entry = top();
    if (!entry) return;
    const def = flows[entry.flow]!;
    stack = stack.slice(0, -1);
    effects.push(say(def.cancelled?.(restore(def, entry).context) ?? "cancel.done"));
    setAside();
  };
  const command = (name: string) => {
    switch (name) {
      case "start": {
        homeOf = { all: true };
        // Joining by an invite (a relative's, staff's, a mediator's): the invite is what they came by, and dropping it
        // unasked would greet them as a patient and ask the patient's consent — or lose what they typed in the middle of
        // accepting. But a link opened and left must not come back at every /start either: it is named, with the way
        // on and the way out, each one press. At its language question (no language to say it in yet) it is asked again.
        const invited = stack.findLast(isInvite);
        if (invited) {
          stack = [...stack.filter((e) => e !== invited), invited];
          setAside();
          return void deliver({ type: "REPEAT" });
        }
        const draft = stack.find((e) => e.flow === "notice");
        if (draft && hasUnsaved(flows.notice!, draft)) {
          // A half-filled notice is never dropped silently: continue it, or discard it on purpose.
          effects.push(
            say("notice.resume", {
              buttons: [[{ key: "notice.continue", ...act(continueNotice, {}) }, { key: "notice.discard", ...act(discardNotice, { at: draft.prompt }) }]],
            }),
          );
          return;
        }
        // Any other flow holding what was typed (a sitting being scheduled, a proposal, a message): asked, as /cancel
        // asks, and nothing is touched until the answer — «No» is back exactly where the user was.
        const held = stack.findLast((e) => e.flow !== "notice" && hasUnsaved(flows[e.flow]!, e));
        if (held) {
          const at = `${held.flow}.${held.prompt}`;
          effects.push(
            say("cancel.confirm", {
              buttons: [[{ key: "cancel.yes", ...act(confirmStart, { answer: "yes", at }) }, { key: "cancel.no", ...act(confirmStart, { answer: "no", at }) }]],
            }),
          );
          return;
        }
        stack = [];
        return start(flows.onboarding ?? onboardingFlow);
      }
      case "menu":
        return void effects.push(menuEffect(profile, { all: true }));
      case "notice":
        return notice();
      case "cases":
        // A notice begun and not saved is named where the cases are not: it is no case yet, and it is not lost.
        return void effects.push({ type: "showCases", ...(stack.some((e) => e.flow === "notice") ? { draft: true as const } : {}) });
      case "explain":
        return explain();
      case "help": {
        // Its role's help, and a line for each other role held (an admin who is also staff: their /inbox); then the way
        // on — the open flow's question, or the home — as after a button: help read is no dead end.
        const primary = primaryRole(profile.roles);
        const also = (["staff", "mediator"] as const).filter((r) => r !== primary && profile.roles.includes(r));
        // Someone who consented only as a relative follows a case: not told they can invite a relative (the applicant does).
        const relative = primary === "applicant" && profile.hasConsent && profile.consentText === "relative";
        effects.push(say(`help.${relative ? "relative" : primary}`), ...also.map((r) => say(`help.also.${r}`)));
        return repeatOrMenu();
      }
      case "language":
        return languagePrompt();
      case "privacy":
        return privacy();
      case "cancel":
        return cancel();
      default: {
        // A command a feature adds (/admin, /inbox), for whom it allows.
        const c = registry.command(name);
        if (c && commandAllowed(c, profile)) return c.run(router);
        if (c?.refused) {
          effects.push(say(c.refused));
          repeatOrMenu();
        } else unknown();
        // A role's command this user may not use: their chat's menu may still offer it (an admin taken out of
        // ADMIN_IDS keeps the menu set while they were one), so it is set again to the roles held now.
        if (c) effects.push({ type: "refreshCommands" });
        return;
      }
    }
  };
  const unknown = () => {
    effects.push(say("common.unknownCommand"));
    repeatOrMenu();
  };
  const stale = () => {
    toast = "common.staleButton";
    repeatOrMenu();
  };
  const open = (name: string, input?: object, as?: OpenedAs) => {
    const def = flows[name];
    if (!def) return stale();
    stack = stack.filter((e) => e.flow !== name && e.flow !== "onboarding");
    start(def, input, as);
  };
  const router: Router = {
    profile,
    emit: (...more) => void effects.push(...more),
    open,
    explain,
    notice,
    command,
    deliver,
    repeatOrMenu,
    menu: () => void effects.push(menuEffect(profile, homeOf)),
    stale,
    resumeOrMenu,
    top,
    find: (name) => stack.find((e) => e.flow === name),
    pop: () => void (stack = stack.slice(0, -1)),
    cancelTop,
    drop: (name) => void (stack = stack.filter((e) => e.flow !== name)),
    raise: (name) => {
      const entry = stack.findLast((e) => e.flow === name);
      if (!entry) return;
      const { paused: _, ...going } = entry;
      stack = [...stack.filter((e) => e !== entry), going];
    },
  };

  // A role's step left open when the role was taken away (staff recording a receipt, a mediator's proposal, an admin's
  // organisation): it goes, and they are told why in their language — nothing of it was recorded. Words typed for it or
  // a button of its question answer nothing then: what is under it comes back, or their home as they stand now. A
  // command or another button goes on as it would. A flow of every side (a mediation's message, counter-offer, signed
  // agreement) goes likewise when the role it was opened in (`as`: staff, of the case's organisation) was taken away, and
  // staff's own flow on a case (a receipt, a sitting) when they are no longer staff of the organisation it was opened for.
  const revoked = stack.filter((e) => {
    const as = openedAs(e, flows);
    return as !== null && (!profile.roles.includes(as.role) || (as.org !== undefined && profile.staffOrgs !== undefined && !profile.staffOrgs.includes(as.org.id)));
  });
  if (revoked.length && input.kind !== "reply") {
    const answered = revoked.includes(top()!) && (input.kind !== "command" && (input.kind !== "button" || decodeButton(input.data, registry, profile).kind === "answer"));
    stack = stack.filter((e) => !revoked.includes(e));
    homeOf = {};
    // Staff still of another organisation are told which organisation's role ended: not that they are no staff at all.
    const ended = openedAs(revoked[revoked.length - 1]!, flows)!;
    effects.push(ended.org && profile.roles.includes("staff") ? say("roles.flowEnded.staffOf", { params: { org: ended.org.name } }) : say(`roles.flowEnded.${ended.role}`));
    if (answered) {
      resumeOrMenu();
      return { stack, effects };
    }
  }

  // An invite's question answered (words, a button of it, the relative's consent) once its link no longer works — someone
  // else joined by it, it was revoked or it expired since it was opened — or once they are on its case or hold its role:
  // said at that answer, as opening the link again would say it, and the invite goes. Nothing more is asked, nothing of
  // it recorded (a relative's consent); what was under it comes back, or the menu.
  const held = top();
  if (held && isInvite(held) && profile.heldInvite && (held.snapshot.context as { token?: string }).token === profile.heldInvite.token && answersInvite(input, registry, profile)) {
    const bilingual = profile.language === null;
    const refusal = held.flow === "join" ? caseInviteRefusal(profile.heldInvite.caseInvite, bilingual) : roleInviteRefusal(profile.heldInvite.roleInvite, bilingual);
    if (refusal) {
      stack = stack.filter((e) => e !== held);
      effects.push(refusal);
      if (bilingual) {
        stack = [];
        start(flows.onboarding ?? onboardingFlow);
      } else repeatOrMenu();
      return { stack, effects };
    }
  }

  // A relative's invite link (t.me/<bot>?start=c_<token>): the join flow asks what it needs, even the language.
  const caseInvite = input.kind === "command" && input.command === "start" ? CASE_INVITE.exec(input.payload) : null;
  if (caseInvite) {
    // This link's join begun before (its questions left half-answered): it goes when the link is spent or they are on the
    // case — its question must not follow the answer that the link no longer works (someone else joined by it meanwhile).
    const thisLink = (e: StackEntry) => e.flow === "join" && (e.snapshot.context as { token?: string }).token === caseInvite[1];
    if (!profile.caseInvite || profile.caseInvite.already) stack = stack.filter((e) => !thisLink(e));
    if (!profile.caseInvite) {
      // Said at once, before any question: nobody answers three questions to learn the link is spent.
      effects.push(say("admin.inviteInvalid", { bilingual: profile.language === null }));
      if (profile.language === null) {
        stack = [];
        start(flows.onboarding ?? onboardingFlow);
      } else repeatOrMenu();
      return { stack, effects };
    }
    // Someone on the case already (the applicant opening their own link) is told so at once, not asked who they are.
    if (profile.caseInvite.already) {
      effects.push(say("relatives.already", { params: { number: profile.caseInvite.number } }));
      repeatOrMenu();
      return { stack, effects };
    }
    stack = stack.filter((e) => e.flow !== "onboarding" && e.flow !== "join");
    start(flows.join ?? joinFlow, { token: caseInvite[1], number: profile.caseInvite.number });
    return { stack, effects };
  }

  // A staff or mediator invite link: checked before deciding, like a relative's; the join flow asks what it
  // needs (even the language), never the patient's onboarding.
  if (input.kind === "command" && input.command === "start" && INVITE_TOKEN.test(input.payload)) {
    // This link's join begun before (its questions left half-answered): it goes with the answer that the link no longer
    // works, or that the role is theirs already — its question must not follow that answer.
    const token = input.payload;
    if (!profile.roleInvite || profile.roleInvite.already) stack = stack.filter((e) => !(e.flow === "roleJoin" && (e.snapshot.context as { token?: string }).token === token));
    if (!profile.roleInvite) {
      effects.push(say("admin.inviteInvalid", { bilingual: profile.language === null }));
      if (profile.language === null) {
        stack = [];
        start(flows.onboarding ?? onboardingFlow);
      } else repeatOrMenu();
      return { stack, effects };
    }
    // The admin who made it: asked whether they take the role themselves (what it shows them, besides administering)
    // or keep the link for a colleague — a clinic whose secretary is the bot's only admin has nobody else to invite them.
    if (profile.roleInvite.own) {
      effects.push({ type: "askOwnInvite", token: input.payload });
      return { stack, effects };
    }
    // Staff of that organisation, or a mediator, already: told at once, before any question; the invite stays unused.
    if (profile.roleInvite.already) {
      const bilingual = profile.language === null;
      effects.push(roleInviteRefusal(profile.roleInvite, bilingual)!);
      if (bilingual) {
        stack = [];
        start(flows.onboarding ?? onboardingFlow);
      } else repeatOrMenu();
      return { stack, effects };
    }
    stack = stack.filter((e) => e.flow !== "onboarding" && e.flow !== "roleJoin");
    start(flows.roleJoin ?? roleJoinFlow, { token: input.payload, role: profile.roleInvite.role, org: profile.roleInvite.org });
    return { stack, effects };
  }

  // Nothing can be said to a user whose language is unknown but the language question: a language button
  // is taken; text or media inside onboarding get its bilingual hint; anything else starts onboarding.
  const languageButton = input.kind === "button" && isLanguageButton(input.data, registry);
  const answersOnboarding = (top()?.flow === "onboarding" || top()?.flow === "join" || top()?.flow === "roleJoin") && (input.kind === "text" || input.kind === "media" || input.kind === "edited");
  // /start at an invite's language question: asked again there (command("start")), the invite kept.
  const restartsInvite = input.kind === "command" && input.command === "start" && stack.some((e) => e.flow === "join" || e.flow === "roleJoin");
  if (input.kind === "reply") {
    // A flow the bot let this user open (after checking the case is theirs to act on).
    if (input.event.type === "OPEN") open(input.event.flow, input.event.input, input.event.as);
    // Consent withdrawn: the drafts go at once (the notice's and the particulars' answers are never stored anywhere
    // else), and the home follows the confirmation. Shown again instead, the explanation takes nothing and stays the
    // chat's last message, with its buttons, as when it was shown first.
    else if (input.event.type === "WITHDRAWN") {
      stack = stack.filter((e) => e.flow !== "notice" && e.flow !== "particulars");
      effects.push(menuEffect(profile, homeOf));
    }
    // An invite set aside, its link looked up at «Продолжить»: its question again; or, the link no longer good (the bot
    // said why), it goes, and what was under it comes back.
    else if (input.event.type === "INVITE") {
      const { flow, valid } = input.event;
      if (valid) {
        router.raise(flow);
        deliver({ type: "REPEAT" });
      } else {
        stack = stack.filter((e) => e.flow !== flow);
        setAside();
        repeatOrMenu();
      }
    }
    // A button's action carried out with nothing more to ask: never a dead end.
    else if (input.event.type === "DONE") {
      if (input.event.role) homeOf = { role: input.event.role };
      repeatOrMenu();
    }
    // Nothing to say when the flow does not take it: it moved on in the meantime.
    else deliver(input.event, () => undefined);
    return { stack, effects };
  }
  // Staff, mediators and admins whose app speaks Kazakh or Russian: that language, and on with what they asked
  // (an admin's first /admin opens their door at once); they have no patient onboarding.
  const appLanguage = isLang(profile.telegramLanguage) ? profile.telegramLanguage : null;
  if (profile.language === null && appLanguage && primaryRole(profile.roles) !== "applicant" && !languageButton) {
    effects.push({ type: "setLanguage", language: appLanguage });
    profile = { ...profile, language: appLanguage };
  }
  if (profile.language === null && !languageButton && !answersOnboarding && !restartsInvite) {
    stack = [];
    // A command that goes somewhere (/notice, /cases, /help…) is kept through onboarding and run at its end.
    const then = input.kind === "command" && (CARRIED.includes(input.command) || carriedFeature(registry.command(input.command), profile)) ? input.command : null;
    start(flows.onboarding ?? onboardingFlow, then ? { then } : undefined);
    return { stack, effects };
  }

  switch (input.kind) {
    case "command":
      command(input.command);
      break;
    case "text":
      if (!deliver({ type: "TEXT", text: input.text })) effects.push(say("common.notUnderstood"), menuEffect(profile, homeOf));
      break;
    case "media":
      if (!deliver({ type: "MEDIA", media: input.media, ...(input.group ? { group: input.group } : {}) })) effects.push(say(notTaken({ type: "MEDIA", media: input.media })), menuEffect(profile, homeOf));
      break;
    case "file": {
      // Text written with a file (its caption — the story, say) is kept by no question but one that takes it with the file
      // (a mediation's message, TAKES_CAPTION): elsewhere said first, so that it is sent again as a message; the
      // question, if any, stays last.
      const at = effects.length;
      const takes = input.caption !== undefined && topTakesCaption();
      if (input.caption !== undefined && !takes) effects.push(say("common.captionNotKept"));
      // With no question open, a file is kept nowhere: said so — «not understood» left one thinking it was added.
      if (!deliver({ type: "FILE", file: input.file, ...(input.group ? { group: input.group } : {}), ...(takes ? { caption: input.caption } : {}) })) {
        effects.splice(at);
        effects.push(say("common.fileNotKept"), menuEffect(profile, homeOf));
      }
      break;
    }
    case "edited":
      // The bot took the message as first sent; the change reaches no flow. Said, so that nobody thinks the answer
      // was corrected (the question, if any, stays last); a notice being filled in can still be put right at its review.
      // Before a language is chosen (an invite's language question), in both.
      effects.push(say(top()?.flow === "notice" ? "common.editNotReadNotice" : "common.editNotRead", profile.language === null ? { bilingual: true } : {}));
      repeatOrMenu();
      break;
    case "contact":
      if (!deliver({ type: "CONTACT", phone: input.phone, own: input.userId === profile.userId })) effects.push(say("common.notUnderstood"), menuEffect(profile, homeOf));
      break;
    case "button": {
      const pressed = decodeButton(input.data, registry, profile);
      if (pressed.kind === "action" && pressed.allowed) {
        const acting = pressed.def.side ?? (["staff", "mediator", "admin"] as const).find((r) => pressed.def.allow?.includes(r) && profile.roles.includes(r));
        if (acting) homeOf = { role: acting };
        pressed.def.run(pressed.params, router);
        if (acting) return toast ? { stack, effects, toast, acting } : { stack, effects, acting };
      }
      else if (pressed.kind === "answer" && pressed.prompt === top()?.prompt) deliver({ type: "CHOICE", value: pressed.value });
      // A button from an answered question, someone else's, or data nobody sent: say so, and ask what is current.
      else stale();
      break;
    }
  }
  return toast ? { stack, effects, toast } : { stack, effects };
};

/** What onboarding finished with: the language, the consent, and the command asked for before it, if any. */
interface OnboardingDone {
  language?: Lang | null;
  hasConsent?: boolean;
  then?: string | null;
}
/**
 * Commands that, typed before any language was chosen, are run once onboarding is done; /start, /menu end at the home
 * anyway, /language and /privacy ask what onboarding has just asked, /cancel has nothing to leave, and /cases would
 * only say there is none yet (nobody without a language has a case), with no button: the home says more. A feature's
 * (/mydata, /inbox, /admin) is carried too, for whom it allows.
 */
const CARRIED: readonly string[] = ["notice", "explain", "help"];
/** A feature's command is carried only for whom it allows: someone new typing /inbox is not told after it «no such command». */
const carriedFeature = (c: CommandDef | undefined, profile: Profile): boolean => c !== undefined && commandAllowed(c, profile);

/**
 * The role a flow on the stack acts in: its FlowDef's, with the organisation it was opened for (staff's own flows on a
 * case), else the one it was opened in (OpenedAs); null for an applicant's.
 */
const openedAs = (e: StackEntry, flows: Flows): OpenedAs | null => {
  const role = flows[e.flow]?.role;
  if (role !== undefined) return role === "applicant" ? null : { role, ...(e.as?.org ? { org: e.as.org } : {}) };
  return e.as ?? null;
};

const isInvite = (e: StackEntry): boolean => e.flow === "join" || e.flow === "roleJoin";

/** Whether the input answers the question of the invite on top: words or a file, a button of its question, the relative's consent. */
const answersInvite = (input: Input, registry: Registry, profile: Profile): boolean => {
  if (input.kind === "text" || input.kind === "media" || input.kind === "file" || input.kind === "contact") return true;
  if (input.kind !== "button") return false;
  const pressed = decodeButton(input.data, registry, profile);
  return pressed.kind === "answer" || (pressed.kind === "action" && pressed.def === giveConsent);
};

/** What opening a relative's link says when nobody can join by it, or they are on its case already; null when it can be used (or was not looked up). */
const caseInviteRefusal = (found: Profile["caseInvite"], bilingual: boolean): Effect | null => {
  if (found === undefined) return null;
  if (found === null) return say("admin.inviteInvalid", { bilingual });
  return found.already ? say("relatives.already", { params: { number: found.number } }) : null;
};

/** What opening a staff or mediator link says when nobody can join by it, or the role is theirs already; null when it can be used (or was not looked up). */
const roleInviteRefusal = (found: Profile["roleInvite"], bilingual: boolean): Effect | null => {
  if (found === undefined) return null;
  if (found === null) return say("admin.inviteInvalid", { bilingual });
  if (!found.already) return null;
  const { role, org, used } = found;
  // Their own link tapped again: it is not «not needed, a colleague can use it» — it was used, by them.
  const key = used ? (role === "mediator" ? "admin.joinedByItMediator" : "admin.joinedByItStaff") : role === "mediator" ? "admin.alreadyMediator" : "admin.alreadyStaff";
  return say(key, { ...(role === "mediator" ? {} : { params: { org: org ?? "" } }), bilingual });
};

/** An invite set aside (/start, or the step above it ended): which invite it is, «continue» or «drop» (bound to its question). */
const inviteLeft = (entry: StackEntry): Effect => {
  const at = `${entry.flow}.${entry.prompt}`;
  const context = entry.snapshot.context as { number?: string; role?: string; org?: Bilingual | null; inviteId?: number | null };
  const buttons = (go: string, drop: string) => [[{ key: go, ...act(resumeInvite, { answer: "continue", at }) }], [{ key: drop, ...act(resumeInvite, { answer: "drop", at }) }]];
  if (entry.flow === "join") return say("relatives.resume", { params: { number: context.number ?? "" }, buttons: buttons("relatives.resumeContinue", "relatives.resumeDrop") });
  // An admin's door is not an invite: it is put off, and /admin opens it again.
  if (context.role === "admin") return say("roles.resume.admin", { buttons: buttons("roles.resumeContinue", "roles.resumeLater") });
  // The admin taking an invite they made themselves was not invited: their registration in the role is unfinished.
  const role = context.role === "mediator" ? "mediator" : "staff";
  if (context.inviteId) return say(`roles.resume.own${role === "mediator" ? "Mediator" : "Staff"}`, { params: { org: context.org ?? "" }, buttons: buttons("roles.resumeContinue", "roles.resumeOwnDrop") });
  return say(`roles.resume.${role}`, { params: { org: context.org ?? "" }, buttons: buttons("roles.resumeContinue", "roles.resumeDrop") });
};

const isRestorable = (def: FlowDef, entry: StackEntry): boolean => {
  try {
    restore(def, entry);
    return true;
  } catch {
    return false;
  }
};
