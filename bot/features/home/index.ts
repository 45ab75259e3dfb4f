// The home screen of each role (staff, mediators, admins): what awaits them, one tap away.
import type { Feature } from "../../core/feature.js";
import { showHome } from "./home.js";

export const homeFeature = {
  effects: { showHome },
} satisfies Feature;
