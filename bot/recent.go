package bot

import (
	"sync"
	"time"
)

// Bounds of the set of interaction ids already answered. An interaction
// token is valid for 15 minutes, so a replay later than that could not be
// answered anyway.
const (
	recentWindow = 15 * time.Minute
	recentMax    = 10000
)

// recentIDs remembers the interaction ids seen in the last recentWindow, at
// most recentMax of them (the oldest go first). The zero value is ready.
type recentIDs struct {
	mu    sync.Mutex
	at    map[string]time.Time
	order []string // ids in the order they were first seen
}

// first records id and reports whether it was not seen before.
func (r *recentIDs) first(id string, now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.at == nil {
		r.at = map[string]time.Time{}
	}
	for len(r.order) > 0 && (len(r.order) >= recentMax || now.Sub(r.at[r.order[0]]) > recentWindow) {
		delete(r.at, r.order[0])
		r.order = r.order[1:]
	}
	if _, ok := r.at[id]; ok {
		return false
	}
	r.at[id] = now
	r.order = append(r.order, id)
	return true
}
