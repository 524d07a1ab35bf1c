package stories_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
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
func BenchmarkPoll(b *testing.B) {
	b.Run("stories-off", func(b *testing.B) { benchPoll(b, false) })
	b.Run("stories-on", func(b *testing.B) { benchPoll(b, true) })
}

func benchPoll(b *testing.B, withStories bool) {
	const nFeeds, perFeed = 500, 20
	g := newGen(3)
	base := time.Now().Add(-time.Hour)
	docs := make([]string, nFeeds)
	for f := range docs {
		var items []newswatch.Item
		for i := 0; i < perFeed; i++ {
			items = append(items, g.item(fmt.Sprintf("f%d-%d", f, i), base.Add(time.Duration(f*perFeed+i)*time.Second)))
		}
		docs[f] = rssDoc(f, items)
	}
	srv := feedServer(nFeeds, func(n int) string { return docs[n] })
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
		b.StartTimer()
		start, cpu0 := time.Now(), cpuTime(b)
		cs, err := p.Cycle(ctx, true)
		cpu += cpuTime(b) - cpu0
		elapsed += time.Since(start)
		b.StopTimer()
		if err != nil || cs.New != nFeeds*perFeed {
			b.Fatalf("cycle: %+v, %v; want %d new", cs, err, nFeeds*perFeed)
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
