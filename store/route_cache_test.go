package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
)

// TestRouteCacheOtherProcess: the routes, watches and mutes a save keeps
// across saves (rulesCache) are reloaded when another handle on the same
// file, as another process would, changes a route's query, mutes and
// unmutes a watch, adds a watch and a filter naming it, disables a route
// or adds one; and kept while nothing changes.
func TestRouteCacheOtherProcess(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "newswatch.db")
	db1 := must(Open(ctx, path))(t)
	t.Cleanup(func() { db1.Close() })
	db2 := must(Open(ctx, path))(t)
	t.Cleanup(func() { db2.Close() })

	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	feed := must(db1.EnsureFeed(ctx, "https://global.example/rss", "", "config", 0))(t)
	kyiv, _ := must2(db1.PutWatch(ctx, newswatch.Watch{Name: "Kyiv", Kind: newswatch.KindCity}, 0))(t)
	r := must(db1.SetRoute(ctx, newswatch.Route{GuildID: "g1", ChannelID: "c1", Query: "shelling", PerItem: true}, 0))(t)
	ws := []newswatch.Watch{kyiv}
	n := 0
	// save saves an item titled title through db1 and reports whether each
	// of routes got an alert for it.
	save := func(title string, routes ...newswatch.Route) string {
		t.Helper()
		n++
		key := fmt.Sprintf("k%d", n)
		must(db1.SaveItems(ctx, feed.ID, []newswatch.IngestItem{ingest(key, title, "", t0.Add(time.Duration(n)*time.Minute), true, ws...)}))(t)
		return fmt.Sprint(routeAlerts(t, db1, feed.ID, key, routes...))
	}

	if got := save("Kyiv shelling", r); got != "[true]" {
		t.Fatalf("query shelling, item with shelling: %s, want [true]", got)
	}
	c := db1.rules.Load()
	if c == nil {
		t.Fatal("no rules cache after a save")
	}
	if got := save("Kyiv strike", r); got != "[false]" {
		t.Errorf("query shelling, item without: %s, want [false]", got)
	}
	if db1.rules.Load() != c {
		t.Error("rules reloaded although nothing changed")
	}

	r = must(db2.SetRoute(ctx, newswatch.Route{GuildID: "g1", ChannelID: "c1", Query: "strike", PerItem: true}, 0))(t)
	if got := save("Kyiv shelling", r); got != "[false]" {
		t.Errorf("query changed to strike elsewhere, item with shelling: %s, want [false]", got)
	}
	if got := save("Kyiv strike", r); got != "[true]" {
		t.Errorf("query changed to strike elsewhere, item with strike: %s, want [true]", got)
	}

	now := time.Now()
	must(db2.MuteWatch(ctx, "g1", "Kyiv", now.Add(time.Hour), now))(t)
	if got := save("Kyiv strike", r); got != "[false]" {
		t.Errorf("muted elsewhere: %s, want [false]", got)
	}
	must(db2.UnmuteWatch(ctx, "g1", "Kyiv"))(t)
	if got := save("Kyiv strike", r); got != "[true]" {
		t.Errorf("unmuted elsewhere: %s, want [true]", got)
	}

	lviv, _ := must2(db2.PutWatch(ctx, newswatch.Watch{Name: "Lviv", Kind: newswatch.KindCity}, 0))(t)
	ws = append(ws, lviv)
	r = must(db2.SetRoute(ctx, newswatch.Route{GuildID: "g1", ChannelID: "c1", Watches: []string{"Lviv"}, PerItem: true}, 0))(t)
	if got := save("Kyiv strike", r); got != "[false]" {
		t.Errorf("filter Lviv set elsewhere, item about Kyiv: %s, want [false]", got)
	}
	if got := save("Lviv strike", r); got != "[true]" {
		t.Errorf("watch Lviv and filter Lviv set elsewhere, item about Lviv: %s, want [true]", got)
	}

	must(db2.SetRoute(ctx, newswatch.Route{GuildID: "g2", ChannelID: "c2", PerItem: true}, 0))(t)
	r2 := must(db2.Routes(ctx, "g2"))(t)[0]
	if err := db2.DisableRoute(ctx, r.ID, "test"); err != nil {
		t.Fatal(err)
	}
	if got := save("Lviv strike", r, r2); got != "[false true]" {
		t.Errorf("route disabled and another added elsewhere: %s, want [false true]", got)
	}
}

// TestStoryQueryRouteAlso: a save visits only the routes an item may
// concern (routeCands), and a later copy of a story that a route's query
// does not match still concerns the route holding the story's alert: it is
// listed as "also" there, as before, and alerts nowhere.
func TestStoryQueryRouteAlso(t *testing.T) {
	w := newStoryWorld(t)
	ctx := context.Background()
	rq := must(w.db.SetRoute(ctx, newswatch.Route{GuildID: "g1", ChannelID: "q", Query: "substation shelling"}, 0))(t)
	first := w.copyOf(t, 0, "a", "Shelling followed at dawn.", w.t0)
	if got := fmt.Sprint(alertsOf(t, w.db, first)); !strings.Contains(got, fmt.Sprint(rq.ID)) {
		t.Fatalf("routes alerted for the copy matching the query: %s, want %d among them", got, rq.ID)
	}
	later := w.copyOf(t, 1, "b", "", w.t0.Add(time.Minute))
	if storyOf(t, w.db, later) != storyOf(t, w.db, first) {
		t.Fatal("the copies are not one story")
	}
	if got := alertsOf(t, w.db, later); len(got) != 0 {
		t.Errorf("later copy alerted routes %v, want none", got)
	}
	if _, pending, _, ok := storyAlertRow(t, w.db, first, rq.ID); !ok || pending != fmt.Sprintf("[%d]", later) {
		t.Errorf("query route: pending_also %s (row %v), want [%d]", pending, ok, later)
	}
	// A copy in another story that the query does not match: no row there.
	other := ingest("c", "Lviv council meets", "The council of Lviv met on Monday to discuss the budget.", w.t0.Add(2*time.Minute), true, w.watches()...)
	must(w.db.SaveItems(ctx, w.global.ID, []newswatch.IngestItem{other}))(t)
	if _, _, _, ok := storyAlertRow(t, w.db, itemID(t, w.db, w.global.ID, "c"), rq.ID); ok {
		t.Error("the query route has a story alert for an item its query does not match")
	}
}
