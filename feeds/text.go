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
// style and similar elements are dropped, block elements become line
// breaks, a link whose URL differs from its text is kept as "text (url)"
// with the URL resolved against base, runs of spaces collapse to one space
// and blank lines to one, control characters go.
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
		name, hasAttr := z.TagName()
		a := atom.Lookup(name)
		switch {
		case tt == html.EndTagToken:
			if i := open.popTo(string(name)); i >= 0 {
				if i <= skipAt {
					skipAt = -1
				}
			}
		case tt == html.StartTagToken && dropped(a):
			closed := c.closedAfter(string(name), offset)
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
			open.push(string(name))
			continue
		case tt == html.StartTagToken && !void(a):
			open.push(string(name))
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

// maxOpen bounds the element stack htmlToText keeps; deeper elements are
// not tracked (their end tags then close nothing).
const maxOpen = 1024

// openStack is the stack of open elements, outermost first, with what it
// takes to answer in constant time whether one of them ends later.
type openStack struct {
	names []string
	count map[string]int // open elements by name
	c     *closers
	// reach[i] is the offset of the last end tag of any of names[:i+1];
	// only its first valid entries are computed, when first asked.
	reach []int
	valid int
}

func (o *openStack) push(name string) {
	if len(o.names) >= maxOpen {
		return
	}
	if o.count == nil {
		o.count = map[string]int{}
	}
	o.names = append(o.names, name)
	o.count[name]++
}

// popTo closes the innermost open element of this name and all inside it,
// and returns its index, or -1 when none is open.
func (o *openStack) popTo(name string) int {
	if o.count[name] == 0 {
		return -1
	}
	i := len(o.names) - 1
	for o.names[i] != name {
		i--
	}
	for _, n := range o.names[i:] {
		o.count[n]--
	}
	o.names = o.names[:i]
	o.valid = min(o.valid, i)
	return i
}

// endsAfter says whether any open element has an end tag after offset.
func (o *openStack) endsAfter(offset int) bool {
	if len(o.names) == 0 {
		return false
	}
	o.reach = o.reach[:o.valid]
	for i := o.valid; i < len(o.names); i++ {
		r := o.c.lastClose(o.names[i])
		if i > 0 {
			r = max(r, o.reach[i-1])
		}
		o.reach = append(o.reach, r)
	}
	o.valid = len(o.names)
	return o.reach[len(o.names)-1] >= offset
}

// closers answers whether an element's end tag appears after an offset of
// the source, looking each name up once.
type closers struct {
	src   string
	lower string
	last  map[string]int
}

func (c *closers) closedAfter(name string, offset int) bool {
	return c.lastClose(name) >= offset
}

// lastClose returns the offset of the last end tag of name in the source,
// or -1.
func (c *closers) lastClose(name string) int {
	if c.last == nil {
		c.lower = asciiLower(c.src) // same offsets as src, unlike strings.ToLower
		c.last = map[string]int{}
	}
	i, ok := c.last[name]
	if !ok {
		i = strings.LastIndex(c.lower, "</"+name)
		c.last[name] = i
	}
	return i
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// fixBang makes every "<!" that does not start a comment, a doctype or a
// CDATA section text, as a browser shows it: the HTML tokenizer would
// read it as a bogus comment and drop it with everything up to the next
// ">" (or to the end). A CDATA section (a feed's escaped HTML that still
// holds one) becomes its escaped content.
func fixBang(s string) string {
	if !strings.Contains(s, "<!") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for {
		i := strings.Index(s, "<!")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		rest := s[i:]
		switch {
		case strings.HasPrefix(rest, "<!--") && strings.Contains(rest[4:], "-->"):
			j := strings.Index(rest[4:], "-->") + 7
			b.WriteString(rest[:j])
			s = rest[j:]
		case strings.HasPrefix(rest, "<![CDATA["):
			body := rest[9:]
			j := strings.Index(body, "]]>")
			if j < 0 {
				j = len(body)
				s = ""
			} else {
				s = body[j+3:]
			}
			b.WriteString(html.EscapeString(body[:j]))
		case isDoctype(rest):
			j := strings.IndexByte(rest, '>') + 1
			b.WriteString(rest[:j])
			s = rest[j:]
		default:
			b.WriteString("&lt;!")
			s = rest[2:]
		}
	}
}

// isDoctype says whether s starts with a whole "<!DOCTYPE name ...>"
// declaration: closed by ">" before any other "<".
func isDoctype(s string) bool {
	if len(s) < 10 || !strings.EqualFold(s[2:9], "doctype") {
		return false
	}
	j := strings.IndexByte(s, '>')
	return j > 0 && !strings.Contains(s[2:j], "<") && strings.TrimSpace(s[9:j]) != "" &&
		isLetter(strings.TrimSpace(s[9:j])[0])
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// rawText says whether the HTML tokenizer reads the element's content as
// raw text up to its end tag.
func rawText(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Iframe, atom.Noscript, atom.Noembed,
		atom.Noframes, atom.Xmp, atom.Textarea, atom.Title, atom.Plaintext:
		return true
	}
	return false
}

// void says whether an element never has content or an end tag.
func void(a atom.Atom) bool {
	switch a {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img,
		atom.Input, atom.Link, atom.Meta, atom.Param, atom.Source, atom.Track, atom.Wbr:
		return true
	}
	return false
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
