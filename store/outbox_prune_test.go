package store

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
)

// queuedIn returns the keys of the items with an outbox row in route, in
// key order: rows kept, whatever their state.
func queuedIn(t *testing.T, db *DB, route int64) []string {
	t.Helper()
	rows, err := db.r.Query(`SELECT i.key FROM outbox o JOIN items i ON i.id = o.item_id WHERE o.route_id = ? ORDER BY i.key`, route)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		out = append(out, k)
	}
	return out
}

// outboxOf returns the outbox row id of item key of feed in route.
func outboxOf(t *testing.T, db *DB, feed int64, key string, route int64) int64 {
	t.Helper()
	var id int64
	if err := db.r.QueryRow(`SELECT id FROM outbox WHERE item_id = ? AND route_id = ?`, itemID(t, db, feed, key), route).Scan(&id); err != nil {
		t.Fatalf("outbox row of %s in route %d: %v", key, route, err)
	}
	return id
}

// TestQueuedAlertsFollowRuleChanges: narrowing a route (query, watches,
// kind, quiet) or muting a watch drops the route's queued alerts that no
// longer pass, and only those: rows already sent and rows an AlertMessage
// carries stay, other routes and guilds keep theirs, and widening the rule
// again brings nothing back.
func TestQueuedAlertsFollowRuleChanges(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	db := f.db
	q := must(db.SetRoute(ctx, newswatch.Route{GuildID: "g1", ChannelID: "q"}, 0))(t)
	items := []newswatch.IngestItem{
		ingest("a", "Shelling in Kyiv", "", f.t0, true, f.watches()...),
		ingest("b", "Kyiv shelling again (sent)", "", f.t0, true, f.watches()...),
		ingest("c", "Zelensky speaks", "", f.t0, true, f.watches()...),
		ingest("d", "Lviv shelling", "", f.t0, true, f.watches()...),
		ingest("e", "Zelensky in Kyiv", "", f.t0, true, f.watches()...),
		ingest("m", "Kyiv metro reopens (in a message)", "", f.t0, true, f.watches()...),
	}
	must(db.SaveItems(ctx, f.global.ID, items))(t)
	if got, want := queuedIn(t, db, q.ID), []string{"a", "b", "c", "d", "e", "m"}; !slices.Equal(got, want) {
		t.Fatalf("queued in q %v, want %v", got, want)
	}
	// b is sent; m is carried by a message that may be on its way.
	if err := db.MarkAlertSent(ctx, outboxOf(t, db, f.global.ID, "b", q.ID), "900", f.t0); err != nil {
		t.Fatal(err)
	}
	must(db.CreateAlertMessages(ctx, []newswatch.AlertMessage{{Route: q, Payload: []byte(`{}`),
		AlertIDs: []int64{outboxOf(t, db, f.global.ID, "m", q.ID)}}}, f.t0))(t)

	steps := []struct {
		name string
		do   func() error
		want []string // queued in q after the step
	}{
		{"query", func() error {
			_, err := db.SetRoute(ctx, newswatch.Route{GuildID: "g1", ChannelID: "q", Query: "shelling"}, 0)
			return err
		}, []string{"a", "b", "d", "m"}},
		{"watches", func() error {
			_, err := db.SetRoute(ctx, newswatch.Route{GuildID: "g1", ChannelID: "q", Query: "shelling", Watches: []string{"kiev"}}, 0)
			return err
		}, []string{"a", "b", "m"}},
		{"wider again", func() error {
			_, err := db.SetRoute(ctx, newswatch.Route{GuildID: "g1", ChannelID: "q"}, 0)
			return err
		}, []string{"a", "b", "m"}},
		{"kind", func() error {
			_, err := db.SetRoute(ctx, newswatch.Route{GuildID: "g1", ChannelID: "q", Kind: newswatch.KindActor}, 0)
			return err
		}, []string{"b", "m"}},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := queuedIn(t, db, q.ID); !slices.Equal(got, s.want) {
			t.Errorf("after %s: queued in q %v, want %v", s.name, got, s.want)
		}
	}

	// A mute drops what only the muted watch let through, in the muting
	// guild's routes alone.
	if _, err := db.MuteWatch(ctx, "g1", "Zelensky", time.Now().Add(time.Hour), time.Now()); err != nil {
		t.Fatal(err)
	}
	if got, want := queuedIn(t, db, f.r1.ID), []string{"a", "b", "d", "e", "m"}; !slices.Equal(got, want) {
		t.Errorf("after muting Zelensky in g1: queued in r1 %v, want %v", got, want)
	}
	if got, want := queuedIn(t, db, f.r1act.ID), []string{}; len(got) != 0 {
		t.Errorf("after muting Zelensky in g1: queued in the actors route %v, want %v", got, want)
	}
	if got, want := queuedIn(t, db, f.r2.ID), []string{"a", "b", "c", "e", "m"}; !slices.Equal(got, want) {
		t.Errorf("g2's route lost alerts to g1's mute: %v, want %v", got, want)
	}
	// Quiet: no per-item alert is left.
	must(db.SetRoute(ctx, newswatch.Route{GuildID: "g2", ChannelID: "c2", Quiet: true}, 0))(t)
	if got := queuedIn(t, db, f.r2.ID); len(got) != 0 {
		t.Errorf("quiet route keeps queued alerts %v", got)
	}
	if got, want := queuedIn(t, db, f.console.ID), []string{"a", "b", "c", "e", "m"}; !slices.Equal(got, want) {
		t.Errorf("the console's alerts changed: %v", got)
	}
	// Off: the route goes with every row it had.
	if err := db.RemoveRoute(ctx, "g1", "q"); err != nil {
		t.Fatal(err)
	}
	if got := queuedIn(t, db, q.ID); len(got) != 0 {
		t.Errorf("alerts off leaves rows %v", got)
	}
}

// TestQueuedStoryAlertDropped: when a story's queued alert is dropped by
// a narrower rule, its story row goes with it, so a later copy of the
// story that passes the new rule alerts on its own instead of being
// added as "also" to an alert that will never be posted; a story whose
// alert was already sent keeps its row and its "also" list.
func TestQueuedStoryAlertDropped(t *testing.T) {
	ctx := context.Background()
	w := newStoryWorld(t)
	db := w.db
	r := must(db.SetRoute(ctx, newswatch.Route{GuildID: "g1", ChannelID: "s"}, 0))(t)
	first := w.copyOf(t, 0, "w0", "", w.t0)
	if _, _, _, ok := storyAlertRow(t, db, first, r.ID); !ok {
		t.Fatal("no story row for the first copy")
	}
	// Narrowed to a word the first copy lacks: its queued alert and story
	// row go.
	must(db.SetRoute(ctx, newswatch.Route{GuildID: "g1", ChannelID: "s", Query: "substation blackout"}, 0))(t)
	if got := alertsOf(t, db, first); slices.Contains(got, r.ID) {
		t.Errorf("the first copy's alert is still queued in the narrowed route")
	}
	if _, _, _, ok := storyAlertRow(t, db, first, r.ID); ok {
		t.Errorf("the story row of a dropped alert is left behind")
	}
	// A later copy that matches alerts with a message of its own; the
	// first copy, whose alert was dropped, is one of its "also" sources.
	second := w.copyOf(t, 1, "w1", "A blackout followed.", w.t0.Add(time.Minute))
	if got := alertsOf(t, db, second); !slices.Contains(got, r.ID) {
		t.Errorf("a later matching copy of the story raised no alert in the route (routes %v)", got)
	}
	out, pending, _, ok := storyAlertRow(t, db, second, r.ID)
	if !ok || out != outboxOf(t, db, w.wires[1].ID, "w1", r.ID) || pending != fmt.Sprintf("[%d]", first) {
		t.Errorf("story row (outbox %d, pending %s, ok %v), want the second copy's alert with [%d] pending", out, pending, ok, first)
	}
	// Sent: a narrower rule changes nothing of it.
	if err := db.MarkAlertSent(ctx, out, "901", w.t0); err != nil {
		t.Fatal(err)
	}
	third := w.copyOf(t, 2, "w2", "A blackout followed.", w.t0.Add(2*time.Minute))
	must(db.SetRoute(ctx, newswatch.Route{GuildID: "g1", ChannelID: "s", Query: "nothing matches this"}, 0))(t)
	out2, pending2, _, ok := storyAlertRow(t, db, third, r.ID)
	if !ok || out2 != out || pending2 != fmt.Sprintf("[%d,%d]", first, third) {
		t.Errorf("sent story alert's row (outbox %d, pending %s, ok %v), want outbox %d with [%d,%d] pending", out2, pending2, ok, out, first, third)
	}
}

// TestUndeliverableStoryAlertDropped: a story's queued alert that a kind
// change leaves with nothing for the route (dropUndeliverable) loses its
// story row too, as one a narrower rule drops.
func TestUndeliverableStoryAlertDropped(t *testing.T) {
	ctx := context.Background()
	w := newStoryWorld(t)
	db := w.db
	r := must(db.SetRoute(ctx, newswatch.Route{GuildID: "g1", ChannelID: "s"}, 0))(t)
	first := w.copyOf(t, 0, "w0", "", w.t0)
	if _, _, _, ok := storyAlertRow(t, db, first, r.ID); !ok {
		t.Fatal("no story row for the first copy")
	}
	must(db.SetRoute(ctx, newswatch.Route{GuildID: "g1", ChannelID: "s", Kind: newswatch.KindActor}, 0))(t)
	if got := alertsOf(t, db, first); slices.Contains(got, r.ID) {
		t.Errorf("the city story's alert is still queued in an actors route")
	}
	if _, _, _, ok := storyAlertRow(t, db, first, r.ID); ok {
		t.Errorf("the story row of a dropped alert is left behind")
	}
}
