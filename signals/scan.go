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

// Scan judges the hour holding now for every watch in counts (hourly
// counts over Window(now), as store.MentionBuckets returns them) and
// returns the spikes that start a new episode, by watch id. A ticker in
// run calls it every few minutes: the current hour is judged on its count
// so far, and an episode is announced once.
func (d *Detector) Scan(counts []newswatch.BucketCount, now time.Time) []Spike {
	since, until := Window(now)
	type series struct {
		entity  string
		history []int
		count   int
	}
	byWatch := map[int64]*series{}
	for _, c := range counts {
		if c.Start.Before(since) || !c.Start.Before(until) {
			continue
		}
		s := byWatch[c.WatchID]
		if s == nil {
			s = &series{entity: c.Entity, history: make([]int, BaselineHours)}
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
