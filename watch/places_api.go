package watch

import "github.com/newswatch/newswatch"

// Gazetteer gives the package's place and alias functions as methods, for
// a part of the program that receives them instead of importing this
// package (the bot: see bot.Places).
type Gazetteer struct{}

// Lookup is LookupPlaces.
func (Gazetteer) Lookup(name string) []newswatch.Place { return LookupPlaces(name) }

// Search is SearchPlaces.
func (Gazetteer) Search(prefix string, n int) []newswatch.Place { return SearchPlaces(prefix, n) }

// RegionName is RegionName.
func (Gazetteer) RegionName(country, admin1 string) string { return RegionName(country, admin1) }

// Countries is PlaceCountries.
func (Gazetteer) Countries() []string { return PlaceCountries() }

// Expand is Expand.
func (Gazetteer) Expand(w newswatch.Watch) []newswatch.AddedAlias { return Expand(w) }
