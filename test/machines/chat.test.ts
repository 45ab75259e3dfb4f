// The chat router: global commands, buttons and the flow stack, through pure functions.
import { describe, expect, it } from "vitest";
import { decide, type StackEntry } from "../../machines/chat.js";
import type { Profile } from "../../machines/flow.js";
import { flowsWithNote } from "../helpers/fixtures.js";

const kk: Profile = { userId: 1, today: "2026-11-23", language: "kk", telegramLanguage: "kk", hasConsent: true, roles: [] };
const keys = (d: ReturnType<typeof decide>) => d.effects.map((e) => (e.type === "say" ? e.key : e.type));

/** A chat inside the note flow, at the step after the user typed something. */
const typedNote = (): StackEntry[] => [{ flow: "note", version: 1, prompt: 2, snapshot: { value: "typed", context: { note: "x" } } }];
const askingNote = (): StackEntry[] => [{ flow: "note", version: 1, prompt: 1, snapshot: { value: "asking", context: { note: null } } }];

describe("decide", () => {
  it("a relative's invite link: a spent one is refused before any question; a valid one asks who they are, naming the case", () => {
    const start = { kind: "command" as const, command: "start", payload: `c_${"a".repeat(32)}` };
    const spent = decide([], { ...kk, caseInvite: null }, start);
    expect(keys(spent)).toEqual(["admin.inviteInvalid", "menu.title"]);
    const someoneNew = decide([], { ...kk, language: null, telegramLanguage: "en", hasConsent: false, caseInvite: null }, start);
    expect(someoneNew.effects[0]).toMatchObject({ type: "say", key: "admin.inviteInvalid", bilingual: true });
    expect(someoneNew.stack.map((e) => e.flow)).toEqual(["onboarding"]);
    const valid = decide([], { ...kk, caseInvite: { number: "KZ-2026-000007" } }, start);
    expect(valid.effects).toEqual([expect.objectContaining({ type: "say", key: "relatives.askRelation", params: { number: "KZ-2026-000007" } })]);
    expect(valid.stack.map((e) => e.flow)).toEqual(["join"]);
  });

  it("a decision says only what its own step said, however many decisions of any flow came before it", () => {
    const text = { kind: "text" as const, text: "hello" };
    const first = decide(askingNote(), kk, text, flowsWithNote);
    // Other flows' steps in between (the onboarding of a new chat, the note's cancel), then the same step again.
    decide([], { ...kk, language: null, telegramLanguage: "en", hasConsent: false }, { kind: "command", command: "start", payload: "" });
    decide(typedNote(), kk, { kind: "command", command: "cancel", payload: "" }, flowsWithNote);
    expect(decide(askingNote(), kk, text, flowsWithNote)).toEqual(first);
    expect(first.effects.length).toBeGreaterThan(0);
  });

  it("a button's action done (the bot's DONE): the question of a flow on top again, else the home of the role that acted", () => {
    const done = (role?: "staff" | "mediator") => ({ kind: "reply" as const, event: { type: "DONE" as const, ...(role ? { role } : {}) } });
    // Inside a flow: its question again, the flow kept — not a home that leaves the question behind.
    const inFlow = decide(askingNote(), kk, done(), flowsWithNote);
    expect(keys(inFlow)).toEqual(["common.notUnderstood"]);
    expect(inFlow.stack).toEqual(askingNote());
    // No flow: an applicant's menu; staff who are also admins, the home of the role they acted in.
    expect(keys(decide([], kk, done()))).toEqual(["menu.title"]);
    expect(decide([], { ...kk, roles: ["admin", "staff"] }, done("staff")).effects).toEqual([{ type: "showHome", role: "staff" }]);
  });

  it("/cancel confirms first when typed data would be lost", () => {
    const d = decide(typedNote(), kk, { kind: "command", command: "cancel", payload: "" }, flowsWithNote);
    expect(keys(d)).toEqual(["cancel.confirm"]);
    expect(d.stack).toEqual(typedNote());
    const sent = d.effects.flatMap((e) => (e.type === "say" ? (e.buttons ?? []).flat() : []));
    const press = (key: string) => `g:${sent.find((b) => b.key === key)!.value}`;
    const yes = decide(d.stack, kk, { kind: "button", data: press("cancel.yes") }, flowsWithNote);
    expect(keys(yes)).toEqual(["cancel.done", "menu.title"]);
    expect(yes.stack).toEqual([]);
    const no = decide(d.stack, kk, { kind: "button", data: press("cancel.no") }, flowsWithNote);
    expect(no.stack[0]?.snapshot.value).toBe("typed");
    expect(keys(no)).toEqual(["common.useButtons"]);
  });

  it("/cancel of a flow opened over a notice at its own consent question, confirmed: the whole consent text again, as when a flow above ends", () => {
    const none = { ...kk, hasConsent: false };
    const asked = decide([], none, { kind: "command", command: "notice", payload: "" });
    expect(keys(asked)).toEqual(["privacy.consent"]);
    const d = decide([...asked.stack, ...typedNote()], none, { kind: "command", command: "cancel", payload: "" }, flowsWithNote);
    expect(keys(d)).toEqual(["cancel.confirm"]);
    const yes = d.effects.flatMap((e) => (e.type === "say" ? (e.buttons ?? []).flat() : [])).find((b) => b.key === "cancel.yes")!;
    const left = decide(d.stack, none, { kind: "button", data: `g:${yes.value}` }, flowsWithNote);
    // Before: privacy.consentQuestion, the text's last line alone.
    expect(keys(left)).toEqual(["cancel.done", "privacy.consent"]);
    expect(left.stack.map((e) => e.flow)).toEqual(["notice"]);
  });

  it("/cancel leaves at once when nothing typed would be lost", () => {
    const d = decide(askingNote(), kk, { kind: "command", command: "cancel", payload: "" }, flowsWithNote);
    expect(keys(d)).toEqual(["cancel.done", "menu.title"]);
    expect(d.stack).toEqual([]);
  });

  it("a button of the current question is delivered; the same button later is stale", () => {
    const ok = decide(askingNote(), kk, { kind: "button", data: "f1:skip" }, flowsWithNote);
    expect(ok.stack).toEqual([]);
    expect(ok.toast).toBeUndefined();
    const stale = decide(typedNote(), kk, { kind: "button", data: "f1:skip" }, flowsWithNote);
    expect(stale.toast).toBe("common.staleButton");
    expect(stale.stack[0]?.snapshot.value).toBe("typed");
  });

  it("a new question gets a new number; the same question asked again keeps its own", () => {
    const again = decide(askingNote(), kk, { kind: "command", command: "nope", payload: "" }, flowsWithNote);
    expect(keys(again)).toEqual(["common.unknownCommand", "common.notUnderstood"]);
    expect(again.stack[0]?.prompt).toBe(1);
    const next = decide(askingNote(), kk, { kind: "text", text: "a note" }, flowsWithNote);
    expect(next.stack[0]?.snapshot.value).toBe("typed");
    expect(next.stack[0]?.prompt).toBe(2);
  });

  it("an unknown flow in storage is dropped and the user told", () => {
    const d = decide([{ flow: "removed", version: 1, prompt: 1, snapshot: { value: "x", context: {} } }], kk, { kind: "text", text: "hi" });
    expect(keys(d)).toEqual(["common.flowUpdated", "common.notUnderstood", "menu.title"]);
    expect(d.stack).toEqual([]);
  });

  it("/help is chosen by the user's role, with a line for each other role they hold, and the role's home after it", () => {
    const help = (roles: Profile["roles"]) => keys(decide([], { ...kk, roles }, { kind: "command", command: "help", payload: "" }));
    expect(help([])).toEqual(["help.applicant", "menu.title"]);
    expect(help(["staff"])).toEqual(["help.staff", "showHome"]);
    expect(help(["mediator"])).toEqual(["help.mediator", "showHome"]);
    expect(help(["staff", "admin"])).toEqual(["help.admin", "help.also.staff", "showHome"]);
    expect(help(["mediator", "staff"])).toEqual(["help.staff", "help.also.mediator", "showHome"]);
  });
});

describe("decide: buttons that outlive their question", () => {
  it("an old 'yes, leave' cannot discard a flow started after it", () => {
    const asked = decide(typedNote(), kk, { kind: "command", command: "cancel", payload: "" }, flowsWithNote);
    const yes = asked.effects.flatMap((e) => (e.type === "say" ? (e.buttons ?? []).flat() : [])).find((b) => b.key === "cancel.yes")!;
    // The user goes on instead: the note flow asks its next question (prompt 3).
    const later: StackEntry[] = [{ ...typedNote()[0]!, prompt: 3 }];
    const d = decide(later, kk, { kind: "button", data: `g:${yes.value}` }, flowsWithNote);
    expect(d.toast).toBe("common.staleButton");
    expect(d.stack[0]?.snapshot.value).toBe("typed");
    expect(keys(d)).toEqual(["common.useButtons"]);
  });

  it("a consent button pressed inside a flow that does not ask for it is thanked, and the flow goes on", () => {
    const d = decide(askingNote(), { ...kk, hasConsent: false }, { kind: "button", data: "g:consent:yes" }, flowsWithNote);
    expect(keys(d)).toEqual(["recordConsent", "privacy.thanks", "common.notUnderstood"]);
    expect(d.stack[0]?.flow).toBe("note");
  });

  it("a language button inside such a flow switches and asks the flow's question again, with no hint", () => {
    const d = decide(askingNote(), kk, { kind: "button", data: "g:lang:ru" }, flowsWithNote);
    expect(keys(d)).toEqual(["setLanguage", "language.changed", "common.notUnderstood"]);
  });

  it("while the language is unknown, a command inside onboarding asks the language again", () => {
    const none: Profile = { ...kk, language: null, telegramLanguage: "en", hasConsent: false };
    const first = decide([], none, { kind: "command", command: "start", payload: "" });
    const d = decide(first.stack, none, { kind: "command", command: "help", payload: "" });
    expect(keys(d)).toEqual(["language.choose"]);
  });
});

describe("decide: flows on top of flows", () => {
  it("when the top flow finishes, the flow under it asks its question again", () => {
    const under: StackEntry = { flow: "onboarding", version: 1, prompt: 1, snapshot: { value: "consent", context: { language: "kk", telegramLanguage: null, hasConsent: false } } };
    const d = decide([under, ...askingNote()], kk, { kind: "button", data: "f1:skip" }, flowsWithNote);
    expect(d.stack.map((e) => e.flow)).toEqual(["onboarding"]);
    expect(keys(d)).toEqual(["privacy.consent"]);
  });

  it("/notice during onboarding replaces it: the notice asks consent itself", () => {
    const during: StackEntry = { flow: "onboarding", version: 1, prompt: 1, snapshot: { value: "consent", context: { language: "kk", telegramLanguage: null, hasConsent: false } } };
    const d = decide([during], { ...kk, hasConsent: false }, { kind: "command", command: "notice", payload: "" });
    expect(d.stack.map((e) => e.flow)).toEqual(["notice"]);
    expect(keys(d)).toEqual(["privacy.consent"]);
  });
});
