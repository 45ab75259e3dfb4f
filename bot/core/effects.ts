// What features give back: the same `say` effects machines return, plus documents, stored files and a
// chat's command menu — never Bot API payloads. One renderer (render.ts) turns them into calls; one
// registry (features/index.ts) holds exactly one handler per domain effect type.
import type { Button, DomainEffect, DomainEffectType, Param, Params, Recipient, SayEffect } from "../../machines/effects.js";
import type { FlowEvent, Role } from "../../machines/flow.js";
import type { Ctx, Deployment, Prisma, Tx } from "./actor.js";
import type { DocumentEffect } from "./documents.js";
import type { Logger } from "../logger.js";

/** A file already on Telegram's servers (an attachment), sent again by its id. */
export interface FileEffect {
  type: "file";
  file: { kind: "photo" | "document"; fileId: string };
  /** What the file is, under it, in the reader's language: a file re-sent alone says nothing by itself. */
  caption?: Param;
  to?: Recipient;
}
/** The command menu of a chat, for a user with these roles. */
export interface CommandsEffect {
  type: "commands";
  roles: readonly Role[];
  to?: Recipient;
}
/** An answer to what the flow on top asked (a lookup): given to it as an event, in the same update. */
export interface ReplyEffect {
  type: "reply";
  event: FlowEvent;
}
export type Out = SayEffect | DocumentEffect | FileEffect | CommandsEffect | ReplyEffect;
/**
 * What a job's message says that may stop being true while it waits in the outbox (a restart, a stop, a long
 * queue): checked again just before it is sent, by the feature's check of that name (Feature.checks), and the
 * message is left unsent when it no longer holds — a reminder of a sitting cancelled, moved or over meanwhile.
 */
export interface StillTrue {
  check: string;
  params: Record<string, string | number>;
}
/** A feature's check of a message's StillTrue, outside any transaction, at `now`. */
export type TruthCheck = (db: Prisma, params: Record<string, unknown>, now: Date, d: Deployment) => Promise<boolean>;
/** An effect with its recipient named: what jobs return (they act for nobody in particular). */
export type Addressed = Exclude<Out, ReplyEffect> & { to: Recipient; stillTrue?: StillTrue };

/** Carries out one domain effect inside the update's transaction; returns what to say. */
export type EffectHandler<K extends DomainEffectType> = (tx: Tx, effect: DomainEffect<K>, c: Ctx) => Promise<Out[]>;
/** One handler for every domain effect type: a type without one does not compile. */
export type EffectHandlers = { [K in DomainEffectType]: EffectHandler<K> };

export const dispatch = <K extends DomainEffectType>(handlers: EffectHandlers, tx: Tx, effect: DomainEffect<K>, c: Ctx): Promise<Out[]> =>
  handlers[effect.type](tx, effect, c);

/** A durable job's work, inside its transaction: what to send, to whom. */
export interface Job {
  id: bigint;
  kind: string;
  payload: Record<string, unknown>;
  dueAt: Date;
  attempts: number;
}
/** `log`: the jobs' logger — for a case a batched job passes over (jobs.ts, eachCase), never with personal data. */
export type JobHandler = (tx: Tx, job: Job, now: Date, d: Deployment, log: Logger) => Promise<Addressed[]>;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
/** The features' parts merged into one table; a key that two features declare is a mistake, refused at start. */
export const combine = <T extends object[]>(...parts: T): UnionToIntersection<T[number]> => {
  const out: Record<string, unknown> = {};
  for (const part of parts) {
    for (const [k, v] of Object.entries(part)) {
      if (Object.hasOwn(out, k)) throw new Error(`declared twice: ${k}`);
      out[k] = v;
    }
  }
  return out as UnionToIntersection<T[number]>;
};

// ——— Helpers to say things ———

/** A message to the user of this update. */
export const say = (key: string, params: Params = {}, buttons?: Button[][]): SayEffect => ({
  type: "say",
  key,
  ...(Object.keys(params).length ? { params } : {}),
  ...(buttons?.length ? { buttons } : {}),
});
/** A message to someone else, in their language. */
export const sayTo = (to: Recipient, key: string, params: Params = {}, buttons?: Button[][]): SayEffect & { to: Recipient } => ({ ...say(key, params, buttons), to });

/**
 * A message that names the patient's outcome, when the patient died: condolence first (law.md §3, language.md) —
 * to whoever reads it (`to`, or the chat of the update). A proposal and its copies, a complaint's draft, the
 * case's history, the notice sent to a relative.
 */
export const withCondolence = (outcome: string | null, to: Recipient | null, ...messages: Out[]): Out[] =>
  outcome === "death" ? [to ? sayTo(to, "common.condolence") : say("common.condolence"), ...messages] : messages;
/**
 * After a button's action that opened no flow: what is current follows — the question of a flow on top, else the
 * home of the role they acted in (machines/flow.ts, DONE). Not after a refusal that asks them to choose again.
 */
export const thenHome = (role?: Role): ReplyEffect => ({ type: "reply", event: { type: "DONE", ...(role ? { role } : {}) } });
/** The same message to each of several people. */
export const tell = (people: readonly Recipient[], key: string, params: (to: Recipient) => Params = () => ({}), buttons?: (to: Recipient) => Button[][]) =>
  people.map((to) => sayTo(to, key, params(to), buttons?.(to)));
/** Texts one after another (machines/effects.ts: the machines build them too). */
export { lines } from "../../machines/effects.js";
/** A message made of other texts (see `lines`). */
export const sayText = (text: Param, buttons?: Button[][]): SayEffect => say("common.text", { text }, buttons);
