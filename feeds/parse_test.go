package feeds

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/newswatch/newswatch"
)

var fetchTime = time.Date(2024, 5, 7, 0, 0, 0, 0, time.UTC)

func parseFixture(t *testing.T, name, contentType string) (*Document, error) {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return parseAt(body, contentType, "https://base.example.com/feed/", fetchTime)
}

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// ignoreFetched leaves FetchedAt out of item comparisons where it is not the point.
var ignoreFetched = cmpopts.IgnoreFields(newswatch.Item{}, "FetchedAt")

func TestParseFormats(t *testing.T) {
	tests := []struct {
		file string
		want Document
	}{
		{"rss2.xml", Document{Title: "Example & News", Link: "https://news.example.com/", TTL: 30 * time.Minute,
			Items: []newswatch.Item{{
				Key: "tag:news.example.com,2024:1", GUID: "tag:news.example.com,2024:1",
				Title:      "Shelling reported in Sloviansk",
				Link:       "https://news.example.com/2024/05/shelling",
				Author:     "Jane Doe",
				Text:       "Officials said the city (https://news.example.com/cities/sloviansk) was hit.\n\nOne\nTwo & three\n\nMore at the source (https://other.example.org/x).",
				Categories: []string{"War", "Donetsk"},
				ImageURL:   "https://news.example.com/img/1.jpg",
				Published:  date("2024-05-06T10:00:00Z"),
			}, {
				Key: "https://news.example.com/2024/05/second", Title: "Second item",
				Link: "https://news.example.com/2024/05/second", Text: "Plain text body",
				Published: date("2024-05-06T14:00:00Z"), // 09:00 EST
			}}}},
		{"rss1.rdf", Document{Title: "RDF News", Link: "https://rdf.example.com/",
			Items: []newswatch.Item{{
				Key: "https://rdf.example.com/a", Title: "RDF item about Kramatorsk",
				Link: "https://rdf.example.com/a", Text: "Body of the RDF item.",
				Published: date("2024-05-06T08:00:00Z"), Updated: date("2024-05-06T08:00:00Z"),
			}}}},
		{"rss091.xml", Document{Title: "Old School", Link: "http://old.example.com/",
			Items: []newswatch.Item{{
				Key: "http://old.example.com/1", Title: "Ancient item",
				Link: "http://old.example.com/1", Text: "Hello from 0.91",
			}}}},
		{"atom.xml", Document{Title: "Atom News", Link: "https://atom.example.com/",
			Items: []newswatch.Item{{
				Key: "urn:uuid:e1", GUID: "urn:uuid:e1", Title: "Atom entry",
				Link: "https://atom.example.com/e1", Author: "A. Writer",
				Text:      "Heading\n\nParagraph one.\nLine two.",
				Published: date("2024-05-06T12:00:00Z"), Updated: date("2024-05-06T12:00:00Z"),
			}}}},
		{"jsonfeed.json", Document{Title: "JSON News", Link: "https://json.example.com/",
			Items: []newswatch.Item{{
				Key: "j1", GUID: "j1", Title: "JSON item", Link: "https://json.example.com/1",
				Author: "J. Son", Text: "Hello JSON", Categories: []string{"a", "b"},
				ImageURL: "https://json.example.com/i.png", Published: date("2024-05-06T07:00:00Z"),
			}}}},
		{"json-null-items.json", Document{Title: "Nulls", Items: []newswatch.Item{},
			Warnings: []string{"dropped item 1: not an object"}}},
		{"json-null-mixed.json", Document{Title: "Nulls", Items: []newswatch.Item{{Key: "x", GUID: "x", Title: "kept", Text: "t"}},
			Warnings: []string{"dropped item 1: not an object", "dropped item 3: not an object"}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := parseFixture(t, tt.file, "")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&tt.want, got, ignoreFetched); diff != "" {
				t.Errorf("Parse mismatch (-want +got):\n%s", diff)
			}
			for _, it := range got.Items {
				if !it.FetchedAt.Equal(fetchTime) {
					t.Errorf("FetchedAt = %v, want %v", it.FetchedAt, fetchTime)
				}
			}
		})
	}
}

func TestParseCharsets(t *testing.T) {
	want := []newswatch.Item{{
		Key: "https://ru.example.com/1", Title: "Обстрел в Славянске", Link: "https://ru.example.com/1",
		Text: "Город Славянск подвергся обстрелу, сообщают власти.",
	}}
	tests := []struct {
		file, contentType string
	}{
		{"cp1251-declared-utf8.xml", ""},                            // windows-1251 bytes, declaration says UTF-8
		{"cp1251-declared-utf8.xml", "text/xml; charset=utf-8"},     // and so does the header
		{"utf8-declared-cp1251.xml", ""},                            // UTF-8 bytes, declaration says windows-1251
		{"utf8-declared-cp1251.xml", "text/xml; charset=cp1251"},    // and so does the header
		{"cp1251-declared-cp1251.xml", ""},                          // honest declaration
		{"cp1251-declared-cp1251.xml", "application/rss+xml"},       // honest declaration, no header charset
		{"cp1251-undeclared.xml", ""},                               // no declaration at all: guessed
		{"cp1251-undeclared.xml", "text/xml; charset=windows-1251"}, // header only
		{"utf16le-bom.xml", ""},                                     // UTF-16 with a byte-order mark
		{"utf16le-nobom.xml", ""},                                   // UTF-16 without one, little-endian
		{"utf16be-nobom.xml", "application/xml"},                    // and big-endian
	}
	for _, tt := range tests {
		t.Run(tt.file+" "+tt.contentType, func(t *testing.T) {
			got, err := parseFixture(t, tt.file, tt.contentType)
			if err != nil {
				t.Fatal(err)
			}
			if got.Title != "Новости" {
				t.Errorf("Title = %q, want %q", got.Title, "Новости")
			}
			if diff := cmp.Diff(want, got.Items, ignoreFetched); diff != "" {
				t.Errorf("items mismatch (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("latin1 undeclared", func(t *testing.T) {
		got, err := parseFixture(t, "latin1-undeclared.xml", "")
		if err != nil {
			t.Fatal(err)
		}
		if got.Items[0].Title != "Café in Zürich" || got.Items[0].Text != "Crème brûlée for everyone." {
			t.Errorf("got %q / %q, want the windows-1252 text decoded", got.Items[0].Title, got.Items[0].Text)
		}
	})
}

func TestParseControlCharacters(t *testing.T) {
	got, err := parseFixture(t, "control.xml", "")
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "CtrlFeed" {
		t.Errorf("Title = %q, want %q", got.Title, "CtrlFeed")
	}
	it := got.Items[0]
	// U+0085 is windows-1252's ellipsis.
	if it.Title != "Bad title here…" {
		t.Errorf("item Title = %q, want %q", it.Title, "Bad title here…")
	}
	if it.Text != "Body[31m text end" {
		t.Errorf("item Text = %q, want %q", it.Text, "Body[31m text end")
	}
	for _, s := range []string{got.Title, it.Title, it.Text} {
		if i := strings.IndexFunc(s, isControl); i >= 0 {
			t.Errorf("%q keeps a control character at %d", s, i)
		}
	}
}

func TestParseDates(t *testing.T) {
	got, err := parseFixture(t, "dates.xml", "")
	if err != nil {
		t.Fatal(err)
	}
	type pu struct{ Published, Updated time.Time }
	want := map[string]pu{
		"missing":      {},
		"garbage":      {},
		"est":          {Published: date("2024-05-06T14:00:00Z")},
		"future":       {Published: fetchTime}, // 2099: clamped to the fetch time
		"ancient":      {},                     // year 1: unknown
		"updated only": {Published: date("2024-05-06T10:00:00Z"), Updated: date("2024-05-06T10:00:00Z")},
	}
	gotm := map[string]pu{}
	for _, it := range got.Items {
		gotm[it.Title] = pu{it.Published, it.Updated}
	}
	if diff := cmp.Diff(want, gotm); diff != "" {
		t.Errorf("dates mismatch (-want +got):\n%s", diff)
	}
}

func TestParseKeys(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"dup-guids.xml", func() []string {
			var k []string
			for i := range 10 {
				k = append(k, "same https://g.example.com/"+string(rune('0'+i)))
			}
			return k
		}()},
		{"dup-all.xml", []string{
			"same https://g.example.com/x", "same https://g.example.com/x #2", "same https://g.example.com/x #3",
			"https://g.example.com/y",
			newswatch.ItemKey("", "", "No link", "text only"),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			doc, err := parseFixture(t, tt.file, "")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, it := range doc.Items {
				got = append(got, it.Key)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("keys mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseBillionLaughs: encoding/xml does not expand entities declared in
// a DTD, so the nested definitions stay as one literal reference.
func TestParseBillionLaughs(t *testing.T) {
	start := time.Now()
	got, err := parseFixture(t, "billion-laughs.xml", "")
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("parse took %s", d)
	}
	if len(got.Items) != 1 {
		t.Fatalf("got %d items, want 1", len(got.Items))
	}
	for _, s := range []string{got.Title, got.Items[0].Title, got.Items[0].Text} {
		if len(s) > 100 || strings.Contains(s, "lollol") {
			t.Errorf("entity expanded: %.100q (len %d)", s, len(s))
		}
	}
}

func TestParseNotFeed(t *testing.T) {
	tests := []struct {
		name, body, contentType, want string
	}{
		{"html page", "", "text/html; charset=utf-8", "not a feed: the document is an HTML page, not RSS, Atom or JSON Feed"},
		{"html body", "<!DOCTYPE html><html><body>x</body></html>", "text/xml", "not a feed: the document is an HTML page, not RSS, Atom or JSON Feed"},
		{"plain text", "hello world", "text/plain", "not a feed: the document is not RSS, Atom or JSON Feed"},
		{"empty", "", "", "not a feed: the document is not RSS, Atom or JSON Feed"},
		{"broken xml", "<rss version=\"2.0\"><channel><title>x</title><item>", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := parseAt([]byte(tt.body), tt.contentType, "https://x.example/", fetchTime)
			if tt.want == "" {
				// Truncated XML may parse partially or fail, but must not panic.
				if err == nil && doc == nil {
					t.Fatal("nil document without an error")
				}
				return
			}
			if err == nil {
				t.Fatalf("Parse succeeded with %d items, want %q", len(doc.Items), tt.want)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("error = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestParseFeedServedAsHTML: a misconfigured server labels its RSS or Atom
// "text/html"; the body decides, the header only words the error.
func TestParseFeedServedAsHTML(t *testing.T) {
	for _, name := range []string{"rss2.xml", "atom.xml"} {
		body, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := parseAt(body, "text/html; charset=utf-8", "https://x.example/", fetchTime)
		if err != nil {
			t.Errorf("%s served as text/html: %v", name, err)
			continue
		}
		if len(doc.Items) == 0 {
			t.Errorf("%s served as text/html: no items", name)
		}
	}
}
