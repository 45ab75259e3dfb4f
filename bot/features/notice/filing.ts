// Filing a notice: in the same transaction as the update that submitted it, the case is numbered and
// stored (the patient's name, IIN, date of birth, phone and description sealed with DATA_KEY), its first event logged, and the messages to
// the applicant and to staff composed.
import { localDate } from "../../../machines/calendar.js";
import type { DomainEffect } from "../../../machines/effects.js";
import { careText, caseOrg, regionName, type SensitiveFields } from "../../core/case.js";
import type { Ctx, Tx } from "../../core/actor.js";
import type { Case } from "../../db/generated/client.js";
import { document } from "../../core/documents.js";
import { say, sayTo, type Out } from "../../core/effects.js";
import { orgStaff, reader } from "../../core/people.js";
import { seal } from "../../crypto.js";
import { nextCaseSeq } from "./numbers.js";
import { matchOrganization } from "./organizations.js";
import { awaitReceipt, FORMATION_WORKING_DAYS, nextStepForApplicant, recordReceiptButton } from "../receipt/receipt.js";

export const caseNumber = (year: number, seq: number): string => `KZ-${year}-${String(seq).padStart(6, "0")}`;

export const fileNotice = async (tx: Tx, { notice }: DomainEffect<"submitNotice">, c: Ctx): Promise<Out[]> => {
  const year = Number(localDate(c.now, c.timeZone).slice(0, 4));
  // From the year's sequence: no filing waits for another (numbers.ts).
  const seq = await nextCaseSeq(tx, year);
  const number = caseNumber(year, seq);
  const sensitive: SensitiveFields = { iin: notice.iin, phone: notice.phone, description: notice.description, name: notice.name, birthDate: notice.birthDate };
  // Chosen from the registered ones of the region, or a typed name that matches one.
  const chosen = notice.orgId === null ? null : await tx.organization.findFirst({ where: { id: notice.orgId, region: notice.region } });
  const organization = chosen ?? (notice.orgId === null ? await matchOrganization(tx, notice.org, notice.region) : null);
  const orgName = chosen ? (c.language === "kk" ? chosen.nameKk : chosen.nameRu) : notice.org;
  const created = await tx.case.create({
    data: {
      number,
      organizationId: organization?.id ?? null,
      year,
      seq,
      status: "saved",
      orgName,
      region: notice.region,
      outcome: notice.outcome,
      language: c.language,
      answers: {
        relation: notice.relation,
        careFrom: notice.careFrom,
        careTo: notice.careTo,
        supportKnows: notice.supportKnows,
        // The applicant's confirmation that they act for the patient (null: the patient filed, or not asked then).
        actsFor: notice.actsFor ?? null,
        submittedOn: localDate(c.now, c.timeZone),
      },
      sensitive: seal(c.dataKey, JSON.stringify(sensitive)),
      submittedAt: c.now,
      participants: { create: { userId: BigInt(c.userId), role: "applicant", relation: notice.relation } },
      events: { create: { kind: "notice_submitted", actorId: BigInt(c.userId), createdAt: c.now, payload: { files: notice.files.length } } },
      attachments: {
        create: notice.files.map((f) => ({ kind: f.kind, fileId: f.fileId, fileUniqueId: f.fileUniqueId, mimeType: f.mime })),
      },
    },
  });
  // Saved, not yet received: no legal deadline runs until the entity has it (law.md §3 step 2).
  const delivered = await awaitReceipt(tx, created, c.now, c.timeZone);
  return [
    // After "the patient died", condolence before anything else (language.md, Tone).
    ...(notice.outcome === "death" ? [say("common.condolence")] : []),
    say("notice.saved", {
      number,
      org: orgName,
      care: careText(notice.careFrom, notice.careTo),
      region: regionName(notice.region),
      outcome: { key: `notice.outcomeText.${notice.outcome}` },
    }),
    // The PDF is rendered when sent, from the stored case: nothing sensitive waits in the outbox.
    document({ name: "noticePdf", caseId: created.id }),
    nextStepForApplicant(delivered, created, c.timeZone),
    ...(await newCaseToStaff(tx, { ...created, organization }, c.staffChatId, c.timeZone)),
  ];
};

/**
 * Staff hear of a new case: the organisation's own staff, each in their language, with the button to record
 * its receipt; else the staff chat, in both. Never the IIN or the phone.
 */
export const newCaseToStaff = async (
  tx: Tx,
  k: Pick<Case, "id" | "number" | "orgName" | "region" | "outcome" | "organizationId" | "answers" | "submittedAt"> & { organization?: { nameKk: string; nameRu: string } | null },
  staffChatId: number | null,
  timeZone: string,
): Promise<Out[]> => {
  const a = k.answers as { careFrom?: string; careTo?: string };
  const params = {
    number: k.number,
    org: caseOrg(k),
    care: careText(a.careFrom, a.careTo),
    region: regionName(k.region),
    outcome: { key: `notice.outcomeText.${k.outcome ?? "unknown"}` },
    days: FORMATION_WORKING_DAYS,
  };
  const staff = await orgStaff(tx, k.organizationId, k.id);
  if (staff.length) return staff.map((s) => sayTo(reader(s.userId, s.user.language), "notice.staffNew", params, recordReceiptButton(k, timeZone)));
  return staffChatId === null ? [] : [sayTo({ chatId: staffChatId, lang: null }, "notice.staffChatNew", params)];
};
