package discordtest

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// Message flags an interaction response may set: SUPPRESS_EMBEDS,
// EPHEMERAL, SUPPRESS_NOTIFICATIONS, IS_COMPONENTS_V2.
const allowedResponseFlags = 1<<2 | 1<<6 | 1<<12 | 1<<15

// validateCallback applies Discord's rules for an interaction callback: the
// response types each interaction type allows, autocomplete's required
// choices (at most 25), and the message limits. It returns "" when valid.
func validateCallback(it discordgo.InteractionType, typ discordgo.InteractionResponseType, hasData bool,
	o outgoing, choices json.RawMessage) string {
	allowed := map[discordgo.InteractionType][]discordgo.InteractionResponseType{
		discordgo.InteractionApplicationCommand:             {4, 5, 9},
		discordgo.InteractionMessageComponent:               {4, 5, 6, 7, 9},
		discordgo.InteractionApplicationCommandAutocomplete: {8},
		discordgo.InteractionModalSubmit:                    {4, 5, 6, 7},
	}[it]
	ok := false
	for _, a := range allowed {
		ok = ok || a == typ
	}
	if !ok {
		return fmt.Sprintf("type: interaction type %d cannot be answered with response type %d", it, typ)
	}
	if typ == discordgo.InteractionApplicationCommandAutocompleteResult {
		if !hasData || len(choices) == 0 || string(choices) == "null" {
			return "data.choices: This field is required"
		}
		var cs []struct {
			Name  string `json:"name"`
			Value any    `json:"value"`
		}
		if err := json.Unmarshal(choices, &cs); err != nil {
			return "data.choices: Must be an array"
		}
		if len(cs) > 25 {
			return "data.choices: Must be 25 or fewer in length."
		}
		for i, c := range cs {
			if n := utf8.RuneCountInString(c.Name); n < 1 || n > 100 {
				return fmt.Sprintf("data.choices.%d.name: Must be between 1 and 100 in length.", i)
			}
			if s, ok := c.Value.(string); ok && utf8.RuneCountInString(s) > 100 {
				return fmt.Sprintf("data.choices.%d.value: Must be 100 or fewer in length.", i)
			}
		}
		return ""
	}
	if o.Flags&^allowedResponseFlags != 0 {
		return "data.flags: Invalid flags"
	}
	return validateMessage(&o)
}

// checkOptions refuses, unless in.Forged, an interaction Discord's client
// would not send: a string option longer than its registered max_length.
// It runs with f.mu held.
func (f *Fake) checkOptions(in Interaction) error {
	if in.Forged || in.GuildID == "" {
		return nil
	}
	data, ok := in.Data.(map[string]any)
	if !ok {
		return nil
	}
	name, _ := data["name"].(string)
	var walk func(path string, opts []map[string]any) error
	walk = func(path string, opts []map[string]any) error {
		for _, o := range opts {
			n, _ := o["name"].(string)
			if sub, ok := o["options"].([]map[string]any); ok {
				if err := walk(path+" "+n, sub); err != nil {
					return err
				}
			}
			s, ok := o["value"].(string)
			if !ok {
				continue
			}
			if max := f.maxLength(in.GuildID, path+" "+n); max > 0 && utf8.RuneCountInString(s) > max {
				return fmt.Errorf("discordtest: Discord's client does not send /%s %s longer than max_length %d (set Forged to send it anyway)",
					strings.TrimSpace(path), n, max)
			}
		}
		return nil
	}
	opts, _ := data["options"].([]map[string]any)
	return walk(name, opts)
}
