package feeds

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

// Every fixture, and realistic feeds in every encoding, pass the pre-scan.
func TestPrescanAcceptsRealFeeds(t *testing.T) {
	files, err := filepath.Glob("testdata/*")
	if err != nil || len(files) == 0 {
		t.Fatal("no fixtures", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := prescan(b); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	big := wideRealistic(15 << 20)
	if err := prescan(big); err != nil {
		t.Errorf("15 MiB realistic feed: %v", err)
	}
	// 300 raw unclosed <br> in one description nest in no parser.
	raw := `<rss><channel><item><description>` + strings.Repeat("line<br>", 300) + `</description></item></channel></rss>`
	if err := prescan([]byte(raw)); err != nil {
		t.Errorf("raw <br>: %v", err)
	}
	// Nesting closed by the parent's end tag, as a lenient parser does.
	unclosed := `<rss><channel>` + strings.Repeat(`<item><description><p>x</description></item>`, 300) + `</channel></rss>`
	if err := prescan([]byte(unclosed)); err != nil {
		t.Errorf("unclosed <p> per item: %v", err)
	}
}

func utf16LE(s string, bom bool) []byte {
	var b []byte
	if bom {
		b = append(b, 0xFF, 0xFE)
	}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

func utf32BE(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r>>24), byte(r>>16), byte(r>>8), byte(r))
	}
	return b
}

func TestPrescanRefuses(t *testing.T) {
	deep := func(n int) string {
		return `<rss><channel><item>` + strings.Repeat("<x>", n) + `</item></channel></rss>`
	}
	// A CJK character whose UTF-16 code unit holds '<' must not open a tag.
	cjk := `<rss><channel><item><title>` + strings.Repeat("\u3c3c", 400) + `</title></item></channel></rss>`
	tests := []struct {
		name string
		body []byte
		want string // "" means accepted
	}{
		{"depth 256", []byte(deep(256 - 3)), ""},
		{"depth 257", []byte(deep(257 - 3)), "nesting deeper than 256 levels"},
		{"namespace bomb", nsNested(5000), "nesting deeper than 256 levels"},
		{"257 namespaces", manyNamespaces(20000), "more than 256 namespace declarations"},
		{"257 attributes", tooManyAttrs(), "an element with more than 256 attributes"},
		{"too many elements", tinyElements(1 << 20), "more than 46214 elements in a 1023 KiB document"},
		{"JSON depth", deepJSON(4096), "JSON nested deeper than 256 levels"},
		{"JSON depth in strings", []byte(`{"items":[{"title":"` + strings.Repeat("[", 1000) + `"}]}`), ""},
		{"UTF-16 deep", utf16LE(deep(300), true), "nesting deeper than 256 levels"},
		{"UTF-16 no BOM deep", utf16LE(deep(300), false), "nesting deeper than 256 levels"},
		{"UTF-16 CJK", utf16LE(cjk, true), ""},
		{"UTF-32 deep", utf32BE(deep(300)), "nesting deeper than 256 levels"},
		{"comment hides tags", []byte(`<rss><!--` + strings.Repeat("<x>", 300) + `--></rss>`), ""},
		{"CDATA hides tags", []byte(`<rss><![CDATA[` + strings.Repeat("<x>", 300) + `]]></rss>`), ""},
		{"attribute hides tags", []byte(`<rss a="` + strings.Repeat("<x>", 300) + `"></rss>`), ""},
		{"doctype subset", []byte(`<!DOCTYPE rss [<!ENTITY a "<x>"> ]><rss></rss>`), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := prescan(tt.body)
			var nf *NotFeedError
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.want != "" && !errors.As(err, &nf):
				t.Errorf("got %v, want a *NotFeedError %q", err, tt.want)
			case tt.want != "" && nf.Reason != tt.want:
				t.Errorf("reason %q, want %q", nf.Reason, tt.want)
			}
		})
	}
}

// The namespace bomb is refused through Parse, quickly: the figures are in
// BenchmarkNamespaceBomb; this checks only that the refusal reaches Parse.
func TestParseRefusesNamespaceBomb(t *testing.T) {
	_, err := parseAt(nsNested(5000), "application/rss+xml", "https://h.example/", time.Now())
	var nf *NotFeedError
	if !errors.As(err, &nf) || nf.Reason != "nesting deeper than 256 levels" {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), "not a feed: nesting deeper than 256 levels") {
		t.Errorf("message %q", err)
	}
}

// FuzzPrescan checks that the pre-scan never panics, and that what it
// lets through has no nesting deeper than the limit as a simple reference
// count of start and end tags outside markup sees it.
func FuzzPrescan(f *testing.F) {
	files, _ := filepath.Glob("testdata/*")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add(nsNested(10))
	f.Add(tooManyAttrs())
	f.Add([]byte(`{"a":[[["\"]"]]]}`))
	f.Add(utf16LE("<rss><a><b/></a></rss>", true))
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY e '<a>'>]><a b='>' c="<"><![CDATA[<x>]]><!-- <y> --><?pi <z>?></a>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		err := prescan(body)
		if err != nil {
			var nf *NotFeedError
			if !errors.As(err, &nf) || nf.Reason == "" {
				t.Fatalf("error %v is not a *NotFeedError with a reason", err)
			}
			return
		}
		// Plain tag soup with no quotes, comments or declarations: the
		// depth of unmatched start tags is bounded by the limit.
		if bytes.ContainsAny(body, "\"'!?\x00") || len(body) < 2 {
			return
		}
		depth := 0
		for _, part := range bytes.Split(body, []byte("<"))[1:] {
			if len(part) > 0 && part[0] >= 'a' && part[0] <= 'w' && bytes.IndexByte(part, '>') > 0 &&
				!bytes.Contains(part[:bytes.IndexByte(part, '>')], []byte("/")) &&
				!bytes.ContainsAny(part[:bytes.IndexByte(part, '>')], " \t\r\n=<:") {
				depth++
			} else {
				return // anything else: the reference count does not apply
			}
		}
		if depth > maxDepth {
			t.Fatalf("accepted %d nested start tags", depth)
		}
	})
}

// parseBounded returns at the deadline while the parse budget is taken,
// returns when its context is cancelled during a parse, and the budget is
// whole again once the abandoned parse ends.
func TestParseBoundedDeadline(t *testing.T) {
	if err := parseSlots.Acquire(context.Background(), parseBudget); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	_, err := parseBounded(ctx, []byte(`<rss/>`), "", "https://h.example/", time.Now())
	cancel()
	parseSlots.Release(parseBudget)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiting for the budget: got %v", err)
	}

	body := hugeText(8 << 20)
	ctx, cancel = context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := parseBounded(ctx, body, "", "https://h.example/", time.Now())
		done <- err
	}()
	// Wait until the parse holds its share of the budget, then cancel.
	deadline := time.Now().Add(5 * time.Second)
	for parseSlots.TryAcquire(parseBudget) {
		parseSlots.Release(parseBudget)
		if time.Now().After(deadline) {
			t.Fatal("the parse never started")
		}
		runtime.Gosched()
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) && err != nil {
		t.Errorf("cancelled: got %v", err)
	}
	// The abandoned parse of 8 MiB runs to its end first: seconds under
	// -race on a busy machine.
	deadline = time.Now().Add(time.Minute)
	for !parseSlots.TryAcquire(parseBudget) {
		if time.Now().After(deadline) {
			t.Fatal("the budget was not given back")
		}
		runtime.Gosched()
	}
	parseSlots.Release(parseBudget)
}
