package bot_test

import (
	"context"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newswatch/newswatch/bot/discordtest"
)

// TestRunStopsDuringBucketWait: Discord said the channel's bucket is empty
// for 30s; stopping the bot must not wait for that.
func TestRunStopsDuringBucketWait(t *testing.T) {
	e := newEnv(t)
	f := setupAlerts(e, "")
	e.fake.SetRateLimit(1, 30*time.Second)
	e.start()
	e.items(f.ID, guildA, "Kyiv first", "Kyiv second")
	if ms := e.fake.WaitMessages(chanA, 1, wait); len(ms) != 1 {
		t.Fatalf("%d messages, want the first alert", len(ms))
	}
	if !eventually(wait, func() bool { return strings.Contains(botGoroutines(), "bot.(*Bot).waitBucket") }) {
		t.Fatal("the second alert is not waiting for the bucket")
	}
	start := time.Now()
	e.stop()
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Run took %v to return after cancel, want well under the 30s bucket wait", d)
	}
	if n := len(e.pending()); n != 1 {
		t.Errorf("%d alerts pending, want the second one", n)
	}
}

// TestRunWaitsForHandlers: a command still running when the bot stops must
// be finished (it sees the cancelled context) before Run returns, so that
// nothing touches the store or Discord afterwards.
func TestRunWaitsForHandlers(t *testing.T) {
	started := make(chan struct{})
	var finished atomic.Bool
	e := newEnv(t, func(e *env) {
		e.deps.CheckFeed = func(ctx context.Context, url string) (string, error) {
			close(started)
			<-ctx.Done()
			// Cleaning up after the cancel takes a while: a slow handler,
			// not a wait of the test (finished tells what happened).
			time.Sleep(2 * time.Second)
			finished.Store(true)
			return "", ctx.Err()
		}
	})
	e.start()
	go func() {
		_, _ = e.fake.Interact(discordtest.Interaction{GuildID: guildA, Permissions: admin,
			Data: discordtest.Command("feed add", discordtest.Str("url", "http://feeds.test/slow"))}, 5*time.Second)
	}()
	select {
	case <-started:
	case <-time.After(wait):
		t.Fatal("the command did not start")
	}
	e.stop()
	if !finished.Load() {
		t.Error("Run returned before the running command finished")
	}
	// A goroutine that has done its work may still be on its way out
	// (runtime.goexit) for a moment after Run returned; that is not one
	// still running. The handler above sleeps 2s after the cancel, so a Run
	// that did not wait for it is still caught by the 200ms allowed here.
	var stacks string
	eventually(200*time.Millisecond, func() bool { stacks = botGoroutines(); return stacks == "" })
	if stacks != "" {
		t.Errorf("goroutines of the bot still running after Run returned:\n%s", stacks)
	}
}

// botGoroutines returns the stacks of goroutines running or created by the
// bot package's Bot, leaving out those that are only exiting.
func botGoroutines() string {
	buf := make([]byte, 1<<20)
	var out []string
	for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
		if !strings.Contains(g, "newswatch/bot.(*Bot)") {
			continue
		}
		if lines := strings.SplitN(g, "\n", 3); len(lines) > 1 && strings.HasPrefix(lines[1], "runtime.goexit") {
			continue
		}
		out = append(out, g)
	}
	return strings.Join(out, "\n\n")
}

// TestRunStopsWhileGatewayIsSilent: the connection dropped and the new one
// gets no HELLO; stopping the bot must not wait for a gateway that never
// answers.
func TestRunStopsWhileGatewayIsSilent(t *testing.T) {
	e := newEnv(t)
	e.start()
	e.fake.SetGatewaySilent(true)
	e.fake.DropGateway()
	if !e.fake.WaitHeld(discordtest.StageHello, 1, wait) { // the bot reconnected and waits for HELLO
		t.Fatal("the bot did not reconnect")
	}
	start := time.Now()
	e.stop()
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Run took %v to return after cancel", d)
	}
}
