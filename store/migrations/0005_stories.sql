-- Stories: one article or wire copy however many feeds carry it (see
-- package stories for when two items are one story). A separate table maps
-- items to stories so that items keeps its shape; an item has at most one
-- story, and keeps it when its feed updates it (same feed and key, same
-- items row).
CREATE TABLE stories (
    id            INTEGER PRIMARY KEY,
    first_item_id INTEGER,                    -- not a foreign key: the story outlives a pruned first item
    title         TEXT    NOT NULL DEFAULT '',
    first_seen    INTEGER NOT NULL,           -- the first item's ts
    last_seen     INTEGER NOT NULL,           -- the newest item's ts
    item_count    INTEGER NOT NULL DEFAULT 1,
    source_count  INTEGER NOT NULL DEFAULT 1  -- distinct feeds
);
CREATE INDEX stories_last_seen ON stories (last_seen, id);

CREATE TABLE story_items (
    item_id   INTEGER PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
    story_id  INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    feed_id   INTEGER NOT NULL,
    ts        INTEGER NOT NULL,
    canon_url TEXT    NOT NULL DEFAULT '',   -- newswatch.CanonicalURL of the link
    how       TEXT    NOT NULL CHECK (how IN ('new', 'url', 'text')),
    joined_at INTEGER NOT NULL
);
CREATE INDEX story_items_story ON story_items (story_id, ts, feed_id);
CREATE INDEX story_items_canon ON story_items (canon_url) WHERE canon_url <> '';

-- The story's alert in each route, for the "Also reported by" edits that
-- go through the outbox (issue 12, later round): the first alert's outbox
-- row (whose message, once sent, is the one edited), the items that joined
-- since and are not yet shown (pending_also, a JSON array of item ids), the
-- ones the message shows (shown_also), and when the next edit may go out
-- (at most one per story and route per minute). Written by the deliverer
-- side; this round only creates it.
CREATE TABLE story_alerts (
    story_id     INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    route_id     INTEGER NOT NULL REFERENCES routes (id) ON DELETE CASCADE,
    outbox_id    INTEGER NOT NULL,
    pending_also TEXT    NOT NULL DEFAULT '[]',
    shown_also   TEXT    NOT NULL DEFAULT '[]',
    next_edit_at INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (story_id, route_id)
) WITHOUT ROWID;
CREATE INDEX story_alerts_due ON story_alerts (next_edit_at) WHERE pending_also <> '[]';
