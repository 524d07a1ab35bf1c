package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/newswatch/newswatch/bot/discordtest"
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

	deadline := time.Now().Add(30 * time.Second)
	base := waitHTTPBase(t, &errOut, done, deadline)
	get := func(path string) (int, string) { return httpGet(t, base+path) }
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

// waitHTTPBase waits until run logs the address it serves HTTP on and
// returns its base URL; it fails the test if run exits or the deadline
// passes first.
func waitHTTPBase(t *testing.T, errOut *syncBuffer, done chan int, deadline time.Time) string {
	t.Helper()
	addrRE := regexp.MustCompile(`serving /healthz, /readyz and /metrics" addr=(\S+)`)
	for {
		if m := addrRE.FindStringSubmatch(errOut.String()); m != nil {
			return "http://" + m[1]
		}
		select {
		case code := <-done:
			t.Fatalf("run exited with %d: %s", code, errOut.String())
		case <-time.After(20 * time.Millisecond): // poll the log again up to the deadline
		}
		if time.Now().After(deadline) {
			t.Fatalf("no HTTP address logged:\n%s", errOut.String())
		}
	}
}

// httpGet returns the status and body of a GET of url.
func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestDiscordMetricsDuringRun runs the daemon against the fake Discord with
// /metrics served, uses two slash commands and gets one alert posted (after
// a 429 waited out), and checks that the Discord metrics exist with
// bounded labels and that their counters moved.
func TestDiscordMetricsDuringRun(t *testing.T) {
	fake := discordtest.New(testToken)
	defer fake.Close()
	fake.AddGuild(testGuild)
	fake.AddChannel(discordtest.GuildChannel{ID: testChan, GuildID: testGuild, Name: "alerts"})
	e, seedDir := discordEnv(t, fake)
	replaceInFile(t, e.config, `listen = ""`, `listen = "127.0.0.1:0"`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, _, errOut := tokenCLI(testToken)
	done := make(chan int, 1)
	go func() { done <- c.main(ctx, []string{"run", "--config", e.config}) }()
	deadline := time.Now().Add(30 * time.Second)
	base := waitHTTPBase(t, errOut, done, deadline)
	if !fake.WaitCommands(testGuild, 30*time.Second) {
		t.Fatalf("commands not registered; stderr:\n%s", errOut.String())
	}
	if _, err := fake.Interact(discordtest.Interaction{GuildID: testGuild, Permissions: "32",
		Data: discordtest.Command("alerts set", discordtest.Channel("channel", testChan))}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := fake.Interact(discordtest.Interaction{GuildID: testGuild,
		Data: discordtest.Command("search", discordtest.Str("query", "anti-terror operation"))}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	fake.Inject(discordtest.Fault{Method: "POST", PathPrefix: "/channels/", Status: http.StatusTooManyRequests, RetryAfter: 0.05})
	added := "Title: Checkpoint seized\n\nArmed men seized a checkpoint outside Слов'янська overnight.\n"
	if err := os.WriteFile(filepath.Join(seedDir, "later.txt"), []byte(added), 0o644); err != nil {
		t.Fatal(err)
	}
	if msgs := fake.WaitMessages(testChan, 1, 30*time.Second); len(msgs) != 1 {
		t.Fatalf("messages in the alert channel = %d, want 1; stderr:\n%s", len(msgs), errOut.String())
	}
	want := map[string]float64{
		`newswatch_discord_http_responses_total{class="2xx",route="users/@me"}`:                   1,
		`newswatch_discord_http_responses_total{class="2xx",route="gateway/bot"}`:                 1,
		`newswatch_discord_http_responses_total{class="2xx",route="applications/commands"}`:       1,
		`newswatch_discord_http_responses_total{class="2xx",route="interactions/callback"}`:       2,
		`newswatch_discord_http_responses_total{class="2xx",route="channels/messages"}`:           1,
		`newswatch_discord_http_responses_total{class="4xx",route="channels/messages"}`:           1,
		`newswatch_discord_http_request_duration_seconds_count{route="channels/messages"}`:        2,
		`newswatch_discord_rate_limit_wait_seconds_count{scope="route"}`:                          1,
		`newswatch_discord_rate_limit_wait_seconds_sum{scope="route"}`:                            0.05,
		`newswatch_discord_rate_limit_wait_seconds_count{scope="deferred"}`:                       0,
		`newswatch_discord_interaction_duration_seconds_count{command="alerts set",outcome="ok"}`: 1,
		`newswatch_discord_interaction_duration_seconds_count{command="search",outcome="ok"}`:     1,
		`newswatch_discord_gateway_connected`:                                                     1,
		`newswatch_discord_gateway_reconnects_total`:                                              0,
		`newswatch_alerts_sent_total`:                                                             1,
		`newswatch_alerts_failed_total{reason="refused_plain_fallback"}`:                          0,
		`newswatch_alerts_failed_total{reason="route_disabled"}`:                                  0,
	}
	var text string
	for {
		_, text = httpGet(t, base+"/metrics")
		missing := ""
		for name, atLeast := range want {
			if v := metricValue(text, name); v < atLeast {
				missing += fmt.Sprintf("%s = %v, want at least %v\n", name, v, atLeast)
			}
		}
		if missing == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Discord metrics did not move within 30s:\n%s\nmetrics:\n%s", missing, text)
		}
		select { // scrape again shortly, up to the deadline
		case code := <-done:
			t.Fatalf("run exited with %d: %s", code, errOut.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	// No raw id or token ever becomes a label value.
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "newswatch_discord_") && (strings.Contains(line, testGuild) ||
			strings.Contains(line, testChan) || strings.Contains(line, fake.AppID) || strings.Contains(line, testToken)) {
			t.Errorf("a metric line holds an id or the token: %s", line)
		}
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
