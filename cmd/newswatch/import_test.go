package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeOPML writes an OPML file of n good outlines, plus the given raw
// outline lines after the first good one.
func writeOPML(t *testing.T, n int, bad ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "subs.opml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString("<?xml version=\"1.0\"?>\n<opml version=\"2.0\"><body>\n")
	for i := range n {
		fmt.Fprintf(w, "<outline text=\"Feed %d\" xmlUrl=\"https://f%d.example.com/rss\"/>\n", i, i)
		if i == 0 {
			for _, b := range bad {
				w.WriteString(b + "\n")
			}
		}
	}
	w.WriteString("</body></opml>\n")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return path
}

// `feed import` adds the good outlines, reports each bad one with its line
// and counts what was added, already present and refused.
func TestFeedImportReportsBadOutlines(t *testing.T) {
	e := newTestEnv(t, t.TempDir(), "")
	ctx := context.Background()
	path := writeOPML(t, 3,
		`<outline text="Script" xmlUrl="javascript:alert(1)"/>`,
		`<outline text="Port" xmlUrl="http://p.example:0/rss"/>`,
		`<outline text="Again" xmlUrl="https://f0.example.com/rss"/>`)
	out, errOut, code := runCLI(t, ctx, "feed", "import", path, "--config", e.config)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if want := "3 feeds added, 1 already present, 2 refused\n"; out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
	for _, want := range []string{`line 4: outline "Script": The feed URL must start with http://`,
		`line 5: outline "Port": The feed URL "http://p.example:0/rss" has port 0`} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	out, _, _ = runCLI(t, ctx, "feed", "import", path, "--config", e.config)
	if want := "0 feeds added, 4 already present, 2 refused\n"; out != want {
		t.Errorf("second import: %q, want %q", out, want)
	}
}

var importFeeds = flag.Int("import-feeds", 10_000, "feeds TestFeedImportMany imports (100000 for the issue's figure)")

// Many feeds (-import-feeds, 100,000 for an 8 MB file) import in one
// command.
func TestFeedImportMany(t *testing.T) {
	n := *importFeeds
	e := newTestEnv(t, t.TempDir(), "")
	path := writeOPML(t, n)
	start := time.Now()
	out, errOut, code := runCLI(t, context.Background(), "feed", "import", path, "--config", e.config)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut[max(0, len(errOut)-500):])
	}
	if want := fmt.Sprintf("%d feeds added, 0 already present, 0 refused\n", n); out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
	t.Logf("imported %d feeds in %s", n, time.Since(start).Round(time.Millisecond))
}
