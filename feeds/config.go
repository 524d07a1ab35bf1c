package feeds

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/newswatch/newswatch"
)

// Config holds the fetcher and poller settings. Start from DefaultConfig.
type Config struct {
	Timeout              time.Duration // total per request, body included
	BodyLimit            int64         // bytes after decompression
	MaxRedirects         int
	UserAgent            string
	AllowPrivateNetworks bool     // turn the SSRF guard off entirely
	Allow                []string // hosts or CIDRs allowed despite the guard

	Concurrency int           // feeds fetched at once
	PerHost     int           // feeds of one host fetched at once
	MinInterval time.Duration // shortest adaptive poll interval
	MaxInterval time.Duration // longest poll interval, and the backoff cap
	FailAfter   int           // consecutive failures before a feed is marked failing
	MaxItemAge  time.Duration // items published longer ago never alert
}

// DefaultConfig returns the default settings.
func DefaultConfig() Config {
	return Config{
		Timeout:      20 * time.Second,
		BodyLimit:    15 << 20,
		MaxRedirects: 5,
		UserAgent:    "newswatch/" + newswatch.Version + " (+https://github.com/newswatch/newswatch)",
		Concurrency:  8,
		PerHost:      2,
		MinInterval:  2 * time.Minute,
		MaxInterval:  24 * time.Hour,
		FailAfter:    10,
		MaxItemAge:   48 * time.Hour,
	}
}

// Validate reports the first setting that is out of range, in words that
// name the setting.
func (c *Config) Validate() error {
	switch {
	case c.Timeout <= 0:
		return fmt.Errorf("feeds: timeout must be positive (got %s)", c.Timeout)
	case c.BodyLimit <= 0:
		return fmt.Errorf("feeds: body limit must be positive (got %d)", c.BodyLimit)
	case c.MaxRedirects < 0:
		return fmt.Errorf("feeds: max redirects must not be negative (got %d)", c.MaxRedirects)
	case strings.TrimSpace(c.UserAgent) == "":
		return fmt.Errorf("feeds: user agent must not be empty")
	case c.Concurrency < 1:
		return fmt.Errorf("feeds: concurrency must be at least 1 (got %d)", c.Concurrency)
	case c.PerHost < 1:
		return fmt.Errorf("feeds: per-host limit must be at least 1 (got %d)", c.PerHost)
	case c.MinInterval <= 0:
		return fmt.Errorf("feeds: min interval must be positive (got %s)", c.MinInterval)
	case c.MaxInterval < c.MinInterval:
		return fmt.Errorf("feeds: max interval %s is shorter than min interval %s", c.MaxInterval, c.MinInterval)
	case c.FailAfter < 1:
		return fmt.Errorf("feeds: fail_after must be at least 1 (got %d)", c.FailAfter)
	case c.MaxItemAge < 0:
		return fmt.Errorf("feeds: max item age must not be negative (got %s)", c.MaxItemAge)
	}
	for _, a := range c.Allow {
		if _, err := parseAllow(a); err != nil {
			return err
		}
	}
	return nil
}

// allowEntry is one parsed element of Config.Allow: a prefix or a host name.
type allowEntry struct {
	prefix netip.Prefix
	host   string
}

func parseAllow(s string) (allowEntry, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return allowEntry{}, fmt.Errorf("feeds: allow: empty entry")
	}
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return allowEntry{}, fmt.Errorf("feeds: allow: %q is not a CIDR like 10.0.0.0/8: %w", s, err)
		}
		return allowEntry{prefix: p.Masked()}, nil
	}
	if a, err := netip.ParseAddr(strings.Trim(s, "[]")); err == nil {
		return allowEntry{prefix: netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())}, nil
	}
	if strings.ContainsAny(s, " :@") {
		return allowEntry{}, fmt.Errorf("feeds: allow: %q is neither a host name nor a CIDR", s)
	}
	return allowEntry{host: strings.TrimSuffix(s, ".")}, nil
}
