package feeds_test

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
)

// A feed answering 410 Gone becomes gone after one poll: it is no longer
// polled, the console gets one warning, and RetryFeed polls it again.
func TestPollerGoneStopsPolling(t *testing.T) {
	e := newEnv(t, testConfig(), nil)
	var hits atomic.Int32
	e.srv.handle("/gone", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusGone)
	})
	f := e.addFeed("/gone")
	e.cycle(true)
	got := e.feed(f.ID)
	if !got.Gone() || got.State != newswatch.FeedGone || got.LastError != newswatch.GoneReason || !got.Failing() {
		t.Fatalf("after 410: state %q, error %q, failing %v", got.State, got.LastError, got.Failing())
	}
	warnings := 0
	for _, a := range e.pending() {
		if a.Kind == newswatch.AlertFeedFailing && a.Feed.ID == f.ID {
			warnings++
		}
	}
	if warnings != 1 {
		t.Errorf("%d warnings, want 1", warnings)
	}
	// Neither a cycle over every feed nor one over due feeds polls it.
	e.cycle(true)
	e.cycle(false)
	if n := hits.Load(); n != 1 {
		t.Errorf("polled %d times, want 1", n)
	}
	due, err := e.db.DueFeeds(e.ctx, time.Now().Add(365*24*time.Hour), 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range due {
		if d.ID == f.ID {
			t.Error("a gone feed is due")
		}
	}
	// Retry revives it; the server now serves a feed.
	if err := e.db.RetryFeed(e.ctx, newswatch.GlobalScope, f.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if got := e.feed(f.ID); got.State != newswatch.FeedActive {
		t.Errorf("after retry: state %q", got.State)
	}
	e.srv.handle("/gone", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write(rssBytes("back", newsItems("b", 2, time.Now())))
	})
	e.cycle(false)
	got = e.feed(f.ID)
	if hits.Load() != 2 || got.Gone() || got.Failing() || got.LastError != "" {
		t.Errorf("after retry and a good poll: hits %d, state %q, failing %v, error %q", hits.Load(), got.State, got.Failing(), got.LastError)
	}
}
