package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
)

// openTest opens a fresh store in a temporary directory.
func openTest(t testing.TB) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "sub", "newswatch.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// must fails the test on err.
func must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// find is a small matcher for tests: every case-insensitive occurrence of
// a name or alias of ws in text (ASCII names only).
func find(text string, ws ...newswatch.Watch) []newswatch.Mention {
	var out []newswatch.Mention
	low := strings.ToLower(text)
	for _, w := range ws {
		for _, n := range w.Names() {
			n = strings.ToLower(n)
			for from := 0; ; {
				i := strings.Index(low[from:], n)
				if i < 0 {
					break
				}
				s := from + i
				out = append(out, newswatch.Mention{WatchID: w.ID, Entity: w.Name, Kind: w.Kind,
					Start: s, End: s + len(n), Text: text[s : s+len(n)]})
				from = s + len(n)
			}
		}
	}
	return out
}

// ingest builds an IngestItem matched against ws.
func ingest(key, title, text string, at time.Time, alert bool, ws ...newswatch.Watch) newswatch.IngestItem {
	it := newswatch.Item{Key: key, GUID: key, Title: title, Text: text, Link: "https://example.com/" + key,
		Published: at, FetchedAt: at}
	return newswatch.IngestItem{Item: it, Mentions: find(it.MatchText(), ws...), Alert: alert}
}

// fixture is a small world: a global feed, one feed per guild, global and
// guild watches and routes.
type fixture struct {
	db                 *DB
	global, g1F, g2F   newswatch.Feed
	kyiv, zelensky     newswatch.Watch // global city, global actor
	lviv, odesa        newswatch.Watch // g1's city, g2's city
	console, r1, r1act newswatch.Route // console, g1 all kinds, g1 actors only
	r2                 newswatch.Route // g2 all kinds
	t0                 time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db := openTest(t)
	f := &fixture{db: db, t0: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	f.global = must(db.EnsureFeed(ctx, "https://global.example/rss", "", "config", 0))(t)
	f.g1F = must(db.AddFeed(ctx, "g1", "https://one.example/rss", 0, 0))(t)
	f.g2F = must(db.AddFeed(ctx, "g2", "https://two.example/rss", 0, 0))(t)
	put := func(w newswatch.Watch) newswatch.Watch {
		out, _, err := db.PutWatch(ctx, w, 0)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	f.kyiv = put(newswatch.Watch{Name: "Kyiv", Kind: newswatch.KindCity, Aliases: []string{"Kiev"}})
	f.zelensky = put(newswatch.Watch{Name: "Zelensky", Kind: newswatch.KindActor})
	f.lviv = put(newswatch.Watch{GuildID: "g1", Name: "Lviv", Kind: newswatch.KindCity})
	f.odesa = put(newswatch.Watch{GuildID: "g2", Name: "Odesa", Kind: newswatch.KindCity})
	if err := db.EnsureConsoleRoute(ctx, true); err != nil {
		t.Fatal(err)
	}
	routes := must(db.Routes(ctx, ""))(t)
	f.console = routes[0]
	f.r1 = must(db.SetRoute(ctx, newswatch.Route{GuildID: "g1", ChannelID: "c1"}, 0))(t)
	f.r1act = must(db.SetRoute(ctx, newswatch.Route{GuildID: "g1", ChannelID: "c1a", Kind: newswatch.KindActor}, 0))(t)
	f.r2 = must(db.SetRoute(ctx, newswatch.Route{GuildID: "g2", ChannelID: "c2"}, 0))(t)
	return f
}

func (f *fixture) watches() []newswatch.Watch {
	return []newswatch.Watch{f.kyiv, f.zelensky, f.lviv, f.odesa}
}

// outboxRow is an outbox row as tests compare it.
type outboxRow struct {
	Kind     string
	Target   int64 // item or feed id
	RouteID  int64
	Revision int64
}

func outbox(t *testing.T, db *DB) []outboxRow {
	t.Helper()
	rows, err := db.r.Query(`SELECT kind, coalesce(item_id, feed_id), route_id, revision FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []outboxRow
	for rows.Next() {
		var r outboxRow
		if err := rows.Scan(&r.Kind, &r.Target, &r.RouteID, &r.Revision); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// checkFTS runs the FTS5 integrity check, which compares the index with
// the items it is built from (through newswatch_fold).
func checkFTS(t *testing.T, db *DB) {
	t.Helper()
	if _, err := db.w.Exec(`INSERT INTO items_fts (items_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Fatalf("FTS integrity check: %v", err)
	}
}

func itemID(t *testing.T, db *DB, feedID int64, key string) int64 {
	t.Helper()
	var id int64
	if err := db.r.QueryRow(`SELECT id FROM items WHERE feed_id = ? AND key = ?`, feedID, key).Scan(&id); err != nil {
		t.Fatalf("item %s: %v", key, err)
	}
	return id
}

func codeOf(err error) string { return newswatch.ErrorCode(err) }

// eventually polls cond until it holds or timeout passes and reports
// whether it held: the package's one way to wait for a state no channel
// or callback announces.
func eventually(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond) // the polling interval, not a wait for an event
	}
	return true
}
