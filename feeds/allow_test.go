package feeds

import (
	"net/netip"
	"testing"
)

func TestParseAllow(t *testing.T) {
	tests := []struct {
		in   string
		want string // the error, or "" when accepted
		host string
		port uint16
		pfx  string
	}{
		{in: "intranet.example.org", host: "intranet.example.org"},
		{in: "Intranet.Example.org.", host: "intranet.example.org"},
		{in: "intranet.example.org:8080", host: "intranet.example.org", port: 8080},
		{in: "10.1.2.3", pfx: "10.1.2.3/32"},
		{in: "10.1.2.3:8080", pfx: "10.1.2.3/32", port: 8080},
		{in: "10.1.2.0/24", pfx: "10.1.2.0/24"},
		{in: "10.1.2.9/24", pfx: "10.1.2.0/24"},
		{in: "fd00::/8", pfx: "fd00::/8"},
		{in: "fd00::1", pfx: "fd00::1/128"},
		{in: "[fd00::1]", pfx: "fd00::1/128"},
		{in: "[fd00::1]:8443", pfx: "fd00::1/128", port: 8443},
		{in: "10.0.0.0/33", want: `"10.0.0.0/33": /33 is not a valid prefix length (0 to 32 for an IPv4 address)`},
		{in: "fd00::/129", want: `"fd00::/129": /129 is not a valid prefix length (0 to 128 for an IPv6 address)`},
		{in: "10.0.0/8", want: `"10.0.0/8": 10.0.0 is not an IP address (a CIDR is like 10.0.0.0/8)`},
		{in: "*", want: `"*": wildcards are not allowed; list each host, address or CIDR (or set allow_private_networks = true)`},
		{in: "*.example.org", want: `"*.example.org": wildcards are not allowed; list each host, address or CIDR (or set allow_private_networks = true)`},
		{in: "host:99999", want: `"host:99999": the port must be a number from 1 to 65535`},
		{in: "host:0", want: `"host:0": the port must be a number from 1 to 65535`},
		{in: "10.0.0.1:0", want: `"10.0.0.1:0": port 0 is not a port`},
		{in: "a b", want: `"a b" is not a host name, host:port, IP address, IP:port or CIDR`},
		{in: "user@host", want: `"user@host" is not a host name, host:port, IP address, IP:port or CIDR`},
		{in: "", want: "empty entry"},
	}
	for _, tt := range tests {
		e, err := parseAllow(tt.in)
		switch {
		case tt.want != "":
			if err == nil || err.Error() != tt.want {
				t.Errorf("parseAllow(%q) = %v, want %q", tt.in, err, tt.want)
			}
		case err != nil:
			t.Errorf("parseAllow(%q) = %v", tt.in, err)
		case e.host != tt.host || e.port != tt.port || (tt.pfx != "" && e.prefix != netip.MustParsePrefix(tt.pfx)):
			t.Errorf("parseAllow(%q) = %+v, want host %q port %d prefix %s", tt.in, e, tt.host, tt.port, tt.pfx)
		}
	}
	c := DefaultConfig()
	c.Allow = []string{"10.0.0.1", "x.example", "10.0.0.0/33"}
	if err := c.Validate(); err == nil || err.Error() != `feeds: allow[2]: "10.0.0.0/33": /33 is not a valid prefix length (0 to 32 for an IPv4 address)` {
		t.Errorf("Validate = %v", err)
	}
}

func TestGuardPorts(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Allow = []string{"10.0.0.1:8080", "feeds.internal:8443", "[fd00::1]:443"}
	g, err := newGuard(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		ip   string
		port uint16
		ok   bool
	}{
		{"10.0.0.1", 8080, true},
		{"10.0.0.1", 80, false},
		{"10.0.0.2", 8080, false},
		{"fd00::1", 443, true},
		{"fd00::1", 80, false},
	}
	for _, tt := range tests {
		if err := g.checkAt(netip.MustParseAddr(tt.ip), tt.port); (err == nil) != tt.ok {
			t.Errorf("checkAt(%s, %d) = %v, want allowed %v", tt.ip, tt.port, err, tt.ok)
		}
	}
	if !g.hostAllowed("feeds.internal", "8443") || g.hostAllowed("feeds.internal", "443") {
		t.Error("host:port entry does not limit the port")
	}
}
