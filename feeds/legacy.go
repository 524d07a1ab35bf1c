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

// minCyrillicBytes is the fewest high bytes guessLegacy reads as Cyrillic.
const minCyrillicBytes = 4

// guessLegacy picks the single-byte charset in which b reads most like
// text, and its score (see score).
func guessLegacy(b []byte) (legacyCharset, float64) {
	// A byte or three could be anything; Cyrillic text has more, and a
	// lone high byte is more often a Latin accent or symbol.
	high := 0
	for _, x := range b[:min(len(b), maxGuessSample)] {
		if x >= utf8.RuneSelf {
			high++
		}
	}
	best, bestScore := legacyCharsets[0], -1e9
	for _, c := range legacyCharsets {
		if c.cyrillic && high < minCyrillicBytes {
			continue
		}
		if s := c.score(b); s > bestScore {
			best, bestScore = c, s
		}
	}
	return best, bestScore
}

// charClass is what score needs to know of one character.
type charClass struct {
	bad     bool // a control, U+FFFD or box drawing
	cyr     bool // a Cyrillic letter
	letter  bool
	ascii   bool // an ASCII letter
	upper   bool
	lower   bool
	neutral bool // apostrophes, dashes, no-break space: fine anywhere
	odd     bool // symbols rarely meant: ¤ ¦ ¨ ´ ¸ ¼ ½ ¾
	weight  float64
}

func classifyChar(r rune) charClass {
	c := charClass{
		bad:     r == utf8.RuneError || (r >= 0x80 && r <= 0x9F) || (r >= 0x2500 && r <= 0x259F),
		letter:  unicode.IsLetter(r),
		upper:   unicode.IsUpper(r),
		lower:   unicode.IsLower(r),
		neutral: strings.ContainsRune("’‘\u00A0–—", r),
		odd:     strings.ContainsRune("¤¦¨´¸¼½¾", r),
	}
	c.ascii = c.letter && r < utf8.RuneSelf
	c.cyr = c.letter && unicode.Is(unicode.Cyrillic, r)
	switch {
	case c.cyr && c.lower:
		c.weight = cyrillicWeight(r)
	case strings.ContainsRune("ľĽĺĹŕŔţŢőűŐŰ", r):
		c.weight = -1 // letters of few languages: a tie breaker
	}
	return c
}

// legacyTables holds each candidate's classes of its 256 characters, so
// that scoring reads bytes without decoding them.
var legacyTables = func() map[*charmap.Charmap]*[256]charClass {
	m := map[*charmap.Charmap]*[256]charClass{}
	for _, c := range legacyCharsets {
		var t [256]charClass
		for i := range t {
			t[i] = classifyChar(c.enc.DecodeByte(byte(i)))
		}
		m[c.enc] = &t
	}
	return m
}()

var spaceClass = classifyChar(' ')

// score rates how plausible the non-ASCII characters of b (its first
// maxGuessSample bytes) are as text in c, per non-ASCII byte (about -3 to
// +3; 0 when there is none). It rewards frequent Russian and Ukrainian
// lower-case letters, capitals that start words, and accented Latin letters
// inside Latin words; it punishes a capital after a lower-case letter
// (KOI8-R read as windows-1251 swaps the cases), Cyrillic mixed into Latin
// words, accented letters that only neighbour other accented letters
// (Cyrillic read as windows-1252: "Ñëàâÿíñê"), symbols inside words, box
// drawing and controls.
func (c legacyCharset) score(b []byte) float64 {
	if len(b) > maxGuessSample {
		b = b[:maxGuessSample]
	}
	t := legacyTables[c.enc]
	total, n := 0.0, 0
	for i, x := range b {
		if x < utf8.RuneSelf {
			continue
		}
		prev, next := &spaceClass, &spaceClass
		if i > 0 {
			prev = &t[b[i-1]]
		}
		if i+1 < len(b) {
			next = &t[b[i+1]]
		}
		total += classScore(prev, &t[x], next)
		n++
	}
	if n == 0 {
		return 0
	}
	return total / float64(n)
}

func classScore(prev, c, next *charClass) float64 {
	switch {
	case c.bad:
		return -3
	case c.cyr:
		s := 0.0
		if prev.ascii || next.ascii {
			s -= 2
		}
		if c.upper {
			if prev.cyr && prev.lower {
				return s - 3
			}
			return s + 1
		}
		return s + c.weight
	case c.letter:
		s := c.weight
		switch {
		case prev.ascii || next.ascii:
			s += 2
		case prev.letter || next.letter:
			s--
		}
		if c.upper && prev.lower {
			s -= 2
		}
		return s
	case c.neutral:
		return 0
	case prev.letter && next.letter:
		return -2 // a symbol inside a word
	case c.odd:
		return -1
	}
	return 0
}

// candidate returns the guessLegacy candidate of a canonical charset name
// (KOI8-U is guessLegacy's KOI8-R, which decodes as KOI8-U).
func candidate(name string) (legacyCharset, bool) {
	if name == "koi8-u" {
		name = "koi8-r"
	}
	for _, c := range legacyCharsets {
		if c.name == name {
			return c, true
		}
	}
	return legacyCharset{}, false
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
