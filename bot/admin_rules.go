package bot

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/query"
)

// Bounds of the route rule options (the store checks them too).
const (
	maxMinSources = 50
	maxCapPerHour = 1000
	maxMute       = 30 * 24 * time.Hour
)

// routeFromOptions reads the rule options of /alerts set into r. Options
// left out take their defaults, as kind and role always have: /alerts set
// describes the whole route. Watch names are checked against the watches
// the guild sees, and the query is parsed, so that a mistake is refused
// before anything is looked up in Discord.
func (b *Bot) routeFromOptions(ctx context.Context, v *invocation, r *newswatch.Route) error {
	r.Query = v.str("query")
	if r.Query != "" {
		if _, err := query.Parse(r.Query); err != nil {
			return v.errorf(newswatch.EINVALID, "err.query", plain(newswatch.ErrorMessage(err)))
		}
	}
	if names := splitList(v.str("watches")); len(names) > 0 {
		ws, err := b.deps.Store.Watches(ctx, v.guildID)
		if err != nil {
			return err
		}
		for _, n := range names {
			w, ok := visibleWatch(ws, n)
			if !ok {
				return v.errorf(newswatch.EINVALID, "err.no_watch", n)
			}
			if !slices.Contains(r.Watches, w.Name) {
				r.Watches = append(r.Watches, w.Name)
			}
		}
	}
	r.MinSources = v.integer("min_sources", 0, 1, maxMinSources)
	r.Spikes, r.Quiet = v.boolean("spikes"), v.boolean("quiet")
	r.PerItem = v.opts["stories"] != nil && !v.boolean("stories")
	r.CapPerHour = v.integer("cap", 0, 0, maxCapPerHour)
	return nil
}

// visibleWatch finds the watch of ws named name, by name or else alias,
// case-insensitively.
func visibleWatch(ws []newswatch.Watch, name string) (newswatch.Watch, bool) {
	name = strings.TrimSpace(name)
	for _, w := range ws {
		if strings.EqualFold(w.Name, name) {
			return w, true
		}
	}
	for _, w := range ws {
		if slices.ContainsFunc(w.Aliases, func(a string) bool { return strings.EqualFold(strings.TrimSpace(a), name) }) {
			return w, true
		}
	}
	return newswatch.Watch{}, false
}

// existingRoute returns the guild's route to channelID, if there is one.
func (b *Bot) existingRoute(ctx context.Context, guildID, channelID string) (newswatch.Route, bool, error) {
	rs, err := b.deps.Store.Routes(ctx, guildID)
	if err != nil {
		return newswatch.Route{}, false, err
	}
	for _, r := range rs {
		if r.ChannelID == channelID {
			return r, true, nil
		}
	}
	return newswatch.Route{}, false, nil
}

// alertsDigest turns a channel's daily digest on at an hour (UTC) or off.
// A channel without a route gets a quiet one: the digest alone.
func (b *Bot) alertsDigest(ctx context.Context, v *invocation) (*reply, error) {
	ch := v.str("channel")
	if !snowflake(ch) {
		return nil, v.errorf(newswatch.EINVALID, "err.pick_channel")
	}
	off := v.boolean("off")
	if !off && v.opts["hour"] == nil {
		return nil, v.errorf(newswatch.EINVALID, "err.digest_what")
	}
	r, ok, err := b.existingRoute(ctx, v.guildID, ch)
	if err != nil {
		return nil, err
	}
	if ok && r.Config {
		return nil, v.errorf(newswatch.EFORBIDDEN, "err.config_route", ch)
	}
	if off {
		if !ok || !r.Digest {
			return nil, v.errorf(newswatch.ENOTFOUND, "err.no_digest", ch)
		}
		r.Digest, r.DigestHour = false, 0
		r.Locale = string(v.guildLocale)
		if _, err := b.deps.Store.SetRoute(ctx, r, b.cfg.MaxRoutesPerGuild); err != nil {
			return nil, v.localize(err, newswatch.EFORBIDDEN, "err.config_route", ch)
		}
		return &reply{content: v.t("alerts.digest_off", ch)}, nil
	}
	if !ok {
		if err := b.checkRouteTarget(ctx, v, ch, ""); err != nil {
			return nil, err
		}
		r = newswatch.Route{GuildID: v.guildID, ChannelID: ch, Quiet: true}
	}
	r.Digest, r.DigestHour = true, v.integer("hour", 0, 0, 23)
	r.Locale = string(v.guildLocale)
	saved, err := b.deps.Store.SetRoute(ctx, r, b.cfg.MaxRoutesPerGuild)
	if err != nil {
		return nil, v.localize(err, newswatch.EFORBIDDEN, "err.config_route", ch)
	}
	return &reply{content: v.t("alerts.set", routeText(v, saved)) + ruleText(v, saved)}, nil
}

// ruleText describes the parts of a route's rule beyond its watches,
// query, kind and role, in sentences after routeText; "" when all are the
// defaults.
func ruleText(v *invocation, r newswatch.Route) string {
	var parts []string
	if r.Quiet {
		parts = append(parts, v.t("rule.quiet"))
	}
	if r.PerItem {
		parts = append(parts, v.t("rule.per_item"))
	} else if r.MinSources > 1 {
		parts = append(parts, v.t("rule.min_sources", r.MinSources))
	}
	if r.CapPerHour > 0 {
		parts = append(parts, v.t("rule.cap", r.CapPerHour))
	}
	if r.Spikes {
		parts = append(parts, v.t("rule.spikes"))
	}
	if r.Digest {
		parts = append(parts, v.t("rule.digest", r.DigestHour))
	}
	if len(parts) == 0 {
		return ""
	}
	return " " + strings.Join(parts, " ")
}

// parseMute reads a mute duration: a number with m (minutes), h (hours) or
// d (days), or a Go duration such as "1h30m"; from a minute to 30 days.
func parseMute(s string) (time.Duration, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	var d time.Duration
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil {
			return 0, false
		}
		d = time.Duration(days) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, false
		}
	}
	return d, d >= time.Minute && d <= maxMute
}

func (b *Bot) watchMute(ctx context.Context, v *invocation) (*reply, error) {
	d, ok := parseMute(v.str("duration"))
	if !ok {
		return nil, v.errorf(newswatch.EINVALID, "err.mute_duration", v.str("duration"))
	}
	now := time.Now()
	w, err := b.deps.Store.MuteWatch(ctx, v.guildID, v.str("name"), now.Add(d), now)
	if err != nil {
		return nil, v.localize(err, newswatch.ENOTFOUND, "err.no_watch", v.str("name"))
	}
	until := now.Add(d).Unix()
	return &reply{content: v.t("watch.muted", plain(w.Name), until, until)}, nil
}

func (b *Bot) watchUnmute(ctx context.Context, v *invocation) (*reply, error) {
	w, err := b.deps.Store.UnmuteWatch(ctx, v.guildID, v.str("name"))
	if err != nil {
		if newswatch.ErrorCode(err) == newswatch.ENOTFOUND && w.Name != "" {
			return nil, v.errorf(newswatch.ENOTFOUND, "err.not_muted", w.Name)
		}
		return nil, v.localize(err, newswatch.ENOTFOUND, "err.no_watch", v.str("name"))
	}
	return &reply{content: v.t("watch.unmuted", plain(w.Name))}, nil
}

// mutesLine lists the guild's muted watches for /alerts list; "" when none.
func (b *Bot) mutesLine(ctx context.Context, v *invocation) (string, error) {
	ms, err := b.deps.Store.Mutes(ctx, v.guildID, time.Now())
	if err != nil || len(ms) == 0 {
		return "", err
	}
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = fmt.Sprintf("**%s** <t:%d:R>", plain(m.Watch), m.Until.Unix())
	}
	return v.t("alerts.muted", strings.Join(parts, ", ")), nil
}
