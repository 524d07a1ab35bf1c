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
