// /cases' buttons: one case's timeline (the service shows it only to someone who takes part in it); the list's other pages.
import { z } from "zod";
import { defineAction, id } from "../../../machines/actions.js";
import { cursorOf, cursorParams } from "../admin/pages.js";

/** The applicant: who opened the case's personal data, and when (issue 15). */
export const showAccesses = defineAction({ name: "cases/accesses", code: "seen", side: "applicant", params: z.object({ caseId: id }), run: ({ caseId }, r) => r.emit({ type: "showAccesses", caseId }) });

export const openCase = defineAction({ name: "cases/open", code: "case", side: "applicant", params: z.object({ caseId: id }), run: ({ caseId }, r) => r.emit({ type: "showCase", caseId }) });

/**
 * The page of /cases before or after the one the button was on, next to the case shown first or last there: the list is
 * read again among the presser's own cases only, so a forged cursor shows nothing of anyone else's.
 */
export const casesPage = defineAction({
  name: "cases/page",
  code: "cpage",
  side: "applicant",
  params: z.object(cursorParams),
  run: (cursor, r) => r.emit({ type: "showCases", cursor: cursorOf(cursor) }),
});
