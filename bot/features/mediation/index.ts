// Mediation (journey J5): assigned, agreed, relayed, proposals and counter-offers, the agreement, its end.
import type { Feature } from "../../core/feature.js";
import { mediationActions } from "./actions.js";
import { agreementPdf, contractPdf } from "./agreement.js";
import {
  answerProposal, assignMediator, confirmAgreement, counterOffer, endMediation, listMediationCases, mediationJobs, mediatorAnswer, partyAgree, pickMediator,
  mediationChecks, openSignedContract, proposeSettlement, recordSignedAgreement, recordSignedContract, relayMessage, scheduleSigningRepair, showMediation,
} from "./mediation.js";

export const mediationFeature = {
  actions: mediationActions,
  effects: {
    listMediationCases, pickMediator, assignMediator, mediatorAnswer, partyAgree, showMediation, relayMessage, proposeSettlement, answerProposal, counterOffer, confirmAgreement,
    recordSignedAgreement, openSignedContract, recordSignedContract, endMediation,
  },
  jobs: mediationJobs,
  checks: mediationChecks,
  // Mediations left at signing by a version that ended none: given their end, once (mediation.ts).
  onStart: scheduleSigningRepair,
  documents: { agreementPdf, contractPdf },
} satisfies Feature;
