package feeds_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/feeds"
	"github.com/newswatch/newswatch/store"
	"github.com/newswatch/newswatch/watch"
)

const (
	benchFeeds = 2000
	benchItems = 20
)

var benchWatches = []newswatch.Watch{
	{Name: "Sloviansk", Kind: newswatch.KindCity, Aliases: []string{"Slovyansk", "Славянск"}},
	{Name: "Kramatorsk", Kind: newswatch.KindCity, Aliases: []string{"Краматорск"}},
	{Name: "Bakhmut", Kind: newswatch.KindCity, Aliases: []string{"Artemivsk"}},
	{Name: "Kharkiv", Kind: newswatch.KindCity, Aliases: []string{"Kharkov", "Харьков"}},
	{Name: "Volodymyr Zelensky", Kind: newswatch.KindActor, Aliases: []string{"Zelensky", "Zelenskyy"}},
	{Name: "Oleksandr Syrskyi", Kind: newswatch.KindActor, Aliases: []string{"Syrskyi"}},
}

var benchWords = strings.Fields(`the a of in on to and for with from after before officials said
government minister council regional city market talks report reporters residents troops forces
ceasefire agreement negotiations budget energy grid power water supply railway station bridge road
hospital school university press statement spokesperson according sources local authorities
emergency services repair damage shelling drone attack air defence evacuation humanitarian aid
convoy volunteers funding parliament vote law reform economy prices inflation harvest grain exports
port shipping insurance investors bank central rate currency weather storm flooding heating winter`)

var benchNames = []string{"Sloviansk", "Kramatorsk", "Bakhmut", "Kharkiv", "Zelensky", "Syrskyi"}

// genServer generates 2,000 deterministic news feeds. In epoch e feed f
// lists items 2e … 2e+19 newest first, so each epoch adds two new items on
// top of 18 known ones. It answers 304 to the ETag of the current epoch.
type genServer struct {
	epoch atomic.Int32
	base  time.Time
	pool  sync.Pool
}

func (g *genServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/f/"))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	e := int(g.epoch.Load())
	etag := fmt.Sprintf(`"%d-%d"`, n, e)
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	buf, _ := g.pool.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	buf.Reset()
	items := make([]genItem, 0, benchItems)
	for k := 2*e + benchItems - 1; k >= 2*e; k-- {
		items = append(items, g.item(n, k))
	}
	writeRSS(buf, fmt.Sprintf("Generated feed %d", n), items)
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	w.Write(buf.Bytes())
	g.pool.Put(buf)
}

// item k of feed n: 600–1500 bytes of HTML, one in eight naming a watch.
func (g *genServer) item(n, k int) genItem {
	rng := rand.New(rand.NewPCG(uint64(n), uint64(k)))
	var b strings.Builder
	size := 600 + rng.IntN(901)
	mention := rng.IntN(8) == 0
	title := fmt.Sprintf("Feed %d item %d: %s %s %s", n, k, pick(rng), pick(rng), pick(rng))
	if mention {
		title += " near " + benchNames[rng.IntN(len(benchNames))]
	}
	for b.Len() < size {
		b.WriteString("<p>")
		for range 8 + rng.IntN(12) {
			switch rng.IntN(40) {
			case 0:
				fmt.Fprintf(&b, `<a href="https://gen.example.com/ref/%d">%s</a> `, rng.IntN(1e6), pick(rng))
			case 1:
				b.WriteString("<b>" + pick(rng) + "</b> ")
			default:
				b.WriteString(pick(rng) + " ")
			}
		}
		b.WriteString("</p>\n")
	}
	return genItem{
		GUID:      fmt.Sprintf("gen-%d-%d", n, k),
		Title:     title,
		Link:      fmt.Sprintf("https://gen.example.com/%d/%d", n, k),
		HTML:      b.String(),
		Published: g.base.Add(time.Duration(k-40) * 30 * time.Minute),
	}
}

func pick(rng *rand.Rand) string { return benchWords[rng.IntN(len(benchWords))] }

// cpuTime is the process's user and system CPU time so far; the benchmark
// reports it per cycle beside the wall time, which depends on how busy the
// shared machine is.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSS reads the process's peak resident set (VmHWM) in MiB.
func peakRSS(b *testing.B) float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			if err != nil {
				b.Fatal(err)
			}
			return float64(kb) / 1024
		}
	}
	b.Fatal("no VmHWM in /proc/self/status")
	return 0
}

// BenchmarkPollCycles polls 2,000 feeds of 20 items on one local host three
// times: cold (everything fetched, parsed, matched and stored), all 304, and
// two new items per feed. Run with -benchtime 1x.
func BenchmarkPollCycles(b *testing.B) {
	for range b.N {
		b.StopTimer()
		ctx := context.Background()
		db, err := store.Open(ctx, filepath.Join(b.TempDir(), "db.sqlite"))
		if err != nil {
			b.Fatal(err)
		}
		var ws []newswatch.Watch
		for _, w := range benchWatches {
			saved, _, err := db.PutWatch(ctx, w, 0)
			if err != nil {
				b.Fatal(err)
			}
			ws = append(ws, saved)
		}
		if err := db.EnsureConsoleRoute(ctx, true); err != nil {
			b.Fatal(err)
		}
		m, err := watch.Compile(ws)
		if err != nil {
			b.Fatal(err)
		}
		live := &watch.Live{}
		live.Store(m)
		gen := &genServer{base: time.Now()}
		srv := httptest.NewServer(gen)
		for n := range benchFeeds {
			if _, err := db.EnsureFeed(ctx, fmt.Sprintf("%s/f/%d", srv.URL, n), newswatch.GlobalScope, "config", 0); err != nil {
				b.Fatal(err)
			}
		}
		cfg := feeds.DefaultConfig()
		cfg.AllowPrivateNetworks = true
		cfg.Concurrency = 16
		cfg.PerHost = 16
		f, err := feeds.NewFetcher(cfg)
		if err != nil {
			b.Fatal(err)
		}
		p := feeds.NewPoller(cfg, db, live, f, nil)
		b.StartTimer()

		want := []struct {
			name string
			max  time.Duration
			new  int
		}{
			{"cycle1_s", 20 * time.Second, benchFeeds * benchItems},
			{"cycle2_s", 1500 * time.Millisecond, 0},
			{"cycle3_s", 6 * time.Second, benchFeeds * 2},
		}
		for i, w := range want {
			if i == 2 {
				gen.epoch.Store(1)
			}
			cpu0 := cpuTime(b)
			st, err := p.Cycle(ctx, true)
			cpu := cpuTime(b) - cpu0
			if err != nil {
				b.Fatal(err)
			}
			if st.Failed != 0 || st.New != w.new {
				b.Fatalf("%s: %+v, want %d new and no failures", w.name, st, w.new)
			}
			if i == 1 && st.NotModified != benchFeeds {
				b.Fatalf("cycle 2: %d not modified, want %d", st.NotModified, benchFeeds)
			}
			if i == 2 && st.Alerts == 0 {
				b.Fatalf("cycle 3 raised no alerts: %+v", st)
			}
			b.ReportMetric(st.Duration.Seconds(), w.name)
			b.ReportMetric(cpu.Seconds(), strings.TrimSuffix(w.name, "_s")+"_cpu_s")
			if st.Duration > w.max {
				b.Logf("%s = %s, over the %s target", w.name, st.Duration, w.max)
			}
			b.Logf("%s: %s (process CPU %s) %+v", w.name, st.Duration, cpu, st)
		}
		b.ReportMetric(peakRSS(b), "peak_rss_MB")
		b.StopTimer()
		srv.Close()
		db.Close()
		b.StartTimer()
	}
}
