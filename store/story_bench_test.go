package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
)

// benchStories groups the items of the search benchmark's database into
// stories once (the database is cached between runs): in each block of
// 4,000 items (four batches of 1,000, from four feeds) the items at the
// same place in the first half of each batch form a story of four items
// from four sources; the other half are stories of one. Half the items are
// then in multi-source stories, more than real feeds give, so that
// collapsing does real work.
func benchStories(b *testing.B, path string) {
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM items WHERE story_id IS NOT NULL LIMIT 1)`).Scan(&n); err != nil {
		b.Fatal(err)
	}
	if n > 0 {
		return
	}
	b.Logf("grouping the %d items of %s into stories (once)", searchDBItems, path)
	start := time.Now()
	const storyOf = `CASE WHEN (id - 1) % 1000 >= 500 THEN id ELSE ((id - 1) / 4000) * 4000 + (id - 1) % 1000 + 1 END`
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO stories (id, first_item_id, title, first_seen, last_seen)
		SELECT id, id, title, ts, ts FROM items WHERE `+storyOf+` = id`); err != nil {
		b.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE items SET story_id = `+storyOf+`
		WHERE EXISTS (SELECT 1 FROM stories s WHERE s.id = `+storyOf+`)`); err != nil {
		b.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE mentions SET story_id = i.story_id FROM items i WHERE i.id = mentions.item_id`); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if _, err := db.w.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		b.Fatal(err)
	}
	b.Logf("grouped in %v", time.Since(start).Round(time.Second))
}

// BenchmarkSearchStories runs BenchmarkSearch's queries on the same
// million items grouped into stories, each query through Search (items)
// and then SearchStories (one entry per story), so that both see the same
// load on a shared machine, and reports the median and 95th percentile
// latency of each.
func BenchmarkSearchStories(b *testing.B) {
	path := searchDB(b)
	benchStories(b, path)
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	queries := append([]newswatch.SearchQuery(nil), searchQueries...)
	vocab := newCorpus(2, nil).vocab
	for _, k := range []int{3000, 9000, 15000, 19000} {
		queries = append(queries, newswatch.SearchQuery{Query: vocab[k]})
	}
	queries = append(queries, newswatch.SearchQuery{Query: vocab[500] + " " + vocab[700]})
	for _, q := range queries { // warm the page cache
		if _, err := db.SearchStories(ctx, q); err != nil {
			b.Fatalf("%q: %v", q.Query, err)
		}
	}
	var items, stories []time.Duration
	var itemsCPU, storiesCPU time.Duration // CPU time moves much less with other processes' load
	collapsed := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for round := 0; round < 4; round++ {
			for _, q := range queries {
				start, cpu := time.Now(), processCPU()
				if _, err := db.Search(ctx, q); err != nil {
					b.Fatalf("%q: %v", q.Query, err)
				}
				items = append(items, time.Since(start))
				itemsCPU += processCPU() - cpu
				start, cpu = time.Now(), processCPU()
				hits, err := db.SearchStories(ctx, q)
				stories = append(stories, time.Since(start))
				storiesCPU += processCPU() - cpu
				if err != nil {
					b.Fatalf("%q: %v", q.Query, err)
				}
				if len(hits) == 0 && q.Offset == 0 {
					b.Fatalf("%q: no hits", q.Query)
				}
				for _, h := range hits {
					if h.ItemCount > 1 {
						collapsed++
					}
				}
			}
		}
	}
	b.StopTimer()
	if collapsed == 0 {
		b.Fatal("no entry stands for more than one item: nothing was collapsed")
	}
	b.ReportMetric(float64(itemsCPU.Microseconds())/1000/float64(len(items)), "items-cpu-ms/op")
	b.ReportMetric(float64(storiesCPU.Microseconds())/1000/float64(len(stories)), "stories-cpu-ms/op")
	for _, m := range []struct {
		name string
		lat  []time.Duration
	}{{"items", items}, {"stories", stories}} {
		slices.Sort(m.lat)
		pct := func(p float64) float64 { return float64(m.lat[int(p*float64(len(m.lat)-1))].Microseconds()) / 1000 }
		b.ReportMetric(pct(0.50), m.name+"-p50-ms")
		b.ReportMetric(pct(0.95), m.name+"-p95-ms")
	}
}

// BenchmarkLatest reads the first and the tenth page of 10 entries of
// Latest (items) and LatestStories (one entry per story), for everyone and
// for a guild, on the grouped database.
func BenchmarkLatest(b *testing.B) {
	path := searchDB(b)
	benchStories(b, path)
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	queries := []newswatch.LatestQuery{{Limit: 10}, {Limit: 10, Offset: 90}, {GuildID: "guild1", Limit: 10}, {GuildID: "guild1", Limit: 10, Offset: 90}}
	for _, bc := range []struct {
		name string
		get  func(q newswatch.LatestQuery) (int, error)
	}{
		{"items", func(q newswatch.LatestQuery) (int, error) { it, err := db.Latest(ctx, q); return len(it), err }},
		{"stories", func(q newswatch.LatestQuery) (int, error) { h, err := db.LatestStories(ctx, q); return len(h), err }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var lat []time.Duration
			for i := 0; i < b.N; i++ {
				for round := 0; round < 5; round++ {
					for _, q := range queries {
						start := time.Now()
						n, err := bc.get(q)
						lat = append(lat, time.Since(start))
						if err != nil || n != 10 {
							b.Fatalf("%+v: %d entries, %v", q, n, err)
						}
					}
				}
			}
			slices.Sort(lat)
			pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.95), "p95-ms")
		})
	}
}

// BenchmarkMentionsByStory reads the first and the tenth page of 10
// mentions of a common watch, as items (Mentions) and by story
// (MentionStories), for everyone and for a guild, and their counts
// (CountMentions), on the grouped database.
func BenchmarkMentionsByStory(b *testing.B) {
	path := searchDB(b)
	benchStories(b, path)
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	queries := []newswatch.MentionQuery{{Entity: "Kyiv", Limit: 10}, {Entity: "Kyiv", Limit: 10, Offset: 90},
		{GuildID: "guild1", Entity: "Kyiv", Limit: 10}, {GuildID: "guild1", Entity: "Kyiv", Limit: 10, Offset: 90}}
	for _, bc := range []struct {
		name string
		get  func(q newswatch.MentionQuery) (int, error)
	}{
		{"items", func(q newswatch.MentionQuery) (int, error) { m, err := db.Mentions(ctx, q); return len(m), err }},
		{"stories", func(q newswatch.MentionQuery) (int, error) { m, err := db.MentionStories(ctx, q); return len(m), err }},
		{"count", func(q newswatch.MentionQuery) (int, error) { _, err := db.CountMentions(ctx, q); return 10, err }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var lat []time.Duration
			for i := 0; i < b.N; i++ {
				for round := 0; round < 3; round++ {
					for _, q := range queries {
						start := time.Now()
						n, err := bc.get(q)
						lat = append(lat, time.Since(start))
						if err != nil || n != 10 {
							b.Fatalf("%+v: %d entries, %v", q, n, err)
						}
					}
				}
			}
			slices.Sort(lat)
			pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.95), "p95-ms")
		})
	}
}

// BenchmarkStats times Stats and StoryStats (what /stats asks for) for
// everyone and for a guild on the grouped database.
func BenchmarkStats(b *testing.B) {
	path := searchDB(b)
	benchStories(b, path)
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for _, bc := range []struct {
		name string
		get  func(g string) error
	}{
		{"items", func(g string) error { _, err := db.Stats(ctx, g); return err }},
		{"stories", func(g string) error { _, err := db.StoryStats(ctx, g); return err }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				for _, g := range []string{"", "guild1"} {
					if err := bc.get(g); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
