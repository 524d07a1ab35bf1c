package feeds

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// MaxTextLen caps an item's plain-text body, in bytes; longer texts are cut
// at a rune boundary.
const MaxTextLen = 100_000

// HTMLToText turns an HTML fragment (or plain text, which passes through)
// into plain text for matching and search: entities are unescaped, script,
// style and similar elements are dropped (one left unclosed only up to the
// end of the nearest enclosing element that ends, or just its tag when none
// does), block elements become line breaks, a link whose URL differs from
// its text is kept as "text (url)" with the URL resolved against base, "<!"
// that starts no comment or doctype stays as text and a CDATA section
// keeps its text, runs of spaces collapse to one space and blank lines to
// one, C1 controls become their windows-1252 characters and other control
// characters go.
func HTMLToText(s string, base *url.URL) string {
	text, _ := htmlToText(s, base)
	return text
}

// htmlToText is HTMLToText that also returns the first <img> source as an
// absolute http(s) URL.
func htmlToText(s string, base *url.URL) (text, img string) {
	if !strings.ContainsAny(s, "<&") {
		return tidy(s, true), ""
	}
	s = fixBang(s)
	var b strings.Builder
	b.Grow(len(s))
	z := html.NewTokenizer(strings.NewReader(s))
	c := &closers{src: s}
	open := openStack{c: c}
	skipAt := -1 // index in open of the dropped element being skipped
	offset := 0  // of the next token in s
	var href string
	var linkStart int
	for {
		tt := z.Next()
		offset += len(z.Raw())
		switch tt {
		case html.ErrorToken:
			return tidy(b.String(), true), img
		case html.TextToken:
			if skipAt < 0 {
				b.Write(z.Text())
			}
			continue
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
		default:
			continue
		}
		if tt == html.SelfClosingTagToken {
			// <script .../> is an empty element in the XHTML feeds
			// carry; the tokenizer would read on as raw text.
			z.NextIsNotRawText()
		}
		raw, hasAttr := z.TagName()
		a := atom.Lookup(raw)
		name := a.String() // a constant for known elements: no allocation
		if a == 0 {
			name = string(raw)
		}
		switch {
		case tt == html.EndTagToken:
			if i := open.popTo(name); i >= 0 {
				if i <= skipAt {
					skipAt = -1
				}
			}
		case tt == html.StartTagToken && dropped(a):
			closed := c.closedAfter(name, offset)
			if !closed && rawText(a) {
				// Unclosed, the tokenizer would read the rest as its text.
				z.NextIsNotRawText()
			}
			if skipAt < 0 && (closed || open.endsAfter(offset)) {
				// Skipped to its end tag or, unclosed, to the end
				// of the nearest ancestor that ends; with none, its
				// end cannot be known, so only its tag goes.
				skipAt = len(open.names)
			}
			open.push(name)
			continue
		case tt == html.StartTagToken && !void(a):
			open.push(name)
		}
		if skipAt >= 0 || dropped(a) {
			continue
		}
		switch {
		case a == atom.A && tt == html.StartTagToken:
			href, linkStart = "", b.Len()
			if hasAttr {
				href = linkTarget(z, base)
			}
		case a == atom.A && tt == html.EndTagToken:
			if href != "" && !strings.Contains(b.String()[linkStart:], href) {
				b.WriteString(" (" + href + ")")
			}
			href = ""
		case a == atom.Br:
			b.WriteByte('\n')
		case a == atom.Img && hasAttr:
			src, alt := imgAttrs(z)
			if img == "" {
				img = resolveURL(base, src)
			}
			if strings.TrimSpace(alt) != "" {
				b.WriteString(" " + alt + " ")
			}
		case block(a):
			b.WriteString("\n\n")
		case (a == atom.Li || a == atom.Tr || a == atom.Dt || a == atom.Dd) && tt != html.EndTagToken:
			b.WriteByte('\n')
		case a == atom.Td || a == atom.Th:
			b.WriteByte(' ')
		}
	}
}

func dropped(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Iframe,
		atom.Object, atom.Svg, atom.Math, atom.Select, atom.Button:
		return true
	}
	return false
}

func block(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Blockquote, atom.Pre, atom.Ul, atom.Ol, atom.Dl, atom.Table, atom.Section,
		atom.Article, atom.Header, atom.Footer, atom.Aside, atom.Figure, atom.Figcaption,
		atom.Hr, atom.Address, atom.Main, atom.Nav, atom.Details, atom.Summary, atom.Body, atom.Html:
		return true
	}
	return false
}

func attr(z *html.Tokenizer, want string) string {
	for {
		k, v, more := z.TagAttr()
		if string(k) == want {
			return string(v)
		}
		if !more {
			return ""
		}
	}
}

func imgAttrs(z *html.Tokenizer) (src, alt string) {
	for {
		k, v, more := z.TagAttr()
		switch string(k) {
		case "src":
			src = string(v)
		case "alt":
			alt = string(v)
		}
		if !more {
			return src, alt
		}
	}
}

// linkTarget returns the absolute http(s) URL of an <a> tag, or "".
func linkTarget(z *html.Tokenizer, base *url.URL) string {
	return resolveURL(base, attr(z, "href"))
}

// resolveURL resolves ref against base and keeps it only when the result is
// an absolute http or https URL.
func resolveURL(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// tidy normalises whitespace and drops control and invisible characters.
// multiline keeps line breaks (at most one blank line in a row); otherwise
// everything becomes one line.
func tidy(s string, multiline bool) string {
	out := make([]byte, 0, len(s))
	space, newlines := false, 0
	for i := 0; i < len(s); {
		c := s[i]
		n := 1
		if c < utf8.RuneSelf {
			switch {
			case c == '\n' && multiline:
				newlines++
				space = false
				i++
				continue
			case c == '\r' && multiline:
				i++
				continue
			case c == ' ' || c == '\t' || c == '\n' || c == '\r':
				space = true
				i++
				continue
			case c < 0x20 || c == 0x7F:
				i++
				continue
			}
		} else {
			var r rune
			r, n = utf8.DecodeRuneInString(s[i:])
			if c := c1Char(r); c != 0 {
				// A C1 control from a character reference (&#146;)
				// means its windows-1252 character, as in stripControl.
				out = appendSep(out, space, newlines)
				space, newlines = false, 0
				out = utf8.AppendRune(out, c)
				i += n
				continue
			}
			switch {
			case isControl(r) || r == '\u200b' || r == '\ufeff':
				i += n
				continue
			case unicode.IsSpace(r):
				space = true
				i += n
				continue
			}
		}
		out = appendSep(out, space, newlines)
		space, newlines = false, 0
		out = append(out, s[i:i+n]...)
		i += n
	}
	if !utf8.Valid(out) {
		out = []byte(strings.ToValidUTF8(string(out), "\uFFFD"))
	}
	return truncate(string(out), MaxTextLen)
}

// appendSep appends the separator tidy owes before the next character:
// a blank line, a line break or a space, and nothing at the start.
func appendSep(out []byte, space bool, newlines int) []byte {
	if len(out) == 0 {
		return out
	}
	switch {
	case newlines >= 2:
		return append(out, '\n', '\n')
	case newlines == 1:
		return append(out, '\n')
	case space:
		return append(out, ' ')
	}
	return out
}

// truncate cuts s to at most n bytes at a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// plainLine is HTMLToText on one line: for titles, authors and categories.
func plainLine(s string) string {
	return tidy(HTMLToText(s, nil), false)
}
