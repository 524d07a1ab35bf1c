package watch

import "testing"

func TestSearchPlaces(t *testing.T) {
	ps := SearchPlaces("Slovians", 25)
	found := false
	for i, p := range ps {
		if i > 0 && ps[i-1].Population < p.Population {
			t.Errorf("not most populous first: %s %d before %s %d", ps[i-1].Name, ps[i-1].Population, p.Name, p.Population)
		}
		if p.Name == "Sloviansk" && p.Country == "UA" {
			found = true
			if got := RegionName(p.Country, p.Admin1); got != "Donetsk Oblast" {
				t.Errorf("region of Sloviansk %q, want Donetsk Oblast", got)
			}
		}
	}
	if !found {
		t.Errorf("SearchPlaces(Slovians) = %v, want Sloviansk UA", ps)
	}
	if ps := SearchPlaces("Горлов", 5); len(ps) == 0 || ps[0].Name != "Horlivka" {
		t.Errorf("SearchPlaces(Горлов) = %v, want Horlivka first", ps)
	}
	if ps := SearchPlaces("zzzqqq", 5); len(ps) != 0 {
		t.Errorf("SearchPlaces(zzzqqq) = %v, want none", ps)
	}
	if ps := SearchPlaces("s", 3); len(ps) != 3 {
		t.Errorf("SearchPlaces(s, 3) gave %d", len(ps))
	}
	cs := PlaceCountries()
	if len(cs) < 100 || !containsStr(cs, "UA") || !containsStr(cs, "GE") {
		t.Errorf("PlaceCountries: %d, %v", len(cs), cs[:min(5, len(cs))])
	}
}

func containsStr(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// BenchmarkSearchPlaces is the gazetteer look-up of one /watch add
// autocompletion: a one-letter prefix (the most keys) and a longer one.
func BenchmarkSearchPlaces(b *testing.B) {
	SearchPlaces("warm", 1) // decode and sort once, outside the timing
	for _, prefix := range []string{"s", "slov", "Горл"} {
		b.Run(prefix, func(b *testing.B) {
			for b.Loop() {
				if len(SearchPlaces(prefix, 100)) == 0 {
					b.Fatal("no place")
				}
			}
		})
	}
}
