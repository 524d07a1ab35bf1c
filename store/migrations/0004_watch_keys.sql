-- The watch keys of issue 11: names added by the matcher (auto_aliases, with
-- country to pick the gazetteer's place and drop_aliases to remove some),
-- an actor's surname alone (surname_only: NULL for the default, yes) and
-- typo tolerance (fuzzy).
ALTER TABLE watches ADD COLUMN auto_aliases INTEGER NOT NULL DEFAULT 0;
ALTER TABLE watches ADD COLUMN country      TEXT    NOT NULL DEFAULT '';
ALTER TABLE watches ADD COLUMN surname_only INTEGER;
ALTER TABLE watches ADD COLUMN drop_aliases TEXT    NOT NULL DEFAULT '[]'; -- JSON array of strings
ALTER TABLE watches ADD COLUMN fuzzy        INTEGER NOT NULL DEFAULT 0;
