// What a feature brings: its buttons and commands (for the router), its domain effects' handlers, its
// durable jobs and its documents. features/index.ts gathers them; each kind must be complete and declared once.
import type { AnyActionDef, CommandDef } from "../../machines/actions.js";
import type { DocumentBuilders } from "./documents.js";
import type { Deployment, Prisma } from "./actor.js";
import type { EffectHandlers, JobHandler, TruthCheck } from "./effects.js";

export interface Feature {
  actions?: readonly AnyActionDef[];
  commands?: readonly CommandDef[];
  effects?: Partial<EffectHandlers>;
  jobs?: Record<string, JobHandler>;
  documents?: Partial<DocumentBuilders>;
  /** What its jobs' messages say, checked again when they are sent (StillTrue). */
  checks?: Record<string, TruthCheck>;
  /** Run at every start: sets up recurring jobs (idempotent). */
  onStart?: (db: Prisma, now: Date, d: Deployment) => Promise<void>;
}
