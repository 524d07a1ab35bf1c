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

// assigner returns the app's story assigner.
func (a *app) assigner() *stories.Assigner {
	a.stories.once.Do(func() { a.stories.as = stories.NewAssigner(a.db, stories.DefaultWindow) })
	return a.stories.as
}
