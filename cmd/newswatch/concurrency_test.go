package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// ingestItems is the size of the feed TestReadersThroughHeavyIngest serves;
// run the figure with -args -ingest-items 400000.
var ingestItems = flag.Int("ingest-items", 6000, "items in the feed of TestReadersThroughHeavyIngest")

// readerLoop is the body of the reader process: it runs stats and search
// through the CLI, as an operator would, until the stop file exists. It
// prints "ready" after its first round, then the item counts it saw, and
// exits 1 at the first failing command.
func readerLoop(config, stop string) int {
	rounds := 0
	var counts []int
	for {
		for _, args := range [][]string{{"stats", "--json"}, {"search", "--json", "Kramatorsk"}} {
			var out, errOut bytes.Buffer
			c := &cli{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: os.Getenv}
			if code := c.main(context.Background(), append(args, "--config", config)); code != 0 {
				fmt.Printf("FAIL %q exit %d: %s\n", args, code, errOut.String())
				return 1
			}
			if args[0] == "stats" {
				var st struct{ Items int }
				json.Unmarshal(out.Bytes(), &st)
				if len(counts) == 0 || counts[len(counts)-1] != st.Items {
					counts = append(counts, st.Items)
				}
			}
		}
		rounds++
		if rounds == 1 {
			fmt.Println("ready")
		}
		if _, err := os.Stat(stop); err == nil {
			fmt.Printf("rounds %d counts %v\n", rounds, counts)
			return 0
		}
	}
}

// lead pads each item of bigFeed to the size of a short real news item
// (about 500 bytes): items of 200 bytes would be denser in elements than the
// parser's budget lets any feed be.
var lead = strings.Repeat("The regional administration said the situation in the city remained tense overnight. ", 3)

// bigFeed returns an RSS document of n items, each naming Kramatorsk.
func bigFeed(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>big</title><link>http://127.0.0.1/</link><description>d</description>`)
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		fmt.Fprintf(&b, `<item><title>Item %d</title><link>http://127.0.0.1/i/%d</link><guid>i%d</guid><pubDate>%s</pubDate><description>Report %d from Kramatorsk and Sloviansk. %s</description></item>`,
			i, i, i, at.Add(-time.Duration(i)*time.Second).Format(time.RFC1123Z), i, lead)
	}
	b.WriteString(`</channel></rss>`)
	return b.Bytes()
}

// TestReadersThroughHeavyIngest runs stats and search in a loop in another
// process while two ingests of a large feed start at once in this one: no
// read fails, and the second ingest either succeeds or says plainly that the
// first runs.
func TestReadersThroughHeavyIngest(t *testing.T) {
	n := *ingestItems
	body := bigFeed(n)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(body)
	}))
	defer srv.Close()
	extra := fmt.Sprintf("[feeds]\nallow_private_networks = true\nbody_limit = \"1GiB\"\ntimeout = \"5m\"\n[[feed]]\nurl = %q\n", srv.URL+"/feed.xml")
	e := newTestEnv(t, seedsWith(t, 1), extra)
	if _, stderr, code := runCLIWith(t, nil, false, "migrate", "--config", e.config); code != 0 {
		t.Fatal(stderr)
	}

	stop := filepath.Join(e.dir, "stop")
	reader := exec.Command(os.Args[0])
	reader.Env = append(os.Environ(), "NEWSWATCH_READER_LOOP="+e.config, "NEWSWATCH_READER_STOP="+stop)
	stdout, err := reader.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := reader.Start(); err != nil {
		t.Fatal(err)
	}
	defer reader.Process.Kill()
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	select {
	case l := <-lines:
		if l != "ready" {
			t.Fatalf("reader: %s", l)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the reader process did not start reading within 60s")
	}

	start := time.Now()
	type result struct {
		stderr string
		code   int
	}
	results := make([]result, 2)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() {
			_, stderr, code := runCLIWith(t, nil, false, "ingest", "--config", e.config)
			results[i] = result{stderr, code}
		})
	}
	wg.Wait()
	took := time.Since(start)
	if err := os.WriteFile(stop, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var report []string
	for l := range lines {
		report = append(report, l)
	}
	if err := reader.Wait(); err != nil {
		t.Errorf("reader process: %v\n%s", err, strings.Join(report, "\n"))
	}
	t.Logf("%d items ingested in %s; reader: %s", n, took.Round(time.Millisecond), strings.Join(report, "; "))
	ok := 0
	for _, r := range results {
		switch {
		case r.code == 0:
			ok++
		case r.code == 1 && strings.Contains(r.stderr, "another newswatch ingest is running (pid"):
		default:
			t.Errorf("ingest: exit %d, stderr %q", r.code, r.stderr)
		}
	}
	if ok == 0 {
		t.Error("neither ingest succeeded")
	}
	out, _, _ := runCLIWith(t, nil, false, "stats", "--json", "--config", e.config)
	var st struct{ Items int }
	if err := json.Unmarshal([]byte(out), &st); err != nil || st.Items != n+1 {
		t.Errorf("items after ingest = %d (%v), want %d feed items and 1 seed", st.Items, err, n)
	}
}
