package stories

import (
	"encoding/json"
	"flag"
	"os"
	"sort"
	"testing"
	"time"
)

var showPairs = flag.Bool("pairs", false, "log the similarity of every same-event pair of the development set")

type devItem struct {
	ID, Event, Story, Outlet, URL, Date, Lang, Title, Text, Note string
}

func loadDevset(t testing.TB) []devItem {
	t.Helper()
	data, err := os.ReadFile("testdata/devset.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Items []devItem }
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	return f.Items
}

// devDocs turns the development set into documents in date order, one feed
// per outlet, a minute apart.
func devDocs(t testing.TB, items []devItem) []Doc {
	feeds := map[string]int64{}
	docs := make([]Doc, len(items))
	for i, it := range items {
		day, err := time.Parse("2006-01-02", it.Date)
		if err != nil {
			t.Fatalf("%s: %v", it.ID, err)
		}
		if feeds[it.Outlet] == 0 {
			feeds[it.Outlet] = int64(len(feeds) + 1)
		}
		docs[i] = Doc{ItemID: int64(i + 1), FeedID: feeds[it.Outlet], Title: it.Title, Text: it.Text, Link: it.URL,
			Time: day.Add(time.Duration(i) * time.Minute)}
	}
	order := make([]int, len(docs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return docs[order[a]].Time.Before(docs[order[b]].Time) })
	out := make([]Doc, len(docs))
	for i, j := range order {
		out[i] = docs[j]
	}
	return out
}

// pairScores returns the pairwise precision and recall of "same story" of
// the index's grouping of items against the labels.
func pairScores(t testing.TB, items []devItem, line Line) (prec, rec float64, tp, fp, fn int) {
	x := NewIndex(DefaultWindow, line)
	story := map[int64]*storyRef{}
	for _, d := range devDocs(t, items) {
		story[d.ItemID] = x.assign(d, nil).story
	}
	for i := range items {
		for j := i + 1; j < len(items); j++ {
			truth := items[i].Story == items[j].Story
			got := story[int64(i+1)] == story[int64(j+1)]
			switch {
			case truth && got:
				tp++
			case got:
				fp++
				t.Logf("false join: %s + %s", items[i].ID, items[j].ID)
			case truth:
				fn++
				t.Logf("missed: %s + %s", items[i].ID, items[j].ID)
			}
		}
	}
	prec, rec = 1, 1
	if tp+fp > 0 {
		prec = float64(tp) / float64(tp+fp)
	}
	if tp+fn > 0 {
		rec = float64(tp) / float64(tp+fn)
	}
	return prec, rec, tp, fp, fn
}

// TestDevset measures the line on the labelled development set
// (testdata/devset.json, built by testdata/build_devset.py from public
// pages): pairwise precision and recall of "same story" must both be at
// least 0.95.
func TestDevset(t *testing.T) {
	items := loadDevset(t)
	prec, rec, tp, fp, fn := pairScores(t, items, DefaultLine)
	t.Logf("pairs: %d true joins, %d false joins, %d missed; precision %.3f recall %.3f", tp, fp, fn, prec, rec)
	if prec < 0.95 || rec < 0.95 {
		t.Errorf("precision %.3f, recall %.3f; want both >= 0.95", prec, rec)
	}
	if *showPairs {
		docs := map[string]Doc{}
		for _, d := range devDocs(t, items) {
			docs[items[d.ItemID-1].ID] = d
		}
		x := NewIndex(DefaultWindow, DefaultLine)
		for i := range items {
			for j := i + 1; j < len(items); j++ {
				if items[i].Event != items[j].Event {
					continue
				}
				a, b := x.prepare(docs[items[i].ID]), x.prepare(docs[items[j].ID])
				inter := intersect(a.set, b.set)
				t.Logf("%-5v C=%.2f shared=%d n=%d/%d %s %s", items[i].Story == items[j].Story,
					float64(inter)/float64(max(1, min(len(a.set), len(b.set)))), inter, len(a.set), len(b.set), items[i].ID, items[j].ID)
			}
		}
	}
}
