package store

import (
	"context"
	"database/sql"
	"strings"
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

// The rows a save writes by the hundred (items, mentions, outbox rows) go
// in multi-row INSERTs: a statement's fixed cost (the database/sql and
// driver round trip, binding, opening and closing cursors) is paid once
// per up to insertSizes[0] rows instead of once per row.

// rowsInsert is an INSERT of rows of cols bound values: head, then row
// repeated, comma-separated, then tail.
type rowsInsert struct {
	head, row, tail string
	cols            int
}

func (ri *rowsInsert) sql(rows int) string {
	return ri.head + ri.row + strings.Repeat(", "+ri.row, rows-1) + ri.tail
}

var (
	// insItems writes new items with the ids saver.newID chose.
	// Its last two columns, story_id and canon_key, are filled in once
	// the batch's stories are decided (storyPend.patch).
	insItems = &rowsInsert{head: `INSERT INTO items (id, feed_id, key, guid, title, link, author, text,
		categories, image_url, published, updated, fetched_at, ts, content_hash, story_id, canon_key) VALUES `,
		row: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", cols: 17}
	// Its last column, story_id, likewise.
	insMentions = &rowsInsert{head: `INSERT INTO mentions (item_id, watch_id, start, "end", text, ts, feed_id, story_id) VALUES `,
		row: "(?, ?, ?, ?, ?, ?, ?, ?)", cols: 8}

	// insOutbox writes the alert rows of new items with the ids
	// saver.newOutID chose.
	insOutbox = &rowsInsert{head: `INSERT INTO outbox (id, kind, item_id, route_id, revision, nonce, created_at) VALUES `,
		row: "(?, 'mention', ?, ?, ?, ?, ?)", cols: 6}

	saveInserts = []*rowsInsert{insItems, insMentions, insOutbox}
)

// insertSizes are the row counts of the prepared statements of each
// rowsInsert, largest first; every count is a sum of them. Parsing a
// statement of a hundred rows costs SQLite more than running it, so they
// are prepared once, when the database is opened.
var insertSizes = []int{128, 32, 8, 1}

// saveStmts are the statements of saveInserts, and the query of the next
// ids (selNextIDs, with stories selNextIDsStories), prepared on the
// writer: a save of a few items would parse them for longer than they
// run.
type saveStmts struct {
	stmts map[*rowsInsert][]*sql.Stmt // by index in insertSizes
	next  map[bool]*sql.Stmt          // by stories on
}

// selNextIDs is the highest item id given so far, and 0, 0, 0; with
// stories (selNextIDsStories), the storyFloors (selStoryFloors) instead.
const selNextIDs = `SELECT max(coalesce((SELECT max(id) FROM items), 0), (SELECT id FROM id_floors WHERE name = 'items')), 0, 0, 0`

var selNextIDsStories = strings.TrimSuffix(selNextIDs, "0, 0, 0") + strings.TrimPrefix(selStoryFloors, "SELECT ")

// prepareSaveStmts prepares saveInserts on db, the writer; it must not run
// inside a transaction (the writer has one connection).
func prepareSaveStmts(ctx context.Context, db *sql.DB) (*saveStmts, error) {
	c := &saveStmts{stmts: map[*rowsInsert][]*sql.Stmt{}, next: map[bool]*sql.Stmt{}}
	for on, q := range map[bool]string{false: selNextIDs, true: selNextIDsStories} {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			c.close()
			return nil, err
		}
		c.next[on] = st
	}
	for _, ri := range saveInserts {
		for _, k := range insertSizes {
			st, err := db.PrepareContext(ctx, ri.sql(k))
			if err != nil {
				c.close()
				return nil, err
			}
			c.stmts[ri] = append(c.stmts[ri], st)
		}
	}
	return c, nil
}

func (c *saveStmts) close() {
	if c == nil {
		return
	}
	for _, l := range c.stmts {
		for _, st := range l {
			st.Close()
		}
	}
	for _, st := range c.next {
		st.Close()
	}
}

// add queues a row: one value per column, in the statement's order.
func (b *rowBuf) add(vals ...any) {
	b.args = append(b.args, vals...)
	b.rows++
}

// flushRows writes the waiting rows: items, then mentions. Outbox rows
// wait until the batch's stories are decided (writeAlerts, flushOutbox).
func (s *saver) flushRows() error {
	s.gen++
	if _, err := s.writeRows(insItems, &s.items); err != nil {
		return err
	}
	_, err := s.writeRows(insMentions, &s.ments)
	return err
}

// writeRows inserts b's rows with ri and returns how many rows it wrote.
func (s *saver) writeRows(ri *rowsInsert, b *rowBuf) (int64, error) {
	var total int64
	args := b.args
	for rows := b.rows; rows > 0; {
		i := 0
		for insertSizes[i] > rows {
			i++
		}
		k := insertSizes[i]
		var res sql.Result
		var err error
		if s.ins != nil {
			res, err = s.tx.StmtContext(s.ctx, s.ins.stmts[ri][i]).ExecContext(s.ctx, args[:k*ri.cols]...)
		} else {
			res, err = s.tx.ExecContext(s.ctx, ri.sql(k), args[:k*ri.cols]...)
		}
		if err != nil {
			return total, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, err
		}
		total += n
		args, rows = args[k*ri.cols:], rows-k
	}
	clear(b.args)
	b.args, b.rows = b.args[:0], 0
	return total, nil
}
