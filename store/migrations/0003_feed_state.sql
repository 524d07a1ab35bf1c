-- newswatch schema, version 3: a feed's state. 'gone' feeds (the server
-- answered 410 Gone) are not polled until retried.
ALTER TABLE feeds ADD COLUMN state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'gone'));
