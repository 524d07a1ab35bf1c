package feeds_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/feeds"
	"github.com/newswatch/newswatch/store"
	"github.com/newswatch/newswatch/watch"
)

// env is a real store, a compiled watchlist and a feed server.
type env struct {
	t   *testing.T
	ctx context.Context
	db  *store.DB
	srv *feedServer
	url string
	cfg feeds.Config
	p   *feeds.Poller
}

var testWatches = []newswatch.Watch{
	{Name: "Sloviansk", Kind: newswatch.KindCity, Aliases: []string{"Slovyansk", "Славянск"}},
	{Name: "Kramatorsk", Kind: newswatch.KindCity},
}

func newEnv(t *testing.T, cfg feeds.Config, m feeds.Matcher) *env {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "db.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var ws []newswatch.Watch
	for _, w := range testWatches {
		saved, _, err := db.PutWatch(ctx, w, 0)
		if err != nil {
			t.Fatal(err)
		}
		ws = append(ws, saved)
	}
	if err := db.EnsureConsoleRoute(ctx, true); err != nil {
		t.Fatal(err)
	}
	if m == nil {
		compiled, err := watch.Compile(ws)
		if err != nil {
			t.Fatal(err)
		}
		live := &watch.Live{}
		live.Store(compiled)
		m = live
	}
	srv := newFeedServer()
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	f, err := feeds.NewFetcher(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, ctx: ctx, db: db, srv: srv, url: hs.URL, cfg: cfg, p: feeds.NewPoller(cfg, db, m, f, nil)}
}

func (e *env) addFeed(path string) newswatch.Feed {
	e.t.Helper()
	f, err := e.db.EnsureFeed(e.ctx, e.url+path, newswatch.GlobalScope, "cli", 0)
	if err != nil {
		e.t.Fatal(err)
	}
	return f
}

func (e *env) feed(id int64) newswatch.Feed {
	e.t.Helper()
	f, err := e.db.Feed(e.ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return f
}

func (e *env) cycle(all bool) feeds.CycleStats {
	e.t.Helper()
	st, err := e.p.Cycle(e.ctx, all)
	if err != nil {
		e.t.Fatalf("Cycle: %v", err)
	}
	return st
}

// items counts the stored items of a feed.
func (e *env) items(feedID int64) int {
	e.t.Helper()
	return e.feed(feedID).ItemCount
}

func (e *env) pending() []newswatch.Alert {
	e.t.Helper()
	as, err := e.db.PendingAlerts(e.ctx, true, time.Now().Add(time.Hour), 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	return as
}

// newsItems makes n items; every third mentions Sloviansk.
func newsItems(prefix string, n int, published time.Time) []genItem {
	var items []genItem
	for i := range n {
		body := fmt.Sprintf("<p>Report %s-%d on the regional situation.</p>", prefix, i)
		if i%3 == 0 {
			body += "<p>Officials in <b>Sloviansk</b> said the market reopened.</p>"
		}
		items = append(items, genItem{
			GUID:      fmt.Sprintf("%s-%d", prefix, i),
			Title:     fmt.Sprintf("Item %s-%d", prefix, i),
			Link:      fmt.Sprintf("https://gen.example.com/%s/%d", prefix, i),
			HTML:      body,
			Published: published.Add(-time.Duration(i) * time.Minute),
		})
	}
	return items
}

func cmpStats(t *testing.T, what string, got, want feeds.CycleStats) {
	t.Helper()
	got.Duration = 0
	if got != want {
		t.Errorf("%s: stats = %+v, want %+v", what, got, want)
	}
}

// TestPollerLifecycle walks one feed through its first poll (no alerts),
// a 304, a full refetch with nothing new, two new items, an old item and
// an edited item.
func TestPollerLifecycle(t *testing.T) {
	e := newEnv(t, testConfig(), nil)
	now := time.Now()
	items := newsItems("a", 50, now)
	e.srv.set("/news", rssBytes("News", items))
	f := e.addFeed("/news")

	cmpStats(t, "first poll", e.cycle(false), feeds.CycleStats{Feeds: 1, Fetched: 1, New: 50})
	if got := e.items(f.ID); got != 50 {
		t.Errorf("stored %d items, want 50", got)
	}
	if got := e.pending(); len(got) != 0 {
		t.Errorf("first poll raised %d alerts, want none", len(got))
	}
	polled := e.feed(f.ID)
	if polled.LastSuccessAt.IsZero() || polled.ETag != `"1"` || polled.Title != "News" || polled.LastStatus != 200 {
		t.Errorf("feed after first poll: %+v", polled)
	}
	if !polled.NextPollAt.After(now) {
		t.Errorf("NextPollAt %v not in the future", polled.NextPollAt)
	}
	cmpStats(t, "not due", e.cycle(false), feeds.CycleStats{})

	cmpStats(t, "304", e.cycle(true), feeds.CycleStats{Feeds: 1, NotModified: 1})

	// Same content, new ETag: fetched and parsed, nothing saved.
	e.srv.set("/news", rssBytes("News", items))
	cmpStats(t, "same items", e.cycle(true), feeds.CycleStats{Feeds: 1, Fetched: 1, Unchanged: 50})

	// Two new items, one mentioning a watch.
	fresh := []genItem{
		{GUID: "new-1", Title: "Kramatorsk station reopens", Link: "https://gen.example.com/new/1", HTML: "<p>Trains run again.</p>", Published: now},
		{GUID: "new-2", Title: "Weather", Link: "https://gen.example.com/new/2", HTML: "<p>Sunny.</p>", Published: now},
	}
	e.srv.set("/news", rssBytes("News", append(fresh, items[:48]...)))
	cmpStats(t, "two new", e.cycle(true), feeds.CycleStats{Feeds: 1, Fetched: 1, New: 2, Unchanged: 48, Alerts: 1})
	alerts := e.pending()
	if len(alerts) != 1 || alerts[0].Item.Title != "Kramatorsk station reopens" {
		t.Fatalf("alerts = %+v, want one for the Kramatorsk item", alerts)
	}
	if ms := alerts[0].Mentions; len(ms) != 1 || ms[0].Entity != "Kramatorsk" || ms[0].Text != "Kramatorsk" {
		t.Errorf("mentions = %+v", ms)
	}

	// An item older than MaxItemAge mentioning a watch: stored, no alert.
	old := genItem{GUID: "old-1", Title: "Sloviansk archive", Link: "https://gen.example.com/old/1", HTML: "x", Published: now.Add(-72 * time.Hour)}
	e.srv.set("/news", rssBytes("News", append([]genItem{old}, fresh...)))
	cmpStats(t, "old item", e.cycle(true), feeds.CycleStats{Feeds: 1, Fetched: 1, New: 1, Unchanged: 2})

	// Edited item: same key, new text now mentioning a watch.
	edited := fresh[1]
	edited.HTML = "<p>Sunny in Sloviansk.</p>"
	e.srv.set("/news", rssBytes("News", []genItem{edited}))
	st := e.cycle(true)
	if st.Updated != 1 || st.New != 0 {
		t.Errorf("edited item: stats = %+v, want 1 updated", st)
	}
	if got := e.items(f.ID); got != 53 {
		t.Errorf("stored %d items, want 53", got)
	}
	if got := len(e.pending()); got != 2 {
		t.Errorf("%d alerts pending, want 2 (Kramatorsk, then Sloviansk in the edit)", got)
	}
}

func TestPollerDuplicateGUIDs(t *testing.T) {
	e := newEnv(t, testConfig(), nil)
	e.srv.set("/dups", fixture(t, "dup-guids.xml"))
	f := e.addFeed("/dups")
	cmpStats(t, "dups", e.cycle(false), feeds.CycleStats{Feeds: 1, Fetched: 1, New: 10})
	if got := e.items(f.ID); got != 10 {
		t.Errorf("stored %d items, want 10", got)
	}
}

// TestPollerIsolation: a gzip bomb, a dripping server, a 404 and a panic in
// one cycle; the good feed is stored, each bad one records its own error,
// and the bomb feed keeps the items it had before.
func TestPollerIsolation(t *testing.T) {
	cfg := testConfig()
	cfg.Timeout = 2 * time.Second
	// The bomb is cut at 1 MiB: decompressing up to the default 15 MiB
	// under the race detector on a busy machine can outlast the 2 s
	// timeout, which would then be the error recorded instead.
	cfg.BodyLimit = 1 << 20
	e := newEnv(t, cfg, panicky{})
	now := time.Now()
	e.srv.set("/good", rssBytes("Good", newsItems("g", 5, now)))
	e.srv.set("/bomb", rssBytes("Bomb", newsItems("b", 3, now)))
	e.srv.set("/panic", rssBytes("Panic", []genItem{{GUID: "p", Title: "PANIC here", Link: "https://gen.example.com/p"}}))
	good, bomb, drip, missing, pan := e.addFeed("/good"), e.addFeed("/bomb"), e.addFeed("/drip"), e.addFeed("/missing"), e.addFeed("/panic")
	e.srv.handle("/drip", dripHandler)

	st := e.cycle(false)
	if st.Fetched != 2 || st.Failed != 3 || st.New != 8 {
		t.Errorf("first cycle: %+v, want 2 fetched, 3 failed, 8 new", st)
	}

	_ = gzipBomb() // compressed now, not inside the handler while the fetch's timer runs
	e.srv.handle("/bomb", func(w http.ResponseWriter, r *http.Request) { gzipZeros(w) })
	e.srv.set("/good", rssBytes("Good", newsItems("g2", 4, now)))
	start := time.Now()
	st = e.cycle(true)
	if d := time.Since(start); d > 8*time.Second {
		t.Errorf("cycle took %s", d)
	}
	if st.Feeds != 5 || st.Fetched != 1 || st.Failed != 4 || st.New != 4 {
		t.Errorf("second cycle: %+v, want 1 fetched, 4 failed, 4 new", st)
	}
	tests := []struct {
		id        int64
		lastError string
		failures  int
		items     int
	}{
		{good.ID, "", 0, 9},
		{bomb.ID, "body larger than 1 MiB", 1, 3},
		{drip.ID, "the server was still sending after 2s (", 2, 0},
		{missing.ID, "HTTP 404 Not Found", 2, 0},
		{pan.ID, "internal error: matcher exploded", 2, 0},
	}
	for _, tt := range tests {
		f := e.feed(tt.id)
		// The drip's byte count depends on the machine's pace; only the
		// reason's start is checked.
		if !strings.HasPrefix(f.LastError, tt.lastError) || (tt.lastError == "") != (f.LastError == "") || f.ConsecutiveFailures != tt.failures {
			t.Errorf("feed %s: error %q, failures %d; want %q, %d", f.URL, f.LastError, f.ConsecutiveFailures, tt.lastError, tt.failures)
		}
		if got := e.items(tt.id); got != tt.items {
			t.Errorf("feed %s: %d items, want %d", f.URL, got, tt.items)
		}
		if tt.failures > 0 && !f.NextPollAt.After(time.Now().Add(cfg.MinInterval)) {
			t.Errorf("feed %s: next poll %v, want backed off past %s", f.URL, f.NextPollAt, cfg.MinInterval)
		}
	}
}

// panicky matches nothing and panics on a text containing "PANIC".
type panicky struct{}

func (panicky) Match(text string) []newswatch.Mention {
	if strings.Contains(text, "PANIC") {
		panic("matcher exploded")
	}
	return nil
}

func dripHandler(w http.ResponseWriter, r *http.Request) { drip(w, r) }

func TestPollerFailAfterAndRetryAfter(t *testing.T) {
	cfg := testConfig()
	cfg.FailAfter = 2
	e := newEnv(t, cfg, nil)
	e.srv.handle("/busy", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7200")
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	busy, missing := e.addFeed("/busy"), e.addFeed("/missing")
	e.cycle(true)
	if f := e.feed(missing.ID); f.Failing() {
		t.Errorf("failing after one failure")
	}
	start := time.Now()
	e.cycle(true)
	f := e.feed(missing.ID)
	if !f.Failing() || f.ConsecutiveFailures != 2 || f.LastStatus != 404 {
		t.Errorf("after two failures: failing %v, failures %d, status %d", f.Failing(), f.ConsecutiveFailures, f.LastStatus)
	}
	b := e.feed(busy.ID)
	if b.LastError != "HTTP 503 Service Unavailable" || b.NextPollAt.Before(start.Add(2*time.Hour-time.Second)) {
		t.Errorf("busy feed: error %q, next poll in %s; want Retry-After 2h honoured", b.LastError, time.Until(b.NextPollAt))
	}
}

func TestPollerSchedulesFromTTL(t *testing.T) {
	e := newEnv(t, testConfig(), nil)
	e.srv.set("/ttl", fixture(t, "rss2.xml")) // <ttl>30</ttl>
	f := e.addFeed("/ttl")
	start := time.Now()
	e.cycle(false)
	if next := e.feed(f.ID).NextPollAt; next.Before(start.Add(30 * time.Minute)) {
		t.Errorf("next poll in %s, want at least the 30m ttl", next.Sub(start))
	}
}

func TestPollerRunAndWake(t *testing.T) {
	e := newEnv(t, testConfig(), nil)
	e.srv.set("/a", rssBytes("A", newsItems("a", 3, time.Now())))
	ctx, cancel := context.WithCancel(e.ctx)
	cycles := make(chan feeds.CycleStats, 16)
	e.p.OnCycle = func(st feeds.CycleStats, _ error) {
		select {
		case cycles <- st:
		default:
		}
	}
	done := make(chan error, 1)
	go func() { done <- e.p.Run(ctx) }()
	select { // Run's first cycle finds nothing
	case st := <-cycles:
		if st.Feeds != 0 {
			t.Fatalf("first cycle %+v, want no feeds", st)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Run did not finish its first cycle within 3s")
	}
	f := e.addFeed("/a")
	e.p.Wake()
	deadline := time.After(3 * time.Second)
	for e.items(f.ID) < 3 {
		select {
		case <-cycles:
		case <-deadline:
			t.Fatal("the woken poller did not store the feed's items within 3s")
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v, want nil", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

// TestPollerDefaultRefusesLoopback: with the default config the poller
// records the guard's refusal as the feed's error.
func TestPollerDefaultRefusesLoopback(t *testing.T) {
	e := newEnv(t, feeds.DefaultConfig(), nil)
	e.srv.set("/a", rssBytes("A", newsItems("a", 3, time.Now())))
	f := e.addFeed("/a")
	e.cycle(false)
	want := "refused: 127.0.0.1 is a loopback address (set allow_private_networks = true or add it to allow)"
	if got := e.feed(f.ID).LastError; got != want {
		t.Errorf("LastError = %q, want %q", got, want)
	}
	if n := e.srv.count("/a"); n != 0 {
		t.Errorf("server got %d requests", n)
	}
}

// TestPollerConcurrencyLimits: feeds on two host names of one server, each
// answering slowly; the server never sees more than PerHost requests per
// host nor more than Concurrency in all.
func TestPollerConcurrencyLimits(t *testing.T) {
	tests := []struct {
		name                 string
		concurrency, perHost int
		wantHost, wantTotal  int
	}{
		{"per host bound", 8, 2, 2, 4},
		{"total bound", 3, 2, 2, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.Concurrency, cfg.PerHost = tt.concurrency, tt.perHost
			e := newEnv(t, cfg, nil)
			doc := rssBytes("slow", newsItems("s", 2, time.Now()))
			var mu sync.Mutex
			inHost, peakHost := map[string]int{}, map[string]int{}
			total, peakTotal, arrived, gen := 0, 0, 0, 0
			// A request is held until the limit is full (or every request
			// has arrived), so that the peaks are reached by design and not
			// by the server's pace; the timer only unblocks a broken poller.
			full := sync.NewCond(&mu)
			stuck := false
			stop := time.AfterFunc(5*time.Second, func() { mu.Lock(); stuck = true; full.Broadcast(); mu.Unlock() })
			defer stop.Stop()
			for i := range 8 {
				e.srv.handle(fmt.Sprintf("/slow/%d", i), func(w http.ResponseWriter, r *http.Request) {
					host, _, _ := net.SplitHostPort(r.Host)
					mu.Lock()
					inHost[host]++
					total++
					peakHost[host] = max(peakHost[host], inHost[host])
					peakTotal = max(peakTotal, total)
					arrived++
					wave := gen
					if total >= tt.wantTotal || arrived == 8 {
						gen++ // the limit is full: release this wave
						full.Broadcast()
					}
					for gen == wave && !stuck {
						full.Wait()
					}
					inHost[host]--
					total--
					mu.Unlock()
					w.Write(doc)
				})
				if i%2 == 0 {
					e.addFeed(fmt.Sprintf("/slow/%d", i))
				} else {
					u := strings.Replace(e.url, "127.0.0.1", "localhost", 1)
					if _, err := e.db.EnsureFeed(e.ctx, fmt.Sprintf("%s/slow/%d", u, i), newswatch.GlobalScope, "cli", 0); err != nil {
						t.Fatal(err)
					}
				}
			}
			st := e.cycle(false)
			if st.Fetched != 8 {
				t.Fatalf("stats %+v, want 8 fetched", st)
			}
			for h, p := range peakHost {
				if p != tt.wantHost {
					t.Errorf("host %s: peak %d concurrent requests, want %d", h, p, tt.wantHost)
				}
			}
			if len(peakHost) != 2 || peakTotal != tt.wantTotal {
				t.Errorf("peak total %d over %d hosts, want %d over 2", peakTotal, len(peakHost), tt.wantTotal)
			}
		})
	}
}
