package watch

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/newswatch/newswatch"
)

func TestMatchFuzzy(t *testing.T) {
	city := newswatch.KindCity
	ws := []newswatch.Watch{
		{ID: 1, Name: "Mariupol", Kind: city, Aliases: []string{"Маріуполь", "Мариуполь"}, Fuzzy: true},
		{ID: 2, Name: "Kramatorsk", Kind: city, Aliases: []string{"Краматорськ"}, Fuzzy: true},
		{ID: 3, Name: "Sloviansk", Kind: city, Fuzzy: true},
		{ID: 4, Name: "Druzhkivka", Kind: city},
		{ID: 5, Name: "Kyiv", Kind: city, Fuzzy: true},
	}
	m := mustCompile(t, ws)
	tests := []struct {
		rule string
		text string
		want []hit
	}{
		{"swap", "in Mairupol today", []hit{{"Mariupol", "Mairupol"}}},
		{"substitution in a Cyrillic name", "у Крамоторськ", []hit{{"Kramatorsk", "Крамоторськ"}}},
		{"substitution in a case form", "до Крамоторська", []hit{{"Kramatorsk", "Крамоторська"}}},
		{"deletion", "near Slovansk", []hit{{"Sloviansk", "Slovansk"}}},
		{"insertion", "Mariupoll", []hit{{"Mariupol", "Mariupoll"}}},
		{"exact once", "Kramatorsk", []hit{{"Kramatorsk", "Kramatorsk"}}},
		{"never the first letter", "Nariupol, Bloviansk", nil},
		{"two edits", "Mairupoll, Slovanskk", nil},
		{"not a fuzzy watch", "Druzkivka", nil},
		{"too short a name", "Kyv, Kyivv", nil},
		{"lower-case Cyrillic", "крамоторськ", nil},
		{"never in a case ending", "Краматорськів, Маріупольська", nil},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			got := hits(t, ws, tt.text, m.Match(tt.text))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Match(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func TestEditAt(t *testing.T) {
	tests := []struct {
		name, word string
		want       int
	}{
		{"mariupol", "mariupol", -1},
		{"mariupol", "mairupol", 2},
		{"mariupol", "mariupl", 6},
		{"mariupol", "mariupoll", 8},
		{"mariupol", "maribpol", 4},
		{"mariupol", "nariupol", 0},
		{"mariupol", "mairupoll", -1},
		{"mariupol", "marupl", -1},
	}
	for _, tt := range tests {
		if got := editAt([]rune(tt.name), []rune(tt.word)); got != tt.want {
			t.Errorf("editAt(%q, %q) = %d, want %d", tt.name, tt.word, got, tt.want)
		}
	}
}

// TestDeletions checks the O(1) deletion hashes against hashing each
// shortened word from scratch.
func TestDeletions(t *testing.T) {
	for _, w := range []string{"mariupol", "краматорськ", "ab"} {
		rs := []rune(w)
		var d, e deletions
		d.reset(rs)
		for i := range rs {
			short := append(append([]rune(nil), rs[:i]...), rs[i+1:]...)
			e.reset(short)
			if got := d.without(i); got != e.whole {
				t.Errorf("%q less rune %d: %x, want %x", w, i, got, e.whole)
			}
		}
	}
}
