// A flow that acts on a case opens only for someone who may act on it; an invite set aside goes on only while its link is good.
import type { Feature } from "../../core/feature.js";
import { askChecked, checkInvite, openChecked } from "./access.js";

export const accessFeature = {
  effects: { openChecked, askChecked, checkInvite },
} satisfies Feature;
