package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"modernc.org/sqlite"
)

// checkpointPages is how many pages the writer writes to the WAL before the
// checkpointer copies them back into the database file (about 16 MB). Pages
// that saves rewrite again and again (index interiors, the full-text
// index's structure) are copied once per checkpoint, so fewer, larger
// checkpoints cost less in all.
const checkpointPages = 4000

// restartEvery: once the WAL holds restartEvery*checkpointPages pages
// (about 64 MB), the checkpointer copies the rest of it between two write
// transactions, holding the writer back for that long (a few transactions'
// pages and two fsyncs), so that the next write starts the WAL over.
const restartEvery = 4

// checkpointer copies the WAL back into the database file on a goroutine of
// its own, so that commits never run a checkpoint inline: the writer's
// connection has wal_autocheckpoint off, and after each write transaction
// commits (db.tx) the checkpointer is told; once the writer has written
// checkpointPages pages it runs a PASSIVE checkpoint on a reader
// connection, which copies them while saves go on (on another core, if
// there is one). A WAL that is all copied starts over at the next write;
// during a long ingest that moment never comes, so the checkpointer makes
// it come now and then (see restartEvery).
type checkpointer struct {
	db      *DB
	every   int // checkpointPages, but in tests
	kick    chan struct{}
	stop    context.CancelFunc
	done    chan struct{}
	pending int // pages written to the WAL since the last checkpoint

	mu      sync.Mutex // guards what tests read:
	written int        // pages written to the WAL in all
	runs    int        // checkpoints done
	catchUp int        // of which with the writer held back (restartEvery)
	errs    int        // checkpoints that failed
	last    error      // the last failure
}

// startCheckpointer starts db's checkpointer, which checkpoints every
// every pages; db.Close stops it.
func (db *DB) startCheckpointer(every int) {
	ctx, cancel := context.WithCancel(context.Background())
	c := &checkpointer{db: db, every: every, kick: make(chan struct{}, 1), stop: cancel, done: make(chan struct{})}
	db.ckpt = c
	go c.run(ctx)
}

// wrote tells the checkpointer that a write transaction committed.
func (c *checkpointer) wrote() {
	if c == nil {
		return
	}
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// close stops the checkpointer and waits for it. Closing the database then
// checkpoints what is left (SQLite does so when its last connection
// closes).
func (c *checkpointer) close() {
	if c == nil {
		return
	}
	c.stop()
	<-c.done
}

func (c *checkpointer) run(ctx context.Context) {
	defer close(c.done)
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.kick:
		}
		if err := c.step(ctx); err != nil && ctx.Err() == nil {
			c.mu.Lock()
			c.errs++
			c.last = err
			c.mu.Unlock()
		}
	}
}

// step adds the pages written since the last step and checkpoints once
// they are c.every or more.
func (c *checkpointer) step(ctx context.Context) error {
	n, err := c.db.walWrites(ctx)
	if err != nil {
		return err
	}
	c.pending += n
	c.mu.Lock()
	c.written += n
	c.mu.Unlock()
	if c.pending < c.every {
		return nil
	}
	conn, err := c.db.r.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: checkpoint: %w", err)
	}
	defer conn.Close()
	frames, err := checkpoint(ctx, conn)
	if err != nil {
		return err
	}
	if frames >= restartEvery*c.every {
		// The WAL starts over only when a write begins with all of it
		// copied, which a checkpoint beside a busy writer never sees.
		c.db.wmu.Lock()
		_, err = checkpoint(ctx, conn)
		c.db.wmu.Unlock()
		if err != nil {
			return err
		}
		c.mu.Lock()
		c.catchUp++
		c.mu.Unlock()
	}
	c.pending = 0
	c.mu.Lock()
	c.runs++
	c.mu.Unlock()
	return nil
}

// checkpoint runs a PASSIVE checkpoint on conn, which copies the frames no
// reader still needs without waiting for the writer or for readers, and
// returns how many frames the WAL holds.
func checkpoint(ctx context.Context, conn *sql.Conn) (int, error) {
	var busy, log, copied int
	if err := conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &log, &copied); err != nil {
		return 0, fmt.Errorf("store: checkpoint: %w", err)
	}
	return log, nil
}

// walWrites returns how many pages the writer connection has written to
// the WAL since the last call (SQLite's per-connection CACHE_WRITE count,
// read and reset).
func (db *DB) walWrites(ctx context.Context) (int, error) {
	db.wmu.Lock()
	defer db.wmu.Unlock()
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: checkpoint: %w", err)
	}
	defer conn.Close()
	var n int
	err = conn.Raw(func(dc any) error {
		st, ok := dc.(sqlite.DBStatus)
		if !ok {
			return fmt.Errorf("driver connection %T has no status", dc)
		}
		var err error
		n, _, err = st.Status(sqlite.DBStatusCacheWrite, true)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: checkpoint: %w", err)
	}
	return n, nil
}
