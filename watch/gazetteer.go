package watch

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/newswatch/newswatch"
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

// Place is a populated place of the embedded gazetteer, or a region,
// landmark or facility of its supplement (extra_places.tsv).
type Place = newswatch.Place

// gazetteer is the decoded table with an index by folded name.
type gazetteer struct {
	places []Place            // most populous first
	byName map[string][]int32 // normKey of any name → places: the supplement's, then the most populous first
	// also holds the folded names that the supplement adds to GeoNames
	// places, by GeonameID.
	also map[int64]map[string]bool
}

// loadGazetteer decodes the embedded data once, on first use.
var loadGazetteer = sync.OnceValue(decodeGazetteer)

// decodeGazetteer decodes the embedded data and merges the supplement.
func decodeGazetteer() *gazetteer {
	g := &gazetteer{byName: make(map[string][]int32, 200000)}
	zr, err := gzip.NewReader(bytes.NewReader(gazetteerData))
	if err != nil {
		panic("watch: embedded gazetteer: " + err.Error()) // built in; a test reads it
	}
	places := make([]Place, 0, 200000)
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
		places = append(places, p)
	}
	if err := sc.Err(); err != nil {
		panic("watch: embedded gazetteer: " + err.Error())
	}
	extra, also := parseSupplement(extraPlacesData)
	g.also = map[int64]map[string]bool{}
	for id, names := range also {
		g.also[id] = map[string]bool{}
		for _, n := range names {
			g.also[id][normKey(n)] = true
		}
	}
	// Merge the supplement in by population (both are most populous
	// first), and add the names of also-lines to their places.
	g.places = make([]Place, 0, len(places)+len(extra))
	var first []int32 // the supplement's places, indexed before the others
	for i, j := 0, 0; i < len(places) || j < len(extra); {
		if j < len(extra) && (i == len(places) || extra[j].Population > places[i].Population) {
			first = append(first, int32(len(g.places)))
			g.places = append(g.places, extra[j])
			j++
			continue
		}
		p := places[i]
		if ns := also[p.GeonameID]; len(ns) > 0 {
			p.Names = append(p.Names[:len(p.Names):len(p.Names)], ns...)
		}
		g.places = append(g.places, p)
		i++
	}
	for _, i := range first {
		g.index(i)
	}
	for i := range g.places {
		if g.places[i].Feature == "" {
			g.index(int32(i))
		}
	}
	return g
}

// index adds place i under each of its names.
func (g *gazetteer) index(i int32) {
	p := &g.places[i]
	for _, n := range append([]string{p.Name}, p.Names...) {
		k := normKey(n)
		if l := g.byName[k]; len(l) == 0 || l[len(l)-1] != i { // a place's names are indexed together

			g.byName[k] = append(l, i)
		}
	}
}

// normKey folds a name for gazetteer look-ups and for comparing names:
// letters and digits folded as the matcher folds them (lower case, ё as е,
// one apostrophe), any run of other characters one space, trimmed.
func normKey(s string) string {
	if k, ok := normKeyASCII(s); ok {
		return k
	}
	b := make([]byte, 0, len(s))
	space := false
	for _, r := range s {
		if isWordRune(r) || isApos(r) {
			if space && len(b) > 0 {
				b = append(b, ' ')
			}
			space = false
			b = utf8.AppendRune(b, foldRune(r))
			continue
		}
		if !isIgnorable(r) {
			space = true
		}
	}
	return string(b)
}

// LookupPlaces returns the gazetteer's places that go by name (in any of
// their names, compared case-insensitively): the supplement's first (Krym
// is Crimea before the Russian village), then GeoNames' most populous
// first. An autocompletion can show each with its country, region and
// population; Expand, given no country, takes the first.
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

// normKeyASCII is normKey for a name of ASCII letters and single spaces,
// the common case; false for any other.
func normKeyASCII(s string) (string, bool) {
	lower := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
		case c >= 'A' && c <= 'Z':
			lower = false
		case c == ' ' && i > 0 && i < len(s)-1 && s[i-1] != ' ':
		default:
			return "", false
		}
	}
	if lower {
		return s, true
	}
	return strings.ToLower(s), true
}
