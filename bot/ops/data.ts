// The operator's personal-data commands (issue 15), for requests that arrive outside Telegram — by the same
// code as the bot's: `data:export` writes what /mydata's JSON file holds; `data:erase` withdraws the user's
// consent exactly as /privacy → «Отозвать согласие» does (the same handler), and deletes their chat's stored
// state (drafts) as the button does. `--dry-run` runs the same erase in a transaction and rolls it back.
import type { Deployment, Tx } from "../core/actor.js";
import { render } from "../core/render.js";
import type { Prisma } from "../db/database.js";
import { collectMyData, myDataText, withdrawConsent } from "../features/mydata/mydata.js";
import type { I18n } from "../i18n.js";
import { Store } from "../runtime/store.js";
import { OpsError } from "./backup.js";

/** The user's data as /mydata's JSON file gives it; refuses an id the bot does not know. */
export const exportUser = async (prisma: Prisma, userId: number, dataKey: Buffer, now: Date): Promise<string> => {
  const data = await collectMyData(prisma, userId, dataKey, now);
  if (!data.user) throw new OpsError(`no user ${userId} in the database`);
  return myDataText(data);
};

export interface EraseReport {
  userId: number;
  dryRun: boolean;
  /** Their particulars for complaints, sealed (deleted). */
  particulars: boolean;
  /** Their chat's stored state: a draft notice or particulars in progress (deleted). */
  chatState: boolean;
  /** Their full name (deleted unless a staff or mediator role still names them). */
  fullName: boolean;
  /** Cases they leave as a relative (their applicants are told). */
  leftAsRelative: string[];
  /** Cases they filed: kept while the procedure needs them (their organisations' staff are told). */
  keptForProcedure: string[];
  /** Cases they filed that no organisation had received: their personal data taken out (as retention does). */
  anonymised: string[];
  /** Messages written to the outbox, by chat id: sent by the bot at its next start or its next message to that chat. */
  messages: Record<string, number>;
}

class DryRun extends Error {
  constructor(readonly report: EraseReport) {
    super("dry run");
  }
}

/** Withdraws consent for the user, as the bot's button does; with `dryRun`, reports it and changes nothing. */
export const eraseUser = async (
  prisma: Prisma,
  opts: { userId: number; dryRun: boolean; deployment: Deployment; i18n: I18n; now: Date; instanceId?: string },
): Promise<EraseReport> => {
  const { userId, dryRun, deployment, i18n, now } = opts;
  const id = BigInt(userId);
  const run = async (tx: Tx): Promise<EraseReport> => {
    const user = await tx.user.findUnique({ where: { id } });
    if (!user) throw new OpsError(`no user ${userId} in the database`);
    const state = await tx.chatState.deleteMany({ where: { chatId: id } });
    const relativeOf = await tx.caseParticipant.findMany({ where: { userId: id, role: "relative", removedAt: null }, include: { case: { select: { number: true } } } });
    const filed = await tx.caseParticipant.findMany({ where: { userId: id, role: "applicant", removedAt: null }, include: { case: { select: { number: true } } } });
    const ctx = { ...deployment, userId, chatId: userId, language: user.language ?? "kk", languageKnown: user.language !== null, roles: [], now };
    const effects = await withdrawConsent(tx, { type: "withdrawConsent" }, ctx);
    const afterUser = await tx.user.findUniqueOrThrow({ where: { id } });
    // Read after the withdrawal: a notice no organisation received is anonymised by it, not kept.
    const after = await tx.case.findMany({ where: { id: { in: filed.map((p) => p.caseId) } }, select: { number: true, anonymisedAt: true }, orderBy: { id: "asc" } });
    const { calls } = render(i18n, userId, user.language, 0, effects);
    const rows = await new Store(prisma, deployment.adminIds, deployment.dataKey, opts.instanceId ?? "ops").enqueue(tx, calls, userId);
    // Not leased: the bot's next start (or its next message to the chat) sends them.
    await tx.outbox.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { leasedBy: null, leaseUntil: null } });
    const messages: Record<string, number> = {};
    for (const r of rows) if (r.method.startsWith("send")) messages[String(r.chatId)] = (messages[String(r.chatId)] ?? 0) + 1;
    return {
      userId,
      dryRun,
      particulars: user.details !== null && afterUser.details === null,
      chatState: state.count > 0,
      fullName: user.fullName !== null && afterUser.fullName === null,
      leftAsRelative: relativeOf.map((p) => p.case.number),
      keptForProcedure: after.filter((k) => k.anonymisedAt === null).map((k) => k.number),
      anonymised: after.filter((k) => k.anonymisedAt !== null).map((k) => k.number),
      messages,
    };
  };
  try {
    return await prisma.$transaction(async (tx) => {
      const report = await run(tx);
      if (dryRun) throw new DryRun(report);
      return report;
    });
  } catch (e) {
    if (e instanceof DryRun) return e.report;
    throw e;
  }
};

/** The report as the operator reads it (English, like the other operator commands). */
export const describeErase = (r: EraseReport): string[] => {
  const w = r.dryRun ? "would be " : "";
  const list = (xs: string[]) => (xs.length ? xs.join(", ") : "none");
  const messages = Object.entries(r.messages).map(([chat, n]) => `${chat} × ${n}`).join(", ");
  return [
    r.dryRun ? `Dry run for user ${r.userId}: nothing was changed. data:erase would do this:` : `User ${r.userId}:`,
    `  consent: ${w}withdrawn (nothing new is processed for them until they consent again in the bot)`,
    `  particulars kept for complaints: ${r.particulars ? `${w}deleted` : "none held"}`,
    `  chat state (drafts): ${r.chatState ? `${w}deleted` : "none held"}`,
    `  full name: ${r.fullName ? `${w}deleted` : "none held, or kept while a staff or mediator role names them"}`,
    `  cases left as a relative (their applicant is told): ${list(r.leftAsRelative)}`,
    `  cases they filed, kept while the procedure needs them (staff are told only that consent was withdrawn): ${list(r.keptForProcedure)}`,
    `  cases they filed that no organisation had received, their personal data taken out: ${list(r.anonymised)}`,
    `  messages ${w}written to the outbox, by chat id: ${messages || "none"}`,
    ...(r.dryRun || !messages ? [] : ["  They go out at the bot's next start, or with its next message to that chat."]),
  ];
};
