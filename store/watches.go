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
)

const watchCols = `w.id, w.guild_id, w.name, w.kind, w.aliases, w.exclude, w.case_sensitive, w.created_at, w.updated_at,
	w.auto_aliases, w.country, w.surname_only, w.drop_aliases, w.fuzzy`

func scanWatch(row scanner) (newswatch.Watch, error) {
	var w newswatch.Watch
	var kind, aliases, exclude, drop string
	var created, updated int64
	var surname sql.NullBool
	if err := row.Scan(&w.ID, &w.GuildID, &w.Name, &kind, &aliases, &exclude, &w.CaseSensitive, &created, &updated,
		&w.AutoAliases, &w.Country, &surname, &drop, &w.Fuzzy); err != nil {
		return w, err
	}
	if surname.Valid {
		w.SurnameOnly = &surname.Bool
	}
	if err := json.Unmarshal([]byte(drop), &w.DropAliases); err != nil {
		return w, fmt.Errorf("dropped aliases of watch %d: %w", w.ID, err)
	}
	w.Kind, w.CreatedAt, w.UpdatedAt = newswatch.Kind(kind), fromMS(created), fromMS(updated)
	if err := json.Unmarshal([]byte(aliases), &w.Aliases); err != nil {
		return w, fmt.Errorf("aliases of watch %d: %w", w.ID, err)
	}
	if err := json.Unmarshal([]byte(exclude), &w.Exclude); err != nil {
		return w, fmt.Errorf("exclusions of watch %d: %w", w.ID, err)
	}
	return w, nil
}

func queryWatches(ctx context.Context, q querier, query string, args ...any) ([]newswatch.Watch, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []newswatch.Watch
	for rows.Next() {
		w, err := scanWatch(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// visibleWatches returns the watches guildID sees: the global ones and its
// own, or every watch for "".
func visibleWatches(ctx context.Context, q querier, guildID string) ([]newswatch.Watch, error) {
	return queryWatches(ctx, q, `SELECT `+watchCols+` FROM watches w
		WHERE ? = '' OR w.guild_id IN ('', ?) ORDER BY w.id`, guildID, guildID)
}

// nameKey is the case-folded form of a watch name used for uniqueness.
func nameKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// Watches returns the watches visible to guildID by id: the global ones and
// its own; "" returns every watch of every guild.
func (db *DB) Watches(ctx context.Context, guildID string) ([]newswatch.Watch, error) {
	ws, err := visibleWatches(ctx, db.r, guildID)
	if err != nil {
		return nil, fmt.Errorf("store: watches: %w", formatError(err))
	}
	return ws, nil
}

// findWatches returns the watches in ws whose name, or else an alias,
// equals name case-insensitively. Watches of prefer come first.
func findWatches(ws []newswatch.Watch, name, prefer string) []newswatch.Watch {
	name = strings.TrimSpace(name)
	var byName, byAlias []newswatch.Watch
	for _, w := range ws {
		switch {
		case strings.EqualFold(w.Name, name):
			byName = append(byName, w)
		case slices.ContainsFunc(w.Aliases, func(a string) bool { return strings.EqualFold(strings.TrimSpace(a), name) }):
			byAlias = append(byAlias, w)
		}
	}
	out := append(byName, byAlias...)
	slices.SortStableFunc(out, func(a, b newswatch.Watch) int {
		return boolInt(a.GuildID != prefer) - boolInt(b.GuildID != prefer)
	})
	return out
}

// WatchByName returns the visible watch named name, by its canonical name or
// else an alias, case-insensitively; guildID's own watches win over global
// ones. ENOTFOUND when none.
func (db *DB) WatchByName(ctx context.Context, guildID, name string) (newswatch.Watch, error) {
	ws, err := visibleWatches(ctx, db.r, guildID)
	if err != nil {
		return newswatch.Watch{}, fmt.Errorf("store: watch %q: %w", name, formatError(err))
	}
	found := findWatches(ws, name, guildID)
	if len(found) == 0 {
		return newswatch.Watch{}, newswatch.Errorf(newswatch.ENOTFOUND, "No watch is named %q.", name)
	}
	return found[0], nil
}

// PutWatch creates or updates guild w.GuildID's watch named w.Name (case
// insensitively) and reports whether it was created. A guild may not use the
// name of a global watch (EFORBIDDEN); creating one when the guild has
// maxPerGuild watches (0: no cap) fails with EINVALID. The source is
// "discord" for a guild and "cli" for the global scope; updating keeps it.
func (db *DB) PutWatch(ctx context.Context, w newswatch.Watch, maxPerGuild int) (newswatch.Watch, bool, error) {
	source := "discord"
	if w.GuildID == newswatch.GlobalScope {
		source = "cli"
	}
	var out newswatch.Watch
	var created bool
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		out, created, err = putWatch(ctx, tx, w, source, maxPerGuild)
		return err
	})
	if err != nil {
		return out, false, fmt.Errorf("store: put watch %q: %w", w.Name, formatError(err))
	}
	return out, created, nil
}

func putWatch(ctx context.Context, tx *sql.Tx, w newswatch.Watch, source string, maxPerGuild int) (newswatch.Watch, bool, error) {
	w.Name = strings.TrimSpace(w.Name)
	if err := w.Validate(); err != nil {
		return w, false, err
	}
	key := nameKey(w.Name)
	if w.GuildID != newswatch.GlobalScope {
		var global bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM watches WHERE guild_id = '' AND name_key = ?)`,
			key).Scan(&global); err != nil {
			return w, false, err
		}
		if global {
			return w, false, newswatch.Errorf(newswatch.EFORBIDDEN, "%q is a global watch and cannot be changed from Discord.", w.Name)
		}
	}
	var exists bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM watches WHERE guild_id = ? AND name_key = ?)`,
		w.GuildID, key).Scan(&exists); err != nil {
		return w, false, err
	}
	if !exists && maxPerGuild > 0 {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM watches WHERE guild_id = ?`, w.GuildID).Scan(&n); err != nil {
			return w, false, err
		}
		if n >= maxPerGuild {
			return w, false, newswatch.Errorf(newswatch.EINVALID, "This server already has %d watches, the most it may; remove one first.", n)
		}
	}
	now := ms(time.Now())
	var surname sql.NullBool
	if w.SurnameOnly != nil {
		surname = sql.NullBool{Bool: *w.SurnameOnly, Valid: true}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO watches (guild_id, source, name, name_key, kind, aliases, exclude,
		case_sensitive, created_at, updated_at, auto_aliases, country, surname_only, drop_aliases, fuzzy)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (guild_id, name_key) DO UPDATE SET name = excluded.name, kind = excluded.kind,
		aliases = excluded.aliases, exclude = excluded.exclude, case_sensitive = excluded.case_sensitive,
		auto_aliases = excluded.auto_aliases, country = excluded.country, surname_only = excluded.surname_only,
		drop_aliases = excluded.drop_aliases, fuzzy = excluded.fuzzy,
		updated_at = excluded.updated_at
		WHERE name IS NOT excluded.name OR kind IS NOT excluded.kind OR aliases IS NOT excluded.aliases
		OR exclude IS NOT excluded.exclude OR case_sensitive IS NOT excluded.case_sensitive
		OR auto_aliases IS NOT excluded.auto_aliases OR country IS NOT excluded.country
		OR surname_only IS NOT excluded.surname_only OR drop_aliases IS NOT excluded.drop_aliases
		OR fuzzy IS NOT excluded.fuzzy`,
		w.GuildID, source, w.Name, key, string(w.Kind), jsonList(w.Aliases), jsonList(w.Exclude),
		boolInt(w.CaseSensitive), now, now, boolInt(w.AutoAliases), strings.ToUpper(w.Country), surname,
		jsonList(w.DropAliases), boolInt(w.Fuzzy))
	if err != nil {
		return w, false, err
	}
	out, err := scanWatch(tx.QueryRowContext(ctx, `SELECT `+watchCols+` FROM watches w WHERE guild_id = ? AND name_key = ?`,
		w.GuildID, key))
	return out, !exists, err
}

// RemoveWatch deletes guildID's watch named name (or with that alias) and
// its mentions. A guild naming a global watch gets EFORBIDDEN; ENOTFOUND
// when there is none.
func (db *DB) RemoveWatch(ctx context.Context, guildID, name string) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		ws, err := visibleWatches(ctx, tx, guildID)
		if err != nil {
			return err
		}
		if guildID == newswatch.GlobalScope {
			ws = slices.DeleteFunc(ws, func(w newswatch.Watch) bool { return w.GuildID != newswatch.GlobalScope })
		}
		found := findWatches(ws, name, guildID)
		if len(found) == 0 {
			return newswatch.Errorf(newswatch.ENOTFOUND, "No watch is named %q.", name)
		}
		if found[0].GuildID != guildID {
			return newswatch.Errorf(newswatch.EFORBIDDEN, "%q is a global watch and cannot be removed from Discord.", found[0].Name)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM watches WHERE id = ?`, found[0].ID); err != nil {
			return err
		}
		return dropUndeliverable(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("store: remove watch %q: %w", name, formatError(err))
	}
	return nil
}

// sameWatch reports whether a and b differ in nothing a person set.
func sameWatch(a, b newswatch.Watch) bool {
	norm := func(s []string) []string {
		if len(s) == 0 {
			return nil
		}
		return s
	}
	sameBool := func(x, y *bool) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return a.Name == b.Name && a.Kind == b.Kind && a.CaseSensitive == b.CaseSensitive &&
		slices.Equal(norm(a.Aliases), norm(b.Aliases)) && slices.Equal(norm(a.Exclude), norm(b.Exclude)) &&
		a.AutoAliases == b.AutoAliases && strings.EqualFold(a.Country, b.Country) && sameBool(a.SurnameOnly, b.SurnameOnly) &&
		slices.Equal(norm(a.DropAliases), norm(b.DropAliases)) && a.Fuzzy == b.Fuzzy
}

// SyncConfigWatches makes the global watches with source "config" exactly
// ws (a global watch of another source with one of these names becomes a
// config one) and returns those added or changed, to be rescanned.
func (db *DB) SyncConfigWatches(ctx context.Context, ws []newswatch.Watch) ([]newswatch.Watch, error) {
	for i := range ws {
		ws[i].GuildID = newswatch.GlobalScope
		if err := ws[i].Validate(); err != nil {
			return nil, err
		}
	}
	var changed []newswatch.Watch
	err := db.tx(ctx, func(tx *sql.Tx) error {
		current, err := queryWatches(ctx, tx, `SELECT `+watchCols+` FROM watches w WHERE guild_id = ''`)
		if err != nil {
			return err
		}
		byKey := make(map[string]newswatch.Watch, len(current))
		for _, w := range current {
			byKey[nameKey(w.Name)] = w
		}
		keep := make(map[string]bool, len(ws))
		for _, w := range ws {
			key := nameKey(w.Name)
			keep[key] = true
			old, ok := byKey[key]
			out, _, err := putWatch(ctx, tx, w, "config", 0)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE watches SET source = 'config' WHERE id = ? AND source <> 'config'`, out.ID); err != nil {
				return err
			}
			if !ok || !sameWatch(old, out) {
				changed = append(changed, out)
			}
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, name_key FROM watches WHERE guild_id = '' AND source = 'config'`)
		if err != nil {
			return err
		}
		var drop []int64
		for rows.Next() {
			var id int64
			var key string
			if err := rows.Scan(&id, &key); err != nil {
				rows.Close()
				return err
			}
			if !keep[key] {
				drop = append(drop, id)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range drop {
			if _, err := tx.ExecContext(ctx, `DELETE FROM watches WHERE id = ?`, id); err != nil {
				return err
			}
		}
		if len(drop) == 0 {
			return nil
		}
		return dropUndeliverable(ctx, tx)
	})
	if err != nil {
		return nil, fmt.Errorf("store: sync config watches: %w", formatError(err))
	}
	return changed, nil
}

// WatchesVersion returns a number that grows on every change to any watch.
func (db *DB) WatchesVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := db.r.QueryRowContext(ctx, `SELECT version FROM watches_version WHERE id = 1`).Scan(&v); err != nil {
		return 0, fmt.Errorf("store: watches version: %w", formatError(err))
	}
	return v, nil
}

// MaxMute is the longest a watch can be muted at once.
const MaxMute = 30 * 24 * time.Hour

// MuteWatch silences the visible watch named name (by name or alias, as
// WatchByName finds it) in guildID's alert routes until until, replacing an
// earlier mute, and returns the watch. until must be after now and at most
// MaxMute later (EINVALID); ENOTFOUND when guildID sees no such watch.
// The guild's queued alerts that only the muted watch let through are
// dropped.
func (db *DB) MuteWatch(ctx context.Context, guildID, name string, until, now time.Time) (newswatch.Watch, error) {
	if !until.After(now) || until.Sub(now) > MaxMute+time.Minute {
		return newswatch.Watch{}, newswatch.Errorf(newswatch.EINVALID, "A mute lasts from a minute up to 30 days.")
	}
	var w newswatch.Watch
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if w, err = watchInView(ctx, tx, guildID, name); err != nil {
			return err
		}
		if _, err = tx.ExecContext(ctx, `INSERT INTO watch_mutes (guild_id, watch_id, until) VALUES (?, ?, ?)
			ON CONFLICT DO UPDATE SET until = excluded.until`, guildID, w.ID, ms(until)); err != nil {
			return err
		}
		// Alerts of the watch already queued in the guild's routes are
		// not posted either (outbox_prune.go).
		return pruneGuildQueued(ctx, tx, guildID, now)
	})
	if err != nil {
		return w, fmt.Errorf("store: mute watch %q: %w", name, formatError(err))
	}
	return w, nil
}

// UnmuteWatch ends guildID's mute of the watch named name and returns the
// watch; ENOTFOUND when there is no such watch or it is not muted.
func (db *DB) UnmuteWatch(ctx context.Context, guildID, name string) (newswatch.Watch, error) {
	var w newswatch.Watch
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if w, err = watchInView(ctx, tx, guildID, name); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM watch_mutes WHERE guild_id = ? AND watch_id = ? AND until > ?`,
			guildID, w.ID, ms(time.Now()))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return newswatch.Errorf(newswatch.ENOTFOUND, "%s is not muted.", w.Name)
		}
		return nil
	})
	if err != nil {
		return w, fmt.Errorf("store: unmute watch %q: %w", name, formatError(err))
	}
	return w, nil
}

// Mutes returns guildID's mutes in force at now, by watch name; "" returns
// those of the global scope (the console route).
func (db *DB) Mutes(ctx context.Context, guildID string, now time.Time) ([]newswatch.WatchMute, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT w.name, m.until FROM watch_mutes m JOIN watches w ON w.id = m.watch_id
		WHERE m.guild_id = ? AND m.until > ? ORDER BY w.name_key`, guildID, ms(now))
	if err != nil {
		return nil, fmt.Errorf("store: mutes: %w", formatError(err))
	}
	defer rows.Close()
	var out []newswatch.WatchMute
	for rows.Next() {
		var m newswatch.WatchMute
		var until int64
		if err := rows.Scan(&m.Watch, &until); err != nil {
			return nil, fmt.Errorf("store: mutes: %w", err)
		}
		m.Until = fromMS(until)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: mutes: %w", err)
	}
	return out, nil
}

// watchInView is the watch guildID sees named name, or ENOTFOUND.
func watchInView(ctx context.Context, q querier, guildID, name string) (newswatch.Watch, error) {
	ws, err := visibleWatches(ctx, q, guildID)
	if err != nil {
		return newswatch.Watch{}, err
	}
	found := findWatches(ws, name, guildID)
	if len(found) == 0 {
		return newswatch.Watch{}, newswatch.Errorf(newswatch.ENOTFOUND, "No watch is named %q.", strings.TrimSpace(name))
	}
	return found[0], nil
}
