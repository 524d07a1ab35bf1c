package stories

// AssignForBench decides d's story in x, for the external benchmarks.
func AssignForBench(x *Index, d Doc) { x.assign(d, nil) }

// Loads returns how many times a has built its index from the store.
func Loads(a *Assigner) int64 { return a.loads.Load() }
