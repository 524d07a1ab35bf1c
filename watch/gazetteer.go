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
var loadGazetteer = sync.OnceValue(decodeGazetteer)

// decodeGazetteer decodes the embedded data.
func decodeGazetteer() *gazetteer {
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
