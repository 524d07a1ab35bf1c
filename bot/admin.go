package bot

import (
	"context"
	"fmt"
	"sort"
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
		CaseSensitive: v.boolean("case_sensitive"), Country: strings.ToUpper(v.str("country")), Fuzzy: v.boolean("fuzzy"),
	}
	// A name chosen from the autocompletion carries its country.
	if n, c, ok := splitPlaceValue(v.places, w.Name); ok && (w.Country == "" || w.Country == c) {
		w.Name, w.Country = n, c
	}
	if v.opts["surname_only"] != nil {
		s := v.boolean("surname_only")
		w.SurnameOnly = &s
	}
	w.AutoAliases = v.boolean("auto_aliases")
	if v.opts["auto_aliases"] == nil {
		w.AutoAliases = w.Kind == newswatch.KindCity && knownCity(v.places, w.Name, w.Country)
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
			return nil, v.errorf(newswatch.EFORBIDDEN, "err.global_watch", x.Name)
		}
		if x.GuildID == w.GuildID && strings.EqualFold(x.Name, w.Name) {
			w.DropAliases = x.DropAliases // changing a watch keeps what an admin dropped
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
		return nil, v.localize(err, newswatch.EFORBIDDEN, "err.global_watch", w.Name)
	}
	if b.deps.WatchesChanged != nil {
		b.deps.WatchesChanged(&saved)
	}
	msg := "watch.changed"
	if created {
		msg = "watch.added"
	}
	return &reply{content: v.t(msg, plain(saved.Name), v.kind(saved.Kind)),
		embeds: []*discordgo.MessageEmbed{watchEmbed(v, saved)}}, nil
}

// kind is a watch kind in the user's language.
func (v *invocation) kind(k newswatch.Kind) string {
	switch k {
	case newswatch.KindCity:
		return v.t("kind.city")
	case newswatch.KindActor:
		return v.t("kind.actor")
	}
	return string(k)
}

func watchEmbed(v *invocation, w newswatch.Watch) *discordgo.MessageEmbed {
	list := func(xs []string) string {
		if len(xs) == 0 {
			return v.t("watch.none_listed")
		}
		parts := make([]string, len(xs))
		for i, x := range xs {
			parts[i] = plain(x)
		}
		return strings.Join(parts, ", ")
	}
	scope := v.t("watch.scope_guild")
	if w.GuildID == newswatch.GlobalScope {
		scope = v.t("watch.scope_global")
	}
	yesNo := v.t("no")
	if w.CaseSensitive {
		yesNo = v.t("yes")
	}
	color := colorCity
	if w.Kind == newswatch.KindActor {
		color = colorActor
	}
	return fitEmbed(&discordgo.MessageEmbed{Title: plain(w.Name), Color: color, Fields: append([]*discordgo.MessageEmbedField{
		{Name: v.t("watch.f_kind"), Value: v.kind(w.Kind), Inline: true},
		{Name: v.t("watch.f_case"), Value: yesNo, Inline: true},
		{Name: v.t("watch.f_scope"), Value: scope, Inline: true},
		{Name: v.t("watch.f_aliases"), Value: list(w.Aliases)},
		{Name: v.t("watch.f_exclude"), Value: list(w.Exclude)},
	}, addedFields(v, w)...)})
}

func (b *Bot) watchRemove(ctx context.Context, v *invocation) (*reply, error) {
	name := v.str("name")
	w, err := b.deps.Store.WatchByName(ctx, v.guildID, name)
	if err != nil {
		return nil, v.localize(err, newswatch.ENOTFOUND, "err.no_watch", name)
	}
	if err := b.deps.Store.RemoveWatch(ctx, v.guildID, w.Name); err != nil {
		return nil, v.localize(err, newswatch.EFORBIDDEN, "err.global_watch", w.Name)
	}
	if b.deps.WatchesChanged != nil {
		b.deps.WatchesChanged(nil)
	}
	return &reply{content: v.t("watch.removed", plain(w.Name))}, nil
}

func (b *Bot) watchShow(ctx context.Context, v *invocation) (*reply, error) {
	w, err := b.deps.Store.WatchByName(ctx, v.guildID, v.str("name"))
	if err != nil {
		return nil, v.localize(err, newswatch.ENOTFOUND, "err.no_watch", v.str("name"))
	}
	return &reply{embeds: []*discordgo.MessageEmbed{watchEmbed(v, w)}}, nil
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
		return &reply{content: v.t("watch.none")}, nil
	}
	sort.Slice(shown, func(i, j int) bool { return strings.ToLower(shown[i].Name) < strings.ToLower(shown[j].Name) })
	pages := (len(shown) + watchesPerPage - 1) / watchesPerPage
	page := min(v.page, pages)
	v.page = page
	var lines []string
	for _, w := range shown[(page-1)*watchesPerPage : min(page*watchesPerPage, len(shown))] {
		line := fmt.Sprintf("**%s** (%s)", plain(w.Name), v.kind(w.Kind))
		if w.GuildID == newswatch.GlobalScope {
			line += v.t("watch.global_tag")
		}
		if len(w.Aliases) > 0 {
			line += v.t("watch.also", cut(plain(strings.Join(w.Aliases, ", ")), 150))
		}
		lines = append(lines, line)
	}
	e := &discordgo.MessageEmbed{Title: v.t("watch.list_title", len(shown)), Description: strings.Join(lines, "\n"),
		Color: colorInfo, Footer: pageFooter(v.lang, page, pages, page < pages)}
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
			return nil, v.errorf(newswatch.EINVALID, "err.interval", s)
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
			return nil, v.errorf(newswatch.EINVALID, "err.feed_cap", own)
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
		return nil, v.localize(err, newswatch.ECONFLICT, "err.feed_followed", u)
	}
	if b.deps.FeedAdded != nil {
		b.deps.FeedAdded(f.ID)
	}
	name := title
	if name == "" {
		name = f.URL
	}
	return &reply{content: cut(v.t("feed.added", plain(name), f.ID, plain(f.URL)), maxContent)}, nil
}

func (b *Bot) feedRemove(ctx context.Context, v *invocation) (*reply, error) {
	f, err := b.resolveFeed(ctx, v, v.str("feed"))
	if err != nil {
		return nil, err
	}
	if err := b.deps.Store.RemoveFeed(ctx, v.guildID, f.ID); err != nil {
		return nil, v.localize(err, newswatch.EFORBIDDEN, "err.global_feed", f.ID)
	}
	return &reply{content: v.t("feed.removed", f.ID)}, nil
}

func (b *Bot) feedRetry(ctx context.Context, v *invocation) (*reply, error) {
	f, err := b.resolveFeed(ctx, v, v.str("feed"))
	if err != nil {
		return nil, err
	}
	// A config-declared feed (or the seeds) is polled for every server:
	// one server must not reset its backoff for all of them.
	if f.Global || f.URL == newswatch.SeedsFeedURL {
		return nil, v.errorf(newswatch.EFORBIDDEN, "err.global_feed", f.ID)
	}
	id := f.ID
	if err := b.deps.Store.RetryFeed(ctx, v.guildID, id, time.Now()); err != nil {
		return nil, err
	}
	if b.deps.FeedAdded != nil {
		b.deps.FeedAdded(id)
	}
	return &reply{content: v.t("feed.retried", id)}, nil
}

const feedsPerPage = 5

func (b *Bot) feedList(ctx context.Context, v *invocation) (*reply, error) {
	fs, err := b.deps.Store.ListFeeds(ctx, v.guildID)
	if err != nil {
		return nil, err
	}
	if len(fs) == 0 {
		return &reply{content: v.t("feed.none")}, nil
	}
	pages := (len(fs) + feedsPerPage - 1) / feedsPerPage
	page := min(v.page, pages)
	v.page = page
	e := &discordgo.MessageEmbed{Title: v.t("feed.list_title", len(fs)), Color: colorInfo,
		Footer: pageFooter(v.lang, page, pages, page < pages)}
	for _, f := range fs[(page-1)*feedsPerPage : min(page*feedsPerPage, len(fs))] {
		e.Fields = append(e.Fields, feedField(v, f))
	}
	return &reply{embeds: []*discordgo.MessageEmbed{fitEmbed(e)}, components: b.pager(v, page < pages)}, nil
}

// feedField renders a feed with its health.
func feedField(v *invocation, f newswatch.Feed) *discordgo.MessageEmbedField {
	name := f.Title
	if name == "" {
		name = f.URL
	}
	status := v.t("feed.ok")
	switch {
	case f.Gone():
		status = "🪦 gone (HTTP 410): no longer polled; /feed retry polls it again"
	case f.Failing():
		status = v.t("feed.failing", f.FailingSince.Unix())
	case f.ConsecutiveFailures > 0:
		status = v.t("feed.recent_errors")
	case f.LastSuccessAt.IsZero():
		status = v.t("feed.not_fetched")
	}
	lines := []string{plain(f.URL), v.t("feed.status", status)}
	if f.Global {
		lines[0] += v.t("feed.global_tag")
	}
	if f.LastError != "" {
		lines = append(lines, v.t("feed.last_error", cut(plain(f.LastError), 300)))
	}
	if f.LastWarning != "" {
		lines = append(lines, "Warning: "+cut(plain(f.LastWarning), 300))
	}
	if f.ConsecutiveFailures > 0 {
		lines = append(lines, v.t("feed.failures", f.ConsecutiveFailures))
	}
	if !f.LastSuccessAt.IsZero() {
		lines = append(lines, v.t("feed.last_success", f.LastSuccessAt.Unix()))
	}
	lines = append(lines, v.t("feed.items", f.ItemCount))
	if !f.NextPollAt.IsZero() {
		lines = append(lines, v.t("feed.next_poll", f.NextPollAt.Unix()))
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
		return nil, v.errorf(newswatch.EINVALID, "err.pick_channel_role")
	}
	kind := newswatch.Kind(v.str("kind"))
	if kind != "" && !kind.Valid() {
		return nil, v.errorf(newswatch.EINVALID, "err.kind", string(kind))
	}
	if role == v.guildID {
		return nil, v.errorf(newswatch.EINVALID, "err.everyone")
	}
	r := newswatch.Route{GuildID: v.guildID, ChannelID: ch, Kind: kind, RoleID: role}
	if err := b.routeFromOptions(ctx, v, &r); err != nil {
		return nil, err
	}
	// The digest has its own command: setting the route keeps it.
	old, ok, err := b.existingRoute(ctx, v.guildID, ch)
	if err != nil {
		return nil, err
	}
	if ok {
		r.Digest, r.DigestHour = old.Digest, old.DigestHour
	}
	if ok && old.Config {
		return nil, v.errorf(newswatch.EFORBIDDEN, "err.config_route", ch)
	}
	if err := b.checkRouteTarget(ctx, v, ch, role); err != nil {
		return nil, err
	}
	r.Locale = string(v.guildLocale)
	r, err = b.deps.Store.SetRoute(ctx, r, b.cfg.MaxRoutesPerGuild)
	if err != nil {
		return nil, v.localize(err, newswatch.EFORBIDDEN, "err.config_route", ch)
	}
	return &reply{content: v.t("alerts.set", routeText(v, r)) + ruleText(v, r)}, nil
}

// routeText describes a route: which watches or kinds, matching which
// query, go where, and who is pinged.
func routeText(v *invocation, r newswatch.Route) string {
	what := v.t("alerts.every")
	switch r.Kind {
	case newswatch.KindCity:
		what = v.t("alerts.cities")
	case newswatch.KindActor:
		what = v.t("alerts.actors")
	}
	if len(r.Watches) > 0 {
		names := make([]string, len(r.Watches))
		for i, n := range r.Watches {
			names[i] = "**" + plain(n) + "**"
		}
		what = v.t("alerts.for_watches", strings.Join(names, ", "))
		if r.Kind != "" {
			what += v.t("alerts.kind_only", v.kind(r.Kind))
		}
	}
	if r.Query != "" {
		what += v.t("alerts.matching", plain(r.Query))
	}
	s := v.t("alerts.route", what, r.ChannelID)
	if r.RoleID != "" {
		s += v.t("alerts.pinging", r.RoleID)
	}
	return s
}

func (b *Bot) alertsOff(ctx context.Context, v *invocation) (*reply, error) {
	ch := v.str("channel")
	if !snowflake(ch) {
		return nil, v.errorf(newswatch.EINVALID, "err.pick_channel")
	}
	if err := b.deps.Store.RemoveRoute(ctx, v.guildID, ch); err != nil {
		if newswatch.ErrorCode(err) == newswatch.EFORBIDDEN {
			return nil, v.errorf(newswatch.EFORBIDDEN, "err.config_route", ch)
		}
		return nil, v.localize(err, newswatch.ENOTFOUND, "err.no_route", ch)
	}
	return &reply{content: v.t("alerts.off", ch)}, nil
}

func (b *Bot) alertsList(ctx context.Context, v *invocation) (*reply, error) {
	rs, err := b.deps.Store.Routes(ctx, v.guildID)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return &reply{content: v.t("alerts.none")}, nil
	}
	var lines []string
	for _, r := range rs {
		line := "• " + v.t("alerts.set", routeText(v, r)) + ruleText(v, r)
		if r.Disabled {
			reason := r.DisabledReason
			if reason == "" {
				reason = v.t("alerts.no_reason")
			}
			line += "\n  " + v.t("alerts.disabled", cut(plain(reason), 300))
		}
		if r.Config {
			line += "\n  " + v.t("alerts.config_tag")
		}
		lines = append(lines, line)
	}
	muted, err := b.mutesLine(ctx, v)
	if err != nil {
		return nil, err
	}
	if muted != "" {
		lines = append(lines, "", muted)
	}
	e := &discordgo.MessageEmbed{Title: v.t("alerts.list_title", len(rs)), Color: colorInfo,
		Description: strings.Join(lines, "\n")}
	return &reply{embeds: []*discordgo.MessageEmbed{fitEmbed(e)}}, nil
}

// localize replaces a store error of the given code, whose English message
// is fixed for the call, with the message id in the user's language; other
// errors pass through.
func (v *invocation) localize(err error, code, id string, args ...any) error {
	if v.lang == langEN || newswatch.ErrorCode(err) != code {
		return err
	}
	return v.errorf(code, id, args...)
}
