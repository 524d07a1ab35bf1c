package watch

import (
	"bufio"
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newswatch/newswatch"
)

var (
	mentionDump       = flag.String("mentiondump", "", "TestMentionDump: write every mention of the benchmark, news and mangled corpora to this file")
	mentionDumpUpdate = flag.Bool("mentiondump-update", false, "TestMentionDump: write the small corpus's SHA-256 to testdata/mentions-small.sha256")
)

// TestMentionDump writes every mention the matcher returns over the
// benchmark corpus (with and without auto aliases, with fuzzy), the news
// texts and a mangled copy of the benchmark text (odd bytes, apostrophes,
// capitals, cut at every kind of place) to the file -mentiondump names,
// and logs its SHA-256. It guards changes to the matcher's speed: the
// dumps before and after must be the same bytes. Without the flag it does
// the same over a smaller corpus and compares the SHA-256 with the one in
// testdata/mentions-small.sha256 (written by -mentiondump-update after a
// change of behaviour that is meant).
func TestMentionDump(t *testing.T) {
	size := dumpSize{watches: 10000, text: 50 << 20, mangled: 2000}
	var f io.Writer = io.Discard
	if *mentionDump != "" {
		file, err := os.Create(*mentionDump)
		if err != nil {
			t.Fatal(err)
		}
		defer file.Close()
		f = file
	} else {
		size = dumpSize{watches: 1000, text: 1 << 20, mangled: 300}
	}
	h := sha256.New()
	out := bufio.NewWriter(io.MultiWriter(f, h))
	dumpMentions(t, out, size)
	if err := out.Flush(); err != nil {
		t.Fatal(err)
	}
	sum := fmt.Sprintf("%x", h.Sum(nil))
	t.Logf("sha256 %s", sum)
	if *mentionDump != "" {
		return
	}
	golden := filepath.Join("testdata", "mentions-small.sha256")
	if *mentionDumpUpdate {
		if err := os.WriteFile(golden, []byte(sum+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(want)) != sum {
		t.Errorf("the mentions over the small corpus changed: sha256 %s, %s has %s (run with -mentiondump FILE before and after to see how)",
			sum, golden, strings.TrimSpace(string(want)))
	}
}

// dumpSize is how much TestMentionDump matches.
type dumpSize struct {
	watches, text, mangled int
}

// dumpMentions writes every mention over TestMentionDump's corpora to out.
func dumpMentions(t *testing.T, out io.Writer, size dumpSize) {
	dump := func(name string, m *Matcher, docs []string) {
		n := 0
		for i, d := range docs {
			for _, x := range m.Match(d) {
				fmt.Fprintf(out, "%s %d %d %q %s %d %d %q\n", name, i, x.WatchID, x.Entity, x.Kind, x.Start, x.End, x.Text)
				n++
			}
		}
		t.Logf("%s: %d documents, %d mentions", name, len(docs), n)
	}
	compile := func(ws []newswatch.Watch) *Matcher {
		m, err := Compile(ws)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}

	auto := autoWatchlist(size.watches)
	docs := benchText(auto, size.text)
	mAuto := compile(auto.watches)
	dump("auto", mAuto, docs)
	mangled := mangle(docs[:min(size.mangled, len(docs))])
	dump("auto-mangled", mAuto, mangled)

	plain := benchWatchlist(size.watches)
	mPlain := compile(plain.watches)
	dump("plain", mPlain, benchText(plain, size.text))
	dump("plain-mangled", mPlain, mangled)

	fz := append([]newswatch.Watch(nil), auto.watches...)
	for i := range fz {
		fz[i].Fuzzy = true
		fz[i].CaseSensitive = i%7 == 0
	}
	dump("fuzzy-case", compile(fz), docs[:len(docs)/5])

	ws, err := LoadWatchlist(filepath.Join("testdata", "news", "watchlist.toml"))
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "news", "*.txt"))
	var news []string
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		news = append(news, string(data))
	}
	news = append(news, fuzzSeeds...)
	dump("news", compile(ws), news)
	dump("news-mangled", compile(ws), mangle(news))
	for i := range ws {
		ws[i].Fuzzy = true
	}
	dump("news-fuzzy", compile(ws), news)
	for i := range ws {
		ws[i].Fuzzy, ws[i].CaseSensitive = false, i%2 == 0
	}
	dump("news-case", compile(ws), news)
}

// mangle returns each text changed at random places, and cut short.
func mangle(texts []string) []string {
	r := rand.New(rand.NewPCG(5, 6))
	odd := []string{"'", "’", "`", "'s", "’s", "é", "Ё", "\u00ad", "\u200d", "-", " - ", ",", ".", "\n", "\xff", "ǅ", "İ", "ς", "Σ", "0", "9", "_", "  ", "\t", "ʼ", "҂", "\u0301"}
	var out []string
	for _, s := range texts {
		b := []byte(s)
		for range 1 + len(b)/200 {
			if len(b) == 0 {
				break
			}
			i := r.IntN(len(b))
			switch r.IntN(4) {
			case 0:
				b = append(b[:i], append([]byte(odd[r.IntN(len(odd))]), b[i:]...)...)
			case 1:
				if c := b[i]; c >= 'a' && c <= 'z' {
					b[i] = c - 'a' + 'A'
				} else if c >= 'A' && c <= 'Z' {
					b[i] = c - 'A' + 'a'
				}
			case 2:
				b = append(b[:i], b[min(len(b), i+1+r.IntN(3)):]...)
			default:
				b[i] = byte(r.IntN(256))
			}
		}
		out = append(out, string(b))
		for range 3 {
			out = append(out, string(b[:r.IntN(len(b)+1)]))
		}
		out = append(out, strings.ToUpper(string(b)))
	}
	return out
}
