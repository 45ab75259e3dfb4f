// /cases' button: one case's timeline (the service shows it only to someone who takes part in it).
import { z } from "zod";
import { defineAction, id } from "../../../machines/actions.js";

/** The applicant: who opened the case's personal data, and when (issue 15). */
export const showAccesses = defineAction({ name: "cases/accesses", code: "seen", params: z.object({ caseId: id }), run: ({ caseId }, r) => r.emit({ type: "showAccesses", caseId }) });

export const openCase = defineAction({ name: "cases/open", code: "case", params: z.object({ caseId: id }), run: ({ caseId }, r) => r.emit({ type: "showCase", caseId }) });
