// Admins register a healthcare organisation: its name in Kazakh, its name in Russian (or the same one),
// then its region. Applicants pick it from a list in their language; a typed name matches either.
import { assign, setup } from "xstate";
import type { Button } from "./effects.js";
import { askAgain, chose, effectActions, UNSAVED, type FlowDef, type FlowEvent } from "./flow.js";
import { checkOrganization, REGIONS, regionByCode } from "./notice-rules.js";

interface Context {
  nameKk: string | null;
  nameRu: string | null;
}
const cancel: Button = { key: "admin.cancel", value: "cancel" };
const text = (e: FlowEvent) => (e.type === "TEXT" ? e.text : "");
const named = (e: FlowEvent) => checkOrganization(text(e));
const refused = ({ event }: { event: FlowEvent }) => ({ key: `notice.error.${(named(event) as { reason: string }).reason}` });

export const orgCreateMachine = setup({
  types: {} as { context: Context; events: FlowEvent },
  actions: effectActions,
}).createMachine({
  id: "orgCreate",
  context: { nameKk: null, nameRu: null },
  initial: "name",
  states: {
    name: {
      entry: [{ type: "say", params: { key: "admin.askOrgName", buttons: [[cancel]] } }],
      on: {
        TEXT: [
          { guard: ({ event }) => named(event).ok, target: "nameRu", actions: assign({ nameKk: ({ event }) => (named(event) as { value: string }).value }) },
          { target: "name", reenter: true, actions: [{ type: "say", params: refused }] },
        ],
        CHOICE: { guard: chose("cancel"), target: "done" },
        ...askAgain("name"),
      },
    },
    nameRu: {
      tags: [UNSAVED],
      entry: [{ type: "say", params: { key: "admin.askOrgNameRu", buttons: [[{ key: "admin.sameName", value: "same" }], [cancel]] } }],
      on: {
        TEXT: [
          { guard: ({ event }) => named(event).ok, target: "region", actions: assign({ nameRu: ({ event }) => (named(event) as { value: string }).value }) },
          { target: "nameRu", reenter: true, actions: [{ type: "say", params: refused }] },
        ],
        CHOICE: [
          { guard: chose("same"), target: "region", actions: assign({ nameRu: ({ context }) => context.nameKk }) },
          { guard: chose("cancel"), target: "done" },
        ],
        ...askAgain("nameRu"),
      },
    },
    region: {
      tags: [UNSAVED],
      entry: [{ type: "say", params: { key: "admin.askOrgRegion", buttons: [...REGIONS.map((r) => [{ label: { kk: r.kk, ru: r.ru }, value: r.code }]), [cancel]], collate: true } }],
      on: {
        CHOICE: [
          { guard: chose("cancel"), target: "done" },
          {
            guard: ({ event }) => event.type === "CHOICE" && regionByCode(event.value) !== undefined,
            target: "done",
            actions: [{ type: "createOrganization", params: ({ context, event }) => ({ nameKk: context.nameKk!, nameRu: context.nameRu ?? context.nameKk!, region: event.type === "CHOICE" ? event.value : "" }) }],
          },
        ],
        ...askAgain("region"),
      },
    },
    done: { type: "final" },
  },
});

export const orgCreateFlow: FlowDef = { name: "orgCreate", version: 2, role: "admin", machine: orgCreateMachine, input: () => undefined };
