package bot

import (
	"context"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// help lists what each command does, privately, with the command names and
// descriptions the user's Discord client shows (their language's).
func (b *Bot) help(_ context.Context, v *invocation) (*reply, error) {
	var everyone, admins []string
	for _, c := range commands() {
		subs := 0
		for _, o := range c.Options {
			if o.Type != discordgo.ApplicationCommandOptionSubCommand {
				continue
			}
			subs++
			line := "`/" + v.cmdName(c.Name) + " " + v.cmdName(o.Name) + "` — " + v.desc(o.Description)
			if adminCommands[c.Name+" "+o.Name] {
				admins = append(admins, line)
			} else {
				everyone = append(everyone, line)
			}
		}
		if subs == 0 {
			everyone = append(everyone, "`/"+v.cmdName(c.Name)+"` — "+v.desc(c.Description))
		}
	}
	e := &discordgo.MessageEmbed{Title: v.t("help.title"), Description: v.t("help.intro"), Color: colorInfo,
		Fields: []*discordgo.MessageEmbedField{
			{Name: v.t("help.everyone"), Value: strings.Join(everyone, "\n")},
			{Name: v.t("help.admins"), Value: strings.Join(admins, "\n") + "\n\n" + v.t("help.admin_note")},
		}}
	return &reply{embeds: []*discordgo.MessageEmbed{fitEmbed(e)}, ephemeral: true}, nil
}

// cmdName is a command or option name as the user's client shows it.
func (v *invocation) cmdName(s string) string { return translated(commandNames, s, v.lang) }

// desc is a command description in the user's language.
func (v *invocation) desc(s string) string { return translated(commandDescriptions, s, v.lang) }

func translated(table map[string][2]string, s string, l lang) string {
	if tr, ok := table[s]; ok && l != langEN {
		return tr[l-1]
	}
	return s
}
