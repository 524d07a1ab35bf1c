package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/query"
)

// routeCols are the columns of a route, in the order routeRow.dest scans
// them.
const routeCols = `r.id, r.guild_id, r.channel_id, r.kind, r.role_id, r.disabled, r.disabled_reason, r.created_at,
	r.watches, r.query, r.min_sources, r.stories, r.quiet, r.spikes, r.cap_per_hour, r.digest_hour,
	r.source = 'config', r.locale`

func scanRoute(row scanner) (newswatch.Route, error) {
	var rt routeRow
	if err := row.Scan(rt.dest()...); err != nil {
		return newswatch.Route{}, err
	}
	return rt.route(), nil
}

// SetRoute creates or updates the route of (GuildID, ChannelID) with Kind,
// RoleID and its rule (every field of it: a field left zero is set to its
// default), enabling it again. Creating one when the guild has maxPerGuild
// routes (0: no cap) fails with EINVALID, and so does a bad rule: a query
// that does not parse (the message gives the position), a watch name the
// guild does not see, or a number out of range. Watch names are stored as
// the watches' canonical names. r.Locale replaces the stored locale unless
// it is "". A route the configuration declares (Route.Config) is refused
// with EFORBIDDEN: edit it in the file (SetConfigRoute).
//
// Alerts of the route still queued (not sent, not in a message) that the
// new rule would not raise are dropped in the same transaction
// (pruneQueued); a wider rule leaves the queue as it is.
func (db *DB) SetRoute(ctx context.Context, r newswatch.Route, maxPerGuild int) (newswatch.Route, error) {
	return db.setRoute(ctx, r, maxPerGuild, false)
}

// SetConfigRoute is SetRoute for a route of the configuration: it marks
// the route as the configuration's (taking over one made from Discord or
// the CLI for the same channel), and has no cap.
func (db *DB) SetConfigRoute(ctx context.Context, r newswatch.Route) (newswatch.Route, error) {
	return db.setRoute(ctx, r, 0, true)
}

// configRouteError is the refusal to change a route of the configuration.
func configRouteError(channelID string) error {
	return newswatch.Errorf(newswatch.EFORBIDDEN,
		"The alerts of channel %s are declared in the bot's configuration file (a [[route]] table); change them there.", channelID)
}

func (db *DB) setRoute(ctx context.Context, r newswatch.Route, maxPerGuild int, config bool) (newswatch.Route, error) {
	r.ChannelID = strings.TrimSpace(r.ChannelID)
	if r.ChannelID == "" {
		return r, newswatch.Errorf(newswatch.EINVALID, "An alert route needs a channel.")
	}
	if r.Kind != "" && !r.Kind.Valid() {
		return r, newswatch.Errorf(newswatch.EINVALID, "Unknown kind %q (use city, actor or nothing for both).", r.Kind)
	}
	if err := CheckRule(r); err != nil {
		return r, err
	}
	var out newswatch.Route
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if len(r.Watches) > 0 {
			var err error
			if r.Watches, err = canonicalWatches(ctx, tx, r.GuildID, r.Watches); err != nil {
				return err
			}
		}
		before, err := scanRoute(tx.QueryRowContext(ctx, `SELECT `+routeCols+` FROM routes r WHERE guild_id = ? AND channel_id = ?`,
			r.GuildID, r.ChannelID))
		exists := err == nil
		if err != nil && !errNoRows(err) {
			return err
		}
		if before.Config && !config {
			return configRouteError(r.ChannelID)
		}
		if !exists && maxPerGuild > 0 {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM routes WHERE guild_id = ?`, r.GuildID).Scan(&n); err != nil {
				return err
			}
			if n >= maxPerGuild {
				return newswatch.Errorf(newswatch.EINVALID, "This server already has %d alert channels, the most it may; remove one first.", n)
			}
		}
		source := ""
		if config {
			source = "config"
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO routes (guild_id, channel_id, kind, role_id, created_at,
			watches, query, min_sources, stories, quiet, spikes, cap_per_hour, digest_hour, source, locale)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, channel_id) DO UPDATE SET
			kind = excluded.kind, role_id = excluded.role_id, disabled = 0, disabled_reason = '',
			watches = excluded.watches, query = excluded.query, min_sources = excluded.min_sources,
			stories = excluded.stories, quiet = excluded.quiet, spikes = excluded.spikes,
			cap_per_hour = excluded.cap_per_hour, digest_hour = excluded.digest_hour,
			source = CASE WHEN excluded.source = 'config' THEN 'config' ELSE routes.source END,
			locale = CASE WHEN excluded.locale <> '' THEN excluded.locale ELSE routes.locale END`,
			append(append([]any{r.GuildID, r.ChannelID, string(r.Kind), r.RoleID, ms(time.Now())}, ruleArgs(r)...),
				source, r.Locale)...)
		if err != nil {
			return err
		}
		out, err = scanRoute(tx.QueryRowContext(ctx, `SELECT `+routeCols+` FROM routes r WHERE guild_id = ? AND channel_id = ?`,
			r.GuildID, r.ChannelID))
		if err != nil {
			return err
		}
		if err := dropUndeliverable(ctx, tx); err != nil {
			return err
		}
		if !exists || !mayNarrow(before, out) {
			return nil // a new route has nothing queued; see mayNarrow
		}
		_, err = pruneQueued(ctx, tx, out.ID, time.Now())
		return err
	})
	if err != nil {
		return out, fmt.Errorf("store: set route: %w", formatError(err))
	}
	return out, nil
}

// RemoveRoute deletes the route of (guildID, channelID) with its unsent
// alerts, or fails with ENOTFOUND; a route the configuration declares is
// refused with EFORBIDDEN (remove its [[route]] table instead).
func (db *DB) RemoveRoute(ctx context.Context, guildID, channelID string) error {
	res, err := db.w.ExecContext(ctx, `DELETE FROM routes WHERE guild_id = ? AND channel_id = ? AND source <> 'config'`,
		guildID, channelID)
	if err != nil {
		return fmt.Errorf("store: remove route: %w", formatError(err))
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	var fromConfig bool
	if err := db.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM routes WHERE guild_id = ? AND channel_id = ? AND source = 'config')`,
		guildID, channelID).Scan(&fromConfig); err != nil {
		return fmt.Errorf("store: remove route: %w", formatError(err))
	}
	if fromConfig {
		return configRouteError(channelID)
	}
	return newswatch.Errorf(newswatch.ENOTFOUND, "Alerts are not sent to channel %s.", channelID)
}

// PruneConfigRoutes deletes, with their unsent alerts, the routes marked
// as the configuration's (SetConfigRoute) that keep does not name (by
// guild and channel), and returns them: a [[route]] removed from the file
// is removed at the next start, as a config watch is. Routes made from
// Discord or the CLI are never touched. A removed console route comes back
// with the defaults at EnsureConsoleRoute.
func (db *DB) PruneConfigRoutes(ctx context.Context, keep []newswatch.Route) ([]newswatch.Route, error) {
	var removed []newswatch.Route
	err := db.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+routeCols+` FROM routes r WHERE r.source = 'config' ORDER BY r.id`)
		if err != nil {
			return err
		}
		for rows.Next() {
			r, err := scanRoute(rows)
			if err != nil {
				rows.Close()
				return err
			}
			if !slices.ContainsFunc(keep, func(k newswatch.Route) bool { return k.GuildID == r.GuildID && k.ChannelID == r.ChannelID }) {
				removed = append(removed, r)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range removed {
			if _, err := tx.ExecContext(ctx, `DELETE FROM routes WHERE id = ?`, r.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: prune config routes: %w", formatError(err))
	}
	return removed, nil
}

// Routes returns guildID's routes by id; "" returns every route.
func (db *DB) Routes(ctx context.Context, guildID string) ([]newswatch.Route, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+routeCols+` FROM routes r WHERE ? = '' OR r.guild_id = ? ORDER BY r.id`,
		guildID, guildID)
	if err != nil {
		return nil, fmt.Errorf("store: routes: %w", formatError(err))
	}
	defer rows.Close()
	var out []newswatch.Route
	for rows.Next() {
		r, err := scanRoute(rows)
		if err != nil {
			return nil, fmt.Errorf("store: routes: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: routes: %w", err)
	}
	return out, nil
}

// DisableRoute stops alerts to routeID, recording reason in plain words.
func (db *DB) DisableRoute(ctx context.Context, routeID int64, reason string) error {
	res, err := db.w.ExecContext(ctx, `UPDATE routes SET disabled = 1, disabled_reason = ? WHERE id = ?`, reason, routeID)
	if err != nil {
		return fmt.Errorf("store: disable route %d: %w", routeID, formatError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return newswatch.Errorf(newswatch.ENOTFOUND, "There is no alert route %d.", routeID)
	}
	return nil
}

// EnsureConsoleRoute creates the global console route if needed and enables
// or disables it.
func (db *DB) EnsureConsoleRoute(ctx context.Context, enabled bool) error {
	reason := ""
	if !enabled {
		reason = "console alerts are off while a Discord token is configured"
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO routes (guild_id, channel_id, disabled, disabled_reason, created_at)
		VALUES ('', ?, ?, ?, ?) ON CONFLICT (guild_id, channel_id) DO UPDATE SET
		disabled = excluded.disabled, disabled_reason = excluded.disabled_reason`,
		newswatch.ConsoleChannel, boolInt(!enabled), reason, ms(time.Now()))
	if err != nil {
		return fmt.Errorf("store: console route: %w", formatError(err))
	}
	return nil
}

// routeRow scans a route whose kind and time need converting.
type routeRow struct {
	newswatch.Route
	kind       string
	created    int64
	watches    string // JSON array of names
	stories    bool
	digestHour int // -1: no digest
}

// dest returns the scan destinations of routeCols.
func (r *routeRow) dest() []any {
	return []any{&r.ID, &r.GuildID, &r.ChannelID, &r.kind, &r.RoleID, &r.Disabled, &r.DisabledReason, &r.created,
		&r.watches, &r.Query, &r.MinSources, &r.stories, &r.Quiet, &r.Spikes, &r.CapPerHour, &r.digestHour,
		&r.Config, &r.Locale}
}

func (r routeRow) route() newswatch.Route {
	out := r.Route
	out.Kind, out.CreatedAt = newswatch.Kind(r.kind), fromMS(r.created)
	out.Watches = nil
	if r.watches != "" && r.watches != "[]" {
		_ = json.Unmarshal([]byte(r.watches), &out.Watches) // written by SetRoute from a []string
	}
	out.PerItem = !r.stories
	out.Digest, out.DigestHour = r.digestHour >= 0, max(r.digestHour, 0)
	return out
}

// ruleArgs returns the values of the rule columns of r for an INSERT or
// UPDATE, in the order watches, query, min_sources, stories, quiet, spikes,
// cap_per_hour, digest_hour.
func ruleArgs(r newswatch.Route) []any {
	digest := -1
	if r.Digest {
		digest = r.DigestHour
	}
	return []any{jsonList(r.Watches), r.Query, r.MinSources, !r.PerItem, r.Quiet, r.Spikes, r.CapPerHour, digest}
}

// routeWants reports whether route r is sent mentions of a watch of guild
// watchGuild and kind.
func routeWants(r newswatch.Route, watchGuild string, kind newswatch.Kind) bool {
	return (watchGuild == newswatch.GlobalScope || watchGuild == r.GuildID) && (r.Kind == "" || r.Kind == kind)
}

// routeShows reports whether an alert of route r shows a mention of the
// watch named name, of guild watchGuild and kind: one it wants and, when
// the route names its watches, one of them.
func routeShows(r newswatch.Route, watchGuild string, kind newswatch.Kind, name string) bool {
	if !routeWants(r, watchGuild, kind) {
		return false
	}
	return len(r.Watches) == 0 || slices.ContainsFunc(r.Watches, func(n string) bool { return strings.EqualFold(n, name) })
}

// Bounds of a route's rule.
const (
	MaxRouteWatches = 25   // watches one route names
	MaxMinSources   = 50   // min_sources
	MaxCapPerHour   = 1000 // cap_per_hour
)

// CheckRule checks the rule of r without a database: the query parses,
// and the numbers are in range. It fails with EINVALID saying what is
// wrong; for a query, with the position of the problem. SetRoute calls it;
// the configuration calls it at startup.
func CheckRule(r newswatch.Route) error {
	if strings.TrimSpace(r.Query) != "" {
		if _, err := query.Parse(r.Query); err != nil {
			return newswatch.Errorf(newswatch.EINVALID, "The query %q is not valid: %s", r.Query, newswatch.ErrorMessage(err))
		}
	}
	switch {
	case len(r.Watches) > MaxRouteWatches:
		return newswatch.Errorf(newswatch.EINVALID, "A route may name at most %d watches.", MaxRouteWatches)
	case r.MinSources < 0 || r.MinSources > MaxMinSources:
		return newswatch.Errorf(newswatch.EINVALID, "min_sources must be between 0 and %d.", MaxMinSources)
	case r.CapPerHour < 0 || r.CapPerHour > MaxCapPerHour:
		return newswatch.Errorf(newswatch.EINVALID, "The cap must be between 0 (none) and %d alerts per hour.", MaxCapPerHour)
	case r.Digest && (r.DigestHour < 0 || r.DigestHour > 23):
		return newswatch.Errorf(newswatch.EINVALID, "The digest hour must be between 0 and 23 (UTC).")
	}
	return nil
}

// canonicalWatches returns names as the canonical names of the watches
// guildID sees (by name or alias, case-insensitively), each once, or
// EINVALID naming the first it does not see.
func canonicalWatches(ctx context.Context, q querier, guildID string, names []string) ([]string, error) {
	ws, err := visibleWatches(ctx, q, guildID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range names {
		if strings.TrimSpace(n) == "" {
			continue
		}
		found := findWatches(ws, n, guildID)
		if len(found) == 0 {
			return nil, newswatch.Errorf(newswatch.EINVALID, "No watch is named %q here; /watch list shows them.", strings.TrimSpace(n))
		}
		if !slices.Contains(out, found[0].Name) {
			out = append(out, found[0].Name)
		}
	}
	return out, nil
}
