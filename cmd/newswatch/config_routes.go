package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/store"
)

// RouteEntry is one [[route]] table: an alert route with its rule, the
// same keys as `alerts list --json`. Config routes are applied when run or
// ingest starts: created, or updated where they differ from the stored
// route. Removing one from the file removes the stored route at the next
// start, with its queued alerts (as a removed [[watch]] is removed); routes
// made from Discord or the CLI are never touched, and a config route cannot
// be changed from them.
type RouteEntry struct {
	GuildID    string   `toml:"guild_id"`   // "" with channel_id = "console": the console route
	ChannelID  string   `toml:"channel_id"` // a Discord channel id, or "console"
	Watches    []string `toml:"watches"`
	Query      string   `toml:"query"`
	Kind       string   `toml:"kind"`
	RoleID     string   `toml:"role_id"`
	MinSources int      `toml:"min_sources"`
	Stories    *bool    `toml:"stories"` // default true
	Quiet      bool     `toml:"quiet"`
	Spikes     bool     `toml:"spikes"`
	CapPerHour int      `toml:"cap_per_hour"`
	DigestHour *int     `toml:"digest_hour"` // absent: no digest
}

// name says which route an error is about.
func (r RouteEntry) name() string {
	if r.ChannelID == newswatch.ConsoleChannel {
		return "the console"
	}
	return fmt.Sprintf("guild %s channel %s", r.GuildID, r.ChannelID)
}

// Route is the entry as a route.
func (r RouteEntry) Route() newswatch.Route {
	out := newswatch.Route{GuildID: r.GuildID, ChannelID: r.ChannelID, Kind: newswatch.Kind(r.Kind), RoleID: r.RoleID,
		Watches: r.Watches, Query: r.Query, MinSources: r.MinSources, PerItem: r.Stories != nil && !*r.Stories,
		Quiet: r.Quiet, Spikes: r.Spikes, CapPerHour: r.CapPerHour}
	if r.DigestHour != nil {
		out.Digest, out.DigestHour = true, *r.DigestHour
	}
	return out
}

// validate checks everything but the watch names, which need the database.
func (r RouteEntry) validate() error {
	console := r.GuildID == "" && r.ChannelID == newswatch.ConsoleChannel
	switch {
	case !console && (!isSnowflake(r.GuildID, false) || !isSnowflake(r.ChannelID, false)):
		return errors.New(`guild_id and channel_id must be Discord ids (digits), or guild_id "" with channel_id "console"`)
	case r.Kind != "" && !newswatch.Kind(r.Kind).Valid():
		return fmt.Errorf("kind must be city or actor, got %q", r.Kind)
	case !isSnowflake(r.RoleID, true) || (console && r.RoleID != ""):
		return errors.New("role_id must be a Discord id (digits), and the console pings no one")
	case r.DigestHour != nil && (*r.DigestHour < 0 || *r.DigestHour > 23):
		return fmt.Errorf("digest_hour must be between 0 and 23 (UTC), got %d", *r.DigestHour)
	}
	if err := store.CheckRule(r.Route()); err != nil {
		return errors.New(newswatch.ErrorMessage(err))
	}
	return nil
}

// routeSetter is what applying config routes needs of the store.
type routeSetter interface {
	Routes(ctx context.Context, guildID string) ([]newswatch.Route, error)
	SetConfigRoute(ctx context.Context, r newswatch.Route) (newswatch.Route, error)
	PruneConfigRoutes(ctx context.Context, keep []newswatch.Route) ([]newswatch.Route, error)
}

// applyConfigRoutes makes the stored config routes the config's, as
// config watches are made (store.SyncConfigWatches): it stores the entries
// that are missing or differ from the stored routes, marked as the
// config's (a route made from Discord or the CLI for the same channel
// becomes a config one), and deletes the config routes no longer in the
// file, with their queued alerts. Routes made from Discord or the CLI
// are never touched. An error names the route (e.g. a watch name the
// guild does not see).
func applyConfigRoutes(ctx context.Context, db routeSetter, entries []RouteEntry, log *slog.Logger) error {
	stored, err := db.Routes(ctx, newswatch.GlobalScope)
	if err != nil {
		return err
	}
	keep := make([]newswatch.Route, 0, len(entries))
	for i, e := range entries {
		want := e.Route()
		keep = append(keep, want)
		if j := slices.IndexFunc(stored, func(r newswatch.Route) bool {
			return r.GuildID == want.GuildID && r.ChannelID == want.ChannelID
		}); j >= 0 && stored[j].Config && sameRule(stored[j], want) {
			continue
		}
		if _, err := db.SetConfigRoute(ctx, want); err != nil {
			return fmt.Errorf("config route[%d] (%s): %s", i, e.name(), newswatch.ErrorMessage(err))
		}
	}
	removed, err := db.PruneConfigRoutes(ctx, keep)
	if err != nil {
		return err
	}
	for _, r := range removed {
		if log != nil {
			log.Info("config route removed: it is no longer in the config file", "guild", r.GuildID, "channel", r.ChannelID)
		}
	}
	return nil
}

// configRoute returns the config's entry for the route of (guild,
// channel), if it declares one.
func (c *Config) configRoute(guild, channel string) (RouteEntry, bool) {
	for _, e := range c.Route {
		if e.GuildID == guild && e.ChannelID == channel {
			return e, true
		}
	}
	return RouteEntry{}, false
}

// routeEditable refuses to change, from the CLI, a route the config
// declares: the next start would put it back as the file says. The message
// names the file. (The store refuses too, for a route the file declared at
// the last start.)
func (a *app) routeEditable(guild, channel string) error {
	if _, ok := a.cfg.configRoute(guild, channel); ok {
		return newswatch.Errorf(newswatch.EFORBIDDEN,
			"The alert route of guild %s channel %s comes from the config file %s ([[route]]); edit it there.",
			guild, channel, a.cfgFileName())
	}
	return nil
}

// sameRule reports whether stored route a already is what b asks for
// (watch names compared case-insensitively: the store keeps canonical ones).
func sameRule(a, b newswatch.Route) bool {
	return a.Kind == b.Kind && a.RoleID == b.RoleID && a.Query == b.Query && a.MinSources == b.MinSources &&
		a.PerItem == b.PerItem && a.Quiet == b.Quiet && a.Spikes == b.Spikes && a.CapPerHour == b.CapPerHour &&
		a.Digest == b.Digest && (!a.Digest || a.DigestHour == b.DigestHour) &&
		slices.EqualFunc(a.Watches, b.Watches, func(x, y string) bool { return strings.EqualFold(x, y) })
}
