package bot

import (
	"context"

	"github.com/bwmarrin/discordgo"
)

// permManageGuild is Discord's Manage Server permission; admins hold it too.
const (
	permManageGuild   = discordgo.PermissionManageGuild
	permAdministrator = discordgo.PermissionAdministrator
)

// Longest values of string options: Discord's client refuses longer input
// (max_length), and checkLengths refuses it from a crafted request.
const (
	maxQueryLen   = 300  // a search query
	maxNameLen    = 100  // a watch name, a feed title
	maxListLen    = 1000 // a comma-separated list of names or phrases
	maxURLLen     = 2048 // a feed URL (or a feed id)
	maxShortLen   = 40   // a time ("since") or a poll interval
	maxCountryLen = 2    // an ISO 3166-1 alpha-2 country code
)

// commands returns the slash commands the bot registers, with their names
// and descriptions in Russian and Ukrainian.
//
// None of them has default_member_permissions. Discord can only restrict a
// whole command, so Manage Server on /watch, /feed and /alerts hid their
// list and show subcommands from every member, and hid the admin
// subcommands from the members the configuration trusts with
// admin_role_id, unless a server admin opened each command under Server
// Settings → Integrations. Every member sees every command instead; the
// bot checks Manage Server or the admin role on each admin subcommand and
// says what is needed. A server that wants them hidden can still restrict
// them in Integrations (README, /help).
func commands() []*discordgo.ApplicationCommand {
	noDM := false
	guildOnly := &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	str := func(name, desc string, maxLen int, required, auto bool) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString,
			Name: name, Description: desc, Required: required, Autocomplete: auto, MaxLength: maxLen}
	}
	integer := func(name, desc string, lo, hi float64) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger,
			Name: name, Description: desc, MinValue: &lo, MaxValue: hi}
	}
	boolean := func(name, desc string) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionBoolean, Name: name, Description: desc}
	}
	kind := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString,
		Name: "kind", Description: "city or actor",
		Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "city", Value: "city"}, {Name: "actor", Value: "actor"}}}
	required := func(o *discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
		c := *o
		c.Required = true
		return &c
	}
	sub := func(name, desc string, opts ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand,
			Name: name, Description: desc, Options: opts}
	}
	channel := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionChannel,
		Name: "channel", Description: "the channel", Required: true,
		ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildNews}}
	page := integer("page", "page number", 1, 1000)
	limit := integer("limit", "results per page (default 10)", 1, 25)
	// Stories: one entry per story unless expand is set (search, latest);
	// mentions list items unless by is stories.
	expand := boolean("expand", "list every item, not one entry per story")
	by := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString,
		Name: "by", Description: "list and count items (default) or stories",
		Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "items", Value: "items"}, {Name: "stories", Value: "stories"}}}
	cmds := []*discordgo.ApplicationCommand{
		{Name: "search", Description: "Full-text search of the stored news items",
			Options: []*discordgo.ApplicationCommandOption{str("query", "words to look for", maxQueryLen, true, false), limit, page, expand}},
		{Name: "latest", Description: "The newest items",
			Options: []*discordgo.ApplicationCommandOption{str("feed", "only this feed", maxURLLen, false, true), limit, page, expand}},
		{Name: "mentions", Description: "Where a watched city or actor was mentioned",
			Options: []*discordgo.ApplicationCommandOption{str("name", "a watched name", maxNameLen, true, true),
				str("since", `e.g. "24h", "7d" or "2014-04-01"`, maxShortLen, false, false), limit, page, by}},
		{Name: "stats", Description: "What the bot has stored and found"},
		{Name: "story", Description: "The sources of a story (its id is shown in /search and /latest)",
			Options: []*discordgo.ApplicationCommandOption{required(integer("id", "the story's number", 1, 1<<53)), limit, page}},
		{Name: "help", Description: "What each newswatch command does"},
		{Name: "watch", Description: "Watched cities and actors", Options: []*discordgo.ApplicationCommandOption{
			sub("add", "Add or change a watch (admins)", str("name", "the canonical name", maxNameLen, true, true), required(kind),
				str("aliases", "other names, comma-separated", maxListLen, false, false),
				str("exclude", "phrases in which a match does not count, comma-separated", maxListLen, false, false),
				boolean("case_sensitive", "match the exact case (for names that are common words)"),
				boolean("auto_aliases", "add spellings from the gazetteer and transliteration (default: yes for known cities)"),
				str("country", "ISO country code of the city, e.g. UA", maxCountryLen, false, true),
				boolean("fuzzy", "allow one typo in names of 7 or more letters"),
				boolean("surname_only", "with auto aliases, the actor's family name alone matches (default: yes)")),
			sub("edit", "Drop or restore an added alias (admins)", str("name", "the watch", maxNameLen, true, true),
				str("drop_alias", "an added alias to leave out", maxNameLen, false, true),
				str("restore_alias", "a dropped alias to add again", maxNameLen, false, true)),
			sub("remove", "Remove a watch (admins)", str("name", "the watch", maxNameLen, true, true)),
			sub("list", "List the watches", kind, page),
			sub("show", "Show one watch", str("name", "the watch", maxNameLen, true, true)),
			sub("mute", "Silence a watch's alerts here for a while (admins)", str("name", "the watch", maxNameLen, true, true),
				str("duration", `how long, e.g. "30m", "2h", "1d" (at most 30 days)`, maxShortLen, true, false)),
			sub("unmute", "Let a muted watch alert again (admins)", str("name", "the watch", maxNameLen, true, true)),
		}},
		{Name: "feed", Description: "Subscribed feeds", Options: []*discordgo.ApplicationCommandOption{
			sub("add", "Subscribe to a feed (admins)", str("url", "the feed URL", maxURLLen, true, false),
				str("interval", `poll interval, e.g. "15m" (default: adaptive)`, maxShortLen, false, false)),
			sub("remove", "Unsubscribe from a feed (admins)", str("feed", "feed id or URL", maxURLLen, true, true)),
			sub("list", "List the feeds with their health", page),
			sub("retry", "Poll a failing feed again now (admins)", str("feed", "feed id or URL", maxURLLen, true, true)),
		}},
		{Name: "alerts", Description: "Where alerts are posted", Options: []*discordgo.ApplicationCommandOption{
			sub("set", "Post alerts in a channel (admins)", channel,
				str("watches", "only these watches, comma-separated (default: every one)", maxListLen, false, false),
				str("query", `only items matching this search, e.g. "(Kramatorsk OR Sloviansk) shelling -exercise"`, maxQueryLen, false, false),
				kind, &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionRole,
					Name: "role", Description: "role to ping with each alert"},
				integer("min_sources", "alert once a story has this many sources (default 1)", 1, maxMinSources),
				boolean("spikes", "also post spike alerts of these watches"),
				boolean("quiet", "no alerts for single items: only spikes and the digest"),
				boolean("stories", "one alert per story, edited as sources join (default: yes)"),
				integer("cap", "at most this many alerts per watch per hour, then one summary (0: no cap)", 0, maxCapPerHour)),
			sub("off", "Stop alerts in a channel (admins)", channel),
			sub("list", "List the alert channels"),
			sub("digest", "Post a daily digest in a channel (admins)", channel,
				integer("hour", "the hour of the day, UTC (0-23)", 0, 23), boolean("off", "stop the digest")),
		}},
		trendCommand(str), // trend.go
	}
	for _, c := range cmds {
		c.DMPermission = &noDM
		c.Contexts = guildOnly
		localizeCommand(c)
	}
	return cmds
}

// adminCommands are the commands that need Manage Server or the admin role.
var adminCommands = map[string]bool{
	"watch add": true, "watch remove": true, "watch edit": true, "watch mute": true, "watch unmute": true,
	"feed add": true, "feed remove": true, "feed retry": true,
	"alerts set": true, "alerts off": true, "alerts digest": true,
}

// maxLengths maps "command [subcommand] option" to the option's max_length.
var maxLengths = func() map[string]int {
	m := map[string]int{}
	var walk func(path string, opts []*discordgo.ApplicationCommandOption)
	walk = func(path string, opts []*discordgo.ApplicationCommandOption) {
		for _, o := range opts {
			switch o.Type {
			case discordgo.ApplicationCommandOptionSubCommand, discordgo.ApplicationCommandOptionSubCommandGroup:
				walk(path+" "+o.Name, o.Options)
			case discordgo.ApplicationCommandOptionString:
				if o.MaxLength > 0 {
					m[path+" "+o.Name] = o.MaxLength
				}
			}
		}
	}
	for _, c := range commands() {
		walk(c.Name, c.Options)
	}
	return m
}()

// registerCommands overwrites the commands in each configured guild, or
// globally when none is configured.
func (b *Bot) registerCommands(ctx context.Context) error {
	guilds := b.cfg.GuildIDs
	if len(guilds) == 0 {
		guilds = []string{""}
	}
	for _, g := range guilds {
		err := b.call(ctx, func(opts ...discordgo.RequestOption) error {
			_, err := b.s.ApplicationCommandBulkOverwrite(b.cfg.AppID, g, commands(), opts...)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}
