// The applicant takes a case further: where to, then the complaint's draft (the service checks the case).
import { z } from "zod";
import { defineAction, id, oneOf } from "../../../machines/actions.js";
import { ESCALATION_TARGETS, isDraftTarget } from "../../../machines/effects.js";

export const chooseEscalation = defineAction({
  name: "escalation/choose",
  code: "esc",
  side: "applicant",
  params: z.object({ caseId: id }),
  run: ({ caseId }, r) => r.emit({ type: "chooseEscalation", caseId }),
});

/** Where to: a complaint's draft (the applicant's particulars asked first), or for a court the case's history. */
export const draftEscalation = defineAction({
  name: "escalation/draft",
  code: "escto",
  side: "applicant",
  params: z.object({ caseId: id, target: oneOf(ESCALATION_TARGETS) }),
  run: ({ caseId, target }, r) => (isDraftTarget(target) ? r.emit({ type: "openChecked", flow: "particulars", input: { purpose: { for: "complaint", caseId, target } } }) : r.emit({ type: "caseHistory", caseId })),
});

export const escalationActions = [chooseEscalation, draftEscalation];
