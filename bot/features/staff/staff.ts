// Staff: the cases of their organisations, and a case in full (the notice decrypted, attachments re-sent).
// A case of another organisation gets the same answer as a case that does not exist.
import { act } from "../../../machines/actions.js";
import type { Button, DomainEffect } from "../../../machines/effects.js";
import { caseOrg, deadlineLine, deadlineLines, formedOn, notReceivedYet, receiptOf, regionName, stepOf } from "../../core/case.js";
import { localDate } from "../../../machines/calendar.js";
import { showDate } from "../../../machines/notice.js";
import type { Ctx, Tx } from "../../core/actor.js";
import { lines, say, sayText, thenHome, type Out } from "../../core/effects.js";
import { onCase, recordAccess, staffOrgs } from "../../core/people.js";
import { confirmFormation, recordConclusion } from "../commission/actions.js";
import { mediationButtons, mediatorInbox } from "../mediation/mediation.js";
import { loadNoticeDocument, noticeFields } from "../notice/document.js";
import { scheduleSitting } from "../sittings/actions.js";
import { staffSittings } from "../sittings/sittings.js";
import { receiptLine, recordReceiptButton } from "../receipt/receipt.js";
import { caseKeyset, keysetPage, PAGE, type PageAt } from "../admin/pages.js";
import { openStaffCase, pageButtons } from "./actions.js";

/** The day the entity received the notice: the commission cannot be formed before it. */
const receivedOn = (k: { answers: unknown; submittedAt: Date | null; createdAt: Date }, timeZone: string): string =>
  receiptOf(k.answers)?.on ?? localDate(k.submittedAt ?? k.createdAt, timeZone);

/** /inbox: staff see their organisations' cases; mediators their mediations; someone who is both, both. */
export const showInbox = async (tx: Tx, e: DomainEffect<"showInbox">, c: Ctx): Promise<Out[]> => {
  const at = { offset: e.offset, cursor: e.cursor };
  if (e.part === "mediations") return c.roles.includes("mediator") ? mediatorInbox(tx, c, at) : [say("cases.notFound")];
  const orgs = await staffOrgs(tx, c.userId);
  if (e.part === "org") return organizationInbox(tx, orgs, at, c);
  const mediations = c.roles.includes("mediator") ? await mediatorInbox(tx, c) : [];
  if (orgs.length === 0 && mediations.length) return mediations;
  return [...(await organizationInbox(tx, orgs, {}, c)), ...mediations];
};

const organizationInbox = async (tx: Tx, orgs: number[], at: PageAt, c: Ctx): Promise<Out[]> => {
  // A case anonymised after its retention term (features/retention) has nothing left to open.
  const where = { organizationId: { in: orgs }, anonymisedAt: null };
  const total = orgs.length ? await tx.case.count({ where }) : 0;
  if (total === 0) return [say("staff.inboxEmpty")];
  // Next to the case the pressed page began or ended with; past the end (the list shrank since its button was sent): the last page.
  const page = await keysetPage(caseKeyset(tx, where), at, total);
  // Each case's organisation by its name in the reader's language, not as its applicant chose it (caseOrg).
  const names = await tx.organization.findMany({ where: { id: { in: orgs } }, select: { id: true, nameKk: true, nameRu: true } });
  const cases = page.items.map((k) => ({ ...k, organization: names.find((o) => o.id === k.organizationId) ?? null }));
  // Each with the deadline the organisation must meet now, counted down in working days, as the applicant's /cases
  // shows it; a calendar's caveat once, at the end.
  const deadlines = deadlineLines(cases, c);
  const items = cases.map((k, i) =>
    lines(
      [{ key: "staff.inboxItem", params: { number: k.number, org: caseOrg(k), region: regionName(k.region), status: { key: `cases.statuses.${k.status}` } } }, ...[deadlines.lines[i]!].filter((x) => x !== null)],
      "\n",
    ),
  );
  // Every case stays within reach, however many the organisation has: ten a page, newest first.
  const title = total > PAGE ? { key: "staff.inboxPage", params: { from: page.offset + 1, to: page.offset + cases.length, total } } : { key: "staff.inboxTitle" };
  return [
    sayText(lines([title, ...items, ...deadlines.notes], "\n\n"), [
      ...cases.map((k) => [{ key: "cases.open", params: { number: k.number }, ...act(openStaffCase, { caseId: k.id }) }]),
      ...pageButtons("org", page),
    ]),
  ];
};

export const showStaffCase = async (tx: Tx, e: DomainEffect<"showStaffCase">, c: Ctx): Promise<Out[]> => {
  const orgs = await staffOrgs(tx, c.userId);
  const k = await tx.case.findFirst({ where: { id: e.caseId, organizationId: { in: orgs } }, include: { attachments: { orderBy: { id: "asc" } } } });
  // Refused (another organisation's case, a forged id) or emptied: staff's home follows, never nothing to press.
  if (!k) return [say("cases.notFound"), thenHome("staff")];
  if (k.anonymisedAt) return [say("staff.caseAnonymised", { number: k.number, date: showDate(localDate(k.anonymisedAt, c.timeZone)) }), thenHome("staff")];
  // The applicant can see who opened their notice, and when.
  await recordAccess(tx, k.id, c.userId, "staff", "notice", c.now);
  if (k.attachments.length) await recordAccess(tx, k.id, c.userId, "staff", "files", c.now);
  const doc = (await loadNoticeDocument(tx, k.id, c.dataKey))!;
  const sittings = await staffSittings(tx, k.id, c);
  // The notice alone can take 3,600 characters: the sittings, with everyone's answers, come as a message of their own.
  const notice = lines([{ key: "pdf.title" }, "", ...noticeFields(doc).map(([label, value]) => ({ key: "common.labeled", params: { label, value } })), ...receiptLine(k), ...[deadlineLine(k, c)].filter((x) => x !== null)]);
  // The next steps staff can record, if any.
  // A mediation under way, or a complaint drafted, stops none of the commission's steps: they are offered by the step underneath.
  const step = stepOf(k);
  // Their own notice (as its applicant or a relative): they read it, and someone else records its steps.
  const own = await onCase(tx, k.id, c.userId);
  const next: Button[][] = own
    ? []
    : notReceivedYet(k)
      ? recordReceiptButton(k, c.timeZone)
      : step === "received"
      ? [[{ key: "staff.formed", ...act(confirmFormation, { caseId: k.id, notBefore: receivedOn(k, c.timeZone) }) }]]
      : step === "commission_formed"
        ? [[{ key: "sitting.scheduleButton", ...act(scheduleSitting, { caseId: k.id }) }], ...sittings.buttons, [{ key: "staff.conclusion", ...act(recordConclusion, { caseId: k.id, notBefore: formedOn(k, c.timeZone) }) }]]
        : [];
  if (!own) next.push(...(await mediationButtons(tx, k.id, true)));
  const messages = sittings.lines.length ? [notice, lines([{ key: "sitting.staffTitle" }, ...sittings.lines])] : [notice];
  if (own) messages.push(lines([{ key: "staff.ownCase", params: { number: k.number } }]));
  return [
    ...messages.map((m, i) => sayText(m, i === messages.length - 1 ? next : undefined)),
    // Each file says which case it is from and which of the notice's files it is: in a chat of many cases,
    // a photo alone says nothing.
    ...k.attachments.map(
      (a, i): Out => ({
        type: "file",
        file: { kind: a.kind === "photo" ? "photo" : "document", fileId: a.fileId },
        caption: { key: "staff.attachmentCaption", params: { number: k.number, n: i + 1, count: k.attachments.length } },
      }),
    ),
  ];
};
