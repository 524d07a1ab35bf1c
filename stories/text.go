package stories

import (
	"unicode"
	"unicode/utf8"
)

// Hashing of words: 64-bit FNV-1a over the folded runes.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// sentence is one sentence of a text: the hashes of its words and a hash
// of the whole.
type sentence struct {
	words []uint64
	hash  uint32
}

// isApostrophe reports runes that join the parts of one word (Слов'янськ,
// п’ять, O'Brien) instead of separating words.
func isApostrophe(r rune) bool {
	return r == '\'' || r == '’' || r == 'ʼ' || r == '`' || r == '‘'
}

// foldRune lower-cases r and folds ё to е.
func foldRune(r rune) rune {
	r = unicode.ToLower(r)
	if r == 'ё' {
		return 'е'
	}
	return r
}

// isEnd reports runes that end a sentence when followed by a space.
func isEnd(r rune) bool {
	return r == '.' || r == '!' || r == '?' || r == '…' || r == '。'
}

// asciiWord maps an ASCII byte to its folded form when it belongs to a word
// (letters lower-cased, digits as they are), else to 0.
var asciiWord = func() (t [utf8.RuneSelf]byte) {
	for c := byte('0'); c <= '9'; c++ {
		t[c] = c
	}
	for c := byte('a'); c <= 'z'; c++ {
		t[c] = c
		t[c-'a'+'A'] = c
	}
	return t
}()

// closeSentence ends the sentence that began at start in buf.
func closeSentence(buf []uint64, start int, out []sentence) (int, []sentence) {
	if len(buf) > start {
		words := buf[start:len(buf):len(buf)]
		out = append(out, sentence{words: words, hash: sentenceHash(words)})
	}
	return len(buf), out
}

// splitSentences cuts s into sentences of word hashes, appending the word
// hashes to buf (whose backing array the sentences share) and returning
// both. A sentence ends at a line break, or at . ! ? … followed by a space;
// sentences without words are dropped. The word state stays in locals: a
// closure over it would keep it in memory for every byte.
func splitSentences(s string, buf []uint64, out []sentence) ([]uint64, []sentence) {
	start := len(buf)
	var h uint64
	inWord := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			if f := asciiWord[c]; f != 0 {
				if !inWord {
					h, inWord = fnvOffset, true
				}
				h = (h ^ uint64(f)) * fnvPrime
				continue
			}
			switch c {
			case '\'', '`':
				// joins the parts of a word; separates otherwise
			case '\n', '\r':
				if inWord {
					buf, inWord = append(buf, h), false
				}
				start, out = closeSentence(buf, start, out)
			case '.', '!', '?':
				if inWord {
					buf, inWord = append(buf, h), false
				}
				if i < len(s) && nextIsSpace(s[i:]) {
					start, out = closeSentence(buf, start, out)
				}
			default:
				if inWord {
					buf, inWord = append(buf, h), false
				}
			}
			continue
		}
		var r rune
		if (c == 0xd0 || c == 0xd1) && i+1 < len(s) && s[i+1]&0xc0 == 0x80 {
			// Two-byte U+0400-U+047F, decoded here: most of a Cyrillic
			// text, and cheaper than a call.
			r = rune(c&0x1f)<<6 | rune(s[i+1]&0x3f)
			i += 2
		} else {
			var size int
			r, size = utf8.DecodeRuneInString(s[i:])
			i += size
		}
		if 0x400 <= r && r < 0x460 {
			// Cyrillic fast path: А-я, Ѐ-Џ, ѐ-џ (Ukrainian and Russian).
			switch {
			case r < 0x410:
				r += 0x50
			case r < 0x430:
				r += 0x20
			}
			if r == 'ё' {
				r = 'е'
			}
			if !inWord {
				h, inWord = fnvOffset, true
			}
			h = (h ^ uint64(r&0xff)) * fnvPrime
			h = (h ^ uint64(r>>8)) * fnvPrime
			continue
		}
		switch {
		case isApostrophe(r):
			// Inside a word it joins its parts, leaving no trace;
			// outside one it separates. (ʼ is a letter to Unicode, so
			// this comes first.)
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) && inWord:
			if !inWord {
				h, inWord = fnvOffset, true
			}
			for r = foldRune(r); r > 0; r >>= 8 {
				h = (h ^ uint64(r&0xff)) * fnvPrime
			}
		case isEnd(r):
			if inWord {
				buf, inWord = append(buf, h), false
			}
			if i < len(s) && nextIsSpace(s[i:]) {
				start, out = closeSentence(buf, start, out)
			}
		default:
			if inWord {
				buf, inWord = append(buf, h), false
			}
		}
	}
	if inWord {
		buf = append(buf, h)
	}
	_, out = closeSentence(buf, start, out)
	return buf, out
}

// nextIsSpace reports whether s starts with a space.
func nextIsSpace(s string) bool {
	if c := s[0]; c < utf8.RuneSelf {
		return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

// sentenceHash identifies a sentence by its words.
func sentenceHash(words []uint64) uint32 {
	h := uint64(fnvOffset)
	for _, w := range words {
		h ^= w
		h *= fnvPrime
	}
	return uint32(h ^ h>>32)
}
