-- Story alerts per route (issue 12): the watches the story's alerts in the
-- route have named (a JSON array of watch ids), so that a later item of the
-- story alerts anew only for a watched name the story had not mentioned
-- there. A row whose outbox_id is 0 waits for the story to reach the
-- route's min_sources; its pending_also then lists the items seen so far,
-- the first of which the alert will name.
ALTER TABLE story_alerts ADD COLUMN watches TEXT NOT NULL DEFAULT '[]';
