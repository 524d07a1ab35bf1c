package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
)

func TestOpenReaderRefusesMissingOrOldDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "nw.db")
	if _, err := OpenReader(ctx, path); !errors.Is(err, ErrNeedsMigration) {
		t.Fatalf("OpenReader of a missing file: %v, want ErrNeedsMigration", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("OpenReader created the file: %v", err)
	}
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := db.SchemaVersion(ctx); err != nil || v != LatestSchemaVersion() || v == 0 {
		t.Fatalf("SchemaVersion after Open = %d, %v; want %d", v, err, LatestSchemaVersion())
	}
	db.Close()

	r, err := OpenReader(ctx, path)
	if err != nil {
		t.Fatalf("OpenReader of a migrated database: %v", err)
	}
	if _, err := r.Stats(ctx, newswatch.GlobalScope); err != nil {
		t.Errorf("Stats through a reader: %v", err)
	}
	if _, err := r.EnsureFeed(ctx, "https://example.com/rss", "", "config", 0); err == nil {
		t.Error("a reader wrote a feed")
	}
	r.Close()

	// A database whose newest migration is not recorded needs a writer.
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`DELETE FROM schema_migrations WHERE version = ?`, LatestSchemaVersion()); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if _, err := OpenReader(ctx, path); !errors.Is(err, ErrNeedsMigration) {
		t.Fatalf("OpenReader of an old schema: %v, want ErrNeedsMigration", err)
	}
}

func TestBackupThroughReader(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "nw.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	r, err := OpenReader(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	dst := filepath.Join(t.TempDir(), "copy.db")
	if err := r.Backup(ctx, dst); err != nil {
		t.Fatalf("Backup through a reader: %v", err)
	}
	if _, err := os.Stat(dst); err != nil {
		t.Fatal(err)
	}
}

func TestSaveItemsCommitsInBatches(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	n := 2*SaveBatchSize + 7
	items := make([]newswatch.IngestItem, n)
	for i := range items {
		items[i] = ingest(fmt.Sprintf("k%d", i), "Kyiv news", "Text from Kyiv", f.t0, true, f.watches()...)
	}
	// The same key in two batches is stored once.
	items[n-1] = ingest("k0", "Kyiv news", "Text from Kyiv", f.t0, true, f.watches()...)
	res, err := f.db.SaveItems(ctx, f.global.ID, items)
	if err != nil {
		t.Fatal(err)
	}
	if res.New != n-1 || res.Unchanged != 1 {
		t.Errorf("SaveItems = %+v, want %d new and 1 unchanged", res, n-1)
	}
	st, err := f.db.Stats(ctx, newswatch.GlobalScope)
	if err != nil {
		t.Fatal(err)
	}
	if st.Items != n-1 {
		t.Errorf("items stored = %d, want %d", st.Items, n-1)
	}
	if res.Alerts == 0 || st.PendingAlerts != res.Alerts {
		t.Errorf("alerts: result %d, pending %d", res.Alerts, st.PendingAlerts)
	}
}

func TestLockWriterNamesTheHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nw.db")
	release, err := LockWriter(path, "ingest")
	if err != nil {
		t.Fatal(err)
	}
	_, err = LockWriter(path, "run")
	var le *LockedError
	if !errors.As(err, &le) || le.PID != os.Getpid() || le.Holder != "ingest" {
		t.Fatalf("second LockWriter: %v, want a LockedError naming ingest and pid %d", err, os.Getpid())
	}
	if err := release(); err != nil {
		t.Fatal(err)
	}
	release, err = LockWriter(path, "run")
	if err != nil {
		t.Fatalf("LockWriter after release: %v", err)
	}
	release()
}

// TestWritersWaitForEachOther runs writers on two handles of one file: each
// waits for the other's transactions instead of failing with SQLITE_BUSY.
func TestWritersWaitForEachOther(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	path := filepath.Join(t.TempDir(), "nw.db")
	a, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	fa, err := a.EnsureFeed(ctx, "https://a.example/rss", "", "config", 0)
	if err != nil {
		t.Fatal(err)
	}
	fb, err := b.EnsureFeed(ctx, "https://b.example/rss", "", "config", 0)
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 2)
	save := func(db *DB, feed int64, prefix string) {
		items := make([]newswatch.IngestItem, 3*SaveBatchSize)
		for i := range items {
			items[i] = ingest(fmt.Sprintf("%s%d", prefix, i), "title", "some text", time.Now(), false)
		}
		_, err := db.SaveItems(ctx, feed, items)
		errc <- err
	}
	go save(a, fa.ID, "a")
	go save(b, fb.ID, "b")
	for range 2 {
		if err := <-errc; err != nil {
			t.Errorf("concurrent writer: %v", err)
		}
	}
}
