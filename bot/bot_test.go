package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/newswatch/newswatch/bot"
	"github.com/newswatch/newswatch/bot/discordtest"
)

func TestConfigValidate(t *testing.T) {
	ok := bot.Config{Token: "abc", AppID: "123"}
	tests := []struct {
		name   string
		change func(*bot.Config)
		want   string // substring of the error; "" for none
	}{
		{"valid", func(*bot.Config) {}, ""},
		{"bot prefix", func(c *bot.Config) { c.Token = "Bot abc" }, ""},
		{"no token", func(c *bot.Config) { c.Token = "" }, "token is empty"},
		{"bad app id", func(c *bot.Config) { c.AppID = "app" }, "application id"},
		{"bad guild", func(c *bot.Config) { c.GuildIDs = []string{"x"} }, "guild id"},
		{"bad api base", func(c *bot.Config) { c.APIBase = "ftp://x" }, "API base"},
		{"negative cap", func(c *bot.Config) { c.MaxFeedsPerGuild = -1 }, "caps"},
		{"bad admin role", func(c *bot.Config) { c.AdminRoleID = "admins" }, "admin role"},
		{"defer after the 3s window", func(c *bot.Config) { c.DeferAfter = 3 * time.Second }, "defer_after"},
		{"negative request timeout", func(c *bot.Config) { c.RequestTimeout = -time.Second }, "request timeout"},
		{"negative batch", func(c *bot.Config) { c.BatchSize = -1 }, "batch size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.change(&c)
			err := c.Validate()
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("Validate() = %v, want %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), c.Token) && c.Token != "" {
				t.Errorf("the error quotes the token: %v", err)
			}
		})
	}
}

func TestWrongTokenStopsRun(t *testing.T) {
	e := newEnv(t)
	e.cfg.Token = "wrong-" + marker
	b, err := bot.New(e.cfg, e.deps)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = b.Run(context.Background())
	if !errors.Is(err, bot.ErrTokenRejected) {
		t.Fatalf("Run() = %v, want ErrTokenRejected", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Run took %v to give up", d)
	}
	if strings.Contains(err.Error(), marker) || strings.Count(err.Error(), "\n") > 0 {
		t.Errorf("error %q: want one line without the token", err)
	}
	if ids, _, _ := e.fake.GatewayStats(); ids != 0 {
		t.Errorf("the bot identified %d times with a rejected token", ids)
	}
}

func TestCommandsRegisteredPerGuild(t *testing.T) {
	e := newEnv(t)
	e.start()
	for _, g := range []string{guildA, guildB} {
		var cmds []struct {
			Name                     string  `json:"name"`
			DMPermission             *bool   `json:"dm_permission"`
			DefaultMemberPermissions *string `json:"default_member_permissions"`
			Contexts                 []int   `json:"contexts"`
			Options                  []struct {
				Name string `json:"name"`
			} `json:"options"`
		}
		if err := json.Unmarshal(e.fake.Commands(g), &cmds); err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, c := range cmds {
			got[c.Name] = true
			if c.DMPermission == nil || *c.DMPermission {
				t.Errorf("/%s: dm_permission not false", c.Name)
			}
			if len(c.Contexts) != 1 || c.Contexts[0] != 0 {
				t.Errorf("/%s: contexts %v, want [0] (guild)", c.Name, c.Contexts)
			}
			// No default_member_permissions: members with only
			// admin_role_id must see the admin commands (the bot checks
			// each use), and everyone the list and show subcommands.
			if c.DefaultMemberPermissions != nil {
				t.Errorf("/%s: default_member_permissions %v, want none", c.Name, *c.DefaultMemberPermissions)
			}
		}
		for _, name := range []string{"search", "latest", "mentions", "stats", "watch", "feed", "alerts"} {
			if !got[name] {
				t.Errorf("guild %s: /%s not registered", g, name)
			}
		}
	}
	if e.fake.Commands("") != nil {
		t.Error("global commands registered although guilds are configured")
	}
}

func TestGlobalCommandsWithoutGuilds(t *testing.T) {
	e := newEnv(t, func(e *env) { e.cfg.GuildIDs, e.cfg.AppID = nil, "" })
	e.start()
	if !e.fake.WaitCommands("", wait) {
		t.Fatal("global commands not registered")
	}
}

func TestGatewayDropResumes(t *testing.T) {
	e := newEnv(t)
	e.start()
	e.fake.DropGateway()
	if !e.fake.WaitConnected(1, 1, 15*time.Second) {
		t.Fatal("the bot did not resume after the connection dropped")
	}
	r := e.do(guildA, "0", discordtest.Command("stats"))
	if len(r.Embeds) != 1 || !strings.Contains(r.Text(), "Items") {
		t.Errorf("after resume /stats = %q", r.Text())
	}
	if ids, _, _ := e.fake.GatewayStats(); ids != 1 {
		t.Errorf("identified %d times, want 1 (resume, not a new session)", ids)
	}
}

func TestTokenRevokedWhileRunning(t *testing.T) {
	e := newEnv(t)
	e.start()
	e.fake.SetToken("another-token")
	e.fake.DropGateway()
	select {
	case err := <-e.done:
		if !errors.Is(err, bot.ErrTokenRejected) {
			t.Errorf("Run() = %v, want ErrTokenRejected", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Run kept going with a revoked token")
	}
	e.cancel = nil
}
