package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/stories"
)

// wireText is a wire story of about 90 words: copies of it in several
// feeds are one story by text.
const wireText = `Russian drones struck an energy facility in the Kyiv region overnight, ` +
	`regional officials said on Monday, leaving thousands of homes without power as temperatures fell below freezing. ` +
	`Air defence units shot down most of the incoming drones, but debris damaged a substation and two residential buildings, ` +
	`the regional administration said in a statement posted on its official channel. ` +
	`Emergency crews were working to restore electricity and heating to the affected districts, and no casualties were reported, ` +
	`according to the statement. The attack was the third on the region's energy system this month, officials added.`

// storyWorld is a fixture with the Assigner as story decider and three
// more global feeds that carry the same wire copy.
type storyWorld struct {
	*fixture
	wires []newswatch.Feed
}

func newStoryWorld(t *testing.T) *storyWorld {
	t.Helper()
	f := newFixture(t)
	as := stories.NewAssigner(f.db, 0)
	if err := as.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.db.SetStoryDecider(as)
	w := &storyWorld{fixture: f}
	for i := 0; i < 4; i++ {
		fd := must(f.db.EnsureFeed(context.Background(), fmt.Sprintf("https://wire%d.example/rss", i), "", "config", 0))(t)
		w.wires = append(w.wires, fd)
	}
	return w
}

// copyOf saves the wire story (with extra text appended) in wire feed n
// under key and returns the item's id.
func (w *storyWorld) copyOf(t *testing.T, n int, key, extra string, at time.Time) int64 {
	t.Helper()
	text := wireText + " " + extra
	in := ingest(key, fmt.Sprintf("Outlet %d: drones hit Kyiv region", n), text, at, true, w.watches()...)
	in.Item.Link = fmt.Sprintf("https://wire%d.example/%s", n, key)
	if _, err := w.db.SaveItems(context.Background(), w.wires[n].ID, []newswatch.IngestItem{in}); err != nil {
		t.Fatal(err)
	}
	return itemID(t, w.db, w.wires[n].ID, key)
}

// alertsOf returns the routes of the outbox rows of item id.
func alertsOf(t *testing.T, db *DB, id int64) []int64 {
	t.Helper()
	var out []int64
	for _, r := range outbox(t, db) {
		if r.Kind == "mention" && r.Target == id {
			out = append(out, r.RouteID)
		}
	}
	return out
}

// storyAlertRow reads story_alerts of (the story of item, route).
func storyAlertRow(t *testing.T, db *DB, item, route int64) (outboxID int64, pending, shown string, ok bool) {
	t.Helper()
	err := db.r.QueryRow(`SELECT sa.outbox_id, sa.pending_also, sa.shown_also FROM story_alerts sa
		JOIN items si ON si.story_id = sa.story_id WHERE si.id = ? AND sa.route_id = ?`, item, route).
		Scan(&outboxID, &pending, &shown)
	if err != nil {
		return 0, "", "", false
	}
	return outboxID, pending, shown, true
}

func storyOf(t *testing.T, db *DB, item int64) int64 {
	t.Helper()
	var s int64
	if err := db.r.QueryRow(`SELECT story_id FROM items WHERE id = ? AND story_id IS NOT NULL`, item).Scan(&s); err != nil {
		t.Fatalf("story of item %d: %v", item, err)
	}
	return s
}

func TestStoryAlertsOncePerStory(t *testing.T) {
	w := newStoryWorld(t)
	first := w.copyOf(t, 0, "a", "", w.t0)
	// The global feed's item reaches the console and every guild's route
	// that takes cities.
	if got, want := fmt.Sprint(alertsOf(t, w.db, first)), fmt.Sprint([]int64{w.console.ID, w.r1.ID, w.r2.ID}); got != want {
		t.Fatalf("routes alerted for the first copy: %s, want %s", got, want)
	}
	second := w.copyOf(t, 1, "b", "", w.t0.Add(time.Minute))
	third := w.copyOf(t, 2, "c", "", w.t0.Add(2*time.Minute))
	if storyOf(t, w.db, second) != storyOf(t, w.db, first) || storyOf(t, w.db, third) != storyOf(t, w.db, first) {
		t.Fatal("the copies are not one story")
	}
	for _, id := range []int64{second, third} {
		if got := alertsOf(t, w.db, id); len(got) != 0 {
			t.Errorf("later copy %d alerted routes %v, want none", id, got)
		}
	}
	for _, r := range []newswatch.Route{w.console, w.r1, w.r2} {
		ob, pending, _, ok := storyAlertRow(t, w.db, first, r.ID)
		if !ok || ob == 0 {
			t.Fatalf("route %d: no story alert recorded", r.ID)
		}
		if want := fmt.Sprintf("[%d,%d]", second, third); pending != want {
			t.Errorf("route %d: pending_also %s, want %s", r.ID, pending, want)
		}
	}
	// The actors-only route had nothing for this story: no row.
	if _, _, _, ok := storyAlertRow(t, w.db, first, w.r1act.ID); ok {
		t.Error("the actors-only route has a story alert for a story naming only a city")
	}
}

func TestStoryNewWatchedNameAlertsAgain(t *testing.T) {
	w := newStoryWorld(t)
	first := w.copyOf(t, 0, "a", "", w.t0)
	later := w.copyOf(t, 1, "b", "President Zelensky visited the site.", w.t0.Add(time.Minute))
	if storyOf(t, w.db, later) != storyOf(t, w.db, first) {
		t.Fatal("the copy with an added sentence is not the same story")
	}
	// Zelensky is new to the story in every route that takes actors: a
	// new message there (and a first one in the actors-only route).
	want := fmt.Sprint([]int64{w.console.ID, w.r1.ID, w.r1act.ID, w.r2.ID})
	if got := fmt.Sprint(alertsOf(t, w.db, later)); got != want {
		t.Errorf("routes alerted for the copy naming Zelensky: %s, want %s", got, want)
	}
	// A third copy naming both brings nothing new: no message, "also".
	third := w.copyOf(t, 2, "c", "President Zelensky visited the site.", w.t0.Add(2*time.Minute))
	if got := alertsOf(t, w.db, third); len(got) != 0 {
		t.Errorf("third copy alerted routes %v, want none", got)
	}
	if _, pending, _, _ := storyAlertRow(t, w.db, first, w.r1.ID); pending != fmt.Sprintf("[%d]", third) {
		t.Errorf("r1 pending_also %s, want [%d]", pending, third)
	}
}

func TestStoryPerItemRoute(t *testing.T) {
	w := newStoryWorld(t)
	ctx := context.Background()
	r1 := w.r1
	r1.PerItem = true
	if _, err := w.db.SetRoute(ctx, r1, 0); err != nil {
		t.Fatal(err)
	}
	ids := []int64{w.copyOf(t, 0, "a", "", w.t0), w.copyOf(t, 1, "b", "", w.t0.Add(time.Minute)),
		w.copyOf(t, 2, "c", "", w.t0.Add(2*time.Minute))}
	for i, id := range ids {
		got := alertsOf(t, w.db, id)
		hasR1, hasR2 := false, false
		for _, r := range got {
			hasR1 = hasR1 || r == w.r1.ID
			hasR2 = hasR2 || r == w.r2.ID
		}
		if !hasR1 {
			t.Errorf("copy %d: the per-item route got no alert (%v)", i, got)
		}
		if hasR2 != (i == 0) {
			t.Errorf("copy %d: the story route alerted %v, want only for the first copy", i, hasR2)
		}
	}
}

func TestStoryMinSources(t *testing.T) {
	w := newStoryWorld(t)
	ctx := context.Background()
	r2 := w.r2
	r2.MinSources = 3
	if _, err := w.db.SetRoute(ctx, r2, 0); err != nil {
		t.Fatal(err)
	}
	a := w.copyOf(t, 0, "a", "", w.t0)
	b := w.copyOf(t, 1, "b", "", w.t0.Add(time.Minute))
	// The same feed again (a second key, same story) is not a new source.
	b2 := w.copyOf(t, 1, "b2", "Updated.", w.t0.Add(90*time.Second))
	for _, id := range []int64{a, b, b2} {
		for _, r := range alertsOf(t, w.db, id) {
			if r == w.r2.ID {
				t.Fatalf("the route alerted item %d before the story had 3 sources", id)
			}
		}
	}
	c := w.copyOf(t, 2, "c", "", w.t0.Add(2*time.Minute))
	var got []int64
	for _, r := range alertsOf(t, w.db, a) {
		if r == w.r2.ID {
			got = append(got, r)
		}
	}
	if len(got) != 1 {
		t.Fatalf("at 3 sources the route's alerts for the first item: %v, want one", got)
	}
	if r := alertsOf(t, w.db, c); len(r) != 0 {
		t.Errorf("the third source alerted on its own: %v", r)
	}
	if _, pending, _, _ := storyAlertRow(t, w.db, a, w.r2.ID); pending != fmt.Sprintf("[%d,%d,%d]", b, b2, c) {
		t.Errorf("pending_also %s, want the other items [%d,%d,%d]", pending, b, b2, c)
	}
}

// TestStoryFeedUpdates: a feed's own update of an item (same key) and its
// re-publication under a new key with the same link stay in the item's
// story and alert no one again.
func TestStoryFeedUpdates(t *testing.T) {
	w := newStoryWorld(t)
	ctx := context.Background()
	first := w.copyOf(t, 0, "a", "", w.t0)
	before := len(outbox(t, w.db))
	// Same key, changed text: an update.
	upd := ingest("a", "Drones hit Kyiv region (updated)", wireText+" Updated at noon.", w.t0.Add(time.Hour), true, w.watches()...)
	upd.Item.Link = "https://wire0.example/a"
	// New key, same article link (the feed changed its GUIDs), with a
	// tracking parameter.
	again := ingest("a-new-guid", "Drones hit Kyiv region", "Short teaser only.", w.t0.Add(2*time.Hour), true, w.watches()...)
	again.Item.Link = "https://wire0.example/a?utm_source=rss"
	if _, err := w.db.SaveItems(ctx, w.wires[0].ID, []newswatch.IngestItem{upd, again}); err != nil {
		t.Fatal(err)
	}
	re := itemID(t, w.db, w.wires[0].ID, "a-new-guid")
	if storyOf(t, w.db, re) != storyOf(t, w.db, first) {
		t.Error("the re-keyed item started a second story")
	}
	var n int
	if err := w.db.r.QueryRow(`SELECT count(*) FROM stories`).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d stories (%v), want 1", n, err)
	}
	if after := len(outbox(t, w.db)); after != before {
		t.Errorf("the feed's own update and re-publication wrote %d outbox rows, want 0", after-before)
	}
}

// TestStoryBackfillThenSave: items stored with no decider get their
// stories from a backfill, and a copy saved afterwards joins the
// backfilled story without alerting the route again.
func TestStoryBackfillThenSave(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var feeds []newswatch.Feed
	for i := 0; i < 3; i++ {
		feeds = append(feeds, must(f.db.EnsureFeed(ctx, fmt.Sprintf("https://wire%d.example/rss", i), "", "config", 0))(t))
	}
	save := func(n int, key string, at time.Time) int64 {
		in := ingest(key, "Drones hit Kyiv region", wireText, at, true, f.watches()...)
		in.Item.Link = fmt.Sprintf("https://wire%d.example/%s", n, key)
		if _, err := f.db.SaveItems(ctx, feeds[n].ID, []newswatch.IngestItem{in}); err != nil {
			t.Fatal(err)
		}
		return itemID(t, f.db, feeds[n].ID, key)
	}
	a, b := save(0, "a", f.t0), save(1, "b", f.t0.Add(time.Minute))
	as := stories.NewAssigner(f.db, 0)
	res, err := as.Backfill(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.New != 1 || res.ByText != 1 {
		t.Errorf("backfill: %+v, want one new story and one copy", res)
	}
	if storyOf(t, f.db, a) != storyOf(t, f.db, b) {
		t.Error("backfill did not join the two copies")
	}
	f.db.SetStoryDecider(as)
	c := save(2, "c", f.t0.Add(2*time.Minute))
	if storyOf(t, f.db, c) != storyOf(t, f.db, a) {
		t.Error("a copy saved after the backfill did not join its story")
	}
}

// TestStoryAlsoConsole: the console's due pass lists the later copies of a
// printed story once, and nothing before the alert is printed.
func TestStoryAlsoConsole(t *testing.T) {
	w := newStoryWorld(t)
	ctx := context.Background()
	first := w.copyOf(t, 0, "a", "", w.t0)
	second := w.copyOf(t, 1, "b", "", w.t0.Add(time.Minute))
	now := time.Now()
	if due, err := w.db.DueStoryAlso(ctx, true, now, 10); err != nil || len(due) != 0 {
		t.Fatalf("due before the alert was printed: %v, %v", due, err)
	}
	al, err := w.db.PendingAlerts(ctx, true, now, 10)
	if err != nil || len(al) != 1 || al[0].Item.ID != first {
		t.Fatalf("pending console alerts: %v, %v; want the first copy's", al, err)
	}
	if err := w.db.MarkAlertSent(ctx, al[0].ID, "", now); err != nil {
		t.Fatal(err)
	}
	due, err := w.db.DueStoryAlso(ctx, true, now, 10)
	if err != nil || len(due) != 1 {
		t.Fatalf("due: %v, %v; want one", due, err)
	}
	if len(due[0].Pending) != 1 || due[0].Pending[0].ItemID != second || !strings.Contains(due[0].Pending[0].Link, "wire1") {
		t.Errorf("pending: %+v, want the second copy", due[0].Pending)
	}
	if _, err := w.db.StoryAlsoShown(ctx, due[0], nil, now); err != nil {
		t.Fatal(err)
	}
	if due, err := w.db.DueStoryAlso(ctx, true, now, 10); err != nil || len(due) != 0 {
		t.Errorf("due after it was shown: %v, %v", due, err)
	}
	if _, _, shown, _ := storyAlertRow(t, w.db, first, w.console.ID); shown != fmt.Sprintf("[%d]", second) {
		t.Errorf("shown_also %s, want [%d]", shown, second)
	}
}

// TestPruneStories: a story whose items retention pruned goes, with its
// alerts' rows; one with an item left stays.
func TestPruneStories(t *testing.T) {
	w := newStoryWorld(t)
	ctx := context.Background()
	old := w.copyOf(t, 0, "old", "", w.t0)
	w.copyOf(t, 1, "old-copy", "", w.t0.Add(time.Minute))
	in := ingest("new", "Parliament passes the budget", "The parliament passed the budget on Tuesday.", w.t0.Add(48*time.Hour), true, w.watches()...)
	if _, err := w.db.SaveItems(ctx, w.wires[2].ID, []newswatch.IngestItem{in}); err != nil {
		t.Fatal(err)
	}
	if _, _, _, ok := storyAlertRow(t, w.db, old, w.r1.ID); !ok {
		t.Fatal("no story alert to prune")
	}
	oldStory := storyOf(t, w.db, old)
	var newItem int64
	if err := w.db.r.QueryRow(`SELECT id FROM items WHERE key = 'new'`).Scan(&newItem); err != nil {
		t.Fatal(err)
	}
	newStory := storyOf(t, w.db, newItem)
	cut := w.t0.Add(24 * time.Hour)
	if n, err := w.db.Prune(ctx, cut); err != nil || n != 2 {
		t.Fatalf("pruned %d items (%v), want 2", n, err)
	}
	n, err := w.db.PruneStories(ctx, cut)
	if err != nil || n != 1 {
		t.Fatalf("pruned %d stories (%v), want 1", n, err)
	}
	var stories, alerts int
	if err := w.db.r.QueryRow(`SELECT (SELECT count(*) FROM stories WHERE id = ?), (SELECT count(*) FROM story_alerts)`, oldStory).
		Scan(&stories, &alerts); err != nil {
		t.Fatal(err)
	}
	if stories != 0 || alerts != 0 {
		t.Errorf("%d rows of the pruned story and %d story alerts left, want none", stories, alerts)
	}
	if s, err := w.db.Story(ctx, "", newStory); err != nil || len(s.Items) != 1 {
		t.Errorf("the story with an item left: %+v, %v", s, err)
	}
}

// TestStoryCappedOnce: a story whose alert the route's hourly cap holds
// back is counted once in the hour's summary, however many copies of it
// arrive, and its later copies write no alert of their own.
func TestStoryCappedOnce(t *testing.T) {
	ctx := context.Background()
	for attempt := 0; ; attempt++ {
		w := newStoryWorld(t)
		capped := must(w.db.SetRoute(ctx, newswatch.Route{GuildID: "g1", ChannelID: "capped", CapPerHour: 1}, 0))(t)
		start := time.Now()
		// The hour's one alert goes to another Kyiv item.
		other := ingest("k0", "Kyiv council meets", "The Kyiv city council met to discuss the budget for schools.",
			w.t0, true, w.watches()...)
		must(w.db.SaveItems(ctx, w.global.ID, []newswatch.IngestItem{other}))(t)
		var copies []int64
		for n := 0; n < 3; n++ {
			copies = append(copies, w.copyOf(t, n, fmt.Sprintf("w%d", n), "", w.t0.Add(time.Duration(n+1)*time.Minute)))
		}
		if start.Truncate(time.Hour) != time.Now().Truncate(time.Hour) {
			if attempt > 0 {
				t.Fatal("two runs in a row crossed an hour's end")
			}
			continue // the cap counts per hour of the clock
		}
		if s := storyOf(t, w.db, copies[0]); storyOf(t, w.db, copies[1]) != s || storyOf(t, w.db, copies[2]) != s {
			t.Fatal("the copies are not one story")
		}
		var count int
		var held string
		if err := w.db.r.QueryRow(`SELECT held_count, held FROM route_caps WHERE route_id = ? AND watch_id = ?`,
			capped.ID, w.kyiv.ID).Scan(&count, &held); err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("[%d]", copies[0]); count != 1 || held != want {
			t.Errorf("summary holds %d items %s, want 1: %s", count, held, want)
		}
		// The summary is the first copy's row; no copy has one of its own.
		for i, id := range copies[1:] {
			if got := alertsOf(t, w.db, id); slices.Contains(got, capped.ID) {
				t.Errorf("copy %d has an alert in the capped route", i+1)
			}
		}
		return
	}
}
