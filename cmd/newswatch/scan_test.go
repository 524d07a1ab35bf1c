package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// scanCLI runs one command line and returns its exit code and output.
func scanCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	c := &cli{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	code = c.main(context.Background(), args)
	return code, out.String(), errOut.String()
}

var scanWatchlist = filepath.Join("testdata", "scan", "watchlist.toml")

func TestScanJSON(t *testing.T) {
	news := filepath.Join("testdata", "scan", "news.txt")
	data, err := os.ReadFile(news)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	code, stdout, stderr := scanCLI(t, "", "scan", "--watchlist", scanWatchlist, "--json", news)
	if code != 0 {
		t.Fatalf("exit code %d, stderr %q", code, stderr)
	}
	var got []scanJSON
	for _, line := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
		var x scanJSON
		if err := json.Unmarshal([]byte(line), &x); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		if text[x.Start:x.End] != x.Text {
			t.Errorf("%+v: text[start:end] = %q", x, text[x.Start:x.End])
		}
		got = append(got, x)
	}
	at := func(s string, nth int) int {
		i := -1
		for range nth {
			i += 1 + strings.Index(text[i+1:], s)
		}
		return i
	}
	want := []scanJSON{
		{news, "Sergei Lavrov", "actor", "Sergei\nLavrov", 0, 13},
		{news, "John Kerry", "actor", "John Kerry", at("John Kerry", 1), at("John Kerry", 1) + len("John Kerry")},
		{news, "Sloviansk", "city", "Slavyansk", at("Slavyansk", 1), at("Slavyansk", 1) + len("Slavyansk")},
		{news, "Sloviansk", "city", "Слов’янську", at("Слов’янську", 1), at("Слов’янську", 1) + len("Слов’янську")},
		{news, "Sloviansk", "city", "Славянске", at("Славянске", 1), at("Славянске", 1) + len("Славянске")},
		{news, "Sergei Lavrov", "actor", "Лавровым", at("Лавровым", 1), at("Лавровым", 1) + len("Лавровым")},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("scan --json mismatch (-want +got):\n%s", diff)
	}
}

func TestScanStdinAndText(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"json from stdin", []string{"--json"}, `{"path":"-","entity":"Sloviansk","kind":"city","text":"Slavyansk","start":13,"end":22}` + "\n" +
			`{"path":"-","entity":"Sergei Lavrov","kind":"actor","text":"Сергей Лавров","start":27,"end":52}` + "\n"},
		{"text from stdin", nil, "-:3:4 Sloviansk (city) \"Slavyansk\"\n-:3:18 Sergei Lavrov (actor) \"Сергей Лавров\"\n"},
		{"dash is stdin", []string{"-"}, "-:3:4 Sloviansk (city) \"Slavyansk\"\n-:3:18 Sergei Lavrov (actor) \"Сергей Лавров\"\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"scan", "--watchlist", scanWatchlist}, tt.args...)
			code, stdout, stderr := scanCLI(t, "Headline\n\nIn Slavyansk and Сергей Лавров.", args...)
			if code != 0 || stdout != tt.want {
				t.Errorf("exit %d, stdout\n%s\nwant exit 0 and\n%s\nstderr %q", code, stdout, tt.want, stderr)
			}
		})
	}
}

func TestScanNoMentions(t *testing.T) {
	code, stdout, stderr := scanCLI(t, "Nothing to see here.", "scan", "--watchlist", scanWatchlist, "--json")
	if code != 0 || stdout != "" || stderr != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want 0 and no output", code, stdout, stderr)
	}
}

func TestScanErrors(t *testing.T) {
	dir := t.TempDir()
	readable := filepath.Join(dir, "ok.txt")
	if err := os.WriteFile(readable, []byte("Lavrov"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.txt")
	tests := []struct {
		name      string
		args      []string
		code      int
		stdout    string
		stderrHas []string
	}{
		{"no watchlist flag", []string{"scan", readable}, 2, "", []string{"--watchlist is required", "Usage: newswatch scan"}},
		{"missing watchlist", []string{"scan", "--watchlist", filepath.Join(dir, "none.toml"), readable}, 1, "", []string{"none.toml"}},
		{"bad watchlist", []string{"scan", "--watchlist", filepath.Join("testdata", "scan", "bad.toml"), readable}, 1, "", []string{"bad.toml", `Watch "Sloviansk": unknown kind "town"`}},
		{"unreadable file after a readable one", []string{"scan", "--watchlist", scanWatchlist, missing, readable, dir}, 1,
			readable + ":1:1 Sergei Lavrov (actor) \"Lavrov\"\n", []string{"missing.txt", "no such file", "read " + dir}},
		{"unknown flag", []string{"scan", "--nope"}, 2, "", []string{"flag provided but not defined"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := scanCLI(t, "", tt.args...)
			if code != tt.code || stdout != tt.stdout {
				t.Errorf("exit %d, stdout %q; want %d, %q (stderr %q)", code, stdout, tt.code, tt.stdout, stderr)
			}
			for _, s := range tt.stderrHas {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr %q does not contain %q", stderr, s)
				}
			}
		})
	}
}

// TestScanAutoAliases: scan compiles the keys of issue 11 as the daemon
// does — a bare city name with auto_aliases finds the city's other names
// and case forms, fuzzy its misspellings, and drop_aliases removes one.
func TestScanAutoAliases(t *testing.T) {
	list := filepath.Join(t.TempDir(), "watchlist.toml")
	if err := os.WriteFile(list, []byte(`
[[watch]]
name = "Kramatorsk"
kind = "city"
auto_aliases = true
drop_aliases = ["Kramatorskaya"]

[[watch]]
name = "Mariupol"
kind = "city"
auto_aliases = true
fuzzy = true

[[watch]]
name = "John Kerry"
kind = "actor"
aliases = ["Джон Керри"]
auto_aliases = true
surname_only = false
`), 0o644); err != nil {
		t.Fatal(err)
	}
	text := "У Краматорську, в Краматорске, Kramatorskaya; Mairupol; Kerry. Керрі сказав."
	code, stdout, stderr := scanCLI(t, text, "scan", "--watchlist", list, "--json")
	if code != 0 {
		t.Fatalf("exit code %d, stderr %q", code, stderr)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
		var x scanJSON
		if err := json.Unmarshal([]byte(line), &x); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		got = append(got, x.Entity+": "+x.Text)
	}
	want := []string{"Kramatorsk: Краматорську", "Kramatorsk: Краматорске", "Mariupol: Mairupol"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("scan mismatch (-want +got):\n%s", diff)
	}
}
