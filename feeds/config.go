package feeds

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
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
	Allow                []string // hosts, host:port, IPs, IP:port or CIDRs allowed despite the guard

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
	for i, a := range c.Allow {
		if _, err := parseAllow(a); err != nil {
			return fmt.Errorf("feeds: allow[%d]: %w", i, err)
		}
	}
	return nil
}

// allowEntry is one parsed element of Config.Allow: a prefix or a host
// name, and a port (0: any port).
type allowEntry struct {
	prefix netip.Prefix
	host   string
	port   uint16
}

// CheckAllow checks one entry of the allow list: a host name, host:port, an
// IP address, IP:port ([v6]:port for IPv6) or a CIDR. Its error says in
// plain words what is wrong with the entry, without naming the setting.
func CheckAllow(s string) error {
	_, err := parseAllow(s)
	return err
}

func parseAllow(raw string) (allowEntry, error) {
	s := strings.ToLower(strings.TrimSpace(raw))
	switch {
	case s == "":
		return allowEntry{}, errors.New("empty entry")
	case strings.Contains(s, "*"):
		return allowEntry{}, fmt.Errorf("%q: wildcards are not allowed; list each host, address or CIDR (or set allow_private_networks = true)", raw)
	case strings.Contains(s, "/"):
		return parseAllowCIDR(raw, s)
	}
	if a, err := netip.ParseAddr(strings.Trim(s, "[]")); err == nil {
		return allowEntry{prefix: netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())}, nil
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		if ap.Port() == 0 {
			return allowEntry{}, fmt.Errorf("%q: port 0 is not a port", raw)
		}
		a := ap.Addr().Unmap()
		return allowEntry{prefix: netip.PrefixFrom(a, a.BitLen()), port: ap.Port()}, nil
	}
	host, port := s, uint16(0)
	if h, p, err := net.SplitHostPort(s); err == nil {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return allowEntry{}, fmt.Errorf("%q: the port must be a number from 1 to 65535", raw)
		}
		host, port = h, uint16(n)
	}
	host = strings.TrimSuffix(host, ".")
	if !validHostName(host) {
		return allowEntry{}, fmt.Errorf("%q is not a host name, host:port, IP address, IP:port or CIDR", raw)
	}
	return allowEntry{host: host, port: port}, nil
}

// parseAllowCIDR parses a CIDR entry, saying which part is wrong.
func parseAllowCIDR(raw, s string) (allowEntry, error) {
	addr, bits, _ := strings.Cut(s, "/")
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return allowEntry{}, fmt.Errorf("%q: %s is not an IP address (a CIDR is like 10.0.0.0/8)", raw, addr)
	}
	n, err := strconv.Atoi(bits)
	if err != nil || n < 0 || n > a.BitLen() {
		return allowEntry{}, fmt.Errorf("%q: /%s is not a valid prefix length (0 to %d for an IPv%d address)", raw, bits, a.BitLen(), map[bool]int{true: 4, false: 6}[a.Is4()])
	}
	p, err := a.Prefix(n)
	if err != nil {
		return allowEntry{}, fmt.Errorf("%q is not a CIDR like 10.0.0.0/8", raw)
	}
	return allowEntry{prefix: p}, nil
}

// validHostName reports whether h is a DNS name: dot-separated labels of
// letters, digits, hyphens and underscores.
func validHostName(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}
