package watch

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/newswatch/newswatch"
)

// Entry is one [[watch]] table of a watchlist file or of the program's
// config file.
type Entry struct {
	Name          string         `toml:"name"`
	Kind          newswatch.Kind `toml:"kind"`
	Aliases       []string       `toml:"aliases"`
	Exclude       []string       `toml:"exclude"`
	CaseSensitive bool           `toml:"case_sensitive"`
	AutoAliases   bool           `toml:"auto_aliases"`
	Country       string         `toml:"country"`
	SurnameOnly   *bool          `toml:"surname_only"`
	DropAliases   []string       `toml:"drop_aliases"`
	Fuzzy         bool           `toml:"fuzzy"`
}

// Watch returns the entry as a global watch.
func (e Entry) Watch() newswatch.Watch {
	return newswatch.Watch{
		GuildID:       newswatch.GlobalScope,
		Name:          e.Name,
		Kind:          e.Kind,
		Aliases:       e.Aliases,
		Exclude:       e.Exclude,
		CaseSensitive: e.CaseSensitive,
		AutoAliases:   e.AutoAliases,
		Country:       e.Country,
		SurnameOnly:   e.SurnameOnly,
		DropAliases:   e.DropAliases,
		Fuzzy:         e.Fuzzy,
	}
}

// ParseWatchlist reads the [[watch]] tables of a watchlist file and checks
// them as Compile does. Errors are *newswatch.Error with code EINVALID (or
// ECONFLICT for a shared alias) naming the key or the watch at fault.
func ParseWatchlist(data []byte) ([]newswatch.Watch, error) {
	var doc struct {
		Watch []Entry `toml:"watch"`
	}
	md, err := toml.Decode(string(data), &doc)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return nil, newswatch.Errorf(newswatch.EINVALID, "Watchlist: line %d: %s.", perr.Position.Line, perr.Message)
		}
		return nil, newswatch.Errorf(newswatch.EINVALID, "Watchlist: %s.", strings.TrimPrefix(err.Error(), "toml: "))
	}
	if err := unknownKey(md); err != nil {
		return nil, err
	}
	ws := make([]newswatch.Watch, len(doc.Watch))
	for i, e := range doc.Watch {
		ws[i] = e.Watch()
		if strings.TrimSpace(e.Name) == "" {
			return nil, newswatch.Errorf(newswatch.EINVALID, "Watchlist: watch number %d has no name.", i+1)
		}
		if err := ws[i].Validate(); err != nil {
			return nil, err
		}
	}
	if _, err := Compile(ws); err != nil {
		return nil, err
	}
	return ws, nil
}

// unknownKey reports the first key of the document that no field took,
// naming the watch it is in.
func unknownKey(md toml.MetaData) error {
	undecoded := map[string]bool{}
	for _, k := range md.Undecoded() {
		undecoded[k.String()] = true
	}
	if len(undecoded) == 0 {
		return nil
	}
	n := 0
	for _, k := range md.Keys() {
		if len(k) == 1 && k[0] == "watch" {
			n++
		}
		if !undecoded[k.String()] {
			continue
		}
		if len(k) > 1 && k[0] == "watch" && n > 0 {
			return newswatch.Errorf(newswatch.EINVALID, "Watchlist: watch number %d: unknown key %q.", n, k[len(k)-1])
		}
		return newswatch.Errorf(newswatch.EINVALID, "Watchlist: unknown key %q.", k.String())
	}
	return newswatch.Errorf(newswatch.EINVALID, "Watchlist: unknown key %q.", md.Undecoded()[0].String())
}

// LoadWatchlist reads and parses the watchlist file at path.
func LoadWatchlist(path string) ([]newswatch.Watch, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("watch: read watchlist: %w", err)
	}
	ws, err := ParseWatchlist(data)
	if err != nil {
		var e *newswatch.Error
		if errors.As(err, &e) {
			return nil, newswatch.Errorf(e.Code, "%s: %s", path, e.Message)
		}
		return nil, fmt.Errorf("watch: %s: %w", path, err)
	}
	return ws, nil
}
