package newswatch

import (
	"net/url"
	"sort"
	"strings"
)

// CanonicalURL returns the identity form of an article link: two links with
// the same canonical URL are the same article, and their items one story.
// It is a key, not an address to fetch; alerts keep showing Item.Link.
//
// The rules, in order:
//   - Only absolute http and https URLs have a canonical form; anything else
//     (or a link that does not parse) returns "".
//   - A Google AMP cache or AMP viewer URL (HOST.cdn.ampproject.org/c/s/...,
//     www.google.com/amp/s/...) is replaced by the page it caches.
//   - The scheme becomes https (sites serve one article on both), the host is
//     lower-cased, its trailing dot, a default port (:80, :443) and any user
//     information are dropped.
//   - One leading "www.", "m.", "mobile." or "amp." label is dropped when at
//     least two labels remain and what remains is not a bare second-level
//     suffix such as co.uk: news sites serve the same path on their www,
//     bare, mobile and AMP hosts, and which of them is "the" canonical one is
//     not knowable from the link, so the identity uses the bare host.
//   - The fragment is dropped. In the path, an "amp" segment at its start or
//     end and ".amp" before the extension (/a.amp.html) are dropped, as is a
//     trailing slash; percent-encoding is normalised.
//   - Query parameters that track the click rather than name the article
//     (utm_*, fbclid, gclid, ... see trackingParams) and the AMP switches
//     (amp, outputType=amp) are dropped; the rest, which can identify the
//     article (?id=, ?p=, ?story_fbid=, ?v=, ?article=), are kept, sorted by
//     name so that their order does not matter.
func CanonicalURL(raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return ""
	}
	if inner, ok := ampCacheTarget(u); ok {
		if u, err = url.Parse(inner); err != nil || u.Host == "" {
			return ""
		}
	}
	u.Scheme = "https"
	u.User = nil
	u.Host = canonicalHost(u.Hostname(), u.Port())
	if u.Host == "" {
		return ""
	}
	u.Fragment, u.RawFragment = "", ""
	u.Path = canonicalPath(u.Path)
	u.RawPath = ""
	u.RawQuery = canonicalQuery(u.RawQuery)
	u.ForceQuery = false
	u.Opaque = ""
	return u.String()
}

// CanonicalLink returns the canonical URL of an item given its link and
// the rel=canonical (or the single rel=alternate) links its feed gave:
// the first hint with a canonical form wins, else the link's own form.
// A hint may name another host: an outlet that republishes a wire story
// with rel=canonical pointing to the wire's page says that it is the same
// article.
func CanonicalLink(link string, hints ...string) string {
	for _, h := range hints {
		if c := CanonicalURL(h); c != "" {
			return c
		}
	}
	return CanonicalURL(link)
}

// ampCacheTarget returns the page an AMP cache or viewer URL shows.
func ampCacheTarget(u *url.URL) (string, bool) {
	host := strings.ToLower(u.Hostname())
	var rest string
	switch {
	case strings.HasSuffix(host, ".cdn.ampproject.org"):
		// /c/s/example.com/path (https) or /c/example.com/path (http);
		// /v/ and /wp/ serve the same way.
		p := u.Path
		for _, pre := range []string{"/c/", "/v/", "/wp/", "/i/"} {
			if strings.HasPrefix(p, pre) {
				rest = p[len(pre):]
				break
			}
		}
	case (host == "google.com" || host == "www.google.com") && strings.HasPrefix(u.Path, "/amp/"):
		rest = u.Path[len("/amp/"):]
	default:
		return "", false
	}
	if rest == "" {
		return "", false
	}
	scheme := "http://"
	if strings.HasPrefix(rest, "s/") {
		scheme, rest = "https://", rest[2:]
	}
	if rest == "" || strings.HasPrefix(rest, "/") {
		return "", false
	}
	inner := scheme + rest
	if u.RawQuery != "" {
		inner += "?" + u.RawQuery
	}
	return inner, true
}

// hostPrefixes are the leading labels that name a variant of a site.
var hostPrefixes = []string{"www.", "m.", "mobile.", "amp."}

// secondLevel are labels that, under a two-letter country code, form a
// public suffix (co.uk, com.ua, org.ru): "m.co.uk" keeps its "m.".
var secondLevel = map[string]bool{"co": true, "com": true, "org": true, "net": true, "gov": true,
	"ac": true, "edu": true, "in": true, "or": true, "ne": true, "go": true, "kiev": true, "kyiv": true}

func canonicalHost(host, port string) string {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "" {
		return ""
	}
	for _, p := range hostPrefixes {
		rest, ok := strings.CutPrefix(host, p)
		if !ok {
			continue
		}
		labels := strings.Split(rest, ".")
		if len(labels) < 2 || labels[0] == "" ||
			len(labels) == 2 && secondLevel[labels[0]] && len(labels[1]) == 2 {
			break
		}
		host = rest
		break
	}
	if strings.Contains(host, ":") { // IPv6
		host = "[" + host + "]"
	}
	if port != "" && port != "80" && port != "443" {
		host += ":" + port
	}
	return host
}

func canonicalPath(p string) string {
	if p == "" || p == "/" {
		return ""
	}
	segs := strings.Split(p, "/")
	// segs[0] is "" for an absolute path.
	out := segs[:0]
	for i, s := range segs {
		if s == "" && i > 0 {
			continue // empty segments: "//" and the trailing slash
		}
		out = append(out, s)
	}
	segs = out
	if len(segs) > 2 && strings.EqualFold(segs[len(segs)-1], "amp") {
		segs = segs[:len(segs)-1]
	}
	if len(segs) > 2 && strings.EqualFold(segs[1], "amp") {
		segs = append(segs[:1], segs[2:]...)
	}
	if n := len(segs); n > 1 {
		last := segs[n-1]
		if i := strings.LastIndex(strings.ToLower(last), ".amp."); i > 0 {
			last = last[:i] + last[i+4:]
		} else if l := strings.ToLower(last); strings.HasSuffix(l, ".amp") && len(l) > 4 {
			last = last[:len(last)-4]
		}
		segs[n-1] = last
	}
	p = strings.Join(segs, "/")
	if p == "" {
		return ""
	}
	return p
}

// trackingParams are query parameters that say where a click came from,
// never which article it is.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "gclsrc": true, "dclid": true, "msclkid": true, "yclid": true,
	"mc_cid": true, "mc_eid": true, "ocid": true, "igshid": true, "_ga": true, "_gl": true,
	"ref_src": true, "ref_url": true, "cmpid": true, "cmp": true, "ito": true, "smid": true, "smtyp": true,
	"at_medium": true, "at_campaign": true, "at_custom1": true, "at_custom2": true, "at_custom3": true, "at_custom4": true,
	"ns_mchannel": true, "ns_source": true, "ns_campaign": true, "ns_linkname": true, "ns_fee": true,
	"wt.mc_id": true, "s_cid": true, "ncid": true, "sr_share": true, "guccounter": true, "guce_referrer": true,
	"guce_referrer_sig": true, "__twitter_impression": true, "twclid": true, "ttclid": true, "li_fat_id": true,
	"mkt_tok": true, "vero_id": true, "oly_anon_id": true, "oly_enc_id": true, "rb_clickid": true,
	"spm": true, "share": true, "from_rss": true, "rss": true, "utm": true, "feature": true,
	"taid": true, "xtor": true, "partner": true, "traffic_source": true, "originalreferrer": true,
}

// isTracking reports whether a query parameter is dropped from a canonical URL.
func isTracking(name, value string) bool {
	n := strings.ToLower(name)
	switch {
	case strings.HasPrefix(n, "utm_"), strings.HasPrefix(n, "hsa_"), strings.HasPrefix(n, "pk_"),
		strings.HasPrefix(n, "mtm_"), strings.HasPrefix(n, "_hs"):
		return true
	case n == "amp":
		return true
	case n == "outputtype" || n == "output":
		return strings.EqualFold(value, "amp")
	}
	return trackingParams[n]
}

func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	type kv struct{ k, v string }
	var kept []kv
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		dk, err := url.QueryUnescape(k)
		if err != nil {
			dk = k
		}
		dv, err := url.QueryUnescape(v)
		if err != nil {
			dv = v
		}
		if isTracking(dk, dv) {
			continue
		}
		kept = append(kept, kv{dk, dv})
	}
	sort.SliceStable(kept, func(i, j int) bool { return kept[i].k < kept[j].k })
	var b strings.Builder
	for i, p := range kept {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p.k))
		if p.v != "" {
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(p.v))
		}
	}
	return b.String()
}
