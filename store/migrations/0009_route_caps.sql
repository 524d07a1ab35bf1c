-- Route caps (issue 13): at most routes.cap_per_hour alerts per watch and
-- UTC hour in one route, then one summary. One row per route, watch and
-- hour (ms of the hour's start): alerts counts the alerts written one by
-- one; held_count counts the items over the cap and held lists the first
-- of them (JSON array of at most 10 item ids, oldest first); summary_id is the outbox row that carries them as one message
-- (not a foreign key: the row may be pruned, and then the summary goes
-- with it). The summary row is written, and held grows, in the same
-- transaction as the items, so a crash loses neither; it waits
-- (outbox.not_before) until the hour is over, and then goes out through
-- messages like any alert.
CREATE TABLE route_caps (
    route_id   INTEGER NOT NULL REFERENCES routes (id) ON DELETE CASCADE,
    watch_id   INTEGER NOT NULL REFERENCES watches (id) ON DELETE CASCADE,
    hour       INTEGER NOT NULL,
    alerts     INTEGER NOT NULL DEFAULT 0,
    held_count INTEGER NOT NULL DEFAULT 0,
    held       TEXT    NOT NULL DEFAULT '[]',
    summary_id INTEGER,
    PRIMARY KEY (route_id, watch_id, hour)
) WITHOUT ROWID;
CREATE INDEX route_caps_summary ON route_caps (summary_id) WHERE summary_id IS NOT NULL;
