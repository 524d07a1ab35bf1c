package main

import (
	"context"
	"sync"

	"github.com/newswatch/newswatch/stories"
)

// storyState is the app's story assigner, made on first use.
type storyState struct {
	once sync.Once
	as   *stories.Assigner

	onSave    sync.Once
	onSaveErr error
}

// assigner returns the app's story assigner.
func (a *app) assigner() *stories.Assigner {
	a.stories.once.Do(func() { a.stories.as = stories.NewAssigner(a.db, stories.DefaultWindow) })
	return a.stories.as
}

// assignOnSave makes every later save give its new items their story in
// the save's own transaction (ingest calls it before its first save). It
// loads the story index first: the window of stored items, assigning any
// item still without a story.
func (a *app) assignOnSave(ctx context.Context) error {
	a.stories.onSave.Do(func() {
		as := a.assigner()
		if a.stories.onSaveErr = as.Load(ctx); a.stories.onSaveErr == nil {
			a.db.SetStoryDecider(as)
		}
	})
	return a.stories.onSaveErr
}
