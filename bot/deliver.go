package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/newswatch/newswatch"
)

// maxDeferral caps how long a failing alert waits before the next attempt.
const maxDeferral = 10 * time.Minute

// deliverLoop delivers the outbox until ctx ends: a pass every
// DeliveryInterval, at once after Notify, and back to back while passes
// come back full.
func (b *Bot) deliverLoop(ctx context.Context) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-b.wake:
		}
		wait := b.cfg.DeliveryInterval
		if b.deliverPass(ctx) {
			wait = 0
		}
		t.Reset(wait)
	}
}

// resumeLimit bounds the outbox rows resumeDeferred looks at.
const resumeLimit = 5000

// resumeDeferred makes the alerts that an earlier run deferred due now. That
// run kept each such channel's newer alerts waiting behind them in memory
// only; without this, alerts stored after a restart would overtake them. A
// restart is as good a moment as any to try them again.
func (b *Bot) resumeDeferred(ctx context.Context) {
	now := time.Now()
	all, err := b.deps.Store.PendingAlerts(ctx, false, now.AddDate(100, 0, 0), max(b.cfg.BatchSize, resumeLimit))
	if err != nil {
		if ctx.Err() == nil {
			b.log.Error("read deferred alerts", "err", err)
		}
		return
	}
	for _, a := range all {
		if a.Attempts == 0 {
			continue
		}
		if err := b.deps.Store.DeferAlert(ctx, a.ID, now, "retried after a restart"); err != nil {
			b.log.Error("resume deferred alert", "alert", a.ID, "err", err)
			return
		}
	}
}

// channelAlerts are the pending alerts of one channel, oldest first.
type channelAlerts struct {
	route  newswatch.Route
	alerts []newswatch.Alert
}

// deliverPass sends what is pending now; it reports whether a full batch was
// read (more may be waiting).
func (b *Bot) deliverPass(ctx context.Context) (full bool) {
	defer func() {
		if r := recover(); r != nil {
			b.log.Error("alert delivery panicked", "panic", fmt.Sprint(r))
			full = false
		}
	}()
	now := time.Now()
	alerts, err := b.deps.Store.PendingAlerts(ctx, false, now, b.cfg.BatchSize)
	if err != nil {
		if ctx.Err() == nil {
			b.log.Error("read pending alerts", "err", err)
		}
		return false
	}
	sent := 0
	for _, g := range groupByChannel(alerts) {
		if ctx.Err() != nil {
			return false
		}
		if b.isBlocked(g.route.ChannelID, now) {
			continue
		}
		if len(g.alerts) > b.cfg.SummaryAfter {
			sent += b.deliverSummary(ctx, g)
			continue
		}
		for i, a := range g.alerts {
			if !b.deliverOne(ctx, a, g.alerts[i+1:]) {
				break
			}
			sent++
		}
	}
	return len(alerts) >= b.cfg.BatchSize && sent > 0
}

func groupByChannel(alerts []newswatch.Alert) []*channelAlerts {
	var out []*channelAlerts
	idx := map[string]*channelAlerts{}
	for _, a := range alerts {
		g := idx[a.Route.ChannelID]
		if g == nil {
			g = &channelAlerts{route: a.Route}
			idx[a.Route.ChannelID] = g
			out = append(out, g)
		}
		g.alerts = append(g.alerts, a)
	}
	return out
}

func (b *Bot) isBlocked(channelID string, now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	until, ok := b.blocked[channelID]
	if ok && !now.Before(until) {
		delete(b.blocked, channelID)
		return false
	}
	return ok
}

func (b *Bot) block(channelID string, until time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.blocked[channelID] = until
}

// deliverOne posts one alert and marks it sent; it reports success. rest
// are the channel's later alerts, which wait if this one is deferred.
func (b *Bot) deliverOne(ctx context.Context, a newswatch.Alert, rest []newswatch.Alert) bool {
	m := alertMessage(a)
	id, err := b.postMessage(ctx, a.Route.ChannelID, m)
	var ce *callError
	if errors.As(err, &ce) && (ce.status == http.StatusBadRequest || ce.status == http.StatusRequestEntityTooLarge) {
		// Discord refused this rendering for good (a link or time it does
		// not accept): a plain one beats holding the channel back forever.
		b.log.Warn("Discord refused an alert; sending it plain", "alert", a.ID, "status", ce.status, "err", b.redact(err.Error()))
		id, err = b.postMessage(ctx, a.Route.ChannelID, plainAlertMessage(a))
	}
	if err != nil {
		b.deliveryFailed(ctx, a, rest, err)
		return false
	}
	b.markSent(ctx, []newswatch.Alert{a}, id)
	return true
}

// markSent records alerts as sent in message id. Discord has the message, so
// this runs even while ctx is ending; if it fails the nonce keeps a resend
// from posting twice.
func (b *Bot) markSent(ctx context.Context, alerts []newswatch.Alert, id string) {
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	now := time.Now()
	for _, a := range alerts {
		if err := b.deps.Store.MarkAlertSent(mctx, a.ID, id, now); err != nil {
			b.log.Error("mark alert sent", "alert", a.ID, "message", id, "err", err)
		}
	}
}

// deliveryFailed disables the route on 403/404 and otherwise defers the
// alert and the channel's later alerts (rest) to the same time, so they
// keep their order, also across a restart, and do not fill the next batch.
func (b *Bot) deliveryFailed(ctx context.Context, a newswatch.Alert, rest []newswatch.Alert, err error) {
	if ctx.Err() != nil {
		return
	}
	var ce *callError
	errors.As(err, &ce)
	if ce != nil && (ce.status == http.StatusForbidden || ce.status == http.StatusNotFound) {
		reason := fmt.Sprintf("Discord answered %d %s when posting to this channel: the bot cannot see it or may not post there.",
			ce.status, http.StatusText(ce.status))
		if ce.status == http.StatusNotFound {
			reason = "Discord answered 404 Not Found when posting to this channel: it was probably deleted."
		}
		b.log.Warn("alert route disabled", "route", a.Route.ID, "channel", a.Route.ChannelID, "status", ce.status)
		if derr := b.deps.Store.DisableRoute(ctx, a.Route.ID, reason); derr != nil {
			b.log.Error("disable alert route", "route", a.Route.ID, "err", derr)
			b.block(a.Route.ChannelID, time.Now().Add(time.Minute))
		}
		return
	}
	wait := min(2*time.Second<<min(a.Attempts, 10), maxDeferral)
	reason := "Discord could not be reached"
	if ce != nil {
		wait = max(wait, ce.wait)
		switch {
		case ce.status == http.StatusTooManyRequests:
			reason = "Discord rate limit"
		case ce.status != 0:
			reason = fmt.Sprintf("Discord answered %d %s", ce.status, http.StatusText(ce.status))
		}
	}
	notBefore := time.Now().Add(wait)
	b.log.Warn("alert deferred", "alert", a.ID, "channel", a.Route.ChannelID, "reason", reason, "until", notBefore)
	b.block(a.Route.ChannelID, notBefore)
	if derr := b.deps.Store.DeferAlert(ctx, a.ID, notBefore, reason); derr != nil {
		b.log.Error("defer alert", "alert", a.ID, "err", derr)
	}
	for _, r := range rest {
		if derr := b.deps.Store.DeferAlert(ctx, r.ID, notBefore, "waiting for an earlier alert of this channel"); derr != nil {
			b.log.Error("defer alert", "alert", r.ID, "err", derr)
			return
		}
	}
}

// deliverSummary posts a channel's many pending alerts as summary messages
// (as few as the limits allow), each marking its alerts sent. It returns
// how many alerts it delivered.
func (b *Bot) deliverSummary(ctx context.Context, g *channelAlerts) int {
	done := 0
	for _, chunk := range summaryChunks(g.alerts) {
		m := summaryMessage(g.route, chunk, len(g.alerts))
		id, err := b.postMessage(ctx, g.route.ChannelID, m)
		if err != nil {
			b.deliveryFailed(ctx, chunk[0], g.alerts[done+1:], err)
			return done
		}
		b.markSent(ctx, chunk, id)
		done += len(chunk)
	}
	return done
}
