package newswatch

import (
	"net/url"
	"strings"
	"time"
)

// Feed is a source of items: an RSS, Atom or JSON feed fetched over HTTP, or
// the built-in seeds source (URL SeedsFeedURL). A URL is stored and fetched
// once however many guilds subscribe to it.
type Feed struct {
	ID       int64
	URL      string
	Title    string        // from the document, or set by whoever added it
	Interval time.Duration // the feed's own poll interval; 0 means adaptive
	Global   bool          // declared in config (or the seeds): read-only from Discord

	// Fetch state.
	ETag         string
	LastModified string
	NextPollAt   time.Time

	// Health.
	LastStatus          int    // HTTP status of the last fetch; 0 when none was received
	LastError           string // the last error in plain words; "" after a success
	ConsecutiveFailures int
	LastAttemptAt       time.Time
	LastSuccessAt       time.Time // zero until the first successful fetch
	FailingSince        time.Time // set when marked failing; zero when healthy
	ItemCount           int

	CreatedAt time.Time
}

// Failing reports whether the feed has been marked failing.
func (f *Feed) Failing() bool { return !f.FailingSince.IsZero() }

// FetchResult is the outcome of one fetch of a feed, recorded by the store.
type FetchResult struct {
	At           time.Time
	Status       int    // HTTP status; 0 when no response arrived
	NotModified  bool   // 304
	Err          string // plain words; "" on success
	ETag         string // validators to send next time ("" keeps none)
	LastModified string
	NextPollAt   time.Time
	Title        string // the document's title; "" leaves the stored title
}

// ValidateFeedURL checks a feed URL typed by a person: absolute http or https,
// with a host, no user info, at most 2048 bytes. It returns the URL in the
// form it is stored in.
func ValidateFeedURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", Errorf(EINVALID, "A feed needs a URL.")
	}
	if len(raw) > 2048 {
		return "", Errorf(EINVALID, "The feed URL is longer than 2048 characters.")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", Errorf(EINVALID, "%q is not a valid URL.", raw)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", Errorf(EINVALID, "The feed URL must start with http:// or https:// (got %q).", raw)
	}
	if u.Host == "" || u.Hostname() == "" {
		return "", Errorf(EINVALID, "The feed URL %q has no host.", raw)
	}
	if u.User != nil {
		return "", Errorf(EINVALID, "The feed URL must not contain a user name or password.")
	}
	u.Fragment = ""
	u.Host = strings.ToLower(u.Host)
	return u.String(), nil
}
