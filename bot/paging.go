package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/newswatch/newswatch"
)

const pageTTL = 30 * time.Minute

// pageStore remembers the command behind a paged list for its buttons, and
// where each page of it starts: a page holds what fits in one message, so
// the next page starts after the last result shown, not a fixed count on.
type pageStore struct {
	mu sync.Mutex
	m  map[string]pageState
}

type pageState struct {
	v      invocation
	at     time.Time
	starts map[int]int // page -> offset of its first result, once known
}

func (p *pageStore) put(v *invocation) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	for k, s := range p.m {
		if now.Sub(s.at) > pageTTL || len(p.m) > 5000 {
			delete(p.m, k)
		}
	}
	var buf [6]byte
	_, _ = rand.Read(buf[:])
	key := hex.EncodeToString(buf[:])
	p.m[key] = pageState{v: *v, at: now, starts: map[int]int{}}
	return key
}

func (p *pageStore) get(key string) (invocation, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s, ok := p.m[key]
	if !ok || time.Since(s.at) > pageTTL {
		return invocation{}, false
	}
	s.at = time.Now()
	p.m[key] = s
	return s.v, true
}

// start returns the recorded offset of a page of the list key.
func (p *pageStore) start(key string, page int) (int, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	off, ok := p.m[key].starts[page]
	return off, ok
}

// record notes the offset where a page of the list key starts.
func (p *pageStore) record(key string, page, offset int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s, ok := p.m[key]; ok {
		s.starts[page] = offset
	}
}

// pageStart is the offset of v's first result: the one recorded when the
// page was reached with the buttons, else per results for each page before
// (a page asked for with the page option).
func (b *Bot) pageStart(v *invocation, per int) int {
	if v.pageKey != "" {
		if off, ok := b.pages.start(v.pageKey, v.page); ok {
			return off
		}
	}
	return (v.page - 1) * per
}

// resultPager returns the buttons of a page of results that starts at
// offset and shows shown of them, recording where its neighbours start.
func (b *Bot) resultPager(v *invocation, offset, shown int, hasNext bool) []discordgo.MessageComponent {
	c := b.pager(v, hasNext)
	if v.pageKey != "" {
		b.pages.record(v.pageKey, v.page, offset)
		b.pages.record(v.pageKey, v.page+1, offset+shown)
	}
	return c
}

// pager returns the Previous/Next buttons of a list page, or nil when the
// list has one page. custom_id is "page:<key>:<page>".
func (b *Bot) pager(v *invocation, hasNext bool) []discordgo.MessageComponent {
	if v.page <= 1 && !hasNext {
		return nil
	}
	if v.pageKey == "" {
		v.pageKey = b.pages.put(v)
	}
	btn := func(label string, page int, disabled bool) discordgo.Button {
		return discordgo.Button{Label: label, Style: discordgo.SecondaryButton, Disabled: disabled,
			CustomID: "page:" + v.pageKey + ":" + strconv.Itoa(page)}
	}
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		btn(v.t("page.prev"), max(v.page-1, 1), v.page <= 1),
		btn(v.t("page.next"), v.page+1, !hasNext),
	}}}
}

// component answers a page button, in the language of whoever clicked it.
func (b *Bot) component(ctx context.Context, i *discordgo.Interaction) (*reply, error) {
	l := langOf(i.Locale)
	if i.GuildID == "" || i.Member == nil {
		return nil, newswatch.Errorf(newswatch.EFORBIDDEN, "%s", l.t("err.dm"))
	}
	parts := strings.Split(i.MessageComponentData().CustomID, ":")
	if len(parts) != 3 || parts[0] != "page" {
		return nil, newswatch.Errorf(newswatch.EINVALID, "%s", l.t("err.not_our_button"))
	}
	page, err := strconv.Atoi(parts[2])
	v, ok := b.pages.get(parts[1])
	if err != nil || page < 1 || !ok || v.guildID != i.GuildID {
		return nil, newswatch.Errorf(newswatch.ENOTFOUND, "%s", l.t("err.list_expired"))
	}
	v.page, v.pageKey, v.lang = page, parts[1], l
	h := b.handlers()[v.name]
	if h == nil || adminCommands[v.name] {
		return nil, newswatch.Errorf(newswatch.EINVALID, "%s", l.t("err.not_our_button"))
	}
	return h(ctx, &v)
}

// pageFooter is the page line of a list.
func pageFooter(l lang, page, pages int, hasNext bool) *discordgo.MessageEmbedFooter {
	switch {
	case pages > 0:
		return &discordgo.MessageEmbedFooter{Text: l.t("page.of", page, pages)}
	case hasNext:
		return &discordgo.MessageEmbedFooter{Text: l.t("page.more", page)}
	}
	return &discordgo.MessageEmbedFooter{Text: l.t("page.n", page)}
}
