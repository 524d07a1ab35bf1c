package discordtest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// commandName is Discord's rule for command and option names; they must
// also be lowercase where the script has case.
var commandName = regexp.MustCompile(`^[-_\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)

// locales are the locale codes Discord accepts in *_localizations.
var locales = map[string]bool{}

func init() {
	for _, l := range strings.Fields(`id da de en-GB en-US es-ES es-419 fr hr it lt hu nl no pl pt-BR ro fi sv-SE
		vi tr cs el bg ru uk hi th zh-CN ja zh-TW ko`) {
		locales[l] = true
	}
}

// command is the part of an application command the fake checks.
type command struct {
	Name                     string            `json:"name"`
	NameLocalizations        map[string]string `json:"name_localizations"`
	Description              string            `json:"description"`
	DescriptionLocalizations map[string]string `json:"description_localizations"`
	Type                     int               `json:"type"`
	Required                 bool              `json:"required"`
	MinLength                *int              `json:"min_length"`
	MaxLength                *int              `json:"max_length"`
	Autocomplete             bool              `json:"autocomplete"`
	Choices                  []struct {
		Name              string            `json:"name"`
		NameLocalizations map[string]string `json:"name_localizations"`
		Value             any               `json:"value"`
	} `json:"choices"`
	Options []command `json:"options"`
}

// validateCommands applies Discord's rules for a bulk overwrite of
// application commands; it returns "" when the list is valid.
func validateCommands(cmds []command) string {
	if len(cmds) > 100 {
		return "Must be 100 or fewer in length."
	}
	seen := map[string]bool{}
	for i, c := range cmds {
		if seen[c.Name] {
			return fmt.Sprintf("%d.name: Application command names must be unique", i)
		}
		seen[c.Name] = true
		if msg := validateCommand(c, fmt.Sprint(i), true); msg != "" {
			return msg
		}
	}
	return ""
}

func validateCommand(c command, path string, top bool) string {
	if msg := validateName(c.Name, path+".name"); msg != "" {
		return msg
	}
	for loc, n := range c.NameLocalizations {
		if !locales[loc] {
			return fmt.Sprintf("%s.name_localizations.%s: Invalid locale", path, loc)
		}
		if msg := validateName(n, path+".name_localizations."+loc); msg != "" {
			return msg
		}
	}
	if n := utf8.RuneCountInString(c.Description); n < 1 || n > 100 {
		if !(top && c.Type > 1) { // user and message commands have no description
			return path + ".description: Must be between 1 and 100 in length."
		}
	}
	for loc, d := range c.DescriptionLocalizations {
		if !locales[loc] {
			return fmt.Sprintf("%s.description_localizations.%s: Invalid locale", path, loc)
		}
		if n := utf8.RuneCountInString(d); n < 1 || n > 100 {
			return fmt.Sprintf("%s.description_localizations.%s: Must be between 1 and 100 in length.", path, loc)
		}
	}
	if c.MaxLength != nil && (*c.MaxLength < 1 || *c.MaxLength > 6000) {
		return path + ".max_length: int value should be between 1 and 6000."
	}
	if c.MinLength != nil && (*c.MinLength < 0 || *c.MinLength > 6000) {
		return path + ".min_length: int value should be between 0 and 6000."
	}
	if len(c.Choices) > 25 {
		return path + ".choices: Must be 25 or fewer in length."
	}
	if len(c.Choices) > 0 && c.Autocomplete {
		return path + ".autocomplete: Autocomplete cannot be set with choices."
	}
	for j, ch := range c.Choices {
		if n := utf8.RuneCountInString(ch.Name); n < 1 || n > 100 {
			return fmt.Sprintf("%s.choices.%d.name: Must be between 1 and 100 in length.", path, j)
		}
		for loc := range ch.NameLocalizations {
			if !locales[loc] {
				return fmt.Sprintf("%s.choices.%d.name_localizations.%s: Invalid locale", path, j, loc)
			}
		}
	}
	if len(c.Options) > 25 {
		return path + ".options: Must be 25 or fewer in length."
	}
	names := map[string]bool{}
	optional := false
	for j, o := range c.Options {
		p := fmt.Sprintf("%s.options.%d", path, j)
		if names[o.Name] {
			return p + ".name: Option names must be unique"
		}
		names[o.Name] = true
		if o.Required && optional {
			return p + ".required: Required options must be placed before non-required options"
		}
		optional = optional || !o.Required
		if msg := validateCommand(o, p, false); msg != "" {
			return msg
		}
	}
	return ""
}

func validateName(n, path string) string {
	if !commandName.MatchString(n) || strings.ToLower(n) != n {
		return path + ": Command name is invalid"
	}
	return ""
}

// maxLength returns the max_length of a string option of a registered
// command ("search query", "watch add name"), 0 when it has none.
func (f *Fake) maxLength(guildID, path string) int {
	for _, scope := range []string{guildID, ""} {
		var cmds []command
		if json.Unmarshal(f.commands[scope], &cmds) != nil {
			continue
		}
		var find func(prefix string, opts []command) int
		find = func(prefix string, opts []command) int {
			for _, o := range opts {
				p := prefix + " " + o.Name
				if p == path && o.MaxLength != nil {
					return *o.MaxLength
				}
				if n := find(p, o.Options); n > 0 {
					return n
				}
			}
			return 0
		}
		for _, c := range cmds {
			if n := find(c.Name, c.Options); n > 0 {
				return n
			}
		}
	}
	return 0
}

// checkCommands answers 400 Invalid Form Body for a command list Discord
// would refuse.
func checkCommands(body []byte) (restReply, bool) {
	var cmds []command
	if err := json.Unmarshal(body, &cmds); err != nil {
		return restReply{status: 400, body: errorBody(50035, "Invalid Form Body")}, false
	}
	if msg := validateCommands(cmds); msg != "" {
		return restReply{status: 400, body: errorBody(50035, "Invalid Form Body: "+msg)}, false
	}
	return restReply{}, true
}
