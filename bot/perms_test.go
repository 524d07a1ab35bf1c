package bot

import (
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

func TestChannelPermissions(t *testing.T) {
	const (
		guild = "1"
		bot   = "9"
		mod   = "20"
		other = "21"
		view  = discordgo.PermissionViewChannel
		send  = discordgo.PermissionSendMessages
		embed = discordgo.PermissionEmbedLinks
		base  = view | send | embed
	)
	roles := []*discordgo.Role{{ID: guild, Permissions: base}, {ID: mod, Permissions: discordgo.PermissionManageMessages},
		{ID: other, Permissions: discordgo.PermissionAdministrator}}
	member := func(roles ...string) *discordgo.Member {
		return &discordgo.Member{User: &discordgo.User{ID: bot}, Roles: roles}
	}
	role := func(id string, allow, deny int64) *discordgo.PermissionOverwrite {
		return &discordgo.PermissionOverwrite{ID: id, Type: discordgo.PermissionOverwriteTypeRole, Allow: allow, Deny: deny}
	}
	user := func(allow, deny int64) *discordgo.PermissionOverwrite {
		return &discordgo.PermissionOverwrite{ID: bot, Type: discordgo.PermissionOverwriteTypeMember, Allow: allow, Deny: deny}
	}
	tests := []struct {
		name string
		m    *discordgo.Member
		ows  []*discordgo.PermissionOverwrite
		want int64
	}{
		{"base", member(), nil, base},
		{"role adds", member(mod), nil, base | discordgo.PermissionManageMessages},
		{"administrator overrides overwrites", member(other), []*discordgo.PermissionOverwrite{role(guild, 0, view)}, allPermissions},
		{"everyone deny", member(), []*discordgo.PermissionOverwrite{role(guild, 0, send)}, view | embed},
		{"role allow beats everyone deny", member(mod), []*discordgo.PermissionOverwrite{role(guild, 0, send), role(mod, send, 0)},
			base | discordgo.PermissionManageMessages},
		{"role allow beats another role's deny", member(mod, "22"), []*discordgo.PermissionOverwrite{role("22", 0, embed), role(mod, embed, 0)},
			base | discordgo.PermissionManageMessages},
		{"overwrite of a role the bot lacks", member(), []*discordgo.PermissionOverwrite{role(mod, 0, view)}, base},
		{"member deny beats role allow", member(mod), []*discordgo.PermissionOverwrite{role(mod, embed, 0), user(0, embed)},
			view | send | discordgo.PermissionManageMessages},
		{"member allow beats everyone deny", member(), []*discordgo.PermissionOverwrite{role(guild, 0, base), user(view, 0)}, view},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := channelPermissions(guild, tt.m, roles, tt.ows); got != tt.want {
				t.Errorf("permissions %b, want %b", got, tt.want)
			}
		})
	}
}

func TestRecentIDs(t *testing.T) {
	var r recentIDs
	now := time.Now()
	if !r.first("a", now) || r.first("a", now.Add(time.Minute)) {
		t.Fatal("a second sight of an id within the window counts as new")
	}
	if !r.first("a", now.Add(recentWindow+2*time.Minute)) {
		t.Error("an id past the window is still remembered")
	}
	for i := range recentMax + 10 {
		r.first(string(rune(0x1000+i)), now.Add(recentWindow+3*time.Minute))
	}
	if len(r.at) > recentMax || len(r.order) != len(r.at) {
		t.Errorf("%d ids remembered (%d in order), want at most %d", len(r.at), len(r.order), recentMax)
	}
}
