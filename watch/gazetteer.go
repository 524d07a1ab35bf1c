package watch

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"slices"
	"strconv"
	"strings"
	"sync"
)

//go:generate go run ./internal/gazgen -out gazetteer.tsv.gz

// gazetteerData is the gzip'd TSV written by internal/gazgen from GeoNames'
// cities500 (CC BY 4.0).
//
//go:embed gazetteer.tsv.gz
var gazetteerData []byte

// Attribution is the credit line the GeoNames licence (CC BY 4.0) asks for
// wherever the gazetteer's names are shown or shipped.
const Attribution = "Place names: GeoNames (https://www.geonames.org/), CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"

// Place is a populated place of the embedded gazetteer.
type Place struct {
	GeonameID  int64
	Name       string   // GeoNames' main name, in Latin letters
	Names      []string // other names, each wholly in Latin or in Cyrillic letters
	Country    string   // ISO 3166-1 alpha-2
	Admin1     string   // GeoNames admin1 code within the country
	Population int
	Lat, Lon   float64
}

// gazetteer is the decoded table with an index by folded name.
type gazetteer struct {
	places []Place            // most populous first
	byName map[string][]int32 // normKey of any name → places, most populous first
}

// loadGazetteer decodes the embedded data once, on first use.
var loadGazetteer = sync.OnceValue(func() *gazetteer {
	g := &gazetteer{byName: make(map[string][]int32, 200000)}
	zr, err := gzip.NewReader(bytes.NewReader(gazetteerData))
	if err != nil {
		panic("watch: embedded gazetteer: " + err.Error()) // built in; a test reads it
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 8 {
			continue
		}
		p := Place{Name: f[1], Country: f[4], Admin1: f[5]}
		p.GeonameID, _ = strconv.ParseInt(f[0], 10, 64)
		p.Lat, _ = strconv.ParseFloat(f[2], 64)
		p.Lon, _ = strconv.ParseFloat(f[3], 64)
		p.Population, _ = strconv.Atoi(f[6])
		if f[7] != "" {
			p.Names = strings.Split(f[7], "|")
		}
		i := int32(len(g.places))
		g.places = append(g.places, p)
		for _, n := range append([]string{p.Name}, p.Names...) {
			k := normKey(n)
			if l := g.byName[k]; len(l) == 0 || l[len(l)-1] != i {
				g.byName[k] = append(l, i)
			}
		}
	}
	if err := sc.Err(); err != nil {
		panic("watch: embedded gazetteer: " + err.Error())
	}
	return g
})

// normKey folds a name for gazetteer look-ups: lower case, ё as е, one
// apostrophe, words joined by single spaces.
func normKey(s string) string {
	var b strings.Builder
	var t token
	for i := 0; nextWord(s, i, 0, &t); i = t.end {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(string(foldWord(s[t.start:t.end])))
	}
	return b.String()
}

// LookupPlaces returns the gazetteer's places that go by name (in any of
// their names, compared case-insensitively), most populous first. An
// autocompletion can show each with its country, region and population;
// Expand, given no country, takes the first.
func LookupPlaces(name string) []Place {
	g := loadGazetteer()
	ids := g.byName[normKey(name)]
	out := make([]Place, len(ids))
	for i, id := range ids {
		out[i] = g.places[id]
	}
	return out
}

// lookupPlace returns the most populous place called name in country
// (any country when ""), and whether there is one.
func lookupPlace(name, country string) (Place, bool) {
	g := loadGazetteer()
	for _, id := range g.byName[normKey(name)] {
		if p := g.places[id]; country == "" || strings.EqualFold(p.Country, country) {
			return p, true
		}
	}
	return Place{}, false
}

// placeNamesSorted is for tests: the names of p, sorted.
func placeNamesSorted(p Place) []string {
	return slices.Sorted(slices.Values(append([]string{p.Name}, p.Names...)))
}
