package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/newswatch/newswatch"
)

// collapseFixture stores eight items that all mention Kyiv and contain
// "shelling", in the global feed and the two guilds' feeds, and groups
// them into stories A, B and D; c0 has no story:
//
//	t0+0 a0 global A   t0+1 b0 global B   t0+2 c0 global -   t0+3 d0 global D
//	t0+4 d1 global D   t0+5 a1 g1     A   t0+6 b1 g2     B   t0+7 d2 g1     D
type collapseFixture struct {
	*fixture
	id    map[string]int64 // item key -> id
	story map[string]int64 // "A", "B", "D" -> story id
}

func newCollapseFixture(t *testing.T) *collapseFixture {
	t.Helper()
	ctx := context.Background()
	f := &collapseFixture{fixture: newFixture(t), id: map[string]int64{}, story: map[string]int64{}}
	items := []struct {
		key, story string
		feed       newswatch.Feed
		text       string
	}{
		{"a0", "A", f.global, "Kyiv shelling report"},
		{"b0", "B", f.global, "Shelling near Kyiv, Kyiv says"},
		{"c0", "", f.global, "Kyiv: shelling again"},
		{"d0", "D", f.global, "Kyiv shelling and more shelling"},
		{"d1", "D", f.global, "Kyiv shelling and more shelling, updated"},
		{"a1", "A", f.g1F, "Kyiv shelling report (wire)"},
		{"b1", "B", f.g2F, "Shelling near Kyiv, Kyiv says (wire)"},
		{"d2", "D", f.g1F, "Kyiv shelling and more shelling (wire)"},
	}
	for i, it := range items {
		at := f.t0.Add(time.Duration(i) * time.Minute)
		if _, err := f.db.SaveItems(ctx, it.feed.ID, []newswatch.IngestItem{
			ingest(it.key, it.text, it.text+" Full text about the shelling.", at, false, f.watches()...)}); err != nil {
			t.Fatal(err)
		}
		f.id[it.key] = itemID(t, f.db, it.feed.ID, it.key)
		if it.story == "" {
			continue
		}
		a := newswatch.StoryAssignment{ItemID: f.id[it.key], FeedID: it.feed.ID, Title: it.text, Time: at,
			How: newswatch.StoryText, StoryID: f.story[it.story]}
		if a.StoryID == 0 {
			a.How, a.Join = newswatch.StoryNew, -1
		}
		ids, err := f.db.SaveStoryItems(ctx, []newswatch.StoryAssignment{a})
		if err != nil {
			t.Fatal(err)
		}
		f.story[it.story] = ids[0]
	}
	return f
}

// entry is a collapsed entry as the tests compare them.
type entry struct {
	Item           string
	Story          string
	Items, Sources int
}

func (f *collapseFixture) entries(hits []newswatch.StoryHit) []entry {
	out := make([]entry, 0, len(hits))
	for _, h := range hits {
		e := entry{Items: h.ItemCount, Sources: h.SourceCount}
		for k, id := range f.id {
			if id == h.Item.ID {
				e.Item = k
			}
		}
		for k, id := range f.story {
			if id == h.StoryID && id != 0 {
				e.Story = k
			}
		}
		out = append(out, e)
	}
	return out
}

// pageAll reads every page of size per through get and fails when a page
// is longer than per or an entry repeats.
func pageAll[T any](t *testing.T, per int, key func(T) string, get func(limit, offset int) ([]T, error)) []T {
	t.Helper()
	var all []T
	seen := map[string]bool{}
	for off := 0; ; off += per {
		page, err := get(per, off)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) > per {
			t.Fatalf("page at %d has %d entries, want at most %d", off, len(page), per)
		}
		for _, e := range page {
			if k := key(e); seen[k] {
				t.Errorf("page size %d: %s repeats at offset %d", per, k, off)
			} else {
				seen[k] = true
			}
		}
		all = append(all, page...)
		if len(page) < per {
			return all
		}
	}
}

func TestLatestStoriesCollapse(t *testing.T) {
	ctx := context.Background()
	f := newCollapseFixture(t)
	for _, tt := range []struct {
		guild string
		want  []entry
	}{
		{"", []entry{{"d2", "D", 3, 2}, {"b1", "B", 2, 2}, {"a1", "A", 2, 2}, {"c0", "", 1, 1}}},
		// g1 sees the global feed and its own: B has only b0 for it.
		{"g1", []entry{{"d2", "D", 3, 2}, {"a1", "A", 2, 2}, {"c0", "", 1, 1}, {"b0", "B", 1, 1}}},
		{"g2", []entry{{"b1", "B", 2, 2}, {"d1", "D", 2, 1}, {"c0", "", 1, 1}, {"a0", "A", 1, 1}}},
	} {
		t.Run("guild "+tt.guild, func(t *testing.T) {
			hits, err := f.db.LatestStories(ctx, newswatch.LatestQuery{GuildID: tt.guild, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, f.entries(hits)); diff != "" {
				t.Errorf("LatestStories (-want +got):\n%s", diff)
			}
			for per := 1; per <= 5; per++ {
				got := pageAll(t, per, func(h newswatch.StoryHit) string { return fmt.Sprint(h.Item.ID) },
					func(limit, offset int) ([]newswatch.StoryHit, error) {
						return f.db.LatestStories(ctx, newswatch.LatestQuery{GuildID: tt.guild, Limit: limit, Offset: offset})
					})
				if diff := cmp.Diff(tt.want, f.entries(got)); diff != "" {
					t.Errorf("pages of %d (-want +got):\n%s", per, diff)
				}
			}
		})
	}
	// The feed filter: only the global feed's items, their stories counted
	// as the guild sees them.
	hits, err := f.db.LatestStories(ctx, newswatch.LatestQuery{GuildID: "g1", FeedID: f.global.ID, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	want := []entry{{"d1", "D", 3, 2}, {"c0", "", 1, 1}, {"b0", "B", 1, 1}, {"a0", "A", 2, 2}}
	if diff := cmp.Diff(want, f.entries(hits)); diff != "" {
		t.Errorf("feed filter (-want +got):\n%s", diff)
	}
}

func TestSearchStoriesCollapse(t *testing.T) {
	ctx := context.Background()
	f := newCollapseFixture(t)
	for _, guild := range []string{"", "g1", "g2"} {
		t.Run("guild "+guild, func(t *testing.T) {
			q := newswatch.SearchQuery{GuildID: guild, Query: "shelling kyiv", Limit: 100}
			items, err := f.db.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			// The stories in the order of their best-ranked item, which
			// is the entry.
			storyOf := map[int64]string{}
			for k, id := range f.id {
				storyOf[id] = map[string]string{"a0": "A", "a1": "A", "b0": "B", "b1": "B", "d0": "D", "d1": "D", "d2": "D"}[k]
			}
			var want []int64
			seen := map[string]bool{}
			for _, h := range items {
				s := storyOf[h.Item.ID]
				if s != "" && seen[s] {
					continue
				}
				seen[s] = s != ""
				want = append(want, h.Item.ID)
			}
			hits, err := f.db.SearchStories(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for i, h := range hits {
				got = append(got, h.Item.ID)
				if h.Snippet == "" || (i > 0 && h.Rank > hits[i-1].Rank) {
					t.Errorf("entry %d: snippet %q, rank %v after %v", i, h.Snippet, h.Rank, hits[max(i-1, 0)].Rank)
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("SearchStories entries (-want +got):\n%s", diff)
			}
			if len(hits) != 4 {
				t.Errorf("%d entries, want 4 (A, B, D and c0)", len(hits))
			}
			// Counts as LatestStories gives them for the same guild.
			latest := f.entries(must(f.db.LatestStories(ctx, newswatch.LatestQuery{GuildID: guild, Limit: 100}))(t))
			counts := map[string][2]int{}
			for _, e := range latest {
				counts[e.Story] = [2]int{e.Items, e.Sources}
			}
			for _, e := range f.entries(hits) {
				if c := counts[e.Story]; c != [2]int{e.Items, e.Sources} {
					t.Errorf("story %q: %d items %d sources, want %v", e.Story, e.Items, e.Sources, c)
				}
			}
			for per := 1; per <= 5; per++ {
				paged := pageAll(t, per, func(h newswatch.StoryHit) string { return fmt.Sprint(h.Item.ID) },
					func(limit, offset int) ([]newswatch.StoryHit, error) {
						q := q
						q.Limit, q.Offset = limit, offset
						return f.db.SearchStories(ctx, q)
					})
				if diff := cmp.Diff(f.entries(hits), f.entries(paged)); diff != "" {
					t.Errorf("pages of %d (-want +got):\n%s", per, diff)
				}
			}
		})
	}
}

func TestMentionStories(t *testing.T) {
	ctx := context.Background()
	f := newCollapseFixture(t)
	key := map[int64]string{}
	for k, id := range f.id {
		key[id] = k
	}
	storyKey := func(item string) string {
		if s := map[string]string{"a0": "A", "a1": "A", "b0": "B", "b1": "B", "d0": "D", "d1": "D", "d2": "D"}[item]; s != "" {
			return s
		}
		return item
	}
	for _, guild := range []string{"", "g1", "g2"} {
		t.Run("guild "+guild, func(t *testing.T) {
			q := newswatch.MentionQuery{GuildID: guild, Entity: "kiev", Limit: 100}
			all, err := f.db.Mentions(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			// Every item mentions Kyiv at least once; b0, b1 twice.
			var want []string
			seen := map[string]bool{}
			for _, h := range all {
				if k := storyKey(key[h.Item.ID]); !seen[k] {
					seen[k] = true
					want = append(want, fmt.Sprint(h.Item.ID, h.Mention.Start))
				}
			}
			if len(want) != 4 || len(all) <= len(want) {
				t.Fatalf("fixture: %d mentions in %d stories", len(all), len(want))
			}
			hits, err := f.db.MentionStories(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range hits {
				got = append(got, fmt.Sprint(h.Item.ID, h.Mention.Start))
				if h.Mention.Entity != "Kyiv" || h.Snippet == "" || h.ItemCount < 1 || h.SourceCount < 1 {
					t.Errorf("entry %+v", h)
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("MentionStories mention ids (-want +got):\n%s", diff)
			}
			for per := 1; per <= 5; per++ {
				paged := pageAll(t, per, func(h newswatch.StoryMentionHit) string { return storyKey(key[h.Item.ID]) },
					func(limit, offset int) ([]newswatch.StoryMentionHit, error) {
						q := q
						q.Limit, q.Offset = limit, offset
						return f.db.MentionStories(ctx, q)
					})
				if len(paged) != len(hits) {
					t.Errorf("pages of %d: %d entries, want %d", per, len(paged), len(hits))
				}
			}
			totals, err := f.db.CountMentions(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			items := map[int64]bool{}
			for _, h := range all {
				items[h.Item.ID] = true
			}
			if wantT := (newswatch.MentionTotals{Mentions: len(all), Items: len(items), Stories: 4}); totals != wantT {
				t.Errorf("CountMentions = %+v, want %+v", totals, wantT)
			}
		})
	}
	if _, err := f.db.MentionStories(ctx, newswatch.MentionQuery{Entity: "Nowhere"}); codeOf(err) != newswatch.ENOTFOUND {
		t.Errorf("unknown entity: %v, want ENOTFOUND", err)
	}
}

func TestStoryStats(t *testing.T) {
	ctx := context.Background()
	f := newCollapseFixture(t)
	for _, tt := range []struct {
		guild          string
		stories, multi int
	}{
		// Everything: A, B, D and c0; all three stories have two sources.
		{"", 4, 3},
		// g1: A (a0, a1), B (b0), D (d0, d1, d2) and c0.
		{"g1", 4, 2},
		// g2: A (a0), B (b0, b1), D (d0, d1: one feed) and c0.
		{"g2", 4, 1},
	} {
		st, err := f.db.StoryStats(ctx, tt.guild)
		if err != nil {
			t.Fatal(err)
		}
		if st.Stories != tt.stories || st.MultiSource != tt.multi {
			t.Errorf("guild %q: %d stories, %d multi-source; want %d, %d", tt.guild, st.Stories, st.MultiSource, tt.stories, tt.multi)
		}
	}
	days, err := f.db.MentionStoryCounts(ctx, "g2", f.t0.Add(-time.Hour), f.t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if want := []newswatch.DayCount{{Entity: "Kyiv", Day: "2026-03-01", Count: 4}}; !cmp.Equal(want, days) {
		t.Errorf("MentionStoryCounts = %+v, want %+v", days, want)
	}
	items, err := f.db.MentionCounts(ctx, "g2", f.t0.Add(-time.Hour), f.t0.Add(time.Hour))
	if err != nil || len(items) != 1 || items[0].Count <= 4 {
		t.Errorf("MentionCounts = %+v, %v; want more mentions than stories", items, err)
	}
}

// TestLatestStoriesBatches pages through more items than one read batch,
// with ties on time, against the definition: an item is an entry when it
// is the first of its story in Latest's order.
func TestLatestStoriesBatches(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	var in []newswatch.IngestItem
	for k := range 90 {
		// Pairs of items share a time, so the read resumes inside ties.
		in = append(in, ingest(fmt.Sprintf("k%02d", k), fmt.Sprintf("item %d", k), "text", f.t0.Add(time.Duration(k/2)*time.Minute), false))
	}
	if _, err := f.db.SaveItems(ctx, f.global.ID, in); err != nil {
		t.Fatal(err)
	}
	// Most items are in three stories (by k%3), every ninth has none:
	// entries are sparse, so deeper pages need more than one read batch.
	story := map[int]int64{}
	for k := range 90 {
		g := k % 3
		if k%9 == 8 {
			continue
		}
		a := newswatch.StoryAssignment{ItemID: itemID(t, f.db, f.global.ID, fmt.Sprintf("k%02d", k)), FeedID: f.global.ID,
			Time: f.t0.Add(time.Duration(k/2) * time.Minute), How: newswatch.StoryText, StoryID: story[g]}
		if a.StoryID == 0 {
			a.How, a.Join = newswatch.StoryNew, -1
		}
		ids, err := f.db.SaveStoryItems(ctx, []newswatch.StoryAssignment{a})
		if err != nil {
			t.Fatal(err)
		}
		story[g] = ids[0]
	}
	items, err := f.db.Latest(ctx, newswatch.LatestQuery{Limit: 100})
	if err != nil || len(items) != 90 {
		t.Fatalf("Latest: %d items, %v", len(items), err)
	}
	storyOf, err := f.db.storiesOf(ctx, func() []int64 {
		var ids []int64
		for _, it := range items {
			ids = append(ids, it.ID)
		}
		return ids
	}())
	if err != nil {
		t.Fatal(err)
	}
	var want []int64
	seen := map[int64]bool{}
	for _, it := range items {
		if s := storyOf[it.ID]; s != 0 {
			if seen[s] {
				continue
			}
			seen[s] = true
		}
		want = append(want, it.ID)
	}
	if len(want) != 13 {
		t.Fatalf("fixture: %d entries of 90 items", len(want))
	}
	for _, limit := range []int{1, 4, 30} {
		for off := 0; off <= len(want); off++ {
			hits, err := f.db.LatestStories(ctx, newswatch.LatestQuery{Limit: limit, Offset: off})
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, h := range hits {
				got = append(got, h.Item.ID)
			}
			exp := want[min(off, len(want)):min(off+limit, len(want))]
			if !cmp.Equal(exp, got, cmpopts.EquateEmpty()) {
				t.Fatalf("limit %d offset %d: got %v, want %v", limit, off, got, exp)
			}
		}
	}
}

// TestMentionStoriesBatches pages MentionStories through more mentions
// than one read of Mentions returns, against the definition: a mention is
// an entry when it is the first of its story in Mentions' order.
func TestMentionStoriesBatches(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	const n = 250
	var in []newswatch.IngestItem
	for k := range n {
		in = append(in, ingest(fmt.Sprintf("k%03d", k), fmt.Sprintf("Kyiv report %d", k), "text",
			f.t0.Add(time.Duration(k/2)*time.Minute), false, f.kyiv))
	}
	if _, err := f.db.SaveItems(ctx, f.global.ID, in); err != nil {
		t.Fatal(err)
	}
	// Three stories (by k%3) and every ninth item on its own; item 149
	// (the 101st mention, newest first) is one of those, the first of the
	// second read of Mentions.
	story := map[int]int64{}
	singles := 0
	for k := range n {
		if k%9 == 5 {
			singles++
			continue
		}
		a := newswatch.StoryAssignment{ItemID: itemID(t, f.db, f.global.ID, fmt.Sprintf("k%03d", k)), FeedID: f.global.ID,
			Time: f.t0.Add(time.Duration(k/2) * time.Minute), How: newswatch.StoryText, StoryID: story[k%3]}
		if a.StoryID == 0 {
			a.How, a.Join = newswatch.StoryNew, -1
		}
		ids, err := f.db.SaveStoryItems(ctx, []newswatch.StoryAssignment{a})
		if err != nil {
			t.Fatal(err)
		}
		story[k%3] = ids[0]
	}
	var all []newswatch.MentionHit
	for off := 0; ; off += 100 {
		page, err := f.db.Mentions(ctx, newswatch.MentionQuery{Entity: "Kyiv", Limit: 100, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page...)
		if len(page) < 100 {
			break
		}
	}
	ids := make([]int64, len(all))
	for i, h := range all {
		ids[i] = h.Item.ID
	}
	storyOf, err := f.db.storiesOf(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	var want []int64
	seen := map[int64]bool{}
	for _, h := range all {
		key := storyOf[h.Item.ID]
		if key == 0 {
			key = -h.Item.ID
		}
		if !seen[key] {
			seen[key] = true
			want = append(want, h.Item.ID)
		}
	}
	if len(all) != n || len(want) != 3+singles {
		t.Fatalf("fixture: %d mentions, %d entries", len(all), len(want))
	}
	for _, limit := range []int{1, 10, 100} {
		for off := 0; off <= len(want); off += 2 {
			hits, err := f.db.MentionStories(ctx, newswatch.MentionQuery{Entity: "kiev", Limit: limit, Offset: off})
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, h := range hits {
				got = append(got, h.Item.ID)
				if s := storyOf[h.Item.ID]; s != 0 && (h.StoryID != s || h.ItemCount < 2) {
					t.Errorf("entry %+v: story %d, want %d with its items counted", h.Item.ID, h.StoryID, s)
				}
			}
			exp := want[min(off, len(want)):min(off+limit, len(want))]
			if !cmp.Equal(exp, got, cmpopts.EquateEmpty()) {
				t.Fatalf("limit %d offset %d: got %v, want %v", limit, off, got, exp)
			}
		}
	}
}
