package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
)

// BenchmarkRouteRules measures what route rules add to ingest: SaveItems
// of 20,000 items of about 1 KB (two mentions each, alerts on, batches of
// 500) into the world of BenchmarkSaveItems, with
//
//   - "none": its routes only (console and three guild routes);
//   - "1000-quiet": 1,000 more routes that are quiet (loaded with each
//     save, never evaluated): the cost of having the routes at all;
//   - "1000-queries": 1,000 more routes, each with a query of watches and
//     words in the /search language (ORs, exclusions, every tenth a phrase,
//     every tenth a prefix, some Cyrillic), a fifth of them also naming
//     watches, a few percent of items matching one: the cost of evaluating
//     the rules, plus the few alerts they let through.
//
// Compare items/s and cpu-µs/item of "1000-queries" with "none" (the
// target: at most 10% slower). In these every item mentions watches, so
// every item is evaluated against every route; in a live feed most items
// mention none and end the rules at once: the "-10pct" pair has mentions in
// one item of ten.
func BenchmarkRouteRules(b *testing.B) {
	b.Run("none", func(b *testing.B) { benchRules(b, 0, false, 1) })
	b.Run("1000-quiet", func(b *testing.B) { benchRules(b, 1000, true, 1) })
	b.Run("1000-queries", func(b *testing.B) { benchRules(b, 1000, false, 1) })
	b.Run("none-10pct", func(b *testing.B) { benchRules(b, 0, false, 10) })
	b.Run("1000-queries-10pct", func(b *testing.B) { benchRules(b, 1000, false, 10) })
}

// benchRules saves the items with that many more routes; one item in every
// mentionEvery keeps its mentions.
func benchRules(b *testing.B, routes int, quiet bool, mentionEvery int) {
	const total, batch = 20_000, 500
	ctx := context.Background()
	var elapsed, cpu time.Duration
	alerts := 0
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		feeds, ws := benchWorld(b, db)
		c := newCorpus(1, ws)
		rnd := rand.New(rand.NewSource(7))
		for r := 0; r < routes; r++ {
			rt := newswatch.Route{GuildID: fmt.Sprintf("rg%d", r), ChannelID: "c", Quiet: quiet, Query: benchQuery(rnd, c, ws, r)}
			if r%5 == 0 {
				rt.Watches = []string{ws[rnd.Intn(len(ws))].Name, ws[rnd.Intn(len(ws))].Name}
			}
			must(db.SetRoute(ctx, rt, 0))(b)
		}
		t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		var batches [][]newswatch.IngestItem
		for n := 0; n < total; n += batch {
			items := make([]newswatch.IngestItem, batch)
			for j := range items {
				items[j] = c.item(fmt.Sprintf("item-%d", n+j), t0.Add(time.Duration(n+j)*time.Second))
				if (n+j)%mentionEvery != 0 {
					items[j].Mentions = nil
				}
			}
			batches = append(batches, items)
		}
		b.StartTimer()
		start, cpu0 := time.Now(), processCPU()
		for k, items := range batches {
			// the global feeds: every route is a candidate
			res, err := db.SaveItems(ctx, feeds[k%10].ID, items)
			if err != nil {
				b.Fatal(err)
			}
			alerts += res.Alerts
		}
		elapsed += time.Since(start)
		cpu += processCPU() - cpu0
		b.StopTimer()
		db.Close()
	}
	b.ReportMetric(float64(total*b.N)/elapsed.Seconds(), "items/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(total*b.N), "cpu-µs/item")
	b.ReportMetric(float64(alerts)/float64(total*b.N), "alerts/item")
}

// benchQuery is the query of bench route r: watch names and words of the
// corpus in the /search language.
func benchQuery(rnd *rand.Rand, c *corpus, ws []newswatch.Watch, r int) string {
	// Words of four syllables from the rarer half of the Zipf curve: the
	// shorter made-up words repeat in the vocabulary, and so are common.
	word := func() string {
		for {
			if w := c.vocab[8000+rnd.Intn(12000)]; len(w) >= 9 {
				return w
			}
		}
	}
	w1, w2 := ws[rnd.Intn(len(ws))].Name, ws[rnd.Intn(len(ws))].Name
	var q strings.Builder
	fmt.Fprintf(&q, "(%s OR %s) (%s OR %s)", w1, w2, word(), word())
	switch r % 10 {
	case 3:
		fmt.Fprintf(&q, ` "%s %s"`, c.vocab[rnd.Intn(40)], c.vocab[rnd.Intn(40)])
	case 7:
		fmt.Fprintf(&q, " %s*", word()[:3])
	case 5:
		fmt.Fprintf(&q, " OR %s", cyrillicWords[rnd.Intn(len(cyrillicWords))]+" "+word())
	}
	fmt.Fprintf(&q, " -%s", word())
	return q.String()
}

// BenchmarkRuleEval measures rule evaluation alone: the filter step of
// a save's alerts (ruleCands, then the cap) for every one of 1,000 routes with queries (as
// in BenchmarkRouteRules), for stored items of about 1 KB with two
// mentions each, inside a transaction that is rolled back. Reported per
// item: compare with the cpu-µs/item of BenchmarkRouteRules/none.
func BenchmarkRuleEval(b *testing.B) {
	const items = 2000
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	feeds, ws := benchWorld(b, db)
	c := newCorpus(1, ws)
	rnd := rand.New(rand.NewSource(7))
	for r := 0; r < 1000; r++ {
		rt := newswatch.Route{GuildID: fmt.Sprintf("rg%d", r), ChannelID: "c", Query: benchQuery(rnd, c, ws, r)}
		if r%5 == 0 {
			rt.Watches = []string{ws[rnd.Intn(len(ws))].Name, ws[rnd.Intn(len(ws))].Name}
		}
		must(db.SetRoute(ctx, rt, 0))(b)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	in := make([]newswatch.IngestItem, items)
	for j := range in {
		in[j] = c.item(fmt.Sprintf("item-%d", j), t0.Add(time.Duration(j)*time.Second))
		in[j].Alert = false
	}
	must(db.SaveItems(ctx, feeds[0].ID, in))(b)
	type stored struct {
		it      *newswatch.Item
		id      int64
		watches []int64
	}
	var its []stored
	for j := range in {
		it := &in[j]
		var ids []int64
		for _, m := range it.Mentions {
			ids = append(ids, m.WatchID)
		}
		var id int64
		if err := db.r.QueryRow(`SELECT id FROM items WHERE feed_id = ? AND key = ?`, feeds[0].ID, it.Item.Key).Scan(&id); err != nil {
			b.Fatal(err)
		}
		its = append(its, stored{&it.Item, id, ids})
	}
	wanted := 0
	b.ResetTimer()
	cpu0 := processCPU()
	for i := 0; i < b.N; i++ {
		err := db.tx(ctx, func(tx *sql.Tx) error {
			s := &saver{ctx: ctx, tx: tx, feedID: feeds[0].ID, now: time.Now()}
			if err := s.prepare(); err != nil {
				return err
			}
			defer s.close()
			for _, it := range its {
				for i := range s.routes {
					cand, err := s.ruleCands(&s.routes[i], it.it, it.id, 1, it.watches, nil)
					if err != nil {
						return err
					}
					if len(cand) > 0 {
						wanted++
					}
				}
			}
			return errRollback
		})
		if err != errRollback {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*items), "µs/item")
	// CPU time moves less than wall-clock time with the load of other
	// processes on a shared machine.
	b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/float64(b.N*items), "cpu-µs/item")
	b.ReportMetric(float64(wanted)/float64(b.N*items), "alerts/item")
}

var errRollback = errors.New("roll back")
