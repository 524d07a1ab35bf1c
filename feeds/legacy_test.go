package feeds

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// legacySamples are the text files in testdata and the charsets each can be
// written in.
var legacySamples = []struct {
	file     string
	charsets []*charmap.Charmap
	exact    bool // every snippet of 20 characters or more must decode right
}{
	{"legacy-ru.txt", []*charmap.Charmap{charmap.Windows1251, charmap.KOI8R, charmap.ISO8859_5, charmap.CodePage866}, true},
	{"legacy-uk.txt", []*charmap.Charmap{charmap.Windows1251, charmap.KOI8U}, true},
	{"legacy-latin1.txt", []*charmap.Charmap{charmap.Windows1252, charmap.ISO8859_1, charmap.ISO8859_15}, true},
	{"legacy-latin2.txt", []*charmap.Charmap{charmap.ISO8859_2, charmap.Windows1250}, false},
}

func sampleLines(t *testing.T, name string) []string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}

// guessAccuracy encodes the first n characters of every sample line in
// every charset it fits and counts how many guessLegacy decodes back to the
// same text.
func guessAccuracy(t *testing.T, n int, exact bool) (right, total int, misses []string) {
	for _, s := range legacySamples {
		if s.exact != exact {
			continue
		}
		for _, line := range sampleLines(t, s.file) {
			if r := []rune(line); len(r) > n {
				line = string(r[:n])
			}
			for _, cs := range s.charsets {
				enc, err := cs.NewEncoder().String(line)
				if err != nil {
					continue // a letter the charset lacks
				}
				total++
				best, _ := guessLegacy([]byte(enc))
				if got := string(decodeWith(best.enc, []byte(enc))); got == line {
					right++
				} else {
					misses = append(misses, cs.String()+" read as "+best.name+": "+got)
				}
			}
		}
	}
	return right, total, misses
}

func TestGuessLegacy(t *testing.T) {
	for _, n := range []int{10, 20, 40, 80, 1000} {
		right, total, misses := guessAccuracy(t, n, true)
		t.Logf("Cyrillic and Western, first %d characters: %d of %d decoded right", n, right, total)
		if n >= 20 && right != total {
			t.Errorf("first %d characters: %d of %d decoded right; misses:\n%s", n, right, total, strings.Join(misses, "\n"))
		}
		// Central European text often reads as well in windows-1252:
		// told apart by its rarer letters only, so measured, not required.
		right, total, misses = guessAccuracy(t, n, false)
		t.Logf("Central European, first %d characters: %d of %d decoded right %q", n, right, total, misses)
	}
}

// TestLegacyIsNotUTF8 checks that no sample written in a legacy charset
// passes for UTF-8 with a few bad bytes, whole or line by line.
func TestLegacyIsNotUTF8(t *testing.T) {
	for _, s := range legacySamples {
		lines := sampleLines(t, s.file)
		for _, cs := range s.charsets {
			for _, text := range append(lines, strings.Join(lines, "\n")) {
				enc, err := cs.NewEncoder().String(text)
				if err != nil || utf8.ValidString(enc) {
					continue
				}
				if looksUTF8([]byte(enc)) {
					t.Errorf("%s in %v passes for UTF-8: %.40q", s.file, cs, text)
				}
			}
		}
	}
}
