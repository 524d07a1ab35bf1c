package feeds_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newswatch/newswatch"
	"github.com/newswatch/newswatch/feeds"
)

// testConfig allows private networks: the test servers listen on 127.0.0.1.
func testConfig() feeds.Config {
	cfg := feeds.DefaultConfig()
	cfg.AllowPrivateNetworks = true
	cfg.Timeout = 5 * time.Second
	return cfg
}

func newFetcher(t *testing.T, cfg feeds.Config) *feeds.Fetcher {
	t.Helper()
	f, err := feeds.NewFetcher(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func serve(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// reasonOf returns the plain-words reason of a fetch error.
func reasonOf(t *testing.T, err error) string {
	t.Helper()
	var fe *feeds.FetchError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not a *feeds.FetchError", err, err)
	}
	return fe.Reason
}

func TestFetchConditionalGET(t *testing.T) {
	body := fixture(t, "rss2.xml")
	var gets, notModified atomic.Int32
	var gotUA, gotINM, gotIMS atomic.Value
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		gets.Add(1)
		gotUA.Store(r.Header.Get("User-Agent"))
		gotINM.Store(r.Header.Get("If-None-Match"))
		gotIMS.Store(r.Header.Get("If-Modified-Since"))
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Mon, 06 May 2024 10:00:00 GMT")
		w.Header().Set("Cache-Control", "public, max-age=600")
		if r.Header.Get("If-None-Match") == `"v1"` {
			notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(body)
	})
	f := newFetcher(t, testConfig())
	ctx := context.Background()

	res, err := f.Fetch(ctx, newswatch.Feed{URL: srv.URL + "/feed"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != 200 || res.NotModified || res.Document == nil || len(res.Document.Items) != 2 {
		t.Fatalf("first fetch: status %d, not modified %v, doc %v", res.Status, res.NotModified, res.Document)
	}
	if res.ETag != `"v1"` || res.LastModified != "Mon, 06 May 2024 10:00:00 GMT" {
		t.Errorf("validators = %q, %q", res.ETag, res.LastModified)
	}
	if res.MaxAge != 10*time.Minute {
		t.Errorf("MaxAge = %s, want 10m", res.MaxAge)
	}
	if ua := gotUA.Load().(string); ua != "newswatch/"+newswatch.Version+" (+https://github.com/newswatch/newswatch)" {
		t.Errorf("User-Agent = %q", ua)
	}
	if inm := gotINM.Load().(string); inm != "" {
		t.Errorf("first request sent If-None-Match %q", inm)
	}

	res, err = f.Fetch(ctx, newswatch.Feed{URL: srv.URL + "/feed", ETag: res.ETag, LastModified: res.LastModified})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != 304 || !res.NotModified || res.Document != nil {
		t.Fatalf("second fetch: status %d, not modified %v, doc %v", res.Status, res.NotModified, res.Document)
	}
	if inm, ims := gotINM.Load().(string), gotIMS.Load().(string); inm != `"v1"` || ims != "Mon, 06 May 2024 10:00:00 GMT" {
		t.Errorf("validators sent = %q, %q", inm, ims)
	}
	if gets.Load() != 2 || notModified.Load() != 1 {
		t.Errorf("server saw %d requests, %d answered 304", gets.Load(), notModified.Load())
	}
}

func TestFetchGzip(t *testing.T) {
	body := fixture(t, "atom.xml")
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			t.Errorf("Accept-Encoding = %q", r.Header.Get("Accept-Encoding"))
		}
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		zw.Write(body)
		zw.Close()
	})
	res, err := newFetcher(t, testConfig()).Fetch(context.Background(), newswatch.Feed{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Document.Items[0].Title; got != "Atom entry" {
		t.Errorf("title = %q", got)
	}
}

// bombSize is the decompressed size of the gzip bomb the tests serve: far
// past the 15 MiB body limit.
const bombSize = 64 << 20

// gzipBomb is the gzip of bombSize zero bytes, compressed once: compressing on
// every request is slow enough under -race on a loaded machine to hit the
// fetch deadline before the body limit.
var gzipBomb = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	zero := make([]byte, 1<<20)
	for range bombSize / len(zero) {
		zw.Write(zero)
	}
	zw.Close()
	return buf.Bytes()
})

// gzipZeros serves the gzip bomb.
func gzipZeros(w http.ResponseWriter) {
	w.Header().Set("Content-Encoding", "gzip")
	w.Header().Set("Content-Type", "application/rss+xml")
	w.Write(gzipBomb())
}

func TestFetchGzipBomb(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { gzipZeros(w) })
	cfg := testConfig()
	cfg.Timeout = time.Minute // inflating 15 MiB under -race on a busy machine takes seconds; the limit is the point here
	f := newFetcher(t, cfg)
	t.Logf("bomb: %d KiB of gzip", len(gzipBomb())>>10) // compressed before measuring
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := f.Fetch(context.Background(), newswatch.Feed{URL: srv.URL})
	runtime.ReadMemStats(&after)
	if got, want := reasonOf(t, err), "body larger than 15 MiB"; got != want {
		t.Errorf("reason = %q, want %q", got, want)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 100<<20 {
		t.Errorf("fetch allocated %d MiB, want well under 100 MiB", alloc>>20)
	}
	if after.HeapInuse > 100<<20 {
		t.Errorf("heap in use %d MiB after the fetch", after.HeapInuse>>20)
	}
}

func TestFetchErrors(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) { w.Write(make([]byte, 2048)) })
	mux.HandleFunc("/404", http.NotFound)
	mux.HandleFunc("/500", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) })
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop2", http.StatusFound) })
	mux.HandleFunc("/loop2", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/ftp", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://example.com/x", http.StatusFound)
	})
	mux.HandleFunc("/html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write(fixture(t, "page.html"))
	})
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		hj, _ := w.(http.Hijacker)
		c, _, _ := hj.Hijack()
		c.Close()
	})
	var hops atomic.Int32
	mux.HandleFunc("/r/", func(w http.ResponseWriter, r *http.Request) {
		hops.Add(1)
		var n int
		fmt.Sscanf(r.URL.Path, "/r/%d", &n)
		if n == 0 {
			w.Write(fixture(t, "rss091.xml"))
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/r/%d", n-1), http.StatusMovedPermanently)
	})
	srv := serve(t, mux.ServeHTTP)
	cfg := testConfig()
	cfg.BodyLimit = 1024
	f := newFetcher(t, cfg)
	tests := []struct {
		path, want string
		status     int
	}{
		{"/big", "body larger than 1 KiB", 200},
		{"/404", "HTTP 404 Not Found", 404},
		{"/500", "HTTP 500 Internal Server Error", 500},
		{"/loop", "too many redirects (more than 5)", 0},
		{"/r/6", "too many redirects (more than 5)", 0},
		{"/ftp", "redirected to a URL that is not http or https", 0},
		{"/html", "not a feed: the document is an HTML page, not RSS, Atom or JSON Feed", 200},
		{"/hang", "the server closed the connection before answering", 0},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res, err := f.Fetch(context.Background(), newswatch.Feed{URL: srv.URL + tt.path})
			if err == nil {
				t.Fatalf("Fetch succeeded, want %q", tt.want)
			}
			if got := reasonOf(t, err); got != tt.want {
				t.Errorf("reason = %q, want %q", got, tt.want)
			}
			if tt.status != 0 && res.Status != tt.status {
				t.Errorf("status = %d, want %d", res.Status, tt.status)
			}
		})
	}
	t.Run("five redirects are fine", func(t *testing.T) {
		hops.Store(0)
		res, err := f.Fetch(context.Background(), newswatch.Feed{URL: srv.URL + "/r/5"})
		if err != nil {
			t.Fatal(err)
		}
		if hops.Load() != 6 || !strings.HasSuffix(res.URL, "/r/0") {
			t.Errorf("hops = %d, final URL %s", hops.Load(), res.URL)
		}
	})
	t.Run("connection refused", func(t *testing.T) {
		l, _ := net.Listen("tcp", "127.0.0.1:0")
		addr := l.Addr().String()
		l.Close()
		_, err := f.Fetch(context.Background(), newswatch.Feed{URL: "http://" + addr + "/"})
		if got := reasonOf(t, err); got != "connection refused" {
			t.Errorf("reason = %q", got)
		}
	})
}

func TestFetchRetryAfterAndExpires(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/busy" {
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		now := time.Now().UTC()
		w.Header().Set("Date", now.Format(http.TimeFormat))
		w.Header().Set("Expires", now.Add(3*time.Hour).Format(http.TimeFormat))
		w.Write(fixture(t, "rss091.xml"))
	})
	f := newFetcher(t, testConfig())
	res, err := f.Fetch(context.Background(), newswatch.Feed{URL: srv.URL + "/busy"})
	if got := reasonOf(t, err); got != "HTTP 429 Too Many Requests" {
		t.Errorf("reason = %q", got)
	}
	if res.RetryAfter != 2*time.Minute || res.Status != 429 {
		t.Errorf("RetryAfter = %s, status %d", res.RetryAfter, res.Status)
	}
	res, err = f.Fetch(context.Background(), newswatch.Feed{URL: srv.URL + "/ok"})
	if err != nil {
		t.Fatal(err)
	}
	if res.MaxAge < 3*time.Hour-2*time.Second || res.MaxAge > 3*time.Hour {
		t.Errorf("MaxAge from Expires = %s, want 3h", res.MaxAge)
	}
}

func TestFetchDripTimesOut(t *testing.T) {
	srv := serve(t, drip)
	cfg := testConfig()
	cfg.Timeout = 2 * time.Second
	start := time.Now()
	_, err := newFetcher(t, cfg).Fetch(context.Background(), newswatch.Feed{URL: srv.URL})
	// How many bytes arrived depends on the machine's pace, not on the
	// fetcher: only the reason's start is checked.
	if got := reasonOf(t, err); !strings.HasPrefix(got, "the server was still sending after 2s (") || !strings.HasSuffix(got, " bytes received)") {
		t.Errorf("reason = %q", got)
	}
	if d := time.Since(start); d < 2*time.Second || d > 4*time.Second {
		t.Errorf("took %s, want about 2s", d)
	}
}

// drip sends a valid feed one byte a second.
func drip(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/rss+xml")
	fl := w.(http.Flusher)
	for _, c := range []byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>slow</title></channel></rss>`) {
		if _, err := w.Write([]byte{c}); err != nil {
			return
		}
		fl.Flush()
		select {
		case <-r.Context().Done():
			return
		case <-time.After(time.Second):
		}
	}
}

// TestSSRFRefused: with the default config every private or local address
// is refused, however it is spelled, before any byte is sent.
func TestSSRFRefused(t *testing.T) {
	var hits atomic.Int32
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write(fixture(t, "rss091.xml"))
	})
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	p := fmt.Sprint(port)
	loop := "refused: 127.0.0.1 is a loopback address (set allow_private_networks = true or add it to allow)"
	tests := []struct {
		name, url, want string
	}{
		{"loopback v4", "http://127.0.0.1:" + p + "/", loop},
		{"loopback v4 other", "http://127.8.9.10:" + p + "/", "refused: 127.8.9.10 is a loopback address (set allow_private_networks = true or add it to allow)"},
		{"loopback v6", "http://[::1]:" + p + "/", "refused: ::1 is a loopback address (set allow_private_networks = true or add it to allow)"},
		{"10/8", "http://10.0.0.1:" + p + "/", "refused: 10.0.0.1 is a private address (set allow_private_networks = true or add it to allow)"},
		{"172.16/12", "http://172.16.5.4:" + p + "/", "refused: 172.16.5.4 is a private address (set allow_private_networks = true or add it to allow)"},
		{"192.168/16", "http://192.168.0.1:" + p + "/", "refused: 192.168.0.1 is a private address (set allow_private_networks = true or add it to allow)"},
		{"metadata", "http://169.254.169.254/latest/meta-data/", "refused: 169.254.169.254 is a link-local address (set allow_private_networks = true or add it to allow)"},
		{"cgnat", "http://100.64.0.1:" + p + "/", "refused: 100.64.0.1 is a shared (CGNAT) address (set allow_private_networks = true or add it to allow)"},
		{"multicast", "http://224.0.0.1:" + p + "/", "refused: 224.0.0.1 is a multicast address (set allow_private_networks = true or add it to allow)"},
		{"unspecified", "http://0.0.0.0:" + p + "/", "refused: 0.0.0.0 is an unspecified address (set allow_private_networks = true or add it to allow)"},
		{"unspecified v6", "http://[::]:" + p + "/", "refused: :: is an unspecified address (set allow_private_networks = true or add it to allow)"},
		{"mapped v6", "http://[::ffff:127.0.0.1]:" + p + "/", loop},
		{"mapped v6 private", "http://[::ffff:10.1.1.1]:" + p + "/", "refused: 10.1.1.1 is a private address (set allow_private_networks = true or add it to allow)"},
		{"decimal", "http://2130706433:" + p + "/", loop},
		{"octal", "http://0177.0.0.1:" + p + "/", loop},
		{"hex", "http://0x7f000001:" + p + "/", loop},
		{"short form", "http://127.1:" + p + "/", loop},
		{"trailing dot", "http://127.0.0.1.:" + p + "/", loop},
		{"localhost", "http://localhost:" + p + "/", ""}, // 127.0.0.1 or ::1, whichever the resolver lists first
		{"localhost upper", "http://LOCALHOST:" + p + "/", ""},
	}
	f := newFetcher(t, feeds.DefaultConfig())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := f.Fetch(context.Background(), newswatch.Feed{URL: tt.url})
			if err == nil {
				t.Fatalf("Fetch(%s) succeeded", tt.url)
			}
			var refused *feeds.RefusedError
			if !errors.As(err, &refused) {
				t.Fatalf("Fetch(%s) = %v, want a *feeds.RefusedError", tt.url, err)
			}
			got := reasonOf(t, err)
			if tt.want != "" && got != tt.want {
				t.Errorf("reason = %q, want %q", got, tt.want)
			}
			if !strings.Contains(got, "allow_private_networks") || !strings.Contains(got, "allow)") {
				t.Errorf("reason %q does not name the settings", got)
			}
			if res.Status != 0 {
				t.Errorf("status = %d, want no response", res.Status)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the server received %d requests", n)
	}
}

func TestSSRFRedirectToLoopback(t *testing.T) {
	var target atomic.Int32
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/internal" {
			target.Add(1)
			w.Write(fixture(t, "rss091.xml"))
			return
		}
		port := srv2port(r)
		http.Redirect(w, r, "http://127.0.0.1:"+port+"/internal", http.StatusFound)
	})
	cfg := feeds.DefaultConfig()
	cfg.Allow = []string{"localhost"} // the first hop is allowed by name
	f := newFetcher(t, cfg)
	u := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/start"
	_, err := f.Fetch(context.Background(), newswatch.Feed{URL: u})
	var refused *feeds.RefusedError
	if !errors.As(err, &refused) {
		t.Fatalf("Fetch = %v, want the redirect refused", err)
	}
	if got, want := reasonOf(t, err), "refused: 127.0.0.1 is a loopback address (set allow_private_networks = true or add it to allow)"; got != want {
		t.Errorf("reason = %q, want %q", got, want)
	}
	if target.Load() != 0 {
		t.Error("the redirect target was reached")
	}
}

func srv2port(r *http.Request) string {
	_, port, _ := net.SplitHostPort(r.Host)
	return port
}

func TestSSRFAllowList(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write(fixture(t, "rss091.xml")) })
	port := fmt.Sprint(srv.Listener.Addr().(*net.TCPAddr).Port)
	tests := []struct {
		name  string
		allow []string
		url   string
		ok    bool
	}{
		{"cidr lets it through", []string{"127.0.0.0/8"}, "http://127.0.0.1:" + port + "/", true},
		{"single address", []string{"127.0.0.1"}, "http://127.0.0.1:" + port + "/", true},
		{"cidr covers decimal spelling", []string{"127.0.0.0/8"}, "http://2130706433:" + port + "/", true},
		{"other cidr does not", []string{"10.0.0.0/8"}, "http://127.0.0.1:" + port + "/", false},
		{"host entry", []string{"localhost"}, "http://localhost:" + port + "/", true},
		{"host entry is not the address", []string{"localhost"}, "http://127.0.0.1:" + port + "/", false},
		{"cidr does not open other private ranges", []string{"127.0.0.0/8"}, "http://10.0.0.1:" + port + "/", false},
		{"address and port", []string{"127.0.0.1:" + port}, "http://127.0.0.1:" + port + "/", true},
		{"address on another port", []string{"127.0.0.1:1"}, "http://127.0.0.1:" + port + "/", false},
		{"host and port", []string{"localhost:" + port}, "http://localhost:" + port + "/", true},
		{"host on another port", []string{"localhost:1"}, "http://localhost:" + port + "/", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := feeds.DefaultConfig()
			cfg.Timeout = 2 * time.Second
			cfg.Allow = tt.allow
			_, err := newFetcher(t, cfg).Fetch(context.Background(), newswatch.Feed{URL: tt.url})
			var refused *feeds.RefusedError
			if tt.ok && err != nil {
				t.Errorf("Fetch = %v, want success", err)
			}
			if !tt.ok && !errors.As(err, &refused) {
				t.Errorf("Fetch = %v, want refused", err)
			}
		})
	}
	t.Run("allow_private_networks", func(t *testing.T) {
		if _, err := newFetcher(t, testConfig()).Fetch(context.Background(), newswatch.Feed{URL: "http://2130706433:" + port + "/"}); err != nil {
			t.Errorf("Fetch = %v, want success", err)
		}
	})
}

func TestCheck(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/feed":
			w.Write(fixture(t, "rss2.xml"))
		case "/page":
			w.Header().Set("Content-Type", "text/html")
			w.Write(fixture(t, "page.html"))
		case "/gone":
			w.WriteHeader(http.StatusGone)
		case "/to-private":
			http.Redirect(w, r, "http://10.20.30.40/secret", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	})
	host := strings.TrimPrefix(srv.URL, "http://")
	open := newFetcher(t, testConfig())
	title, err := open.Check(context.Background(), srv.URL+"/feed")
	if err != nil || title != "Example & News" {
		t.Fatalf("Check = %q, %v", title, err)
	}

	guarded := feeds.DefaultConfig()
	guarded.Allow = []string{"127.0.0.1"}
	lhCfg := feeds.DefaultConfig()
	tests := []struct {
		name string
		cfg  feeds.Config
		url  string
		want string
	}{
		{"not a url", testConfig(), "not a url", "The feed URL must start with http:// or https:// (got \"not a url\")."},
		{"ftp", testConfig(), "ftp://example.com/feed", "The feed URL must start with http:// or https:// (got \"ftp://example.com/feed\")."},
		{"html page", testConfig(), srv.URL + "/page", srv.URL + "/page is not an RSS, Atom or JSON feed."},
		{"gone", testConfig(), srv.URL + "/gone", host + " answered HTTP 410 Gone."},
		{"loopback", lhCfg, srv.URL + "/feed", host + " leads to a private or local network address, which newswatch does not fetch."},
		{"redirect to private", guarded, srv.URL + "/to-private", host + " leads to a private or local network address, which newswatch does not fetch."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newFetcher(t, tt.cfg).Check(context.Background(), tt.url)
			if code := newswatch.ErrorCode(err); code != newswatch.EINVALID {
				t.Fatalf("code = %q (%v), want %q", code, err, newswatch.EINVALID)
			}
			msg := newswatch.ErrorMessage(err)
			if msg != tt.want {
				t.Errorf("message = %q, want %q", msg, tt.want)
			}
			if strings.Contains(msg, "10.20.30.40") {
				t.Errorf("message leaks the redirect target: %q", msg)
			}
		})
	}
}

// TestSSRFZonedIPv6: an IPv6 literal with a zone (%25 in the URL) is
// classified like the same address without one. netip.Prefix.Contains is
// false for any zoned address, so the NAT64, 6to4, IPv4-compatible and
// reserved ranges let zoned forms through; on a NAT64 network
// 64:ff9b::a00:1 reaches 10.0.0.1.
func TestSSRFZonedIPv6(t *testing.T) {
	tests := []struct{ name, host, what string }{
		{"nat64 loopback", "64:ff9b::7f00:1%25lo", "a loopback address"},
		{"nat64 private", "64:ff9b::a00:1%25lo", "a private address"},
		{"6to4 loopback", "2002:7f00:1::%25lo", "a loopback address"},
		{"ipv4-compatible", "::a00:1%25lo", "a private address"},
		{"documentation", "2001:db8::1%25lo", "a reserved address"},
		{"link-local", "fe80::1%25lo", "a link-local address"},
		{"unique local", "fd00::1%25lo", "a private address"},
	}
	cfg := feeds.DefaultConfig()
	cfg.Timeout = 2 * time.Second
	f := newFetcher(t, cfg)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.Fetch(context.Background(), newswatch.Feed{URL: "http://[" + tt.host + "]:9/feed"})
			var refused *feeds.RefusedError
			if !errors.As(err, &refused) {
				t.Fatalf("Fetch = %v, want a *feeds.RefusedError", err)
			}
			if refused.What != tt.what {
				t.Errorf("refused as %q, want %q", refused.What, tt.what)
			}
		})
	}
}

// TestSSRFRefusedNameHidesAddress: a refused host name is reported by name;
// the address it resolved to stays out of the reason, which becomes the
// feed's LastError shown in Discord (a guild could otherwise point a name
// at internal hosts and read their addresses from /feed info).
func TestSSRFRefusedNameHidesAddress(t *testing.T) {
	e := newEnv(t, feeds.DefaultConfig(), nil)
	e.srv.set("/a", rssBytes("A", newsItems("a", 3, time.Now())))
	u := strings.Replace(e.url, "127.0.0.1", "localhost", 1) + "/a"
	f, err := e.db.EnsureFeed(e.ctx, u, "guild-1", "discord", 0)
	if err != nil {
		t.Fatal(err)
	}
	want := "refused: localhost resolves to a loopback address (set allow_private_networks = true or add it to allow)"
	_, err = newFetcher(t, feeds.DefaultConfig()).Fetch(context.Background(), newswatch.Feed{URL: u})
	if got := reasonOf(t, err); got != want {
		t.Errorf("Fetch reason = %q, want %q", got, want)
	}
	var refused *feeds.RefusedError
	if !errors.As(err, &refused) || !refused.Addr.IsLoopback() || refused.Host != "localhost" {
		t.Errorf("RefusedError = %+v, want the loopback address and host localhost", refused)
	}
	e.cycle(false)
	if got := e.feed(f.ID).LastError; got != want {
		t.Errorf("LastError = %q, want %q", got, want)
	}
}
