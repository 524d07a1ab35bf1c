package newswatch

// Place is a populated place of the gazetteer (package watch), or a
// region, landmark or facility of its supplement.
type Place struct {
	GeonameID  int64    // 0 for a place of the supplement
	Feature    string   // "" for a GeoNames populated place; "region", "landmark" or "facility"
	Name       string   // the main name, in Latin letters
	Names      []string // other names, each wholly in Latin or in Cyrillic letters
	Country    string   // ISO 3166-1 alpha-2
	Admin1     string   // GeoNames admin1 code within the country
	Population int      // rounded for a place of the supplement
	Lat, Lon   float64  // 0, 0 for a place of the supplement
}

// AddedAlias is a name that auto aliases add to a watch (watch.Expand),
// with where it comes from: "geonames", "supplement", "respell:ru-uk",
// "respell:uk-ru", "respell:uk", "translit:<system>" (ua2010, bgn-uk,
// bgn-ru, press-ru, press-ye, iso9, scholarly, scholarly-ru, reverse),
// "press" (the usual newspaper endings) or "surname".
type AddedAlias struct {
	Text   string `json:"text"`
	Source string `json:"source"`
}
