-- Signals (issue 13). Spike episodes: per scope (the guild whose items were
-- counted; '' for the console, which counts every item) and watch, the
-- hour the current or last episode started and the last hour found over
-- the threshold. A spike within signals.Rule.QuietHours of last_hour is the
-- same episode; otherwise it starts a new one, whose alert messages are
-- stored in the same transaction as this row, so a restart never announces
-- an episode twice.
CREATE TABLE spike_episodes (
    guild_id  TEXT    NOT NULL,
    watch_id  INTEGER NOT NULL REFERENCES watches (id) ON DELETE CASCADE,
    started   INTEGER NOT NULL, -- ms: the first hour over the threshold
    last_hour INTEGER NOT NULL, -- ms: the last hour found over it
    peak      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, watch_id)
) WITHOUT ROWID;

-- Daily digests: one row per route and UTC day, written in the transaction
-- that stores the digest's message (its PNG chart inside the stored body),
-- so a route gets a day's digest exactly once across restarts.
CREATE TABLE digests (
    route_id    INTEGER NOT NULL REFERENCES routes (id) ON DELETE CASCADE,
    day         INTEGER NOT NULL, -- ms: the start of the UTC day it covers
    message_row INTEGER REFERENCES messages (id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (route_id, day)
) WITHOUT ROWID;
