// A small flow with typed data, to test what the router does for any flow (not shipped in the bot).
import { assign, setup } from "xstate";
import { defaultFlows, type Flows } from "../../machines/chat.js";
import { effectActions, UNSAVED, type FlowDef, type FlowEvent } from "../../machines/flow.js";

export const noteMachine = setup({
  types: {} as { context: { note: string | null }; events: FlowEvent },
  actions: effectActions,
}).createMachine({
  id: "note",
  context: { note: null },
  initial: "asking",
  states: {
    asking: {
      entry: [{ type: "say", params: { key: "common.notUnderstood", buttons: [[{ key: "cancel.no", value: "skip" }]] } }],
      on: {
        TEXT: { target: "typed", actions: assign({ note: ({ event }) => event.text }) },
        CHOICE: { target: "done" },
        REPEAT: { target: "asking", reenter: true },
      },
    },
    typed: { tags: [UNSAVED], on: { REPEAT: { target: "typed", reenter: true } }, entry: [{ type: "say", params: { key: "common.useButtons" } }] },
    done: { type: "final" },
  },
});

export const noteFlow: FlowDef = { name: "note", version: 1, machine: noteMachine, input: () => undefined };
export const flowsWithNote: Flows = { ...defaultFlows, note: noteFlow };
