package query

import (
	"unicode"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/unicode/norm"
)

// EachToken calls fn with each token of s, folded as the store's full-text
// index folds it (SQLite FTS5 unicode61 with remove_diacritics 2, plus the
// store's ё→е): runs of letters and digits (combining marks inside a run
// are dropped), lower-cased, diacritics of Latin letters removed. Cyrillic
// й and ї are distinct letters and are kept, as unicode61 keeps them. The
// token is in buf (which may be nil), reused and returned, so fn must copy
// it to keep it. It is the tokeniser of the store's search ranking as well
// (store/rank.go), and Set.scanText cuts and folds as it does
// (TestScanAgreesWithTokens).
func EachToken(s string, buf []byte, fn func(tok []byte)) []byte {
	buf = buf[:0]
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch asciiClass[c] {
			case sep:
				if len(buf) > 0 {
					fn(buf)
					buf = buf[:0]
				}
				i++
				continue
			}
			// a run of ASCII letters and digits
			j, cls := i, byte(0)
			for j < len(s) {
				k := byteClass[s[j]]
				if k&(sep|high) != 0 {
					break
				}
				cls |= k
				j++
			}
			upper := cls&up != 0
			if len(buf) == 0 && !upper && (j == len(s) || s[j] < utf8.RuneSelf) {
				// the whole token, already folded: passed without a copy
				// (fn only reads it)
				fn(unsafe.Slice(unsafe.StringData(s[i:j]), j-i))
			} else {
				for k := i; k < j; k++ {
					buf = append(buf, s[k]|asciiLower[s[k]])
				}
				if j == len(s) || s[j] < utf8.RuneSelf {
					fn(buf)
					buf = buf[:0]
				}
			}
			i = j
			continue
		}
		if (c == 0xD0 || c == 0xD1) && i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
			// U+0400..U+047F, two bytes: the Cyrillic letters of Russian
			// and Ukrainian (to U+045F) are the hot path, decoded here
			if r := rune(c&0x1F)<<6 | rune(s[i+1]&0x3F); r <= 0x45F {
				r = foldCyrillic(r)
				buf = append(buf, 0xC0|byte(r>>6), 0x80|byte(r&0x3F))
				i += 2
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			buf = utf8.AppendRune(buf, foldRune(r))
		case unicode.Is(unicode.Mn, r):
			// a combining mark: part of the token, dropped like a diacritic
		default:
			if len(buf) > 0 {
				fn(buf)
				buf = buf[:0]
			}
		}
	}
	if len(buf) > 0 {
		fn(buf)
	}
	return buf
}

// Byte classes (bits).
const (
	sep   = 1 << iota // ASCII, not part of a token
	lower             // a lower-case ASCII letter or a digit
	up                // an upper-case ASCII letter
	high              // a byte of a multi-byte UTF-8 sequence
)

// asciiClass is byteClass for ASCII; asciiLower[c] is the bit that
// lower-cases c.
var asciiClass, asciiLower, byteClass = func() (cls, low [utf8.RuneSelf]byte, all [256]byte) {
	for c := 0; c < 256; c++ {
		switch {
		case c >= utf8.RuneSelf:
			all[c] = high
			continue
		case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
			cls[c] = lower
		case 'A' <= c && c <= 'Z':
			cls[c], low[c] = up, 'a'-'A'
		default:
			cls[c] = sep
		}
		all[c] = cls[c]
	}
	return
}()

// foldCyrillic is foldRune for U+0400..U+045F (all letters), without the
// table lookups of unicode.ToLower.
func foldCyrillic(r rune) rune {
	switch {
	case r <= 0x40F:
		r += 0x50 // Ѐ..Џ → ѐ..џ
	case r <= 0x42F:
		r += 0x20 // А..Я → а..я
	}
	if r == 'ё' {
		return 'е'
	}
	return r
}

// foldRune lower-cases r, folds ё and strips the diacritic of a Latin letter.
func foldRune(r rune) rune {
	r = unicode.ToLower(r)
	switch {
	case r == 'ё':
		return 'е'
	case r < 0xC0 || r >= 0x250:
		return r
	}
	base, _ := utf8.DecodeRuneInString(norm.NFD.String(string(r)))
	return base
}

// Tokens returns the folded tokens of s, as the full-text index sees them.
func Tokens(s string) []string {
	var out []string
	EachToken(s, nil, func(tok []byte) { out = append(out, string(tok)) })
	return out
}
