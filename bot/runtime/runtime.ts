// The per-chat machine runtime: for each update (already serialised per chat by the bot) —
// read the chat's stack of snapshots → decide (pure) → one transaction stores the new stack, the user's
// changes and the messages to send → send them → mark them sent. A redelivered update id fails that
// transaction's first insert, so nothing of it is stored or sent.
import { GrammyError, type Api } from "grammy";
import { localDate } from "../../machines/calendar.js";
import { decide, defaultFlows, type Flows } from "../../machines/chat.js";
import type { DomainEffect, Lang, NoticeAnswers } from "../../machines/effects.js";
import type { Role } from "../../machines/flow.js";
import { chooseCaseOrg, createInvite, createOrganization, linkCase, listOrganizations, listRoles, listUnlinked, redeemInvite, revokeRole } from "../services/admin.js";
import { showInbox, showStaffCase } from "../services/staff.js";
import { recordConclusion, recordFormation } from "../services/deadlines.js";
import { fileNotice } from "../services/notices.js";
import { listCases, showCase } from "../services/cases.js";
import { NOTICE_PDF, noticePdfCall } from "../services/notice-pdf.js";
import { SEND_FILE } from "../services/staff.js";
import { checkCaseInvite, createRelativeInvite, joinCase, removeRelative, sharedNotice, shareNotice } from "../services/relatives.js";
import { CASE_INVITE } from "../../machines/join.js";
import type { Input } from "../../machines/chat.js";
import { answerSitting, cancelSitting, moveSitting, scheduleSitting } from "../services/sittings.js";
import { SITTING_ICS, sittingIcsCall } from "../services/ics.js";
import * as mediation from "../services/mediation.js";
import { agreementPdfCall } from "../services/agreement-pdf.js";
import { chooseEscalation, draftEscalation, ESCALATION_PDF, escalationPdfCall, type EscalationTarget } from "../services/escalation.js";
import type { SittingPlan } from "../../machines/sitting.js";
import type { SittingAnswer } from "../../machines/effects.js";
import type { Prisma } from "../db/database.js";
import type { Jobs } from "../jobs/jobs.js";
import type { I18n } from "../i18n.js";
import type { Logger } from "../logger.js";
import type { Incoming } from "./input.js";
import { DOMAIN_PREFIX, render } from "./render.js";
import { Store, type Expand, type OutboxRow } from "./store.js";

export interface RuntimeDeps {
  store: Store;
  prisma: Prisma;
  /** Durable jobs; their messages go out through this runtime's sender. */
  jobs?: Jobs;
  /** Telegram allows about 30 messages a second per bot; no more than this leave here. */
  maxPerSecond?: number;
  /** The bot's username, for invite links (t.me/<username>?start=…). */
  botUsername: () => string;
  i18n: I18n;
  timeZone: string;
  dataKey: Buffer;
  staffChatId: number | null;
  /** Mediation's term in calendar days. */
  mediationDays?: number;
  flows?: Flows;
  now?: () => Date;
}

/** Errors after which sending again cannot help (the user blocked the bot, the chat is gone, bad request). */
const isPermanent = (e: unknown): boolean => e instanceof GrammyError && (e.error_code === 400 || e.error_code === 403);
/**
 * Messages are delivered in order and retried. Other calls are conveniences (the chat's command menu,
 * taking a spent keyboard off a message): when one fails it is dropped, so it never holds messages back.
 */
const DOCUMENT_CALLS: ReadonlySet<string> = new Set([NOTICE_PDF, SEND_FILE, SITTING_ICS, mediation.AGREEMENT_PDF, ESCALATION_PDF]);
const mustDeliver = (method: string): boolean => method.startsWith("send") || DOCUMENT_CALLS.has(method);

/** The token of a relative's invite link in /start, if that is what arrived. */
const caseInviteOf = (input: Input): string | null =>
  input.kind === "command" && input.command === "start" ? (CASE_INVITE.exec(input.payload)?.[1] ?? null) : null;

export class Runtime {
  private readonly flows: Flows;
  private readonly now: () => Date;
  /** Chats whose last delivery failed: their older messages go first next time. */
  private readonly backlog = new Set<number>();
  /** When the latest calls left, for the global rate limit. */
  private readonly recent: number[] = [];

  constructor(private readonly deps: RuntimeDeps) {
    this.flows = deps.flows ?? defaultFlows;
    this.now = deps.now ?? (() => new Date());
  }

  async handle(updateId: number, inc: Incoming, api: Api, log: Logger): Promise<void> {
    const { store, i18n } = this.deps;
    const now = this.now();
    const loaded = await store.load(inc.chatId, inc.userId);
    const invite = caseInviteOf(inc.input);
    const profile = {
      userId: inc.userId,
      today: localDate(now, this.deps.timeZone),
      language: loaded.language,
      telegramLanguage: inc.telegramLanguage,
      hasConsent: loaded.hasConsent,
      roles: loaded.roles,
      // A relative's invite link is looked up before deciding, so that a spent one is said at once.
      ...(invite ? { caseInvite: await checkCaseInvite(this.deps.prisma, invite, now) } : {}),
    };
    const decision = decide(loaded.stack, profile, inc.input, this.flows);
    const prompt = decision.stack[decision.stack.length - 1]?.prompt ?? 0;
    const rendered = render(i18n, inc.chatId, loaded.language, prompt, decision.effects, loaded.roles);
    const outbox = [...rendered.calls];
    if (inc.callback?.messageId) {
      // A pressed keyboard is spent: take it off the message so it cannot be pressed again.
      outbox.unshift({
        method: "editMessageReplyMarkup",
        payload: { chat_id: inc.chatId, message_id: inc.callback.messageId, reply_markup: { inline_keyboard: [] } },
      });
    }
    const rows = await store.commit({
      updateId,
      chatId: inc.chatId,
      userId: inc.userId,
      stack: JSON.stringify(decision.stack) === JSON.stringify(loaded.stack) ? null : decision.stack,
      ...(rendered.language ? { language: rendered.language } : {}),
      ...(rendered.consent ? { consent: { version: i18n.consentVersion, at: now } } : {}),
      createUser: !loaded.userExists,
      outbox,
    }, this.expand(inc.userId, inc.chatId, now, loaded.roles));
    if (inc.callback) {
      const lang = rendered.language ?? loaded.language ?? "kk";
      const text = rows && decision.toast ? i18n.t(lang)(decision.toast) : undefined;
      await api.answerCallbackQuery(inc.callback.id, text ? { text } : {}).catch((e: unknown) => log.warn({ err: e }, "answerCallbackQuery failed"));
    }
    if (rows === null) {
      // The insert of this update id inside the transaction is the guard: it holds across processes too.
      log.info("duplicate update skipped");
      return;
    }
    const flows = decision.stack.map((e) => e.flow).join(">");
    log.info({ input: inc.input.kind, flows, sends: rows.length }, "update handled");
    await this.deliver(rows, api, log);
  }

  /**
   * Sends rows as one ordered queue per chat, so that a chat that cannot be reached (a staff chat, say)
   * holds back only its own messages. A chat whose earlier delivery failed gets its older rows first.
   */
  private async deliver(rows: OutboxRow[], api: Api, log: Logger): Promise<void> {
    const byChat = new Map<number, OutboxRow[]>();
    for (const r of rows) byChat.set(r.chatId, [...(byChat.get(r.chatId) ?? []), r]);
    for (const [chatId, chatRows] of byChat) {
      await this.send(this.backlog.has(chatId) ? await this.deps.store.pending(chatId) : chatRows, api, log);
    }
  }

  /** Domain effects, carried out inside the update's transaction. */
  private expand(userId: number, chatId: number, now: Date, roles: readonly Role[]): Expand {
    const { i18n, timeZone, dataKey, staffChatId } = this.deps;
    return async (tx, call) => {
      if (!call.method.startsWith(DOMAIN_PREFIX)) return null;
      const p = call.payload;
      const language = p.language as Lang;
      const read = { userId, chatId, language, now, timeZone, i18n, roles };
      switch (call.method.slice(DOMAIN_PREFIX.length) as DomainEffect["type"]) {
        case "submitNotice":
          return fileNotice(tx, p.notice as NoticeAnswers, { ...read, dataKey, staffChatId });
        case "showCases":
          return listCases(tx, read);
        case "showCase":
          return showCase(tx, p.caseId as number, read);
        case "createOrganization":
          return createOrganization(tx, p.name as string, p.region as string, read);
        case "listOrganizations":
          return listOrganizations(tx, read);
        case "createInvite":
          return createInvite(tx, p.role as "staff" | "mediator", (p.organizationId as number | undefined) ?? null, { ...read, botUsername: this.deps.botUsername() });
        case "listRoles":
          return listRoles(tx, read);
        case "revokeRole":
          return revokeRole(tx, p.roleId as number, read);
        case "redeemInvite":
          return redeemInvite(tx, p.token as string, { ...read, languageKnown: p.languageKnown === true });
        case "showInbox":
          return showInbox(tx, read);
        case "showStaffCase":
          return showStaffCase(tx, p.caseId as number, { ...read, dataKey });
        case "recordFormation":
          return recordFormation(tx, p.caseId as number, (p.date as string | undefined) ?? null, { ...read, staffChatId });
        case "recordConclusion":
          return recordConclusion(tx, p as unknown as Parameters<typeof recordConclusion>[1], read);
        case "createRelativeInvite":
          return createRelativeInvite(tx, p.caseId as number, { ...read, botUsername: this.deps.botUsername() });
        case "joinCase":
          return joinCase(tx, p.token as string, p.relation as string, read);
        case "removeRelative":
          return removeRelative(tx, p.participantId as number, read);
        case "scheduleSitting":
          return scheduleSitting(tx, p as unknown as SittingPlan, read);
        case "moveSitting":
          return moveSitting(tx, p as unknown as { sittingId: number; date: string; time: string }, read);
        case "cancelSitting":
          return cancelSitting(tx, p.sittingId as number, read);
        case "shareNotice":
          return shareNotice(tx, p.caseId as number, p.share === true, read);
        case "sharedNotice":
          return sharedNotice(tx, p.caseId as number, read);
        case "listMediationCases":
          return mediation.listMediationCases(tx, read);
        case "pickMediator":
          return mediation.pickMediator(tx, p.caseId as number, read);
        case "assignMediator":
          return mediation.assignMediator(tx, p.caseId as number, p.roleId as number, read);
        case "mediatorAnswer":
          return mediation.mediatorAnswer(tx, p.mediationId as number, p.accept === true, read);
        case "partyAgree":
          return mediation.partyAgree(tx, p.mediationId as number, p.agree === true, { ...read, mediationDays: this.deps.mediationDays ?? mediation.MEDIATION_DAYS });
        case "showMediation":
          return mediation.showMediation(tx, p.mediationId as number, read);
        case "relayMessage":
          return mediation.relayMessage(tx, p as unknown as Parameters<typeof mediation.relayMessage>[1], { ...read, dataKey });
        case "proposeSettlement":
          return mediation.proposeSettlement(tx, p as unknown as Parameters<typeof mediation.proposeSettlement>[1], read);
        case "answerProposal":
          return mediation.answerProposal(tx, p.proposalId as number, p.accept === true, read);
        case "counterOffer":
          return mediation.counterOffer(tx, p as unknown as Parameters<typeof mediation.counterOffer>[1], read);
        case "confirmAgreement":
          return mediation.confirmAgreement(tx, p.proposalId as number, read);
        case "endMediation":
          return mediation.endMediation(tx, p.mediationId as number, read);
        case "chooseEscalation":
          return chooseEscalation(tx, p.caseId as number, read);
        case "draftEscalation":
          return draftEscalation(tx, p.caseId as number, p.target as EscalationTarget, { ...read, dataKey });
        case "listUnlinked":
          return listUnlinked(tx, read);
        case "chooseCaseOrg":
          return chooseCaseOrg(tx, p.caseId as number, read);
        case "linkCase":
          return linkCase(tx, p.caseId as number, p.organizationId as number, read);
        case "answerSitting":
          return answerSitting(tx, p.sittingId as number, p.answer as SittingAnswer, { ...read, staffChatId });
      }
    };
  }

  /** Sends one chat's outbox rows in order; stops at the first failure that a later try could fix. */
  async send(rows: OutboxRow[], api: Api, log: Logger): Promise<void> {
    const sent: bigint[] = [];
    try {
      for (const row of rows) {
        try {
          await this.call(row, api);
        } catch (e) {
          if (mustDeliver(row.method) && !isPermanent(e)) {
            this.backlog.add(row.chatId);
            log.warn({ err: e, method: row.method }, "send failed; kept for a later try");
            return;
          }
          log.warn({ err: e, method: row.method }, "call failed; dropped");
        }
        sent.push(row.id);
      }
      for (const r of rows) this.backlog.delete(r.chatId);
    } finally {
      await this.deps.store.markSent(sent);
    }
  }

  /** Waits as long as needed to stay within the global rate (a sliding window of one second). */
  private async throttle(): Promise<void> {
    const max = this.deps.maxPerSecond ?? 30;
    for (;;) {
      const now = Date.now();
      while (this.recent.length && now - this.recent[0]! >= 1000) this.recent.shift();
      if (this.recent.length < max) {
        this.recent.push(now);
        return;
      }
      await new Promise((r) => setTimeout(r, 1000 - (now - this.recent[0]!)));
    }
  }

  /** Handles the jobs due at `now` and sends what they decided. */
  async runJobs(now: Date, api: Api, log: Logger): Promise<number> {
    if (!this.deps.jobs) return 0;
    const rows = await this.deps.jobs.runDue(now);
    await this.deliver(rows, api, log);
    return rows.length;
  }

  /** Makes one outbox row's Bot API call; a deferred call (a document to render) is resolved first. */
  private async call(row: OutboxRow, api: Api): Promise<void> {
    await this.throttle();
    if (row.method === SEND_FILE) {
      // A file already on Telegram's servers (an attachment), re-sent by its id.
      const p = row.payload as { chat_id: number; kind: "photo" | "document"; fileId: string };
      if (p.kind === "photo") await api.sendPhoto(p.chat_id, p.fileId);
      else await api.sendDocument(p.chat_id, p.fileId);
      return;
    }
    const build = this.documents[row.method];
    if (!build) {
      await api.raw[row.method as "sendMessage"](row.payload as never);
      return;
    }
    // A document made when it is sent, from what is stored then; a PDF takes a moment: say one is coming.
    const p = row.payload as { chat_id: number };
    if (row.method !== SITTING_ICS) await api.sendChatAction(p.chat_id, "upload_document").catch(() => undefined);
    const payload = await build(row.payload);
    if (payload) await api.raw.sendDocument(payload);
  }

  /** Outbox calls whose document is built when sent: each gives sendDocument's payload, or null if its record is gone. */
  private readonly documents: Record<string, (payload: Record<string, unknown>) => Promise<Parameters<Api["raw"]["sendDocument"]>[0] | null>> = {
    [NOTICE_PDF]: (p) => noticePdfCall(this.deps.prisma, p as { chat_id: number; caseId: number; language: Lang }, this.deps.dataKey, this.deps.i18n),
    [mediation.AGREEMENT_PDF]: (p) => agreementPdfCall(this.deps.prisma, p as { chat_id: number; proposalId: number; language: Lang }, this.deps.i18n, this.deps.timeZone),
    [ESCALATION_PDF]: (p) =>
      escalationPdfCall(this.deps.prisma, p as { chat_id: number; caseId: number; target: EscalationTarget; language: Lang }, this.deps.i18n, this.deps.dataKey, this.deps.timeZone),
    [SITTING_ICS]: (p) => sittingIcsCall(this.deps.prisma, p as { chat_id: number; sittingId: number; language: Lang }, this.deps.i18n, this.now()),
  };

  /** Forgets processed update ids older than Telegram would redeliver, and messages sent a week ago. */
  async prune(now: Date): Promise<number> {
    const day = 24 * 60 * 60 * 1000;
    const updates = await this.deps.store.pruneProcessed(new Date(now.getTime() - day));
    return updates + (await this.deps.store.pruneSent(new Date(now.getTime() - 7 * day)));
  }

  /** At start: what was decided before a crash but never sent goes out now. */
  async flush(api: Api, log: Logger): Promise<number> {
    const rows = await this.deps.store.pending();
    await this.deliver(rows, api, log);
    return rows.length;
  }
}
