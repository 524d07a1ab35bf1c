package watch

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/newswatch/newswatch"
)

func TestSupplement(t *testing.T) {
	places, also := parseSupplement(extraPlacesData)
	if len(places) < 10 || len(also) == 0 {
		t.Fatalf("supplement: %d places, %d also-lines", len(places), len(also))
	}
	for _, p := range places {
		if p.Feature == "" || p.GeonameID != 0 || len(p.Names) == 0 {
			t.Errorf("supplement place %+v", p)
		}
	}
	tests := []struct {
		name, want, feature string
	}{
		{"Crimea", "Crimea", "region"},
		{"Krym", "Crimea", "region"}, // before the Russian village Krym
		{"Крим", "Crimea", "region"},
		{"Kremlin", "Kremlin", "landmark"},
		{"Кремль", "Kremlin", "landmark"},
		{"Донбасс", "Donbas", "region"},
		{"Азовсталь", "Azovstal", "facility"},
		{"Донеччина", "Donetsk Oblast", "region"},
		{"Одесса", "Odesa", ""}, // a name the supplement adds to the GeoNames city
		{"Donetsk", "Donetsk", ""},
	}
	for _, tt := range tests {
		ps := LookupPlaces(tt.name)
		if len(ps) == 0 || ps[0].Name != tt.want || ps[0].Feature != tt.feature {
			t.Errorf("LookupPlaces(%q) = %+v, want %s (%q) first", tt.name, ps[:min(2, len(ps))], tt.want, tt.feature)
		}
	}
	// Autocompletion stays most populous first with the supplement merged.
	ps := SearchPlaces("Don", 50)
	found := false
	for i, p := range ps {
		if i > 0 && ps[i-1].Population < p.Population {
			t.Errorf("SearchPlaces(Don): %s %d before %s %d", ps[i-1].Name, ps[i-1].Population, p.Name, p.Population)
		}
		found = found || p.Name == "Donbas"
	}
	if !found {
		t.Errorf("SearchPlaces(Don) lacks Donbas: %v", ps)
	}
}

func TestExpandSupplement(t *testing.T) {
	city, actor := newswatch.KindCity, newswatch.KindActor
	tests := []struct {
		w       newswatch.Watch
		want    map[string]string
		notWant []string
	}{
		{newswatch.Watch{Name: "Crimea", Kind: city, AutoAliases: true},
			map[string]string{"Крым": SourceSupplement, "Крим": SourceSupplement, "Krym": SourceSupplement},
			[]string{"Crimean", "Кримеа"}}, // no adjective; no reading of the Latin name
		// The default watchlist has the Kremlin as an actor: an actor
		// resolves in the supplement, never among populated places.
		{newswatch.Watch{Name: "Kremlin", Kind: actor, AutoAliases: true},
			map[string]string{"Кремль": SourceSupplement, "Kreml": "translit:ua2010"},
			[]string{"Кремлин", "Кремлін"}},
		{newswatch.Watch{Name: "Kerry", Kind: actor, AutoAliases: true},
			map[string]string{"Керри": "translit:reverse"},
			nil},
		{newswatch.Watch{Name: "Zaporizhzhia NPP", Kind: city, AutoAliases: true},
			map[string]string{"ЗАЭС": SourceSupplement, "Запорізька АЕС": SourceSupplement},
			[]string{"Zaes", "Zayes"}}, // abbreviations are not transliterated
		{newswatch.Watch{Name: "Odesa", Kind: city, AutoAliases: true},
			map[string]string{"Одесса": SourceSupplement, "Одеса": "geonames", "Odessa": "geonames"},
			nil},
		{newswatch.Watch{Name: "Kherson", Kind: city, AutoAliases: true},
			map[string]string{"Херсон": "geonames"},
			[]string{"Херсонскую"}}, // an adjective GeoNames lists
		// GeoNames lists Полтав and Полтаве beside Полтава: a stem and a
		// case form, left out, while the nominative stays.
		{newswatch.Watch{Name: "Poltava", Kind: city, AutoAliases: true},
			map[string]string{"Полтава": "geonames"},
			[]string{"Полтав", "Полтаве"}},
		// Дебальцево and Дебальцеве are each a case form of the other:
		// the Russian and the Ukrainian nominative, both kept.
		{newswatch.Watch{Name: "Debaltseve", Kind: city, AutoAliases: true},
			map[string]string{"Дебальцево": "geonames", "Дебальцеве": "geonames"},
			nil},
	}
	for _, tt := range tests {
		got := added(Expand(tt.w))
		for text, src := range tt.want {
			if got[text] != src {
				t.Errorf("Expand(%s): %q from %q, want from %q", tt.w.Name, text, got[text], src)
			}
		}
		for _, text := range tt.notWant {
			if src, ok := got[text]; ok {
				t.Errorf("Expand(%s) added %q (from %q)", tt.w.Name, text, src)
			}
		}
	}
}

// TestMatchSupplementForms matches the case forms of the supplement's
// names, which come from the ending rules of cyrillic.go, and checks the
// adjective policy of doc.go on them.
func TestMatchSupplementForms(t *testing.T) {
	city, actor := newswatch.KindCity, newswatch.KindActor
	ws := []newswatch.Watch{
		{ID: 1, Name: "Crimea", Kind: city, AutoAliases: true},
		{ID: 2, Name: "Kremlin", Kind: actor, AutoAliases: true},
		{ID: 3, Name: "Zaporizhzhia", Kind: city, AutoAliases: true},
		{ID: 4, Name: "South Ossetia", Kind: city, AutoAliases: true},
		{ID: 5, Name: "Transnistria", Kind: city, AutoAliases: true},
		{ID: 6, Name: "Azovstal", Kind: city, AutoAliases: true},
		{ID: 7, Name: "Donbas", Kind: city, AutoAliases: true},
		{ID: 8, Name: "Chechnya", Kind: city, AutoAliases: true},
		{ID: 9, Name: "Donetsk Oblast", Kind: city, AutoAliases: true},
		{ID: 10, Name: "Bila Tserkva", Kind: city, AutoAliases: true},
	}
	m := mustCompile(t, ws)
	tests := []struct {
		rule string
		text string
		want []hit
	}{
		{"ru consonant", "в Крыму, Крымом, Крыма", []hit{{"Crimea", "Крыму"}, {"Crimea", "Крымом"}, {"Crimea", "Крыма"}}},
		{"uk consonant", "у Криму, Кримом, Криму", []hit{{"Crimea", "Криму"}, {"Crimea", "Кримом"}, {"Crimea", "Криму"}}},
		{"en", "annexation of Crimea; Krym", []hit{{"Crimea", "Crimea"}, {"Crimea", "Krym"}}},
		{"soft sign ru", "Кремля, Кремлём, в Кремле, Кремлю", []hit{{"Kremlin", "Кремля"}, {"Kremlin", "Кремлём"}, {"Kremlin", "Кремле"}, {"Kremlin", "Кремлю"}}},
		{"soft sign uk", "у Кремлі, Кремлеві", []hit{{"Kremlin", "Кремлі"}, {"Kremlin", "Кремлеві"}}},
		{"en kremlin", "the Kremlin said", []hit{{"Kremlin", "Kremlin"}}},
		{"ru neuter -ье", "Запорожья, Запорожьем, к Запорожью, в Запорожье", []hit{{"Zaporizhzhia", "Запорожья"}, {"Zaporizhzhia", "Запорожьем"}, {"Zaporizhzhia", "Запорожью"}, {"Zaporizhzhia", "Запорожье"}}},
		{"uk neuter -я", "Запоріжжям, у Запоріжжі, Запоріжжю", []hit{{"Zaporizhzhia", "Запоріжжям"}, {"Zaporizhzhia", "Запоріжжі"}, {"Zaporizhzhia", "Запоріжжю"}}},
		{"uk neuter after apostrophe", "у Придністров'ї, Придністров'ям, Приднестровья", []hit{{"Transnistria", "Придністров'ї"}, {"Transnistria", "Придністров'ям"}, {"Transnistria", "Приднестровья"}}},
		{"uk feminine adjective in a name", "Південної Осетії, у Південній Осетії, Южной Осетии", []hit{{"South Ossetia", "Південної Осетії"}, {"South Ossetia", "Південній Осетії"}, {"South Ossetia", "Южной Осетии"}}},
		{"uk adjective of a city name", "з Білої Церкви, у Білій Церкві", []hit{{"Bila Tserkva", "Білої Церкви"}, {"Bila Tserkva", "Білій Церкві"}}},
		{"feminine -ь", "на Азовстали, Азовсталлю, на Азовсталі", []hit{{"Azovstal", "Азовстали"}, {"Azovstal", "Азовсталлю"}, {"Azovstal", "Азовсталі"}}},
		{"donbas", "в Донбассе, на Донбасі, Donbass", []hit{{"Donbas", "Донбассе"}, {"Donbas", "Донбасі"}, {"Donbas", "Donbass"}}},
		{"feminine -я", "в Чечне, Чечню, Чечнёй, у Чечні", []hit{{"Chechnya", "Чечне"}, {"Chechnya", "Чечню"}, {"Chechnya", "Чечнёй"}, {"Chechnya", "Чечні"}}},
		{"oblast", "в Донецкой области, Донецької області, на Донеччині", []hit{{"Donetsk Oblast", "Донецкой области"}, {"Donetsk Oblast", "Донецької області"}, {"Donetsk Oblast", "Донеччині"}}},
		// The adjective policy: adjectives never count, capitalised or not.
		{"adjectives", "крымский, Крымский мост, кримський, кремлёвский, Кремлёвская, кремлівський, Crimean, донбасский, запорожский, чеченский", nil},
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

func TestParseSupplementErrors(t *testing.T) {
	for _, line := range []string{
		"region\tUA\t\t100\tCrimea",       // no other name
		"town\tUA\t\t100\tCrimea|Крым",    // unknown feature
		"region\tUKR\t\t100\tCrimea|Крым", // not a country code
		"region\tUA\t\tmany\tCrimea|Крым", // population
		"also\tx\tОдесса",                 // GeonameID
		"region\tUA\t100\tCrimea|Крым",    // a column short
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("parseSupplement(%q) did not panic", line)
				}
			}()
			parseSupplement(line + "\n")
		}()
	}
	places, also := parseSupplement("# c\n\nregion\tUA\t11\t5\tCrimea|Крым\nalso\t1\tA|B\n")
	if len(places) != 1 || places[0].Name != "Crimea" || places[0].Admin1 != "11" || len(also[1]) != 2 {
		t.Errorf("parseSupplement = %+v, %v", places, also)
	}
}
