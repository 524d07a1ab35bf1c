package feeds

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"syscall"

	"github.com/newswatch/newswatch"
)

// checkError carries both the user-facing *newswatch.Error and the cause,
// so newswatch.ErrorMessage finds the plain words and logs see the detail.
type checkError struct {
	user  *newswatch.Error
	cause error
}

func (e *checkError) Error() string   { return "feeds: check: " + e.cause.Error() }
func (e *checkError) Unwrap() []error { return []error{e.user, e.cause} }

// Check validates a URL typed by a person (for /feed add), fetches it through
// the same guard and limits as every poll and requires it to parse as a
// feed. It returns the feed's title. Its errors carry a *newswatch.Error
// with code EINVALID whose message names only what the person typed: no
// resolved or redirected-to address is revealed.
func (f *Fetcher) Check(ctx context.Context, rawURL string) (string, error) {
	u, err := newswatch.ValidateFeedURL(rawURL)
	if err != nil {
		return "", err
	}
	res, err := f.Fetch(ctx, newswatch.Feed{URL: u})
	if err != nil {
		return "", &checkError{user: f.userError(u, err), cause: err}
	}
	if res.Document == nil {
		// A 304 to a request without validators is a broken server.
		return "", newswatch.Errorf(newswatch.EINVALID, "%s answered without a feed.", u)
	}
	return res.Document.Title, nil
}

func (f *Fetcher) userError(u string, err error) *newswatch.Error {
	host := u
	if p, perr := url.Parse(u); perr == nil {
		host = p.Host
	}
	var (
		refused *RefusedError
		notFeed *NotFeedError
		fe      *FetchError
	)
	switch {
	case errors.Is(err, context.Canceled):
		return newswatch.Errorf(newswatch.EINVALID, "Cancelled while reading the feed from %s.", host)
	case errors.As(err, &refused):
		return newswatch.Errorf(newswatch.EINVALID, "%s leads to a private or local network address, which newswatch does not fetch.", host)
	case errors.As(err, &notFeed):
		return newswatch.Errorf(newswatch.EINVALID, "%s is not an RSS, Atom or JSON feed.", u)
	case errors.As(err, &fe) && fe.Status != 0 && (fe.Status < 200 || fe.Status > 299):
		return newswatch.Errorf(newswatch.EINVALID, "%s answered %s.", host, fe.Reason)
	case errors.Is(err, errTooLarge):
		return newswatch.Errorf(newswatch.EINVALID, "The feed at %s is larger than %s.", u, formatSize(f.cfg.BodyLimit))
	case errors.Is(err, errTooManyHops):
		return newswatch.Errorf(newswatch.EINVALID, "%s redirects too many times.", u)
	case errors.Is(err, ErrTimeout):
		return newswatch.Errorf(newswatch.EINVALID, "%s did not answer within %s.", host, f.cfg.Timeout)
	case errors.As(err, &fe) && plainClass(err):
		return newswatch.Errorf(newswatch.EINVALID, "Could not fetch a feed from %s: %s.", host, fe.Reason)
	}
	return newswatch.Errorf(newswatch.EINVALID, "Could not fetch a feed from %s.", host)
}

// plainClass reports whether err is a failure whose reason names nothing
// but what the person typed (no resolved address), so /feed add may show it.
func plainClass(err error) bool {
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr) || isTLSError(err) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}
