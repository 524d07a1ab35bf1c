-- Outbox and item ids are never given twice. A save chooses them as the
-- highest one plus one (store/save.go, story_route.go), as SQLite does for
-- a rowid table without AUTOINCREMENT; once the newest rows are deleted (a
-- feed dropped, an unsent row dropped as undeliverable), their ids would
-- be given again while story_alerts.outbox_id, route_caps.summary_id and
-- the item lists pending_also, shown_also and held still name them.
CREATE TABLE id_floors (
    name TEXT PRIMARY KEY,
    id   INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO id_floors (name, id) VALUES ('outbox', 0), ('items', 0);
CREATE TRIGGER outbox_id_floor_delete AFTER DELETE ON outbox
WHEN old.id > (SELECT id FROM id_floors WHERE name = 'outbox') BEGIN
    UPDATE id_floors SET id = old.id WHERE name = 'outbox';
END;
CREATE TRIGGER items_id_floor_delete AFTER DELETE ON items
WHEN old.id > (SELECT id FROM id_floors WHERE name = 'items') BEGIN
    UPDATE id_floors SET id = old.id WHERE name = 'items';
END;
