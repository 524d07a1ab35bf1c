package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

const storyWire = `Russia launched a wave of drones and missiles at Kyiv overnight, damaging two apartment blocks in the Solomianskyi district and wounding four people, the city's military administration said on Monday.
Air defence units shot down 31 of the 35 drones and all six cruise missiles aimed at the capital, the air force said on the Telegram messaging app.
Firefighters put out a blaze on the upper floors of a nine-storey building, mayor Vitali Klitschko said.`

// TestStoriesCommand: seeds ingested by `ingest` are grouped into stories
// that `stories --json` prints in the contract's shape, and `--rebuild`
// regroups them the same way.
func TestStoriesCommand(t *testing.T) {
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
	for _, args := range [][]string{{"stories", "--json"}, {"stories", "--json", "--rebuild", "--since", "30d"}} {
		out, stderr, code := runCLI(t, ctx, append(args, "--config", e.config)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		var got []map[string]any
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		var sizes []int
		for _, s := range got {
			keys := sortedKeys(s)
			if strings.Join(keys, ",") != "first_seen,id,items,title" {
				t.Errorf("%v: story keys %v", args, keys)
			}
			items := s["items"].([]any)
			sizes = append(sizes, len(items))
			for _, it := range items {
				m := it.(map[string]any)
				if strings.Join(sortedKeys(m), ",") != "feed_id,published,title,url" {
					t.Errorf("%v: item keys %v", args, sortedKeys(m))
				}
				if _, err := time.Parse(time.RFC3339, m["published"].(string)); err != nil || !strings.HasSuffix(m["published"].(string), "Z") {
					t.Errorf("%v: published %q is not RFC 3339 UTC", args, m["published"])
				}
			}
			if _, err := time.Parse(time.RFC3339, s["first_seen"].(string)); err != nil {
				t.Errorf("%v: first_seen %q: %v", args, s["first_seen"], err)
			}
		}
		sort.Ints(sizes)
		if len(sizes) != 2 || sizes[0] != 1 || sizes[1] != 2 {
			t.Errorf("%v: story sizes %v, want [1 2]\n%s", args, sizes, out)
		}
	}
	out, _, code := runCLI(t, ctx, "stories", "--config", e.config, "--limit", "1")
	if code != 0 || strings.Count(out, "story ") != 1 {
		t.Errorf("stories --limit 1: exit %d\n%s", code, out)
	}
}

func sortedKeys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
