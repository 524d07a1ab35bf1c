package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/query"
)

func TestMentionBuckets(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	if _, _, err := f.db.PutWatch(ctx, newswatch.Watch{Name: "Краматорськ", Kind: newswatch.KindCity}, 0); err != nil {
		t.Fatal(err)
	}
	kram, _, err := f.db.PutWatch(ctx, newswatch.Watch{Name: "Kramatorsk", Kind: newswatch.KindCity}, 0)
	if err != nil {
		t.Fatal(err)
	}
	must(f.db.SaveItems(ctx, f.global.ID, []newswatch.IngestItem{
		ingest("a", "Kyiv, Kyiv, Kyiv", "", t0.Add(5*time.Minute), false, f.kyiv), // three mentions, one item
		ingest("b", "Kyiv and Kramatorsk", "", t0.Add(50*time.Minute), false, f.kyiv, kram),
		ingest("c", "Kyiv", "", t0.Add(70*time.Minute), false, f.kyiv),
		ingest("d", "Kyiv", "", t0.Add(26*time.Hour), false, f.kyiv),
		ingest("e", "Kyiv", "", t0.Add(-time.Minute), false, f.kyiv), // before since
	}))(t)
	must(f.db.SaveItems(ctx, f.g1F.ID, []newswatch.IngestItem{
		ingest("f", "Lviv and Kyiv", "", t0.Add(10*time.Minute), false, f.lviv, f.kyiv),
	}))(t)
	must(f.db.SaveItems(ctx, f.g2F.ID, []newswatch.IngestItem{
		ingest("g", "Odesa", "", t0.Add(10*time.Minute), false, f.odesa),
	}))(t)
	h := func(w newswatch.Watch, d time.Duration, n int) newswatch.BucketCount {
		return newswatch.BucketCount{WatchID: w.ID, Entity: w.Name, Start: t0.Add(d), Count: n}
	}
	until := t0.Add(48 * time.Hour)
	tests := []struct {
		name   string
		guild  string
		names  []string
		bucket time.Duration
		want   []newswatch.BucketCount
	}{
		{"operator, hours", "", nil, time.Hour, []newswatch.BucketCount{
			h(kram, 0, 1), h(f.kyiv, 0, 3), h(f.kyiv, time.Hour, 1), h(f.kyiv, 26*time.Hour, 1),
			h(f.lviv, 0, 1), h(f.odesa, 0, 1)}},
		{"g1 sees its feed and watch, not g2's", "g1", nil, time.Hour, []newswatch.BucketCount{
			h(kram, 0, 1), h(f.kyiv, 0, 3), h(f.kyiv, time.Hour, 1), h(f.kyiv, 26*time.Hour, 1), h(f.lviv, 0, 1)}},
		{"g2 does not see g1's feed", "g2", []string{"kyiv"}, time.Hour, []newswatch.BucketCount{
			h(f.kyiv, 0, 2), h(f.kyiv, time.Hour, 1), h(f.kyiv, 26*time.Hour, 1)}},
		{"days, by name", "", []string{"KYIV", "kramatorsk"}, 24 * time.Hour, []newswatch.BucketCount{
			h(kram, -10*time.Hour, 1), h(f.kyiv, -10*time.Hour, 4), h(f.kyiv, 14*time.Hour, 1)}},
	}
	for _, tt := range tests {
		got, err := f.db.MentionBuckets(ctx, tt.guild, tt.names, tt.bucket, t0, until)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	if got := must(f.db.MentionBuckets(ctx, "", []string{"краматорськ"}, time.Hour, t0, until))(t); len(got) != 0 {
		t.Errorf("Краматорськ has no mention, got %v", got)
	}
	if _, err := f.db.MentionBuckets(ctx, "", nil, 0, t0, until); newswatch.ErrorCode(err) != newswatch.EINVALID {
		t.Errorf("bucket 0: err %v, want EINVALID", err)
	}
}

// TestQueryAgreesWithSearch: a route's query, evaluated in-process by
// package query, matches the same items as /search does through the
// full-text index, for the syntax both accept.
func TestQueryAgreesWithSearch(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	texts := [][2]string{
		{"Shelling in Kramatorsk", "Artillery hit the centre."},
		{"Kramatorsk", "A drone strike during an exercise."},
		{"Обстріл Краматорська", "СЕМЁНОВКА и Славянск под ударом."},
		{"Київ", "Удар по Києву, air raid alert."},
		{"Zaporížžia", "Ukraïnskyi strike"},
		{"Air", "raid"},
		{"Slov'yansk", "strike"},
	}
	var items []newswatch.IngestItem
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	for i, tx := range texts {
		items = append(items, ingest(string(rune('a'+i)), tx[0], tx[1], t0, false))
	}
	must(f.db.SaveItems(ctx, f.global.ID, items))(t)
	for _, q := range []string{
		"Kramatorsk", "kramatorsk strike", "Kramatorsk OR Sloviansk", "strike -exercise",
		"Kramatorsk OR strike -exercise", `"air raid"`, `"drone strike"`, "семеновка", "Семёновка славянск",
		"Київ", "КИЇВ OR Києву", "киів", "Zaporizzia", "ukrainskyi", "kram*", "Краматорськ*", "slov'ya*",
		"Slovyansk", "Slov'yansk", `"raid"`,
	} {
		hits, err := f.db.Search(ctx, newswatch.SearchQuery{Query: q, Limit: 100})
		if err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		var fromIndex []string
		for _, h := range hits {
			fromIndex = append(fromIndex, h.Item.Key)
		}
		slices.Sort(fromIndex)
		e, err := query.Parse(q)
		if err != nil {
			t.Fatalf("query.Parse(%q): %v", q, err)
		}
		var inProcess []string
		for i, tx := range texts {
			if e.Match(tx[0], tx[1]) {
				inProcess = append(inProcess, items[i].Item.Key)
			}
		}
		if diff := cmp.Diff(fromIndex, inProcess); diff != "" {
			t.Errorf("%q: index vs in-process (-index +query):\n%s", q, diff)
		}
	}
}
