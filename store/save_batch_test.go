package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/newswatch/newswatch"
)

// TestSaveItemsManyRows saves one batch larger than every multi-row INSERT
// (see insertSizes), with a known key changed and a new key repeated in
// the middle, so that rows are written both before the batch's end and at
// it, and checks every row, id and index entry: against the items' text
// when no text has ё (FTS5's check reads the unfolded text), and through
// searches when some have.
func TestSaveItemsManyRows(t *testing.T) {
	t.Run("plain", func(t *testing.T) { testSaveManyRows(t, false) })
	t.Run("folded", func(t *testing.T) { testSaveManyRows(t, true) })
}

func testSaveManyRows(t *testing.T, yo bool) {
	ctx := context.Background()
	f := newFixture(t)
	db := f.db
	ws := f.watches()
	must(db.SaveItems(ctx, f.global.ID, []newswatch.IngestItem{
		ingest("old", "Old", "About Kyiv.", f.t0, true, ws...)}))(t)
	// An item of another feed deleted again: its id is not given again
	// (id_floors), so messages and lists naming it keep meaning it.
	must(db.SaveItems(ctx, f.g1F.ID, []newswatch.IngestItem{ingest("gone", "Gone", "Gone.", f.t0, false)}))(t)
	if _, err := db.w.Exec(`DELETE FROM items WHERE feed_id = ?`, f.g1F.ID); err != nil {
		t.Fatal(err)
	}
	oldID := itemID(t, db, f.global.ID, "old")

	const n = 300
	var items []newswatch.IngestItem
	for i := 0; i < n; i++ {
		text := fmt.Sprintf("Shelling in Kyiv, report w%d.", i)
		if i%7 == 0 {
			text += " Елка в Києві."
			if yo {
				text = strings.Replace(text, "Е", "Ё", 1)
			}
		}
		items = append(items, ingest(fmt.Sprintf("k%d", i), fmt.Sprintf("Title %d", i), text,
			f.t0.Add(time.Duration(i)*time.Minute), true, ws...))
	}
	// k10 again at 200, changed: an update of a row of this same batch.
	items[200] = ingest("k10", "Title 10 changed", "Zelensky in Kyiv, report w10 changed.", f.t0, true, ws...)
	// The known key, changed, in the middle.
	items[150] = ingest("old", "Old changed", "About Kyiv and Zelensky, report changed.", f.t0, true, ws...)

	got := must(db.SaveItems(ctx, f.global.ID, items))(t)
	// Kyiv, a global watch, alerts the console, r1 and r2 for each new
	// item; each change adds Zelensky, a global actor, for all four routes.
	want := newswatch.SaveResult{New: n - 2, Updated: 2, Alerts: 3*(n-2) + 2*4}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SaveItems (-want +got):\n%s", diff)
	}
	if yo {
		if _, err := db.w.Exec(`INSERT INTO items_fts (items_fts) VALUES ('integrity-check')`); err != nil {
			t.Errorf("integrity-check: %v", err)
		}
	} else {
		checkFTS(t, db)
	}

	// New items have consecutive ids in input order, after the deleted
	// item's.
	first := oldID + 2
	for i, it := range items {
		if i == 150 || i == 200 {
			continue
		}
		wantID := first + int64(i)
		if i > 150 {
			wantID--
		}
		if i > 200 {
			wantID--
		}
		if id := itemID(t, db, f.global.ID, it.Item.Key); id != wantID {
			t.Fatalf("item %s has id %d, want %d", it.Item.Key, id, wantID)
		}
	}

	var rows, alerts, mentions int
	db.r.QueryRow(`SELECT count(*) FROM items`).Scan(&rows)
	db.r.QueryRow(`SELECT count(*) FROM outbox`).Scan(&alerts)
	db.r.QueryRow(`SELECT count(*) FROM mentions m JOIN items i ON i.id = m.item_id`).Scan(&mentions)
	// One mention (Kyiv) per new item but k10, two (Kyiv, Zelensky) for
	// each changed one.
	wantMentions := (n-3)*1 + 2*2
	if rows != n-1 || alerts != 3+got.Alerts || mentions != wantMentions {
		t.Errorf("%d items, %d outbox rows, %d mentions; want %d, %d, %d", rows, alerts, mentions, n-1, 3+got.Alerts, wantMentions)
	}
	// Outbox rows follow the items' order.
	out := outbox(t, db)
	for i := 1; i < len(out); i++ {
		if out[i].Target < out[i-1].Target && out[i].Revision == 1 {
			t.Fatalf("outbox row %d (%+v) comes after %+v", i, out[i], out[i-1])
		}
	}

	for _, q := range []struct {
		query string
		hits  int
	}{
		{"w0", 1}, {"w299", 1}, {"w10", 1}, {`"w10 changed"`, 1}, {"елка", 10}, {"ёлка", 10}, {"києві", 10},
		{`"report changed"`, 1}, {"title", 10}, {"old", 1},
	} {
		hits := must(db.Search(ctx, newswatch.SearchQuery{Query: q.query}))(t)
		if len(hits) != q.hits {
			t.Errorf("search %q: %d hits, want %d", q.query, len(hits), q.hits)
		}
	}
	hits := must(db.Search(ctx, newswatch.SearchQuery{Query: "w299"}))(t)
	if len(hits) == 1 && !strings.Contains(hits[0].Snippet, "w299") {
		t.Errorf("snippet %q does not show w299", hits[0].Snippet)
	}
	if fd := must(db.Feed(ctx, f.global.ID))(t); fd.ItemCount != n-1 {
		t.Errorf("ItemCount = %d, want %d", fd.ItemCount, n-1)
	}
}
