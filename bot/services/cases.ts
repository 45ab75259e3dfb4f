// /cases: the cases a user takes part in, each with its status, next step and deadline counted down in
// working days; and one case's timeline. A user sees only cases they take part in.
import { endOfDay, workingDaysLeft } from "../../machines/calendar.js";
import type { Lang } from "../../machines/effects.js";
import { regionByCode } from "../../machines/notice-rules.js";
import { showDate } from "../../machines/notice.js";
import type { Prisma as PrismaNS } from "../db/generated/client.js";
import type { I18n } from "../i18n.js";
import type { ApiCall } from "../runtime/render.js";
import { relativeButtons } from "./relatives.js";
import { participantSittings } from "./sittings.js";
import { mediationButtons } from "./mediation.js";
import { escalationButton } from "./escalation.js";

export interface ReadContext {
  userId: number;
  chatId: number;
  language: Lang;
  now: Date;
  timeZone: string;
  i18n: I18n;
}

/** Statuses with a deadline the organisation must meet, and where it is kept in the case's answers. */
const DEADLINES: Record<string, string> = { submitted: "formationDue", commission_formed: "conclusionDue" };

export const LIST_MAX = 10;
/** Events shown in a case's timeline, newest last; at about 60 characters each they fit one message. */
export const TIMELINE_MAX = 30;

const clip = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1).trimEnd()}…` : s);

const mine = (userId: number) => ({ participants: { some: { userId: BigInt(userId), removedAt: null } } });

const deadlineLine = (c: { status: string; answers: unknown }, r: ReadContext): string => {
  const field = DEADLINES[c.status];
  const date = field ? (c.answers as Record<string, unknown>)[field] : undefined;
  if (typeof date !== "string") return "";
  const t = r.i18n.t(r.language);
  const left = workingDaysLeft(r.now, { date, at: endOfDay(date, r.timeZone) }, r.timeZone);
  return left > 0
    ? t("cases.deadline", { date: showDate(date), left: t("cases.left", { count: left }) })
    : t("cases.overdue", { date: showDate(date) });
};

export const listCases = async (tx: PrismaNS.TransactionClient, r: ReadContext): Promise<ApiCall[]> => {
  const t = r.i18n.t(r.language);
  // Ten cases, names clipped to 80 characters, keep the message under Telegram's 4,096 characters.
  const cases = await tx.case.findMany({ where: mine(r.userId), orderBy: { submittedAt: "desc" }, take: LIST_MAX });
  if (cases.length === 0) return [{ method: "sendMessage", payload: { chat_id: r.chatId, text: t("cases.none") } }];
  const items = cases.map((c) =>
    [
      t("cases.item", { number: c.number, org: clip(c.orgName, 80), region: regionByCode(c.region)?.[r.language] ?? c.region }),
      t("cases.status", { status: t(`cases.statuses.${c.status}`) }),
      t(`cases.next.${c.status}`, { defaultValue: "" }),
      deadlineLine(c, r),
    ]
      .filter(Boolean)
      .join("\n"),
  );
  return [
    {
      method: "sendMessage",
      payload: {
        chat_id: r.chatId,
        text: [t("cases.title"), ...items].join("\n\n"),
        reply_markup: { inline_keyboard: cases.map((c) => [{ text: t("cases.open", { number: c.number }), callback_data: `g:case:${c.id}` }]) },
      },
    },
  ];
};

export const showCase = async (tx: PrismaNS.TransactionClient, caseId: number, r: ReadContext): Promise<ApiCall[]> => {
  const t = r.i18n.t(r.language);
  // The same answer whether the case does not exist or is someone else's: nothing is revealed.
  const c = await tx.case.findFirst({ where: { id: caseId, ...mine(r.userId) }, include: { events: { where: { kind: { not: "mediation_message" } }, orderBy: { id: "asc" } } } });
  if (!c) return [{ method: "sendMessage", payload: { chat_id: r.chatId, text: t("cases.notFound") } }];
  // A long case (sittings moved, mediation rounds) keeps its newest events within one message.
  const shown = c.events.slice(-TIMELINE_MAX);
  const lines = [
    ...(c.events.length > shown.length ? [t("cases.earlier", { count: c.events.length - shown.length })] : []),
    ...shown.map((e) => t("cases.event", { date: showDate(new Intl.DateTimeFormat("en-CA", { timeZone: r.timeZone }).format(e.createdAt)), what: t(`cases.events.${e.kind}`) })),
  ];
  const head = [
    t("cases.timeline", { number: c.number, org: c.orgName, region: regionByCode(c.region)?.[r.language] ?? c.region }),
    t("cases.status", { status: t(`cases.statuses.${c.status}`) }),
    deadlineLine(c, r),
  ].filter(Boolean);
  const sittings = await participantSittings(tx, c.id, r);
  const relatives = await relativeButtons(tx, c.id, r);
  const text = [
    ...head,
    ...(sittings.length ? ["", t("sitting.caseTitle"), ...sittings] : []),
    ...(relatives.lines.length ? ["", t("relatives.title"), ...relatives.lines] : []),
    "",
    ...lines,
  ].join("\n");
  // Mediation is between the applicant and the organisation: relatives do not take part in it.
  const applicant = await tx.caseParticipant.count({ where: { caseId: c.id, userId: BigInt(r.userId), role: "applicant", removedAt: null } });
  const mediation = applicant ? [...(await mediationButtons(tx, c.id, r, false)), ...(await escalationButton(tx, c.id, r))] : [];
  // The payment table with this case's outcome marked (the outcome is not secret; unknown marks none).
  const payments = { text: t("cases.payments"), callback_data: `g:payments:${c.outcome ?? "unknown"}` };
  return [{ method: "sendMessage", payload: { chat_id: r.chatId, text, reply_markup: { inline_keyboard: [[payments], ...relatives.buttons, ...mediation] } } }];
};
