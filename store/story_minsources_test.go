package store

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
)

// TestMinSourcesFirstItemGone: a route waiting for min_sources holds
// the story's first item in pending_also; once that item is deleted (its
// feed removed by the guild, or pruned), the save that brings the story to
// min_sources must still succeed.
func TestMinSourcesFirstItemGone(t *testing.T) {
	w := newStoryWorld(t)
	ctx := context.Background()
	r2 := w.r2
	r2.MinSources = 2
	must(w.db.SetRoute(ctx, r2, 0))(t)
	// g2's own feed carries the wire copy first.
	in := ingest("a", "Outlet g2: drones hit Kyiv region", wireText, w.t0, true, w.watches()...)
	in.Item.Link = "https://two.example/a"
	must(w.db.SaveItems(ctx, w.g2F.ID, []newswatch.IngestItem{in}))(t)
	a := itemID(t, w.db, w.g2F.ID, "a")
	if ob, pending, _, ok := storyAlertRow(t, w.db, a, r2.ID); !ok || ob != 0 || pending != fmt.Sprintf("[%d]", a) {
		t.Fatalf("route row after a: ok %v outbox %d pending %s, want waiting with [%d]", ok, ob, pending, a)
	}
	// Another item is stored after a (so a is not the newest item).
	filler := ingest("f", "Weather", "Sunny all week.", w.t0, true, w.watches()...)
	must(w.db.SaveItems(ctx, w.global.ID, []newswatch.IngestItem{filler}))(t)
	// g2 unfollows its feed: the feed and item a are deleted.
	if err := w.db.RemoveFeed(ctx, "g2", w.g2F.ID); err != nil {
		t.Fatal(err)
	}
	// Two global outlets carry the same copy: the story reaches 2 sources.
	w.copyOf(t, 0, "b", "", w.t0.Add(time.Minute))
	text := wireText
	in = ingest("c", "Outlet 1: drones hit Kyiv region", text, w.t0.Add(2*time.Minute), true, w.watches()...)
	in.Item.Link = "https://wire1.example/c"
	if _, err := w.db.SaveItems(ctx, w.wires[1].ID, []newswatch.IngestItem{in}); err != nil {
		t.Fatalf("saving the copy that brings the story to min_sources: %v", err)
	}
	var rows string
	w.db.r.QueryRow(`SELECT group_concat(story_id||':'||route_id||':'||outbox_id||':'||pending_also, ' ') FROM story_alerts`).Scan(&rows)
	var sis string
	w.db.r.QueryRow(`SELECT group_concat(id||'->'||story_id, ' ') FROM items WHERE story_id IS NOT NULL`).Scan(&sis)
	t.Logf("story_alerts: %s; story_items: %s; outbox %v", rows, sis, outbox(t, w.db))
}

// TestMinSourcesOtherGuildFeed: min_sources counts the sources the
// route's guild sees; a copy in another guild's private feed is not one of
// them.
func TestMinSourcesOtherGuildFeed(t *testing.T) {
	w := newStoryWorld(t)
	ctx := context.Background()
	r1 := w.r1
	r1.MinSources = 2
	must(w.db.SetRoute(ctx, r1, 0))(t)
	// g2's private feed carries the copy first; g1 does not see it.
	in := ingest("a", "Outlet g2: drones hit Kyiv region", wireText, w.t0, true, w.watches()...)
	in.Item.Link = "https://two.example/a"
	must(w.db.SaveItems(ctx, w.g2F.ID, []newswatch.IngestItem{in}))(t)
	a := itemID(t, w.db, w.g2F.ID, "a")
	b := w.copyOf(t, 0, "b", "", w.t0.Add(time.Minute))
	if storyOf(t, w.db, a) != storyOf(t, w.db, b) {
		t.Fatal("the copy did not join the story: the test's premise fails")
	}
	for _, r := range alertsOf(t, w.db, b) {
		if r == r1.ID {
			t.Errorf("g1's route with min_sources 2 alerted item %d, though g1 sees one source of the story", b)
		}
	}
}

// TestStoryAlsoReusedOutboxID: the outbox id a story alert recorded
// is given to another alert after the row is deleted (its feed dropped);
// the story's "also" must not be attached to that other alert.
func TestStoryAlsoReusedOutboxID(t *testing.T) {
	w := newStoryWorld(t)
	ctx := context.Background()
	x := must(w.db.EnsureFeed(ctx, "https://x.example/rss", "", "config", 0))(t)
	in := ingest("a", "Outlet X: drones hit Kyiv region", wireText, w.t0, true, w.watches()...)
	in.Item.Link = "https://x.example/a"
	must(w.db.SaveItems(ctx, x.ID, []newswatch.IngestItem{in}))(t)
	a := itemID(t, w.db, x.ID, "a")
	story := storyOf(t, w.db, a)
	obA, _, _, ok := storyAlertRow(t, w.db, a, w.console.ID)
	if !ok || obA <= 0 {
		t.Fatalf("no console story alert for a: %d", obA)
	}
	must(0, w.db.MarkAlertSent(ctx, obA, "", time.Now()))(t)
	// The config drops feed X: its items and their outbox rows go.
	keep := []newswatch.Feed{w.global}
	keep = append(keep, w.wires...)
	if err := w.db.SyncConfigFeeds(ctx, keep); err != nil {
		t.Fatal(err)
	}
	// An unrelated Kyiv item alerts on the console.
	z := ingest("z", "Kyiv council meets", "The Kyiv city council met to discuss the budget for schools.", w.t0.Add(time.Minute), true, w.watches()...)
	must(w.db.SaveItems(ctx, w.global.ID, []newswatch.IngestItem{z}))(t)
	zid := itemID(t, w.db, w.global.ID, "z")
	var obZ int64
	if err := w.db.r.QueryRow(`SELECT id FROM outbox WHERE item_id = ? AND route_id = ?`, zid, w.console.ID).Scan(&obZ); err != nil {
		t.Fatal(err)
	}
	t.Logf("story alert row of a: %d; z's alert row: %d", obA, obZ)
	must(0, w.db.MarkAlertSent(ctx, obZ, "", time.Now()))(t)
	// A later copy of a's story.
	b := w.copyOf(t, 1, "b", "", w.t0.Add(2*time.Minute))
	if storyOf(t, w.db, b) != story {
		t.Fatal("b did not join a's story: the test's premise fails")
	}
	due := must(w.db.DueStoryAlso(ctx, true, time.Now().Add(time.Hour), 10))(t)
	var rows string
	w.db.r.QueryRow(`SELECT group_concat(story_id||':'||route_id||':'||outbox_id||':'||pending_also, ' ') FROM story_alerts`).Scan(&rows)
	t.Logf("story_alerts: %s; due %d", rows, len(due))
	for _, sa := range due {
		if sa.StoryID == story && storyOf(t, w.db, sa.Alert.Item.ID) != story {
			t.Errorf("story %d's \"also\" (items %v) is attached to alert %d of item %d (%q), not of the story",
				story, sa.PendingIDs, sa.Alert.ID, sa.Alert.Item.ID, sa.Alert.Item.Title)
		}
	}
}

// TestMinSourcesFirstItemUnfollowed: the first pending item of a
// waiting story alert is in a feed the route's guild has since unfollowed;
// when the story reaches min_sources the guild must get a deliverable
// alert (of an item it sees), not one for the unfollowed feed's item.
func TestMinSourcesFirstItemUnfollowed(t *testing.T) {
	w := newStoryWorld(t)
	ctx := context.Background()
	r1 := w.r1
	r1.MinSources = 2
	must(w.db.SetRoute(ctx, r1, 0))(t)
	shared := must(w.db.AddFeed(ctx, "g1", "https://shared.example/rss", 0, 0))(t)
	must(w.db.AddFeed(ctx, "g2", "https://shared.example/rss", 0, 0))(t)
	in := ingest("a", "Shared outlet: drones hit Kyiv region", wireText, w.t0, true, w.watches()...)
	in.Item.Link = "https://shared.example/a"
	must(w.db.SaveItems(ctx, shared.ID, []newswatch.IngestItem{in}))(t)
	if err := w.db.RemoveFeed(ctx, "g1", shared.ID); err != nil {
		t.Fatal(err)
	}
	b := w.copyOf(t, 0, "b", "", w.t0.Add(time.Minute))
	c := w.copyOf(t, 1, "c", "", w.t0.Add(2*time.Minute))
	t.Logf("outbox %v; b=%d c=%d", outbox(t, w.db), b, c)
	alerts := must(w.db.PendingAlerts(ctx, false, time.Now().Add(time.Hour), 100))(t)
	for _, a := range alerts {
		if a.Route.ID == r1.ID {
			return
		}
	}
	t.Errorf("g1's route has no deliverable alert for a story two feeds it follows carry")
}

// TestMinSourcesAfterMuteOrQuiet: a story waiting for min_sources in
// a route must not alert a watch the guild has muted since, nor a route
// made quiet since.
func TestMinSourcesAfterMuteOrQuiet(t *testing.T) {
	for _, mode := range []string{"mute", "quiet"} {
		t.Run(mode, func(t *testing.T) {
			w := newStoryWorld(t)
			ctx := context.Background()
			r2 := w.r2
			r2.MinSources = 2
			r2 = must(w.db.SetRoute(ctx, r2, 0))(t)
			a := w.copyOf(t, 0, "a", "", w.t0)
			if ob, _, _, ok := storyAlertRow(t, w.db, a, r2.ID); !ok || ob != 0 {
				t.Fatalf("no waiting row: ok %v outbox %d", ok, ob)
			}
			now := time.Now()
			switch mode {
			case "mute":
				must(w.db.MuteWatch(ctx, "g2", "Kyiv", now.Add(time.Hour), now))(t)
			case "quiet":
				r2.Quiet = true
				must(w.db.SetRoute(ctx, r2, 0))(t)
			}
			w.copyOf(t, 1, "b", "", w.t0.Add(time.Minute))
			if got := alertsOf(t, w.db, a); slices.Contains(got, r2.ID) {
				t.Errorf("after the %s, the story alerted g2's route (routes %v)", mode, got)
			}
		})
	}
}
