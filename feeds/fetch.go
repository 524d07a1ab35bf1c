package feeds

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/newswatch/newswatch"
	"golang.org/x/sync/semaphore"
)

// Fetcher fetches feeds over HTTP with the limits and the SSRF guard of its
// Config. It is safe for concurrent use.
type Fetcher struct {
	cfg    Config
	client *http.Client
}

// Response is the outcome of one fetch.
type Response struct {
	URL          string // after redirects
	Status       int    // 0 when no response arrived
	NotModified  bool
	ETag         string
	LastModified string
	Document     *Document // nil unless the fetch succeeded with a body
	// MaxAge is how long the server says the document stays fresh
	// (Cache-Control max-age, else Expires), capped at a day.
	MaxAge time.Duration
	// RetryAfter is the server's Retry-After, capped at a day.
	RetryAfter time.Duration
	FetchedAt  time.Time
	// ContentLocation is the response's Content-Location resolved against
	// URL, the base of the document's relative links; "" when absent.
	ContentLocation string
	// received counts the body bytes read, for "cut after N KB".
	received int64
}

// FetchError is a failed fetch. Reason is plain words for a feed's health
// line, e.g. "HTTP 404 Not Found" or "timed out after 20s".
type FetchError struct {
	URL    string
	Status int
	Reason string
	Err    error // the cause, if any
}

// Error returns the URL and the reason.
func (e *FetchError) Error() string { return "feeds: fetch " + e.URL + ": " + e.Reason }

// Unwrap returns the cause.
func (e *FetchError) Unwrap() error { return e.Err }

// Errors of a fetch that callers recognise with errors.Is.
var (
	// ErrBodyTooLarge is a body past the configured body limit.
	ErrBodyTooLarge = errTooLarge
	// ErrTimeout is a fetch that ran out of its time, before or after the
	// headers.
	ErrTimeout = errRequestTimer
)

var (
	errTooLarge     = errors.New("body too large")
	errTooManyHops  = errors.New("too many redirects")
	errBadRedirect  = errors.New("redirect to a non-HTTP URL")
	errRequestTimer = errors.New("request deadline")
)

// NewFetcher returns a Fetcher for cfg, which must be valid.
func NewFetcher(cfg Config) (*Fetcher, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	g, err := newGuard(cfg)
	if err != nil {
		return nil, err
	}
	tr := &http.Transport{
		Proxy:                 nil, // a proxy would dial on our behalf, past the guard
		DialContext:           g.dialer(cfg.Timeout),
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          max(100, cfg.Concurrency*2),
		MaxIdleConnsPerHost:   cfg.PerHost,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: cfg.Timeout,
	}
	client := &http.Client{
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > cfg.MaxRedirects {
				return errTooManyHops
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return errBadRedirect
			}
			return nil
		},
	}
	return &Fetcher{cfg: cfg, client: client}, nil
}

// Fetch fetches and parses feed.URL, sending feed.ETag and feed.LastModified
// as validators. The Response is never nil: on error it holds what is known
// (Status, RetryAfter). Errors are *FetchError, or *NotFeedError wrapped in
// one when the body is not a feed.
func (f *Fetcher) Fetch(ctx context.Context, feed newswatch.Feed) (*Response, error) {
	res := &Response{URL: feed.URL, FetchedAt: time.Now()}
	ctx, cancel := context.WithTimeoutCause(ctx, f.cfg.Timeout, errRequestTimer)
	defer cancel()
	body, ctype, err := f.get(ctx, feed, res)
	if err != nil {
		return res, f.fail(ctx, res, err)
	}
	if res.NotModified {
		return res, nil
	}
	base := res.URL
	if res.ContentLocation != "" {
		base = res.ContentLocation
	}
	doc, err := parseBounded(ctx, body, ctype, base, res.FetchedAt)
	if err != nil {
		var nf *NotFeedError
		if !errors.As(err, &nf) {
			reason := "cancelled"
			if context.Cause(ctx) == errRequestTimer {
				reason = "reading the feed took longer than " + f.cfg.Timeout.String()
				err = errors.Join(ErrTimeout, err)
			}
			return res, &FetchError{URL: feed.URL, Status: res.Status, Reason: reason, Err: err}
		}
		return res, &FetchError{URL: feed.URL, Status: res.Status, Reason: err.Error(), Err: err}
	}
	res.Document = doc
	return res, nil
}

// MemoryLimit is the soft memory limit (as GOMEMLIMIT) the newswatch
// process sets unless GOMEMLIMIT is set. The bodies being read and parsed
// are live memory; without a limit the garbage collector lets the heap grow
// to twice that before collecting the garbage of finished parses, and
// eight large feeds at once would take the process past 300 MB.
const MemoryLimit = 256 << 20

// parseBudget is how many body bytes the whole process parses at once. A
// parse holds up to about eight times its body in memory (the pre-scan and
// the body limit see to that), so this bounds the memory of parsing
// whatever the feeds send: small feeds parse many at a time, feeds as
// large as the budget one at a time.
const parseBudget = 16 << 20

// parseSlots is the process-wide budget of bytes being parsed.
var parseSlots = semaphore.NewWeighted(parseBudget)

// parseBounded parses body within the parse budget and returns when it is
// done or ctx ends, whichever comes first. gofeed cannot be cancelled: a
// parse abandoned at the deadline runs on in its goroutine and keeps its
// share of the budget until it ends, so abandoned parses cannot pile up in
// memory either.
func parseBounded(ctx context.Context, body []byte, ctype, baseURL string, now time.Time) (*Document, error) {
	// The pre-scan costs little memory: a hostile document is refused
	// here without waiting for the budget behind large parses.
	if err := prescan(body); err != nil {
		return nil, err
	}
	n := min(max(int64(len(body)), 1), parseBudget)
	if err := parseSlots.Acquire(ctx, n); err != nil {
		return nil, err
	}
	type result struct {
		doc *Document
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer parseSlots.Release(n)
		doc, err := parseScanned(body, ctype, baseURL, now)
		done <- result{doc, err}
	}()
	select {
	case r := <-done:
		return r.doc, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// get performs the request and reads the body within the limit.
func (f *Fetcher) get(ctx context.Context, feed newswatch.Feed, res *Response) ([]byte, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, feed.URL, nil)
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("User-Agent", f.cfg.UserAgent)
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5")
	if feed.ETag != "" {
		req.Header.Set("If-None-Match", feed.ETag)
	}
	if feed.LastModified != "" {
		req.Header.Set("If-Modified-Since", feed.LastModified)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	res.URL = resp.Request.URL.String()
	res.Status = resp.StatusCode
	res.ETag = resp.Header.Get("ETag")
	res.LastModified = resp.Header.Get("Last-Modified")
	if cl := resp.Header.Get("Content-Location"); cl != "" {
		res.ContentLocation = resolveURL(resp.Request.URL, cl) // "" unless http(s)
	}
	res.MaxAge = freshness(resp.Header, res.FetchedAt)
	res.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), res.FetchedAt)
	switch {
	case resp.StatusCode == http.StatusNotModified:
		res.NotModified = true
		return nil, "", nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return nil, "", &FetchError{URL: feed.URL, Status: resp.StatusCode,
			Reason: fmt.Sprintf("HTTP %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))}
	}
	// The transport undoes gzip as it reads, so the limit counts
	// decompressed bytes and a bomb stops at BodyLimit+1.
	cr := &countingReader{r: io.LimitReader(resp.Body, f.cfg.BodyLimit+1), n: &res.received}
	body, err := io.ReadAll(cr)
	if err != nil {
		return nil, "", err
	}
	if int64(len(body)) > f.cfg.BodyLimit {
		return nil, "", errTooLarge
	}
	return body, resp.Header.Get("Content-Type"), nil
}

// countingReader counts the bytes read through it into *n.
type countingReader struct {
	r io.Reader
	n *int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	return n, err
}

// fail turns err into a *FetchError with plain words. A timeout keeps
// ErrTimeout in its chain.
func (f *Fetcher) fail(ctx context.Context, res *Response, err error) error {
	var fe *FetchError
	if errors.As(err, &fe) {
		return fe
	}
	reason := f.reason(ctx, res, err)
	if f.timedOut(ctx, err) && !errors.Is(err, errTooLarge) {
		err = errors.Join(ErrTimeout, err)
	}
	return &FetchError{URL: res.URL, Status: res.Status, Reason: reason, Err: err}
}

// timedOut reports whether err is the fetch running out of time: the
// request deadline, or a transport timeout (headers, TLS handshake, dial).
func (f *Fetcher) timedOut(ctx context.Context, err error) bool {
	if context.Cause(ctx) == errRequestTimer || errors.Is(err, errRequestTimer) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout() && ctx.Err() == nil
}

// reason words err for a feed's health line. It recognises errors by type
// and sentinel, never by their text.
func (f *Fetcher) reason(ctx context.Context, res *Response, err error) string {
	var (
		refused *RefusedError
		dnsErr  *net.DNSError
	)
	headers := res.Status != 0
	switch {
	case errors.As(err, &refused):
		return refused.Error()
	// These errors are their own cause even when the deadline passed
	// while they were returned.
	case errors.Is(err, errTooLarge):
		return "body larger than " + formatSize(f.cfg.BodyLimit)
	case errors.Is(err, errTooManyHops):
		return fmt.Sprintf("too many redirects (more than %d)", f.cfg.MaxRedirects)
	case errors.Is(err, errBadRedirect):
		return "redirected to a URL that is not http or https"
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return "no such host: " + dnsErr.Name
	case errors.As(err, &dnsErr) && ctx.Err() == nil:
		return "DNS lookup of " + dnsErr.Name + " failed"
	case f.timedOut(ctx, err) && !headers:
		return "the server did not answer within " + f.cfg.Timeout.String()
	case f.timedOut(ctx, err):
		return fmt.Sprintf("the server was still sending after %s (%s received)", f.cfg.Timeout, formatSize(res.received))
	case ctx.Err() != nil:
		return "cancelled"
	case isTLSError(err):
		return tlsReason(err)
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case headers && (errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF)):
		return "the connection was cut after " + formatSize(res.received) + " of the body"
	case errors.Is(err, syscall.ECONNRESET):
		return "the server reset the connection before answering"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "the server closed the connection before answering"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "the host cannot be reached"
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return "could not connect: " + opErr.Err.Error()
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	return msg
}

func isTLSError(err error) bool {
	var (
		certErr *tls.CertificateVerificationError
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
		invalid x509.CertificateInvalidError
		record  tls.RecordHeaderError
		alert   tls.AlertError
	)
	return errors.As(err, &certErr) || errors.As(err, &unknown) || errors.As(err, &host) ||
		errors.As(err, &invalid) || errors.As(err, &record) || errors.As(err, &alert)
}

// tlsReason words a certificate or handshake failure.
func tlsReason(err error) string {
	var (
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
		invalid x509.CertificateInvalidError
		record  tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &host):
		return "TLS certificate not valid for this host"
	case errors.As(err, &unknown):
		return "TLS certificate signed by an unknown authority"
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return "TLS certificate expired or not yet valid"
	case errors.As(err, &invalid):
		return "TLS certificate not valid"
	case errors.As(err, &record):
		return "the server does not speak TLS (HTTPS) on this port"
	}
	return "TLS handshake failed"
}

// formatSize writes n bytes as "15 MiB", "512 KiB" or "100 bytes".
func formatSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// freshness reads Cache-Control max-age, else Expires, capped at a day.
func freshness(h http.Header, now time.Time) time.Duration {
	for _, part := range strings.Split(h.Get("Cache-Control"), ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && strings.EqualFold(k, "max-age") {
			if n, err := strconv.ParseInt(strings.Trim(v, `"`), 10, 64); n > 0 && (err == nil || errors.Is(err, strconv.ErrRange)) {
				return capHint(n, time.Second)
			}
			return 0
		}
	}
	if exp := h.Get("Expires"); exp != "" {
		t, err := http.ParseTime(exp)
		if err != nil {
			return 0
		}
		ref := now
		if d, err := http.ParseTime(h.Get("Date")); err == nil {
			ref = d
		}
		if d := t.Sub(ref); d > 0 {
			return min(d, 24*time.Hour)
		}
	}
	return 0
}

// retryAfter reads Retry-After (seconds or an HTTP date), capped at a day.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		if n <= 0 {
			return 0
		}
		return capHint(n, time.Second)
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return min(t.Sub(now), 24*time.Hour)
	}
	return 0
}

// capHint is n units (n > 0), capped at hintCap before multiplying so that a
// huge server value cannot overflow into a negative duration.
func capHint(n int64, unit time.Duration) time.Duration {
	if n >= int64(hintCap/unit) {
		return hintCap
	}
	return time.Duration(n) * unit
}
