package bot

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/newswatch/newswatch"
)

const (
	// reconcilePages bounds the pages of 100 messages read from a channel
	// when looking for messages whose post may have gone through.
	reconcilePages = 10
	// reconcileSkew is how far before a message was stored the search
	// starts, for clock skew between this host and Discord.
	reconcileSkew = 10 * time.Minute
	// discordEpoch is the first millisecond of 2015, the epoch of snowflakes.
	discordEpoch = 1420070400000
)

// reconcile looks in channel ch for the messages of msgs (pending, oldest
// first, each possibly posted already) and returns the Discord ids of those
// it finds, by AlertMessage id. Only the bot's own messages count, and a
// message is recognised by the marker in its first embed's footer (see
// markerPrefix).
//
// It reads the channel forward, oldest first, from just after the newest
// message the store knows the bot posted there, or from reconcileSkew before
// the oldest of msgs was stored if that is later (a snowflake made from a
// time serves as "after"), at most reconcilePages pages. A channel whose
// history the bot may not read (403: no Read Message History) is not
// reconciled: that is logged once, and the messages are posted again with
// their nonces, which Discord deduplicates for a few minutes only.
func (b *Bot) reconcile(ctx context.Context, ch string, msgs []newswatch.AlertMessage) (map[int64]string, error) {
	found := map[int64]string{}
	want := map[int64]bool{}
	for _, m := range msgs {
		want[m.ID] = true
	}
	me, err := b.botUserID(ctx)
	if err != nil {
		return nil, err
	}
	last, err := b.deps.Store.LastChannelMessage(ctx, ch)
	if err != nil {
		return nil, err
	}
	after := max(parseID(last), snowflakeAt(msgs[0].CreatedAt.Add(-reconcileSkew)))
	for page := 0; page < reconcilePages; page++ {
		list, err := b.listMessages(ctx, ch, after)
		var ce *callError
		if errors.As(err, &ce) && ce.status == http.StatusForbidden {
			b.historyHidden(ch)
			return found, nil
		}
		if err != nil {
			return nil, err
		}
		for _, msg := range list {
			after = max(after, parseID(msg.ID))
			// Only the bot's own plain messages: not other members', and
			// not its answers to interactions (another type, sent through
			// the interaction's webhook).
			if msg.Author == nil || msg.Author.ID != me || msg.Type != discordgo.MessageTypeDefault || msg.WebhookID != "" {
				continue
			}
			if id, ok := markerOf(msg); ok && want[id] {
				found[id] = msg.ID
			}
		}
		if len(found) == len(want) || len(list) < 100 {
			return found, nil
		}
	}
	b.log.Warn("could not look through a busy channel for alert messages that may have been posted; posting them again",
		"channel", ch, "pages", reconcilePages)
	return found, nil
}

// listMessages reads up to 100 messages of channel ch after message id
// after (newest first, as Discord answers).
func (b *Bot) listMessages(ctx context.Context, ch string, after uint64) ([]*discordgo.Message, error) {
	var list []*discordgo.Message
	retries := b.cfg.MaxRetries
	if b.dl.probing() {
		retries = 0
	}
	err := b.callRetry(ctx, retries, true, func(opts ...discordgo.RequestOption) error {
		if err := b.budgetWait(ctx); err != nil {
			return err
		}
		if err := b.limiter.Wait(ctx); err != nil { // Discord's global request cap
			return err
		}
		if err := b.waitBucket(ctx, discordgo.EndpointChannelMessages(ch)); err != nil {
			return err
		}
		var err error
		list, err = b.s.ChannelMessages(ch, 100, "", strconv.FormatUint(after, 10), "", opts...)
		return err
	})
	return list, err
}

// historyHidden logs once per channel that its history cannot be read.
func (b *Bot) historyHidden(ch string) {
	b.dl.mu.Lock()
	seen := b.dl.noHistory[ch]
	b.dl.noHistory[ch] = true
	b.dl.mu.Unlock()
	if !seen {
		b.log.Warn("the bot may not read this channel's history (Read Message History), so it cannot check whether an alert whose answer was lost arrived; give it that permission to rule out duplicates",
			"channel", ch)
	}
}

// botUserID returns the bot user's id, asking Discord once.
func (b *Bot) botUserID(ctx context.Context) (string, error) {
	b.dl.mu.Lock()
	id := b.dl.botID
	b.dl.mu.Unlock()
	if id != "" {
		return id, nil
	}
	retries := b.cfg.MaxRetries
	if b.dl.probing() {
		retries = 0
	}
	var me *discordgo.User
	err := b.callRetry(ctx, retries, true, func(opts ...discordgo.RequestOption) error {
		var err error
		me, err = b.s.User("@me", opts...)
		return err
	})
	if err != nil {
		return "", err
	}
	b.dl.mu.Lock()
	b.dl.botID = me.ID
	b.dl.mu.Unlock()
	return me.ID, nil
}

// snowflakeAt is the smallest snowflake of time t.
func snowflakeAt(t time.Time) uint64 {
	ms := t.UnixMilli() - discordEpoch
	if ms <= 0 {
		return 0
	}
	return uint64(ms) << 22
}

// parseID reads a snowflake; 0 when it is not one.
func parseID(s string) uint64 {
	n, _ := strconv.ParseUint(s, 10, 64)
	return n
}
