package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/newswatch/newswatch"
)

// The "Also reported by" pass: the items that joined a story after its
// alert in a route (story_alerts.pending_also, written by the save, see
// story_route.go) are read once the alert is out, and marked shown when
// the deliverer has stored the edit that lists them (or printed them).

// DueStoryAlso returns up to limit story alerts with items to add that
// are due at now: on Discord (console false), those whose alert went out
// alone in a message that Discord confirmed, in an enabled route; on the
// console, those of the console route whose alert was printed. An alert
// that went out in a summary is not edited.
func (db *DB) DueStoryAlso(ctx context.Context, console bool, now time.Time, limit int) ([]newswatch.StoryAlso, error) {
	join := `JOIN messages m ON m.id = o.message_row AND m.state = 'sent' AND m.kind = 'post' AND m.discord_message_id <> ''
		AND NOT EXISTS (SELECT 1 FROM outbox o2 WHERE o2.message_row = m.id AND o2.id <> o.id)`
	msgCols := `m.id, m.discord_message_id, m.created_at`
	where := `r.channel_id <> ?`
	if console {
		join = ``
		msgCols = `0, '', 0`
		where = `o.sent_at IS NOT NULL AND r.channel_id = ?`
	}
	rows, err := db.r.QueryContext(ctx, `SELECT sa.story_id, sa.outbox_id, o.item_id, sa.pending_also, sa.shown_also, s.title, `+msgCols+`, `+routeCols+`
		FROM story_alerts sa
		JOIN outbox o ON o.id = sa.outbox_id
		`+join+`
		JOIN routes r ON r.id = sa.route_id AND r.disabled = 0
		JOIN stories s ON s.id = sa.story_id
		WHERE sa.pending_also <> '[]' AND sa.next_edit_at <= ? AND `+where+`
		ORDER BY sa.next_edit_at, sa.story_id LIMIT ?`, ms(now), newswatch.ConsoleChannel, limit)
	if err != nil {
		return nil, fmt.Errorf("store: due story edits: %w", formatError(err))
	}
	var out []newswatch.StoryAlso
	var shownIDs [][]int64
	var itemIDs []int64
	for rows.Next() {
		var sa newswatch.StoryAlso
		var pending, shown string
		var created, itemID int64
		var rt routeRow
		dest := append([]any{&sa.StoryID, &sa.Alert.ID, &itemID, &pending, &shown, &sa.Title,
			&sa.Message.ID, &sa.Message.DiscordID, &created}, rt.dest()...)
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: due story edits: %w", err)
		}
		sa.Route = rt.route()
		sa.Alert.Kind, sa.Alert.Route, sa.Alert.Message = newswatch.AlertMention, sa.Route, sa.Message.ID
		if sa.Message.ID != 0 {
			sa.Message.Route, sa.Message.AlertIDs = sa.Route, []int64{sa.Alert.ID}
			sa.Message.State, sa.Message.CreatedAt = newswatch.MessageSent, fromMS(created)
		}
		var sh []int64
		// Written from []int64 by the save and StoryAlsoShown.
		_ = json.Unmarshal([]byte(pending), &sa.PendingIDs)
		_ = json.Unmarshal([]byte(shown), &sh)
		out = append(out, sa)
		shownIDs = append(shownIDs, sh)
		itemIDs = append(itemIDs, itemID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: due story edits: %w", formatError(err))
	}
	for i := range out {
		if err := db.fillAlert(ctx, &out[i].Alert, itemIDs[i], 0); err != nil {
			return nil, fmt.Errorf("store: due story edits: alert %d: %w", out[i].Alert.ID, formatError(err))
		}
		items, err := db.storyItemsByID(ctx, append(append([]int64(nil), shownIDs[i]...), out[i].PendingIDs...))
		if err != nil {
			return nil, err
		}
		for _, id := range shownIDs[i] {
			if it, ok := items[id]; ok {
				out[i].Shown = append(out[i].Shown, it)
			}
		}
		for _, id := range out[i].PendingIDs {
			if it, ok := items[id]; ok {
				out[i].Pending = append(out[i].Pending, it)
			}
		}
	}
	return out, nil
}

// storyItemsByID reads items as a story lists them.
func (db *DB) storyItemsByID(ctx context.Context, ids []int64) (map[int64]newswatch.StoryItem, error) {
	out := make(map[int64]newswatch.StoryItem, len(ids))
	rows, err := db.r.QueryContext(ctx, `SELECT i.id, i.feed_id, f.title, i.title, i.link, i.ts FROM items i
		JOIN feeds f ON f.id = i.feed_id WHERE i.id IN (SELECT value FROM json_each(?))`, jsonList(ids))
	if err != nil {
		return nil, fmt.Errorf("store: story items: %w", formatError(err))
	}
	defer rows.Close()
	for rows.Next() {
		var it newswatch.StoryItem
		var ts int64
		if err := rows.Scan(&it.ItemID, &it.FeedID, &it.FeedTitle, &it.Title, &it.Link, &ts); err != nil {
			return nil, fmt.Errorf("store: story items: %w", err)
		}
		it.Published = fromMS(ts)
		out[it.ItemID] = it
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: story items: %w", formatError(err))
	}
	return out, nil
}

// StoryAlsoShown records, in one transaction, that sa's pending items are
// shown: they move from pending_also to shown_also, the next edit may go
// out at next, and, when edit is not nil, the edit message with body edit
// is stored (returned). Items that joined since sa was read stay pending.
// A crash before it commits leaves everything pending, to be edited
// again; after, the edit is in the outbox, which delivers it once.
func (db *DB) StoryAlsoShown(ctx context.Context, sa newswatch.StoryAlso, edit []byte, next time.Time) (newswatch.AlertMessage, error) {
	var m newswatch.AlertMessage
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var pending, shown string
		err := tx.QueryRowContext(ctx, `SELECT pending_also, shown_also FROM story_alerts WHERE story_id = ? AND route_id = ?`,
			sa.StoryID, sa.Route.ID).Scan(&pending, &shown)
		if err != nil {
			return err
		}
		var p, sh []int64
		_ = json.Unmarshal([]byte(pending), &p)
		_ = json.Unmarshal([]byte(shown), &sh)
		left := p[:0]
		for _, id := range p {
			if slices.Contains(sa.PendingIDs, id) {
				if !slices.Contains(sh, id) {
					sh = append(sh, id)
				}
				continue
			}
			left = append(left, id)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE story_alerts SET pending_also = ?, shown_also = ?, next_edit_at = ?
			WHERE story_id = ? AND route_id = ?`, jsonList(left), jsonList(sh), ms(next), sa.StoryID, sa.Route.ID); err != nil {
			return err
		}
		if edit != nil {
			m, err = createEditMessage(ctx, tx, sa.Route, sa.Message.DiscordID, edit, time.Now())
		}
		return err
	})
	if err != nil {
		return m, fmt.Errorf("store: story %d also shown: %w", sa.StoryID, formatError(err))
	}
	return m, nil
}
