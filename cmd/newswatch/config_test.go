package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestExampleConfigIsTheDefault(t *testing.T) {
	data, err := os.ReadFile("../../config.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseConfig(data, env(nil))
	if err != nil {
		t.Fatalf("config.example.toml: %v", err)
	}
	if diff := cmp.Diff(DefaultConfig(), got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("config.example.toml differs from the defaults (-default +example):\n%s", diff)
	}
}

func TestParseConfig(t *testing.T) {
	data := `
[storage]
path = "${DATA}/nw.db"
retention = "30d"
[feeds]
body_limit = "2MiB"
timeout = "5s"
allow = ["10.0.0.0/8"]
[[feed]]
url = "https://example.com/rss"
interval = "10m"
[[watch]]
name = "Reading"
kind = "city"
case_sensitive = true
`
	cfg, err := ParseConfig([]byte(data), env(map[string]string{"DATA": "/srv", "DISCORD_TOKEN": ""}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Storage.Path != "/srv/nw.db" {
		t.Errorf("path = %q", cfg.Storage.Path)
	}
	if time.Duration(cfg.Storage.Retention) != 30*24*time.Hour {
		t.Errorf("retention = %v", time.Duration(cfg.Storage.Retention))
	}
	if cfg.Feeds.BodyLimit != 2<<20 || time.Duration(cfg.Feeds.Timeout) != 5*time.Second {
		t.Errorf("feeds = %+v", cfg.Feeds)
	}
	if len(cfg.Feed) != 1 || time.Duration(cfg.Feed[0].Interval) != 10*time.Minute {
		t.Errorf("feed = %+v", cfg.Feed)
	}
	if len(cfg.Watch) != 1 || !cfg.Watch[0].Watch().CaseSensitive {
		t.Errorf("watch = %+v", cfg.Watch)
	}
	if cfg.Feeds.Concurrency != 8 {
		t.Errorf("an unset key lost its default: concurrency = %d", cfg.Feeds.Concurrency)
	}
}

func TestParseConfigErrorsNameTheKey(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"unknown key", "[feeds]\nconcurency = 3\n", `"feeds.concurency"`},
		{"unknown table", "[feedz]\nx = 1\n", "feedz"},
		{"token in file", "[discord]\ntoken = \"abc\"\n", "DISCORD_TOKEN"},
		{"bad duration", "[feeds]\ntimeout = \"soon\"\n", "soon"},
		{"out of range", "[feeds]\nconcurrency = 0\n", "feeds.concurrency"},
		{"bad size", "[feeds]\nbody_limit = \"lots\"\n", "lots"},
		{"bad feed url", "[[feed]]\nurl = \"ftp://x\"\n", "feed[0].url"},
		{"bad watch", "[[watch]]\nname = \"X\"\nkind = \"planet\"\n", "watch[0]"},
		{"bad guild id", "[discord]\nguild_ids = [\"abc\"]\n", "discord.guild_ids[0]"},
		{"unset variable", "[storage]\npath = \"${NOPE}/x\"\n", "NOPE"},
		{"wrong type", "[feeds]\nconcurrency = \"eight\"\n", "concurrency"},
		{"listen", "[http]\nlisten = \"everywhere\"\n", "http.listen"},
		{"negative shards", "[discord]\nshards = -1\n", "discord.shards"},
		{"shard ids without shards", "[discord]\nshard_ids = [0]\n", "discord.shard_ids"},
		{"shard id out of range", "[discord]\nshards = 2\nshard_ids = [2]\n", "discord.shard_ids[0]"},
		{"shard id twice", "[discord]\nshards = 4\nshard_ids = [1, 1]\n", "twice"},
		{"allow prefix", "[feeds]\nallow = [\"a.example\", \"10.0.0.1:8080\", \"10.0.0.0/33\"]\n",
			`feeds.allow[2]: "10.0.0.0/33": /33 is not a valid prefix length`},
		{"allow wildcard", "[feeds]\nallow = [\"*\"]\n", `feeds.allow[0]: "*": wildcards are not allowed`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tt.data), env(nil))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestTokenOnlyFromEnvironment(t *testing.T) {
	_, err := ParseConfig([]byte(""), env(map[string]string{"DISCORD_TOKEN": "secret"}))
	if err == nil || !strings.Contains(err.Error(), "application_id") {
		t.Fatalf("token without application id: err = %v", err)
	}
	cfg, err := ParseConfig([]byte("[discord]\napplication_id = \"123\"\n"), env(map[string]string{"DISCORD_TOKEN": " secret\n"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Token != "secret" {
		t.Errorf("token = %q", cfg.Token)
	}
}

func TestLoadConfigMissingFile(t *testing.T) {
	_, err := LoadConfig(filepath.Join(t.TempDir(), "nope.toml"), env(nil))
	if err == nil || !strings.Contains(err.Error(), "nope.toml") {
		t.Fatalf("err = %v, want it to name the file", err)
	}
}

func TestExpandEnv(t *testing.T) {
	got, err := expandEnv([]byte(`a = "${HOME}/x" # $${LITERAL} costs $$5`), env(map[string]string{"HOME": "/home/n"}))
	if err != nil {
		t.Fatal(err)
	}
	if want := `a = "/home/n/x" # ${LITERAL} costs $5`; string(got) != want {
		t.Errorf("expandEnv = %q, want %q", got, want)
	}
}

func TestParseFlagsInterspersed(t *testing.T) {
	tests := []struct {
		args      []string
		wantSince string
		wantJSON  bool
		wantArgs  []string
	}{
		{[]string{"Kiev", "--since", "7d"}, "7d", false, []string{"Kiev"}},
		{[]string{"--json", "Sergei", "Lavrov", "--since=1d"}, "1d", true, []string{"Sergei", "Lavrov"}},
		{[]string{"--", "--since", "x"}, "", false, []string{"--since", "x"}},
		{[]string{"a", "--", "--json"}, "", false, []string{"a", "--json"}},
		{nil, "", false, []string{}},
	}
	for _, tt := range tests {
		c := &cli{stderr: &strings.Builder{}}
		fs := c.newFlagSet("t", "t")
		since := fs.String("since", "", "")
		asJSON := fs.Bool("json", false, "")
		if err := parseFlags(fs, tt.args); err != nil {
			t.Fatalf("%q: %v", tt.args, err)
		}
		if *since != tt.wantSince || *asJSON != tt.wantJSON || !cmp.Equal(fs.Args(), tt.wantArgs, cmpopts.EquateEmpty()) {
			t.Errorf("%q: since %q json %v args %q", tt.args, *since, *asJSON, fs.Args())
		}
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
	}{
		{nil, 2},
		{[]string{"nope"}, 2},
		{[]string{"--help"}, 0},
		{[]string{"backup"}, 2},
		{[]string{"feed", "rm", "1", "2"}, 2},
		{[]string{"feed", "frobnicate"}, 2},
		{[]string{"watch"}, 2},
		{[]string{"search", "--limit", "x", "q"}, 2},
		{[]string{"latest", "extra"}, 2},
		{[]string{"stats", "--help"}, 0},
	}
	for _, tt := range tests {
		var out, errOut strings.Builder
		c := &cli{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: env(nil)}
		if got := c.main(context.Background(), tt.args); got != tt.code {
			t.Errorf("%q: exit %d, want %d (stderr %q)", tt.args, got, tt.code, errOut.String())
		}
	}
}
