package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/store"
)

// TestMain lets a test run this binary as the newswatch program itself:
// with NEWSWATCH_BE_MAIN=1 the test binary is main.
func TestMain(m *testing.M) {
	if os.Getenv("NEWSWATCH_BE_MAIN") == "1" {
		main()
		return
	}
	if cfg := os.Getenv("NEWSWATCH_READER_LOOP"); cfg != "" {
		os.Exit(readerLoop(cfg, os.Getenv("NEWSWATCH_READER_STOP")))
	}
	os.Exit(m.Run())
}

// testEnv is a config file and data directory for one test.
type testEnv struct {
	dir    string
	config string
	db     string
}

func newTestEnv(t *testing.T, seedsDir string, extra string) testEnv {
	t.Helper()
	dir := t.TempDir()
	e := testEnv{dir: dir, config: filepath.Join(dir, "newswatch.toml"), db: filepath.Join(dir, "data", "nw.db")}
	cfg := fmt.Sprintf("[storage]\npath = %q\n[seeds]\ndir = %q\nrescan_interval = \"1s\"\n[http]\nlisten = \"\"\n%s", e.db, seedsDir, extra)
	if err := os.WriteFile(e.config, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return e
}

// syncBuffer is a bytes.Buffer safe for one writer and concurrent readers.
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

// runCLI runs one command line in-process and returns stdout, stderr and the
// exit code.
func runCLI(t *testing.T, ctx context.Context, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut syncBuffer
	c := &cli{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	code := c.main(ctx, args)
	return out.String(), errOut.String(), code
}

func TestIngestThenMentionsAndSearch(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t, "../../seeds", "")
	out, stderr, code := runCLI(t, ctx, "ingest", "--config", e.config)
	if code != 0 {
		t.Fatalf("ingest exit %d\nstdout: %s\nstderr: %s", code, out, stderr)
	}
	out, stderr, code = runCLI(t, ctx, "mentions", "--json", "--config", e.config)
	if code != 0 {
		t.Fatalf("mentions exit %d: %s", code, stderr)
	}
	var ms []mentionJSON
	if err := json.Unmarshal([]byte(out), &ms); err != nil {
		t.Fatalf("mentions --json: %v\n%s", err, out)
	}
	texts := map[string]map[string]bool{}
	for _, m := range ms {
		if texts[m.Entity] == nil {
			texts[m.Entity] = map[string]bool{}
		}
		texts[m.Entity][m.Text] = true
		if !strings.Contains(m.Item.Title, "Ukrainian officer") {
			t.Errorf("mention %q in item %q, want the seed article", m.Text, m.Item.Title)
		}
	}
	want := map[string]string{
		"Sloviansk": "Sloviansk", "Kramatorsk": "Kramatorsk", "Druzhkivka": "Druzhkovka", "Mariupol": "Mariupol",
		"Yenakiieve": "Yenakievo", "Donetsk": "Donetsk", "Kyiv": "Kiev", "Crimea": "Crimea", "Geneva": "Geneva",
		"Arsen Avakov": "Arsen Avakov", "Sergei Lavrov": "Sergei Lavrov", "John Kerry": "John Kerry",
		"Viktor Yanukovych": "Viktor Yanukovych", "Kremlin": "Kremlin",
	}
	for entity, text := range want {
		if !texts[entity][text] {
			t.Errorf("no mention of %s as %q; got %v", entity, text, texts[entity])
		}
	}
	if len(texts) != len(want) {
		t.Errorf("entities = %v, want exactly %d", texts, len(want))
	}

	out, stderr, code = runCLI(t, ctx, "search", "--json", "--config", e.config, "anti-terror operation")
	if code != 0 {
		t.Fatalf("search exit %d: %s", code, stderr)
	}
	var hits []itemJSON
	if err := json.Unmarshal([]byte(out), &hits); err != nil {
		t.Fatalf("search --json: %v\n%s", err, out)
	}
	if len(hits) != 1 || !strings.Contains(hits[0].Title, "Ukrainian officer") || !strings.Contains(hits[0].Snippet, "**") {
		t.Errorf("search hits = %+v, want the seed item with a highlighted snippet", hits)
	}

	// Ingesting again changes nothing.
	out, _, code = runCLI(t, ctx, "ingest", "--json", "--config", e.config)
	if code != 0 || !strings.Contains(out, `"new": 0`) {
		t.Errorf("second ingest exit %d: %s", code, out)
	}
}

func TestHostileSearchGivesAClearError(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t, "../../seeds", "")
	for _, q := range []string{`"unbalanced`, "AND", "*", "NEAR(", "a OR", "foo:bar"} {
		_, stderr, code := runCLI(t, ctx, "search", "--config", e.config, q)
		if code != 0 && (strings.Contains(strings.ToLower(stderr), "sqlite") || strings.Contains(stderr, "fts5")) {
			t.Errorf("search %q: raw database error shown: %s", q, stderr)
		}
	}
}

func TestRunPrintsSeedAlertsAndStopsCleanly(t *testing.T) {
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
	e := newTestEnv(t, seedDir, "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut syncBuffer
	c := &cli{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	done := make(chan int, 1)
	go func() { done <- c.main(ctx, []string{"run", "--config", e.config}) }()
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(out.String(), "ALERT") && time.Now().Before(deadline) {
		select {
		case code := <-done:
			t.Fatalf("run exited early with %d: %s", code, errOut.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	text := out.String()
	for _, want := range []string{"Sloviansk (city)", "Arsen Avakov (actor)", "Ukrainian officer", "**"} {
		if !strings.Contains(text, want) {
			t.Errorf("console alert lacks %q:\n%s", want, text)
		}
	}
	// A seed file added while running is ingested and alerts.
	added := "Title: Shelling reported overnight\n\nResidents of Маріуполі reported shelling overnight.\n"
	if err := os.WriteFile(filepath.Join(seedDir, "later.txt"), []byte(added), 0o644); err != nil {
		t.Fatal(err)
	}
	eventually(60*time.Second, func() bool { return strings.Contains(out.String(), "Shelling reported overnight") })
	if !strings.Contains(out.String(), "Shelling reported overnight") || !strings.Contains(out.String(), "**Маріуполі**") {
		t.Errorf("no alert for the seed file added while running:\n%s", out.String())
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("run exit %d after cancel: %s", code, errOut.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not stop within 30s of cancellation")
	}
	// Delivered alerts are marked sent: a second run prints nothing new.
	db, err := store.Open(context.Background(), e.db)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := db.Stats(context.Background(), newswatch.GlobalScope)
	if err != nil {
		t.Fatal(err)
	}
	if st.PendingAlerts != 0 || st.SentAlerts == 0 {
		t.Errorf("after run: %d pending, %d sent alerts", st.PendingAlerts, st.SentAlerts)
	}
}

func TestWatchAddRescansWithoutAlerts(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t, "../../seeds", "")
	if _, stderr, code := runCLI(t, ctx, "ingest", "--config", e.config); code != 0 {
		t.Fatal(stderr)
	}
	before := pendingAlerts(t, e.db)
	_, stderr, code := runCLI(t, ctx, "watch", "add", "--config", e.config, "--kind", "city", "--alias", "Москва", "Moscow")
	if code != 0 {
		t.Fatalf("watch add exit %d: %s", code, stderr)
	}
	out, stderr, code := runCLI(t, ctx, "mentions", "--json", "--config", e.config, "Moscow")
	if code != 0 {
		t.Fatalf("mentions exit %d: %s", code, stderr)
	}
	var ms []mentionJSON
	if err := json.Unmarshal([]byte(out), &ms); err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 {
		t.Errorf("Moscow mentions after rescan = %d, want 2 (the seed names Moscow twice)", len(ms))
	}
	if after := pendingAlerts(t, e.db); after != before {
		t.Errorf("pending alerts %d -> %d: a rescan must not alert", before, after)
	}
	// A conflicting alias is refused with a message naming it.
	_, stderr, code = runCLI(t, ctx, "watch", "add", "--config", e.config, "--kind", "city", "--alias", "Kiev", "Kiev city")
	if code == 0 || !strings.Contains(stderr, "Kiev") {
		t.Errorf("duplicate alias: exit %d, stderr %q", code, stderr)
	}
}

func pendingAlerts(t *testing.T, path string) int {
	t.Helper()
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := db.Stats(context.Background(), newswatch.GlobalScope)
	if err != nil {
		t.Fatal(err)
	}
	return st.PendingAlerts
}

func TestHealthzReadyzAndMetrics(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "nw.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m := newMetrics()
	if err := m.refresh(ctx, db); err != nil {
		t.Fatal(err)
	}
	gateway := true
	ready := &readiness{db: db, window: time.Hour, gateway: func() bool { return gateway }}
	ready.progressed()
	srv := httptest.NewServer(httpHandler(m, ready))
	defer srv.Close()
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := srv.Client().Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp.StatusCode, string(body)
	}
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready",
		"/metrics": `newswatch_store_rows{what="items"} 0`} {
		if code, body := get(path); code != 200 || !strings.Contains(body, want) {
			t.Errorf("GET %s: %d, body lacks %q:\n%.500s", path, code, want, body)
		}
	}
	gateway = false
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "gateway") {
		t.Errorf("readyz with the gateway down: %d %q", code, body)
	}
	gateway = true
	ready.progress.Store(time.Now().Add(-2 * time.Hour).UnixNano())
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "poller") {
		t.Errorf("readyz with a stuck poller: %d %q", code, body)
	}
	ready.progressed()
	db.Close()
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "database") {
		t.Errorf("readyz with the database closed: %d %q", code, body)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("healthz (liveness) with the database closed: %d, want 200", code)
	}
}

// TestKillDuringIngest kills an ingest process with SIGKILL part-way through
// a large seeds directory, checks the database, re-runs the ingest and finds
// every item exactly once.
func TestKillDuringIngest(t *testing.T) {
	const n = 4000
	seedDir := t.TempDir()
	for i := range n {
		body := fmt.Sprintf("Report %d from Kramatorsk. Talks in Geneva continue; Sergei Lavrov spoke again.\n%s\nBBC\n",
			i, strings.Repeat("Officials in Донецьк said the town was quiet. ", 20))
		if err := os.WriteFile(filepath.Join(seedDir, fmt.Sprintf("doc%05d.txt", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e := newTestEnv(t, seedDir, "")
	start := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "ingest", "--config", e.config)
		cmd.Env = append(os.Environ(), "NEWSWATCH_BE_MAIN=1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	cmd := start()
	killedAt := -1
	eventually(2*time.Minute, func() bool { killedAt = countItems(t, e.db); return killedAt > 0 })
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if killedAt <= 0 || killedAt >= n {
		t.Fatalf("items when killed = %d, want part of %d", killedAt, n)
	}
	t.Logf("killed with %d of %d items stored", killedAt, n)
	raw, err := sql.Open("sqlite", e.db)
	if err != nil {
		t.Fatal(err)
	}
	var check string
	if err := raw.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	raw.Close()

	cmd = start()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("second ingest: %v", err)
	}
	raw, err = sql.Open("sqlite", e.db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var total, distinct int
	if err := raw.QueryRow("SELECT count(*), count(DISTINCT key) FROM items").Scan(&total, &distinct); err != nil {
		t.Fatal(err)
	}
	if total != n || distinct != n {
		t.Errorf("items = %d (%d distinct keys), want %d each (killed at %d)", total, distinct, n, killedAt)
	}
}

// countItems counts stored items, 0 while the database is not there yet.
func countItems(t *testing.T, path string) int {
	if _, err := os.Stat(path); err != nil {
		return 0
	}
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(100)")
	if err != nil {
		return 0
	}
	defer raw.Close()
	var c int
	if err := raw.QueryRow("SELECT count(*) FROM items").Scan(&c); err != nil {
		return 0
	}
	return c
}
