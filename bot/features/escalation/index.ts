// Escalation (journey J5's end): a complaint drafted from the case's history, as text and PDF.
import type { Feature } from "../../core/feature.js";
import { escalationActions } from "./actions.js";
import { chooseEscalation, draftEscalation, escalationPdf } from "./escalation.js";

export const escalationFeature = {
  actions: escalationActions,
  effects: { chooseEscalation, draftEscalation },
  documents: { escalationPdf },
} satisfies Feature;
