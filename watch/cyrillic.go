package watch

import (
	"strings"

	"github.com/newswatch/newswatch"
)

// A Cyrillic name word is written in the nominative; Russian and Ukrainian
// texts decline it. Compile expands each Cyrillic word of a name into the
// case forms of its declension class (see caseForms) and the matcher looks a
// text word up by its whole folded form, so that only real case forms of the
// name match: never an ending that belongs to another class, and never an
// adjective derived from the name (see the adjective policy in doc.go).

// minDeclined is the fewest runes a single-word name needs to be declined;
// shorter ones match as written only (Рим, but not Рима: the genitive of
// a three-letter name is too often another word). A word of a longer name
// is declined from minDeclinedInName runes on (Кривий Ріг → Кривому Розі).
const (
	minDeclined       = 4
	minDeclinedInName = 3
)

// Endings by declension class, Russian and Ukrainian together. A form is
// the stem (the word less its nominative ending) plus one of these.
var (
	// Hard and soft masculine nouns closed by a consonant: Донецк, Київ,
	// Краматорськ, Янукович.
	endConsonant = strings.Fields("а у ом е і ові ю")
	// After a hushing consonant or ц the instrumental takes е: Януковичем.
	endHushing = strings.Fields("ем еві")
	// Surnames in -ов/-ев/-ин/-ын/-ів/-їв decline partly as adjectives:
	// Лавровым, Аваковим, and the feminine Лавровой.
	endSurname = strings.Fields("ым им ой ою ої ы и")
	// Nouns in -ь: Маріуполь, Кремль, Керчь.
	endSoft = strings.Fields("ь я ю ем е і еві и ью ям")
	// Nouns in -й after a vowel: Сергей, Сергій, Андрій.
	endJot = strings.Fields("й я ю ем е і єм ю єві еві")
	// Feminine nouns in -а: Женева, Дружківка, Рига.
	endA = strings.Fields("а ы и е у ой ою ей ею і")
	// Feminine nouns in -я: Евпатория, Євпаторія.
	endYa = strings.Fields("я и і ї е ю ей ею єю")
	// Neuter names in -о/-е, which Ukrainian declines as adjectives:
	// Енакиево, Єнакієве, Рівне.
	endNeuter = strings.Fields("о е а у ом ого ому им ім і")
	// Adjectival names and surnames: Кривий (Ріг), Зеленский, Зеленський.
	endAdjM = strings.Fields("ий ый ой ого ому им ым ом ім")
	// Feminine adjectival names: Белая (Церковь), Біла.
	endAdjF = strings.Fields("ая яя ой ую ою ей")
	// Plural names: Черновцы, Чернівці, Ромны.
	endPlural = strings.Fields("ы и і ов ів ам ям ами ями ах ях")
	// Russian neuter nouns in -ье (Запорожье, Приднестровье, like
	// ущелье): genitive -ья, dative -ью, instrumental -ьем, prepositional
	// -ье (T. Wade, A Comprehensive Russian Grammar, the neuter nouns in
	// -ье; Зализняк, Грамматический словарь, type 6a).
	endNeuterSoft = strings.Fields("е я ю ем")
	// The Ukrainian instrumental -ям of neuter nouns in -я after a doubled
	// consonant or an apostrophe (Запоріжжя — Запоріжжям, Закарпаття,
	// Придністров'я, like знання — знанням, подвір'я — подвір'ям: second
	// declension, soft group; Pugh and Press, Ukrainian: A Comprehensive
	// Grammar, the second declension neuters in -я).
	endNeuterYa = []string{"ям"}
	// A Ukrainian feminine adjective in -а before the noun of a name takes
	// -ої in the genitive and -ій in the dative and locative (Південна
	// Осетія → Південної Осетії, у Південній Осетії; Біла Церква → Білої
	// Церкви): Pugh and Press, the hard adjective declension.
	endAdjFUk = strings.Fields("ої ій")
)

// caseForms returns the folded nominative Cyrillic word w with its case
// forms, for a watch of kind k; inName tells that w is one word of several.
// Adjectives derived from the name (Донецкий, женевские, київським) are
// never among them.
func caseForms(w []rune, k newswatch.Kind, inName bool) [][]rune {
	var forms [][]rune
	eachCaseForm(w, k, inName, func(stem []rune, e string) {
		forms = append(forms, append(append([]rune(nil), stem...), []rune(e)...))
	})
	return forms
}

// eachCaseForm calls emit with the stem and ending of each form caseForms
// returns, the word itself first (with no ending), without allocating them.
func eachCaseForm(w []rune, k newswatch.Kind, inName bool, emit func(stem []rune, ending string)) {
	emit(w, "")
	n := len(w)
	if n < minDeclined && (!inName || n < minDeclinedInName) {
		return
	}
	add := func(stem []rune, ends []string) {
		for _, e := range ends {
			emit(stem, e)
		}
	}
	last, prev := w[n-1], w[n-2]
	switch {
	case (last == 'й' && (prev == 'и' || prev == 'ы' || prev == 'о')) && n >= 5:
		add(w[:n-2], endAdjM)
	case (last == 'я' && (prev == 'а' || prev == 'я')) && n >= 5:
		add(w[:n-2], endAdjF)
	case last == 'й':
		add(w[:n-1], endJot)
	case last == 'ь':
		add(w[:n-1], endSoft)
		if strings.ContainsRune("лнтдсзц", prev) {
			// The Ukrainian instrumental of a feminine noun in -ь doubles
			// the consonant (Азовсталь → Азовсталлю, like сіль — сіллю;
			// Український правопис (2019) § 32). A masculine noun never
			// has such a form, so adding it to every -ь noun costs nothing.
			add(append(w[:n-1:n-1], prev), []string{"ю"})
		}
	case last == 'а':
		stem := w[:n-1]
		add(stem, endA)
		if alt, ok := dativeAlternation(stem); ok {
			add(alt, []string{"і"}) // Дружківці, Ризі, Золотоносі
		}
		if inName {
			add(stem, endAdjFUk) // Південної (Осетії), Білій (Церкві)
		}
	case last == 'я':
		add(w[:n-1], endYa)
		if prev == '\'' || prev == w[n-3] && !isVowel(prev) {
			add(w[:n-1], endNeuterYa) // Запоріжжям, Придністров'ям
		}
	case last == 'е' && prev == 'ь':
		add(w[:n-1], endNeuterSoft) // Запорожья, Приднестровьем
	case last == 'о' || last == 'е':
		add(w[:n-1], endNeuter)
		if alt, ok := dativeAlternation(w[:n-1]); ok {
			add(alt, []string{"і"}) // вухо → у вусі
		}
	case last == 'ы' || (last == 'і' && prev == 'ц'):
		add(w[:n-1], endPlural)
	case !isVowel(last) && last != '\'':
		add(w, endConsonant)
		if strings.ContainsRune("жчшщц", last) {
			add(w, endHushing)
		}
		if k == newswatch.KindActor && isSurnameSuffix(w) {
			add(w, endSurname)
		}
		for _, alt := range vowelAlternations(w) {
			add(alt, []string{"а", "у", "ом", "і", "ові", "е"})
			if a2, ok := dativeAlternation(alt); ok {
				add(a2, []string{"і"}) // Ріг → Розі
			}
		}
		if a2, ok := dativeAlternation(w); ok {
			add(a2, []string{"і"}) // Кременчук → Кременчуці
		}
	}
}

// isSurnameSuffix reports whether w ends in -ов, -ев, -ин, -ын, -ів or -їв.
func isSurnameSuffix(w []rune) bool {
	s := string(w[len(w)-2:])
	switch s {
	case "ов", "ев", "ин", "ын", "ів", "їв", "єв":
		return true
	}
	return false
}

// dativeAlternation returns stem with its final к, г or х changed to ц, з
// or с, as the Ukrainian dative and locative singular in -і require
// (Дружківка → Дружківці, Рига → Ризі, Золотоноша unchanged), and whether
// there was such a consonant.
func dativeAlternation(stem []rune) ([]rune, bool) {
	if len(stem) == 0 {
		return nil, false
	}
	var r rune
	switch stem[len(stem)-1] {
	case 'к':
		r = 'ц'
	case 'г':
		r = 'з'
	case 'х':
		r = 'с'
	default:
		return nil, false
	}
	alt := append([]rune(nil), stem...)
	alt[len(alt)-1] = r
	return alt, true
}

// vowelAlternations undoes the Ukrainian alternation of a closed final
// syllable: і in the nominative is о or е in the other cases (Харків →
// Харкова, Ріг → Рогу, Львів → Львова) and ї is є (Київ → Києва).
func vowelAlternations(w []rune) [][]rune {
	var out [][]rune
	for j := len(w) - 2; j >= len(w)-3 && j > 0; j-- {
		r := w[j]
		if !isVowel(r) && r != 'ь' && r != '\'' {
			continue
		}
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
			out = append(out, v)
		}
		break
	}
	return out
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
