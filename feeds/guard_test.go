package feeds

import (
	"net/netip"
	"testing"
	"time"
)

func TestLegacyIPv4(t *testing.T) {
	tests := []struct {
		host string
		want string // "" for not an IPv4 spelling
	}{
		{"127.0.0.1", "127.0.0.1"},
		{"2130706433", "127.0.0.1"},
		{"0x7f000001", "127.0.0.1"},
		{"0X7F000001", "127.0.0.1"},
		{"0177.0.0.1", "127.0.0.1"},
		{"0177.1", "127.0.0.1"},
		{"127.1", "127.0.0.1"},
		{"10.1.65535", "10.1.255.255"},
		{"0x0a.0.0.1", "10.0.0.1"},
		{"0", "0.0.0.0"},
		{"4294967295", "255.255.255.255"},
		{"4294967296", ""},
		{"256.0.0.1", ""},
		{"1.2.3.4.5", ""},
		{"09.0.0.1", ""}, // 9 is not an octal digit
		{"example.com", ""},
		{"1.2.3.com", ""},
		{"", ""},
		{"1..2", ""},
	}
	for _, tt := range tests {
		got, ok := legacyIPv4(tt.host)
		gotS := ""
		if ok {
			gotS = got.String()
		}
		if gotS != tt.want {
			t.Errorf("legacyIPv4(%q) = %q, want %q", tt.host, gotS, tt.want)
		}
	}
}

func TestClassify(t *testing.T) {
	tests := []struct{ ip, want string }{
		{"127.0.0.1", "a loopback address"},
		{"127.255.0.9", "a loopback address"},
		{"::1", "a loopback address"},
		{"10.1.2.3", "a private address"},
		{"172.16.0.1", "a private address"},
		{"172.31.255.255", "a private address"},
		{"172.32.0.1", ""},
		{"192.168.1.1", "a private address"},
		{"fd00::1", "a private address"},
		{"169.254.169.254", "a link-local address"},
		{"fe80::1", "a link-local address"},
		{"100.64.0.1", "a shared (CGNAT) address"},
		{"100.127.255.255", "a shared (CGNAT) address"},
		{"100.128.0.1", ""},
		{"224.0.0.1", "a multicast address"},
		{"239.1.1.1", "a multicast address"},
		{"ff02::1", "a multicast address"},
		{"0.0.0.0", "an unspecified address"},
		{"::", "an unspecified address"},
		{"0.1.2.3", "a reserved address"},
		{"255.255.255.255", "a reserved address"},
		{"::ffff:127.0.0.1", "a loopback address"},
		{"::ffff:10.0.0.1", "a private address"},
		{"::ffff:169.254.169.254", "a link-local address"},
		{"::127.0.0.1", "a loopback address"},
		{"64:ff9b::a00:1", "a private address"},
		{"2002:7f00:1::", "a loopback address"},
		{"64:ff9b::a00:1%eth0", "a private address"},
		{"2002:7f00:1::%eth0", "a loopback address"},
		{"2001:db8::1%eth0", "a reserved address"},
		{"fe80::1%eth0", "a link-local address"},
		{"8.8.8.8", ""},
		{"2606:4700::1111", ""},
		{"93.184.216.34", ""},
	}
	for _, tt := range tests {
		if got := classify(netip.MustParseAddr(tt.ip)); got != tt.want {
			t.Errorf("classify(%s) = %q, want %q", tt.ip, got, tt.want)
		}
	}
}

func TestGuardAllow(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Allow = []string{"10.0.0.0/8", "192.168.1.7", "Feeds.Internal."}
	g, err := newGuard(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		ip      string
		allowed bool
	}{
		{"10.9.9.9", true},
		{"::ffff:10.9.9.9", true},
		{"192.168.1.7", true},
		{"192.168.1.8", false},
		{"127.0.0.1", false},
		{"8.8.8.8", true},
	}
	for _, tt := range tests {
		err := g.check(netip.MustParseAddr(tt.ip))
		if got := err == nil; got != tt.allowed {
			t.Errorf("check(%s) = %v, want allowed=%v", tt.ip, err, tt.allowed)
		}
	}
	if !g.hostAllowed("feeds.internal", "443") {
		t.Errorf("host entry not normalised: %v", g.hosts)
	}
}

func TestConfigValidate(t *testing.T) {
	def := DefaultConfig()
	if err := def.Validate(); err != nil {
		t.Fatalf("default config invalid: %v", err)
	}
	tests := []struct {
		name string
		edit func(*Config)
	}{
		{"timeout", func(c *Config) { c.Timeout = 0 }},
		{"body limit", func(c *Config) { c.BodyLimit = -1 }},
		{"redirects", func(c *Config) { c.MaxRedirects = -1 }},
		{"user agent", func(c *Config) { c.UserAgent = " " }},
		{"concurrency", func(c *Config) { c.Concurrency = 0 }},
		{"per host", func(c *Config) { c.PerHost = 0 }},
		{"min interval", func(c *Config) { c.MinInterval = 0 }},
		{"max < min", func(c *Config) { c.MaxInterval = time.Minute }},
		{"fail after", func(c *Config) { c.FailAfter = 0 }},
		{"max item age", func(c *Config) { c.MaxItemAge = -time.Hour }},
		{"bad cidr", func(c *Config) { c.Allow = []string{"10.0.0.0/99"} }},
		{"bad host", func(c *Config) { c.Allow = []string{"a b"} }},
		{"empty allow", func(c *Config) { c.Allow = []string{""} }},
	}
	for _, tt := range tests {
		c := DefaultConfig()
		tt.edit(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: Validate() = nil, want an error", tt.name)
		}
		if _, err := NewFetcher(c); err == nil {
			t.Errorf("%s: NewFetcher accepted an invalid config", tt.name)
		}
	}
}
