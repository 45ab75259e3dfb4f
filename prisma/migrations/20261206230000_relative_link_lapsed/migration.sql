-- A relative's link that lapses with nobody having joined by it is told to the applicant once, by a job scheduled when
-- the link is made (features/relatives: relative_link_lapsed, due at 09:00 the morning after its last day: 9 hours and
-- 1 ms after it expires, at the last millisecond of that day). The links from before, still
-- working and not used or revoked, get theirs here; one already lapsed is not told late. Data only: no table changes.
INSERT INTO "ScheduledJob" ("kind", "dueAt", "payload", "dedupeKey", "updatedAt")
SELECT 'relative_link_lapsed',
       i."expiresAt" + interval '32400.001 seconds',
       jsonb_build_object('caseId', i."caseId", 'inviteId', i."id"),
       'invite:' || i."id" || ':lapsed',
       now() AT TIME ZONE 'UTC'
FROM "Invite" i
WHERE i."role" = 'relative' AND i."caseId" IS NOT NULL AND i."usedAt" IS NULL AND i."revokedAt" IS NULL
  AND i."expiresAt" > now() AT TIME ZONE 'UTC'
ON CONFLICT ("dedupeKey") DO NOTHING;
