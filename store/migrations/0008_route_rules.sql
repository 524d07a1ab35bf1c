-- Route rules (issue 13). A route alerts only for its watches (a JSON array
-- of canonical names; '[]': every watch its guild sees), only for items that
-- match its query (the /search language, evaluated in-process at ingest;
-- '': every item), and, with stories on (routes.stories, 0007), only once a
-- story has min_sources sources. quiet routes get no per-item alerts, only
-- spikes (spikes = 1) and the daily digest (digest_hour 0-23 UTC; -1: none).
-- cap_per_hour: at most that many alerts per watch per hour, then one
-- summary (0: no cap).
ALTER TABLE routes ADD COLUMN watches      TEXT    NOT NULL DEFAULT '[]';
ALTER TABLE routes ADD COLUMN query        TEXT    NOT NULL DEFAULT '';
ALTER TABLE routes ADD COLUMN min_sources  INTEGER NOT NULL DEFAULT 0;
ALTER TABLE routes ADD COLUMN quiet        INTEGER NOT NULL DEFAULT 0;
ALTER TABLE routes ADD COLUMN spikes       INTEGER NOT NULL DEFAULT 0;
ALTER TABLE routes ADD COLUMN cap_per_hour INTEGER NOT NULL DEFAULT 0;
ALTER TABLE routes ADD COLUMN digest_hour  INTEGER NOT NULL DEFAULT -1;

-- Mutes: /watch mute NAME DURATION silences a watch's alerts in one guild
-- until a time (ms since the epoch); unmute deletes the row.
CREATE TABLE watch_mutes (
    guild_id TEXT    NOT NULL,
    watch_id INTEGER NOT NULL REFERENCES watches (id) ON DELETE CASCADE,
    until    INTEGER NOT NULL,
    PRIMARY KEY (guild_id, watch_id)
) WITHOUT ROWID;
