// Escalation (journey J5's end): a complaint drafted from the case's history, as text and PDF.
import type { Feature } from "../../core/feature.js";
import { escalationActions } from "./actions.js";
import { caseHistory, chooseEscalation, draftEscalation, escalationPdf, findApplicantDetails, historyPdf } from "./escalation.js";

export const escalationFeature = {
  actions: escalationActions,
  effects: { chooseEscalation, draftEscalation, caseHistory, findApplicantDetails },
  documents: { escalationPdf, historyPdf },
} satisfies Feature;
