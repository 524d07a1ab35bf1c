package store

import (
	"context"
	"time"

	"github.com/newswatch/newswatch"
)

// SaveBatchSize is the most items SaveItems writes in one transaction. A
// feed of 400,000 items is saved as at least 400 transactions, each holding
// the write lock for tens of milliseconds.
const SaveBatchSize = 1000

// Batches are sized by time as well: a batch that held the write lock
// longer than batchTarget (a slow disk, a loaded machine, the race
// detector) halves the next one, down to minSaveBatch; a quick one doubles
// it back up to SaveBatchSize. So no transaction comes near a waiter's busy
// timeout.
const (
	batchTarget  = 250 * time.Millisecond
	minSaveBatch = 25
)

// A long run of write transactions (a big save, a rescan) pauses now and
// then so that other processes' writers get the lock. Short transactions
// are not enough: SQLite's busy handler polls, at most every 100 ms, and a
// loop that begins its next transaction microseconds after the last commit
// wins every time, so a waiter gives up after its busy timeout (5 s). A
// pause longer than that polling interval, once per second of writing,
// lets one waiter in at the cost of about an eighth of the loop's speed.
const (
	yieldEvery = time.Second
	yieldFor   = 150 * time.Millisecond
)

// yielder paces a loop of write transactions (see yieldEvery).
type yielder struct{ since time.Time }

func newYielder() *yielder { return &yielder{since: time.Now()} }

// pause waits yieldFor when the loop has written for yieldEvery since the
// last pause; it returns early with ctx's error.
func (y *yielder) pause(ctx context.Context) error {
	if time.Since(y.since) < yieldEvery {
		return nil
	}
	t := time.NewTimer(yieldFor)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
	}
	y.since = time.Now()
	return nil
}

// SaveItems stores items of feedID in transactions of at most SaveBatchSize
// items each (see saveBatch for what one transaction does), pausing now and
// then for other writers (see yieldEvery). Each batch commits on its own:
// after an error the batches before it stay saved and the returned result
// counts them; saving the same items again is harmless, as known keys with
// the same content write nothing.
func (db *DB) SaveItems(ctx context.Context, feedID int64, items []newswatch.IngestItem) (newswatch.SaveResult, error) {
	var total newswatch.SaveResult
	y := newYielder()
	size := SaveBatchSize
	for len(items) > 0 {
		n := min(len(items), size)
		start := time.Now()
		res, err := db.saveBatch(ctx, feedID, items[:n])
		switch took := time.Since(start); {
		case took > batchTarget:
			size = max(size/2, minSaveBatch)
		case took < batchTarget/2:
			size = min(size*2, SaveBatchSize)
		}
		total.New += res.New
		total.Updated += res.Updated
		total.Unchanged += res.Unchanged
		total.Tombstoned += res.Tombstoned
		total.Alerts += res.Alerts
		if err != nil {
			return total, err
		}
		items = items[n:]
		if len(items) > 0 {
			if err := y.pause(ctx); err != nil {
				return total, err
			}
		}
	}
	return total, nil
}
