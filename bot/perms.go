package bot

import (
	"context"
	"errors"
	"net/http"

	"github.com/bwmarrin/discordgo"

	"github.com/newswatch/newswatch"
)

// allPermissions is every permission bit, what ADMINISTRATOR grants.
const allPermissions = int64(^uint64(0) >> 1)

// isAdmin checks the member's permissions and roles as sent in the interaction.
func (b *Bot) isAdmin(m *discordgo.Member) bool {
	if m == nil {
		return false
	}
	if m.Permissions&(permManageGuild|permAdministrator) != 0 {
		return true
	}
	for _, r := range m.Roles {
		if b.cfg.AdminRoleID != "" && r == b.cfg.AdminRoleID {
			return true
		}
	}
	return false
}

// checkRouteTarget checks, before /alerts set saves a route, that the
// channel belongs to the interaction's server and is a text or announcement
// channel, that the bot can view it, send messages and embed links there,
// and that it can ping the role. A refusal says exactly what is missing.
//
// The bot's permissions in the channel where the command was used come with
// the interaction (app_permissions); for any other channel they are
// computed from the server's roles, the bot's member roles and the
// channel's permission overwrites, as Discord's docs describe.
func (b *Bot) checkRouteTarget(ctx context.Context, v *invocation, channelID, roleID string) error {
	// Discord resolves a channel option among the server's channels; one
	// missing from the resolved objects is not of this server.
	if v.resolved != nil && v.resolved.Channels[channelID] == nil {
		return v.errorf(newswatch.EINVALID, "err.channel_other", channelID)
	}
	var ch *discordgo.Channel
	err := b.call(ctx, func(opts ...discordgo.RequestOption) (err error) {
		ch, err = b.s.Channel(channelID, opts...)
		return err
	})
	switch status := callStatus(err); {
	case err == nil:
	case status == http.StatusForbidden: // Missing Access: the bot cannot see it
		return v.errorf(newswatch.EFORBIDDEN, "perm.view", channelID)
	case status == http.StatusNotFound:
		return v.errorf(newswatch.EINVALID, "err.channel_other", channelID)
	default:
		b.log.Warn("look up a channel for /alerts set", "channel", channelID, "err", b.redact(err.Error()))
		return v.errorf(newswatch.EINVALID, "err.perm_lookup", channelID)
	}
	if ch.GuildID != v.guildID {
		return v.errorf(newswatch.EINVALID, "err.channel_other", channelID)
	}
	if ch.Type != discordgo.ChannelTypeGuildText && ch.Type != discordgo.ChannelTypeGuildNews {
		return v.errorf(newswatch.EINVALID, "err.channel_type", channelID)
	}
	var roles []*discordgo.Role
	var perms int64
	if channelID == v.channelID && v.appPerms != 0 && roleID == "" {
		perms = v.appPerms
	} else {
		var me *discordgo.Member
		err := b.call(ctx, func(opts ...discordgo.RequestOption) (err error) {
			if roles, err = b.s.GuildRoles(v.guildID, opts...); err != nil {
				return err
			}
			me, err = b.s.GuildMember(v.guildID, b.cfg.AppID, opts...)
			return err
		})
		if err != nil {
			b.log.Warn("look up roles for /alerts set", "guild", v.guildID, "err", b.redact(err.Error()))
			return v.errorf(newswatch.EINVALID, "err.perm_lookup", channelID)
		}
		perms = channelPermissions(v.guildID, me, roles, ch.PermissionOverwrites)
		if channelID == v.channelID && v.appPerms != 0 {
			perms = v.appPerms // Discord's own computation wins where it is given
		}
	}
	for _, need := range []struct {
		bit int64
		msg string
	}{
		{discordgo.PermissionViewChannel, "perm.view"},
		{discordgo.PermissionSendMessages, "perm.send"},
		{discordgo.PermissionEmbedLinks, "perm.embed"},
	} {
		if perms&need.bit == 0 {
			return v.errorf(newswatch.EFORBIDDEN, need.msg, channelID)
		}
	}
	if roleID == "" {
		return nil
	}
	for _, r := range roles {
		if r.ID == roleID {
			if !r.Mentionable && perms&discordgo.PermissionMentionEveryone == 0 {
				return v.errorf(newswatch.EFORBIDDEN, "perm.ping", "**"+plain(r.Name)+"**", channelID)
			}
			return nil
		}
	}
	return v.errorf(newswatch.EINVALID, "err.role_other")
}

// channelPermissions computes a member's permissions in a channel as
// Discord's docs ("Permissions", "Permission Hierarchy") describe: the
// @everyone role's permissions and those of the member's roles; everything
// with ADMINISTRATOR; then the channel's overwrites in order: @everyone's,
// the member's roles' (all denies, then all allows), the member's own.
func channelPermissions(guildID string, m *discordgo.Member, roles []*discordgo.Role, overwrites []*discordgo.PermissionOverwrite) int64 {
	has := map[string]bool{guildID: true}
	var userID string
	if m != nil {
		for _, r := range m.Roles {
			has[r] = true
		}
		if m.User != nil {
			userID = m.User.ID
		}
	}
	var perms int64
	for _, r := range roles {
		if has[r.ID] {
			perms |= r.Permissions
		}
	}
	if perms&discordgo.PermissionAdministrator != 0 {
		return allPermissions
	}
	for _, o := range overwrites {
		if o.Type == discordgo.PermissionOverwriteTypeRole && o.ID == guildID {
			perms = perms&^o.Deny | o.Allow
		}
	}
	var allow, deny int64
	for _, o := range overwrites {
		if o.Type == discordgo.PermissionOverwriteTypeRole && o.ID != guildID && has[o.ID] {
			allow |= o.Allow
			deny |= o.Deny
		}
	}
	perms = perms&^deny | allow
	for _, o := range overwrites {
		if o.Type == discordgo.PermissionOverwriteTypeMember && o.ID == userID && userID != "" {
			perms = perms&^o.Deny | o.Allow
		}
	}
	return perms
}

// callStatus is the HTTP status of a failed call, 0 when none arrived.
func callStatus(err error) int {
	var ce *callError
	if errors.As(err, &ce) {
		return ce.status
	}
	return 0
}
