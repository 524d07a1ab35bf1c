package feeds_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/newswatch/newswatch"
)

// TestFetchContentLocation checks that relative links resolve against the
// response's Content-Location when it has one, else against the feed URL.
func TestFetchContentLocation(t *testing.T) {
	const feed = `<rss version="2.0"><channel><title>T</title>` +
		`<item><guid>1</guid><title>a</title><link>a.html</link><description>&lt;a href="b.html"&gt;more&lt;/a&gt;</description></item>` +
		`</channel></rss>`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if loc := r.URL.Query().Get("loc"); loc != "" {
			w.Header().Set("Content-Location", loc)
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(feed))
	}))
	defer srv.Close()
	tests := []struct {
		query, link, text string
	}{
		{"", srv.URL + "/feeds/a.html", "more (" + srv.URL + "/feeds/b.html)"},
		{"?loc=/archive/2024/feed.xml", srv.URL + "/archive/2024/a.html", "more (" + srv.URL + "/archive/2024/b.html)"},
		{"?loc=https://mirror.example/x/feed.xml", "https://mirror.example/x/a.html", "more (https://mirror.example/x/b.html)"},
		{"?loc=ftp://mirror.example/x/", srv.URL + "/feeds/a.html", "more (" + srv.URL + "/feeds/b.html)"},
	}
	f := newFetcher(t, testConfig())
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			res, err := f.Fetch(context.Background(), newswatch.Feed{URL: srv.URL + "/feeds/main.xml" + tt.query})
			if err != nil {
				t.Fatal(err)
			}
			it := res.Document.Items[0]
			if it.Link != tt.link || it.Text != tt.text {
				t.Errorf("item = %q / %q, want %q / %q", it.Link, it.Text, tt.link, tt.text)
			}
		})
	}
}
