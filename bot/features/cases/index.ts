// /cases (journey J3): the user's cases, each with its status, next step and deadline; one case's timeline.
import type { Feature } from "../../core/feature.js";
import { casesPage, openCase, showAccesses } from "./actions.js";
import { listAccesses, listCases, showCase } from "./cases.js";

export const casesFeature = {
  actions: [openCase, showAccesses, casesPage],
  effects: { showCases: listCases, showCase, showAccesses: listAccesses },
} satisfies Feature;
