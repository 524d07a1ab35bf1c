package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
)

// BenchmarkSpikeBuckets measures one spike scan's read: the hourly story
// counts of every watch over the 7-day window plus the current hour
// (169 hours), over a week of 50,000 items each mentioning one or two of
// 100 watches, for the operator (every feed) and for a guild (its
// visible feeds). The daemon runs it once per scope every
// [signals] interval (a whole window once an hour, the last two hours on
// the other ticks: cmd/newswatch scopeCounts). MentionBuckets over the
// same window is the reference.
func BenchmarkSpikeBuckets(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	feed, err := db.EnsureFeed(ctx, "https://wire.example/rss", "", "config", 0)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.AddFeed(ctx, "g1", "https://g1.example/rss", 0, 0); err != nil {
		b.Fatal(err)
	}
	var ws []newswatch.Watch
	for i := range 100 {
		w, _, err := db.PutWatch(ctx, newswatch.Watch{Name: fmt.Sprintf("Town%03d", i), Kind: newswatch.KindCity}, 0)
		if err != nil {
			b.Fatal(err)
		}
		ws = append(ws, w)
	}
	const items, batch = 50_000, 1000
	now := time.Date(2026, 3, 8, 12, 30, 0, 0, time.UTC)
	start := now.Add(-7 * 24 * time.Hour)
	step := (7 * 24 * time.Hour) / items
	for n := 0; n < items; n += batch {
		in := make([]newswatch.IngestItem, batch)
		for j := range in {
			k := n + j
			at := start.Add(time.Duration(k) * step)
			w1, w2 := ws[k%len(ws)], ws[(k*7)%len(ws)]
			it := newswatch.Item{Key: fmt.Sprint(k), GUID: fmt.Sprint(k), Title: w1.Name + " and " + w2.Name,
				Link: fmt.Sprintf("https://wire.example/%d", k), Published: at, FetchedAt: at}
			ms := []newswatch.Mention{{WatchID: w1.ID, Entity: w1.Name, Kind: w1.Kind, Start: 0, End: 7, Text: w1.Name}}
			if w2.ID != w1.ID {
				ms = append(ms, newswatch.Mention{WatchID: w2.ID, Entity: w2.Name, Kind: w2.Kind, Start: 12, End: 19, Text: w2.Name})
			}
			in[j] = newswatch.IngestItem{Item: it, Mentions: ms}
		}
		if _, err := db.SaveItems(ctx, feed.ID, in); err != nil {
			b.Fatal(err)
		}
	}
	since, until := now.Truncate(time.Hour).Add(-7*24*time.Hour), now.Truncate(time.Hour).Add(time.Hour)
	b.Run("MentionBuckets", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.MentionBuckets(ctx, "", nil, time.Hour, since, until); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("last-two-hours", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.SpikeBuckets(ctx, "", until.Add(-2*time.Hour), until); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, guild := range []string{"", "g1"} {
		b.Run("guild="+guild, func(b *testing.B) {
			for b.Loop() {
				got, err := db.SpikeBuckets(ctx, guild, since, until)
				if err != nil || len(got) < 100*160 {
					b.Fatalf("%d buckets, %v", len(got), err)
				}
			}
		})
	}
}
