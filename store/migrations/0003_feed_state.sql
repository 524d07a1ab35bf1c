-- newswatch schema, version 3: a feed's state. 'gone' feeds (the server
-- answered 410 Gone) are not polled until retried.
ALTER TABLE feeds ADD COLUMN state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'gone'));
-- The recoveries the parser made on the last successful fetch (a document
-- cut off at the end, a wrong-typed JSON field...), in plain words.
ALTER TABLE feeds ADD COLUMN last_warning TEXT NOT NULL DEFAULT '';
