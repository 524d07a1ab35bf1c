package store

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
)

// writeDecider is a StoryDecider whose decisions cost nothing: nine items
// in ten start a story, the tenth joins a story of an earlier batch by text,
// as in stories.BenchmarkIngest. It asks the store for every item's
// canonical URL, as the Assigner does for URLs out of its window, and
// measures on its thread the CPU time of that look-up.
type writeDecider struct {
	stories []int64 // written so far
	cpu     time.Duration
}

func (d *writeDecider) DecideStories(ctx context.Context, cands []newswatch.StoryCandidate,
	byURL func([]string) (map[string]int64, error)) ([]newswatch.StoryAssignment, func([]int64), func(bool), error) {
	t0 := threadCPU()
	canon := make([]string, len(cands))
	for i, c := range cands {
		canon[i] = "https://canon.example/" + c.Key
	}
	if _, err := byURL(canon); err != nil {
		return nil, nil, nil, err
	}
	d.cpu += threadCPU() - t0
	as := make([]newswatch.StoryAssignment, len(cands))
	for i, c := range cands {
		as[i] = newswatch.StoryAssignment{ItemID: c.ItemID, FeedID: c.FeedID, Title: c.Title, Time: c.Time,
			CanonURL: canon[i], How: newswatch.StoryNew, Join: -1}
		if i%10 == 9 && len(d.stories) > 0 {
			as[i].StoryID, as[i].How = d.stories[(i*7919)%len(d.stories)], newswatch.StoryText
		}
	}
	written := func(ids []int64) {
		for i, id := range ids {
			if as[i].StoryID == 0 {
				d.stories = append(d.stories, id)
			}
		}
	}
	return as, written, nil, nil
}

// threadCPU is the calling thread's CPU time (the caller locks its
// goroutine to the thread).
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkStoryWrites saves 20,000 items of about 1 KB in batches of 500
// (or 20, as a poll saves them) over 20 feeds into a fresh database, with no story decider ("off") and
// with writeDecider ("on"), and reports the CPU time per item of the
// saving thread (thread_us/item: the save's own work, without the other
// goroutines' and the collector's; still a few tens of percent apart from
// run to run on a loaded machine, so compare the least of several runs)
// and, for "on", of the
// look-up by canonical URL alone (lookup_us/item). The difference of the two
// thread_us/item figures is what storing stories costs a save.
func BenchmarkStoryWrites(b *testing.B) {
	b.Run("off", func(b *testing.B) { benchStoryWrites(b, false, 500) })
	b.Run("on", func(b *testing.B) { benchStoryWrites(b, true, 500) })
	b.Run("off-20", func(b *testing.B) { benchStoryWrites(b, false, 20) })
	b.Run("on-20", func(b *testing.B) { benchStoryWrites(b, true, 20) })
}

func benchStoryWrites(b *testing.B, on bool, batch int) {
	const total, nFeeds = 20_000, 20
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	ctx := context.Background()
	body := make([]byte, 0, 1100)
	for len(body) < 1000 {
		body = fmt.Appendf(body, "word%d and more words of the body %d. ", len(body), len(body)*7)
	}
	t0 := time.Now().Add(-24 * time.Hour)
	var thread, story time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		var feeds []int64
		for f := 0; f < nFeeds; f++ {
			fd, err := db.EnsureFeed(ctx, fmt.Sprintf("https://feed%d.example/rss", f), "", "cli", 0)
			if err != nil {
				b.Fatal(err)
			}
			feeds = append(feeds, fd.ID)
		}
		d := &writeDecider{}
		if on {
			db.SetStoryDecider(d)
		}
		var batches [][]newswatch.IngestItem
		for n := 0; n < total; n += batch {
			items := make([]newswatch.IngestItem, batch)
			for j := range items {
				k := fmt.Sprintf("item-%d", n+j)
				at := t0.Add(time.Duration(n+j) * time.Second)
				items[j] = newswatch.IngestItem{Item: newswatch.Item{Key: k, GUID: k, Title: "Title of " + k,
					Text: k + " " + string(body), Link: "https://news.example/" + k, Published: at, FetchedAt: at}}
			}
			batches = append(batches, items)
		}
		b.StartTimer()
		c0 := threadCPU()
		for k, items := range batches {
			if _, err := db.SaveItems(ctx, feeds[k%nFeeds], items); err != nil {
				b.Fatal(err)
			}
		}
		thread += threadCPU() - c0
		story += d.cpu
		b.StopTimer()
		db.Close()
	}
	b.ReportMetric(float64(thread.Microseconds())/float64(total*b.N), "thread_us/item")
	if on {
		b.ReportMetric(float64(story.Microseconds())/float64(total*b.N), "lookup_us/item")
	}
}
