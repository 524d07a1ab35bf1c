package feeds

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// RefusedError is returned when the SSRF guard refuses to connect to an
// address: a loopback, private, link-local, shared (CGNAT), multicast,
// unspecified or reserved address that neither allow_private_networks nor
// the allow list lets through.
type RefusedError struct {
	Addr netip.Addr
	What string // e.g. "a loopback address"
	// Host is the name that resolved to Addr; "" when an address was
	// dialled as written.
	Host string
}

// Error says what was refused and which setting allows it. A refused host
// name is named without the address it resolved to: the text becomes the
// feed's health line, which Discord users read.
func (e *RefusedError) Error() string {
	if e.Host != "" {
		return fmt.Sprintf("refused: %s resolves to %s (set allow_private_networks = true or add it to allow)", e.Host, e.What)
	}
	return fmt.Sprintf("refused: %s is %s (set allow_private_networks = true or add it to allow)", e.Addr, e.What)
}

// guard decides which addresses may be dialled.
type guard struct {
	allowPrivate bool
	prefixes     []allowEntry        // address entries, with their port (0: any)
	hosts        map[string][]uint16 // host entries and their ports (0: any)
}

func newGuard(cfg Config) (*guard, error) {
	g := &guard{allowPrivate: cfg.AllowPrivateNetworks, hosts: map[string][]uint16{}}
	for i, s := range cfg.Allow {
		e, err := parseAllow(s)
		if err != nil {
			return nil, fmt.Errorf("feeds: allow[%d]: %w", i, err)
		}
		if e.host != "" {
			g.hosts[e.host] = append(g.hosts[e.host], e.port)
		} else {
			g.prefixes = append(g.prefixes, e)
		}
	}
	return g, nil
}

// hostAllowed reports whether host:port is on the allow list by name.
func (g *guard) hostAllowed(host, port string) bool {
	for _, p := range g.hosts[host] {
		if p == 0 || strconv.Itoa(int(p)) == port {
			return true
		}
	}
	return false
}

// check returns a *RefusedError when ip may not be dialled on any port.
func (g *guard) check(ip netip.Addr) error { return g.checkAt(ip, 0) }

// checkAt returns a *RefusedError when ip may not be dialled on port (0:
// a port no port-specific entry matches).
func (g *guard) checkAt(ip netip.Addr, port uint16) error {
	if g.allowPrivate {
		return nil
	}
	// A zone (fe80::1%eth0) does not change where the packets go, but
	// netip.Prefix.Contains is false for every zoned address.
	ip = ip.WithZone("")
	what := classify(ip)
	if what == "" {
		return nil
	}
	for _, e := range g.prefixes {
		if (e.port == 0 || e.port == port) && (e.prefix.Contains(ip) || e.prefix.Contains(ip.Unmap())) {
			return nil
		}
	}
	return &RefusedError{Addr: ip.Unmap(), What: what}
}

// control is the net.Dialer Control function: it runs for every connection
// attempt, with the address actually being dialled after DNS resolution.
func (g *guard) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("refused: dial address %q is not an IP address and port", address)
	}
	return g.checkAt(ap.Addr(), ap.Port())
}

// dialer returns the DialContext function of the fetcher's transport. Hosts
// on the allow list are dialled without the guard; legacy numeric IPv4
// spellings (2130706433, 0x7f000001, 0177.0.0.1) are rewritten to the
// address they denote, as browsers do, and then guarded like any other.
func (g *guard) dialer(timeout time.Duration) func(ctx context.Context, network, addr string) (net.Conn, error) {
	guarded := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second, Control: g.control}
	open := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		host = strings.TrimSuffix(strings.ToLower(host), ".")
		if g.hostAllowed(host, port) {
			return open.DialContext(ctx, network, addr)
		}
		name := host
		if ip, ok := legacyIPv4(host); ok {
			addr, name = net.JoinHostPort(ip.String(), port), ""
		} else if _, err := netip.ParseAddr(host); err == nil {
			name = ""
		}
		conn, err := guarded.DialContext(ctx, network, addr)
		var refused *RefusedError
		if name != "" && errors.As(err, &refused) {
			refused.Host = name
		}
		return conn, err
	}
}

// legacyIPv4 parses the inet_aton spellings of an IPv4 address: one to four
// dot-separated parts, each decimal, octal (leading 0) or hex (0x), the last
// part filling the remaining bytes.
func legacyIPv4(host string) (netip.Addr, bool) {
	parts := strings.Split(host, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	vals := make([]uint64, len(parts))
	for i, p := range parts {
		base := 10
		switch {
		case p == "":
			return netip.Addr{}, false
		case strings.HasPrefix(p, "0x") || strings.HasPrefix(p, "0X"):
			base, p = 16, p[2:]
			if p == "" {
				p = "0"
			}
		case len(p) > 1 && p[0] == '0':
			base, p = 8, p[1:]
		}
		v, err := strconv.ParseUint(p, base, 32)
		if err != nil {
			return netip.Addr{}, false
		}
		vals[i] = v
	}
	var n uint64
	for i, v := range vals[:len(vals)-1] {
		if v > 255 {
			return netip.Addr{}, false
		}
		n |= v << (8 * (3 - i))
	}
	last := vals[len(vals)-1]
	if last >= 1<<(8*(5-len(vals))) {
		return netip.Addr{}, false
	}
	n |= last
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true
}

var (
	cgnat    = netip.MustParsePrefix("100.64.0.0/10")
	reserved = []netip.Prefix{
		netip.MustParsePrefix("0.0.0.0/8"),
		netip.MustParsePrefix("192.0.0.0/24"),
		netip.MustParsePrefix("192.0.2.0/24"),
		netip.MustParsePrefix("198.18.0.0/15"),
		netip.MustParsePrefix("198.51.100.0/24"),
		netip.MustParsePrefix("203.0.113.0/24"),
		netip.MustParsePrefix("240.0.0.0/4"),
		netip.MustParsePrefix("100::/64"),
		netip.MustParsePrefix("2001:db8::/32"),
		netip.MustParsePrefix("fec0::/10"),
	}
	// IPv6 ranges that embed an IPv4 address in their low or second 32 bits.
	nat64  = netip.MustParsePrefix("64:ff9b::/96")
	sixto4 = netip.MustParsePrefix("2002::/16")
	compat = netip.MustParsePrefix("::/96")
)

// classify names the kind of non-public address ip is, or "" for a public one.
func classify(ip netip.Addr) string {
	ip = ip.WithZone("").Unmap()
	if ip.Is6() {
		b := ip.As16()
		switch {
		case nat64.Contains(ip) || (compat.Contains(ip) && !ip.IsUnspecified() && !ip.IsLoopback()):
			if w := classify(netip.AddrFrom4([4]byte(b[12:16]))); w != "" {
				return w
			}
		case sixto4.Contains(ip):
			if w := classify(netip.AddrFrom4([4]byte(b[2:6]))); w != "" {
				return w
			}
		}
	}
	switch {
	case ip.IsUnspecified():
		return "an unspecified address"
	case ip.IsLoopback():
		return "a loopback address"
	case ip.IsPrivate():
		return "a private address"
	case ip.IsLinkLocalUnicast():
		return "a link-local address"
	case ip.IsMulticast():
		return "a multicast address"
	case cgnat.Contains(ip):
		return "a shared (CGNAT) address"
	}
	for _, p := range reserved {
		if p.Contains(ip) {
			return "a reserved address"
		}
	}
	return ""
}
