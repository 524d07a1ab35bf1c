package feeds

import (
	"testing"
	"time"

	"github.com/newswatch/newswatch"
)

func within(d, want time.Duration, frac float64) bool {
	lo := time.Duration(float64(want) * (1 - frac))
	hi := time.Duration(float64(want) * (1 + frac))
	return d >= lo && d <= hi
}

func TestAdaptiveInterval(t *testing.T) {
	base := time.Date(2024, 5, 6, 12, 0, 0, 0, time.UTC)
	every := func(gap time.Duration, n int) []time.Time {
		var ts []time.Time
		for i := range n {
			ts = append(ts, base.Add(-time.Duration(i)*gap))
		}
		return ts
	}
	tests := []struct {
		name      string
		published []time.Time
		newItems  int
		sinceLast time.Duration
		want      time.Duration
	}{
		{"hourly items", every(time.Hour, 20), 0, 0, 30 * time.Minute},
		{"order does not matter", []time.Time{base.Add(-2 * time.Hour), base, base.Add(-time.Hour)}, 0, 0, 30 * time.Minute},
		{"undated ignored", append(every(2*time.Hour, 3), time.Time{}, time.Time{}), 0, 0, time.Hour},
		{"fast feed clamped to min", every(10*time.Second, 20), 0, 0, 2 * time.Minute},
		{"slow feed clamped to max", every(7*24*time.Hour, 5), 0, 0, 24 * time.Hour},
		{"no dates, new items", nil, 4, 4 * time.Hour, 30 * time.Minute},
		{"no dates, nothing new", nil, 0, time.Hour, unknownRate},
		{"one dated item", every(time.Hour, 1), 0, 0, unknownRate},
	}
	for _, tt := range tests {
		got := adaptiveInterval(tt.published, tt.newItems, tt.sinceLast, 2*time.Minute, 24*time.Hour)
		if got != tt.want {
			t.Errorf("%s: adaptiveInterval = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestSuccessInterval(t *testing.T) {
	tests := []struct {
		name     string
		own      time.Duration
		adaptive time.Duration
		h        hints
		want     time.Duration // ±10%
	}{
		{"adaptive", 0, 30 * time.Minute, hints{}, 30 * time.Minute},
		{"own interval wins", 5 * time.Minute, 30 * time.Minute, hints{}, 5 * time.Minute},
		{"max-age is a floor", 0, 10 * time.Minute, hints{MaxAge: time.Hour}, time.Hour},
		{"ttl is a floor", 5 * time.Minute, 10 * time.Minute, hints{TTL: 45 * time.Minute}, 45 * time.Minute},
		{"retry-after is a floor", 0, 10 * time.Minute, hints{RetryAfter: 3 * time.Hour}, 3 * time.Hour},
		{"hints capped at a day", 0, 10 * time.Minute, hints{MaxAge: 30 * 24 * time.Hour}, 24 * time.Hour},
		{"hint below interval ignored", 0, time.Hour, hints{MaxAge: time.Minute}, time.Hour},
	}
	for _, tt := range tests {
		for range 50 {
			got := successInterval(tt.own, tt.adaptive, tt.h)
			if !within(got, tt.want, 0.10) {
				t.Fatalf("%s: successInterval = %s, want %s ±10%%", tt.name, got, tt.want)
			}
			if f := tt.h.floor(); got < f {
				t.Fatalf("%s: %s is below the server's floor %s", tt.name, got, f)
			}
		}
	}
}

func TestJitterSpreads(t *testing.T) {
	seen := map[bool]bool{}
	for range 200 {
		d := jittered(time.Hour)
		seen[d > time.Hour] = true
		if !within(d, time.Hour, 0.10) {
			t.Fatalf("jittered(1h) = %s", d)
		}
	}
	if len(seen) != 2 {
		t.Errorf("jitter only went one way")
	}
}

func TestFailureInterval(t *testing.T) {
	minI, maxI := 2*time.Minute, 24*time.Hour
	tests := []struct {
		name       string
		own        time.Duration
		failures   int
		retryAfter time.Duration
		want       time.Duration // ±10%
	}{
		{"first failure", 0, 1, 0, 4 * time.Minute},
		{"third failure", 0, 3, 0, 16 * time.Minute},
		{"capped", 0, 12, 0, maxI},
		{"huge count", 0, 1000, 0, maxI},
		{"own interval longer", 3 * time.Hour, 1, 0, 3 * time.Hour},
		{"retry-after honoured", 0, 1, 2 * time.Hour, 2 * time.Hour},
		{"retry-after capped", 0, 1, 100 * time.Hour, 24 * time.Hour},
	}
	for _, tt := range tests {
		got := failureInterval(tt.own, minI, maxI, tt.failures, tt.retryAfter)
		if !within(got, tt.want, 0.10) {
			t.Errorf("%s: failureInterval = %s, want %s ±10%%", tt.name, got, tt.want)
		}
		if tt.retryAfter > 0 && got < min(tt.retryAfter, hintCap) {
			t.Errorf("%s: %s shorter than Retry-After", tt.name, got)
		}
	}
}

func TestSpreadHosts(t *testing.T) {
	in := feedsFor("http://a/1", "http://a/2", "http://a/3", "http://b/1", "http://c/1", "http://b/2")
	var got []string
	for _, f := range spreadHosts(in) {
		got = append(got, f.URL)
	}
	want := []string{"http://a/1", "http://b/1", "http://c/1", "http://a/2", "http://b/2", "http://a/3"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	if got := dedupeURLs(feedsFor("http://a/1", "http://a/1", "http://b/1")); len(got) != 2 {
		t.Errorf("dedupeURLs kept %d feeds, want 2", len(got))
	}
}

func feedsFor(urls ...string) []newswatch.Feed {
	var out []newswatch.Feed
	for i, u := range urls {
		out = append(out, newswatch.Feed{ID: int64(i + 1), URL: u})
	}
	return out
}
