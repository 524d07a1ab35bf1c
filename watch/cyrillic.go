package watch

import "strings"

// minStem is the fewest runes left of a Cyrillic word once a case ending
// is stripped, on the text side and on the alias side.
const minStem = 4

// caseEndings are the Russian and Ukrainian case endings of nouns and of
// adjectival place names that a Cyrillic word in a text may carry (ё is
// folded to е before comparing). A word matches an alias word when the word
// minus one of these endings equals one of the alias word's stems.
var caseEndings = strings.Fields(`
	а я о е у ю ы и і ї є й ь
	ом ем єм ой ей ою ею єю ам ям ах ях ов ев ів їв ью ьо
	ий ый ій ая яя ое ее ые ие ую юю ым им ім ых их іх ої ия ии ие ию
	ами ями ого его ому ему ыми ими іми ові еві єві ией иям иях ього ьому иями
`)

// nominativeEndings are the endings stripped from a Cyrillic alias word to
// find its stems: the word is written in the nominative, so only the endings
// of the nominative singular count. "Лавров" keeps its "ов", which is why a
// Snowball stemmer (Лавров → лавр) is not used.
var nominativeEndings = strings.Fields(`
	а я о е ь й ы и і ї є
	ий ый ій ой ая яя ое ее ые ие ия
`)

// endingKey packs a short run of Cyrillic runes (or apostrophes) into one
// integer: nine bits a rune and the length on top.
func endingKey(rs []rune) (uint64, bool) {
	k := uint64(len(rs))
	for _, r := range rs {
		var v uint64
		switch {
		case r == '\'':
			v = 0x1ff
		case isCyrillic(r):
			v = uint64(r - 0x400)
		default:
			return 0, false
		}
		k = k<<9 | v
	}
	return k, true
}

var (
	endingSet  = map[uint64]bool{}
	endings1   [0x130]bool // one-rune endings
	finalRunes [0x130]bool // last runes of some case ending
	maxEnding  int
)

func init() {
	for _, e := range caseEndings {
		rs := []rune(e)
		k, _ := endingKey(rs)
		endingSet[k] = true
		finalRunes[rs[len(rs)-1]-0x400] = true
		if len(rs) == 1 {
			endings1[rs[0]-0x400] = true
		}
		maxEnding = max(maxEnding, len(rs))
	}
}

// stemSplits fills t.stems with the hashes of the word with each case ending
// stripped. ph[k&7] is the hash after k runes and rs[k&7] the k-th rune.
func stemSplits(t *token, ph *[8]uint64, rs *[8]rune) {
	n := t.runes
	if n <= minStem {
		return
	}
	if l := rs[n&7]; l < 0x400 || l >= 0x530 || !finalRunes[l-0x400] {
		return
	}
	if endings1[rs[n&7]-0x400] {
		t.stems[0], t.stemRunes[0], t.nstem = ph[(n-1)&7], n-1, 1
	}
	var buf [4]rune
	for k := 2; k <= maxEnding && n-k >= minStem && t.nstem < maxStems; k++ {
		for j := 0; j < k; j++ {
			buf[j] = rs[(n-k+1+j)&7]
		}
		if key, ok := endingKey(buf[:k]); ok && endingSet[key] {
			t.stems[t.nstem] = ph[(n-k)&7]
			t.stemRunes[t.nstem] = n - k
			t.nstem++
		}
	}
}

// aliasStems returns the stems of a folded Cyrillic alias word: the word
// itself, the word less each nominative ending (leaving at least minStem
// runes), and, for a word closed by a consonant whose last vowel is і or ї,
// the stem with the Ukrainian vowel alternation undone (Київ → Києв-,
// Харків → Харков-).
func aliasStems(w []rune) [][]rune {
	stems := [][]rune{w}
	for _, e := range nominativeEndings {
		er := []rune(e)
		if len(w)-len(er) >= minStem && string(w[len(w)-len(er):]) == e {
			stems = append(stems, w[:len(w)-len(er)])
		}
	}
	if len(w) >= minStem && !isVowel(w[len(w)-1]) {
		for j := len(w) - 2; j >= len(w)-3 && j > 0; j-- {
			r := w[j]
			if isVowel(r) || r == 'ь' || r == '\'' {
				var alts []rune
				switch r {
				case 'і':
					alts = []rune{'о', 'е'}
				case 'ї':
					alts = []rune{'є'}
				}
				for _, a := range alts {
					v := append([]rune(nil), w...)
					v[j] = a
					stems = append(stems, v)
				}
				break
			}
		}
	}
	return stems
}

func isVowel(r rune) bool { return strings.ContainsRune("аеиоуыэюяіїєё", r) }

// hashRunes hashes folded runes the way scanWord does.
func hashRunes(rs []rune) uint64 {
	h := uint64(fnvOffset)
	for _, r := range rs {
		h = (h ^ uint64(r)) * fnvPrime
	}
	return h
}
