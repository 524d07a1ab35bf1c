// Package signals finds what stands out in the stored mentions: spikes of
// a watch against its own recent past, and the content of the daily
// digest. It is pure: the caller reads the counts from the store
// (store.MentionBuckets) and posts what comes out.
package signals

import (
	"fmt"
	"math"
	"sync"
	"time"
)

// Spike rule defaults.
const (
	DefaultMinCount    = 5     // a spike has at least this many items in the hour
	DefaultRatio       = 4     // and at least this many times the baseline
	DefaultPValue      = 0.001 // and is this unlikely under Poisson(baseline)
	DefaultQuietHours  = 3     // an episode ends after this many hours under threshold
	DefaultMinBaseline = 0.05  // items per hour assumed for a watch never mentioned
	// BaselineHours is the trailing window of the baseline: 7 days.
	BaselineHours = 7 * 24
	// hourPrior is the weight, in hours, of the overall mean in each
	// hour-of-day baseline (the hour's own 7 samples weigh 7).
	hourPrior = 3.0
)

// Rule is the spike rule. The zero Rule is the default one.
type Rule struct {
	MinCount    int
	Ratio       float64
	PValue      float64
	QuietHours  int
	MinBaseline float64
}

func (r Rule) withDefaults() Rule {
	if r.MinCount <= 0 {
		r.MinCount = DefaultMinCount
	}
	if r.Ratio <= 0 {
		r.Ratio = DefaultRatio
	}
	if r.PValue <= 0 {
		r.PValue = DefaultPValue
	}
	if r.QuietHours <= 0 {
		r.QuietHours = DefaultQuietHours
	}
	if r.MinBaseline <= 0 {
		r.MinBaseline = DefaultMinBaseline
	}
	return r
}

// Baseline is the expected count of an hour given the counts of the hours
// before it (history[len-1] is the hour just before; at most the last
// BaselineHours are used).
//
// The baseline knows the hour of day: news has a daily rhythm (quiet
// nights, busy mornings), and a plain 7-day mean would call every busy
// morning a spike of a quiet watch, or hide a night-time surge. For the
// hour h it takes the mean of the same hour of day over the days in the
// window (7 samples in a full window) and blends it with the window's
// overall mean, weighted as hourPrior (3) extra samples:
//
//	baseline = (Σ same-hour counts + 3 × overall mean) / (same-hour samples + 3)
//
// and then takes the larger of that and the overall mean. So the hour of
// day can only raise the baseline: a busy hour is judged against busy
// hours, but a quiet hour is judged against the whole week, not against
// its own seven samples, which at low counts are too few to trust (with 2
// items an hour, one hour of the day may average 0.6 over a week by chance
// and then 8 items would look like a surge). A surge at night must thus
// clear the week's mean, not the night's. The result is never below
// Rule.MinBaseline.
func (r Rule) Baseline(history []int) float64 {
	b, _ := r.estimate(history)
	return b
}

// estimate returns the baseline and the number of hours it is the mean of
// (7 + hourPrior for an hour-of-day baseline, the window for the mean).
func (r Rule) estimate(history []int) (float64, float64) {
	r = r.withDefaults()
	if len(history) > BaselineHours {
		history = history[len(history)-BaselineHours:]
	}
	if len(history) == 0 {
		return r.MinBaseline, 1
	}
	total, same, n := 0, 0, 0
	for i, c := range history {
		total += c
		if (len(history)-i)%24 == 0 { // the same hour of day, 1..7 days back
			same += c
			n++
		}
	}
	mean := float64(total) / float64(len(history))
	b := (float64(same) + hourPrior*mean) / (float64(n) + hourPrior)
	if b > mean {
		return max(b, r.MinBaseline), float64(n) + hourPrior
	}
	return max(mean, r.MinBaseline), float64(len(history))
}

// pBaseline is the baseline the Poisson test is made against: the upper
// end of its approximate 95% interval, b + 2√(b/n) for a mean of n hours.
// A baseline estimated a little low by chance would otherwise let plain
// noise through more often than p says (measured: 1.04 per 1,000 hours at
// one item an hour with the point estimate, against 0.59 expected;
// 0.15 with this bound: TestLowCountNoise).
func pBaseline(b, n float64) float64 {
	return b + 2*math.Sqrt(b/n)
}

// Verdict is the rule applied to one hour.
type Verdict struct {
	Count     int
	Baseline  float64
	Threshold int     // the smallest count that is a spike: max(MinCount, ⌈Ratio × baseline⌉) and p < PValue
	P         float64 // P(X ≥ Count) for X ~ Poisson(the baseline's upper bound, see pBaseline)
	Spike     bool
}

// Judge applies the rule to count, the items of an hour (or of the hour so
// far: the count only grows, so a partial hour over the threshold is a
// spike already), given the hours before it.
func (r Rule) Judge(count int, history []int) Verdict {
	r = r.withDefaults()
	b, n := r.estimate(history)
	pb := pBaseline(b, n)
	v := Verdict{Count: count, Baseline: b, P: PoissonUpper(count, pb)}
	v.Threshold = max(r.MinCount, int(math.Ceil(r.Ratio*b)))
	for PoissonUpper(v.Threshold, pb) >= r.PValue {
		v.Threshold++
	}
	v.Spike = count >= v.Threshold
	return v
}

// Spike is a new spike episode of a watch.
type Spike struct {
	WatchID int64
	Entity  string    // the watch's name, when known (Scan sets it)
	Hour    time.Time // the start of the hour that crossed the threshold
	Verdict
}

// String describes the spike for an alert: count, baseline and how unlikely.
func (s Spike) String() string {
	return fmt.Sprintf("%d items in the hour from %s UTC, against a usual %.1f (p = %.1e)",
		s.Count, s.Hour.UTC().Format("2006-01-02 15:04"), s.Baseline, s.P)
}

// Detector turns verdicts into episodes: one alert per spike episode, not
// per hour. An episode starts at the first hour over the threshold and
// ends once Rule.QuietHours whole hours have passed since the last hour
// over it; a spike after that is a new episode. It is safe for concurrent
// use; its state is in memory (after a restart an ongoing episode may be
// announced once more). The daemon keeps episodes in the store instead:
// it asks Rule.Over for every watch over the threshold and
// store.RecordSpike decides, in the transaction that stores the alerts,
// whether the hour starts an episode (cmd/newswatch signals_run.go).
type Detector struct {
	rule Rule
	mu   sync.Mutex
	last map[int64]time.Time // watch → the last hour found over the threshold
}

// NewDetector returns a Detector applying rule.
func NewDetector(rule Rule) *Detector {
	return &Detector{rule: rule.withDefaults(), last: map[int64]time.Time{}}
}

// Check judges the hour starting at hour (truncated to the hour) of a
// watch, with count items so far and history the counts of the hours
// before it, oldest first. It returns the spike and true when the hour
// starts a new episode. Checking the current hour several times, as a
// ticker does, is fine.
func (d *Detector) Check(watchID int64, hour time.Time, count int, history []int) (Spike, bool) {
	hour = hour.UTC().Truncate(time.Hour)
	v := d.rule.Judge(count, history)
	if !v.Spike {
		return Spike{}, false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	last, ok := d.last[watchID]
	if hour.After(last) || !ok {
		d.last[watchID] = hour
	}
	if ok && hour.Sub(last) <= time.Duration(d.rule.QuietHours)*time.Hour {
		return Spike{}, false // the same episode
	}
	return Spike{WatchID: watchID, Hour: hour, Verdict: v}, true
}
