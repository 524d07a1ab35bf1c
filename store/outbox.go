package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/newswatch/newswatch"
)

// nonce is the stable Discord nonce of an outbox row, derived from its
// unique key: "nw" and 20 hex digits.
func nonce(kind string, target, routeID, episode int64) string {
	h := sha256.Sum256([]byte(kind + ":" + strconv.FormatInt(target, 10) + ":" +
		strconv.FormatInt(routeID, 10) + ":" + strconv.FormatInt(episode, 10)))
	return "nw" + hex.EncodeToString(h[:10])
}

// deliverableCond is an SQL condition on an outbox row o and its route r:
// the row still has something for the route. A mention row needs the item's
// feed visible to the route's guild (a subscription by "" or by that guild;
// the console route's guild is "") and a mention of a watch the route wants;
// a feed-failing row needs the route's guild to still follow the feed. Rows
// that fail it were queued before the guild unfollowed the feed, removed the
// watch or narrowed the route, or before the item was edited.
const deliverableCond = `(CASE o.kind
	WHEN 'feed_failing' THEN EXISTS (SELECT 1 FROM feed_subscriptions ds
		WHERE ds.feed_id = o.feed_id AND ds.guild_id = r.guild_id)
	ELSE EXISTS (SELECT 1 FROM items di JOIN feed_subscriptions ds ON ds.feed_id = di.feed_id
		WHERE di.id = o.item_id AND ds.guild_id IN ('', r.guild_id))
	AND EXISTS (SELECT 1 FROM mentions dm JOIN watches dw ON dw.id = dm.watch_id
		WHERE dm.item_id = o.item_id AND dw.guild_id IN ('', r.guild_id) AND (r.kind = '' OR r.kind = dw.kind))
	END)`

// dropUndeliverable deletes the unsent outbox rows that no longer have
// anything for their route (see deliverableCond), so that they neither wait
// forever nor come back when the guild follows the feed again. The changes
// that can cause this (unfollowing a feed, removing a watch, changing a
// route) call it in their transaction. Rows an AlertMessage carries stay:
// that message's body is fixed and may already be in the channel. A
// dropped row's story_alerts and route_caps references go with it
// (dropQueued), so that a story whose alert was never posted is judged
// afresh by its next item.
func dropUndeliverable(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT o.id, o.route_id FROM outbox o
		JOIN routes r ON r.id = o.route_id WHERE o.sent_at IS NULL AND o.message_row IS NULL AND NOT `+deliverableCond)
	if err != nil {
		return err
	}
	var drop [][2]int64
	for rows.Next() {
		var d [2]int64
		if err := rows.Scan(&d[0], &d[1]); err != nil {
			rows.Close()
			return err
		}
		drop = append(drop, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, d := range drop {
		if err := dropQueued(ctx, tx, d[1], d[0]); err != nil {
			return err
		}
	}
	return nil
}

// PendingAlerts returns up to limit (<= 0: 100) unsent alerts whose route is
// enabled and whose not_before has passed at now, by id: with console only
// those of the console route, otherwise all others. Item, the mentions that
// concern the route, and Feed are filled in. Rows with nothing left for their
// route (see deliverableCond) are never returned. Alerts already carried by
// a pending AlertMessage are returned too, with Message set.
func (db *DB) PendingAlerts(ctx context.Context, console bool, now time.Time, limit int) ([]newswatch.Alert, error) {
	out, err := db.pendingAlerts(ctx, `((r.guild_id = '' AND r.channel_id = ?) = ?)`,
		[]any{newswatch.ConsoleChannel, console}, now, limit)
	if err != nil {
		return nil, fmt.Errorf("store: pending alerts: %w", err)
	}
	return out, nil
}

// UngroupedAlerts is PendingAlerts of the Discord routes for the alerts no
// AlertMessage carries yet, leaving out the channels in skip (those that
// wait), so that they do not fill the batch.
func (db *DB) UngroupedAlerts(ctx context.Context, now time.Time, skip []string, limit int) ([]newswatch.Alert, error) {
	out, err := db.pendingAlerts(ctx, `NOT (r.guild_id = '' AND r.channel_id = ?) AND o.message_row IS NULL
		AND r.channel_id NOT IN (SELECT value FROM json_each(?))`,
		[]any{newswatch.ConsoleChannel, jsonList(skip)}, now, limit)
	if err != nil {
		return nil, fmt.Errorf("store: ungrouped alerts: %w", err)
	}
	return out, nil
}

// pendingAlerts returns up to limit unsent deliverable alerts of enabled
// routes, due at now, that also meet cond (with args), by id.
func (db *DB) pendingAlerts(ctx context.Context, cond string, args []any, now time.Time, limit int) ([]newswatch.Alert, error) {
	if limit <= 0 {
		limit = 100
	}
	args = append(append([]any{ms(now)}, args...), limit)
	rows, err := db.r.QueryContext(ctx, `SELECT o.id, o.kind, coalesce(o.item_id, 0), coalesce(o.feed_id, 0),
		o.nonce, o.attempts, o.created_at, coalesce(o.message_row, 0), `+routeCols+`
		FROM outbox o JOIN routes r ON r.id = o.route_id
		WHERE o.sent_at IS NULL AND r.disabled = 0 AND o.not_before <= ?
		AND `+cond+` AND `+deliverableCond+`
		ORDER BY o.id LIMIT ?`, args...)
	if err != nil {
		return nil, formatError(err)
	}
	var out []newswatch.Alert
	var itemIDs, feedIDs []int64
	for rows.Next() {
		var a newswatch.Alert
		var kind string
		var itemID, feedID, created int64
		var rt routeRow
		if err := rows.Scan(append([]any{&a.ID, &kind, &itemID, &feedID, &a.Nonce, &a.Attempts, &created, &a.Message},
			rt.dest()...)...); err != nil {
			rows.Close()
			return nil, err
		}
		a.Kind, a.CreatedAt, a.Route = newswatch.AlertKind(kind), fromMS(created), rt.route()
		out = append(out, a)
		itemIDs, feedIDs = append(itemIDs, itemID), append(feedIDs, feedID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if err := db.fillAlert(ctx, &out[i], itemIDs[i], feedIDs[i]); err != nil {
			return nil, fmt.Errorf("alert %d: %w", out[i].ID, formatError(err))
		}
	}
	return out, nil
}

func (db *DB) fillAlert(ctx context.Context, a *newswatch.Alert, itemID, feedID int64) error {
	if a.Kind == newswatch.AlertFeedFailing {
		f, err := feedByID(ctx, db.r, feedID)
		a.Feed = f
		return err
	}
	it, err := itemByID(ctx, db.r, itemID)
	if err != nil {
		return err
	}
	a.Item = it
	f, err := feedByID(ctx, db.r, it.FeedID)
	if err != nil {
		return err
	}
	a.Feed = f
	if err := db.r.QueryRowContext(ctx, `SELECT coalesce(story_id, 0) FROM items WHERE id = ?`, itemID).Scan(&a.StoryID); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	mentions, err := itemMentions(ctx, db.r, itemID)
	if err != nil {
		return err
	}
	for _, m := range mentions {
		if routeShows(a.Route, m.guild, m.Kind, m.Entity) {
			a.Mentions = append(a.Mentions, m.Mention)
		}
	}
	return fillHeld(ctx, db.r, a)
}

// MarkAlertSent records that alert id was delivered as messageID at at.
func (db *DB) MarkAlertSent(ctx context.Context, id int64, messageID string, at time.Time) error {
	if at.IsZero() {
		at = time.Now()
	}
	return db.updateAlert(ctx, id, `UPDATE outbox SET sent_at = ?, message_id = ? WHERE id = ?`, ms(at), messageID, id)
}

// DeferAlert postpones alert id until notBefore after a failed attempt,
// recording reason and counting the attempt.
func (db *DB) DeferAlert(ctx context.Context, id int64, notBefore time.Time, reason string) error {
	return db.updateAlert(ctx, id, `UPDATE outbox SET not_before = ?, last_error = ?, attempts = attempts + 1 WHERE id = ?`,
		ms(notBefore), reason, id)
}

func (db *DB) updateAlert(ctx context.Context, id int64, query string, args ...any) error {
	res, err := db.w.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: update alert %d: %w", id, formatError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return newswatch.Errorf(newswatch.ENOTFOUND, "There is no alert %d.", id)
	}
	return nil
}
