// The commission's buttons, for staff of the case's organisation (the services check the case is theirs):
// record that it was formed (today, or on a day they type), and record its conclusion.
import { z } from "zod";
import { act, day, defineAction, id } from "../../../machines/actions.js";
import { openStaffCase } from "../staff/actions.js";

export const recordFormationToday = defineAction({
  name: "commission/formedToday",
  code: "sformok",
  params: z.object({ caseId: id }),
  allow: ["staff"],
  // No flow ends here: the service ends with thenHome — staff's home, or the question of a flow open meanwhile.
  run: ({ caseId }, r) => r.emit({ type: "recordFormation", caseId }),
});

export const recordFormationOnDay = defineAction({
  name: "commission/formedOnDay",
  code: "sformd",
  params: z.object({ caseId: id, notBefore: day }),
  allow: ["staff"],
  run: ({ caseId, notBefore }, r) => r.emit({ type: "openChecked", flow: "formation", input: { caseId, notBefore } }),
});

/** "The commission was formed": first the confirmation that no member represents the organisation (law.md §3). */
export const confirmFormation = defineAction({
  name: "commission/formed",
  code: "sform",
  params: z.object({ caseId: id, notBefore: day }),
  allow: ["staff"],
  // Asked only of staff who may record it (access.ts askChecked): a forged or outdated button gets the answer a missing case gets.
  run: ({ caseId, notBefore }, r) =>
    r.emit({
      type: "askChecked",
      as: "formation",
      input: { caseId },
      ask: {
        type: "say",
        key: "staff.confirmFormation",
        buttons: [
          [{ key: "staff.confirm", ...act(recordFormationToday, { caseId }) }],
          [{ key: "staff.confirmOtherDay", ...act(recordFormationOnDay, { caseId, notBefore }) }],
          [{ key: "notice.back", ...act(openStaffCase, { caseId }) }],
        ],
      },
    }),
});

export const recordConclusion = defineAction({
  name: "commission/conclusion",
  code: "sconc",
  // notBefore: the day the commission was formed (absent on buttons made before the flow asked the conclusion's day).
  params: z.object({ caseId: id, notBefore: day.optional() }),
  allow: ["staff"],
  run: ({ caseId, notBefore }, r) => r.emit({ type: "openChecked", flow: "conclusion", input: notBefore ? { caseId, notBefore } : { caseId } }),
});

export const commissionActions = [confirmFormation, recordFormationToday, recordFormationOnDay, recordConclusion];
