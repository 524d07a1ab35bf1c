package bot

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// rewriter sends requests for https://discord.com to another base URL and
// shows every response's status to observe (the invalid request budget) and
// to obs (metrics).
type rewriter struct {
	base    *url.URL
	next    http.RoundTripper
	observe func(status int, h http.Header) // nil: none
	obs     Observer                        // nil: none
}

// RoundTrip implements http.RoundTripper.
func (t *rewriter) RoundTrip(req *http.Request) (*http.Response, error) {
	group := routeGroup(req.URL.Path) // before the rewrite adds the base path
	if req.URL.Host == "discord.com" && (t.base.Host != "discord.com" || t.base.Scheme != "https") {
		r := req.Clone(req.Context())
		r.URL.Scheme = t.base.Scheme
		r.URL.Host = t.base.Host
		r.URL.Path = strings.TrimSuffix(t.base.Path, "/") + req.URL.Path
		if req.URL.RawPath != "" {
			r.URL.RawPath = strings.TrimSuffix(t.base.Path, "/") + req.URL.RawPath
		}
		r.Host = ""
		req = r
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	if t.obs != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.obs.HTTPResponse(group, status, time.Since(start))
	}
	if t.observe != nil && resp != nil {
		t.observe(resp.StatusCode, resp.Header)
	}
	if c, ok := req.Context().Value(captureKey{}).(*capture); ok && resp != nil {
		c.set(resp.StatusCode, resp.Header)
	}
	return resp, err
}

type captureKey struct{}

// capture records the status and headers of the last response of a request
// made with its context, for Retry-After and rate limit headers that
// discordgo does not pass on.
type capture struct {
	mu     sync.Mutex
	status int
	header http.Header
}

func (c *capture) set(status int, h http.Header) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.status, c.header = status, h.Clone()
}

func (c *capture) get() (int, http.Header) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.status, c.header
}
