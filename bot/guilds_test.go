package bot_test

import (
	"github.com/bwmarrin/discordgo"

	"github.com/newswatch/newswatch/bot/discordtest"
)

// declareGuilds gives the fake the two test guilds, their channels and a
// mentionable role, with @everyone's default permissions: the bot can
// view, post and embed links in every test channel.
func declareGuilds(f *discordtest.Fake) {
	f.AddGuild(guildA, discordtest.GuildRole{ID: roleA, Name: "alerts", Mentionable: true})
	f.AddGuild(guildB)
	for id, g := range map[string]string{chanA: guildA, chanA2: guildA, chanB: guildB, "300000000000000001": guildA} {
		f.AddChannel(discordtest.GuildChannel{ID: id, GuildID: g, Name: "news-" + id[len(id)-2:], Type: discordgo.ChannelTypeGuildText})
	}
}
