// The home screen of each role (staff, mediators, admins): what awaits them, one tap away.
import type { Feature } from "../../core/feature.js";
import { refreshCommands, showHome } from "./home.js";

export const homeFeature = {
  effects: { showHome, refreshCommands },
} satisfies Feature;
