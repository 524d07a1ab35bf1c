package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/newswatch/newswatch"
)

// Outbox is the part of the store alert delivery uses.
//
// Delivery is exactly-once without leaning on Discord's nonce window: the
// alerts of a channel are first grouped into AlertMessages (a single alert
// or a summary), stored with their body before anything is posted. A
// message's alerts and body never change afterwards, every attempt posts the
// same body with the same nonce, and the message and its alerts are marked
// sent in one transaction. A message whose post may have reached Discord
// unseen (a crash, a lost answer, a timeout, a 5xx) is looked for in the
// channel before it is posted again (reconcile.go).
type Outbox interface {
	UngroupedAlerts(ctx context.Context, now time.Time, skip []string, limit int) ([]newswatch.Alert, error)
	CreateAlertMessages(ctx context.Context, ms []newswatch.AlertMessage, now time.Time) ([]newswatch.AlertMessage, error)
	PendingAlertMessages(ctx context.Context, limit int) ([]newswatch.AlertMessage, error)
	MarkAlertMessageSent(ctx context.Context, id int64, discordID string, at time.Time) error
	AlertMessageFailed(ctx context.Context, id int64, reason string) error
	LastChannelMessage(ctx context.Context, channelID string) (string, error)
}

// deliverLoop delivers the outbox until ctx ends: a pass every
// DeliveryInterval, at once after Notify, and back to back while passes
// find more to do.
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

// resumeDeferred starts delivery afresh, as after a restart: no channel
// waits, and every pending message is looked for in its channel before it
// is posted again, since this process cannot know whether an earlier one
// posted it.
func (b *Bot) resumeDeferred(context.Context) {
	b.dl.reset()
}

// deliverPass sends what is pending now: first the stored messages, oldest
// first per channel, then new messages for the alerts of channels with none
// left. It reports whether more may be waiting.
func (b *Bot) deliverPass(ctx context.Context) (more bool) {
	defer func() {
		if r := recover(); r != nil {
			b.log.Error("alert delivery panicked", "panic", fmt.Sprint(r))
			more = false
		}
	}()
	now := time.Now()
	if b.dl.globalOpen(now) {
		return false
	}
	b.storyAlsoPass(ctx, b.clock()) // its edits go out with the messages below
	msgs, err := b.deps.Store.PendingAlertMessages(ctx, b.cfg.BatchSize)
	if err != nil {
		if ctx.Err() == nil {
			b.log.Error("read pending alert messages", "err", err)
		}
		return false
	}
	chans := groupMessages(msgs)
	read := len(msgs)
	if len(msgs) < b.cfg.BatchSize {
		fresh, n, err := b.newMessages(ctx, now, chans, b.cfg.BatchSize-len(msgs))
		if err != nil {
			if ctx.Err() == nil {
				b.log.Error("group pending alerts", "err", err)
			}
		}
		chans = append(chans, fresh...)
		read += n
	}
	sent, old := 0, len(msgs) > 0
	for _, c := range chans {
		if ctx.Err() != nil || b.dl.globalOpen(time.Now()) {
			return false
		}
		if b.dl.channelOpen(c.route.ChannelID, time.Now()) {
			continue
		}
		sent += b.deliverChannel(ctx, c)
	}
	// Messages of an earlier pass went out: the alerts that waited behind
	// them can be grouped now. A full read may have left more behind.
	return sent > 0 && (old || read >= b.cfg.BatchSize)
}

// channelMessages are the pending messages of one channel, oldest first.
type channelMessages struct {
	route newswatch.Route
	msgs  []newswatch.AlertMessage
}

func groupMessages(msgs []newswatch.AlertMessage) []*channelMessages {
	var out []*channelMessages
	idx := map[string]*channelMessages{}
	for _, m := range msgs {
		c := idx[m.Route.ChannelID]
		if c == nil {
			c = &channelMessages{route: m.Route}
			idx[m.Route.ChannelID] = c
			out = append(out, c)
		}
		c.msgs = append(c.msgs, m)
	}
	return out
}

// newMessages groups the pending alerts of the channels that have no
// pending message and do not wait into messages, stores them and returns
// them by channel, with how many alerts it read. A channel's alerts become
// one message each, or summaries when there are more than SummaryAfter.
func (b *Bot) newMessages(ctx context.Context, now time.Time, busy []*channelMessages, limit int) ([]*channelMessages, int, error) {
	skip := b.dl.blockedChannels(now)
	for _, c := range busy {
		skip = append(skip, c.route.ChannelID)
	}
	alerts, err := b.deps.Store.UngroupedAlerts(ctx, now, skip, limit)
	if err != nil || len(alerts) == 0 {
		return nil, 0, err
	}
	var todo []newswatch.AlertMessage
	for _, g := range groupByChannel(alerts) {
		if len(g.alerts) > b.cfg.SummaryAfter {
			for _, chunk := range summaryChunks(g.alerts) {
				todo = append(todo, pendingMessage(g.route, summaryMessage(g.route, chunk, len(g.alerts)), chunk...))
			}
			continue
		}
		for _, a := range g.alerts {
			todo = append(todo, pendingMessage(g.route, alertMessage(a), a))
		}
	}
	made, err := b.deps.Store.CreateAlertMessages(ctx, todo, now)
	if err != nil {
		return nil, len(alerts), err
	}
	for _, m := range made {
		b.dl.setFresh(m.ID, true)
	}
	return groupMessages(made), len(alerts), nil
}

// pendingMessage is the AlertMessage to store for alerts rendered as m.
func pendingMessage(r newswatch.Route, m *outMessage, alerts ...newswatch.Alert) newswatch.AlertMessage {
	payload, _ := json.Marshal(m) // plain structs always encode
	ids := make([]int64, len(alerts))
	for i, a := range alerts {
		ids[i] = a.ID
	}
	return newswatch.AlertMessage{Route: r, Payload: payload, AlertIDs: ids}
}

// channelAlerts are the pending alerts of one channel, oldest first.
type channelAlerts struct {
	route  newswatch.Route
	alerts []newswatch.Alert
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

// deliverChannel posts a channel's pending messages in order, after looking
// for those whose earlier post may have gone through; it stops at the first
// failure, so later messages never overtake it. It returns how many alerts
// went out.
func (b *Bot) deliverChannel(ctx context.Context, c *channelMessages) int {
	var unsure []newswatch.AlertMessage
	for _, m := range c.msgs {
		if !b.dl.isFresh(m.ID) && m.EditOf == "" { // edits are idempotent: see story_edit.go
			unsure = append(unsure, m)
		}
	}
	found := map[int64]string{}
	if len(unsure) > 0 {
		var err error
		found, err = b.reconcile(ctx, c.route.ChannelID, unsure)
		if err != nil {
			b.deliveryFailed(ctx, unsure[0], err)
			return 0
		}
	}
	done := 0
	for _, m := range c.msgs {
		id, ok := found[m.ID]
		if m.EditOf != "" {
			if err := b.editAlertMessage(ctx, m); err != nil {
				b.deliveryFailed(ctx, m, err)
				return done
			}
			id, ok = m.EditOf, true
		}
		if !ok {
			var err error
			if id, err = b.postAlertMessage(ctx, m); err != nil {
				b.deliveryFailed(ctx, m, err)
				return done
			}
		}
		if b.dl.succeeded(c.route.ChannelID) {
			b.log.Info("Discord answers again; delivering the alerts that waited")
		}
		b.markSent(ctx, m, id)
		done += len(m.AlertIDs)
	}
	return done
}

// postAlertMessage posts stored message m and returns its Discord id. A
// body Discord refuses for good (400/413) goes out plain instead of holding
// the channel back forever.
func (b *Bot) postAlertMessage(ctx context.Context, m newswatch.AlertMessage) (string, error) {
	var out outMessage
	if err := json.Unmarshal(m.Payload, &out); err != nil {
		return "", fmt.Errorf("bot: alert message %d has an unreadable body: %w", m.ID, err)
	}
	retries := b.cfg.MaxRetries
	if b.dl.probing() {
		retries = 0 // a probe: one request, Discord was failing
	}
	id, err := b.postMessage(ctx, m.Route.ChannelID, forPost(&out, m.ID), retries)
	var ce *callError
	if errors.As(err, &ce) && (ce.status == http.StatusBadRequest || ce.status == http.StatusRequestEntityTooLarge) {
		b.log.Warn("Discord refused an alert message; sending it plain", "message", m.ID, "status", ce.status, "err", b.redact(err.Error()))
		id, err = b.postMessage(ctx, m.Route.ChannelID, forPost(plainMessage(&out), m.ID), retries)
	}
	if errors.As(err, &ce) && ce.unknown {
		b.dl.setFresh(m.ID, false) // it may be in the channel now
	}
	if err == nil {
		b.dl.setFresh(m.ID, false)
	}
	return id, err
}

// markSent records message m and its alerts as sent as Discord message id.
// Discord has the message, so this runs even while ctx is ending; if it
// fails, the message stays pending and is found in the channel next time.
func (b *Bot) markSent(ctx context.Context, m newswatch.AlertMessage, id string) {
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := b.deps.Store.MarkAlertMessageSent(mctx, m.ID, id, time.Now()); err != nil {
		b.log.Error("mark alert message sent", "message", m.ID, "discord_message", id, "err", err)
		b.dl.setFresh(m.ID, false)
	}
}

// deliveryFailed disables the route on 403/404; otherwise it holds back the
// channel (a rate limit, a refusal) or, when Discord itself seems down,
// every channel, and counts the attempt on the message and its alerts.
func (b *Bot) deliveryFailed(ctx context.Context, m newswatch.AlertMessage, err error) {
	if ctx.Err() != nil {
		return
	}
	r := m.Route
	var ce *callError
	errors.As(err, &ce)
	if ce != nil && (ce.status == http.StatusForbidden || ce.status == http.StatusNotFound) {
		reason := fmt.Sprintf("Discord answered %d %s when posting to this channel: the bot cannot see it or may not post there.",
			ce.status, http.StatusText(ce.status))
		if ce.status == http.StatusNotFound {
			reason = "Discord answered 404 Not Found when posting to this channel: it was probably deleted."
		}
		b.log.Warn("alert route disabled", "route", r.ID, "channel", r.ChannelID, "status", ce.status)
		b.observer().AlertFailed(failReason(err), len(m.AlertIDs))
		if derr := b.deps.Store.DisableRoute(ctx, r.ID, reason); derr != nil {
			b.log.Error("disable alert route", "route", r.ID, "err", derr)
			b.dl.openChannel(r.ChannelID, time.Now(), time.Minute, time.Minute)
		}
		return
	}
	now := time.Now()
	reason := "Discord could not be reached"
	switch {
	case ce == nil:
		reason = "the message could not be prepared"
		b.dl.openChannel(r.ChannelID, now, 0, maxDeferral)
	case ce.status == http.StatusTooManyRequests && ce.global:
		reason = "Discord rate limit (global)"
		next, _ := b.dl.openGlobal(now, ce.wait)
		b.observer().RateLimitWait("deferred", next.Sub(now))
	case ce.status == http.StatusTooManyRequests:
		reason = "Discord rate limit"
		b.observer().RateLimitWait("deferred", b.dl.openChannel(r.ChannelID, now, ce.wait, rateWaitMax).Sub(now))
	case ce.unknown:
		if ce.status != 0 {
			reason = fmt.Sprintf("Discord answered %d %s", ce.status, http.StatusText(ce.status))
		}
		if next, first := b.dl.openGlobal(now, 0); first {
			b.log.Warn("Discord is failing; alert deliveries wait and probe it", "reason", reason, "next_probe", next)
		}
	default:
		reason = fmt.Sprintf("Discord answered %d %s", ce.status, http.StatusText(ce.status))
		b.dl.openChannel(r.ChannelID, now, 0, maxDeferral)
		b.observer().AlertFailed(failReason(err), len(m.AlertIDs))
	}
	if ce == nil || !ce.unknown {
		b.log.Warn("alert message deferred", "message", m.ID, "channel", r.ChannelID, "reason", reason, "err", b.redact(err.Error()))
	}
	if ferr := b.deps.Store.AlertMessageFailed(ctx, m.ID, reason); ferr != nil {
		b.log.Error("record a failed alert message", "message", m.ID, "err", ferr)
	}
}
