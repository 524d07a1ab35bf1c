// Package store keeps newswatch's state in one SQLite file through
// modernc.org/sqlite: feeds and their subscriptions and health, items with a
// full-text index, watches and their mentions, alert routes and the alert
// outbox.
//
// Every time is stored as UTC unix milliseconds. Writes go through a pool of
// one connection and BEGIN IMMEDIATE transactions, so writers queue in Go
// instead of failing with SQLITE_BUSY; reads use a separate pool that WAL
// lets run beside the writer. Driver errors are mapped once, in formatError:
// a user only ever sees a *newswatch.Error message.
//
// Full-text search uses FTS5 (unicode61, diacritics removed) over item
// titles and texts. Both the index and queries fold ё to е; й and ї stay
// distinct letters, as unicode61 keeps them. What a person types never
// reaches FTS5 as syntax: each word and each quoted phrase becomes an FTS5
// string (see ftsQuery). Matches are ranked with BM25 computed in Go over the
// most recent matches (see Search and rank.go), because FTS5's bm25() reads
// every match of every query word to weigh it.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"

	"github.com/newswatch/newswatch"
)

//go:embed migrations/*.sql
var migrations embed.FS

// pragmas are set on every pooled connection. synchronous(NORMAL) under WAL is
// durable against a crash of the process; on power loss at most the last
// transactions before it may be lost, and the file is never corrupted.
// wal_autocheckpoint(0): no commit runs a checkpoint inline; the
// checkpointer (checkpoint.go) copies the WAL back on a goroutine of its own.
const pragmas = "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
	"&_pragma=synchronous(NORMAL)&_pragma=wal_autocheckpoint(0)&_txlock=immediate"

// writerPragmas are set on the writer's connection on top of pragmas.
// temp_store(2) keeps statement journals in memory: a multi-row INSERT
// (see batch.go) saves the pages it changes there first, in case it must
// be undone, and a file would cost a write system call per page.
// cache_size(-32768) gives the writer 32 MB of page cache instead of 2 MB:
// a save rewrites the newest pages of each index and merges the newest
// full-text segments, which are then read from memory, not from the WAL.
const writerPragmas = "&_pragma=temp_store(2)&_pragma=cache_size(-32768)"

// foldFunc is the SQL name of fold, used by the full-text index triggers.
const foldFunc = "newswatch_fold"

// urlKeyFunc is the SQL name of urlKey, used by migration 0020.
const urlKeyFunc = "newswatch_url_key"

func init() {
	sqlite.MustRegisterDeterministicScalarFunction(urlKeyFunc, 1,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			switch v := args[0].(type) {
			case string:
				return urlKey(v), nil
			case []byte:
				return urlKey(string(v)), nil
			}
			return nil, nil
		})
	sqlite.MustRegisterDeterministicScalarFunction(foldFunc, 1,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			switch v := args[0].(type) {
			case string:
				return fold(v), nil
			case []byte:
				return fold(string(v)), nil
			}
			return args[0], nil
		})
}

// foldReplacer folds ё to е, as Russian text often writes ё as е. The
// unicode61 tokenizer folds case (Cyrillic included) and Latin diacritics,
// but not ё, й or ї; й and ї are distinct letters and stay as they are.
var foldReplacer = strings.NewReplacer("ё", "е", "Ё", "Е")

// fold applies the store's extra full-text folding to the index and to
// queries. It keeps token boundaries, which snippet() relies on.
func fold(s string) string {
	if !needsFold(s) {
		return s
	}
	return foldReplacer.Replace(s)
}

// needsFold reports whether fold changes s. Two substring searches:
// strings.ContainsAny walks a non-ASCII set rune by rune.
func needsFold(s string) bool {
	return strings.Contains(s, "ё") || strings.Contains(s, "Ё")
}

// foldSQL is the SQL expression of col folded, calling into Go only when
// the text has something to fold.
func foldSQL(col string) string {
	return "CASE WHEN instr(" + col + ", 'ё') OR instr(" + col + ", 'Ё') THEN " + foldFunc + "(" + col + ") ELSE " + col + " END"
}

// DB is the newswatch store. Its methods are safe for concurrent use.
type DB struct {
	w    *sql.DB       // the single writer connection
	r    *sql.DB       // readers
	ins  *saveStmts    // SaveItems' inserts prepared on w (nil for OpenReader)
	wmu  sync.Mutex    // held by write transactions (db.tx)
	ckpt *checkpointer // nil for OpenReader

	stories atomic.Pointer[storyHook]  // see story_alerts.go
	urls    urlFilter                  // canonical URL keys, for the save path (urlfilter.go)
	rules   atomic.Pointer[rulesCache] // see route_rules.go

	// noIndex leaves new items out of the full-text index: set only by
	// BenchmarkSaveItems' "alerts-no-index", which measures how fast a
	// save could be at most without the index.
	noIndex bool
}

// Open opens (creating it and its directory if needed) the database at path
// and applies the pending migrations. It is for writers (the daemon, ingest,
// migrate and the editing commands): the migrations run under BEGIN
// IMMEDIATE, so a second writer waits for them (busy_timeout) instead of
// failing. Commands that only read use OpenReader.
func Open(ctx context.Context, path string) (*DB, error) {
	return open(ctx, path, checkpointPages)
}

// open is Open with the checkpointer's threshold in pages.
func open(ctx context.Context, path string, ckptEvery int) (*DB, error) {
	if strings.TrimSpace(path) == "" {
		return nil, newswatch.Errorf(newswatch.EINVALID, "The database path is empty.")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("store: create directory of %s: %w", path, err)
		}
	}
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + pragmas
	w, err := sql.Open("sqlite", dsn+writerPragmas)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	db := &DB{w: w}
	if err := db.migrate(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if db.ins, err = prepareSaveStmts(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open %s: prepare inserts: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn)
	if err != nil {
		db.ins.close()
		w.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	db.r = r
	db.startCheckpointer(ckptEvery)
	return db, nil
}

// readerPragmas are set on every connection of a database opened with
// OpenReader: the same waiting as a writer, and query_only so that nothing
// a reader runs can write (or take the write lock). journal_mode is not set:
// changing it is a write, and the file is already in WAL mode.
const readerPragmas = "_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=query_only(1)&mode=rw"

// OpenReader opens an existing database for reading only. It never creates
// the file and never migrates: when the file is missing or its schema is
// older than this program's, it returns an error wrapping ErrNeedsMigration.
// Under WAL any number of readers run beside the one writer. Write methods
// of the returned DB fail.
func OpenReader(ctx context.Context, path string) (*DB, error) {
	if strings.TrimSpace(path) == "" {
		return nil, newswatch.Errorf(newswatch.EINVALID, "The database path is empty.")
	}
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("store: open %s: no database yet: %w", path, ErrNeedsMigration)
		}
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + readerPragmas
	r, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	db := &DB{w: r, r: r}
	have, err := db.SchemaVersion(ctx)
	if err == nil && have < LatestSchemaVersion() {
		err = fmt.Errorf("schema version %d, this program needs %d: %w", have, LatestSchemaVersion(), ErrNeedsMigration)
	}
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return db, nil
}

// Close closes both connection pools.
func (db *DB) Close() error {
	db.ckpt.close()
	db.ins.close()
	if db.w == db.r {
		return db.r.Close()
	}
	return errors.Join(db.r.Close(), db.w.Close())
}

// migration is one embedded schema migration.
type migration struct {
	version int
	name    string
	body    string
}

// migrationList returns the embedded migrations in order.
func migrationList() ([]migration, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	sort.Strings(names)
	list := make([]migration, 0, len(names))
	for _, name := range names {
		base := filepath.Base(name)
		num, _, _ := strings.Cut(base, "_")
		version, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number", base)
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", base, err)
		}
		list = append(list, migration{version: version, name: base, body: string(body)})
	}
	return list, nil
}

// LatestSchemaVersion is the schema version this program's migrations
// bring a database to.
func LatestSchemaVersion() int {
	list, err := migrationList()
	if err != nil || len(list) == 0 {
		return 0
	}
	return list[len(list)-1].version
}

// SchemaVersion returns the highest migration applied to the database, 0
// for a database no migration has touched.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var n int
	err := db.r0().QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&n)
	if err != nil || n == 0 {
		return 0, err
	}
	var v int
	err = db.r0().QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}

// r0 is the pool to read the schema version from: the readers once open,
// the writer while Open migrates.
func (db *DB) r0() *sql.DB {
	if db.r != nil {
		return db.r
	}
	return db.w
}

// migrate applies, each in its own write transaction, the embedded
// migrations not yet recorded in schema_migrations. A database already up to
// date is only read, so opening it takes no write lock.
func (db *DB) migrate(ctx context.Context) error {
	list, err := migrationList()
	if err != nil {
		return err
	}
	if have, err := db.SchemaVersion(ctx); err == nil && len(list) > 0 && have >= list[len(list)-1].version {
		return nil
	}
	if _, err := db.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	for _, m := range list {
		err = db.tx(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.body); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.version, m.name, ms(time.Now()))
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

// tx runs fn in a write transaction (BEGIN IMMEDIATE) and commits it when fn
// returns nil.
func (db *DB) tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	db.wmu.Lock()
	defer db.wmu.Unlock()
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	db.ckpt.wrote()
	return nil
}

// Backup writes a consistent copy of the database to dst with VACUUM INTO.
// It reads a snapshot, so writers carry on meanwhile. dst must not exist.
func (db *DB) Backup(ctx context.Context, dst string) error {
	if strings.TrimSpace(dst) == "" {
		return newswatch.Errorf(newswatch.EINVALID, "The backup needs a destination path.")
	}
	if _, err := os.Lstat(dst); err == nil {
		return newswatch.Errorf(newswatch.EINVALID, "%s already exists; the backup will not overwrite it.", dst)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: backup to %s: %w", dst, err)
	}
	if dir := filepath.Dir(dst); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("store: backup to %s: %w", dst, err)
		}
	}
	// VACUUM INTO only reads this database, but query_only (set on the
	// connections of OpenReader) refuses it; lift it on this one
	// connection for the copy.
	conn, err := db.r.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: backup to %s: %w", dst, err)
	}
	defer conn.Close()
	var qo int
	if err := conn.QueryRowContext(ctx, `PRAGMA query_only`).Scan(&qo); err != nil {
		return fmt.Errorf("store: backup to %s: %w", dst, err)
	}
	if qo != 0 {
		if _, err := conn.ExecContext(ctx, `PRAGMA query_only = 0`); err != nil {
			return fmt.Errorf("store: backup to %s: %w", dst, err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA query_only = 1`)
	}
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, dst); err != nil {
		return fmt.Errorf("store: backup to %s: %w", dst, formatError(err))
	}
	return nil
}

// ms converts a time to stored UTC unix milliseconds; the zero time is 0.
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMS converts stored milliseconds back to a UTC time; 0 is the zero time.
func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// boolInt stores a bool as 0 or 1.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// clampLimit applies the query limit rule: <=0 is 10, at most 100.
func clampLimit(n int) int {
	switch {
	case n <= 0:
		return 10
	case n > 100:
		return 100
	}
	return n
}
