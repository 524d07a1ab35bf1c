package query

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// eachToken calls fn with each token of s, folded as the store's full-text
// index folds it (SQLite FTS5 unicode61 with remove_diacritics 2, plus the
// store's ё→е): runs of letters and digits (combining marks inside a run
// are dropped), lower-cased, diacritics of Latin letters removed. Cyrillic
// й and ї are distinct letters and are kept, as unicode61 keeps them. The
// token is in buf, which is reused, so fn must copy it to keep it. It keeps
// in step with store/rank.go's eachToken (TestTokensAgreeWithStore checks
// the cases that matter).
func eachToken(s string, buf []byte, fn func(tok []byte)) []byte {
	buf = buf[:0]
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
				buf = append(buf, c)
			case 'A' <= c && c <= 'Z':
				buf = append(buf, c+'a'-'A')
			default:
				if len(buf) > 0 {
					fn(buf)
					buf = buf[:0]
				}
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if 0x400 <= r && r <= 0x45F { // Cyrillic letters of Russian and Ukrainian: the hot path
			buf = utf8.AppendRune(buf, foldCyrillic(r))
			continue
		}
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
	eachToken(s, nil, func(tok []byte) { out = append(out, string(tok)) })
	return out
}
