// The commission's sittings (law.md §3 step 5: the patient, spouse, close relatives or legal
// representative may attend). Staff schedule, move and cancel them; everyone on the case — the applicant
// and the relatives — gets each change in their own language with a calendar file, answers whether they
// will come, and is reminded the day before and two hours before unless they said they cannot come.
import { randomUUID } from "node:crypto";
import { atLocalTime, localDate } from "../../machines/calendar.js";
import type { Lang, SittingAnswer } from "../../machines/effects.js";
import { showDate } from "../../machines/notice.js";
import type { SittingPlan } from "../../machines/sitting.js";
import type { Case, Prisma as PrismaNS, Sitting } from "../db/generated/client.js";
import type { I18n } from "../i18n.js";
import { cancel, schedule, type JobHandler } from "../jobs/jobs.js";
import type { ApiCall } from "../runtime/render.js";
import type { ActorContext } from "./admin.js";
import { SITTING_ICS } from "./ics.js";
import { staffOrgs } from "./staff.js";

/** Reminders before a sitting: the day before and two hours before. */
export const REMINDERS = { day: 24 * 60, hours2: 2 * 60 } as const;
type Reminder = keyof typeof REMINDERS;
const REMINDER_JOB = "sitting_reminder";

type SittingRow = Sitting;
type CaseRow = Pick<Case, "id" | "number" | "language">;

/** "25.11.2026, 15:00" in the deployment's time zone. */
export const showWhen = (at: Date, timeZone: string): string =>
  `${showDate(localDate(at, timeZone))}, ${new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(at)}`;

const startOf = (date: string, time: string, timeZone: string): Date => atLocalTime(date, Number(time.slice(0, 2)), Number(time.slice(3, 5)), timeZone);

const say = (c: ActorContext, key: string, params: Record<string, unknown> = {}): ApiCall => ({ method: "sendMessage", payload: { chat_id: c.chatId, text: c.i18n.t(c.language)(key, params) } });

/** Everyone on a case who hears of its sittings: the applicant and the relatives. */
const people = (tx: PrismaNS.TransactionClient, caseId: number) =>
  tx.caseParticipant.findMany({ where: { caseId, removedAt: null, role: { in: ["applicant", "relative"] } }, include: { user: { select: { language: true } } }, orderBy: { id: "asc" } });

const placeText = (i18n: I18n, lang: Lang, s: SittingRow): string =>
  [
    s.address ? i18n.t(lang)("sitting.inPersonAt", { address: s.address }) : null,
    s.link ? i18n.t(lang)("sitting.onlineAt", { link: s.link }) : null,
    s.note ? i18n.t(lang)("sitting.noteLine", { note: s.note }) : null,
  ]
    .filter(Boolean)
    .join("\n");

/** The answers a sitting offers: in person only with an address, online only with a link. */
const offered = (s: SittingRow): SittingAnswer[] => [...(s.address ? (["in_person"] as const) : []), ...(s.link ? (["online"] as const) : []), "cannot"];

/** An invitation (or a move) to one person: the text with answer buttons, then the calendar file. */
const invitation = (i18n: I18n, timeZone: string, key: string, k: CaseRow, s: SittingRow, to: { chatId: number; lang: Lang }, extra: Record<string, unknown> = {}): ApiCall[] => {
  const t = i18n.t(to.lang);
  return [
    {
      method: "sendMessage",
      payload: {
        chat_id: to.chatId,
        text: t(key, { number: k.number, when: showWhen(s.startsAt, timeZone), place: placeText(i18n, to.lang, s), ...extra }),
        reply_markup: { inline_keyboard: offered(s).map((a) => [{ text: t(`sitting.answer.${a}`), callback_data: `g:sat:${s.id}:${a}` }]) },
      },
    },
    { method: SITTING_ICS, payload: { chat_id: to.chatId, sittingId: s.id, language: to.lang } },
  ];
};

const reminderKey = (s: { id: number; sequence: number }, r: Reminder) => `sitting:${s.id}:${s.sequence}:${r}`;

/** Reminders for this version of the sitting; the ones already past are not set. */
const scheduleReminders = async (tx: PrismaNS.TransactionClient, s: SittingRow, now: Date) => {
  for (const [r, minutes] of Object.entries(REMINDERS) as [Reminder, number][]) {
    const dueAt = new Date(s.startsAt.getTime() - minutes * 60_000);
    if (dueAt > now) await schedule(tx, { kind: REMINDER_JOB, key: reminderKey(s, r), dueAt, payload: { sittingId: s.id, sequence: s.sequence, reminder: r } });
  }
};
const cancelReminders = async (tx: PrismaNS.TransactionClient, s: SittingRow) => {
  for (const r of Object.keys(REMINDERS) as Reminder[]) await cancel(tx, reminderKey(s, r));
};

/** A sitting of one of the actor's organisations' cases; null for anything else (forged ids too). */
const staffSitting = async (tx: PrismaNS.TransactionClient, sittingId: number, userId: number) =>
  tx.sitting.findFirst({ where: { id: sittingId, case: { organizationId: { in: await staffOrgs(tx, userId) } } }, include: { case: true } });

export const scheduleSitting = async (tx: PrismaNS.TransactionClient, plan: SittingPlan, c: ActorContext): Promise<ApiCall[]> => {
  const k = await tx.case.findFirst({ where: { id: plan.caseId, organizationId: { in: await staffOrgs(tx, c.userId) } } });
  if (!k) return [say(c, "cases.notFound")];
  if (k.status !== "commission_formed") return [say(c, "sitting.notNow", { number: k.number })];
  const startsAt = startOf(plan.date, plan.time, c.timeZone);
  if (startsAt <= c.now) return [say(c, "sitting.pastTime")];
  const s = await tx.sitting.create({
    data: { caseId: k.id, uid: `${randomUUID()}@kelisim`, startsAt, address: plan.address, link: plan.link, note: plan.note, createdAt: c.now },
  });
  await tx.caseEvent.create({ data: { caseId: k.id, kind: "sitting_scheduled", actorId: BigInt(c.userId), createdAt: c.now, payload: { sittingId: s.id, startsAt: startsAt.toISOString() } } });
  await scheduleReminders(tx, s, c.now);
  const to = await people(tx, k.id);
  return [
    say(c, "sitting.scheduled", { number: k.number, when: showWhen(startsAt, c.timeZone), count: to.length }),
    ...to.flatMap((p) => invitation(c.i18n, c.timeZone, "sitting.invitation", k, s, { chatId: Number(p.userId), lang: p.user.language ?? k.language })),
  ];
};

export const moveSitting = async (tx: PrismaNS.TransactionClient, r: { sittingId: number; date: string; time: string }, c: ActorContext): Promise<ApiCall[]> => {
  const s = await staffSitting(tx, r.sittingId, c.userId);
  if (!s) return [say(c, "cases.notFound")];
  if (s.cancelledAt) return [say(c, "sitting.alreadyCancelled")];
  const startsAt = startOf(r.date, r.time, c.timeZone);
  if (startsAt <= c.now) return [say(c, "sitting.pastTime")];
  await cancelReminders(tx, s);
  // Earlier answers were about the old time: everyone answers again.
  await tx.sittingResponse.deleteMany({ where: { sittingId: s.id } });
  const moved = await tx.sitting.update({ where: { id: s.id }, data: { startsAt, sequence: { increment: 1 } } });
  await tx.caseEvent.create({ data: { caseId: s.caseId, kind: "sitting_moved", actorId: BigInt(c.userId), createdAt: c.now, payload: { sittingId: s.id, from: s.startsAt.toISOString(), to: startsAt.toISOString() } } });
  await scheduleReminders(tx, moved, c.now);
  const to = await people(tx, s.caseId);
  const from = showWhen(s.startsAt, c.timeZone);
  return [
    say(c, "sitting.movedRecorded", { number: s.case.number, when: showWhen(startsAt, c.timeZone), count: to.length }),
    ...to.flatMap((p) => invitation(c.i18n, c.timeZone, "sitting.moved", s.case, moved, { chatId: Number(p.userId), lang: p.user.language ?? s.case.language }, { from })),
  ];
};

export const cancelSitting = async (tx: PrismaNS.TransactionClient, sittingId: number, c: ActorContext): Promise<ApiCall[]> => {
  const s = await staffSitting(tx, sittingId, c.userId);
  if (!s) return [say(c, "cases.notFound")];
  if (s.cancelledAt) return [say(c, "sitting.alreadyCancelled")];
  await cancelReminders(tx, s);
  await tx.sitting.update({ where: { id: s.id }, data: { cancelledAt: c.now, sequence: { increment: 1 } } });
  await tx.caseEvent.create({ data: { caseId: s.caseId, kind: "sitting_cancelled", actorId: BigInt(c.userId), createdAt: c.now, payload: { sittingId: s.id } } });
  const to = await people(tx, s.caseId);
  const when = showWhen(s.startsAt, c.timeZone);
  return [
    say(c, "sitting.cancelledRecorded", { number: s.case.number, when }),
    ...to.flatMap((p) => {
      const lang = p.user.language ?? s.case.language;
      return [
        { method: "sendMessage", payload: { chat_id: Number(p.userId), text: c.i18n.t(lang)("sitting.cancelled", { number: s.case.number, when }) } },
        { method: SITTING_ICS, payload: { chat_id: Number(p.userId), sittingId: s.id, language: lang } },
      ];
    }),
  ];
};

/** How a person on a case is named to staff: by role, never by Telegram account. */
const who = (i18n: I18n, lang: Lang, p: { role: string; relation: string | null }): string =>
  p.role === "relative" ? i18n.t(lang)("sitting.who.relative", { relation: i18n.t(lang)(`relatives.relation.${p.relation}`) }) : i18n.t(lang)("sitting.who.applicant");

export const answerSitting = async (tx: PrismaNS.TransactionClient, sittingId: number, answer: SittingAnswer, c: ActorContext & { staffChatId: number | null }): Promise<ApiCall[]> => {
  const s = await tx.sitting.findUnique({ where: { id: sittingId }, include: { case: true } });
  const me = s ? await tx.caseParticipant.findFirst({ where: { caseId: s.caseId, userId: BigInt(c.userId), removedAt: null, role: { in: ["applicant", "relative"] } } }) : null;
  // Not on the case (removed, a stranger, staff, forged data): the answer a missing case gets.
  if (!s || !me) return [say(c, "cases.notFound")];
  if (s.cancelledAt) return [say(c, "sitting.alreadyCancelled")];
  if (s.startsAt <= c.now) return [say(c, "sitting.over")];
  if (!offered(s).includes(answer)) return [say(c, "common.staleButton")];
  await tx.sittingResponse.upsert({
    where: { sittingId_userId: { sittingId: s.id, userId: BigInt(c.userId) } },
    create: { sittingId: s.id, userId: BigInt(c.userId), answer, answeredAt: c.now },
    update: { answer, answeredAt: c.now },
  });
  const when = showWhen(s.startsAt, c.timeZone);
  const staff = await tx.userRole.findMany({ where: { organizationId: s.case.organizationId ?? -1, role: "staff", revokedAt: null }, include: { user: { select: { language: true } } } });
  const t = c.i18n.t(c.language);
  return [
    {
      method: "sendMessage",
      payload: {
        chat_id: c.chatId,
        text: t(answer === "cannot" ? "sitting.answeredCannot" : "sitting.answered", { number: s.case.number, when, answer: t(`sitting.answer.${answer}`) }),
        // The answer can be changed until the sitting.
        reply_markup: { inline_keyboard: offered(s).map((a) => [{ text: t(`sitting.answer.${a}`), callback_data: `g:sat:${s.id}:${a}` }]) },
      },
    },
    ...staff.map((m) => {
      const lang = m.user.language ?? "kk";
      const tt = c.i18n.t(lang);
      return { method: "sendMessage", payload: { chat_id: Number(m.userId), text: tt("sitting.answerToStaff", { number: s.case.number, when, who: who(c.i18n, lang, me), answer: tt(`sitting.answer.${answer}`) }) } };
    }),
  ];
};

/** For staff's view of a case: its sittings to come, each with who answered what, and buttons to change them. */
export const staffSittings = async (tx: PrismaNS.TransactionClient, caseId: number, c: { language: Lang; i18n: I18n; timeZone: string; now: Date }) => {
  const t = c.i18n.t(c.language);
  const sittings = await tx.sitting.findMany({ where: { caseId, cancelledAt: null, startsAt: { gt: c.now } }, include: { responses: true }, orderBy: { startsAt: "asc" } });
  const everyone = await people(tx, caseId);
  const lines = sittings.map((s) => {
    const answers = everyone.map((p) => {
      const r = s.responses.find((x) => x.userId === p.userId);
      return t("sitting.answerLine", { who: who(c.i18n, c.language, p), answer: r ? t(`sitting.answer.${r.answer}`) : t("sitting.noAnswer") });
    });
    return [t("sitting.staffLine", { when: showWhen(s.startsAt, c.timeZone) }), ...answers].join("\n");
  });
  const buttons = sittings.flatMap((s) => [
    [
      { text: t("sitting.moveButton", { when: showWhen(s.startsAt, c.timeZone) }), callback_data: `g:smv:${s.id}` },
      { text: t("sitting.cancelButton"), callback_data: `g:scn:${s.id}` },
    ],
  ]);
  return { lines, buttons };
};

/** For a participant's view of a case: its sittings to come, with their own answer. */
export const participantSittings = async (tx: PrismaNS.TransactionClient, caseId: number, c: { userId: number; language: Lang; i18n: I18n; timeZone: string; now: Date }) => {
  const t = c.i18n.t(c.language);
  const sittings = await tx.sitting.findMany({ where: { caseId, cancelledAt: null, startsAt: { gt: c.now } }, include: { responses: { where: { userId: BigInt(c.userId) } } }, orderBy: { startsAt: "asc" } });
  return sittings.map((s) => {
    const mine = s.responses[0];
    return [t("sitting.caseLine", { when: showWhen(s.startsAt, c.timeZone), answer: mine ? t(`sitting.answer.${mine.answer}`) : t("sitting.noAnswer") }), placeText(c.i18n, c.language, s)].join("\n");
  });
};

/** Reminders: to everyone on the case who has not said they cannot come; nothing for a changed or cancelled sitting. */
export const sittingHandlers = (i18n: I18n, timeZone: string): Record<string, JobHandler> => ({
  [REMINDER_JOB]: async (tx, job, now) => {
    const s = await tx.sitting.findUnique({ where: { id: Number(job.payload.sittingId) }, include: { case: true, responses: true } });
    if (!s || s.cancelledAt || s.sequence !== Number(job.payload.sequence) || s.startsAt <= now) return [];
    const declined = new Set(s.responses.filter((r) => r.answer === "cannot").map((r) => r.userId));
    const key = job.payload.reminder === "day" ? "sitting.reminderDay" : "sitting.reminderSoon";
    return (await people(tx, s.caseId))
      .filter((p) => !declined.has(p.userId))
      .map((p) => {
        const lang = p.user.language ?? s.case.language;
        const mine = s.responses.find((r) => r.userId === p.userId);
        const t = i18n.t(lang);
        return {
          method: "sendMessage",
          payload: {
            chat_id: Number(p.userId),
            text: t(key, { number: s.case.number, when: showWhen(s.startsAt, timeZone), place: placeText(i18n, lang, s), answer: mine ? t(`sitting.answer.${mine.answer}`) : t("sitting.noAnswer") }),
          },
        };
      });
  },
});
