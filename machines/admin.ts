// Admins register a healthcare organisation: its name, then its region.
import { assign, setup } from "xstate";
import type { Button } from "./effects.js";
import { askAgain, chose, effectActions, UNSAVED, type FlowDef, type FlowEvent } from "./flow.js";
import { checkOrganization, REGIONS, regionByCode } from "./notice-rules.js";

interface Context {
  name: string | null;
}
const cancel: Button = { key: "admin.cancel", value: "cancel" };
const text = (e: FlowEvent) => (e.type === "TEXT" ? e.text : "");

export const orgCreateMachine = setup({
  types: {} as { context: Context; events: FlowEvent },
  actions: effectActions,
}).createMachine({
  id: "orgCreate",
  context: { name: null },
  initial: "name",
  states: {
    name: {
      entry: [{ type: "say", params: { key: "admin.askOrgName", buttons: [[cancel]] } }],
      on: {
        TEXT: [
          { guard: ({ event }) => checkOrganization(text(event)).ok, target: "region", actions: assign({ name: ({ event }) => (checkOrganization(text(event)) as { value: string }).value }) },
          { target: "name", reenter: true, actions: [{ type: "say", params: ({ event }) => ({ key: `notice.error.${(checkOrganization(text(event)) as { reason: string }).reason}` }) }] },
        ],
        CHOICE: { guard: chose("cancel"), target: "done" },
        ...askAgain("name"),
      },
    },
    region: {
      tags: [UNSAVED],
      entry: [{ type: "say", params: { key: "admin.askOrgRegion", buttons: [...REGIONS.map((r) => [{ label: { kk: r.kk, ru: r.ru }, value: r.code }]), [cancel]] } }],
      on: {
        CHOICE: [
          { guard: chose("cancel"), target: "done" },
          {
            guard: ({ event }) => event.type === "CHOICE" && regionByCode(event.value) !== undefined,
            target: "done",
            actions: [{ type: "createOrganization", params: ({ context, event }) => ({ name: context.name!, region: event.type === "CHOICE" ? event.value : "" }) }],
          },
        ],
        ...askAgain("region"),
      },
    },
    done: { type: "final" },
  },
});

export const orgCreateFlow: FlowDef = { name: "orgCreate", version: 1, machine: orgCreateMachine, input: () => undefined };
