// What the runtime reads and writes for one update, through Prisma. One transaction per update.
import type { StackEntry } from "../../machines/chat.js";
import { open, seal } from "../crypto.js";
import { isLang, type Lang } from "../../machines/effects.js";
import type { Role } from "../../machines/flow.js";
import type { Prisma } from "../db/database.js";
import type { Prisma as PrismaNS } from "../db/generated/client.js";
import type { ApiCall } from "../core/render.js";

export interface Loaded {
  stack: StackEntry[];
  language: Lang | null;
  hasConsent: boolean;
  roles: Role[];
  /** The roles whose confidentiality terms the user accepted (admin only while in ADMIN_IDS). */
  termsAccepted: Role[];
  userExists: boolean;
}

export interface Commit {
  updateId: number;
  chatId: number;
  userId: number;
  /** null: unchanged. */
  stack: StackEntry[] | null;
  language?: Lang;
  consent?: { version: string; at: Date };
  createUser: boolean;
  /** Calls known before the transaction; `produce` adds what the update's domain effects give. */
  outbox: ApiCall[];
}

/** What the update does inside its transaction (its domain effects), giving more calls to send. */
export type Produce = (tx: PrismaNS.TransactionClient) => Promise<ApiCall[]>;

export interface OutboxRow extends ApiCall {
  id: bigint;
  chatId: number;
}

/** Thrown inside the transaction to roll it back when the update id was already handled. */
class DuplicateUpdate extends Error {}

export class Store {
  constructor(
    private readonly prisma: Prisma,
    private readonly adminIds: readonly number[],
    /** Seals the chats' snapshots: a draft notice holds an IIN, a phone and a description. */
    private readonly dataKey: Buffer,
  ) {}

  private sealStack(stack: StackEntry[]): object {
    return { sealed: seal(this.dataKey, JSON.stringify(stack)) };
  }

  private sealPayload(payload: Record<string, unknown>): PrismaNS.InputJsonObject {
    return { sealed: seal(this.dataKey, JSON.stringify(payload)) };
  }

  private openPayload(stored: unknown): Record<string, unknown> {
    const sealed = (stored as { sealed?: unknown } | null)?.sealed;
    return typeof sealed === "string" ? (JSON.parse(open(this.dataKey, sealed)) as Record<string, unknown>) : (stored as Record<string, unknown>);
  }

  private openStack(stored: unknown): StackEntry[] {
    if (Array.isArray(stored)) return stored as StackEntry[];
    const sealed = (stored as { sealed?: unknown } | null)?.sealed;
    return typeof sealed === "string" ? (JSON.parse(open(this.dataKey, sealed)) as StackEntry[]) : [];
  }

  /** The chat's stack and the user's profile, in one round trip (this runs for every update). */
  async load(chatId: number, userId: number): Promise<Loaded> {
    const [row] = await this.prisma.$queryRaw<{ stack: unknown; language: string | null; consent: boolean | null; found: boolean; roles: string }[]>`
      SELECT (SELECT "stack" FROM "ChatState" WHERE "chatId" = ${BigInt(chatId)}) AS "stack",
             u."language"::text AS "language",
             (u."consentAt" IS NOT NULL AND u."consentWithdrawnAt" IS NULL) AS "consent",
             (u."id" IS NOT NULL) AS "found",
             (SELECT coalesce(string_agg(r."role"::text || CASE WHEN r."termsAcceptedAt" IS NULL THEN '' ELSE '+' END, ','), '') FROM "UserRole" r
               WHERE r."userId" = ${BigInt(userId)} AND r."revokedAt" IS NULL) AS "roles"
      FROM (SELECT 1) AS "one" LEFT JOIN "User" u ON u."id" = ${BigInt(userId)}`;
    // Admin comes from ADMIN_IDS alone: an admin's stored row only records the terms they accepted.
    // Each active role, with "+" when its terms were accepted.
    const rows = row!.roles.split(",").filter(Boolean);
    const roles = new Set<Role>(rows.map((r) => r.replace("+", "") as Role).filter((r) => r !== "admin"));
    const admin = this.adminIds.includes(userId);
    if (admin) roles.add("admin");
    const terms = rows.filter((r) => r.endsWith("+")).map((r) => r.slice(0, -1) as Role).filter((r) => r !== "admin" || admin);
    return {
      stack: this.openStack(row!.stack),
      language: isLang(row!.language) ? row!.language : null,
      hasConsent: row!.consent === true,
      roles: [...roles],
      termsAccepted: [...new Set(terms)],
      userExists: row!.found,
    };
  }

  /**
   * Stores the outcome of one update; null when this update id was already handled. The update id is
   * inserted first with ON CONFLICT DO NOTHING: only that conflict means "already handled" — any other
   * error (a case that could not be stored) fails the whole update and is not mistaken for a duplicate.
   * (Catching unique violations would not do anyway: pglite-prisma-adapter 0.6 reports them as
   * { kind: "postgres", code: "23505" }, not as Prisma's P2002.)
   */
  async commit(c: Commit, produce?: Produce): Promise<OutboxRow[] | null> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const fresh = await tx.processedUpdate.createMany({ data: [{ updateId: BigInt(c.updateId) }], skipDuplicates: true });
        if (fresh.count === 0) throw new DuplicateUpdate();
        const userData = {
          ...(c.language ? { language: c.language } : {}),
          ...(c.consent ? { consentVersion: c.consent.version, consentAt: c.consent.at, consentWithdrawnAt: null } : {}),
        };
        if (c.createUser || Object.keys(userData).length > 0) {
          await tx.user.upsert({ where: { id: BigInt(c.userId) }, create: { id: BigInt(c.userId), ...userData }, update: userData });
        }
        if (c.stack) await this.saveStack(tx, c.chatId, c.stack);
        return this.enqueue(tx, [...c.outbox, ...(produce ? await produce(tx) : [])], c.chatId);
      });
    } catch (e) {
      if (e instanceof DuplicateUpdate) return null;
      throw e;
    }
  }

  /** Stores a chat's stack of flows, sealed (a draft notice holds an IIN, a phone and a description). */
  async saveStack(tx: PrismaNS.TransactionClient, chatId: number, stack: StackEntry[]): Promise<void> {
    const sealed = this.sealStack(stack);
    await tx.chatState.upsert({ where: { chatId: BigInt(chatId) }, create: { chatId: BigInt(chatId), stack: sealed }, update: { stack: sealed } });
  }

  /**
   * Writes calls to the outbox inside a transaction, each to the chat its payload names (else
   * `defaultChatId`). Payloads carry what users typed (the review shows the IIN and phone): sealed.
   */
  async enqueue(tx: PrismaNS.TransactionClient, calls: ApiCall[], defaultChatId: number): Promise<OutboxRow[]> {
    if (calls.length === 0) return [];
    const rows = await tx.outbox.createManyAndReturn({
      data: calls.map((o) => ({ chatId: BigInt(Number(o.payload.chat_id ?? defaultChatId)), method: o.method, payload: this.sealPayload(o.payload), slot: o.slot ?? null })),
      select: { id: true, chatId: true, method: true },
    });
    // Ids follow the order of the VALUES list; sort so that row i is call i whatever order RETURNING uses.
    rows.sort((a, b) => (a.id < b.id ? -1 : 1));
    return rows.map((r, i) => ({ id: r.id, chatId: Number(r.chatId), method: r.method, payload: calls[i]!.payload, ...(calls[i]!.slot ? { slot: calls[i]!.slot } : {}) }));
  }

  /** The Telegram message id of a chat's message of this slot, once it was sent; null before. */
  async slotMessage(tx: PrismaNS.TransactionClient, chatId: number, slot: string): Promise<number | null> {
    const row = await tx.outbox.findFirst({ where: { chatId: BigInt(chatId), slot, messageId: { not: null } }, orderBy: { id: "desc" }, select: { messageId: true } });
    return row?.messageId ?? null;
  }

  /** Keeps the message id a slot's message got, for the messages that will edit it. */
  async rememberMessage(id: bigint, messageId: number): Promise<void> {
    await this.prisma.outbox.update({ where: { id }, data: { messageId } });
  }

  async markSent(ids: bigint[]): Promise<void> {
    if (ids.length) await this.prisma.outbox.updateMany({ where: { id: { in: ids } }, data: { sentAt: new Date() } });
  }

  /** Messages decided but not sent (a crash or a network failure after commit), oldest first. */
  async pending(chatId?: number): Promise<OutboxRow[]> {
    const rows = await this.prisma.outbox.findMany({
      where: { sentAt: null, ...(chatId === undefined ? {} : { chatId: BigInt(chatId) }) },
      orderBy: { id: "asc" },
    });
    return rows.map((r) => ({ id: r.id, chatId: Number(r.chatId), method: r.method, payload: this.openPayload(r.payload), ...(r.slot ? { slot: r.slot } : {}) }));
  }

  /** Forgets processed update ids older than Telegram redelivers (a day). */
  async pruneProcessed(olderThan: Date): Promise<number> {
    return (await this.prisma.processedUpdate.deleteMany({ where: { processedAt: { lt: olderThan } } })).count;
  }

  /** Deletes messages sent before `olderThan`: the outbox is a queue, not an archive. */
  async pruneSent(olderThan: Date): Promise<number> {
    return (await this.prisma.outbox.deleteMany({ where: { sentAt: { lt: olderThan } } })).count;
  }
}
