package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
)

// A 410 makes a feed gone with one warning, even one already failing; it
// is not due until retried; a gone feed failing again warns no more.
func TestRecordFetchGone(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	if err := db.EnsureConsoleRoute(ctx, true); err != nil {
		t.Fatal(err)
	}
	f := must(db.EnsureFeed(ctx, "https://gone.example/rss", newswatch.GlobalScope, "config", 0))(t)
	t0 := time.Now().Add(-time.Hour)
	fail := func(i int, status int) newswatch.Feed {
		t.Helper()
		at := t0.Add(time.Duration(i) * time.Minute)
		return must(db.RecordFetch(ctx, f.ID, newswatch.FetchResult{At: at, Status: status, Gone: status == 410,
			Err: "err", NextPollAt: at}, 1))(t)
	}
	warnings := func() int {
		n := 0
		for _, r := range outbox(t, db) {
			if r.Kind == string(newswatch.AlertFeedFailing) {
				n++
			}
		}
		return n
	}
	if got := fail(0, 503); !got.Failing() || got.Gone() || warnings() != 1 {
		t.Fatalf("after a 503: failing %v gone %v warnings %d", got.Failing(), got.Gone(), warnings())
	}
	got := fail(1, 410)
	if !got.Gone() || got.State != newswatch.FeedGone || warnings() != 2 {
		t.Fatalf("after a 410: state %q, warnings %d, want gone and 2", got.State, warnings())
	}
	fail(2, 410)
	if warnings() != 2 {
		t.Errorf("a second 410 warned again: %d", warnings())
	}
	due := must(db.DueFeeds(ctx, time.Now().Add(time.Hour), 0))(t)
	all := must(db.AllPollableFeeds(ctx))(t)
	if len(due) != 0 || len(all) != 0 {
		t.Errorf("gone feed listed: due %d, pollable %d", len(due), len(all))
	}
	if err := db.RetryFeed(ctx, newswatch.GlobalScope, f.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if due := must(db.DueFeeds(ctx, time.Now().Add(time.Second), 0))(t); len(due) != 1 || due[0].State != newswatch.FeedActive {
		t.Errorf("after retry: due %+v", due)
	}
}

// The parser's warnings are the feed's LastWarning after a success; a 304
// keeps them; the next success replaces them.
func TestRecordFetchWarnings(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	f := must(db.EnsureFeed(ctx, "https://w.example/rss", newswatch.GlobalScope, "config", 0))(t)
	now := time.Now()
	long := strings.Repeat("x", 600)
	got := must(db.RecordFetch(ctx, f.ID, newswatch.FetchResult{At: now, Status: 200,
		Warnings: []string{"the document was cut off at the end", "the document was cut off at the end", long, long + "y"}}, 3))(t)
	if want := "the document was cut off at the end; " + long + "; …"; got.LastWarning != want {
		t.Errorf("LastWarning %q, want %q", got.LastWarning, want)
	}
	got = must(db.RecordFetch(ctx, f.ID, newswatch.FetchResult{At: now, Status: 304, NotModified: true}, 3))(t)
	if !strings.HasPrefix(got.LastWarning, "the document was cut off") {
		t.Errorf("after a 304: %q", got.LastWarning)
	}
	got = must(db.RecordFetch(ctx, f.ID, newswatch.FetchResult{At: now, Status: 200}, 3))(t)
	if got.LastWarning != "" {
		t.Errorf("after a clean success: %q", got.LastWarning)
	}
}

// A feed-failing warning never takes the id of a deleted outbox row: ids
// name rows elsewhere (story_alerts.outbox_id, route_caps.summary_id).
func TestFeedFailingIDNotReused(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	if err := db.EnsureConsoleRoute(ctx, true); err != nil {
		t.Fatal(err)
	}
	f := must(db.EnsureFeed(ctx, "https://flaky.example/rss", newswatch.GlobalScope, "config", 0))(t)
	t0 := time.Now().Add(-time.Hour)
	record := func(i, status int) {
		t.Helper()
		at := t0.Add(time.Duration(i) * time.Minute)
		res := newswatch.FetchResult{At: at, Status: status, NextPollAt: at}
		if status >= 400 {
			res.Err = "err"
		}
		must(db.RecordFetch(ctx, f.ID, res, 1))(t)
	}
	maxID := func() (id int64) {
		t.Helper()
		if err := db.r.QueryRow(`SELECT coalesce(max(id), 0) FROM outbox`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	record(0, 503) // the first episode warns
	first := maxID()
	if first == 0 {
		t.Fatal("no warning for the first failing episode")
	}
	if _, err := db.w.Exec(`DELETE FROM outbox WHERE id = ?`, first); err != nil {
		t.Fatal(err)
	}
	record(1, 200)
	record(2, 503) // a new episode warns again
	if second := maxID(); second <= first {
		t.Errorf("the second warning has id %d, the deleted first one had %d", second, first)
	}
}
