package main

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/store"
)

// TestSavedAlertsWakeTheConsole: an item saved through the poller's store
// with an alert is printed at once, though the console deliverer's own
// interval (an hour here) is far off; a save without alerts does not wake it.
func TestSavedAlertsWakeTheConsole(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "nw.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.EnsureConsoleRoute(ctx, true); err != nil {
		t.Fatal(err)
	}
	w, _, err := db.PutWatch(ctx, newswatch.Watch{Name: "Kyiv", Kind: newswatch.KindCity}, 0)
	if err != nil {
		t.Fatal(err)
	}
	feed, err := db.EnsureFeed(ctx, "https://news.example/rss", newswatch.GlobalScope, "cli", 0)
	if err != nil {
		t.Fatal(err)
	}

	out := &syncBuffer{}
	// Each pass reads the clock first: the test sees the first look at the
	// empty outbox happen before it saves anything.
	looked := make(chan struct{})
	var lookOnce sync.Once
	clock := func() time.Time { lookOnce.Do(func() { close(looked) }); return time.Now() }
	d := &consoleDeliverer{db: db, out: out, now: clock, wake: make(chan struct{}, 1)}
	wakes := 0
	a := &app{db: db, alertsQueued: func() { wakes++; d.Wake() }}
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx, time.Hour) }()
	select {
	case <-looked:
	case <-time.After(10 * time.Second):
		t.Fatal("the deliverer did not look at the outbox")
	}

	ps := pollerStore{DB: db, a: a}
	now := time.Now()
	quiet := newswatch.Item{Key: "quiet", Title: "Nothing watched here", Link: "https://news.example/1", Published: now}
	if _, err := ps.SaveItems(ctx, feed.ID, []newswatch.IngestItem{{Item: quiet, Alert: true}}); err != nil {
		t.Fatal(err)
	}
	if wakes != 0 {
		t.Fatalf("a save without alerts woke the deliverer %d times", wakes)
	}
	title := "Talks in Kyiv"
	it := newswatch.Item{Key: "kyiv", Title: title, Link: "https://news.example/2", Published: now}
	m := newswatch.Mention{WatchID: w.ID, Entity: w.Name, Kind: w.Kind, Start: 9, End: 13, Text: "Kyiv"}
	res, err := ps.SaveItems(ctx, feed.ID, []newswatch.IngestItem{{Item: it, Mentions: []newswatch.Mention{m}, Alert: true}})
	if err != nil || res.Alerts != 1 {
		t.Fatalf("SaveItems = %+v, %v; want 1 alert", res, err)
	}
	if wakes != 1 {
		t.Fatalf("the deliverer was woken %d times, want 1", wakes)
	}
	if !eventually(10*time.Second, func() bool { return strings.Contains(out.String(), title) }) {
		t.Fatalf("the alert was not printed after the wake-up; output:\n%s", out.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run() = %v", err)
	}
}

// cancelOnWrite is an output that ends a context when something is written
// to it: shutdown begins the moment an alert is printed.
type cancelOnWrite struct {
	syncBuffer
	cancel context.CancelFunc
}

func (w *cancelOnWrite) Write(p []byte) (int, error) {
	defer w.cancel()
	return w.syncBuffer.Write(p)
}

// TestPrintedAlertIsMarkedDuringShutdown: an alert printed just as shutdown
// begins is still marked sent, so the next run does not print it again.
func TestPrintedAlertIsMarkedDuringShutdown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "nw.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	bg := context.Background()
	if err := db.EnsureConsoleRoute(bg, true); err != nil {
		t.Fatal(err)
	}
	w, _, err := db.PutWatch(bg, newswatch.Watch{Name: "Kyiv", Kind: newswatch.KindCity}, 0)
	if err != nil {
		t.Fatal(err)
	}
	feed, err := db.EnsureFeed(bg, "https://news.example/rss", newswatch.GlobalScope, "cli", 0)
	if err != nil {
		t.Fatal(err)
	}
	it := newswatch.Item{Key: "kyiv", Title: "Talks in Kyiv", Link: "https://news.example/2", Published: time.Now()}
	m := newswatch.Mention{WatchID: w.ID, Entity: w.Name, Kind: w.Kind, Start: 9, End: 13, Text: "Kyiv"}
	if _, err := db.SaveItems(bg, feed.ID, []newswatch.IngestItem{{Item: it, Mentions: []newswatch.Mention{m}, Alert: true}}); err != nil {
		t.Fatal(err)
	}
	out := &cancelOnWrite{cancel: cancel}
	d := &consoleDeliverer{db: db, out: out, now: time.Now, wake: make(chan struct{}, 1)}
	if err := d.Run(ctx, time.Hour); err != nil {
		t.Fatalf("Run() = %v", err)
	}
	if !strings.Contains(out.String(), "Talks in Kyiv") {
		t.Fatalf("the alert was not printed:\n%s", out.String())
	}
	if pend, err := db.PendingAlerts(bg, true, time.Now(), 10); err != nil || len(pend) != 0 {
		t.Errorf("after shutdown: %d alerts pending (%v), want the printed one marked sent", len(pend), err)
	}
}
