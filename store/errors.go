package store

import (
	"database/sql"
	"errors"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/newswatch/newswatch"
)

// formatError is the one place driver errors are mapped. A constraint
// violation becomes a domain Error with a plain message; a full-text query
// the engine rejects (which the query builder should never produce) becomes
// EINVALID; anything else is returned unchanged, to be wrapped as internal.
// Domain Errors pass through.
func formatError(err error) error {
	if err == nil {
		return nil
	}
	var de *newswatch.Error
	if errors.As(err, &de) {
		return err
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	// The driver turns SQLite's extended result codes on, so a
	// constraint's kind is in the code, not only in the message.
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return newswatch.Errorf(newswatch.ECONFLICT, "That already exists.")
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return newswatch.Errorf(newswatch.ENOTFOUND, "Something this refers to no longer exists.")
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_CONSTRAINT:
		return newswatch.Errorf(newswatch.EINVALID, "A value is missing or not allowed.")
	case sqlite3.SQLITE_ERROR:
		// A query FTS5 cannot parse is a plain SQLITE_ERROR: no code
		// tells it from others, only the engine's message does.
		if msg := se.Error(); strings.Contains(msg, "fts5") || strings.Contains(msg, "MATCH") {
			return newswatch.Errorf(newswatch.EINVALID, "The search could not be understood; try plain words.")
		}
	}
	return err
}

// ErrNeedsMigration is returned (wrapped) by OpenReader when the database
// does not exist yet or its schema is older than this program's: a reader
// never migrates, so a writer has to run first.
var ErrNeedsMigration = errors.New("the database needs a migration: start the daemon or run `newswatch migrate`")

// errNoRows tells whether err is sql.ErrNoRows.
func errNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
