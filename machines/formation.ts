// Staff record that the commission was formed on a day other than today: the date, typed. It may be neither
// in the future nor before the entity received the notice (the button carries that day); a wrong one is asked
// again with its reason. The bot checks the range again when it records.
import { setup } from "xstate";
import type { Button } from "./effects.js";
import { askAgain, chose, effectActions, type FlowDef, type FlowEvent } from "./flow.js";
import { dayInRange, dayRefusals, typedDay } from "./typed-day.js";

interface Context {
  caseId: number;
  /** The day the entity received the notice ("" in snapshots stored before the flow knew it). */
  notBefore: string;
}

const cancel: Button = { key: "admin.cancel", value: "cancel" };

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
            guard: dayInRange,
            target: "done",
            actions: [{ type: "recordFormation", params: ({ context, event }) => ({ caseId: context.caseId, date: typedDay(event)! }) }],
          },
          ...dayRefusals("date", { future: "staff.formationDateFuture", before: "staff.formationBeforeReceipt" }),
        ],
        CHOICE: { guard: chose("cancel"), target: "done" },
        ...askAgain("date"),
      },
    },
    done: { type: "final" },
  },
});

export const formationFlow: FlowDef = { name: "formation", version: 1, role: "staff", machine: formationMachine, input: () => ({ caseId: 0, notBefore: "" }) };
