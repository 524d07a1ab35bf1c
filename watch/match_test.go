package watch

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/newswatch/newswatch"
)

// testWatches is the watchlist the rule tests match against.
func testWatches() []newswatch.Watch {
	city, actor := newswatch.KindCity, newswatch.KindActor
	return []newswatch.Watch{
		{ID: 1, Name: "Sloviansk", Kind: city, Aliases: []string{"Slavyansk", "Слов'янськ", "Славянск"}},
		{ID: 2, Name: "Kramatorsk", Kind: city, Aliases: []string{"Краматорськ", "Краматорск"}},
		{ID: 3, Name: "Donetsk", Kind: city, Aliases: []string{"Донецьк", "Донецк"}},
		{ID: 4, Name: "Mariupol", Kind: city, Aliases: []string{"Mariupol'", "Маріуполь", "Мариуполь"}},
		{ID: 5, Name: "Kyiv", Kind: city, Aliases: []string{"Kiev", "Київ", "Киев"}},
		{ID: 6, Name: "Kremlin", Kind: actor, Aliases: []string{"Кремль"}},
		{ID: 7, Name: "Sergei Lavrov", Kind: actor, Aliases: []string{"Lavrov", "Сергей Лавров", "Лавров"}},
		{ID: 8, Name: "Arsen Avakov", Kind: actor, Aliases: []string{"Avakov", "Аваков"}},
		{ID: 9, Name: "John Kerry", Kind: actor, Aliases: []string{"Kerry"}, Exclude: []string{"County Kerry"}},
		{ID: 10, Name: "Georgia", Kind: city, Exclude: []string{"Atlanta, Georgia", "Georgia Tech"}},
		{ID: 11, Name: "Reading", Kind: city, CaseSensitive: true},
		{ID: 12, Name: "Donat", Kind: actor},
		{ID: 13, Name: "Jose Thomas", Kind: actor},
		{ID: 14, Name: "Donetsk People's Republic", Kind: actor, Aliases: []string{"DPR"}},
		{ID: 15, Name: "Istanbul", Kind: city},
		{ID: 16, Name: "Kharkiv", Kind: city, Aliases: []string{"Харків"}},
	}
}

func mustCompile(t testing.TB, ws []newswatch.Watch) *Matcher {
	t.Helper()
	m, err := Compile(ws)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return m
}

// hit is a mention as the table tests spell it.
type hit struct {
	Entity string
	Text   string
}

// hits returns the mentions as hits, checking that their offsets and kinds
// agree with the text and the watches.
func hits(t *testing.T, ws []newswatch.Watch, text string, ms []newswatch.Mention) []hit {
	t.Helper()
	kinds := map[int64]newswatch.Kind{}
	for _, w := range ws {
		kinds[w.ID] = w.Kind
	}
	var got []hit
	for i, m := range ms {
		if m.Start < 0 || m.End > len(text) || m.Start >= m.End || text[m.Start:m.End] != m.Text {
			t.Errorf("mention %+v: offsets do not give its text in %q", m, text)
		}
		if m.Kind != kinds[m.WatchID] {
			t.Errorf("mention %+v: kind, want %q", m, kinds[m.WatchID])
		}
		if i > 0 && ms[i-1].Start > m.Start {
			t.Errorf("mentions not sorted by start: %+v", ms)
		}
		got = append(got, hit{m.Entity, m.Text})
	}
	return got
}

func TestMatchRules(t *testing.T) {
	ws := testWatches()
	m := mustCompile(t, ws)
	tests := []struct {
		rule string
		text string
		want []hit
	}{
		// Whole words in the Unicode sense.
		{"whole words", "The Kievan Rus and Lavrovsky's plans; Donato scored.", nil},
		{"whole words cyrillic", "Киевская Русь и Лавровский", nil},
		{"digits join words", "Kiev2 and 2Kiev", nil},
		{"whole word found", "Talks in Kiev ended.", []hit{{"Kyiv", "Kiev"}}},
		// Case.
		{"case-insensitive", "KIEV, kiev and KiEv", []hit{{"Kyiv", "KIEV"}, {"Kyiv", "kiev"}, {"Kyiv", "KiEv"}}},
		{"case-sensitive yes", "Reading police said", []hit{{"Reading", "Reading"}}},
		{"case-sensitive no", "after reading the report, READING", nil},
		{"cyrillic upper case", "СЛАВЯНСК и КИЕВ", []hit{{"Sloviansk", "СЛАВЯНСК"}, {"Kyiv", "КИЕВ"}}},
		// Apostrophes.
		{"apostrophe ascii", "в Слов'янську", []hit{{"Sloviansk", "Слов'янську"}}},
		{"apostrophe right quote", "Слов’янськ", []hit{{"Sloviansk", "Слов’янськ"}}},
		{"apostrophe modifier letter", "Словʼянськ", []hit{{"Sloviansk", "Словʼянськ"}}},
		{"apostrophe left quote and backtick", "Слов‘янськ, Слов`янськ", []hit{{"Sloviansk", "Слов‘янськ"}, {"Sloviansk", "Слов`янськ"}}},
		{"apostrophe in alias at end", "Mariupol' is quiet", []hit{{"Mariupol", "Mariupol"}}},
		{"possessive", "Kiev’s answer and Avakov's men", []hit{{"Kyiv", "Kiev"}, {"Arsen Avakov", "Avakov"}}},
		{"possessive of a multi-word name", "Sergei Lavrov's visit", []hit{{"Sergei Lavrov", "Sergei Lavrov"}}},
		{"not a possessive", "Kiev'x", nil},
		{"quoted", "'Kiev' and ‘Kiev’", []hit{{"Kyiv", "Kiev"}, {"Kyiv", "Kiev"}}},
		// Separators between the words of a name.
		{"line break", "said Sergei\nLavrov", []hit{{"Sergei Lavrov", "Sergei\nLavrov"}}},
		{"crlf and tab", "Sergei\r\n\tLavrov", []hit{{"Sergei Lavrov", "Sergei\r\n\tLavrov"}}},
		{"nbsp", "Sergei\u00a0Lavrov", []hit{{"Sergei Lavrov", "Sergei\u00a0Lavrov"}}},
		{"hyphen", "Sergei-Lavrov", []hit{{"Sergei Lavrov", "Sergei-Lavrov"}}},
		{"spaced hyphen", "Sergei - Lavrov", []hit{{"Sergei Lavrov", "Sergei - Lavrov"}}},
		{"zero-width space", "Sergei\u200bLavrov", []hit{{"Sergei Lavrov", "Sergei\u200bLavrov"}}},
		{"soft hyphen inside a word", "Kra\u00admatorsk and Kiev\u00ad", []hit{{"Kramatorsk", "Kra\u00admatorsk"}, {"Kyiv", "Kiev"}}},
		{"punctuation breaks a name", "San Jose. Thomas said", nil},
		{"comma breaks a name", "Sergei, Lavrov", []hit{{"Sergei Lavrov", "Lavrov"}}},
		{"multi-word found", "Jose Thomas said", []hit{{"Jose Thomas", "Jose Thomas"}}},
		{"cyrillic multi-word declined", "встреча с Сергеем Лавровым", []hit{{"Sergei Lavrov", "Сергеем Лавровым"}}},
		// Hyphenated compounds.
		{"compound", "Kiev-Moscow talks", []hit{{"Kyiv", "Kiev"}}},
		{"compound of two names", "the Slavyansk-Kramatorsk road", []hit{{"Sloviansk", "Slavyansk"}, {"Kramatorsk", "Kramatorsk"}}},
		// Cyrillic case forms.
		{"russian locative", "в Славянске", []hit{{"Sloviansk", "Славянске"}}},
		{"ukrainian genitive", "до Краматорська", []hit{{"Kramatorsk", "Краматорська"}}},
		{"ukrainian locative soft sign", "у Донецьку", []hit{{"Donetsk", "Донецьку"}}},
		{"ukrainian locative soft stem", "в Маріуполі", []hit{{"Mariupol", "Маріуполі"}}},
		{"russian locative e", "в Киеве и Донецке", []hit{{"Kyiv", "Киеве"}, {"Donetsk", "Донецке"}}},
		{"soft sign dropped", "из Кремля", []hit{{"Kremlin", "Кремля"}}},
		{"instrumental", "с Лавровым и Аваковим", []hit{{"Sergei Lavrov", "Лавровым"}, {"Arsen Avakov", "Аваковим"}}},
		{"ukrainian vowel alternation", "у Києві, з Києва, Харкова", []hit{{"Kyiv", "Києві"}, {"Kyiv", "Києва"}, {"Kharkiv", "Харкова"}}},
		{"adjective genitive is not the city", "Славянского", nil},
		{"no stem below four runes", "Лавр", nil},
		{"different word same start", "Лавра Лавры Краматорщина Киевщина", nil},
		{"adjective is not the city", "Краматорский район", nil},
		{"latin gets no endings", "Donetskiy and Kieve", nil},
		// Overlaps.
		{"longest within an entity", "Sergei Lavrov said", []hit{{"Sergei Lavrov", "Sergei Lavrov"}}},
		{"overlapping entities", "the Donetsk People's Republic", []hit{{"Donetsk", "Donetsk"}, {"Donetsk People's Republic", "Donetsk People's Republic"}}},
		{"repeated", "Lavrov, Lavrov", []hit{{"Sergei Lavrov", "Lavrov"}, {"Sergei Lavrov", "Lavrov"}}},
		// Exclusions.
		{"exclusion", "in County Kerry", nil},
		{"exclusion then match", "County Kerry and Kerry", []hit{{"John Kerry", "Kerry"}}},
		{"exclusion with comma", "Atlanta, Georgia", nil},
		{"exclusion without its comma", "Atlanta Georgia", []hit{{"Georgia", "Georgia"}}},
		{"exclusion after", "at Georgia Tech", nil},
		{"exclusion does not cover", "Georgia’s president", []hit{{"Georgia", "Georgia"}}},
		{"exclusion across a line break", "County\nKerry", nil},
		// Offsets.
		{"offsets after multi-byte lower-casing", "İİİ İstanbul and KİEV Kiev", []hit{{"Istanbul", "İstanbul"}, {"Kyiv", "KİEV"}, {"Kyiv", "Kiev"}}},
		{"empty", "", nil},
		{"only punctuation", "'''---...", nil},
		{"invalid utf-8", "\xffKiev\xfe Ki\xffev", []hit{{"Kyiv", "Kiev"}}},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			got := hits(t, ws, tt.text, m.Match(tt.text))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Match(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

// TestMatchCaseForms checks the declension classes, the Ukrainian
// consonant alternations and the adjective policy of doc.go.
func TestMatchCaseForms(t *testing.T) {
	city, actor := newswatch.KindCity, newswatch.KindActor
	ws := []newswatch.Watch{
		{ID: 1, Name: "Druzhkivka", Kind: city, Aliases: []string{"Дружківка", "Дружковка"}},
		{ID: 2, Name: "Riga", Kind: city, Aliases: []string{"Рига"}},
		{ID: 3, Name: "Kryvyi Rih", Kind: city, Aliases: []string{"Кривий Ріг", "Кривой Рог"}},
		{ID: 4, Name: "Geneva", Kind: city, Aliases: []string{"Женева"}},
		{ID: 5, Name: "Donetsk", Kind: city, Aliases: []string{"Донецьк", "Донецк"}},
		{ID: 6, Name: "Sloviansk", Kind: city, Aliases: []string{"Слов'янськ", "Славянск"}},
		{ID: 7, Name: "Kyiv", Kind: city, Aliases: []string{"Київ", "Киев"}},
		{ID: 8, Name: "Kremenchuk", Kind: city, Aliases: []string{"Кременчук"}},
		{ID: 9, Name: "Yenakiieve", Kind: city, Aliases: []string{"Єнакієве", "Енакиево"}},
		{ID: 10, Name: "Chernivtsi", Kind: city, Aliases: []string{"Чернівці", "Черновцы"}},
		{ID: 11, Name: "Viktor Yanukovych", Kind: actor, Aliases: []string{"Янукович"}},
		{ID: 12, Name: "Sergei", Kind: actor, Aliases: []string{"Сергей", "Сергій"}},
		{ID: 13, Name: "Zelensky", Kind: actor, Aliases: []string{"Зеленский"}},
		{ID: 14, Name: "Solotvyno", Kind: city, Aliases: []string{"Солотвино"}},
	}
	m := mustCompile(t, ws)
	tests := []struct {
		rule string
		text string
		want []hit
	}{
		{"k to ts", "у Дружківці, в Дружковке", []hit{{"Druzhkivka", "Дружківці"}, {"Druzhkivka", "Дружковке"}}},
		{"g to z", "у Ризі, в Риге", []hit{{"Riga", "Ризі"}, {"Riga", "Риге"}}},
		{"vowel and consonant alternation", "у Кривому Розі, в Кривом Роге, з Кривого Рогу", []hit{{"Kryvyi Rih", "Кривому Розі"}, {"Kryvyi Rih", "Кривом Роге"}, {"Kryvyi Rih", "Кривого Рогу"}}},
		{"masculine k to ts", "у Кременчуці", []hit{{"Kremenchuk", "Кременчуці"}}},
		{"feminine", "Женевой, Женеві, Женеву", []hit{{"Geneva", "Женевой"}, {"Geneva", "Женеві"}, {"Geneva", "Женеву"}}},
		{"neuter declined as adjective", "у Єнакієвому, в Енакиеве", []hit{{"Yenakiieve", "Єнакієвому"}, {"Yenakiieve", "Енакиеве"}}},
		{"plural", "у Чернівцях, в Черновцах", []hit{{"Chernivtsi", "Чернівцях"}, {"Chernivtsi", "Черновцах"}}},
		{"hushing instrumental", "з Януковичем", []hit{{"Viktor Yanukovych", "Януковичем"}}},
		{"jot stem", "Сергея, Сергію, Сергієм", []hit{{"Sergei", "Сергея"}, {"Sergei", "Сергію"}, {"Sergei", "Сергієм"}}},
		{"adjectival surname", "Зеленского, Зеленским", []hit{{"Zelensky", "Зеленского"}, {"Zelensky", "Зеленским"}}},
		// The adjective policy: an adjective derived from a city is never
		// the city, whichever city and language.
		{"adjective donetsk", "Донецкой области, Донецької області, донецький", nil},
		{"adjective sloviansk", "Славянский район, слов'янських", nil},
		{"adjective geneva", "женевские договорённости, женевських", nil},
		{"adjective kyiv", "київським, киевский", nil},
		{"adjective druzhkivka", "дружковский", nil},
		// A form that is both a case form of the city and an adjective counts
		// as the city: the matcher does not parse the sentence.
		{"ambiguous instrumental", "за Славянском", []hit{{"Sloviansk", "Славянском"}}},
		{"ambiguous genitive", "з Донецька", []hit{{"Donetsk", "Донецька"}}},
		{"other class endings", "Солотвиной, Женевом", nil},
		// Cyrillic names are written with a capital; a lower-case word that
		// looks like a case form is an adjective or a common word.
		{"lower case is not a name", "на славянском стадионе, донецька команда", nil},
		{"capitals", "СЛАВЯНСКОМ, Донецька", []hit{{"Sloviansk", "СЛАВЯНСКОМ"}, {"Donetsk", "Донецька"}}},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			got := hits(t, ws, tt.text, m.Match(tt.text))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Match(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func TestMatchOffsets(t *testing.T) {
	m := mustCompile(t, testWatches())
	text := "İİ Kiev\n\nСергей\u00a0Лавров’s"
	got := m.Match(text)
	want := []newswatch.Mention{
		{WatchID: 5, Entity: "Kyiv", Kind: newswatch.KindCity, Start: 5, End: 9, Text: "Kiev"},
		{WatchID: 7, Entity: "Sergei Lavrov", Kind: newswatch.KindActor, Start: 11, End: 37, Text: "Сергей\u00a0Лавров"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Match mismatch (-want +got):\n%s", diff)
	}
}

func TestMatchScopes(t *testing.T) {
	ws := []newswatch.Watch{
		{ID: 1, GuildID: "g1", Name: "Kiev", Kind: newswatch.KindCity},
		{ID: 2, GuildID: "g2", Name: "Kyiv", Kind: newswatch.KindCity, Aliases: []string{"KIEV"}},
		{ID: 3, GuildID: "", Name: "Lavrov", Kind: newswatch.KindActor},
	}
	m := mustCompile(t, ws)
	got := m.Match("Lavrov in Kiev")
	want := []newswatch.Mention{
		{WatchID: 3, Entity: "Lavrov", Kind: newswatch.KindActor, Start: 0, End: 6, Text: "Lavrov"},
		{WatchID: 1, Entity: "Kiev", Kind: newswatch.KindCity, Start: 10, End: 14, Text: "Kiev"},
		{WatchID: 2, Entity: "Kyiv", Kind: newswatch.KindCity, Start: 10, End: 14, Text: "Kiev"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Match mismatch (-want +got):\n%s", diff)
	}
}

func TestCompileErrors(t *testing.T) {
	city := newswatch.KindCity
	tests := []struct {
		name     string
		ws       []newswatch.Watch
		code     string
		contains []string
	}{
		{"empty name", []newswatch.Watch{{Name: "  ", Kind: city}}, newswatch.EINVALID, []string{"name"}},
		{"unknown kind", []newswatch.Watch{{Name: "Kiev", Kind: "town"}}, newswatch.EINVALID, []string{`"Kiev"`, "town"}},
		{"alias normalises to nothing", []newswatch.Watch{{Name: "Kiev", Kind: city, Aliases: []string{"’ - ’"}}}, newswatch.EINVALID, []string{`"Kiev"`, `"’ - ’"`}},
		{"exclusion normalises to nothing", []newswatch.Watch{{Name: "Kiev", Kind: city, Exclude: []string{"..."}}}, newswatch.EINVALID, []string{`"Kiev"`, `"..."`}},
		{"same alias in one scope", []newswatch.Watch{
			{Name: "Kyiv", Kind: city, Aliases: []string{"Kiev"}},
			{Name: "Kiev oblast", Kind: city, Aliases: []string{"KIEV"}},
		}, newswatch.ECONFLICT, []string{`"Kyiv"`, `"Kiev oblast"`, `"KIEV"`}},
		{"same alias by apostrophe and spacing", []newswatch.Watch{
			{GuildID: "g", Name: "Sloviansk", Kind: city, Aliases: []string{"Слов'янськ"}},
			{GuildID: "g", Name: "Slavyansk", Kind: city, Aliases: []string{"СЛОВʼЯНСЬК"}},
		}, newswatch.ECONFLICT, []string{`"Sloviansk"`, `"Slavyansk"`}},
		{"guild and global share an alias", []newswatch.Watch{
			{GuildID: "", Name: "Kyiv", Kind: city, Aliases: []string{"Kiev"}},
			{GuildID: "g1", Name: "Kiev", Kind: city},
		}, newswatch.ECONFLICT, []string{`"Kyiv"`, `"Kiev"`}},
		{"too many aliases", []newswatch.Watch{{Name: "Kiev", Kind: city, Aliases: make([]string, 51)}}, newswatch.EINVALID, []string{`"Kiev"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Compile(tt.ws)
			if err == nil {
				t.Fatalf("Compile = %v, nil; want an error", m)
			}
			if got := newswatch.ErrorCode(err); got != tt.code {
				t.Errorf("code = %q, want %q (%v)", got, tt.code, err)
			}
			msg := newswatch.ErrorMessage(err)
			for _, s := range tt.contains {
				if !strings.Contains(msg, s) {
					t.Errorf("message %q does not contain %s", msg, s)
				}
			}
		})
	}
}

func TestCompileDuplicateWithinWatch(t *testing.T) {
	ws := []newswatch.Watch{{ID: 1, Name: "Mariupol", Kind: newswatch.KindCity, Aliases: []string{"Mariupol'", "MARIUPOL"}}}
	m := mustCompile(t, ws)
	if got := len(m.Match("Mariupol")); got != 1 {
		t.Errorf("len(Match) = %d, want 1", got)
	}
}

func TestLive(t *testing.T) {
	var l Live
	if got := l.Match("Kiev"); got != nil {
		t.Errorf("empty Live: Match = %v, want none", got)
	}
	if l.Load() != nil {
		t.Errorf("empty Live: Load != nil")
	}
	m := mustCompile(t, testWatches())
	l.Store(m)
	done := make(chan bool)
	go func() {
		for range 100 {
			if ms := l.Match("Kiev"); len(ms) > 1 {
				t.Errorf("Match = %v", ms)
			}
		}
		done <- true
	}()
	ws := []newswatch.Watch{{Name: "Lavrov", Kind: newswatch.KindActor}}
	l.Store(mustCompile(t, ws))
	<-done
	if got := hits(t, ws, "Kiev Lavrov", l.Match("Kiev Lavrov")); !cmp.Equal(got, []hit{{"Lavrov", "Lavrov"}}) {
		t.Errorf("after Store: Match = %v", got)
	}
}

// TestMatchManyGuilds checks the order of the mentions of one name that
// many guilds watch, whose candidates at one offset come in the reverse
// of their order by watch ID (more than resolve sorts by insertion).
func TestMatchManyGuilds(t *testing.T) {
	var ws []newswatch.Watch
	for i := range 20 {
		ws = append(ws, newswatch.Watch{ID: int64(100 - i), GuildID: fmt.Sprint("g", i), Name: "Kyiv", Kind: newswatch.KindCity,
			Exclude: []string{"Kyiv Oblast"}})
	}
	m := mustCompile(t, ws)
	text := "Kyiv, Kyiv Oblast and Kyiv"
	var want []newswatch.Mention
	for _, start := range []int{0, 22} {
		for id := int64(81); id <= 100; id++ {
			want = append(want, newswatch.Mention{WatchID: id, Entity: "Kyiv", Kind: newswatch.KindCity, Start: start, End: start + 4, Text: "Kyiv"})
		}
	}
	if diff := cmp.Diff(want, m.Match(text)); diff != "" {
		t.Errorf("Match(%q) (-want +got):\n%s", text, diff)
	}
}
