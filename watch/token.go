package watch

import (
	"unicode"
	"unicode/utf8"
)

// FNV-1a, 64 bits, fed one folded rune at a time.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// capitalSalt marks the key of a Cyrillic word that starts with a capital.
// Russian and Ukrainian write proper names with one, so a Cyrillic name
// word written with a capital matches only capitalised text words, and
// lower-case adjectives that look like a case form of the name (на
// краматорском стадионе) do not match.
const capitalSalt = 0x5bd1e9955bd1e995

// Classes of ASCII bytes.
const (
	clSep  = iota // ends a word
	clWord        // letter or digit
	clApos        // apostrophe: inside a word when a word character follows
)

var (
	asciiClass [utf8.RuneSelf]uint8
	asciiLower [utf8.RuneSelf]byte
)

func init() {
	for c := 0; c < utf8.RuneSelf; c++ {
		asciiLower[c] = byte(c)
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			asciiClass[c] = clWord
		case c >= 'A' && c <= 'Z':
			asciiClass[c] = clWord
			asciiLower[c] = byte(c) + 'a' - 'A'
		case c == '\'' || c == '`':
			asciiClass[c] = clApos
		}
	}
}

// token is one word of a text: a maximal run of letters, digits and marks,
// with the apostrophes between them. Offsets index the original bytes.
type token struct {
	start, end int
	runes      int    // folded runes in the word
	key        uint64 // hash of the folded word
	cyr        bool   // every letter is Cyrillic
	capital    bool   // a Cyrillic word that starts with a capital

	// A word ending in "'s" may also be a name followed by a possessive.
	poss      uint64 // hash of the word before the apostrophe; 0 if none
	possEnd   int    // byte offset of that apostrophe
	possRunes int
}

// isApos reports whether r is one of the apostrophes treated as the same
// character inside names: ' ’ ‘ ʼ (U+02BC) and `.
func isApos(r rune) bool {
	return r == '\'' || r == '’' || r == '‘' || r == 'ʼ' || r == '`'
}

// isIgnorable reports whether r is an invisible character that does not
// split a word when it stands between word characters: soft hyphen,
// zero-width (non-)joiner, word joiner, BOM.
func isIgnorable(r rune) bool {
	return r == 0xad || r == 0x200c || r == 0x200d || r == 0x2060 || r == 0xfeff
}

// isCyrillic reports whether r is in the Cyrillic and Cyrillic Supplement blocks.
func isCyrillic(r rune) bool { return r >= 0x400 && r <= 0x52f }

// isWordRune reports whether r is part of a word: a letter, a digit or a mark.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiClass[r] == clWord
	}
	if isCyrillic(r) {
		return r != 0x482 // ҂, the thousands sign
	}
	if r == utf8.RuneError {
		return false
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.In(r, unicode.Mn, unicode.Mc)
}

// fold maps a non-ASCII word rune to the form that is compared: lower case,
// ё as е, final sigma as sigma.
func fold(r rune) rune {
	switch {
	case r >= 0x410 && r <= 0x42f:
		r += 0x20
	case r >= 0x400 && r <= 0x40f:
		r += 0x50
	case r >= 0x430 && r <= 0x44f, r >= 0x450 && r <= 0x45f:
	default:
		r = unicode.ToLower(unicode.ToUpper(r))
	}
	if r == 'ё' {
		r = 'е'
	}
	return r
}

// foldRune folds any word rune or apostrophe.
func foldRune(r rune) rune {
	switch {
	case isApos(r):
		return '\''
	case r < utf8.RuneSelf:
		return rune(asciiLower[r])
	}
	return fold(r)
}

// wordAt reports whether s[i:] starts with a word rune.
func wordAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	if c := s[i]; c < utf8.RuneSelf {
		return asciiClass[c] == clWord
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return !isApos(r) && isWordRune(r)
}

// nextWord finds the first word of s at or after i, stores it in t and
// reports whether there was one. It gives up after maxSkip bytes of
// separators when maxSkip > 0.
func nextWord(s string, i, maxSkip int, t *token) bool {
	from := i
	for i < len(s) {
		if maxSkip > 0 && i-from > maxSkip {
			return false
		}
		size := wordStart(s, i)
		if size == 0 {
			scanWord(s, i, t)
			return true
		}
		i += size
	}
	return false
}

// wordStart returns 0 if s[i:] starts with a word rune, else the size of
// the separator rune there.
func wordStart(s string, i int) int {
	c := s[i]
	if c < utf8.RuneSelf {
		if asciiClass[c] == clWord {
			return 0
		}
		return 1
	}
	if (c == 0xd0 || c == 0xd1) && i+1 < len(s) && s[i+1]&0xc0 == 0x80 {
		return 0 // U+0400–U+047F, Cyrillic letters
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	if !isApos(r) && isWordRune(r) {
		return 0
	}
	return size
}

// Bytes on scanWord's fast path: wordByte is the folded ASCII letter or
// digit, 0 for an ASCII separator and 0xff for anything else (non-ASCII
// bytes and apostrophes); cyrFold folds U+0400–U+045F, the letters of
// Russian and Ukrainian, which UTF-8 writes as 0xd0 or 0xd1 and one byte.
var (
	wordByte [256]byte
	cyrFold  [0x60]uint16
	// cyrPair maps two bytes, the first the high byte, to the folded
	// letter they write if they are the UTF-8 of one in U+0400–U+045F,
	// else 0.
	cyrPair [1 << 16]uint16
)

func init() {
	for c := range wordByte {
		switch {
		case c >= utf8.RuneSelf || asciiClass[c] == clApos:
			wordByte[c] = 0xff
		case asciiClass[c] == clWord:
			wordByte[c] = asciiLower[c]
		}
	}
	for r := range cyrFold {
		cyrFold[r] = uint16(fold(rune(0x400 + r)))
		var b [2]byte
		utf8.EncodeRune(b[:], rune(0x400+r))
		cyrPair[uint16(b[0])<<8|uint16(b[1])] = cyrFold[r]
	}
}

// scanWord reads the word that starts at s[i], which is a word rune,
// hashing its folded runes as it goes. Words of ASCII letters and digits
// or of the letters U+0400–U+045F, ended by a separator, are read in one
// pass over their bytes; any other word is read again by scanWordSlow.
func scanWord(s string, i int, t *token) {
	start := i
	h := uint64(fnvOffset)
	n := 0
	ascii, capital := false, false
	for i < len(s) {
		c := s[i]
		if b := wordByte[c]; b != 0xff {
			if b == 0 {
				break
			}
			h = (h ^ uint64(b)) * fnvPrime
			i++
			n++
			ascii = true
			continue
		}
		if (c == 0xd0 || c == 0xd1) && i+1 < len(s) {
			if r := rune(c&0x1f)<<6 | rune(s[i+1]&0x3f); s[i+1]&0xc0 == 0x80 && r < 0x460 {
				if n == 0 {
					capital = r < 0x430 // А–Я and Ѐ–Џ are the capitals
				}
				h = (h ^ uint64(cyrFold[r-0x400])) * fnvPrime
				i += 2
				n++
				continue
			}
		}
		r, _ := utf8.DecodeRuneInString(s[i:])
		if isApos(r) || isIgnorable(r) || isWordRune(r) {
			scanWordSlow(s, start, t)
			return
		}
		break // a non-ASCII separator
	}
	cyr := !ascii
	if cyr && capital {
		h ^= capitalSalt
	}
	t.start, t.end, t.runes, t.key, t.cyr, t.capital = start, i, n, h, cyr, cyr && capital
	t.poss = 0
}

// scanWordSlow reads the word that starts at s[i] rune by rune.
func scanWordSlow(s string, i int, t *token) {
	t.start = i
	h := uint64(fnvOffset)
	n := 0
	cyr := true
	capital := false // a Cyrillic word's first letter is upper case
	var (
		last     rune
		apos     = -1 // rune index of the last apostrophe
		aposByte int
		hApos    uint64
	)
	for i < len(s) {
		c := s[i]
		var r rune
		size := 1
		if c < utf8.RuneSelf {
			switch asciiClass[c] {
			case clWord:
				r = rune(asciiLower[c])
				cyr = false
			case clApos:
				if !wordAt(s, i+1) {
					goto done
				}
				r = '\''
			default:
				goto done
			}
		} else {
			r, size = utf8.DecodeRuneInString(s[i:])
			switch {
			case isIgnorable(r):
				if !wordAt(s, i+size) {
					goto done
				}
				i += size
				continue
			case isApos(r):
				if !wordAt(s, i+size) {
					goto done
				}
				r = '\''
			case isCyrillic(r) && r != 0x482:
				if n == 0 {
					capital = unicode.IsUpper(r)
				}
				r = fold(r)
			case isWordRune(r):
				r = fold(r)
				cyr = false
			default:
				goto done
			}
		}
		if r == '\'' {
			apos, aposByte, hApos = n, i, h
			if cyr && capital {
				hApos ^= capitalSalt // the word before it is a capitalised Cyrillic word
			}
		}
		h = (h ^ uint64(r)) * fnvPrime
		n++
		last = r
		i += size
	}
done:
	if cyr && capital {
		h ^= capitalSalt
	}
	t.end, t.runes, t.key, t.cyr, t.capital = i, n, h, cyr, cyr && capital
	t.poss = 0
	if apos >= 0 && apos == n-2 && last == 's' {
		t.poss, t.possEnd, t.possRunes = hApos, aposByte, apos
	}
}
