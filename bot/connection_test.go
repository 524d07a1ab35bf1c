package bot_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/bot"
	"github.com/newswatch/newswatch/bot/discordtest"
)

// guildOnShard returns a guild id whose events go to shard s of n:
// (id >> 22) % n == s, as Discord routes them.
func guildOnShard(s, n int) string {
	return strconv.FormatUint(uint64(1000*n+s)<<22|4242, 10)
}

// TestShards runs the bot with 2 fixed shards, with the 4 that GET
// /gateway/bot recommends, and as one of two processes that split 4 shards:
// every shard identifies with its [id, n], no max_concurrency bucket
// identifies twice within the window, and the commands of every guild of a
// shard this process runs are answered.
func TestShards(t *testing.T) {
	tests := []struct {
		name        string
		shards      int
		recommended int
		ids         []int
		run         []int // the shards this process runs
		n           int
	}{
		{"2 fixed", 2, 1, nil, []int{0, 1}, 2},
		{"4 recommended", 0, 4, nil, []int{0, 1, 2, 3}, 4},
		{"shards 1 and 3 of 4", 4, 1, []int{1, 3}, []int{1, 3}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Identifies of one bucket 300 ms apart, checked against a 150 ms
			// window: the fake sees them after the network and the scheduler,
			// and a busy machine can delay one more than the other.
			e := newEnv(t, func(e *env) {
				e.cfg.Shards, e.cfg.ShardIDs = tt.shards, tt.ids
				e.cfg.Gateway.IdentifyInterval = 300 * time.Millisecond
			})
			e.fake.SetIdentifyWindow(150 * time.Millisecond)
			e.fake.SetShards(tt.recommended, 0)
			e.fake.SetSessionStartLimit(1000, 1000, time.Hour, 2)
			e.start()
			if !e.fake.WaitShards(len(tt.run), wait) {
				t.Fatalf("%d shards did not all connect\nlog:\n%s", len(tt.run), e.logs)
			}
			for _, s := range tt.run {
				g := guildOnShard(s, tt.n)
				if got := discordtest.ShardOf(g, tt.n); got != s {
					t.Fatalf("guild %s is on shard %d, want %d", g, got, s)
				}
				r := e.do(g, "0", discordtest.Command("stats"))
				if !strings.Contains(r.Text(), "Items") {
					t.Errorf("shard %d: /stats answered %q", s, r.Text())
				}
			}
			c := e.fake.GatewayCounts()
			got := map[int]bool{}
			for _, id := range c.Identify {
				if id.Shard[1] != tt.n {
					t.Errorf("IDENTIFY with shard %v, want n = %d", id.Shard, tt.n)
				}
				got[id.Shard[0]] = true
			}
			if len(got) != len(tt.run) {
				t.Errorf("identified shards %v, want %v", got, tt.run)
			}
			if c.BucketViolations != 0 {
				t.Errorf("%d IDENTIFYs of one bucket within the identify window", c.BucketViolations)
			}
			if ok, _ := e.bot.GatewayState(); !ok {
				t.Error("GatewayState() not connected with every shard up")
			}
		})
	}
}

// TestStartupRetriesDiscordErrors: 500s and 429s on GET /users/@me, 502s on
// command registration and 503s on GET /gateway/bot do not end Run: it
// retries each until Discord answers, and delivers alerts meanwhile.
func TestStartupRetriesDiscordErrors(t *testing.T) {
	e := newEnv(t, func(e *env) { e.cfg.MaxRetries = 1 })
	e.watch(guildA, "Kyiv", newswatch.KindCity)
	f := e.feed(guildA, "http://feeds.test/a")
	e.route(guildA, chanA, "")
	e.fake.Inject(discordtest.Fault{Method: http.MethodGet, PathPrefix: "/users/@me", Status: http.StatusInternalServerError, Times: 5})
	e.fake.Inject(discordtest.Fault{Method: http.MethodGet, PathPrefix: "/users/@me", Status: http.StatusTooManyRequests, RetryAfter: 0.01, Times: 2})
	e.fake.Inject(discordtest.Fault{Method: http.MethodPut, PathPrefix: "/applications/", Status: http.StatusBadGateway, Times: 8})
	e.fake.Inject(discordtest.Fault{Method: http.MethodGet, PathPrefix: "/gateway/bot", Status: http.StatusServiceUnavailable, Times: 5})
	e.items(f.ID, guildA, "Shelling reported in Kyiv")
	b, err := bot.New(e.cfg, e.deps)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(e.ctx)
	e.bot, e.cancel, e.done = b, cancel, make(chan error, 1)
	go func() { e.done <- b.Run(ctx) }()
	if ms := e.fake.WaitMessages(chanA, 1, wait); len(ms) != 1 {
		t.Fatalf("%d alerts delivered while Discord's start-up calls failed, want 1", len(ms))
	}
	if !e.fake.WaitCommands(guildA, wait) || !e.fake.WaitCommands(guildB, wait) || !e.fake.WaitConnected(1, 0, wait) {
		t.Fatalf("not registered and connected after the errors\nlog:\n%s", e.logs)
	}
	r := e.do(guildA, "0", discordtest.Command("stats"))
	if !strings.Contains(r.Text(), "Items") {
		t.Errorf("/stats answered %q", r.Text())
	}
	select {
	case err := <-e.done:
		t.Fatalf("Run returned %v", err)
	default:
	}
	if !strings.Contains(e.logs.String(), "retrying") {
		t.Error("the retries were not logged")
	}
}

// TestGatewayFatalCloseEndsRun: close 4011 ends Run with an error that says
// to set [discord] shards, and the bot does not identify again.
func TestGatewayFatalCloseEndsRun(t *testing.T) {
	e := newEnv(t)
	e.start()
	e.fake.GatewayClose(4011)
	select {
	case err := <-e.done:
		if err == nil || !strings.Contains(err.Error(), "set [discord] shards") || errors.Is(err, bot.ErrTokenRejected) {
			t.Errorf("Run() = %v, want the sharding-required error", err)
		}
	case <-time.After(wait):
		t.Fatal("Run kept going after close 4011")
	}
	e.cancel = nil
	if c := e.fake.GatewayCounts(); c.Identifies != 1 {
		t.Errorf("%d identifies, want 1", c.Identifies)
	}
}

// TestOpcodesDuringResume is the case that deadlocked discordgo: op 7 (or
// op 9) arrives while a RESUME waits for RESUMED. The bot answers commands
// again within 10s, and Run still stops on cancel.
func TestOpcodesDuringResume(t *testing.T) {
	for _, op := range []string{"op 7", "op 9"} {
		t.Run(op, func(t *testing.T) {
			e := newEnv(t)
			e.start()
			e.fake.HoldGateway(discordtest.StageResumed, true)
			e.fake.DropGateway()
			if !e.fake.WaitHeld(discordtest.StageResumed, 1, wait) {
				t.Fatal("the bot did not resume")
			}
			if op == "op 7" {
				e.fake.GatewayReconnect()
			} else {
				e.fake.GatewayInvalidSession(false)
			}
			e.fake.HoldGateway(discordtest.StageResumed, false)
			if !eventually(10*time.Second, func() bool { ok, _ := e.bot.GatewayState(); return ok }) {
				t.Fatalf("not connected again within 10s\nlog:\n%s", e.logs)
			}
			if r := e.do(guildA, "0", discordtest.Command("stats")); !strings.Contains(r.Text(), "Items") {
				t.Errorf("/stats answered %q", r.Text())
			}
			if _, n := e.bot.GatewayState(); n < 2 {
				t.Errorf("GatewayState() reconnects %d, want at least 2", n)
			}
		})
	}
}
