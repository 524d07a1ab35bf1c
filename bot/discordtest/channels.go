package discordtest

import (
	"net/http"
	"strconv"

	"github.com/bwmarrin/discordgo"
)

// DefaultEveryone is the @everyone permissions AddGuild gives when the test
// names none: view channels, send messages, embed links, read history, add
// reactions and use application commands.
const DefaultEveryone = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages |
	discordgo.PermissionEmbedLinks | discordgo.PermissionReadMessageHistory |
	discordgo.PermissionAddReactions | discordgo.PermissionUseSlashCommands

// GuildRole is a guild role. The @everyone role has the guild's id.
type GuildRole struct {
	ID          string
	Name        string
	Permissions int64
	Mentionable bool
}

// Overwrite is a channel permission overwrite for a role (Member false; the
// guild id is @everyone) or a member (Member true).
type Overwrite struct {
	ID          string
	Member      bool
	Allow, Deny int64
}

// GuildChannel is a guild channel.
type GuildChannel struct {
	ID         string
	GuildID    string
	Name       string
	Type       discordgo.ChannelType // 0 text (the default), 5 announcement, ...
	Overwrites []Overwrite
}

type guildState struct {
	roles   []GuildRole
	members map[string][]string // user id -> role ids
}

// AddGuild declares a guild with its roles; an @everyone role (id guildID,
// DefaultEveryone) is added unless roles has one. The bot is a member with
// no role of its own until SetMemberRoles says otherwise.
func (f *Fake) AddGuild(guildID string, roles ...GuildRole) {
	f.mu.Lock()
	defer f.mu.Unlock()
	g := &guildState{members: map[string][]string{f.AppID: {}}}
	everyone := false
	for _, r := range roles {
		everyone = everyone || r.ID == guildID
	}
	if !everyone {
		g.roles = append(g.roles, GuildRole{ID: guildID, Name: "@everyone", Permissions: DefaultEveryone})
	}
	g.roles = append(g.roles, roles...)
	f.guilds[guildID] = g
}

// SetMemberRoles sets the roles of a member (the bot is user f.AppID) of a
// guild declared with AddGuild.
func (f *Fake) SetMemberRoles(guildID, userID string, roleIDs ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if g := f.guilds[guildID]; g != nil {
		g.members[userID] = append([]string{}, roleIDs...)
	}
}

// AddChannel declares (or replaces) a channel of a guild.
func (f *Fake) AddChannel(c GuildChannel) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.channels[c.ID] = c
}

// channelRoute serves channel lookups, guild roles and guild members with
// Discord's object shapes (ids and permissions as strings); ok is false for
// any other path.
func (f *Fake) channelRoute(method string, parts []string) (restReply, bool) {
	if method != http.MethodGet {
		return restReply{}, false
	}
	switch {
	case len(parts) == 2 && parts[0] == "channels":
		c, ok := f.channels[parts[1]]
		if !ok {
			return restReply{status: http.StatusNotFound, body: errorBody(10003, "Unknown Channel")}, true
		}
		if f.permissions(c.GuildID, f.AppID, c.ID)&discordgo.PermissionViewChannel == 0 {
			return restReply{status: http.StatusForbidden, body: errorBody(50001, "Missing Access")}, true
		}
		return restReply{status: 200, body: channelJSON(c)}, true
	case len(parts) == 3 && parts[0] == "guilds" && parts[2] == "roles":
		g := f.guilds[parts[1]]
		if g == nil {
			return restReply{status: http.StatusNotFound, body: errorBody(10004, "Unknown Guild")}, true
		}
		out := make([]map[string]any, 0, len(g.roles))
		for i, r := range g.roles {
			out = append(out, map[string]any{"id": r.ID, "name": r.Name, "color": 0, "hoist": false,
				"icon": nil, "unicode_emoji": nil, "position": i, "permissions": strconv.FormatInt(r.Permissions, 10),
				"managed": false, "mentionable": r.Mentionable, "flags": 0})
		}
		return restReply{status: 200, body: out}, true
	case len(parts) == 4 && parts[0] == "guilds" && parts[2] == "members":
		g := f.guilds[parts[1]]
		if g == nil {
			return restReply{status: http.StatusNotFound, body: errorBody(10004, "Unknown Guild")}, true
		}
		roles, ok := g.members[parts[3]]
		if !ok {
			return restReply{status: http.StatusNotFound, body: errorBody(10007, "Unknown Member")}, true
		}
		user := map[string]any{"id": parts[3], "username": "user" + parts[3], "discriminator": "0", "global_name": nil}
		if parts[3] == f.AppID {
			user = f.botUser()
		}
		return restReply{status: 200, body: map[string]any{"user": user, "nick": nil, "avatar": nil,
			"roles": append([]string{}, roles...), "joined_at": "2024-01-01T00:00:00.000000+00:00",
			"deaf": false, "mute": false, "flags": 0, "pending": false}}, true
	}
	return restReply{}, false
}

func channelJSON(c GuildChannel) map[string]any {
	ows := make([]map[string]any, 0, len(c.Overwrites))
	for _, o := range c.Overwrites {
		typ := 0
		if o.Member {
			typ = 1
		}
		ows = append(ows, map[string]any{"id": o.ID, "type": typ,
			"allow": strconv.FormatInt(o.Allow, 10), "deny": strconv.FormatInt(o.Deny, 10)})
	}
	return map[string]any{"id": c.ID, "type": c.Type, "guild_id": c.GuildID, "name": c.Name,
		"position": 0, "permission_overwrites": ows, "nsfw": false, "parent_id": nil,
		"topic": nil, "last_message_id": nil, "rate_limit_per_user": 0, "flags": 0}
}

// permissions computes a member's permissions in a channel with f.mu held,
// the way Discord's docs describe it (base from @everyone and the member's
// roles, ADMINISTRATOR grants all, then the overwrites of @everyone, of the
// member's roles and of the member). It is 0 for an unknown guild, member
// or channel.
func (f *Fake) permissions(guildID, userID, channelID string) int64 {
	g := f.guilds[guildID]
	c, ok := f.channels[channelID]
	if g == nil || !ok || c.GuildID != guildID {
		return 0
	}
	mine, ok := g.members[userID]
	if !ok {
		return 0
	}
	in := map[string]bool{guildID: true}
	for _, r := range mine {
		in[r] = true
	}
	var p int64
	for _, r := range g.roles {
		if in[r.ID] {
			p |= r.Permissions
		}
	}
	if p&discordgo.PermissionAdministrator != 0 {
		return discordgo.PermissionAll | discordgo.PermissionAdministrator
	}
	apply := func(match func(Overwrite) bool) {
		var allow, deny int64
		for _, o := range c.Overwrites {
			if match(o) {
				allow |= o.Allow
				deny |= o.Deny
			}
		}
		p = p&^deny | allow
	}
	apply(func(o Overwrite) bool { return !o.Member && o.ID == guildID })
	apply(func(o Overwrite) bool { return !o.Member && o.ID != guildID && in[o.ID] })
	apply(func(o Overwrite) bool { return o.Member && o.ID == userID })
	return p
}

// withResolved returns the interaction's command data with Discord's
// resolved objects for its channel and role options (the fake's channels and
// roles), as Discord sends them; other data is returned as it is.
func (f *Fake) withResolved(in Interaction) any {
	data, ok := in.Data.(map[string]any)
	if !ok || in.GuildID == "" {
		return in.Data
	}
	channels, roles := map[string]any{}, map[string]any{}
	var walk func(opts []map[string]any)
	walk = func(opts []map[string]any) {
		for _, o := range opts {
			if sub, ok := o["options"].([]map[string]any); ok {
				walk(sub)
			}
			id, _ := o["value"].(string)
			switch o["type"] {
			case discordgo.ApplicationCommandOptionChannel:
				if c, ok := f.channels[id]; ok && c.GuildID == in.GuildID {
					channels[id] = map[string]any{"id": c.ID, "name": c.Name, "type": c.Type,
						"permissions": in.Permissions, "parent_id": nil}
				}
			case discordgo.ApplicationCommandOptionRole:
				if g := f.guilds[in.GuildID]; g != nil {
					for i, r := range g.roles {
						if r.ID == id {
							roles[id] = map[string]any{"id": r.ID, "name": r.Name, "color": 0, "hoist": false,
								"position": i, "permissions": strconv.FormatInt(r.Permissions, 10),
								"managed": false, "mentionable": r.Mentionable, "flags": 0}
						}
					}
				}
			}
		}
	}
	opts, _ := data["options"].([]map[string]any)
	walk(opts)
	if len(channels) == 0 && len(roles) == 0 {
		return data
	}
	out := make(map[string]any, len(data)+1)
	for k, v := range data {
		out[k] = v
	}
	resolved := map[string]any{}
	if len(channels) > 0 {
		resolved["channels"] = channels
	}
	if len(roles) > 0 {
		resolved["roles"] = roles
	}
	out["resolved"] = resolved
	return out
}
