package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/store"
)

// TestIngestAssignsStories: `ingest` gives every item it saves its story
// in the save itself; nothing waits for the stories command.
func TestIngestAssignsStories(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	seeds := t.TempDir()
	files := map[string]string{
		"a-wire.txt":  "Russia strikes Kyiv overnight\n\n" + storyWire,
		"b-copy.txt":  "Four hurt as drones hit Kyiv flats\n\n" + storyWire + "\nRead our live coverage for updates.",
		"c-other.txt": "Budget approved\n\nThe regional council approved the new budget on Tuesday after a long debate about school repairs and the cost of heating in winter, its chairman told reporters.",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(seeds, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e := newTestEnv(t, seeds, "")
	if _, stderr, code := runCLI(t, ctx, "ingest", "--config", e.config); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, stderr)
	}
	db, err := store.OpenReader(ctx, e.db)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, left, err := db.OldestUnassigned(ctx); err != nil || left {
		t.Fatalf("items left without a story after ingest: %v, %v", left, err)
	}
	list, err := db.Stories(ctx, newswatch.StoryQuery{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	sizes := map[int]int{}
	for _, s := range list {
		sizes[s.ItemCount]++
	}
	if len(list) != 2 || sizes[1] != 1 || sizes[2] != 1 {
		t.Errorf("stories %+v, want one of 2 items and one of 1", list)
	}
}
