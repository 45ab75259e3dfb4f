// Running the deployment (admins): organisations, staff and mediator invites, roles, linking cases.
import type { Feature } from "../../core/feature.js";
import { adminActions, adminCommand } from "./actions.js";
import { digestJobs, scheduleDigest } from "./digest.js";
import { listAccessOrgs, showOrgAccesses } from "./accesses.js";
import { acceptAdminTerms, answerOwnInvite, askOwnInvite, askRevokeRole, chooseCaseOrg, createInvite, createOrganization, keepRole, linkCase, listOrganizations, listRoles, listUnlinked, redeemInvite, revokeRole, revokeRoleInvite } from "./admin.js";

export const adminFeature = {
  actions: adminActions,
  commands: [adminCommand],
  effects: { acceptAdminTerms, createOrganization, listOrganizations, createInvite, listRoles, askRevokeRole, revokeRole, keepRole, revokeRoleInvite, askOwnInvite, answerOwnInvite, redeemInvite, listUnlinked, chooseCaseOrg, linkCase, listAccessOrgs, showOrgAccesses },
  jobs: digestJobs,
  onStart: scheduleDigest,
} satisfies Feature;
