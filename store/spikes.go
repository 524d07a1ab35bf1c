package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/newswatch/newswatch"
)

// SpikeBuckets counts, for every watch guildID sees, the stories guildID
// sees that mention it, per hour over [since, until): items grouped into
// one story count once, items not (yet) in a story count one each, so
// with the story tables empty it counts items as MentionBuckets does.
// Counting stories keeps one wire copy carried by twenty feeds from
// looking like a surge. Only hours with a count are returned, ordered by
// watch id and hour.
func (db *DB) SpikeBuckets(ctx context.Context, guildID string, since, until time.Time) ([]newswatch.BucketCount, error) {
	const width = int64(time.Hour / time.Millisecond)
	cond, vargs := visibleFeedIn("m.feed_id", guildID)
	args := append([]any{width, width, guildID, guildID, ms(since), ms(until)}, vargs...)
	rows, err := db.r.QueryContext(ctx, `SELECT w.id, w.name, (m.ts / ?) * ? AS b,
			count(DISTINCT coalesce(m.story_id, -m.item_id))
		FROM watches w CROSS JOIN mentions m ON m.watch_id = w.id
		WHERE (? = '' OR w.guild_id IN ('', ?)) AND m.ts >= ? AND m.ts < ?`+cond+`
		GROUP BY w.id, b ORDER BY w.id, b`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: spike buckets: %w", formatError(err))
	}
	out, err := scanBuckets(rows)
	if err != nil {
		return nil, fmt.Errorf("store: spike buckets: %w", formatError(err))
	}
	return out, nil
}

// GuildsWithOwnScope returns the guilds with a feed subscription or a
// watch of their own. Any other guild sees just the global feeds and
// watches, so its SpikeBuckets are those of any other such guild.
func (db *DB) GuildsWithOwnScope(ctx context.Context) (map[string]bool, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT guild_id FROM feed_subscriptions WHERE guild_id <> ''
		UNION SELECT guild_id FROM watches WHERE guild_id <> ''`)
	if err != nil {
		return nil, fmt.Errorf("store: guilds with own scope: %w", formatError(err))
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var g string
		if err := rows.Scan(&g); err != nil {
			return nil, fmt.Errorf("store: guilds with own scope: %w", formatError(err))
		}
		out[g] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: guilds with own scope: %w", formatError(err))
	}
	return out, nil
}

// TopStories returns up to limit of the stories guildID sees with an item
// in [since, until) that mentions one of watchIDs (every watch when
// watchIDs is empty), the most sources first, then the most items, then
// the earliest. An item with no story is a story of its own. Each has its
// title, first time, source and item counts (within the range) and its
// first item as Items[0] (title and link).
func (db *DB) TopStories(ctx context.Context, guildID string, watchIDs []int64, since, until time.Time, limit int) ([]newswatch.Story, error) {
	if limit <= 0 {
		limit = 5
	}
	cond, vargs := visibleFeedIn("m.feed_id", guildID)
	args := append([]any{guildID, guildID, jsonList(watchIDs), len(watchIDs), ms(since), ms(until)}, vargs...)
	args = append(args, limit)
	rows, err := db.r.QueryContext(ctx, `WITH hit AS (
			SELECT DISTINCT m.item_id, m.feed_id, m.ts, coalesce(m.story_id, -m.item_id) AS sid
			FROM mentions m JOIN watches w ON w.id = m.watch_id
			WHERE (? = '' OR w.guild_id IN ('', ?))
				AND (w.id IN (SELECT value FROM json_each(?)) OR ? = 0)
				AND m.ts >= ? AND m.ts < ?`+cond+`)
		SELECT h.sid, count(DISTINCT h.feed_id) AS sources, count(DISTINCT h.item_id) AS n, min(h.ts) AS first,
			(SELECT i.id FROM hit h2 JOIN items i ON i.id = h2.item_id WHERE h2.sid = h.sid ORDER BY h2.ts, h2.item_id LIMIT 1)
		FROM hit h GROUP BY h.sid ORDER BY sources DESC, n DESC, first, h.sid LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: top stories: %w", formatError(err))
	}
	var out []newswatch.Story
	var firstItems []int64
	for rows.Next() {
		var s newswatch.Story
		var first, item int64
		if err := rows.Scan(&s.ID, &s.SourceCount, &s.ItemCount, &first, &item); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: top stories: %w", err)
		}
		s.FirstSeen = fromMS(first)
		if s.ID < 0 {
			s.ID = 0
		}
		out = append(out, s)
		firstItems = append(firstItems, item)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: top stories: %w", formatError(err))
	}
	for i, id := range firstItems {
		it, err := itemByID(ctx, db.r, id)
		if err != nil {
			return nil, fmt.Errorf("store: top stories: item %d: %w", id, formatError(err))
		}
		out[i].Title = it.Title
		out[i].Items = []newswatch.StoryItem{{ItemID: it.ID, FeedID: it.FeedID, FeedTitle: it.FeedTitle,
			Title: it.Title, Link: it.Link, Published: it.Time()}}
	}
	return out, nil
}

// SpikeEpisode is a spike of a watch as seen in one scope.
type SpikeEpisode struct {
	GuildID string    // the scope whose items were counted ("" for every item)
	WatchID int64     // the watch
	Hour    time.Time // the hour over the threshold
	Count   int       // its count
}

// RecordSpike records that s.Hour was over the spike threshold. When the
// watch's last hour over it in the scope is at most quiet before s.Hour,
// s continues that episode: it is recorded and RecordSpike returns false,
// storing nothing else. Otherwise s starts a new episode and, in the same
// transaction, msgs (Route and Payload set; no alerts) are stored as
// pending messages of their routes for the deliverer to post; it returns
// true. So each episode is announced once, whatever restarts happen.
func (db *DB) RecordSpike(ctx context.Context, s SpikeEpisode, quiet time.Duration, msgs []newswatch.AlertMessage, now time.Time) (bool, error) {
	hour := s.Hour.UTC().Truncate(time.Hour)
	fresh := false
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var last int64
		err := tx.QueryRowContext(ctx, `SELECT last_hour FROM spike_episodes WHERE guild_id = ? AND watch_id = ?`,
			s.GuildID, s.WatchID).Scan(&last)
		switch {
		case err == nil && ms(hour)-last <= quiet.Milliseconds():
			_, err = tx.ExecContext(ctx, `UPDATE spike_episodes SET last_hour = max(last_hour, ?), peak = max(peak, ?)
				WHERE guild_id = ? AND watch_id = ?`, ms(hour), s.Count, s.GuildID, s.WatchID)
			return err
		case err != nil && !errNoRows(err):
			return err
		}
		fresh = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO spike_episodes (guild_id, watch_id, started, last_hour, peak)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, watch_id) DO UPDATE SET
			started = excluded.started, last_hour = excluded.last_hour, peak = excluded.peak`,
			s.GuildID, s.WatchID, ms(hour), ms(hour), s.Count); err != nil {
			return err
		}
		for _, m := range msgs {
			if _, err := insertMessage(ctx, tx, m, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: record spike of watch %d: %w", s.WatchID, formatError(err))
	}
	return fresh, nil
}

// ClaimDigest records route routeID's digest of the UTC day holding day.
// The first claim of a (route, day) stores msg (Payload set; nil for a
// console digest, which is printed instead) as a pending message of the
// route, in the same transaction, and returns true; every later one
// returns false and stores nothing.
func (db *DB) ClaimDigest(ctx context.Context, routeID int64, day time.Time, msg *newswatch.AlertMessage, now time.Time) (bool, error) {
	d := day.UTC().Truncate(24 * time.Hour)
	claimed := false
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO digests (route_id, day, created_at) VALUES (?, ?, ?)
			ON CONFLICT (route_id, day) DO NOTHING`, routeID, ms(d), ms64(now))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		claimed = true
		if msg == nil {
			return nil
		}
		m := *msg
		m.Route.ID = routeID
		id, err := insertMessage(ctx, tx, m, now)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE digests SET message_row = ? WHERE route_id = ? AND day = ?`, id, routeID, ms(d))
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: claim the digest of route %d: %w", routeID, formatError(err))
	}
	return claimed, nil
}

// insertMessage stores m as a pending post that carries no alerts (a spike
// alert, a digest) and returns its row id.
func insertMessage(ctx context.Context, tx *sql.Tx, m newswatch.AlertMessage, now time.Time) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO messages (route_id, channel_id, payload, created_at) VALUES (?, ?, ?, ?)`,
		m.Route.ID, m.Route.ChannelID, string(m.Payload), ms64(now))
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE messages SET nonce = ? WHERE id = ?`, newswatch.MessageNonce(id), id)
	return id, err
}

// DigestClaimed reports whether route routeID's digest of the UTC day
// holding day was claimed already (see ClaimDigest).
func (db *DB) DigestClaimed(ctx context.Context, routeID int64, day time.Time) (bool, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM digests WHERE route_id = ? AND day = ?`,
		routeID, ms(day.UTC().Truncate(24*time.Hour))).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: digest of route %d: %w", routeID, formatError(err))
	}
	return n > 0, nil
}

// SpikeMuted reports whether watchID is muted in guildID at now (/watch
// mute, table watch_mutes): its spikes then alert none of the guild's
// routes, though the episode is still recorded.
func (db *DB) SpikeMuted(ctx context.Context, guildID string, watchID int64, now time.Time) (bool, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM watch_mutes WHERE guild_id = ? AND watch_id = ? AND until > ?`,
		guildID, watchID, ms(now)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: mute of watch %d: %w", watchID, formatError(err))
	}
	return n > 0, nil
}
