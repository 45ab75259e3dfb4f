// The documents of a mediation (law.md §4), as PDFs in the reader's language, made from what is stored when
// they are sent. The mediation contract's essentials — the parties, the mediator, the subject, the term,
// voluntariness and confidentiality — which both sides agree to before it starts (Art. 20). The settlement
// agreement — the parties by full name (the applicant; the healthcare entity by its registered name and its
// representative), the subject, the mediator by full name, the agreed terms, lines for the signatures. A
// press in the bot is not a signature: the signed agreement is recorded separately.
import { InputFile } from "grammy";
import { z } from "zod";
import { localDate } from "../../../machines/calendar.js";
import type { ApplicantDetails, Lang, Param } from "../../../machines/effects.js";
import { officialDate } from "../../../machines/notice.js";
import type { Prisma } from "../../core/actor.js";
import { careText, orgNames, patientName, regionName } from "../../core/case.js";
import { renderPdf, type DocumentBuilder, type DocumentEnv } from "../../core/documents.js";
import { lines } from "../../core/effects.js";
import { localParam } from "../../core/render.js";
import { detailsOf } from "../escalation/escalation.js";

/** The parties and the mediator of a mediation, by name where the bot knows them. */
interface Parties {
  number: string;
  relation: string;
  patient: string;
  care: string;
  applicant: ApplicantDetails | null;
  org: Param;
  representative: { name: string | null; title: string | null } | null;
  mediator: { name: string | null; registry: string | null };
}

const loadParties = async (prisma: Prisma, mediationId: number, dataKey: Buffer): Promise<Parties | null> => {
  const m = await prisma.mediation.findUnique({ where: { id: mediationId }, include: { case: { include: { organization: true, participants: { where: { role: "applicant", removedAt: null }, include: { user: true }, orderBy: { id: "asc" }, take: 1 } } } } });
  if (!m) return null;
  const a = m.case.answers as Record<string, string | undefined>;
  const mediator = await prisma.user.findUnique({ where: { id: m.mediatorId }, include: { roles: { where: { role: "mediator", revokedAt: null }, take: 1 } } });
  const rep = m.orgAgreedBy === null ? null : await prisma.user.findUnique({ where: { id: m.orgAgreedBy }, include: { roles: { where: { role: "staff", organizationId: m.case.organizationId, revokedAt: null }, take: 1 } } });
  const org = m.case.organization;
  return {
    number: m.case.number,
    relation: a.relation ?? "self",
    patient: patientName(dataKey, m.case),
    care: careText(a.careFrom, a.careTo),
    applicant: detailsOf(m.case.participants[0]?.user.details ?? null, dataKey),
    org: org ? lines([orgNames(org), regionName(org.region)], ", ") : lines([m.case.orgName, regionName(m.case.region)], ", "),
    representative: rep ? { name: rep.fullName, title: rep.roles[0]?.title ?? null } : null,
    mediator: { name: mediator?.fullName ?? null, registry: mediator?.roles[0]?.title ?? null },
  };
};

const fullName = (d: ApplicantDetails) => [d.surname, d.name, d.patronymic].filter(Boolean).join(" ");
const blank = { key: "agreement.blank" };

/** The lines both documents share: the parties and the mediator. */
const partyLines = (p: Parties): [Param, Param][] => [
  [{ key: "agreement.case" }, p.number],
  [
    { key: "agreement.applicant" },
    {
      key: "agreement.applicantIs",
      params: {
        name: p.applicant ? fullName(p.applicant) : blank,
        iin: p.applicant?.iin ?? blank,
        address: p.applicant?.address ?? blank,
        relation: { key: `escalation.relation.${p.relation}` },
        patient: p.patient,
      },
    },
  ],
  [
    { key: "agreement.organization" },
    p.representative?.name
      ? { key: "agreement.organizationBy", params: { org: p.org, name: p.representative.name, title: p.representative.title ?? "" } }
      : { key: "agreement.organizationOnly", params: { org: p.org } },
  ],
  [{ key: "agreement.mediator" }, { key: "agreement.mediatorText", params: { name: p.mediator.name ?? blank, registry: p.mediator.registry ?? blank } }],
  [{ key: "agreement.subject" }, { key: "agreement.subjectText", params: { patient: p.patient, care: p.care } }],
];

const pdf = async (title: string, rows: [Param, Param][], footer: string, lang: Lang, env: DocumentEnv) => {
  const local = (v: Param) => String(localParam(env.i18n, lang, v));
  return renderPdf(local({ key: title }), rows.map(([l, v]) => [local(l), local(v)]), local({ key: footer }));
};

export const contractPdf: DocumentBuilder<"contractPdf"> = {
  params: z.object({ mediationId: z.number().int() }),
  action: "upload_document",
  pdf: true,
  build: async (p, env) => {
    const parties = await loadParties(env.prisma, p.mediationId, env.dataKey);
    const m = await env.prisma.mediation.findUnique({ where: { id: p.mediationId }, select: { id: true } });
    if (!parties || !m) return null;
    const rows: [Param, Param][] = [
      ...partyLines(parties),
      [{ key: "contract.term" }, { key: "contract.termText", params: { days: env.mediationDays } }],
      [{ key: "contract.voluntary" }, { key: "contract.voluntaryText" }],
      [{ key: "contract.confidential" }, { key: "contract.confidentialText" }],
      [{ key: "contract.impartial" }, { key: "contract.impartialText" }],
      [{ key: "agreement.signatures" }, { key: "agreement.signatureLines" }],
    ];
    return {
      chat_id: p.chat_id,
      document: new InputFile(await pdf("contract.title", rows, "contract.footer", p.language, env), `${parties.number}-mediation-contract.pdf`),
      caption: env.i18n.t(p.language)("contract.caption", { number: parties.number }),
    };
  },
};

export const agreementPdf: DocumentBuilder<"agreementPdf"> = {
  params: z.object({ proposalId: z.number().int() }),
  action: "upload_document",
  pdf: true,
  build: async (p, env) => {
    const proposal = await env.prisma.proposal.findUnique({ where: { id: p.proposalId }, include: { responses: { orderBy: { answeredAt: "desc" } } } });
    const parties = proposal?.mediationId ? await loadParties(env.prisma, proposal.mediationId, env.dataKey) : null;
    if (!proposal || !parties) return null;
    const accepted = proposal.responses.find((r) => r.answer === "accept");
    const rows: [Param, Param][] = [
      ...partyLines(parties),
      [{ key: "agreement.amount" }, { key: "agreement.amountText", params: { amount: Number(proposal.amountTenge) } }],
      [{ key: "agreement.terms" }, proposal.terms],
      [{ key: "agreement.date" }, officialDate(localDate(accepted?.answeredAt ?? proposal.createdAt, env.timeZone))],
      [{ key: "agreement.signatures" }, { key: "agreement.signatureLines" }],
    ];
    return {
      chat_id: p.chat_id,
      document: new InputFile(await pdf("agreement.title", rows, "agreement.footer", p.language, env), `${parties.number}-agreement.pdf`),
      caption: env.i18n.t(p.language)("agreement.caption", { number: parties.number }),
    };
  },
};
