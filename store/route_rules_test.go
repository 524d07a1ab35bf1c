package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/query"
)

// routeAlerts returns, for each of routes, whether the item of key in feed
// got an outbox row in it.
func routeAlerts(t *testing.T, db *DB, feedID int64, key string, routes ...newswatch.Route) []bool {
	t.Helper()
	id := itemID(t, db, feedID, key)
	out := make([]bool, len(routes))
	for i, r := range routes {
		var n int
		if err := db.r.QueryRow(`SELECT count(*) FROM outbox WHERE item_id = ? AND route_id = ?`, id, r.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[i] = n > 0
	}
	return out
}

// TestRouteQueryRules: a route alerts only for items its query matches,
// with the folding of /search (case, ё = е, й kept, Latin diacritics) and
// no stemming: a Cyrillic case ending needs a prefix, as in /search.
func TestRouteQueryRules(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	db := f.db
	put := func(w newswatch.Watch) newswatch.Watch {
		out, _, err := db.PutWatch(ctx, w, 0)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	kram := put(newswatch.Watch{Name: "Kramatorsk", Kind: newswatch.KindCity, Aliases: []string{"Краматорськ", "Краматорск"}})
	slov := put(newswatch.Watch{Name: "Sloviansk", Kind: newswatch.KindCity, Aliases: []string{"Слов'янськ"}})
	krem := put(newswatch.Watch{Name: "Kremenchuk", Kind: newswatch.KindCity, Aliases: []string{"Кременчук"}})
	ws := append(f.watches(), kram, slov, krem)
	const shelling = "(Kramatorsk OR Sloviansk) AND (shelling OR strike) -exercise"
	for i, tt := range []struct {
		query, title, text string
		want               bool
	}{
		{"Kramatorsk", "Shelling in Kramatorsk", "", true},
		{"kramatorsk", "KRAMATORSK under fire", "", true},
		{shelling, "Strike near Sloviansk", "", true},
		{shelling, "Kramatorsk", "Heavy shelling overnight.", true},
		{shelling, "Kramatorsk strike exercise", "", false},
		{shelling, "Kramatorsk is calm", "", false},
		{`"air raid" Kyiv`, "Air raid alert in Kyiv", "", true},
		{`"air raid" Kyiv`, "Raid on the air base near Kyiv", "", false},
		{"Кременчук", "Вибухи в Кременчук", "", true},
		{"КРЕМЕНЧУК", "вибухи: кременчук", "", true},
		{"Кременчук", "Обстріл Кременчука", "", false}, // no stemming, as in /search
		{"Кременчук*", "Обстріл Кременчука", "", true},
		{"Краматорськ OR Краматорск", "Ракетний удар по Краматорськ", "", true},
		{"ещё удар", "Kramatorsk: еще удар", "", true},   // ё = е
		{"еще удар", "Kramatorsk: ЕЩЁ УДАР", "", true},   // and back, in capitals
		{"Кривий", "Kremenchuk і Кривии Ріг", "", false}, // й is a letter of its own
		{"Кривий", "Kremenchuk і Кривий Ріг", "", true},
		{"Kyiv -Zelensky", "Zelensky visits Kyiv", "", false},
		{"Kyiv -Zelensky", "Kyiv metro reopens", "", true},
		{"Kyiv café", "Kyiv cafe reopens", "", true}, // Latin diacritics ignored
		{"", "Kyiv anything", "", true},
	} {
		r := must(db.SetRoute(ctx, newswatch.Route{GuildID: "g1", ChannelID: "rules", Query: tt.query}, 0))(t)
		key := fmt.Sprintf("q%d", i)
		must(db.SaveItems(ctx, f.global.ID, []newswatch.IngestItem{ingest(key, tt.title, tt.text, f.t0, true, ws...)}))(t)
		if got := routeAlerts(t, db, f.global.ID, key, r)[0]; got != tt.want {
			t.Errorf("query %q, item %q %q: alert %v, want %v", tt.query, tt.title, tt.text, got, tt.want)
		}
	}
}

// TestRouteWatchesKindQuiet: a route alerts only for the watches it names
// (by name or alias, any case, stored canonically), and a quiet route gets
// no per-item alerts.
func TestRouteWatchesKindQuiet(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	db := f.db
	onlyKyiv := must(db.SetRoute(ctx, newswatch.Route{GuildID: "g1", ChannelID: "kyiv", Watches: []string{"kiev"}}, 0))(t)
	if got := strings.Join(onlyKyiv.Watches, ","); got != "Kyiv" {
		t.Errorf("stored watches %q, want the canonical name Kyiv", got)
	}
	lviv := must(db.SetRoute(ctx, newswatch.Route{GuildID: "g1", ChannelID: "lviv", Watches: []string{"LVIV", "Zelensky"},
		Kind: newswatch.KindCity}, 0))(t)
	quiet := must(db.SetRoute(ctx, newswatch.Route{GuildID: "g1", ChannelID: "quiet", Quiet: true, Spikes: true}, 0))(t)

	for _, tt := range []struct {
		key, title string
		want       []bool // onlyKyiv, lviv, quiet, r1 (every watch)
	}{
		{"k", "Kyiv today", []bool{true, false, false, true}},
		{"z", "Zelensky speaks", []bool{false, false, false, true}}, // lviv: Zelensky is an actor
		{"l", "Lviv and Kyiv", []bool{true, true, false, true}},
	} {
		must(db.SaveItems(ctx, f.global.ID, []newswatch.IngestItem{ingest(tt.key, tt.title, "", f.t0, true, f.watches()...)}))(t)
		got := routeAlerts(t, db, f.global.ID, tt.key, onlyKyiv, lviv, quiet, f.r1)
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%q: alerts %v, want %v", tt.title, got, tt.want)
		}
	}
	// The alert shows only the mentions of the route's watches.
	alerts := must(db.PendingAlerts(ctx, false, time.Now(), 100))(t)
	for _, a := range alerts {
		if a.Route.ID == onlyKyiv.ID && a.Item.Key == "l" {
			for _, m := range a.Mentions {
				if m.Entity != "Kyiv" {
					t.Errorf("route for Kyiv shows a mention of %s", m.Entity)
				}
			}
		}
	}

	// Names the guild does not see are refused: g2's watch, an unknown one.
	for _, names := range [][]string{{"Odesa"}, {"Kyiv", "Atlantis"}} {
		_, err := db.SetRoute(ctx, newswatch.Route{GuildID: "g1", ChannelID: "bad", Watches: names}, 0)
		if codeOf(err) != newswatch.EINVALID || !strings.Contains(newswatch.ErrorMessage(err), names[len(names)-1]) {
			t.Errorf("watches %v: err %v, want EINVALID naming %s", names, err, names[len(names)-1])
		}
	}
}

// TestRouteBadQueryRefused: SetRoute refuses a query that does not parse,
// saying where, and stores nothing.
func TestRouteBadQueryRefused(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	for _, tt := range []struct{ query, want string }{
		{"(Kramatorsk OR Sloviansk", "position 1"},
		{"Kyiv OR", "position 6"},
		{`"air raid`, "position 1"},
		{"-exercise", "exercise"},
	} {
		_, err := f.db.SetRoute(ctx, newswatch.Route{GuildID: "g1", ChannelID: "bad", Query: tt.query}, 0)
		if codeOf(err) != newswatch.EINVALID || !strings.Contains(newswatch.ErrorMessage(err), tt.want) {
			t.Errorf("query %q: err %v, want EINVALID with %q", tt.query, err, tt.want)
		}
	}
	rs := must(f.db.Routes(ctx, "g1"))(t)
	for _, r := range rs {
		if r.ChannelID == "bad" {
			t.Errorf("a refused route was stored: %+v", r)
		}
	}
	for _, r := range []newswatch.Route{{CapPerHour: -1}, {MinSources: 51}, {Digest: true, DigestHour: 24}} {
		r.GuildID, r.ChannelID = "g1", "bad"
		if _, err := f.db.SetRoute(ctx, r, 0); codeOf(err) != newswatch.EINVALID {
			t.Errorf("%+v: err %v, want EINVALID", r, err)
		}
	}
}

// TestWatchMute: a watch muted in a guild raises no alert in that guild's
// routes until the mute ends; other guilds still get it; unmute ends it.
func TestWatchMute(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	db := f.db
	now := time.Now()
	w := must(db.MuteWatch(ctx, "g1", "kiev", now.Add(2*time.Hour), now))(t)
	if w.Name != "Kyiv" {
		t.Errorf("muted %q, want Kyiv", w.Name)
	}
	save := func(key, title string) []bool {
		t.Helper()
		must(db.SaveItems(ctx, f.global.ID, []newswatch.IngestItem{ingest(key, title, "", f.t0, true, f.watches()...)}))(t)
		return routeAlerts(t, db, f.global.ID, key, f.r1, f.r2)
	}
	if got := save("m1", "Kyiv news"); fmt.Sprint(got) != "[false true]" {
		t.Errorf("muted in g1: alerts (g1, g2) = %v, want [false true]", got)
	}
	// Another watch in the same item still alerts.
	if got := save("m2", "Kyiv and Lviv"); fmt.Sprint(got) != "[true true]" {
		t.Errorf("muted Kyiv with Lviv: alerts = %v, want [true true]", got)
	}
	ms := must(db.Mutes(ctx, "g1", now))(t)
	if len(ms) != 1 || ms[0].Watch != "Kyiv" {
		t.Errorf("Mutes = %+v", ms)
	}
	// The mute ends: its time passes.
	if _, err := db.w.Exec(`UPDATE watch_mutes SET until = ?`, ms64(now.Add(-time.Second))); err != nil {
		t.Fatal(err)
	}
	if got := save("m3", "Kyiv again"); fmt.Sprint(got) != "[true true]" {
		t.Errorf("after the mute ended: alerts = %v, want [true true]", got)
	}
	if _, err := db.UnmuteWatch(ctx, "g1", "Kyiv"); codeOf(err) != newswatch.ENOTFOUND {
		t.Errorf("unmute of an ended mute: %v, want ENOTFOUND", err)
	}
	must(db.MuteWatch(ctx, "g1", "Kyiv", now.Add(time.Hour), now))(t)
	must(db.UnmuteWatch(ctx, "g1", "Kyiv"))(t)
	if got := save("m4", "Kyiv once more"); fmt.Sprint(got) != "[true true]" {
		t.Errorf("after unmute: alerts = %v, want [true true]", got)
	}
	for _, d := range []time.Duration{0, -time.Hour, 31 * 24 * time.Hour} {
		if _, err := db.MuteWatch(ctx, "g1", "Kyiv", now.Add(d), now); codeOf(err) != newswatch.EINVALID {
			t.Errorf("mute for %v: %v, want EINVALID", d, err)
		}
	}
	if _, err := db.MuteWatch(ctx, "g1", "Odesa", now.Add(time.Hour), now); codeOf(err) != newswatch.ENOTFOUND {
		t.Errorf("mute of another guild's watch: %v, want ENOTFOUND", err)
	}
}

// TestRouteCapSummary: with a cap of 2 per hour, the third and later items
// of a watch in the hour become one summary alert, held until the hour is
// over, which counts them all and lists the first ten; a watch under its
// cap still alerts.
func TestRouteCapSummary(t *testing.T) {
	ctx := context.Background()
	var (
		f      *fixture
		db     *DB
		capped newswatch.Route
		items  []newswatch.IngestItem
		start  time.Time
	)
	// The cap counts per hour of the save's clock: a save that crosses an
	// hour's end is done again on a fresh database (the next one cannot
	// cross one too).
	for attempt := 0; ; attempt++ {
		f = newFixture(t)
		db = f.db
		capped = must(db.SetRoute(ctx, newswatch.Route{GuildID: "g1", ChannelID: "capped", CapPerHour: 2}, 0))(t)
		items = nil
		for i := 0; i < 14; i++ {
			items = append(items, ingest(fmt.Sprintf("c%02d", i), fmt.Sprintf("Kyiv report %d", i), "", f.t0, true, f.watches()...))
		}
		items = append(items, ingest("lv", "Lviv report", "", f.t0, true, f.watches()...))
		start = time.Now()
		must(db.SaveItems(ctx, f.global.ID, items))(t)
		if start.Truncate(time.Hour) == time.Now().Truncate(time.Hour) {
			break
		}
		if attempt > 0 {
			t.Fatal("two saves in a row crossed an hour's end")
		}
	}
	var got []string
	for _, it := range items {
		if routeAlerts(t, db, f.global.ID, it.Item.Key, capped)[0] {
			got = append(got, it.Item.Key)
		}
	}
	if want := "[c00 c01 c02 lv]"; fmt.Sprint(got) != want { // c02 carries the summary
		t.Errorf("items with a row in the capped route: %v, want %s", got, want)
	}
	// Now: the two alerts and Lviv, not the summary.
	due := func(at time.Time) []newswatch.Alert {
		var out []newswatch.Alert
		for _, a := range must(db.PendingAlerts(ctx, false, at, 100))(t) {
			if a.Route.ID == capped.ID {
				out = append(out, a)
			}
		}
		return out
	}
	if now := due(time.Now()); len(now) != 3 {
		t.Errorf("due now: %d alerts, want 3", len(now))
	}
	hourEnd := start.UTC().Truncate(time.Hour).Add(time.Hour)
	if n := len(due(hourEnd)); n != 3 {
		t.Errorf("due at the hour's end: %d alerts, want 3 (the summary waits for the grace)", n)
	}
	later := due(hourEnd.Add(2 * time.Minute))
	var sum *newswatch.Alert
	for i := range later {
		if later[i].Held != nil {
			sum = &later[i]
		}
	}
	if len(later) != 4 || sum == nil {
		t.Fatalf("after the hour: %d alerts, summary %v; want 4 with one summary", len(later), sum)
	}
	if h := sum.Held; h.Watch != "Kyiv" || h.Count != 12 || len(h.Items) != 10 || h.Items[0].Key != "c02" ||
		h.Items[9].Key != "c11" || !h.Hour.Equal(start.UTC().Truncate(time.Hour)) {
		t.Errorf("summary: %+v, want Kyiv, 12 held, c02..c11 listed, the save's hour", sum.Held)
	}
	// The routes without a cap got every item.
	for _, it := range items {
		if !routeAlerts(t, db, f.global.ID, it.Item.Key, f.r1)[0] {
			t.Errorf("uncapped route missed %s", it.Item.Key)
		}
	}
	// A crash-safe message: the summary is grouped and marked sent like
	// any alert, once.
	ms := must(db.CreateAlertMessages(ctx, []newswatch.AlertMessage{{Route: capped, Payload: []byte(`{}`),
		AlertIDs: []int64{sum.ID}}}, time.Now()))(t)
	if err := db.MarkAlertMessageSent(ctx, ms[0].ID, "d1", time.Now()); err != nil {
		t.Fatal(err)
	}
	if n := len(due(hourEnd.Add(2 * time.Minute))); n != 3 {
		t.Errorf("after the summary was sent: %d due, want 3", n)
	}
}

// TestSinkNamesKeepsMatches: moving watch-name operands last in each AND
// changes which queries a Set looks at first, never what matches.
func TestSinkNamesKeepsMatches(t *testing.T) {
	names := map[string]bool{"kramatorsk": true, "sloviansk": true, "краматорськ": true}
	queries := []string{
		"(Kramatorsk OR Sloviansk) AND (shelling OR strike) -exercise",
		"Kramatorsk shelling",
		"Краматорськ (обстріл OR удар) -навчання",
		`"air raid" Kramatorsk OR Sloviansk strike`,
		"(Kramatorsk Sloviansk) -(drill OR exercise) strike*",
	}
	texts := []string{
		"Shelling in Kramatorsk", "Kramatorsk strike exercise", "Sloviansk strikes", "Обстріл: Краматорськ",
		"Краматорськ: навчання, удар", "Air raid over Kramatorsk", "Kramatorsk and Sloviansk: strikers", "Kramatorsk drill strike",
	}
	var plain, sunk []*query.Expr
	for _, q := range queries {
		a, err := query.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := query.Parse(q)
		sinkNames(b, names)
		plain, sunk = append(plain, a), append(sunk, b)
	}
	ps, ss := query.NewSet(plain), query.NewSet(sunk)
	for _, text := range texts {
		if got, want := fmt.Sprint(ss.Match(nil, "", text)), fmt.Sprint(ps.Match(nil, "", text)); got != want {
			t.Errorf("%q: sunk queries match %s, the originals %s", text, got, want)
		}
	}
	if first := sunk[0].Kids[0]; onlyNames(first, names) {
		t.Errorf("the names operand is still first in %q", queries[0])
	}
}
