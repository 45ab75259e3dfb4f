// Relatives' buttons: the applicant invites (and revokes a link not yet used), removes and shows the notice to them; a relative opens the
// notice shared with them. The services check who is the applicant of the case.
import { z } from "zod";
import { defineAction, id, oneOf } from "../../../machines/actions.js";

export const inviteRelative = defineAction({ name: "relatives/invite", code: "rinv", side: "applicant", params: z.object({ caseId: id }), run: ({ caseId }, r) => r.emit({ type: "createRelativeInvite", caseId }) });
/** Removing a relative: asked once more first, naming them (a mis-tap told a grieving relative they were removed). */
export const removeRelative = defineAction({
  name: "relatives/remove",
  code: "rrm",
  side: "applicant",
  params: z.object({ participantId: id }),
  run: ({ participantId }, r) => r.emit({ type: "removeRelative", participantId }),
});
export const removeRelativeConfirmed = defineAction({
  name: "relatives/removeConfirmed",
  code: "rrmok",
  side: "applicant",
  params: z.object({ participantId: id }),
  run: ({ participantId }, r) => r.emit({ type: "removeRelative", participantId, confirmed: true }),
});
export const shareNotice = defineAction({
  name: "relatives/shareNotice",
  code: "rshare",
  side: "applicant",
  params: z.object({ caseId: id, share: oneOf(["on", "off"]) }),
  run: ({ caseId, share }, r) => r.emit({ type: "shareNotice", caseId, share: share === "on" }),
});
export const openSharedNotice = defineAction({ name: "relatives/openNotice", code: "rnotice", side: "applicant", params: z.object({ caseId: id }), run: ({ caseId }, r) => r.emit({ type: "sharedNotice", caseId }) });

/** Revoking a link not yet used: asked once more first, naming the link by when it was made (askRevokeRelativeInvite). */
export const revokeInvite = defineAction({ name: "relatives/revokeInvite", code: "rrv", side: "applicant", params: z.object({ inviteId: id }), run: ({ inviteId }, r) => r.emit({ type: "askRevokeRelativeInvite", inviteId }) });
export const revokeInviteConfirmed = defineAction({
  name: "relatives/revokeInviteConfirmed",
  code: "rrvok",
  side: "applicant",
  params: z.object({ inviteId: id }),
  run: ({ inviteId }, r) => r.emit({ type: "revokeRelativeInvite", inviteId }),
});
/** «Keep it»: said to still work only while it does, and only to the case's applicant (keepRelativeInvite). */
export const keepInvite = defineAction({ name: "relatives/keepInvite", code: "rkeep", side: "applicant", params: z.object({ inviteId: id }), run: ({ inviteId }, r) => r.emit({ type: "keepRelativeInvite", inviteId }) });

export const relativeActions = [inviteRelative, removeRelative, removeRelativeConfirmed, shareNotice, openSharedNotice, revokeInvite, revokeInviteConfirmed, keepInvite];
