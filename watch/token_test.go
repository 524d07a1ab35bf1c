package watch

import (
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/newswatch/newswatch"
)

// tokenPieces are the bits random texts are made of: every class of byte
// and rune the word scanners tell apart.
var tokenPieces = []string{
	"Kiev", "kiev", "KIEV", "x", "9", "Київ", "Києві", "КИЇВ", "ё", "Ё", "Ѐ", "ѐ", "Ѡ", "ѡ", "Ꙁ", "Ԯ", "ӂ", "҂",
	"'", "’", "ʼ", "`", "‘", "'s", "’s", "\u00ad", "\u200d", "\u2060", "\ufeff", " ", "  ", "\u00a0", "\t", "\n",
	"-", "\u2011", ",", ".", "«", "»", "—", "é", "Σ", "ς", "ß", "İ", "٣", "\xff", "\xd0", "\xd1", "\xd0\x41",
}

func randomText(r *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		b.WriteString(tokenPieces[r.IntN(len(tokenPieces))])
	}
	return b.String()
}

// TestScanWordFastPath checks that scanWord, which reads ASCII words and
// the Russian and Ukrainian alphabet byte by byte, finds the same words
// with the same hashes as scanWordSlow, which decodes every rune.
func TestScanWordFastPath(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for range 20000 {
		s := randomText(r, 1+r.IntN(8))
		for i := 0; i < len(s); i++ {
			if wordStart(s, i) != 0 {
				continue
			}
			var fast, slow token
			scanWord(s, i, &fast)
			scanWordSlow(s, i, &slow)
			if fast != slow {
				t.Fatalf("word at %d of %q: scanWord %+v, scanWordSlow %+v", i, s, fast, slow)
			}
		}
	}
}

// TestMatchWordEdges checks the words Match reads without a call, ASCII
// words ended by an ASCII separator, against every other way a word may
// end or start.
func TestMatchWordEdges(t *testing.T) {
	m := mustCompile(t, testWatches())
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"Kiev", []string{"Kiev"}},
		{"'Kiev", []string{"Kiev"}},
		{"''Kiev''", []string{"Kiev"}},
		{"`Kiev`s", []string{"Kiev"}},
		{"Kiev's", []string{"Kiev"}},
		{"Kiev’s Kiev", []string{"Kiev", "Kiev"}},
		{"Kiev\u00a0Kiev", []string{"Kiev", "Kiev"}},
		{"Kievé Kiev—Kiev", []string{"Kiev", "Kiev"}},
		{"Kiev\u00adan", nil},
		{"Ki\u00adev", []string{"Ki\u00adev"}},
		{"KievКиїв", nil},
		{"Київ\xffKiev\xd0", []string{"Київ", "Kiev"}},
		{"Sergei\u00a0Lavrov,Lavrov", []string{"Sergei\u00a0Lavrov", "Lavrov"}},
		{"Sergei - Lavrov", []string{"Sergei - Lavrov"}},
		{"9Kiev Kiev9 Kiev", []string{"Kiev"}},
	} {
		var got []string
		for _, x := range m.Match(tc.text) {
			got = append(got, x.Text)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Match(%q) texts (-want +got):\n%s", tc.text, diff)
		}
	}
}

// TestMatchConcurrent checks that Match calls on many goroutines, which
// share pooled buffers, give what one call alone gives.
func TestMatchConcurrent(t *testing.T) {
	m := mustCompile(t, testWatches())
	r := rand.New(rand.NewPCG(13, 14))
	texts := make([]string, 200)
	want := make([][]newswatch.Mention, len(texts))
	for i := range texts {
		texts[i] = randomText(r, 40) + " Sergei Lavrov, County Kerry, Kerry; у Києві. Atlanta, Georgia"
		want[i] = m.Match(texts[i])
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 8 {
		wg.Go(func() {
			for k := range 3 * len(texts) {
				i := (k + g*31) % len(texts)
				if diff := cmp.Diff(want[i], m.Match(texts[i])); diff != "" {
					errs <- diff
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for d := range errs {
		t.Fatalf("concurrent Match differs (-alone +concurrent):\n%s", d)
	}
}

// matchByWord is Match reading every word through st.word, the way a
// Matcher with fuzzy watches does, without scan's fast paths.
func matchByWord(m *Matcher, text string) []newswatch.Mention {
	st := &matchState{m: m, text: text}
	for i := 0; i < len(text); {
		i = st.word(i)
	}
	if len(st.cands) == 0 {
		return nil
	}
	return st.resolve()
}

// TestScanAgreesWithWord checks that scan's fast paths (ASCII words of up
// to 15 bytes read eight at a time, longer ones, Cyrillic words read a
// letter pair at a time) find what st.word finds, on random texts of every
// class of byte, names and words of every length near the fast paths'
// limits.
func TestScanAgreesWithWord(t *testing.T) {
	m := mustCompile(t, testWatches())
	pieces := append([]string{
		"Sergei", "Lavrov", "Лавров", "Лавровым", "Донецьку", "Київ", "Kyiv", "abcdefg", "abcdefgh",
		"abcdefghijklmno", "abcdefghijklmnop", "KIEVKIEVKIEVKIE", "привет", "ПРИВЕТ", "ЁЖ",
	}, tokenPieces...)
	r := rand.New(rand.NewPCG(13, 14))
	for range 20000 {
		var b strings.Builder
		for range 1 + r.IntN(24) {
			b.WriteString(pieces[r.IntN(len(pieces))])
			if r.IntN(2) == 0 {
				b.WriteByte(' ')
			}
		}
		s := b.String()
		if got, want := m.Match(s), matchByWord(m, s); !cmp.Equal(got, want) {
			t.Fatalf("Match(%q) = %+v, want (by st.word) %+v", s, got, want)
		}
	}
}
