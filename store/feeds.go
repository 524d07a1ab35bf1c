package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/newswatch/newswatch"
)

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// feedCols are the columns scanFeed reads, from feeds aliased f.
const feedCols = `f.id, f.url, f.title, f.interval_ms, f.etag, f.last_modified, f.next_poll_at,
	f.last_status, f.last_error, f.consecutive_failures, f.last_attempt_at, f.last_success_at,
	f.failing_since, f.item_count, f.created_at, f.state, f.last_warning,
	EXISTS (SELECT 1 FROM feed_subscriptions s WHERE s.feed_id = f.id AND s.guild_id = '')`

// visibleFeed is an SQL condition: feed id ?1-bound column is visible to the
// guild bound twice after it ("" sees everything).
const visibleFeedCond = `(? = '' OR EXISTS (SELECT 1 FROM feed_subscriptions vs
	WHERE vs.feed_id = %s AND vs.guild_id IN ('', ?)))`

// visibleFeed returns the visibility condition for the feed id column col
// and its two arguments.
func visibleFeed(col, guildID string) (string, []any) {
	return fmt.Sprintf(visibleFeedCond, col), []any{guildID, guildID}
}

type scanner interface{ Scan(dest ...any) error }

func scanFeed(row scanner) (newswatch.Feed, error) {
	var f newswatch.Feed
	var interval, next, attempt, success, failing, created int64
	err := row.Scan(&f.ID, &f.URL, &f.Title, &interval, &f.ETag, &f.LastModified, &next,
		&f.LastStatus, &f.LastError, &f.ConsecutiveFailures, &attempt, &success,
		&failing, &f.ItemCount, &created, &f.State, &f.LastWarning, &f.Global)
	if err != nil {
		return f, err
	}
	f.Interval = time.Duration(interval) * time.Millisecond
	f.NextPollAt, f.LastAttemptAt, f.LastSuccessAt = fromMS(next), fromMS(attempt), fromMS(success)
	f.FailingSince, f.CreatedAt = fromMS(failing), fromMS(created)
	return f, nil
}

func queryFeeds(ctx context.Context, q querier, query string, args ...any) ([]newswatch.Feed, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []newswatch.Feed
	for rows.Next() {
		f, err := scanFeed(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

func feedByID(ctx context.Context, q querier, id int64) (newswatch.Feed, error) {
	f, err := scanFeed(q.QueryRowContext(ctx, `SELECT `+feedCols+` FROM feeds f WHERE f.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return f, newswatch.Errorf(newswatch.ENOTFOUND, "There is no feed %d.", id)
	}
	return f, err
}

// checkSource rejects a subscription source other than config, cli or discord.
func checkSource(source string) error {
	switch source {
	case "config", "cli", "discord":
		return nil
	}
	return newswatch.Errorf(newswatch.EINVALID, "Unknown source %q (use config, cli or discord).", source)
}

// feedURL validates a feed URL, letting the seeds URL through.
func feedURL(raw string) (string, error) {
	if raw == newswatch.SeedsFeedURL {
		return raw, nil
	}
	return newswatch.ValidateFeedURL(raw)
}

// upsertFeed creates the feed of url if needed and returns its id and
// whether it was created.
func upsertFeed(ctx context.Context, tx *sql.Tx, url string, interval time.Duration, now time.Time) (int64, bool, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO feeds (url, interval_ms, created_at) VALUES (?, ?, ?)
		ON CONFLICT (url) DO NOTHING`, url, interval.Milliseconds(), ms(now))
	if err != nil {
		return 0, false, err
	}
	n, _ := res.RowsAffected()
	var id int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM feeds WHERE url = ?`, url).Scan(&id)
	return id, n > 0, err
}

// subscribe adds guildID's subscription to feedID, keeping an existing one.
func subscribe(ctx context.Context, tx *sql.Tx, feedID int64, guildID, source string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO feed_subscriptions (feed_id, guild_id, source, created_at)
		VALUES (?, ?, ?, ?) ON CONFLICT (feed_id, guild_id) DO NOTHING`, feedID, guildID, source, ms(now))
	return err
}

// subscribeURL creates the feed of the normalised url u if needed,
// subscribes guildID to it with source and returns the feed.
func subscribeURL(ctx context.Context, tx *sql.Tx, u, guildID, source string, interval time.Duration) (newswatch.Feed, error) {
	now := time.Now()
	id, _, err := upsertFeed(ctx, tx, u, interval, now)
	if err != nil {
		return newswatch.Feed{}, err
	}
	if err := subscribe(ctx, tx, id, guildID, source, now); err != nil {
		return newswatch.Feed{}, err
	}
	return feedByID(ctx, tx, id)
}

// EnsureFeed creates the feed of url if needed and subscribes guildID to it
// with source. It is idempotent.
func (db *DB) EnsureFeed(ctx context.Context, url, guildID, source string, interval time.Duration) (newswatch.Feed, error) {
	u, err := feedURL(url)
	if err != nil {
		return newswatch.Feed{}, err
	}
	if err := checkSource(source); err != nil {
		return newswatch.Feed{}, err
	}
	var f newswatch.Feed
	err = db.tx(ctx, func(tx *sql.Tx) error {
		f, err = subscribeURL(ctx, tx, u, guildID, source, interval)
		return err
	})
	if err != nil {
		return f, fmt.Errorf("store: ensure feed %s: %w", u, formatError(err))
	}
	return f, nil
}

// SyncConfigFeeds makes the global subscriptions with source "config" exactly
// the given feeds, creating feeds as needed and setting their Interval and,
// when not empty, Title. Feeds left without any subscription are deleted with
// their items. The seeds feed is never touched.
func (db *DB) SyncConfigFeeds(ctx context.Context, feeds []newswatch.Feed) error {
	want := make(map[string]newswatch.Feed, len(feeds))
	for _, f := range feeds {
		u, err := newswatch.ValidateFeedURL(f.URL)
		if err != nil {
			return err
		}
		want[u] = f
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		now := time.Now()
		for u, f := range want {
			id, _, err := upsertFeed(ctx, tx, u, f.Interval, now)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE feeds SET interval_ms = ?,
				title = CASE WHEN ? <> '' THEN ? ELSE title END WHERE id = ?`,
				f.Interval.Milliseconds(), f.Title, f.Title, id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO feed_subscriptions (feed_id, guild_id, source, created_at)
				VALUES (?, '', 'config', ?) ON CONFLICT (feed_id, guild_id) DO UPDATE SET source = 'config'`,
				id, ms(now)); err != nil {
				return err
			}
		}
		rows, err := tx.QueryContext(ctx, `SELECT f.id, f.url FROM feed_subscriptions s JOIN feeds f ON f.id = s.feed_id
			WHERE s.guild_id = '' AND s.source = 'config' AND f.url <> ?`, newswatch.SeedsFeedURL)
		if err != nil {
			return err
		}
		var drop []int64
		for rows.Next() {
			var id int64
			var u string
			if err := rows.Scan(&id, &u); err != nil {
				rows.Close()
				return err
			}
			if _, ok := want[u]; !ok {
				drop = append(drop, id)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range drop {
			if _, err := tx.ExecContext(ctx, `DELETE FROM feed_subscriptions WHERE feed_id = ? AND guild_id = ''`, id); err != nil {
				return err
			}
			if err := dropOrphanFeed(ctx, tx, id); err != nil {
				return err
			}
		}
		if len(drop) == 0 {
			return nil
		}
		return dropUndeliverable(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("store: sync config feeds: %w", formatError(err))
	}
	return nil
}

// dropOrphanFeed deletes feed id, with its items, mentions, outbox rows and
// tombstones, when no subscription remains and it is not the seeds feed.
func dropOrphanFeed(ctx context.Context, tx *sql.Tx, id int64) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM feeds WHERE id = ? AND url <> ?
		AND NOT EXISTS (SELECT 1 FROM feed_subscriptions WHERE feed_id = ?)`, id, newswatch.SeedsFeedURL, id)
	return err
}

// AddFeed subscribes guildID to the feed of url, creating the feed if needed:
// source "discord" for a guild, "cli" for the global scope. It fails with
// ECONFLICT if the guild already sees the feed through its own or a global
// subscription, and EINVALID when the guild has maxPerGuild feeds (0: no cap).
func (db *DB) AddFeed(ctx context.Context, guildID, url string, interval time.Duration, maxPerGuild int) (newswatch.Feed, error) {
	u, err := newswatch.ValidateFeedURL(url)
	if err != nil {
		return newswatch.Feed{}, err
	}
	source := "discord"
	if guildID == newswatch.GlobalScope {
		source = "cli"
	}
	var f newswatch.Feed
	err = db.tx(ctx, func(tx *sql.Tx) error {
		var own, global bool
		err := tx.QueryRowContext(ctx, `SELECT
			EXISTS (SELECT 1 FROM feed_subscriptions s JOIN feeds f ON f.id = s.feed_id WHERE f.url = ? AND s.guild_id = ?),
			EXISTS (SELECT 1 FROM feed_subscriptions s JOIN feeds f ON f.id = s.feed_id WHERE f.url = ? AND s.guild_id = '')`,
			u, guildID, u).Scan(&own, &global)
		if err != nil {
			return err
		}
		if own {
			return newswatch.Errorf(newswatch.ECONFLICT, "The feed %s is already followed here.", u)
		}
		if global {
			return newswatch.Errorf(newswatch.ECONFLICT, "The feed %s is already followed by every server.", u)
		}
		if maxPerGuild > 0 {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM feed_subscriptions WHERE guild_id = ?`, guildID).Scan(&n); err != nil {
				return err
			}
			if n >= maxPerGuild {
				return newswatch.Errorf(newswatch.EINVALID, "This server already follows %d feeds, the most it may; remove one first.", n)
			}
		}
		f, err = subscribeURL(ctx, tx, u, guildID, source, interval)
		return err
	})
	if err != nil {
		return f, fmt.Errorf("store: add feed %s: %w", u, formatError(err))
	}
	return f, nil
}

// importBatch is how many feeds ImportFeeds adds per transaction: short
// enough not to starve other writers, long enough to add 100,000 feeds in
// seconds.
const importBatch = 1000

// ImportFeeds subscribes guildID to the feed of each url, as AddFeed does
// without a per-guild cap, in transactions of importBatch feeds. It returns
// how many subscriptions it added and how many the guild already had
// (its own or a global one). progress, if not nil, is called after each
// transaction with the number of URLs done. A URL that is not valid fails
// the import with EINVALID before anything is written.
func (db *DB) ImportFeeds(ctx context.Context, guildID string, urls []string, progress func(done int)) (added, present int, err error) {
	norm := make([]string, len(urls))
	for i, u := range urls {
		if norm[i], err = newswatch.ValidateFeedURL(u); err != nil {
			return 0, 0, err
		}
	}
	source := "discord"
	if guildID == newswatch.GlobalScope {
		source = "cli"
	}
	for start := 0; start < len(norm); start += importBatch {
		batch := norm[start:min(start+importBatch, len(norm))]
		var a, p int
		err := db.tx(ctx, func(tx *sql.Tx) error {
			a, p, err = importBatchTx(ctx, tx, guildID, source, batch)
			return err
		})
		if err != nil {
			return added, present, fmt.Errorf("store: import feeds: %w", formatError(err))
		}
		added, present = added+a, present+p
		if progress != nil {
			progress(start + len(batch))
		}
	}
	return added, present, nil
}

// importBatchTx adds the subscriptions of one batch of normalised URLs,
// passing the batch as one JSON array so that each step is one statement.
func importBatchTx(ctx context.Context, tx *sql.Tx, guildID, source string, batch []string) (added, present int, err error) {
	seen := make(map[string]bool, len(batch))
	var fresh []string
	for _, u := range batch {
		if !seen[u] {
			seen[u] = true
			fresh = append(fresh, u)
		}
	}
	list, err := json.Marshal(fresh)
	if err != nil {
		return 0, 0, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(DISTINCT f.id) FROM feeds f JOIN feed_subscriptions s ON s.feed_id = f.id
		WHERE f.url IN (SELECT value FROM json_each(?)) AND s.guild_id IN (?, '')`, string(list), guildID).Scan(&present); err != nil {
		return 0, 0, err
	}
	now := ms(time.Now())
	if _, err := tx.ExecContext(ctx, `INSERT INTO feeds (url, interval_ms, created_at)
		SELECT value, 0, ? FROM json_each(?) WHERE true ON CONFLICT (url) DO NOTHING`, now, string(list)); err != nil {
		return 0, 0, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO feed_subscriptions (feed_id, guild_id, source, created_at)
		SELECT f.id, ?, ?, ? FROM feeds f WHERE f.url IN (SELECT value FROM json_each(?))
		AND NOT EXISTS (SELECT 1 FROM feed_subscriptions s WHERE s.feed_id = f.id AND s.guild_id = '')
		ON CONFLICT (feed_id, guild_id) DO NOTHING`, guildID, source, now, string(list))
	if err != nil {
		return 0, 0, err
	}
	n, err := res.RowsAffected()
	return int(n), present + len(batch) - len(fresh), err
}

// RemoveFeed removes guildID's subscription to feedID. A guild removing a
// global feed gets EFORBIDDEN, any other feed it does not subscribe to
// ENOTFOUND. A feed left without subscriptions is deleted with its items,
// except the seeds feed.
func (db *DB) RemoveFeed(ctx context.Context, guildID string, feedID int64) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		subs, err := subscribers(ctx, tx, feedID)
		if err != nil {
			return err
		}
		has := func(g string) bool {
			i := sort.SearchStrings(subs, g)
			return i < len(subs) && subs[i] == g
		}
		switch {
		case has(guildID):
		case guildID != newswatch.GlobalScope && has(newswatch.GlobalScope):
			return newswatch.Errorf(newswatch.EFORBIDDEN, "Feed %d is followed by every server and cannot be removed from Discord.", feedID)
		default:
			return newswatch.Errorf(newswatch.ENOTFOUND, "This server does not follow feed %d.", feedID)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM feed_subscriptions WHERE feed_id = ? AND guild_id = ?`, feedID, guildID); err != nil {
			return err
		}
		if err := dropOrphanFeed(ctx, tx, feedID); err != nil {
			return err
		}
		return dropUndeliverable(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("store: remove feed %d: %w", feedID, formatError(err))
	}
	return nil
}

// Feed returns the feed with id, or ENOTFOUND.
func (db *DB) Feed(ctx context.Context, id int64) (newswatch.Feed, error) {
	f, err := feedByID(ctx, db.r, id)
	if err != nil {
		return f, fmt.Errorf("store: feed %d: %w", id, formatError(err))
	}
	return f, nil
}

// FeedByURL returns the feed of url (as typed or normalised), or ENOTFOUND.
func (db *DB) FeedByURL(ctx context.Context, url string) (newswatch.Feed, error) {
	try := []string{url}
	if u, err := newswatch.ValidateFeedURL(url); err == nil && u != url {
		try = append(try, u)
	}
	for _, u := range try {
		f, err := scanFeed(db.r.QueryRowContext(ctx, `SELECT `+feedCols+` FROM feeds f WHERE f.url = ?`, u))
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return f, fmt.Errorf("store: feed %s: %w", url, formatError(err))
		}
	}
	return newswatch.Feed{}, newswatch.Errorf(newswatch.ENOTFOUND, "There is no feed %s.", url)
}

// ListFeeds returns the feeds visible to guildID, with their health, by id.
func (db *DB) ListFeeds(ctx context.Context, guildID string) ([]newswatch.Feed, error) {
	cond, args := visibleFeed("f.id", guildID)
	fs, err := queryFeeds(ctx, db.r, `SELECT `+feedCols+` FROM feeds f WHERE `+cond+` ORDER BY f.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list feeds: %w", formatError(err))
	}
	return fs, nil
}

func subscribers(ctx context.Context, q querier, feedID int64) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT guild_id FROM feed_subscriptions WHERE feed_id = ? ORDER BY guild_id`, feedID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var g string
		if err := rows.Scan(&g); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// FeedSubscribers returns the ids of the guilds subscribing to feedID, ""
// for the global subscription, sorted.
func (db *DB) FeedSubscribers(ctx context.Context, feedID int64) ([]string, error) {
	subs, err := subscribers(ctx, db.r, feedID)
	if err != nil {
		return nil, fmt.Errorf("store: subscribers of feed %d: %w", feedID, formatError(err))
	}
	return subs, nil
}

// DueFeeds returns the feeds whose next poll is due at now, the longest
// overdue first, never the seeds feed nor a gone one; limit <= 0 returns all
// of them.
func (db *DB) DueFeeds(ctx context.Context, now time.Time, limit int) ([]newswatch.Feed, error) {
	if limit <= 0 {
		limit = -1
	}
	fs, err := queryFeeds(ctx, db.r, `SELECT `+feedCols+` FROM feeds f
		WHERE f.next_poll_at <= ? AND f.url <> ? AND f.state <> ? ORDER BY f.next_poll_at, f.id LIMIT ?`,
		ms(now), newswatch.SeedsFeedURL, newswatch.FeedGone, limit)
	if err != nil {
		return nil, fmt.Errorf("store: due feeds: %w", formatError(err))
	}
	return fs, nil
}

// AllPollableFeeds returns every feed but the seeds feed and the gone
// ones, by id.
func (db *DB) AllPollableFeeds(ctx context.Context) ([]newswatch.Feed, error) {
	fs, err := queryFeeds(ctx, db.r, `SELECT `+feedCols+` FROM feeds f WHERE f.url <> ? AND f.state <> ? ORDER BY f.id`,
		newswatch.SeedsFeedURL, newswatch.FeedGone)
	if err != nil {
		return nil, fmt.Errorf("store: pollable feeds: %w", formatError(err))
	}
	return fs, nil
}

// RetryFeed makes feedID due at now, resets its failure count and revives
// it when it is gone. guildID must see the feed (ENOTFOUND).
func (db *DB) RetryFeed(ctx context.Context, guildID string, feedID int64, now time.Time) error {
	cond, args := visibleFeed("feeds.id", guildID)
	res, err := db.w.ExecContext(ctx, `UPDATE feeds SET next_poll_at = ?, consecutive_failures = 0, state = ?
		WHERE id = ? AND `+cond, append([]any{ms(now), newswatch.FeedActive, feedID}, args...)...)
	if err != nil {
		return fmt.Errorf("store: retry feed %d: %w", feedID, formatError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return newswatch.Errorf(newswatch.ENOTFOUND, "There is no feed %d here.", feedID)
	}
	return nil
}
