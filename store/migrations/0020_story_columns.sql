-- An item's story is a column of the item (issue 12: stories on must keep
-- 90% of the ingest speed with them off). story_items cost a save a row
-- and three index entries per item, with two foreign-key look-ups; the
-- columns are written by the items' own INSERT, and a save with stories
-- pays one entry in items_story and one in items_canon.
--
-- items.story_id: the item's story, NULL while it has none (a save with no
-- story decider, or one that found the decider busy: the next load assigns
-- it). An item keeps it when its feed updates it.
-- items.canon_key: newswatch_url_key of the canonical URL of its link when
-- the item got its story, for StoriesByURL (stories beyond the window with
-- the same canonical URL); NULL when the link has none. A 64-bit hash
-- rather than the URL: an integer entry costs an insert less than a long
-- string, and two canonical URLs share a key with a chance of about 1 in
-- 10^19 per pair.
-- mentions.story_id: the story of the mention's item, so that counting the
-- stories that mention a watch (SpikeBuckets, CountMentions, TopStories)
-- reads the mentions alone, as ts and feed_id already spare them the item.
ALTER TABLE items ADD COLUMN story_id INTEGER;
ALTER TABLE items ADD COLUMN canon_key INTEGER;
ALTER TABLE mentions ADD COLUMN story_id INTEGER;

UPDATE items SET story_id = si.story_id,
    canon_key = CASE WHEN si.canon_url <> '' THEN newswatch_url_key(si.canon_url) END
    FROM story_items si WHERE si.item_id = items.id;
UPDATE mentions SET story_id = si.story_id FROM story_items si WHERE si.item_id = mentions.item_id;

DROP TABLE story_items;

-- A story's item and source counts depend on the guild asking (which feeds
-- it sees) and are counted from items_story when asked; the columns were
-- kept up to date at the cost of a count per story joined, and never read.
ALTER TABLE stories DROP COLUMN item_count;
ALTER TABLE stories DROP COLUMN source_count;

CREATE INDEX items_story ON items (story_id, ts, feed_id) WHERE story_id IS NOT NULL;
CREATE INDEX items_canon ON items (canon_key) WHERE canon_key IS NOT NULL;

-- A story of one item has no row in stories (store/stories.go), so the
-- newest story's id may live in items alone; when that item goes, the
-- floor keeps its id from being given again.
CREATE TRIGGER story_id_floor_item_delete AFTER DELETE ON items
WHEN old.story_id > (SELECT id FROM story_id_floor) BEGIN
    UPDATE story_id_floor SET id = old.story_id;
END;

-- The highest story id when ResetStories last ran: a decider still holding
-- a story from before it names an id at or below this one (store/stories.go,
-- storyFloors).
INSERT INTO id_floors (name, id) VALUES ('story_reset', 0);
