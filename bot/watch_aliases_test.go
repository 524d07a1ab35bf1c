package bot_test

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/bot/discordtest"
	"github.com/newswatch/newswatch/watch"
)

// checkChoices fails when an autocomplete answer breaks Discord's limits:
// at most 25 choices, names and string values of 1 to 100 characters.
func checkChoices(t *testing.T, cs []*discordgo.ApplicationCommandOptionChoice) {
	t.Helper()
	if len(cs) > 25 {
		t.Errorf("%d choices, Discord allows 25", len(cs))
	}
	for _, c := range cs {
		v, _ := c.Value.(string)
		if n := utf8.RuneCountInString(c.Name); n < 1 || n > 100 || len(v) < 1 || utf8.RuneCountInString(v) > 100 {
			t.Errorf("choice %q = %q out of Discord's limits", c.Name, v)
		}
	}
}

// TestWatchAddFromGazetteer: /watch add's name autocompletes from the
// gazetteer with country, region and population; the chosen value carries
// the country, and a known city gets auto aliases by default.
func TestWatchAddFromGazetteer(t *testing.T) {
	e := newEnv(t)
	e.start()
	r := e.auto(guildA, discordtest.Command("watch add", discordtest.Focused("name", "Slovians")))
	checkChoices(t, r.Choices)
	var label string
	for _, c := range r.Choices {
		if c.Value == "Sloviansk, UA" {
			label = c.Name
		}
	}
	if !regexp.MustCompile(`^Sloviansk — UA, Donetsk Oblast, \d{1,3}(,\d{3})+$`).MatchString(label) {
		t.Errorf("choices %v: no \"Sloviansk — UA, Donetsk Oblast, N\" with value \"Sloviansk, UA\"", choiceNames(r))
	}
	t.Logf("Sloviansk label %q", label)
	r = e.auto(guildA, discordtest.Command("watch add", discordtest.Focused("name", "s")))
	if len(r.Choices) != 25 {
		t.Errorf("%d choices for \"s\", want 25", len(r.Choices))
	}
	checkChoices(t, r.Choices)
	r = e.auto(guildA, discordtest.Command("watch add", discordtest.Focused("name", "qqxzzv")))
	if len(r.Bodies) != 1 || !strings.Contains(string(r.Bodies[0]), `"choices":[]`) {
		t.Errorf("no place: bodies %q, want \"choices\":[]", r.Bodies)
	}
	r = e.auto(guildA, discordtest.Command("watch add", discordtest.Str("name", "Moscow"), discordtest.Focused("country", "")))
	checkChoices(t, r.Choices)
	if got := choiceValues(r); len(got) < 2 || got[0] != "RU" {
		t.Errorf("countries of Moscow %v, want RU first and others", got)
	}
	r = e.auto(guildA, discordtest.Command("watch add", discordtest.Focused("country", "u")))
	if got := choiceValues(r); !contains(got, "UA") || !contains(got, "US") || contains(got, "RU") {
		t.Errorf("countries starting with u: %v", got)
	}

	r = e.do(guildA, admin, discordtest.Command("watch add", discordtest.Str("name", "Sloviansk, UA"), discordtest.Str("kind", "city")))
	if !strings.Contains(r.Text(), "Added the watch **Sloviansk**") || !strings.Contains(r.Text(), "gazetteer (GeoNames)") {
		t.Fatalf("watch add: %q", r.Text())
	}
	w, err := e.db.WatchByName(e.ctx, guildA, "Sloviansk")
	if err != nil {
		t.Fatal(err)
	}
	if !w.AutoAliases || w.Country != "UA" || w.Name != "Sloviansk" {
		t.Errorf("stored %q country %q auto %v, want Sloviansk UA auto", w.Name, w.Country, w.AutoAliases)
	}
	for _, tt := range []struct {
		name           string
		opts           []discordtest.Opt
		auto, fuzzy    bool
		surname        *bool
		country, wantN string
	}{
		{"actor: no auto by default", []discordtest.Opt{discordtest.Str("name", "Avakov"), discordtest.Str("kind", "actor")}, false, false, nil, "", "Avakov"},
		{"unknown city: no auto", []discordtest.Opt{discordtest.Str("name", "Qqxzzv"), discordtest.Str("kind", "city")}, false, false, nil, "", "Qqxzzv"},
		{"city: auto off", []discordtest.Opt{discordtest.Str("name", "Kramatorsk"), discordtest.Str("kind", "city"), discordtest.Bool("auto_aliases", false)}, false, false, nil, "", "Kramatorsk"},
		{"actor options", []discordtest.Opt{discordtest.Str("name", "Sergei Lavrov"), discordtest.Str("kind", "actor"), discordtest.Bool("auto_aliases", true),
			discordtest.Bool("fuzzy", true), discordtest.Bool("surname_only", false)}, true, true, new(bool), "", "Sergei Lavrov"},
		{"country option", []discordtest.Opt{discordtest.Str("name", "Odesa"), discordtest.Str("kind", "city"), discordtest.Str("country", "ua")}, true, false, nil, "UA", "Odesa"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(guildA, admin, discordtest.Command("watch add", tt.opts...))
			if r.Ephemeral {
				t.Fatalf("watch add: %q", r.Text())
			}
			w, err := e.db.WatchByName(e.ctx, guildA, tt.wantN)
			if err != nil {
				t.Fatal(err)
			}
			if w.AutoAliases != tt.auto || w.Fuzzy != tt.fuzzy || w.Country != tt.country || (w.SurnameOnly == nil) != (tt.surname == nil) ||
				(w.SurnameOnly != nil && *w.SurnameOnly != *tt.surname) {
				t.Errorf("stored auto %v fuzzy %v country %q surname %v", w.AutoAliases, w.Fuzzy, w.Country, w.SurnameOnly)
			}
		})
	}
}

// TestWatchEditDropsAddedAlias: an admin drops an added alias (offered by
// autocompletion), /watch show lists it as dropped, the matcher's
// expansion leaves it out, /watch add keeps the drop, and it can be
// restored.
func TestWatchEditDropsAddedAlias(t *testing.T) {
	e := newEnv(t)
	e.watch(newswatch.GlobalScope, "Donetsk", newswatch.KindCity)
	e.start()
	if r := e.do(guildA, admin, discordtest.Command("watch add", discordtest.Str("name", "Kyiv"), discordtest.Str("kind", "city"))); r.Ephemeral {
		t.Fatalf("watch add: %q", r.Text())
	}
	r := e.auto(guildA, discordtest.Command("watch edit", discordtest.Str("name", "Kyiv"), discordtest.Focused("drop_alias", "кие")))
	checkChoices(t, r.Choices)
	if !contains(choiceValues(r), "Киев") {
		t.Fatalf("drop_alias choices %v, want Киев", choiceNames(r))
	}
	r = e.do(guildA, admin, discordtest.Command("watch edit", discordtest.Str("name", "Kyiv"), discordtest.Str("drop_alias", "киев")))
	if r.Ephemeral || !strings.Contains(r.Text(), `Dropped the added alias "Киев" of **Kyiv**`) {
		t.Fatalf("watch edit: %q", r.Text())
	}
	w, err := e.db.WatchByName(e.ctx, guildA, "Kyiv")
	if err != nil {
		t.Fatal(err)
	}
	if len(w.DropAliases) != 1 || w.DropAliases[0] != "Киев" {
		t.Errorf("DropAliases %q, want [Киев]", w.DropAliases)
	}
	for _, a := range watch.Expand(w) {
		if a.Text == "Киев" {
			t.Errorf("Expand still adds Киев")
		}
	}
	r = e.do(guildA, admin, discordtest.Command("watch show", discordtest.Str("name", "Kyiv")))
	text := r.Text()
	if !strings.Contains(text, "Dropped aliases\nКиев") || !strings.Contains(text, "Added aliases (") {
		t.Errorf("watch show: %q", text)
	}
	for _, emb := range r.Embeds {
		for _, f := range emb.Fields {
			if utf8.RuneCountInString(f.Value) > 1024 {
				t.Errorf("field %q has %d characters", f.Name, utf8.RuneCountInString(f.Value))
			}
			if strings.HasPrefix(f.Name, "Added aliases") && len(watch.Expand(w)) > 100 && !strings.Contains(f.Value, " more") {
				t.Errorf("%d added aliases shown without \"+N more\": %q", len(watch.Expand(w)), f.Value)
			}
		}
	}
	// Changing the watch with /watch add keeps the drop.
	e.do(guildA, admin, discordtest.Command("watch add", discordtest.Str("name", "Kyiv"), discordtest.Str("kind", "city"), discordtest.Str("aliases", "Kyiw")))
	if w, _ := e.db.WatchByName(e.ctx, guildA, "Kyiv"); len(w.DropAliases) != 1 {
		t.Errorf("after /watch add: DropAliases %q", w.DropAliases)
	}
	r = e.auto(guildA, discordtest.Command("watch edit", discordtest.Str("name", "Kyiv"), discordtest.Focused("restore_alias", "")))
	if got := choiceValues(r); len(got) != 1 || got[0] != "Киев" {
		t.Errorf("restore_alias choices %v", got)
	}
	for _, tt := range []struct {
		name string
		opts []discordtest.Opt
		want string
	}{
		{"not added", []discordtest.Opt{discordtest.Str("name", "Kyiv"), discordtest.Str("drop_alias", "Paris")}, `"Paris" is not an alias added to "Kyiv"`},
		{"nothing to do", []discordtest.Opt{discordtest.Str("name", "Kyiv")}, "Give drop_alias or restore_alias"},
		{"not dropped", []discordtest.Opt{discordtest.Str("name", "Kyiv"), discordtest.Str("restore_alias", "Kiev")}, `"Kiev" is not a dropped alias`},
		{"global", []discordtest.Opt{discordtest.Str("name", "Donetsk"), discordtest.Str("drop_alias", "Донецк")}, "comes from the bot's configuration"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(guildA, admin, discordtest.Command("watch edit", tt.opts...))
			if !r.Ephemeral || !strings.Contains(r.Text(), tt.want) {
				t.Errorf("reply %q (ephemeral %v), want %q", r.Text(), r.Ephemeral, tt.want)
			}
		})
	}
	if r := e.do(guildA, "0", discordtest.Command("watch edit", discordtest.Str("name", "Kyiv"), discordtest.Str("restore_alias", "Киев"))); !r.Ephemeral ||
		!strings.Contains(r.Text(), "needs the Manage Server permission") {
		t.Errorf("a member edited a watch: %q", r.Text())
	}
	if w, _ := e.db.WatchByName(e.ctx, guildA, "Kyiv"); len(w.DropAliases) != 1 {
		t.Errorf("after a member's edit: DropAliases %q", w.DropAliases)
	}
	r = e.do(guildA, admin, discordtest.Command("watch edit", discordtest.Str("name", "Kyiv"), discordtest.Str("restore_alias", "киев")))
	if r.Ephemeral || !strings.Contains(r.Text(), "Restored") {
		t.Fatalf("restore: %q", r.Text())
	}
	if w, _ := e.db.WatchByName(e.ctx, guildA, "Kyiv"); len(w.DropAliases) != 0 {
		t.Errorf("after restore: DropAliases %q", w.DropAliases)
	}
}

func choiceValues(r discordtest.Reply) []string {
	var out []string
	for _, c := range r.Choices {
		s, _ := c.Value.(string)
		out = append(out, s)
	}
	return out
}

func choiceNames(r discordtest.Reply) []string {
	var out []string
	for _, c := range r.Choices {
		out = append(out, c.Name)
	}
	return out
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
