// Filing a notice (journey J1; its questions are machines/notice.ts), and the notice as a document.
import { noticePdf } from "./document.js";
import { fileNotice } from "./filing.js";
import { ensureCaseSequences } from "./numbers.js";
import { findOrganizations } from "./organizations.js";
import type { Feature } from "../../core/feature.js";

export const noticeFeature = {
  effects: { submitNotice: fileNotice, findOrganizations },
  documents: { noticePdf },
  onStart: ensureCaseSequences,
} satisfies Feature;
