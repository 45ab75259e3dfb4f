// Staff: the cases of their organisations, and a case in full (the notice decrypted, attachments re-sent).
// A case of another organisation gets the same answer as a case that does not exist.
import { regionByCode } from "../../machines/notice-rules.js";
import type { Prisma as PrismaNS } from "../db/generated/client.js";
import type { ApiCall } from "../runtime/render.js";
import type { ActorContext } from "./admin.js";
import { loadNoticeDocument, noticeLines } from "./notice-pdf.js";
import { staffSittings } from "./sittings.js";
import { mediationButtons, mediatorInbox } from "./mediation.js";

/** An outbox call that re-sends a file already on Telegram's servers, by its file id. */
export const SEND_FILE = "sendStoredFile";
const INBOX_MAX = 10;

/** The organisations a user is active staff of. */
export const staffOrgs = async (tx: PrismaNS.TransactionClient, userId: number): Promise<number[]> =>
  (await tx.userRole.findMany({ where: { userId: BigInt(userId), role: "staff", revokedAt: null, organizationId: { not: null } } })).map((r) => r.organizationId!);

/** /inbox: staff see their organisations' cases; mediators their mediations; someone who is both, both. */
export const showInbox = async (tx: PrismaNS.TransactionClient, c: ActorContext): Promise<ApiCall[]> => {
  const orgs = await staffOrgs(tx, c.userId);
  const mediations = c.roles.includes("mediator") ? await mediatorInbox(tx, c) : [];
  if (orgs.length === 0 && mediations.length) return mediations;
  return [...(await organizationInbox(tx, orgs, c)), ...mediations];
};

const organizationInbox = async (tx: PrismaNS.TransactionClient, orgs: number[], c: ActorContext): Promise<ApiCall[]> => {
  const t = c.i18n.t(c.language);
  const cases = orgs.length ? await tx.case.findMany({ where: { organizationId: { in: orgs } }, orderBy: { submittedAt: "desc" }, take: INBOX_MAX }) : [];
  if (cases.length === 0) return [{ method: "sendMessage", payload: { chat_id: c.chatId, text: t("staff.inboxEmpty") } }];
  const lines = cases.map((k) => t("staff.inboxItem", { number: k.number, org: k.orgName, region: regionByCode(k.region)?.[c.language] ?? k.region, status: t(`cases.statuses.${k.status}`) }));
  return [
    {
      method: "sendMessage",
      payload: {
        chat_id: c.chatId,
        text: [t("staff.inboxTitle"), ...lines].join("\n\n"),
        reply_markup: { inline_keyboard: cases.map((k) => [{ text: t("cases.open", { number: k.number }), callback_data: `g:scase:${k.id}` }]) },
      },
    },
  ];
};

export const showStaffCase = async (tx: PrismaNS.TransactionClient, caseId: number, c: ActorContext & { dataKey: Buffer }): Promise<ApiCall[]> => {
  const orgs = await staffOrgs(tx, c.userId);
  const k = await tx.case.findFirst({ where: { id: caseId, organizationId: { in: orgs } }, include: { attachments: { orderBy: { id: "asc" } } } });
  if (!k) return [{ method: "sendMessage", payload: { chat_id: c.chatId, text: c.i18n.t(c.language)("cases.notFound") } }];
  const doc = (await loadNoticeDocument(tx, k.id, c.dataKey))!;
  const t = c.i18n.t(c.language);
  const sittings = await staffSittings(tx, k.id, c);
  // The notice alone can take 3,600 characters: the sittings, with everyone's answers, come as a message of their own.
  const text = [t("pdf.title"), "", ...noticeLines(doc, c.language, c.i18n).map(([label, value]) => `${label}: ${value}`)].join("\n");
  // The next steps staff can record, if any.
  const next =
    k.status === "submitted"
      ? [[{ text: t("staff.formed"), callback_data: `g:sform:${k.id}` }]]
      : k.status === "commission_formed"
        ? [[{ text: t("sitting.scheduleButton"), callback_data: `g:ssit:${k.id}` }], ...sittings.buttons, [{ text: t("staff.conclusion"), callback_data: `g:sconc:${k.id}` }]]
        : [];
  next.push(...(await mediationButtons(tx, k.id, c, true)));
  const formed = next.length ? { reply_markup: { inline_keyboard: next } } : {};
  const messages = sittings.lines.length ? [text, [t("sitting.staffTitle"), ...sittings.lines].join("\n")] : [text];
  return [
    ...messages.map((m, i) => ({ method: "sendMessage", payload: { chat_id: c.chatId, text: m, ...(i === messages.length - 1 ? formed : {}) } })),
    ...k.attachments.map((a) => ({ method: SEND_FILE, payload: { chat_id: c.chatId, kind: a.kind, fileId: a.fileId } })),
  ];
};
