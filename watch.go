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
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

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
	if len(w.Exclude) > MaxWatchExclude {
		return Errorf(EINVALID, "Watch %q: at most %d exclusions.", name, MaxWatchExclude)
	}
	for _, s := range append(w.Names(), w.Exclude...) {
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
