package watch

import "strings"

// givenRuUk pairs Russian given names with their Ukrainian forms where the
// regular respellings of ruToUk and ukToRu do not give them (Дмитрий —
// Дмитро, Владимир — Володимир, Евгений — Євген): the equivalents the
// Ukrainian and Russian press use for each other's names, as in Ukrainian
// naming dictionaries (Словник українських імен, Скрипник and Дзятківська,
// 2005). Own compilation, kept to common names. A name given here is not
// a common word in either language (Вера and Надежда are left out).
const givenRuUk = `александр:олександр алексей:олексій василий:василь владимир:володимир
вячеслав:в'ячеслав григорий:григорій дмитрий:дмитро евгений:євген егор:єгор елена:олена
екатерина:катерина игорь:ігор илья:ілля кирилл:кирило михаил:михайло николай:микола
павел:павло пётр:петро петр:петро семён:семен семен:семен татьяна:тетяна фёдор:федір
федор:федір яков:яків наталья:наталія светлана:світлана евгения:євгенія арсений:арсеній
валерий:валерій геннадий:геннадій анатолий:анатолій виталий:віталій юрий:юрій
георгий:георгій леонид:леонід иван:іван ирина:ірина`

// givenUk and givenRu map a lower-case Russian given name to its
// Ukrainian forms, and a Ukrainian one to its Russian forms.
var givenUk, givenRu = func() (uk, ru map[string][]string) {
	uk, ru = map[string][]string{}, map[string][]string{}
	for _, p := range strings.Fields(givenRuUk) {
		r, u, _ := strings.Cut(p, ":")
		uk[r] = append(uk[r], u)
		ru[u] = append(ru[u], r)
	}
	return uk, ru
}()

// respellGiven returns the lower-case name s in the other language when
// its first word is a given name of givenRuUk and it has two to four
// words: the given name from the table, the other words respelled by
// respell (ruToUk or ukToRu; its first variant). дмитрий песков → дмитро
// песков, володимир зеленський → владимир зеленский. Nil for none.
func respellGiven(s string, given map[string][]string, respell func(string) []string) []string {
	words := strings.Fields(s)
	if len(words) < 2 || len(words) > 4 {
		return nil
	}
	rest := strings.Join(words[1:], " ")
	if v := respell(rest); len(v) > 0 {
		rest = v[0]
	}
	var out []string
	for _, o := range given[words[0]] {
		out = append(out, o+" "+rest)
	}
	return out
}

// ukrainianYe returns the Ukrainian press spellings of a Russian surname
// with є for е after a consonant (Песков → Пєсков, Медведев → Медведєв,
// Сечин → Сєчин): the Ukrainian press marks the soft consonant before
// Russian е that way, though not in every name, so every single е and
// all of them together are tried. Only for a surname of the Russian
// types in -ов -ев -ин -ын (one lower-case word) with at most three such
// е; nil for any other.
func ukrainianYe(w string) []string {
	rs := []rune(w)
	if len(rs) < 4 || !isSurnameSuffix(rs) {
		return nil
	}
	var at []int
	for i := 1; i < len(rs); i++ {
		if rs[i] == 'е' && !isVowel(rs[i-1]) && !strings.ContainsRune("жчшщцьъ'", rs[i-1]) {
			at = append(at, i)
		}
	}
	if len(at) == 0 || len(at) > 3 {
		return nil
	}
	var out []string
	for _, i := range at {
		v := append([]rune(nil), rs...)
		v[i] = 'є'
		out = append(out, string(v))
	}
	if len(at) > 1 {
		v := append([]rune(nil), rs...)
		for _, i := range at {
			v[i] = 'є'
		}
		out = append(out, string(v))
	}
	return out
}
