// Staff record that the commission was formed on a day other than today: the date, typed. It may not be
// in the future; the bot also checks it is not before the notice.
import { setup } from "xstate";
import type { Button } from "./effects.js";
import { askAgain, chose, effectActions, type FlowDef, type FlowEvent } from "./flow.js";
import { parseDate } from "./notice-rules.js";

const cancel: Button = { key: "admin.cancel", value: "cancel" };
const typedDate = (e: FlowEvent) => (e.type === "TEXT" ? parseDate(e.text) : null);

export const formationMachine = setup({
  types: {} as { context: { caseId: number }; events: FlowEvent; input: { caseId: number } },
  actions: { ...effectActions, recordFormation: (_: unknown, _params: { caseId: number; date: string }) => undefined },
}).createMachine({
  id: "formation",
  context: ({ input }) => ({ caseId: input.caseId }),
  initial: "date",
  states: {
    date: {
      entry: [{ type: "say", params: { key: "staff.askFormationDate", buttons: [[cancel]] } }],
      on: {
        TEXT: [
          {
            guard: ({ event }) => {
              const d = typedDate(event);
              return d !== null && d <= (event.today ?? "");
            },
            target: "done",
            actions: [{ type: "recordFormation", params: ({ context, event }) => ({ caseId: context.caseId, date: typedDate(event)! }) }],
          },
          { guard: ({ event }) => typedDate(event) !== null, target: "date", reenter: true, actions: [{ type: "say", params: { key: "staff.formationDateFuture" } }] },
          { target: "date", reenter: true, actions: [{ type: "say", params: { key: "sitting.error.dateFormat" } }] },
        ],
        CHOICE: { guard: chose("cancel"), target: "done" },
        ...askAgain("date"),
      },
    },
    done: { type: "final" },
  },
});

export const formationFlow: FlowDef = { name: "formation", version: 1, machine: formationMachine, input: () => ({ caseId: 0 }) };
