package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/bot"
	"github.com/newswatch/newswatch/signals"
	"github.com/newswatch/newswatch/store"
)

// signalsWorld is a store with one global feed and watch, fed synthetic
// hourly series, and a ticker over it on a test clock.
type signalsWorld struct {
	t     *testing.T
	ctx   context.Context
	path  string
	db    *store.DB
	feed  newswatch.Feed
	watch newswatch.Watch
	seq   int
	out   *bytes.Buffer
}

func newSignalsWorld(t *testing.T) *signalsWorld {
	t.Helper()
	w := &signalsWorld{t: t, ctx: context.Background(), path: filepath.Join(t.TempDir(), "nw.db"), out: &bytes.Buffer{}}
	w.open()
	var err error
	if w.feed, err = w.db.EnsureFeed(w.ctx, "https://wire.example/rss", "", "config", 0); err != nil {
		t.Fatal(err)
	}
	if w.watch, _, err = w.db.PutWatch(w.ctx, newswatch.Watch{Name: "Kramatorsk", Kind: newswatch.KindCity}, 0); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *signalsWorld) open() {
	db, err := store.Open(w.ctx, w.path)
	if err != nil {
		w.t.Fatal(err)
	}
	w.db = db
	w.t.Cleanup(func() { db.Close() })
}

// restart closes the store and opens it again, as a restarted daemon does.
func (w *signalsWorld) restart() {
	w.db.Close()
	w.open()
}

// add stores n items mentioning the watch, spread over [from, from+span).
func (w *signalsWorld) add(from time.Time, span time.Duration, n int) {
	w.t.Helper()
	w.save(w.items(nil, from, span, n))
}

// items appends n items mentioning the watch, spread over [from, from+span).
func (w *signalsWorld) items(in []newswatch.IngestItem, from time.Time, span time.Duration, n int) []newswatch.IngestItem {
	for i := range n {
		w.seq++
		at := from.Add(span * time.Duration(i) / time.Duration(n))
		title := fmt.Sprintf("Kramatorsk report %d", w.seq)
		it := newswatch.Item{Key: fmt.Sprint(w.seq), GUID: fmt.Sprint(w.seq), Title: title,
			Link: fmt.Sprintf("https://wire.example/%d", w.seq), Published: at, FetchedAt: at}
		in = append(in, newswatch.IngestItem{Item: it, Mentions: []newswatch.Mention{{WatchID: w.watch.ID,
			Entity: w.watch.Name, Kind: w.watch.Kind, Start: 0, End: 10, Text: "Kramatorsk"}}})
	}
	return in
}

// save stores items in batches of 1,000.
func (w *signalsWorld) save(in []newswatch.IngestItem) {
	w.t.Helper()
	for len(in) > 0 {
		n := min(len(in), 1000)
		if _, err := w.db.SaveItems(w.ctx, w.feed.ID, in[:n]); err != nil {
			w.t.Fatal(err)
		}
		in = in[n:]
	}
}

// series stores hourly Poisson counts of mean lambda(h) for the hours from
// start on.
func (w *signalsWorld) series(seed uint64, start time.Time, hours int, lambda func(h int) float64) {
	r := rand.New(rand.NewPCG(seed, 13))
	var in []newswatch.IngestItem
	for h := range hours {
		l, k, p := math.Exp(-lambda(h)), 0, 1.0
		for p *= r.Float64(); p > l; p *= r.Float64() {
			k++
		}
		in = w.items(in, start.Add(time.Duration(h)*time.Hour), time.Hour, k)
	}
	w.save(in)
}

// ticker is a Discord-mode ticker at *now.
func (w *signalsWorld) ticker(now *time.Time) *signalsTicker {
	return &signalsTicker{db: w.db, interval: time.Minute, now: func() time.Time { return *now },
		log: slog.New(slog.DiscardHandler), out: w.out,
		spikePayload: bot.SpikePayload, digestPayload: bot.DigestPayload, translate: bot.Translator}
}

func (w *signalsWorld) route(r newswatch.Route) newswatch.Route {
	w.t.Helper()
	out, err := w.db.SetRoute(w.ctx, r, 0)
	if err != nil {
		w.t.Fatal(err)
	}
	return out
}

func (w *signalsWorld) pending() []newswatch.AlertMessage {
	w.t.Helper()
	ms, err := w.db.PendingAlertMessages(w.ctx, 1000)
	if err != nil {
		w.t.Fatal(err)
	}
	return ms
}

var signalsT0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// TestSpikeTickerNoFalseAlarm: a steady and a slowly growing series, with
// the ticker checking every hour of their last day, alert nothing
// (package signals tests the rule on many more series; this is the
// ticker's path through the store).
func TestSpikeTickerNoFalseAlarm(t *testing.T) {
	tests := []struct {
		name   string
		lambda func(h int) float64
	}{
		{"steady 6 an hour", func(int) float64 { return 6 }},
		{"growing 5% a day", func(h int) float64 { return 4 * math.Pow(1.05, float64(h)/24) }},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newSignalsWorld(t)
			w.route(newswatch.Route{GuildID: "g1", ChannelID: "c1", Spikes: true})
			const days = 9
			w.series(uint64(i+1), signalsT0, days*24, tt.lambda)
			var now time.Time
			tk := w.ticker(&now)
			for h := (days - 1) * 24; h < days*24; h++ {
				now = signalsT0.Add(time.Duration(h)*time.Hour + 59*time.Minute)
				tk.tick(w.ctx)
			}
			if ms := w.pending(); len(ms) != 0 {
				t.Errorf("%d spike alerts, want none; first: %s", len(ms), ms[0].Payload)
			}
		})
	}
}

// TestSpikeTickerSurge: a 10× surge is found within its hour (30 minutes
// in: 24 items against a usual 5) by a ticker
// checking every 5 minutes, alerted once to the spikes route (not to the
// route without spikes, nor to another guild's), not again while it lasts
// nor after a restart, and again after the quiet hours as a new episode.
func TestSpikeTickerSurge(t *testing.T) {
	w := newSignalsWorld(t)
	spikes := w.route(newswatch.Route{GuildID: "g1", ChannelID: "c1", Spikes: true, RoleID: "77"})
	w.route(newswatch.Route{GuildID: "g1", ChannelID: "c2"})
	w.route(newswatch.Route{GuildID: "g2", ChannelID: "c3", Spikes: true, Kind: newswatch.KindActor})
	surge := signalsT0.Add(8 * 24 * time.Hour)
	w.series(3, signalsT0, 8*24, func(int) float64 { return 5 })
	var now time.Time
	tk := w.ticker(&now)
	// the surge: 50 items in the hour (10×), arriving as the ticker ticks
	found := time.Duration(-1)
	for m := 5; m <= 60; m += 5 {
		w.add(surge.Add(time.Duration(m-5)*time.Minute), 5*time.Minute, 50/12)
		now = surge.Add(time.Duration(m) * time.Minute)
		tk.tick(w.ctx)
		if len(w.pending()) > 0 && found < 0 {
			found = time.Duration(m) * time.Minute
		}
	}
	t.Logf("a 10x surge (5 to 50 an hour) found %v into its hour", found)
	checkCached(t, w, tk, now)
	ms := w.pending()
	if found < 0 || found > 45*time.Minute || len(ms) != 1 {
		t.Fatalf("surge found after %v with %d alerts, want one within 45 minutes", found, len(ms))
	}
	if ms[0].Route.ID != spikes.ID {
		t.Errorf("alert went to route %+v, want the spikes route", ms[0].Route)
	}
	var body struct {
		Content string `json:"content"`
		Embeds  []struct {
			Title       string `json:"title"`
			Description string `json:"description"`
			Fields      []struct{ Name, Value string }
		} `json:"embeds"`
	}
	if err := json.Unmarshal(ms[0].Payload, &body); err != nil || len(body.Embeds) != 1 {
		t.Fatalf("payload %s: %v", ms[0].Payload, err)
	}
	e := body.Embeds[0]
	if body.Content != "<@&77>" || !strings.Contains(e.Title, "Kramatorsk") || !strings.Contains(e.Description, "against a usual **5.") ||
		len(e.Fields) != 1 || !strings.Contains(e.Fields[0].Value, "Kramatorsk report") {
		t.Errorf("spike alert %+v", body)
	}

	// the surge goes on for another hour: the same episode
	w.add(surge.Add(time.Hour), time.Hour, 50)
	for m := 5; m <= 60; m += 5 {
		now = surge.Add(time.Hour + time.Duration(m)*time.Minute)
		tk.tick(w.ctx)
	}
	// a restart in the middle of it announces nothing again
	w.restart()
	tk = w.ticker(&now)
	now = surge.Add(time.Hour + 59*time.Minute)
	tk.tick(w.ctx)
	if ms := w.pending(); len(ms) != 1 {
		t.Fatalf("%d alerts after the episode went on and a restart, want still 1", len(ms))
	}
	// quiet hours, then a new surge: a new episode
	w.series(4, surge.Add(2*time.Hour), 5, func(int) float64 { return 5 })
	for h := 2; h < 7; h++ {
		now = surge.Add(time.Duration(h)*time.Hour + 59*time.Minute)
		tk.tick(w.ctx)
	}
	w.add(surge.Add(7*time.Hour), 30*time.Minute, 50)
	now = surge.Add(7*time.Hour + 30*time.Minute)
	tk.tick(w.ctx)
	if ms := w.pending(); len(ms) != 2 {
		t.Errorf("%d alerts after a second surge past the quiet hours, want 2", len(ms))
	}
}

// TestSpikeTickerLateInHour: a surge that arrives after the last tick of
// its hour is judged on its final count by the first tick of the next
// hour, once; a ticker that only judged the hour holding now never saw it.
func TestSpikeTickerLateInHour(t *testing.T) {
	w := newSignalsWorld(t)
	w.route(newswatch.Route{GuildID: "g1", ChannelID: "c1", Spikes: true})
	surge := signalsT0.Add(8 * 24 * time.Hour)
	w.series(5, signalsT0, 8*24, func(int) float64 { return 5 })
	var now time.Time
	tk := w.ticker(&now)
	now = surge.Add(55 * time.Minute) // the hour's last tick: 2 items so far
	w.add(surge, 50*time.Minute, 2)
	tk.tick(w.ctx)
	if ms := w.pending(); len(ms) != 0 {
		t.Fatalf("%d alerts before the surge, want none", len(ms))
	}
	w.add(surge.Add(56*time.Minute), 3*time.Minute, 48) // after that tick
	now = surge.Add(time.Hour + 2*time.Minute)          // the next hour's first tick
	tk.tick(w.ctx)
	ms := w.pending()
	if len(ms) != 1 {
		t.Fatalf("%d alerts after the next hour's first tick, want the late surge's one", len(ms))
	}
	if !strings.Contains(string(ms[0].Payload), "Kramatorsk") {
		t.Errorf("spike alert %s does not name the watch", ms[0].Payload)
	}
	now = surge.Add(time.Hour + 7*time.Minute)
	tk.tick(w.ctx)
	if ms := w.pending(); len(ms) != 1 {
		t.Errorf("%d alerts after another tick, want still 1", len(ms))
	}
}

// TestConsoleSignals: in console mode spikes and the digest are printed,
// each once, even across a restart, and nothing is stored to post.
func TestConsoleSignals(t *testing.T) {
	w := newSignalsWorld(t)
	if err := w.db.EnsureConsoleRoute(w.ctx, true); err != nil {
		t.Fatal(err)
	}
	w.route(newswatch.Route{GuildID: "", ChannelID: newswatch.ConsoleChannel, Digest: true, DigestHour: 8})
	day := signalsT0.Add(8 * 24 * time.Hour)
	w.series(5, signalsT0, 9*24, func(int) float64 { return 2 })
	w.add(day.Add(-7*24*time.Hour+time.Hour), time.Hour, 3) // a week before the digest's day
	next := day.Add(24 * time.Hour)
	w.add(next.Add(8*time.Hour), 10*time.Minute, 30) // a spike on the digest's morning
	var now time.Time
	console := func() *signalsTicker {
		return &signalsTicker{db: w.db, interval: time.Minute, now: func() time.Time { return now },
			log: slog.New(slog.DiscardHandler), out: w.out}
	}
	tk := console()
	now = next.Add(7*time.Hour + 59*time.Minute) // before the digest hour
	tk.tick(w.ctx)
	if w.out.Len() != 0 {
		t.Fatalf("printed before the digest hour:\n%s", w.out)
	}
	now = next.Add(8*time.Hour + 15*time.Minute)
	tk.tick(w.ctx)
	tk.tick(w.ctx)
	w.restart()
	tk = console()
	tk.tick(w.ctx)
	out := w.out.String()
	if n := strings.Count(out, "SPIKE Kramatorsk: 30 stories"); n != 1 {
		t.Errorf("spike printed %d times, want once:\n%s", n, out)
	}
	if n := strings.Count(out, "== Daily digest, Monday 9 March 2026 (UTC) =="); n != 1 {
		t.Errorf("digest printed %d times, want once:\n%s", n, out)
	}
	if !strings.Contains(out, "Top stories:") || !strings.Contains(out, "**Kramatorsk**") || !strings.Contains(out, "a week ago") {
		t.Errorf("digest text:\n%s", out)
	}
	if ms := w.pending(); len(ms) != 0 {
		t.Errorf("console mode stored %d messages", len(ms))
	}
}

// TestDigestTicker: a Discord route's digest is stored once, with the
// chart in its body, at its hour; routes of other hours wait.
func TestDigestTicker(t *testing.T) {
	w := newSignalsWorld(t)
	r := w.route(newswatch.Route{GuildID: "g1", ChannelID: "c1", Digest: true, DigestHour: 6})
	w.route(newswatch.Route{GuildID: "g1", ChannelID: "c2", Digest: true, DigestHour: 20})
	day := signalsT0.Add(8 * 24 * time.Hour)
	w.series(6, signalsT0, 9*24, func(int) float64 { return 1 })
	var now time.Time
	tk := w.ticker(&now)
	now = day.Add(24*time.Hour + 6*time.Hour + time.Minute)
	tk.tick(w.ctx)
	tk.tick(w.ctx)
	w.restart()
	tk = w.ticker(&now)
	tk.tick(w.ctx)
	ms := w.pending()
	if len(ms) != 1 || ms[0].Route.ID != r.ID {
		t.Fatalf("%d digests stored (%+v), want one for the 06:00 route", len(ms), ms)
	}
	var body struct {
		Embeds []struct {
			Title string `json:"title"`
			Image struct {
				URL string `json:"url"`
			} `json:"image"`
		} `json:"embeds"`
		Files []struct {
			Name string `json:"name"`
			Data []byte `json:"data"`
		} `json:"files"`
	}
	if err := json.Unmarshal(ms[0].Payload, &body); err != nil {
		t.Fatal(err)
	}
	if len(body.Embeds) != 1 || body.Embeds[0].Title != "Daily digest, Monday 9 March 2026 (UTC)" ||
		len(body.Files) != 1 || body.Embeds[0].Image.URL != "attachment://"+body.Files[0].Name ||
		!bytes.HasPrefix(body.Files[0].Data, []byte("\x89PNG")) {
		t.Errorf("digest body: %+v", body.Embeds)
	}
}

// checkCached: the counts the ticker assembles from its hourly cache and
// the recent hours for the guilds with nothing of their own (publicScope)
// equal a full read of the window for g1, one of them.
func checkCached(t *testing.T, w *signalsWorld, tk *signalsTicker, now time.Time) {
	t.Helper()
	if _, ok := tk.history[publicScope]; !ok {
		t.Fatal("the ticker keeps no counts for the guilds with nothing of their own")
	}
	got, err := tk.scopeCounts(w.ctx, publicScope, now)
	if err != nil {
		t.Fatal(err)
	}
	since, until := signals.Window(now)
	want, err := w.db.SpikeBuckets(w.ctx, "g1", since, until)
	if err != nil {
		t.Fatal(err)
	}
	sum := func(cs []newswatch.BucketCount) map[time.Time]int {
		m := map[time.Time]int{}
		for _, c := range cs {
			m[c.Start] += c.Count
		}
		return m
	}
	g, wa := sum(got), sum(want)
	if len(g) != len(wa) {
		t.Fatalf("cached counts cover %d hours, a full read %d", len(g), len(wa))
	}
	for h, n := range wa {
		if g[h] != n {
			t.Errorf("hour %v: cached %d, full read %d", h, g[h], n)
		}
	}
}

// TestDigestTickerLocale: the digest of a route whose guild speaks
// Ukrainian (Route.Locale, recorded by /alerts set) is written in
// Ukrainian, one in German in English; the console stays English
// (TestConsoleSignals).
func TestDigestTickerLocale(t *testing.T) {
	w := newSignalsWorld(t)
	uk := w.route(newswatch.Route{GuildID: "g1", ChannelID: "c1", Digest: true, DigestHour: 6, Locale: "uk"})
	w.route(newswatch.Route{GuildID: "g1", ChannelID: "c2", Digest: true, DigestHour: 6, Locale: "de"})
	day := signalsT0.Add(8 * 24 * time.Hour)
	w.series(6, signalsT0, 9*24, func(int) float64 { return 1 })
	now := day.Add(24*time.Hour + 6*time.Hour + time.Minute)
	w.ticker(&now).tick(w.ctx)
	ms := w.pending()
	if len(ms) != 2 {
		t.Fatalf("%d digests stored, want 2", len(ms))
	}
	for _, m := range ms {
		var body struct {
			Embeds []struct {
				Title  string `json:"title"`
				Fields []struct{ Name, Value string }
			} `json:"embeds"`
		}
		if err := json.Unmarshal(m.Payload, &body); err != nil || len(body.Embeds) != 1 {
			t.Fatalf("payload: %v", err)
		}
		want, top := "Daily digest, Monday 9 March 2026 (UTC)", "Top stories"
		if m.Route.ID == uk.ID {
			want, top = "Щоденне зведення, 09.03.2026 (UTC)", "Головні сюжети"
		}
		e := body.Embeds[0]
		if e.Title != want || len(e.Fields) == 0 || e.Fields[0].Name != top {
			t.Errorf("route %s (%s): digest %q %+v, want %q with %q", m.Route.ChannelID, m.Route.Locale, e.Title, e.Fields, want, top)
		}
	}
}

// countingStore counts the reads of a whole spike window per scope key.
type countingStore struct {
	signalsStore
	windows map[string]int
}

func (c *countingStore) SpikeBuckets(ctx context.Context, key string, since, until time.Time) ([]newswatch.BucketCount, error) {
	if until.Sub(since) > 24*time.Hour {
		c.windows[key]++
	}
	return c.signalsStore.SpikeBuckets(ctx, key, since, until)
}

// TestSpikeScopesShared: the guilds with no feed and no watch of their own
// share one read of the week's counts; a guild with a watch of its own
// has its own read and its own watch's spikes; every guild gets its alert
// of a surge of a global watch.
func TestSpikeScopesShared(t *testing.T) {
	w := newSignalsWorld(t)
	for _, g := range []string{"g1", "g2", "g3", "g4"} {
		w.route(newswatch.Route{GuildID: g, ChannelID: "c-" + g, Spikes: true})
	}
	if _, _, err := w.db.PutWatch(w.ctx, newswatch.Watch{GuildID: "g4", Name: "Sloviansk", Kind: newswatch.KindCity}, 0); err != nil {
		t.Fatal(err)
	}
	surge := signalsT0.Add(8 * 24 * time.Hour)
	w.series(3, signalsT0, 8*24, func(int) float64 { return 5 })
	w.add(surge, 30*time.Minute, 50)
	now := surge.Add(30 * time.Minute)
	tk := w.ticker(&now)
	cs := &countingStore{signalsStore: w.db, windows: map[string]int{}}
	tk.db = cs
	tk.tick(w.ctx)
	if want := map[string]int{publicScope: 1, "g4": 1}; !maps.Equal(cs.windows, want) {
		t.Errorf("window reads by scope %v, want %v", cs.windows, want)
	}
	got := map[string]bool{}
	for _, m := range w.pending() {
		got[m.Route.GuildID] = true
	}
	if len(got) != 4 {
		t.Errorf("spike alerts for guilds %v, want g1 to g4", got)
	}
}
