package feeds

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// legacyCharset is a single-byte charset guessLegacy may pick.
type legacyCharset struct {
	name     string
	enc      *charmap.Charmap
	cyrillic bool
}

// legacyCharsets are the candidates, in the order that breaks ties: the
// Latin ones first (a lone accented byte is more often windows-1252), then
// the Cyrillic ones by how common they are in feeds. KOI8-U decodes every
// KOI8-R letter the same and adds the Ukrainian ones where KOI8-R has box
// drawing, which no feed means.
var legacyCharsets = []legacyCharset{
	{"windows-1252", charmap.Windows1252, false},
	{"windows-1251", charmap.Windows1251, true},
	{"koi8-r", charmap.KOI8U, true},
	{"windows-1250", charmap.Windows1250, false},
	{"iso-8859-2", charmap.ISO8859_2, false},
	{"iso-8859-15", charmap.ISO8859_15, false},
	{"iso-8859-5", charmap.ISO8859_5, true},
	{"ibm866", charmap.CodePage866, true},
}

// maxGuessSample bounds the bytes guessLegacy scores: 64 KiB of a feed
// hold thousands of letters, far more than the decision needs.
const maxGuessSample = 64 << 10

// guessLegacy picks the single-byte charset in which b reads most like
// text, and its score (see legacyScore).
func guessLegacy(b []byte) (legacyCharset, float64) {
	if len(b) > maxGuessSample {
		b = b[:maxGuessSample]
	}
	best, bestScore := legacyCharsets[0], -1e9
	for _, c := range legacyCharsets {
		s := legacyScore(string(decodeWith(c.enc, b)))
		if s > bestScore {
			best, bestScore = c, s
		}
	}
	return best, bestScore
}

// legacyScore rates how plausible the non-ASCII characters of s are as
// text, per non-ASCII character (about -3 to +3; 0 when there is none).
// It rewards frequent Russian and Ukrainian lower-case letters, capitals
// that start words, and accented Latin letters inside Latin words; it
// punishes a capital after a lower-case letter (KOI8-R read as
// windows-1251 swaps the cases), Cyrillic mixed into Latin words, accented
// letters that only neighbour other accented letters (Cyrillic read as
// windows-1252: "Ñëàâÿíñê"), symbols inside words, box drawing and controls.
func legacyScore(s string) float64 {
	rs := []rune(s)
	total, n := 0.0, 0
	for i, r := range rs {
		if r < utf8.RuneSelf {
			continue
		}
		prev, next := ' ', ' '
		if i > 0 {
			prev = rs[i-1]
		}
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		total += runeScore(prev, r, next)
		n++
	}
	if n == 0 {
		return 0
	}
	return total / float64(n)
}

func runeScore(prev, r, next rune) float64 {
	asciiLetter := func(c rune) bool { return c < utf8.RuneSelf && unicode.IsLetter(c) }
	switch {
	case r == utf8.RuneError || (r >= 0x80 && r <= 0x9F):
		return -3
	case r >= 0x2500 && r <= 0x259F: // box drawing and blocks
		return -3
	case unicode.Is(unicode.Cyrillic, r) && unicode.IsLetter(r):
		s := 0.0
		if asciiLetter(prev) || asciiLetter(next) {
			s -= 2
		}
		if unicode.IsUpper(r) {
			if unicode.Is(unicode.Cyrillic, prev) && unicode.IsLower(prev) {
				return s - 3
			}
			return s + 1
		}
		return s + cyrillicWeight(r)
	case unicode.IsLetter(r):
		s := 0.0
		switch {
		case asciiLetter(prev) || asciiLetter(next):
			s += 2
		case unicode.IsLetter(prev) || unicode.IsLetter(next):
			s--
		}
		if unicode.IsUpper(r) && unicode.IsLower(prev) {
			s -= 2
		}
		if strings.ContainsRune("ľĽĺĹŕŔţŢőűŐŰ", r) {
			s-- // letters of few languages: a tie breaker
		}
		return s
	case r == '’' || r == '‘' || r == '\u00A0' || r == '–' || r == '—':
		return 0
	case unicode.IsLetter(prev) && unicode.IsLetter(next):
		return -2 // a symbol inside a word
	case strings.ContainsRune("¤¦¨´¸¼½¾", r):
		return -1
	}
	return 0
}

// cyrillicWeight rates a lower-case Cyrillic letter by how common it is in
// Russian and Ukrainian text.
func cyrillicWeight(r rune) float64 {
	switch {
	case strings.ContainsRune("оеаинтсрвл", r):
		return 3
	case strings.ContainsRune("кмдпуяыьгзбчйіх", r):
		return 2
	case strings.ContainsRune("жшюцщэфъёїєґ", r):
		return 1
	}
	return -1 // Serbian, Macedonian and Belarusian letters: rare in our feeds
}
