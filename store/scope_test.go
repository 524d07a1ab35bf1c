package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/newswatch/newswatch"
)

// TestGuildIsolation checks every query with two guilds: each sees the
// global records and its own, never the other guild's.
func TestGuildIsolation(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	db := f.db
	ws := f.watches()
	must(db.SaveItems(ctx, f.global.ID, []newswatch.IngestItem{ingest("glob", "Kyiv Lviv Odesa", "shared story", f.t0, true, ws...)}))(t)
	must(db.SaveItems(ctx, f.g1F.ID, []newswatch.IngestItem{ingest("one", "Kyiv Lviv Odesa", "shared story", f.t0.Add(time.Minute), true, ws...)}))(t)
	must(db.SaveItems(ctx, f.g2F.ID, []newswatch.IngestItem{ingest("two", "Kyiv Lviv Odesa", "shared story", f.t0.Add(2*time.Minute), true, ws...)}))(t)
	until := f.t0.Add(time.Hour)

	type view struct {
		Feeds, Items, Search, Watches, Routes []string
		KyivMentions, LvivMentions            []string
		LvivErr                               string
		Counts                                []newswatch.DayCount
		Stats                                 [4]int // items, feeds, watches, routes
	}
	look := func(g string) view {
		var v view
		for _, fd := range must(db.ListFeeds(ctx, g))(t) {
			v.Feeds = append(v.Feeds, fd.URL)
		}
		v.Items = fmtKeys(must(db.Latest(ctx, newswatch.LatestQuery{GuildID: g}))(t))
		for _, h := range must(db.Search(ctx, newswatch.SearchQuery{GuildID: g, Query: "shared story"}))(t) {
			v.Search = append(v.Search, h.Item.Key)
		}
		for _, w := range must(db.Watches(ctx, g))(t) {
			v.Watches = append(v.Watches, w.Name)
		}
		for _, r := range must(db.Routes(ctx, g))(t) {
			v.Routes = append(v.Routes, r.ChannelID)
		}
		for _, h := range must(db.Mentions(ctx, newswatch.MentionQuery{GuildID: g, Entity: "KIEV", Until: until}))(t) {
			v.KyivMentions = append(v.KyivMentions, h.Item.Key)
		}
		lviv, err := db.Mentions(ctx, newswatch.MentionQuery{GuildID: g, Entity: "lviv", Until: until})
		v.LvivErr = codeOf(err)
		for _, h := range lviv {
			v.LvivMentions = append(v.LvivMentions, h.Item.Key)
		}
		v.Counts = must(db.MentionCounts(ctx, g, f.t0.Add(-time.Hour), until))(t)
		st := must(db.Stats(ctx, g))(t)
		v.Stats = [4]int{st.Items, st.Feeds, st.Watches, st.Routes}
		return v
	}
	day := f.t0.Format("2006-01-02")
	want := map[string]view{
		"g1": {
			Feeds: []string{"https://global.example/rss", "https://one.example/rss"}, Items: []string{"one", "glob"},
			Search: []string{"one", "glob"}, Watches: []string{"Kyiv", "Zelensky", "Lviv"}, Routes: []string{"c1", "c1a"},
			KyivMentions: []string{"one", "glob"}, LvivMentions: []string{"one", "glob"},
			Counts: []newswatch.DayCount{{Entity: "Kyiv", Day: day, Count: 2}, {Entity: "Lviv", Day: day, Count: 2}},
			Stats:  [4]int{2, 2, 3, 2},
		},
		"g2": {
			Feeds: []string{"https://global.example/rss", "https://two.example/rss"}, Items: []string{"two", "glob"},
			Search: []string{"two", "glob"}, Watches: []string{"Kyiv", "Zelensky", "Odesa"}, Routes: []string{"c2"},
			KyivMentions: []string{"two", "glob"}, LvivErr: newswatch.ENOTFOUND,
			Counts: []newswatch.DayCount{{Entity: "Kyiv", Day: day, Count: 2}, {Entity: "Odesa", Day: day, Count: 2}},
			Stats:  [4]int{2, 2, 3, 1},
		},
		"": {
			Feeds:  []string{"https://global.example/rss", "https://one.example/rss", "https://two.example/rss"},
			Items:  []string{"two", "one", "glob"},
			Search: []string{"two", "one", "glob"}, Watches: []string{"Kyiv", "Zelensky", "Lviv", "Odesa"},
			Routes: []string{"console", "c1", "c1a", "c2"}, KyivMentions: []string{"two", "one", "glob"},
			LvivMentions: []string{"two", "one", "glob"},
			Counts:       []newswatch.DayCount{{Entity: "Kyiv", Day: day, Count: 3}, {Entity: "Lviv", Day: day, Count: 3}, {Entity: "Odesa", Day: day, Count: 3}},
			Stats:        [4]int{3, 3, 4, 4},
		},
	}
	for g, w := range want {
		if diff := cmp.Diff(w, look(g)); diff != "" {
			t.Errorf("guild %q view (-want +got):\n%s", g, diff)
		}
	}

	// Another guild's records cannot be touched; global ones are read-only.
	checks := []struct {
		name string
		err  error
		code string
	}{
		{"g1 removes g2's feed", db.RemoveFeed(ctx, "g1", f.g2F.ID), newswatch.ENOTFOUND},
		{"g1 removes the global feed", db.RemoveFeed(ctx, "g1", f.global.ID), newswatch.EFORBIDDEN},
		{"g1 retries g2's feed", db.RetryFeed(ctx, "g1", f.g2F.ID, f.t0), newswatch.ENOTFOUND},
		{"g1 retries the global feed", db.RetryFeed(ctx, "g1", f.global.ID, f.t0), ""},
		{"g1 removes g2's watch", db.RemoveWatch(ctx, "g1", "Odesa"), newswatch.ENOTFOUND},
		{"g1 removes a global watch", db.RemoveWatch(ctx, "g1", "kyiv"), newswatch.EFORBIDDEN},
		{"g1 removes g2's route", db.RemoveRoute(ctx, "g1", "c2"), newswatch.ENOTFOUND},
		{"g1 reads g2's watch", second(db.WatchByName(ctx, "g1", "odesa")), newswatch.ENOTFOUND},
		{"g1 reads its watch", second(db.WatchByName(ctx, "g1", "LVIV")), ""},
		{"g1 overwrites a global watch", third(db.PutWatch(ctx, newswatch.Watch{GuildID: "g1", Name: "KYIV", Kind: newswatch.KindCity}, 0)), newswatch.EFORBIDDEN},
		{"g1 adds a global feed", second(db.AddFeed(ctx, "g1", "https://global.example/rss", 0, 0)), newswatch.ECONFLICT},
		{"g1 adds its feed again", second(db.AddFeed(ctx, "g1", "https://ONE.example/rss", 0, 0)), newswatch.ECONFLICT},
		{"g1 adds g2's feed", second(db.AddFeed(ctx, "g1", "https://two.example/rss", 0, 0)), ""},
		{"g2 removes its watch", db.RemoveWatch(ctx, "g2", "odesa"), ""},
		{"g2 removes its feed", db.RemoveFeed(ctx, "g2", f.g2F.ID), ""},
	}
	for _, c := range checks {
		if code := codeOf(c.err); code != c.code {
			t.Errorf("%s: %v (code %q), want code %q", c.name, c.err, code, c.code)
		}
	}
	// g2's feed survives through g1's subscription, with its items.
	if subs := must(db.FeedSubscribers(ctx, f.g2F.ID))(t); !slices.Equal(subs, []string{"g1"}) {
		t.Errorf("subscribers of two.example: %q, want [g1]", subs)
	}
	if got := fmtKeys(must(db.Latest(ctx, newswatch.LatestQuery{GuildID: "g2"}))(t)); !slices.Equal(got, []string{"glob"}) {
		t.Errorf("g2 after unsubscribing sees %q, want [glob]", got)
	}
	// The last subscription gone, the feed and its items go.
	if err := db.RemoveFeed(ctx, "g1", f.g2F.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Feed(ctx, f.g2F.ID); codeOf(err) != newswatch.ENOTFOUND {
		t.Errorf("feed after last unsubscribe: %v, want ENOTFOUND", err)
	}
	if got := fmtKeys(must(db.Latest(ctx, newswatch.LatestQuery{}))(t)); !slices.Equal(got, []string{"one", "glob"}) {
		t.Errorf("items after feed removal %q", got)
	}
	checkFTS(t, db)
}

func second[A any](_ A, err error) error        { return err }
func third[A, B any](_ A, _ B, err error) error { return err }
func fmtKeys(items []newswatch.Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Key)
	}
	return out
}

func TestCaps(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	if _, err := db.AddFeed(ctx, "g", "https://a.example/", 0, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddFeed(ctx, "g", "https://b.example/", 0, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddFeed(ctx, "g", "https://c.example/", 0, 2); codeOf(err) != newswatch.EINVALID {
		t.Errorf("third feed with cap 2: %v, want EINVALID", err)
	}
	if _, err := db.AddFeed(ctx, "other", "https://c.example/", 0, 2); err != nil {
		t.Errorf("another guild's feed: %v", err)
	}
	if _, err := db.AddFeed(ctx, "g", "ftp://x", 0, 0); codeOf(err) != newswatch.EINVALID {
		t.Errorf("bad URL: %v, want EINVALID", err)
	}
	for i, name := range []string{"A", "B"} {
		if _, created, err := db.PutWatch(ctx, newswatch.Watch{GuildID: "g", Name: name, Kind: newswatch.KindCity}, 2); err != nil || !created {
			t.Fatalf("watch %d: created %v, %v", i, created, err)
		}
	}
	if _, created, err := db.PutWatch(ctx, newswatch.Watch{GuildID: "g", Name: "a", Kind: newswatch.KindActor}, 2); err != nil || created {
		t.Errorf("updating at the cap: created %v, %v; want an update", created, err)
	}
	if _, _, err := db.PutWatch(ctx, newswatch.Watch{GuildID: "g", Name: "C", Kind: newswatch.KindCity}, 2); codeOf(err) != newswatch.EINVALID {
		t.Errorf("third watch with cap 2: %v, want EINVALID", err)
	}
	if _, _, err := db.PutWatch(ctx, newswatch.Watch{GuildID: "g", Name: "", Kind: newswatch.KindCity}, 0); codeOf(err) != newswatch.EINVALID {
		t.Errorf("nameless watch: %v, want EINVALID", err)
	}
	for _, ch := range []string{"1", "2"} {
		if _, err := db.SetRoute(ctx, newswatch.Route{GuildID: "g", ChannelID: ch}, 2); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.SetRoute(ctx, newswatch.Route{GuildID: "g", ChannelID: "1", Kind: newswatch.KindCity}, 2); err != nil {
		t.Errorf("updating a route at the cap: %v", err)
	}
	if _, err := db.SetRoute(ctx, newswatch.Route{GuildID: "g", ChannelID: "3"}, 2); codeOf(err) != newswatch.EINVALID {
		t.Errorf("third route with cap 2: %v, want EINVALID", err)
	}
	if _, err := db.SetRoute(ctx, newswatch.Route{GuildID: "g", ChannelID: "4", Kind: "town"}, 0); codeOf(err) != newswatch.EINVALID {
		t.Errorf("route of an unknown kind: %v, want EINVALID", err)
	}
}

func TestSyncConfig(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	seeds := must(db.EnsureFeed(ctx, newswatch.SeedsFeedURL, "", "config", 0))(t)
	if err := db.SyncConfigFeeds(ctx, []newswatch.Feed{
		{URL: "https://a.example/", Title: "A", Interval: time.Hour}, {URL: "https://b.example/"},
	}); err != nil {
		t.Fatal(err)
	}
	must(db.EnsureFeed(ctx, "https://b.example/", "g", "discord", 0))(t)
	if err := db.SyncConfigFeeds(ctx, []newswatch.Feed{{URL: "https://c.example/"}}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, fd := range must(db.ListFeeds(ctx, ""))(t) {
		got = append(got, fd.URL)
	}
	// a is gone, b stays for guild g, the seeds feed is never touched.
	if diff := cmp.Diff([]string{newswatch.SeedsFeedURL, "https://b.example/", "https://c.example/"}, got); diff != "" {
		t.Errorf("feeds after sync (-want +got):\n%s", diff)
	}
	if fs := must(db.AllPollableFeeds(ctx))(t); len(fs) != 2 || fs[0].URL == seeds.URL {
		t.Errorf("pollable feeds %v", fs)
	}

	v0 := must(db.WatchesVersion(ctx))(t)
	ws := []newswatch.Watch{{Name: "Kyiv", Kind: newswatch.KindCity}, {Name: "Lviv", Kind: newswatch.KindCity}}
	changed := must(db.SyncConfigWatches(ctx, ws))(t)
	if len(changed) != 2 {
		t.Errorf("first sync changed %d, want 2", len(changed))
	}
	v1 := must(db.WatchesVersion(ctx))(t)
	if v1 <= v0 {
		t.Errorf("version %d after sync, was %d", v1, v0)
	}
	changed = must(db.SyncConfigWatches(ctx, ws))(t)
	if len(changed) != 0 || must(db.WatchesVersion(ctx))(t) != v1 {
		t.Errorf("same sync again changed %v and moved the version", changed)
	}
	ws = []newswatch.Watch{{Name: "Kyiv", Kind: newswatch.KindCity, Aliases: []string{"Kiev"}}, {Name: "Odesa", Kind: newswatch.KindCity}}
	changed = must(db.SyncConfigWatches(ctx, ws))(t)
	var names []string
	for _, w := range changed {
		names = append(names, w.Name)
	}
	if diff := cmp.Diff([]string{"Kyiv", "Odesa"}, names); diff != "" {
		t.Errorf("changed (-want +got):\n%s", diff)
	}
	all := must(db.Watches(ctx, ""))(t)
	names = nil
	for _, w := range all {
		names = append(names, w.Name)
	}
	if diff := cmp.Diff([]string{"Kyiv", "Odesa"}, names); diff != "" {
		t.Errorf("watches after sync (-want +got):\n%s", diff)
	}
	if w := must(db.WatchByName(ctx, "g", "KIEV"))(t); w.Name != "Kyiv" || !slices.Equal(w.Aliases, []string{"Kiev"}) {
		t.Errorf("WatchByName(KIEV) = %+v", w)
	}
}
