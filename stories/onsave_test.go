package stories_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/feeds"
	"github.com/newswatch/newswatch/store"
	"github.com/newswatch/newswatch/stories"
)

// TestDecideOnSave: with the Assigner as the store's story decider, every
// save gives its new items their story in its own transaction: copies in
// other feeds (one batch or several), URL variants, and an update keeps its
// story.
func TestDecideOnSave(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	a := stories.NewAssigner(w.db, 0)
	if err := a.Load(ctx); err != nil {
		t.Fatal(err)
	}
	w.db.SetStoryDecider(a)
	w.save(t, 0, item("w1", "Russia strikes Kyiv", wire, "https://wire.example/kyiv-1", w.now.Add(-2*time.Hour)),
		item("o1", "Budget approved", other, "https://wire.example/budget", w.now.Add(-2*time.Hour)))
	w.save(t, 1, item("x", "Four hurt as drones hit Kyiv", wire+"\nRead more on our site.", "https://outlet.example/x", w.now.Add(-time.Hour)),
		item("x2", "Kyiv attack", "Short teaser.", "https://www.wire.example/kyiv-1/?utm_source=rss#top", w.now))
	w.save(t, 2, item("o2", "Council passes budget", other, "https://third.example/b", w.now))
	ids := storyIDs(t, w.db)
	if len(ids) != 5 {
		t.Fatalf("%d items have stories, want 5: %v", len(ids), ids)
	}
	if ids[1] != ids[3] || ids[1] != ids[4] || ids[2] != ids[5] || ids[1] == ids[2] {
		t.Errorf("stories of items 1..5: %v, want {1,3,4} and {2,5}", ids)
	}
	if _, left, err := w.db.OldestUnassigned(ctx); err != nil || left {
		t.Errorf("items left without a story: %v, %v", left, err)
	}
	// The feed rewrites an item under its key: same row, same story.
	w.save(t, 2, item("o2", "Council passes budget after all", wire, "https://third.example/b2", w.now.Add(time.Minute)))
	if after := storyIDs(t, w.db); after[5] != ids[5] {
		t.Errorf("updated item moved from story %d to %d", ids[5], after[5])
	}
	// The inserts prepared for the decider do not keep the file open.
	if err := w.db.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
}

// failing decides through the Assigner and then fails the save, as a
// transaction that rolls back after the decision would.
type failing struct{ a *stories.Assigner }

var errInjected = errors.New("injected")

func (f failing) DecideStories(ctx context.Context, cands []newswatch.StoryCandidate,
	byURL func([]string) (map[string]int64, error)) ([]newswatch.StoryAssignment, func([]int64), func(bool), error) {
	as, written, after, _ := f.a.DecideStories(ctx, cands, byURL)
	if written != nil {
		ids := make([]int64, len(as))
		for i := range ids {
			ids[i] = int64(1000 + i) // as if written; the transaction then fails
		}
		written(ids)
	}
	return nil, nil, after, errInjected
}

// TestDecideOnSaveRollback: a save whose transaction rolls back after the
// Assigner decided leaves no trace in the index: a later copy of the lost
// item starts a story of its own that the store has, and nothing is left
// unassigned.
func TestDecideOnSaveRollback(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	a := stories.NewAssigner(w.db, 0)
	if err := a.Load(ctx); err != nil {
		t.Fatal(err)
	}
	w.db.SetStoryDecider(failing{a})
	_, err := w.db.SaveItems(ctx, w.feeds[0], []newswatch.IngestItem{{Item: item("w1", "Russia strikes Kyiv", wire, "https://wire.example/kyiv-1", w.now)}})
	if !errors.Is(err, errInjected) {
		t.Fatalf("save: %v, want the injected error", err)
	}
	w.db.SetStoryDecider(a)
	w.save(t, 1, item("x", "Four hurt as drones hit Kyiv", wire, "https://outlet.example/x", w.now))
	w.save(t, 2, item("y", "Drones hit Kyiv flats", wire, "https://wire.example/kyiv-1?utm_source=x", w.now))
	list, err := w.db.Stories(ctx, newswatch.StoryQuery{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ItemCount != 2 || list[0].SourceCount != 2 {
		t.Fatalf("stories %+v, want one of 2 items from 2 feeds", list)
	}
	if _, left, err := w.db.OldestUnassigned(ctx); err != nil || left {
		t.Errorf("items left without a story: %v, %v", left, err)
	}
}

var _ store.StoryDecider = (*stories.Assigner)(nil)

// TestDecideOnConcurrentSaves: saves of many feeds at once each decide
// their items' stories; none finds the Assigner still locked by the save
// before it (which would leave its items to a rebuild of the whole index).
func TestDecideOnConcurrentSaves(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	var feeds []int64
	for i := 0; i < 8; i++ {
		f, err := w.db.EnsureFeed(ctx, fmt.Sprintf("https://many%d.example/rss", i), "", "cli", 0)
		if err != nil {
			t.Fatal(err)
		}
		feeds = append(feeds, f.ID)
	}
	a := stories.NewAssigner(w.db, 0)
	if err := a.Load(ctx); err != nil {
		t.Fatal(err)
	}
	w.db.SetStoryDecider(a)
	g := newGen(7)
	var wg sync.WaitGroup
	errs := make(chan error, len(feeds))
	for k, fid := range feeds {
		var batches [][]newswatch.IngestItem
		for b := 0; b < 10; b++ {
			var in []newswatch.IngestItem
			for j := 0; j < 5; j++ {
				key := fmt.Sprintf("%d-%d-%d", k, b, j)
				in = append(in, newswatch.IngestItem{Item: g.item(key, w.now.Add(-time.Duration(b*5+j)*time.Second))})
			}
			batches = append(batches, in)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, in := range batches {
				if _, err := w.db.SaveItems(ctx, fid, in); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if _, left, err := w.db.OldestUnassigned(ctx); err != nil || left {
		t.Errorf("items left without a story: %v, %v", left, err)
	}
	if n := stories.Loads(a); n != 1 {
		t.Errorf("the index was built %d times, want once", n)
	}
}

// preparing is the store as feeds.Ingest sees it, counting the items whose
// story signature Ingest has the store prepare ahead of the save.
type preparing struct {
	*store.DB
	n int
}

func (p *preparing) PrepareStories(items []newswatch.IngestItem) {
	p.DB.PrepareStories(items)
	for _, in := range items {
		if in.Story != nil {
			p.n++
		}
	}
}

type noMatch struct{}

func (noMatch) Match(string) []newswatch.Mention { return nil }

// TestDecideOnSavePrepared: feeds.Ingest has the store prepare the story
// signatures of the new items it matched (not of updates, which keep their
// story), and saves of prepared items, alone or mixed with unprepared ones,
// group them as TestDecideOnSave does.
func TestDecideOnSavePrepared(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	a := stories.NewAssigner(w.db, 0)
	if err := a.Load(ctx); err != nil {
		t.Fatal(err)
	}
	w.db.SetStoryDecider(a)
	st := &preparing{DB: w.db}
	all := func(newswatch.Item) bool { return true }
	ingest := func(f int, items ...newswatch.Item) {
		t.Helper()
		if _, err := feeds.Ingest(ctx, st, noMatch{}, w.feeds[f], items, all); err != nil {
			t.Fatal(err)
		}
	}
	ingest(0, item("w1", "Russia strikes Kyiv", wire, "https://wire.example/kyiv-1", w.now.Add(-2*time.Hour)),
		item("o1", "Budget approved", other, "https://wire.example/budget", w.now.Add(-2*time.Hour)))
	ingest(1, item("x", "Four hurt as drones hit Kyiv", wire+"\nRead more on our site.", "https://outlet.example/x", w.now.Add(-time.Hour)))
	if st.n != 3 {
		t.Errorf("Ingest prepared %d items, want 3", st.n)
	}
	// One prepared item and one not, in one save.
	in := []newswatch.IngestItem{
		{Item: item("o2", "Council passes budget", other, "https://third.example/b", w.now)},
		{Item: item("x2", "Kyiv attack", "Short teaser.", "https://www.wire.example/kyiv-1/?utm_source=rss#top", w.now)},
	}
	w.db.PrepareStories(in[:1])
	if in[0].Story == nil {
		t.Fatal("PrepareStories left the item unprepared")
	}
	if _, err := w.db.SaveItems(ctx, w.feeds[2], in); err != nil {
		t.Fatal(err)
	}
	ids := storyIDs(t, w.db)
	if len(ids) != 5 {
		t.Fatalf("%d items have stories, want 5: %v", len(ids), ids)
	}
	if ids[1] != ids[3] || ids[1] != ids[5] || ids[2] != ids[4] || ids[1] == ids[2] {
		t.Errorf("stories of items 1..5: %v, want {1,3,5} and {2,4}", ids)
	}
	// The joined story's counts and last_seen follow its items.
	list, err := w.db.Stories(ctx, newswatch.StoryQuery{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		if s.ID == ids[1] && (s.ItemCount != 3 || s.SourceCount != 3 || !s.LastSeen.Equal(w.now)) {
			t.Errorf("story of item 1: %d items, %d sources, last seen %v; want 3, 3, %v", s.ItemCount, s.SourceCount, s.LastSeen, w.now)
		}
	}
	// An update through Ingest is not prepared and keeps its story.
	ingest(2, item("o2", "Council passes budget after all", wire, "https://third.example/b2", w.now.Add(time.Minute)))
	if st.n != 3 {
		t.Errorf("Ingest prepared %d items after an update, want 3", st.n)
	}
	if after := storyIDs(t, w.db); after[4] != ids[4] {
		t.Errorf("updated item moved from story %d to %d", ids[4], after[4])
	}
}

// TestDecideOnSaveStoryGone: an item that joins a story deleted meanwhile
// (stories --rebuild) is saved without a story, which the next load gives
// it; the save does not fail.
func TestDecideOnSaveStoryGone(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	a := stories.NewAssigner(w.db, 0)
	if err := a.Load(ctx); err != nil {
		t.Fatal(err)
	}
	w.db.SetStoryDecider(a)
	w.save(t, 0, item("w1", "Russia strikes Kyiv", wire, "https://wire.example/kyiv-1", w.now.Add(-time.Hour)))
	if err := w.db.ResetStories(ctx); err != nil {
		t.Fatal(err)
	}
	w.save(t, 1, item("x2", "Kyiv attack", "Short teaser.", "https://www.wire.example/kyiv-1/?utm_source=rss", w.now))
	if ids := storyIDs(t, w.db); len(ids) != 0 {
		t.Errorf("stories after the save: %v, want none", ids)
	}
	if _, left, err := w.db.OldestUnassigned(ctx); err != nil || !left {
		t.Errorf("items left without a story: %v, %v; want the two", left, err)
	}
	if err := a.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if ids := storyIDs(t, w.db); len(ids) != 2 || ids[1] != ids[2] {
		t.Errorf("stories after a load: %v, want {1,2}", ids)
	}
}
