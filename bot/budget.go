package bot

import (
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// Discord restricts an IP address for a while after 10,000 invalid requests
// (401, 403 and 429 answers, except 429s of a shared rate limit scope) in 10
// minutes. The bot counts them over a sliding window and, past
// invalidThreshold, slows its own deliveries down: each delivery request
// waits invalidMinDelay, growing to invalidMaxDelay as the count nears the
// limit. At one request a second the count cannot grow by more than 600 in
// a window, so the bot stays far below 10,000 even if every request it then
// makes is refused. Interaction answers are not delayed: they must arrive
// within Discord's 3 seconds and are few.
const (
	invalidWindow    = 10 * time.Minute
	invalidLimit     = 10000 // Discord's
	invalidThreshold = 5000  // where the bot slows down
	invalidMinDelay  = time.Second
	invalidMaxDelay  = 10 * time.Second
)

// invalidSlots is how many one-second buckets the window holds.
const invalidSlots = int(invalidWindow / time.Second)

// invalidBudget counts invalid requests over the last invalidWindow in
// one-second buckets. Its methods are safe for concurrent use.
type invalidBudget struct {
	log *slog.Logger

	mu        sync.Mutex
	threshold int
	counts    [invalidSlots]int
	secs      [invalidSlots]int64 // the unix second each bucket counts
	slowed    bool                // logged as slowed down
	now       func() time.Time
}

func newInvalidBudget(log *slog.Logger) *invalidBudget {
	return &invalidBudget{log: log, threshold: invalidThreshold, now: time.Now}
}

// counts reports whether a response with this status and headers counts
// toward Discord's invalid request limit.
func countsAsInvalid(status int, h http.Header) bool {
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden:
		return true
	case http.StatusTooManyRequests:
		return h.Get("X-RateLimit-Scope") != "shared"
	}
	return false
}

// observe counts a response if it is an invalid request.
func (ib *invalidBudget) observe(status int, h http.Header) {
	if !countsAsInvalid(status, h) {
		return
	}
	ib.mu.Lock()
	defer ib.mu.Unlock()
	sec := ib.now().Unix()
	i := int(sec % int64(invalidSlots))
	if ib.secs[i] != sec {
		ib.secs[i], ib.counts[i] = sec, 0
	}
	ib.counts[i]++
}

// count returns the invalid requests of the last invalidWindow; ib.mu is held.
func (ib *invalidBudget) count(now time.Time) int {
	sec := now.Unix()
	n := 0
	for i, s := range ib.secs {
		if s > sec-int64(invalidSlots) && s <= sec {
			n += ib.counts[i]
		}
	}
	return n
}

// Count returns the invalid requests of the last invalidWindow.
func (ib *invalidBudget) Count() int {
	ib.mu.Lock()
	defer ib.mu.Unlock()
	return ib.count(ib.now())
}

// delay is how long a delivery request waits now; it logs once when the
// bot starts slowing down and once when it stops.
func (ib *invalidBudget) delay() time.Duration {
	ib.mu.Lock()
	defer ib.mu.Unlock()
	n := ib.count(ib.now())
	if n < ib.threshold {
		if ib.slowed {
			ib.slowed = false
			ib.log.Info("invalid Discord requests back under the threshold; deliveries at full speed", "count", n, "window", invalidWindow)
		}
		return 0
	}
	if !ib.slowed {
		ib.slowed = true
		ib.log.Warn("many invalid Discord requests (401/403/429); slowing deliveries down to stay clear of Discord's limit",
			"count", n, "threshold", ib.threshold, "limit", invalidLimit, "window", invalidWindow)
	}
	span := max(invalidLimit-ib.threshold, 1)
	d := invalidMinDelay + time.Duration(float64(invalidMaxDelay-invalidMinDelay)*float64(n-ib.threshold)/float64(span))
	return min(d, invalidMaxDelay)
}
