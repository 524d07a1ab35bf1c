package stories_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/store"
	"github.com/newswatch/newswatch/stories"
)

const wire = `Russia launched a wave of drones and missiles at Kyiv overnight, damaging two apartment blocks in the Solomianskyi district and wounding four people, the city's military administration said on Monday.
Air defence units shot down 31 of the 35 drones and all six cruise missiles aimed at the capital, the air force said on the Telegram messaging app.
Firefighters put out a blaze on the upper floors of a nine-storey building, mayor Vitali Klitschko said.`

const other = `The regional council approved the new budget on Tuesday after a long debate about school repairs and the cost of heating in winter, its chairman told reporters in the city hall.`

type world struct {
	db    *store.DB
	path  string
	feeds []int64
	now   time.Time
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{path: filepath.Join(t.TempDir(), "nw.db"), now: time.Now().UTC().Truncate(time.Second)}
	db, err := store.Open(ctx, w.path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	w.db = db
	for i := 0; i < 3; i++ {
		f, err := db.EnsureFeed(ctx, fmt.Sprintf("https://feed%d.example/rss", i), "", "cli", 0)
		if err != nil {
			t.Fatal(err)
		}
		w.feeds = append(w.feeds, f.ID)
	}
	return w
}

// save stores items in feed f and returns them.
func (w *world) save(t *testing.T, f int, items ...newswatch.Item) []newswatch.Item {
	t.Helper()
	var in []newswatch.IngestItem
	for _, it := range items {
		in = append(in, newswatch.IngestItem{Item: it})
	}
	if _, err := w.db.SaveItems(context.Background(), w.feeds[f], in); err != nil {
		t.Fatal(err)
	}
	return items
}

func item(key, title, text, link string, at time.Time) newswatch.Item {
	return newswatch.Item{Key: key, GUID: key, Title: title, Text: text, Link: link, Published: at, FetchedAt: at}
}

// storyOf returns the story of each listed item id by reading the store.
func storyIDs(t *testing.T, db *store.DB) map[int64]int64 {
	t.Helper()
	list, err := db.Stories(context.Background(), newswatch.StoryQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]int64{}
	for _, s := range list {
		for _, it := range s.Items {
			out[it.ItemID] = s.ID
		}
	}
	return out
}

func TestAssignAcrossFeedsAndRestart(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	a := stories.NewAssigner(w.db, 0)
	k0 := w.save(t, 0, item("w1", "Russia strikes Kyiv", wire, "https://wire.example/kyiv-1", w.now.Add(-2*time.Hour)),
		item("o1", "Budget approved", other, "https://wire.example/budget", w.now.Add(-2*time.Hour)))
	res, err := a.Assign(ctx, w.feeds[0], k0)
	if err != nil {
		t.Fatal(err)
	}
	if res.New != 2 {
		t.Errorf("first batch: %+v, want 2 new", res)
	}
	// The same wire text in another feed, with a new headline, and the
	// wire's own link with tracking parameters in a third.
	k1 := w.save(t, 1, item("x", "Four hurt as drones hit Kyiv", wire+"\nRead more on our site.", "https://outlet.example/x", w.now.Add(-time.Hour)))
	if res, err = a.Assign(ctx, w.feeds[1], k1); err != nil || res.ByText != 1 {
		t.Fatalf("copy: %+v, %v; want 1 by text", res, err)
	}
	// Restart: a new Assigner rebuilds its index from the store.
	b := stories.NewAssigner(w.db, 0)
	if err := b.Load(ctx); err != nil {
		t.Fatal(err)
	}
	k2 := w.save(t, 2, item("y", "Kyiv attack", "Short teaser.", "https://www.wire.example/kyiv-1/?utm_source=rss#top", w.now))
	if res, err = b.Assign(ctx, w.feeds[2], k2); err != nil || res.ByURL != 1 {
		t.Fatalf("url variant after restart: %+v, %v; want 1 by url", res, err)
	}
	k3 := w.save(t, 2, item("z", "Drones hit Kyiv flats", wire, "https://third.example/z", w.now))
	if res, err = b.Assign(ctx, w.feeds[2], k3); err != nil || res.ByText != 1 {
		t.Fatalf("copy after restart: %+v, %v; want 1 by text", res, err)
	}
	ids := storyIDs(t, w.db)
	list, _ := w.db.Stories(ctx, newswatch.StoryQuery{Limit: 10})
	if len(list) != 2 {
		t.Fatalf("%d stories, want 2: %+v", len(list), list)
	}
	var kyiv newswatch.Story
	for _, s := range list {
		if s.Title == "Russia strikes Kyiv" {
			kyiv = s
		}
	}
	if kyiv.ItemCount != 4 || kyiv.SourceCount != 3 {
		t.Errorf("story %+v: want 4 items from 3 sources", kyiv)
	}
	if len(ids) != 5 {
		t.Errorf("%d items have stories, want 5", len(ids))
	}
}

func TestFeedUpdateKeepsStory(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	a := stories.NewAssigner(w.db, 0)
	keys := w.save(t, 0, item("k", "Budget approved", other, "https://a.example/1", w.now))
	if _, err := a.Assign(ctx, w.feeds[0], keys); err != nil {
		t.Fatal(err)
	}
	before := storyIDs(t, w.db)
	// The feed rewrites its item under the same key: a different text.
	keys = w.save(t, 0, item("k", "Budget approved after all", wire, "https://a.example/1-updated", w.now.Add(time.Minute)))
	res, err := a.Assign(ctx, w.feeds[0], keys)
	if err != nil {
		t.Fatal(err)
	}
	if res != (stories.Result{}) {
		t.Errorf("an updated item was assigned again: %+v", res)
	}
	after := storyIDs(t, w.db)
	if len(after) != 1 || fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("stories before %v, after %v", before, after)
	}
}

func TestBackfill(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	old := w.now.Add(-30 * 24 * time.Hour)
	// History stored before stories existed: nothing assigned.
	w.save(t, 0, item("a", "Russia strikes Kyiv", wire, "https://wire.example/1", old))
	w.save(t, 1, item("b", "Four hurt in Kyiv", wire, "https://outlet.example/2", old.Add(time.Hour)))
	w.save(t, 1, item("c", "Budget approved", other, "https://outlet.example/3", old.Add(2*time.Hour)))
	// The same text again five days later: outside the window, a new story.
	w.save(t, 2, item("d", "Kyiv strike, a look back", wire, "https://late.example/4", old.Add(5*24*time.Hour)))
	a := stories.NewAssigner(w.db, 0)
	res, err := a.Backfill(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.New != 3 || res.ByText != 1 {
		t.Errorf("backfill: %+v, want 3 new and 1 by text", res)
	}
	// A second backfill finds everything assigned.
	res, err = a.Backfill(ctx, nil)
	if err != nil || res.Known != 4 || res.New+res.ByText+res.ByURL != 0 {
		t.Errorf("second backfill: %+v, %v", res, err)
	}
	// Load assigns what a crash left unassigned (saved, never assigned).
	w.save(t, 2, item("e", "Yet another copy", wire, "https://late.example/5", old.Add(5*24*time.Hour+time.Hour)))
	b := stories.NewAssigner(w.db, 0)
	if err := b.Load(ctx); err != nil {
		t.Fatal(err)
	}
	ids := storyIDs(t, w.db)
	if len(ids) != 5 {
		t.Fatalf("%d items assigned, want 5", len(ids))
	}
	if ids[1] != ids[2] || ids[1] == ids[3] || ids[4] == ids[1] || ids[5] != ids[4] {
		t.Errorf("stories of items 1..5: %v", ids)
	}
}

// TestOldArticles: articles dated long ago (an import, the seeds) arrive in
// separate saves and runs; the window follows the newest item, not the
// clock, so copies still find each other.
func TestOldArticles(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	old := time.Date(2023, 5, 28, 6, 0, 0, 0, time.UTC)
	a := stories.NewAssigner(w.db, 0)
	if _, err := a.Assign(ctx, w.feeds[0], w.save(t, 0, item("a", "Russia strikes Kyiv", wire, "https://wire.example/1", old))); err != nil {
		t.Fatal(err)
	}
	res, err := a.Assign(ctx, w.feeds[1], w.save(t, 1, item("b", "Four hurt", wire, "https://outlet.example/2", old.Add(time.Hour))))
	if err != nil || res.ByText != 1 {
		t.Errorf("second save: %+v, %v; want 1 by text", res, err)
	}
	b := stories.NewAssigner(w.db, 0) // a later run
	res, err = b.Assign(ctx, w.feeds[2], w.save(t, 2, item("c", "Kyiv hit", wire, "https://third.example/3", old.Add(2*time.Hour))))
	if err != nil || res.ByText != 1 {
		t.Errorf("after a restart: %+v, %v; want 1 by text", res, err)
	}
	if ids := storyIDs(t, w.db); len(ids) != 3 || ids[1] != ids[2] || ids[2] != ids[3] {
		t.Errorf("stories %v, want one", ids)
	}
}
