package store

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/newswatch/newswatch"
)

// TestPendingAlertsOnlyDeliverable checks that an alert queued for a route
// is not delivered once the route's guild no longer sees the item's feed, no
// longer has a watch the item mentions, or the route no longer wants the
// kind: a guild must not receive items of a feed it unsubscribed from, nor
// alerts that name nothing it watches.
func TestPendingAlertsOnlyDeliverable(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	db := f.db
	ws := f.watches()
	// g1 also follows g2's feed.
	must(db.AddFeed(ctx, "g1", f.g2F.URL, 0, 0))(t)
	must(db.SaveItems(ctx, f.global.ID, []newswatch.IngestItem{
		ingest("lviv", "Lviv only", "Nothing else.", f.t0, true, ws...),
		ingest("zel", "Zelensky spoke", "Nothing else.", f.t0, true, ws...),
	}))(t)
	must(db.SaveItems(ctx, f.g2F.ID, []newswatch.IngestItem{
		ingest("two", "Kyiv in two", "Nothing else.", f.t0, true, ws...),
	}))(t)
	type row struct{ Route, Item string }
	pending := func() []row {
		t.Helper()
		var out []row
		for _, a := range must(db.PendingAlerts(ctx, false, time.Now(), 0))(t) {
			if len(a.Mentions) == 0 {
				t.Errorf("alert %d to %s about %s names no watch", a.ID, a.Route.ChannelID, a.Item.Key)
			}
			out = append(out, row{a.Route.ChannelID, a.Item.Key})
		}
		return out
	}
	want := []row{{"c1", "lviv"}, {"c1", "zel"}, {"c1a", "zel"}, {"c2", "zel"}, {"c1", "two"}, {"c2", "two"}}
	if diff := cmp.Diff(want, pending()); diff != "" {
		t.Fatalf("pending before (-want +got):\n%s", diff)
	}
	if err := db.RemoveWatch(ctx, "g1", "Lviv"); err != nil {
		t.Fatal(err)
	}
	if err := db.RemoveFeed(ctx, "g1", f.g2F.ID); err != nil {
		t.Fatal(err)
	}
	must(db.SetRoute(ctx, newswatch.Route{GuildID: "g1", ChannelID: "c1a", Kind: newswatch.KindCity}, 0))(t)
	want = []row{{"c1", "zel"}, {"c2", "zel"}, {"c2", "two"}}
	if diff := cmp.Diff(want, pending()); diff != "" {
		t.Errorf("pending after g1 dropped Lviv, two.example and actors (-want +got):\n%s", diff)
	}
	if st := must(db.Stats(ctx, "g1"))(t); st.PendingAlerts != 1 {
		t.Errorf("g1 stats: %d pending alerts, want 1", st.PendingAlerts)
	}
	// Following the feed again does not bring back the dropped alerts.
	must(db.AddFeed(ctx, "g1", f.g2F.URL, 0, 0))(t)
	if diff := cmp.Diff(want, pending()); diff != "" {
		t.Errorf("pending after g1 follows two.example again (-want +got):\n%s", diff)
	}

	// An item edited so that it no longer names a route's watch is not
	// announced to that route with nothing in it.
	must(db.SaveItems(ctx, f.global.ID, []newswatch.IngestItem{
		ingest("zel", "A statement", "Nothing else.", f.t0, true, ws...),
	}))(t)
	if got := pending(); !cmp.Equal(got, []row{{"c2", "two"}}) {
		t.Errorf("pending after zel lost its mention: %v, want [{c2 two}]", got)
	}

	// A feed-failing warning goes only to guilds that still follow the feed.
	must(db.EnsureFeed(ctx, f.global.URL, "g2", "discord", 0))(t)
	for i := 0; i < 3; i++ {
		must(db.RecordFetch(ctx, f.global.ID, newswatch.FetchResult{At: f.t0.Add(time.Duration(i) * time.Minute),
			Status: 500, Err: "the server answered 500"}, 3))(t)
	}
	if err := db.RemoveFeed(ctx, "g2", f.global.ID); err != nil {
		t.Fatal(err)
	}
	for _, a := range must(db.PendingAlerts(ctx, false, time.Now(), 0))(t) {
		if a.Kind == newswatch.AlertFeedFailing {
			t.Errorf("feed-failing warning to %s after it unfollowed the feed", a.Route.ChannelID)
		}
	}
	if got := must(db.PendingAlerts(ctx, true, time.Now(), 0))(t); len(got) != 1 || got[0].Kind != newswatch.AlertFeedFailing {
		t.Errorf("console alerts %+v, want the one feed-failing warning", got)
	}
}
