package newswatch

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Kind is the kind of a watched entity.
type Kind string

// The kinds of watched entities.
const (
	KindCity  Kind = "city"
	KindActor Kind = "actor"
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == KindCity || k == KindActor }

// Limits on a watch, enforced by Validate.
const (
	MaxWatchNameLen = 100 // runes, for the name and each alias and exclusion
	MaxWatchAliases = 50
	MaxWatchExclude = 50
	// MaxWatchDropAliases bounds the added aliases an admin may drop.
	MaxWatchDropAliases = 200
)

// Watch is a watched city or actor: a canonical name, the other names it
// goes by and the phrases in which a match does not count.
type Watch struct {
	ID            int64
	GuildID       string // GlobalScope for config, seed and CLI watches
	Name          string // canonical name shown in alerts; also matched
	Kind          Kind
	Aliases       []string
	Exclude       []string
	CaseSensitive bool

	// AutoAliases adds the names the matcher derives (see watch.Expand):
	// the gazetteer's names of a city, transliterations and Russian ↔
	// Ukrainian respellings, and an actor's family name alone.
	AutoAliases bool
	// Country (ISO 3166-1 alpha-2, optional) picks the gazetteer's place
	// when a city's name is ambiguous; without it the most populous wins.
	Country string
	// SurnameOnly, when AutoAliases is set, says whether an actor's family
	// name alone matches; nil means yes.
	SurnameOnly *bool
	// DropAliases are added aliases an admin has removed.
	DropAliases []string
	// Fuzzy lets a name of at least 7 letters match with one edit, never
	// on its first letter.
	Fuzzy bool

	CreatedAt time.Time
	UpdatedAt time.Time
}

// SurnameMatches reports whether an actor's family name alone matches when
// the watch has AutoAliases: true unless SurnameOnly says false.
func (w *Watch) SurnameMatches() bool { return w.SurnameOnly == nil || *w.SurnameOnly }

// Names returns the canonical name followed by the aliases.
func (w *Watch) Names() []string {
	return append([]string{w.Name}, w.Aliases...)
}

// Validate checks the fields a person typed. The message names the watch.
// Whether an alias normalises to nothing is checked by watch.Compile, which
// owns normalisation.
func (w *Watch) Validate() error {
	name := strings.TrimSpace(w.Name)
	if name == "" {
		return Errorf(EINVALID, "A watch needs a name.")
	}
	if !w.Kind.Valid() {
		return Errorf(EINVALID, "Watch %q: unknown kind %q (use city or actor).", name, w.Kind)
	}
	if len(w.Aliases) > MaxWatchAliases {
		return Errorf(EINVALID, "Watch %q: at most %d aliases.", name, MaxWatchAliases)
	}
	if len(w.DropAliases) > MaxWatchDropAliases {
		return Errorf(EINVALID, "Watch %q: at most %d dropped aliases.", name, MaxWatchDropAliases)
	}
	if w.Country != "" && (len(w.Country) != 2 || strings.IndexFunc(w.Country, func(r rune) bool { return (r < 'A' || r > 'Z') && (r < 'a' || r > 'z') }) >= 0) {
		return Errorf(EINVALID, "Watch %q: country %q is not a two-letter ISO code.", name, w.Country)
	}
	if len(w.Exclude) > MaxWatchExclude {
		return Errorf(EINVALID, "Watch %q: at most %d exclusions.", name, MaxWatchExclude)
	}
	for _, s := range append(append(w.Names(), w.Exclude...), w.DropAliases...) {
		if !utf8.ValidString(s) {
			return Errorf(EINVALID, "Watch %q: a name is not valid UTF-8.", name)
		}
		if utf8.RuneCountInString(s) > MaxWatchNameLen {
			return Errorf(EINVALID, "Watch %q: %q is longer than %d characters.", name, s, MaxWatchNameLen)
		}
		if strings.IndexFunc(s, unicode.IsControl) >= 0 {
			return Errorf(EINVALID, "Watch %q: %q contains control characters.", name, s)
		}
		if strings.TrimSpace(s) == "" {
			return Errorf(EINVALID, "Watch %q: an alias or exclusion is empty.", name)
		}
	}
	return nil
}

// Mention is one match of a watch in a text. Start and End are byte offsets
// into the text that was matched (for an item, Item.MatchText), and Text is
// text[Start:End] as written.
type Mention struct {
	WatchID int64
	Entity  string // the watch's canonical name
	Kind    Kind
	Start   int
	End     int
	Text    string
}
