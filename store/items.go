package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/newswatch/newswatch"
)

// itemCols are the columns scanItem reads, from items i joined to feeds f.
const itemCols = `i.id, i.feed_id, i.key, i.guid, i.title, i.link, i.author, i.text, i.categories,
	i.image_url, i.published, i.updated, i.fetched_at, f.title`

func scanItem(row scanner, extra ...any) (newswatch.Item, error) {
	var it newswatch.Item
	var cats string
	var pub, upd, fetched int64
	dest := append([]any{&it.ID, &it.FeedID, &it.Key, &it.GUID, &it.Title, &it.Link, &it.Author, &it.Text,
		&cats, &it.ImageURL, &pub, &upd, &fetched, &it.FeedTitle}, extra...)
	if err := row.Scan(dest...); err != nil {
		return it, err
	}
	if cats != "" && cats != "[]" {
		if err := json.Unmarshal([]byte(cats), &it.Categories); err != nil {
			return it, fmt.Errorf("categories of item %d: %w", it.ID, err)
		}
	}
	it.Published, it.Updated, it.FetchedAt = fromMS(pub), fromMS(upd), fromMS(fetched)
	return it, nil
}

func itemByID(ctx context.Context, q querier, id int64) (newswatch.Item, error) {
	it, err := scanItem(q.QueryRowContext(ctx, `SELECT `+itemCols+` FROM items i JOIN feeds f ON f.id = i.feed_id WHERE i.id = ?`, id))
	if errNoRows(err) {
		return it, newswatch.Errorf(newswatch.ENOTFOUND, "There is no item %d.", id)
	}
	return it, err
}

// Item returns the item with id, or ENOTFOUND.
func (db *DB) Item(ctx context.Context, id int64) (newswatch.Item, error) {
	it, err := itemByID(ctx, db.r, id)
	if err != nil {
		return it, fmt.Errorf("store: item %d: %w", id, formatError(err))
	}
	return it, nil
}

// mentionRow is a stored mention with the guild of its watch.
type mentionRow struct {
	newswatch.Mention
	guild string
}

func itemMentions(ctx context.Context, q querier, itemID int64) ([]mentionRow, error) {
	rows, err := q.QueryContext(ctx, `SELECT m.watch_id, w.name, w.kind, m.start, m."end", m.text, w.guild_id
		FROM mentions m JOIN watches w ON w.id = m.watch_id WHERE m.item_id = ? ORDER BY m.start, m.id`, itemID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []mentionRow
	for rows.Next() {
		var m mentionRow
		var kind string
		if err := rows.Scan(&m.WatchID, &m.Entity, &kind, &m.Start, &m.End, &m.Text, &m.guild); err != nil {
			return nil, err
		}
		m.Kind = newswatch.Kind(kind)
		out = append(out, m)
	}
	return out, rows.Err()
}

// jsonList encodes ss as a JSON array (never null), for json_each and for
// the JSON columns.
func jsonList[T any](ss []T) string {
	if len(ss) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(ss) // strings and ints always encode
	return string(b)
}

// KnownKeys returns, for those of keys stored for feedID, the stored content
// hash (Item.ContentHash), and a tombstone for the keys of pruned items.
// Unknown keys are absent.
func (db *DB) KnownKeys(ctx context.Context, feedID int64, keys []string) (map[string]newswatch.Known, error) {
	out := make(map[string]newswatch.Known, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	rows, err := db.r.QueryContext(ctx, `
		SELECT key, content_hash, 0 FROM items WHERE feed_id = ?1 AND key IN (SELECT value FROM json_each(?2))
		UNION ALL
		SELECT key, '', 1 FROM tombstones WHERE feed_id = ?1 AND key IN (SELECT value FROM json_each(?2))`,
		feedID, jsonList(keys))
	if err != nil {
		return nil, fmt.Errorf("store: known keys of feed %d: %w", feedID, formatError(err))
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var kn newswatch.Known
		if err := rows.Scan(&k, &kn.Hash, &kn.Tombstone); err != nil {
			return nil, fmt.Errorf("store: known keys of feed %d: %w", feedID, err)
		}
		if _, ok := out[k]; !ok || kn.Tombstone {
			out[k] = kn
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: known keys of feed %d: %w", feedID, err)
	}
	return out, nil
}

// Prune deletes the items whose Time() is before before, with their
// mentions, index entries and alerts, and leaves a tombstone for each key so
// that the item is not stored again. It works in batches of 1000 items per
// transaction and returns how many it deleted.
func (db *DB) Prune(ctx context.Context, before time.Time) (int, error) {
	const batch = 1000
	total := 0
	for {
		var n int
		err := db.tx(ctx, func(tx *sql.Tx) error {
			ids, perFeed, err := pruneBatch(ctx, tx, before, batch)
			if err != nil || len(ids) == 0 {
				return err
			}
			list := jsonList(ids)
			if _, err := tx.ExecContext(ctx, `INSERT INTO tombstones (feed_id, key, pruned_at)
				SELECT feed_id, key, ? FROM items WHERE id IN (SELECT value FROM json_each(?))
				ON CONFLICT (feed_id, key) DO UPDATE SET pruned_at = excluded.pruned_at`,
				ms(time.Now()), list); err != nil {
				return err
			}
			for feedID, c := range perFeed {
				if _, err := tx.ExecContext(ctx, `UPDATE feeds SET item_count = max(0, item_count - ?) WHERE id = ?`, c, feedID); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM items WHERE id IN (SELECT value FROM json_each(?))`, list); err != nil {
				return err
			}
			n = len(ids)
			return nil
		})
		if err != nil {
			return total, fmt.Errorf("store: prune: %w", formatError(err))
		}
		total += n
		if n < batch {
			return total, nil
		}
		if err := ctx.Err(); err != nil {
			return total, fmt.Errorf("store: prune: %w", err)
		}
	}
}

// pruneBatch selects up to limit items older than before, oldest first, and
// counts them per feed.
func pruneBatch(ctx context.Context, tx *sql.Tx, before time.Time, limit int) ([]int64, map[int64]int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, feed_id FROM items WHERE ts < ? ORDER BY ts, id LIMIT ?`, ms(before), limit)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var ids []int64
	perFeed := make(map[int64]int)
	for rows.Next() {
		var id, feedID int64
		if err := rows.Scan(&id, &feedID); err != nil {
			return nil, nil, err
		}
		ids = append(ids, id)
		perFeed[feedID]++
	}
	return ids, perFeed, rows.Err()
}
