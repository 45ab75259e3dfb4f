// Type tests, checked by `npm run typecheck` (tsc fails on an @ts-expect-error that expects nothing):
// every domain effect has exactly one handler, every document one builder, and a handler gets its own
// effect's type.
import { expect, it } from "vitest";
import type { DocumentBuilders } from "../../bot/core/documents.js";
import type { EffectHandler, EffectHandlers } from "../../bot/core/effects.js";
import { documentBuilders, effectHandlers } from "../../bot/features/index.js";
import { isDomainEffectType } from "../../machines/effects.js";

it("a missing effect handler or document builder does not compile", () => {
  const { submitNotice: _handled, ...withoutOne } = effectHandlers;
  // @ts-expect-error — submitNotice has no handler
  const incomplete: EffectHandlers = withoutOne;
  const { noticePdf: _built, ...withoutDocument } = documentBuilders;
  // @ts-expect-error — the notice has no builder
  const noDocument: DocumentBuilders = withoutDocument;
  // A handler receives its own effect: a field of another effect type is not there.
  const showCase: EffectHandler<"showCase"> = (_tx, e) => {
    // @ts-expect-error — showCase carries a caseId, not a proposal
    void e.proposalId;
    return Promise.resolve([{ type: "say", key: "cases.notFound", params: { id: e.caseId } }]);
  };
  expect([incomplete, noDocument, showCase].every(Boolean)).toBe(true);
  // At run time too: every key is a known effect type, and its handler a function.
  expect(Object.keys(effectHandlers).filter((k) => !isDomainEffectType(k))).toEqual([]);
  expect(Object.values(effectHandlers).every((h) => typeof h === "function")).toBe(true);
});
