package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/bot/discordtest"
)

// TestOddOptionValues: values Discord's client would not send (out of range,
// huge, of the wrong type) get a plain answer, never a crash or an internal
// error, and a quick one.
func TestOddOptionValues(t *testing.T) {
	e := newEnv(t)
	e.watch(guildA, "Kyiv", newswatch.KindCity)
	f := e.feed(guildA, "http://feeds.test/a")
	e.items(f.ID, guildA, "Kyiv one", "Kyiv two")
	e.start()
	huge := strings.Repeat("kyiv ", 1200) // 6000 characters, Discord's maximum
	str := discordgo.ApplicationCommandOptionString
	tests := []struct {
		name string
		data map[string]any
	}{
		{"negative limit", discordtest.Command("latest", discordtest.Int("limit", -5))},
		{"huge limit", discordtest.Command("latest", discordtest.Opt{Name: "limit", Type: 4, Value: 1e300})},
		{"page zero", discordtest.Command("search", discordtest.Str("query", "kyiv"), discordtest.Int("page", 0))},
		{"huge page", discordtest.Command("search", discordtest.Str("query", "kyiv"), discordtest.Opt{Name: "page", Type: 4, Value: 1e18})},
		{"limit as text", discordtest.Command("latest", discordtest.Opt{Name: "limit", Type: str, Value: "ten"})},
		{"query as number", discordtest.Command("search", discordtest.Opt{Name: "query", Type: 4, Value: 5})},
		{"huge query", discordtest.Command("search", discordtest.Str("query", huge))},
		{"huge mentions name", discordtest.Command("mentions", discordtest.Str("name", huge))},
		{"huge since", discordtest.Command("mentions", discordtest.Str("name", "Kyiv"), discordtest.Str("since", huge))},
		{"huge feed", discordtest.Command("latest", discordtest.Str("feed", huge))},
		{"huge watch name", discordtest.Command("watch add", discordtest.Str("name", huge), discordtest.Str("kind", "city"))},
		{"huge aliases", discordtest.Command("watch add", discordtest.Str("name", "Lviv"), discordtest.Str("kind", "city"), discordtest.Str("aliases", huge))},
		{"kind as bool", discordtest.Command("watch add", discordtest.Str("name", "Lviv"), discordtest.Bool("kind", true))},
		{"channel not an id", discordtest.Command("alerts set", discordtest.Str("channel", "general"))},
		{"huge interval", discordtest.Command("feed add", discordtest.Str("url", "http://feeds.test/b"), discordtest.Str("interval", huge))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			// Forged: Discord's client would not send most of these.
			r, err := e.fake.Interact(discordtest.Interaction{GuildID: guildA, Permissions: admin, Data: tt.data, Forged: true}, wait)
			if err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("answered after %v", d)
			}
			got := r.Text()
			if strings.TrimSpace(got) == "" || strings.Contains(got, "went wrong") {
				t.Errorf("reply %q", got)
			}
			if !strings.Contains(string(r.AllowedMentions), `"parse":[]`) {
				t.Errorf("allowed_mentions %s", r.AllowedMentions)
			}
		})
	}
	if strings.Contains(e.logs.String(), "panicked") {
		t.Errorf("a handler panicked:\n%s", e.logs)
	}
}
