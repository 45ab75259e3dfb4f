// Staff record that the commission was formed on a day other than today: the date, typed. It may be neither
// in the future nor before the entity received the notice (the button carries that day); a wrong one is asked
// again with its reason. The bot checks the range again when it records.
import { setup } from "xstate";
import type { Button } from "./effects.js";
import { askAgain, chose, effectActions, type FlowDef, type FlowEvent } from "./flow.js";
import { parseDate } from "./notice-rules.js";
import { showDate } from "./notice.js";

interface Context {
  caseId: number;
  /** The day the entity received the notice ("" in snapshots stored before the flow knew it). */
  notBefore: string;
}

const cancel: Button = { key: "admin.cancel", value: "cancel" };
const typedDate = (e: FlowEvent) => (e.type === "TEXT" ? parseDate(e.text) : null);

export const formationMachine = setup({
  types: {} as { context: Context; events: FlowEvent; input: { caseId: number; notBefore?: string } },
  actions: { ...effectActions, recordFormation: (_: unknown, _params: { caseId: number; date: string }) => undefined },
}).createMachine({
  id: "formation",
  context: ({ input }) => ({ caseId: input.caseId, notBefore: input.notBefore ?? "" }),
  initial: "date",
  states: {
    date: {
      entry: [{ type: "say", params: { key: "staff.askFormationDate", buttons: [[cancel]] } }],
      on: {
        TEXT: [
          {
            guard: ({ context, event }) => {
              const d = typedDate(event);
              return d !== null && d <= (event.today ?? "") && d >= context.notBefore;
            },
            target: "done",
            actions: [{ type: "recordFormation", params: ({ context, event }) => ({ caseId: context.caseId, date: typedDate(event)! }) }],
          },
          {
            guard: ({ event }) => typedDate(event) !== null && typedDate(event)! > (event.today ?? ""),
            target: "date",
            reenter: true,
            actions: [{ type: "say", params: { key: "staff.formationDateFuture" } }],
          },
          {
            guard: ({ event }) => typedDate(event) !== null,
            target: "date",
            reenter: true,
            actions: [{ type: "say", params: ({ context }) => ({ key: "staff.formationBeforeReceipt", params: { date: showDate(context.notBefore) } }) }],
          },
          { target: "date", reenter: true, actions: [{ type: "say", params: { key: "sitting.error.dateFormat" } }] },
        ],
        CHOICE: { guard: chose("cancel"), target: "done" },
        ...askAgain("date"),
      },
    },
    done: { type: "final" },
  },
});

export const formationFlow: FlowDef = { name: "formation", version: 1, machine: formationMachine, input: () => ({ caseId: 0, notBefore: "" }) };
