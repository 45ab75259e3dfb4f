// Who acts, and the deployment they act in: what every effect handler, job and document receives.
import type { ConsentText, Lang } from "../../machines/effects.js";
import type { Role } from "../../machines/flow.js";
import type { Prisma } from "../db/database.js";
import type { Prisma as PrismaNS } from "../db/generated/client.js";

/** A database transaction (effects and jobs run inside the update's or the job's). */
export type Tx = PrismaNS.TransactionClient;
/** The database outside a transaction (documents are made when sent, from what is stored then). */
export type { Prisma };

/** The deployment's settings that features need. */
export interface Deployment {
  timeZone: string;
  /** Seals what must not be readable from the database alone (IIN, phone, description…). */
  dataKey: Buffer;
  /** A chat told of new notices and deadlines for cases whose organisation has no registered staff. */
  staffChatId: number | null;
  /** Mediation's term in calendar days. */
  mediationDays: number;
  /** Days after a case's procedure ended (closedAt) before the retention job anonymises it (RETENTION_DAYS). */
  retentionDays: number;
  /** The bot's username, for invite links (t.me/<username>?start=…). */
  botUsername: () => string;
  /** The deployment's administrators (ADMIN_IDS). */
  adminIds: readonly number[];
  /** The version of each role's confidentiality terms as the bot shows them now (recorded on acceptance). */
  termsVersions: Record<"staff" | "mediator" | "admin", string>;
  /** The version of each consent text as the bot shows it now: /mydata tells a consent to it from one to an earlier text. */
  consentVersions: Record<ConsentText, string>;
}

/** The user of the update, as the effect finds them (a language chosen earlier in the same update counts). */
export interface Actor {
  userId: number;
  chatId: number;
  language: Lang;
  /** False while the user has chosen no language: answers then go in both. */
  languageKnown: boolean;
  roles: readonly Role[];
  now: Date;
}

export type Ctx = Actor & Deployment;
