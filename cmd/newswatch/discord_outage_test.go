package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/newswatch/newswatch/bot/discordtest"
)

// TestRunSurvivesDiscordDownAtStart: Discord answers 503 to everything when
// the daemon starts. run keeps going (retrying, so feeds and seeds go on),
// connects once Discord is back, and exits 0 on cancel.
func TestRunSurvivesDiscordDownAtStart(t *testing.T) {
	fake := discordtest.New(testToken)
	defer fake.Close()
	fake.SetDown(true)
	e, _ := discordEnv(t, fake)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, _, errOut := tokenCLI(testToken)
	done := make(chan int, 1)
	go func() { done <- c.main(ctx, []string{"run", "--config", e.config}) }()
	// The old bot exited after its first call's retries (4 requests).
	waitRequests(t, fake, "/users/@me", 6, done, errOut)
	fake.SetDown(false)
	if !fake.WaitCommands(testGuild, 30*time.Second) || !fake.WaitConnected(1, 0, 30*time.Second) {
		t.Fatalf("not connected after Discord came back; stderr:\n%s", errOut.String())
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d after cancel, want 0; stderr:\n%s", code, errOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop")
	}
}

// waitRequests waits until the fake saw n requests to path, failing if run
// exits first.
func waitRequests(t *testing.T, fake *discordtest.Fake, path string, n int, done <-chan int, errOut *syncBuffer) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		k := 0
		for _, r := range fake.Requests() {
			if r.Path == path {
				k++
			}
		}
		if k >= n {
			return
		}
		select {
		case code := <-done:
			t.Fatalf("run exited with %d while Discord was down; stderr:\n%s", code, errOut.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d requests to %s, want %d", k, path, n)
		}
	}
}

// TestRunExitsWhenDiscordRequiresSharding: Discord closes the gateway with
// 4011 (too many guilds for the shards asked for); run exits non-zero and
// says what to set, instead of identifying again and again.
func TestRunExitsWhenDiscordRequiresSharding(t *testing.T) {
	fake := discordtest.New(testToken)
	defer fake.Close()
	fake.SetShards(1, 2) // recommends 1 but requires 2: Discord's recommendation lagging behind
	e, _ := discordEnv(t, fake)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, _, errOut := tokenCLI(testToken)
	code := c.main(ctx, []string{"run", "--config", e.config})
	if ctx.Err() != nil {
		t.Fatal("run kept going after close 4011")
	}
	if code == 0 {
		t.Error("exit 0 after close 4011")
	}
	if !strings.Contains(errOut.String(), "set [discord] shards") {
		t.Errorf("stderr does not say to set [discord] shards:\n%s", errOut.String())
	}
	if n := fake.GatewayCounts().Identifies; n != 0 {
		t.Errorf("%d sessions started; want none", n)
	}
}
