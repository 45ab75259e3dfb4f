// A sitting as an iCalendar file (RFC 5545), made with ical-generator. The UID stays the same for the
// sitting's whole life and SEQUENCE grows with each change, so a calendar app updates the event it
// already has instead of adding a second one; a cancelled sitting comes with STATUS:CANCELLED.
import ical, { ICalCalendarMethod, ICalEventStatus } from "ical-generator";
import { InputFile } from "grammy";
import { z } from "zod";
import type { Lang } from "../../../machines/effects.js";
import type { Sitting } from "../../db/generated/client.js";
import type { DocumentBuilder } from "../../core/documents.js";
import type { I18n } from "../../i18n.js";

/** The length a calendar shows; the law sets none, and a sitting's real length is not known ahead. */
const SHOWN_MINUTES = 60;

/** A stored sitting, with its case's number. */
export type SittingForIcs = Pick<Sitting, "uid" | "sequence" | "startsAt" | "address" | "link" | "note" | "cancelledAt"> & { number: string };

export const sittingIcs = (s: SittingForIcs, lang: Lang, i18n: I18n, now: Date): string => {
  const t = i18n.t(lang);
  const cal = ical({ prodId: { company: "Kelisim", product: "kelisim", language: lang.toUpperCase() }, method: ICalCalendarMethod.PUBLISH, name: t("sitting.icsCalendar") });
  cal.createEvent({
    id: s.uid,
    sequence: s.sequence,
    stamp: now,
    start: s.startsAt,
    end: new Date(s.startsAt.getTime() + SHOWN_MINUTES * 60_000),
    summary: t("sitting.icsSummary", { number: s.number }),
    description: [
      s.address ? t("sitting.inPersonAt", { address: s.address }) : null,
      s.link ? t("sitting.onlineAt", { link: s.link }) : null,
      s.note ? t("sitting.noteLine", { note: s.note }) : null,
    ]
      .filter(Boolean)
      .join("\n"),
    location: s.address ?? s.link ?? null,
    // A URI value is not TEXT-escaped (RFC 5545 §3.3.13), but the library escapes «,» and «;»: percent-encoded,
    // the link stays the same link.
    url: s.link ? s.link.replace(/,/g, "%2C").replace(/;/g, "%3B") : s.link,
    status: s.cancelledAt ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
  return cal.toString();
};

/** The calendar file of a sitting, made when sent from the sitting as it is then; null when it is gone. */
export const sittingIcsDocument: DocumentBuilder<"sittingIcs"> = {
  params: z.object({ sittingId: z.number().int() }),
  action: null,
  build: async (p, env) => {
    const s = await env.prisma.sitting.findUnique({ where: { id: p.sittingId }, include: { case: { select: { number: true } } } });
    // Who may have it is asked again now (a failed send, or the button of a file given up, made it wait): the
    // case's applicant and relatives, as invited — not one removed from the case meanwhile.
    if (!s || !(await env.prisma.caseParticipant.findFirst({ where: { caseId: s.caseId, userId: BigInt(p.chat_id), removedAt: null }, select: { id: true } }))) return null;
    const ics = sittingIcs({ ...s, number: s.case.number }, p.language, env.i18n, env.now());
    return {
      chat_id: p.chat_id,
      document: new InputFile(Buffer.from(ics, "utf8"), `${s.case.number}-sitting.ics`),
      caption: env.i18n.t(p.language)(s.cancelledAt ? "sitting.icsCaptionCancelled" : "sitting.icsCaption"),
    };
  },
};
