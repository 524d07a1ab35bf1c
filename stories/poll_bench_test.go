package stories_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/feeds"
	"github.com/newswatch/newswatch/store"
	"github.com/newswatch/newswatch/stories"
	"github.com/newswatch/newswatch/watch"
)

// BenchmarkPoll polls 500 local RSS feeds of 20 items of about 1 KB once,
// cold (everything fetched, parsed, matched and stored), with stories off
// and on, and reports items per CPU second and per second. Run with
// -benchtime 1x. With stories on, feeds.Ingest has the store prepare each
// new item's story signature where it matches the item (timed here: it runs
// on the poller's goroutines, before SaveItems).
//
// The steady variants time the next cycle instead, once each feed has
// dropped its 2 oldest items and added 2 new ones, as a poll of a running
// deployment finds them: every document is fetched and parsed again, the 18
// items already stored are skipped, and the 2 new ones stored. Their items
// per second count the items polled.
func BenchmarkPoll(b *testing.B) {
	b.Run("stories-off", func(b *testing.B) { benchPoll(b, false, false) })
	b.Run("stories-on", func(b *testing.B) { benchPoll(b, true, false) })
	b.Run("steady-stories-off", func(b *testing.B) { benchPoll(b, false, true) })
	b.Run("steady-stories-on", func(b *testing.B) { benchPoll(b, true, true) })
}

func benchPoll(b *testing.B, withStories, steady bool) {
	const nFeeds, perFeed, turnover = 500, 20, 2
	g := newGen(3)
	base := time.Now().Add(-time.Hour)
	// Each feed has perFeed+turnover items: a cycle serves perFeed of
	// them from the first, the next from the turnover-th.
	all := make([][]newswatch.Item, nFeeds)
	for f := range all {
		for i := 0; i < perFeed+turnover; i++ {
			all[f] = append(all[f], g.item(fmt.Sprintf("f%d-%d", f, i), base.Add(time.Duration(f*(perFeed+turnover)+i)*time.Second)))
		}
	}
	docsFrom := func(from int) []string {
		docs := make([]string, nFeeds)
		for f := range docs {
			docs[f] = rssDoc(f, all[f][from:from+perFeed])
		}
		return docs
	}
	first, next := docsFrom(0), docsFrom(turnover)
	var docs atomic.Pointer[[]string]
	srv := feedServer(nFeeds, func(n int) string { return (*docs.Load())[n] })
	defer srv.Close()
	ctx := context.Background()
	var elapsed, cpu time.Duration
	for range b.N {
		b.StopTimer()
		db, err := store.Open(ctx, filepath.Join(b.TempDir(), "db.sqlite"))
		if err != nil {
			b.Fatal(err)
		}
		for n := range nFeeds {
			if _, err := db.EnsureFeed(ctx, fmt.Sprintf("%s/f/%d", srv.URL, n), newswatch.GlobalScope, "config", 0); err != nil {
				b.Fatal(err)
			}
		}
		m, err := watch.Compile([]newswatch.Watch{{ID: 1, Name: "Kyiv", Kind: newswatch.KindCity}})
		if err != nil {
			b.Fatal(err)
		}
		if withStories {
			as := stories.NewAssigner(db, 0)
			if err := as.Load(ctx); err != nil {
				b.Fatal(err)
			}
			db.SetStoryDecider(as)
		}
		p := benchPoller(b, db, m)
		docs.Store(&first)
		wantNew := nFeeds * perFeed
		if steady {
			if cs, err := p.Cycle(ctx, true); err != nil || cs.New != wantNew {
				b.Fatalf("first cycle: %+v, %v; want %d new", cs, err, wantNew)
			}
			docs.Store(&next)
			wantNew = nFeeds * turnover
			runtime.GC() // the first cycle's garbage is not the timed one's
		}
		b.StartTimer()
		start, cpu0 := time.Now(), cpuTime(b)
		cs, err := p.Cycle(ctx, true)
		cpu += cpuTime(b) - cpu0
		elapsed += time.Since(start)
		b.StopTimer()
		if err != nil || cs.New != wantNew {
			b.Fatalf("cycle: %+v, %v; want %d new", cs, err, wantNew)
		}
		db.Close()
	}
	b.ReportMetric(float64(nFeeds*perFeed*b.N)/elapsed.Seconds(), "items/s")
	b.ReportMetric(float64(nFeeds*perFeed*b.N)/cpu.Seconds(), "items/cpu_s")
}

// rssDoc is the RSS document of local feed f with items.
func rssDoc(f int, items []newswatch.Item) string {
	var sb strings.Builder
	sb.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Feed ` + strconv.Itoa(f) + `</title>`)
	for _, it := range items {
		fmt.Fprintf(&sb, `<item><title>%s</title><link>https://news%d.example/%s</link><guid>%s</guid><pubDate>%s</pubDate><description>%s</description></item>`,
			html.EscapeString(it.Title), f, it.Key, it.Key, it.Published.Format(time.RFC1123Z), html.EscapeString(it.Text))
	}
	sb.WriteString(`</channel></rss>`)
	return sb.String()
}

// feedServer serves doc(n) at /f/n for n below nFeeds; the caller closes
// it.
func feedServer(nFeeds int, doc func(n int) string) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/f/"))
		if err != nil || n < 0 || n >= nFeeds {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(doc(n)))
	}))
}

// benchPoller is a poller of db's feeds on loopback matching with m, 16
// fetches at a time.
func benchPoller(b *testing.B, db *store.DB, m *watch.Matcher) *feeds.Poller {
	live := &watch.Live{}
	live.Store(m)
	cfg := feeds.DefaultConfig()
	cfg.AllowPrivateNetworks = true
	cfg.Concurrency, cfg.PerHost = 16, 16
	f, err := feeds.NewFetcher(cfg)
	if err != nil {
		b.Fatal(err)
	}
	return feeds.NewPoller(cfg, db, live, f, nil)
}
