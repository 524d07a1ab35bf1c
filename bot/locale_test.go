package bot

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

var verb = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

// TestCatalogue: every message exists in English, Russian and Ukrainian
// with the same format verbs in the same order, and every id the code uses
// is in the catalogue.
func TestCatalogue(t *testing.T) {
	for id, m := range catalogue {
		want := verb.FindAllString(m[langEN], -1)
		for l, s := range m {
			if strings.TrimSpace(s) == "" {
				t.Errorf("%s: language %d is empty", id, l)
			}
			if got := verb.FindAllString(s, -1); !slices.Equal(got, want) {
				t.Errorf("%s: language %d has verbs %v, English %v", id, l, got, want)
			}
		}
	}
	used := regexp.MustCompile(`(?:\.t|errorf)\((?:newswatch\.E[A-Z]+, )?"([a-z_]+\.[a-z_.]+|[a-z]+)"`)
	files, _ := filepath.Glob("*.go")
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range used.FindAllStringSubmatch(string(src), -1) {
			n++
			if _, ok := catalogue[m[1]]; !ok {
				t.Errorf("%s uses message %q, which is not in the catalogue", f, m[1])
			}
		}
	}
	if n < 50 {
		t.Errorf("found %d message uses; the pattern no longer matches the code", n)
	}
}

func TestLangOf(t *testing.T) {
	for loc, want := range map[discordgo.Locale]lang{"ru": langRU, "uk": langUK, "en-US": langEN, "de": langEN, "": langEN} {
		if got := langOf(loc); got != want {
			t.Errorf("langOf(%q) = %d, want %d", loc, got, want)
		}
	}
	if got := langUK.t("page.of", 2, 3); got != "Сторінка 2 з 3" {
		t.Errorf("uk page.of = %q", got)
	}
}

var discordName = regexp.MustCompile(`^[-_\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)

// TestCommandLocalizations: every command, option and choice has a Russian
// and a Ukrainian name and description that Discord accepts, and the
// localized option names are unique where the English ones are.
func TestCommandLocalizations(t *testing.T) {
	checkName := func(path, n string) {
		if !discordName.MatchString(n) || strings.ToLower(n) != n {
			t.Errorf("%s: name %q is not a valid Discord command name", path, n)
		}
	}
	checkMaps := func(path string, names, descs map[discordgo.Locale]string, wantDesc bool) {
		for _, loc := range []discordgo.Locale{discordgo.Russian, discordgo.Ukrainian} {
			n, ok := names[loc]
			if !ok {
				t.Errorf("%s: no %s name", path, loc)
			}
			checkName(path, n)
			if d := descs[loc]; wantDesc && (d == "" || len([]rune(d)) > 100) {
				t.Errorf("%s: %s description %q", path, loc, d)
			}
		}
	}
	var walk func(path string, opts []*discordgo.ApplicationCommandOption)
	walk = func(path string, opts []*discordgo.ApplicationCommandOption) {
		seen := map[string]bool{}
		for _, o := range opts {
			p := path + " " + o.Name
			checkName(p, o.Name)
			checkMaps(p, o.NameLocalizations, o.DescriptionLocalizations, true)
			for _, loc := range []discordgo.Locale{discordgo.Russian, discordgo.Ukrainian} {
				k := string(loc) + o.NameLocalizations[loc]
				if seen[k] {
					t.Errorf("%s: %s name %q used twice", p, loc, o.NameLocalizations[loc])
				}
				seen[k] = true
			}
			for _, c := range o.Choices {
				if len(c.NameLocalizations) != 2 {
					t.Errorf("%s choice %s: localizations %v", p, c.Name, c.NameLocalizations)
				}
			}
			walk(p, o.Options)
		}
	}
	for _, c := range commands() {
		if c.NameLocalizations == nil || c.DescriptionLocalizations == nil {
			t.Fatalf("/%s is not localized", c.Name)
		}
		checkMaps("/"+c.Name, *c.NameLocalizations, *c.DescriptionLocalizations, true)
		walk("/"+c.Name, c.Options)
	}
}

func TestMaxLengths(t *testing.T) {
	for path, want := range map[string]int{"search query": 300, "watch add name": 100, "mentions name": 100,
		"feed add url": 2048, "feed retry feed": 2048, "watch add aliases": 1000} {
		if got := maxLengths[path]; got != want {
			t.Errorf("max_length of %s = %d, want %d", path, got, want)
		}
	}
	for path, n := range maxLengths {
		if n < 1 || n > 6000 {
			t.Errorf("max_length of %s = %d, outside Discord's 1..6000", path, n)
		}
	}
}
