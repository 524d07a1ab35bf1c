package watch

import (
	"cmp"
	_ "embed"
	"slices"
	"strconv"
	"strings"
)

// extraPlacesData is the gazetteer's supplement: regions, landmarks and
// facilities that GeoNames' cities file does not hold (Crimea, Donbas, the
// Kremlin, Ukraine's oblasts), and press spellings that a GeoNames place
// lacks (Одесса). It is the newswatch authors' own compilation, not
// GeoNames data; its header gives the format.
//
//go:embed extra_places.tsv
var extraPlacesData string

// SourceSupplement is the Source of an alias that Expand adds from the
// gazetteer's supplement (extra_places.tsv).
const SourceSupplement = "supplement"

// parseSupplement reads extra_places.tsv: its places, most populous first,
// and the names it adds to GeoNames places, by GeonameID. A malformed line
// panics, since the data is built in and a test reads it.
func parseSupplement(data string) (places []Place, also map[int64][]string) {
	also = map[int64][]string{}
	for n, line := range strings.Split(data, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		bad := func() { panic("watch: extra_places.tsv line " + strconv.Itoa(n+1) + ": " + line) }
		if f[0] == "also" {
			id, err := strconv.ParseInt(f[1], 10, 64)
			if len(f) != 3 || err != nil {
				bad()
			}
			also[id] = append(also[id], strings.Split(f[2], "|")...)
			continue
		}
		if len(f) != 5 || (f[0] != "region" && f[0] != "landmark" && f[0] != "facility") {
			bad()
		}
		pop, err := strconv.Atoi(f[3])
		names := strings.Split(f[4], "|")
		if err != nil || len(f[1]) != 2 || len(names) < 2 {
			bad()
		}
		places = append(places, Place{Feature: f[0], Country: f[1], Admin1: f[2], Population: pop, Name: names[0], Names: names[1:]})
	}
	slices.SortStableFunc(places, func(a, b Place) int { return cmp.Compare(b.Population, a.Population) })
	return places, also
}

// fromSupplement reports whether the name n of p comes from the supplement.
func fromSupplement(p Place, n string) bool {
	if p.Feature != "" {
		return true
	}
	also := loadGazetteer().also[p.GeonameID]
	return also != nil && also[normKey(n)]
}

// lookupSupplement returns the supplement's place called name in country
// (any country when ""), for a watch of any kind: an actor such as "the
// Kremlin" resolves there, never among GeoNames' populated places.
func lookupSupplement(name, country string) (Place, bool) {
	g := loadGazetteer()
	for _, id := range g.byName[normKey(name)] {
		p := g.places[id]
		if p.Feature == "" {
			break // the supplement's places come first
		}
		if country == "" || strings.EqualFold(p.Country, country) {
			return p, true
		}
	}
	return Place{}, false
}
