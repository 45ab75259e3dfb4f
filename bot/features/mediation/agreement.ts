// The documents of a mediation (law.md §4), as PDFs in the reader's language, made from what is stored when
// they are sent, and laid out as documents of their kind: a heading, the place and a date to fill in, the
// parties and the mediator by full name, numbered terms, a signature block for each. The mediation contract
// (Art. 20): the subject, the term, voluntariness, confidentiality, the mediator's impartiality, in force from
// its signing. The settlement agreement: the subject, the amount, the agreed terms. A press in the bot is not
// a signature: neither document says it was signed, and the signed agreement is recorded separately.
import { InputFile } from "grammy";
import { z } from "zod";
import { localDate } from "../../../machines/calendar.js";
import { amountInWords } from "../../../machines/amount-words.js";
import type { ApplicantDetails, Lang, Param } from "../../../machines/effects.js";
import { officialDate } from "../../../machines/notice.js";
import type { Prisma } from "../../core/actor.js";
import { careText, caseOrg, patientName, regionName, regionPlace } from "../../core/case.js";
import { renderDocument, type DocumentBuilder, type DocumentEnv, type PdfContent } from "../../core/documents.js";
import { lines } from "../../core/effects.js";
import { open } from "../../crypto.js";
import { localParam } from "../../core/render.js";
import { detailsOf } from "../escalation/escalation.js";
import { mediationSide, proposalSide } from "./mediation.js";

/** The parties and the mediator of a mediation, by name where the bot knows them. */
interface Parties {
  number: string;
  relation: string;
  patient: string;
  care: string;
  region: string;
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
    region: org?.region ?? m.case.region,
    applicant: detailsOf(m.case.participants[0]?.user.details ?? null, dataKey),
    org: lines([caseOrg(m.case), regionName(org?.region ?? m.case.region)], ", "),
    representative: rep ? { name: rep.fullName, title: rep.roles[0]?.title ?? null } : null,
    mediator: { name: mediator?.fullName ?? null, registry: mediator?.roles[0]?.title ?? null },
  };
};

const fullName = (d: ApplicantDetails) => [d.surname, d.name, d.patronymic].filter(Boolean).join(" ");
const blank = { key: "agreement.blank" };

/**
 * The parties and the mediator, as a contract introduces them (law.md §4: by full name, never a Telegram id). The
 * applicant with their whole IIN and postal address too: a contract made in Kazakhstan identifies a natural person by
 * IIN, and the settlement agreement is what a payment is made on. These are PDFs for the parties, who sign and keep
 * them; the chat's texts about them carry neither the IIN nor the address (law.md §7).
 */
const partyLines = (p: Parties): [Param, Param][] => [
  [
    { key: "agreement.applicant" },
    {
      key: p.relation === "self" ? "agreement.applicantSelf" : "agreement.applicantIs",
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
      ? { key: p.representative.title ? "agreement.organizationBy" : "agreement.organizationByName", params: { org: p.org, name: p.representative.name, title: p.representative.title ?? "" } }
      : { key: "agreement.organizationOnly", params: { org: p.org } },
  ],
  [{ key: "agreement.mediator" }, p.mediator.registry ? { key: "agreement.mediatorText", params: { name: p.mediator.name ?? blank, registry: p.mediator.registry } } : (p.mediator.name ?? blank)],
];

/** Who signs: each party and the mediator, by name, with a line for the signature — the bot signs nothing. */
const signatureBlocks = (p: Parties): { role: Param; name: Param }[] => [
  { role: { key: "agreement.signApplicant" }, name: p.applicant ? fullName(p.applicant) : blank },
  { role: { key: "agreement.signOrganization" }, name: p.representative?.name ?? blank },
  { role: { key: "agreement.signMediator" }, name: p.mediator.name ?? blank },
];

/** A mediation document in one language: its heading, place and date line, parties, numbered terms, signatures. */
interface MediationDocument {
  title: string;
  parties: Parties;
  preamble: string;
  terms: [Param, Param][];
  footer: Param;
}
const documentContent = (d: MediationDocument, lang: Lang, env: DocumentEnv): PdfContent => {
  const local = (v: Param) => String(localParam(env.i18n, lang, v));
  return {
    title: local({ key: d.title }),
    subtitle: local({ key: "agreement.ofCase", params: { number: d.parties.number } }),
    placeDate: [local(regionPlace(d.parties.region) ?? { key: "agreement.placeBlank" }), local({ key: "agreement.dateBlank" })],
    lines: [
      ["", local({ key: "agreement.parties" })],
      ...partyLines(d.parties).map(([l, v]): [string, string] => [local(l), local(v)]),
      ["", local({ key: d.preamble })],
      ...d.terms.map(([l, v], i): [string, string] => [`${i + 1}. ${local(l)}`, local(v)]),
    ],
    signatures: signatureBlocks(d.parties).map((s) => ({ role: local(s.role), name: local(s.name) })),
    footer: local(d.footer),
  };
};

/** The mediation contract (law.md §4, Art. 20) in a language; null when the mediation is gone. */
export const contractContent = async (mediationId: number, lang: Lang, env: DocumentEnv): Promise<{ number: string; content: PdfContent } | null> => {
  const parties = await loadParties(env.prisma, mediationId, env.dataKey);
  if (!parties) return null;
  const content = documentContent(
    {
      title: "contract.title",
      parties,
      preamble: "contract.preamble",
      terms: [
        [{ key: "contract.subject" }, { key: "contract.subjectText", params: { patient: parties.patient, care: parties.care } }],
        [{ key: "contract.term" }, { key: "contract.termText", params: { count: env.mediationDays } }],
        [{ key: "contract.voluntary" }, { key: "contract.voluntaryText" }],
        [{ key: "contract.confidential" }, { key: "contract.confidentialText" }],
        [{ key: "contract.impartial" }, { key: "contract.impartialText" }],
        [{ key: "contract.force" }, { key: "contract.forceText" }],
      ],
      footer: { key: "contract.footer", params: { date: officialDate(localDate(env.now(), env.timeZone), "on") } },
    },
    lang,
    env,
  );
  return { number: parties.number, content };
};

/** The settlement agreement of an accepted proposal (law.md §4) in a language; null when it is gone. */
export const agreementContent = async (proposalId: number, lang: Lang, env: DocumentEnv): Promise<{ number: string; content: PdfContent } | null> => {
  const proposal = await env.prisma.proposal.findUnique({ where: { id: proposalId }, include: { responses: { orderBy: { answeredAt: "desc" } } } });
  const parties = proposal?.mediationId ? await loadParties(env.prisma, proposal.mediationId, env.dataKey) : null;
  if (!proposal || !parties) return null;
  const accepted = proposal.responses.find((r) => r.answer === "accept");
  const agreedOn = officialDate(localDate(accepted?.answeredAt ?? proposal.createdAt, env.timeZone), "on");
  const content = documentContent(
    {
      title: "agreement.title",
      parties,
      preamble: "agreement.preamble",
      terms: [
        [{ key: "agreement.subject" }, { key: "agreement.subjectText", params: { patient: parties.patient, care: parties.care } }],
        [{ key: "agreement.amount" }, { key: "agreement.amountText", params: { amount: Number(proposal.amountTenge), words: amountInWords(Number(proposal.amountTenge)) } }],
        [{ key: "agreement.terms" }, open(env.dataKey, proposal.terms)],
        [{ key: "agreement.force" }, { key: "agreement.forceText" }],
      ],
      footer: { key: "agreement.footer", params: { date: agreedOn } },
    },
    lang,
    env,
  );
  return { number: parties.number, content };
};

export const contractPdf: DocumentBuilder<"contractPdf"> = {
  params: z.object({ mediationId: z.number().int() }),
  action: "upload_document",
  pdf: true,
  build: async (p, env) => {
    // Asked again when it is made: a row that waited (a failed send) goes to no one who has left the mediation since.
    if ((await mediationSide(env.prisma, p.mediationId, p.chat_id)) === null) return null;
    const made = await contractContent(p.mediationId, p.language, env);
    if (!made) return null;
    return {
      chat_id: p.chat_id,
      document: new InputFile(await renderDocument(made.content), `${made.number}-mediation-contract.pdf`),
      caption: env.i18n.t(p.language)("contract.caption", { number: made.number }),
    };
  },
};

export const agreementPdf: DocumentBuilder<"agreementPdf"> = {
  params: z.object({ proposalId: z.number().int() }),
  action: "upload_document",
  pdf: true,
  build: async (p, env) => {
    if ((await proposalSide(env.prisma, p.proposalId, p.chat_id)) === null) return null;
    const made = await agreementContent(p.proposalId, p.language, env);
    if (!made) return null;
    return {
      chat_id: p.chat_id,
      document: new InputFile(await renderDocument(made.content), `${made.number}-agreement.pdf`),
      caption: env.i18n.t(p.language)("agreement.caption", { number: made.number }),
    };
  },
};
