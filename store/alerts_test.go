package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/newswatch/newswatch"
)

func TestRecordFetchFailing(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	db := f.db
	// The global feed is also subscribed by g1 and g2. g1's first route is
	// disabled, so its warning goes to its next one; g3 has no route.
	for _, g := range []string{"g1", "g2", "g3"} {
		must(db.EnsureFeed(ctx, f.global.URL, g, "discord", 0))(t)
	}
	if err := db.DisableRoute(ctx, f.r1.ID, "Missing Access"); err != nil {
		t.Fatal(err)
	}
	fail := func(i int) newswatch.Feed {
		t.Helper()
		at := f.t0.Add(time.Duration(i) * time.Minute)
		return must(db.RecordFetch(ctx, f.global.ID, newswatch.FetchResult{At: at, Status: 503,
			Err: "the server answered 503", NextPollAt: at.Add(time.Minute)}, 3))(t)
	}
	warnings := func() []outboxRow {
		var out []outboxRow
		for _, r := range outbox(t, db) {
			if r.Kind == string(newswatch.AlertFeedFailing) {
				out = append(out, r)
			}
		}
		return out
	}
	fail(1)
	fd := fail(2)
	if len(warnings()) != 0 || fd.Failing() || fd.ConsecutiveFailures != 2 || fd.LastStatus != 503 {
		t.Fatalf("after 2 failures: feed %+v, warnings %v", fd, warnings())
	}
	fd = fail(3)
	if !fd.FailingSince.Equal(f.t0.Add(3*time.Minute)) || fd.LastError != "the server answered 503" {
		t.Errorf("after 3 failures: FailingSince %v, LastError %q", fd.FailingSince, fd.LastError)
	}
	want := []outboxRow{
		{"feed_failing", f.global.ID, f.console.ID, 0},
		{"feed_failing", f.global.ID, f.r1act.ID, 0},
		{"feed_failing", f.global.ID, f.r2.ID, 0},
	}
	if diff := cmp.Diff(want, warnings(), sortRows); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	fail(4)
	fail(5)
	if diff := cmp.Diff(want, warnings(), sortRows); diff != "" {
		t.Errorf("warnings after more failures (-want +got):\n%s", diff)
	}

	// Success ends the episode and keeps validators on a bare 304.
	ok := newswatch.FetchResult{At: f.t0.Add(time.Hour), Status: 200, ETag: `"v1"`, LastModified: "Mon", Title: "Global"}
	fd = must(db.RecordFetch(ctx, f.global.ID, ok, 3))(t)
	if fd.Failing() || fd.ConsecutiveFailures != 0 || fd.LastError != "" || fd.Title != "Global" || fd.ETag != `"v1"` {
		t.Errorf("after success: %+v", fd)
	}
	fd = must(db.RecordFetch(ctx, f.global.ID, newswatch.FetchResult{At: f.t0.Add(2 * time.Hour), Status: 304, NotModified: true}, 3))(t)
	if fd.ETag != `"v1"` || fd.LastModified != "Mon" || fd.Title != "Global" || !fd.LastSuccessAt.Equal(f.t0.Add(2*time.Hour)) {
		t.Errorf("after 304: %+v", fd)
	}
	// A new episode warns again, once.
	for i := 10; i < 15; i++ {
		fail(i)
	}
	if got := len(warnings()); got != 6 {
		t.Errorf("%d warnings after a second episode, want 6", got)
	}
	if _, err := db.RecordFetch(ctx, 999, ok, 3); codeOf(err) != newswatch.ENOTFOUND {
		t.Errorf("RecordFetch of a missing feed: %v, want ENOTFOUND", err)
	}

	// DueFeeds: the feed is due after its NextPollAt; RetryFeed makes it due now.
	due := must(db.DueFeeds(ctx, f.t0.Add(14*time.Minute), 0))(t)
	for _, d := range due {
		if d.ID == f.global.ID {
			t.Errorf("global feed due before its NextPollAt")
		}
	}
	if err := db.RetryFeed(ctx, "g1", f.global.ID, f.t0); err != nil {
		t.Fatal(err)
	}
	due = must(db.DueFeeds(ctx, f.t0, 1))(t)
	if len(due) != 1 || due[0].ConsecutiveFailures != 0 {
		t.Errorf("DueFeeds after retry: %+v", due)
	}
}

var sortRows = cmp.Transformer("sortRows", func(in []outboxRow) []outboxRow {
	out := append([]outboxRow(nil), in...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if fmt.Sprint(out[j]) < fmt.Sprint(out[i]) {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
})

func TestPendingAlerts(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	db := f.db
	must(db.SaveItems(ctx, f.global.ID, []newswatch.IngestItem{
		ingest("a", "Kyiv", "Zelensky visited Lviv.", f.t0, true, f.watches()...),
		ingest("b", "Odesa port", "Nothing else.", f.t0, true, f.watches()...),
	}))(t)
	now := time.Now()
	type alertView struct {
		Route    string
		Item     string
		Entities []string
	}
	view := func(as []newswatch.Alert) []alertView {
		var out []alertView
		for _, a := range as {
			v := alertView{Route: a.Route.ChannelID, Item: a.Item.Key}
			for _, m := range a.Mentions {
				v.Entities = append(v.Entities, m.Entity)
			}
			out = append(out, v)
			if a.Nonce == "" || len(a.Nonce) > 25 || a.Kind != newswatch.AlertMention || a.Feed.ID != f.global.ID {
				t.Errorf("alert %d: nonce %q kind %q feed %d", a.ID, a.Nonce, a.Kind, a.Feed.ID)
			}
		}
		return out
	}
	console := must(db.PendingAlerts(ctx, true, now, 0))(t)
	if diff := cmp.Diff([]alertView{{"console", "a", []string{"Kyiv", "Zelensky"}}}, view(console)); diff != "" {
		t.Errorf("console alerts (-want +got):\n%s", diff)
	}
	others := must(db.PendingAlerts(ctx, false, now, 0))(t)
	want := []alertView{
		{"c1", "a", []string{"Kyiv", "Zelensky", "Lviv"}}, {"c1a", "a", []string{"Zelensky"}},
		{"c2", "a", []string{"Kyiv", "Zelensky"}}, {"c2", "b", []string{"Odesa"}},
	}
	if diff := cmp.Diff(want, view(others)); diff != "" {
		t.Errorf("discord alerts (-want +got):\n%s", diff)
	}
	for i := 1; i < len(others); i++ {
		if others[i].ID <= others[i-1].ID {
			t.Errorf("alerts not by id: %d after %d", others[i].ID, others[i-1].ID)
		}
	}
	if got := must(db.PendingAlerts(ctx, false, now, 2))(t); len(got) != 2 || got[0].ID != others[0].ID {
		t.Errorf("limit 2: %d alerts", len(got))
	}
	// Sent, deferred and disabled ones are not pending.
	if err := db.MarkAlertSent(ctx, others[0].ID, "m1", now); err != nil {
		t.Fatal(err)
	}
	if err := db.DeferAlert(ctx, others[1].ID, now.Add(time.Minute), "rate limited"); err != nil {
		t.Fatal(err)
	}
	if err := db.DisableRoute(ctx, f.r2.ID, "403"); err != nil {
		t.Fatal(err)
	}
	if got := view(must(db.PendingAlerts(ctx, false, now, 0))(t)); len(got) != 0 {
		t.Errorf("pending after send, defer and disable: %v", got)
	}
	later := must(db.PendingAlerts(ctx, false, now.Add(2*time.Minute), 0))(t)
	if len(later) != 1 || later[0].ID != others[1].ID || later[0].Attempts != 1 || later[0].Nonce != others[1].Nonce {
		t.Errorf("after not_before: %+v", later)
	}
	// SetRoute re-enables.
	must(db.SetRoute(ctx, newswatch.Route{GuildID: "g2", ChannelID: "c2"}, 0))(t)
	if got := must(db.PendingAlerts(ctx, false, now, 0))(t); len(got) != 2 {
		t.Errorf("after re-enabling c2: %d pending, want 2", len(got))
	}
	if err := db.MarkAlertSent(ctx, 9999, "x", now); codeOf(err) != newswatch.ENOTFOUND {
		t.Errorf("MarkAlertSent(missing) = %v, want ENOTFOUND", err)
	}
	if err := db.DeferAlert(ctx, 9999, now, "x"); codeOf(err) != newswatch.ENOTFOUND {
		t.Errorf("DeferAlert(missing) = %v, want ENOTFOUND", err)
	}
	st := must(db.Stats(ctx, ""))(t)
	if st.PendingAlerts != 4 || st.SentAlerts != 1 {
		t.Errorf("stats pending %d sent %d, want 4 and 1", st.PendingAlerts, st.SentAlerts)
	}
	// The console route off: no console alerts.
	if err := db.EnsureConsoleRoute(ctx, false); err != nil {
		t.Fatal(err)
	}
	if got := must(db.PendingAlerts(ctx, true, now, 0))(t); len(got) != 0 {
		t.Errorf("console alerts while disabled: %d", len(got))
	}
}

func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	db := f.db
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var writeErr error
	wrote := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			if i == 1 {
				close(wrote)
			}
			select {
			case <-stop:
				return
			default:
			}
			var batch []newswatch.IngestItem
			for j := 0; j < 50; j++ {
				batch = append(batch, ingest(fmt.Sprintf("k%d-%d", i, j), "Kyiv", strings.Repeat("news text ", 50), f.t0, true, f.watches()...))
			}
			if _, err := db.SaveItems(ctx, f.global.ID, batch); err != nil {
				writeErr = err
				if i == 0 {
					close(wrote)
				}
				return
			}
		}
	}()
	<-wrote
	dst := filepath.Join(t.TempDir(), "backups", "copy.db")
	err := db.Backup(ctx, dst)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}
	if writeErr != nil {
		t.Fatalf("writer during backup: %v", writeErr)
	}
	if err := db.Backup(ctx, dst); codeOf(err) != newswatch.EINVALID {
		t.Errorf("backup onto an existing file: %v, want EINVALID", err)
	}
	cp, err := Open(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	var check string
	if err := cp.r.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	checkFTS(t, cp)
	st := must(cp.Stats(ctx, ""))(t)
	if st.Items == 0 || st.Watches != 4 {
		t.Errorf("copy stats: %+v", st)
	}
	hits := must(cp.Search(ctx, newswatch.SearchQuery{Query: "kyiv"}))(t)
	if len(hits) == 0 {
		t.Error("no search hits in the copy")
	}
	var n int
	if err := cp.r.QueryRow(`SELECT count(*) FROM items`).Scan(&n); err != nil || n != st.Items {
		t.Errorf("copy: %d items, ItemCount sum %d (%v)", n, st.Items, err)
	}
}

func TestMentionsAndCounts(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	db := f.db
	day := 24 * time.Hour
	must(db.SaveItems(ctx, f.global.ID, []newswatch.IngestItem{
		ingest("d0", "Morning", "Calm. Explosions were heard in Kyiv overnight. Officials said more later.", f.t0, false, f.watches()...),
		ingest("d1", "Kyiv", "", f.t0.Add(day), false, f.watches()...),
		ingest("d1b", "Kiev again", "", f.t0.Add(day+time.Hour), false, f.watches()...),
		ingest("d5", "Kyiv", "", f.t0.Add(5*day), false, f.watches()...),
	}))(t)
	hits := must(db.Mentions(ctx, newswatch.MentionQuery{Entity: "kiev", Since: f.t0, Until: f.t0.Add(2 * day)}))(t)
	var keys []string
	for _, h := range hits {
		keys = append(keys, h.Item.Key)
	}
	if diff := cmp.Diff([]string{"d1b", "d1", "d0"}, keys); diff != "" {
		t.Errorf("mentions (-want +got):\n%s", diff)
	}
	if len(hits) == 3 {
		want := "Explosions were heard in " + newswatch.HighlightStart + "Kyiv" + newswatch.HighlightEnd + " overnight."
		if hits[2].Snippet != want {
			t.Errorf("snippet = %q, want %q", hits[2].Snippet, want)
		}
		if m := hits[0].Mention; m.Entity != "Kyiv" || m.Text != "Kiev" || m.Kind != newswatch.KindCity {
			t.Errorf("mention %+v", m)
		}
	}
	if _, err := db.Mentions(ctx, newswatch.MentionQuery{Entity: "Atlantis"}); codeOf(err) != newswatch.ENOTFOUND {
		t.Errorf("unknown entity: %v, want ENOTFOUND", err)
	}
	if _, err := db.Mentions(ctx, newswatch.MentionQuery{Entity: " "}); codeOf(err) != newswatch.EINVALID {
		t.Errorf("empty entity: %v, want EINVALID", err)
	}
	counts := must(db.MentionCounts(ctx, "", f.t0, f.t0.Add(10*day)))(t)
	d := func(n int) string { return f.t0.Add(time.Duration(n) * day).Format("2006-01-02") }
	want := []newswatch.DayCount{{Entity: "Kyiv", Day: d(0), Count: 1}, {Entity: "Kyiv", Day: d(1), Count: 2}, {Entity: "Kyiv", Day: d(5), Count: 1}}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	st := must(db.Stats(ctx, "g1"))(t)
	if st.Mentions != 4 || len(st.TopEntities) != 1 || st.TopEntities[0] != (newswatch.EntityCount{Entity: "Kyiv", Kind: newswatch.KindCity, Count: 4}) ||
		!st.OldestItem.Equal(f.t0) || !st.NewestItem.Equal(f.t0.Add(5*day)) {
		t.Errorf("stats %+v", st)
	}
}

func FuzzFTSQuery(f *testing.F) {
	for _, s := range []string{`"a b" c*`, `-x OR y`, `NEAR(a b)`, `Слов'янськ`} {
		f.Add(s)
	}
	db := openTest(f)
	ctx := context.Background()
	feed := must(db.EnsureFeed(ctx, "https://x.example/", "", "cli", 0))(f)
	must(db.SaveItems(ctx, feed.ID, []newswatch.IngestItem{ingest("a", "a b c", "x y z Слов'янськ", time.Now(), false)}))(f)
	f.Fuzz(func(t *testing.T, q string) {
		_, err := db.Search(ctx, newswatch.SearchQuery{Query: q})
		if code := codeOf(err); code != "" && code != newswatch.EINVALID {
			t.Fatalf("Search(%q) = %v", q, err)
		}
	})
}
