// Mediation (journey J5): assigned, agreed, relayed, proposals and counter-offers, the agreement, its end.
import type { Feature } from "../../core/feature.js";
import { mediationActions } from "./actions.js";
import { agreementPdf } from "./agreement.js";
import {
  answerProposal, assignMediator, confirmAgreement, counterOffer, endMediation, listMediationCases, mediationJobs, mediatorAnswer, partyAgree, pickMediator,
  proposeSettlement, relayMessage, showMediation,
} from "./mediation.js";

export const mediationFeature = {
  actions: mediationActions,
  effects: { listMediationCases, pickMediator, assignMediator, mediatorAnswer, partyAgree, showMediation, relayMessage, proposeSettlement, answerProposal, counterOffer, confirmAgreement, endMediation },
  jobs: mediationJobs,
  documents: { agreementPdf },
} satisfies Feature;
