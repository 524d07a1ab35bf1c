package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/store"
)

// listRoutes runs alerts list --json and returns its routes by channel.
func listRoutes(t *testing.T, config string) map[string]map[string]any {
	t.Helper()
	out, stderr, code := runCLIWith(t, nil, false, "alerts", "list", "--json", "--config", config)
	if code != 0 {
		t.Fatalf("alerts list: exit %d %s", code, stderr)
	}
	var rs []map[string]any
	if err := json.Unmarshal([]byte(out), &rs); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	byChannel := map[string]map[string]any{}
	for _, r := range rs {
		byChannel[r["channel_id"].(string)] = r
	}
	return byChannel
}

// TestAlertsSetRuleCLI: alerts set takes the rule flags, refuses a broken
// query with its position and unknown watches, and alerts list --json
// shows each route's rule under the documented keys; alerts digest sets
// and ends the digest, and alerts set keeps it.
func TestAlertsSetRuleCLI(t *testing.T) {
	e := newTestEnv(t, seedsWith(t, 1), "")
	cli := func(args ...string) (string, string, int) {
		return runCLIWith(t, nil, false, append(args, "--config", e.config)...)
	}
	out, stderr, code := cli("alerts", "set", "--guild", "11", "--channel", "22", "--watch", "kramatorsk", "--watch", "Sloviansk",
		"--query", "(shelling OR strike) -exercise", "--kind", "city", "--role", "33", "--min-sources", "2", "--spikes",
		"--no-stories", "--cap", "4")
	if code != 0 || !strings.Contains(out, `Kramatorsk, Sloviansk (city only); matching "(shelling OR strike) -exercise"`) {
		t.Fatalf("alerts set: exit %d %q %s", code, out, stderr)
	}
	got := listRoutes(t, e.config)["22"]
	want := map[string]any{"guild_id": "11", "channel_id": "22", "watches": []any{"Kramatorsk", "Sloviansk"},
		"query": "(shelling OR strike) -exercise", "kind": "city", "role_id": "33", "min_sources": 2.0, "stories": false,
		"quiet": false, "spikes": true, "cap_per_hour": 4.0, "digest_hour": nil, "disabled": false, "disabled_reason": "", "config": false}
	delete(got, "id")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("alerts list --json (-want +got):\n%s", diff)
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--query", "(Kramatorsk OR Sloviansk"}, "Missing ) for the ( at position 1"},
		{[]string{"--query", "Kyiv OR"}, "OR at position 6 needs a word on each side"},
		{[]string{"--watch", "Atlantis"}, `No watch is named "Atlantis"`},
		{[]string{"--cap", "-1"}, "cap"},
	} {
		_, stderr, code := cli(append([]string{"alerts", "set", "--guild", "11", "--channel", "44"}, tt.args...)...)
		if code == 0 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%q: exit %d, stderr %q; want a refusal with %q", tt.args, code, stderr, tt.want)
		}
	}
	if _, ok := listRoutes(t, e.config)["44"]; ok {
		t.Error("a refused route was stored")
	}

	if _, stderr, code := cli("alerts", "digest", "--guild", "11", "--channel", "22", "--hour", "7"); code != 0 {
		t.Fatalf("alerts digest: %s", stderr)
	}
	if h := listRoutes(t, e.config)["22"]["digest_hour"]; h != 7.0 {
		t.Errorf("digest_hour %v, want 7", h)
	}
	if _, stderr, code := cli("alerts", "set", "--guild", "11", "--channel", "22", "--quiet"); code != 0 {
		t.Fatal(stderr)
	}
	r := listRoutes(t, e.config)["22"]
	if r["digest_hour"] != 7.0 || r["quiet"] != true || r["query"] != "" || r["stories"] != true {
		t.Errorf("after alerts set --quiet: %v; want the digest kept and the rest reset", r)
	}
	if _, stderr, code := cli("alerts", "digest", "--guild", "11", "--channel", "22", "--off"); code != 0 {
		t.Fatal(stderr)
	}
	if h := listRoutes(t, e.config)["22"]["digest_hour"]; h != nil {
		t.Errorf("digest_hour after --off: %v", h)
	}
	if _, _, code := cli("alerts", "digest", "--guild", "11", "--channel", "22"); code != 2 {
		t.Errorf("alerts digest without --hour or --off: exit %d, want 2", code)
	}
}

// TestWatchMuteCLI: watch mute and unmute act per guild.
func TestWatchMuteCLI(t *testing.T) {
	e := newTestEnv(t, seedsWith(t, 1), "")
	cli := func(args ...string) (string, string, int) {
		return runCLIWith(t, nil, false, append(args, "--config", e.config)...)
	}
	out, stderr, code := cli("watch", "mute", "--guild", "11", "--for", "2h", "kramatorsk")
	if code != 0 || !strings.HasPrefix(out, "Kramatorsk is muted in guild 11 until ") {
		t.Fatalf("watch mute: exit %d %q %s", code, out, stderr)
	}
	db, err := store.OpenReader(context.Background(), e.db)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ms, err := db.Mutes(context.Background(), "11", time.Now())
	if err != nil || len(ms) != 1 || ms[0].Watch != "Kramatorsk" || ms[0].Until.Before(time.Now().Add(119*time.Minute)) {
		t.Errorf("mutes %+v, %v", ms, err)
	}
	if other, _ := db.Mutes(context.Background(), "12", time.Now()); len(other) != 0 {
		t.Errorf("guild 12 has mutes: %+v", other)
	}
	for _, d := range []string{"31d", "5s", "x"} {
		if _, _, code := cli("watch", "mute", "--guild", "11", "--for", d, "Kramatorsk"); code != 2 {
			t.Errorf("--for %s: exit %d, want 2", d, code)
		}
	}
	if out, stderr, code := cli("watch", "unmute", "--guild", "11", "Kramatorsk"); code != 0 || !strings.Contains(out, "alerts again") {
		t.Errorf("unmute: exit %d %q %s", code, out, stderr)
	}
	if _, stderr, code := cli("watch", "unmute", "--guild", "11", "Kramatorsk"); code == 0 || !strings.Contains(stderr, "not muted") {
		t.Errorf("second unmute: exit %d %s", code, stderr)
	}
}

// TestConfigRoutes: a [[route]] with a broken query stops the program at
// start-up, naming the route and the position; a good one is applied when
// ingest starts, so the console route only gets the items its query
// matches.
func TestConfigRoutes(t *testing.T) {
	for _, tt := range []struct{ data, want string }{
		{"[[route]]\nguild_id = \"1\"\nchannel_id = \"2\"\nquery = \"(Kramatorsk OR\"\n",
			"route[0] (guild 1 channel 2): The query \"(Kramatorsk OR\" is not valid: OR at position 13"},
		{"[[route]]\nguild_id = \"1\"\nchannel_id = \"general\"\n", "route[0] (guild 1 channel general): guild_id and channel_id"},
		{"[[route]]\nchannel_id = \"console\"\ndigest_hour = 24\n", "route[0] (the console): digest_hour"},
		{"[[route]]\nguild_id = \"1\"\nchannel_id = \"2\"\ncap_per_hour = -3\n", "route[0] (guild 1 channel 2): The cap"},
	} {
		if _, err := ParseConfig([]byte(tt.data), env(nil)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %q", tt.data, err, tt.want)
		}
	}

	dir := seedsWith(t, 0)
	for i, body := range []string{"Shelling reported in Kramatorsk overnight.", "Kramatorsk was quiet.", "Shelling near Sloviansk."} {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("n%d.txt", i)), []byte(fmt.Sprintf("News %d\n\n%s\n", i, body)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	extra := "[[route]]\nchannel_id = \"console\"\nwatches = [\"kramatorsk\"]\nquery = \"shelling\"\n" +
		"[[route]]\nguild_id = \"11\"\nchannel_id = \"22\"\nwatches = [\"Atlantis\"]\n"
	e := newTestEnv(t, dir, extra)
	_, stderr, code := runCLIWith(t, nil, false, "ingest", "--config", e.config)
	if code == 0 || !strings.Contains(stderr, `config route[1] (guild 11 channel 22): No watch is named "Atlantis"`) {
		t.Fatalf("ingest with an unknown watch in a route: exit %d %s", code, stderr)
	}
	os.WriteFile(e.config, []byte(strings.Replace(mustRead(t, e.config), `"Atlantis"`, `"Sloviansk"`, 1)), 0o644)
	if _, stderr, code := runCLIWith(t, nil, false, "ingest", "--config", e.config); code != 0 {
		t.Fatalf("ingest: exit %d %s", code, stderr)
	}
	db, err := store.OpenReader(context.Background(), e.db)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	alerts, err := db.PendingAlerts(context.Background(), true, time.Now(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, a := range alerts {
		titles = append(titles, a.Item.Title)
	}
	if diff := cmp.Diff([]string{"News 0"}, titles); diff != "" {
		t.Errorf("console alerts (-want +got):\n%s", diff)
	}
	r := listRoutes(t, e.config)["22"]
	if r == nil || fmt.Sprint(r["watches"]) != "[Sloviansk]" {
		t.Errorf("config route in the store: %v", r)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestConsoleCapSummary: with a cap on the console route, the items over
// it are printed once, as one summary, when the hour is over (the
// deliverer's clock is moved past it), after the alerts under the cap.
func TestConsoleCapSummary(t *testing.T) {
	ctx := context.Background()
	var (
		db    *store.DB
		start time.Time
	)
	// The cap counts per hour of the save's clock: a save that crosses an
	// hour's end is done again on a fresh database (the next one cannot
	// cross one too).
	for attempt := 0; ; attempt++ {
		db, start = capSummaryWorld(t, ctx)
		if start.Truncate(time.Hour) == time.Now().Truncate(time.Hour) {
			break
		}
		if attempt > 0 {
			t.Fatal("two saves in a row crossed an hour's end")
		}
	}
	clock := time.Now()
	out := &syncBuffer{}
	d := &consoleDeliverer{db: db, out: out, now: func() time.Time { return clock }}
	if n, err := d.deliver(ctx); err != nil || n != 1 {
		t.Fatalf("deliver now: %d, %v; want the one alert under the cap", n, err)
	}
	clock = start.Truncate(time.Hour).Add(time.Hour + 2*time.Minute)
	if n, err := d.deliver(ctx); err != nil || n != 1 {
		t.Fatalf("deliver after the hour: %d, %v; want the summary", n, err)
	}
	text := out.String()
	for _, want := range []string{"ALERT Kyiv (city)\n  Kyiv report 0", "SUMMARY Kyiv: 3 more alerts over the cap of 1 per hour",
		"  Kyiv report 1  https://news.example/1\n  Kyiv report 2  https://news.example/2\n  Kyiv report 3"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if n, _ := d.deliver(ctx); n != 0 {
		t.Errorf("a third pass printed %d more", n)
	}
}

// capSummaryWorld stores four items mentioning Kyiv with a cap of one an
// hour on the console route, and returns the store and when the save
// began.
func capSummaryWorld(t *testing.T, ctx context.Context) (*store.DB, time.Time) {
	t.Helper()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "nw.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.EnsureConsoleRoute(ctx, true); err != nil {
		t.Fatal(err)
	}
	w, _, err := db.PutWatch(ctx, newswatch.Watch{Name: "Kyiv", Kind: newswatch.KindCity}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetRoute(ctx, newswatch.Route{ChannelID: newswatch.ConsoleChannel, CapPerHour: 1}, 0); err != nil {
		t.Fatal(err)
	}
	feed, err := db.EnsureFeed(ctx, "https://news.example/rss", newswatch.GlobalScope, "cli", 0)
	if err != nil {
		t.Fatal(err)
	}
	var in []newswatch.IngestItem
	for i := range 4 {
		it := newswatch.Item{Key: fmt.Sprint(i), Title: fmt.Sprintf("Kyiv report %d", i), Link: fmt.Sprintf("https://news.example/%d", i),
			Published: time.Now()}
		m := newswatch.Mention{WatchID: w.ID, Entity: w.Name, Kind: w.Kind, Start: 0, End: 4, Text: "Kyiv"}
		in = append(in, newswatch.IngestItem{Item: it, Mentions: []newswatch.Mention{m}, Alert: true})
	}
	start := time.Now()
	if _, err := db.SaveItems(ctx, feed.ID, in); err != nil {
		t.Fatal(err)
	}
	return db, start
}
