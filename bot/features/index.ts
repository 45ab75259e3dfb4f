// Every feature, gathered: the router's actions and commands, one handler per domain effect, the jobs and
// the documents. Each table is complete (the compiler checks) and each entry declared once (checked here).
import { CORE_ACTIONS, Registry } from "../../machines/actions.js";
import type { DocumentBuilders } from "../core/documents.js";
import { combine, type EffectHandlers, type JobHandler } from "../core/effects.js";
import type { Feature } from "../core/feature.js";
import { adminFeature } from "./admin/index.js";
import { casesFeature } from "./cases/index.js";
import { commissionFeature } from "./commission/index.js";
import { escalationFeature } from "./escalation/index.js";
import { mediationFeature } from "./mediation/index.js";
import { noticeFeature } from "./notice/index.js";
import { relativesFeature } from "./relatives/index.js";
import { sittingsFeature } from "./sittings/index.js";
import { staffFeature } from "./staff/index.js";

export const FEATURES: readonly Feature[] = [noticeFeature, casesFeature, adminFeature, staffFeature, commissionFeature, relativesFeature, sittingsFeature, mediationFeature, escalationFeature];

export const registry = new Registry(
  [...CORE_ACTIONS, ...FEATURES.flatMap((f) => f.actions ?? [])],
  FEATURES.flatMap((f) => f.commands ?? []),
);

export const effectHandlers: EffectHandlers = combine(
  noticeFeature.effects,
  casesFeature.effects,
  adminFeature.effects,
  staffFeature.effects,
  commissionFeature.effects,
  relativesFeature.effects,
  sittingsFeature.effects,
  mediationFeature.effects,
  escalationFeature.effects,
);

export const jobHandlers: Record<string, JobHandler> = combine(...FEATURES.map((f) => f.jobs ?? {}));

export const documentBuilders: DocumentBuilders = combine(noticeFeature.documents, sittingsFeature.documents, mediationFeature.documents, escalationFeature.documents);
