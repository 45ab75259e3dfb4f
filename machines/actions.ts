// Buttons as typed actions, and the one codec between them and Telegram's callback data.
//
// An action is declared once, beside the feature that owns it: a readable name, a short wire code, its
// parameters (a zod object whose fields read the wire's strings), who may press it, and what pressing it
// does — through the chat router, purely (open a flow, say something, ask the bot for a domain effect).
// `act(def, params)` makes a button's data; `decodeButton` reads any callback data back into an action
// with checked parameters, a flow's answer, or "stale" — a forged, outdated or garbled button, in one place.
//
// Wire format: "g:<code>[:<param>…]" for actions (a button's `value` is what follows "g:"),
// "f<prompt>:<value>" for an answer to a flow's question.
// Codes stay short and never change meaning, so buttons on messages already in people's chats keep working
// after a release; the readable name is what code and logs use.
import { z } from "zod";
import { CONSENT_TEXTS, isOutcome, type ActionData, type Button, type ConsentText, type Effect } from "./effects.js";
import type { FlowEvent, Profile, Role, StackEntry } from "./flow.js";

/** Telegram's limit on callback data, in bytes. */
export const CALLBACK_DATA_MAX = 64;

/** What an action may ask of the chat router. */
export interface Router {
  readonly profile: Profile;
  /** Adds effects to the decision: something to say, or a domain effect for the bot to carry out. */
  emit(...effects: Effect[]): void;
  /** Opens a flow on top of the chat (replacing an unfinished copy of it and onboarding). */
  open(flow: string, input?: object): void;
  /** Opens the explainer over whatever the user is in; `input` opens it at the payment table. */
  explain(input?: object): void;
  /** Opens the notice: the draft in progress if there is one, else a new one. */
  notice(): void;
  /** Runs a command as if typed. */
  command(name: string): void;
  /** Sends an event to the flow on top; false when there is none. */
  deliver(event: FlowEvent, ignored?: () => void): boolean;
  /** Asks the current question again, or shows the menu when no flow is open. */
  repeatOrMenu(): void;
  /** After cancelTop: the question of the flow now on top, shown anew (a consent's whole text), or the menu. */
  resumeOrMenu(): void;
  menu(): void;
  /** The button is spent, forged or not this user's to press: say so, and ask what is current. */
  stale(): void;
  top(): StackEntry | undefined;
  /** The chat's copy of a named flow, wherever it is in the stack. */
  find(flow: string): StackEntry | undefined;
  /** Leaves the flow on top, or every copy of a named flow. */
  pop(): void;
  /** /cancel's leaving of the flow on top: it goes, and the user is told what that means (the flow's own words, or «Отменено.»). */
  cancelTop(): void;
  drop(flow: string): void;
  /** Moves the chat's copy of a named flow to the top of the stack, taken up again (its question is then the current one, an invite set aside too). */
  raise(flow: string): void;
}

type Shape = Record<string, z.ZodType<unknown, string | undefined>>;

export interface ActionDef<S extends Shape = Shape> {
  /** Readable: "<feature>.<what>". */
  readonly name: string;
  /** On the wire; short, and never reused for another meaning. May contain ":" (e.g. "adm:staff"). */
  readonly code: string;
  /** The parameters, in wire order; each field parses the wire's string (see `id`, `oneOf`). */
  readonly params: z.ZodObject<S>;
  /** Who may press it (any of these roles); absent: anyone, and the bot checks the case itself. */
  readonly allow?: readonly Role[];
  /**
   * Whose button it is when `allow` names no role: "applicant" for the buttons of a case's applicant (or relative) —
   * open to anyone, the service checks the case. The home after it (a DONE with no role) is then the applicant's menu,
   * not the home of another role the presser holds (an admin who is also an applicant) — but after a refusal, to someone
   * who holds another role and is on no case, that role's home (bot/core/people.ts, refusedHome).
   */
  readonly side?: "applicant";
  run(params: z.output<z.ZodObject<S>>, r: Router): void;
}
export type AnyActionDef = ActionDef<Shape>;

/** A command that a feature adds (typed as "/name"); `allow` as for actions — others get "unknown command". */
export interface CommandDef {
  readonly name: string;
  readonly allow?: readonly Role[];
  /**
   * What someone without the role is told (a locale key) — a staff member whose role was revoked, pressing their old
   * home's «Дела организации» — instead of «Такой команды нет». Without it, the command is not revealed.
   */
  readonly refused?: string;
  readonly run: (r: Router) => void;
}

export const defineAction = <S extends Shape>(def: ActionDef<S>): ActionDef<S> => def;

/** Parameter types: a record id; one of a few words; a short token without ":". */
export const id = z
  .string()
  .regex(/^\d{1,9}$/)
  .transform(Number);
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => z.enum(values);
/** A calendar date, "YYYY-MM-DD". */
export const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export const word = (max = 32) => z.string().regex(new RegExp(`^[A-Za-z0-9_.-]{1,${max}}$`));

const isAllowed = (def: { allow?: readonly Role[] }, profile: Profile): boolean => !def.allow || def.allow.some((r) => profile.roles.includes(r));

/** An action with these parameters, as a button's value (callback data without its "g:"). */
export const encodeAction = <S extends Shape>(def: ActionDef<S>, params: z.output<z.ZodObject<S>>): ActionData => {
  const values = params as Record<string, unknown>;
  const parts = [def.code];
  let ended = false;
  for (const k of Object.keys(def.params.shape)) {
    const v = values[k];
    if (v === undefined) {
      ended = true;
      continue;
    }
    const s = typeof v === "number" || typeof v === "string" ? String(v) : "";
    if (ended || s.includes(":") || s === "") throw new Error(`action ${def.name}: parameter ${k} cannot be encoded`);
    parts.push(s);
  }
  // What is encoded must read back: a bad id makes a loud error here, not a dead button in someone's chat.
  const keys = Object.keys(def.params.shape);
  if (!def.params.safeParse(Object.fromEntries(parts.slice(1).map((p, i) => [keys[i], p]))).success) throw new Error(`action ${def.name}: parameters do not read back`);
  const value = parts.join(":");
  if (new TextEncoder().encode(callbackData({ value, global: true }, 0)).length > CALLBACK_DATA_MAX) throw new Error(`action ${def.name}: callback data over ${CALLBACK_DATA_MAX} bytes`);
  return value as ActionData;
};

/** A button that triggers an action: spread it into a button with its label (`{ key, ...act(def, params) }`). */
export const act = <S extends Shape>(def: ActionDef<S>, params: z.output<z.ZodObject<S>>): { value: ActionData; global: true } => ({
  value: encodeAction(def, params),
  global: true,
});

/** The callback data of a button: an action's as made by `act`; a flow answer's bound to its question. */
export const callbackData = (b: { value: string; global?: boolean }, prompt: number): string => (b.global ? `g:${b.value}` : `f${prompt}:${b.value}`);

/** Every action and feature command the router knows; a code, a name or a command declared twice is refused. */
export class Registry {
  private readonly byCode = new Map<string, AnyActionDef>();
  private readonly byName = new Map<string, AnyActionDef>();
  private readonly commandsByName = new Map<string, CommandDef>();

  constructor(actions: readonly AnyActionDef[], commands: readonly CommandDef[] = []) {
    for (const a of actions) {
      if (this.byCode.has(a.code) || this.byName.has(a.name)) throw new Error(`action declared twice: ${a.name} (${a.code})`);
      this.byCode.set(a.code, a);
      this.byName.set(a.name, a);
    }
    for (const c of commands) {
      if (this.commandsByName.has(c.name)) throw new Error(`command declared twice: /${c.name}`);
      this.commandsByName.set(c.name, c);
    }
  }

  get actions(): AnyActionDef[] {
    return [...this.byCode.values()];
  }

  command(name: string): CommandDef | undefined {
    return this.commandsByName.get(name);
  }

  /** An action's wire data back into the action; null for anything that is not one of its buttons. */
  decodeAction(data: string): { def: AnyActionDef; params: Record<string, unknown> } | null {
    if (!data.startsWith("g:")) return null;
    const parts = data.slice(2).split(":");
    // Codes have one or two segments ("case", "adm:staff"): the longer match wins.
    for (const n of [2, 1]) {
      const def = this.byCode.get(parts.slice(0, n).join(":"));
      if (!def) continue;
      const args = parts.slice(n);
      const keys = Object.keys(def.params.shape);
      if (args.length > keys.length) return null;
      const parsed = def.params.safeParse(Object.fromEntries(keys.map((k, i) => [k, args[i]])));
      return parsed.success ? { def, params: parsed.data as Record<string, unknown> } : null;
    }
    return null;
  }
}

export type Pressed =
  | { kind: "action"; def: AnyActionDef; params: Record<string, unknown>; allowed: boolean }
  | { kind: "answer"; prompt: number; value: string }
  | { kind: "stale" };

/** Any callback data: an action (with whether this user may press it), an answer to a flow's question, or stale. */
export const decodeButton = (data: string, registry: Registry, profile: Profile): Pressed => {
  const action = registry.decodeAction(data);
  if (action) return { kind: "action", ...action, allowed: isAllowed(action.def, profile) };
  const f = /^f(\d+):(.+)$/.exec(data);
  return f ? { kind: "answer", prompt: Number(f[1]), value: f[2]! } : { kind: "stale" };
};

/** Whether a feature command may be run by this user. */
export const commandAllowed = (c: CommandDef, profile: Profile): boolean => isAllowed(c, profile);

// ——— The actions every chat has: language, consent, /cancel's confirmation, the menu, a draft notice, the explainer ———

export const chooseLanguage = defineAction({
  name: "core/language",
  code: "lang",
  params: z.object({ lang: oneOf(["kk", "ru"]) }),
  run: ({ lang }, r) => {
    r.emit({ type: "setLanguage", language: lang }, { type: "say", key: "language.changed" });
    if (!r.deliver({ type: "LANGUAGE", language: lang }, () => undefined)) r.menu();
  },
});

export const giveConsent = defineAction({
  name: "core/consent",
  code: "consent",
  // text: the consent text shown with the buttons (absent on buttons made before: a relative's only in the join flow).
  params: z.object({ answer: oneOf(["yes", "no"]), text: oneOf(CONSENT_TEXTS).optional() }),
  run: ({ answer, text }, r) => {
    const given = answer === "yes";
    const shown: ConsentText = text ?? (r.top()?.flow === "join" ? "relative" : "applicant");
    // The applicant's consent covers joining a case too; a relative's does not cover a notice.
    const had = r.profile.hasConsent && (shown === "relative" || r.profile.consentText !== "relative");
    if (given && !had) r.emit({ type: "recordConsent", text: shown });
    const reply = () => r.emit({ type: "say", key: given ? (had ? "privacy.already" : "privacy.thanks") : "privacy.declined" });
    if (!r.deliver({ type: "CONSENT", given }, reply)) {
      reply();
      r.menu();
    }
  },
});

/** /cancel's confirmation, bound to the flow's question it was asked at: an old one cannot discard later work. */
export const confirmCancel = defineAction({
  name: "core/cancel",
  code: "cancel",
  params: z.object({ answer: oneOf(["yes", "no"]), at: word(48) }),
  run: ({ answer, at }, r) => {
    const entry = r.top();
    if (!entry || at !== `${entry.flow}.${entry.prompt}`) return r.stale();
    if (answer === "no") return r.repeatOrMenu();
    r.cancelTop();
    r.resumeOrMenu();
  },
});

/**
 * /start over a flow that holds typed answers (a sitting being scheduled, a proposal, a message): asked first,
 * with nothing touched until then. `at` binds the answer to that flow's question when asked ("<flow>.<prompt>"),
 * wherever it is in the stack: «Yes» throws it away and goes where /start goes; «No» asks the current question again.
 */
export const confirmStart = defineAction({
  name: "core/start",
  code: "restart",
  params: z.object({ answer: oneOf(["yes", "no"]), at: word(48) }),
  run: ({ answer, at }, r) => {
    const flow = at.slice(0, at.lastIndexOf("."));
    const entry = r.find(flow);
    if (!entry || at !== `${entry.flow}.${entry.prompt}`) return r.stale();
    if (answer === "no") return r.repeatOrMenu();
    r.drop(flow);
    r.emit({ type: "say", key: "cancel.done" });
    r.command("start");
  },
});

/** /privacy → withdraw consent: what it means first, then a confirmation (law.md §7). */
export const withdrawConsent = defineAction({
  name: "core/withdrawConsent",
  code: "withdraw",
  // seen: the newest of the user's cases when the explanation was shown ("yes" only; absent on buttons made before).
  params: z.object({ step: oneOf(["ask", "yes", "no"]), seen: id.optional() }),
  run: ({ step, seen }, r) => {
    if (!r.profile.hasConsent) return r.repeatOrMenu();
    // The explanation names the user's notices whose receipt is not recorded (the bot reads them), each with a
    // button to record its hand-in first; its own buttons then say yes or no (withdrawButtons).
    if (step === "ask") return r.emit({ type: "explainWithdrawal" });
    if (step === "no") {
      r.emit({ type: "say", key: "privacy.withdrawKept" });
      return r.repeatOrMenu();
    }
    // A button made before it carried `seen` knew of no notice: any saved one is explained first. The drafts go,
    // and the home follows, only on a withdrawal done (the bot's WITHDRAWN reply, machines/chat.ts), not when the
    // explanation is shown again.
    r.emit({ type: "withdrawConsent", seen: seen ?? 0 });
  },
});

/** The withdrawal's explanation's answers: withdraw (bound to the cases the explanation named: `seen`), or keep consent. */
export const withdrawButtons = (seen: number): Button[][] => [[{ key: "privacy.withdrawYes", ...act(withdrawConsent, { step: "yes", seen }) }], [{ key: "privacy.withdrawNo", ...act(withdrawConsent, { step: "no" }) }]];

export const MENU_ITEMS = ["notice", "cases", "explain", "help", "language", "privacy", "inbox", "admin", "menu"] as const;
export const openMenuItem = defineAction({
  name: "core/menu",
  code: "menu",
  params: z.object({ item: oneOf(MENU_ITEMS) }),
  run: ({ item }, r) => r.command(item),
});

/**
 * An invite opened and left (a relative's, staff's, a mediator's; an admin's door), named at /start or when the step
 * above it ends (/cancel of a notice, the explainer closed): go on with it, or drop it
 * — the flow says what dropping means (the link opens again while it is valid), and /start goes on as if nothing were
 * open. `at` binds the answer to the invite's question when asked ("<flow>.<prompt>"): a question answered since makes
 * the button stale. Going on, the link is looked up first (checkInvite): one expired meanwhile is said so at once, not
 * after every question again.
 */
export const resumeInvite = defineAction({
  name: "core/resumeInvite",
  code: "invresume",
  // `at` is "roleJoin.<prompt>" at the longest (a prompt has at most seven digits): 40 keeps the data within Telegram's 64 bytes.
  params: z.object({ answer: oneOf(["continue", "drop"]), at: word(40) }),
  run: ({ answer, at }, r) => {
    const flow = at.slice(0, at.lastIndexOf("."));
    const entry = flow === "join" || flow === "roleJoin" ? r.find(flow) : undefined;
    if (!entry || at !== `${entry.flow}.${entry.prompt}`) return r.stale();
    // Going on with an invite: its link is looked up first (it may have expired meanwhile); an admin's door has none.
    // An admin taking their own invite: the flow names it by its id.
    const { token, inviteId } = entry.snapshot.context as { token?: string; inviteId?: number | null };
    if (answer === "continue" && (token || inviteId)) return r.emit({ type: "checkInvite", flow: entry.flow as "join" | "roleJoin", token: token ?? "", ...(inviteId ? { inviteId } : {}) });
    r.raise(flow);
    if (answer === "continue") return void r.deliver({ type: "REPEAT" });
    r.cancelTop();
    r.command("start");
  },
});

export const continueNotice = defineAction({ name: "notice/continue", code: "notice:continue", params: z.object({}), run: (_, r) => r.notice() });
/**
 * Deletes the unfinished notice, as it stood when the button was offered (`at`, its question's number then): a
 * draft continued since — with «Продолжить» on the same message — is not thrown away by a later touch of «Удалить».
 */
export const discardNotice = defineAction({
  name: "notice/discard",
  code: "notice:discard",
  params: z.object({ at: id.optional() }),
  run: ({ at }, r) => {
    if (r.find("notice")?.prompt !== at) return r.stale();
    r.drop("notice");
    r.emit({ type: "say", key: "notice.discarded" });
    r.repeatOrMenu();
  },
});

/**
 * The explainer; `death` (from a notice whose patient died) makes its payment table begin with condolence, as a
 * case's does (language.md, Tone) — no row is marked: the notice is not a case yet.
 */
export const openExplainer = defineAction({
  name: "explainer/open",
  code: "explain",
  params: z.object({ death: oneOf(["1"]).optional() }),
  run: ({ death }, r) => r.explain(death ? { condolence: true } : undefined),
});
/** The payment table, with one outcome's row marked (a case's); «◀ Back» on it returns to that case (`caseId`). */
export const openPayments = defineAction({
  name: "explainer/payments",
  code: "payments",
  params: z.object({ highlight: word(20).optional(), caseId: id.optional() }),
  run: ({ highlight, caseId }, r) => r.explain({ start: "payments", highlight: highlight && isOutcome(highlight) ? highlight : null, caseId: caseId ?? null }),
});

export const CORE_ACTIONS: readonly AnyActionDef[] = [chooseLanguage, giveConsent, withdrawConsent, confirmCancel, confirmStart, resumeInvite, openMenuItem, continueNotice, discardNotice, openExplainer, openPayments];

/** Whether callback data is the language button (the one press a user whose language is unknown can make). */
export const isLanguageButton = (data: string, registry: Registry): boolean => registry.decodeAction(data)?.def === chooseLanguage;
