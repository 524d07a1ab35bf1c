package store

import (
	"context"
	"fmt"

	"github.com/newswatch/newswatch"
)

// Stats summarises what guildID sees: its visible feeds, their items and
// the mentions in them of its visible watches, and its own routes and
// alerts; "" summarises everything.
func (db *DB) Stats(ctx context.Context, guildID string) (newswatch.Stats, error) {
	var st newswatch.Stats
	if err := db.stats(ctx, guildID, &st); err != nil {
		return newswatch.Stats{}, fmt.Errorf("store: stats: %w", formatError(err))
	}
	return st, nil
}

func (db *DB) stats(ctx context.Context, g string, st *newswatch.Stats) error {
	fcond, fargs := visibleFeed("f.id", g)
	var oldest, newest int64
	err := db.r.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(f.failing_since <> 0), 0),
		coalesce(sum(f.item_count), 0),
		coalesce(min((SELECT min(ts) FROM items WHERE feed_id = f.id)), 0),
		coalesce(max((SELECT max(ts) FROM items WHERE feed_id = f.id)), 0)
		FROM feeds f WHERE `+fcond, fargs...).Scan(&st.Feeds, &st.FailingFeeds, &st.Items, &oldest, &newest)
	if err != nil {
		return err
	}
	st.OldestItem, st.NewestItem = fromMS(oldest), fromMS(newest)
	err = db.r.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM watches WHERE ?1 = '' OR guild_id IN ('', ?1)),
		(SELECT count(*) FROM routes WHERE ?1 = '' OR guild_id = ?1),
		(SELECT count(*) FROM outbox o JOIN routes r ON r.id = o.route_id
			WHERE o.sent_at IS NULL AND (?1 = '' OR r.guild_id = ?1) AND `+deliverableCond+`),
		(SELECT count(*) FROM outbox o JOIN routes r ON r.id = o.route_id
			WHERE o.sent_at IS NOT NULL AND (?1 = '' OR r.guild_id = ?1))`, g).
		Scan(&st.Watches, &st.Routes, &st.PendingAlerts, &st.SentAlerts)
	if err != nil {
		return err
	}
	icond, iargs := visibleFeedIn("m.feed_id", g)
	rows, err := db.r.QueryContext(ctx, `SELECT w.name, w.kind, count(*) AS n
		FROM watches w CROSS JOIN mentions m ON m.watch_id = w.id
		WHERE (? = '' OR w.guild_id IN ('', ?))`+icond+`
		GROUP BY w.id ORDER BY n DESC, w.name`, append([]any{g, g}, iargs...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var e newswatch.EntityCount
		var kind string
		if err := rows.Scan(&e.Entity, &kind, &e.Count); err != nil {
			return err
		}
		e.Kind = newswatch.Kind(kind)
		st.Mentions += e.Count
		if len(st.TopEntities) < 10 {
			st.TopEntities = append(st.TopEntities, e)
		}
	}
	return rows.Err()
}

// StoryStats counts the stories guildID sees (its visible feeds' items,
// an item without a story being a story of its own) and those carried by
// two or more of its feeds; "" counts everything. It reads the story index
// once. (Ranking entities by distinct stories, a join per mention, took
// seconds on a million items and is left out; MentionStoryCounts counts
// them for a time range.)
func (db *DB) StoryStats(ctx context.Context, guildID string) (newswatch.StoryStats, error) {
	var st newswatch.StoryStats
	if err := db.storyStats(ctx, guildID, &st); err != nil {
		return newswatch.StoryStats{}, fmt.Errorf("store: story stats: %w", formatError(err))
	}
	return st, nil
}

func (db *DB) storyStats(ctx context.Context, g string, st *newswatch.StoryStats) error {
	fcond, fargs := visibleFeed("f.id", g)
	var items int
	if err := db.r.QueryRowContext(ctx, `SELECT coalesce(sum(f.item_count), 0) FROM feeds f WHERE `+fcond, fargs...).
		Scan(&items); err != nil {
		return err
	}
	// One pass over the (story_id, ts, feed_id) index, grouped by story
	// (named: for a guild SQLite would rather read the guild's feeds' items
	// through items_feed_ts, rows and all, and sort them). A
	// story has two or more sources when its smallest and largest feed ids
	// differ: cheaper than count(DISTINCT feed_id), which builds a table
	// for each story.
	scond, sargs := visibleFeedIn("feed_id", g)
	var assigned int
	err := db.r.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(lo <> hi), 0), coalesce(sum(c), 0) FROM (
		SELECT min(feed_id) AS lo, max(feed_id) AS hi, count(*) AS c FROM items INDEXED BY items_story
		WHERE story_id IS NOT NULL`+scond+` GROUP BY story_id)`, sargs...).Scan(&st.Stories, &st.MultiSource, &assigned)
	if err != nil {
		return err
	}
	st.Stories += max(items-assigned, 0)
	return nil
}
