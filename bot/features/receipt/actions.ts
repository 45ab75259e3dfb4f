// The notice's receipt: staff record it; the applicant says they handed it in (the services check who may).
// Each button carries the day the notice was saved, so the flow refuses an earlier date as it is typed.
import { z } from "zod";
import { day, defineAction, id } from "../../../machines/actions.js";

export const recordReceipt = defineAction({
  name: "receipt/record",
  code: "srcv",
  params: z.object({ caseId: id, notBefore: day }),
  allow: ["staff"],
  run: ({ caseId, notBefore }, r) => r.emit({ type: "openChecked", flow: "receipt", input: { caseId, notBefore } }),
});

export const handIn = defineAction({
  name: "receipt/handIn",
  code: "handin",
  side: "applicant",
  params: z.object({ caseId: id, notBefore: day }),
  run: ({ caseId, notBefore }, r) => r.emit({ type: "openChecked", flow: "handIn", input: { caseId, notBefore } }),
});

export const receiptActions = [recordReceipt, handIn];
