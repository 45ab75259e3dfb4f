// Every feature, gathered: the router's actions and commands, one handler per domain effect, the jobs and
// the documents. Each table is complete (the compiler checks) and each entry declared once (checked here).
import { CORE_ACTIONS, Registry, type AnyActionDef, type CommandDef } from "../../machines/actions.js";
import type { DocumentBuilders } from "../core/documents.js";
import { combine, type EffectHandlers, type JobHandler, type TruthCheck } from "../core/effects.js";
import type { Feature } from "../core/feature.js";
import { atRestFeature } from "../at-rest.js";
import { accessFeature } from "./access/index.js";
import { adminFeature } from "./admin/index.js";
import { casesFeature } from "./cases/index.js";
import { commissionFeature } from "./commission/index.js";
import { documentsFeature } from "./documents/index.js";
import { escalationFeature } from "./escalation/index.js";
import { homeFeature } from "./home/index.js";
import { mydataFeature } from "./mydata/index.js";
import { mediationFeature } from "./mediation/index.js";
import { noticeFeature } from "./notice/index.js";
import { receiptFeature } from "./receipt/index.js";
import { relativesFeature } from "./relatives/index.js";
import { retentionFeature } from "./retention/index.js";
import { sittingsFeature } from "./sittings/index.js";
import { staffFeature } from "./staff/index.js";

/** The bot's features. A new one is added here, and only here. */
export const FEATURES = [noticeFeature, receiptFeature, casesFeature, adminFeature, staffFeature, commissionFeature, relativesFeature, sittingsFeature, mediationFeature, escalationFeature, homeFeature, accessFeature, mydataFeature, retentionFeature, documentsFeature, atRestFeature] as const;

export const registry = new Registry(
  [...CORE_ACTIONS, ...FEATURES.flatMap((f): readonly AnyActionDef[] => ("actions" in f ? f.actions : []))],
  FEATURES.flatMap((f): readonly CommandDef[] => ("commands" in f ? f.commands : [])),
);

export const effectHandlers: EffectHandlers = combine(...FEATURES.map((f) => f.effects));

export const jobHandlers: Record<string, JobHandler> = combine(...FEATURES.map((f): Record<string, JobHandler> => ("jobs" in f ? f.jobs : {})));

export const truthChecks: Record<string, TruthCheck> = combine(...FEATURES.map((f): Record<string, TruthCheck> => ("checks" in f ? f.checks : {})));

export const documentBuilders: DocumentBuilders = combine(...FEATURES.flatMap((f) => ("documents" in f ? [f.documents] : [])));

/** What features set up at every start (recurring jobs). */
export const startHooks: NonNullable<Feature["onStart"]>[] = FEATURES.flatMap((f) => ("onStart" in f ? [f.onStart] : []));
