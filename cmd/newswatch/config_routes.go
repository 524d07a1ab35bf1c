package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/store"
)

// RouteEntry is one [[route]] table: an alert route with its rule, the
// same keys as `alerts list --json`. Config routes are applied when run or
// ingest starts: created, or updated where they differ from the stored
// route. Removing one from the file leaves the stored route (`alerts off`
// removes it).
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
	SetRoute(ctx context.Context, r newswatch.Route, maxPerGuild int) (newswatch.Route, error)
}

// applyConfigRoutes stores the config's routes that are missing or differ
// from the stored ones; an error names the route (e.g. a watch name the
// guild does not see).
func applyConfigRoutes(ctx context.Context, db routeSetter, entries []RouteEntry) error {
	if len(entries) == 0 {
		return nil
	}
	stored, err := db.Routes(ctx, newswatch.GlobalScope)
	if err != nil {
		return err
	}
	for i, e := range entries {
		want := e.Route()
		if j := slices.IndexFunc(stored, func(r newswatch.Route) bool {
			return r.GuildID == want.GuildID && r.ChannelID == want.ChannelID
		}); j >= 0 && sameRule(stored[j], want) {
			continue
		}
		if _, err := db.SetRoute(ctx, want, 0); err != nil {
			return fmt.Errorf("config route[%d] (%s): %s", i, e.name(), newswatch.ErrorMessage(err))
		}
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
