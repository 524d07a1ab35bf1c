package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/newswatch/newswatch"
)

// TestMentionsOfANameManyGuildsWatch: in the operator's view a name may
// stand for a watch of each of many guilds; asking for its mentions must
// still work (SQLite allows at most 500 terms in a compound SELECT).
func TestMentionsOfANameManyGuildsWatch(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	feed := must(db.EnsureFeed(ctx, "https://global.example/rss", "", "config", 0))(t)
	var ws []newswatch.Watch
	for i := 0; i < 600; i++ {
		w, _ := must2(db.PutWatch(ctx, newswatch.Watch{GuildID: fmt.Sprintf("g%03d", i), Name: "Bakhmut", Kind: newswatch.KindCity}, 0))(t)
		ws = append(ws, w)
	}
	must(db.SaveItems(ctx, feed.ID, []newswatch.IngestItem{
		ingest("a", "Bakhmut", "", t0, false, ws[7], ws[500]),
		ingest("b", "Bakhmut again", "", t0.Add(time.Hour), false, ws[599]),
		ingest("c", "Old Bakhmut", "", t0.Add(-time.Hour), false, ws[0]),
	}))(t)
	type hit struct {
		Key   string
		Watch int64
	}
	look := func(q newswatch.MentionQuery) []hit {
		t.Helper()
		q.Entity = "bakhmut"
		if q.Until.IsZero() {
			q.Until = t0.Add(2 * time.Hour)
		}
		var out []hit
		for _, h := range must(db.Mentions(ctx, q))(t) {
			out = append(out, hit{h.Item.Key, h.Mention.WatchID})
		}
		return out
	}
	all := []hit{{"b", ws[599].ID}, {"a", ws[500].ID}, {"a", ws[7].ID}, {"c", ws[0].ID}}
	if diff := cmp.Diff(all, look(newswatch.MentionQuery{})); diff != "" {
		t.Errorf("operator view (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(all[1:3], look(newswatch.MentionQuery{Limit: 2, Offset: 1})); diff != "" {
		t.Errorf("operator view, second page of 2 (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(all[1:3], look(newswatch.MentionQuery{Since: t0, Until: t0.Add(30 * time.Minute)})); diff != "" {
		t.Errorf("operator view since t0 (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]hit{{"a", ws[7].ID}}, look(newswatch.MentionQuery{GuildID: "g007"})); diff != "" {
		t.Errorf("g007 view (-want +got):\n%s", diff)
	}
}
