package store

import (
	"context"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
)

// storyFixture stores items in the fixture's global and guild feeds and
// assigns them: items 0 and 1 (global feed, g1's feed) are one story, item
// 2 (global) another, item 3 (g2's feed) joins story 1.
func storyFixture(t *testing.T) (*fixture, []int64, []int64) {
	t.Helper()
	ctx := context.Background()
	f := newFixture(t)
	save := func(feed newswatch.Feed, key string, at time.Time) int64 {
		t.Helper()
		if _, err := f.db.SaveItems(ctx, feed.ID, []newswatch.IngestItem{ingest(key, "title "+key, "text "+key, at, false)}); err != nil {
			t.Fatal(err)
		}
		c, err := f.db.UnassignedItems(ctx, feed.ID, []string{key, "nope"})
		if err != nil || len(c) != 1 {
			t.Fatalf("unassigned items of %s: %v, %v", key, c, err)
		}
		return c[key]
	}
	ids := []int64{
		save(f.global, "a", f.t0),
		save(f.g1F, "b", f.t0.Add(time.Minute)),
		save(f.global, "c", f.t0.Add(2*time.Minute)),
		save(f.g2F, "d", f.t0.Add(3*time.Minute)),
	}
	stories, err := f.db.SaveStoryItems(ctx, []newswatch.StoryAssignment{
		{ItemID: ids[0], FeedID: f.global.ID, Title: "title a", Time: f.t0, CanonURL: "https://example.com/a", How: newswatch.StoryNew, Join: -1},
		{ItemID: ids[1], FeedID: f.g1F.ID, Title: "title b", Time: f.t0.Add(time.Minute), How: newswatch.StoryText, Join: 0},
		{ItemID: ids[2], FeedID: f.global.ID, Title: "title c", Time: f.t0.Add(2 * time.Minute), How: newswatch.StoryNew, Join: -1},
	})
	if err != nil {
		t.Fatal(err)
	}
	more, err := f.db.SaveStoryItems(ctx, []newswatch.StoryAssignment{
		{ItemID: ids[3], FeedID: f.g2F.ID, Title: "title d", Time: f.t0.Add(3 * time.Minute), How: newswatch.StoryURL, StoryID: stories[0]},
	})
	if err != nil {
		t.Fatal(err)
	}
	return f, ids, append(stories, more...)
}

func TestSaveStoryItems(t *testing.T) {
	ctx := context.Background()
	f, ids, stories := storyFixture(t)
	if stories[0] != stories[1] || stories[0] == stories[2] || stories[3] != stories[0] {
		t.Fatalf("story ids %v", stories)
	}
	s, err := f.db.Story(ctx, "", stories[0])
	if err != nil {
		t.Fatal(err)
	}
	if un, err := f.db.UnassignedItems(ctx, f.global.ID, []string{"a", "c"}); err != nil || len(un) != 0 {
		t.Errorf("assigned items reported unassigned: %v, %v", un, err)
	}
	if s.Title != "title a" || s.ItemCount != 3 || s.SourceCount != 3 || !s.FirstSeen.Equal(f.t0) ||
		!s.LastSeen.Equal(f.t0.Add(3*time.Minute)) || s.Items[0].ItemID != ids[0] {
		t.Errorf("story %+v", s)
	}
	// g1 sees the global feed and its own: two items of the story.
	s, err = f.db.Story(ctx, "g1", stories[0])
	if err != nil || s.ItemCount != 2 || s.SourceCount != 2 {
		t.Errorf("g1's view: %+v, %v", s, err)
	}
	// An item already assigned keeps its story; a deleted item is skipped.
	again, err := f.db.SaveStoryItems(ctx, []newswatch.StoryAssignment{
		{ItemID: ids[0], FeedID: f.global.ID, How: newswatch.StoryURL, StoryID: stories[2]},
		{ItemID: 999999, FeedID: f.global.ID, How: newswatch.StoryNew, Join: -1},
	})
	if err != nil {
		t.Fatal(err)
	}
	s, _ = f.db.Story(ctx, "", stories[2])
	if s.ItemCount != 1 {
		t.Errorf("story %d has %d items after a conflicting assignment, want 1", stories[2], s.ItemCount)
	}
	if _, err := f.db.Story(ctx, "", again[1]); newswatch.ErrorCode(err) != newswatch.ENOTFOUND {
		t.Errorf("story of a missing item: %v, want ENOTFOUND", err)
	}
	byURL, err := f.db.StoriesByURL(ctx, []string{"https://example.com/a", "https://example.com/none"})
	if err != nil || len(byURL) != 1 || byURL["https://example.com/a"] != stories[0] {
		t.Errorf("StoriesByURL = %v, %v", byURL, err)
	}
	if _, ok, err := f.db.OldestUnassigned(ctx); ok || err != nil {
		t.Errorf("OldestUnassigned: %v, %v; want none", ok, err)
	}
}

func TestStoriesQuery(t *testing.T) {
	ctx := context.Background()
	f, _, stories := storyFixture(t)
	all, err := f.db.Stories(ctx, newswatch.StoryQuery{})
	if err != nil || len(all) != 2 {
		t.Fatalf("Stories = %d, %v; want 2", len(all), err)
	}
	// Newest first by first_seen: c's story, then a's.
	if all[0].ID != stories[2] || all[1].ID != stories[0] || len(all[1].Items) != 3 {
		t.Errorf("order or items: %+v", all)
	}
	some, _ := f.db.Stories(ctx, newswatch.StoryQuery{Since: f.t0.Add(150 * time.Second)})
	if len(some) != 1 || some[0].ID != stories[0] {
		t.Errorf("since: %+v, want only the story with an item after it", some)
	}
	one, _ := f.db.Stories(ctx, newswatch.StoryQuery{Limit: 1, Items: 1})
	if len(one) != 1 || len(one[0].Items) != 1 {
		t.Errorf("limit 1, 1 item: %+v", one)
	}
	g2, _ := f.db.Stories(ctx, newswatch.StoryQuery{GuildID: "g2"})
	for _, s := range g2 {
		for _, it := range s.Items {
			if it.FeedID == f.g1F.ID {
				t.Errorf("g2 sees g1's item %+v", it)
			}
		}
	}
}

func TestLatestStories(t *testing.T) {
	ctx := context.Background()
	f, ids, stories := storyFixture(t)
	hits, err := f.db.LatestStories(ctx, newswatch.LatestQuery{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	// Newest item first: d (story 0), c (story 2); a and b fold into d's.
	if len(hits) != 2 || hits[0].Item.ID != ids[3] || hits[0].StoryID != stories[0] || hits[0].ItemCount != 3 ||
		hits[0].SourceCount != 3 || hits[1].StoryID != stories[2] || hits[1].ItemCount != 1 {
		t.Errorf("LatestStories = %+v", hits)
	}
	hits, err = f.db.LatestStories(ctx, newswatch.LatestQuery{GuildID: "g1", Limit: 10})
	if err != nil || len(hits) != 2 || hits[1].StoryID != stories[0] || hits[1].ItemCount != 2 {
		t.Errorf("g1: %+v, %v", hits, err)
	}
	items, _ := f.db.Latest(ctx, newswatch.LatestQuery{Limit: 10})
	col, err := f.db.CollapseStories(ctx, "", items)
	if err != nil || len(col) != 2 {
		t.Errorf("CollapseStories = %+v, %v", col, err)
	}
}
