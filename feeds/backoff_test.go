package feeds_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/newswatch/newswatch/feeds"
)

// TestPollerNotModifiedAfterFailure: a feed that recovers from an outage
// with a 304 goes back to a normal interval; the backoff (here a 10h
// Retry-After) is not mistaken for the feed's own rate and kept for every
// later 304.
func TestPollerNotModifiedAfterFailure(t *testing.T) {
	e := newEnv(t, testConfig(), nil)
	now := time.Now()
	var items []genItem
	for i := range 5 { // one item every two hours: polled about hourly
		items = append(items, genItem{GUID: fmt.Sprint(i), Title: fmt.Sprint("Item ", i),
			Link: fmt.Sprint("https://gen.example.com/", i), HTML: "x", Published: now.Add(-2 * time.Duration(i) * time.Hour)})
	}
	e.srv.set("/hourly", rssBytes("Hourly", items))
	f := e.addFeed("/hourly")
	next := func() time.Duration { return time.Until(e.feed(f.ID).NextPollAt) }

	cmpStats(t, "first poll", e.cycle(false), feeds.CycleStats{Feeds: 1, Fetched: 1, New: 5})
	if d := next(); d < 50*time.Minute || d > 70*time.Minute {
		t.Fatalf("after the first poll: next poll in %s, want about 1h", d)
	}
	cmpStats(t, "304 after success", e.cycle(true), feeds.CycleStats{Feeds: 1, NotModified: 1})
	if d := next(); d < 45*time.Minute || d > 75*time.Minute {
		t.Errorf("after a 304 that followed a success: next poll in %s, want about 1h", d)
	}

	e.srv.handle("/hourly", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "36000")
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	cmpStats(t, "outage", e.cycle(true), feeds.CycleStats{Feeds: 1, Failed: 1})
	if d := next(); d < 10*time.Hour-time.Minute {
		t.Fatalf("after the 503: next poll in %s, want the 10h Retry-After", d)
	}

	e.srv.handle("/hourly", nil) // back, unchanged: answers 304 to the stored ETag
	cmpStats(t, "304 after outage", e.cycle(true), feeds.CycleStats{Feeds: 1, NotModified: 1})
	if d := next(); d > 2*time.Hour {
		t.Errorf("after a 304 that followed the outage: next poll in %s, want the normal rate, not the backoff", d)
	}
	cmpStats(t, "304 again", e.cycle(true), feeds.CycleStats{Feeds: 1, NotModified: 1})
	if d := next(); d > 2*time.Hour {
		t.Errorf("after the next 304: next poll in %s, want the normal rate, not the backoff", d)
	}
}

// TestPollerNotModifiedKeepsInterval: a run of 304s keeps the interval set
// after the last 200. Jittering the previous (already jittered) interval
// again on every 304 made it a random walk: after a few days of 304s an
// hourly feed could be polled every 20 minutes or every 3 hours.
func TestPollerNotModifiedKeepsInterval(t *testing.T) {
	e := newEnv(t, testConfig(), nil)
	now := time.Now()
	var items []genItem
	for i := range 5 {
		items = append(items, genItem{GUID: fmt.Sprint(i), Title: fmt.Sprint("Item ", i),
			Link: fmt.Sprint("https://gen.example.com/", i), HTML: "x", Published: now.Add(-2 * time.Duration(i) * time.Hour)})
	}
	e.srv.set("/hourly", rssBytes("Hourly", items))
	f := e.addFeed("/hourly")
	e.cycle(false)
	interval := func() time.Duration {
		g := e.feed(f.ID)
		return g.NextPollAt.Sub(g.LastAttemptAt)
	}
	want := interval()
	for i := range 5 {
		cmpStats(t, "304", e.cycle(true), feeds.CycleStats{Feeds: 1, NotModified: 1})
		if got := interval(); got < want-time.Second || got > want+time.Second {
			t.Fatalf("after 304 #%d: interval %s, want the %s set after the 200", i+1, got, want)
		}
	}
}
