-- Route rules cache (issue 13). A save keeps the enabled routes, the watch
-- infos and mutes, and the compiled route queries in memory across saves
-- (store.rulesCache) as long as rules_version.version is unchanged. Every
-- change to routes, watches or watch_mutes, by any process, bumps it in the
-- changing transaction, so the next save of every process reloads.
CREATE TABLE rules_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO rules_version (id, version) VALUES (1, 0);

CREATE TRIGGER rules_version_routes_insert AFTER INSERT ON routes BEGIN
    UPDATE rules_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER rules_version_routes_update AFTER UPDATE ON routes BEGIN
    UPDATE rules_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER rules_version_routes_delete AFTER DELETE ON routes BEGIN
    UPDATE rules_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER rules_version_watches_insert AFTER INSERT ON watches BEGIN
    UPDATE rules_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER rules_version_watches_update AFTER UPDATE ON watches BEGIN
    UPDATE rules_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER rules_version_watches_delete AFTER DELETE ON watches BEGIN
    UPDATE rules_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER rules_version_mutes_insert AFTER INSERT ON watch_mutes BEGIN
    UPDATE rules_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER rules_version_mutes_update AFTER UPDATE ON watch_mutes BEGIN
    UPDATE rules_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER rules_version_mutes_delete AFTER DELETE ON watch_mutes BEGIN
    UPDATE rules_version SET version = version + 1 WHERE id = 1;
END;
