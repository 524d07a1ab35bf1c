package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/newswatch/newswatch"
)

// itemField renders one item of a result list as an embed field: the title
// as its name, then a link, the source, the time and a highlighted snippet.
func itemField(n int, it newswatch.Item, snippet string) *discordgo.MessageEmbedField {
	title := strings.Join(strings.Fields(it.Title), " ")
	if title == "" {
		title = "(untitled item)"
	}
	meta := []string{link("open", it.Link), plain(feedName(it))}
	if t := it.Time(); !t.IsZero() {
		meta = append(meta, fmt.Sprintf("<t:%d:d>", t.Unix()))
	}
	value := strings.Join(meta, " · ")
	if snippet != "" {
		value += "\n" + cut(highlight(snippet), 700)
	}
	// Field names show markdown literally in some clients; keep them plain
	// but inert.
	return &discordgo.MessageEmbedField{Name: cut(fmt.Sprintf("%d. %s", n, plain(title)), maxFieldName), Value: value}
}

func (b *Bot) search(ctx context.Context, v *invocation) (*reply, error) {
	q := v.str("query")
	if q == "" {
		return nil, newswatch.Errorf(newswatch.EINVALID, "Type something to search for.")
	}
	limit := v.integer("limit", 10, 1, 25)
	hits, err := b.deps.Store.Search(ctx, newswatch.SearchQuery{
		GuildID: v.guildID, Query: q, Limit: limit + 1, Offset: (v.page - 1) * limit})
	if err != nil {
		return nil, err
	}
	hasNext := len(hits) > limit
	hits = hits[:min(len(hits), limit)]
	if len(hits) == 0 {
		return &reply{content: cut("No stored item matches “"+plain(q)+"”"+pageNote(v.page)+".", maxContent)}, nil
	}
	e := &discordgo.MessageEmbed{Title: "Search: " + plain(q), Color: colorInfo, Footer: pageFooter(v.page, 0, hasNext)}
	for i, h := range hits {
		e.Fields = append(e.Fields, itemField((v.page-1)*limit+i+1, h.Item, h.Snippet))
	}
	return &reply{embeds: []*discordgo.MessageEmbed{fitEmbed(e)}, components: b.pager(v, hasNext)}, nil
}

func pageNote(page int) string {
	if page > 1 {
		return fmt.Sprintf(" on page %d", page)
	}
	return ""
}

// resolveFeed reads a feed option: an id (from autocomplete) or a URL, of a
// feed visible to the guild. Any other feed, followed by another server or
// by none, gets the same answer, so a server cannot probe what others follow.
func (b *Bot) resolveFeed(ctx context.Context, guildID, s string) (int64, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "#")
	id, err := strconv.ParseInt(s, 10, 64)
	var u string
	if err != nil || id <= 0 {
		id = 0
		if u, err = newswatch.ValidateFeedURL(s); err != nil {
			return 0, newswatch.Errorf(newswatch.EINVALID, "Give a feed id (see /feed list) or its URL.")
		}
	}
	fs, err := b.deps.Store.ListFeeds(ctx, guildID)
	if err != nil {
		return 0, err
	}
	for _, f := range fs {
		if (id != 0 && f.ID == id) || (u != "" && (f.URL == u || f.URL == s)) {
			return f.ID, nil
		}
	}
	return 0, newswatch.Errorf(newswatch.ENOTFOUND, "This server follows no feed %s; see /feed list.", cut(s, 300))
}

func (b *Bot) latest(ctx context.Context, v *invocation) (*reply, error) {
	var feedID int64
	if s := v.str("feed"); s != "" {
		id, err := b.resolveFeed(ctx, v.guildID, s)
		if err != nil {
			return nil, err
		}
		feedID = id
	}
	limit := v.integer("limit", 10, 1, 25)
	items, err := b.deps.Store.Latest(ctx, newswatch.LatestQuery{
		GuildID: v.guildID, FeedID: feedID, Limit: limit + 1, Offset: (v.page - 1) * limit})
	if err != nil {
		return nil, err
	}
	hasNext := len(items) > limit
	items = items[:min(len(items), limit)]
	if len(items) == 0 {
		return &reply{content: "No items stored yet" + pageNote(v.page) + "."}, nil
	}
	e := &discordgo.MessageEmbed{Title: "Latest items", Color: colorInfo, Footer: pageFooter(v.page, 0, hasNext)}
	for i, it := range items {
		e.Fields = append(e.Fields, itemField((v.page-1)*limit+i+1, it, cutBytes(it.Text, 0, 200)))
	}
	return &reply{embeds: []*discordgo.MessageEmbed{fitEmbed(e)}, components: b.pager(v, hasNext)}, nil
}

// parseSince reads "24h", "90m", "7d", "2w", "2014-04-01" or an RFC 3339 time.
func parseSince(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "" {
		return time.Time{}, nil
	}
	bad := newswatch.Errorf(newswatch.EINVALID,
		"I can't read %q as a time: use e.g. \"24h\", \"7d\", \"2w\" or a date like \"2014-04-01\".", s)
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, strings.ToUpper(s)); err == nil {
		return t, nil
	}
	if n := len(s); n >= 2 && (s[n-1] == 'd' || s[n-1] == 'w') {
		k, err := strconv.Atoi(s[:n-1])
		if err != nil || k < 0 || k > 100000 {
			return time.Time{}, bad
		}
		days := k
		if s[n-1] == 'w' {
			days = 7 * k
		}
		return now.AddDate(0, 0, -days), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return time.Time{}, bad
	}
	return now.Add(-d), nil
}

func (b *Bot) mentions(ctx context.Context, v *invocation) (*reply, error) {
	name := v.str("name")
	if name == "" {
		return nil, newswatch.Errorf(newswatch.EINVALID, "Name a watched city or actor.")
	}
	since, err := parseSince(v.str("since"), time.Now())
	if err != nil {
		return nil, err
	}
	limit := v.integer("limit", 10, 1, 25)
	hits, err := b.deps.Store.Mentions(ctx, newswatch.MentionQuery{
		GuildID: v.guildID, Entity: name, Since: since, Limit: limit + 1, Offset: (v.page - 1) * limit})
	if err != nil {
		return nil, err
	}
	hasNext := len(hits) > limit
	hits = hits[:min(len(hits), limit)]
	when := ""
	if !since.IsZero() {
		when = fmt.Sprintf(" since <t:%d:d>", since.Unix())
	}
	if len(hits) == 0 {
		return &reply{content: cut("No mentions of "+plain(name)+when+pageNote(v.page)+".", maxContent)}, nil
	}
	entity := hits[0].Mention.Entity
	e := &discordgo.MessageEmbed{Title: "Mentions of " + plain(entity), Description: "Newest first" + when + ".",
		Color: kindColor([]newswatch.Mention{hits[0].Mention}), Footer: pageFooter(v.page, 0, hasNext)}
	for i, h := range hits {
		snippet := h.Snippet
		if snippet == "" {
			snippet = newswatch.Snippet(h.Item.MatchText(), []newswatch.Mention{h.Mention}, 300)
		}
		e.Fields = append(e.Fields, itemField((v.page-1)*limit+i+1, h.Item, snippet))
	}
	return &reply{embeds: []*discordgo.MessageEmbed{fitEmbed(e)}, components: b.pager(v, hasNext)}, nil
}

func (b *Bot) stats(ctx context.Context, v *invocation) (*reply, error) {
	st, err := b.deps.Store.Stats(ctx, v.guildID)
	if err != nil {
		return nil, err
	}
	inline := func(name, value string) *discordgo.MessageEmbedField {
		return &discordgo.MessageEmbedField{Name: name, Value: value, Inline: true}
	}
	feeds := strconv.Itoa(st.Feeds)
	if st.FailingFeeds > 0 {
		feeds += fmt.Sprintf(" (%d failing)", st.FailingFeeds)
	}
	e := &discordgo.MessageEmbed{Title: "newswatch statistics", Color: colorInfo, Fields: []*discordgo.MessageEmbedField{
		inline("Items", strconv.Itoa(st.Items)), inline("Feeds", feeds), inline("Watches", strconv.Itoa(st.Watches)),
		inline("Mentions", strconv.Itoa(st.Mentions)), inline("Alert channels", strconv.Itoa(st.Routes)),
		inline("Alerts", fmt.Sprintf("%d sent, %d pending", st.SentAlerts, st.PendingAlerts)),
	}}
	if !st.OldestItem.IsZero() {
		e.Fields = append(e.Fields, inline("Items from", fmt.Sprintf("<t:%d:d> to <t:%d:d>", st.OldestItem.Unix(), st.NewestItem.Unix())))
	}
	if len(st.TopEntities) > 0 {
		lines := make([]string, 0, len(st.TopEntities))
		for i, ec := range st.TopEntities {
			lines = append(lines, fmt.Sprintf("%d. %s (%s): %d", i+1, plain(ec.Entity), ec.Kind, ec.Count))
		}
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Most mentioned", Value: strings.Join(lines, "\n")})
	}
	return &reply{embeds: []*discordgo.MessageEmbed{fitEmbed(e)}}, nil
}
