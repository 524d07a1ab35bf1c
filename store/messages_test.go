package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/newswatch/newswatch"
)

func alertIDs(as []newswatch.Alert) []int64 {
	var out []int64
	for _, a := range as {
		out = append(out, a.ID)
	}
	return out
}

func TestAlertMessages(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	db := f.db
	ws := f.watches()
	must(db.SaveItems(ctx, f.global.ID, []newswatch.IngestItem{
		ingest("a", "Kyiv a", "x", f.t0, true, ws...),
		ingest("b", "Kyiv b", "x", f.t0, true, ws...),
		ingest("c", "Kyiv c", "x", f.t0, true, ws...),
	}))(t)
	now := time.Now()
	c1 := must(db.UngroupedAlerts(ctx, now, []string{"c2"}, 0))(t)
	if len(c1) != 3 {
		t.Fatalf("ungrouped alerts without c2: %d, want c1's 3", len(c1))
	}
	for _, a := range c1 {
		if a.Route.ChannelID != "c1" || a.Message != 0 {
			t.Fatalf("ungrouped alert %+v", a)
		}
	}
	ms := must(db.CreateAlertMessages(ctx, []newswatch.AlertMessage{
		{Route: f.r1, Payload: []byte(`{"content":"one"}`), AlertIDs: alertIDs(c1[:1])},
		{Route: f.r1, Payload: []byte(`{"content":"two"}`), AlertIDs: alertIDs(c1[1:])},
	}, now))(t)
	if ms[0].ID == 0 || ms[1].ID <= ms[0].ID {
		t.Fatalf("message ids %d %d", ms[0].ID, ms[1].ID)
	}
	// An alert carried by a message is not ungrouped any more, and cannot
	// join another message.
	if got := must(db.UngroupedAlerts(ctx, now, nil, 0))(t); len(got) != 3 || got[0].Route.ChannelID != "c2" {
		t.Errorf("ungrouped after grouping c1: %d alerts, want c2's 3", len(got))
	}
	_, err := db.CreateAlertMessages(ctx, []newswatch.AlertMessage{{Route: f.r1, Payload: []byte(`{}`), AlertIDs: alertIDs(c1[:1])}}, now)
	if codeOf(err) != newswatch.ECONFLICT {
		t.Errorf("regrouping an alert: %v, want ECONFLICT", err)
	}
	// PendingAlerts still lists them, with the message that carries them.
	for _, a := range must(db.PendingAlerts(ctx, false, now, 0))(t) {
		if a.Route.ChannelID == "c1" && a.Message == 0 {
			t.Errorf("pending alert %d of c1 has no message", a.ID)
		}
	}
	pend := must(db.PendingAlertMessages(ctx, 0))(t)
	type msg struct {
		ID      int64
		Payload string
		Alerts  []int64
	}
	var got []msg
	for _, m := range pend {
		got = append(got, msg{m.ID, string(m.Payload), m.AlertIDs})
	}
	want := []msg{{ms[0].ID, `{"content":"one"}`, alertIDs(c1[:1])}, {ms[1].ID, `{"content":"two"}`, alertIDs(c1[1:])}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("pending messages (-want +got):\n%s", diff)
	}
	if err := db.AlertMessageFailed(ctx, ms[1].ID, "Discord answered 503"); err != nil {
		t.Fatal(err)
	}
	if got := must(db.LastChannelMessage(ctx, "c1"))(t); got != "" {
		t.Errorf("last message of c1 before any was sent: %q", got)
	}
	if err := db.MarkAlertMessageSent(ctx, ms[0].ID, "1234567890123", now); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkAlertMessageSent(ctx, ms[0].ID, "999", now); err != nil {
		t.Errorf("marking again: %v", err)
	}
	if got := must(db.LastChannelMessage(ctx, "c1"))(t); got != "1234567890123" {
		t.Errorf("last message of c1: %q", got)
	}
	var state, discordID, payload string
	var alertsSent int
	if err := db.r.QueryRow(`SELECT state, discord_message_id, payload, (SELECT count(*) FROM outbox
		WHERE message_row = messages.id AND sent_at IS NOT NULL AND message_id = discord_message_id) FROM messages WHERE id = ?`,
		ms[0].ID).Scan(&state, &discordID, &payload, &alertsSent); err != nil {
		t.Fatal(err)
	}
	if state != "sent" || discordID != "1234567890123" || payload != "" || alertsSent != 1 {
		t.Errorf("sent message: state %q id %q payload %q, %d alerts marked", state, discordID, payload, alertsSent)
	}
	pend = must(db.PendingAlertMessages(ctx, 0))(t)
	if len(pend) != 1 || pend[0].ID != ms[1].ID || pend[0].Attempts != 1 {
		t.Fatalf("pending after marking the first: %+v", pend)
	}
	var left []int64
	for _, a := range must(db.PendingAlerts(ctx, false, now, 0))(t) {
		if a.Route.ChannelID == "c1" {
			left = append(left, a.ID)
			if a.Attempts != 1 {
				t.Errorf("alert %d: %d attempts, want 1 (its message failed once)", a.ID, a.Attempts)
			}
		}
	}
	if !cmp.Equal(left, alertIDs(c1[1:])) {
		t.Errorf("pending c1 alerts %v, want %v", left, alertIDs(c1[1:]))
	}
	// A disabled route's messages wait.
	if err := db.DisableRoute(ctx, f.r1.ID, "403"); err != nil {
		t.Fatal(err)
	}
	if pend := must(db.PendingAlertMessages(ctx, 0))(t); len(pend) != 0 {
		t.Errorf("%d pending messages of a disabled route", len(pend))
	}
	if err := db.MarkAlertMessageSent(ctx, 424242, "1", now); codeOf(err) != newswatch.ENOTFOUND {
		t.Errorf("marking an unknown message: %v", err)
	}
}

// TestMigrationKeepsPendingAlerts opens a database written by the schema
// before messages existed, with pending alerts (one deferred by the old
// deliverer), and checks that after the upgrade every one of them is
// ungrouped, due and deliverable once.
func TestMigrationKeepsPendingAlerts(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", "file:"+path+"?"+pragmas)
	if err != nil {
		t.Fatal(err)
	}
	raw.SetMaxOpenConns(1)
	body, err := migrations.ReadFile("migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`,
		string(body), `INSERT INTO schema_migrations VALUES (1, '0001_init.sql', 0)`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	// The rows are written with the SQL of schema 1 itself: the store's
	// functions of today expect the columns of later migrations.
	t0 := time.Now().Add(-time.Hour).UnixMilli()
	for _, q := range []string{
		`INSERT INTO feeds (id, url, created_at) VALUES (1, 'https://old.example/rss', 1)`,
		`INSERT INTO feed_subscriptions (feed_id, guild_id, source, created_at) VALUES (1, '', 'config', 1)`,
		`INSERT INTO watches (id, guild_id, source, name, name_key, kind, created_at, updated_at)
			VALUES (1, '', 'config', 'Kyiv', 'kyiv', 'city', 1, 1)`,
		`INSERT INTO routes (id, guild_id, channel_id, created_at) VALUES (1, 'g', 'c', 1)`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	for i, key := range []string{"a", "b", "c"} {
		id := i + 1
		if _, err := raw.Exec(`INSERT INTO items (id, feed_id, key, title, text, fetched_at, ts, content_hash)
			VALUES (?, 1, ?, ?, 'x', ?, ?, ?)`, id, key, "Kyiv "+key, t0, t0, key); err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(`INSERT INTO mentions (item_id, watch_id, start, "end", text, ts, feed_id)
			VALUES (?, 1, 0, 4, 'Kyiv', ?, 1)`, id, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(`INSERT INTO outbox (kind, item_id, route_id, nonce, created_at)
			VALUES ('mention', ?, 1, ?, ?)`, id, "n"+key, t0); err != nil {
			t.Fatal(err)
		}
	}
	// The old deliverer sent the first and deferred the second far ahead.
	if _, err := raw.Exec(`UPDATE outbox SET sent_at = 1, message_id = '77' WHERE id = (SELECT min(id) FROM outbox)`); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE outbox SET not_before = ?, attempts = 3 WHERE id = (SELECT min(id) + 1 FROM outbox)`,
		time.Now().Add(time.Hour).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got := must(db.UngroupedAlerts(ctx, time.Now(), nil, 0))(t)
	if len(got) != 2 || got[0].Item.Key != "b" || got[1].Item.Key != "c" {
		t.Fatalf("after the upgrade: %d ungrouped alerts %+v, want b and c", len(got), got)
	}
	if last := must(db.LastChannelMessage(ctx, "c"))(t); last != "77" {
		t.Errorf("last known message %q, want the old deliverer's 77", last)
	}
	ms := must(db.CreateAlertMessages(ctx, []newswatch.AlertMessage{{Route: got[0].Route, Payload: []byte(`{}`),
		AlertIDs: alertIDs(got)}}, time.Now()))(t)
	if err := db.MarkAlertMessageSent(ctx, ms[0].ID, "78", time.Now()); err != nil {
		t.Fatal(err)
	}
	if as := must(db.PendingAlerts(ctx, false, time.Now().Add(time.Hour), 0))(t); len(as) != 0 {
		t.Errorf("%d alerts pending after their message was sent", len(as))
	}
}
