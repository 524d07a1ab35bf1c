package store

import (
	"context"

	"github.com/newswatch/newswatch"
)

// SaveBatchSize is the most items SaveItems writes in one transaction. A
// feed of 400,000 items is saved as 400 transactions of 1,000, each holding
// the write lock for tens of milliseconds, so other writers (another
// process's `watch add`, the deliverer marking alerts sent) get their turn
// within their busy timeout instead of failing with SQLITE_BUSY.
const SaveBatchSize = 1000

// SaveItems stores items of feedID in transactions of at most SaveBatchSize
// items each (see saveBatch for what one transaction does). Each batch
// commits on its own: after an error the batches before it stay saved and
// the returned result counts them; saving the same items again is harmless,
// as known keys with the same content write nothing.
func (db *DB) SaveItems(ctx context.Context, feedID int64, items []newswatch.IngestItem) (newswatch.SaveResult, error) {
	var total newswatch.SaveResult
	for len(items) > 0 {
		n := min(len(items), SaveBatchSize)
		res, err := db.saveBatch(ctx, feedID, items[:n])
		total.New += res.New
		total.Updated += res.Updated
		total.Unchanged += res.Unchanged
		total.Tombstoned += res.Tombstoned
		total.Alerts += res.Alerts
		if err != nil {
			return total, err
		}
		items = items[n:]
	}
	return total, nil
}
