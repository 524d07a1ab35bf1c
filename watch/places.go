package watch

import (
	"slices"
	"strings"
	"sync"
)

// SearchPlaces returns up to n gazetteer places one of whose names starts
// with prefix (compared as LookupPlaces compares), most populous first, for
// an autocompletion. An empty prefix gives none.
func SearchPlaces(prefix string, n int) []Place {
	k := normKey(prefix)
	if k == "" || n <= 0 {
		return nil
	}
	g := loadGazetteer()
	keys := loadSortedKeys()
	i, _ := slices.BinarySearch(keys, k)
	var ids []int32
	for ; i < len(keys) && strings.HasPrefix(keys[i], k); i++ {
		ids = append(ids, g.byName[keys[i]]...)
	}
	// Places are stored most populous first, so the lowest ids win.
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := make([]Place, 0, min(n, len(ids)))
	for _, id := range ids[:min(n, len(ids))] {
		out = append(out, g.places[id])
	}
	return out
}

// loadSortedKeys is the gazetteer's folded names in order, built once.
var loadSortedKeys = sync.OnceValue(func() []string {
	g := loadGazetteer()
	keys := make([]string, 0, len(g.byName))
	for k := range g.byName {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
})

// PlaceCountries returns the ISO 3166-1 alpha-2 codes of the countries the
// gazetteer has places in, sorted.
var PlaceCountries = sync.OnceValue(func() []string {
	seen := map[string]bool{}
	for _, p := range loadGazetteer().places {
		seen[p.Country] = true
	}
	out := make([]string, 0, len(seen))
	for c := range seen {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
})

// RegionName is the English name of a place's first-order region when the
// package knows it (Ukraine's oblasts, GeoNames' admin1 codes), else "".
// GeoNames' cities file carries only the codes; the names of other
// countries' regions are not embedded.
func RegionName(country, admin1 string) string {
	if country != "UA" {
		return ""
	}
	return uaRegions[admin1]
}

// uaRegions are GeoNames' admin1 codes of Ukraine (checked against the
// largest city of each code in the embedded table).
var uaRegions = map[string]string{
	"01": "Cherkasy Oblast", "02": "Chernihiv Oblast", "03": "Chernivtsi Oblast", "04": "Dnipropetrovsk Oblast",
	"05": "Donetsk Oblast", "06": "Ivano-Frankivsk Oblast", "07": "Kharkiv Oblast", "08": "Kherson Oblast",
	"09": "Khmelnytskyi Oblast", "10": "Kirovohrad Oblast", "11": "Crimea", "12": "Kyiv City",
	"13": "Kyiv Oblast", "14": "Luhansk Oblast", "15": "Lviv Oblast", "16": "Mykolaiv Oblast",
	"17": "Odesa Oblast", "18": "Poltava Oblast", "19": "Rivne Oblast", "20": "Sevastopol",
	"21": "Sumy Oblast", "22": "Ternopil Oblast", "23": "Vinnytsia Oblast", "24": "Volyn Oblast",
	"25": "Zakarpattia Oblast", "26": "Zaporizhzhia Oblast", "27": "Zhytomyr Oblast",
}
