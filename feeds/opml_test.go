package feeds_test

import (
	"bytes"
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
			got, err := feeds.ParseOPML(bytes.NewReader(fixture(t, tt.file)))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseOPML mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseOPMLErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"not xml", "hello", "The file is not OPML (its root element is not <opml>)."},
		{"wrong root", `<?xml version="1.0"?><rss version="2.0"></rss>`, "The file is not OPML (its root element is not <opml>)."},
		{"bad url", `<opml version="2.0"><body><outline text="X" xmlUrl="javascript:alert(1)"/></body></opml>`,
			`OPML outline "X": The feed URL must start with http:// or https:// (got "javascript:alert(1)").`},
		{"too big", `<opml version="2.0"><body>` + strings.Repeat(" ", feeds.MaxOPMLSize) + `</body></opml>`, "The OPML file is larger than 5 MiB."},
		{"too deep", `<opml version="2.0"><body>` + strings.Repeat(`<outline text="x">`, 60) + strings.Repeat(`</outline>`, 60) + `</body></opml>`,
			"The OPML outlines are nested more than 50 deep."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := feeds.ParseOPML(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("ParseOPML = %v, want an error", got)
			}
			if code := newswatch.ErrorCode(err); code != newswatch.EINVALID {
				t.Errorf("code = %q (%v)", code, err)
			}
			if msg := newswatch.ErrorMessage(err); msg != tt.want {
				t.Errorf("message = %q, want %q", msg, tt.want)
			}
		})
	}
	t.Run("empty body", func(t *testing.T) {
		got, err := feeds.ParseOPML(strings.NewReader(`<opml version="1.0"><head/><body/></opml>`))
		if err != nil || len(got) != 0 {
			t.Errorf("ParseOPML = %v, %v; want no feeds and no error", got, err)
		}
	})
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
	got, err := feeds.ParseOPML(&buf)
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
	got, err := feeds.ParseOPML(&buf)
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
	got, err = feeds.ParseOPML(strings.NewReader(doubled))
	if err != nil {
		t.Fatal(err)
	}
	want = []feeds.OPMLFeed{{URL: "https://d.example.com/f?a=1&section=2", Title: "D & Co é"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("double-escaped mismatch (-want +got):\n%s", diff)
	}
}
