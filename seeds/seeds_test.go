package seeds

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/newswatch/newswatch"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		file string
		data string
		want newswatch.Item
	}{
		{
			name: "headers",
			file: "a.txt",
			data: "Title: Talks in Geneva\nSource: Reuters\nURL: https://example.com/x\nPublished: 2014-04-17T10:00:00Z\n\nDiplomats met. Nothing agreed.\n",
			want: newswatch.Item{Key: "seed:a.txt", GUID: "seed:a.txt", Title: "Talks in Geneva", Author: "Reuters",
				Link: "https://example.com/x", Published: time.Date(2014, 4, 17, 10, 0, 0, 0, time.UTC),
				Text: "Diplomats met. Nothing agreed."},
		},
		{
			name: "first sentence and attribution",
			file: "2014-04-13-report.txt",
			data: "Gunmen took over Sloviansk. Police fled.\nMore later.\nBBC\n",
			want: newswatch.Item{Key: "seed:2014-04-13-report.txt", GUID: "seed:2014-04-13-report.txt",
				Title: "Gunmen took over Sloviansk.", Author: "BBC", Published: time.Date(2014, 4, 13, 0, 0, 0, 0, time.UTC),
				Text: "Gunmen took over Sloviansk. Police fled.\nMore later."},
		},
		{
			name: "last line is a sentence, not an attribution",
			file: "b.md",
			data: "One. Two.\nThe end.\n",
			want: newswatch.Item{Key: "seed:b.md", GUID: "seed:b.md", Title: "One.", Text: "One. Two.\nThe end."},
		},
		{
			name: "CRLF, BOM and control characters",
			file: "c.txt",
			data: "\ufeffTitle: T\r\n\r\nBody\x07 text\r\n",
			want: newswatch.Item{Key: "seed:c.txt", GUID: "seed:c.txt", Title: "T", Text: "Body text"},
		},
		{
			name: "a colon in the first line is not a header",
			file: "d.txt",
			data: "Breaking: Kramatorsk seized. Details follow.\n",
			want: newswatch.Item{Key: "seed:d.txt", GUID: "seed:d.txt", Title: "Breaking: Kramatorsk seized.",
				Text: "Breaking: Kramatorsk seized. Details follow."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.file, []byte(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"invalid utf-8", "Sloviansk \xff\xfe", "not valid UTF-8"},
		{"empty", "  \n\n", "empty"},
		{"header block without blank line", "Title: x\nBody starts here\n", "blank line"},
		{"bad date", "Published: yesterday\n\nText.", "Published header"},
		{"bad url", "URL: javascript:alert(1)\n\nText.", "URL header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.txt", []byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "x.txt") {
				t.Fatalf("Parse error = %v, want one naming x.txt and containing %q", err, tt.want)
			}
		})
	}
}

func TestReadKeepsGoodFilesBesideBadOnes(t *testing.T) {
	fsys := fstest.MapFS{
		"good.txt":       {Data: []byte("Kyiv says hello. Yes.\n")},
		"bad.txt":        {Data: []byte("\xff\xff")},
		"notes.md":       {Data: []byte("Title: Notes\n\nMariupol quiet.\n")},
		"watchlist.toml": {Data: []byte("[[watch]]\n")},
		".hidden.txt":    {Data: []byte("x")},
		"big.txt":        {Data: make([]byte, MaxFileSize+1)},
	}
	docs, err := Read(fsys)
	if err == nil || !strings.Contains(err.Error(), "bad.txt") || !strings.Contains(err.Error(), "big.txt") {
		t.Fatalf("Read error = %v, want it to name bad.txt and big.txt", err)
	}
	var names []string
	for _, d := range docs {
		names = append(names, d.Name)
	}
	if diff := cmp.Diff([]string{"good.txt", "notes.md"}, names); diff != "" {
		t.Errorf("docs (-want +got):\n%s", diff)
	}
}

func TestEmbeddedSeedArticle(t *testing.T) {
	docs, err := Read(Embedded())
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) == 0 {
		t.Fatal("no embedded seed documents")
	}
	it := docs[0].Item
	if it.Author != "BBC" {
		t.Errorf("source = %q, want BBC", it.Author)
	}
	if !strings.HasPrefix(it.Title, "A Ukrainian officer has been killed") {
		t.Errorf("title = %q", it.Title)
	}
	if got := it.Published.Format("2006-01-02"); got != "2014-04-13" {
		t.Errorf("published = %s, want 2014-04-13", got)
	}
	if strings.HasSuffix(it.Text, "BBC") {
		t.Error("attribution line left in the body")
	}
	if _, err := Embedded().Open(WatchlistFile); err != nil {
		t.Errorf("embedded watchlist: %v", err)
	}
}
