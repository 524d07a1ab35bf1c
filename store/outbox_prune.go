package store

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/query"
)

// Queued alerts follow rule changes. When a route's rule narrows (its
// watches, query or kind, or it turns quiet: SetRoute, SetConfigRoute) or
// a watch is muted in its guild (MuteWatch), the route's mention alerts
// still queued that the rule as it now stands would not raise are deleted
// in the same transaction, so that nothing the admin has just turned away
// is posted a moment later. Only rows that are truly waiting are judged:
// not sent, and not carried by an AlertMessage (whose body is fixed and
// may be on its way to Discord; the same line dropUndeliverable draws).
// Rows already sent, "Also reported by" edits of sent alerts and
// feed-failing notices are never touched.
//
// A rule that becomes wider changes nothing queued: the rows that are
// there stay, and items saved before the change raise no new alerts (as
// with a new watch, past items raise none). Changes of min_sources,
// stories, the cap or the role are not judged here either: they shape how
// later items alert, not whether a queued item concerns the route.
// Removing a route (/alerts off, RemoveRoute) deletes its rows with it.
//
// A deleted row that was a story's alert in the route also loses its
// story_alerts row, so that a later item of the story is judged afresh
// instead of being added as "also" to an alert that will never be posted;
// a deleted hourly cap summary is forgotten by its route_caps row, so a
// later item over the cap starts a new summary.

// mayNarrow reports whether a route whose rule was before and is now
// after may turn away an alert it had queued: its query, watches or kind
// changed, or it turned quiet. Other changes (the role, the digest, the
// cap, min_sources) leave the queue alone without reading it.
func mayNarrow(before, after newswatch.Route) bool {
	return before.Query != after.Query || before.Kind != after.Kind || (after.Quiet && !before.Quiet) ||
		!slices.Equal(before.Watches, after.Watches)
}

// pruneQueued deletes route routeID's queued mention alerts that its rule
// no longer lets through at now, and returns how many.
func pruneQueued(ctx context.Context, tx *sql.Tx, routeID int64, now time.Time) (int, error) {
	r, err := scanRoute(tx.QueryRowContext(ctx, `SELECT `+routeCols+` FROM routes r WHERE r.id = ?`, routeID))
	if err != nil {
		return 0, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT o.id, o.item_id FROM outbox o WHERE o.route_id = ? AND o.kind = 'mention'
		AND o.sent_at IS NULL AND o.message_row IS NULL ORDER BY o.id`, routeID)
	if err != nil {
		return 0, err
	}
	type queued struct{ id, item int64 }
	var qs []queued
	for rows.Next() {
		var q queued
		if err := rows.Scan(&q.id, &q.item); err != nil {
			rows.Close()
			return 0, err
		}
		qs = append(qs, q)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(qs) == 0 {
		return 0, err
	}
	muted, err := mutedWatches(ctx, tx, r.GuildID, now)
	if err != nil {
		return 0, err
	}
	var expr *query.Expr
	if r.Query != "" {
		if expr, err = query.Parse(r.Query); err != nil {
			expr = nil // SetRoute refuses such a query; a stored one matches nothing
		}
	}
	n := 0
	for _, q := range qs {
		keep := !r.Quiet
		if keep {
			if keep, err = queuedPasses(ctx, tx, r, expr, muted, q.item); err != nil {
				return n, err
			}
		}
		if keep {
			continue
		}
		if err := dropQueued(ctx, tx, r.ID, q.id); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// queuedPasses reports whether route r's rule, with the watches of muted
// silenced and its query parsed as expr, lets item itemID alert: a watch
// it mentions counts for r, and the item matches the query.
func queuedPasses(ctx context.Context, tx *sql.Tx, r newswatch.Route, expr *query.Expr, muted map[int64]bool, itemID int64) (bool, error) {
	mentions, err := itemMentions(ctx, tx, itemID)
	if err != nil {
		return false, err
	}
	counts := false
	for _, m := range mentions {
		if routeShows(r, m.guild, m.Kind, m.Entity) && !muted[m.WatchID] {
			counts = true
			break
		}
	}
	if !counts || r.Query == "" {
		return counts, nil
	}
	if expr == nil {
		return false, nil
	}
	var title, text string
	err = tx.QueryRowContext(ctx, `SELECT title, text FROM items WHERE id = ?`, itemID).Scan(&title, &text)
	if errNoRows(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return expr.Match(title, text), nil
}

// mutedWatches returns the watches muted in guild at now.
func mutedWatches(ctx context.Context, tx *sql.Tx, guild string, now time.Time) (map[int64]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT watch_id FROM watch_mutes WHERE guild_id = ? AND until > ?`, guild, ms(now))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// dropQueued deletes queued outbox row id of route routeID with what
// refers to it (see the top of this file).
func dropQueued(ctx context.Context, tx *sql.Tx, routeID, id int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE id = ? AND sent_at IS NULL AND message_row IS NULL`, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM story_alerts WHERE route_id = ? AND outbox_id = ?`, routeID, id); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE route_caps SET summary_id = NULL, held_count = 0, held = '[]'
		WHERE route_id = ? AND summary_id = ?`, routeID, id)
	return err
}

// pruneGuildQueued applies pruneQueued to every route of guild (the
// console route for the global scope "").
func pruneGuildQueued(ctx context.Context, tx *sql.Tx, guild string, now time.Time) error {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM routes WHERE guild_id = ? ORDER BY id`, guild)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := pruneQueued(ctx, tx, id, now); err != nil {
			return err
		}
	}
	return nil
}
