package feeds_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/feeds"
)

func TestParseOPML(t *testing.T) {
	tests := []struct {
		name string
		file string
		want []feeds.OPMLFeed
	}{
		{"opml 1.0 flat", "subs-1.0.opml", []feeds.OPMLFeed{
			{URL: "https://a.example.com/rss", Title: "A News"},
			{URL: "http://b.example.com/feed?x=1&y=2", Title: "B & Co"},
		}},
		{"opml 2.0 nested", "subs-2.0.opml", []feeds.OPMLFeed{
			{URL: "https://top.example.com/feed", Title: "Top level"},
			{URL: "https://ua.example.com/rss", Title: "Українська правда", Category: "News / Ukraine"},
			{URL: "https://cafe.example.com/atom", Title: "Café", Category: "News / Ukraine"},
			{URL: "https://deep.example.com/feed", Title: "Deep", Category: "News / Ukraine / Deeper"},
			{URL: "https://json.example.com/feed.json", Title: "Text only", Category: "Other"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseOPML(t, bytes.NewReader(fixture(t, tt.file)))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseOPML mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// parseOPML returns the feeds of an OPML document, failing the test on
// any problem.
func parseOPML(t *testing.T, r io.Reader) ([]feeds.OPMLFeed, error) {
	t.Helper()
	imp, err := feeds.ReadOPML(r)
	if err != nil {
		return nil, err
	}
	if len(imp.Problems) > 0 {
		t.Errorf("problems: %v", imp.Problems)
	}
	return imp.Feeds, nil
}

func TestReadOPMLRefusals(t *testing.T) {
	tests := []struct {
		name, in, want string
		sentinel       error
	}{
		{"not xml", "hello", "The file is not OPML (its root element is not <opml>).", feeds.ErrNotOPML},
		{"wrong root", `<?xml version="1.0"?><rss version="2.0"></rss>`, "The file is not OPML (its root element is not <opml>).", feeds.ErrNotOPML},
		{"too big", `<opml version="2.0"><body>` + strings.Repeat(" ", feeds.MaxOPMLSize) + `</body></opml>`, "The OPML file is larger than 64 MiB.", feeds.ErrOPMLTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := feeds.ReadOPML(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("ReadOPML = %v, want an error", got)
			}
			if code := newswatch.ErrorCode(err); code != newswatch.EINVALID {
				t.Errorf("code = %q (%v)", code, err)
			}
			if msg := newswatch.ErrorMessage(err); msg != tt.want {
				t.Errorf("message = %q, want %q", msg, tt.want)
			}
			if !errors.Is(err, tt.sentinel) {
				t.Errorf("%v is not %v", err, tt.sentinel)
			}
		})
	}
	t.Run("empty body", func(t *testing.T) {
		got, err := parseOPML(t, strings.NewReader(`<opml version="1.0"><head/><body/></opml>`))
		if err != nil || len(got) != 0 {
			t.Errorf("ReadOPML = %v, %v; want no feeds and no error", got, err)
		}
	})
}

// Bad outlines are reported with their line; the good ones are kept.
func TestReadOPMLKeepsGoodOutlines(t *testing.T) {
	doc := `<?xml version="1.0"?>
<opml version="2.0"><head><title>subs</title></head><body>
<outline text="Good A" xmlUrl="https://a.example/rss"/>
<outline text="Script" xmlUrl="javascript:alert(1)"/>
<outline text="Group">
  <outline text="Port" xmlUrl="http://b.example:99999/rss"/>
  <outline text="Good B" xmlUrl="https://b.example/rss"/>
  <outline text="Again A" xmlUrl="https://a.example/rss"/>
</outline>
` + strings.Repeat(`<outline text="x">`, 55) + `<outline text="Deep" xmlUrl="https://deep.example/rss"/>` + strings.Repeat(`</outline>`, 55) + `
<outline text="Good C" xmlUrl="https://c.example/rss"/>
<outline text="Broken" xmlUrl="https://d.example/rss" <<<
<outline text="Lost" xmlUrl="https://e.example/rss"/>
</body></opml>`
	imp, err := feeds.ReadOPML(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := []feeds.OPMLFeed{
		{URL: "https://a.example/rss", Title: "Good A"},
		{URL: "https://b.example/rss", Title: "Good B", Category: "Group"},
		{URL: "https://c.example/rss", Title: "Good C"},
	}
	if diff := cmp.Diff(want, imp.Feeds); diff != "" {
		t.Errorf("feeds (-want +got):\n%s", diff)
	}
	var got []string
	for _, p := range imp.Problems {
		got = append(got, p.String())
	}
	wantProblems := []string{
		`line 4: outline "Script": The feed URL must start with http:// or https:// (got "javascript:alert(1)").`,
		`line 6: outline "Port": The feed URL "http://b.example:99999/rss" has port 99999; a port is a number from 1 to 65535.`,
		`line 10: outline "Deep": nested more than 50 outlines deep`,
		`line 12: the file is not valid XML from here on (expected attribute name in element)`,
	}
	if diff := cmp.Diff(wantProblems, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if imp.Duplicates != 1 {
		t.Errorf("duplicates %d, want 1", imp.Duplicates)
	}
}

// A generated list of 100,000 feeds (about 18 MB) is read whole, and a
// file past the limit is refused without being read whole.
func TestReadOPML100000(t *testing.T) {
	pr, pw := io.Pipe()
	go func() {
		bw := bufio.NewWriter(pw)
		bw.WriteString(`<?xml version="1.0" encoding="UTF-8"?><opml version="2.0"><head><title>many</title></head><body>` + "\n")
		for i := range 100_000 {
			if i%1000 == 0 {
				fmt.Fprintf(bw, `<outline text="Group %d">`+"\n", i/1000)
			}
			fmt.Fprintf(bw, `<outline type="rss" text="Feed number %d of the big list" title="Feed number %d of the big list" xmlUrl="https://feeds%d.example.com/news/rss.xml?id=%d" htmlUrl="https://feeds%d.example.com/"/>`+"\n", i, i, i%977, i, i%977)
			if i%1000 == 999 {
				bw.WriteString("</outline>\n")
			}
		}
		bw.WriteString("</body></opml>\n")
		bw.Flush()
		pw.Close()
	}()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	imp, err := feeds.ReadOPML(pr)
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if len(imp.Feeds) != 100_000 || len(imp.Problems) != 0 {
		t.Fatalf("%d feeds, problems %v", len(imp.Feeds), imp.Problems)
	}
	if f := imp.Feeds[99_999]; f.Category != "Group 99" || f.URL != "https://feeds345.example.com/news/rss.xml?id=99999" {
		t.Errorf("last feed %+v", f)
	}
	t.Logf("allocated %d MiB reading 100,000 outlines", (after.TotalAlloc-before.TotalAlloc)>>20)
}
func TestWriteOPMLRoundTrip(t *testing.T) {
	in := []newswatch.Feed{
		{URL: "https://a.example.com/rss", Title: "A <News> & \"more\""},
		{URL: "https://b.example.com/feed?x=1&y=2"},
	}
	var buf bytes.Buffer
	if err := feeds.WriteOPML(&buf, "newswatch feeds", in); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `<opml version="2.0">`) || !strings.Contains(buf.String(), "<title>newswatch feeds</title>") {
		t.Errorf("not an OPML 2.0 document:\n%s", buf.String())
	}
	got, err := parseOPML(t, &buf)
	if err != nil {
		t.Fatal(err)
	}
	want := []feeds.OPMLFeed{
		{URL: "https://a.example.com/rss", Title: `A <News> & "more"`},
		{URL: "https://b.example.com/feed?x=1&y=2", Title: "https://b.example.com/feed?x=1&y=2"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
}

// TestOPMLKeepsQueryStrings: a feed URL whose query has a parameter named
// like a legacy HTML entity (section, region, param, currency, not) comes
// back from an export and an import unchanged; only complete entity
// references ending in ";" (the double-escaped &amp;amp;) are unescaped.
func TestOPMLKeepsQueryStrings(t *testing.T) {
	urls := []string{
		"https://news.example.com/rss?lang=en&section=world",
		"https://news.example.com/rss?region=eu&param=1&currency=usd&not=sport&copy=1",
	}
	var in []newswatch.Feed
	for _, u := range urls {
		in = append(in, newswatch.Feed{URL: u, Title: "Q&A &sect 5 " + u})
	}
	var buf bytes.Buffer
	if err := feeds.WriteOPML(&buf, "t", in); err != nil {
		t.Fatal(err)
	}
	got, err := parseOPML(t, &buf)
	if err != nil {
		t.Fatal(err)
	}
	var want []feeds.OPMLFeed
	for _, f := range in {
		want = append(want, feeds.OPMLFeed{URL: f.URL, Title: f.Title})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}

	doubled := `<opml version="1.0"><body><outline text="D &amp;amp; Co &amp;eacute;" xmlUrl="https://d.example.com/f?a=1&amp;amp;section=2"/></body></opml>`
	got, err = parseOPML(t, strings.NewReader(doubled))
	if err != nil {
		t.Fatal(err)
	}
	want = []feeds.OPMLFeed{{URL: "https://d.example.com/f?a=1&section=2", Title: "D & Co é"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("double-escaped mismatch (-want +got):\n%s", diff)
	}
}

// Declared legacy encodings and UTF-16 are decoded while streaming; stray
// invalid bytes and control characters do not stop the reading.
func TestReadOPMLEncodings(t *testing.T) {
	cp1251 := append([]byte(`<?xml version="1.0" encoding="windows-1251"?><opml><body><outline text="`),
		0xCD, 0xEE, 0xE2, 0xEE, 0xF1, 0xF2, 0xE8) // "Новости"
	cp1251 = append(cp1251, []byte(`" xmlUrl="https://ru.example/rss"/></body></opml>`)...)
	utf16 := []byte{0xFF, 0xFE}
	for _, r := range `<opml><body><outline text="Київ" xmlUrl="https://ua.example/rss"/></body></opml>` {
		utf16 = append(utf16, byte(r), byte(r>>8))
	}
	dirty := []byte("<opml><body><outline text=\"A\x01\xffB\" xmlUrl=\"https://a.example/rss\"/></body></opml>")
	tests := []struct {
		name string
		in   []byte
		want feeds.OPMLFeed
	}{
		{"windows-1251", cp1251, feeds.OPMLFeed{URL: "https://ru.example/rss", Title: "Новости"}},
		{"UTF-16 LE", utf16, feeds.OPMLFeed{URL: "https://ua.example/rss", Title: "Київ"}},
		{"invalid bytes", dirty, feeds.OPMLFeed{URL: "https://a.example/rss", Title: "A\uFFFDB"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseOPML(t, bytes.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]feeds.OPMLFeed{tt.want}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
