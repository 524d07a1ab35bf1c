package store

import (
	"context"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
)

func TestSpikeBucketsCountStories(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	t0 := f.t0
	must(f.db.SaveItems(ctx, f.global.ID, []newswatch.IngestItem{
		ingest("a", "Kyiv wire copy", "", t0.Add(5*time.Minute), false, f.kyiv),
		ingest("b", "Kyiv other", "", t0.Add(6*time.Minute), false, f.kyiv),
	}))(t)
	must(f.db.SaveItems(ctx, f.g1F.ID, []newswatch.IngestItem{
		ingest("c", "Kyiv wire copy in Lviv", "", t0.Add(7*time.Minute), false, f.kyiv, f.lviv),
	}))(t)
	a, c := itemID(t, f.db, f.global.ID, "a"), itemID(t, f.db, f.g1F.ID, "c")
	// a and c are one story, carried by two feeds
	must(f.db.SaveStoryItems(ctx, []newswatch.StoryAssignment{
		{ItemID: a, FeedID: f.global.ID, Title: "Kyiv wire copy", Time: t0.Add(5 * time.Minute), How: newswatch.StoryNew, Join: -1},
		{ItemID: c, FeedID: f.g1F.ID, Title: "Kyiv wire copy", Time: t0.Add(7 * time.Minute), How: newswatch.StoryURL, Join: 0},
	}))(t)
	got := must(f.db.SpikeBuckets(ctx, "", t0, t0.Add(time.Hour)))(t)
	if len(got) != 2 || got[0].WatchID != f.kyiv.ID || got[0].Count != 2 || got[1].WatchID != f.lviv.ID || got[1].Count != 1 {
		t.Errorf("operator's buckets %+v, want Kyiv 2 stories (3 items), Lviv 1", got)
	}
	got = must(f.db.SpikeBuckets(ctx, "g2", t0, t0.Add(time.Hour)))(t)
	if len(got) != 1 || got[0].Count != 2 {
		t.Errorf("g2's buckets %+v, want Kyiv 2 (a and b; c is g1's)", got)
	}

	top := must(f.db.TopStories(ctx, "", []int64{f.kyiv.ID}, t0, t0.Add(time.Hour), 5))(t)
	if len(top) != 2 || top[0].Title != "Kyiv wire copy" || top[0].SourceCount != 2 || top[0].ItemCount != 2 ||
		top[0].Items[0].Link != "https://example.com/a" || top[1].Title != "Kyiv other" || top[1].SourceCount != 1 {
		t.Errorf("top stories %+v", top)
	}
	top = must(f.db.TopStories(ctx, "g2", nil, t0, t0.Add(time.Hour), 5))(t)
	if len(top) != 2 || top[0].SourceCount != 1 {
		t.Errorf("g2's top stories %+v, want two of one source each", top)
	}
}

func TestRecordSpikeEpisodes(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	msg := []newswatch.AlertMessage{{Route: f.r1, Payload: []byte(`{"content":"spike"}`)}}
	h := f.t0.Truncate(time.Hour)
	steps := []struct {
		hour time.Duration
		want bool
	}{{0, true}, {0, false}, {time.Hour, false}, {4 * time.Hour, false}, {8 * time.Hour, true}, {7 * time.Hour, false}}
	for i, s := range steps {
		got, err := f.db.RecordSpike(ctx, SpikeEpisode{GuildID: "g1", WatchID: f.kyiv.ID, Hour: h.Add(s.hour), Count: 9},
			3*time.Hour, msg, time.Now())
		if err != nil || got != s.want {
			t.Errorf("step %d (hour +%v): new episode %v, %v; want %v", i, s.hour, got, err, s.want)
		}
	}
	// another scope has its own episodes
	if got := must(f.db.RecordSpike(ctx, SpikeEpisode{GuildID: "g2", WatchID: f.kyiv.ID, Hour: h, Count: 9}, 3*time.Hour, nil, time.Now()))(t); !got {
		t.Error("g2's first spike is not a new episode")
	}
	ms := must(f.db.PendingAlertMessages(ctx, 0))(t)
	if len(ms) != 2 || ms[0].Route.ID != f.r1.ID || string(ms[0].Payload) != `{"content":"spike"}` || len(ms[0].AlertIDs) != 0 {
		t.Errorf("pending messages %+v, want one per new g1 episode", ms)
	}
}

func TestClaimDigestOnce(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	msg := &newswatch.AlertMessage{Route: f.r1, Payload: []byte(`{"content":"digest"}`)}
	if done := must(f.db.DigestClaimed(ctx, f.r1.ID, day))(t); done {
		t.Fatal("claimed before any claim")
	}
	for i, want := range []bool{true, false, false} {
		if got := must(f.db.ClaimDigest(ctx, f.r1.ID, day.Add(time.Duration(i)*time.Hour), msg, time.Now()))(t); got != want {
			t.Errorf("claim %d: %v, want %v", i, got, want)
		}
	}
	if !must(f.db.ClaimDigest(ctx, f.r1.ID, day.Add(24*time.Hour), msg, time.Now()))(t) {
		t.Error("the next day's digest was refused")
	}
	if done := must(f.db.DigestClaimed(ctx, f.r1.ID, day.Add(5*time.Hour)))(t); !done {
		t.Error("DigestClaimed is false after the claim")
	}
	if ms := must(f.db.PendingAlertMessages(ctx, 0))(t); len(ms) != 2 {
		t.Errorf("%d pending messages, want one per day", len(ms))
	}
}

func TestSpikeMuted(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	now := f.t0
	if _, err := f.db.w.ExecContext(ctx, `INSERT INTO watch_mutes (guild_id, watch_id, until) VALUES ('g1', ?, ?)`,
		f.kyiv.ID, ms(now.Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		guild string
		at    time.Time
		want  bool
	}{{"g1", now, true}, {"g2", now, false}, {"g1", now.Add(time.Hour), false}} {
		if got := must(f.db.SpikeMuted(ctx, tt.guild, f.kyiv.ID, tt.at))(t); got != tt.want {
			t.Errorf("muted in %s at %v: %v, want %v", tt.guild, tt.at, got, tt.want)
		}
	}
}
