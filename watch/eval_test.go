package watch

import (
	"bufio"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/newswatch/newswatch"
)

var evalShow = flag.Bool("evalshow", false, "TestNewsEval: print every label in context and every mention")

// goldSpan is one hand-labelled mention of testdata/news.
type goldSpan struct {
	entity     string
	start, end int
	matched    bool
}

// readLabels reads NAME.labels: lines "entity<TAB>surface<TAB>n", the n-th
// occurrence (counting every occurrence of surface as a substring of the
// text) being a mention of entity; # starts a comment.
func readLabels(t *testing.T, path, text string) []goldSpan {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []goldSpan
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		col := strings.Split(line, "\t")
		if len(col) != 3 {
			t.Fatalf("%s: bad line %q", path, line)
		}
		n, err := strconv.Atoi(col[2])
		if err != nil || n < 1 {
			t.Fatalf("%s: bad occurrence in %q", path, line)
		}
		at := -1
		for i, from := 0, 0; i < n; i++ {
			j := strings.Index(text[from:], col[1])
			if j < 0 {
				t.Fatalf("%s: %q has no occurrence %d", path, col[1], n)
			}
			at, from = from+j, from+j+len(col[1])
		}
		out = append(out, goldSpan{entity: col[0], start: at, end: at + len(col[1])})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// score counts a mention as found when it overlaps a labelled mention of
// the same entity that no other mention has taken.
func score(gold []goldSpan, ms []newswatch.Mention) (tp int, fps []newswatch.Mention) {
	for _, m := range ms {
		hit := false
		for i := range gold {
			g := &gold[i]
			if !g.matched && g.entity == m.Entity && m.Start < g.end && g.start < m.End {
				g.matched, hit = true, true
				break
			}
		}
		if hit {
			tp++
		} else {
			fps = append(fps, m)
		}
	}
	return tp, fps
}

// TestNewsEval matches the labelled news excerpts of testdata/news (en, ru
// and uk; provenance in each .labels file) against a watchlist of bare
// canonical names with auto_aliases, and fails below recall or precision
// 0.97.
func TestNewsEval(t *testing.T) {
	recall, precision := evalNews(t, false)
	if recall < 0.97 || precision < 0.97 {
		t.Errorf("recall %.3f, precision %.3f; want both ≥ 0.97", recall, precision)
	}
}

// TestNewsEvalFuzzy is TestNewsEval with fuzzy = true on every watch: it
// measures the precision that typo tolerance costs on real news.
func TestNewsEvalFuzzy(t *testing.T) {
	recall, precision := evalNews(t, true)
	if recall < 0.97 || precision < 0.97 {
		t.Errorf("recall %.3f, precision %.3f; want both ≥ 0.97", recall, precision)
	}
}

// evalNews scores the news texts and returns recall and precision.
func evalNews(t *testing.T, fuzzy bool) (recall, precision float64) {
	t.Helper()
	ws, err := LoadWatchlist(filepath.Join("testdata", "news", "watchlist.toml"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range ws {
		ws[i].Fuzzy = fuzzy
	}
	m, err := Compile(ws)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "news", "*.txt"))
	if len(files) < 15 {
		t.Fatalf("%d news texts, want at least 15", len(files))
	}
	var tp, fp, fn int
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		gold := readLabels(t, strings.TrimSuffix(f, ".txt")+".labels", text)
		if *evalShow {
			for _, g := range gold {
				t.Logf("%s: label %s %q …%s…", filepath.Base(f), g.entity, text[g.start:g.end], strings.ReplaceAll(text[max(0, g.start-20):min(len(text), g.end+20)], "\n", " "))
			}
		}
		ms := m.Match(text)
		n, fps := score(gold, ms)
		tp += n
		fp += len(fps)
		for _, x := range fps {
			t.Logf("%s: false alarm %s %q at %d", filepath.Base(f), x.Entity, x.Text, x.Start)
		}
		for _, g := range gold {
			if !g.matched {
				fn++
				t.Logf("%s: missed %s %q at %d", filepath.Base(f), g.entity, text[g.start:g.end], g.start)
			}
		}
	}
	recall = float64(tp) / float64(tp+fn)
	precision = float64(tp) / float64(tp+fp)
	t.Logf("%d texts, %d labelled mentions, fuzzy %v: recall %.3f (%d/%d), precision %.3f (%d/%d)",
		len(files), tp+fn, fuzzy, recall, tp, tp+fn, precision, tp, tp+fp)
	return recall, precision
}
