package stories

import "github.com/newswatch/newswatch"

// AssignForBench decides d's story in x, for the external benchmarks.
func AssignForBench(x *Index, d Doc) { x.assign(d, nil) }

// Loads returns how many times a has built its index from the store.
func Loads(a *Assigner) int64 { return a.loads.Load() }

// DecideForBench decides the stories of a batch of candidates in x as
// DecideStories does, with a store that knows no URL.
func DecideForBench(x *Index, cands []newswatch.StoryCandidate) {
	a := &Assigner{window: x.window, line: x.line}
	a.decide(x, cands, false, func([]string) (map[string]int64, error) { return nil, nil })
}
