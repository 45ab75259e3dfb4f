// Mediation's buttons (law.md §4). Who may press each is checked here by role and by the services against
// the case and the mediation: another side, another organisation's staff or a stranger are refused there.
import { z } from "zod";
import { act, defineAction, id } from "../../../machines/actions.js";
import { cursorOf, cursorParams } from "../admin/pages.js";

/** Admin: recent cases with no mediation under way, to assign a mediator to one. */
export const mediationCasesForAdmin = defineAction({
  name: "mediation/casesForAdmin",
  code: "adm:mdcases",
  params: z.object({ offset: id.optional() }),
  allow: ["admin"],
  run: ({ offset }, r) => r.emit({ type: "listMediationCases", offset }),
});
/** A page of those cases next to the case shown last or first: a notice filed meanwhile shifts nothing. */
export const mediationCasesForAdminAt = defineAction({
  name: "mediation/casesForAdminAt",
  code: "adm:mdcasesat",
  params: z.object(cursorParams),
  allow: ["admin"],
  run: (cursor, r) => r.emit({ type: "listMediationCases", cursor: cursorOf(cursor) }),
});
/** Staff of the case's organisation or an admin: the registered mediators to choose from. */
export const pickMediator = defineAction({
  name: "mediation/pickMediator",
  code: "mdpick",
  params: z.object({ caseId: id, offset: id.optional() }),
  allow: ["admin", "staff"],
  run: ({ caseId, offset }, r) => r.emit({ type: "pickMediator", caseId, offset }),
});
export const assignMediator = defineAction({
  name: "mediation/assign",
  code: "mdassign",
  params: z.object({ caseId: id, roleId: id }),
  allow: ["admin", "staff"],
  // The proposal sent, or refused for good, their home follows (the bot's thenHome) — staff's for someone who is staff,
  // as the router takes this button; refused for this mediator alone («choose another»), the list they choose from
  // stays the last thing on screen.
  run: ({ caseId, roleId }, r) => r.emit({ type: "assignMediator", caseId, roleId }),
});
/**
 * The same two steps from /admin («Медиатор ұсыну»): pressed as an admin, whatever else they are — an admin who is
 * also staff gets the admin's home after it, not staff's (the router takes these buttons for the admin).
 */
export const pickMediatorAsAdmin = defineAction({
  name: "mediation/pickMediatorAsAdmin",
  code: "adm:mdpick",
  params: z.object({ caseId: id, offset: id.optional() }),
  allow: ["admin"],
  run: ({ caseId, offset }, r) => r.emit({ type: "pickMediator", caseId, offset, admin: true }),
});
export const assignMediatorAsAdmin = defineAction({
  name: "mediation/assignAsAdmin",
  code: "adm:mdassign",
  params: z.object({ caseId: id, roleId: id }),
  allow: ["admin"],
  run: ({ caseId, roleId }, r) => r.emit({ type: "assignMediator", caseId, roleId }),
});
/** The mediator takes the case, or declines it (as they must when they cannot be impartial). */
export const acceptMediation = defineAction({
  name: "mediation/mediatorAccepts",
  code: "mdacc",
  params: z.object({ mediationId: id }),
  allow: ["mediator"],
  run: ({ mediationId }, r) => r.emit({ type: "mediatorAnswer", mediationId, accept: true }),
});
export const declineMediation = defineAction({
  name: "mediation/mediatorDeclines",
  code: "mddec",
  params: z.object({ mediationId: id }),
  allow: ["mediator"],
  run: ({ mediationId }, r) => r.emit({ type: "mediatorAnswer", mediationId, accept: false }),
});
/** The organisation's side agrees to the mediation contract, or refuses (either side). */
export const agreeToMediate = defineAction({
  name: "mediation/sideAgrees",
  code: "mdyes",
  params: z.object({ mediationId: id }),
  run: ({ mediationId }, r) => r.emit({ type: "partyAgree", mediationId, agree: true }),
});
/** The applicant agrees to the mediation contract: their particulars first (the contract names the parties). */
export const applicantAgrees = defineAction({
  name: "mediation/applicantAgrees",
  code: "mdyesa",
  side: "applicant",
  params: z.object({ mediationId: id }),
  run: ({ mediationId }, r) => r.emit({ type: "openChecked", flow: "particulars", input: { purpose: { for: "mediation", mediationId } } }),
});
/** The mediator or the organisation's staff attach the signed settlement agreement. */
export const recordSigned = defineAction({
  name: "mediation/recordSigned",
  code: "mdsign",
  params: z.object({ mediationId: id }),
  allow: ["mediator", "staff"],
  run: ({ mediationId }, r) => r.emit({ type: "openChecked", flow: "signedAgreement", input: { mediationId } }),
});
/** The mediator or the organisation's staff attach the signed mediation contract (law.md §4, Art. 20). */
export const recordContract = defineAction({
  name: "mediation/recordContract",
  code: "mdcontract",
  params: z.object({ mediationId: id }),
  allow: ["mediator", "staff"],
  run: ({ mediationId }, r) => r.emit({ type: "openSignedContract", mediationId }),
});
export const refuseToMediate = defineAction({
  name: "mediation/sideRefuses",
  code: "mdno",
  params: z.object({ mediationId: id }),
  run: ({ mediationId }, r) => r.emit({ type: "partyAgree", mediationId, agree: false }),
});
export const viewMediation = defineAction({
  name: "mediation/view",
  code: "mdview",
  params: z.object({ mediationId: id }),
  run: ({ mediationId }, r) => r.emit({ type: "showMediation", mediationId }),
});
/** Write to the others in the mediation (the mediator first chooses to whom). */
export const writeInMediation = defineAction({
  name: "mediation/write",
  code: "mdmsg",
  params: z.object({ mediationId: id }),
  run: ({ mediationId }, r) => r.emit({ type: "openChecked", flow: "relay", input: { mediationId, asMediator: r.profile.roles.includes("mediator") } }),
});
/** A side asks the mediator alone (about a proposal). */
export const askMediator = defineAction({
  name: "mediation/askMediator",
  code: "mdask",
  params: z.object({ mediationId: id }),
  run: ({ mediationId }, r) => r.emit({ type: "openChecked", flow: "relay", input: { mediationId, asMediator: false, to: "mediator" } }),
});
export const proposeSettlement = defineAction({
  name: "mediation/propose",
  code: "mdprop",
  params: z.object({ mediationId: id }),
  allow: ["mediator"],
  run: ({ mediationId }, r) => r.emit({ type: "openChecked", flow: "proposal", input: { mediationId } }),
});
export const endMediationConfirmed = defineAction({
  name: "mediation/endConfirmed",
  code: "mdendok",
  params: z.object({ mediationId: id }),
  run: ({ mediationId }, r) => r.emit({ type: "endMediation", mediationId }),
});
/** The mediator ends it, or a side withdraws: asked once more first — only of someone in the mediation (access.ts askChecked). */
export const endMediation = defineAction({
  name: "mediation/end",
  code: "mdend",
  params: z.object({ mediationId: id }),
  run: ({ mediationId }, r) =>
    r.emit({
      type: "askChecked",
      as: "relay",
      input: { mediationId },
      ask: {
        type: "say",
        key: "mediation.confirmEnd",
        buttons: [[{ key: "mediation.endIt", ...act(endMediationConfirmed, { mediationId }) }], [{ key: "sitting.keepIt", ...act(viewMediation, { mediationId }) }]],
      },
    }),
});
export const acceptProposal = defineAction({
  name: "mediation/acceptProposal",
  code: "pacc",
  params: z.object({ proposalId: id }),
  run: ({ proposalId }, r) => r.emit({ type: "answerProposal", proposalId, accept: true }),
});
export const rejectProposal = defineAction({
  name: "mediation/rejectProposal",
  code: "prej",
  params: z.object({ proposalId: id }),
  run: ({ proposalId }, r) => r.emit({ type: "answerProposal", proposalId, accept: false }),
});
export const counterOffer = defineAction({
  name: "mediation/counterOffer",
  code: "pctr",
  params: z.object({ proposalId: id }),
  run: ({ proposalId }, r) => r.emit({ type: "openChecked", flow: "counter", input: { proposalId } }),
});
/** «I have read it and agree» to the settlement agreement's text. */
export const confirmAgreement = defineAction({
  name: "mediation/confirmAgreement",
  code: "pconf",
  params: z.object({ proposalId: id }),
  run: ({ proposalId }, r) => r.emit({ type: "confirmAgreement", proposalId }),
});

export const mediationActions = [
  mediationCasesForAdmin, mediationCasesForAdminAt, pickMediator, assignMediator, pickMediatorAsAdmin, assignMediatorAsAdmin, acceptMediation, declineMediation, agreeToMediate, applicantAgrees, recordSigned, recordContract, refuseToMediate, viewMediation,
  writeInMediation, askMediator, proposeSettlement, endMediation, endMediationConfirmed, acceptProposal, rejectProposal, counterOffer, confirmAgreement,
];
