package signals

import (
	"slices"
	"time"

	"github.com/newswatch/newswatch"
)

// Window returns the range of hourly counts Scan needs for the hour
// holding now: the BaselineHours before it and the hour so far, for
// store.MentionBuckets(ctx, guild, nil, time.Hour, since, until).
func Window(now time.Time) (since, until time.Time) {
	hour := now.UTC().Truncate(time.Hour)
	return hour.Add(-BaselineHours * time.Hour), hour.Add(time.Hour)
}

// hourSeries is one watch's counts over Window(now): the baseline hours
// and the hour so far.
type hourSeries struct {
	entity  string
	history []int
	count   int
}

// split groups counts (hourly, over Window(now)) by watch, ordered by id.
func split(counts []newswatch.BucketCount, now time.Time) ([]int64, map[int64]*hourSeries) {
	since, until := Window(now)
	byWatch := map[int64]*hourSeries{}
	for _, c := range counts {
		if c.Start.Before(since) || !c.Start.Before(until) {
			continue
		}
		s := byWatch[c.WatchID]
		if s == nil {
			s = &hourSeries{entity: c.Entity, history: make([]int, BaselineHours)}
			byWatch[c.WatchID] = s
		}
		if i := int(c.Start.Sub(since) / time.Hour); i < BaselineHours {
			s.history[i] += c.Count
		} else {
			s.count += c.Count
		}
	}
	ids := make([]int64, 0, len(byWatch))
	for id := range byWatch {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids, byWatch
}

// Over judges the hour holding now for every watch in counts (hourly
// counts over Window(now)) and returns every watch whose hour so far is
// over the threshold, by watch id, whether or not it starts an episode:
// for a caller that keeps the episodes itself (the daemon keeps them in
// the store, so that a restart does not announce one twice).
func (r Rule) Over(counts []newswatch.BucketCount, now time.Time) []Spike {
	_, until := Window(now)
	ids, byWatch := split(counts, now)
	var out []Spike
	for _, id := range ids {
		s := byWatch[id]
		if v := r.Judge(s.count, s.history); v.Spike {
			out = append(out, Spike{WatchID: id, Entity: s.entity, Hour: until.Add(-time.Hour), Verdict: v})
		}
	}
	return out
}

// Scan judges the hour holding now for every watch in counts (hourly
// counts over Window(now), as store.MentionBuckets returns them) and
// returns the spikes that start a new episode, by watch id. The current
// hour is judged on its count so far, and an episode is announced once
// (in memory: see Detector).
func (d *Detector) Scan(counts []newswatch.BucketCount, now time.Time) []Spike {
	_, until := Window(now)
	ids, byWatch := split(counts, now)
	var out []Spike
	for _, id := range ids {
		s := byWatch[id]
		if sp, ok := d.Check(id, until.Add(-time.Hour), s.count, s.history); ok {
			sp.Entity = s.entity
			out = append(out, sp)
		}
	}
	return out
}
