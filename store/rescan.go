package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/newswatch/newswatch"
)

// rescanBatch is how many items Rescan matches per write transaction.
const rescanBatch = 500

// Rescan replaces the mentions of watch w (by ID, or else by its guild and
// name) in every stored item with what match finds in the item's MatchText,
// in transactions of rescanBatch items, writing no alerts. Mentions whose
// WatchID is neither 0 nor w's are ignored. progress, if not nil, is called
// after each batch with the items done and the total.
func (db *DB) Rescan(ctx context.Context, w newswatch.Watch, match func(text string) []newswatch.Mention, progress func(done, total int)) error {
	id, err := db.watchID(ctx, w)
	if err != nil {
		return err
	}
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM items`).Scan(&total); err != nil {
		return fmt.Errorf("store: rescan %q: %w", w.Name, formatError(err))
	}
	var last int64
	done := 0
	y := newYielder()
	for {
		if err := y.pause(ctx); err != nil {
			return fmt.Errorf("store: rescan %q: %w", w.Name, err)
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("store: rescan %q: %w", w.Name, err)
		}
		// The batch is read in the write transaction: read before it, an
		// item changed meanwhile would get mentions of its old text.
		var batch []rescanItem
		err := db.tx(ctx, func(tx *sql.Tx) error {
			var err error
			if batch, err = rescanRead(ctx, tx, last); err != nil || len(batch) == 0 {
				return err
			}
			return rescanWrite(ctx, tx, id, batch, match)
		})
		if err != nil {
			return fmt.Errorf("store: rescan %q: %w", w.Name, formatError(err))
		}
		if len(batch) == 0 {
			return nil
		}
		last = batch[len(batch)-1].id
		done += len(batch)
		if progress != nil {
			progress(min(done, max(total, done)), max(total, done))
		}
	}
}

// watchID returns the id of w, checking it exists.
func (db *DB) watchID(ctx context.Context, w newswatch.Watch) (int64, error) {
	var id int64
	var err error
	if w.ID != 0 {
		err = db.r.QueryRowContext(ctx, `SELECT id FROM watches WHERE id = ?`, w.ID).Scan(&id)
	} else {
		err = db.r.QueryRowContext(ctx, `SELECT id FROM watches WHERE guild_id = ? AND name_key = ?`,
			w.GuildID, nameKey(w.Name)).Scan(&id)
	}
	if errNoRows(err) {
		return 0, newswatch.Errorf(newswatch.ENOTFOUND, "No watch is named %q.", w.Name)
	}
	if err != nil {
		return 0, fmt.Errorf("store: rescan %q: %w", w.Name, formatError(err))
	}
	return id, nil
}

// rescanItem is what Rescan needs of an item.
type rescanItem struct {
	id, feedID  int64
	title, text string
	ts          int64
}

func rescanRead(ctx context.Context, q querier, after int64) ([]rescanItem, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, feed_id, title, text, ts FROM items WHERE id > ? ORDER BY id LIMIT ?`, after, rescanBatch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []rescanItem
	for rows.Next() {
		var it rescanItem
		if err := rows.Scan(&it.id, &it.feedID, &it.title, &it.text, &it.ts); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

func rescanWrite(ctx context.Context, tx *sql.Tx, watchID int64, batch []rescanItem, match func(string) []newswatch.Mention) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM mentions WHERE watch_id = ? AND item_id BETWEEN ? AND ?`,
		watchID, batch[0].id, batch[len(batch)-1].id); err != nil {
		return err
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO mentions (item_id, watch_id, start, "end", text, ts, feed_id, story_id)
		SELECT ?, ?, ?, ?, ?, ?, ?, story_id FROM items WHERE id = ?`)
	if err != nil {
		return err
	}
	defer ins.Close()
	for _, it := range batch {
		text := (&newswatch.Item{Title: it.title, Text: it.text}).MatchText()
		for _, m := range match(text) {
			if m.WatchID != 0 && m.WatchID != watchID {
				continue
			}
			if strings.TrimSpace(m.Text) == "" && m.Start >= 0 && m.End <= len(text) && m.Start <= m.End {
				m.Text = text[m.Start:m.End]
			}
			if _, err := ins.ExecContext(ctx, it.id, watchID, m.Start, m.End, m.Text, it.ts, it.feedID, it.id); err != nil {
				return err
			}
		}
	}
	return nil
}
