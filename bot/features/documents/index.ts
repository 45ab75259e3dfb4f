// Documents the bot could not prepare: the button that asks for one again (see Runtime.giveUp).
import type { Feature } from "../../core/feature.js";
import { documentActions } from "./actions.js";
import { documentAgainEffect } from "./again.js";

export const documentsFeature = {
  actions: documentActions,
  effects: { documentAgain: documentAgainEffect },
} satisfies Feature;
