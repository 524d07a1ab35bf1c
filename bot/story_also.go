package bot

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/newswatch/newswatch"
)

// StoryAlso is the part of the store the "Also reported by" edits use. A
// Store without it (a test double) gets no edits.
type StoryAlso interface {
	// DueStoryAlso returns story alerts with items to add, due at now.
	DueStoryAlso(ctx context.Context, console bool, now time.Time, limit int) ([]newswatch.StoryAlso, error)
	// StoryAlsoShown marks sa's pending items shown, stores the edit
	// message edit and sets when the next edit may go out, in one
	// transaction.
	StoryAlsoShown(ctx context.Context, sa newswatch.StoryAlso, edit []byte, next time.Time) (newswatch.AlertMessage, error)
}

// storyEditEvery is the least time between two edits of one story's alert
// in one route.
const storyEditEvery = time.Minute

// alsoNamed is how many sources the line names before "+N".
const alsoNamed = 5

// storyAlsoPass turns the due "also" items of stories into edit messages
// of their alerts. The edits are stored in the outbox (with the items
// marked shown, in one transaction) and sent by the delivery that follows,
// under the same budget, rate limits and crash recovery as posts: a crash
// before the transaction leaves the items pending, one after it leaves an
// edit that the next run sends (an edit is idempotent). At most one edit
// per story and route per storyEditEvery.
func (b *Bot) storyAlsoPass(ctx context.Context, now time.Time) {
	st, ok := b.deps.Store.(StoryAlso)
	if !ok {
		return
	}
	due, err := st.DueStoryAlso(ctx, false, now, b.cfg.BatchSize)
	if err != nil {
		if ctx.Err() == nil {
			b.log.Error("read story edits", "err", err)
		}
		return
	}
	for _, sa := range due {
		payload, err := alsoEdit(sa)
		if err != nil {
			b.log.Error("story edit", "story", sa.StoryID, "err", err)
			return
		}
		if _, err := st.StoryAlsoShown(ctx, sa, payload, now.Add(storyEditEvery)); err != nil {
			if ctx.Err() == nil {
				b.log.Error("store story edit", "story", sa.StoryID, "err", err)
			}
			return
		}
	}
}

// alsoEdit returns the body that replaces sa's alert: the alert made
// again as it was posted (the stored body is not kept once sent), with the
// same marker in the footer, so that reconciling still knows it, and an
// "Also reported by" field listing every item shown or pending.
func alsoEdit(sa newswatch.StoryAlso) ([]byte, error) {
	out := *alertMessage(sa.Alert)
	items := append(append([]newswatch.StoryItem(nil), sa.Shown...), sa.Pending...)
	if len(out.Embeds) > 0 && len(items) > 0 {
		e := *out.Embeds[0]
		e.Fields = append(append([]*discordgo.MessageEmbedField(nil), e.Fields...),
			&discordgo.MessageEmbedField{Name: "Also reported by", Value: alsoLine(items)})
		out.Embeds = append([]*discordgo.MessageEmbed{&e}, out.Embeds[1:]...)
	}
	m := forPost(&out, sa.Message.ID)
	m.Nonce, m.EnforceNonce = "", false // an edit has no nonce
	return json.Marshal(m)
}

// alsoLine names the sources of items, once each, as links to their
// items: at most alsoNamed, then "+N" for the rest, within a field's
// maxFieldValue characters.
func alsoLine(items []newswatch.StoryItem) string {
	var names []string
	seen := map[string]bool{}
	var links []string
	for _, it := range items {
		n := sourceName(it)
		if seen[strings.ToLower(n)] {
			continue
		}
		seen[strings.ToLower(n)] = true
		names = append(names, n)
		links = append(links, it.Link)
	}
	var b strings.Builder
	shown := 0
	for i, n := range names {
		part := link(escape(cut(n, 80)), links[i])
		rest := len(names) - i - 1
		tail := ""
		if rest > 0 {
			tail = ", +" + strconv.Itoa(rest)
		}
		if shown == alsoNamed || utf8.RuneCountInString(b.String())+2+utf8.RuneCountInString(part)+len(tail) > maxFieldValue {
			break
		}
		if shown > 0 {
			b.WriteString(", ")
		}
		b.WriteString(part)
		shown++
	}
	if rest := len(names) - shown; rest > 0 {
		if shown > 0 {
			b.WriteString(", ")
		}
		b.WriteString("+" + strconv.Itoa(rest))
	}
	return b.String()
}

// sourceName is what a story's item is listed as: its feed's title, else
// the host of its link, else its feed's number.
func sourceName(it newswatch.StoryItem) string {
	if t := strings.TrimSpace(it.FeedTitle); t != "" {
		return t
	}
	if u, err := url.Parse(it.Link); err == nil && u.Hostname() != "" {
		return strings.TrimPrefix(u.Hostname(), "www.")
	}
	return "feed #" + strconv.FormatInt(it.FeedID, 10)
}

// clock returns the time the delivery pass works at.
func (b *Bot) clock() time.Time {
	if b.cfg.Clock != nil {
		return b.cfg.Clock()
	}
	return time.Now()
}
