package main

import (
	"context"
	"sync"

	"github.com/newswatch/newswatch/feeds"
	"github.com/newswatch/newswatch/store"
	"github.com/newswatch/newswatch/stories"
)

// The store computes story signatures ahead of its saves when feeds.Ingest
// asks it to (after matching, outside the write transaction).
var _ feeds.StoryPreparer = (*store.DB)(nil)

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

// enableStories makes every later save give its new items their story in
// its own transaction (store.SetStoryDecider), and loads the window's
// index first, which also gives a story to every item a run without it
// (a stop, a CLI import) left without one. The daemon and ingest call it
// once the store is open for writing; the alerts of a save then go out
// once per story (store/story_route.go).
func (a *app) enableStories(ctx context.Context) error {
	as := a.assigner()
	if err := as.Load(ctx); err != nil {
		return err
	}
	a.db.SetStoryDecider(as)
	return nil
}
