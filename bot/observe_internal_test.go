package bot

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/newswatch/newswatch"
)

func TestRouteGroup(t *testing.T) {
	for _, tc := range []struct{ path, want string }{
		{"/api/v9/channels/300000000000000009/messages", "channels/messages"},
		{"/api/v9/channels/300000000000000009/messages/1234", "channels/messages"},
		{"/api/v9/channels/300000000000000009", "channels"},
		{"/api/v9/interactions/555/tok-secret/callback", "interactions/callback"},
		{"/api/v9/webhooks/777/tok-secret/messages/@original", "webhooks"},
		{"/api/v9/webhooks/777/tok-secret", "webhooks"},
		{"/api/v9/applications/777/guilds/900/commands", "applications/commands"},
		{"/api/v9/applications/777/commands", "applications/commands"},
		{"/api/v9/applications/777/commands/42", "applications/commands"},
		{"/api/v9/applications/777/role-connections/metadata", "other"},
		{"/api/v9/gateway/bot", "gateway/bot"},
		{"/api/v9/gateway", "other"},
		{"/api/v9/users/@me", "users/@me"},
		{"/api/v9/users/123", "other"},
		{"/api/v9/guilds/900/members/1", "guilds"},
		{"/channels/1/messages", "channels/messages"}, // no prefix
		{"/api/v10/users/@me", "users/@me"},
		{"/api/v9/", "other"},
		{"/", "other"},
		{"/api/v9/stickers/1", "other"},
	} {
		got := routeGroup(tc.path)
		if got != tc.want {
			t.Errorf("routeGroup(%q) = %q, want %q", tc.path, got, tc.want)
		}
		known := false
		for _, g := range RouteGroups {
			known = known || g == got
		}
		if !known {
			t.Errorf("routeGroup(%q) = %q, not in RouteGroups", tc.path, got)
		}
	}
}

func TestOutcomeAndFailReason(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{nil, "ok"},
		{newswatch.Errorf(newswatch.EFORBIDDEN, "no"), "denied"},
		{newswatch.Errorf(newswatch.EINVALID, "bad"), "user_error"},
		{newswatch.Errorf(newswatch.ENOTFOUND, "gone"), "user_error"},
		{newswatch.Errorf(newswatch.ECONFLICT, "taken"), "user_error"},
		{errors.New("disk on fire"), "error"},
	} {
		if got := outcome(tc.err); got != tc.want {
			t.Errorf("outcome(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&callError{status: http.StatusForbidden, err: errors.New("x")}, "route_disabled"},
		{fmt.Errorf("wrapped: %w", &callError{status: http.StatusNotFound, err: errors.New("x")}), "route_disabled"},
		{&callError{status: http.StatusBadRequest, err: errors.New("x")}, "refused_plain_fallback"},
		{&callError{status: http.StatusRequestEntityTooLarge, err: errors.New("x")}, "too_large"},
		{&callError{status: http.StatusConflict, err: errors.New("x")}, "other"},
		{errors.New("unreadable body"), "other"},
	} {
		if got := failReason(tc.err); got != tc.want {
			t.Errorf("failReason(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

// BenchmarkRouteGroup measures what the transport adds to every REST call
// to find the route group of its path.
func BenchmarkRouteGroup(b *testing.B) {
	for b.Loop() {
		routeGroup("/api/v9/webhooks/777000000000000000/aW50ZXJhY3Rpb24tdG9rZW4/messages/@original")
	}
}

func TestCommandNameOfBrokenData(t *testing.T) {
	i := &discordgo.Interaction{Type: discordgo.InteractionApplicationCommand} // no data
	if got := commandName(i); got != "" {
		t.Errorf("commandName = %q, want \"\"", got)
	}
	i.Data = discordgo.ApplicationCommandInteractionData{Name: "watch", Options: []*discordgo.ApplicationCommandInteractionDataOption{
		{Name: "add", Type: discordgo.ApplicationCommandOptionSubCommand}}}
	if got := commandName(i); got != "watch add" {
		t.Errorf("commandName = %q, want \"watch add\"", got)
	}
}
