package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
)

// corpus generates realistic-looking news items: Zipf-distributed words
// from a vocabulary of common English words, some Ukrainian and Russian
// ones and thousands of rarer made-up words, in sentences, with a couple of
// watched names placed in each body.
type corpus struct {
	rnd     *rand.Rand
	zipf    *rand.Zipf
	vocab   []string
	watches []newswatch.Watch
}

var commonWords = strings.Fields(`the of and to in a is that for on with as was at by said from
it an be has have are were his her its their they after over more than new about into two people
government military forces attack city officials reported police minister president war region
week year security local power water report state news border troops drone missile strike
shelling residents killed wounded night morning authorities meeting talks agreement energy`)

var cyrillicWords = strings.Fields(`київ обстріл місто війна україна харків мер влада новини дрон
ракета удар вибух область фронт армія уряд люди вечір ранок зустріч переговори енергетика
москва россия война город новости обстрел взрыв ёлка`)

func newCorpus(seed int64, watches []newswatch.Watch) *corpus {
	rnd := rand.New(rand.NewSource(seed))
	vocab := append(append([]string(nil), commonWords...), cyrillicWords...)
	syll := strings.Fields("ka ro mi te lun var sen dor pel ti na bo shen gra vil os tur mek zal pri")
	for len(vocab) < 20000 {
		n := 2 + rnd.Intn(3)
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString(syll[rnd.Intn(len(syll))])
		}
		vocab = append(vocab, b.String())
	}
	return &corpus{rnd: rnd, zipf: rand.NewZipf(rnd, 1.07, 2, uint64(len(vocab)-1)), vocab: vocab, watches: watches}
}

func (c *corpus) sentence(b *strings.Builder, words int) {
	for i := 0; i < words; i++ {
		w := c.vocab[c.zipf.Uint64()]
		if i == 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		} else {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	b.WriteString(". ")
}

// item returns an item of about 1 KB with two mentions of its watches.
func (c *corpus) item(key string, at time.Time) newswatch.IngestItem {
	var title strings.Builder
	c.sentence(&title, 6+c.rnd.Intn(5))
	t := strings.TrimSpace(title.String())
	var body strings.Builder
	var mentions []newswatch.Mention
	for body.Len() < 1000 {
		c.sentence(&body, 8+c.rnd.Intn(12))
		if len(mentions) < 2 && len(c.watches) > 0 && c.rnd.Intn(3) == 0 {
			w := c.watches[c.rnd.Intn(len(c.watches))]
			body.WriteString("Officials in ")
			start := len(t) + 2 + body.Len()
			body.WriteString(w.Name)
			mentions = append(mentions, newswatch.Mention{WatchID: w.ID, Entity: w.Name, Kind: w.Kind,
				Start: start, End: start + len(w.Name), Text: w.Name})
			body.WriteString(" said so. ")
		}
	}
	it := newswatch.Item{Key: key, GUID: key, Title: t, Text: strings.TrimSpace(body.String()),
		Link: "https://news.example/" + key, Published: at, FetchedAt: at}
	return newswatch.IngestItem{Item: it, Mentions: mentions, Alert: true}
}

// benchWorld creates feeds, watches and routes in db and returns the feeds
// and the watches.
func benchWorld(tb testing.TB, db *DB) ([]newswatch.Feed, []newswatch.Watch) {
	ctx := context.Background()
	var feeds []newswatch.Feed
	for i := 0; i < 20; i++ {
		g := ""
		if i >= 10 {
			g = fmt.Sprintf("guild%d", i%3)
		}
		feeds = append(feeds, must(db.EnsureFeed(ctx, fmt.Sprintf("https://feed%d.example/rss", i), g, "cli", 0))(tb))
	}
	var ws []newswatch.Watch
	for _, n := range []string{"Kyiv", "Kharkiv", "Odesa", "Bakhmut", "Zelensky", "Sloviansk", "Lviv", "Dnipro"} {
		kind := newswatch.KindCity
		if n == "Zelensky" {
			kind = newswatch.KindActor
		}
		w, _ := must2(db.PutWatch(ctx, newswatch.Watch{Name: n, Kind: kind}, 0))(tb)
		ws = append(ws, w)
	}
	if err := db.EnsureConsoleRoute(ctx, true); err != nil {
		tb.Fatal(err)
	}
	for g := 0; g < 3; g++ {
		must(db.SetRoute(ctx, newswatch.Route{GuildID: fmt.Sprintf("guild%d", g), ChannelID: "c"}, 0))(tb)
	}
	return feeds, ws
}

// BenchmarkSaveItems stores 100,000 items of about 1 KB, in batches of 500,
// into a fresh database and reports items/s: "alerts" with two mentions per
// item, each item fanning out to the console and guild routes (2.5 outbox
// rows on average); "no-alerts" with the mentions but no alerts (a feed's
// first poll); "items-only" with neither, just the items and their
// full-text entries.
func BenchmarkSaveItems(b *testing.B) {
	b.Run("alerts", func(b *testing.B) { benchSave(b, true, true, false) })
	b.Run("no-alerts", func(b *testing.B) { benchSave(b, false, true, false) })
	b.Run("items-only", func(b *testing.B) { benchSave(b, false, false, false) })
	// The same as "alerts" with the full-text index left out: the most a
	// save can do on this machine whatever the index costs.
	b.Run("alerts-no-index", func(b *testing.B) { benchSave(b, true, true, true) })
}

func benchSave(b *testing.B, alert, mentions, noIndex bool) {
	const total, batch = 100_000, 500
	ctx := context.Background()
	var elapsed, cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		db.noIndex = noIndex
		feeds, ws := benchWorld(b, db)
		c := newCorpus(1, ws)
		t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		batches := make([][]newswatch.IngestItem, 0, total/batch)
		for n := 0; n < total; n += batch {
			items := make([]newswatch.IngestItem, batch)
			for j := range items {
				items[j] = c.item(fmt.Sprintf("item-%d", n+j), t0.Add(time.Duration(n+j)*time.Second))
				items[j].Alert = alert
				if !mentions {
					items[j].Mentions = nil
				}
			}
			batches = append(batches, items)
		}
		b.StartTimer()
		start, cpu0 := time.Now(), processCPU()
		for k, items := range batches {
			if _, err := db.SaveItems(ctx, feeds[k%len(feeds)].ID, items); err != nil {
				b.Fatal(err)
			}
		}
		elapsed += time.Since(start)
		cpu += processCPU() - cpu0
		b.StopTimer()
		db.Close()
	}
	b.ReportMetric(float64(total*b.N)/elapsed.Seconds(), "items/s")
	// CPU time per item: on a shared machine the wall-clock rate moves
	// with other processes' load, this much less (disk waits not included).
	b.ReportMetric(float64(cpu.Microseconds())/float64(total*b.N), "cpu-µs/item")
}

// processCPU returns the user and system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// searchDBItems is the size of the search benchmark's database.
const searchDBItems = 1_000_000

// searchDB returns the path of a database of searchDBItems items, built
// once and cached in the temporary directory under a name derived from the
// schema and the generator, so that reruns start at once.
func searchDB(b *testing.B) string {
	h := sha256.New()
	fs.WalkDir(migrations, "migrations", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			body, _ := migrations.ReadFile(path)
			h.Write(body)
		}
		return nil
	})
	fmt.Fprintf(h, "corpus v1 %d", searchDBItems)
	path := filepath.Join(os.TempDir(), "newswatch-store-bench-"+hex.EncodeToString(h.Sum(nil)[:6])+".db")
	if _, err := os.Stat(path); err == nil {
		return path
	}
	b.Logf("building %s with %d items (once)", path, searchDBItems)
	ctx := context.Background()
	tmp := path + ".building"
	os.Remove(tmp)
	os.Remove(tmp + "-wal")
	os.Remove(tmp + "-shm")
	db, err := Open(ctx, tmp)
	if err != nil {
		b.Fatal(err)
	}
	feeds, ws := benchWorld(b, db)
	c := newCorpus(2, ws)
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	const batch = 1000
	start := time.Now()
	for n := 0; n < searchDBItems; n += batch {
		items := make([]newswatch.IngestItem, batch)
		for j := range items {
			// Mostly in order, like a live feed, with some jitter.
			at := t0.Add(time.Duration(n+j)*30*time.Second - time.Duration(c.rnd.Intn(3600))*time.Second)
			items[j] = c.item(fmt.Sprintf("item-%d", n+j), at)
			items[j].Alert = false
		}
		if _, err := db.SaveItems(ctx, feeds[(n/batch)%len(feeds)].ID, items); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := db.w.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		b.Fatal(err)
	}
	db.Close()
	b.Logf("built in %v", time.Since(start).Round(time.Second))
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	os.Remove(tmp + "-wal")
	os.Remove(tmp + "-shm")
	return path
}

// searchQueries are what people type: common and rare words, phrases,
// Cyrillic, prefixes, OR and exclusions.
var searchQueries = []newswatch.SearchQuery{
	{Query: "the"},
	{Query: "said"},
	{Query: "military forces"},
	{Query: "shelling"},
	{Query: "drone strike"},
	{Query: `"officials in"`},
	{Query: `"said so"`},
	{Query: "kyiv"},
	{Query: "Bakhmut"},
	{Query: "zelensky said"},
	{Query: "київ"},
	{Query: "обстріл місто"},
	{Query: "елка"},
	{Query: "війна"},
	{Query: "kyiv -kharkiv"},
	{Query: "drone OR missile"},
	{Query: "secur*"},
	{Query: "minister talks agreement"},
	{Query: "the", GuildID: "guild1"},
	{Query: "kyiv", GuildID: "guild2"},
	{Query: "energy", GuildID: "guild0", Limit: 25},
	{Query: "shelling", Offset: 20},
}

// BenchmarkSearch runs searchQueries against a database of a million
// items and reports the median and 95th percentile latency.
func BenchmarkSearch(b *testing.B) {
	path := searchDB(b)
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for _, q := range searchQueries { // warm the page cache
		if _, err := db.Search(ctx, q); err != nil {
			b.Fatalf("%q: %v", q.Query, err)
		}
	}
	// Rare words: made-up words far down the corpus's Zipf vocabulary.
	vocab := newCorpus(2, nil).vocab
	queries := append([]newswatch.SearchQuery(nil), searchQueries...)
	for _, k := range []int{3000, 9000, 15000, 19000} {
		queries = append(queries, newswatch.SearchQuery{Query: vocab[k]})
	}
	queries = append(queries, newswatch.SearchQuery{Query: vocab[500] + " " + vocab[700]})
	var lat []time.Duration
	slowest := map[string]time.Duration{}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for round := 0; round < 4; round++ {
			for _, q := range queries {
				start := time.Now()
				hits, err := db.Search(ctx, q)
				d := time.Since(start)
				if err != nil {
					b.Fatalf("%q: %v", q.Query, err)
				}
				if len(hits) == 0 && q.Offset == 0 {
					b.Fatalf("%q: no hits", q.Query)
				}
				lat = append(lat, d)
				if d > slowest[q.Query] {
					slowest[q.Query] = d
				}
			}
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(pct(1), "max-ms")
	if testing.Verbose() {
		for q, d := range slowest {
			b.Logf("%-28q slowest %v", q, d.Round(time.Microsecond))
		}
	}
}
