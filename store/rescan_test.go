package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
)

// TestRescanSeesItemsChangedMeanwhile edits an item of the second batch
// while Rescan works on the first one: the mentions Rescan stores must index
// the item's text as stored, not as it was before the edit.
func TestRescanSeesItemsChangedMeanwhile(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	db := f.db
	var items []newswatch.IngestItem
	for i := 0; i < rescanBatch+100; i++ {
		text := "Nothing here."
		if i == rescanBatch+50 {
			text = "Fighting near Bakhmut."
		}
		items = append(items, ingest(fmt.Sprintf("k%04d", i), "Item", text, f.t0.Add(time.Duration(i)*time.Minute), false))
	}
	must(db.SaveItems(ctx, f.global.ID, items))(t)
	target := itemID(t, db, f.global.ID, fmt.Sprintf("k%04d", rescanBatch+50))
	w, _ := must2(db.PutWatch(ctx, newswatch.Watch{Name: "Bakhmut", Kind: newswatch.KindCity}, 0))(t)

	edited := make(chan error, 1)
	progress := func(done, total int) {
		if done != rescanBatch {
			return
		}
		// Take the writer before Rescan's next batch and edit the item
		// once Rescan waits for the writer to read that batch.
		waits := db.w.Stats().WaitCount
		tx, err := db.w.BeginTx(ctx, nil)
		if err != nil {
			edited <- err
			return
		}
		go func() {
			if !eventually(10*time.Second, func() bool { return db.w.Stats().WaitCount > waits }) {
				tx.Rollback()
				edited <- errors.New("rescan did not wait for the writer")
				return
			}
			edited <- editItem(ctx, tx, target, "Item", "After a long night of heavy shelling, fighting near Bakhmut.")
		}()
	}
	err := db.Rescan(ctx, w, func(text string) []newswatch.Mention { return find(text, w) }, progress)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-edited; err != nil {
		t.Fatal(err)
	}
	hits := must(db.Mentions(ctx, newswatch.MentionQuery{Entity: "Bakhmut", Until: f.t0.Add(48 * time.Hour)}))(t)
	if len(hits) != 1 {
		t.Fatalf("%d mentions of Bakhmut, want 1", len(hits))
	}
	m, it := hits[0].Mention, hits[0].Item
	text := it.MatchText()
	if m.Start < 0 || m.End > len(text) || m.Start > m.End || text[m.Start:m.End] != "Bakhmut" {
		t.Errorf("mention [%d:%d] %q does not index the stored text %q", m.Start, m.End, m.Text, text)
	}
}

// editItem changes an item's title and text in tx, as SaveItems does, and
// commits.
func editItem(ctx context.Context, tx *sql.Tx, id int64, title, text string) error {
	_, err := tx.ExecContext(ctx, `UPDATE items SET title = ?, text = ?, revision = revision + 1 WHERE id = ?`, title, text, id)
	if err == nil {
		_, err = tx.ExecContext(ctx, `DELETE FROM mentions WHERE item_id = ?`, id)
	}
	if err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}
