package store

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
)

// scriptDecider is a StoryDecider that gives each candidate the story its
// key names in plan: a key absent from plan starts a story, one mapped to
// another key joins that key's story (of this batch or an earlier one),
// one mapped to "story:N" joins story N, one mapped to "url" joins the
// story byURL gives for its canonical URL (or starts one).
type scriptDecider struct {
	plan    map[string]string
	storyOf map[string]int64 // key -> story, once written
}

func (d *scriptDecider) DecideStories(ctx context.Context, cands []newswatch.StoryCandidate,
	byURL func([]string) (map[string]int64, error)) ([]newswatch.StoryAssignment, func([]int64), func(bool), error) {
	// Like the Assigner, it asks for the canonical URLs of the batch.
	urls := make([]string, len(cands))
	for i, c := range cands {
		urls[i] = newswatch.CanonicalURL(c.Link)
	}
	byU, err := byURL(urls)
	if err != nil {
		return nil, nil, nil, err
	}
	as := make([]newswatch.StoryAssignment, len(cands))
	first := map[string]int{}
	for i, c := range cands {
		as[i] = newswatch.StoryAssignment{ItemID: c.ItemID, FeedID: c.FeedID, Title: c.Title, Time: c.Time,
			CanonURL: newswatch.CanonicalURL(c.Link), How: newswatch.StoryNew, Join: -1}
		first[c.Key] = i
		to, ok := d.plan[c.Key]
		if !ok {
			continue
		}
		as[i].How = newswatch.StoryText
		var n int64
		switch {
		case to == "url":
			as[i].StoryID, as[i].How = byU[urls[i]], newswatch.StoryURL
			if as[i].StoryID == 0 {
				as[i].How = newswatch.StoryNew
			}
		case len(to) > 6 && to[:6] == "story:":
			for _, r := range to[6:] {
				n = n*10 + int64(r-'0')
			}
			as[i].StoryID = n
		case d.storyOf[to] != 0:
			as[i].StoryID = d.storyOf[to]
		default:
			as[i].Join = first[to]
		}
	}
	written := func(ids []int64) {
		for i, id := range ids {
			d.storyOf[cands[i].Key] = id
		}
	}
	return as, written, nil, nil
}

func itemStory(t *testing.T, db *DB, key string) (item int64, story sql.NullInt64, canon sql.NullInt64) {
	t.Helper()
	if err := db.r.QueryRow(`SELECT id, story_id, canon_key FROM items WHERE key = ?`, key).Scan(&item, &story, &canon); err != nil {
		t.Fatalf("item %s: %v", key, err)
	}
	return item, story, canon
}

// TestStoryColumnsOnSave: a save writes each new item's story and
// canonical URL key with the item and its mentions; a story of one item
// has no row in stories and is still listed, with its item's title and
// time; a second item joining it gives it its row, from its first item,
// with last_seen the newest item's time.
func TestStoryColumnsOnSave(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	d := &scriptDecider{plan: map[string]string{"b": "a"}, storyOf: map[string]int64{}}
	f.db.SetStoryDecider(d)
	if _, err := f.db.SaveItems(ctx, f.global.ID, []newswatch.IngestItem{
		ingest("a", "Kyiv first", "Shelling in Kyiv overnight.", f.t0, false, f.watches()...),
	}); err != nil {
		t.Fatal(err)
	}
	a, sa, ka := itemStory(t, f.db, "a")
	if !sa.Valid || !ka.Valid || ka.Int64 != urlKey(newswatch.CanonicalURL("https://example.com/a")) {
		t.Fatalf("item a: story %v, canon key %v", sa, ka)
	}
	var rows, ments, other int
	f.db.r.QueryRow(`SELECT (SELECT count(*) FROM stories), (SELECT count(*) FROM mentions WHERE item_id = ?1 AND story_id = ?2),
		(SELECT count(*) FROM mentions WHERE item_id = ?1 AND story_id IS NOT ?2)`, a, sa.Int64).Scan(&rows, &ments, &other)
	if rows != 0 || ments == 0 || other != 0 {
		t.Errorf("after one item: %d story rows (want 0), %d mentions with its story, %d without", rows, ments, other)
	}
	s, err := f.db.Story(ctx, "", sa.Int64)
	if err != nil || s.Title != "Kyiv first" || !s.FirstSeen.Equal(f.t0) || len(s.Items) != 1 {
		t.Fatalf("story of one item: %+v, %v", s, err)
	}
	if l := must(f.db.Stories(ctx, newswatch.StoryQuery{Since: f.t0.Add(-time.Hour)}))(t); len(l) != 1 || l[0].ID != sa.Int64 {
		t.Fatalf("listed: %+v", l)
	}

	later := f.t0.Add(time.Hour)
	if _, err := f.db.SaveItems(ctx, f.g1F.ID, []newswatch.IngestItem{
		ingest("b", "Kyiv copy", "Shelling in Kyiv overnight, again.", later, false, f.watches()...),
	}); err != nil {
		t.Fatal(err)
	}
	b, sb, _ := itemStory(t, f.db, "b")
	if sb != sa {
		t.Fatalf("b's story %v, want a's %v", sb, sa)
	}
	if err := f.db.r.QueryRow(`SELECT count(*) FROM stories`).Scan(&rows); err != nil || rows != 0 {
		t.Errorf("%d story rows once a second item joined (want 0: no route alerted it), %v", rows, err)
	}
	var bMent sql.NullInt64
	f.db.r.QueryRow(`SELECT story_id FROM mentions WHERE item_id = ?`, b).Scan(&bMent)
	if bMent != sa {
		t.Errorf("b's mention has story %v, want %v", bMent, sa)
	}
	s, err = f.db.Story(ctx, "", sa.Int64)
	if err != nil || len(s.Items) != 2 || s.Items[0].ItemID != a || s.Title != "Kyiv first" || !s.FirstSeen.Equal(f.t0) || !s.LastSeen.Equal(later) {
		t.Errorf("story of two: %+v, %v", s, err)
	}
	for _, since := range []time.Time{f.t0.Add(-time.Hour), later} {
		l := must(f.db.Stories(ctx, newswatch.StoryQuery{Since: since}))(t)
		if len(l) != 1 || l[0].ID != sa.Int64 || l[0].Title != "Kyiv first" || !l[0].FirstSeen.Equal(f.t0) || !l[0].LastSeen.Equal(later) {
			t.Errorf("listed since %v: %+v, want the story once, from its first item to its newest", since, l)
		}
	}
	if l := must(f.db.Stories(ctx, newswatch.StoryQuery{Since: f.t0.Add(-time.Hour), Items: 5}))(t); len(l) != 1 || len(l[0].Items) != 2 {
		t.Errorf("listed once with both items: %+v", l)
	}
}

// TestStoryColumnsFlushedEarly: an item whose row was written before the
// batch's stories were decided (a key repeated in the batch flushes the
// rows before its update) still gets its story, on the item and on the
// mentions of its update; a story joined inside one batch gets no row.
func TestStoryColumnsFlushedEarly(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	d := &scriptDecider{plan: map[string]string{"y": "x"}, storyOf: map[string]int64{}}
	f.db.SetStoryDecider(d)
	if _, err := f.db.SaveItems(ctx, f.global.ID, []newswatch.IngestItem{
		ingest("x", "Odd title", "Nothing here.", f.t0, false, f.watches()...),
		ingest("x", "Odd title", "Now about Kyiv.", f.t0, false, f.watches()...),
		ingest("y", "Copy", "Now about Kyiv too.", f.t0.Add(time.Minute), false, f.watches()...),
	}); err != nil {
		t.Fatal(err)
	}
	x, sx, _ := itemStory(t, f.db, "x")
	_, sy, _ := itemStory(t, f.db, "y")
	if !sx.Valid || sy != sx {
		t.Fatalf("stories x %v, y %v: want one", sx, sy)
	}
	var ments, rows int
	f.db.r.QueryRow(`SELECT (SELECT count(*) FROM mentions WHERE item_id = ? AND story_id = ?), (SELECT count(*) FROM stories WHERE id = ?)`,
		x, sx.Int64, sx.Int64).Scan(&ments, &rows)
	if ments != 1 || rows != 0 {
		t.Errorf("x's updated mention with its story: %d (want 1); story rows %d (want 0)", ments, rows)
	}
	if s, err := f.db.Story(ctx, "", sx.Int64); err != nil || len(s.Items) != 2 || s.Title != "Odd title" {
		t.Errorf("story of x and y: %+v, %v", s, err)
	}
	if _, left, err := f.db.OldestUnassigned(ctx); err != nil || left {
		t.Errorf("items left without a story: %v, %v", left, err)
	}
}

// TestStoryJoinedGone: an item whose decider names a story that
// ResetStories deleted (a decider still holding it from before: another
// process ran stories --rebuild) is stored without a story, for the next
// load, instead of pointing at nothing; the same through SaveStoryItems.
func TestStoryJoinedGone(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	d := &scriptDecider{plan: map[string]string{}, storyOf: map[string]int64{}}
	f.db.SetStoryDecider(d)
	must(f.db.SaveItems(ctx, f.global.ID, []newswatch.IngestItem{ingest("a", "A", "Kyiv a.", f.t0, false, f.watches()...)}))(t)
	_, old, _ := itemStory(t, f.db, "a")
	if err := f.db.ResetStories(ctx); err != nil {
		t.Fatal(err)
	}
	d.plan["b"] = "story:" + strconv.FormatInt(old.Int64, 10)
	must(f.db.SaveItems(ctx, f.global.ID, []newswatch.IngestItem{ingest("b", "B", "Kyiv b.", f.t0.Add(time.Minute), false, f.watches()...)}))(t)
	if _, s, k := itemStory(t, f.db, "b"); s.Valid || k.Valid {
		t.Errorf("b joined story %d, deleted by the reset: story %v, key %v", old.Int64, s, k)
	}
	f.db.SetStoryDecider(nil)
	un := must(f.db.UnassignedItems(ctx, f.global.ID, []string{"a", "b"}))(t)
	if un["a"] == 0 || un["b"] == 0 {
		t.Fatalf("unassigned after the reset: %v", un)
	}
	must(f.db.SaveStoryItems(ctx, []newswatch.StoryAssignment{{ItemID: un["b"], FeedID: f.global.ID, StoryID: old.Int64,
		Time: f.t0, How: newswatch.StoryText, Join: -1}}))(t)
	if _, s, _ := itemStory(t, f.db, "b"); s.Valid {
		t.Errorf("SaveStoryItems put b in story %v, deleted by the reset", s)
	}
	// The load after the reset: a starts a story, b joins it.
	ids := must(f.db.SaveStoryItems(ctx, []newswatch.StoryAssignment{
		{ItemID: un["a"], FeedID: f.global.ID, Title: "A", Time: f.t0, How: newswatch.StoryNew, Join: -1},
		{ItemID: un["b"], FeedID: f.global.ID, Title: "B", Time: f.t0.Add(time.Minute), How: newswatch.StoryText, Join: 0},
	}))(t)
	_, sa, _ := itemStory(t, f.db, "a")
	_, sb, _ := itemStory(t, f.db, "b")
	if ids[0] <= old.Int64 || sa.Int64 != ids[0] || sb != sa {
		t.Errorf("after the reset: ids %v (the deleted story was %d), a in %v, b in %v", ids, old.Int64, sa, sb)
	}
	var ments int
	f.db.r.QueryRow(`SELECT count(*) FROM mentions WHERE item_id = ? AND story_id = ?`, un["b"], sa.Int64).Scan(&ments)
	s, err := f.db.Story(ctx, "", sa.Int64)
	if err != nil || len(s.Items) != 2 || s.Items[0].ItemID != un["a"] || !s.LastSeen.Equal(f.t0.Add(time.Minute)) || ments != 1 {
		t.Errorf("the story: %+v, %v; b's mentions with it: %d", s, err, ments)
	}
}

// TestStoryLoneItemRemoved: a story whose one item went with its feed is
// not gone: a later copy that its decider joins to it carries it on,
// instead of being left without a story, and is its first item now.
func TestStoryLoneItemRemoved(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	d := &scriptDecider{plan: map[string]string{}, storyOf: map[string]int64{}}
	f.db.SetStoryDecider(d)
	must(f.db.SaveItems(ctx, f.g1F.ID, []newswatch.IngestItem{ingest("w1", "Wire", "Kyiv wire.", f.t0, false, f.watches()...)}))(t)
	_, s, _ := itemStory(t, f.db, "w1")
	if err := f.db.RemoveFeed(ctx, "g1", f.g1F.ID); err != nil {
		t.Fatal(err)
	}
	d.plan["x"] = "story:" + strconv.FormatInt(s.Int64, 10)
	d.plan["y"] = "x"
	must(f.db.SaveItems(ctx, f.global.ID, []newswatch.IngestItem{
		ingest("x", "Copy", "Kyiv wire copy.", f.t0.Add(time.Hour), false, f.watches()...),
		ingest("y", "Copy 2", "Kyiv wire copy 2.", f.t0.Add(2*time.Hour), false, f.watches()...),
	}))(t)
	x, sx, _ := itemStory(t, f.db, "x")
	_, sy, _ := itemStory(t, f.db, "y")
	if sx != s || sy != s {
		t.Fatalf("copies in %v and %v, want the removed item's story %v", sx, sy, s)
	}
	if st, err := f.db.Story(ctx, "", s.Int64); err != nil || len(st.Items) != 2 || st.Items[0].ItemID != x || st.Title != "Copy" {
		t.Errorf("the story: %+v, %v; want its first item %d", st, err, x)
	}
	if _, left, err := f.db.OldestUnassigned(ctx); err != nil || left {
		t.Errorf("items left without a story: %v, %v", left, err)
	}
}

// TestStoryRowFromStarter: a story's row takes the title and first_seen of
// the item that started it, not of a copy published earlier that joined
// it later (or later in the batch).
func TestStoryRowFromStarter(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	d := &scriptDecider{plan: map[string]string{"b": "a", "q": "p"}, storyOf: map[string]int64{}}
	f.db.SetStoryDecider(d)
	must(f.db.SaveItems(ctx, f.global.ID, []newswatch.IngestItem{ingest("a", "Headline A", "Kyiv a.", f.t0, false)}))(t)
	must(f.db.SaveItems(ctx, f.g1F.ID, []newswatch.IngestItem{ingest("b", "Headline B", "Kyiv b.", f.t0.Add(-time.Hour), false)}))(t)
	// In one batch: p starts, q (published earlier) joins.
	must(f.db.SaveItems(ctx, f.g2F.ID, []newswatch.IngestItem{
		ingest("p", "Headline P", "Odesa p.", f.t0.Add(3*time.Hour), false),
		ingest("q", "Headline Q", "Odesa q.", f.t0.Add(2*time.Hour), false),
	}))(t)
	for _, c := range []struct {
		starter, joiner string
		title           string
		first, last     time.Time
	}{{"a", "b", "Headline A", f.t0, f.t0}, {"p", "q", "Headline P", f.t0.Add(3 * time.Hour), f.t0.Add(3 * time.Hour)}} {
		id, s, _ := itemStory(t, f.db, c.starter)
		st, err := f.db.Story(ctx, "", s.Int64)
		if err != nil || st.Title != c.title || !st.FirstSeen.Equal(c.first) || !st.LastSeen.Equal(c.last) {
			t.Errorf("story of %s and %s: %+v, %v", c.starter, c.joiner, st, err)
		}
		if l := must(f.db.Stories(ctx, newswatch.StoryQuery{Since: c.first.Add(-2 * time.Hour)}))(t); !slices.ContainsFunc(l, func(x newswatch.Story) bool {
			return x.ID == s.Int64 && x.Title == c.title && x.FirstSeen.Equal(c.first) && x.LastSeen.Equal(c.last)
		}) {
			t.Errorf("story of %s and %s listed as %+v", c.starter, c.joiner, l)
		}
		// The row an alert gives it says the same.
		if err := f.db.tx(ctx, func(tx *sql.Tx) error { return ensureStories(ctx, tx, nil, []int64{s.Int64}) }); err != nil {
			t.Fatal(err)
		}
		var first, firstSeen, lastSeen int64
		var title string
		if err := f.db.r.QueryRow(`SELECT first_item_id, title, first_seen, last_seen FROM stories WHERE id = ?`, s.Int64).
			Scan(&first, &title, &firstSeen, &lastSeen); err != nil {
			t.Fatalf("row of the story of %s: %v", c.starter, err)
		}
		if first != id || title != c.title || firstSeen != ms(c.first) || lastSeen != ms(c.last) {
			t.Errorf("row of the story of %s and %s: first item %d (want %d), %q, first_seen %v, last_seen %v", c.starter, c.joiner,
				first, id, title, fromMS(firstSeen), fromMS(lastSeen))
		}
	}
}

// TestAlertedStoryLastSeen: the row of an alerted story follows the items
// that join it later, so that listing the stories active since a time
// finds it by its newest item.
func TestAlertedStoryLastSeen(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.db.SetStoryDecider(&scriptDecider{plan: map[string]string{"b": "a", "c": "a"}, storyOf: map[string]int64{}})
	must(f.db.SaveItems(ctx, f.global.ID, []newswatch.IngestItem{ingest("a", "First", "Kyiv a.", f.t0, false)}))(t)
	must(f.db.SaveItems(ctx, f.g1F.ID, []newswatch.IngestItem{ingest("b", "Second", "Kyiv b.", f.t0.Add(time.Hour), false)}))(t)
	_, s, _ := itemStory(t, f.db, "a")
	if err := f.db.tx(ctx, func(tx *sql.Tx) error { return ensureStories(ctx, tx, nil, []int64{s.Int64}) }); err != nil {
		t.Fatal(err)
	}
	later := f.t0.Add(5 * time.Hour)
	must(f.db.SaveItems(ctx, f.g2F.ID, []newswatch.IngestItem{ingest("c", "Third", "Kyiv c.", later, false)}))(t)
	var lastSeen int64
	if err := f.db.r.QueryRow(`SELECT last_seen FROM stories WHERE id = ?`, s.Int64).Scan(&lastSeen); err != nil || lastSeen != ms(later) {
		t.Errorf("row's last_seen %v, %v; want %v", fromMS(lastSeen), err, later)
	}
	l := must(f.db.Stories(ctx, newswatch.StoryQuery{Since: later}))(t)
	if len(l) != 1 || l[0].ID != s.Int64 || l[0].Title != "First" || !l[0].LastSeen.Equal(later) {
		t.Errorf("stories since the third item: %+v", l)
	}
}

// TestUpdatedTwiceKeepsMentionStory: an item updated twice in one batch
// keeps its story on the mentions of the second update, so the stories
// mentioning a watch do not grow.
func TestUpdatedTwiceKeepsMentionStory(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.db.SetStoryDecider(&scriptDecider{plan: map[string]string{"b": "a"}, storyOf: map[string]int64{}})
	must(f.db.SaveItems(ctx, f.global.ID, []newswatch.IngestItem{ingest("a", "Kyiv", "Shelling in Kyiv.", f.t0, false, f.watches()...)}))(t)
	must(f.db.SaveItems(ctx, f.g1F.ID, []newswatch.IngestItem{ingest("b", "Kyiv copy", "Shelling in Kyiv, copy.", f.t0, false, f.watches()...)}))(t)
	q := newswatch.MentionQuery{Entity: "Kyiv", Since: f.t0.Add(-time.Hour)}
	before := must(f.db.CountMentions(ctx, q))(t)
	must(f.db.SaveItems(ctx, f.global.ID, []newswatch.IngestItem{
		ingest("a", "Kyiv", "Shelling in Kyiv, updated.", f.t0, false, f.watches()...),
		ingest("a", "Kyiv", "Shelling in Kyiv, updated again.", f.t0, false, f.watches()...)}))(t)
	after := must(f.db.CountMentions(ctx, q))(t)
	if before.Stories != 1 || after.Stories != before.Stories {
		t.Errorf("stories mentioning Kyiv: %d, was %d", after.Stories, before.Stories)
	}
}

// TestStoryIDNotGivenTwice: a new story's id that SaveStoryItems returns
// for an item that meanwhile got a story (another process assigned it) is
// used up all the same: the next story does not get it.
func TestStoryIDNotGivenTwice(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	must(f.db.SaveItems(ctx, f.global.ID, []newswatch.IngestItem{ingest("a", "A", "a", f.t0, false), ingest("b", "B", "b", f.t0.Add(1), false)}))(t)
	un := must(f.db.UnassignedItems(ctx, f.global.ID, []string{"a", "b"}))(t)
	as := []newswatch.StoryAssignment{{ItemID: un["a"], FeedID: f.global.ID, Title: "A", Time: f.t0, How: newswatch.StoryNew, Join: -1}}
	must(f.db.SaveStoryItems(ctx, as))(t)
	second := must(f.db.SaveStoryItems(ctx, as))(t) // another assigner, late
	third := must(f.db.SaveStoryItems(ctx, []newswatch.StoryAssignment{{ItemID: un["b"], FeedID: f.global.ID, Title: "B", Time: f.t0,
		How: newswatch.StoryNew, Join: -1}}))(t)
	if third[0] <= second[0] {
		t.Errorf("story id %d was returned for item a and then %d given to item b", second[0], third[0])
	}
}

// TestStoryIDFloorWithoutRows: stories of one item have no row, so the
// next story's id must not come from the rows: after a save of three lone
// stories and a reset, new ids are above all three.
func TestStoryIDFloorWithoutRows(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	d := &scriptDecider{plan: map[string]string{}, storyOf: map[string]int64{}}
	f.db.SetStoryDecider(d)
	var items []newswatch.IngestItem
	for i, k := range []string{"p", "q", "r"} {
		items = append(items, ingest(k, k, k, f.t0.Add(time.Duration(i)*time.Minute), false))
	}
	must(f.db.SaveItems(ctx, f.global.ID, items))(t)
	_, top, _ := itemStory(t, f.db, "r")
	if _, err := f.db.w.Exec(`DELETE FROM items WHERE key = 'r'`); err != nil {
		t.Fatal(err)
	}
	must(f.db.SaveItems(ctx, f.global.ID, []newswatch.IngestItem{ingest("s", "s", "s", f.t0.Add(time.Hour), false)}))(t)
	if _, s, _ := itemStory(t, f.db, "s"); !s.Valid || s.Int64 <= top.Int64 {
		t.Errorf("after the newest lone story's item went, the next story got %v, not above %d", s, top.Int64)
	}
}

// TestURLFilterOtherWriter: the save path's filter of canonical URL keys
// (urlFilter) must not hide a key another connection wrote after it was
// built (another process: `stories --rebuild`, a second daemon's
// database object here), nor one stored before this DB was opened.
func TestURLFilterOtherWriter(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	var seq int
	var name, path string
	if err := f.db.r.QueryRow(`PRAGMA database_list`).Scan(&seq, &name, &path); err != nil {
		t.Fatal(err)
	}
	d := &scriptDecider{plan: map[string]string{"late": "url", "again": "url"}, storyOf: map[string]int64{}}
	f.db.SetStoryDecider(d)
	// A's filter is built by its first save.
	must(f.db.SaveItems(ctx, f.global.ID, []newswatch.IngestItem{ingest("first", "First", "first", f.t0, false)}))(t)
	if !f.db.urls.built {
		t.Fatal("the save did not build the filter")
	}

	other, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	od := &scriptDecider{plan: map[string]string{}, storyOf: map[string]int64{}}
	other.SetStoryDecider(od)
	early := ingest("early", "Early", "early", f.t0, false)
	early.Item.Link = "https://wire.example/story?utm_source=x"
	must(other.SaveItems(ctx, f.g1F.ID, []newswatch.IngestItem{early}))(t)
	other.Close()
	_, se, ke := itemStory(t, f.db, "early")
	if !se.Valid || !ke.Valid {
		t.Fatalf("the other writer's item: story %v, key %v", se, ke)
	}

	late := ingest("late", "Late", "late", f.t0.Add(96*time.Hour), false)
	late.Item.Link = "https://wire.example/story"
	must(f.db.SaveItems(ctx, f.global.ID, []newswatch.IngestItem{late}))(t)
	if _, sl, _ := itemStory(t, f.db, "late"); sl != se {
		t.Errorf("the same canonical URL after another writer stored it: story %v, want %v", sl, se)
	}

	// A new DB object builds its filter from the table.
	db2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	db2.SetStoryDecider(d)
	again := ingest("again", "Again", "again", f.t0.Add(200*time.Hour), false)
	again.Item.Link = "https://wire.example/story#top"
	must(db2.SaveItems(ctx, f.g2F.ID, []newswatch.IngestItem{again}))(t)
	if _, sa, _ := itemStory(t, db2, "again"); sa != se {
		t.Errorf("the same canonical URL after a reopen: story %v, want %v", sa, se)
	}
}

// TestURLFilterSets: every key added is found, across the sets the filter
// opens as it grows; few others are; past maxFilterKeys it is off and
// passes every URL through.
func TestURLFilterSets(t *testing.T) {
	f := &urlFilter{built: true}
	const n = 3 * minFilterKeys
	for i := 0; i < n; i++ {
		f.add(urlKey("https://in.example/" + strconv.Itoa(i)))
	}
	if len(f.sets) < 2 {
		t.Fatalf("%d sets for %d keys", len(f.sets), n)
	}
	has := func(u string) bool {
		k := urlKey(u)
		for i := range f.sets {
			if f.sets[i].has(k) {
				return true
			}
		}
		return false
	}
	for i := 0; i < n; i++ {
		if !has("https://in.example/" + strconv.Itoa(i)) {
			t.Fatalf("key %d added and not found", i)
		}
	}
	fp := 0
	for i := 0; i < n; i++ {
		if has("https://out.example/" + strconv.Itoa(i)) {
			fp++
		}
	}
	if rate := float64(fp) / n; rate > 0.01 {
		t.Errorf("false positives %.4f", rate)
	}
	defer func(m int) { maxFilterKeys = m }(maxFilterKeys)
	maxFilterKeys = 8 * minFilterKeys
	for i := 0; i < 8*minFilterKeys && !f.off; i++ {
		f.add(int64(i))
	}
	if !f.off || f.sets != nil {
		t.Errorf("past maxFilterKeys: off %v, %d sets", f.off, len(f.sets))
	}
}

// alertedStory saves a, gives its story a row as an alert would, and
// returns the story.
func alertedStory(t *testing.T, f *fixture, d *scriptDecider) int64 {
	t.Helper()
	ctx := context.Background()
	f.db.SetStoryDecider(d)
	must(f.db.SaveItems(ctx, f.global.ID, []newswatch.IngestItem{ingest("a", "First", "Kyiv a.", f.t0, false)}))(t)
	_, s, _ := itemStory(t, f.db, "a")
	if err := f.db.tx(ctx, func(tx *sql.Tx) error { return ensureStories(ctx, tx, nil, []int64{s.Int64}) }); err != nil {
		t.Fatal(err)
	}
	return s.Int64
}

// listedSince checks that the stories active since since are story alone,
// with since as its last time.
func listedSince(t *testing.T, f *fixture, story int64, since time.Time) {
	t.Helper()
	l := must(f.db.Stories(context.Background(), newswatch.StoryQuery{Since: since}))(t)
	if len(l) != 1 || l[0].ID != story || !l[0].LastSeen.Equal(since) {
		t.Errorf("stories since %v: %+v, want story %d last seen then", since, l, story)
	}
}

// TestChainedJoinLastSeen: an item that joins an alerted story through
// another item of its batch moves the story's last_seen too.
func TestChainedJoinLastSeen(t *testing.T) {
	f := newFixture(t)
	d := &scriptDecider{plan: map[string]string{}, storyOf: map[string]int64{}}
	s := alertedStory(t, f, d)
	d.plan["b"], d.plan["c"] = "story:"+strconv.FormatInt(s, 10), "b"
	later := f.t0.Add(5 * time.Hour)
	must(f.db.SaveItems(context.Background(), f.g1F.ID, []newswatch.IngestItem{
		ingest("b", "Second", "Kyiv b.", f.t0.Add(time.Hour), false),
		ingest("c", "Third", "Kyiv c.", later, false)}))(t)
	listedSince(t, f, s, later)
}

// TestUpdatedItemMovesLastSeen: an item of an alerted story that its feed
// republishes later moves the story's last_seen with it.
func TestUpdatedItemMovesLastSeen(t *testing.T) {
	f := newFixture(t)
	s := alertedStory(t, f, &scriptDecider{plan: map[string]string{}, storyOf: map[string]int64{}})
	later := f.t0.Add(5 * time.Hour)
	must(f.db.SaveItems(context.Background(), f.global.ID, []newswatch.IngestItem{ingest("a", "First", "Kyiv a, updated.", later, false)}))(t)
	if _, s2, _ := itemStory(t, f.db, "a"); s2.Int64 != s {
		t.Fatalf("a moved to story %v", s2)
	}
	listedSince(t, f, s, later)
}
