package feeds

import (
	"math/rand/v2"
	"slices"
	"time"
)

// Scheduling constants.
const (
	// hintCap caps every server hint (max-age, Expires, <ttl>, Retry-After).
	hintCap = 24 * time.Hour
	// unknownRate is the interval used when nothing tells the item rate.
	unknownRate = 15 * time.Minute
	// rateSample is how many of the newest dated items the rate is read from.
	rateSample = 10
	// jitter spreads polls by up to ±10%.
	jitter = 0.10
)

// hints are the server's lower bounds on the next poll.
type hints struct {
	MaxAge     time.Duration // Cache-Control max-age or Expires
	TTL        time.Duration // RSS <ttl>
	RetryAfter time.Duration
}

func (h hints) floor() time.Duration {
	return min(max(h.MaxAge, h.TTL, h.RetryAfter), hintCap)
}

// adaptiveInterval estimates how often a feed should be polled so that it
// is polled about twice per new item: half the average gap between the
// newest dated items (published), else the time since the last successful
// fetch divided by the number of new items, else unknownRate. The result
// is clamped to [min, max].
func adaptiveInterval(published []time.Time, newItems int, sinceLast, minI, maxI time.Duration) time.Duration {
	var dated []time.Time
	for _, t := range published {
		if !t.IsZero() {
			dated = append(dated, t)
		}
	}
	d := unknownRate
	switch {
	case len(dated) >= 2:
		slices.SortFunc(dated, func(a, b time.Time) int { return b.Compare(a) })
		dated = dated[:min(len(dated), rateSample)]
		span := dated[0].Sub(dated[len(dated)-1])
		d = span / time.Duration(len(dated)-1) / 2
	case newItems > 0 && sinceLast > 0:
		d = sinceLast / time.Duration(newItems) / 2
	}
	return min(max(d, minI), maxI)
}

// successInterval is the interval after a successful fetch: the feed's own
// interval when set, else adaptive; jittered by ±10%; never shorter than
// the server's hints.
func successInterval(own, adaptive time.Duration, h hints) time.Duration {
	d := adaptive
	if own > 0 {
		d = own
	}
	return max(jittered(d), h.floor())
}

// failureInterval is the backoff after a failed fetch: minI·2^failures
// (failures counting this one) capped at maxI, at least the feed's own
// interval and Retry-After, jittered by ±10%.
func failureInterval(own, minI, maxI time.Duration, failures int, retryAfter time.Duration) time.Duration {
	d := maxI
	if failures < 40 {
		d = min(minI<<failures, maxI)
		if d <= 0 { // overflow
			d = maxI
		}
	}
	d = max(d, own)
	return max(jittered(d), min(retryAfter, hintCap))
}

func jittered(d time.Duration) time.Duration {
	f := 1 + jitter*(2*rand.Float64()-1)
	return time.Duration(float64(d) * f)
}
