package gateway_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/newswatch/newswatch/bot/discordtest"
	"github.com/newswatch/newswatch/bot/gateway"
)

const token = "gw-test-token"

// fast are waits short enough for tests; the fake's identify window is
// half of IdentifyInterval: the fake sees the IDENTIFYs after the network
// and the scheduler, which on a busy machine delay one more than another.
var fast = gateway.Timing{
	MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond,
	InvalidSessionMin: 10 * time.Millisecond, InvalidSessionMax: 50 * time.Millisecond,
	IdentifyInterval: 60 * time.Millisecond, HandshakeTimeout: 3 * time.Second,
}

// rewrite sends discordgo's requests for discord.com to the fake.
type rewrite struct{ base *url.URL }

func (r rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host, req.Host = r.base.Scheme, r.base.Host, ""
	return http.DefaultTransport.RoundTrip(req)
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// harness is a gateway client against a fake Discord; interactions are
// answered over discordgo's REST client with "pong".
type harness struct {
	t      *testing.T
	fake   *discordtest.Fake
	s      *discordgo.Session
	cfg    gateway.Config
	logs   *syncBuffer
	client *gateway.Client
	cancel context.CancelFunc
	done   chan error
	// hold, when set, is waited on before an interaction is answered.
	mu   sync.Mutex
	hold chan struct{}
	got  chan string // ids of the interactions received
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	fake := discordtest.New(token)
	fake.SetIdentifyWindow(fast.IdentifyInterval / 2)
	s, err := discordgo.New("Bot " + token)
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse(fake.URL)
	s.Client = &http.Client{Timeout: 5 * time.Second, Transport: rewrite{base}}
	s.ShouldRetryOnRateLimit, s.MaxRestRetries = false, 0
	h := &harness{t: t, fake: fake, s: s, logs: &syncBuffer{}, got: make(chan string, 100)}
	h.cfg = gateway.Config{
		Token: token, Intents: int(discordgo.IntentsGuilds),
		GatewayBot: func(ctx context.Context) (*gateway.Info, error) {
			info, err := s.GatewayBot(discordgo.WithContext(ctx))
			var rest *discordgo.RESTError
			if errors.As(err, &rest) && rest.Response != nil && rest.Response.StatusCode == http.StatusUnauthorized {
				return nil, gateway.ErrTokenRejected
			}
			return info, err
		},
		OnInteraction: h.answer,
		Logger:        slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Timing:        fast,
	}
	t.Cleanup(func() {
		h.stop()
		fake.Close()
		if strings.Contains(h.logs.String(), token) {
			t.Error("the token appears in the log")
		}
	})
	return h
}

func (h *harness) answer(ctx context.Context, i *discordgo.Interaction) {
	select {
	case h.got <- i.ID:
	default:
	}
	h.mu.Lock()
	hold := h.hold
	h.mu.Unlock()
	go func() {
		if hold != nil {
			<-hold
		}
		_ = h.s.InteractionRespond(i, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: "pong"},
		}, discordgo.WithContext(context.WithoutCancel(ctx)))
	}()
}

// start runs the client; it does not wait for a connection.
func (h *harness) start() {
	h.t.Helper()
	c, err := gateway.New(h.cfg)
	if err != nil {
		h.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.client, h.cancel, h.done = c, cancel, make(chan error, 1)
	go func() { h.done <- c.Run(ctx) }()
}

// connected starts the client and waits for its first READY.
func (h *harness) connected() {
	h.t.Helper()
	h.start()
	if !h.fake.WaitConnected(1, 0, 5*time.Second) {
		h.t.Fatalf("not connected\nlog:\n%s", h.logs)
	}
}

// stop cancels the client and checks that Run returns nil within 5s.
func (h *harness) stop() time.Duration {
	if h.cancel == nil {
		return 0
	}
	start := time.Now()
	h.cancel()
	h.cancel = nil
	select {
	case err := <-h.done:
		if err != nil {
			h.t.Errorf("Run returned %v after cancel", err)
		}
	case <-time.After(5 * time.Second):
		h.t.Fatalf("Run did not return within 5s of the cancel\nlog:\n%s", h.logs)
	}
	return time.Since(start)
}

// ping sends a command and checks that it is answered within 10s.
func (h *harness) ping(guild string) {
	h.t.Helper()
	r, err := h.fake.Interact(discordtest.Interaction{GuildID: guild, Data: discordtest.Command("stats")}, 10*time.Second)
	if err != nil || r.Content != "pong" {
		c := h.fake.GatewayCounts()
		h.t.Fatalf("command not answered: %v %q (identifies %d resumes %d conns %d)\nlog:\n%s",
			err, r.Content, c.Identifies, c.Resumes, c.Connections, h.logs)
	}
}

// fault is one way the gateway can interrupt a session.
type fault struct {
	name   string
	inject func(f *discordtest.Fake)
}

var faults = []fault{
	{"op 7", func(f *discordtest.Fake) { f.GatewayReconnect() }},
	{"op 9 resumable", func(f *discordtest.Fake) { f.GatewayInvalidSession(true) }},
	{"op 9 not resumable", func(f *discordtest.Fake) { f.GatewayInvalidSession(false) }},
}

// TestFaultsAtEveryStage sends op 7 and op 9 (both kinds) before HELLO,
// after IDENTIFY before READY, after RESUME before RESUMED, while idle and
// while an interaction is being answered: the client recovers, the next
// command is answered within 10s, and it never resumes on the wrong URL.
func TestFaultsAtEveryStage(t *testing.T) {
	stages := []struct {
		name string
		// arrange brings a client to the stage; release lets it go on.
		arrange func(h *harness)
		release func(h *harness)
	}{
		{"before HELLO", func(h *harness) {
			h.fake.HoldGateway(discordtest.StageHello, true)
			h.start()
			h.waitHeld(discordtest.StageHello)
		}, func(h *harness) { h.fake.HoldGateway(discordtest.StageHello, false) }},
		{"after IDENTIFY before READY", func(h *harness) {
			h.fake.HoldGateway(discordtest.StageReady, true)
			h.start()
			h.waitHeld(discordtest.StageReady)
		}, func(h *harness) { h.fake.HoldGateway(discordtest.StageReady, false) }},
		{"during RESUME before RESUMED", func(h *harness) {
			h.connected()
			h.fake.HoldGateway(discordtest.StageResumed, true)
			h.fake.DropGateway()
			h.waitHeld(discordtest.StageResumed)
		}, func(h *harness) { h.fake.HoldGateway(discordtest.StageResumed, false) }},
		{"idle", func(h *harness) { h.connected() }, func(*harness) {}},
		{"while answering", func(h *harness) {
			h.connected()
			h.mu.Lock()
			h.hold = make(chan struct{})
			h.mu.Unlock()
			go func() {
				_, _ = h.fake.Interact(discordtest.Interaction{GuildID: "1", Data: discordtest.Command("stats")}, 10*time.Second)
			}()
			select {
			case <-h.got:
			case <-time.After(5 * time.Second):
				t.Fatal("the interaction did not arrive")
			}
		}, func(h *harness) { close(h.hold) }},
	}
	for _, st := range stages {
		for _, ft := range faults {
			t.Run(st.name+"/"+ft.name, func(t *testing.T) {
				h := newHarness(t)
				st.arrange(h)
				ft.inject(h.fake)
				st.release(h)
				// Recovered (connected again) within 10s, and then no
				// command is lost.
				waitFor(t, func() bool { ok, _ := h.client.State(); return ok })
				h.ping("1")
				c := h.fake.GatewayCounts()
				if c.WrongURLResumes != 0 || c.OverBudget != 0 || c.BucketViolations != 0 {
					t.Errorf("wrong-URL resumes %d, over budget %d, bucket violations %d; want 0",
						c.WrongURLResumes, c.OverBudget, c.BucketViolations)
				}
			})
		}
	}
}

func (h *harness) waitHeld(st discordtest.Stage) {
	h.t.Helper()
	if !h.fake.WaitHeld(st, 1, 5*time.Second) {
		h.t.Fatalf("no connection held at stage %d\nlog:\n%s", st, h.logs)
	}
}

// TestResumeOnResumeURL: after a drop the client resumes on READY's
// resume_gateway_url (the fake refuses any other) with its session and seq,
// and the commands sent while it was away are delivered.
func TestResumeOnResumeURL(t *testing.T) {
	h := newHarness(t)
	h.connected()
	h.ping("1")
	for range 3 {
		c := h.fake.GatewayCounts()
		h.fake.DropGateway()
		if !h.fake.WaitConnected(1, c.Resumes+1, 5*time.Second) {
			t.Fatalf("no resume\nlog:\n%s", h.logs)
		}
		h.ping("1")
	}
	c := h.fake.GatewayCounts()
	if c.Identifies != 1 || c.Resumes != 3 || c.WrongURLResumes != 0 {
		t.Errorf("identifies %d resumes %d wrong-URL %d; want 1, 3, 0", c.Identifies, c.Resumes, c.WrongURLResumes)
	}
	if _, n := h.client.State(); n != 3 {
		t.Errorf("State() reconnects %d, want 3", n)
	}
}

// TestCloseCodes: reconnectable codes reconnect (resuming unless the code
// ended the session), the others end Run with an error in plain words and
// without another IDENTIFY.
func TestCloseCodes(t *testing.T) {
	for _, code := range []int{1000, 1001, 4000, 4001, 4002, 4003, 4005, 4007, 4008, 4009} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			h := newHarness(t)
			h.connected()
			h.fake.GatewayClose(code)
			newSession := code == 4003 || code == 4007 || code == 4009
			ids, res := 1, 1
			if newSession {
				ids, res = 2, 0
			}
			if !h.fake.WaitConnected(ids, res, 5*time.Second) {
				t.Fatalf("not reconnected after close %d\nlog:\n%s", code, h.logs)
			}
			h.ping("1")
			if c := h.fake.GatewayCounts(); c.Identifies != ids || c.Resumes != res {
				t.Errorf("identifies %d resumes %d, want %d %d", c.Identifies, c.Resumes, ids, res)
			}
		})
	}
	fatal := map[int]string{
		4004: "DISCORD_TOKEN", 4010: "invalid shard", 4011: "set [discord] shards",
		4012: "API version", 4013: "intents", 4014: "disallowed intents",
	}
	for code, words := range fatal {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			h := newHarness(t)
			h.connected()
			h.fake.GatewayClose(code)
			var err error
			select {
			case err = <-h.done:
				h.cancel()
				h.cancel = nil
			case <-time.After(5 * time.Second):
				t.Fatal("Run kept going")
			}
			var ce *gateway.CloseError
			switch {
			case code == 4004 && !errors.Is(err, gateway.ErrTokenRejected):
				t.Errorf("Run() = %v, want ErrTokenRejected", err)
			case code != 4004 && (!errors.As(err, &ce) || ce.Code != code):
				t.Errorf("Run() = %v, want a CloseError %d", err, code)
			}
			if err == nil || !strings.Contains(err.Error(), words) {
				t.Errorf("Run() = %v, want it to say %q", err, words)
			}
			if c := h.fake.GatewayCounts(); c.Identifies != 1 {
				t.Errorf("%d identifies, want 1: no reconnect after %d", c.Identifies, code)
			}
		})
	}
}

// TestBackoff: the wait doubles from MinBackoff, stays within [d/2, d] and
// is capped at MaxBackoff (60s by default).
func TestBackoff(t *testing.T) {
	var def gateway.Timing
	for attempt := range 40 {
		d := def.Backoff(attempt)
		want := min(time.Second<<min(attempt, 20), time.Minute)
		if d < want/2 || d > want {
			t.Errorf("Backoff(%d) = %v, want in [%v, %v]", attempt, d, want/2, want)
		}
	}
}

// TestZombieConnection: heartbeats that are not acknowledged make the client
// close with a code other than 1000 (which would end the session) and
// resume.
func TestZombieConnection(t *testing.T) {
	h := newHarness(t)
	h.fake.SetHeartbeatInterval(100 * time.Millisecond)
	h.connected()
	h.fake.SetHeartbeatACK(false)
	if !h.fake.WaitConnected(1, 1, 5*time.Second) {
		t.Fatalf("no resume after missing ACKs\nlog:\n%s", h.logs)
	}
	h.fake.SetHeartbeatACK(true)
	h.ping("1")
	c := h.fake.GatewayCounts()
	if len(c.ClientCloses) == 0 || c.ClientCloses[0] == 1000 || c.ClientCloses[0] == 1001 {
		t.Errorf("client close codes %v, want a first one other than 1000/1001", c.ClientCloses)
	}
	if c.Identifies != 1 {
		t.Errorf("%d identifies, want 1 (a resume)", c.Identifies)
	}
}

// TestHeartbeatRequest: op 1 from Discord is answered with a heartbeat at
// once, between the regular beats (a minute apart here).
func TestHeartbeatRequest(t *testing.T) {
	h := newHarness(t)
	h.fake.SetHeartbeatInterval(time.Minute)
	h.connected()
	before := h.fake.GatewayCounts().Heartbeats
	h.fake.GatewayHeartbeatRequest()
	waitFor(t, func() bool { return h.fake.GatewayCounts().Heartbeats > before })
}

// TestIdentifyBudget: with no IDENTIFY left the client waits for reset_after
// (logged once), reads /gateway/bot again and only then identifies; after
// an op 9 that ends the session with the budget spent it waits again.
func TestIdentifyBudget(t *testing.T) {
	h := newHarness(t)
	h.fake.SetSessionStartLimit(10, 0, 300*time.Millisecond, 1)
	start := time.Now()
	h.connected()
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Errorf("identified after %v, before the budget reset", d)
	}
	h.ping("1")
	h.fake.SetSessionStartLimit(10, 0, 300*time.Millisecond, 1)
	h.fake.GatewayInvalidSession(false)
	if !h.fake.WaitConnected(2, 0, 5*time.Second) {
		t.Fatalf("no new session\nlog:\n%s", h.logs)
	}
	h.ping("1")
	if c := h.fake.GatewayCounts(); c.OverBudget != 0 {
		t.Errorf("%d IDENTIFYs with no budget left", c.OverBudget)
	}
	if n := strings.Count(h.logs.String(), "identify budget"); n != 2 {
		t.Errorf("the budget wait was logged %d times, want once per exhaustion (2)", n)
	}
	n := 0
	for _, r := range h.fake.Requests() {
		if r.Path == "/gateway/bot" {
			n++
		}
	}
	if n < 3 {
		t.Errorf("GET /gateway/bot %d times, want it read again after each reset", n)
	}
}

// TestShutdownInEveryState: cancelling the context ends Run within 5s
// whatever the client is doing, and a connected client closes with 1000.
func TestShutdownInEveryState(t *testing.T) {
	states := []struct {
		name    string
		arrange func(t *testing.T, h *harness)
	}{
		{"dialing", func(t *testing.T, h *harness) {
			// A server that accepts TCP and never answers the upgrade.
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			accepted := make(chan net.Conn, 1)
			go func() {
				c, err := ln.Accept()
				if err == nil {
					accepted <- c
				}
			}()
			t.Cleanup(func() {
				ln.Close()
				select {
				case c := <-accepted:
					c.Close()
				default:
				}
			})
			h.cfg.GatewayBot = func(context.Context) (*gateway.Info, error) {
				return &gateway.Info{URL: "ws://" + ln.Addr().String(), Shards: 1,
					SessionStartLimit: discordgo.SessionInformation{Total: 1, Remaining: 1, MaxConcurrency: 1}}, nil
			}
			h.start()
			select {
			case c := <-accepted:
				accepted <- c
			case <-time.After(5 * time.Second):
				t.Fatal("the client did not dial")
			}
		}},
		{"waiting for HELLO", func(t *testing.T, h *harness) {
			h.fake.HoldGateway(discordtest.StageHello, true)
			h.start()
			h.waitHeld(discordtest.StageHello)
		}},
		{"waiting for READY", func(t *testing.T, h *harness) {
			h.fake.HoldGateway(discordtest.StageReady, true)
			h.start()
			h.waitHeld(discordtest.StageReady)
		}},
		{"waiting for RESUMED", func(t *testing.T, h *harness) {
			h.connected()
			h.fake.HoldGateway(discordtest.StageResumed, true)
			h.fake.DropGateway()
			h.waitHeld(discordtest.StageResumed)
		}},
		{"in backoff", func(t *testing.T, h *harness) {
			h.cfg.Timing.MinBackoff, h.cfg.Timing.MaxBackoff = time.Hour, time.Hour
			h.connected()
			h.fake.DropGateway()
			waitLog(t, h, "reconnecting")
		}},
		{"waiting for the identify budget", func(t *testing.T, h *harness) {
			h.fake.SetSessionStartLimit(10, 0, time.Hour, 1)
			h.start()
			waitLog(t, h, "identify budget")
		}},
		{"retrying GET /gateway/bot", func(t *testing.T, h *harness) {
			h.fake.SetDown(true)
			h.cfg.Timing.MinBackoff, h.cfg.Timing.MaxBackoff = time.Hour, time.Hour
			h.start()
			waitLog(t, h, "/gateway/bot failed")
		}},
		{"connected", func(t *testing.T, h *harness) { h.connected() }},
	}
	for _, st := range states {
		t.Run(st.name, func(t *testing.T) {
			h := newHarness(t)
			st.arrange(t, h)
			h.stop()
			if st.name == "connected" {
				waitFor(t, func() bool { return len(h.fake.GatewayCounts().ClientCloses) > 0 })
				if cc := h.fake.GatewayCounts().ClientCloses; cc[len(cc)-1] != 1000 {
					t.Errorf("closed with %v, want 1000 on shutdown", cc)
				}
			}
		})
	}
}

func waitLog(t *testing.T, h *harness, s string) {
	t.Helper()
	waitFor(t, func() bool { return strings.Contains(h.logs.String(), s) })
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
	}
}

// TestTokenRejectedByGatewayBot: a 401 on GET /gateway/bot ends Run with
// ErrTokenRejected and no connection.
func TestTokenRejectedByGatewayBot(t *testing.T) {
	h := newHarness(t)
	h.fake.SetToken("another")
	h.start()
	select {
	case err := <-h.done:
		h.cancel()
		h.cancel = nil
		if !errors.Is(err, gateway.ErrTokenRejected) {
			t.Errorf("Run() = %v, want ErrTokenRejected", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run kept going")
	}
	if c := h.fake.GatewayCounts(); c.Identifies != 0 || c.Connections != 0 {
		t.Errorf("identifies %d connections %d after a 401", c.Identifies, c.Connections)
	}
}
