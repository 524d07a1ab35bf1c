-- Story edits (issue 12): a messages row may edit a message already posted
-- instead of posting one. kind 'edit' rows carry no alerts; edit_of is the
-- Discord id of the message they replace the body of. They go through the
-- same outbox as posts (same nonce and footer marker rules), and an edit is
-- idempotent: sending it twice leaves the message as sending it once.
ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'post' CHECK (kind IN ('post', 'edit'));
ALTER TABLE messages ADD COLUMN edit_of TEXT;

-- Per route: whether later items of a story edit the story's alert
-- ("Also reported by") instead of alerting again (1, the default), or every
-- item alerts on its own (0).
ALTER TABLE routes ADD COLUMN stories INTEGER NOT NULL DEFAULT 1;
