// /mydata: everything the bot holds about the user (issue 15).
import type { CommandDef } from "../../../machines/actions.js";
import type { Feature } from "../../core/feature.js";
import { explainWithdrawal, myDataJson, myDataPdf, showMyData, withdrawConsent } from "./mydata.js";

export const mydataCommand: CommandDef = { name: "mydata", run: (r) => r.emit({ type: "showMyData" }) };

export const mydataFeature = {
  commands: [mydataCommand],
  effects: { showMyData, withdrawConsent, explainWithdrawal },
  documents: { myDataJson, myDataPdf },
} satisfies Feature;
