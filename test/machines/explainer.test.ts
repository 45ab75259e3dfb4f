// The guided check: every path, enumerated from the machine, ends on what it resembles, why, and
// "the commission decides" — in Kazakh and in Russian.
import { describe, expect, it } from "vitest";
import { initialTransition, transition, type AnyMachineSnapshot } from "xstate";
import { getSimplePaths } from "xstate/graph";
import { createI18n } from "../../bot/i18n.js";
import { render } from "../../bot/core/render.js";
import type { Effect } from "../../machines/effects.js";
import { explainerMachine, QUESTIONS, resemblance } from "../../machines/explainer.js";
import type { FlowEvent } from "../../machines/flow.js";

const input = { year: 2026 };
const choice = (value: string): FlowEvent => ({ type: "CHOICE", value });
const effectsOf = (actions: { type: string; params?: unknown }[]) => actions.map((a) => ({ type: a.type, ...(a.params as object) }) as Effect);

describe("resemblance (data/explainer.json)", () => {
  it("weighs the answers as the data says", () => {
    const all = (a: "yes" | "no" | "unknown") => Object.fromEntries(QUESTIONS.map((q) => [q.id, a]));
    // Answers pointing both ways by about as much lean neither way. Before: all «yes» («standards followed», «a known
    // complication», and «something wrong was done», «help delayed») read «more like a medical accident», 4 against 3.
    expect(resemblance(all("yes"))).toBe("unclear"); // 2 + 2 for accident against 2 + 1
    expect(resemblance({ informed: "yes", standards: "no", knownComplication: "yes", wrongAction: "no", delay: "no" })).toBe("unclear"); // 2 + 1 for accident against 2
    expect(resemblance({ standards: "yes", knownComplication: "yes", delay: "yes" })).toBe("accident"); // 2 + 2 against 1
    expect(resemblance(all("no"))).toBe("error"); // 2 + 1 for error against 1
    expect(resemblance({ standards: "yes" })).toBe("accident"); // 2 against nothing
    expect(resemblance(all("unknown"))).toBe("unclear");
    expect(resemblance({ informed: "no", wrongAction: "yes" })).toBe("error");
    // Being told of the risks (or not) decides nothing on its own: no source makes it a criterion.
    expect(resemblance({ informed: "yes" })).toBe("unclear");
    expect(resemblance({ informed: "no" })).toBe("unclear");
  });
});

describe("every path of the guided check", async () => {
  const i18n = await createI18n();
  const paths = getSimplePaths(explainerMachine, {
    input,
    events: [choice("check"), choice("yes"), choice("no"), choice("unknown")],
    toState: (s) => (s as AnyMachineSnapshot).matches("result"),
  });

  it("are all there: one per combination of answers", () => {
    expect(paths.length).toBe(3 ** QUESTIONS.length);
  });

  it("each ends on what the situation resembles, the reasons, and that the commission decides", () => {
    for (const path of paths) {
      // Replay the path and keep what the last step said.
      let [snap] = initialTransition(explainerMachine, input);
      let last: Effect[] = [];
      for (const step of path.steps.slice(1)) {
        const [next, actions] = transition(explainerMachine, snap, step.event as FlowEvent);
        snap = next;
        last = effectsOf(actions);
      }
      const answers = (snap.context as { answers: Record<string, string> }).answers;
      const verdict = resemblance(answers as never);
      expect(last.map((e) => (e.type === "say" ? e.key : e.type))).toEqual([`explain.result.${verdict}`, "explain.decides"]);
      for (const lang of ["kk", "ru"] as const) {
        const texts = render(i18n, 1, lang, 1, last).calls.map((c) => String(c.payload.text));
        // Each reason a line, «;» between them, «.» after the last.
        const reasons = QUESTIONS.filter((q) => answers[q.id] !== "unknown").map((q) => i18n.t(lang)(`explain.reason.${q.id}_${answers[q.id]}`));
        expect(texts[0]).toBe(i18n.t(lang)(`explain.result.${verdict}`, { reasons: reasons.length ? `${reasons.join(";\n")}.` : "" }));
        expect(texts[1]).toBe(i18n.t(lang)("explain.decides"));
        expect(texts.join("")).not.toMatch(/explain\./); // no key left untranslated
      }
      const buttons = (last[1] as { buttons: { key: string; value: string }[][] }).buttons.flat();
      expect(buttons.find((b) => b.key === "explain.fileNotice")?.value).toBe("menu:notice");
    }
  });

  it("the result says the words it should", () => {
    const [s0] = initialTransition(explainerMachine, input);
    let s = transition(explainerMachine, s0, choice("check"))[0];
    let actions: { type: string; params?: unknown }[] = [];
    for (const a of ["no", "no", "no", "yes", "yes"]) [s, actions] = transition(explainerMachine, s, choice(a));
    const [text] = render(i18n, 1, "ru", 1, effectsOf(actions)).calls.map((c) => String(c.payload.text));
    expect(text).toBe(
      "По вашим ответам ситуация больше похожа на вред от ненадлежащей медицинской помощи (в обиходе — «врачебная ошибка»). Почему:\n• о рисках не предупредили — само по себе это не доказывает, что помощь была ненадлежащей;\n• помощь, по-вашему, не соответствовала стандартам;\n• вред не похож на известное осложнение;\n• было сделано лишнее или не сделано нужное;\n• помощь задержали или в ней отказали.",
    );
    // The list ends its sentence with its last answered reason, whichever question that was.
    [s] = transition(explainerMachine, s, choice("check"));
    for (const a of ["yes", "unknown", "yes", "unknown", "unknown"]) [s, actions] = transition(explainerMachine, s, choice(a));
    const [again] = render(i18n, 1, "kk", 1, effectsOf(actions)).calls.map((c) => String(c.payload.text));
    expect(again).toMatch(/\n• зиян белгілі асқынуға ұқсайды\.$/);
  });
});
