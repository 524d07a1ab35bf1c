package watch

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newswatch/newswatch"
)

// AddedAlias is a name Expand adds to a watch, with where it comes from
// (see newswatch.AddedAlias).
type AddedAlias = newswatch.AddedAlias

// Bounds on what Expand adds.
const (
	maxAdded     = 160 // added aliases of one watch
	minAddedRune = 3   // letters an added alias needs at least
)

// particles may stand in lower case inside a multi-word place name; any
// other lower-case word marks a GeoNames note ("Kiev osh", "Donetsk i
// Ukraina") rather than a name.
var particles = map[string]bool{
	"de": true, "da": true, "do": true, "du": true, "del": true, "della": true, "di": true, "la": true, "le": true,
	"les": true, "los": true, "las": true, "am": true, "an": true, "im": true, "na": true, "nad": true, "pod": true,
	"upon": true, "on": true, "sur": true, "en": true, "der": true, "van": true, "von": true, "al": true, "el": true,
	"на": true, "над": true, "под": true, "під": true,
}

// Expand returns the aliases that AutoAliases adds to w, in a stable order,
// leaving out w's own names, its DropAliases, names shorter than three
// letters and common words (stopWords). Nil when w.AutoAliases is
// false.
func Expand(w newswatch.Watch) []AddedAlias {
	if !w.AutoAliases {
		return nil
	}
	e := expander{seen: map[string]bool{}}
	for _, n := range w.Names() {
		e.seen[normKey(n)] = true
	}
	for _, d := range w.DropAliases {
		e.dropped = append(e.dropped, normKey(d))
	}
	explicit := w.Names()
	var cyr, lat []string
	for _, n := range explicit {
		switch scriptOf(n) {
		case 'c':
			cyr = append(cyr, n)
		case 'l':
			lat = append(lat, n)
		}
	}
	var src []cyrName // Cyrillic names to transliterate
	for _, c := range cyr {
		ukr, rus := cyrLanguage(strings.ToLower(c))
		src = append(src, cyrName{c, ukr, rus})
	}
	placeCyr := false // the place found has a Cyrillic name
	if p, ok := findPlace(w); ok {
		forms := placeCaseForms(p)
		for _, n := range append([]string{p.Name}, p.Names...) {
			source := "geonames"
			if fromSupplement(p, n) {
				source = SourceSupplement // curated: no GeoNames notes, case forms or adjectives
			} else if !placeName(n) || forms[normKey(n)] || adjectiveOf(normKey(n), p) {
				continue
			}
			if scriptOf(n) == 'c' {
				placeCyr = true
			}
			if e.add(n, source) && scriptOf(n) == 'c' && slavic(n) && !hasAbbreviation(n) {
				ukr, rus := cyrLanguage(strings.ToLower(n))
				src = append(src, cyrName{n, ukr, rus})
			}
		}
	}
	// Russian ↔ Ukrainian respellings of the names the admin gave.
	for _, c := range cyr {
		low := strings.ToLower(c)
		ukr, rus := cyrLanguage(low)
		if rus {
			for _, v := range ruToUk(low) {
				if v := restoreCase(v, c); e.add(v, "respell:ru-uk") {
					src = append(src, cyrName{v, true, false})
				}
			}
		}
		if ukr {
			for _, v := range ukToRu(low) {
				if v := restoreCase(v, c); e.add(v, "respell:uk-ru") {
					src = append(src, cyrName{v, false, true})
				}
			}
		}
	}
	// Given names that respell irregularly (Дмитрий ↔ Дмитро), and the
	// Ukrainian є for Russian е in a surname (Песков → Пєсков).
	for _, c := range cyr {
		low := strings.ToLower(c)
		ukr, rus := cyrLanguage(low)
		if rus {
			for _, v := range respellGiven(low, givenUk, ruToUk) {
				if v := restoreCase(v, c); e.add(v, "respell:ru-uk") {
					src = append(src, cyrName{v, true, false})
				}
			}
		}
		if ukr {
			for _, v := range respellGiven(low, givenRu, ukToRu) {
				if v := restoreCase(v, c); e.add(v, "respell:uk-ru") {
					src = append(src, cyrName{v, false, true})
				}
			}
		}
		if rus && w.Kind == newswatch.KindActor {
			words := strings.Fields(low)
			heads := []string{strings.Join(words[:len(words)-1], " ")}
			if len(words) > 1 {
				for _, g := range givenUk[words[0]] {
					heads = append(heads, strings.TrimSpace(g+" "+strings.Join(words[1:len(words)-1], " ")))
				}
			}
			for _, ye := range ukrainianYe(words[len(words)-1]) {
				for _, h := range heads {
					e.add(restoreCase(strings.TrimSpace(h+" "+ye), c), "respell:ru-uk")
				}
			}
		}
	}
	// Cyrillic readings of Latin names when none was given or found. They
	// are guesses, so they are not transliterated back to Latin: that
	// would add noise ("Yemmanuyel") rather than spellings the press uses.
	if len(src) == 0 && !placeCyr {
		for _, l := range lat {
			ru, uk := latinToCyrillic(strings.ToLower(l))
			e.add(restoreCase(ru, l), "translit:reverse")
			e.add(restoreCase(uk, l), "translit:reverse")
		}
	}
	// The Ukrainian nominative of a name in -поль closes its last syllable
	// with і (Тернопіль, Мелітопіль: the о → і alternation of doc.go), so
	// Маріуполь is also written Маріупіль, and in Latin Mariupil.
	for _, c := range src {
		low := strings.ToLower(c.text)
		if stem, ok := strings.CutSuffix(low, "поль"); ok && c.ukr && stem != "" && !strings.Contains(low, " ") {
			if v := restoreCase(stem+"піль", c.text); e.add(v, "respell:uk") {
				src = append(src, cyrName{v, true, false})
			}
		}
	}
	// Latin spellings of every Cyrillic name under each system that fits
	// its language, then their press endings (after all of a name's
	// systems, so that a system's spelling is credited to it).
	for _, c := range src {
		low := strings.ToLower(c.text)
		ukr, rus := c.ukr, c.rus
		var latin []string
		for i := range translitSystems {
			sys := &translitSystems[i]
			if (sys.ukr && !ukr) || (!sys.ukr && !rus) {
				continue
			}
			t := restoreCase(transliterate(low, sys), c.text)
			e.add(t, sys.name)
			latin = append(latin, t)
		}
		for _, t := range latin {
			for _, p := range pressEndings(t) {
				e.add(p, "press")
			}
		}
	}
	if w.Kind == newswatch.KindActor && w.SurnameMatches() {
		names := append([]string(nil), explicit...)
		for _, a := range e.out {
			names = append(names, a.Text)
		}
		for _, n := range names {
			if f := strings.Fields(n); personName(f) {
				e.add(f[len(f)-1], "surname")
			}
		}
	}
	return e.out
}

// orgWords mark an actor's name as an organisation's, whose last word alone
// is not its name ("Donetsk People's Republic" is not "Republic").
var orgWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`republic party bank ministry council union front agency group holdings
		institute corporation company bureau army forces service committee court office government news
		times post university church state states federation kingdom nations organization organisation
		association fund foundation club team league movement guard battalion brigade of the and
		республика республики партия банк министерство совет союз фронт агентство группа институт корпорация
		компания бюро армия силы служба комитет суд офис правительство университет церковь федерация
		организация ассоциация фонд клуб движение гвардия батальон бригада
		республіка партія міністерство рада спілка агентство група інститут корпорація компанія армія сили
		служба комітет уряд університет церква федерація організація асоціація рух гвардія батальйон`) {
		m[w] = true
	}
	return m
}()

// personName reports whether the words of an actor's name read as a
// person's: two to four words, each capitalised and without an apostrophe,
// none of them a word of organisations' names.
func personName(words []string) bool {
	if len(words) < 2 || len(words) > 4 {
		return false
	}
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) || strings.ContainsFunc(w, isApos) || orgWords[normKey(w)] {
			return false
		}
	}
	return true
}

// findPlace returns the gazetteer's place for a watch: by its name, else
// by its first alias that the gazetteer knows, in w.Country if set. A city
// resolves among the supplement's places and GeoNames' populated places,
// any other watch (an actor such as the Kremlin) in the supplement only.
func findPlace(w newswatch.Watch) (Place, bool) {
	lookup := lookupSupplement
	if w.Kind == newswatch.KindCity {
		lookup = lookupPlace
	}
	for _, n := range w.Names() {
		if p, ok := lookup(n, w.Country); ok {
			return p, true
		}
	}
	return Place{}, false
}

// cyrName is a Cyrillic name and the languages it may be written in.
type cyrName struct {
	text     string
	ukr, rus bool
}

// placeCaseForms returns the folded case forms (not the nominatives) of a
// place's Cyrillic names: GeoNames lists some (Киеву, Киевом) as names.
// Two neuter names that are each a case form of the other are both
// nominatives (Дебальцево, Дебальцеве: the Russian and the Ukrainian
// name), so neither is a form; nor is a feminine name (Полтава, Одесса) a
// form of the bare stem GeoNames also lists (Полтав, Одесс), which is
// left out itself.
func placeCaseForms(p Place) map[string]bool {
	of := map[string]map[string]bool{} // folded name → its case forms
	var stems []string
	neuter := func(k string) bool { return strings.HasSuffix(k, "о") || strings.HasSuffix(k, "е") }
	feminine := strings.HasSuffix(p.Name, "a")
	names := map[string]bool{}
	for _, n := range p.Names {
		if scriptOf(n) == 'c' {
			names[normKey(n)] = true
		}
	}
	for _, n := range p.Names {
		if scriptOf(n) != 'c' || strings.Contains(n, " ") {
			continue
		}
		k := normKey(n)
		rs := []rune(k)
		if feminine && !isVowel(rs[len(rs)-1]) && names[k+"а"] {
			stems = append(stems, k) // Полтав: a stem, and Полтава is not its genitive
			continue
		}
		if l := len(rs); l > 0 && (rs[l-1] == 'о' || rs[l-1] == 'е') {
			rs = rs[:l-1]
		}
		if l := len(rs); l > 2 && rs[l-1] == 'к' && !isVowel(rs[l-2]) && !strings.ContainsRune("сцьй'", rs[l-2]) {
			continue // Горловк, Горловко: no nominatives, and Горловка is not their genitive
		}
		fs := map[string]bool{}
		for _, f := range caseForms([]rune(k), newswatch.KindCity, false)[1:] {
			if s := string(f); s != k {
				fs[s] = true
			}
		}
		of[k] = fs
	}
	forms := map[string]bool{}
	for k, fs := range of {
		for f := range fs {
			// Of two names each a form of the other, both neuters are
			// nominatives, else the one that is not neuter (Полтава, not
			// Полтаве).
			if !of[f][k] || neuter(f) && !neuter(k) {
				forms[f] = true
			}
		}
	}
	for _, k := range stems {
		forms[k] = true
	}
	return forms
}

// adjEndings are the endings of an adjective made from a name closed by a
// consonant (Донецк → Донецкой, Донецкий).
var adjEndings = strings.Fields("ий ый ой ая ое ые ого ому ую ых ым ими ій ої ім им их")

// adjEndingsFem are further endings of an adjective in -ск-/-ськ-
// (Київська, Херсонское), which a name never has after that suffix.
var adjEndingsFem = strings.Fields("а е і у ою ого")

// adjectiveOf reports whether the folded name k is an adjective made from
// one of p's other Cyrillic names (GeoNames lists Донецкой for Donetsk).
func adjectiveOf(k string, p Place) bool {
	for _, o := range p.Names {
		ok := normKey(o)
		if ok == k || scriptOf(o) != 'c' || strings.Contains(ok, " ") {
			continue
		}
		stem := strings.TrimSuffix(ok, "ь")
		rest, found := strings.CutPrefix(k, stem)
		if !found {
			continue
		}
		// Донецк → Донецкой; Херсон → Херсонскую, Київ → Київська with the
		// suffix -ск-/-ськ-/-цьк- that makes an adjective of a name.
		for _, suf := range []string{"", "ск", "ськ", "цк", "цьк"} {
			if e, ok := strings.CutPrefix(rest, suf); ok && (slices.Contains(adjEndings, e) || suf != "" && slices.Contains(adjEndingsFem, e)) {
				return true
			}
		}
	}
	return false
}

type expander struct {
	seen    map[string]bool
	dropped []string
	out     []AddedAlias
}

// add adds name from source unless it is known, dropped, too short or a
// common word, and reports whether it did.
func (e *expander) add(name, source string) bool {
	name = strings.TrimSpace(name)
	k := normKey(name)
	if k == "" || e.seen[k] || len(e.out) >= maxAdded {
		return false
	}
	e.seen[k] = true
	if n := utf8.RuneCountInString(name); n < minAddedRune || n > newswatch.MaxWatchNameLen || stopWords[k] {
		return false
	}
	for _, d := range e.dropped {
		if d == k {
			return false
		}
	}
	e.out = append(e.out, AddedAlias{Text: name, Source: source})
	return true
}

// placeName reports whether a GeoNames alternate name reads as a name: no
// lower-case word inside a multi-word name other than a particle, and a
// capital first letter.
func placeName(n string) bool {
	for i, w := range strings.FieldsFunc(n, func(r rune) bool { return r == ' ' || r == '-' }) {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsLower(r) && (i == 0 || !particles[strings.ToLower(w)]) {
			return false
		}
	}
	return true
}

// slavic reports whether a Cyrillic name is spelt with the Russian and
// Ukrainian alphabets only (not Serbian ј, Belarusian ў, ...).
func slavic(n string) bool {
	for _, r := range strings.ToLower(n) {
		if unicode.Is(unicode.Cyrillic, r) && !strings.ContainsRune("абвгґдеёєжзиіїйклмнопрстуфхцчшщъыьэюя", r) {
			return false
		}
	}
	return true
}

// hasAbbreviation reports whether a word of n is written in capitals only
// (ЗАЭС, АЕС): an abbreviation, which the press does not transliterate.
func hasAbbreviation(n string) bool {
	for _, w := range strings.Fields(n) {
		if utf8.RuneCountInString(w) >= 2 && strings.ToUpper(w) == w && strings.ToLower(w) != w {
			return true
		}
	}
	return false
}
