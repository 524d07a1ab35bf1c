package bot

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/newswatch/newswatch"
)

// splitList splits a comma-separated option into trimmed, non-empty parts.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (b *Bot) watchAdd(ctx context.Context, v *invocation) (*reply, error) {
	w := newswatch.Watch{
		GuildID: v.guildID, Name: v.str("name"), Kind: newswatch.Kind(v.str("kind")),
		Aliases: splitList(v.str("aliases")), Exclude: splitList(v.str("exclude")),
		CaseSensitive: v.boolean("case_sensitive"),
	}
	if err := w.Validate(); err != nil {
		return nil, err
	}
	visible, err := b.deps.Store.Watches(ctx, v.guildID)
	if err != nil {
		return nil, err
	}
	candidate := make([]newswatch.Watch, 0, len(visible)+1)
	for _, x := range visible {
		if x.GuildID == newswatch.GlobalScope && strings.EqualFold(x.Name, w.Name) {
			return nil, newswatch.Errorf(newswatch.EFORBIDDEN,
				"The watch %q comes from the bot's configuration and cannot be changed from Discord.", x.Name)
		}
		if x.GuildID == w.GuildID && strings.EqualFold(x.Name, w.Name) {
			continue
		}
		candidate = append(candidate, x)
	}
	candidate = append(candidate, w)
	if b.deps.ValidateWatches != nil {
		if err := b.deps.ValidateWatches(candidate); err != nil {
			return nil, err
		}
	}
	saved, created, err := b.deps.Store.PutWatch(ctx, w, b.cfg.MaxWatchesPerGuild)
	if err != nil {
		return nil, err
	}
	if b.deps.WatchesChanged != nil {
		b.deps.WatchesChanged(&saved)
	}
	verb := "Changed"
	if created {
		verb = "Added"
	}
	return &reply{content: fmt.Sprintf("%s the watch **%s** (%s). Stored items are being matched against it; past items raise no alerts.",
		verb, plain(saved.Name), saved.Kind), embeds: []*discordgo.MessageEmbed{watchEmbed(saved)}}, nil
}

func watchEmbed(w newswatch.Watch) *discordgo.MessageEmbed {
	list := func(xs []string) string {
		if len(xs) == 0 {
			return "none"
		}
		parts := make([]string, len(xs))
		for i, x := range xs {
			parts[i] = plain(x)
		}
		return strings.Join(parts, ", ")
	}
	scope := "this server"
	if w.GuildID == newswatch.GlobalScope {
		scope = "global (from the configuration; read-only here)"
	}
	color := colorCity
	if w.Kind == newswatch.KindActor {
		color = colorActor
	}
	return fitEmbed(&discordgo.MessageEmbed{Title: plain(w.Name), Color: color, Fields: []*discordgo.MessageEmbedField{
		{Name: "Kind", Value: string(w.Kind), Inline: true},
		{Name: "Case-sensitive", Value: strconv.FormatBool(w.CaseSensitive), Inline: true},
		{Name: "Scope", Value: scope, Inline: true},
		{Name: "Aliases", Value: list(w.Aliases)},
		{Name: "Excluded phrases", Value: list(w.Exclude)},
	}})
}

func (b *Bot) watchRemove(ctx context.Context, v *invocation) (*reply, error) {
	name := v.str("name")
	w, err := b.deps.Store.WatchByName(ctx, v.guildID, name)
	if err != nil {
		return nil, err
	}
	if err := b.deps.Store.RemoveWatch(ctx, v.guildID, w.Name); err != nil {
		return nil, err
	}
	if b.deps.WatchesChanged != nil {
		b.deps.WatchesChanged(nil)
	}
	return &reply{content: fmt.Sprintf("Removed the watch **%s** and its mentions.", plain(w.Name))}, nil
}

func (b *Bot) watchShow(ctx context.Context, v *invocation) (*reply, error) {
	w, err := b.deps.Store.WatchByName(ctx, v.guildID, v.str("name"))
	if err != nil {
		return nil, err
	}
	return &reply{embeds: []*discordgo.MessageEmbed{watchEmbed(w)}}, nil
}

const watchesPerPage = 15

func (b *Bot) watchList(ctx context.Context, v *invocation) (*reply, error) {
	ws, err := b.deps.Store.Watches(ctx, v.guildID)
	if err != nil {
		return nil, err
	}
	kind := newswatch.Kind(v.str("kind"))
	var shown []newswatch.Watch
	for _, w := range ws {
		if kind == "" || w.Kind == kind {
			shown = append(shown, w)
		}
	}
	if len(shown) == 0 {
		return &reply{content: "No watches yet. Admins add them with /watch add."}, nil
	}
	sort.Slice(shown, func(i, j int) bool { return strings.ToLower(shown[i].Name) < strings.ToLower(shown[j].Name) })
	pages := (len(shown) + watchesPerPage - 1) / watchesPerPage
	page := min(v.page, pages)
	v.page = page
	var lines []string
	for _, w := range shown[(page-1)*watchesPerPage : min(page*watchesPerPage, len(shown))] {
		line := fmt.Sprintf("**%s** (%s)", plain(w.Name), w.Kind)
		if w.GuildID == newswatch.GlobalScope {
			line += " · global"
		}
		if len(w.Aliases) > 0 {
			line += " — also " + cut(plain(strings.Join(w.Aliases, ", ")), 150)
		}
		lines = append(lines, line)
	}
	title := fmt.Sprintf("Watches (%d)", len(shown))
	e := &discordgo.MessageEmbed{Title: title, Description: strings.Join(lines, "\n"), Color: colorInfo,
		Footer: pageFooter(page, pages, page < pages)}
	return &reply{embeds: []*discordgo.MessageEmbed{fitEmbed(e)}, components: b.pager(v, page < pages)}, nil
}

// Bounds of the /feed add interval.
const (
	minFeedInterval = time.Minute
	maxFeedInterval = 24 * time.Hour
)

func (b *Bot) feedAdd(ctx context.Context, v *invocation) (*reply, error) {
	u, err := newswatch.ValidateFeedURL(v.str("url"))
	if err != nil {
		return nil, err
	}
	var interval time.Duration
	if s := v.str("interval"); s != "" {
		interval, err = time.ParseDuration(s)
		if err != nil || interval < minFeedInterval || interval > maxFeedInterval {
			return nil, newswatch.Errorf(newswatch.EINVALID,
				"The interval must be a duration between 1m and 24h, like \"15m\" or \"2h\" (got %q).", s)
		}
	}
	if max := b.cfg.MaxFeedsPerGuild; max > 0 {
		fs, err := b.deps.Store.ListFeeds(ctx, v.guildID)
		if err != nil {
			return nil, err
		}
		own := 0
		for _, f := range fs {
			if !f.Global {
				own++
			}
		}
		if own >= max {
			return nil, newswatch.Errorf(newswatch.EINVALID,
				"This server already has %d feeds, the most it may have. Remove one with /feed remove first.", own)
		}
	}
	title := ""
	if b.deps.CheckFeed != nil {
		if title, err = b.deps.CheckFeed(ctx, u); err != nil {
			return nil, err
		}
	}
	f, err := b.deps.Store.AddFeed(ctx, v.guildID, u, interval, b.cfg.MaxFeedsPerGuild)
	if err != nil {
		return nil, err
	}
	if b.deps.FeedAdded != nil {
		b.deps.FeedAdded(f.ID)
	}
	name := title
	if name == "" {
		name = f.URL
	}
	return &reply{content: cut(fmt.Sprintf("Subscribed to **%s** (feed #%d, %s). Its items start arriving with the next poll; items already in it raise no alerts.",
		plain(name), f.ID, plain(f.URL)), maxContent)}, nil
}

func (b *Bot) feedRemove(ctx context.Context, v *invocation) (*reply, error) {
	id, err := b.resolveFeed(ctx, v.guildID, v.str("feed"))
	if err != nil {
		return nil, err
	}
	if err := b.deps.Store.RemoveFeed(ctx, v.guildID, id); err != nil {
		return nil, err
	}
	return &reply{content: fmt.Sprintf("Unsubscribed from feed #%d.", id)}, nil
}

func (b *Bot) feedRetry(ctx context.Context, v *invocation) (*reply, error) {
	id, err := b.resolveFeed(ctx, v.guildID, v.str("feed"))
	if err != nil {
		return nil, err
	}
	if err := b.deps.Store.RetryFeed(ctx, v.guildID, id, time.Now()); err != nil {
		return nil, err
	}
	if b.deps.FeedAdded != nil {
		b.deps.FeedAdded(id)
	}
	return &reply{content: fmt.Sprintf("Feed #%d will be polled again now; its failure count was reset.", id)}, nil
}

const feedsPerPage = 5

func (b *Bot) feedList(ctx context.Context, v *invocation) (*reply, error) {
	fs, err := b.deps.Store.ListFeeds(ctx, v.guildID)
	if err != nil {
		return nil, err
	}
	if len(fs) == 0 {
		return &reply{content: "No feeds yet. Admins add them with /feed add."}, nil
	}
	pages := (len(fs) + feedsPerPage - 1) / feedsPerPage
	page := min(v.page, pages)
	v.page = page
	e := &discordgo.MessageEmbed{Title: fmt.Sprintf("Feeds (%d)", len(fs)), Color: colorInfo,
		Footer: pageFooter(page, pages, page < pages)}
	for _, f := range fs[(page-1)*feedsPerPage : min(page*feedsPerPage, len(fs))] {
		e.Fields = append(e.Fields, feedField(f))
	}
	return &reply{embeds: []*discordgo.MessageEmbed{fitEmbed(e)}, components: b.pager(v, page < pages)}, nil
}

// feedField renders a feed with its health.
func feedField(f newswatch.Feed) *discordgo.MessageEmbedField {
	name := f.Title
	if name == "" {
		name = f.URL
	}
	status := "✅ OK"
	switch {
	case f.Gone():
		status = "🪦 gone (HTTP 410): no longer polled; /feed retry polls it again"
	case f.Failing():
		status = fmt.Sprintf("❌ failing since <t:%d:R>", f.FailingSince.Unix())
	case f.ConsecutiveFailures > 0:
		status = "⚠️ recent errors"
	case f.LastSuccessAt.IsZero():
		status = "⏳ not fetched yet"
	}
	lines := []string{plain(f.URL), "Status: " + status}
	if f.Global {
		lines[0] += " · global (read-only here)"
	}
	if f.LastError != "" {
		lines = append(lines, "Last error: "+cut(plain(f.LastError), 300))
	}
	if f.LastWarning != "" {
		lines = append(lines, "Warning: "+cut(plain(f.LastWarning), 300))
	}
	if f.ConsecutiveFailures > 0 {
		lines = append(lines, fmt.Sprintf("Failures in a row: %d", f.ConsecutiveFailures))
	}
	if !f.LastSuccessAt.IsZero() {
		lines = append(lines, fmt.Sprintf("Last success: <t:%d:R>", f.LastSuccessAt.Unix()))
	}
	lines = append(lines, fmt.Sprintf("Items: %d", f.ItemCount))
	if !f.NextPollAt.IsZero() {
		lines = append(lines, fmt.Sprintf("Next poll: <t:%d:R>", f.NextPollAt.Unix()))
	}
	return &discordgo.MessageEmbedField{Name: cut(fmt.Sprintf("#%d %s", f.ID, plain(name)), maxFieldName),
		Value: strings.Join(lines, "\n")}
}

// snowflake reports whether s looks like a Discord id.
func snowflake(s string) bool {
	return s != "" && len(s) <= 20 && strings.Trim(s, "0123456789") == ""
}

func (b *Bot) alertsSet(ctx context.Context, v *invocation) (*reply, error) {
	ch, role := v.str("channel"), v.str("role")
	if !snowflake(ch) || (role != "" && !snowflake(role)) {
		return nil, newswatch.Errorf(newswatch.EINVALID, "Pick a channel (and optionally a role) from the list.")
	}
	kind := newswatch.Kind(v.str("kind"))
	if kind != "" && !kind.Valid() {
		return nil, newswatch.Errorf(newswatch.EINVALID, "Unknown kind %q (use city or actor).", kind)
	}
	if role == v.guildID {
		return nil, newswatch.Errorf(newswatch.EINVALID, "The bot does not ping @everyone; pick another role.")
	}
	r, err := b.deps.Store.SetRoute(ctx, newswatch.Route{GuildID: v.guildID, ChannelID: ch, Kind: kind, RoleID: role},
		b.cfg.MaxRoutesPerGuild)
	if err != nil {
		return nil, err
	}
	return &reply{content: "Alerts " + routeText(r) + "."}, nil
}

// routeText describes a route: which kinds go where and who is pinged.
func routeText(r newswatch.Route) string {
	what := "for every watch"
	if r.Kind != "" {
		what = "for " + string(r.Kind) + " watches"
	}
	s := what + " go to <#" + r.ChannelID + ">"
	if r.RoleID != "" {
		s += ", pinging <@&" + r.RoleID + ">"
	}
	return s
}

func (b *Bot) alertsOff(ctx context.Context, v *invocation) (*reply, error) {
	ch := v.str("channel")
	if !snowflake(ch) {
		return nil, newswatch.Errorf(newswatch.EINVALID, "Pick a channel from the list.")
	}
	if err := b.deps.Store.RemoveRoute(ctx, v.guildID, ch); err != nil {
		return nil, err
	}
	return &reply{content: "Alerts in <#" + ch + "> are off."}, nil
}

func (b *Bot) alertsList(ctx context.Context, v *invocation) (*reply, error) {
	rs, err := b.deps.Store.Routes(ctx, v.guildID)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return &reply{content: "No alert channels. Admins add one with /alerts set."}, nil
	}
	var lines []string
	for _, r := range rs {
		line := "• Alerts " + routeText(r)
		if r.Disabled {
			reason := r.DisabledReason
			if reason == "" {
				reason = "no reason recorded"
			}
			line += "\n  ⛔ disabled: " + cut(plain(reason), 300) + " Fix the channel permissions, then run /alerts set again."
		}
		lines = append(lines, line)
	}
	e := &discordgo.MessageEmbed{Title: fmt.Sprintf("Alert channels (%d)", len(rs)), Color: colorInfo,
		Description: strings.Join(lines, "\n")}
	return &reply{embeds: []*discordgo.MessageEmbed{fitEmbed(e)}}, nil
}
