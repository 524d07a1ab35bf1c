package watch

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/newswatch/newswatch"
)

func TestLoadWatchlist(t *testing.T) {
	got, err := LoadWatchlist(filepath.Join("testdata", "watchlist.toml"))
	if err != nil {
		t.Fatal(err)
	}
	want := []newswatch.Watch{
		{Name: "Sloviansk", Kind: newswatch.KindCity, Aliases: []string{"Slavyansk", "Слов'янськ", "Славянск"}, Exclude: []string{}},
		{Name: "John Kerry", Kind: newswatch.KindActor, Aliases: []string{"Kerry"}, Exclude: []string{"County Kerry"}},
		{Name: "Reading", Kind: newswatch.KindCity, CaseSensitive: true},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("LoadWatchlist mismatch (-want +got):\n%s", diff)
	}
}

func TestParseWatchlistKeys(t *testing.T) {
	got, err := ParseWatchlist([]byte(`
[[watch]]
name = "Donetsk"
kind = "city"
country = "UA"
auto_aliases = true
fuzzy = true
drop_aliases = ["Stalino"]

[[watch]]
name = "Sergei Lavrov"
kind = "actor"
auto_aliases = true
surname_only = false
`))
	if err != nil {
		t.Fatal(err)
	}
	no := false
	want := []newswatch.Watch{
		{Name: "Donetsk", Kind: newswatch.KindCity, Country: "UA", AutoAliases: true, Fuzzy: true, DropAliases: []string{"Stalino"}},
		{Name: "Sergei Lavrov", Kind: newswatch.KindActor, AutoAliases: true, SurnameOnly: &no},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("ParseWatchlist mismatch (-want +got):\n%s", diff)
	}
}

func TestLoadWatchlistMissing(t *testing.T) {
	_, err := LoadWatchlist(filepath.Join(t.TempDir(), "none.toml"))
	if err == nil || !os.IsNotExist(errUnwrapAll(err)) {
		t.Errorf("LoadWatchlist(missing) = %v, want a not-exist error", err)
	}
}

func errUnwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok || u.Unwrap() == nil {
			return err
		}
		err = u.Unwrap()
	}
}

func TestParseWatchlistErrors(t *testing.T) {
	tests := []struct {
		name     string
		toml     string
		code     string
		contains []string
	}{
		{"syntax", "[[watch]]\nname = \"Kiev\n", newswatch.EINVALID, []string{"line 2"}},
		{"unknown key in a watch", "[[watch]]\nname = \"Kiev\"\nkind = \"city\"\n[[watch]]\nname = \"Lavrov\"\nkind = \"actor\"\nalias = [\"x\"]\n", newswatch.EINVALID, []string{"watch number 2", `"alias"`}},
		{"unknown top-level key", "watches = 1\n", newswatch.EINVALID, []string{`"watches"`}},
		{"wrong type", "[[watch]]\nname = \"Kiev\"\nkind = \"city\"\ncase_sensitive = \"yes\"\n", newswatch.EINVALID, []string{"case_sensitive"}},
		{"no name", "[[watch]]\nname = \"Kiev\"\nkind = \"city\"\n[[watch]]\nkind = \"city\"\n", newswatch.EINVALID, []string{"watch number 2", "no name"}},
		{"unknown kind", "[[watch]]\nname = \"Kiev\"\nkind = \"town\"\n", newswatch.EINVALID, []string{`"Kiev"`, `"town"`}},
		{"empty alias", "[[watch]]\nname = \"Kiev\"\nkind = \"city\"\naliases = [\"--\"]\n", newswatch.EINVALID, []string{`"Kiev"`, `"--"`}},
		{"bad country", "[[watch]]\nname = \"Kiev\"\nkind = \"city\"\ncountry = \"Ukraine\"\n", newswatch.EINVALID, []string{`"Kiev"`, `"Ukraine"`}},
		{"surname_only not a bool", "[[watch]]\nname = \"Lavrov\"\nkind = \"actor\"\nsurname_only = 1\n", newswatch.EINVALID, []string{"surname_only"}},
		{"shared alias", "[[watch]]\nname = \"Kyiv\"\nkind = \"city\"\naliases = [\"Kiev\"]\n[[watch]]\nname = \"Kiev\"\nkind = \"city\"\n", newswatch.ECONFLICT, []string{`"Kyiv"`, `"Kiev"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws, err := ParseWatchlist([]byte(tt.toml))
			if err == nil {
				t.Fatalf("ParseWatchlist = %v, nil; want an error", ws)
			}
			if got := newswatch.ErrorCode(err); got != tt.code {
				t.Errorf("code = %q, want %q (%v)", got, tt.code, err)
			}
			for _, s := range tt.contains {
				if msg := newswatch.ErrorMessage(err); !strings.Contains(msg, s) {
					t.Errorf("message %q does not contain %s", msg, s)
				}
			}
		})
	}
}

// TestEntryInConfig checks that Entry decodes inside a larger config file.
func TestEntryInConfig(t *testing.T) {
	var cfg struct {
		Token string  `toml:"token"`
		Watch []Entry `toml:"watch"`
	}
	data := "token = \"x\"\n[[watch]]\nname = \"Kiev\"\nkind = \"city\"\naliases = [\"Kyiv\"]\ncase_sensitive = true\n"
	if _, err := toml.Decode(data, &cfg); err != nil {
		t.Fatal(err)
	}
	got := cfg.Watch[0].Watch()
	want := newswatch.Watch{GuildID: newswatch.GlobalScope, Name: "Kiev", Kind: newswatch.KindCity, Aliases: []string{"Kyiv"}, CaseSensitive: true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Entry.Watch mismatch (-want +got):\n%s", diff)
	}
}

// TestSeedWatchlist checks the project's default watchlist against the seed
// article.
func TestSeedWatchlist(t *testing.T) {
	ws, err := LoadWatchlist(filepath.Join("..", "seeds", "watchlist.toml"))
	if err != nil {
		t.Fatal(err)
	}
	m := mustCompile(t, ws)
	text := "Словʼянськ, Слов'янську, Славянске; Mariupol’s port; Єнакієвому; Кремлём; Сергія Лаврова; John Kerry in County Kerry."
	var got []string
	for _, x := range m.Match(text) {
		got = append(got, x.Entity+"="+x.Text)
	}
	want := []string{"Sloviansk=Словʼянськ", "Sloviansk=Слов'янську", "Sloviansk=Славянске", "Mariupol=Mariupol",
		"Yenakiieve=Єнакієвому", "Kremlin=Кремлём", "Sergei Lavrov=Сергія Лаврова", "John Kerry=John Kerry"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Match mismatch (-want +got):\n%s", diff)
	}
}
