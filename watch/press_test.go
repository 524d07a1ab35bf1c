package watch

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/newswatch/newswatch"
)

// TestPressSpellings lists the press spellings that auto aliases must give
// the most-watched names from bare canonical names: a city by its name
// alone, an actor by one Latin and one Cyrillic spelling. A spelling is
// listed when it is a name of the place in GeoNames or the supplement, or a
// regular transliteration or respelling (the systems of translit.go, the
// -iy/-y/-yy/-i endings, the Russian ↔ Ukrainian given names and the
// Ukrainian є of Russian surnames); irregular foreign spellings such as the
// French "Prigojine" are not, nor a former name GeoNames lacks. Each is
// also matched in a sentence, so that the compiled watch finds it.
func TestPressSpellings(t *testing.T) {
	city, actor := newswatch.KindCity, newswatch.KindActor
	tests := []struct {
		w    newswatch.Watch
		want []string
	}{
		{newswatch.Watch{Name: "Kharkiv", Kind: city}, []string{"Kharkov", "Харьков", "Харків"}},
		{newswatch.Watch{Name: "Zaporizhzhia", Kind: city}, []string{"Zaporozhye", "Zaporizhia", "Zaporizhzhya", "Запорожье", "Запоріжжя"}},
		{newswatch.Watch{Name: "Dnipro", Kind: city}, []string{"Dnepr", "Днепр", "Дніпро", "Dnipropetrovsk", "Dnepropetrovsk", "Днепропетровск", "Дніпропетровськ"}},
		{newswatch.Watch{Name: "Mariupol", Kind: city}, []string{"Mariupil", "Маріуполь", "Мариуполь"}},
		{newswatch.Watch{Name: "Mykolaiv", Kind: city}, []string{"Nikolaev", "Nikolayev", "Николаев", "Миколаїв"}},
		{newswatch.Watch{Name: "Luhansk", Kind: city}, []string{"Lugansk", "Луганск", "Луганськ"}},
		{newswatch.Watch{Name: "Chernihiv", Kind: city}, []string{"Chernigov", "Чернигов", "Чернігів"}},
		{newswatch.Watch{Name: "Kryvyi Rih", Kind: city}, []string{"Krivoy Rog", "Кривой Рог", "Кривий Ріг"}},
		{newswatch.Watch{Name: "Odesa", Kind: city}, []string{"Odessa", "Одесса", "Одеса"}},
		{newswatch.Watch{Name: "Lviv", Kind: city}, []string{"Lvov", "Львов", "Львів"}},
		{newswatch.Watch{Name: "Bakhmut", Kind: city}, []string{"Бахмут", "Artemivsk", "Artyomovsk", "Артемовск", "Артемівськ"}},
		{newswatch.Watch{Name: "Avdiivka", Kind: city}, []string{"Avdeyevka", "Avdeevka", "Авдеевка", "Авдіївка"}},
		{newswatch.Watch{Name: "Kyiv", Kind: city}, []string{"Kiev", "Киев", "Київ"}},
		{newswatch.Watch{Name: "Sloviansk", Kind: city}, []string{"Slavyansk", "Slovyansk", "Славянск", "Слов'янськ"}},
		{newswatch.Watch{Name: "Horlivka", Kind: city}, []string{"Gorlovka", "Горловка", "Горлівка"}},
		{newswatch.Watch{Name: "Yenakiieve", Kind: city}, []string{"Yenakiyevo", "Yenakievo", "Enakievo", "Енакиево", "Єнакієве"}},
		{newswatch.Watch{Name: "Debaltseve", Kind: city}, []string{"Дебальцево", "Дебальцеве"}},
		{newswatch.Watch{Name: "Poltava", Kind: city}, []string{"Полтава", "Полтавой"}},
		{newswatch.Watch{Name: "Ilovaisk", Kind: city}, []string{"Иловайск", "Іловайськ"}},
		{newswatch.Watch{Name: "Crimea", Kind: city}, []string{"Krym", "Крым", "Крим"}},
		{newswatch.Watch{Name: "Kremlin", Kind: actor}, []string{"Кремль"}},
		{newswatch.Watch{Name: "Donbas", Kind: city}, []string{"Donbass", "Донбасс", "Донбас"}},
		{newswatch.Watch{Name: "Volodymyr Zelensky", Kind: actor, Aliases: []string{"Владимир Зеленский"}},
			[]string{"Zelenskyy", "Zelenskiy", "Zelensky", "Зеленський", "Володимир Зеленський", "Vladimir Zelensky"}},
		{newswatch.Watch{Name: "Sergei Shoigu", Kind: actor, Aliases: []string{"Сергей Шойгу"}},
			[]string{"Sergey Shoigu", "Serhiy Shoyhu", "Shoigu", "Shoygu", "Шойгу", "Сергій Шойгу"}},
		{newswatch.Watch{Name: "Yevgeny Prigozhin", Kind: actor, Aliases: []string{"Евгений Пригожин"}},
			[]string{"Yevgeniy Prigozhin", "Evgeny Prigozhin", "Prigozhin", "Пригожин", "Євген Пригожин", "Yevhen Pryhozhyn", "Yevgeni Prigozhin"}},
		{newswatch.Watch{Name: "Dmitry Peskov", Kind: actor, Aliases: []string{"Дмитрий Песков"}},
			[]string{"Dmitri Peskov", "Dmitriy Peskov", "Dmytro Peskov", "Peskov", "Песков", "Пєсков", "Дмитро Пєсков"}},
		{newswatch.Watch{Name: "Sergei Lavrov", Kind: actor, Aliases: []string{"Сергей Лавров"}},
			[]string{"Sergey Lavrov", "Serhiy Lavrov", "Lavrov", "Лавров", "Сергій Лавров"}},
		{newswatch.Watch{Name: "Viktor Yanukovych", Kind: actor, Aliases: []string{"Виктор Янукович"}},
			[]string{"Viktor Yanukovich", "Yanukovich", "Yanukovych", "Янукович", "Віктор Янукович"}},
		{newswatch.Watch{Name: "Arsen Avakov", Kind: actor, Aliases: []string{"Арсен Аваков"}},
			[]string{"Avakov", "Аваков"}},
	}
	for _, tt := range tests {
		w := tt.w
		w.ID, w.AutoAliases = 1, true
		got := map[string]bool{}
		for _, n := range w.Names() {
			got[n] = true
		}
		for _, a := range Expand(w) {
			got[a.Text] = true
		}
		m := mustCompile(t, []newswatch.Watch{w})
		for _, s := range tt.want {
			if !got[s] && !isCaseForm(s) {
				t.Errorf("%s: auto aliases lack %q", w.Name, s)
				continue
			}
			text := "— " + s + ", said"
			if ms := m.Match(text); len(ms) != 1 || ms[0].Text != s {
				t.Errorf("%s: Match(%q) = %+v, want %q", w.Name, text, ms, s)
			}
		}
	}
}

// isCaseForm marks the wanted spellings that are case forms rather than
// names (matched, not added).
func isCaseForm(s string) bool { return s == "Полтавой" }

// TestSeedAliasesFromBareNames compiles each watch of the default
// watchlist from its bare canonical name (a city by name alone, an actor by
// its name and its first Cyrillic alias) with auto aliases, and checks
// that it finds every alias written by hand in seeds/watchlist.toml.
func TestSeedAliasesFromBareNames(t *testing.T) {
	ws, err := LoadWatchlist(filepath.Join("..", "seeds", "watchlist.toml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range ws {
		bare := newswatch.Watch{ID: 1, Name: w.Name, Kind: w.Kind, AutoAliases: true}
		if w.Kind == newswatch.KindActor {
			for _, a := range w.Aliases {
				if scriptOf(a) == 'c' {
					bare.Aliases = []string{a}
					break
				}
			}
		}
		m := mustCompile(t, []newswatch.Watch{bare})
		for _, a := range w.Aliases {
			text := "(" + a + ")"
			// A part of it will do, as in TestNewsEval: "Victor
			// Yanukovych" by its surname, "Mariupol'" without the
			// apostrophe that ends no word.
			if ms := m.Match(text); len(ms) != 1 || !strings.Contains(a, ms[0].Text) {
				t.Errorf("%s from %q %v: Match(%q) = %+v", w.Name, bare.Name, bare.Aliases, text, ms)
			}
		}
	}
}
