package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/newswatch/newswatch/store"
)

// runCLIWith runs one command line in-process with the given environment
// and terminal answer.
func runCLIWith(t *testing.T, env map[string]string, tty bool, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut syncBuffer
	c := &cli{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut,
		getenv: func(k string) string { return env[k] }, terminal: func() bool { return tty }}
	code := c.main(context.Background(), args)
	return out.String(), errOut.String(), code
}

// seedsWith writes n seed documents mentioning Kramatorsk and the seeds
// watchlist into a new directory.
func seedsWith(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	data, err := os.ReadFile("../../seeds/watchlist.toml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "watchlist.toml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		body := fmt.Sprintf("Report %d\n\nReport %d from Kramatorsk: the town was quiet.\n", i, i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("doc%04d.txt", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestGlobalFlagsAnywhereAndEnv(t *testing.T) {
	e := newTestEnv(t, seedsWith(t, 1), "")
	for _, args := range [][]string{
		{"--config", e.config, "migrate"},
		{"migrate", "--config", e.config},
		{"--config=" + e.config, "stats"},
		{"stats", "--log-level", "debug", "--config", e.config},
	} {
		if out, stderr, code := runCLIWith(t, nil, false, args...); code != 0 {
			t.Errorf("%q: exit %d\n%s%s", args, code, out, stderr)
		}
	}
	env := map[string]string{"NEWSWATCH_CONFIG": e.config}
	out, stderr, code := runCLIWith(t, env, false, "migrate")
	if code != 0 || !strings.Contains(out, e.db) {
		t.Errorf("migrate with NEWSWATCH_CONFIG: exit %d, %q %q; want the config's database %s", code, out, stderr, e.db)
	}
	// --config wins over the environment.
	other := filepath.Join(t.TempDir(), "missing.toml")
	if _, stderr, code := runCLIWith(t, env, false, "stats", "--config", other); code != 1 || !strings.Contains(stderr, "missing.toml") {
		t.Errorf("--config over NEWSWATCH_CONFIG: exit %d, %q", code, stderr)
	}
}

func TestHelpGoesToStdout(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"help"}, {"search", "--help"}, {"help", "search"},
		{"help", "watch", "edit"}, {"watch", "--help"}} {
		out, stderr, code := runCLIWith(t, nil, false, args...)
		if code != 0 || stderr != "" || !strings.Contains(out, "Usage: newswatch") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, out, stderr)
		}
	}
	out, _, _ := runCLIWith(t, nil, false, "help", "search")
	if !strings.Contains(out, "search [--json]") || !strings.Contains(out, "-offset") {
		t.Errorf("help search does not print search's usage:\n%s", out)
	}
	out, _, _ = runCLIWith(t, nil, false, "help", "watch", "edit")
	if !strings.Contains(out, "-add-alias") {
		t.Errorf("help watch edit does not print its flags:\n%s", out)
	}
}

func TestExitCodes(t *testing.T) {
	e := newTestEnv(t, seedsWith(t, 1), "")
	if _, stderr, code := runCLIWith(t, nil, false, "migrate", "--config", e.config); code != 0 {
		t.Fatal(stderr)
	}
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{}, 2},
		{[]string{"nope"}, 2},
		{[]string{"help", "nope"}, 2},
		{[]string{"latest", "--limit", "abc"}, 2},
		{[]string{"latest", "--limit", "500"}, 2},
		{[]string{"latest", "--offset", "-1"}, 2},
		{[]string{"latest", "--all", "--offset", "5"}, 2},
		{[]string{"mentions", "--since", "bogus"}, 2},
		{[]string{"stats", "--days", "0"}, 2},
		{[]string{"stats", "--log-level", "loud"}, 2},
		{[]string{"watch", "add", "--kind", "planet", "Mars"}, 2},
		{[]string{"alerts", "set", "--guild", "x", "--channel", "1"}, 2},
		{[]string{"feed", "add", "--interval", "soon", "https://example.com/rss"}, 2},
		{[]string{"search", "--json"}, 2},
		{[]string{"watch", "rm", "Nowhere"}, 1},
		{[]string{"latest"}, 0},
	} {
		args := append(tc.args, "--config", e.config)
		if len(tc.args) == 0 {
			args = nil
		}
		if _, stderr, code := runCLIWith(t, nil, false, args...); code != tc.code {
			t.Errorf("%q: exit %d, want %d; stderr %q", tc.args, code, tc.code, stderr)
		}
	}
}

func TestJSONRefusedWhereItMeansNothing(t *testing.T) {
	e := newTestEnv(t, seedsWith(t, 1), "")
	for _, args := range [][]string{
		{"backup", "--json", "x.db"}, {"watch", "rm", "--json", "X"}, {"watch", "import", "--json", "w.toml"},
		{"feed", "rm", "--json", "1"}, {"feed", "retry", "--json", "1"}, {"feed", "import", "--json", "f.opml"},
		{"feed", "export", "--json"}, {"alerts", "set", "--json", "--guild", "1", "--channel", "2"},
		{"alerts", "off", "--json", "--guild", "1", "--channel", "2"},
	} {
		_, stderr, code := runCLIWith(t, nil, false, append(args, "--config", e.config)...)
		if code != 2 || !strings.Contains(stderr, "-json") {
			t.Errorf("%q: exit %d, stderr %q; want a usage error naming -json", args, code, stderr)
		}
	}
}

func TestReadersNeverMigrate(t *testing.T) {
	e := newTestEnv(t, seedsWith(t, 1), "")
	for _, args := range [][]string{{"stats"}, {"search", "x"}, {"latest"}, {"watch", "list"}, {"feed", "list"}} {
		_, stderr, code := runCLIWith(t, nil, false, append(args, "--config", e.config)...)
		if code != 1 || !strings.Contains(stderr, "needs a migration") || !strings.Contains(stderr, "newswatch migrate") {
			t.Errorf("%q on no database: exit %d, stderr %q", args, code, stderr)
		}
	}
	if _, err := os.Stat(e.db); !os.IsNotExist(err) {
		t.Fatalf("a read command created the database: %v", err)
	}
	out, stderr, code := runCLIWith(t, nil, false, "migrate", "--config", e.config)
	if code != 0 || !strings.Contains(out, "schema version") {
		t.Fatalf("migrate: exit %d %q %q", code, out, stderr)
	}
	out, stderr, code = runCLIWith(t, nil, false, "stats", "--config", e.config)
	if code != 0 || !strings.Contains(out, "never") {
		t.Errorf("stats after migrate: exit %d, %q %q; want unknown times as never", code, out, stderr)
	}
	out, _, _ = runCLIWith(t, nil, false, "stats", "--json", "--config", e.config)
	if strings.Contains(out, "oldest_item") || strings.Contains(out, "0001-01-01") {
		t.Errorf("stats --json shows an unknown time:\n%s", out)
	}
}

func TestPagingAndNDJSONExport(t *testing.T) {
	const n = 130
	e := newTestEnv(t, seedsWith(t, n), "")
	if _, stderr, code := runCLIWith(t, nil, false, "ingest", "--config", e.config); code != 0 {
		t.Fatal(stderr)
	}
	ids := func(out string) []int64 {
		var items []itemJSON
		if err := json.Unmarshal([]byte(out), &items); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		var ids []int64
		for _, it := range items {
			ids = append(ids, it.ID)
		}
		return ids
	}
	p1, _, _ := runCLIWith(t, nil, false, "latest", "--json", "--expand", "--limit", "100", "--config", e.config)
	p2, _, _ := runCLIWith(t, nil, false, "latest", "--json", "--expand", "--limit", "100", "--offset", "100", "--config", e.config)
	a, b := ids(p1), ids(p2)
	if len(a) != 100 || len(b) != n-100 {
		t.Fatalf("pages of %d and %d items, want 100 and %d", len(a), len(b), n-100)
	}
	seen := map[int64]bool{}
	for _, id := range append(a, b...) {
		if seen[id] {
			t.Errorf("item %d on both pages", id)
		}
		seen[id] = true
	}
	for _, args := range [][]string{{"latest", "--all"}, {"mentions", "--all", "Kramatorsk"}, {"search", "--all", "Kramatorsk"}} {
		out, stderr, code := runCLIWith(t, nil, false, append(args, "--config", e.config)...)
		if code != 0 {
			t.Fatalf("%q: exit %d %s", args, code, stderr)
		}
		lines := 0
		sc := bufio.NewScanner(strings.NewReader(out))
		for sc.Scan() {
			var v map[string]any
			if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
				t.Fatalf("%q line %d is not one JSON object: %v: %s", args, lines+1, err, sc.Text())
			}
			lines++
		}
		if lines != n {
			t.Errorf("%q: %d lines, want %d", args, lines, n)
		}
	}
	// One shape: ids named the same everywhere.
	if _, stderr, code := runCLIWith(t, nil, false, "alerts", "set", "--guild", "11", "--channel", "22", "--config", e.config); code != 0 {
		t.Fatal(stderr)
	}
	out, _, _ := runCLIWith(t, nil, false, "alerts", "list", "--json", "--config", e.config)
	var routes []map[string]any
	if err := json.Unmarshal([]byte(out), &routes); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range routes {
		if r["guild_id"] == "11" && r["channel_id"] == "22" {
			found = true
		}
		if _, ok := r["guild"]; ok {
			t.Errorf("alerts list --json has a guild key: %v", r)
		}
	}
	if !found {
		t.Errorf("alerts list --json lacks guild_id/channel_id: %s", out)
	}
}

func TestWatchAddReplaceEditAndConfigReadOnly(t *testing.T) {
	extra := "[[watch]]\nname = \"Lyman\"\nkind = \"city\"\n[[feed]]\nurl = \"https://example.com/rss\"\n"
	e := newTestEnv(t, seedsWith(t, 3), extra)
	cfg := func(args ...string) []string { return append(args, "--config", e.config) }
	if _, stderr, code := runCLIWith(t, nil, false, cfg("watch", "add", "--kind", "city", "--alias", "Kharkov", "Kharkiv")...); code != 0 {
		t.Fatal(stderr)
	}
	_, stderr, code := runCLIWith(t, nil, false, cfg("watch", "add", "--kind", "city", "Kharkiv")...)
	if code != 1 || !strings.Contains(stderr, "--replace") {
		t.Errorf("watch add of an existing name: exit %d %q", code, stderr)
	}
	out, _, _ := runCLIWith(t, nil, false, cfg("watch", "show", "--json", "Kharkiv")...)
	if !strings.Contains(out, "Kharkov") {
		t.Errorf("a refused add changed the watch: %s", out)
	}
	if _, stderr, code := runCLIWith(t, nil, false, cfg("watch", "add", "--replace", "--kind", "city", "--alias", "Charkiw", "Kharkiv")...); code != 0 {
		t.Fatal(stderr)
	}
	out, stderr, code = runCLIWith(t, nil, false, cfg("watch", "edit", "--json", "--add-alias", "Харків", "--drop-alias", "charkiw", "Kharkiv")...)
	if code != 0 {
		t.Fatalf("watch edit: exit %d %s", code, stderr)
	}
	var w watchJSON
	if err := json.Unmarshal([]byte(out), &w); err != nil {
		t.Fatal(err)
	}
	if strings.Join(w.Aliases, ",") != "Харків" {
		t.Errorf("aliases after edit = %q, want [Харків]", w.Aliases)
	}
	if _, stderr, code := runCLIWith(t, nil, false, cfg("watch", "edit", "--drop-alias", "Nope", "Kharkiv")...); code != 1 || !strings.Contains(stderr, "Nope") {
		t.Errorf("dropping a missing alias: exit %d %q", code, stderr)
	}
	// Config-declared watches and feeds are read-only, and the message
	// names where they come from.
	for _, tc := range []struct {
		args  []string
		where string
	}{
		{[]string{"watch", "rm", "Lyman"}, e.config},
		{[]string{"watch", "add", "--replace", "--kind", "city", "Lyman"}, e.config},
		{[]string{"watch", "edit", "--add-alias", "Lyman city", "Lyman"}, e.config},
		{[]string{"watch", "rm", "Sloviansk"}, "watchlist.toml"},
		{[]string{"feed", "rm", "https://example.com/rss"}, e.config},
	} {
		_, stderr, code := runCLIWith(t, nil, false, cfg(tc.args...)...)
		if code != 1 || !strings.Contains(stderr, tc.where) {
			t.Errorf("%q: exit %d, stderr %q; want a refusal naming %s", tc.args, code, stderr, tc.where)
		}
	}
}

func TestProgressOnlyOnATerminal(t *testing.T) {
	e := newTestEnv(t, seedsWith(t, 20), "")
	if _, stderr, code := runCLIWith(t, nil, false, "ingest", "--config", e.config); code != 0 {
		t.Fatal(stderr)
	}
	_, stderr, code := runCLIWith(t, nil, false, "watch", "add", "--kind", "city", "Donbas", "--config", e.config)
	if code != 0 || strings.Contains(stderr, "\r") || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "/s") {
		t.Errorf("not a terminal: exit %d, stderr %q; want one summary line with a rate", code, stderr)
	}
	_, stderr, code = runCLIWith(t, nil, true, "watch", "add", "--kind", "city", "Lyman", "--config", e.config)
	if code != 0 || !strings.Contains(stderr, "\r") {
		t.Errorf("on a terminal: exit %d, stderr %q; want a redrawn line", code, stderr)
	}
}

func TestSecondIngestSaysWhoRuns(t *testing.T) {
	e := newTestEnv(t, seedsWith(t, 1), "")
	release, err := store.LockWriter(e.db, "ingest")
	if err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runCLIWith(t, nil, false, "ingest", "--config", e.config)
	release()
	want := fmt.Sprintf("another newswatch ingest is running (pid %d)", os.Getpid())
	if code != 1 || !strings.Contains(stderr, want) {
		t.Errorf("ingest while locked: exit %d, stderr %q; want %q", code, stderr, want)
	}
	if _, stderr, code := runCLIWith(t, nil, false, "ingest", "--config", e.config); code != 0 {
		t.Errorf("ingest after release: exit %d %s", code, stderr)
	}
}

func TestRunBindsThePortBeforeWriting(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	dir := t.TempDir()
	db := filepath.Join(dir, "data", "nw.db")
	config := filepath.Join(dir, "nw.toml")
	body := fmt.Sprintf("[storage]\npath = %q\n[seeds]\ndir = %q\n[http]\nlisten = %q\n", db, seedsWith(t, 1), l.Addr().String())
	if err := os.WriteFile(config, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runCLIWith(t, nil, false, "run", "--config", config)
	if code != 1 || !strings.Contains(stderr, "http.listen") {
		t.Errorf("run on a taken port: exit %d %q", code, stderr)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("run on a taken port wrote the database: %v", err)
	}
}

func TestVersionAndHealthcheck(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		out, _, code := runCLIWith(t, nil, false, args...)
		if code != 0 || !strings.HasPrefix(out, "newswatch ") {
			t.Errorf("%q: exit %d %q", args, code, out)
		}
	}
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer ok.Close()
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }))
	defer bad.Close()
	if _, stderr, code := runCLIWith(t, nil, false, "healthcheck", "--url", ok.URL); code != 0 {
		t.Errorf("healthcheck of a 200: exit %d %s", code, stderr)
	}
	if _, _, code := runCLIWith(t, nil, false, "healthcheck", "--url", bad.URL); code != 1 {
		t.Errorf("healthcheck of a 503: exit %d, want 1", code)
	}
}

func TestVersionFromBuildInfo(t *testing.T) {
	bi := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"}}}
	if got, want := versionFrom(bi, "0.1.0"), "0.1.0 (0123456789ab+dirty)"; got != want {
		t.Errorf("versionFrom = %q, want %q", got, want)
	}
	bi = &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}
	if got, want := versionFrom(bi, "0.1.0"), "v1.2.3"; got != want {
		t.Errorf("versionFrom = %q, want %q", got, want)
	}
}

func TestFatalExitStatus(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.toml")
	if err := os.WriteFile(bad, []byte("[log]\nformat = \"xml\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := runCLIWith(t, nil, false, "stats", "--config", bad); code != exitFatal || !strings.Contains(stderr, "log.format") {
		t.Errorf("invalid config: exit %d %q, want %d", code, stderr, exitFatal)
	}
}
