package watch

// Short ASCII words, eight bytes at a time. Most words of a text are
// English words or names of at most 15 ASCII letters and digits; scan
// finds the end of one with two loads and bit arithmetic instead of a
// branch a byte, and asks the filter of first words by the word's folded
// bytes themselves (its short key), without hashing it letter by letter.
// Only a word that passes is hashed as every word is (FNV-1a), so what
// matches is unchanged: the filter of short keys holds every first word
// of a pattern that is such a word.

const (
	lanes    = 0x0101010101010101
	highBits = 0x8080808080808080
	// maxShort is the most bytes of a word that has a short key.
	maxShort = 15
)

// load64 returns the eight bytes s[i:i+8] as a little-endian integer (the
// compiler makes it one load where unaligned loads are allowed).
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// asciiWord returns, of the eight bytes in x, the mask of those that are
// ASCII letters or digits (0x80 in each such byte) and x with its capital
// letters in lower case.
func asciiWord(x uint64) (word, folded uint64) {
	t := x | highBits // each byte 0x80 + its low seven bits: no borrows below
	digit := (t - lanes*'0') &^ (t - lanes*('9'+1))
	l := t | lanes*0x20
	letter := (l - lanes*'a') &^ (l - lanes*('z'+1)) &^ x & highBits
	word = (digit&^x&highBits | letter)
	return word, x | letter>>2
}

// shortKey is the filter key of a word of at most maxShort ASCII letters
// and digits, folded, whose first eight bytes are lo and the rest hi, both
// little-endian and padded with zero bytes.
func shortKey(lo, hi uint64) uint64 {
	return lo ^ hi*0x9e3779b97f4a7c15
}
