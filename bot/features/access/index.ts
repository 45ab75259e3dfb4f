// A flow that acts on a case opens only for someone who may act on it.
import type { Feature } from "../../core/feature.js";
import { openChecked } from "./access.js";

export const accessFeature = {
  effects: { openChecked },
} satisfies Feature;
