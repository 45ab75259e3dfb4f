// npm run data:rotate-key: every sealed value re-sealed with a new DATA_KEY (issue 13).
// What is sealed: a case's sensitive fields (name, IIN, date of birth, phone, description, the conclusion's summary), an
// applicant's particulars, a mediation message's text and file, a proposal's terms and a counter-offer's note, a chat's stack of flows, an outbox row's payload, and the key's canary.
// - One transaction per batch of rows; a value that already opens with the new key is left as it is, so a
//   run that stopped half-way (a crash, Ctrl-C) is finished by running it again with the same two keys.
// - While it runs, "Meta" holds the new key's canary as well: the bot refuses to start on a half-rotated
//   database, with either key, until the rotation is finished; the last step makes the new canary the one.
// - Nothing may write with the old key meanwhile: every instance of the bot must be stopped.
import { open, seal } from "../crypto.js";
import type { Prisma } from "../db/database.js";
import { CANARY_KEY, CANARY_TEXT, ROTATING_KEY, sealBirthDates, sealConclusionSummaries, sealPatientNames, sealProposalTexts, unfinishedSteps } from "../at-rest.js";
import { OpsError } from "./backup.js";

const BATCH = 200;

/** `sealed` under the new key: as it is when it already opens with it, re-sealed when it opens with the old one. */
const reseal = (sealed: string, from: Buffer, to: Buffer): string | null => {
  try {
    open(to, sealed);
    return null;
  } catch {
    // not yet rotated
  }
  try {
    return seal(to, open(from, sealed));
  } catch {
    throw new OpsError("a sealed value opens with neither key: is DATA_KEY the key the data was sealed with?");
  }
};

/** `{ "sealed": "…" }` JSON columns (a chat's stack, an outbox payload): the new JSON, or null when nothing changes. */
const resealWrapped = (value: unknown, from: Buffer, to: Buffer): object | null => {
  const sealed = (value as { sealed?: unknown } | null)?.sealed;
  if (typeof sealed !== "string") return null;
  const next = reseal(sealed, from, to);
  return next === null ? null : { ...(value as object), sealed: next };
};

/** A mediation message's payload: its text and file are sealed. */
const resealMessage = (value: unknown, from: Buffer, to: Buffer): object | null => {
  const p = value as Record<string, unknown> | null;
  if (!p) return null;
  let changed = false;
  const out: Record<string, unknown> = { ...p };
  for (const field of ["text", "file"]) {
    if (typeof p[field] !== "string") continue;
    const next = reseal(p[field], from, to);
    if (next !== null) {
      out[field] = next;
      changed = true;
    }
  }
  return changed ? out : null;
};

interface Column {
  /** What the operator reads. */
  label: string;
  /** The rows after `after` (by key), a batch of them, with the value to re-seal. */
  read(prisma: Prisma, after: string | null): Promise<{ key: string; value: unknown }[]>;
  /** The new value for one row, or null when it is already under the new key. */
  next(value: unknown, from: Buffer, to: Buffer): unknown;
  write(tx: Prisma, key: string, value: unknown): Promise<unknown>;
  /** Run first in each batch's transaction (the case log allows re-sealing only when told, for that transaction). */
  prepare?(tx: Prisma): Promise<unknown>;
}

const COLUMNS: Column[] = [
  {
    label: "cases' sealed fields",
    read: async (p, after) =>
      (await p.case.findMany({ where: { sensitive: { not: "" }, ...(after ? { id: { gt: Number(after) } } : {}) }, orderBy: { id: "asc" }, take: BATCH, select: { id: true, sensitive: true } })).map((r) => ({ key: String(r.id), value: r.sensitive })),
    next: (v, from, to) => reseal(v as string, from, to),
    write: (tx, key, value) => tx.case.update({ where: { id: Number(key) }, data: { sensitive: value as string } }),
  },
  {
    label: "applicants' particulars",
    read: async (p, after) =>
      (await p.user.findMany({ where: { details: { not: null }, ...(after ? { id: { gt: BigInt(after) } } : {}) }, orderBy: { id: "asc" }, take: BATCH, select: { id: true, details: true } })).map((r) => ({ key: String(r.id), value: r.details })),
    next: (v, from, to) => reseal(v as string, from, to),
    write: (tx, key, value) => tx.user.update({ where: { id: BigInt(key) }, data: { details: value as string } }),
  },
  {
    label: "mediation messages",
    read: async (p, after) =>
      (await p.caseEvent.findMany({ where: { kind: "mediation_message", ...(after ? { id: { gt: BigInt(after) } } : {}) }, orderBy: { id: "asc" }, take: BATCH, select: { id: true, payload: true } })).map((r) => ({ key: String(r.id), value: r.payload })),
    next: resealMessage,
    // The case log is append-only; its trigger lets a payload be re-sealed in a transaction that says so.
    prepare: (tx) => tx.$queryRaw`SELECT set_config('kelisim.rekey', 'on', true)`,
    write: (tx, key, value) => tx.caseEvent.update({ where: { id: BigInt(key) }, data: { payload: value as object } }),
  },
  {
    label: "mediation proposals' terms",
    read: async (p, after) =>
      (await p.proposal.findMany({ where: after ? { id: { gt: Number(after) } } : {}, orderBy: { id: "asc" }, take: BATCH, select: { id: true, terms: true } })).map((r) => ({ key: String(r.id), value: r.terms })),
    next: (v, from, to) => reseal(v as string, from, to),
    write: (tx, key, value) => tx.proposal.update({ where: { id: Number(key) }, data: { terms: value as string } }),
  },
  {
    label: "counter-offers' notes",
    // Keyed "proposalId:userId", in that order.
    read: async (p, after) => {
      const [proposalId, userId] = after ? after.split(":").map(BigInt) : [];
      const rows = await p.proposalResponse.findMany({
        where: { note: { not: null }, ...(after ? { OR: [{ proposalId: { gt: Number(proposalId) } }, { proposalId: Number(proposalId), userId: { gt: userId! } }] } : {}) },
        orderBy: [{ proposalId: "asc" }, { userId: "asc" }],
        take: BATCH,
        select: { proposalId: true, userId: true, note: true },
      });
      return rows.map((r) => ({ key: `${r.proposalId}:${r.userId}`, value: r.note }));
    },
    next: (v, from, to) => reseal(v as string, from, to),
    write: (tx, key, value) => {
      const [proposalId, userId] = key.split(":");
      return tx.proposalResponse.update({ where: { proposalId_userId: { proposalId: Number(proposalId), userId: BigInt(userId!) } }, data: { note: value as string } });
    },
  },
  {
    label: "chats' flows",
    read: async (p, after) =>
      (await p.chatState.findMany({ where: after ? { chatId: { gt: BigInt(after) } } : {}, orderBy: { chatId: "asc" }, take: BATCH, select: { chatId: true, stack: true } })).map((r) => ({ key: String(r.chatId), value: r.stack })),
    next: resealWrapped,
    write: (tx, key, value) => tx.chatState.update({ where: { chatId: BigInt(key) }, data: { stack: value as object } }),
  },
  {
    label: "messages in the outbox",
    read: async (p, after) =>
      (await p.outbox.findMany({ where: after ? { id: { gt: BigInt(after) } } : {}, orderBy: { id: "asc" }, take: BATCH, select: { id: true, payload: true } })).map((r) => ({ key: String(r.id), value: r.payload })),
    next: resealWrapped,
    write: (tx, key, value) => tx.outbox.update({ where: { id: BigInt(key) }, data: { payload: value as object } }),
  },
];

export interface Rotation {
  /** Per column: rows re-sealed by this run (rows already under the new key are not counted). */
  resealed: [string, number][];
}

/**
 * Re-seals everything from `from` (the key the data was sealed with, as the canary confirms) to `to`.
 * Resumable: run again with the same keys after an interruption.
 */
export const rotateDataKey = async (prisma: Prisma, from: Buffer, to: Buffer): Promise<Rotation> => {
  if (from.equals(to)) throw new OpsError("NEW_DATA_KEY is the key in use: nothing to rotate");
  const canary = await prisma.meta.findUnique({ where: { key: CANARY_KEY } });
  if (!canary) throw new OpsError("this database has no key canary yet: start the bot once with its key, then rotate");
  const opensWith = (key: Buffer, sealed: string) => {
    try {
      return open(key, sealed) === CANARY_TEXT;
    } catch {
      return false;
    }
  };
  if (!opensWith(from, canary.value)) {
    throw new OpsError(opensWith(to, canary.value) ? "the data is already sealed with NEW_DATA_KEY: set DATA_KEY to it" : "DATA_KEY is not the key this database's data was sealed with");
  }
  // Texts an earlier version kept in the clear are sealed with the old key first, as the bot's first start would
  // (each step once, by its marker): a rotation run after an upgrade, before that start, re-seals them all.
  await sealPatientNames(prisma, from);
  await sealConclusionSummaries(prisma, from);
  await sealProposalTexts(prisma, from);
  await sealBirthDates(prisma, from);
  // A step that passed over a case (its write refused) left that case's texts in the clear: re-sealed they cannot be,
  // and the rotation would stop at them saying the key is wrong. Said as it is, before anything is re-sealed.
  const unfinished = await unfinishedSteps(prisma);
  if (unfinished.length)
    throw new OpsError(
      `the one-time re-seal (${unfinished.join(", ")}) passed over cases PostgreSQL refused to write, named by id in the log above: make them writable, run the rotation again`,
    );
  // The marker of a rotation under way: the new key's canary. A run that finds another new key's marker stops.
  const marker = await prisma.meta.findUnique({ where: { key: ROTATING_KEY } });
  if (marker && !opensWith(to, marker.value)) throw new OpsError("another rotation, to another key, is unfinished: run it again with the NEW_DATA_KEY it started with");
  if (!marker) await prisma.meta.create({ data: { key: ROTATING_KEY, value: seal(to, CANARY_TEXT) } });

  const resealed: [string, number][] = [];
  for (const column of COLUMNS) {
    let count = 0;
    let after: string | null = null;
    for (;;) {
      const rows = await column.read(prisma, after);
      if (rows.length === 0) break;
      const changes = rows.map((r) => ({ key: r.key, value: column.next(r.value, from, to) })).filter((c) => c.value !== null);
      if (changes.length) {
        await prisma.$transaction(async (tx) => {
          await column.prepare?.(tx as Prisma);
          for (const c of changes) await column.write(tx as Prisma, c.key, c.value);
        });
      }
      count += changes.length;
      after = rows[rows.length - 1]!.key;
    }
    resealed.push([column.label, count]);
  }
  // Last: the new key becomes the one the database answers to.
  await prisma.$transaction([
    prisma.meta.update({ where: { key: CANARY_KEY }, data: { value: seal(to, CANARY_TEXT) } }),
    prisma.meta.delete({ where: { key: ROTATING_KEY } }),
  ]);
  return { resealed };
};
