package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/newswatch/newswatch"
)

// RecordFetch records the outcome of one fetch of feedID and returns the
// feed as updated.
//
// On success (res.Err == "") the failure count and FailingSince are cleared,
// LastSuccessAt is set, the validators are replaced (a 304 keeps the stored
// ones unless new ones are given) and the title is set when not empty. On
// failure the count grows and LastError is set; the failure that reaches
// failAfter (values below 1 count as 1) on a feed not already failing sets
// FailingSince and, in the same transaction, writes one AlertFeedFailing
// outbox row per subscribing guild to its lowest-id enabled route, and for
// the global subscription to the console route when it is enabled.
// A failure with res.Gone (the server answered 410 Gone) makes an active
// feed gone: it is no longer due until RetryFeed, FailingSince is set and
// the same warning rows are written once, whatever the failure count.
// NextPollAt, LastStatus and LastAttemptAt are always set.
func (db *DB) RecordFetch(ctx context.Context, feedID int64, res newswatch.FetchResult, failAfter int) (newswatch.Feed, error) {
	if failAfter < 1 {
		failAfter = 1
	}
	at := res.At
	if at.IsZero() {
		at = time.Now()
	}
	var f newswatch.Feed
	err := db.tx(ctx, func(tx *sql.Tx) error {
		cur, err := feedByID(ctx, tx, feedID)
		if err != nil {
			return err
		}
		if res.Err == "" {
			etag, lm := res.ETag, res.LastModified
			if res.NotModified {
				if etag == "" {
					etag = cur.ETag
				}
				if lm == "" {
					lm = cur.LastModified
				}
			}
			// A 304 parsed nothing: the warnings of the document
			// it stands for stay.
			warning := cur.LastWarning
			if !res.NotModified {
				warning = joinWarnings(res.Warnings)
			}
			_, err = tx.ExecContext(ctx, `UPDATE feeds SET consecutive_failures = 0, failing_since = 0,
				last_error = '', last_success_at = ?, etag = ?, last_modified = ?,
				title = CASE WHEN ? <> '' THEN ? ELSE title END,
				next_poll_at = ?, last_status = ?, last_attempt_at = ?, last_warning = ? WHERE id = ?`,
				ms(at), etag, lm, res.Title, res.Title, ms(res.NextPollAt), res.Status, ms(at), warning, feedID)
		} else {
			failures := cur.ConsecutiveFailures + 1
			failing := ms(cur.FailingSince)
			state := cur.State
			gone := res.Gone && !cur.Gone()
			if gone {
				state = newswatch.FeedGone
			}
			if gone || (failures >= failAfter && failing == 0) {
				failing = ms(at)
				if err := warnFailing(ctx, tx, feedID, failing, at); err != nil {
					return err
				}
			}
			_, err = tx.ExecContext(ctx, `UPDATE feeds SET consecutive_failures = ?, failing_since = ?,
				last_error = ?, next_poll_at = ?, last_status = ?, last_attempt_at = ?, state = ? WHERE id = ?`,
				failures, failing, res.Err, ms(res.NextPollAt), res.Status, ms(at), state, feedID)
		}
		if err != nil {
			return err
		}
		f, err = feedByID(ctx, tx, feedID)
		return err
	})
	if err != nil {
		return f, fmt.Errorf("store: record fetch of feed %d: %w", feedID, formatError(err))
	}
	return f, nil
}

// maxWarning bounds the stored warnings of a feed.
const maxWarning = 1000

// joinWarnings joins the parser's warnings into one health line, each once,
// within maxWarning bytes.
func joinWarnings(ws []string) string {
	var out strings.Builder
	seen := map[string]bool{}
	for _, w := range ws {
		w = strings.TrimSpace(w)
		if w == "" || seen[w] {
			continue
		}
		seen[w] = true
		if out.Len() > 0 {
			w = "; " + w
		}
		if out.Len()+len(w) > maxWarning {
			out.WriteString("; …")
			break
		}
		out.WriteString(w)
	}
	return out.String()
}

// warnFailing writes the feed-failing outbox rows of one failing episode
// (identified by failingSince) of feedID.
func warnFailing(ctx context.Context, tx *sql.Tx, feedID, failingSince int64, now time.Time) error {
	subs, err := subscribers(ctx, tx, feedID)
	if err != nil {
		return err
	}
	for _, g := range subs {
		var routeID int64
		var err error
		if g == newswatch.GlobalScope {
			err = tx.QueryRowContext(ctx, `SELECT id FROM routes WHERE guild_id = '' AND channel_id = ? AND disabled = 0`,
				newswatch.ConsoleChannel).Scan(&routeID)
		} else {
			err = tx.QueryRowContext(ctx, `SELECT id FROM routes WHERE guild_id = ? AND disabled = 0 ORDER BY id LIMIT 1`,
				g).Scan(&routeID)
		}
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO outbox (id, kind, feed_id, route_id, failing_since, nonce, created_at)
			VALUES ((SELECT `+maxOutboxID+` + 1), 'feed_failing', ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			feedID, routeID, failingSince, nonce("f", feedID, routeID, failingSince), ms(now))
		if err != nil {
			return err
		}
	}
	return nil
}
