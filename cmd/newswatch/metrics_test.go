package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// metricValue returns the value of the sample named exactly name (with its
// labels, as in the exposition text), or -1 when absent.
func metricValue(text, name string) float64 {
	for _, line := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err == nil {
				return f
			}
		}
	}
	return -1
}

// TestMetricsDuringRun runs the daemon (console mode) with a feed and the
// seeds, scrapes /metrics until the poll has been counted, and checks the
// metric names and that the counters moved from zero.
func TestMetricsDuringRun(t *testing.T) {
	feed := bigFeed(5)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(feed)
	}))
	defer srv.Close()
	extra := fmt.Sprintf("[feeds]\nallow_private_networks = true\n[[feed]]\nurl = %q\n", srv.URL+"/feed.xml")
	e := newTestEnv(t, seedsWith(t, 3), extra)
	// newTestEnv turns HTTP off; a later [http] table is not allowed, so
	// rewrite the listen line.
	replaceInFile(t, e.config, `listen = ""`, `listen = "127.0.0.1:0"`)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut syncBuffer
	c := &cli{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	done := make(chan int, 1)
	go func() { done <- c.main(ctx, []string{"run", "--config", e.config}) }()

	addrRE := regexp.MustCompile(`serving /healthz, /readyz and /metrics" addr=(\S+)`)
	var base string
	deadline := time.Now().Add(30 * time.Second)
	for base == "" {
		if m := addrRE.FindStringSubmatch(errOut.String()); m != nil {
			base = "http://" + m[1]
			break
		}
		select {
		case code := <-done:
			t.Fatalf("run exited with %d: %s", code, errOut.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no HTTP address logged:\n%s", errOut.String())
		}
	}
	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	var text string
	for {
		_, text = get("/metrics")
		if metricValue(text, `newswatch_feed_fetches_total{result="ok"}`) >= 1 &&
			metricValue(text, `newswatch_alerts_sent_total`) >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the poll and the seed alerts were not counted within 30s:\n%s\nlog:\n%s", text, errOut.String())
		}
		select { // poll the condition again shortly, up to the deadline
		case code := <-done:
			t.Fatalf("run exited with %d: %s", code, errOut.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	for name, atLeast := range map[string]float64{
		`newswatch_feed_fetches_total{result="ok"}`:      1,
		`newswatch_feed_fetches_total{result="failed"}`:  0,
		`newswatch_poll_cycles_total{result="ok"}`:       1,
		`newswatch_poll_cycle_duration_seconds_count`:    1,
		`newswatch_items_stored_total{change="new"}`:     5 + 3,
		`newswatch_items_stored_total{change="updated"}`: 0,
		`newswatch_mentions_found_total`:                 1,
		`newswatch_alerts_queued_total`:                  1,
		`newswatch_alerts_sent_total`:                    1,
		`newswatch_alerts_failed_total{reason="other"}`:  0,
		`newswatch_alerts_deferred_total`:                0,
		`newswatch_alerts_pending`:                       0,
		`newswatch_alerts_oldest_pending_age_seconds`:    0,
		`newswatch_store_up`:                             1,
		`newswatch_store_rows{what="items"}`:             0,
		`newswatch_poll_last_cycle_timestamp_seconds`:    1,
		`go_goroutines`:                                  1,
		`process_cpu_seconds_total`:                      0,
	} {
		if v := metricValue(text, name); v < atLeast {
			t.Errorf("%s = %v, want at least %v", name, v, atLeast)
		}
	}
	if strings.Contains(text, "newswatch_alerts_sent ") {
		t.Error("the running total newswatch_alerts_sent is still exposed as a gauge")
	}
	if code, body := get("/readyz"); code != 200 {
		t.Errorf("readyz: %d %q", code, body)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("healthz: %d", code)
	}
	// The per-feed lines stay at debug; the cycle has its info line.
	if !strings.Contains(errOut.String(), `msg="poll cycle"`) {
		t.Errorf("no poll cycle summary line:\n%s", errOut.String())
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
}

// replaceInFile replaces old by new in the file at path; old must be there.
func replaceInFile(t *testing.T, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s lacks %q", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}
