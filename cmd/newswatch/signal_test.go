package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// In a child run as main, "test-stall" is a command that ignores its
// context, as a parse that cannot be cancelled would: only the second
// signal ends it.
func init() {
	if os.Getenv("NEWSWATCH_BE_MAIN") != "1" {
		return
	}
	commands["test-stall"] = command{summary: "test only: block forever", run: func(ctx context.Context, c *cli, args []string) error {
		fmt.Fprintln(c.stdout, "stalling")
		<-ctx.Done()
		fmt.Fprintln(c.stdout, "ignoring the signal")
		select {}
	}}
}

// child starts this test binary as newswatch with args and returns it with
// a reader of its standard output.
func child(t *testing.T, args ...string) (*exec.Cmd, *bufio.Reader, *strings.Builder) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "NEWSWATCH_BE_MAIN=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, bufio.NewReader(out), &stderr
}

// waitExit waits up to limit for cmd to exit and returns its exit code.
func waitExit(t *testing.T, cmd *exec.Cmd, limit time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(limit):
		t.Fatalf("still running %s after the signal", limit)
		return -1
	}
}

// SIGTERM ends `feed add`, `ingest` and `run` while they wait on a
// server that never answers (their fetch timeout is 20s): within 10s.
func TestSIGTERMEndsWaitingCommands(t *testing.T) {
	requested := make(chan struct{}, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requested <- struct{}{}
		<-r.Context().Done()
	}))
	defer srv.Close()
	defer srv.CloseClientConnections()
	e := newTestEnv(t, t.TempDir(), "[feeds]\nallow_private_networks = true\n")
	for _, args := range [][]string{
		{"feed", "add", srv.URL + "/feed"},
		{"ingest", "--all"},
		{"run"},
	} {
		t.Run(args[0], func(t *testing.T) {
			if args[0] == "ingest" {
				if _, errOut, code := runCLI(t, context.Background(), "feed", "add", "--no-check", srv.URL+"/feed", "--config", e.config); code != 0 {
					t.Fatal(errOut)
				}
			}
			for len(requested) > 0 {
				<-requested
			}
			cmd, _, stderr := child(t, append(args, "--config", e.config)...)
			select {
			case <-requested:
			case <-time.After(10 * time.Second):
				t.Fatalf("the command never fetched: %s", stderr)
			}
			start := time.Now()
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			waitExit(t, cmd, 10*time.Second)
			t.Logf("%s ended %s after SIGTERM: %s", args[0], time.Since(start).Round(time.Millisecond), strings.TrimSpace(stderr.String()))
		})
	}
}

// SIGTERM ends `feed add` while it parses a large feed (14 MB, about
// a second or more of parsing).
func TestSIGTERMEndsFeedAddWhileParsing(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>big</title>`)
	for i := 0; b.Len() < 14<<20; i++ {
		fmt.Fprintf(&b, `<item><title>Item %d near Sloviansk</title><link>https://big.example/%d</link><description>&lt;p&gt;Officials said the situation remained tense in the region, item %d.&lt;/p&gt;</description></item>`, i, i, i)
	}
	b.WriteString(`</channel></rss>`)
	body := b.String()
	served := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, body)
		served <- struct{}{}
	}))
	defer srv.Close()
	e := newTestEnv(t, t.TempDir(), "[feeds]\nallow_private_networks = true\n")
	cmd, _, stderr := child(t, "feed", "add", srv.URL+"/big", "--config", e.config)
	select {
	case <-served:
	case <-time.After(10 * time.Second):
		t.Fatalf("never served: %s", stderr)
	}
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitExit(t, cmd, 10*time.Second)
	t.Logf("ended %s after SIGTERM: %s", time.Since(start).Round(time.Millisecond), strings.TrimSpace(stderr.String()))
}

// A second signal ends the process at once even when the first could not.
func TestSecondSignalExitsAtOnce(t *testing.T) {
	cmd, out, stderr := child(t, "test-stall")
	line, err := out.ReadString('\n')
	if err != nil || line != "stalling\n" {
		t.Fatalf("read %q, %v", line, err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// Two signals sent at once may arrive as one: send the second after
	// the first was seen.
	if line, err := out.ReadString('\n'); err != nil || line != "ignoring the signal\n" {
		t.Fatalf("read %q, %v", line, err)
	}
	go io.Copy(io.Discard, out)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := waitExit(t, cmd, 5*time.Second); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	if !strings.Contains(stderr.String(), "second signal") {
		t.Errorf("stderr %q", stderr.String())
	}
}
