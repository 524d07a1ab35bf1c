package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// storySeeds ingests two copies of one wire story and an unrelated
// document, all mentioning or not Kyiv, groups them into stories and
// returns the environment.
func storySeeds(t *testing.T, ctx context.Context) testEnv {
	t.Helper()
	seeds := t.TempDir()
	files := map[string]string{
		"watchlist.toml": "[[watch]]\nname = \"Kyiv\"\nkind = \"city\"\n",
		"a-wire.txt":     "Russia strikes Kyiv overnight\n\n" + storyWire,
		"b-copy.txt":     "Four hurt as drones hit Kyiv flats\n\n" + storyWire + "\nRead our live coverage for updates.",
		"c-other.txt":    "Budget approved\n\nThe regional council approved the new budget on Tuesday after a long debate about school repairs and the cost of heating in winter, its chairman told reporters.",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(seeds, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e := newTestEnv(t, seeds, "")
	for _, args := range [][]string{{"ingest"}, {"stories", "--backfill"}} {
		if _, stderr, code := runCLI(t, ctx, append(args, "--config", e.config)...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	return e
}

// jsonArray runs a command that prints a JSON array and returns its objects.
func jsonArray(t *testing.T, ctx context.Context, e testEnv, args ...string) []map[string]any {
	t.Helper()
	out, stderr, code := runCLI(t, ctx, append(args, "--config", e.config)...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, stderr)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
	return got
}

// itemKeys are the keys of a seed item in --json output (no feed title,
// link, author, published time, categories or snippet), with extra ones,
// sorted.
func itemKeys(extra ...string) string {
	keys := append([]string{"feed_id", "fetched_at", "id", "title"}, extra...)
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

func TestSearchAndLatestByStory(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	e := storySeeds(t, ctx)
	for _, tt := range []struct {
		args    []string
		n       int
		keys    string
		stories bool
	}{
		{[]string{"search", "--json", "drones"}, 1, itemKeys("snippet", "sources", "story_id"), true},
		{[]string{"search", "--json", "--expand", "drones"}, 2, itemKeys("snippet"), false},
		{[]string{"latest", "--json"}, 2, itemKeys("sources", "story_id"), true},
		{[]string{"latest", "--json", "--expand"}, 3, itemKeys(), false},
		{[]string{"latest", "--json", "--limit", "1", "--offset", "1"}, 1, itemKeys("sources", "story_id"), true},
	} {
		got := jsonArray(t, ctx, e, tt.args...)
		if len(got) != tt.n {
			t.Errorf("%v: %d entries, want %d: %v", tt.args, len(got), tt.n, got)
			continue
		}
		for _, o := range got {
			if keys := strings.Join(sortedKeys(o), ","); keys != tt.keys {
				t.Errorf("%v: keys %s, want %s", tt.args, keys, tt.keys)
			}
		}
		if tt.stories && tt.args[0] == "search" && (got[0]["story_id"].(float64) == 0 || got[0]["sources"].(float64) != 1) {
			t.Errorf("%v: entry %v, want a story of one source (the seeds)", tt.args, got[0])
		}
	}
	// Paging counts entries: the two pages of one are the two entries.
	p1 := jsonArray(t, ctx, e, "latest", "--json", "--limit", "1")
	p2 := jsonArray(t, ctx, e, "latest", "--json", "--limit", "1", "--offset", "1")
	if p1[0]["id"] == p2[0]["id"] || (p1[0]["story_id"] == p2[0]["story_id"] && p1[0]["story_id"].(float64) != 0) {
		t.Errorf("pages repeat an entry: %v, %v", p1, p2)
	}
	// --all exports every item as before, with no story fields.
	out, _, code := runCLI(t, ctx, "search", "--all", "drones", "--config", e.config)
	sc := bufio.NewScanner(strings.NewReader(out))
	lines := 0
	for sc.Scan() {
		var o map[string]any
		if err := json.Unmarshal(sc.Bytes(), &o); err != nil || o["story_id"] != nil {
			t.Errorf("search --all line %q: %v", sc.Text(), err)
		}
		lines++
	}
	if code != 0 || lines != 2 {
		t.Errorf("search --all: exit %d, %d lines, want 2", code, lines)
	}
	out, _, code = runCLI(t, ctx, "search", "drones", "--config", e.config)
	if code != 0 || strings.Count("\n"+out, "\n#") != 1 || !strings.Contains(out, "1 sources, 2 items") {
		t.Errorf("search text: exit %d\n%s", code, out)
	}
}

func TestStoryCommandCLI(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	e := storySeeds(t, ctx)
	entry := jsonArray(t, ctx, e, "search", "--json", "drones")[0]
	id := fmt.Sprint(int64(entry["story_id"].(float64)))
	out, stderr, code := runCLI(t, ctx, "story", id, "--json", "--config", e.config)
	if code != 0 {
		t.Fatalf("story --json: exit %d %s", code, stderr)
	}
	var s map[string]any
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	if keys := strings.Join(sortedKeys(s), ","); keys != "first_seen,id,item_count,items,last_seen,source_count,title" {
		t.Errorf("story keys %s", keys)
	}
	items := s["items"].([]any)
	if len(items) != 2 || s["item_count"].(float64) != 2 || s["source_count"].(float64) != 1 {
		t.Errorf("story %s", out)
	}
	for _, it := range items {
		if keys := strings.Join(sortedKeys(it.(map[string]any)), ","); keys != "feed_id,item_id,published,title,url" {
			t.Errorf("story item keys %s", keys)
		}
	}
	out, _, code = runCLI(t, ctx, "story", id, "--config", e.config)
	if code != 0 || !strings.Contains(out, "story "+id) || !strings.Contains(out, "Russia strikes Kyiv overnight") ||
		!strings.Contains(out, "Four hurt as drones") {
		t.Errorf("story text: exit %d\n%s", code, out)
	}
	if _, stderr, code := runCLI(t, ctx, "story", "99999", "--config", e.config); code != 1 || !strings.Contains(stderr, "There is no story 99999") {
		t.Errorf("unknown story: exit %d %q", code, stderr)
	}
	if _, _, code := runCLI(t, ctx, "story", "abc", "--config", e.config); code != 2 {
		t.Errorf("story abc: exit %d, want 2", code)
	}
}

func TestMentionsAndStatsByStory(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	e := storySeeds(t, ctx)
	all := jsonArray(t, ctx, e, "mentions", "--json", "Kyiv")
	byStory := jsonArray(t, ctx, e, "mentions", "--json", "--stories", "Kyiv")
	if len(all) < 2 || len(byStory) != 1 {
		t.Fatalf("mentions: %d, by story: %d; want 2 or more and 1", len(all), len(byStory))
	}
	if keys := strings.Join(sortedKeys(byStory[0]), ","); keys != "end,entity,item,kind,snippet,sources,start,story_id,text" {
		t.Errorf("mentions --stories keys %s", keys)
	}
	if _, ok := all[0]["story_id"]; ok {
		t.Errorf("mentions without --stories has story_id: %v", all[0])
	}
	if _, _, code := runCLI(t, ctx, "mentions", "--stories", "--all", "Kyiv", "--config", e.config); code != 2 {
		t.Errorf("mentions --stories --all: exit %d, want 2", code)
	}
	out, _, code := runCLI(t, ctx, "mentions", "--stories", "Kyiv", "--config", e.config)
	if want := fmt.Sprintf("Kyiv: %d mentions in 2 items, 1 stories", len(all)); code != 0 || !strings.Contains(out, want) {
		t.Errorf("mentions --stories text lacks %q: exit %d\n%s", want, code, out)
	}
	out, stderr, code := runCLI(t, ctx, "stats", "--json", "--config", e.config)
	if code != 0 {
		t.Fatalf("stats: %d %s", code, stderr)
	}
	var st struct {
		Items   int  `json:"items"`
		Stories int  `json:"stories"`
		Multi   *int `json:"multi_source_stories"`
		Daily   []struct {
			Entity  string `json:"entity"`
			Count   int    `json:"count"`
			Stories int    `json:"stories"`
		} `json:"daily"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	if st.Items != 3 || st.Stories != 2 || st.Multi == nil {
		t.Errorf("stats --json: %s", out)
	}
	for _, d := range st.Daily {
		if d.Entity == "Kyiv" && (d.Stories != 1 || d.Count < 2) {
			t.Errorf("daily %+v, want 1 story of 2+ mentions", d)
		}
	}
	out, _, _ = runCLI(t, ctx, "stats", "--config", e.config)
	if !strings.Contains(out, "stories 2 (0 from 2+ sources)") {
		t.Errorf("stats text:\n%s", out)
	}
}
