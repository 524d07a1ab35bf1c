package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newswatch/newswatch/bot/discordtest"
)

const (
	testToken = "tok-MARKER-7f3a9c"
	testGuild = "900000000000000001"
	testChan  = "300000000000000009"
)

// discordEnv is a seeds directory with the seed article and watchlist and a
// config that points the bot at a fake Discord.
func discordEnv(t *testing.T, fake *discordtest.Fake) (testEnv, string) {
	t.Helper()
	seedDir := t.TempDir()
	for _, name := range []string{"2014-04-13-bbc-sloviansk-officer-killed.txt", "watchlist.toml"} {
		data, err := os.ReadFile(filepath.Join("../../seeds", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(seedDir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	extra := "[discord]\napplication_id = \"" + fake.AppID + "\"\napi_base = \"" + fake.URL + "\"\nguild_ids = [\"" + testGuild + "\"]\n"
	return newTestEnv(t, seedDir, extra), seedDir
}

// TestRunWithDiscord runs the daemon against the fake Discord: commands are
// registered, an admin routes alerts to a channel, a new seed file's alert is
// posted there, /search answers, and the token appears nowhere.
func TestRunWithDiscord(t *testing.T) {
	fake := discordtest.New(testToken)
	defer fake.Close()
	fake.AddGuild(testGuild) // /alerts set checks the channel's server and the bot's permissions
	fake.AddChannel(discordtest.GuildChannel{ID: testChan, GuildID: testGuild, Name: "alerts"})
	e, seedDir := discordEnv(t, fake)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, out, errOut := tokenCLI(testToken)
	done := make(chan int, 1)
	go func() { done <- c.main(ctx, []string{"run", "--config", e.config}) }()
	if !fake.WaitCommands(testGuild, 30*time.Second) {
		t.Fatalf("commands not registered; stderr:\n%s", errOut.String())
	}
	reply, err := fake.Interact(discordtest.Interaction{GuildID: testGuild, Permissions: "32",
		Data: discordtest.Command("alerts set", discordtest.Channel("channel", testChan))}, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if reply.Ephemeral && strings.Contains(strings.ToLower(reply.Text()), "error") {
		t.Fatalf("/alerts set: %s", reply.Text())
	}
	added := "Title: Checkpoint seized\n\nArmed men seized a checkpoint outside Слов'янська overnight.\n"
	if err := os.WriteFile(filepath.Join(seedDir, "later.txt"), []byte(added), 0o644); err != nil {
		t.Fatal(err)
	}
	msgs := fake.WaitMessages(testChan, 1, 30*time.Second)
	if len(msgs) != 1 {
		t.Fatalf("messages in the alert channel = %d, want 1; stderr:\n%s", len(msgs), errOut.String())
	}
	body := string(msgs[0].Raw)
	for _, want := range []string{"Checkpoint seized", "Sloviansk", `"parse":[]`} {
		if !strings.Contains(body, want) {
			t.Errorf("alert body lacks %q: %s", want, body)
		}
	}
	if strings.Contains(body, "Ukrainian officer") {
		t.Errorf("the seed ingested before the route existed was alerted again: %s", body)
	}
	reply, err = fake.Interact(discordtest.Interaction{GuildID: testGuild,
		Data: discordtest.Command("search", discordtest.Str("query", "anti-terror operation"))}, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(reply.Text(), "Ukrainian officer") {
		t.Errorf("/search reply lacks the seed article: %s", reply.Text())
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("run exit %d: %s", code, errOut.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not stop")
	}
	for _, r := range fake.Requests() {
		if strings.Contains(string(r.Body), testToken) || strings.Contains(r.Path, testToken) {
			t.Errorf("token sent in a request body or path: %s %s", r.Method, r.Path)
		}
	}
	if strings.Contains(out.String()+errOut.String(), testToken) {
		t.Error("token printed")
	}
}

func TestRunWithAWrongTokenExitsWithOneClearLine(t *testing.T) {
	fake := discordtest.New(testToken)
	defer fake.Close()
	e, _ := discordEnv(t, fake)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, out, errOut := tokenCLI("wrong-MARKER-token")
	code := c.main(ctx, []string{"run", "--config", e.config})
	if ctx.Err() != nil {
		t.Fatal("run kept going with a wrong token")
	}
	if code == 0 {
		t.Fatalf("exit 0 with a wrong token")
	}
	if !strings.Contains(errOut.String(), "rejected the bot token") {
		t.Errorf("stderr lacks a clear line about the token:\n%s", errOut.String())
	}
	if strings.Contains(out.String()+errOut.String(), "wrong-MARKER-token") {
		t.Error("the token was printed")
	}
}

// tokenCLI is a command line whose environment has DISCORD_TOKEN = token
// and nothing else, with its outputs.
func tokenCLI(token string) (c *cli, out, errOut *syncBuffer) {
	out, errOut = &syncBuffer{}, &syncBuffer{}
	c = &cli{stdin: strings.NewReader(""), stdout: out, stderr: errOut,
		getenv: func(k string) string {
			if k == "DISCORD_TOKEN" {
				return token
			}
			return ""
		}}
	return c, out, errOut
}
