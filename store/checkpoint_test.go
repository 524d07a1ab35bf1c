package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
)

// TestCheckpointerKeepsWALSmall saves far more pages than the checkpointer's
// threshold, back to back as a large ingest does, and checks that the WAL
// was copied back and started over meanwhile: with wal_autocheckpoint off
// and no checkpointer, the WAL would hold every page written.
func TestCheckpointerKeepsWALSmall(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "nw.db")
	const every = 50 // pages; the WAL starts over past restartEvery*every
	db, err := open(ctx, path, every)
	if err != nil {
		t.Fatal(err)
	}
	feed := must(db.EnsureFeed(ctx, "https://x.example/rss", "", "cli", 0))(t)
	body := "Shelling reported near the city; officials said the power station was hit again. "
	const batches, size = 100, 40
	stats := func() (written, runs, catchUp, errs int, last error) {
		db.ckpt.mu.Lock()
		defer db.ckpt.mu.Unlock()
		return db.ckpt.written, db.ckpt.runs, db.ckpt.catchUp, db.ckpt.errs, db.ckpt.last
	}
	for b := 0; b < batches; b++ {
		var items []newswatch.IngestItem
		for i := 0; i < size; i++ {
			key := fmt.Sprintf("k%dx%d", b, i)
			items = append(items, ingest(key, "Item "+key, body+body+body+key, time.Unix(int64(b*size+i), 0), false))
		}
		must(db.SaveItems(ctx, feed.ID, items))(t)
		if b == batches/2 {
			// Halfway, the checkpointer has had the WAL start over (how
			// soon depends on the disk and the machine's load).
			if !eventually(5*time.Second, func() bool { _, _, c, _, _ := stats(); return c > 0 }) {
				w, r, _, _, _ := stats()
				t.Fatalf("after %d pages written and %d checkpoints, none let the WAL start over", w, r)
			}
		}
	}
	var pageSize int64
	db.r.QueryRow(`PRAGMA page_size`).Scan(&pageSize)
	fi, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	// The WAL file is as long as the most pages it ever held; each page
	// is a frame of pageSize+24 bytes after a 32-byte header.
	walFrames := int((fi.Size() - 32) / (pageSize + 24))
	var written int
	if !eventually(5*time.Second, func() bool {
		written, _, _, _, _ = stats()
		return walFrames*10 < written*9
	}) {
		t.Errorf("the WAL held up to %d pages of %d written: it never started over", walFrames, written)
	}
	if _, _, _, errs, last := stats(); errs > 0 {
		t.Errorf("%d checkpoints failed, the last with %v", errs, last)
	}
	if n := must(db.Search(ctx, newswatch.SearchQuery{Query: "k99x39"}))(t); len(n) != 1 {
		t.Errorf("search for the last item: %d hits, want 1", len(n))
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-db.ckpt.done:
	default:
		t.Error("the checkpointer still runs after Close")
	}
	// Closing checkpointed the rest: a reader sees every item.
	r, err := OpenReader(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var n int
	r.r.QueryRow(`SELECT count(*) FROM items`).Scan(&n)
	if n != batches*size {
		t.Errorf("%d items after reopening, want %d", n, batches*size)
	}
}
