package watch

import (
	"math/rand/v2"
	"testing"
)

// TestASCIIWord checks asciiWord against wordByte for every byte value in
// every lane, beside random neighbours.
func TestASCIIWord(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for lane := range 8 {
		for c := range 256 {
			x := r.Uint64()
			x = x&^(0xff<<(8*lane)) | uint64(c)<<(8*lane)
			word, folded := asciiWord(x)
			for j := range 8 {
				b := byte(x >> (8 * j))
				isWord := wordByte[b] != 0 && wordByte[b] != 0xff
				if got := word>>(8*j)&0xff == 0x80; got != isWord {
					t.Fatalf("asciiWord(%#x): byte %d (%#x) a word byte: %v, want %v", x, j, b, got, isWord)
				}
				if word>>(8*j)&0x7f != 0 {
					t.Fatalf("asciiWord(%#x): mask %#x has bits besides the high ones", x, word)
				}
				if f := byte(folded >> (8 * j)); isWord && f != wordByte[b] {
					t.Fatalf("asciiWord(%#x): byte %d folded to %q, want %q", x, j, f, wordByte[b])
				}
			}
		}
	}
}

// TestRootShortKey checks which first words of patterns get a short key,
// and that it is the key scan makes of the text word.
func TestRootShortKey(t *testing.T) {
	for _, tc := range []struct {
		word string
		ok   bool
	}{
		{"kyiv", true}, {"a", true}, {"123456789012345", true}, {"1234567890123456", false},
		{"ky\u00adiv", true}, {"", false}, {"Kyiv", false}, {"o'brien", false}, {"київ", false}, {"kyivé", false},
	} {
		var tok token
		scanWordSlow(tc.word, 0, &tok)
		if _, ok := rootShortKey(&patWord{norm: tc.word, keys: []uint64{tok.key}}); ok != tc.ok {
			t.Errorf("rootShortKey(%q) ok = %v, want %v", tc.word, ok, tc.ok)
		}
	}
	a, _ := rootShortKey(&patWord{norm: "abcdefghij", keys: []uint64{hashRunes([]rune("abcdefghij"))}})
	b, _ := rootShortKey(&patWord{norm: "abcdefgh", keys: []uint64{hashRunes([]rune("abcdefgh"))}})
	lo := load64("abcdefgh", 0)
	if want := shortKey(lo, uint64('i')|uint64('j')<<8); a != want || b != shortKey(lo, 0) {
		t.Errorf("rootShortKey packs the bytes differently from scan")
	}
	if _, ok := rootShortKey(&patWord{norm: "kyiv", keys: []uint64{1}}); ok {
		t.Errorf("rootShortKey gave a key for a word whose hash is not its key")
	}
}
