package stories

import (
	"context"
	"math/rand"
	"slices"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
)

// TestDecideStoriesOrder: DecideStories decides a batch in time order
// whatever order the save hands it in, and leaves the caller's slice as it
// was: batches given in order, reversed and shuffled reach the same
// decisions.
func TestDecideStoriesOrder(t *testing.T) {
	items := corpusItems(600)
	t0 := items[0].Time
	for i := range items {
		items[i].Time = t0.Add(time.Duration(i) * 10 * time.Second) // no ties: their order is the caller's
	}
	type got struct {
		how   string
		first int64 // the first item of its story
	}
	run := func(order string) map[int64]got {
		rnd := rand.New(rand.NewSource(1))
		a := NewAssigner(nil, time.Hour)
		a.x = NewIndex(time.Hour, DefaultLine)
		a.now = func() time.Time { return items[len(items)-1].Time }
		noURL := func([]string) (map[string]int64, error) { return nil, nil }
		out := map[int64]got{}
		firstOf := map[int64]int64{} // story id -> its first item
		var next int64
		for i := 0; i < len(items); i += 50 {
			batch := slices.Clone(items[i : i+50])
			switch order {
			case "reversed":
				slices.Reverse(batch)
			case "shuffled":
				rnd.Shuffle(len(batch), func(i, j int) { batch[i], batch[j] = batch[j], batch[i] })
			}
			given := slices.Clone(batch)
			as, written, after, err := a.DecideStories(context.Background(), batch, noURL)
			if err != nil || written == nil {
				t.Fatalf("%s: batch %d: decided nothing: %v", order, i/50, err)
			}
			if !slices.EqualFunc(batch, given, func(a, b newswatch.StoryCandidate) bool { return a.ItemID == b.ItemID }) {
				t.Errorf("%s: batch %d: DecideStories reordered the caller's candidates", order, i/50)
			}
			ids := make([]int64, len(as))
			for j, s := range as {
				switch {
				case s.StoryID != 0:
					ids[j] = s.StoryID
				case s.Join >= 0:
					ids[j] = ids[s.Join]
				default:
					next++
					ids[j] = next
					firstOf[next] = s.ItemID
				}
				out[s.ItemID] = got{s.How, firstOf[ids[j]]}
			}
			written(ids)
			after(true)
		}
		return out
	}
	want := run("in order")
	joined := 0
	for _, g := range want {
		if g.how != newswatch.StoryNew {
			joined++
		}
	}
	if joined < 50 {
		t.Fatalf("only %d items joined a story: the test does not exercise joins", joined)
	}
	for _, order := range []string{"reversed", "shuffled"} {
		g := run(order)
		for id, w := range want {
			if g[id] != w {
				t.Errorf("%s: item %d: %+v, want %+v", order, id, g[id], w)
			}
		}
	}
}
