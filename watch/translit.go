package watch

import (
	"slices"
	"strings"
	"unicode"
)

// Transliteration between Cyrillic and Latin letters, and the regular
// respellings between Russian and Ukrainian names. Every function here works
// on lower-case text; Expand restores the capitals.

// translitSystem maps one lower-case Cyrillic letter to Latin. ctx tells
// where it stands: at the start of a word, after a vowel (or ь, ъ, ') or
// elsewhere.
type translitSystem struct {
	name string
	ukr  bool // for Ukrainian spellings (else Russian)
	base *letterTable
	// initial, when set, is used at the start of a word (ye, yu, ya
	// against ie, iu, ia), and also after a vowel, ь, ъ or an apostrophe
	// when afterVowel is set.
	initial    *letterTable
	afterVowel bool
}

// letterTable maps the Cyrillic letters U+0400–U+04FF, and the apostrophe,
// to their Latin spellings.
type letterTable struct {
	latin [0x101]string
	known [0x101]bool
}

// index returns r's slot, or -1.
func (t *letterTable) index(r rune) int {
	switch {
	case r == '\'':
		return 0x100
	case r >= 0x400 && r < 0x500:
		return int(r - 0x400)
	}
	return -1
}

// get returns the spelling of r and whether the table has one.
func (t *letterTable) get(r rune) (string, bool) {
	if t == nil {
		return "", false
	}
	if i := t.index(r); i >= 0 && t.known[i] {
		return t.latin[i], true
	}
	return "", false
}

// letters builds a table from pairs like "жzh ь_" (_ for nothing).
func letters(pairs string) *letterTable {
	t := &letterTable{}
	for _, f := range strings.Fields(pairs) {
		r, rest := []rune(f)[0], string([]rune(f)[1:])
		if rest == "_" {
			rest = ""
		}
		i := t.index(r)
		t.latin[i], t.known[i] = rest, true
	}
	return t
}

const commonLetters = `аa бb вv дd зz кk лl мm нn оo пp рr сs тt уu фf`

// The systems. Each is named by the Source Expand gives its spellings.
var translitSystems = []translitSystem{
	{name: "translit:ua2010", ukr: true,
		base:    letters(commonLetters + ` гh ґg еe єie жzh иy іi їi йi хkh цts чch шsh щshch ь_ юiu яia '_`),
		initial: letters(`єye їyi йy юyu яya`)},
	{name: "translit:bgn-uk", ukr: true,
		base: letters(commonLetters + ` гh ґg еe єye жzh иy іi їyi йy хkh цts чch шsh щshch ь_ юyu яya '_`)},
	{name: "translit:bgn-ru",
		base:    letters(commonLetters + ` гg еe ёe жzh иi йy хkh цts чch шsh щshch ъ_ ыy ь_ эe юyu яya`),
		initial: letters(`еye ёyo`), afterVowel: true},
	{name: "translit:press-ru", // Kiev, Sergei, Yenakievo: е is e after a vowel
		base:    letters(commonLetters + ` гg еe ёyo жzh иi йi хkh цts чch шsh щshch ъ_ ыy ь_ эe юyu яya`),
		initial: letters(`ёyo`), afterVowel: true},
	{name: "translit:press-ye", // the BBC's and Reuters' Yenakievo, Yevgeny: ye at the start only
		base:    letters(commonLetters + ` гg еe ёyo жzh иi йi хkh цts чch шsh щshch ъ_ ыy ь_ эe юyu яya`),
		initial: letters(`еye`)},
	{name: "translit:iso9", ukr: true,
		base: letters(commonLetters + ` гg ґg еe ёë єê жž иi іì їï йj хh цc чč шš щŝ ъ_ ыy ь_ эè юû яâ '_`)},
	{name: "translit:scholarly", ukr: true,
		base: letters(commonLetters + ` гh ґg еe ёë єje жž иy іi їji йj хx цc чč шš щšč ъ_ ыy ь_ эè юju яja '_`)},
	{name: "translit:scholarly-ru",
		base: letters(commonLetters + ` гg еe ёë жž иi йj хx цc чč шš щšč ъ_ ыy ь_ эè юju яja`)},
}

// ukrainianOnly and russianOnly are letters that show the language.
const (
	ukrainianOnly = "іїєґ'"
	russianOnly   = "ыэъё"
)

// cyrLanguage reports whether s may be Ukrainian and whether it may be
// Russian.
func cyrLanguage(s string) (ukr, rus bool) {
	ukr = !strings.ContainsAny(s, russianOnly)
	rus = !strings.ContainsAny(s, ukrainianOnly)
	return ukr, rus
}

// transliterate writes the lower-case Cyrillic name s in Latin letters
// under sys. Letters the system does not know are kept.
func transliterate(s string, sys *translitSystem) string {
	var b strings.Builder
	prevWordy := false
	prevVowel := false
	rs := []rune(s)
	for i, r := range rs {
		start := !prevWordy
		out, ok := sys.base.get(r)
		if v, ok2 := sys.initial.get(r); ok2 && (start || sys.afterVowel && prevVowel) {
			out, ok = v, true
		}
		switch {
		case sys.name == "translit:ua2010" && r == 'г' && i > 0 && rs[i-1] == 'з':
			out = "gh" // зг → zgh, not zh
		case !ok:
			out = string(r)
		}
		b.WriteString(out)
		prevWordy = isWordRune(r) || isApos(r)
		prevVowel = isVowel(r) || r == 'ь' || r == 'ъ' || isApos(r)
	}
	return b.String()
}

// pressEndings returns the usual press spellings of a Latin name's
// adjectival and patronymic endings (-iy/-y/-yy/-i/-ii, -ich/-ych), for
// each word of the name in turn (Dmitriy Peskov → Dmitry Peskov, Dmitri
// Peskov; Zelenskyi → Zelensky, Zelenskyy).
func pressEndings(s string) []string {
	words := strings.Fields(s)
	var out []string
	for i, w := range words {
		for _, v := range pressWordEndings(w) {
			ws := append([]string(nil), words...)
			ws[i] = v
			out = append(out, strings.Join(ws, " "))
		}
	}
	return out
}

// pressWordEndings returns the press spellings of one word's ending.
func pressWordEndings(s string) []string {
	var out []string
	swap := func(from string, to ...string) {
		if strings.HasSuffix(s, from) && len(s) > len(from)+2 {
			base := strings.TrimSuffix(s, from)
			for _, t := range to {
				out = append(out, base+t)
			}
		}
	}
	swap("yy", "y", "iy", "yi", "i")
	swap("yi", "y", "iy", "yy", "i")
	swap("iy", "y", "i", "ii", "yi")
	swap("ii", "iy", "i", "y")
	swap("ych", "ich")
	swap("ich", "ych")
	swap("ey", "ei")
	swap("ei", "ey")
	return out
}

// The respelling rules of ruToUk and ukToRu.
var (
	ruUkKeep = strings.NewReplacer("ы", "и", "э", "е", "ъ", "'", "ё", "ьо")
	ruUkAll  = strings.NewReplacer("и", "і", "ы", "и", "э", "е", "ъ", "'", "ё", "ьо")
	ruUkEnds = [][2]string{{"ський", "ський"}, {"цький", "цький"}, {"ский", "ський"}, {"цкий", "цький"}, {"ей", "ій"}, {"ий", "ій"}, {"ск", "ськ"}, {"цк", "цьк"}}
	ukRuBase = strings.NewReplacer("і", "и", "ї", "и", "є", "е", "'", "", "’", "", "ьо", "ё")
	ukRuAlt  = strings.NewReplacer("і", "и", "ї", "и", "є", "е", "'", "")
)

// ruToUk returns the regular Ukrainian respellings of a lower-case Russian
// name: Сергей → Сергій, Керри → Керрі, Виктор → Віктор, Краматорск →
// Краматорськ. Both readings of и are given (Віктор, Янукович).
func ruToUk(s string) []string {
	keep, all, ends := ruUkKeep, ruUkAll, ruUkEnds
	// Each word of the name either keeps its и or turns every и to і.
	variants := []string{""}
	for i, w := range strings.Fields(s) {
		var next []string
		for _, v := range variants {
			// The ending is respelled as a whole (Зеленский → Зеленський,
			// never Зеленскій), the stem by r.
			stem, end := w, ""
			for _, p := range ends {
				if strings.HasSuffix(w, p[0]) && len([]rune(w)) > len([]rune(p[0]))+1 {
					stem, end = strings.TrimSuffix(w, p[0]), p[1]
					break
				}
			}
			for _, r := range []*strings.Replacer{keep, all} {
				x := r.Replace(stem) + end
				if i > 0 {
					x = v + " " + x
				}
				if !slices.Contains(next, x) {
					next = append(next, x)
				}
			}
		}
		variants = next
	}
	return variants
}

// ukToRu returns the regular Russian respellings of a lower-case Ukrainian
// name: Сергій → Сергей, Краматорськ → Краматорск, Харків → Харков, Київ →
// Киев.
func ukToRu(s string) []string {
	base := ukRuBase.Replace(s)
	base = respellWordEnds(base, [][2]string{{"ський", "ский"}, {"цький", "цкий"}, {"ий", "ый"}, {"ій", "ей"}, {"ськ", "ск"}, {"цьк", "цк"}})
	out := []string{base}
	// The closed final syllable: Харків → Харков, Київ → Киев.
	words := strings.Fields(s)
	for i, w := range words {
		for _, alt := range vowelAlternations([]rune(w)) {
			ws := append([]string(nil), words...)
			ws[i] = string(alt)
			v := ukRuAlt.Replace(strings.Join(ws, " "))
			v = respellWordEnds(v, [][2]string{{"ськ", "ск"}, {"цьк", "цк"}})
			out = append(out, v)
		}
	}
	return out
}

// respellWordEnds replaces the first matching ending of each word.
func respellWordEnds(s string, pairs [][2]string) string {
	words := strings.Fields(s)
	for i, w := range words {
		for _, p := range pairs {
			if strings.HasSuffix(w, p[0]) && len([]rune(w)) > len([]rune(p[0]))+1 {
				words[i] = strings.TrimSuffix(w, p[0]) + p[1]
				break
			}
		}
	}
	return strings.Join(words, " ")
}

// latinRule spells a run of Latin letters in Russian and in Ukrainian.
type latinRule struct{ lat, ru, uk string }

// latinRules are the rules of latinToCyrillic by first letter, longest
// first.
var latinRules = func() (idx [128][]latinRule) {
	for _, x := range []latinRule{
		{"shch", "щ", "щ"}, {"zh", "ж", "ж"}, {"kh", "х", "х"}, {"ts", "ц", "ц"}, {"ch", "ч", "ч"},
		{"sh", "ш", "ш"}, {"yu", "ю", "ю"}, {"ya", "я", "я"}, {"ye", "е", "є"}, {"yo", "ё", "йо"},
		{"yi", "ый", "ї"}, {"iy", "ий", "ій"}, {"ia", "ия", "ія"}, {"iu", "иу", "ію"}, {"ie", "ие", "іє"},
		{"ph", "ф", "ф"}, {"th", "т", "т"}, {"ck", "к", "к"}, {"j", "дж", "дж"}, {"x", "кс", "кс"},
		{"w", "у", "в"}, {"q", "к", "к"}, {"c", "к", "к"},
		{"a", "а", "а"}, {"b", "б", "б"}, {"v", "в", "в"}, {"g", "г", "ґ"}, {"h", "х", "г"}, {"d", "д", "д"},
		{"e", "е", "е"}, {"z", "з", "з"}, {"i", "и", "і"}, {"k", "к", "к"}, {"l", "л", "л"}, {"m", "м", "м"},
		{"n", "н", "н"}, {"o", "о", "о"}, {"p", "п", "п"}, {"r", "р", "р"}, {"s", "с", "с"}, {"t", "т", "т"},
		{"u", "у", "у"}, {"f", "ф", "ф"},
	} {
		idx[x.lat[0]] = append(idx[x.lat[0]], x)
	}
	return idx
}()

// latinToCyrillic gives a Russian and a Ukrainian Cyrillic reading of a
// lower-case Latin name written in one of the systems above or in English
// press style: Kerry → Керри/Керрі, Kramatorsk → Краматорск/Краматорськ.
func latinToCyrillic(s string) (ru, uk string) {
	var r, u strings.Builder
	for i := 0; i < len(s); {
		// A final y after a consonant is и/і (Kerry), after a vowel й.
		if s[i] == 'y' && (i+1 == len(s) || strings.IndexByte("aueoi", s[i+1]) < 0) {
			end := i+1 == len(s) || !isASCIILetter(s[i+1])
			prevVowel := i > 0 && strings.IndexByte("aeiou", s[i-1]) >= 0
			switch {
			case end && prevVowel:
				r.WriteString("й")
				u.WriteString("й")
			case end:
				r.WriteString("и")
				u.WriteString("і")
			default:
				r.WriteString("ы")
				u.WriteString("и")
			}
			i++
			continue
		}
		matched := false
		var rules []latinRule
		if s[i] < 128 {
			rules = latinRules[s[i]]
		}
		for _, x := range rules {
			if strings.HasPrefix(s[i:], x.lat) {
				r.WriteString(x.ru)
				u.WriteString(x.uk)
				i += len(x.lat)
				matched = true
				break
			}
		}
		if !matched {
			r.WriteByte(s[i])
			u.WriteByte(s[i])
			i++
		}
	}
	uk = respellWordEnds(u.String(), [][2]string{{"ск", "ськ"}, {"цк", "цьк"}})
	return r.String(), uk
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' }

// restoreCase gives each word of s a capital first letter where the
// matching word of like has one.
func restoreCase(s, like string) string {
	var caps []bool
	startWord := true
	for _, r := range like {
		if r == ' ' {
			startWord = true
			continue
		}
		if startWord {
			caps = append(caps, unicode.IsUpper(r))
			startWord = false
		}
	}
	if !slices.Contains(caps, true) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	word, startWord := 0, true
	for _, r := range s {
		switch {
		case r == ' ':
			if !startWord {
				word++
			}
			startWord = true
		case startWord:
			if word < len(caps) && caps[word] {
				r = unicode.ToUpper(r)
			}
			startWord = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// scriptOf reports whether every letter of s is Latin ('l'), Cyrillic ('c')
// or neither or both (0).
func scriptOf(s string) byte {
	var lat, cyr bool
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Latin, r):
			lat = true
		case unicode.Is(unicode.Cyrillic, r):
			cyr = true
		}
	}
	switch {
	case lat && !cyr:
		return 'l'
	case cyr && !lat:
		return 'c'
	}
	return 0
}
