// /cases (journey J3): the user's cases, each with its status, next step and deadline; one case's timeline.
import type { Feature } from "../../core/feature.js";
import { openCase } from "./actions.js";
import { listCases, showCase } from "./cases.js";

export const casesFeature = {
  actions: [openCase],
  effects: { showCases: listCases, showCase },
} satisfies Feature;
