package bot

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/newswatch/newswatch"
)

// autocomplete answers the typing of an option with up to 25 choices.
func (b *Bot) autocomplete(ctx context.Context, i *discordgo.Interaction) {
	ctx, cancel := context.WithTimeout(ctx, 2500*time.Millisecond)
	defer cancel()
	choices := b.choices(ctx, i)
	if choices == nil {
		choices = []*discordgo.ApplicationCommandOptionChoice{}
	}
	// discordgo's InteractionResponseData drops an empty choices list
	// (omitempty), and Discord requires the field: send the body itself.
	body := autocompleteResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult}
	body.Data.Choices = choices
	endpoint := discordgo.EndpointInteractionResponse(i.ID, i.Token)
	err := b.call(ctx, func(opts ...discordgo.RequestOption) error {
		_, err := b.s.RequestWithBucketID(http.MethodPost, endpoint, body, endpoint, opts...)
		return err
	})
	if err != nil {
		b.log.Warn("answer autocomplete", "err", b.redact(err.Error()))
	}
}

// autocompleteResponse is an autocomplete answer whose choices are always
// present in the JSON, "choices": [] when nothing matches.
type autocompleteResponse struct {
	Type discordgo.InteractionResponseType `json:"type"`
	Data struct {
		Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
	} `json:"data"`
}

// choices computes the choices; failures give none (and are logged).
func (b *Bot) choices(ctx context.Context, i *discordgo.Interaction) (out []*discordgo.ApplicationCommandOptionChoice) {
	defer func() {
		if r := recover(); r != nil {
			b.log.Error("autocomplete panicked", "panic", fmt.Sprint(r))
			out = nil
		}
	}()
	if i.GuildID == "" || i.Member == nil {
		return nil
	}
	v := parse(i)
	v.places = b.deps.Places
	var focused string
	var typed string
	for name, o := range v.opts {
		if o.Focused {
			focused = name
			typed, _ = o.Value.(string)
		}
	}
	typed = strings.ToLower(strings.TrimSpace(typed))
	var err error
	switch v.name + " " + focused {
	case "mentions name", "watch show name", "watch mute name", "watch unmute name":
		out, err = b.watchChoices(ctx, v, typed, false)
	case "watch remove name", "watch edit name":
		out, err = b.watchChoices(ctx, v, typed, true)
	case "watch add name":
		out = placeChoices(v, typed)
	case "watch add country":
		out = countryChoices(v, typed)
	case "watch edit drop_alias", "watch edit restore_alias":
		out, err = b.aliasChoices(ctx, v, typed, focused == "restore_alias")
	case "latest feed":
		out, err = b.feedChoices(ctx, i.GuildID, typed, false)
	case "feed remove feed", "feed retry feed": // global feeds are read-only
		out, err = b.feedChoices(ctx, i.GuildID, typed, true)
	}
	if err != nil {
		b.log.Warn("autocomplete", "command", v.name, "err", err)
		return nil
	}
	return out
}

// watchChoices lists the visible watches (only the guild's own if own) whose
// name or an alias contains typed.
func (b *Bot) watchChoices(ctx context.Context, v *invocation, typed string, own bool) ([]*discordgo.ApplicationCommandOptionChoice, error) {
	guildID := v.guildID
	ws, err := b.deps.Store.Watches(ctx, guildID)
	if err != nil {
		return nil, err
	}
	sort.Slice(ws, func(i, j int) bool { return strings.ToLower(ws[i].Name) < strings.ToLower(ws[j].Name) })
	var out []*discordgo.ApplicationCommandOptionChoice
	for _, w := range ws {
		if own && w.GuildID != guildID {
			continue
		}
		if !matchesAny(typed, w.Names()) {
			continue
		}
		out = append(out, &discordgo.ApplicationCommandOptionChoice{
			Name: cut(w.Name+" ("+v.kind(w.Kind)+")", maxChoice), Value: cut(w.Name, maxChoice)})
		if len(out) == 25 {
			break
		}
	}
	return out, nil
}

func matchesAny(typed string, names []string) bool {
	if typed == "" {
		return true
	}
	for _, n := range names {
		if strings.Contains(strings.ToLower(n), typed) {
			return true
		}
	}
	return false
}

// feedChoices lists the visible feeds (only the guild's own subscriptions if
// own) whose id, title or URL contains typed; the value is the feed id.
func (b *Bot) feedChoices(ctx context.Context, guildID, typed string, own bool) ([]*discordgo.ApplicationCommandOptionChoice, error) {
	fs, err := b.deps.Store.ListFeeds(ctx, guildID)
	if err != nil {
		return nil, err
	}
	var out []*discordgo.ApplicationCommandOptionChoice
	for _, f := range fs {
		if own && (f.Global || f.URL == newswatch.SeedsFeedURL) {
			continue
		}
		id := strconv.FormatInt(f.ID, 10)
		if !matchesAny(typed, []string{id, f.Title, f.URL}) {
			continue
		}
		label := "#" + id + " " + f.URL
		if f.Title != "" {
			label = "#" + id + " " + f.Title + " (" + f.URL + ")"
		}
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: cut(label, maxChoice), Value: id})
		if len(out) == 25 {
			break
		}
	}
	return out, nil
}
