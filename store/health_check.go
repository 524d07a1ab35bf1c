package store

import (
	"context"
	"fmt"
	"time"
)

// OldestPendingAlert returns when the oldest alert still waiting in the
// outbox was queued, the zero time when none waits. Rows with nothing left
// to deliver are not counted, as in Stats.PendingAlerts.
func (db *DB) OldestPendingAlert(ctx context.Context) (time.Time, error) {
	var created int64
	err := db.r.QueryRowContext(ctx, `SELECT coalesce(min(o.created_at), 0) FROM outbox o JOIN routes r ON r.id = o.route_id
		WHERE o.sent_at IS NULL AND `+deliverableCond).Scan(&created)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: oldest pending alert: %w", formatError(err))
	}
	return fromMS(created), nil
}

// CheckWritable reports whether a write transaction can start now (within
// ctx): it begins one (BEGIN IMMEDIATE takes the write lock) and rolls it
// back, writing nothing.
func (db *DB) CheckWritable(ctx context.Context) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: check writable: %w", err)
	}
	return tx.Rollback()
}
