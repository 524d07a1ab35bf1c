package main

import (
	"context"
	"sync"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/stories"
)

// storyState is the app's story assigner, made on first use.
type storyState struct {
	once sync.Once
	as   *stories.Assigner
}

// assigner returns the app's story assigner.
func (a *app) assigner() *stories.Assigner {
	a.stories.once.Do(func() { a.stories.as = stories.NewAssigner(a.db, stories.DefaultWindow) })
	return a.stories.as
}

// assignStories gives the new items of a save their stories, in a short
// transaction of its own after the save. A failure is logged, not returned:
// the items are stored, and the assigner gives them their stories when it
// next loads (it reloads after a failed write), so ingest carries on.
func (a *app) assignStories(ctx context.Context, feedID int64, items []newswatch.IngestItem) {
	its := make([]newswatch.Item, len(items))
	for i := range items {
		its[i] = items[i].Item
		if its[i].Key == "" {
			it := &its[i]
			it.Key = newswatch.ItemKey(it.GUID, it.Link, it.Title, it.Text)
		}
	}
	if _, err := a.assigner().Assign(ctx, feedID, its); err != nil {
		a.log.Warn("stories: assignment failed; retried at the next load", "feed", feedID, "err", err)
	}
}
