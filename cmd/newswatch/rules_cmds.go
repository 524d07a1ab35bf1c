package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/store"
)

// routeJSON is a route as `alerts list --json` prints it: the keys of a
// [[route]] table of the configuration, and its state.
type routeJSON struct {
	ID             int64    `json:"id"`
	GuildID        string   `json:"guild_id"`
	ChannelID      string   `json:"channel_id"`
	Watches        []string `json:"watches"`
	Query          string   `json:"query"`
	Kind           string   `json:"kind"`
	RoleID         string   `json:"role_id"`
	MinSources     int      `json:"min_sources"`
	Stories        bool     `json:"stories"`
	Quiet          bool     `json:"quiet"`
	Spikes         bool     `json:"spikes"`
	CapPerHour     int      `json:"cap_per_hour"`
	DigestHour     *int     `json:"digest_hour"` // null: no digest
	Disabled       bool     `json:"disabled"`
	DisabledReason string   `json:"disabled_reason"`
	Config         bool     `json:"config"` // declared by a [[route]] of the config file: edit it there
}

func toRouteJSON(r newswatch.Route) routeJSON {
	out := routeJSON{ID: r.ID, GuildID: r.GuildID, ChannelID: r.ChannelID, Watches: nonNil(r.Watches), Query: r.Query,
		Kind: string(r.Kind), RoleID: r.RoleID, MinSources: r.MinSources, Stories: !r.PerItem, Quiet: r.Quiet,
		Spikes: r.Spikes, CapPerHour: r.CapPerHour, Disabled: r.Disabled, DisabledReason: r.DisabledReason, Config: r.Config}
	if r.Digest {
		h := r.DigestHour
		out.DigestHour = &h
	}
	return out
}

// ruleWords describes a route's rule in a line.
func ruleWords(r newswatch.Route) string {
	var parts []string
	what := "every watch"
	if len(r.Watches) > 0 {
		what = strings.Join(r.Watches, ", ")
	}
	if r.Kind != "" {
		what += " (" + string(r.Kind) + " only)"
	}
	parts = append(parts, what)
	if r.Query != "" {
		parts = append(parts, fmt.Sprintf("matching %q", r.Query))
	}
	if r.RoleID != "" {
		parts = append(parts, "pinging role "+r.RoleID)
	}
	switch {
	case r.Quiet:
		parts = append(parts, "quiet (no per-item alerts)")
	case r.PerItem:
		parts = append(parts, "stories off")
	case r.MinSources > 1:
		parts = append(parts, fmt.Sprintf("once a story has %d sources", r.MinSources))
	}
	if r.CapPerHour > 0 {
		parts = append(parts, fmt.Sprintf("at most %d per watch per hour", r.CapPerHour))
	}
	if r.Spikes {
		parts = append(parts, "spikes")
	}
	if r.Digest {
		parts = append(parts, fmt.Sprintf("digest at %02d:00 UTC", r.DigestHour))
	}
	return strings.Join(parts, "; ")
}

func runAlertsList(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("alerts list", "alerts list [--json]", 0, 0)
	if err := fs.parse(args); err != nil {
		return err
	}
	return withReader(ctx, c, fs.config, func(a *app) error {
		routes, err := a.db.Routes(ctx, newswatch.GlobalScope)
		if err != nil {
			return err
		}
		if fs.json {
			out := make([]routeJSON, 0, len(routes))
			for _, r := range routes {
				out = append(out, toRouteJSON(r))
			}
			return writeJSON(c.stdout, out)
		}
		for _, r := range routes {
			state := "on"
			if r.Disabled {
				state = "DISABLED: " + r.DisabledReason
			}
			if r.Config {
				state += " (from the config file)"
			}
			fmt.Fprintf(c.stdout, "guild %s channel %s: %s; %s\n", r.GuildID, r.ChannelID, ruleWords(r), state)
		}
		return nil
	})
}

func runAlertsSet(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("alerts set", "alerts set --guild ID --channel ID [--watch NAME]... [--query TEXT] [--kind city|actor] "+
		"[--role ID] [--min-sources N] [--spikes] [--quiet] [--no-stories] [--cap N]", 0, 0)
	guild := fs.String("guild", "", "Discord guild id (required)")
	channel := fs.String("channel", "", "Discord channel id (required)")
	var watches stringList
	fs.Var(&watches, "watch", "only this watch (repeatable; default: every watch the guild sees)")
	q := fs.String("query", "", "only items matching this search query")
	kind := fs.String("kind", "", "only alerts for this kind")
	role := fs.String("role", "", "role to ping")
	minSources := fs.Int("min-sources", 0, "with stories, alert once a story has this many sources")
	spikes := fs.Bool("spikes", false, "also post spike alerts here")
	quiet := fs.Bool("quiet", false, "no per-item alerts: only spikes and the digest")
	noStories := fs.Bool("no-stories", false, "every item alerts on its own instead of one alert per story")
	capN := fs.Int("cap", 0, "at most N alerts per watch per hour, then one summary (0: no cap)")
	if err := fs.parse(args); err != nil {
		return err
	}
	if !isSnowflake(*guild, false) || !isSnowflake(*channel, false) || !isSnowflake(*role, true) {
		return usagef("--guild and --channel are required Discord ids (digits); --role too when given")
	}
	if *kind != "" && !newswatch.Kind(*kind).Valid() {
		return usagef("--kind must be city or actor")
	}
	r := newswatch.Route{GuildID: *guild, ChannelID: *channel, Kind: newswatch.Kind(*kind), RoleID: *role,
		Watches: watches, Query: *q, MinSources: *minSources, Spikes: *spikes, Quiet: *quiet, PerItem: *noStories,
		CapPerHour: *capN}
	// A broken query is refused before the database is opened.
	if err := store.CheckRule(r); err != nil {
		return err
	}
	return withApp(ctx, c, fs.config, func(a *app) error {
		if err := a.routeEditable(*guild, *channel); err != nil {
			return err
		}
		old, ok, err := findRoute(ctx, a.db, *guild, *channel)
		if err != nil {
			return err
		}
		if ok { // the digest has its own command
			r.Digest, r.DigestHour = old.Digest, old.DigestHour
		}
		r, err := a.db.SetRoute(ctx, r, 0)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "alerts of guild %s go to channel %s (route #%d): %s\n", r.GuildID, r.ChannelID, r.ID, ruleWords(r))
		return nil
	})
}

// findRoute returns the route of guild to channel, if there is one.
func findRoute(ctx context.Context, db interface {
	Routes(context.Context, string) ([]newswatch.Route, error)
}, guild, channel string) (newswatch.Route, bool, error) {
	rs, err := db.Routes(ctx, guild)
	if err != nil {
		return newswatch.Route{}, false, err
	}
	for _, r := range rs {
		if r.ChannelID == channel {
			return r, true, nil
		}
	}
	return newswatch.Route{}, false, nil
}

func runAlertsDigest(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("alerts digest", "alerts digest --guild ID --channel ID (--hour 0-23 | --off)", 0, 0)
	guild := fs.String("guild", "", "Discord guild id (required)")
	channel := fs.String("channel", "", "Discord channel id (required)")
	hour := fs.Int("hour", -1, "post the daily digest at this hour, UTC")
	off := fs.Bool("off", false, "stop the daily digest")
	if err := fs.parse(args); err != nil {
		return err
	}
	if !isSnowflake(*guild, false) || !isSnowflake(*channel, false) {
		return usagef("--guild and --channel are required Discord ids (digits)")
	}
	if *off == (*hour >= 0) || *hour > 23 {
		return usagef("give either --hour 0-23 (UTC) or --off")
	}
	return withApp(ctx, c, fs.config, func(a *app) error {
		if err := a.routeEditable(*guild, *channel); err != nil {
			return err
		}
		r, ok, err := findRoute(ctx, a.db, *guild, *channel)
		if err != nil {
			return err
		}
		if *off {
			if !ok || !r.Digest {
				return newswatch.Errorf(newswatch.ENOTFOUND, "Channel %s has no daily digest.", *channel)
			}
			r.Digest, r.DigestHour = false, 0
		} else {
			if !ok { // a channel of its own: the digest alone
				r = newswatch.Route{GuildID: *guild, ChannelID: *channel, Quiet: true}
			}
			r.Digest, r.DigestHour = true, *hour
		}
		if r, err = a.db.SetRoute(ctx, r, 0); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "guild %s channel %s: %s\n", r.GuildID, r.ChannelID, ruleWords(r))
		return nil
	})
}

// parseMuteFor reads a mute duration: 30m, 2h, 1d (days), or a Go
// duration; from a minute to 30 days.
func parseMuteFor(s string) (time.Duration, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	var d time.Duration
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil {
			return 0, usagef("--for: %q is not a duration (use e.g. 30m, 2h or 1d)", s)
		}
		d = time.Duration(days) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, usagef("--for: %q is not a duration (use e.g. 30m, 2h or 1d)", s)
		}
	}
	if d < time.Minute || d > store.MaxMute {
		return 0, usagef("--for must be between 1m and 30d")
	}
	return d, nil
}

func runWatchMute(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("watch mute", "watch mute --guild ID --for 30m|2h|1d NAME", 1, -1)
	guild := fs.String("guild", "", "Discord guild id (required)")
	dur := fs.String("for", "", "how long, at most 30d (required)")
	if err := fs.parse(args); err != nil {
		return err
	}
	if !isSnowflake(*guild, false) {
		return usagef("--guild is a required Discord id (digits)")
	}
	d, err := parseMuteFor(*dur)
	if err != nil {
		return err
	}
	name := strings.Join(fs.Args(), " ")
	return withApp(ctx, c, fs.config, func(a *app) error {
		now := time.Now()
		w, err := a.db.MuteWatch(ctx, *guild, name, now.Add(d), now)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "%s is muted in guild %s until %s\n", w.Name, *guild, now.Add(d).UTC().Format(time.RFC3339))
		return nil
	})
}

func runWatchUnmute(ctx context.Context, c *cli, args []string) error {
	fs := c.dataCmd("watch unmute", "watch unmute --guild ID NAME", 1, -1)
	guild := fs.String("guild", "", "Discord guild id (required)")
	if err := fs.parse(args); err != nil {
		return err
	}
	if !isSnowflake(*guild, false) {
		return usagef("--guild is a required Discord id (digits)")
	}
	return withApp(ctx, c, fs.config, func(a *app) error {
		w, err := a.db.UnmuteWatch(ctx, *guild, strings.Join(fs.Args(), " "))
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "%s alerts again in guild %s\n", w.Name, *guild)
		return nil
	})
}
