package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/newswatch/newswatch"
)

// CreateAlertMessages stores ms (Route, Payload and AlertIDs set) as pending
// AlertMessages in one transaction, each taking over its alerts, and returns
// them with ID, State and CreatedAt filled in. It fails with
// ECONFLICT, storing nothing, if an alert is already sent or carried by
// another message: a message's alerts never change once it exists.
func (db *DB) CreateAlertMessages(ctx context.Context, ms []newswatch.AlertMessage, now time.Time) ([]newswatch.AlertMessage, error) {
	out := make([]newswatch.AlertMessage, len(ms))
	err := db.tx(ctx, func(tx *sql.Tx) error {
		ins, err := tx.PrepareContext(ctx, `INSERT INTO messages (route_id, channel_id, payload, created_at) VALUES (?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		setNonce, err := tx.PrepareContext(ctx, `UPDATE messages SET nonce = ? WHERE id = ?`)
		if err != nil {
			return err
		}
		defer setNonce.Close()
		own, err := tx.PrepareContext(ctx, `UPDATE outbox SET message_row = ?1 WHERE id IN (SELECT value FROM json_each(?2))
			AND message_row IS NULL AND sent_at IS NULL AND route_id = ?3`)
		if err != nil {
			return err
		}
		defer own.Close()
		for i, m := range ms {
			if len(m.AlertIDs) == 0 {
				return newswatch.Errorf(newswatch.EINVALID, "A message needs at least one alert.")
			}
			res, err := ins.ExecContext(ctx, m.Route.ID, m.Route.ChannelID, string(m.Payload), ms64(now))
			if err != nil {
				return err
			}
			id, err := res.LastInsertId()
			if err != nil {
				return err
			}
			if _, err := setNonce.ExecContext(ctx, newswatch.MessageNonce(id), id); err != nil {
				return err
			}
			res, err = own.ExecContext(ctx, id, jsonList(m.AlertIDs), m.Route.ID)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if int(n) != len(m.AlertIDs) {
				return newswatch.Errorf(newswatch.ECONFLICT, "An alert of this message is already sent or in another message.")
			}
			m.ID, m.State, m.CreatedAt = id, newswatch.MessagePending, fromMS(ms64(now))
			m.AlertIDs = append([]int64(nil), m.AlertIDs...)
			out[i] = m
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: create alert messages: %w", formatError(err))
	}
	return out, nil
}

// ms64 is ms of a time, with the zero time taken as now.
func ms64(t time.Time) int64 {
	if t.IsZero() {
		t = time.Now()
	}
	return ms(t)
}

// PendingAlertMessages returns up to limit (<= 0: 100) pending messages of
// enabled routes, by id (the order they are to be posted in per channel),
// with their alert ids.
func (db *DB) PendingAlertMessages(ctx context.Context, limit int) ([]newswatch.AlertMessage, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := db.r.QueryContext(ctx, `SELECT m.id, m.payload, m.attempts, m.created_at, coalesce(m.edit_of, ''), `+routeCols+`
		FROM messages m JOIN routes r ON r.id = m.route_id
		WHERE m.state = 'pending' AND r.disabled = 0 ORDER BY m.id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: pending alert messages: %w", formatError(err))
	}
	var out []newswatch.AlertMessage
	idx := map[int64]int{}
	for rows.Next() {
		var m newswatch.AlertMessage
		var payload string
		var created int64
		var rt routeRow
		if err := rows.Scan(append([]any{&m.ID, &payload, &m.Attempts, &created, &m.EditOf}, rt.dest()...)...); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: pending alert messages: %w", err)
		}
		m.Payload, m.State, m.CreatedAt, m.Route = []byte(payload), newswatch.MessagePending, fromMS(created), rt.route()
		idx[m.ID] = len(out)
		out = append(out, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: pending alert messages: %w", err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(out))
	for i, m := range out {
		ids[i] = m.ID
	}
	rows, err = db.r.QueryContext(ctx, `SELECT message_row, id FROM outbox
		WHERE message_row IN (SELECT value FROM json_each(?)) ORDER BY id`, jsonList(ids))
	if err != nil {
		return nil, fmt.Errorf("store: pending alert messages: %w", formatError(err))
	}
	defer rows.Close()
	for rows.Next() {
		var mid, aid int64
		if err := rows.Scan(&mid, &aid); err != nil {
			return nil, fmt.Errorf("store: pending alert messages: %w", err)
		}
		m := &out[idx[mid]]
		m.AlertIDs = append(m.AlertIDs, aid)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: pending alert messages: %w", err)
	}
	return out, nil
}

// MarkAlertMessageSent records message id as posted as Discord message
// discordID at at, together with all its alerts, in one transaction. Marking
// a message already sent changes nothing.
func (db *DB) MarkAlertMessageSent(ctx context.Context, id int64, discordID string, at time.Time) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		// The body is no longer needed once sent; dropping it keeps the
		// table small.
		res, err := tx.ExecContext(ctx, `UPDATE messages SET state = 'sent', discord_message_id = ?, sent_at = ?, payload = ''
			WHERE id = ? AND state = 'pending'`, discordID, ms64(at), id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				err = db.messageExists(ctx, tx, id)
			}
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE outbox SET sent_at = ?, message_id = ? WHERE message_row = ? AND sent_at IS NULL`,
			ms64(at), discordID, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: mark alert message %d sent: %w", id, formatError(err))
	}
	return nil
}

// MessageAlertCount is the number of alerts message id carries.
func (db *DB) MessageAlertCount(ctx context.Context, id int64) (int, error) {
	var n int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE message_row = ?`, id).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count the alerts of message %d: %w", id, formatError(err))
	}
	return n, nil
}

// messageExists returns ENOTFOUND when there is no message id.
func (db *DB) messageExists(ctx context.Context, tx *sql.Tx, id int64) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM messages WHERE id = ?`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return newswatch.Errorf(newswatch.ENOTFOUND, "There is no alert message %d.", id)
	}
	return nil
}

// AlertMessageFailed counts a failed attempt to post message id, and of each
// of its alerts, recording reason in plain words.
func (db *DB) AlertMessageFailed(ctx context.Context, id int64, reason string) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE messages SET attempts = attempts + 1, last_error = ? WHERE id = ?`, reason, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				err = db.messageExists(ctx, tx, id)
			}
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE message_row = ?`, reason, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: alert message %d failed: %w", id, formatError(err))
	}
	return nil
}

// LastChannelMessage returns the newest Discord message id the store knows
// was posted to channelID (by an AlertMessage or, from before they existed,
// by a single alert); "" when none is known. A channel's messages are
// posted in row order, so the last sent row holds the newest id.
func (db *DB) LastChannelMessage(ctx context.Context, channelID string) (string, error) {
	var id string
	err := db.r.QueryRowContext(ctx, `SELECT discord_message_id FROM messages
		WHERE channel_id = ? AND state = 'sent' AND discord_message_id <> '' ORDER BY id DESC LIMIT 1`, channelID).Scan(&id)
	if errNoRows(err) {
		err = db.r.QueryRowContext(ctx, `SELECT o.message_id FROM outbox o
			WHERE o.route_id IN (SELECT id FROM routes WHERE channel_id = ?)
			AND o.sent_at IS NOT NULL AND o.message_id <> '' ORDER BY o.id DESC LIMIT 1`, channelID).Scan(&id)
	}
	if errNoRows(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: last message of channel %s: %w", channelID, formatError(err))
	}
	return id, nil
}
