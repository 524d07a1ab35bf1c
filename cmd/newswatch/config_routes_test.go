package main

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// TestConfigRoutesReconciled: the routes of [[route]] tables are the
// config's: the CLI refuses to change or remove them, naming the file; a
// table removed from the file removes its route at the next start (as a
// removed [[watch]] is), while a route made with the CLI is never touched.
func TestConfigRoutesReconciled(t *testing.T) {
	routeA := "[[route]]\nguild_id = \"11\"\nchannel_id = \"22\"\nquery = \"shelling\"\n"
	routeB := "[[route]]\nguild_id = \"11\"\nchannel_id = \"23\"\nspikes = true\n"
	e := newTestEnv(t, seedsWith(t, 1), routeA+routeB)
	cli := func(args ...string) (string, string, int) {
		return runCLIWith(t, nil, false, append(args, "--config", e.config)...)
	}
	if _, stderr, code := cli("ingest"); code != 0 {
		t.Fatalf("ingest: exit %d %s", code, stderr)
	}
	if _, stderr, code := cli("alerts", "set", "--guild", "11", "--channel", "44", "--kind", "city"); code != 0 {
		t.Fatalf("alerts set of a CLI route: exit %d %s", code, stderr)
	}
	rs := listRoutes(t, e.config)
	if rs["22"]["config"] != true || rs["23"]["config"] != true || rs["44"]["config"] != false {
		t.Fatalf("routes %v: want 22 and 23 from the config, 44 not", rs)
	}
	for _, args := range [][]string{
		{"alerts", "set", "--guild", "11", "--channel", "22"},
		{"alerts", "digest", "--guild", "11", "--channel", "22", "--hour", "8"},
		{"alerts", "off", "--guild", "11", "--channel", "23"},
	} {
		_, stderr, code := cli(args...)
		if code == 0 || !strings.Contains(stderr, "comes from the config file "+e.config) {
			t.Errorf("%v: exit %d %q, want a refusal naming the config file", args, code, stderr)
		}
	}
	if r := listRoutes(t, e.config)["22"]; r["query"] != "shelling" || r["digest_hour"] != nil {
		t.Errorf("config route changed by refused commands: %v", r)
	}

	// Route 23 leaves the file: until the next start the store still
	// refuses to change it; then it is gone, and 22 and 44 stay.
	if err := os.WriteFile(e.config, []byte(strings.Replace(mustRead(t, e.config), routeB, "", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := cli("alerts", "set", "--guild", "11", "--channel", "23"); code == 0 || !strings.Contains(stderr, "configuration file") {
		t.Errorf("alerts set of a config route before the next start: exit %d %q", code, stderr)
	}
	if _, stderr, code := cli("ingest"); code != 0 {
		t.Fatalf("ingest: exit %d %s", code, stderr)
	}
	var channels []string
	for ch := range listRoutes(t, e.config) {
		channels = append(channels, ch)
	}
	slices.Sort(channels)
	if want := []string{"22", "44", "console"}; !slices.Equal(channels, want) {
		t.Errorf("routes after removing [[route]] 23: %v, want %v", channels, want)
	}
}
