package watch

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/newswatch/newswatch"
)

var fuzzSeeds = []string{
	"Kiev’s Sergei\nLavrov met Avakov's men in Слов'янську and Донецьку.",
	"County Kerry, Atlanta, Georgia; Georgia Tech; Reading police after reading",
	"İİ KİEV \xff\xfe Ki\u0301ev Слов\u02bcянськ Kiev-Moscow Sergei - - Lavrov",
	"the Donetsk People's Republic Лавров’s Лавровым Києві",
	"'''Kiev'''s ``Kiev`` Kiev'",
	"",
}

// FuzzMatch checks that Match never panics, that offsets are in bounds and
// give the reported text, and that punctuation around a text changes
// nothing but the offsets.
func FuzzMatch(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	m := mustCompile(f, testWatches())
	f.Fuzz(func(t *testing.T, text string) {
		ms := m.Match(text)
		for i, x := range ms {
			if x.Start < 0 || x.End > len(text) || x.Start >= x.End {
				t.Fatalf("mention %+v out of bounds of %d bytes", x, len(text))
			}
			if text[x.Start:x.End] != x.Text {
				t.Fatalf("mention %+v: text[start:end] = %q", x, text[x.Start:x.End])
			}
			if i > 0 && (ms[i-1].Start > x.Start || ms[i-1].Start == x.Start && ms[i-1].Entity > x.Entity) {
				t.Fatalf("mentions not sorted: %+v", ms)
			}
		}
		for _, wrap := range [][2]string{{"(", ")"}, {". ", " ."}, {"\n«", "»,\n"}} {
			shifted := m.Match(wrap[0] + text + wrap[1])
			for i := range shifted {
				shifted[i].Start -= len(wrap[0])
				shifted[i].End -= len(wrap[0])
			}
			if diff := cmp.Diff(ms, shifted); diff != "" {
				t.Fatalf("Match(%q) changes inside %q…%q (-plain +wrapped):\n%s", text, wrap[0], wrap[1], diff)
			}
		}
		s := newswatch.Snippet(text, ms, 40)
		if !utf8.ValidString(s) && utf8.ValidString(text) {
			t.Fatalf("Snippet(%q) = %q, not valid UTF-8", text, s)
		}
		if strings.Count(s, newswatch.HighlightStart) != strings.Count(s, newswatch.HighlightEnd) {
			t.Fatalf("Snippet(%q) = %q: unbalanced markers", text, s)
		}
	})
}

// FuzzCompile checks that Compile never panics and that a name it accepts
// matches itself.
func FuzzCompile(f *testing.F) {
	for _, s := range []string{"Kiev", "Sergei Lavrov", "Слов'янськ", "Atlanta, Georgia", "Mariupol'", "U.S.", "a--b", "’ - ’", "Ki\u0301ev", "İstanbul"} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, name string, caseSensitive bool) {
		ws := []newswatch.Watch{{ID: 1, Name: name, Kind: newswatch.KindCity, CaseSensitive: caseSensitive}}
		m, err := Compile(ws)
		if err != nil {
			if newswatch.ErrorCode(err) != newswatch.EINVALID {
				t.Fatalf("Compile(%q): %v, want an invalid-input error", name, err)
			}
			return
		}
		if ms := m.Match(name); len(ms) == 0 {
			t.Fatalf("Compile(%q) accepted it but Match(%q) found nothing", name, name)
		}
	})
}
