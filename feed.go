package newswatch

import (
	"net/url"
	"strconv"
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
	State    FeedState     // FeedActive, or FeedGone once the server answered 410

	// Fetch state.
	ETag         string
	LastModified string
	NextPollAt   time.Time

	// Health.
	LastStatus          int    // HTTP status of the last fetch; 0 when none was received
	LastError           string // the last error in plain words; "" after a success
	LastWarning         string // recoveries made parsing the last successful fetch, in plain words
	ConsecutiveFailures int
	LastAttemptAt       time.Time
	LastSuccessAt       time.Time // zero until the first successful fetch
	FailingSince        time.Time // set when marked failing; zero when healthy
	ItemCount           int

	CreatedAt time.Time
}

// Failing reports whether the feed has been marked failing.
func (f *Feed) Failing() bool { return !f.FailingSince.IsZero() }

// Gone reports whether the feed's server said it is gone for good.
func (f *Feed) Gone() bool { return f.State == FeedGone }

// FeedState is whether a feed is polled.
type FeedState string

const (
	// FeedActive is a feed that is polled (the zero value reads as it too).
	FeedActive FeedState = "active"
	// FeedGone is a feed whose server answered 410 Gone: it is no longer
	// polled until someone retries it.
	FeedGone FeedState = "gone"
)

// Valid reports whether s is a known state.
func (s FeedState) Valid() bool { return s == FeedActive || s == FeedGone }

// GoneReason is the health line of a feed that answered 410 Gone.
const GoneReason = "HTTP 410 Gone: the server says the feed was removed for good, so it is no longer polled (feed retry polls it again)"

// FetchResult is the outcome of one fetch of a feed, recorded by the store.
type FetchResult struct {
	At           time.Time
	Status       int    // HTTP status; 0 when no response arrived
	NotModified  bool   // 304
	Err          string // plain words; "" on success
	Gone         bool   // the server answered 410 Gone: stop polling the feed
	ETag         string // validators to send next time ("" keeps none)
	LastModified string
	NextPollAt   time.Time
	Title        string   // the document's title; "" leaves the stored title
	Warnings     []string // recoveries made while parsing, in plain words
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
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "", Errorf(EINVALID, "The feed URL %q has port %s; a port is a number from 1 to 65535.", raw, p)
		}
	}
	if u.User != nil {
		return "", Errorf(EINVALID, "The feed URL must not contain a user name or password.")
	}
	u.Fragment = ""
	u.Host = strings.ToLower(u.Host)
	return u.String(), nil
}
