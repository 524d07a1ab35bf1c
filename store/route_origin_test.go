package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/newswatch/newswatch"
)

// TestConfigRoutes: a route set by SetConfigRoute is the configuration's:
// SetRoute and RemoveRoute refuse it with EFORBIDDEN and leave it as it
// is; PruneConfigRoutes removes the config routes not kept, with their
// queued alerts, and never a route made from Discord or the CLI; a route
// of Discord that the configuration then declares becomes the
// configuration's.
func TestConfigRoutes(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	db := f.db
	cfgA := must(db.SetConfigRoute(ctx, newswatch.Route{GuildID: "g1", ChannelID: "cfgA", Query: "Kyiv"}))(t)
	cfgB := must(db.SetConfigRoute(ctx, newswatch.Route{GuildID: "g1", ChannelID: "cfgB"}))(t)
	if !cfgA.Config || !cfgB.Config || f.r1.Config {
		t.Fatalf("Config: %v %v, and the Discord route %v", cfgA.Config, cfgB.Config, f.r1.Config)
	}
	if _, err := db.SetRoute(ctx, newswatch.Route{GuildID: "g1", ChannelID: "cfgA"}, 0); codeOf(err) != newswatch.EFORBIDDEN {
		t.Errorf("SetRoute of a config route: %v, want EFORBIDDEN", err)
	}
	if err := db.RemoveRoute(ctx, "g1", "cfgA"); codeOf(err) != newswatch.EFORBIDDEN {
		t.Errorf("RemoveRoute of a config route: %v, want EFORBIDDEN", err)
	}
	if rs := must(db.Routes(ctx, "g1"))(t); len(rs) != 4 || rs[2].Query != "Kyiv" {
		t.Fatalf("routes after refused edits: %+v", rs)
	}
	must(db.SaveItems(ctx, f.global.ID, []newswatch.IngestItem{ingest("k", "Kyiv news", "", f.t0, true, f.watches()...)}))(t)
	if got := queuedIn(t, db, cfgB.ID); len(got) != 1 {
		t.Fatalf("queued in cfgB: %v", got)
	}
	// Discord's c1 declared by the configuration becomes a config route.
	if r := must(db.SetConfigRoute(ctx, newswatch.Route{GuildID: "g1", ChannelID: "c1"}))(t); !r.Config || r.ID != f.r1.ID {
		t.Errorf("taken over: %+v", r)
	}
	removed := must(db.PruneConfigRoutes(ctx, []newswatch.Route{{GuildID: "g1", ChannelID: "cfgA"}}))(t)
	if len(removed) != 2 || removed[0].ChannelID != "c1" || removed[1].ChannelID != "cfgB" {
		t.Errorf("removed %+v, want c1 and cfgB", removed)
	}
	var left []string
	for _, r := range must(db.Routes(ctx, ""))(t) {
		left = append(left, r.GuildID+"/"+r.ChannelID)
	}
	if want := "[/console g1/c1a g2/c2 g1/cfgA]"; fmt.Sprint(left) != want {
		t.Errorf("routes left %v, want %s", left, want)
	}
	if got := queuedIn(t, db, cfgB.ID); len(got) != 0 {
		t.Errorf("alerts of a removed config route are left: %v", got)
	}
}

// TestRouteLocale: SetRoute records the locale it is given and keeps the
// stored one when given none (the CLI and the configuration know none).
func TestRouteLocale(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	r := must(db.SetRoute(ctx, newswatch.Route{GuildID: "g", ChannelID: "c", Locale: "uk"}, 0))(t)
	if r.Locale != "uk" {
		t.Errorf("locale %q, want uk", r.Locale)
	}
	r = must(db.SetRoute(ctx, newswatch.Route{GuildID: "g", ChannelID: "c", Spikes: true}, 0))(t)
	if r.Locale != "uk" || !r.Spikes {
		t.Errorf("after a set without locale: %+v", r)
	}
	r = must(db.SetRoute(ctx, newswatch.Route{GuildID: "g", ChannelID: "c", Locale: "ru"}, 0))(t)
	if rs := must(db.Routes(ctx, "g"))(t); rs[0].Locale != "ru" || r.Locale != "ru" {
		t.Errorf("stored locale %q, want ru", rs[0].Locale)
	}
}
