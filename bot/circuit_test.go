package bot

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestGlobalProbeStaysFrequent: however long Discord fails, the next probe
// is never more than probeMax away, so that the backlog starts within a few
// seconds of Discord answering again (per-alert waits used to double to 10
// minutes).
func TestGlobalProbeStaysFrequent(t *testing.T) {
	d := newDelivery(slog.New(slog.DiscardHandler))
	now := time.Now()
	var waits []time.Duration
	for i := 0; i < 50; i++ {
		next, first := d.openGlobal(now, 0)
		if first != (i == 0) {
			t.Errorf("failure %d: first %v", i+1, first)
		}
		waits = append(waits, next.Sub(now))
		if !d.globalOpen(now) || d.globalOpen(next) {
			t.Fatalf("failure %d: open at now %v, at next %v", i+1, d.globalOpen(now), d.globalOpen(next))
		}
	}
	if waits[0] != probeMin || waits[49] != probeMax {
		t.Errorf("probe waits from %v to %v, want %v to %v", waits[0], waits[49], probeMin, probeMax)
	}
	for i, w := range waits {
		if w > probeMax || w > 5*time.Second {
			t.Errorf("probe %d waits %v", i+1, w)
		}
	}
	// A global 429 waits what Discord asked.
	if next, _ := d.openGlobal(now, time.Minute); next.Sub(now) != time.Minute {
		t.Errorf("global 429: waits %v", next.Sub(now))
	}
	if !d.succeeded("c") || d.globalOpen(now) || d.probing() {
		t.Error("a success did not close the global circuit")
	}
	// A channel's rate limits back off, up to rateWaitMax.
	var w time.Duration
	for i := 0; i < 20; i++ {
		w = d.openChannel("c", now, 10*time.Millisecond, rateWaitMax).Sub(now)
	}
	if w != rateWaitMax || !d.channelOpen("c", now) || d.channelOpen("other", now) {
		t.Errorf("channel wait %v", w)
	}
	if got := d.blockedChannels(now); len(got) != 1 || got[0] != "c" {
		t.Errorf("blocked %v", got)
	}
}

func TestInvalidBudget(t *testing.T) {
	var logs bytes.Buffer
	ib := newInvalidBudget(slog.New(slog.NewTextHandler(&logs, nil)))
	now := time.Unix(1_800_000_000, 0)
	ib.now = func() time.Time { return now }
	shared := http.Header{"X-Ratelimit-Scope": []string{"shared"}}
	for _, tt := range []struct {
		status int
		h      http.Header
		counts bool
	}{
		{401, nil, true}, {403, nil, true}, {429, nil, true}, {429, http.Header{"X-Ratelimit-Scope": []string{"user"}}, true},
		{429, shared, false}, {404, nil, false}, {500, nil, false}, {200, nil, false},
	} {
		if got := countsAsInvalid(tt.status, tt.h); got != tt.counts {
			t.Errorf("%d %v counts %v, want %v", tt.status, tt.h, got, tt.counts)
		}
	}
	// 4,999 invalid requests over ten minutes: no delay.
	for i := 0; i < invalidThreshold-1; i++ {
		if i%9 == 0 {
			now = now.Add(time.Second)
		}
		ib.observe(http.StatusTooManyRequests, nil)
		ib.observe(http.StatusTooManyRequests, shared)
	}
	if n := ib.Count(); n != invalidThreshold-1 {
		t.Fatalf("count %d, want %d", n, invalidThreshold-1)
	}
	if d := ib.delay(); d != 0 {
		t.Fatalf("delay %v under the threshold", d)
	}
	ib.observe(http.StatusForbidden, nil)
	d1 := ib.delay()
	if d1 < invalidMinDelay || d1 > invalidMaxDelay {
		t.Errorf("delay at the threshold %v", d1)
	}
	for i := 0; i < 3000; i++ {
		ib.observe(http.StatusUnauthorized, nil)
	}
	if d2 := ib.delay(); d2 <= d1 || d2 > invalidMaxDelay {
		t.Errorf("delay at 8,000: %v, want more than %v and at most %v", d2, d1, invalidMaxDelay)
	}
	ib.delay()
	if n := strings.Count(logs.String(), "slowing deliveries down"); n != 1 {
		t.Errorf("logged %d times, want once:\n%s", n, logs.String())
	}
	// Ten minutes later the window has slid past them all.
	now = now.Add(invalidWindow)
	if n, d := ib.Count(), ib.delay(); n != 0 || d != 0 {
		t.Errorf("after the window: count %d delay %v", n, d)
	}
	if !strings.Contains(logs.String(), "back under the threshold") {
		t.Error("the end of the slowdown was not logged")
	}
}
