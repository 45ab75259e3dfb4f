// The notice machine through pure transitions: a draft stored before the bot refused «I am the patient» with
// «the patient died» is not filed so from its review — condolence first, then which answer to change.
import { describe, expect, it } from "vitest";
import { transition } from "xstate";
import { noticeMachine, type Draft } from "../../machines/notice.js";

const draft: Draft = {
  relation: "self", name: "Иванов Иван Иванович", iin: "850301300121", birthDate: "1985-03-01", org: "Городская больница №7", orgId: null, orgNames: null,
  region: "shymkent", careFrom: "2026-03-02", careTo: "2026-03-02", description: "Во время лечения произошло осложнение.", outcome: "death", supportKnows: "no", files: [],
  phone: "+77010000000", actsFor: null,
};
const atReview = () => noticeMachine.resolveState({ value: "review", context: { draft, editing: false, today: "2026-03-20", hasConsent: true } });
const keys = (actions: { type: string; params?: unknown }[]) => actions.filter((a) => a.type === "say").map((a) => (a.params as { key: string }).key);
const press = (value: string) => ({ type: "CHOICE" as const, value });

describe("a stored draft of «I am the patient» with «the patient died»", () => {
  it("is not submitted: condolence, then which answer to change", () => {
    const [s, a] = transition(noticeMachine, atReview(), press("submit"));
    expect(s.value).toBe("selfDeath");
    expect(a.some((x) => x.type === "submitNotice")).toBe(false);
    expect(keys(a)).toEqual(["common.condolence", "notice.selfDeath"]);
  });

  it("another relation confirmed returns to the review (after the patient's name and IIN are checked) with the death kept, and is filed so", () => {
    const [s0] = transition(noticeMachine, atReview(), press("submit"));
    const [s1] = transition(noticeMachine, s0, press("relation"));
    const [s2] = transition(noticeMachine, s1, press("spouse"));
    // The name and IIN typed as the applicant's own now stand as the patient's: checked first.
    const [s3a] = transition(noticeMachine, s2, press("confirm"));
    expect(s3a.value).toBe("patientCheck");
    const [s3] = transition(noticeMachine, s3a, press("yes"));
    expect(s3.value).toBe("review");
    expect(s3.context.draft).toMatchObject({ relation: "spouse", actsFor: true, outcome: "death" });
    const [s4, a4] = transition(noticeMachine, s3, press("submit"));
    expect(s4.status).toBe("done");
    expect(a4.find((x) => x.type === "submitNotice")?.params).toMatchObject({ notice: { relation: "spouse", actsFor: true, outcome: "death" } });
  });
});
