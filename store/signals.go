package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/newswatch/newswatch"
)

// MentionBuckets counts, for each watch guildID sees (and of those named in
// names, by canonical name in any case, when names is not empty), the
// items guildID sees that mention it, per bucket of the given width (an
// hour or a day; buckets start at multiples of it since the Unix epoch,
// so days are UTC days) over [since, until). An item mentioning a watch
// three times counts once. Only buckets with a count are returned,
// ordered by watch name, watch id and bucket start. Read-only.
func (db *DB) MentionBuckets(ctx context.Context, guildID string, names []string, bucket time.Duration, since, until time.Time) ([]newswatch.BucketCount, error) {
	width := bucket.Milliseconds()
	if width <= 0 {
		return nil, newswatch.Errorf(newswatch.EINVALID, "The bucket must be an hour or a day.")
	}
	cond, vargs := visibleFeedIn("m.feed_id", guildID)
	args := []any{width, width, guildID, guildID, jsonList(foldNames(names)), len(names), ms(since), ms(until)}
	args = append(args, vargs...)
	// Watches first (CROSS JOIN fixes the order): each one's mentions in
	// the time range are then a range of the (watch_id, ts, feed_id) index.
	rows, err := db.r.QueryContext(ctx, `SELECT w.id, w.name, (m.ts / ?) * ? AS b, count(DISTINCT m.item_id)
		FROM watches w CROSS JOIN mentions m ON m.watch_id = w.id
		WHERE (? = '' OR w.guild_id IN ('', ?))
			AND (w.name_key IN (SELECT value FROM json_each(?)) OR ? = 0)
			AND m.ts >= ? AND m.ts < ?`+cond+`
		GROUP BY w.id, b ORDER BY w.name, w.id, b`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: mention buckets: %w", formatError(err))
	}
	out, err := scanBuckets(rows)
	if err != nil {
		return nil, fmt.Errorf("store: mention buckets: %w", formatError(err))
	}
	return out, nil
}

// scanBuckets reads rows of (watch id, name, bucket start in ms, count)
// and closes them.
func scanBuckets(rows *sql.Rows) ([]newswatch.BucketCount, error) {
	defer rows.Close()
	var out []newswatch.BucketCount
	for rows.Next() {
		var c newswatch.BucketCount
		var start int64
		if err := rows.Scan(&c.WatchID, &c.Entity, &start, &c.Count); err != nil {
			return nil, err
		}
		c.Start = time.UnixMilli(start).UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

// foldNames returns the name keys of names, as watches.name_key has them.
func foldNames(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = nameKey(n)
	}
	return out
}
