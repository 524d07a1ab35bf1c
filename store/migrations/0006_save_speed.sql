-- newswatch schema, version 6: outbox_failing_once constrains only
-- feed_failing rows, so the mention rows that SaveItems writes by the
-- thousand (feed_id NULL) no longer each add an entry to it. A lookup by
-- feed_id = ? (the cascade from feeds, the ON CONFLICT check of a
-- feed_failing row) still uses it.
DROP INDEX outbox_failing_once;
CREATE UNIQUE INDEX outbox_failing_once ON outbox (feed_id, route_id, failing_since) WHERE feed_id IS NOT NULL;
