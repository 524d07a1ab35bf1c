package watch

import (
	"slices"
	"testing"

	"github.com/newswatch/newswatch"
)

func added(as []AddedAlias) map[string]string {
	m := map[string]string{}
	for _, a := range as {
		m[a.Text] = a.Source
	}
	return m
}

func TestExpand(t *testing.T) {
	city, actor := newswatch.KindCity, newswatch.KindActor
	no := false
	tests := []struct {
		name    string
		w       newswatch.Watch
		want    map[string]string // text → source
		notWant []string
	}{
		{"city from the gazetteer",
			newswatch.Watch{Name: "Kyiv", Kind: city, AutoAliases: true},
			map[string]string{"Kiev": "geonames", "Київ": "geonames", "Киев": "geonames", "Kyjiv": "geonames"},
			[]string{"Киевом", "Киеву"}}, // GeoNames lists case forms; they are not added
		{"city adjective in GeoNames is left out",
			newswatch.Watch{Name: "Donetsk", Kind: city, AutoAliases: true},
			map[string]string{"Донецьк": "geonames", "Донецк": "geonames"},
			[]string{"Донецкой", "Stalin"}},
		{"feminine names beside GeoNames stems",
			newswatch.Watch{Name: "Horlivka", Kind: city, AutoAliases: true},
			map[string]string{"Горловка": "geonames", "Горлівка": "geonames", "Gorlovka": "geonames"},
			nil},
		{"city transliterations",
			newswatch.Watch{Name: "Druzhkivka", Kind: city, AutoAliases: true},
			map[string]string{"Дружківка": "geonames", "Druzhkovka": "geonames", "Družkovka": "translit:iso9"},
			nil},
		{"actor respellings, systems and surname",
			newswatch.Watch{Name: "Sergei Lavrov", Kind: actor, Aliases: []string{"Сергей Лавров"}, AutoAliases: true},
			map[string]string{"Сергій Лавров": "respell:ru-uk", "Sergey Lavrov": "translit:bgn-ru", "Serhii Lavrov": "translit:ua2010",
				"Serhiy Lavrov": "translit:bgn-uk", "Sergej Lavrov": "translit:iso9", "Lavrov": "surname", "Лавров": "surname"},
			nil},
		{"Russian and Ukrainian given names",
			newswatch.Watch{Name: "John Kerry", Kind: actor, Aliases: []string{"Джон Керри"}, AutoAliases: true},
			map[string]string{"Джон Керрі": "respell:ru-uk", "Kerry": "surname", "Керрі": "surname"},
			nil},
		{"press endings",
			newswatch.Watch{Name: "Viktor Yanukovych", Kind: actor, Aliases: []string{"Виктор Янукович"}, AutoAliases: true},
			map[string]string{"Віктор Янукович": "respell:ru-uk", "Viktor Yanukovich": "translit:bgn-ru", "Yanukovich": "surname"},
			nil},
		{"a Latin name only gets Cyrillic readings",
			newswatch.Watch{Name: "Arsen Avakov", Kind: actor, AutoAliases: true},
			map[string]string{"Арсен Аваков": "translit:reverse", "Аваков": "surname", "Avakov": "surname"},
			nil},
		{"an organisation has no surname",
			newswatch.Watch{Name: "Donetsk People's Republic", Kind: actor, Aliases: []string{"Bank of Kyiv", "Sky News"}, AutoAliases: true},
			nil,
			[]string{"Republic", "Kyiv", "News"}},
		{"surname_only = false",
			newswatch.Watch{Name: "Sergei Lavrov", Kind: actor, Aliases: []string{"Сергей Лавров"}, AutoAliases: true, SurnameOnly: &no},
			map[string]string{"Sergey Lavrov": "translit:bgn-ru"},
			[]string{"Lavrov", "Лавров"}},
		{"dropped aliases",
			newswatch.Watch{Name: "Kyiv", Kind: city, AutoAliases: true, DropAliases: []string{"kiev", "Київ"}},
			map[string]string{"Киев": "geonames"},
			[]string{"Kiev", "Київ"}},
		{"common words are left out",
			newswatch.Watch{Name: "Mir", Kind: city, Country: "BY", AutoAliases: true},
			map[string]string{"Myrius": "geonames"},
			[]string{"Мир", "mir"}},
		{"own names are not added again",
			newswatch.Watch{Name: "Kyiv", Kind: city, Aliases: []string{"Kiev"}, AutoAliases: true},
			nil,
			[]string{"Kiev", "Kyiv"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := added(Expand(tt.w))
			for text, src := range tt.want {
				if got[text] != src {
					t.Errorf("Expand: %q from %q, want from %q", text, got[text], src)
				}
			}
			for _, text := range tt.notWant {
				if src, ok := got[text]; ok {
					t.Errorf("Expand added %q (from %q)", text, src)
				}
			}
		})
	}
	if got := Expand(newswatch.Watch{Name: "Kyiv", Kind: city}); got != nil {
		t.Errorf("Expand without auto_aliases = %v, want nil", got)
	}
}

func TestLookupPlaces(t *testing.T) {
	ps := LookupPlaces("Donetsk")
	if len(ps) < 2 || ps[0].Country != "UA" || !slices.ContainsFunc(ps, func(p Place) bool { return p.Country == "RU" }) {
		t.Fatalf("LookupPlaces(Donetsk) = %+v, want the UA city first and the RU one too", ps)
	}
	if ps[0].Population < ps[1].Population {
		t.Errorf("LookupPlaces not by population: %d < %d", ps[0].Population, ps[1].Population)
	}
	if p := LookupPlaces("Краматорськ"); len(p) != 1 || p[0].Name != "Kramatorsk" || p[0].Admin1 == "" || p[0].Lat == 0 {
		t.Errorf("LookupPlaces(Краматорськ) = %+v", p)
	}
	ru := Expand(newswatch.Watch{Name: "Donetsk", Kind: newswatch.KindCity, Country: "RU", AutoAliases: true})
	if src := added(ru)["Gundorovka"]; src != "geonames" {
		t.Errorf("Donetsk, RU: Gundorovka from %q, want geonames (the Russian town's former name)", src)
	}
	if LookupPlaces("Nowhereville") != nil && len(LookupPlaces("Nowhereville")) != 0 {
		t.Error("LookupPlaces(Nowhereville) found places")
	}
}
