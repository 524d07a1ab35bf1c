package store

import (
	"context"
	"testing"

	"github.com/newswatch/newswatch"
)

// TestFormatErrorCodes: constraint violations are mapped by SQLite's
// extended result code, not by the message's words.
func TestFormatErrorCodes(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	for _, q := range []string{
		`CREATE TABLE t_parent (id INTEGER PRIMARY KEY)`,
		`CREATE TABLE t_child (p INTEGER NOT NULL REFERENCES t_parent (id))`,
		`CREATE TABLE t_unique (x TEXT UNIQUE)`,
		`INSERT INTO t_parent (id) VALUES (1)`,
		`INSERT INTO t_unique (x) VALUES ('a')`,
	} {
		if _, err := db.w.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	tests := []struct {
		query string
		want  string
	}{
		{`INSERT INTO t_unique (x) VALUES ('a')`, newswatch.ECONFLICT},
		{`INSERT INTO t_parent (id) VALUES (1)`, newswatch.ECONFLICT},
		{`INSERT INTO t_child (p) VALUES (2)`, newswatch.ENOTFOUND},
		{`INSERT INTO t_child (p) VALUES (NULL)`, newswatch.EINVALID},
	}
	for _, tt := range tests {
		_, err := db.w.ExecContext(ctx, tt.query)
		if err == nil {
			t.Fatalf("%s: no error", tt.query)
		}
		if got := newswatch.ErrorCode(formatError(err)); got != tt.want {
			t.Errorf("%s: code %q, want %q (%v)", tt.query, got, tt.want, err)
		}
	}
}
