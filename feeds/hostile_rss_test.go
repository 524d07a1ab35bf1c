package feeds

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/store"
	"github.com/newswatch/newswatch/watch"
)

// eightHostile are the documents of BenchmarkEightHostileFeeds: the
// shapes refused by the pre-scan and the costliest it lets through.
func eightHostile() []docSpec {
	var attrs strings.Builder
	attrs.WriteString("<x:e")
	for i := range 40 {
		fmt.Fprintf(&attrs, ` a%d="a value long enough for the budget %d"`, i, i)
	}
	attrs.WriteString("/>")
	ns := func(i int) string { return fmt.Sprintf(`<p%d:e xmlns:p%d="urn:x:%d">`, i, i, i) }
	rss := `<rss version="2.0" xmlns:x="urn:x"><channel><title>t</title><item><title>x</title>`
	jsonUnit := strings.Repeat("[", maxDepth-8) + strings.Repeat("]", maxDepth-8) + ","
	return []docSpec{
		{rss + `<description>`, func(int) string { return "<x>" }, "</description></item></channel></rss>"},
		{`<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><title>x</title><content type="xhtml">`,
			func(int) string { return "<div>" }, "</content></entry></feed>"},
		{rss, ns, "</item></channel></rss>"},
		{rss + `<description>`, func(int) string { return "Sloviansk words &amp; more words " }, "</description></item></channel></rss>"},
		{rss, func(int) string { return `<x:a>value of it here, long enough</x:a>` }, "</item></channel></rss>"},
		{rss, func(int) string { return attrs.String() }, "</item></channel></rss>"},
		{`{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[{"id":"1","x":[`,
			func(int) string { return jsonUnit }, `0]}]}`},
		{`<rss version="2.0"><channel><title>t</title>`,
			func(i int) string {
				return fmt.Sprintf(`<item><title>Item %d near Kramatorsk</title><guid>g%d</guid></item>`, i, i)
			},
			"</channel></rss>"},
	}
}

// vmHWM is the process's peak resident set in MiB.
func vmHWM(tb testing.TB) float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		tb.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			if err != nil {
				tb.Fatal(err)
			}
			return float64(kb) / 1024
		}
	}
	tb.Fatal("no VmHWM")
	return 0
}

// BenchmarkEightHostileFeeds polls eight hostile feeds of 15 MiB at once,
// each on its own loopback address (127.0.0.1 to 127.0.0.8, so the
// per-host limit does not serialise them), through the real Fetcher and
// Poller with the default config (its allow list opened to 127.0.0.0/8,
// which the tests need), the soft memory limit the process sets
// (MemoryLimit) and a real store. The servers generate their
// bodies as they send them. It reports the process's peak RSS (VmHWM; the
// target is under 300 MB). Run it alone, with -benchtime 1x:
//
//	go test ./feeds -run XXX -bench EightHostileFeeds -benchtime 1x
func BenchmarkEightHostileFeeds(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "db.sqlite"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	m, err := watch.Compile([]newswatch.Watch{{ID: 1, Name: "Kramatorsk", Kind: newswatch.KindCity}})
	if err != nil {
		b.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Allow = []string{"127.0.0.0/8"}
	size := int(cfg.BodyLimit)
	for i, spec := range eightHostile() {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.%d:0", i+1))
		if err != nil {
			b.Skip("no loopback address 127.0.0.", i+1, ": ", err)
		}
		srv := &httptest.Server{Listener: l, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/xml")
			spec.write(w, size)
		})}}
		srv.Start()
		defer srv.Close()
		if _, err := db.EnsureFeed(ctx, srv.URL+"/feed", newswatch.GlobalScope, "config", 0); err != nil {
			b.Fatal(err)
		}
	}
	f, err := NewFetcher(cfg)
	if err != nil {
		b.Fatal(err)
	}
	live := &watch.Live{}
	live.Store(m)
	p := NewPoller(cfg, db, live, f, nil)
	// As the newswatch process does unless GOMEMLIMIT is set.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(MemoryLimit))
	before := vmHWM(b)
	start := time.Now()
	for range b.N {
		if _, err := p.Cycle(ctx, true); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(vmHWM(b), "peak-RSS-MiB")
	b.ReportMetric(before, "RSS-before-MiB")
	b.ReportMetric(time.Since(start).Seconds()/float64(b.N), "s/cycle")
	list, _ := db.ListFeeds(ctx, "")
	for _, fd := range list {
		b.Logf("%s: %d items, error %q", fd.URL, fd.ItemCount, fd.LastError)
	}
}
