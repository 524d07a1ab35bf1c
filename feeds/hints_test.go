package feeds_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/feeds"
)

// TestFetchHugeHints: a server hint too large to fit in a time.Duration
// (seconds or minutes times 1e9 overflows int64) is capped at a day, not
// wrapped around into a negative duration that would be ignored.
func TestFetchHugeHints(t *testing.T) {
	const huge = "10000000000" // seconds: 1e19 ns, past the int64 range
	tests := []struct {
		name           string
		header, value  string
		status         int
		wantMaxAge     time.Duration
		wantRetryAfter time.Duration
	}{
		{"max-age", "Cache-Control", "max-age=" + huge, http.StatusOK, 24 * time.Hour, 0},
		{"max-age larger still", "Cache-Control", "public, max-age=9223372036854775807", http.StatusOK, 24 * time.Hour, 0},
		{"max-age past int64", "Cache-Control", "max-age=99999999999999999999", http.StatusOK, 24 * time.Hour, 0},
		{"retry-after past int64", "Retry-After", "99999999999999999999", http.StatusTooManyRequests, 0, 24 * time.Hour},
		{"retry-after", "Retry-After", huge, http.StatusServiceUnavailable, 0, 24 * time.Hour},
		{"retry-after on success", "Retry-After", "99999999999999", http.StatusOK, 0, 24 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set(tt.header, tt.value)
				w.WriteHeader(tt.status)
				w.Write(fixture(t, "rss091.xml"))
			})
			res, _ := newFetcher(t, testConfig()).Fetch(context.Background(), newswatch.Feed{URL: srv.URL})
			if res.MaxAge != tt.wantMaxAge || res.RetryAfter != tt.wantRetryAfter {
				t.Errorf("MaxAge %s, RetryAfter %s; want %s, %s", res.MaxAge, res.RetryAfter, tt.wantMaxAge, tt.wantRetryAfter)
			}
		})
	}
}

// TestPollerHugeRetryAfter: a 503 whose Retry-After overflows a Duration
// still holds the feed off for a day instead of the first backoff step.
func TestPollerHugeRetryAfter(t *testing.T) {
	e := newEnv(t, testConfig(), nil)
	e.srv.handle("/busy", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "10000000000")
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	f := e.addFeed("/busy")
	start := time.Now()
	e.cycle(false)
	if next := e.feed(f.ID).NextPollAt; next.Before(start.Add(24*time.Hour - time.Second)) {
		t.Errorf("next poll in %s, want the capped Retry-After of 24h", next.Sub(start))
	}
}

// TestParseHugeTTL: an RSS <ttl> too large for a Duration is capped at a day.
func TestParseHugeTTL(t *testing.T) {
	for _, ttl := range []string{"30", "1440", "100000", "200000000000", "99999999999999999", "99999999999999999999"} {
		doc, err := feeds.Parse([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><ttl>`+ttl+`</ttl></channel></rss>`), "", "https://example.com/")
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]time.Duration{"30": 30 * time.Minute}[ttl]
		if want == 0 {
			want = 24 * time.Hour
		}
		if doc.TTL != want {
			t.Errorf("<ttl>%s</ttl>: TTL = %s, want %s", ttl, doc.TTL, want)
		}
	}
}
