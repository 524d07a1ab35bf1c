package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newswatch/newswatch/watch"
)

// TestWatchShowAddedAliases: a watch imported with auto_aliases keeps the
// key in the store, and watch show lists what the matcher adds and from
// where, less its drop_aliases.
func TestWatchShowAddedAliases(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t, "../../seeds", "")
	list := filepath.Join(t.TempDir(), "list.toml")
	if err := os.WriteFile(list, []byte("[[watch]]\nname = \"Horlivka\"\nkind = \"city\"\nauto_aliases = true\ndrop_aliases = [\"Gorlowka\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := runCLI(t, ctx, "watch", "import", "--config", e.config, list); code != 0 {
		t.Fatalf("watch import exit %d: %s", code, stderr)
	}
	out, stderr, code := runCLI(t, ctx, "watch", "show", "--config", e.config, "Horlivka")
	if code != 0 {
		t.Fatalf("watch show exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Горлівка\tgeonames", "Горловка\tgeonames", "Gorlovka\tgeonames"} {
		if !strings.Contains(out, want) {
			t.Errorf("watch show lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Gorlowka\t") || !strings.Contains(out, "dropped added aliases: Gorlowka\n") {
		t.Errorf("watch show lists the dropped alias Gorlowka as added, or not as dropped:\n%s", out)
	}
}

// TestWatchAddAutoAliasFlags: watch add takes --auto-aliases, --country,
// --fuzzy and --surname-only; watch show --json lists the added aliases
// with their sources; watch edit --drop-added leaves one out and
// --restore-added puts it back.
func TestWatchAddAutoAliasFlags(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t, "../../seeds", "")
	cfg := func(args ...string) []string { return append(args, "--config", e.config) }
	if _, stderr, code := runCLI(t, ctx, cfg("watch", "add", "--kind", "city", "--auto-aliases", "--country", "ua", "--fuzzy", "Kupiansk")...); code != 0 {
		t.Fatalf("watch add: exit %d %s", code, stderr)
	}
	if _, stderr, code := runCLI(t, ctx, cfg("watch", "add", "--kind", "actor", "--auto-aliases", "--surname-only=false", "--alias", "Дмитрий Кулеба", "Dmitry Kuleba")...); code != 0 {
		t.Fatalf("watch add actor: exit %d %s", code, stderr)
	}
	show := func(name string) watchJSON {
		t.Helper()
		out, stderr, code := runCLI(t, ctx, cfg("watch", "show", "--json", name)...)
		if code != 0 {
			t.Fatalf("watch show: exit %d %s", code, stderr)
		}
		var w watchJSON
		if err := json.Unmarshal([]byte(out), &w); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		if !strings.Contains(out, `"added": [`) || !strings.Contains(out, `"source": "`) {
			t.Errorf("watch show --json lacks \"added\":[{\"text\",\"source\"}]: %s", out)
		}
		return w
	}
	w := show("Kupiansk")
	if !w.AutoAliases || w.Country != "UA" || !w.Fuzzy {
		t.Errorf("stored auto %v country %q fuzzy %v", w.AutoAliases, w.Country, w.Fuzzy)
	}
	var slav string
	for _, a := range w.Added {
		if a.Text == "Купянск" && a.Source == "geonames" {
			slav = a.Text
		}
	}
	if slav == "" {
		t.Fatalf("added aliases lack Купянск from geonames: %+v", w.Added)
	}
	if a := show("Dmitry Kuleba"); a.SurnameOnly == nil || *a.SurnameOnly {
		t.Errorf("actor surname_only %v, want false", a.SurnameOnly)
	}

	if _, stderr, code := runCLI(t, ctx, cfg("watch", "edit", "--drop-added", "купянск", "Kupiansk")...); code != 0 {
		t.Fatalf("watch edit --drop-added: exit %d %s", code, stderr)
	}
	w = show("Kupiansk")
	if strings.Join(w.DropAliases, ",") != "Купянск" {
		t.Errorf("drop_aliases %q, want [Купянск]", w.DropAliases)
	}
	for _, a := range w.Added {
		if a.Text == "Купянск" {
			t.Errorf("a dropped alias is still added")
		}
	}
	if _, stderr, code := runCLI(t, ctx, cfg("watch", "edit", "--drop-added", "Paris", "Kupiansk")...); code != 1 || !strings.Contains(stderr, "Paris") {
		t.Errorf("drop of an alias not added: exit %d %q", code, stderr)
	}
	if _, stderr, code := runCLI(t, ctx, cfg("watch", "edit", "--restore-added", "Купянск", "Kupiansk")...); code != 0 {
		t.Fatalf("watch edit --restore-added: exit %d %s", code, stderr)
	}
	if w = show("Kupiansk"); len(w.DropAliases) != 0 {
		t.Errorf("after restore drop_aliases %q", w.DropAliases)
	}
}

// TestVersionPrintsAttribution: newswatch version credits GeoNames, as
// CC BY 4.0 asks.
func TestVersionPrintsAttribution(t *testing.T) {
	out, _, code := runCLIWith(t, nil, false, "version")
	if code != 0 || !strings.Contains(out, watch.Attribution) || !strings.Contains(out, "GeoNames") {
		t.Errorf("version: exit %d %q", code, out)
	}
	out, _, code = runCLIWith(t, nil, false, "version", "--json")
	if code != 0 || !strings.Contains(out, `"attribution": "Place names: GeoNames`) {
		t.Errorf("version --json: exit %d %q", code, out)
	}
}
