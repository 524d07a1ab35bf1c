package discordtest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// TestResolvedOptions: channel and role options come with Discord's
// resolved objects, and app_permissions is the bot's in the channel.
func TestResolvedOptions(t *testing.T) {
	f := New("tok")
	defer f.Close()
	f.AddGuild("1", GuildRole{ID: "5", Name: "alerts", Mentionable: true})
	f.AddChannel(GuildChannel{ID: "7", GuildID: "1", Name: "news"})
	f.AddChannel(GuildChannel{ID: "8", GuildID: "1", Name: "quiet",
		Overwrites: []Overwrite{{ID: "1", Deny: discordgo.PermissionSendMessages}}})
	in := Interaction{GuildID: "1", ChannelID: "8", Data: Command("alerts set", Channel("channel", "7"), Role("role", "5"))}
	f.mu.Lock()
	b, err := f.interactionJSON(in, "99", "tok-99")
	f.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	var i discordgo.Interaction
	if err := json.Unmarshal(b, &i); err != nil {
		t.Fatal(err)
	}
	res := i.ApplicationCommandData().Resolved
	if res == nil || res.Channels["7"] == nil || res.Channels["7"].Name != "news" || res.Roles["5"] == nil || !res.Roles["5"].Mentionable {
		t.Errorf("resolved %s", b)
	}
	if i.AppPermissions&discordgo.PermissionSendMessages != 0 || i.AppPermissions&discordgo.PermissionViewChannel == 0 {
		t.Errorf("app_permissions %d: want view without send", i.AppPermissions)
	}
	if !strings.Contains(string(b), `"app_permissions":"`) {
		t.Errorf("app_permissions not a string: %s", b)
	}
}
