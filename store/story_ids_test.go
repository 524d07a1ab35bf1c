package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
)

// newStory stores an item of feed under key and gives it a story of its
// own, returning the story's id.
func newStory(t *testing.T, db *DB, feed int64, key string, at time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	if _, err := db.SaveItems(ctx, feed, []newswatch.IngestItem{ingest(key, "title "+key, "text "+key, at, false)}); err != nil {
		t.Fatal(err)
	}
	un := must(db.UnassignedItems(ctx, feed, []string{key}))(t)
	ids := must(db.SaveStoryItems(ctx, []newswatch.StoryAssignment{{ItemID: un[key], FeedID: feed, Title: "title " + key,
		Time: at, How: newswatch.StoryNew, Join: -1}}))(t)
	return ids[0]
}

// TestStoryIDsNotReused: after ResetStories, and after PruneStories deleted
// the newest story, a new story gets an id no story had: messages posted
// for the deleted ones still name theirs.
func TestStoryIDsNotReused(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	a := newStory(t, f.db, f.global.ID, "a", f.t0)
	b := newStory(t, f.db, f.global.ID, "b", f.t0.Add(time.Minute))
	if b <= a {
		t.Fatalf("story ids %d then %d", a, b)
	}
	if err := f.db.ResetStories(ctx); err != nil {
		t.Fatal(err)
	}
	c := newStory(t, f.db, f.global.ID, "c", f.t0.Add(2*time.Minute))
	if c <= b {
		t.Errorf("after a reset the new story got id %d, not above the deleted %d", c, b)
	}
	// Retention takes c's item, and with it c, the newest story (a story
	// of one item has no row of its own for PruneStories to delete).
	if _, err := f.db.Prune(ctx, f.t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.PruneStories(ctx, f.t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Story(ctx, "", c); newswatch.ErrorCode(err) != newswatch.ENOTFOUND {
		t.Fatalf("story %d after its item was pruned: %v", c, err)
	}
	d := newStory(t, f.db, f.global.ID, "d", f.t0.Add(2*time.Hour))
	if d <= c {
		t.Errorf("after pruning story %d the new story got id %d", c, d)
	}
}

// TestStoryIDFloorMigration opens a database at the schema before
// story_id_floor with stories in it and checks that they are kept and that
// new ids start above them, also once the newest is deleted.
func TestStoryIDFloorMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", "file:"+path+"?"+pragmas)
	if err != nil {
		t.Fatal(err)
	}
	raw.SetMaxOpenConns(1)
	list := must(migrationList())(t)
	if _, err := raw.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range list {
		if m.version >= 16 {
			break
		}
		if _, err := raw.Exec(m.body); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		if _, err := raw.Exec(`INSERT INTO schema_migrations VALUES (?, ?, 0)`, m.version, m.name); err != nil {
			t.Fatal(err)
		}
	}
	t0 := time.Now().Add(-time.Hour).UnixMilli()
	for _, q := range []string{
		`INSERT INTO feeds (id, url, created_at) VALUES (1, 'https://old.example/rss', 1)`,
		`INSERT INTO feed_subscriptions (feed_id, guild_id, source, created_at) VALUES (1, '', 'config', 1)`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	for i, key := range []string{"a", "b", "c"} {
		id := int64(i + 1)
		if _, err := raw.Exec(`INSERT INTO items (id, feed_id, key, title, text, fetched_at, ts, content_hash)
			VALUES (?, 1, ?, ?, 'x', ?, ?, ?)`, id, key, "title "+key, t0+id, t0+id, key); err != nil {
			t.Fatal(err)
		}
	}
	// Stories 10 (items 1 and 2) and 20 (item 3).
	for _, q := range []string{
		`INSERT INTO items_fts (rowid, title, text) SELECT id, title, text FROM items WHERE ?1 > 0`,
		`INSERT INTO stories (id, first_item_id, title, first_seen, last_seen, item_count, source_count)
			VALUES (10, 1, 'title a', ?1 + 1, ?1 + 2, 2, 1), (20, 3, 'title c', ?1 + 3, ?1 + 3, 1, 1)`,
		`INSERT INTO story_items (item_id, story_id, feed_id, ts, canon_url, how, joined_at)
			VALUES (1, 10, 1, ?1 + 1, 'https://old.example/a', 'new', 0), (2, 10, 1, ?1 + 2, '', 'text', 0),
			(3, 20, 1, ?1 + 3, '', 'new', 0)`,
	} {
		if _, err := raw.Exec(q, t0); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	all := must(db.Stories(ctx, newswatch.StoryQuery{}))(t)
	if len(all) != 2 || all[0].ID != 20 || all[1].ID != 10 || len(all[1].Items) != 2 || all[1].Title != "title a" {
		t.Fatalf("stories after the upgrade: %+v", all)
	}
	if u := must(db.StoriesByURL(ctx, []string{"https://old.example/a"}))(t); u["https://old.example/a"] != 10 {
		t.Errorf("StoriesByURL after the upgrade: %v", u)
	}
	// Story 20 loses its item and goes; the next story must not be 20.
	if _, err := db.w.Exec(`DELETE FROM items WHERE id = 3`); err != nil {
		t.Fatal(err)
	}
	if n := must(db.PruneStories(ctx, time.Now()))(t); n != 1 {
		t.Fatalf("pruned %d stories, want 1", n)
	}
	if id := newStory(t, db, 1, "d", time.Now()); id != 21 {
		t.Errorf("new story %d, want 21", id)
	}
}
