// Sittings' buttons: the applicant's and relatives' answers to an invitation (the service checks they are
// on the case), and staff's schedule, move and cancel (the services check the case is their organisation's).
import { z } from "zod";
import { defineAction, id, oneOf } from "../../../machines/actions.js";
import { SITTING_ANSWERS } from "../../../machines/effects.js";

export const answerSitting = defineAction({
  name: "sittings/answer",
  code: "sat",
  side: "applicant",
  // `v`: the sitting's version (its SEQUENCE) the button was shown for — a button of the time before a move is told
  // so, not taken for the new time. Optional: buttons sent before it was carried still answer.
  params: z.object({ sittingId: id, answer: oneOf(SITTING_ANSWERS), v: id.optional() }),
  run: ({ sittingId, answer, v }, r) => r.emit({ type: "answerSitting", sittingId, answer, ...(v === undefined ? {} : { sequence: v }) }),
});
export const scheduleSitting = defineAction({
  name: "sittings/schedule",
  code: "ssit",
  params: z.object({ caseId: id }),
  allow: ["staff"],
  run: ({ caseId }, r) => r.emit({ type: "openChecked", flow: "sitting", input: { caseId, sittingId: 0 } }),
});
export const moveSitting = defineAction({
  name: "sittings/move",
  code: "smv",
  // `v`: the sitting's version the button was shown for — moved since by a colleague, Save says so instead of moving
  // it again from a time staff never saw. Optional: buttons sent before it was carried still move.
  params: z.object({ sittingId: id, v: id.optional() }),
  allow: ["staff"],
  run: ({ sittingId, v }, r) => r.emit({ type: "openChecked", flow: "sitting", input: { caseId: 0, sittingId, ...(v === undefined ? {} : { sequence: v }) } }),
});
export const cancelSittingConfirmed = defineAction({
  name: "sittings/cancelConfirmed",
  code: "scnok",
  // `v`: the sitting's version (its SEQUENCE) the confirmation named — moved since, the confirmation is asked again at
  // its new time, not taken for it. Optional: confirmations sent before it was carried still cancel.
  params: z.object({ sittingId: id, v: id.optional() }),
  allow: ["staff"],
  run: ({ sittingId, v }, r) => r.emit({ type: "cancelSitting", sittingId, ...(v === undefined ? {} : { sequence: v }) }),
});
/**
 * «Don't cancel»: the sitting is said to stand only while it does (keepSitting) — cancelled from another confirmation
 * meanwhile, or over, it is said so. Buttons sent before they named the sitting say it stands, as then.
 */
export const keepSitting = defineAction({
  name: "sittings/keep",
  code: "skeep",
  params: z.object({ sittingId: id.optional() }),
  // Only staff are asked whether to cancel: anyone else's press (a forged one) is stale, not told a sitting stands.
  allow: ["staff"],
  // The old form names no sitting: what it said then, and after it the question of a flow still open, else staff's home
  // (keepSitting's thenHome) — not the line alone, with nothing under it to press.
  run: ({ sittingId }, r) => {
    if (sittingId !== undefined) return r.emit({ type: "keepSitting", sittingId });
    r.emit({ type: "say", key: "sitting.kept" });
    r.repeatOrMenu();
  },
});
/** Cancelling a sitting: asked once more first, naming it (askCancelSitting). */
export const cancelSitting = defineAction({
  name: "sittings/cancel",
  code: "scn",
  params: z.object({ sittingId: id }),
  allow: ["staff"],
  run: ({ sittingId }, r) => r.emit({ type: "askCancelSitting", sittingId }),
});

export const sittingActions = [answerSitting, scheduleSitting, moveSitting, cancelSitting, cancelSittingConfirmed, keepSitting];
