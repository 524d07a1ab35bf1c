package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/newswatch/newswatch"
)

func TestOpenMigratesOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "a", "b", "nw.db")
	for i := 0; i < 3; i++ {
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("Open #%d: %v", i, err)
		}
		if i == 0 {
			must(db.EnsureFeed(ctx, "https://x.example/feed", "", "cli", time.Minute))(t)
		}
		var n int
		if err := db.r.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		files, _ := migrations.ReadDir("migrations")
		if n != len(files) {
			t.Errorf("open #%d: %d migrations recorded, want %d", i, n, len(files))
		}
		fs := must(db.ListFeeds(ctx, ""))(t)
		if len(fs) != 1 || fs[0].Interval != time.Minute {
			t.Errorf("open #%d: feeds %+v, want the one feed with interval 1m", i, fs)
		}
		var mode string
		var fk int
		if err := db.r.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if err := db.r.QueryRow(`PRAGMA foreign_keys`).Scan(&fk); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" || fk != 1 {
			t.Errorf("journal_mode %q foreign_keys %d, want wal 1", mode, fk)
		}
		db.Close()
	}
}

func TestSaveItemsOutbox(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	db := f.db
	ws := f.watches()
	save := func(feed int64, items ...newswatch.IngestItem) newswatch.SaveResult {
		t.Helper()
		return must(db.SaveItems(ctx, feed, items))(t)
	}

	// A new global item about Kyiv: the console (global watch, global feed),
	// g1's all-kinds route and g2's route; not g1's actors-only route.
	got := save(f.global.ID, ingest("a", "Kyiv news", "Shelling reported in Kyiv.", f.t0, true, ws...))
	if diff := cmp.Diff(newswatch.SaveResult{New: 1, Alerts: 3}, got); diff != "" {
		t.Errorf("first save (-want +got):\n%s", diff)
	}
	a := itemID(t, db, f.global.ID, "a")
	want := []outboxRow{
		{"mention", a, f.console.ID, 1}, {"mention", a, f.r1.ID, 1}, {"mention", a, f.r2.ID, 1},
	}
	if diff := cmp.Diff(want, outbox(t, db)); diff != "" {
		t.Fatalf("outbox after new item (-want +got):\n%s", diff)
	}

	// The same content again: nothing written.
	got = save(f.global.ID, ingest("a", "Kyiv news", "Shelling reported in Kyiv.", f.t0, true, ws...))
	if diff := cmp.Diff(newswatch.SaveResult{Unchanged: 1}, got); diff != "" {
		t.Errorf("unchanged save (-want +got):\n%s", diff)
	}

	// Changed, now also naming Lviv (g1's city): only g1's all-kinds route
	// gains a watch; Kyiv was already announced everywhere.
	got = save(f.global.ID, ingest("a", "Kyiv news", "Shelling reported in Kyiv and Lviv.", f.t0, true, ws...))
	if diff := cmp.Diff(newswatch.SaveResult{Updated: 1, Alerts: 1}, got); diff != "" {
		t.Errorf("changed save (-want +got):\n%s", diff)
	}
	want = append(want, outboxRow{"mention", a, f.r1.ID, 2})
	if diff := cmp.Diff(want, outbox(t, db)); diff != "" {
		t.Fatalf("outbox after change (-want +got):\n%s", diff)
	}

	// Changed again, naming Zelensky (global actor): every route gains him.
	got = save(f.global.ID, ingest("a", "Kyiv news", "Zelensky in Kyiv and Lviv.", f.t0, true, ws...))
	if diff := cmp.Diff(newswatch.SaveResult{Updated: 1, Alerts: 4}, got); diff != "" {
		t.Errorf("second change (-want +got):\n%s", diff)
	}
	want = append(want, outboxRow{"mention", a, f.console.ID, 3}, outboxRow{"mention", a, f.r1.ID, 3},
		outboxRow{"mention", a, f.r1act.ID, 3}, outboxRow{"mention", a, f.r2.ID, 3})

	// Alert=false writes no outbox rows, new or changed.
	got = save(f.global.ID, ingest("b", "Old", "Zelensky in Kyiv.", f.t0, false, ws...),
		ingest("a", "Kyiv news", "Zelensky and Odesa.", f.t0, false, ws...))
	if diff := cmp.Diff(newswatch.SaveResult{New: 1, Updated: 1}, got); diff != "" {
		t.Errorf("no-alert save (-want +got):\n%s", diff)
	}

	// g1's own feed: g1's routes only (the console needs a global
	// subscription, g2 does not see the feed); g2's watch alerts no one.
	got = save(f.g1F.ID, ingest("c", "Kyiv and Odesa", "", f.t0, true, ws...),
		ingest("d", "Odesa", "", f.t0, true, ws...))
	if diff := cmp.Diff(newswatch.SaveResult{New: 2, Alerts: 1}, got); diff != "" {
		t.Errorf("guild feed save (-want +got):\n%s", diff)
	}
	want = append(want, outboxRow{"mention", itemID(t, db, f.g1F.ID, "c"), f.r1.ID, 1})
	if diff := cmp.Diff(want, outbox(t, db)); diff != "" {
		t.Fatalf("outbox (-want +got):\n%s", diff)
	}

	// The outbox keeps one row per item, route and revision.
	_, err := db.w.Exec(`INSERT INTO outbox (kind, item_id, route_id, revision, nonce, created_at)
		VALUES ('mention', ?, ?, 1, 'x', 0)`, a, f.console.ID)
	if code := codeOf(formatError(err)); code != newswatch.ECONFLICT {
		t.Errorf("duplicate outbox row: error %v (code %q), want ECONFLICT", err, code)
	}

	// Mentions of a watch that no longer exists are dropped, not fatal.
	gone := newswatch.Watch{ID: 9999, Name: "Gone", Kind: newswatch.KindCity}
	got = save(f.global.ID, ingest("e", "Gone city", "", f.t0, true, gone))
	if diff := cmp.Diff(newswatch.SaveResult{New: 1}, got); diff != "" {
		t.Errorf("unknown watch save (-want +got):\n%s", diff)
	}
	fd := must(db.Feed(ctx, f.global.ID))(t)
	if fd.ItemCount != 3 {
		t.Errorf("global feed ItemCount = %d, want 3", fd.ItemCount)
	}
	checkFTS(t, db)
	if _, err := db.SaveItems(ctx, 12345, []newswatch.IngestItem{ingest("x", "x", "", f.t0, true)}); codeOf(err) != newswatch.ENOTFOUND {
		t.Errorf("save to a missing feed: %v, want ENOTFOUND", err)
	}
}

func TestPruneAndTombstones(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	db := f.db
	old, recent := f.t0.Add(-48*time.Hour), f.t0
	var items []newswatch.IngestItem
	for i, at := range []time.Time{old, old, recent} {
		items = append(items, ingest(string(rune('a'+i)), "Kyiv item", "About Kyiv and Zelensky.", at, true, f.watches()...))
	}
	must(db.SaveItems(ctx, f.global.ID, items))(t)
	n := must(db.Prune(ctx, f.t0.Add(-24*time.Hour)))(t)
	if n != 2 {
		t.Fatalf("Prune = %d, want 2", n)
	}
	known := must(db.KnownKeys(ctx, f.global.ID, []string{"a", "b", "c", "zzz"}))(t)
	want := map[string]newswatch.Known{"a": {Tombstone: true}, "b": {Tombstone: true}, "c": {Hash: items[2].Item.ContentHash()}}
	if diff := cmp.Diff(want, known); diff != "" {
		t.Errorf("KnownKeys (-want +got):\n%s", diff)
	}
	got := must(db.SaveItems(ctx, f.global.ID, items))(t)
	if diff := cmp.Diff(newswatch.SaveResult{Unchanged: 1, Tombstoned: 2}, got); diff != "" {
		t.Errorf("save after prune (-want +got):\n%s", diff)
	}
	hits := must(db.Search(ctx, newswatch.SearchQuery{Query: "kyiv"}))(t)
	if len(hits) != 1 || hits[0].Item.Key != "c" {
		t.Errorf("search after prune: %d hits, want only c", len(hits))
	}
	var mentions, alerts int
	db.r.QueryRow(`SELECT count(*) FROM mentions`).Scan(&mentions)
	db.r.QueryRow(`SELECT count(*) FROM outbox`).Scan(&alerts)
	if mentions != 3 || alerts != 4 {
		t.Errorf("after prune: %d mentions and %d outbox rows, want 3 and 4 (item c's)", mentions, alerts)
	}
	if fd := must(db.Feed(ctx, f.global.ID))(t); fd.ItemCount != 1 {
		t.Errorf("ItemCount = %d, want 1", fd.ItemCount)
	}
	checkFTS(t, db)
}

func TestRescan(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	db := f.db
	var items []newswatch.IngestItem
	for i := 0; i < 1203; i++ {
		text := "Nothing here."
		if i%100 == 0 {
			text = "Fighting near Bakhmut, again in Bakhmut."
		}
		items = append(items, ingest(string(rune(0x4e00+i)), "Item", text, f.t0.Add(time.Duration(i)*time.Minute), true))
	}
	must(db.SaveItems(ctx, f.global.ID, items))(t)
	w, created := must2(db.PutWatch(ctx, newswatch.Watch{Name: "Bakhmut", Kind: newswatch.KindCity}, 0))(t)
	if !created {
		t.Fatal("PutWatch did not create")
	}
	before := outbox(t, db)
	var calls [][2]int
	err := db.Rescan(ctx, w, func(text string) []newswatch.Mention { return find(text, w) },
		func(done, total int) { calls = append(calls, [2]int{done, total}) })
	if err != nil {
		t.Fatal(err)
	}
	wantCalls := [][2]int{{500, 1203}, {1000, 1203}, {1203, 1203}}
	if diff := cmp.Diff(wantCalls, calls); diff != "" {
		t.Errorf("progress (-want +got):\n%s", diff)
	}
	hits := must(db.Mentions(ctx, newswatch.MentionQuery{Entity: "bakhmut", Until: f.t0.Add(48 * time.Hour), Limit: 100}))(t)
	if len(hits) != 26 {
		t.Errorf("%d mentions after rescan, want 26", len(hits))
	}
	// Rescanning again replaces, never duplicates.
	if err := db.Rescan(ctx, w, func(text string) []newswatch.Mention { return find(text, w) }, nil); err != nil {
		t.Fatal(err)
	}
	hits = must(db.Mentions(ctx, newswatch.MentionQuery{Entity: "Bakhmut", Until: f.t0.Add(48 * time.Hour), Limit: 100}))(t)
	if len(hits) != 26 {
		t.Errorf("%d mentions after second rescan, want 26", len(hits))
	}
	if diff := cmp.Diff(before, outbox(t, db)); diff != "" {
		t.Errorf("rescan wrote alerts (-before +after):\n%s", diff)
	}
	if err := db.Rescan(ctx, newswatch.Watch{Name: "Nowhere"}, nil, nil); codeOf(err) != newswatch.ENOTFOUND {
		t.Errorf("rescan of a missing watch: %v, want ENOTFOUND", err)
	}
}

func must2[A, B any](a A, b B, err error) func(testing.TB) (A, B) {
	return func(t testing.TB) (A, B) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return a, b
	}
}

func TestSaveItemsSameKeyTwiceInABatch(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	got := must(f.db.SaveItems(ctx, f.global.ID, []newswatch.IngestItem{
		ingest("dup", "First", "Kyiv first version.", f.t0, true, f.watches()...),
		ingest("dup", "Second", "Zelensky second version.", f.t0, true, f.watches()...),
		ingest("dup", "Second", "Zelensky second version.", f.t0, true, f.watches()...),
	}))(t)
	if diff := cmp.Diff(newswatch.SaveResult{New: 1, Updated: 1, Unchanged: 1, Alerts: 7}, got); diff != "" {
		t.Errorf("SaveItems (-want +got):\n%s", diff)
	}
	checkFTS(t, f.db)
	hits := must(f.db.Search(ctx, newswatch.SearchQuery{Query: "second"}))(t)
	if len(hits) != 1 || hits[0].Item.Title != "Second" {
		t.Errorf("search for the second version: %+v", hits)
	}
	if hits := must(f.db.Search(ctx, newswatch.SearchQuery{Query: "first"}))(t); len(hits) != 0 {
		t.Errorf("the first version is still indexed: %d hits", len(hits))
	}
	it := must(f.db.Item(ctx, hits[0].Item.ID))(t)
	if it.Text != "Zelensky second version." {
		t.Errorf("stored text %q", it.Text)
	}
}
