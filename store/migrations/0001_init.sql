-- newswatch schema, version 1.
-- Every time is UTC unix milliseconds in an INTEGER column; 0 means "unset"
-- (a zero time.Time), except outbox.sent_at, which is NULL while unsent.

CREATE TABLE feeds (
    id                   INTEGER PRIMARY KEY,
    url                  TEXT    NOT NULL UNIQUE,
    title                TEXT    NOT NULL DEFAULT '',
    interval_ms          INTEGER NOT NULL DEFAULT 0,
    etag                 TEXT    NOT NULL DEFAULT '',
    last_modified        TEXT    NOT NULL DEFAULT '',
    next_poll_at         INTEGER NOT NULL DEFAULT 0,
    last_status          INTEGER NOT NULL DEFAULT 0,
    last_error           TEXT    NOT NULL DEFAULT '',
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    last_attempt_at      INTEGER NOT NULL DEFAULT 0,
    last_success_at      INTEGER NOT NULL DEFAULT 0,
    failing_since        INTEGER NOT NULL DEFAULT 0,
    item_count           INTEGER NOT NULL DEFAULT 0,
    created_at           INTEGER NOT NULL
);
CREATE INDEX feeds_next_poll ON feeds (next_poll_at, id);

CREATE TABLE feed_subscriptions (
    id         INTEGER PRIMARY KEY,
    feed_id    INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    guild_id   TEXT    NOT NULL,
    source     TEXT    NOT NULL CHECK (source IN ('config', 'cli', 'discord')),
    created_at INTEGER NOT NULL,
    UNIQUE (feed_id, guild_id)
);
CREATE INDEX feed_subscriptions_guild ON feed_subscriptions (guild_id, feed_id);

CREATE TABLE items (
    id           INTEGER PRIMARY KEY,
    feed_id      INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    key          TEXT    NOT NULL,
    guid         TEXT    NOT NULL DEFAULT '',
    title        TEXT    NOT NULL DEFAULT '',
    link         TEXT    NOT NULL DEFAULT '',
    author       TEXT    NOT NULL DEFAULT '',
    text         TEXT    NOT NULL DEFAULT '',
    categories   TEXT    NOT NULL DEFAULT '[]', -- JSON array of strings
    image_url    TEXT    NOT NULL DEFAULT '',
    published    INTEGER NOT NULL DEFAULT 0,
    updated      INTEGER NOT NULL DEFAULT 0,
    fetched_at   INTEGER NOT NULL,
    ts           INTEGER NOT NULL,              -- Item.Time(): published, else fetched_at
    content_hash TEXT    NOT NULL,
    revision     INTEGER NOT NULL DEFAULT 1,
    UNIQUE (feed_id, key)
);
CREATE INDEX items_ts ON items (ts, id);
CREATE INDEX items_feed_ts ON items (feed_id, ts, id);

-- Full-text index over title and text. External content: the text lives
-- once, in items. SaveItems adds the index entries of new items itself, in
-- one statement per batch in the same transaction (FTS5 flushes its pending
-- terms at every statement savepoint, so a per-row insert trigger would write
-- one index segment per item); the triggers below remove and replace entries
-- when items are deleted (also by cascade) or changed. The indexed text goes
-- through newswatch_fold (ё→е, registered by the store in Go), which keeps
-- token boundaries, so snippet() over the unfolded items text highlights the
-- right words. Consequence: items can only be written through a connection
-- that has newswatch_fold, and 'rebuild' must not be used.
CREATE VIRTUAL TABLE items_fts USING fts5 (
    title, text,
    content = 'items', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
-- Fewer, larger merges while ingesting (automerge 16 instead of 4) and 4 KB
-- leaf pages: about 15-20% faster batched inserts, search still well within
-- its budget (see the store benchmarks).
INSERT INTO items_fts (items_fts, rank) VALUES ('automerge', 16);
INSERT INTO items_fts (items_fts, rank) VALUES ('pgsz', 4000);
-- Each text is folded only when it has an ё, to avoid calling into Go.
CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
    INSERT INTO items_fts (items_fts, rowid, title, text) VALUES ('delete', old.id,
        CASE WHEN instr(old.title, 'ё') OR instr(old.title, 'Ё') THEN newswatch_fold(old.title) ELSE old.title END,
        CASE WHEN instr(old.text, 'ё') OR instr(old.text, 'Ё') THEN newswatch_fold(old.text) ELSE old.text END);
END;
CREATE TRIGGER items_fts_update AFTER UPDATE OF title, text ON items BEGIN
    INSERT INTO items_fts (items_fts, rowid, title, text) VALUES ('delete', old.id,
        CASE WHEN instr(old.title, 'ё') OR instr(old.title, 'Ё') THEN newswatch_fold(old.title) ELSE old.title END,
        CASE WHEN instr(old.text, 'ё') OR instr(old.text, 'Ё') THEN newswatch_fold(old.text) ELSE old.text END);
    INSERT INTO items_fts (rowid, title, text) VALUES (new.id,
        CASE WHEN instr(new.title, 'ё') OR instr(new.title, 'Ё') THEN newswatch_fold(new.title) ELSE new.title END,
        CASE WHEN instr(new.text, 'ё') OR instr(new.text, 'Ё') THEN newswatch_fold(new.text) ELSE new.text END);
END;

CREATE TABLE tombstones (
    feed_id   INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    key       TEXT    NOT NULL,
    pruned_at INTEGER NOT NULL,
    PRIMARY KEY (feed_id, key)
) WITHOUT ROWID;

CREATE TABLE watches (
    id             INTEGER PRIMARY KEY,
    guild_id       TEXT    NOT NULL,
    source         TEXT    NOT NULL CHECK (source IN ('config', 'cli', 'discord')),
    name           TEXT    NOT NULL,
    name_key       TEXT    NOT NULL, -- Unicode lower case of name (SQLite lower() folds ASCII only)
    kind           TEXT    NOT NULL,
    aliases        TEXT    NOT NULL DEFAULT '[]', -- JSON array of strings
    exclude        TEXT    NOT NULL DEFAULT '[]', -- JSON array of strings
    case_sensitive INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (guild_id, name_key)
);

CREATE TABLE watches_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO watches_version (id, version) VALUES (1, 0);
CREATE TRIGGER watches_version_insert AFTER INSERT ON watches BEGIN
    UPDATE watches_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER watches_version_update AFTER UPDATE ON watches BEGIN
    UPDATE watches_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER watches_version_delete AFTER DELETE ON watches BEGIN
    UPDATE watches_version SET version = version + 1 WHERE id = 1;
END;

CREATE TABLE mentions (
    id       INTEGER PRIMARY KEY,
    item_id  INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    watch_id INTEGER NOT NULL REFERENCES watches (id) ON DELETE CASCADE,
    start    INTEGER NOT NULL,
    "end"    INTEGER NOT NULL,
    text     TEXT    NOT NULL,
    -- the item's time and feed, copied so that entity/time queries and
    -- guild visibility are answered from one index
    ts       INTEGER NOT NULL,
    feed_id  INTEGER NOT NULL
);
CREATE INDEX mentions_watch_ts ON mentions (watch_id, ts, feed_id);
CREATE INDEX mentions_item ON mentions (item_id, watch_id);

CREATE TABLE routes (
    id              INTEGER PRIMARY KEY,
    guild_id        TEXT    NOT NULL,
    channel_id      TEXT    NOT NULL,
    kind            TEXT    NOT NULL DEFAULT '',
    role_id         TEXT    NOT NULL DEFAULT '',
    disabled        INTEGER NOT NULL DEFAULT 0,
    disabled_reason TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    UNIQUE (guild_id, channel_id)
);

CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY,
    kind          TEXT    NOT NULL CHECK (kind IN ('mention', 'feed_failing')),
    item_id       INTEGER REFERENCES items (id) ON DELETE CASCADE,
    feed_id       INTEGER REFERENCES feeds (id) ON DELETE CASCADE,
    route_id      INTEGER NOT NULL REFERENCES routes (id) ON DELETE CASCADE,
    revision      INTEGER NOT NULL DEFAULT 0,
    failing_since INTEGER NOT NULL DEFAULT 0,
    nonce         TEXT    NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    not_before    INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT    NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    sent_at       INTEGER,
    message_id    TEXT    NOT NULL DEFAULT '',
    CHECK ((kind = 'mention' AND item_id IS NOT NULL) OR (kind = 'feed_failing' AND feed_id IS NOT NULL))
);
-- One row per item, route and revision (feed_id is NULL in these rows) and
-- one per feed, route and failing episode (item_id is NULL in these): NULLs
-- are distinct, so each index constrains only its kind of row, and each also
-- serves the foreign-key cascades from items and feeds.
CREATE UNIQUE INDEX outbox_mention_once ON outbox (item_id, route_id, revision);
CREATE UNIQUE INDEX outbox_failing_once ON outbox (feed_id, route_id, failing_since);
CREATE INDEX outbox_pending ON outbox (id) WHERE sent_at IS NULL;
CREATE INDEX outbox_route ON outbox (route_id);
