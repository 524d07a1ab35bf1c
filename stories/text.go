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

// splitSentences cuts s into sentences of word hashes, appending the word
// hashes to buf (whose backing array the sentences share) and returning
// both. A sentence ends at a line break, or at . ! ? … followed by a space;
// sentences without words are dropped.
func splitSentences(s string, buf []uint64, out []sentence) ([]uint64, []sentence) {
	start := len(buf)
	var h uint64
	inWord := false
	flushWord := func() {
		if inWord {
			buf = append(buf, h)
			inWord = false
		}
	}
	flushSentence := func() {
		flushWord()
		if len(buf) > start {
			words := buf[start:len(buf):len(buf)]
			out = append(out, sentence{words: words, hash: sentenceHash(words)})
			start = len(buf)
		}
	}
	for i := 0; i < len(s); {
		// ASCII fast path: most of the text of most feeds.
		if c := s[i]; c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			default:
				goto other
			}
			if !inWord {
				h, inWord = fnvOffset, true
			}
			h ^= uint64(c)
			h *= fnvPrime
			continue
		other:
			switch {
			case c == '\'' || c == '`':
				// joins the parts of a word; separates otherwise
			case c == '\n' || c == '\r':
				flushSentence()
			case c == '.' || c == '!' || c == '?':
				flushWord()
				if i < len(s) {
					if next, _ := utf8.DecodeRuneInString(s[i:]); unicode.IsSpace(next) {
						flushSentence()
					}
				}
			default:
				flushWord()
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
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
			h ^= uint64(r & 0xff)
			h *= fnvPrime
			h ^= uint64(r >> 8)
			h *= fnvPrime
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
			r = foldRune(r)
			for r > 0 {
				h ^= uint64(r & 0xff)
				h *= fnvPrime
				r >>= 8
			}
		case r == '\n' || r == '\r':
			flushSentence()
		case isEnd(r):
			flushWord()
			if i >= len(s) {
				break
			}
			next, _ := utf8.DecodeRuneInString(s[i:])
			if unicode.IsSpace(next) {
				flushSentence()
			}
		default:
			flushWord()
		}
	}
	flushSentence()
	return buf, out
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
