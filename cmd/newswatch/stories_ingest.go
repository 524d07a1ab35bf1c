package main

import (
	"sync"

	"github.com/newswatch/newswatch/stories"
)

// storyState is the app's story assigner, made on first use.
type storyState struct {
	once sync.Once
	as   *stories.Assigner
}

// assigner returns the app's story assigner. Ingest does not call it yet:
// `stories` groups the items saved since its last run before it answers,
// which keeps the grouping's cost off the save path until alerts use it.
func (a *app) assigner() *stories.Assigner {
	a.stories.once.Do(func() { a.stories.as = stories.NewAssigner(a.db, stories.DefaultWindow) })
	return a.stories.as
}
