package stories_test

import (
	"context"
	"fmt"
	"math/rand"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/store"
	"github.com/newswatch/newswatch/stories"
)

// gen makes news-like items: Zipf-distributed words from a vocabulary of
// 20,000 (Latin and Cyrillic), about 1 KB of body in sentences; every
// tenth item is a copy of an earlier one with a new headline and its last
// sentence cut, as wire copy is.
type gen struct {
	rnd   *rand.Rand
	zipf  *rand.Zipf
	vocab []string
	made  []newswatch.Item
}

func newGen(seed int64) *gen {
	rnd := rand.New(rand.NewSource(seed))
	syl := strings.Fields("ka ro mi te lun var sen dor pel ti na bo shen gra vil ки ев ра до мо ні ста ло")
	var vocab []string
	for len(vocab) < 20000 {
		var b strings.Builder
		for n := 2 + rnd.Intn(3); n > 0; n-- {
			b.WriteString(syl[rnd.Intn(len(syl))])
		}
		vocab = append(vocab, b.String())
	}
	return &gen{rnd: rnd, zipf: rand.NewZipf(rnd, 1.07, 2, uint64(len(vocab)-1)), vocab: vocab}
}

func (g *gen) sentence(b *strings.Builder, n int) {
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(g.vocab[g.zipf.Uint64()])
	}
	b.WriteString(". ")
}

func (g *gen) item(key string, at time.Time) newswatch.Item {
	var title, body strings.Builder
	g.sentence(&title, 6+g.rnd.Intn(5))
	if len(g.made) > 10 && g.rnd.Intn(10) == 0 {
		src := g.made[g.rnd.Intn(len(g.made))]
		text := src.Text
		if i := strings.LastIndex(strings.TrimSpace(text), ". "); i > 0 {
			text = text[:i+1]
		}
		return newswatch.Item{Key: key, GUID: key, Title: title.String(), Text: text,
			Link: "https://copy.example/" + key, Published: at, FetchedAt: at}
	}
	for body.Len() < 1000 {
		g.sentence(&body, 8+g.rnd.Intn(12))
	}
	it := newswatch.Item{Key: key, GUID: key, Title: title.String(), Text: body.String(),
		Link: "https://news.example/" + key, Published: at, FetchedAt: at}
	g.made = append(g.made, it)
	return it
}

// BenchmarkIngest stores 20,000 items of about 1 KB in batches of 500 over
// 20 feeds into a fresh database and reports items/s and items/cpu_s:
//
//   - stories-off: SaveItems alone.
//   - stories-on: the Assigner deciding inside SaveItems' transaction, as
//     cmd/newswatch does, with each item's story signature prepared while
//     the batches are built, outside the timed part (store.DB.PrepareStories),
//     as the batches' mentions would be: feeds.Ingest prepares signatures
//     where it matches, before SaveItems. That work is not free; "prepare"
//     measures it on its own. A batch is dropped once saved (in both
//     variants), as a poll drops a feed's items once they are stored.
//   - stories-on-unprepared: the same with items arriving without their
//     signature, so that SaveItems prepares them itself (on a goroutine of
//     its own while it writes the items).
//   - prepare: computing the signatures of the 20,000 items alone (what
//     stories-on leaves out of its timed part), in items/cpu_s and
//     cpu_us/item.
func BenchmarkIngest(b *testing.B) {
	b.Run("stories-off", func(b *testing.B) { benchIngest(b, false, false) })
	b.Run("stories-on", func(b *testing.B) { benchIngest(b, true, true) })
	b.Run("stories-on-unprepared", func(b *testing.B) { benchIngest(b, true, false) })
	b.Run("prepare", benchPrepare)
}

const ingestTotal, ingestBatch = 20_000, 500

// ingestBatches makes the items of BenchmarkIngest.
func ingestBatches() [][]newswatch.IngestItem {
	g := newGen(1)
	t0 := time.Now().Add(-24 * time.Hour)
	var batches [][]newswatch.IngestItem
	for n := 0; n < ingestTotal; n += ingestBatch {
		items := make([]newswatch.IngestItem, ingestBatch)
		for j := range items {
			items[j] = newswatch.IngestItem{Item: g.item(fmt.Sprintf("item-%d", n+j), t0.Add(time.Duration(n+j)*time.Second))}
		}
		batches = append(batches, items)
	}
	return batches
}

func benchIngest(b *testing.B, withStories, prepared bool) {
	ctx := context.Background()
	var elapsed, cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		var feeds []int64
		for f := 0; f < 20; f++ {
			fd, err := db.EnsureFeed(ctx, fmt.Sprintf("https://feed%d.example/rss", f), "", "cli", 0)
			if err != nil {
				b.Fatal(err)
			}
			feeds = append(feeds, fd.ID)
		}
		as := stories.NewAssigner(db, 0)
		if withStories {
			if err := as.Load(ctx); err != nil {
				b.Fatal(err)
			}
			db.SetStoryDecider(as)
		}
		batches := ingestBatches()
		if withStories && prepared {
			for _, items := range batches {
				db.PrepareStories(items)
			}
		}
		runtime.GC() // the set-up's garbage is not the save's
		b.StartTimer()
		start, cpu0 := time.Now(), cpuTime(b)
		for k, items := range batches {
			feed := feeds[k%len(feeds)]
			if _, err := db.SaveItems(ctx, feed, items); err != nil {
				b.Fatal(err)
			}
			batches[k] = nil
		}
		elapsed += time.Since(start)
		cpu += cpuTime(b) - cpu0
		b.StopTimer()
		if withStories {
			if _, left, err := db.OldestUnassigned(ctx); err != nil || left {
				b.Fatalf("items left without a story: %v, %v", left, err)
			}
		}
		db.Close()
	}
	// The machine may be shared: items per CPU second is the steadier
	// figure of the two.
	b.ReportMetric(float64(ingestTotal*b.N)/elapsed.Seconds(), "items/s")
	b.ReportMetric(float64(ingestTotal*b.N)/cpu.Seconds(), "items/cpu_s")
}

// benchPrepare measures the preparation BenchmarkIngest's stories-on does
// before its timed part.
func benchPrepare(b *testing.B) {
	as := stories.NewAssigner(nil, 0)
	var cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		batches := ingestBatches()
		b.StartTimer()
		cpu0 := cpuTime(b)
		for _, items := range batches {
			for j := range items {
				it := &items[j].Item
				c := newswatch.StoryCandidate{Title: it.Title, Text: it.Text, Link: it.Link}
				as.PrepareStory(&c)
				items[j].Story = c.Prepared
			}
		}
		cpu += cpuTime(b) - cpu0
	}
	b.ReportMetric(float64(ingestTotal*b.N)/cpu.Seconds(), "items/cpu_s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(ingestTotal*b.N), "cpu_us/item")
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkIndex measures deciding one item against a window of 50,000
// items (ns/op, and CPU µs per item, steadier on a shared machine) and the
// memory the window holds per item (bytes/item, from the live heap before
// and after filling it).
func BenchmarkIndex(b *testing.B) {
	const window = 50_000
	g := newGen(2)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	docs := make([]stories.Doc, window+b.N)
	for i := range docs {
		it := g.item(fmt.Sprint(i), t0.Add(time.Duration(i)*time.Second))
		docs[i] = stories.Doc{ItemID: int64(i + 1), FeedID: int64(i%1000 + 1), Title: it.Title, Text: it.Text, Link: it.Link, Time: it.Published}
	}
	g = nil
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	x := stories.NewIndex(0, stories.DefaultLine)
	for _, d := range docs[:window] {
		stories.AssignForBench(x, d)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	perItem := float64(after.HeapAlloc-before.HeapAlloc) / window
	b.ResetTimer()
	cpu0 := cpuTime(b)
	for i := 0; i < b.N; i++ {
		stories.AssignForBench(x, docs[window+i])
	}
	b.StopTimer()
	b.ReportMetric(float64((cpuTime(b)-cpu0).Microseconds())/float64(b.N), "cpu_us/item")
	b.ReportMetric(perItem, "bytes/item")
	runtime.KeepAlive(docs)
}

// BenchmarkDecide measures the locked part of a decision as DecideStories
// does it, in batches of 50 prepared items against a window of 50,000:
// everything but preparing and the store's URL look-up (cpu_us/item).
func BenchmarkDecide(b *testing.B) {
	const window, batch = 50_000, 50
	n := window + (b.N+batch-1)/batch*batch
	cands := preparedCands(n)
	x := stories.NewIndex(0, stories.DefaultLine)
	for i := 0; i < window; i += batch {
		stories.DecideForBench(x, cands[i:i+batch])
	}
	b.ResetTimer()
	cpu0 := cpuTime(b)
	for i := window; i < n; i += batch {
		stories.DecideForBench(x, cands[i:i+batch])
	}
	b.StopTimer()
	b.ReportMetric(float64((cpuTime(b)-cpu0).Microseconds())/float64(n-window), "cpu_us/item")
}

// preparedCands makes n prepared candidates of BenchmarkDecide's stream:
// a second apart, over 1,000 feeds.
func preparedCands(n int) []newswatch.StoryCandidate {
	g := newGen(2)
	as := stories.NewAssigner(nil, 0)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cands := make([]newswatch.StoryCandidate, n)
	for i := range cands {
		it := g.item(fmt.Sprint(i), t0.Add(time.Duration(i)*time.Second))
		cands[i] = newswatch.StoryCandidate{ItemID: int64(i + 1), FeedID: int64(i%1000 + 1), Title: it.Title, Text: it.Text, Link: it.Link, Time: it.Published}
		as.PrepareStory(&cands[i])
	}
	return cands
}

// BenchmarkDecideFull is BenchmarkDecide against a window that is full:
// 5,000 items, each batch pruning the oldest as it adds its own, as a
// store that has run for longer than the window does. Run it with
// -benchmem: what a decision allocates once the index has grown to its
// size (B/op, allocs/op per item).
func BenchmarkDecideFull(b *testing.B) {
	const window, batch = 5_000, 50
	const span = window * time.Second // items are a second apart
	warm := 4 * window                // the index reaches its size, and its maps theirs
	n := warm + (b.N+batch-1)/batch*batch
	cands := preparedCands(n)
	x := stories.NewIndex(span, stories.DefaultLine)
	for i := 0; i < warm; i += batch {
		x.Prune(cands[i].Time.Add(-span))
		stories.DecideForBench(x, cands[i:i+batch])
	}
	b.ResetTimer()
	cpu0 := cpuTime(b)
	for i := warm; i < n; i += batch {
		x.Prune(cands[i].Time.Add(-span))
		stories.DecideForBench(x, cands[i:i+batch])
	}
	b.StopTimer()
	b.ReportMetric(float64((cpuTime(b)-cpu0).Microseconds())/float64(n-warm), "cpu_us/item")
}
