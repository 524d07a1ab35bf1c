package bot

import (
	"log/slog"
	"sync"
	"time"
)

// Delivery waits after failures at two levels instead of per alert, so that
// when Discord answers again the backlog starts within a few seconds:
//
//   - the global circuit opens on a 5xx, a network error, a timeout or a
//     global 429, since those usually mean Discord (or the way to it) is down
//     for every channel. While it is open no channel is tried; when it has
//     waited probeDelay (250ms doubling to probeMax) the next pass tries one
//     message, which closes the circuit if it goes through.
//   - a channel circuit opens on failures of one channel: a route 429 (for
//     what Discord asked, at least 2s doubling to a minute) or a refusal
//     (2s doubling to maxDeferral).
//
// Both live in memory: after a restart every pending message is tried at
// once, oldest first.
const (
	probeMin    = 250 * time.Millisecond
	probeMax    = 2 * time.Second
	rateWaitMax = time.Minute
	maxDeferral = 10 * time.Minute
)

// circuit is how long deliveries wait after fails failures in a row.
type circuit struct {
	until time.Time
	fails int
}

// delivery is the deliverer's state in memory.
type delivery struct {
	budget *invalidBudget

	mu       sync.Mutex
	global   circuit
	channels map[string]*circuit
	// fresh holds the AlertMessages created by this run that were never
	// posted with an unknown outcome: they cannot be in the channel yet, so
	// they are posted without reconciling first. Every other pending message
	// (from an earlier run, or after a lost answer) is looked for first.
	fresh     map[int64]bool
	noHistory map[string]bool // channels whose history the bot may not read (logged once)
	botID     string          // the bot user's id, once known
}

func newDelivery(log *slog.Logger) *delivery {
	return &delivery{budget: newInvalidBudget(log), channels: map[string]*circuit{},
		fresh: map[int64]bool{}, noHistory: map[string]bool{}}
}

// globalOpen reports whether the global circuit holds deliveries at now.
func (d *delivery) globalOpen(now time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return now.Before(d.global.until)
}

// probing reports whether the global circuit is half-open: Discord failed
// and the next request is a probe.
func (d *delivery) probing() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.global.fails > 0
}

// channelOpen reports whether channel ch waits at now.
func (d *delivery) channelOpen(ch string, now time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	c := d.channels[ch]
	return c != nil && now.Before(c.until)
}

// blockedChannels lists the channels that wait at now.
func (d *delivery) blockedChannels(now time.Time) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	for ch, c := range d.channels {
		if now.Before(c.until) {
			out = append(out, ch)
		}
	}
	return out
}

// openGlobal records a Discord-wide failure; it returns the time of the
// next probe and whether the circuit was closed before.
func (d *delivery) openGlobal(now time.Time, atLeast time.Duration) (time.Time, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	wasClosed := d.global.fails == 0
	d.global.fails++
	wait := max(min(probeMin<<min(d.global.fails-1, 8), probeMax), atLeast)
	d.global.until = now.Add(wait)
	return d.global.until, wasClosed
}

// openChannel records a failure of channel ch: it waits at least atLeast,
// and first 2s doubling to limit. It returns when the channel is tried again.
func (d *delivery) openChannel(ch string, now time.Time, atLeast, limit time.Duration) time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	c := d.channels[ch]
	if c == nil {
		c = &circuit{}
		d.channels[ch] = c
	}
	c.fails++
	wait := max(min(2*time.Second<<min(c.fails-1, 10), limit), atLeast)
	c.until = now.Add(wait)
	return c.until
}

// succeeded closes the global circuit and ch's; it reports whether the
// global one was open (Discord is back).
func (d *delivery) succeeded(ch string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	wasOpen := d.global.fails > 0
	d.global = circuit{}
	delete(d.channels, ch)
	return wasOpen
}

// isFresh reports whether message id need not be reconciled.
func (d *delivery) isFresh(id int64) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.fresh[id]
}

// setFresh marks message id as fresh (created now) or not (its outcome
// may be unknown); forgetting a fresh one is the safe side.
func (d *delivery) setFresh(id int64, fresh bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if fresh {
		d.fresh[id] = true
	} else {
		delete(d.fresh, id)
	}
}

// reset forgets the circuits and fresh messages, as after a restart.
func (d *delivery) reset() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.global = circuit{}
	clear(d.channels)
	clear(d.fresh)
}
