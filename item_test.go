package newswatch

import "testing"

func TestItemKey(t *testing.T) {
	tests := []struct {
		name                    string
		guid, link, title, text string
		sameAs                  [4]string // guid, link, title, text of an item with the same key
		same                    bool
	}{
		{"guid first", "g", "https://x/1", "T", "B", [4]string{"g", "https://x/2", "U", "C"}, true},
		{"link without guid", "", "https://x/1", "T", "B", [4]string{"", "https://x/1", "U", "C"}, true},
		{"content: case and spacing folded", "", "", "Shelling in  Sloviansk", "Two\nhouses", [4]string{"", "", "SHELLING IN SLOVIANSK", " two houses "}, true},
		{"content: Cyrillic case folded", "", "", "Обстрел в Славянске", "", [4]string{"", "", "ОБСТРЕЛ В СЛАВЯНСКЕ", ""}, true},
		{"content: other words differ", "", "", "Shelling in Sloviansk", "", [4]string{"", "", "Shelling in Kramatorsk", ""}, false},
		{"content: title and text kept apart", "", "", "a b", "c", [4]string{"", "", "a", "b c"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k1 := ItemKey(tt.guid, tt.link, tt.title, tt.text)
			k2 := ItemKey(tt.sameAs[0], tt.sameAs[1], tt.sameAs[2], tt.sameAs[3])
			if (k1 == k2) != tt.same {
				t.Errorf("keys %q and %q: same = %v, want %v", k1, k2, k1 == k2, tt.same)
			}
		})
	}
}

func TestKnownCovers(t *testing.T) {
	it := Item{Key: "k", Title: "Kyiv", Text: "About Kyiv."}
	changed := it
	changed.Text = "About Kyiv, updated."
	tests := []struct {
		name  string
		known Known
		it    Item
		want  bool
	}{
		{"same content", Known{Hash: it.ContentHash()}, it, true},
		{"changed content", Known{Hash: it.ContentHash()}, changed, false},
		{"tombstone", Known{Tombstone: true}, changed, true},
	}
	for _, tt := range tests {
		if got := tt.known.Covers(tt.it); got != tt.want {
			t.Errorf("%s: Covers = %v, want %v", tt.name, got, tt.want)
		}
	}
}
