package newswatch

import "time"

// BucketCount is how many items mentioned one watch in one time bucket (an
// hour or a UTC day) starting at Start. It feeds spike detection, trend
// charts and the digest.
type BucketCount struct {
	WatchID int64
	Entity  string // the watch's canonical name
	Start   time.Time
	Count   int
}

// SpikeAlert is a spike episode of a watch as an alert announces it: the
// hour's count against the baseline, and the stories behind it.
type SpikeAlert struct {
	WatchID  int64
	Entity   string // the watch's canonical name
	Kind     Kind
	Hour     time.Time // the start of the hour over the threshold (UTC)
	Count    int       // stories (or items) in the hour so far
	Baseline float64   // the usual count of that hour
	P        float64   // P(X ≥ Count) under the Poisson model
	Stories  []Story   // the top stories behind it, most sources first
}
