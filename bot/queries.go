package bot

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
	"golang.org/x/sync/errgroup"

	"github.com/newswatch/newswatch"
)

// itemField renders one item of a result list as an embed field: the title
// as its name, then a link, the source, the time and a highlighted snippet.
//
// extra are more parts of the line under the title (a story's sources).
func itemField(l lang, n int, it newswatch.Item, snippet string, extra ...string) *discordgo.MessageEmbedField {
	title := strings.Join(strings.Fields(it.Title), " ")
	if title == "" {
		title = l.t("item.untitled")
	}
	meta := []string{link(l.t("item.open"), it.Link), plain(feedName(it))}
	if t := it.Time(); !t.IsZero() {
		meta = append(meta, fmt.Sprintf("<t:%d:d>", t.Unix()))
	}
	meta = append(meta, extra...)
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
		return nil, v.errorf(newswatch.EINVALID, "err.empty_query")
	}
	limit := v.integer("limit", 10, 1, 25)
	offset := b.pageStart(v, limit)
	sq := newswatch.SearchQuery{GuildID: v.guildID, Query: q, Limit: limit + 1, Offset: offset}
	var fields []*discordgo.MessageEmbedField
	if v.boolean("expand") {
		hits, err := b.deps.Store.Search(ctx, sq)
		if err != nil {
			return nil, err
		}
		for i, h := range hits {
			fields = append(fields, itemField(v.lang, offset+i+1, h.Item, h.Snippet))
		}
	} else {
		hits, err := b.deps.Store.SearchStories(ctx, sq)
		if err != nil {
			return nil, err
		}
		for i, h := range hits {
			fields = append(fields, storyField(v.lang, offset+i+1, h, h.Snippet))
		}
	}
	more := len(fields) > limit
	fields = fields[:min(len(fields), limit)]
	if len(fields) == 0 {
		return &reply{content: cut(v.t("search.none", plain(q), pageNote(v)), maxContent)}, nil
	}
	e := &discordgo.MessageEmbed{Title: v.t("search.title", plain(q)), Color: colorInfo, Fields: fields}
	return b.resultPage(v, e, offset, more), nil
}

// storyField is itemField for the one entry of a story: its item, then how
// many sources carry the story and its id, for /story.
func storyField(l lang, n int, h newswatch.StoryHit, snippet string) *discordgo.MessageEmbedField {
	return itemField(l, n, h.Item, snippet, storyNote(l, h.StoryID, h.ItemCount, h.SourceCount)...)
}

// storyNote is the part of an entry's line that tells its story: none for
// an item without a story.
func storyNote(l lang, id int64, items, sources int) []string {
	if id == 0 {
		return nil
	}
	if items <= 1 {
		return []string{l.t("story.note_one", id)}
	}
	return []string{l.t("story.note", id, sources, items)}
}

// resultPage fits a page of results into one message. The results that do
// not fit go to the next page, which starts after the last one shown.
func (b *Bot) resultPage(v *invocation, e *discordgo.MessageEmbed, offset int, more bool) *reply {
	n := len(e.Fields)
	e.Footer = pageFooter(v.lang, v.page, 0, true) // the longer footer while fitting
	fitEmbed(e)
	shown := len(e.Fields)
	hasNext := more || shown < n
	e.Footer = pageFooter(v.lang, v.page, 0, hasNext)
	return &reply{embeds: []*discordgo.MessageEmbed{e}, components: b.resultPager(v, offset, shown, hasNext)}
}

func pageNote(v *invocation) string {
	if v.page > 1 {
		return v.t("page.note", v.page)
	}
	return ""
}

// resolveFeed reads a feed option: an id (from autocomplete) or a URL, of a
// feed visible to the guild. Any other feed, followed by another server or
// by none, gets the same answer, so a server cannot probe what others follow.
func (b *Bot) resolveFeed(ctx context.Context, v *invocation, s string) (newswatch.Feed, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "#")
	id, err := strconv.ParseInt(s, 10, 64)
	var u string
	if err != nil || id <= 0 {
		id = 0
		if u, err = newswatch.ValidateFeedURL(s); err != nil {
			return newswatch.Feed{}, v.errorf(newswatch.EINVALID, "err.feed_arg")
		}
	}
	fs, err := b.deps.Store.ListFeeds(ctx, v.guildID)
	if err != nil {
		return newswatch.Feed{}, err
	}
	for _, f := range fs {
		if (id != 0 && f.ID == id) || (u != "" && (f.URL == u || f.URL == s)) {
			return f, nil
		}
	}
	return newswatch.Feed{}, v.errorf(newswatch.ENOTFOUND, "err.no_feed", cut(s, 300))
}

func (b *Bot) latest(ctx context.Context, v *invocation) (*reply, error) {
	var feedID int64
	if s := v.str("feed"); s != "" {
		f, err := b.resolveFeed(ctx, v, s)
		if err != nil {
			return nil, err
		}
		feedID = f.ID
	}
	limit := v.integer("limit", 10, 1, 25)
	offset := b.pageStart(v, limit)
	lq := newswatch.LatestQuery{GuildID: v.guildID, FeedID: feedID, Limit: limit + 1, Offset: offset}
	var fields []*discordgo.MessageEmbedField
	if v.boolean("expand") {
		items, err := b.deps.Store.Latest(ctx, lq)
		if err != nil {
			return nil, err
		}
		for i, it := range items {
			fields = append(fields, itemField(v.lang, offset+i+1, it, cutBytes(it.Text, 0, 200)))
		}
	} else {
		hits, err := b.deps.Store.LatestStories(ctx, lq)
		if err != nil {
			return nil, err
		}
		for i, h := range hits {
			fields = append(fields, storyField(v.lang, offset+i+1, h, cutBytes(h.Item.Text, 0, 200)))
		}
	}
	more := len(fields) > limit
	fields = fields[:min(len(fields), limit)]
	if len(fields) == 0 {
		return &reply{content: v.t("latest.none", pageNote(v))}, nil
	}
	e := &discordgo.MessageEmbed{Title: v.t("latest.title"), Color: colorInfo, Fields: fields}
	return b.resultPage(v, e, offset, more), nil
}

// parseSince reads "24h", "90m", "7d", "2w", "2014-04-01" or an RFC 3339 time.
func parseSince(l lang, s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "" {
		return time.Time{}, nil
	}
	bad := newswatch.Errorf(newswatch.EINVALID, "%s", l.t("err.since", s))
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
		return nil, v.errorf(newswatch.EINVALID, "err.empty_name")
	}
	since, err := parseSince(v.lang, v.str("since"), time.Now())
	if err != nil {
		return nil, err
	}
	limit := v.integer("limit", 10, 1, 25)
	offset := b.pageStart(v, limit)
	mq := newswatch.MentionQuery{GuildID: v.guildID, Entity: name, Since: since, Limit: limit + 1, Offset: offset}
	var hits []newswatch.StoryMentionHit
	if v.str("by") == "stories" {
		hits, err = b.deps.Store.MentionStories(ctx, mq)
	} else {
		var items []newswatch.MentionHit
		items, err = b.deps.Store.Mentions(ctx, mq)
		for _, h := range items {
			hits = append(hits, newswatch.StoryMentionHit{MentionHit: h})
		}
	}
	if err != nil {
		return nil, err
	}
	more := len(hits) > limit
	hits = hits[:min(len(hits), limit)]
	when := ""
	if !since.IsZero() {
		when = v.t("mentions.since", since.Unix())
	}
	if len(hits) == 0 {
		return &reply{content: cut(v.t("mentions.none", plain(name), when, pageNote(v)), maxContent)}, nil
	}
	entity := hits[0].Mention.Entity
	e := &discordgo.MessageEmbed{Title: v.t("mentions.title", plain(entity)), Description: v.t("mentions.desc", when),
		Color: kindColor([]newswatch.Mention{hits[0].Mention})}
	if v.str("by") == "stories" {
		// Counting reads every mention in the range (seconds for a common
		// name on a million items), so only when stories are asked for.
		totals, err := b.deps.Store.CountMentions(ctx, mq)
		if err != nil {
			return nil, err
		}
		e.Description += " " + v.t("mentions.totals", totals.Mentions, totals.Items, totals.Stories)
	}
	for i, h := range hits {
		snippet := h.Snippet
		if snippet == "" {
			snippet = newswatch.Snippet(h.Item.MatchText(), []newswatch.Mention{h.Mention}, 300)
		}
		e.Fields = append(e.Fields, itemField(v.lang, offset+i+1, h.Item, snippet, storyNote(v.lang, h.StoryID, h.ItemCount, h.SourceCount)...))
	}
	return b.resultPage(v, e, offset, more), nil
}

func (b *Bot) stats(ctx context.Context, v *invocation) (*reply, error) {
	// Both read every item's index entry once (about a second each on a
	// million items): side by side, on two read connections.
	// The handler's recover does not reach the second goroutine: it
	// recovers its own panic into an error.
	var st newswatch.Stats
	var ss newswatch.StoryStats
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("bot: story stats: panic: %v", p)
			}
		}()
		ss, err = b.deps.Store.StoryStats(gctx, v.guildID)
		return err
	})
	st, err := b.deps.Store.Stats(gctx, v.guildID)
	if werr := g.Wait(); err == nil {
		err = werr
	}
	if err != nil {
		return nil, err
	}
	inline := func(name, value string) *discordgo.MessageEmbedField {
		return &discordgo.MessageEmbedField{Name: name, Value: value, Inline: true}
	}
	feeds := strconv.Itoa(st.Feeds)
	if st.FailingFeeds > 0 {
		feeds += v.t("stats.failing", st.FailingFeeds)
	}
	e := &discordgo.MessageEmbed{Title: v.t("stats.title"), Color: colorInfo, Fields: []*discordgo.MessageEmbedField{
		inline(v.t("stats.items"), strconv.Itoa(st.Items)),
		inline(v.t("stats.stories"), v.t("stats.stories_value", ss.Stories, ss.MultiSource)),
		inline(v.t("stats.feeds"), feeds),
		inline(v.t("stats.watches"), strconv.Itoa(st.Watches)), inline(v.t("stats.mentions"), strconv.Itoa(st.Mentions)),
		inline(v.t("stats.routes"), strconv.Itoa(st.Routes)),
		inline(v.t("stats.alerts"), v.t("stats.alerts_value", st.SentAlerts, st.PendingAlerts)),
	}}
	if !st.OldestItem.IsZero() {
		e.Fields = append(e.Fields, inline(v.t("stats.from"), v.t("stats.from_value", st.OldestItem.Unix(), st.NewestItem.Unix())))
	}
	if len(st.TopEntities) > 0 {
		lines := make([]string, 0, len(st.TopEntities))
		for i, ec := range st.TopEntities {
			lines = append(lines, fmt.Sprintf("%d. %s (%s): %d", i+1, plain(ec.Entity), ec.Kind, ec.Count))
		}
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: v.t("stats.top"), Value: strings.Join(lines, "\n")})
	}
	return &reply{embeds: []*discordgo.MessageEmbed{fitEmbed(e)}}, nil
}

// StoryQueries answer the query commands one entry per story, and /story.
type StoryQueries interface {
	SearchStories(ctx context.Context, q newswatch.SearchQuery) ([]newswatch.StoryHit, error)
	LatestStories(ctx context.Context, q newswatch.LatestQuery) ([]newswatch.StoryHit, error)
	MentionStories(ctx context.Context, q newswatch.MentionQuery) ([]newswatch.StoryMentionHit, error)
	CountMentions(ctx context.Context, q newswatch.MentionQuery) (newswatch.MentionTotals, error)
	Story(ctx context.Context, guildID string, id int64) (newswatch.Story, error)
	StoryStats(ctx context.Context, guildID string) (newswatch.StoryStats, error)
}

// story lists the sources of a story that the guild can see, oldest first,
// a page at a time.
func (b *Bot) story(ctx context.Context, v *invocation) (*reply, error) {
	id := v.integer("id", 0, 0, math.MaxInt)
	if id <= 0 {
		return nil, v.errorf(newswatch.EINVALID, "err.story_id")
	}
	s, err := b.deps.Store.Story(ctx, v.guildID, int64(id))
	if err != nil {
		return nil, v.localize(err, newswatch.ENOTFOUND, "err.no_story", id)
	}
	limit := v.integer("limit", 10, 1, 25)
	offset := b.pageStart(v, limit)
	if offset >= len(s.Items) {
		return &reply{content: v.t("story.none", id, pageNote(v))}, nil
	}
	e := &discordgo.MessageEmbed{Title: cut(v.t("story.title", id, plain(s.Title)), maxTitle), Color: colorInfo,
		Description: v.t("story.desc", s.SourceCount, s.ItemCount, s.FirstSeen.Unix())}
	items := s.Items[offset:min(len(s.Items), offset+limit)]
	for i, it := range items {
		e.Fields = append(e.Fields, sourceField(v.lang, offset+i+1, it))
	}
	return b.resultPage(v, e, offset, offset+len(items) < len(s.Items)), nil
}

// sourceField renders one item of a story: its source as the name, then
// the title as a link and the time.
func sourceField(l lang, n int, it newswatch.StoryItem) *discordgo.MessageEmbedField {
	src := it.FeedTitle
	if src == "" {
		if u, err := url.Parse(it.Link); err == nil && u.Host != "" {
			src = strings.TrimPrefix(u.Hostname(), "www.")
		} else {
			src = "feed #" + strconv.FormatInt(it.FeedID, 10)
		}
	}
	title := strings.Join(strings.Fields(it.Title), " ")
	if title == "" {
		title = l.t("item.untitled")
	}
	value := link(plain(cut(title, 200)), it.Link)
	if !it.Published.IsZero() {
		value += fmt.Sprintf(" · <t:%d:f>", it.Published.Unix())
	}
	return &discordgo.MessageEmbedField{Name: cut(fmt.Sprintf("%d. %s", n, plain(src)), maxFieldName), Value: value}
}
