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
import { showWhen } from "./sittings.js";

/** The length a calendar shows; the law sets none, and a sitting's real length is not known ahead. */
const SHOWN_MINUTES = 60;

/** A stored sitting, with its case's number. */
export type SittingForIcs = Pick<Sitting, "uid" | "sequence" | "startsAt" | "address" | "link" | "note" | "cancelledAt"> & { number: string };

/**
 * `removed`: the file for a relative removed from the case — STATUS:CANCELLED one SEQUENCE above the sitting's (the
 * way a calendar takes an event off), without the place, with a description saying the sitting is not cancelled by it.
 */
export const sittingIcs = (sitting: SittingForIcs, lang: Lang, i18n: I18n, now: Date, timeZone: string, removed = false): string => {
  const t = i18n.t(lang);
  // The file for one removed carries no place, link or note: it takes an event off, and tells nothing more.
  const s = removed ? { ...sitting, address: null, link: null, note: null } : sitting;
  const cal = ical({ prodId: { company: "Kelisim", product: "kelisim", language: lang.toUpperCase() }, method: ICalCalendarMethod.PUBLISH, name: t("sitting.icsCalendar") });
  cal.createEvent({
    id: s.uid,
    sequence: s.sequence,
    stamp: now,
    start: s.startsAt,
    end: new Date(s.startsAt.getTime() + SHOWN_MINUTES * 60_000),
    summary: t("sitting.icsSummary", { number: s.number }),
    // The start as the messages name it, in Kazakhstan's time: the event's DTSTART is in UTC, which a calendar shows in
    // its own zone — an hour off on a phone whose zone data predate Kazakhstan's move to UTC+5 (March 2024).
    description: [
      removed ? t("relatives.icsRemovedNote") : t("sitting.icsWhen", { when: showWhen(s.startsAt, timeZone) }),
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
    status: s.cancelledAt || removed ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
  // RFC 5545 §3.1: every content line ends with CRLF, the last one too; the library leaves END:VCALENDAR without.
  return `${cal.toString().replace(/(\r\n)?$/, "")}\r\n`;
};

/** The calendar file of a sitting, made when sent from the sitting as it is then; null when it is gone. */
export const sittingIcsDocument: DocumentBuilder<"sittingIcs"> = {
  params: z.object({ sittingId: z.number().int(), for: z.enum(["removed", "rejoined", "moved"]).optional(), sequence: z.number().int().optional() }),
  action: null,
  build: async (p, env) => {
    const s = await env.prisma.sitting.findUnique({ where: { id: p.sittingId }, include: { case: { select: { number: true } } } });
    // Who may have it is asked again now (a failed send, or the button of a file given up, made it wait): the
    // case's applicant and relatives, as invited — not one removed from the case meanwhile; the file for one
    // removed, only while they are not on it again.
    const on = s ? await env.prisma.caseParticipant.findFirst({ where: { caseId: s.caseId, userId: BigInt(p.chat_id), removedAt: null }, select: { id: true } }) : null;
    const removed = p.for === "removed";
    if (!s || (removed ? on !== null : on === null)) return null;
    // Moved or cancelled after the removal (the file waited for a retry): the one removed is not told of it — not
    // even by a file made from the sitting as it is now.
    if (removed && s.sequence !== p.sequence) return null;
    // The removed relative's file stands one SEQUENCE above what they were sent, as a cancellation does; invited
    // again, their invitation is not below it (at an equal SEQUENCE the newer DTSTAMP wins, RFC 5546 §2.1.5), and
    // the sitting's next change, one above, still reaches them.
    const sequence = p.for === "removed" || p.for === "rejoined" ? s.sequence + 1 : s.sequence;
    const ics = sittingIcs({ ...s, sequence, number: s.case.number }, p.language, env.i18n, env.now(), env.timeZone, removed);
    return {
      chat_id: p.chat_id,
      document: new InputFile(Buffer.from(ics, "utf8"), `${s.case.number}-sitting.ics`),
      // A move's file updates the event the invitation's made: not captioned «add the sitting», which reads as a second one.
      caption: env.i18n.t(p.language)(removed ? "relatives.icsCaptionRemoved" : s.cancelledAt ? "sitting.icsCaptionCancelled" : p.for === "moved" ? "sitting.icsCaptionMoved" : "sitting.icsCaption"),
    };
  },
};
