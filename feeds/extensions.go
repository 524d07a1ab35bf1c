package feeds

import (
	"encoding/base64"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// textKind says how a field's value is to be read.
type textKind int

const (
	// kindGuess: HTML when it holds a tag of a known HTML element,
	// else text with its character references decoded (RSS titles,
	// untyped Atom text, media:description).
	kindGuess  textKind = iota
	kindText            // literal text (Atom type="text")
	kindHTML            // HTML (RSS description, Atom type="html")
	kindBase64          // base64 of text or HTML (Atom 0.3 mode="base64")
)

// toText converts s, read as kind, to plain text and the first image of
// its HTML.
func toText(s string, kind textKind, base *url.URL) (text, img string) {
	if kind == kindBase64 {
		kind = kindGuess
		compact := strings.Join(strings.Fields(s), "")
		if b, err := base64.StdEncoding.DecodeString(compact); err == nil && utf8.Valid(b) {
			s = string(b)
		}
	}
	switch {
	case kind == kindText:
		return tidy(s, true), ""
	case kind == kindGuess && !hasKnownTag(s):
		return tidy(html.UnescapeString(s), true), ""
	}
	return htmlToText(s, base)
}

// lineAs is toText on one line, for titles.
func lineAs(s string, kind textKind) string {
	text, _ := toText(s, kind, nil)
	return tidy(text, false)
}

// hasKnownTag says whether s holds a start or end tag of a known HTML
// element, or a comment: "in <Kyiv>" holds none and is text.
func hasKnownTag(s string) bool {
	for i := 0; ; {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			return false
		}
		i += j + 1
		rest := s[i:]
		if strings.HasPrefix(rest, "!--") {
			return true
		}
		rest = strings.TrimPrefix(rest, "/")
		n := 0
		for n < len(rest) && n < 12 && (isLetter(rest[n]) || n > 0 && rest[n] >= '0' && rest[n] <= '9') {
			n++
		}
		if n > 0 && (n == len(rest) || strings.IndexByte(" \t\r\n/>", rest[n]) >= 0) &&
			atom.Lookup([]byte(strings.ToLower(rest[:n]))) != 0 {
			return true
		}
	}
}

// extTitle returns a title kept only in an extension: media:title, alone or
// in a media:group (the YouTube layout).
func extTitle(it *gofeed.Item) (string, textKind) {
	if e := mediaElement(it, "title"); e != nil {
		return e.Value, mediaKind(e)
	}
	return "", kindGuess
}

// extBody returns a body kept only where gofeed does not look: XHTML
// <body> (rebuilt from gofeed's extension tree), a plain RSS <body> or
// <fullitem>, or media:description, alone or in a media:group.
func extBody(it *gofeed.Item) (string, textKind) {
	if bodies := it.Extensions["xhtml"]["body"]; len(bodies) > 0 {
		var b strings.Builder
		writeExt(&b, bodies[0], 0)
		if s := strings.TrimSpace(b.String()); s != "" {
			return s, kindHTML
		}
	}
	for _, name := range []string{"body", "fullitem"} {
		if s := strings.TrimSpace(it.Custom[name]); s != "" {
			return s, kindHTML
		}
	}
	if e := mediaElement(it, "description"); e != nil {
		return e.Value, mediaKind(e)
	}
	return "", kindGuess
}

func mediaElement(it *gofeed.Item, name string) *ext.Extension {
	media := it.Extensions["media"]
	if es := media[name]; len(es) > 0 && strings.TrimSpace(es[0].Value) != "" {
		return &es[0]
	}
	for _, g := range media["group"] {
		if es := g.Children[name]; len(es) > 0 && strings.TrimSpace(es[0].Value) != "" {
			return &es[0]
		}
	}
	return nil
}

// mediaKind reads Media RSS's type attribute: "plain" (the default) or
// "html".
func mediaKind(e *ext.Extension) textKind {
	if strings.EqualFold(e.Attrs["type"], "html") {
		return kindHTML
	}
	return kindGuess
}

// maxExtDepth bounds writeExt's recursion.
const maxExtDepth = 64

// writeExt writes an extension element back as HTML. gofeed keeps an
// element's own text apart from its children, grouped by name, so the
// text comes first and the children follow in name order: the words all
// survive, though mixed content is reordered.
func writeExt(b *strings.Builder, e ext.Extension, depth int) {
	if depth > maxExtDepth {
		return
	}
	name := strings.ToLower(e.Name)
	if depth > 0 {
		b.WriteString("<" + name)
		for _, k := range []string{"src", "href", "alt"} {
			if v, ok := e.Attrs[k]; ok {
				b.WriteString(" " + k + `="` + html.EscapeString(v) + `"`)
			}
		}
		b.WriteString(">")
	}
	b.WriteString(html.EscapeString(e.Value))
	names := make([]string, 0, len(e.Children))
	for n := range e.Children {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		for _, c := range e.Children[n] {
			b.WriteString(" ")
			writeExt(b, c, depth+1)
		}
	}
	if depth > 0 && !void(atom.Lookup([]byte(name))) {
		b.WriteString("</" + name + ">")
	}
}

// guidLink returns the item's GUID as its link when it is a permalink: an
// absolute http(s) URL not marked isPermaLink="false".
func guidLink(guid string, notPermalink bool, base *url.URL) string {
	g := strings.TrimSpace(guid)
	lower := strings.ToLower(g)
	if notPermalink || !(strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://")) {
		return ""
	}
	return resolveURL(base, g)
}
