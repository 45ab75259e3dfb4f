// Filing a notice: in the same transaction as the update that submitted it, the case is numbered and
// stored (IIN, phone and description sealed with DATA_KEY), its first event logged, and the messages to
// the applicant and to staff composed.
import { workingDeadline, localDate } from "../../machines/calendar.js";
import type { Lang, NoticeAnswers } from "../../machines/effects.js";
import { regionByCode } from "../../machines/notice-rules.js";
import { showDate } from "../../machines/notice.js";
import { seal } from "../crypto.js";
import type { Prisma as PrismaNS } from "../db/generated/client.js";
import type { I18n } from "../i18n.js";
import type { ApiCall } from "../runtime/render.js";
import { NOTICE_PDF } from "./notice-pdf.js";
import { scheduleFormationWatch } from "./deadlines.js";

export const FORMATION_WORKING_DAYS = 3;

export interface NoticeContext {
  userId: number;
  chatId: number;
  language: Lang;
  now: Date;
  timeZone: string;
  dataKey: Buffer;
  i18n: I18n;
  /** Where staff hear of new notices while no staff are registered for the organisation. */
  staffChatId: number | null;
}

export const caseNumber = (year: number, seq: number): string => `KZ-${year}-${String(seq).padStart(6, "0")}`;

/** A name as people may type it: no case, quotes or extra spaces. */
export const normalizeName = (s: string): string => s.toLowerCase().replace(/[«»"'“”„`]/g, "").replace(/\s+/g, " ").trim();

/**
 * The registered organisation a notice names: the one of its region with the same name (see
 * normalizeName). None, or more than one, leaves the case unlinked — nobody's staff see it by guess.
 */
export const matchOrganization = async (tx: PrismaNS.TransactionClient, name: string, region: string) => {
  const candidates = (await tx.organization.findMany({ where: { region } })).filter((o) => normalizeName(o.name) === normalizeName(name));
  return candidates.length === 1 ? candidates[0]! : null;
};

/** The sealed part of a case: what must not be readable from the database alone. */
export interface SensitiveFields {
  iin: string;
  phone: string;
  description: string;
}

export const fileNotice = async (tx: PrismaNS.TransactionClient, notice: NoticeAnswers, c: NoticeContext): Promise<ApiCall[]> => {
  const year = Number(localDate(c.now, c.timeZone).slice(0, 4));
  // Numbers are given one at a time, across processes too.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${4242}::int, ${year}::int)`;
  const last = await tx.case.aggregate({ where: { year }, _max: { seq: true } });
  const seq = (last._max.seq ?? 0) + 1;
  const number = caseNumber(year, seq);
  const deadline = workingDeadline(c.now, FORMATION_WORKING_DAYS, c.timeZone);
  const sensitive: SensitiveFields = { iin: notice.iin, phone: notice.phone, description: notice.description };
  const organization = await matchOrganization(tx, notice.org, notice.region);
  const created = await tx.case.create({
    data: {
      number,
      organizationId: organization?.id ?? null,
      year,
      seq,
      status: "submitted",
      orgName: notice.org,
      region: notice.region,
      outcome: notice.outcome,
      language: c.language,
      answers: {
        relation: notice.relation,
        name: notice.name,
        birthDate: notice.birthDate,
        careFrom: notice.careFrom,
        careTo: notice.careTo,
        supportKnows: notice.supportKnows,
        formationDue: deadline.date,
        submittedOn: localDate(c.now, c.timeZone),
      },
      sensitive: seal(c.dataKey, JSON.stringify(sensitive)),
      submittedAt: c.now,
      participants: { create: { userId: BigInt(c.userId), role: "applicant", relation: notice.relation } },
      events: { create: { kind: "notice_submitted", actorId: BigInt(c.userId), createdAt: c.now, payload: { formationDue: deadline.date, files: notice.files.length } } },
      attachments: {
        create: notice.files.map((f) => ({ kind: f.kind, fileId: f.fileId, fileUniqueId: f.fileUniqueId, mimeType: f.mime })),
      },
    },
  });
  await scheduleFormationWatch(tx, created.id, deadline, c.timeZone);
  const t = c.i18n.t(c.language);
  const region = regionByCode(notice.region);
  const care = notice.careFrom === notice.careTo ? showDate(notice.careFrom) : `${showDate(notice.careFrom)} – ${showDate(notice.careTo)}`;
  const summary = { org: notice.org, care };
  const calls: ApiCall[] = [
    {
      method: "sendMessage",
      payload: {
        chat_id: c.chatId,
        text: t("notice.submitted", {
          number,
          ...summary,
          region: region ? region[c.language] : notice.region,
          outcome: t(`notice.outcome.${notice.outcome}`),
          deadline: showDate(deadline.date),
          days: FORMATION_WORKING_DAYS,
        }),
      },
    },
    // The PDF is rendered when sent, from the stored case: nothing sensitive waits in the outbox.
    { method: NOTICE_PDF, payload: { chat_id: c.chatId, caseId: created.id, language: c.language } },
  ];
  calls.push(...(await newCaseToStaff(tx, created, c.i18n, c.staffChatId)));
  return calls;
};

/**
 * Staff hear of a new case: the organisation's own staff, each in their language; else the staff chat,
 * in both. Never the IIN or the phone.
 */
export const newCaseToStaff = async (
  tx: PrismaNS.TransactionClient,
  k: { number: string; orgName: string; region: string; outcome: string | null; organizationId: number | null; answers: unknown },
  i18n: I18n,
  staffChatId: number | null,
): Promise<ApiCall[]> => {
  const a = k.answers as { careFrom?: string; careTo?: string; formationDue?: string };
  const care = !a.careFrom || !a.careTo ? "" : a.careFrom === a.careTo ? showDate(a.careFrom) : `${showDate(a.careFrom)} – ${showDate(a.careTo)}`;
  const region = regionByCode(k.region);
  const text = (l: Lang) =>
    i18n.t(l)("notice.staffNew", {
      number: k.number,
      org: k.orgName,
      care,
      region: region ? region[l] : k.region,
      outcome: i18n.t(l)(`notice.outcome.${k.outcome ?? "unknown"}`),
      deadline: a.formationDue ? showDate(a.formationDue) : "",
    });
  const staff =
    k.organizationId === null
      ? []
      : await tx.userRole.findMany({ where: { organizationId: k.organizationId, role: "staff", revokedAt: null }, include: { user: { select: { language: true } } } });
  if (staff.length > 0) return staff.map((s) => ({ method: "sendMessage", payload: { chat_id: Number(s.userId), text: text(s.user.language ?? "ru") } }));
  return staffChatId === null ? [] : [{ method: "sendMessage", payload: { chat_id: staffChatId, text: (["kk", "ru"] as const).map(text).join("\n\n") } }];
};
