package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A feed answering 410 is shown as gone by `feed list` (text and JSON),
// and `feed retry` revives it.
func TestFeedListShowsGone(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusGone)
	}))
	defer srv.Close()
	e := newTestEnv(t, t.TempDir(), "[feeds]\nallow_private_networks = true\n")
	ctx := context.Background()
	run := func(args ...string) string {
		t.Helper()
		out, errOut, code := runCLI(t, ctx, append(args, "--config", e.config)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		return out
	}
	run("feed", "add", "--no-check", srv.URL+"/feed")
	run("ingest", "--all")
	if out := run("feed", "list"); !strings.Contains(out, "GONE: HTTP 410 Gone") {
		t.Errorf("feed list:\n%s", out)
	}
	state := func() string {
		t.Helper()
		var list []map[string]any
		if err := json.Unmarshal([]byte(run("feed", "list", "--json")), &list); err != nil {
			t.Fatal(err)
		}
		for _, f := range list {
			if f["url"] == srv.URL+"/feed" {
				s, _ := f["state"].(string)
				return s
			}
		}
		t.Fatal("feed not listed")
		return ""
	}
	if got := state(); got != "gone" {
		t.Errorf("state %q, want gone", got)
	}
	out, errOut, code := runCLI(t, ctx, "feed", "add", "http://news.example:99999/rss", "--config", e.config)
	if code != 1 || !strings.Contains(errOut, "a port is a number from 1 to 65535") {
		t.Errorf("port out of range: exit %d, %q %q", code, out, errOut)
	}
	run("feed", "retry", srv.URL+"/feed")
	if got := state(); got != "active" {
		t.Errorf("after retry: state %q, want active", got)
	}
}
