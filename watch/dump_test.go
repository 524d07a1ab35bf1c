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

var mentionDump = flag.String("mentiondump", "", "TestMentionDump: write every mention of the benchmark, news and mangled corpora to this file")

// TestMentionDump writes every mention the matcher returns over the
// benchmark corpus (with and without auto aliases, with fuzzy), the news
// texts and a mangled copy of the benchmark text (odd bytes, apostrophes,
// capitals, cut at every kind of place) to the file -mentiondump names,
// and logs its SHA-256. It guards changes to the matcher's speed: the
// dumps before and after must be the same bytes. Skipped without the flag.
func TestMentionDump(t *testing.T) {
	if *mentionDump == "" {
		t.Skip("no -mentiondump file")
	}
	f, err := os.Create(*mentionDump)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	out := bufio.NewWriter(io.MultiWriter(f, h))
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

	auto := autoWatchlist(10000)
	docs := benchText(auto, 50<<20)
	mAuto := compile(auto.watches)
	dump("auto", mAuto, docs)
	mangled := mangle(docs[:2000])
	dump("auto-mangled", mAuto, mangled)

	plain := benchWatchlist(10000)
	mPlain := compile(plain.watches)
	dump("plain", mPlain, benchText(plain, 50<<20))
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
	if err := out.Flush(); err != nil {
		t.Fatal(err)
	}
	t.Logf("sha256 %x", h.Sum(nil))
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
