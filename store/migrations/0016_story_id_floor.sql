-- Story ids are never given twice (issue 12). A save chooses a new story's
-- id as the highest one plus one (store/stories.go), so once ResetStories
-- or PruneStories deleted the newest stories, a new story would get the id
-- of a deleted one while the messages posted for that one still name it
-- (the /story button, "Also reported by" edits). The highest id a deleted
-- story had is kept here, and ids start above it.
CREATE TABLE story_id_floor (
    id INTEGER NOT NULL
);
INSERT INTO story_id_floor (id) VALUES (0);
CREATE TRIGGER story_id_floor_delete AFTER DELETE ON stories WHEN old.id > (SELECT id FROM story_id_floor) BEGIN
    UPDATE story_id_floor SET id = old.id;
END;
