package store

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/newswatch/newswatch"
)

func TestFTSQuery(t *testing.T) {
	tests := []struct {
		in, want, code string
	}{
		{in: "kyiv", want: `("kyiv")`},
		{in: "Kyiv  shelling", want: `("Kyiv" "shelling")`},
		{in: `"air raid" siren`, want: `("air raid" "siren")`},
		{in: `"unbalanced`, want: `("unbalanced")`},
		{in: `a "b c`, want: `("a" "b" "c")`},
		{in: "AND", want: `("AND")`},
		{in: "NEAR(", want: `("NEAR(")`},
		{in: "a OR", want: `("a")`},
		{in: "OR a OR OR b", want: `("a") OR ("b")`},
		{in: "a b OR c", want: `("a" "b") OR ("c")`},
		{in: "foo:bar", want: `("foo:bar")`},
		{in: "kyiv -kharkiv", want: `(("kyiv")) NOT "kharkiv"`},
		{in: "sloviansk*", want: `("sloviansk"*)`},
		{in: "s*", want: `("s")`},
		{in: "Ёлка", want: `("Елка")`},
		{in: `a"b`, want: `("a" "b")`},
		{in: "-x", code: newswatch.EINVALID},
		{in: "*", code: newswatch.EINVALID},
		{in: "", code: newswatch.EINVALID},
		{in: "   ", code: newswatch.EINVALID},
		{in: "🚀 ✨", code: newswatch.EINVALID},
		{in: strings.Repeat("x", 301), code: newswatch.EINVALID},
		{in: strings.Repeat("a ", 17), code: newswatch.EINVALID},
	}
	for _, tt := range tests {
		got, err := ftsQuery(tt.in)
		if code := codeOf(err); code != tt.code {
			t.Errorf("ftsQuery(%q) error %v, want code %q", tt.in, err, tt.code)
			continue
		}
		if got != tt.want {
			t.Errorf("ftsQuery(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestSearchHostileInput(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	must(f.db.SaveItems(ctx, f.global.ID, []newswatch.IngestItem{
		ingest("a", "Слов'янськ under fire", "Shelling of Sloviansk; a OR b AND c NEAR the foo:bar plant.", f.t0, false),
		ingest("b", "Ёлка в Києві", "Новорічна ялинка у Києві 🚀.", f.t0, false),
	}))(t)
	inputs := []string{
		`"unbalanced`, `AND`, `*`, `NEAR(`, `NEAR(a b`, `a OR`, `OR`, `foo:bar`, `title:x`, `-x`, `- -`, `🚀`, `Слов'янськ`,
		strings.Repeat("слово ", 1700), "", `"`, `""`, `"" ""`, `(`, `)`, `a AND (b`, `^a`, `a + b`, `{title text}: x`,
		"\x00", "\xff\xfe", `'`, `NOT`, `a NOT`, `*a*`, `"a"*`, "елка", "ЁЛКА", "Києві*", `a"b"c`, `\"`, "x*",
	}
	for _, in := range inputs {
		for _, g := range []string{"", "g1"} {
			hits, err := f.db.Search(ctx, newswatch.SearchQuery{GuildID: g, Query: in})
			switch code := codeOf(err); code {
			case "", newswatch.EINVALID:
			default:
				t.Errorf("Search(%.40q, guild %q) = %v (code %s), want results or EINVALID", in, g, err, code)
			}
			if err != nil {
				msg := newswatch.ErrorMessage(err)
				if strings.Contains(strings.ToLower(msg), "sql") || strings.Contains(msg, "fts5") {
					t.Errorf("Search(%.40q): message %q leaks the engine", in, msg)
				}
			}
			_ = hits
		}
	}
	cases := []struct {
		q    string
		want []string
	}{
		{"Слов'янськ", []string{"a"}},
		{"слов’янськ", []string{"a"}},
		{"елка", []string{"b"}},
		{"ЁЛКА", []string{"b"}},
		{"києві", []string{"b"}},
		{"Києв*", []string{"b"}},
		{"Київ*", nil},
		{`"under fire"`, []string{"a"}},
		{`"fire under"`, nil},
		{"foo:bar", []string{"a"}},
		{"sloviansk -plant", nil},
		{"sloviansk OR ялинка", []string{"a", "b"}},
	}
	for _, c := range cases {
		hits, err := f.db.Search(ctx, newswatch.SearchQuery{Query: c.q})
		if err != nil {
			t.Errorf("Search(%q): %v", c.q, err)
			continue
		}
		var keys []string
		for _, h := range hits {
			keys = append(keys, h.Item.Key)
		}
		if diff := cmp.Diff(c.want, keys, sortStrings); diff != "" {
			t.Errorf("Search(%q) keys (-want +got):\n%s", c.q, diff)
		}
	}
	hits := must(f.db.Search(ctx, newswatch.SearchQuery{Query: "елка"}))(t)
	if want := newswatch.HighlightStart + "Ёлка" + newswatch.HighlightEnd; len(hits) != 1 || !strings.Contains(hits[0].Snippet, want) {
		t.Errorf("snippets for елка = %+v, want one containing %q", hits, want)
	}
}

func TestSearchRanking(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	same := "Reports say there was shelling overnight in the region, officials said."
	must(f.db.SaveItems(ctx, f.global.ID, []newswatch.IngestItem{
		ingest("old-same", "Update", same, f.t0.Add(-2*time.Hour), false),
		ingest("best", "Shelling", "Shelling, shelling and more shelling reported.", f.t0.Add(-5*time.Hour), false),
		ingest("new-same", "Update", same, f.t0.Add(-1*time.Hour), false),
		ingest("unrelated", "Weather", "Sunny.", f.t0, false),
		ingest("mid-same", "Update", same, f.t0.Add(-90*time.Minute), false),
	}))(t)
	hits := must(f.db.Search(ctx, newswatch.SearchQuery{Query: "shelling"}))(t)
	var keys []string
	for _, h := range hits {
		keys = append(keys, h.Item.Key)
	}
	if diff := cmp.Diff([]string{"best", "new-same", "mid-same", "old-same"}, keys); diff != "" {
		t.Errorf("ranking (-want +got):\n%s", diff)
	}
	if len(hits) == 4 && !(hits[0].Rank > hits[1].Rank && hits[1].Rank == hits[2].Rank) {
		t.Errorf("ranks %v, %v, %v: want the best strictly higher and equal ties", hits[0].Rank, hits[1].Rank, hits[2].Rank)
	}
	page := must(f.db.Search(ctx, newswatch.SearchQuery{Query: "shelling", Limit: 2, Offset: 2}))(t)
	if len(page) != 2 || page[0].Item.Key != "mid-same" {
		t.Errorf("page 2: %v", page)
	}
	for _, h := range hits {
		if !strings.Contains(strings.ToLower(h.Snippet), newswatch.HighlightStart+"shelling"+newswatch.HighlightEnd) {
			t.Errorf("snippet of %s = %q, want shelling highlighted", h.Item.Key, h.Snippet)
		}
		if h.Item.FeedTitle != "" || h.Item.FeedID != f.global.ID {
			t.Errorf("hit item feed %d %q", h.Item.FeedID, h.Item.FeedTitle)
		}
	}
}

var sortStrings = cmp.Transformer("sort", func(in []string) []string {
	out := append([]string(nil), in...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
})

// TestRankMatchesBM25 checks the Go ranking against FTS5's own bm25() on a
// corpus small enough that every match is a candidate and every document
// frequency is counted exactly: the scores must agree.
func TestRankMatchesBM25(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	feed := must(db.EnsureFeed(ctx, "https://x.example/", "", "cli", 0))(t)
	c := newCorpus(7, nil)
	var items []newswatch.IngestItem
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 300; i++ {
		items = append(items, c.item(fmt.Sprintf("k%d", i), t0.Add(time.Duration(i)*time.Minute)))
	}
	items = append(items, ingest("café", "Café Ёлка Straße", "Naïve café owners near the Ёлка.", t0, false))
	must(db.SaveItems(ctx, feed.ID, items))(t)
	for _, q := range []string{"the", "said military", `"officials in"`, "secur*", "drone OR missile", "war -drone", "cafe елка", "straße", "naive"} {
		hits := must(db.Search(ctx, newswatch.SearchQuery{Query: q, Limit: 100}))(t)
		expr := must(ftsQuery(q))(t)
		rows, err := db.r.Query(`SELECT rowid, -bm25(items_fts, 3.0, 1.0) FROM items_fts WHERE items_fts MATCH ?`, expr)
		if err != nil {
			t.Fatal(err)
		}
		want := map[int64]float64{}
		for rows.Next() {
			var id int64
			var score float64
			rows.Scan(&id, &score)
			want[id] = score
		}
		rows.Close()
		if len(hits) == 0 || len(hits) != min(100, len(want)) {
			t.Errorf("%q: %d hits, FTS5 has %d matches", q, len(hits), len(want))
		}
		for _, h := range hits {
			w, ok := want[h.Item.ID]
			if !ok || math.Abs(w-h.Rank) > 1e-9*math.Max(1, math.Abs(w)) {
				t.Errorf("%q: item %d scored %v, FTS5 bm25 %v", q, h.Item.ID, h.Rank, w)
				break
			}
		}
	}
}

// TestFoldedIndexStaysInSync checks that the index entries of texts with ё
// (indexed folded) are replaced on update and removed on prune.
func TestFoldedIndexStaysInSync(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	feed := must(db.EnsureFeed(ctx, "https://x.example/", "", "cli", 0))(t)
	at := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	matches := func(q string) int {
		var n int
		if err := db.r.QueryRow(`SELECT count(*) FROM items_fts WHERE items_fts MATCH ?`, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	must(db.SaveItems(ctx, feed.ID, []newswatch.IngestItem{ingest("a", "Ёлка", "Зелёный", at, false)}))(t)
	must(db.SaveItems(ctx, feed.ID, []newswatch.IngestItem{ingest("a", "Ёлка", "Жёлтый", at, false)}))(t)
	if got := [3]int{matches(`"елка"`), matches(`"зеленый"`), matches(`"желтый"`)}; got != [3]int{1, 0, 1} {
		t.Errorf("after update: matches for елка, зеленый, желтый = %v, want [1 0 1]", got)
	}
	must(db.Prune(ctx, at.Add(time.Hour)))(t)
	if got := [2]int{matches(`"елка"`), matches(`"желтый"`)}; got != [2]int{0, 0} {
		t.Errorf("after prune: matches = %v, want none", got)
	}
	if _, err := db.w.Exec(`INSERT INTO items_fts (items_fts) VALUES ('integrity-check')`); err != nil {
		t.Errorf("integrity-check: %v", err)
	}
}
