package bot_test

import (
	"flag"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newswatch/newswatch/bot/discordtest"
)

var (
	soak       = flag.Bool("soak", false, "run TestGatewaySoak: random gateway faults while commands are sent")
	soakFaults = flag.Int("soak.faults", 1000, "how many gateway faults TestGatewaySoak injects")
)

// soakFault is one random gateway fault; it returns once it is injected
// (for a missing ACK, once the bot has reconnected because of it).
type soakFault struct {
	name   string
	inject func(e *env)
}

var soakFaultKinds = []soakFault{
	{"op 7", func(e *env) { e.fake.GatewayReconnect() }},
	{"op 9 true", func(e *env) { e.fake.GatewayInvalidSession(true) }},
	{"op 9 false", func(e *env) { e.fake.GatewayInvalidSession(false) }},
	{"drop (1006)", func(e *env) { e.fake.DropGateway() }},
	{"close", func(e *env) {
		codes := []int{1000, 1001, 4000, 4001, 4002, 4003, 4005, 4007, 4008, 4009}
		e.fake.GatewayClose(codes[rand.N(len(codes))])
	}},
	{"no heartbeat ACK", func(e *env) {
		before := reconnects(e)
		e.fake.SetHeartbeatACK(false)
		eventually(10*time.Second, func() bool { return reconnects(e) != before })
		e.fake.SetHeartbeatACK(true)
	}},
}

func reconnects(e *env) int {
	c := e.fake.GatewayCounts()
	return c.Identifies + c.Resumes
}

// vmRSS returns the resident set size of the process in KiB.
func vmRSS(t *testing.T) int {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status")
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			n, _ := strconv.Atoi(f[1])
			return n
		}
	}
	return 0
}

// idleGoroutines closes idle HTTP connections and returns the number of
// goroutines after a GC.
func idleGoroutines() int {
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()
	runtime.GC()
	return runtime.NumGoroutine()
}

// TestGatewaySoak injects -soak.faults random gateway faults (op 7, op 9
// true/false, closes with reconnectable codes, dropped connections, missing
// heartbeat ACKs) while a slash command is sent every 100ms. After each
// fault (4 in 5; the fifth follows at once, to hit the handshake states) the
// bot must be connected again within 10s. Every command must be answered
// exactly once, except those Discord itself dropped with a session it ended
// (op 9 false, 4003/4007/4009) before they were answered; goroutines return
// to their baseline and RSS stays flat.
//
//	go test ./bot -run TestGatewaySoak -soak -v
func TestGatewaySoak(t *testing.T) {
	if !*soak {
		t.Skip("run with -soak")
	}
	// The bot logs every reconnect; a log kept in memory would show as RSS growth.
	e := newEnv(t, func(e *env) { e.deps.Logger = slog.New(slog.DiscardHandler) })
	e.fake.SetHeartbeatInterval(150 * time.Millisecond)
	e.fake.SetSessionStartLimit(100000, 100000, time.Hour, 1)
	e.start()
	e.do(guildA, "0", discordtest.Command("stats"))
	baseG, baseRSS := idleGoroutines(), vmRSS(t)
	debug.FreeOSMemory()

	type result struct {
		connected bool
		err       error
	}
	var (
		mu      sync.Mutex
		results []result
		senders sync.WaitGroup
	)
	stop := make(chan struct{})
	var tickerDone sync.WaitGroup
	tickerDone.Add(1)
	go func() {
		defer tickerDone.Done()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			connected, _ := e.bot.GatewayState()
			senders.Add(1)
			go func() {
				defer senders.Done()
				r, err := e.fake.Interact(discordtest.Interaction{GuildID: guildA, Data: discordtest.Command("stats")}, 20*time.Second)
				if err == nil && !strings.Contains(r.Text(), "Items") {
					err = &soakError{"answered " + r.Text()}
				}
				mu.Lock()
				results = append(results, result{connected, err})
				mu.Unlock()
			}()
		}
	}()

	start := time.Now()
	kinds := map[string]int{}
	var slowest time.Duration
	for i := range *soakFaults {
		f := soakFaultKinds[rand.N(len(soakFaultKinds))]
		kinds[f.name]++
		before := reconnects(e)
		t0 := time.Now()
		f.inject(e)
		if rand.N(5) == 0 {
			continue
		}
		if !eventually(10*time.Second, func() bool { ok, _ := e.bot.GatewayState(); return ok && reconnects(e) > before }) {
			t.Fatalf("fault %d (%s): not connected again within 10s", i, f.name)
		}
		slowest = max(slowest, time.Since(t0))
	}
	faultTime := time.Since(start)
	if !eventually(10*time.Second, func() bool { ok, _ := e.bot.GatewayState(); return ok }) {
		t.Fatal("not connected after the last fault")
	}
	close(stop)
	tickerDone.Wait()
	senders.Wait()

	dropped := e.fake.DroppedInteractions()
	unanswered := e.fake.UnansweredInteractions()
	var lostNotDropped []string
	for _, id := range unanswered {
		if !dropped[id] {
			lostNotDropped = append(lostNotDropped, id)
		}
	}
	sent, sentConnected, failed := len(results), 0, 0
	for _, r := range results {
		if r.connected {
			sentConnected++
		}
		if r.err != nil {
			failed++
		}
	}
	twice := 0
	for _, r := range e.fake.Requests() {
		if strings.HasPrefix(r.Path, "/interactions/") && r.Status == http.StatusBadRequest {
			twice++
		}
	}
	c := e.fake.GatewayCounts()
	_, botReconnects := e.bot.GatewayState()

	var g int
	eventually(10*time.Second, func() bool { g = idleGoroutines(); return g <= baseG })
	debug.FreeOSMemory()
	rss := vmRSS(t)

	t.Logf("%d faults in %v (slowest recovery %v): %v", *soakFaults, faultTime.Round(time.Millisecond), slowest.Round(time.Millisecond), kinds)
	t.Logf("gateway: %d identifies, %d resumes, %d wrong-URL resumes, %d bucket violations, %d over budget; bot reconnects %d",
		c.Identifies, c.Resumes, c.WrongURLResumes, c.BucketViolations, c.OverBudget, botReconnects)
	t.Logf("commands: %d sent (%d while connected), %d answered, %d unanswered (all dropped by Discord with an ended session: %v), %d answered twice",
		sent, sentConnected, sent-failed, len(unanswered), len(lostNotDropped) == 0, twice)
	t.Logf("goroutines: baseline %d, after %d; RSS: baseline %d KiB, after %d KiB", baseG, g, baseRSS, rss)

	if len(lostNotDropped) > 0 {
		t.Errorf("%d commands unanswered although their session was not ended: %v", len(lostNotDropped), lostNotDropped)
	}
	if failed != len(unanswered) {
		t.Errorf("%d commands failed but the fake has %d unanswered", failed, len(unanswered))
	}
	if twice > 0 {
		t.Errorf("%d interaction answers refused as already acknowledged", twice)
	}
	if c.WrongURLResumes+c.BucketViolations+c.OverBudget > 0 {
		t.Errorf("wrong-URL resumes %d, bucket violations %d, over budget %d", c.WrongURLResumes, c.BucketViolations, c.OverBudget)
	}
	if g > baseG {
		t.Errorf("goroutines: %d after the soak, baseline %d", g, baseG)
	}
	if rss > baseRSS+64<<10 {
		t.Errorf("RSS grew from %d KiB to %d KiB", baseRSS, rss)
	}
	e.stop()
	if s := botGoroutines(); s != "" {
		t.Errorf("bot goroutines left after Run returned:\n%s", s)
	}
}

type soakError struct{ s string }

func (e *soakError) Error() string { return e.s }
