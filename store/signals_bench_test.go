//go:build unix

package store

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/query"
)

// BenchmarkRouteQueries measures what evaluating 1,000 route queries in
// process adds to ingest: it saves 20,000 items of the SaveItems corpus
// (about 1 KB, with alerts) in batches of 500 and, between batches, matches
// the same 500 items against 1,000 queries, so that both run under the same
// machine load. It reports each per item and the overhead in percent, in
// wall time and in CPU time. Every item is matched here; at ingest only
// the items with a mention need be (a route alerts only for its watches).
//
// "common-words" builds the queries from the corpus's 2,000 most frequent
// words (the, of, said…), so an item is a candidate of most queries and
// matches about 190 of them: a worst case. "topic-words" uses words of
// rank 500 to 20,000, as real route queries (names, "shelling", "strike")
// are rarer than function words.
func BenchmarkRouteQueries(b *testing.B) {
	b.Run("common-words", func(b *testing.B) { benchRouteQueries(b, 0, 2000) })
	b.Run("topic-words", func(b *testing.B) { benchRouteQueries(b, 500, 19500) })
}

func benchRouteQueries(b *testing.B, rank0, ranks int) {
	const total, batch, routes = 20_000, 500, 1000
	ctx := context.Background()
	var save, match, saveCPU, matchCPU time.Duration
	matched := 0
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		feeds, ws := benchWorld(b, db)
		c := newCorpus(1, ws)
		set := query.NewSet(benchRoutes(b, c, ws, routes, rank0, ranks))
		t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		b.StartTimer()
		var dst []int
		for n := 0; n < total; n += batch {
			items := make([]newswatch.IngestItem, batch)
			for j := range items {
				items[j] = c.item(fmt.Sprintf("item-%d", n+j), t0.Add(time.Duration(n+j)*time.Second))
			}
			start, cpu := time.Now(), cpuTime(b)
			for _, it := range items {
				dst = set.Match(dst[:0], it.Item.Title, it.Item.Text)
				matched += len(dst)
			}
			match += time.Since(start)
			matchCPU += cpuTime(b) - cpu
			start, cpu = time.Now(), cpuTime(b)
			if _, err := db.SaveItems(ctx, feeds[(n/batch)%len(feeds)].ID, items); err != nil {
				b.Fatal(err)
			}
			save += time.Since(start)
			saveCPU += cpuTime(b) - cpu
		}
		b.StopTimer()
		db.Close()
	}
	n := float64(total * b.N)
	b.ReportMetric(float64(save.Nanoseconds())/n, "save-ns/item")
	b.ReportMetric(float64(match.Nanoseconds())/n, "match-ns/item")
	b.ReportMetric(100*match.Seconds()/save.Seconds(), "overhead-%")
	b.ReportMetric(float64(saveCPU.Nanoseconds())/n, "save-cpu-ns/item")
	b.ReportMetric(float64(matchCPU.Nanoseconds())/n, "match-cpu-ns/item")
	b.ReportMetric(100*matchCPU.Seconds()/saveCPU.Seconds(), "overhead-cpu-%")
	b.ReportMetric(float64(matched)/n, "routes-matched/item")
}

// cpuTime is the CPU time (user and system) the process has used: on a
// loaded machine wall time inflates CPU-bound work (matching) more than
// work that also waits on the disk (saving), so both are reported.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchRoutes makes n route queries from the corpus's words of rank rank0
// to rank0+ranks and the watch names: a quarter each of a single name,
// "(a OR b) (c OR strike) -d", `"a b" OR c` and "a pre*".
func benchRoutes(b *testing.B, c *corpus, ws []newswatch.Watch, n, rank0, ranks int) []*query.Expr {
	word := func(i int) string { return c.vocab[rank0+(i*37)%ranks] }
	out := make([]*query.Expr, n)
	for i := range out {
		name := ws[i%len(ws)].Name
		var q string
		switch i % 4 {
		case 0:
			q = name
		case 1:
			q = fmt.Sprintf("(%s OR %s) (%s OR strike) -%s", name, ws[(i+1)%len(ws)].Name, word(i), word(i+1))
		case 2:
			q = fmt.Sprintf(`"%s %s" OR %s`, word(i), word(i+2), name)
		case 3:
			q = fmt.Sprintf("%s %s*", name, string([]rune(word(i + 3))[:2]))
		}
		e, err := query.Parse(q)
		if err != nil {
			b.Fatalf("Parse(%q): %v", q, err)
		}
		out[i] = e
	}
	return out
}
