// A day staff type for something that already happened (the commission formed, its conclusion issued): neither
// in the future nor before `notBefore` (the day the step before it happened). Each wrong day is asked again, with
// its reason.
import type { FlowEvent } from "./flow.js";
import { parseDate, WRITTEN_AS_DATE } from "./notice-rules.js";
import { showDate } from "./notice.js";

export const typedDay = (e: FlowEvent): string | null => (e.type === "TEXT" ? parseDate(e.text) : null);

/** A guard: the typed day is from `notBefore` ("" or absent: any past day) to today. */
export const dayInRange = ({ context, event }: { context: { notBefore?: string }; event: FlowEvent }): boolean => {
  const d = typedDay(event);
  return d !== null && d <= (event.today ?? "") && d >= (context.notBefore ?? "");
};

/** The TEXT transitions after the accepted one: a future day, a day before `notBefore`, a day that does not exist, no date at all. */
export const dayRefusals = (state: string, keys: { future: string; before: string }) => [
  {
    guard: ({ event }: { event: FlowEvent }) => typedDay(event) !== null && typedDay(event)! > (event.today ?? ""),
    target: state,
    reenter: true,
    actions: [{ type: "say" as const, params: { key: keys.future } }],
  },
  {
    guard: ({ event }: { event: FlowEvent }) => typedDay(event) !== null,
    target: state,
    reenter: true,
    actions: [{ type: "say" as const, params: ({ context }: { context: { notBefore?: string } }) => ({ key: keys.before, params: { date: showDate(context.notBefore ?? "") } }) }],
  },
  // Written as asked, but no such day (31.11.2026): said so, as every other typed date is — not «write it as ДД.ММ.ГГГГ».
  {
    guard: ({ event }: { event: FlowEvent }) => event.type === "TEXT" && WRITTEN_AS_DATE.test(event.text),
    target: state,
    reenter: true,
    actions: [{ type: "say" as const, params: { key: "notice.error.dateNotReal" } }],
  },
  { target: state, reenter: true, actions: [{ type: "say" as const, params: { key: "sitting.error.dateFormat" } }] },
];
