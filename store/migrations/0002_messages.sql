-- Alert messages: each Discord message the deliverer posts is persisted
-- before it is posted, with the alerts it carries (outbox.message_row), so
-- that a retry after a crash, a lost response or an outage posts the same
-- message with the same nonce and the same body, and a message found in the
-- channel (see bot/reconcile.go) can be recognised by its row id. Once a row
-- exists its alerts never change; it and its alerts are marked sent in one
-- transaction.
CREATE TABLE messages (
    id                 INTEGER PRIMARY KEY,
    route_id           INTEGER NOT NULL REFERENCES routes (id) ON DELETE CASCADE,
    channel_id         TEXT    NOT NULL,
    nonce              TEXT    NOT NULL DEFAULT '',
    payload            TEXT    NOT NULL, -- the message body as JSON, without nonce and marker
    state              TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent')),
    discord_message_id TEXT    NOT NULL DEFAULT '',
    attempts           INTEGER NOT NULL DEFAULT 0,
    last_error         TEXT    NOT NULL DEFAULT '',
    created_at         INTEGER NOT NULL,
    sent_at            INTEGER
);
CREATE INDEX messages_pending ON messages (id) WHERE state = 'pending';
CREATE INDEX messages_channel ON messages (channel_id, id);
CREATE INDEX messages_route ON messages (route_id);

ALTER TABLE outbox ADD COLUMN message_row INTEGER REFERENCES messages (id) ON DELETE SET NULL;
CREATE INDEX outbox_message_row ON outbox (message_row) WHERE message_row IS NOT NULL;

-- The deliverer no longer defers single outbox rows (a channel waits as a
-- whole, in memory); rows an earlier version deferred are due at once, and
-- are grouped into messages in id order like every other pending row.
UPDATE outbox SET not_before = 0 WHERE sent_at IS NULL;
